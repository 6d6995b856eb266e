/* exec_module: the modules of the analysed file's project that the code the verifier runs
 * imports. A relative import, or an absolute one naming a file in the importing file's directory
 * or one above it (up to the repository's root, never a library the facts layer models), is
 * read and parsed once for every run of every finding of the file; in each run its top level
 * binds its definitions and imports in a global scope of its own (its other statements never
 * run), and the names imported from it are its values. Module trees are the analysed source's
 * peers (source.h), so each node's text is read from its own file. */
#define _DEFAULT_SOURCE /* realpath */
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

int exec_modules_find(ExecModules *m, const void *from_tree, int level, const char *dotted) {
    int from = exec_modules_of_tree(m, from_tree);
    if (from < 0 || !m->items[from].real || strlen(m->items[from].real) >= PATH_MAX) return -1;
    if (level == 0 && (!*dotted || project_is_library(dotted))) return -1;
    char dir[PATH_MAX], path[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", m->items[from].real);
    *strrchr(dir, '/') = '\0'; /* canonical: absolute, so there is a slash */
    for (int up = 0; up < (level > 0 ? level : PROJECT_MAX_ANCESTORS); up++) {
        if (level == 0 || up == level - 1) {
            if (module_path(dir, dotted, path, sizeof path)) return module_load(m, path);
            if (level > 0) return -1;
            char git[PATH_MAX + 8];
            snprintf(git, sizeof git, "%s/.git", dir);
            struct stat st;
            if (stat(git, &st) == 0) return -1; /* the repository's root: no further up */
        }
        char *slash = strrchr(dir, '/');
        if (!slash || slash == dir) return -1;
        *slash = '\0';
    }
    return -1;
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

TSNode exec_module_root(ExecRun *r, ExecEnv *globals) {
    if (globals == r->globals) return r->root;
    for (int i = 0; r->mods && i < r->mods->n; i++)
        if (r->mod_run[i].env == globals) return r->mods->items[i].root;
    return r->root;
}

int exec_module_find(ExecRun *r, TSNode at, int level, const char *dotted) {
    return r->mods ? exec_modules_find(r->mods, at.tree, level, dotted) : -1;
}
