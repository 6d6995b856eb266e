/* `logitlint check`: options, configuration, file discovery, linting, verification, reporting. */
#define _DEFAULT_SOURCE /* realpath */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "dircache.h"
#include "discover.h"
#include "fix_run.h"
#include "lint.h"
#include "noqa_add.h"
#include "problem.h"
#include "realdir.h"
#include "relocate.h"
#include "report.h"
#include "run.h"

static const char CHECK_USAGE[] =
    "Usage: logitlint check [OPTIONS] [PATH ...]\n"
    "\n"
    "Analyse Python files and Jupyter notebooks. Directories are searched recursively for *.py\n"
    "and *.ipynb files, skipping what .gitignore, .git/info/exclude and .ignore exclude, hidden\n"
    "directories, virtualenvs and (as ruff) __pycache__, __pypackages__, _build, buck-out, build,\n"
    "dist, node_modules, site-packages and venv; files named explicitly are always analysed\n"
    "(unless --force-exclude); `-` reads standard input.\n"
    "\n"
    "Configuration: [tool.logitlint] in pyproject.toml, or logitlint.toml / .logitlint.toml,\n"
    "the nearest one above each file. Options given here override it.\n"
    "\n"
    "Options:\n"
    "  --output-format FORMAT  full (default), concise, json, json-lines, sarif, github,\n"
    "                          gitlab or junit (also: LOGITLINT_OUTPUT_FORMAT)\n"
    "  --output-file PATH      Write the report to PATH instead of standard output\n"
    "  --statistics            Print the number of findings per rule instead of the findings\n"
    "  --select CODES          Only these rules (comma-separated codes or prefixes: LL101, LL1)\n"
    "  --extend-select CODES   These rules as well\n"
    "  --ignore CODES          Not these rules\n"
    "  --config PATH           Use this configuration file (no search)\n"
    "  --isolated              Ignore every configuration file\n"
    "  --exclude PATTERNS      Skip paths matching these globs (replaces the default list)\n"
    "  --extend-exclude PATTERNS  Skip these as well\n"
    "  --force-exclude         Apply the exclusions to paths named on the command line too\n"
    "  --respect-gitignore, --no-respect-gitignore\n"
    "                          Honour .gitignore, .git/info/exclude and .ignore (default: yes)\n"
    "  --no-verify             Do not compute counterexamples\n"
    "  --threads N             Worker threads (default: one per core); output order is the same\n"
    "  --no-prefilter          Parse every file, even one that none of the rules can fire on\n"
    "  --explain               Print the reviewer's explanation under each finding\n"
    "  --exit-zero             Exit 0 even when there are findings\n"
    "  --no-cache              Analyse every file, neither reading nor writing the result cache\n"
    "  --cache-dir DIR         The result cache's directory (default: .logitlint_cache in the\n"
    "                          project root; also LOGITLINT_CACHE_DIR, `cache-dir` in config)\n"
    "  --fix                   Apply the safe fixes (the files are analysed again: a fix that\n"
    "                          leaves its finding or adds one is rolled back)\n"
    "  --no-fix                Do not apply the fixes (undoes an earlier --fix)\n"
    "  --unsafe-fixes          Apply the unsafe fixes too (with --fix or --diff)\n"
    "  --no-unsafe-fixes       Never apply them, nor hint at them in the summary\n"
    "  --fixable CODES         Only these rules' fixes may be applied (replaces the\n"
    "                          configuration's fixable, extend-fixable and unfixable)\n"
    "  --extend-fixable CODES  These rules' fixes may be applied as well\n"
    "  --unfixable CODES       These rules' fixes are never applied\n"
    "  --diff                  Print the fixes as a unified diff instead of writing them (exit 1\n"
    "                          when there is one)\n"
    "  --show-fixes            List the fixes applied by --fix\n"
    "  --exit-non-zero-on-fix  Exit 1 when --fix fixed something, even if nothing remains\n"
    "  --add-noqa              Add `# noqa: CODE` on the line of every finding, and stop\n"
    "  --show-files            List the files that would be analysed, and stop\n"
    "  --show-settings         Print the settings in force for the first file, and where they\n"
    "                          come from, and stop\n"
    "  -q, --quiet             Print the findings without the summary or warnings\n"
    "  -s, --silent            Print nothing (the exit status still tells)\n"
    "  --stdin-filename NAME   The name to report for standard input\n"
    "  -h, --help              Print this help\n"
    "\n"
    "Exit status: 0 no findings, 1 findings (--diff: a diff), 2 usage error, invalid\n"
    "configuration, a path that could not be read or a file that could not be analysed (each\n"
    "also reported as E902), or fixes rolled back.\n";

typedef Array(char *) StrList;

typedef struct CheckOptions {
    ReportOptions report;
    const char *format; /* --output-format, NULL: not given */
    const char *output_file;
    const char *select; /* the last --select */
    StrList extend_select, ignore, exclude, extend_exclude;
    bool has_exclude;
    const char *config;
    bool isolated, force_exclude;
    int respect_gitignore; /* -1: not given */
    bool no_verify, exit_zero;
    bool silent; /* -s: no report on standard output, no warnings */
    bool show_files, show_settings, add_noqa;
    bool fix, diff, exit_non_zero_on_fix; /* --show-fixes: report.show_fixes */
    /* --fixable given; the selectors of --fixable, --extend-fixable and --unfixable */
    bool has_fixable;
    StrList fixable, extend_fixable, unfixable;
    bool no_prefilter;
    int threads; /* 0: one per core */
    const char *stdin_filename;
    PathList paths;
    bool no_cache;
    const char *cache_dir;
    int argc; /* the arguments, for the cache's digest of the settings */
    char **argv;
    bool *is_path; /* argv[i] is a path to analyse */
} CheckOptions;

