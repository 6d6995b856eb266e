#define _DEFAULT_SOURCE /* realpath */
#include "config.h"
#include "config_contracts.h"
#include "dircache.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <tree_sitter/api.h>
#include <unistd.h>

#include "ignore.h"
#include "report.h"
#include "rules.h"
#include "source.h"

const TSLanguage *tree_sitter_toml(void);

typedef struct Ctx {
    const Source *src;
    Config *cfg;
    bool pyproject; /* keys live under tool.logitlint */
    bool found;     /* a [tool.logitlint] key or table was seen */
    char *err;
    size_t errlen;
    ConfigList seen; /* full key paths, for duplicates */
} Ctx;

static const char *const KEYS[] = {"select",
                                   "extend-select",
                                   "ignore",
                                   "per-file-ignores",
                                   "exclude",
                                   "extend-exclude",
                                   "respect-gitignore",
                                   "output-format",
                                   "cache-dir",
                                   "fixable",
                                   "extend-fixable",
                                   "unfixable",
                                   NULL};

static bool fail(Ctx *c, TSNode n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static bool fail(Ctx *c, TSNode n, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    config_error_at(c->src, n, c->err, c->errlen, fmt, ap);
    va_end(ap);
    return false;
}

void config_error_at(const Source *src, TSNode n, char *err, size_t errlen, const char *fmt,
                     va_list ap) {
    int row, col;
    source_position(src, ts_node_start_byte(n), &row, &col);
    char msg[400];
    vsnprintf(msg, sizeof msg, fmt, ap);
    snprintf(err, errlen, "%s:%d:%d: %s", src->path, row, col, msg);
}

static void put_utf8(char **o, unsigned long cp) {
    unsigned char *p = (unsigned char *)*o;
    if (cp < 0x80)
        *p++ = (unsigned char)cp;
    else if (cp < 0x800)
        *p++ = (unsigned char)(0xC0 | cp >> 6), *p++ = (unsigned char)(0x80 | (cp & 0x3F));
    else if (cp < 0x10000)
        *p++ = (unsigned char)(0xE0 | cp >> 12), *p++ = (unsigned char)(0x80 | ((cp >> 6) & 0x3F)),
        *p++ = (unsigned char)(0x80 | (cp & 0x3F));
    else
        *p++ = (unsigned char)(0xF0 | cp >> 18), *p++ = (unsigned char)(0x80 | ((cp >> 12) & 0x3F)),
        *p++ = (unsigned char)(0x80 | ((cp >> 6) & 0x3F)),
        *p++ = (unsigned char)(0x80 | (cp & 0x3F));
    *o = (char *)p;
}

/* The value of a TOML string or quoted key: basic ("...", with escapes), literal ('...'), and
 * their multi-line forms. The grammar has already checked the syntax. */
static char *unquote(const Source *src, TSNode n) {
    size_t len;
    const char *t = parse_text(src, n, &len);
    bool literal = len && t[0] == '\'';
    size_t q = len >= 6 && (!strncmp(t, "\"\"\"", 3) || !strncmp(t, "'''", 3)) ? 3 : 1;
    if (len < 2 * q) return util_xstrdup("");
    const char *p = t + q, *end = t + len - q;
    if (q == 3 && p < end && *p == '\n')
        p++;
    else if (q == 3 && p + 1 < end && p[0] == '\r' && p[1] == '\n')
        p += 2;
    char *out = util_xmalloc((size_t)(end - p) * 4 + 1), *o = out;
    while (p < end) {
        if (literal || *p != '\\' || p + 1 >= end) {
            *o++ = *p++;
            continue;
        }
        char e = p[1];
        p += 2;
        switch (e) {
        case 'n':
            *o++ = '\n';
            break;
        case 't':
            *o++ = '\t';
            break;
        case 'r':
            *o++ = '\r';
            break;
        case 'b':
            *o++ = '\b';
            break;
        case 'f':
            *o++ = '\f';
            break;
        case 'e':
            *o++ = '\033';
            break;
        case 'u':
        case 'U': {
            int digits = e == 'u' ? 4 : 8;
            char hex[9] = {0};
            for (int i = 0; i < digits && p < end; i++)
                hex[i] = *p++;
            put_utf8(&o, strtoul(hex, NULL, 16));
            break;
        }
        case '\n':
        case '\r':
        case ' ':
        case '\t': /* line-ending backslash: trims the whitespace that follows */
            while (p < end && strchr(" \t\r\n", *p))
                p++;
            break;
        default:
            *o++ = e;
            break;
        }
    }
    *o = '\0';
    return out;
}

static void key_segments(const Source *src, TSNode key, ConfigList *out) {
    if (parse_is(key, "dotted_key")) {
        for (uint32_t i = 0; i < ts_node_named_child_count(key); i++)
            key_segments(src, parse_named_child(key, i), out);
    } else if (parse_is(key, "quoted_key")) {
        array_push(out, unquote(src, key));
    } else {
        size_t len;
        const char *t = parse_text(src, key, &len);
        array_push(out, util_xstrndup(t, len));
    }
}

static void list_free(ConfigList *l) {
    for (size_t i = 0; i < l->len; i++)
        free(l->items[i]);
    array_free(l);
}

static bool is_key(TSNode n) {
    return parse_is(n, "bare_key") || parse_is(n, "quoted_key") || parse_is(n, "dotted_key");
}

/* A string array; `codes`: every element must select at least one rule. */
static bool string_array(Ctx *c, TSNode value, const char *key, bool codes, ConfigList *out) {
    if (!parse_is(value, "array")) return fail(c, value, "'%s' must be an array of strings", key);
    for (uint32_t i = 0; i < ts_node_named_child_count(value); i++) {
        TSNode e = parse_named_child(value, i);
        if (parse_is(e, "comment")) continue;
        if (!parse_is(e, "string")) return fail(c, e, "'%s' must be an array of strings", key);
        char *s = unquote(c->src, e);
        if (codes) {
            bool any = false;
            for (size_t r = 0; r < rules_count; r++)
                any |= rules_match(rules_registry[r], s);
            if (!any) {
                fail(c, e, "unknown rule selector '%s' in '%s' (see `logitlint rule --all`)", s,
                     key);
                free(s);
                return false;
            }
        }
        array_push(out, s);
    }
    return true;
}

static bool per_file(Ctx *c, TSNode key_node, const char *glob, TSNode value) {
    ConfigPerFile pf = {util_xstrdup(glob), {0}};
    array_push(&c->cfg->per_file_ignores, pf);
    (void)key_node;
    return string_array(c, value, "per-file-ignores", true,
                        &c->cfg->per_file_ignores.items[c->cfg->per_file_ignores.len - 1].codes);
}

/* cache-dir: a directory, relative to the configuration's directory (cli_check.c resolves it). */
static bool cache_dir(Ctx *c, TSNode value) {
    char *dir = parse_is(value, "string") ? unquote(c->src, value) : NULL;
    if (!dir || !*dir) {
        free(dir);
        return fail(c, value, "'cache-dir' must be a non-empty string naming a directory");
    }
    free(c->cfg->cache_dir);
    c->cfg->cache_dir = dir;
    return true;
}

/* fixable / extend-fixable / unfixable: rule selectors, as select (which rules --fix may apply
 * fixes of). */
static bool fix_setting(Ctx *c, const char *k, TSNode value) {
    bool fixable = !strcmp(k, "fixable");
    if (fixable) c->cfg->has_fixable = true;
    ConfigList *l = fixable                        ? &c->cfg->fixable
                    : !strcmp(k, "extend-fixable") ? &c->cfg->extend_fixable
                                                   : &c->cfg->unfixable;
    return string_array(c, value, k, true, l);
}

/* One setting: `path` is the key relative to the configuration's root. */
static bool setting(Ctx *c, ConfigList *path, TSNode key_node, TSNode value) {
    const char *k = path->items[0];
    Config *cfg = c->cfg;
    if (!strcmp(k, "per-file-ignores")) {
        if (path->len == 2) return per_file(c, key_node, path->items[1], value);
        if (path->len > 2)
            return fail(c, key_node, "'per-file-ignores' maps a glob to an array of codes");
        if (!parse_is(value, "inline_table"))
            return fail(c, value, "'per-file-ignores' must be a table of glob = [codes]");
        for (uint32_t i = 0; i < ts_node_named_child_count(value); i++) {
            TSNode pair = parse_named_child(value, i);
            if (!parse_is(pair, "pair")) continue;
            ConfigList sub = {0};
            key_segments(c->src, parse_named_child(pair, 0), &sub);
            bool ok = sub.len == 1 ? per_file(c, pair, sub.items[0], parse_named_child(pair, 1))
                                   : fail(c, pair, "a per-file-ignores glob is one quoted key");
            list_free(&sub);
            if (!ok) return false;
        }
        return true;
    }
    if (!strcmp(k, "contracts")) /* user-declared library contracts (config_contracts.c) */
        return config_contracts_setting(cfg, c->src, path->items, path->len, key_node, value,
                                        c->err, c->errlen);
    bool known = false;
    for (const char *const *s = KEYS; *s; s++)
        known |= !strcmp(*s, k);
    if (!known || path->len > 1) {
        char *dotted = util_xstrdup("");
        for (size_t i = 0; i < path->len; i++) {
            char *prev = dotted;
            dotted = util_xasprintf("%s%s%s", prev, i ? "." : "", path->items[i]);
            free(prev);
        }
        fail(c, key_node,
             "unknown key '%s' in %s (expected one of: select, extend-select, ignore, "
             "per-file-ignores, exclude, extend-exclude, respect-gitignore, output-format, "
             "cache-dir, fixable, extend-fixable, unfixable, contracts)",
             dotted, c->pyproject ? "[tool.logitlint]" : "the configuration");
        free(dotted);
        return false;
    }
    if (strstr(k, "fixable")) return fix_setting(c, k, value);
    if (!strcmp(k, "select"))
        return cfg->has_select = true, string_array(c, value, k, true, &cfg->select);
    if (!strcmp(k, "extend-select")) return string_array(c, value, k, true, &cfg->extend_select);
    if (!strcmp(k, "ignore")) return string_array(c, value, k, true, &cfg->ignore);
    if (!strcmp(k, "exclude"))
        return cfg->has_exclude = true, string_array(c, value, k, false, &cfg->exclude);
    if (!strcmp(k, "extend-exclude")) return string_array(c, value, k, false, &cfg->extend_exclude);
    if (!strcmp(k, "respect-gitignore")) {
        if (!parse_is(value, "boolean"))
            return fail(c, value, "'respect-gitignore' must be true or false");
        cfg->has_respect_gitignore = true;
        cfg->respect_gitignore = parse_text_eq(c->src, value, "true");
        return true;
    }
    if (!strcmp(k, "cache-dir")) return cache_dir(c, value);
    /* output-format */
    if (!parse_is(value, "string")) return fail(c, value, "'output-format' must be a string");
    char *f = unquote(c->src, value);
    ReportFormat rf;
    if (!report_parse_format(f, &rf)) {
        fail(c, value, "unknown output format '%s' (%s)", f, report_format_names);
        free(f);
        return false;
    }
    free(cfg->output_format);
    cfg->output_format = f;
    return true;
}

/* One key = value under table header `prefix`. */
static bool pair(Ctx *c, const ConfigList *prefix, TSNode pair_node) {
    TSNode key = parse_named_child(pair_node, 0), value = parse_named_child(pair_node, 1);
    ConfigList path = {0};
    for (size_t i = 0; i < prefix->len; i++)
        array_push(&path, util_xstrdup(prefix->items[i]));
    key_segments(c->src, key, &path);
    /* Duplicate keys are invalid TOML; the grammar does not see them. */
    char *joined = util_xstrdup("");
    for (size_t i = 0; i < path.len; i++) {
        char *prev = joined;
        joined = util_xasprintf("%s\x1f%s", prev, path.items[i]);
        free(prev);
    }
    bool ok = true;
    for (size_t i = 0; i < c->seen.len && ok; i++)
        if (!strcmp(c->seen.items[i], joined))
            ok = fail(c, key, "duplicate key '%s'", path.items[path.len - 1]);
    array_push(&c->seen, joined);
    size_t skip = 0;
    if (ok && c->pyproject) {
        if (path.len >= 2 && !strcmp(path.items[0], "tool") && !strcmp(path.items[1], "logitlint"))
            skip = 2;
        else
            skip = SIZE_MAX; /* another tool's key */
        if (skip == 2 && path.len == 2) ok = fail(c, key, "'tool.logitlint' must be a table");
    }
    if (ok && skip != SIZE_MAX) {
        c->found = true;
        ConfigList rest = {path.items + skip, path.len - skip, 0};
        ok = setting(c, &rest, key, value);
    }
    list_free(&path);
    return ok;
}

static bool first_error(TSNode n, TSNode *out) {
    if (ts_node_is_error(n) || ts_node_is_missing(n)) return *out = n, true;
    for (uint32_t i = 0; i < ts_node_child_count(n); i++) {
        TSNode ch = ts_node_child(n, i);
        if (ts_node_has_error(ch) && first_error(ch, out)) return true;
    }
    return false;
}

static bool document(Ctx *c, TSNode root) {
    if (ts_node_has_error(root)) {
        TSNode e = root;
        first_error(root, &e);
        if (ts_node_is_missing(e)) return fail(c, e, "invalid TOML: missing '%s'", ts_node_type(e));
        /* tree-sitter wraps what it could not parse in an ERROR node; its last child is where
         * parsing stopped making sense. */
        uint32_t n = ts_node_child_count(e);
        TSNode at = n ? ts_node_child(e, n - 1) : e;
        size_t len;
        const char *t = parse_text(c->src, at, &len);
        const char *nl = memchr(t, '\n', len);
        if (nl) len = (size_t)(nl - t);
        if (!len) return fail(c, at, "invalid TOML: unexpected end of line");
        return fail(c, at, "invalid TOML: unexpected '%.*s'", (int)(len > 40 ? 40 : len), t);
    }
    ConfigList none = {0};
    for (uint32_t i = 0; i < ts_node_named_child_count(root); i++) {
        TSNode n = parse_named_child(root, i);
        if (parse_is(n, "pair")) {
            if (!pair(c, &none, n)) return false;
        } else if (parse_is(n, "table") || parse_is(n, "table_array_element")) {
            ConfigList header = {0};
            TSNode key = parse_named_child(n, 0);
            if (is_key(key)) key_segments(c->src, key, &header);
            bool ours = !c->pyproject || (header.len >= 2 && !strcmp(header.items[0], "tool") &&
                                          !strcmp(header.items[1], "logitlint"));
            bool ok = true;
            if (ours && parse_is(n, "table_array_element"))
                ok = fail(c, key, "an array of tables is not a logitlint setting");
            if (ours && c->pyproject) c->found = true;
            if (ours && !c->pyproject && header.len > 0) {
                bool known = (!strcmp(header.items[0], "per-file-ignores") ||
                              !strcmp(header.items[0], "contracts")) &&
                             header.len == 1;
                if (!known)
                    ok = fail(c, key, "unknown table [%s] in the configuration%s", header.items[0],
                              !strcmp(header.items[0], "tool")
                                  ? " (only pyproject.toml has [tool.logitlint]; elsewhere the "
                                    "settings are at the top level)"
                                  : "");
            }
            if (ours && c->pyproject && header.len > 2 &&
                !(header.len == 3 && (!strcmp(header.items[2], "per-file-ignores") ||
                                      !strcmp(header.items[2], "contracts"))))
                ok = fail(c, key, "unknown table [tool.logitlint.%s]", header.items[2]);
            for (uint32_t k = 0; ok && k < ts_node_named_child_count(n); k++) {
                TSNode p = parse_named_child(n, k);
                if (parse_is(p, "pair")) ok = pair(c, &header, p);
            }
            list_free(&header);
            if (!ok) return false;
        }
    }
    return true;
}

static const char *base_name(const char *path) {
    const char *b = strrchr(path, '/');
    return b ? b + 1 : path;
}

ConfigStatus config_parse(Config *cfg, const char *name, const char *text, size_t len,
                          bool required, char *err, size_t errlen) {
    memset(cfg, 0, sizeof *cfg);
    cfg->respect_gitignore = true;
    cfg->path = util_xstrdup(name);
    Source src;
    source_from_buffer(&src, name, util_xstrndup(text, len), len);
    TSParser *parser = ts_parser_new();
    ts_parser_set_language(parser, tree_sitter_toml());
    TSTree *tree = ts_parser_parse_string(parser, NULL, src.text, (uint32_t)src.len);
    Ctx c = {.src = &src,
             .cfg = cfg,
             .pyproject = !strcmp(base_name(name), "pyproject.toml"),
             .err = err,
             .errlen = errlen};
    bool ok;
    if (!tree)
        ok = (snprintf(err, errlen, "%s: could not be parsed", name), false);
    else if (memchr(src.text, '\0', src.len))
        ok = (snprintf(err, errlen, "%s: contains NUL bytes", name), false);
    else
        ok = document(&c, ts_tree_root_node(tree));
    list_free(&c.seen);
    if (tree) parse_tree_delete(tree);
    ts_parser_delete(parser);
    source_free(&src);
    if (!ok) return CONFIG_ERROR;
    if (c.pyproject && !c.found && !required) return CONFIG_NONE;
    return CONFIG_OK;
}

ConfigStatus config_load(Config *cfg, const char *path, bool required, char *err, size_t errlen) {
    memset(cfg, 0, sizeof *cfg);
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return CONFIG_ERROR;
    }
    size_t cap = 4096, len = 0, got;
    char *buf = util_xmalloc(cap);
    while ((got = fread(buf + len, 1, cap - len, f)) > 0)
        if ((len += got) == cap) buf = util_xrealloc(buf, cap *= 2);
    fclose(f);
    ConfigStatus st = config_parse(cfg, path, buf, len, required, err, errlen);
    free(buf);
    char *abs = realpath(path, NULL);
    if (abs) {
        char *slash = strrchr(abs, '/');
        if (slash) *(slash == abs ? slash + 1 : slash) = '\0';
    }
    cfg->dir = abs ? abs : util_xstrdup(".");
    return st;
}

