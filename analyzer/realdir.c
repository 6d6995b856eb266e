/* Canonical paths of a walk's directories (see realdir.h). */
#define _DEFAULT_SOURCE /* realpath, lstat */
#include "realdir.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"

typedef struct Known {
    char *dir, *real;
} Known;

struct RealDirs {
    char *cwd;
    Array(Known) chain; /* the root ("/" or "."), then each a directory of the one before */
};

RealDirs *realdir_new(const char *cwd) {
    RealDirs *r = util_xcalloc(1, sizeof *r);
    r->cwd = cwd ? util_xstrdup(cwd) : NULL;
    return r;
}

static void drop_to(RealDirs *r, size_t len) {
    while (r->chain.len > len) {
        Known *k = &r->chain.items[--r->chain.len];
        free(k->dir);
        free(k->real);
    }
}

void realdir_free(RealDirs *r) {
    if (!r) return;
    drop_to(r, 0);
    array_free(&r->chain);
    free(r->cwd);
    free(r);
}

/* Is dir (a path "/..." or relative) one whose components the chain can follow: no empty, "."
 * or ".." component? ("." alone is the relative root.) */
static bool plain(const char *dir) {
    if (!strcmp(dir, ".") || !strcmp(dir, "/")) return true;
    for (const char *p = dir[0] == '/' ? dir + 1 : dir; *p;) {
        size_t n = strcspn(p, "/");
        if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
            return false;
        p += n;
        if (*p) p++;
        if (!*p && p[-1] == '/') return false; /* a trailing slash */
    }
    return true;
}

/* Is a the directory b or one above it (in the chain's spelling: "." above every relative)? */
static bool above(const char *a, const char *b) {
    if (!strcmp(a, ".")) return b[0] != '/';
    if (!strcmp(a, "/")) return b[0] == '/';
    size_t n = strlen(a);
    return !strncmp(a, b, n) && (b[n] == '/' || !b[n]);
}

/* realpath(dir): from the chain, one lstat for each directory below the last one known. */
static char *real_dir(RealDirs *r, const char *dir) {
    bool rel = dir[0] != '/';
    if (!plain(dir) || (rel && !r->cwd)) return realpath(dir, NULL);
    const char *root = rel ? "." : "/";
    if (!r->chain.len || strcmp(r->chain.items[0].dir, root)) {
        drop_to(r, 0);
        array_push(&r->chain, ((Known){util_xstrdup(root), util_xstrdup(rel ? r->cwd : "/")}));
    }
    size_t keep = 1;
    while (keep < r->chain.len && above(r->chain.items[keep].dir, dir))
        keep++;
    drop_to(r, keep);
    for (;;) {
        const Known *top = &r->chain.items[r->chain.len - 1];
        if (!strcmp(top->dir, dir)) return util_xstrdup(top->real);
        /* the next component of dir below top */
        size_t at = strcmp(top->dir, ".") ? strlen(top->dir) + (rel || strcmp(top->dir, "/")) : 0;
        size_t end = at + strcspn(dir + at, "/");
        char *sub = util_xstrndup(dir, end);
        struct stat st;
        bool there = lstat(sub, &st) == 0, link = there && S_ISLNK(st.st_mode);
        char *real = NULL;
        if (link && stat(sub, &st) == 0 && S_ISDIR(st.st_mode)) {
            real = realpath(sub, NULL); /* (a directory's names are below its target) */
        } else if (there && !link && S_ISDIR(st.st_mode)) {
            const char *name = dir + at;
            int len = (int)(end - at);
            real = strcmp(top->real, "/") ? util_xasprintf("%s/%.*s", top->real, len, name)
                                          : util_xasprintf("/%.*s", len, name);
        }
        if (!real) { /* not there, not a directory: what realpath says */
            free(sub);
            return realpath(dir, NULL);
        }
        array_push(&r->chain, ((Known){sub, real}));
    }
}

char *realdir_path(RealDirs *r, const char *path) {
    struct stat st;
    if (lstat(path, &st) != 0 || S_ISLNK(st.st_mode)) return realpath(path, NULL);
    return realdir_path_plain(r, path);
}

char *realdir_path_plain(RealDirs *r, const char *path) {
    const char *slash = strrchr(path, '/');
    if (!slash) return realpath(path, NULL);
    const char *name = slash + 1;
    if (!*name || !strcmp(name, ".") || !strcmp(name, "..")) return realpath(path, NULL);
    char *dir = slash == path ? util_xstrdup("/") : util_xstrndup(path, (size_t)(slash - path));
    char *real = real_dir(r, dir);
    free(dir);
    if (!real) return NULL;
    char *full =
        strcmp(real, "/") ? util_xasprintf("%s/%s", real, name) : util_xasprintf("/%s", name);
    free(real);
    return full;
}