/* Applies a selector list (comma-separated, or the elements of `list`); false (with a message)
 * on an unknown selector. */
static bool apply_selector(const char *sel, bool *enabled, bool value) {
    bool matched = false;
    for (size_t i = 0; i < rules_count; i++)
        if (rules_match(rules_registry[i], sel)) enabled[i] = value, matched = true;
    return matched;
}

static bool apply_selectors(const char *list, bool *enabled, bool value, bool reset) {
    if (reset)
        for (size_t i = 0; i < rules_count; i++)
            enabled[i] = false;
    char *copy = util_xstrdup(list);
    bool ok = true;
    for (char *tok = strtok(copy, ", "); tok; tok = strtok(NULL, ", ")) {
        if (!apply_selector(tok, enabled, value)) {
            fprintf(stderr, "logitlint: unknown rule selector '%s' (see `logitlint rule --all`)\n",
                    tok);
            ok = false;
        }
    }
    free(copy);
    return ok;
}

static void apply_config_list(const ConfigList *l, bool *enabled, bool value, bool reset) {
    if (reset)
        for (size_t i = 0; i < rules_count; i++)
            enabled[i] = false;
    for (size_t i = 0; i < l->len; i++)
        apply_selector(l->items[i], enabled, value);
}

/* --name value or --name=value */
static const char *option_value(int argc, char **argv, int *i, const char *name) {
    size_t n = strlen(name);
    if (strncmp(argv[*i], name, n) != 0) return NULL;
    if (argv[*i][n] == '=') return argv[*i] + n + 1;
    if (argv[*i][n] != '\0') return NULL;
    if (*i + 1 >= argc) {
        fprintf(stderr, "logitlint: option %s needs a value\n", name);
        return "";
    }
    return argv[++*i];
}

/* Checks a selector list given on the command line without applying it. */
static bool valid_selectors(const char *v) {
    bool scratch[64];
    return *v && apply_selectors(v, scratch, true, false);
}

/* Comma-separated patterns (or with `seps` ", ", selectors) appended to a list. */
static void split_into(StrList *l, const char *v, const char *seps) {
    char *copy = util_xstrdup(v);
    for (char *tok = strtok(copy, seps); tok; tok = strtok(NULL, seps))
        array_push(l, util_xstrdup(tok));
    free(copy);
}

/* --fixable / --extend-fixable / --unfixable CODES: false (a usage error) on a bad selector. */
static bool fix_option(int argc, char **argv, int *i, CheckOptions *o, bool *matched) {
    static const char *const NAMES[] = {"--fixable", "--extend-fixable", "--unfixable"};
    StrList *lists[] = {&o->fixable, &o->extend_fixable, &o->unfixable};
    *matched = false;
    for (int k = 0; k < 3; k++) {
        const char *v = option_value(argc, argv, i, NAMES[k]);
        if (!v) continue;
        *matched = true;
        o->has_fixable |= k == 0;
        /* `--fixable=` or an empty argument: option_value said nothing of it */
        if (!*v && (!*argv[*i] || strchr(argv[*i], '=')))
            fprintf(stderr, "logitlint: option %s needs a value\n", NAMES[k]);
        if (!valid_selectors(v)) return false;
        split_into(lists[k], v, ", ");
        return true;
    }
    return true;
}