void config_free(Config *cfg) {
    free(cfg->path);
    free(cfg->dir);
    list_free(&cfg->select);
    list_free(&cfg->extend_select);
    list_free(&cfg->ignore);
    list_free(&cfg->exclude);
    list_free(&cfg->extend_exclude);
    for (size_t i = 0; i < cfg->per_file_ignores.len; i++) {
        free(cfg->per_file_ignores.items[i].glob);
        list_free(&cfg->per_file_ignores.items[i].codes);
    }
    array_free(&cfg->per_file_ignores);
    free(cfg->output_format);
    free(cfg->cache_dir);
    list_free(&cfg->fixable);
    list_free(&cfg->extend_fixable);
    list_free(&cfg->unfixable);
    contracts_user_free(&cfg->contracts);
    memset(cfg, 0, sizeof *cfg);
}

bool config_patterns_match(const ConfigList *patterns, const char *rel) {
    for (size_t i = 0; i < patterns->len; i++) {
        const char *p = patterns->items[i];
        while (p[0] == '.' && p[1] == '/')
            p += 2;
        if (*p == '/') p++;
        size_t n = strlen(p);
        bool dir_only = n && p[n - 1] == '/';
        char *glob = util_xstrndup(p, dir_only ? n - 1 : n);
        bool hit = false;
        if (strchr(glob, '/')) {
            /* The path itself, or one of its parent directories. */
            hit = ignore_glob(glob, rel);
            for (const char *s = strchr(rel, '/'); !hit && s; s = strchr(s + 1, '/')) {
                char *prefix = util_xstrndup(rel, (size_t)(s - rel));
                hit = ignore_glob(glob, prefix);
                free(prefix);
            }
        } else {
            for (const char *s = rel; !hit && *s;) {
                const char *e = strchr(s, '/');
                char *comp = util_xstrndup(s, e ? (size_t)(e - s) : strlen(s));
                hit = (!dir_only || e) && ignore_glob(glob, comp);
                free(comp);
                s = e ? e + 1 : s + strlen(s);
            }
        }
        free(glob);
        if (hit) return true;
    }
    return false;
}

