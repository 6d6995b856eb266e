/* exec_module: the modules of the analysed file's project that the code the verifier runs
 * imports. A relative import, or an absolute one naming a file in the importing file's directory
 * or one above it (up to the repository's root, never a library the facts layer models), is
 * read and parsed once for every run of every finding of the file; in each run its top level
 * binds its definitions and imports in a global scope of its own (its other statements never
 * run), and the names imported from it are its values. Module trees are the analysed source's
 * peers (source.h), so each node's text is read from its own file. Import statements and
 * module constants (evaluated on first read) of every module, the analysed file's included,
 * are here too. */
#define _DEFAULT_SOURCE /* realpath */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "exec.h"
#include "project.h"

void exec_modules_init(ExecModules *m, Source *home, TSNode root) {
    memset(m, 0, sizeof *m);
    m->home = home;
    m->items[0].src = home;
    m->items[0].root = root;
    m->items[0].real = home->path ? realpath(home->path, NULL) : NULL;
    m->n = 1;
}

void exec_modules_free(ExecModules *m) {
    for (int i = 0; i < m->n; i++) {
        ExecModule *x = &m->items[i];
        free(x->real);
        if (i == 0) continue; /* the analysed file is its owner's */
        parse_free(&x->parsed);
        source_free(&x->own);
    }
    if (m->home && m->home->peers == &m->peers) m->home->peers = NULL;
    free(m->peers.trees);
    free(m->peers.srcs);
    for (size_t i = 0; i < m->asked.len; i++)
        free(m->asked.items[i].dotted);
    array_free(&m->asked);
    free(m->asked_slots);
    memset(m, 0, sizeof *m);
}

static bool is_file(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size <= EXEC_MAX_MODULE_BYTES;
}

/* dir/a/b.py or dir/a/b/__init__.py for a.b (empty: dir/__init__.py), in buf; false: none. */
static bool module_path(const char *dir, const char *dotted, char *buf, size_t n) {
    char rel[PATH_MAX];
    snprintf(rel, sizeof rel, "%s", dotted);
    for (char *p = rel; *p; p++)
        if (*p == '.') *p = '/';
    if (*rel && (size_t)snprintf(buf, n, "%s/%s.py", dir, rel) < n && is_file(buf)) return true;
    return (size_t)snprintf(buf, n, "%s%s%s/__init__.py", dir, *rel ? "/" : "", rel) < n && is_file(buf);
}

/* The index of the module at `path` (read and parsed on first use); -1 when it cannot be. */
static int module_load(ExecModules *m, const char *path) {
    char *real = realpath(path, NULL);
    if (!real) return -1;
    for (int i = 0; i < m->n; i++)
        if (m->items[i].real && !strcmp(m->items[i].real, real)) {
            free(real);
            return m->items[i].src ? i : -1;
        }
    if (m->n == EXEC_MAX_MODULES) {
        free(real);
        return -1;
    }
    ExecModule *x = &m->items[m->n++];
    x->real = real; /* kept when it fails too: it is not read again */
    char err[256];
    if (source_load_file(&x->own, path, err, sizeof err) != SOURCE_OK) return -1;
    if (parse_python(&x->parsed, &x->own) != PARSE_OK) {
        source_free(&x->own);
        memset(&x->own, 0, sizeof x->own);
        return -1;
    }
    x->src = &x->own;
    x->root = x->parsed.root;
    SourcePeers *p = &m->peers; /* its nodes' text, through the analysed source */
    if (p->len == p->cap) {
        p->cap = p->cap ? 2 * p->cap : 4;
        p->trees = util_xrealloc(p->trees, p->cap * sizeof *p->trees);
        p->srcs = util_xrealloc(p->srcs, p->cap * sizeof *p->srcs);
    }
    p->trees[p->len] = x->root.tree;
    p->srcs[p->len++] = x->src;
    if (!m->home->peers) m->home->peers = p;
    return (int)(x - m->items);
}

int exec_modules_of_tree(const ExecModules *m, const void *tree) {
    for (int i = 0; i < m->n; i++)
        if (m->items[i].src && m->items[i].root.tree == tree) return i;
    return -1;
}

/* The file `level` dots and `dotted` name from the module at from_real, looked up on the file
 * system, in path (n bytes); false: none. (A result cache asks it again: cex.h.) */