static int parse_options(int argc, char **argv, CheckOptions *o) {
    memset(o, 0, sizeof *o);
    o->respect_gitignore = -1;
    o->report.unsafe_fixes = -1;
    o->argc = argc, o->argv = argv, o->is_path = util_xcalloc((size_t)argc + 1, sizeof(bool));
    bool only_paths = false, fix_opt;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        if (!only_paths && !fix_option(argc, argv, &i, o, &fix_opt)) return 2;
        if (!only_paths && fix_opt) continue;
        if (only_paths || a[0] != '-' || !strcmp(a, "-")) {
            array_push(&o->paths, util_xstrdup(a));
            o->is_path[i] = true;
        } else if (!strcmp(a, "--no-cache")) {
            o->no_cache = true;
        } else if ((v = option_value(argc, argv, &i, "--cache-dir"))) {
            if (!*v) return 2;
            o->cache_dir = v;
        } else if (!strcmp(a, "--")) {
            only_paths = true;
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(CHECK_USAGE, stdout);
            return -1;
        } else if ((v = option_value(argc, argv, &i, "--output-format"))) {
            ReportFormat f;
            if (!report_parse_format(v, &f)) {
                fprintf(stderr, "logitlint: unknown output format '%s' (%s)\n", v,
                        report_format_names);
                return 2;
            }
            o->format = v;
        } else if ((v = option_value(argc, argv, &i, "--output-file"))) {
            if (!*v) return 2;
            o->output_file = v;
        } else if ((v = option_value(argc, argv, &i, "--select"))) {
            if (!valid_selectors(v)) return 2;
            o->select = v;
        } else if ((v = option_value(argc, argv, &i, "--extend-select"))) {
            if (!valid_selectors(v)) return 2;
            array_push(&o->extend_select, util_xstrdup(v));
        } else if ((v = option_value(argc, argv, &i, "--ignore"))) {
            if (!valid_selectors(v)) return 2;
            array_push(&o->ignore, util_xstrdup(v));
        } else if ((v = option_value(argc, argv, &i, "--config"))) {
            if (!*v) return 2;
            o->config = v;
        } else if ((v = option_value(argc, argv, &i, "--exclude"))) {
            if (!*v) return 2;
            o->has_exclude = true;
            split_into(&o->exclude, v, ",");
        } else if ((v = option_value(argc, argv, &i, "--extend-exclude"))) {
            if (!*v) return 2;
            split_into(&o->extend_exclude, v, ",");
        } else if ((v = option_value(argc, argv, &i, "--stdin-filename"))) {
            if (!*v) return 2;
            o->stdin_filename = v;
        } else if ((v = option_value(argc, argv, &i, "--threads"))) {
            if (!*v) return 2;
            char *end;
            long n = strtol(v, &end, 10);
            if (*end || n < 1 || n > 256) {
                fprintf(stderr, "logitlint: --threads needs a number from 1 to 256, not '%s'\n", v);
                return 2;
            }
            o->threads = (int)n;
        } else if (!strcmp(a, "--no-prefilter")) {
            o->no_prefilter = true;
        } else if (!strcmp(a, "--isolated")) {
            o->isolated = true;
        } else if (!strcmp(a, "--force-exclude")) {
            o->force_exclude = true;
        } else if (!strcmp(a, "--respect-gitignore")) {
            o->respect_gitignore = 1;
        } else if (!strcmp(a, "--no-respect-gitignore")) {
            o->respect_gitignore = 0;
        } else if (!strcmp(a, "--statistics")) {
            o->report.statistics = true;
        } else if (!strcmp(a, "--no-verify")) {
            o->no_verify = true;
        } else if (!strcmp(a, "--explain")) {
            o->report.explain = true;
        } else if (!strcmp(a, "--exit-zero")) {
            o->exit_zero = true;
        } else if (!strcmp(a, "--fix") || !strcmp(a, "--no-fix")) {
            o->fix = a[2] == 'f';
        } else if (!strcmp(a, "--unsafe-fixes") || !strcmp(a, "--no-unsafe-fixes")) {
            o->report.unsafe_fixes = a[2] == 'u';
        } else if (!strcmp(a, "--diff") || !strcmp(a, "--show-fixes") ||
                   !strcmp(a, "--exit-non-zero-on-fix")) {
            *(a[2] == 'd'   ? &o->diff
              : a[2] == 's' ? &o->report.show_fixes
                            : &o->exit_non_zero_on_fix) = true;
        } else if (!strcmp(a, "--add-noqa")) {
            o->add_noqa = true;
        } else if (!strcmp(a, "--show-files") || !strcmp(a, "--show-settings")) {
            *(a[7] == 'f' ? &o->show_files : &o->show_settings) = true;
        } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet") || !strcmp(a, "-s") ||
                   !strcmp(a, "--silent")) {
            o->report.quiet = true;
            o->silent |= a[1] == 's' || a[2] == 's';
        } else {
            fprintf(stderr, "logitlint: unknown option '%s' (see `logitlint check --help`)\n", a);
            return 2;
        }
    }
    if (o->config && o->isolated) {
        fprintf(stderr, "logitlint: --config and --isolated cannot be used together\n");
        return 2;
    }
    if (o->paths.len == 0) array_push(&o->paths, util_xstrdup("."));
    return 0;
}

/* ---- configuration per file ------------------------------------------------------------ */

typedef struct Settings {
    const CheckOptions *o;
    Config explicit_cfg; /* --config */
    bool has_explicit;
    ConfigResolver *resolver;
    char *cwd;
    bool config_error; /* reported; the run stops with exit 2 */
    char *last_dir;    /* the previous lookup: a walk asks for one directory many times */
    const Config *last_cfg;
    RealDirs *reals;   /* the canonical paths of the files' directories (realdir.h) */
    DiagList problems; /* paths that could not be read, found while discovering */
    const PathList *files;
    DiscoverStats stats; /* in step with files: what the walk learnt of each */
    DirCache *dirs;      /* the listings the walk read, for the run's imports (dircache.h) */
    bool (*enabled)[64]; /* per file: the rules in force */
} Settings;

static char *parent_dir(const char *abs) {
    char *d = util_xstrdup(abs);
    char *slash = strrchr(d, '/');
    if (slash) *(slash == d ? slash + 1 : slash) = '\0';
    return d;
}

/* The configuration in force for absolute directory `dir` (NULL: none). */
static const Config *settings_config(Settings *s, const char *dir) {
    if (s->o->isolated) return NULL;
    if (s->has_explicit) return &s->explicit_cfg;
    if (s->last_dir && !strcmp(s->last_dir, dir)) return s->last_cfg;
    bool error;
    char err[600];
    const Config *c = config_resolve(s->resolver, dir, &error, err, sizeof err);
    if (error && !s->config_error) fprintf(stderr, "logitlint: %s\n", err);
    if (error) s->config_error = true;
    free(s->last_dir);
    s->last_dir = util_xstrdup(dir);
    s->last_cfg = c;
    return c;
}

/* `abs` relative to the configuration's directory (or the working directory). */
static const char *relative_to(const char *abs, const char *dir) {
    size_t n = strlen(dir);
    if (n == 1 && dir[0] == '/') return abs + 1;
    if (!strncmp(abs, dir, n) && abs[n] == '/') return abs + n + 1;
    if (!strncmp(abs, dir, n) && !abs[n]) return "";
    return abs[0] == '/' ? abs + 1 : abs;
}

static bool match_list(const StrList *l, const char *rel) {
    ConfigList cl = {l->items, l->len, l->cap};
    return config_patterns_match(&cl, rel);
}

/* Slash-less patterns see only the last component of a walked path (its parents were checked
 * on the way down); an explicit path is checked in full. */
