#define _DEFAULT_SOURCE /* d_type, lstat */
#include "discover.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Directories that never hold the project's own code (ruff's defaults, abridged). */
static const char *const SKIP_DIRS[] = {"__pycache__", "node_modules", "venv", "site-packages",
                                        "__pypackages__", "_build", "buck-out", "dist", NULL};

static bool skip_dir(const char *dir, const char *name) {
    if (name[0] == '.') return true; /* .git, .venv, .tox, hidden directories */
    for (const char *const *s = SKIP_DIRS; *s; s++)
        if (!strcmp(name, *s)) return true;
    /* a virtualenv under any name */
    char *cfg = util_xasprintf("%s/%s/pyvenv.cfg", dir, name);
    struct stat st;
    bool venv = stat(cfg, &st) == 0;
    free(cfg);
    return venv;
}

static bool is_python(const char *name) {
    size_t n = strlen(name);
    return n > 3 && !strcmp(name + n - 3, ".py");
}

static int compare_names(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *join(const char *dir, const char *name) {
    size_t n = strlen(dir);
    return n && dir[n - 1] == '/' ? util_xasprintf("%s%s", dir, name) : util_xasprintf("%s/%s", dir, name);
}

static int walk(const char *dir, PathList *files, FILE *errors) {
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(errors, "logitlint: %s: %s\n", dir, strerror(errno));
        return 1;
    }
    PathList names = {0};
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        array_push(&names, util_xstrdup(e->d_name));
    }
    closedir(d);
    qsort(names.items, names.len, sizeof(char *), compare_names);
    int problems = 0;
    for (size_t i = 0; i < names.len; i++) {
        char *path = join(dir, names.items[i]);
        struct stat st;
        /* lstat: symbolic links to directories are not followed (no loops); links to
         * files are read through. */
        if (lstat(path, &st) != 0) {
            free(path);
            continue;
        }
        if (S_ISLNK(st.st_mode) && (stat(path, &st) != 0 || S_ISDIR(st.st_mode))) {
            free(path);
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            if (!skip_dir(dir, names.items[i])) problems += walk(path, files, errors);
            free(path);
        } else if (S_ISREG(st.st_mode) && is_python(names.items[i])) {
            array_push(files, path);
        } else {
            free(path); /* FIFOs, devices, sockets, other files */
        }
        free(names.items[i]);
    }
    array_free(&names);
    return problems;
}

int discover_paths(const char *path, PathList *files, FILE *errors) {
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(errors, "logitlint: %s: %s\n", path, strerror(errno));
        return 1;
    }
    if (S_ISDIR(st.st_mode)) return walk(path, files, errors);
    if (!S_ISREG(st.st_mode)) {
        fprintf(errors, "logitlint: %s: not a regular file, skipped\n", path);
        return 0;
    }
    array_push(files, util_xstrdup(path)); /* explicit files are always linted */
    return 0;
}

void discover_free(PathList *files) {
    for (size_t i = 0; i < files->len; i++) free(files->items[i]);
    array_free(files);
}