bool exec_module_locate(const char *from_real, int level, const char *dotted, char *path, size_t n) {
    if (strlen(from_real) >= PATH_MAX) return false;
    if (level == 0 && (!*dotted || project_is_library(dotted))) return false;
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", from_real);
    char *last = strrchr(dir, '/');
    if (!last) return false;
    *last = '\0'; /* canonical: absolute, so there is a slash */
    for (int up = 0; up < (level > 0 ? level : PROJECT_MAX_ANCESTORS); up++) {
        if (level == 0 || up == level - 1) {
            if (module_path(dir, dotted, path, n)) return true;
            if (level > 0) return false;
            char git[PATH_MAX + 8];
            snprintf(git, sizeof git, "%s/.git", dir);
            struct stat st;
            if (stat(git, &st) == 0) return false; /* the repository's root: no further up */
        }
        char *slash = strrchr(dir, '/');
        if (!slash || slash == dir) return false;
        *slash = '\0';
    }
    return false;
}

/* The module `level` dots and `dotted` name from module `from`, looked up on the file system. */
static int module_search(ExecModules *m, int from, int level, const char *dotted) {
    char path[PATH_MAX];
    return m->items[from].real && exec_module_locate(m->items[from].real, level, dotted, path, sizeof path)
               ? module_load(m, path)
               : -1;
}

static uint32_t asked_hash(int from, int level, const char *dotted) {
    return util_hash(UTIL_HASH_SEED ^ (uint32_t)from * 31u ^ (uint32_t)level * 7919u, dotted, SIZE_MAX);
}

/* The slot of the question (from, level, dotted): its answer's, or the empty one to fill. */
static uint32_t *asked_slot(ExecModules *m, int from, int level, const char *dotted) {
    size_t mask = m->asked_nslots - 1, s = asked_hash(from, level, dotted) & mask;
    for (; m->asked_slots[s]; s = (s + 1) & mask) {
        const ExecAsked *a = &m->asked.items[m->asked_slots[s] - 1];
        if (a->from == from && a->level == level && !strcmp(a->dotted, dotted)) break;
    }
    return &m->asked_slots[s];
}

int exec_modules_find(ExecModules *m, const void *from_tree, int level, const char *dotted) {
    int from = exec_modules_of_tree(m, from_tree);
    if (from < 0) return -1;
    if ((m->asked.len + 1) * 2 > m->asked_nslots) { /* grown at half full */
        free(m->asked_slots);
        m->asked_nslots = m->asked_nslots ? m->asked_nslots * 2 : 64;
        m->asked_slots = util_xcalloc(m->asked_nslots, sizeof *m->asked_slots);
        for (size_t i = 0; i < m->asked.len; i++) {
            const ExecAsked *a = &m->asked.items[i];
            *asked_slot(m, a->from, a->level, a->dotted) = (uint32_t)i + 1;
        }
    }
    uint32_t *slot = asked_slot(m, from, level, dotted);
    if (*slot) return m->asked.items[*slot - 1].found;
    int found = module_search(m, from, level, dotted);
    array_push(&m->asked, ((ExecAsked){from, level, found, util_xstrdup(dotted)}));
    *asked_slot(m, from, level, dotted) = (uint32_t)m->asked.len;
    return found;
}

/* ---- per run ---- */

ExecValue *exec_module_value(ExecRun *r, int idx) {
    if (r->mod_run[idx].obj) return r->mod_run[idx].obj;
    ExecEnv *env = idx == r->main_mod ? r->globals : exec_env_new(r, NULL);
    ExecValue *obj = env ? exec_object(r, "module") : NULL;
    if (!obj) return NULL;
    r->mod_run[idx].env = env;
    r->mod_run[idx].obj = obj; /* before its imports run: a cycle sees it as it is so far */
    if (idx != r->main_mod && !exec_defs_in(r, r->mods->items[idx].root, env)) return NULL;
    obj->obj.fields = *exec_env_vars(env);
    return obj;
}