static bool excluded(const ConfigList *l, const char *rel, bool whole) {
    if (whole) return config_patterns_match(l, rel);
    const char *base = strrchr(rel, '/');
    base = base ? base + 1 : rel;
    for (size_t i = 0; i < l->len; i++) {
        ConfigList one = {&l->items[i], 1, 1};
        if (config_patterns_match(&one, strchr(l->items[i], '/') ? rel : base)) return true;
    }
    return false;
}

static bool settings_skip(void *ctx, const char *abs, bool is_dir, bool gitignored,
                          bool explicit_path) {
    Settings *s = ctx;
    char *dir = parent_dir(abs);
    const Config *c = settings_config(s, dir);
    free(dir);
    bool respect = s->o->respect_gitignore >= 0    ? s->o->respect_gitignore
                   : c && c->has_respect_gitignore ? c->respect_gitignore
                                                   : true;
    if (gitignored && respect) return true;
    const char *rel = relative_to(abs, c ? c->dir : s->cwd);
    if (!*rel) return false;
    const char *cli_rel = relative_to(abs, s->cwd);
    if (s->o->has_exclude) {
        if (match_list(&s->o->exclude, cli_rel)) return true;
    } else if (c && c->has_exclude) {
        if (excluded(&c->exclude, rel, explicit_path)) return true;
    } else {
        ConfigList defaults = {(char **)discover_default_excludes, 0, 0};
        while (discover_default_excludes[defaults.len])
            defaults.len++;
        /* A directory named on the command line is never skipped by the built-in list. */
        if (is_dir && !explicit_path && excluded(&defaults, rel, false)) return true;
    }
    if (c && excluded(&c->extend_exclude, rel, explicit_path)) return true;
    if (s->o->extend_exclude.len && match_list(&s->o->extend_exclude, cli_rel)) return true;
    return false;
}

static void settings_problem(void *ctx, const char *path, const char *message) {
    problem_add(&((Settings *)ctx)->problems, path, message);
}

/* The library contracts a configuration declares (NULL: none). */
static const UserContracts *file_contracts(const Config *c) {
    return c && c->contracts.len ? &c->contracts : NULL;
}

/* The rules enabled for one file (ds: what the walk learnt of it): configuration, then the
 * command line, then per-file-ignores. Returns the configuration used (NULL: none). */
static const Config *settings_enabled(Settings *s, const char *path, const DiscoverStat *ds,
                                      bool *enabled) {
    for (size_t i = 0; i < rules_count; i++)
        enabled[i] = true;
    char *abs = NULL;
    if (strcmp(path, "-"))
        abs = ds->plain ? realdir_path_plain(s->reals, path) : realdir_path(s->reals, path);
    if (!abs) {
        const char *name = strcmp(path, "-")      ? path
                           : s->o->stdin_filename ? s->o->stdin_filename
                                                  : "-";
        abs = name[0] == '/' ? util_xstrdup(name) : util_xasprintf("%s/%s", s->cwd, name);
    }
    char *dir = parent_dir(abs);
    const Config *c = settings_config(s, dir);
    free(dir);
    if (c) {
        if (c->has_select) apply_config_list(&c->select, enabled, true, true);
        apply_config_list(&c->extend_select, enabled, true, false);
        apply_config_list(&c->ignore, enabled, false, false);
    }
    if (s->o->select) apply_selectors(s->o->select, enabled, true, true);
    for (size_t i = 0; i < s->o->extend_select.len; i++)
        apply_selectors(s->o->extend_select.items[i], enabled, true, false);
    for (size_t i = 0; i < s->o->ignore.len; i++)
        apply_selectors(s->o->ignore.items[i], enabled, false, false);
    if (c) {
        const char *rel = relative_to(abs, c->dir);
        for (size_t i = 0; i < c->per_file_ignores.len; i++) {
            const ConfigPerFile *pf = &c->per_file_ignores.items[i];
            char *g = pf->glob;
            ConfigList one = {&g, 1, 1};
            if (excluded(&one, rel, false)) apply_config_list(&pf->codes, enabled, false, false);
        }
    }
    free(abs);
    return c;
}

/* ---- --show-files, --show-settings --------------------------------------------------------- */

static void print_toml_list(const char *key, char *const *items, size_t n) {
    printf("%s = [", key);
    for (size_t i = 0; i < n; i++)
        printf("%s\"%s\"", i ? ", " : "", items[i]);
    printf("]\n");
}

/* fixable / unfixable / extend-fixable as --fix uses them: --fixable replaces the
 * configuration's three (ruff's layering), the other two options add to them. */
static void print_fix_settings(const CheckOptions *o, const Config *c) {
    static char *const all[] = {"ALL"};
    bool from_config = c && !o->has_fixable;
    if (o->has_fixable)
        print_toml_list("fixable", o->fixable.items, o->fixable.len);
    else if (c && c->has_fixable)
        print_toml_list("fixable", c->fixable.items, c->fixable.len);
    else
        print_toml_list("fixable", all, 1);
    const StrList *cli[] = {&o->unfixable, &o->extend_fixable};
    const char *keys[] = {"unfixable", "extend-fixable"};
    for (int k = 0; k < 2; k++) {
        const ConfigList *cfg = !from_config ? NULL : k ? &c->extend_fixable : &c->unfixable;
        StrList all_of = {0};
        for (size_t i = 0; cfg && i < cfg->len; i++)
            array_push(&all_of, cfg->items[i]);
        for (size_t i = 0; i < cli[k]->len; i++)
            array_push(&all_of, cli[k]->items[i]);
        print_toml_list(keys[k], all_of.items, all_of.len);
        array_free(&all_of);
    }
}

/* What `check` would use for `path`: the configuration file it came from, and every setting
 * after the command line is applied, as TOML. */