/* ---- resolution: the nearest configuration, walking up ---------------------------------- */

typedef struct ResolvedDir {
    char *dir;
    Config *cfg; /* NULL: none */
    bool owned, error;
} ResolvedDir;

struct ConfigResolver {
    Array(ResolvedDir) dirs;
    uint32_t *slots; /* open addressing over dirs by dir: index + 1, 0 empty (a walk asks of
                        every directory it enters, thousands) */
    size_t nslots;
    struct DirCache *listings; /* answers whether a configuration file is there (NULL: stat) */
};

ConfigResolver *config_resolver_new(struct DirCache *listings) {
    ConfigResolver *r = util_xcalloc(1, sizeof(ConfigResolver));
    r->listings = listings;
    return r;
}

/* The slot of dir: its resolution's, or the empty one. */
static uint32_t *resolved_slot(const ConfigResolver *r, const char *dir) {
    size_t s = util_hash(UTIL_HASH_SEED, dir, SIZE_MAX) & (r->nslots - 1);
    while (r->slots[s] && strcmp(r->dirs.items[r->slots[s] - 1].dir, dir))
        s = (s + 1) & (r->nslots - 1);
    return &r->slots[s];
}

static void add_resolved(ConfigResolver *r, ResolvedDir rd) {
    if ((r->dirs.len + 1) * 2 > r->nslots) {
        free(r->slots);
        r->nslots = r->nslots ? r->nslots * 2 : 64;
        r->slots = util_xcalloc(r->nslots, sizeof *r->slots);
        for (size_t i = 0; i < r->dirs.len; i++)
            *resolved_slot(r, r->dirs.items[i].dir) = (uint32_t)i + 1;
    }
    uint32_t *slot = resolved_slot(r, rd.dir);
    array_push(&r->dirs, rd);
    if (!*slot) *slot = (uint32_t)r->dirs.len; /* (else resolved meanwhile: the first stands) */
}