static int by_name(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The modules beside the entry's file in its directory, bound as an import of each would bind
 * them (in name order, up to the bound on modules): where the class of an object the code calls
 * methods on is looked for when no module it imports defines one (its callers, in another module,
 * built it there and passed it). Once per run; they fill half the room for modules at most. */
void exec_module_siblings(ExecRun *r) {
    if (r->siblings_bound || !r->mods) return;
    r->siblings_bound = true;
    const char *home = r->mods->items[r->main_mod].real;
    const char *slash = home ? strrchr(home, '/') : NULL;
    if (!slash) return;
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%.*s", (int)(slash - home), home);
    DIR *d = opendir(dir);
    if (!d) return;
    char *names[EXEC_MAX_MODULES * 4];
    int n = 0;
    for (struct dirent *e; n < (int)(sizeof names / sizeof *names) && (e = readdir(d));) {
        size_t len = strlen(e->d_name);
        if (len > 3 && !strcmp(e->d_name + len - 3, ".py") && e->d_name[0] != '.' && strcmp(e->d_name, "__init__.py"))
            names[n++] = util_xstrdup(e->d_name);
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof *names, by_name);
    for (int i = 0; i < n; i++) {
        names[i][strlen(names[i]) - 3] = '\0';
        /* (half the modules' room at most: the imports the run meets later keep theirs) */
        bool room = r->mods->n < EXEC_MAX_MODULES / 2;
        int m = r->failed || !room ? -1 : exec_module_find(r, r->mods->items[r->main_mod].root, 0, names[i]);
        if (m >= 0 && m != r->main_mod) exec_module_value(r, m);
        free(names[i]);
    }
}

TSNode exec_module_root(ExecRun *r, ExecEnv *globals) {
    if (globals == r->globals) return r->root;
    for (int i = 0; r->mods && i < r->mods->n; i++)
        if (r->mod_run[i].env == globals) return r->mods->items[i].root;
    return r->root;
}

int exec_module_find(ExecRun *r, TSNode at, int level, const char *dotted) {
    return r->mods ? exec_modules_find(r->mods, at.tree, level, dotted) : -1;
}

/* ---- names of modules ---- */

/* Where a top-level assignment binds `name`: -1 not at all, 0 its one target, k+1 the k-th
 * name of a tuple target (`model, tokenizer = load(...)`). */
static int binds_name(ExecRun *r, TSNode left, const char *name, int len) {
    int l;
    if (parse_is(left, "identifier")) {
        const char *t = exec_text(r, left, &l);
        return l == len && !memcmp(t, name, (size_t)len) ? 0 : -1;
    }
    if (!parse_is(left, "pattern_list") && !parse_is(left, "tuple_pattern")) return -1;
    for (uint32_t i = 0; i < ts_node_named_child_count(left); i++) {
        TSNode c = parse_named_child(left, i);
        const char *t = parse_is(c, "identifier") ? exec_text(r, c, &l) : NULL;
        if (t && l == len && !memcmp(t, name, (size_t)len)) return (int)i + 1;
    }
    return -1;
}

bool exec_declares_global(ExecRun *r, TSNode fn, const char *name, int len) {
    TSNode body = parse_field(fn, "body");
    for (uint32_t i = 0; i < ts_node_named_child_count(body); i++) {
        TSNode g = parse_named_child(body, i);
        for (uint32_t j = 0; parse_is(g, "global_statement") && j < ts_node_named_child_count(g); j++)
            if (binds_name(r, parse_named_child(g, j), name, len) == 0) return true;
    }
    return false;
}

/* The last top-level assignment to `name` in the statements of `block` and of the blocks under
 * it that bind globals: a top-level `if` (`if __name__ == "__main__":`), `try` or `with`, and
 * a def that declares `global NAME`. */
static TSNode module_assignment(ExecRun *r, TSNode block, const char *name, int len, int *slot) {
    TSNode found = {0};
    ParseKids k;
    parse_kids_begin(&k, block);
    for (TSNode st; parse_kids_next(&k, &st);) {
        TSNode inner = parse_is(st, "if_statement") ? parse_field(st, "consequence")
                       : parse_is(st, "try_statement") || parse_is(st, "with_statement") ? parse_field(st, "body")
                       : parse_is(st, "function_definition") && exec_declares_global(r, st, name, len) ? parse_field(st, "body")
                                                                                                : (TSNode){0};
        if (!ts_node_is_null(inner)) {
            TSNode in = module_assignment(r, inner, name, len, slot);
            if (!ts_node_is_null(in)) found = in;
            continue;
        }
        TSNode a = parse_named_child(st, 0);
        if (!parse_is(st, "expression_statement") || !parse_is(a, "assignment") ||
            ts_node_is_null(parse_field(a, "right")))
            continue;
        /* module code run as the entry reads what the statements before it assigned */
        if (r->module_unit && st.tree == r->root.tree && ts_node_start_byte(st) >= r->unit_start) continue;
        int at = binds_name(r, parse_field(a, "left"), name, len);
        if (at >= 0) found = a, *slot = at;
    }
    parse_kids_end(&k);
    return found;
}

/* A top-level call of a method of NAME (`parser.add_argument(...)`, `model.eval()`), run once
 * NAME is bound; a failure is forgotten (`model.load_state_dict(torch.load(path))` sets up
 * nothing the toy model reads), unless a bound ended the run. false: the run failed. */
static bool set_up_call(ExecRun *r, ExecEnv *globals, TSNode call, const char *name, int len) {
    TSNode f = parse_field(call, "function");
    TSNode obj = parse_is(f, "attribute") ? parse_field(f, "object") : (TSNode){0};
    if (!parse_is(obj, "identifier") || binds_name(r, obj, name, len) != 0) return true;
    exec_eval(r, globals, call);
    if (r->failed && r->fail != XF_BOUND) {
        r->failed = false;
        r->fail = XF_NONE;
        r->why[0] = 0;
    }
    return !r->failed;
}

/* The top-level statements after NAME's assignment `a` that set an attribute of it
 * (`tok.pad_token = tok.eos_token`, `tok.padding_side = "left"`) or call a method of it, run
 * once NAME is bound: the object the scoring reads is the one the script set up. false: the
 * run failed. */
static bool set_up_after(ExecRun *r, ExecEnv *globals, TSNode a, const char *name, int len) {
    for (TSNode st = ts_node_next_named_sibling(parse_parent(a)); !ts_node_is_null(st);
         st = ts_node_next_named_sibling(st)) {
        TSNode w = parse_is(st, "expression_statement") ? parse_named_child(st, 0) : (TSNode){0};
        if (parse_is(w, "call")) {
            if (!set_up_call(r, globals, w, name, len)) return false;
            continue;
        }
        TSNode left = parse_is(w, "assignment") ? parse_field(w, "left") : (TSNode){0};
        TSNode obj = parse_is(left, "attribute") ? parse_field(left, "object") : (TSNode){0};
        if (!parse_is(obj, "identifier") || binds_name(r, obj, name, len) != 0 ||
            ts_node_is_null(parse_field(w, "right")))
            continue;
        if (!exec_bind_target(r, globals, left, exec_eval(r, globals, parse_field(w, "right")))) return false;
    }
    return true;
}

/* A module-level `NAME = value` or `A, NAME = value` (the last one in the file of the code
 * reading it, at top level or under a top-level `if`), evaluated when the code first reads
 * NAME: module constants and objects the scoring needs, without running the script's top
 * level. */
ExecValue *exec_module_constant(ExecRun *r, ExecEnv *env, const char *name, int len) {
    ExecEnv *globals = exec_env_globals(env);
    int slot = 0;
    TSNode found = module_assignment(r, exec_module_root(r, globals), name, len, &slot);
    if (ts_node_is_null(found) || r->const_depth >= 8) return NULL;
    r->const_depth++;
    ExecValue *v = exec_eval(r, globals, parse_field(found, "right"));
    r->const_depth--;
    if (!v && r->module_unit && r->fail != XF_BOUND) {
        /* data the script loads: the name is bound by its use instead (exec_stand_global), and
         * the counterexample says so */
        r->failed = false;
        r->fail = XF_NONE;
        r->why[0] = 0;
        char what[48];
        snprintf(what, sizeof what, "%.*s", len < 40 ? len : 40, name);
        exec_stand_in(r, found, what, "bound by its use (the script loads it; the run has no data)");
        return NULL;
    }
    if (v && slot > 0) { /* one name of a tuple target: the value's item at its place */
        TSNode left = parse_field(found, "left");
        int n = (int)ts_node_named_child_count(left);
        if (v->kind == XV_PENDING || (v->kind != XV_TUPLE && v->kind != XV_LIST) || v->seq.n != n)
            return exec_fail_at(r, found, "unpacking a %s into %d names", exec_kind_name(v), n);
        v = v->seq.items[slot - 1];
    }
    if (!v || !exec_env_set(r, globals, name, len, v)) return NULL;
    return set_up_after(r, globals, found, name, len) ? v : NULL;
}

/* The name `name` of a module of the project (an object of type "module"): a name its top level
 * binds, a constant of it, or (a package) its submodule; NULL when it has none. */
ExecValue *exec_module_member(ExecRun *r, ExecValue *mod, const char *name) {
    int i = 0;
    while (i < EXEC_MAX_MODULES && r->mod_run[i].obj != mod)
        i++;
    if (i == EXEC_MAX_MODULES) return NULL;
    ExecEnv *env = r->mod_run[i].env;
    int len = (int)strlen(name);
    ExecValue *v = exec_env_get(env, name, len);
    if (!v && !r->failed) v = exec_module_constant(r, env, name, len);
    const char *real = r->mods->items[i].real;
    size_t n = real ? strlen(real) : 0;
    if (v || r->failed || n < 12 || strcmp(real + n - 12, "/__init__.py")) return v;
    int sub = exec_module_find(r, r->mods->items[i].root, 1, name);
    return sub >= 0 ? exec_module_value(r, sub) : NULL;
}

/* What `import a.b` / `from M import name` binds when a names a module of the project
 * (exec_module.c): the module `level` dots and `dotted` name, or its member `name` (a name it
 * defines, else its submodule). NULL with the run intact: not a module of the project. */
static ExecValue *project_import(ExecRun *r, TSNode at, int level, const char *dotted, const char *name) {
    int m = exec_module_find(r, at, level, dotted);
    ExecValue *mod = m >= 0 ? exec_module_value(r, m) : NULL;
    if (!name || r->failed) return mod;
    ExecValue *v = mod ? exec_module_member(r, mod, name) : NULL;
    if (v || r->failed) return v;
    char sub[256];
    snprintf(sub, sizeof sub, "%s%s%s", dotted, *dotted ? "." : "", name);
    m = exec_module_find(r, at, level, sub);
    return m >= 0 ? exec_module_value(r, m) : NULL;
}

/* Every public name of a module of the project (`from .m import *`); false: the run failed. */
static bool import_all(ExecRun *r, ExecEnv *env, ExecValue *mod) {
    ExecDict *d = &mod->obj.fields;
    for (int i = 0; i < d->n; i++)
        if (d->keys[i]->kind == XV_STR && d->keys[i]->str.s[0] != '_' &&
            !exec_env_set(r, env, d->keys[i]->str.s, d->keys[i]->str.n, d->vals[i]))
            return false;
    return true;
}

bool exec_import(ExecRun *r, ExecEnv *env, TSNode n) {
    bool from = parse_is(n, "import_from_statement");
    int mlen = 0;
    const char *mod = from ? exec_text(r, parse_field(n, "module_name"), &mlen) : NULL;
    int level = 0; /* from ..pkg import x: 2 */
    while (level < mlen && mod[level] == '.')
        level++;
    char dotted[200];
    snprintf(dotted, sizeof dotted, "%.*s", mlen - level, mod ? mod + level : "");
    uint32_t count = ts_node_named_child_count(n);
    for (uint32_t i = 0; i < count; i++) {
        TSNode c = parse_named_child(n, i);
        if (from && ts_node_eq(c, parse_field(n, "module_name"))) continue;
        TSNode name = c, alias = (TSNode){0};
        if (parse_is(c, "aliased_import")) {
            name = parse_field(c, "name");
            alias = parse_field(c, "alias");
        } else if (parse_is(c, "wildcard_import")) {
            /* a module of the project gives its names; others stay undefined (using one ends
             * the run) */
            ExecValue *all = project_import(r, n, level, dotted, NULL);
            if (r->failed || (all && !import_all(r, env, all))) return false;
            continue;
        } else if (!parse_is(c, "dotted_name")) {
            continue;
        }
        int len;
        const char *s = exec_text(r, name, &len);
        char q[256];
        if (from)
            snprintf(q, sizeof q, "%.*s.%.*s", mlen, mod, len, s);
        else
            snprintf(q, sizeof q, "%.*s", len, s);
        ExecValue *qs = exec_str(r, q, (int)strlen(q));
        if (!qs) return false;
        const char *bound;
        int blen;
        ExecValue *own = NULL; /* what a module of the project gives */
        if (!ts_node_is_null(alias)) {
            bound = exec_text(r, alias, &blen);
            own = from ? project_import(r, n, level, dotted, qs->str.s + mlen + 1) : project_import(r, n, 0, q, NULL);
        } else if (from) {
            bound = s;
            blen = len;
            own = project_import(r, n, level, dotted, qs->str.s + mlen + 1);
        } else { /* import a.b binds a */
            bound = s;
            blen = 0;
            while (blen < len && s[blen] != '.')
                blen++;
            qs = exec_str(r, s, blen);
            if (!qs) return false;
            own = project_import(r, n, 0, qs->str.s, NULL);
        }
        if (r->failed) return false;
        if (!exec_env_set(r, env, bound, blen, own ? own : exec_lib(r, qs->str.s))) return false;
    }
    return true;
}