static void show_settings(Settings *s, const char *path, const bool *enabled, const Config *c,
                          ReportFormat format) {
    const CheckOptions *o = s->o;
    printf("Resolved settings for: %s\n", path);
    if (o->isolated)
        printf("Settings path: (none: --isolated)\n");
    else if (!c)
        printf("Settings path: (none: built-in defaults)\n");
    else if (c->path[0] == '/')
        printf("Settings path: %s\n", c->path);
    else /* found by the search: name it absolutely, in its directory */
        printf("Settings path: %s/%s\n", strcmp(c->dir, "/") ? c->dir : "",
               strrchr(c->path, '/') ? strrchr(c->path, '/') + 1 : c->path);
    printf("\n");
    StrList codes = {0};
    for (size_t i = 0; i < rules_count; i++)
        if (enabled[i]) array_push(&codes, (char *)rules_registry[i]->code);
    print_toml_list("select", codes.items, codes.len);
    array_free(&codes);
    printf("output-format = \"%s\"\n", report_format_name(format));
    bool respect = o->respect_gitignore >= 0       ? o->respect_gitignore
                   : c && c->has_respect_gitignore ? c->respect_gitignore
                                                   : true;
    printf("respect-gitignore = %s\n", respect ? "true" : "false");
    printf("force-exclude = %s\n", o->force_exclude ? "true" : "false");
    if (o->has_exclude) {
        print_toml_list("exclude", o->exclude.items, o->exclude.len);
    } else if (c && c->has_exclude) {
        print_toml_list("exclude", c->exclude.items, c->exclude.len);
    } else {
        size_t n = 0;
        while (discover_default_excludes[n])
            n++;
        print_toml_list("exclude", (char *const *)discover_default_excludes, n);
    }
    StrList extend = {0};
    for (size_t i = 0; c && i < c->extend_exclude.len; i++)
        array_push(&extend, c->extend_exclude.items[i]);
    for (size_t i = 0; i < o->extend_exclude.len; i++)
        array_push(&extend, o->extend_exclude.items[i]);
    print_toml_list("extend-exclude", extend.items, extend.len);
    array_free(&extend);
    print_fix_settings(o, c);
    printf("\n[per-file-ignores]\n");
    for (size_t i = 0; c && i < c->per_file_ignores.len; i++) {
        char *key = util_xasprintf("\"%s\"", c->per_file_ignores.items[i].glob);
        print_toml_list(key, c->per_file_ignores.items[i].codes.items,
                        c->per_file_ignores.items[i].codes.len);
        free(key);
    }
}

/* The project root for repository-relative paths: the enclosing git work tree, or the working
 * directory. */
static char *project_root(const char *cwd) {
    char *d = util_xstrdup(cwd);
    for (;;) {
        char *git = util_xasprintf("%s/.git", strcmp(d, "/") ? d : "");
        struct stat st;
        bool found = stat(git, &st) == 0;
        free(git);
        if (found) return d;
        char *slash = strrchr(d, '/');
        if (!slash || slash == d) break;
        *slash = '\0';
    }
    free(d);
    return util_xstrdup(cwd);
}

/* ---- the result cache ---------------------------------------------------------------------- */

/* Options that change only how findings are shown, never which: left out of the cache's digest of
 * the settings, so a warm run in another format reuses the entries (--no-verify: an entry without
 * counterexamples is verified when next read; see run.c). Every other option is in it, so one
 * added later is covered unlisted. */
static const struct {
    const char *name;
    bool takes_value;
} DISPLAY_OPTIONS[] = {{"--output-format", true}, {"--output-file", true}, {"--statistics", false},
                       {"--explain", false},      {"--exit-zero", false},  {"--no-verify", false},
                       {"--threads", true},       {"--cache-dir", true},   {"-q", false},
                       {"--quiet", false},        {"-s", false},           {"--silent", false},
                       {"--show-fixes", false},   {"--exit-non-zero-on-fix", false},
                       {"--fixable", true},       {"--extend-fixable", true},
                       {"--unfixable", true},     {"--unsafe-fixes", false},
                       {"--no-unsafe-fixes", false}, {NULL, false}};

/* The digest of the options given, but the paths and the display options. */
static Hash128 options_digest(const Cache *cache, const CheckOptions *o) {
    HashState h;
    cache_settings_begin(cache, &h);
    for (int i = 1; i < o->argc; i++) {
        const char *a = o->argv[i];
        bool display = false;
        for (size_t k = 0; DISPLAY_OPTIONS[k].name && !display; k++) {
            size_t n = strlen(DISPLAY_OPTIONS[k].name);
            if (strncmp(a, DISPLAY_OPTIONS[k].name, n) || (a[n] && a[n] != '=')) continue;
            display = true;
            if (!a[n] && DISPLAY_OPTIONS[k].takes_value) i++;
        }
        if (!display && !o->is_path[i]) hash_update_field(&h, a, strlen(a));
    }
    return cache_settings_end(&h);
}

/* The digest of the whole text of a configuration file (NULL: none): a key added to the
 * configuration later is covered without being listed here. */
static Hash128 config_digest(const Cache *cache, const Config *c) {
    HashState h;
    cache_settings_begin(cache, &h);
    Source text;
    char err[512];
    if (c && source_load_file(&text, c->path, err, sizeof err) == SOURCE_OK) {
        hash_update_field(&h, c->path, strlen(c->path));
        hash_update_field(&h, text.text, text.len);
        source_free(&text);
    } else if (c) { /* gone since it was read: such an entry is never found again */
        hash_update_field(&h, err, strlen(err));
    }
    return cache_settings_end(&h);
}