/* Is a regular file at path (following a link)? The directory's listing says, most often. */
static bool config_file_at(const ConfigResolver *r, const char *path) {
    DirCacheKind kind = r->listings ? dircache_kind(r->listings, path) : DIRCACHE_OTHER;
    if (kind != DIRCACHE_OTHER) return kind == DIRCACHE_FILE;
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* A path under the working directory is shown relative to it, as the user would type it. */
static const char *display_path(const char *abs) {
    static __thread char cwd[4096];
    if (!getcwd(cwd, sizeof cwd)) return abs;
    size_t n = strlen(cwd);
    if (n > 1 && !strncmp(abs, cwd, n) && abs[n] == '/') return abs + n + 1;
    return abs;
}

static const char *const NAMES[] = {".logitlint.toml", "logitlint.toml", "pyproject.toml", NULL};

const Config *config_resolve(ConfigResolver *r, const char *dir, bool *error, char *err,
                             size_t errlen) {
    *error = false;
    uint32_t at = r->nslots ? *resolved_slot(r, dir) : 0;
    if (at) {
        *error = r->dirs.items[at - 1].error;
        if (*error) snprintf(err, errlen, "(reported above)");
        return r->dirs.items[at - 1].cfg;
    }
    ResolvedDir rd = {util_xstrdup(dir), NULL, false, false};
    for (const char *const *n = NAMES; *n && !rd.cfg && !rd.error; n++) {
        char *path = util_xasprintf("%s/%s", strcmp(dir, "/") ? dir : "", *n);
        if (config_file_at(r, path)) {
            Config *cfg = util_xmalloc(sizeof *cfg);
            ConfigStatus s = config_load(cfg, display_path(path), false, err, errlen);
            if (s == CONFIG_OK)
                rd.cfg = cfg, rd.owned = true;
            else {
                rd.error = s == CONFIG_ERROR;
                config_free(cfg);
                free(cfg);
            }
        }
        free(path);
    }
    if (!rd.cfg && !rd.error && strcmp(dir, "/")) {
        char *parent = util_xstrdup(dir);
        char *slash = strrchr(parent, '/');
        if (slash) *(slash == parent ? slash + 1 : slash) = '\0';
        bool perr;
        rd.cfg = (Config *)config_resolve(r, parent, &perr, err, errlen);
        rd.error = perr;
        free(parent);
    }
    *error = rd.error;
    add_resolved(r, rd);
    return rd.cfg;
}

void config_resolver_free(ConfigResolver *r) {
    if (!r) return;
    for (size_t i = 0; i < r->dirs.len; i++) {
        if (r->dirs.items[i].owned) {
            config_free(r->dirs.items[i].cfg);
            free(r->dirs.items[i].cfg);
        }
        free(r->dirs.items[i].dir);
    }
    array_free(&r->dirs);
    free(r->slots);
    free(r);
}

/* For config_contracts.c. */
char *config_unquote(const Source *src, TSNode n) {
    return unquote(src, n);
}

void config_key_segments(const Source *src, TSNode key, ConfigList *out) {
    key_segments(src, key, out);
}