/* The digest of everything linting one file depends on besides its text: the options, the
 * configuration in force and the rules enabled for it. */
static Hash128 file_settings_digest(const Cache *cache, Hash128 options, Hash128 config,
                                    const bool *enabled) {
    HashState h;
    cache_settings_begin(cache, &h);
    hash_update_field(&h, &options, sizeof options);
    hash_update_field(&h, &config, sizeof config);
    hash_update_field(&h, enabled, rules_count * sizeof *enabled);
    return cache_settings_end(&h);
}

/* --no-cache: none; else --cache-dir, LOGITLINT_CACHE_DIR, `cache-dir` in the configuration
 * nearest to the working directory, or .logitlint_cache in the project root. A directory that
 * cannot be used is a warning: the run does the same work without it. */
static Cache *open_cache(Settings *s, const CheckOptions *o, const char *root) {
    if (o->no_cache) return NULL;
    const char *env = getenv("LOGITLINT_CACHE_DIR");
    const Config *c = settings_config(s, s->cwd);
    char *dir = o->cache_dir    ? util_xstrdup(o->cache_dir)
                : env && *env   ? util_xstrdup(env)
                : c && c->cache_dir && c->cache_dir[0] == '/' ? util_xstrdup(c->cache_dir)
                : c && c->cache_dir ? util_xasprintf("%s/%s", c->dir, c->cache_dir)
                                    : util_xasprintf("%s/.logitlint_cache", root);
    char err[700];
    Cache *cache = cache_open(dir, err, sizeof err);
    if (!cache) fprintf(stderr, "warning: %s; running without the result cache\n", err);
    free(dir);
    return cache;
}

static void free_list(StrList *l) {
    for (size_t i = 0; i < l->len; i++)
        free(l->items[i]);
    array_free(l);
}

static void free_options(CheckOptions *o) {
    free_list(&o->extend_select);
    free_list(&o->ignore);
    free_list(&o->exclude);
    free_list(&o->extend_exclude);
    free_list(&o->fixable);
    free_list(&o->extend_fixable);
    free_list(&o->unfixable);
    discover_free(&o->paths);
    free(o->is_path);
}

/* Output format: --output-format, then LOGITLINT_OUTPUT_FORMAT, then the configuration (the one
 * given with --config, or the nearest to the working directory), then `full`. */
static bool choose_format(Settings *s, const CheckOptions *o, ReportFormat *f) {
    *f = REPORT_FULL;
    if (o->format) return report_parse_format(o->format, f);
    const char *env = getenv("LOGITLINT_OUTPUT_FORMAT");
    if (env && *env) {
        if (report_parse_format(env, f)) return true;
        fprintf(stderr, "logitlint: LOGITLINT_OUTPUT_FORMAT: unknown output format '%s' (%s)\n",
                env, report_format_names);
        return false;
    }
    const Config *c = settings_config(s, s->cwd);
    if (c && c->output_format) report_parse_format(c->output_format, f);
    return !s->config_error;
}

/* One layer of ruff's fix selection (the configuration's, then the command line's): the most
 * specific selector of the layer matching the rule decides (unfixable wins a tie); none: the
 * layer below decides, unless this one sets `fixable`, which replaces it. */
static bool fix_layer(const Rule *r, bool below, bool has_fixable, const ConfigList *fixable,
                      const ConfigList *extend, const ConfigList *unfixable) {
    const ConfigList *lists[] = {fixable, extend, unfixable};
    bool yes = has_fixable ? false : below;
    size_t best = 0;
    bool any = false;
    for (int k = 0; k < 3; k++)
        for (size_t i = 0; i < lists[k]->len; i++) {
            const char *sel = lists[k]->items[i];
            size_t specificity = strcmp(sel, "ALL") ? strlen(sel) : 0;
            if (!rules_match(r, sel) || (any && specificity < best)) continue;
            yes = k < 2, best = specificity, any = true;
        }
    return yes;
}

static ConfigList as_config_list(const StrList *l) {
    return (ConfigList){l->items, l->len, l->cap};
}

/* May --fix apply the fixes of rule `code` in this file? fixable / extend-fixable / unfixable of
 * its configuration, then of the command line (default: every rule). */
static bool settings_fixable(Settings *s, const char *path, const char *code) {
    const Rule *r = rules_find(code);
    if (!r) return false;
    char *abs = realpath(path, NULL); /* standard input (its --stdin-filename): none */
    char *dir = abs ? parent_dir(abs) : util_xstrdup(s->cwd);
    const Config *c = settings_config(s, dir);
    free(dir);
    free(abs);
    bool yes =
        !c || fix_layer(r, true, c->has_fixable, &c->fixable, &c->extend_fixable, &c->unfixable);
    ConfigList f = as_config_list(&s->o->fixable), e = as_config_list(&s->o->extend_fixable),
               u = as_config_list(&s->o->unfixable);
    return fix_layer(r, yes, s->o->has_fixable, &f, &e, &u);
}

/* ruff drops the fix of a rule that may not be fixed: it is neither applied, counted nor shown
 * (JSON `fix`: null). */
static void drop_unfixable(Settings *s, DiagList *diags) {
    for (size_t i = 0; i < diags->len; i++) {
        Diagnostic *d = &diags->items[i];
        if (d->fix && !settings_fixable(s, d->filename, d->code)) {
            diag_fix_free(d->fix);
            d->fix = NULL;
        }
    }
}

static const bool *settings_rules_of(void *ctx, const char *path) {
    Settings *s = ctx;
    for (size_t i = 0; i < s->files->len; i++)
        if (!strcmp(s->files->items[i], path)) return s->enabled[i];
    return s->enabled[0];
}

/* --fix / --diff: applies or shows the fixes; the fixed findings move to `fixed`. Returns
 * whether a file could not be fixed. With --diff, says on stderr how many would be fixed. */
static bool run_fixes(Settings *s, DiagList *diags, DiagList *fixed) {
    const CheckOptions *o = s->o;
    FixRunOptions fo = {.write = !o->diff,
                        .unsafe = o->report.unsafe_fixes == 1,
                        .diff_out = stdout,
                        .stdin_name = o->report.stdin_name,
                        .enabled = settings_rules_of,
                        .ctx = s};
    int failed = fix_run(diags, &fo, fixed);
    if (o->diff)
        fprintf(stderr, "Would fix %zu error%s.\n", fixed->len, fixed->len == 1 ? "" : "s");
    return failed > 0;
}

/* The name standard input's findings carry, when it is read (NULL: not read). */
static const char *stdin_name(const PathList *files, const CheckOptions *o) {
    for (size_t i = 0; i < files->len; i++)
        if (!strcmp(files->items[i], "-")) return o->stdin_filename ? o->stdin_filename : "-";
    return NULL;
}

/* The fixes of rules that may not be fixed are dropped; with --fix / --diff, those it applies
 * are verified (their counterexamples first), then applied or shown. Returns whether a file
 * could not be fixed. */
static bool fix_stage(Settings *s, DiagList *diags, DiagList *fixed, CexPool *cex) {
    drop_unfixable(s, diags);
    if (!s->o->fix && !s->o->diff) return false;
    if (!s->o->no_verify)
        cex_attach(cex, diags->items, diags->len, true, s->o->report.unsafe_fixes == 1);
    bool failed = run_fixes(s, diags, fixed);
    drop_unfixable(s, diags); /* those of a fixed file's new text, */
    relocate_findings(diags, s->files, (const bool(*)[64])s->enabled); /* and moved */
    return failed;
}

/* --add-noqa: each file's findings (sorted by file) get their directives. Returns the exit
 * status: 0, or 2 when a file could not be rewritten or was not analysed. */
static int add_noqa(const DiagList *diags, bool failed) {
    int total = 0, rc = failed ? 2 : 0;
    for (size_t i = 0, j; i < diags->len; i = j) {
        for (j = i; j < diags->len && !strcmp(diags->items[j].filename, diags->items[i].filename);)
            j++;
        if (!strcmp(diags->items[i].filename, "-") || diag_is_problem(&diags->items[i])) continue;
        char err[600];
        int n = noqa_add_file(diags->items[i].filename, &diags->items[i], j - i, stderr, err,
                              sizeof err);
        if (n < 0) fprintf(stderr, "logitlint: %s\n", err), rc = 2;
        total += n > 0 ? n : 0;
    }
    fprintf(stderr, "Added %d noqa directive%s.\n", total, total == 1 ? "" : "s");
    return rc;
}

/* README "Security": logitlint never writes to a file it analyses, even when told to. */
static bool output_is_analysed(const char *out, const PathList *files) {
    struct stat so, sf;
    if (stat(out, &so) != 0) return false;
    for (size_t i = 0; i < files->len; i++)
        if (strcmp(files->items[i], "-") && stat(files->items[i], &sf) == 0 &&
            sf.st_dev == so.st_dev && sf.st_ino == so.st_ino)
            return true;
    return false;
}

/* The files the paths given name ("-": standard input), each with what the walk learnt of it in
 * s->stats, the listings it read given to s->dirs. Returns whether a path could not be walked. */
static bool discover_all(Settings *s, PathList *files) {
    DiscoverStats *stats = &s->stats;
    const CheckOptions *o = s->o;
    DiscoverFilter filter = {settings_skip, s, o->force_exclude, settings_problem};
    bool failed = false;
    for (size_t i = 0; i < o->paths.len && !s->config_error; i++) {
        if (!strcmp(o->paths.items[i], "-")) {
            array_push(files, util_xstrdup("-"));
            array_push(stats, ((DiscoverStat){.known = false}));
        } else if (discover_paths_stat(o->paths.items[i], &filter, files, stats, s->dirs, stderr) >
                   0) {
            failed = true;
        }
    }
    return failed;
}

int cli_check(int argc, char **argv) {
    CheckOptions o;
    int rc = parse_options(argc, argv, &o);
    if (rc != 0) {
        free_options(&o);
        return rc < 0 ? 0 : rc;
    }
    Settings s = {.o = &o, .dirs = dircache_new(), .cwd = realpath(".", NULL)};
    s.resolver = config_resolver_new(s.dirs);
    s.reals = realdir_new(s.cwd);
    if (!s.cwd) s.cwd = util_xstrdup("/");
    char *root = project_root(s.cwd);
    FILE *out = stdout;
    PathList files = {0};
    DiagList diags = {0}, fixed = {0};
    CexPool *cex = cex_pool_new(); /* the findings' counterexamples (cex.h) */
    Cache *cache = NULL;
    Hash128 *digest = NULL;
    const Config **cfg_of = NULL; /* per file: the configuration in force (NULL: none) */
    bool failed = false;
    rc = 2;
    if (o.config) {
        char err[600];
        if (config_load(&s.explicit_cfg, o.config, true, err, sizeof err) != CONFIG_OK) {
            fprintf(stderr, "logitlint: %s\n", err);
            config_free(&s.explicit_cfg); /* what was read before the error */
            goto done;
        }
        s.has_explicit = true;
    }
    if (!choose_format(&s, &o, &o.report.format)) goto done;
    failed = discover_all(&s, &files);
    /* Files sharing a rule selection (and a cache digest of settings) run together: usually all
     * of them. */
    size_t n = files.len;
    bool(*enabled)[64] = s.enabled = util_xcalloc(n ? n : 1, sizeof *enabled);
    cfg_of = util_xcalloc(n ? n : 1, sizeof *cfg_of);
    s.files = &files;
    for (size_t i = 0; i < n && !s.config_error; i++)
        cfg_of[i] = settings_enabled(&s, files.items[i], &s.stats.items[i], enabled[i]);
    if (s.config_error || o.show_files || o.show_settings) {
        for (size_t i = 0; o.show_files && !s.config_error && i < n; i++)
            printf("%s\n", files.items[i]);
        if (o.show_settings && n && !s.config_error)
            show_settings(&s, files.items[0], enabled[0], cfg_of[0], o.report.format);
        if (!n && !s.config_error)
            fprintf(stderr, "warning: No Python files found under the given path(s)\n");
        rc = s.config_error || failed ? 2 : 0;
        goto done;
    }
    for (size_t i = 0; i < n && !cache; i++)
        if (strcmp(files.items[i], "-")) cache = open_cache(&s, &o, root);
    Hash128 options = cache ? options_digest(cache, &o) : (Hash128){0, 0}, config = {0, 0};
    digest = util_xcalloc(n ? n : 1, sizeof *digest);
    for (size_t i = 0; i < n && cache; i++) {
        if (i == 0 || cfg_of[i] != cfg_of[i - 1]) config = config_digest(cache, cfg_of[i]);
        digest[i] = file_settings_digest(cache, options, config, enabled[i]);
    }
    bool *grouped = util_xcalloc(n ? n : 1, 1);
    for (size_t i = 0; i < n; i++) {
        if (grouped[i]) continue;
        PathList group = {0};
        DiscoverStats group_stats = {0};
        for (size_t k = i; k < n; k++)
            if (!grouped[k] && !memcmp(enabled[k], enabled[i], sizeof enabled[i]) &&
                !memcmp(&digest[k], &digest[i], sizeof *digest) &&
                file_contracts(cfg_of[k]) == file_contracts(cfg_of[i])) {
                grouped[k] = true;
                array_push(&group, files.items[k]);
                array_push(&group_stats, s.stats.items[k]);
            }
        RunOptions run = {.enabled = enabled[i],
                          .stdin_filename = o.stdin_filename,
                          .threads = o.threads,
                          .no_prefilter = o.no_prefilter,
                          .quiet = o.report.quiet,
                          .cache = cache,
                          .stats = group_stats.items,
                          .dirs = s.dirs,
                          .settings = digest[i],
                          .contracts = file_contracts(cfg_of[i]),
                          .cex = o.no_verify ? NULL : cex};
        if (run_files(&group, &run, &diags) > 0) failed = true;
        array_free(&group);
        array_free(&group_stats);
    }
    free(grouped);
    for (size_t i = 0; i < s.problems.len; i++)
        array_push(&diags, s.problems.items[i]);
    s.problems.len = 0;
    if (!files.len && !diags.len && !o.report.quiet)
        fprintf(stderr, "warning: No Python files found under the given path(s)\n");
    o.report.no_files = !files.len;
    o.report.stdin_name = stdin_name(&files, &o);
    relocate_findings(&diags, &files, (const bool(*)[64])s.enabled);
    if (o.add_noqa) {
        rc = add_noqa(&diags, failed);
        goto done;
    }
    if (fix_stage(&s, &diags, &fixed, cex)) failed = true;
    if (o.diff) {
        rc = failed ? 2 : fixed.len ? 1 : 0;
        goto done;
    }
    if (o.fix) o.report.fixed = &fixed;
    if (!o.no_verify) cex_attach(cex, diags.items, diags.len, false, false); /* fixed files' */
    if (o.output_file && output_is_analysed(o.output_file, &files)) {
        fprintf(stderr, "logitlint: %s: is one of the analysed files, not overwritten\n",
                o.output_file);
        goto done;
    }
    if (o.output_file && !(out = fopen(o.output_file, "w"))) {
        fprintf(stderr, "logitlint: %s: cannot write: %s\n", o.output_file, strerror(errno));
        out = stdout;
        goto done;
    }
    const char *env_color = getenv("NO_COLOR");
    o.report.color = out == stdout && isatty(STDOUT_FILENO) && !(env_color && *env_color);
    o.report.root = root;
    errno = 0;
    int wrc = o.silent && out == stdout ? 0 : report_write(out, &diags, &o.report);
    /* The reader went away (`logitlint check . | head -1`; main ignores SIGPIPE): nothing to
     * say about it, and the exit status still tells whether there were findings. */
    if (wrc != 0 && errno == EPIPE) wrc = 0;
    if (out != stdout && fclose(out) != 0) wrc = -1;
    out = stdout;
    if (wrc != 0) fprintf(stderr, "logitlint: could not write the report\n");
    rc = failed || wrc != 0 ? 2 : (diags.len && !o.exit_zero ? 1 : 0);
    if (rc == 0 && fixed.len && o.exit_non_zero_on_fix) rc = 1;
done:
    cache_close(cache);
    diag_list_free(&diags);
    diag_list_free(&s.problems);
    diag_list_free(&fixed);
    cex_pool_free(cex); /* after the findings that borrow from it */
    free(s.enabled);
    free(digest);
    free(cfg_of);
    discover_free(&files);
    array_free(&s.stats);
    dircache_free(s.dirs);
    if (s.has_explicit) config_free(&s.explicit_cfg);
    config_resolver_free(s.resolver);
    free(s.last_dir);
    realdir_free(s.reals);
    free(s.cwd);
    free(root);
    free_options(&o);
    return rc;
}
