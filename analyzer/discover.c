#define _DEFAULT_SOURCE /* d_type, lstat */
#include "discover.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ignore.h"

/* Directories that never hold the project's own code: ruff's default `exclude` list, where
 * `.*` (every hidden directory) stands for its .bzr, .direnv, .eggs, .git, .git-rewrite, .hg,
 * .ipynb_checkpoints, .mypy_cache, .nox, .pants.d, .pyenv, .pytest_cache, .pytype,
 * .ruff_cache, .svn, .tox, .venv and .vscode; plus __pycache__. The README lists them.
 * NULL-ended. */
const char *const discover_default_excludes[] = {
    ".*",   "__pycache__",  "__pypackages__", "_build", "buck-out", "build",
    "dist", "node_modules", "site-packages",  "venv",   NULL};

static const char *base_name(const char *path) {
    const char *b = strrchr(path, '/');
    return b && b[1] ? b + 1 : path;
}

bool discover_default_skip(const char *path, bool is_dir, bool gitignored) {
    if (gitignored) return true;
    if (!is_dir) return false;
    for (const char *const *s = discover_default_excludes; *s; s++)
        if (ignore_glob(*s, base_name(path))) return true;
    return false;
}

/* A virtualenv under any name is skipped whatever the configuration says. */
static bool is_venv(const char *dir) {
    char *cfg = util_xasprintf("%s/pyvenv.cfg", dir);
    struct stat st;
    bool venv = stat(cfg, &st) == 0;
    free(cfg);
    return venv;
}

static bool is_python(const char *name) {
    size_t n = strlen(name);
    return (n > 3 && !strcmp(name + n - 3, ".py")) || (n > 6 && !strcmp(name + n - 6, ".ipynb"));
}

static void problem(FILE *errors, const DiscoverFilter *f, const char *path, const char *msg) {
    if (errors) fprintf(errors, "logitlint: %s: %s\n", path, msg);
    if (f && f->problem) f->problem(f->ctx, path, msg);
}

static bool skip(const DiscoverFilter *f, const char *path, bool is_dir, bool gitignored,
                 bool explicit_path) {
    if (f && f->skip) return f->skip(f->ctx, path, is_dir, gitignored, explicit_path);
    return discover_default_skip(path, is_dir, gitignored);
}

/* Absolute form of a path for matching ignore files and patterns (symbolic links are not
 * resolved below the starting directory). */
static char *absolute(const char *path) {
    char *r = realpath(path, NULL);
    return r ? r : util_xstrdup(path);
}

static int compare_names(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *join(const char *dir, const char *name) {
    size_t n = strlen(dir);
    return n && dir[n - 1] == '/' ? util_xasprintf("%s%s", dir, name)
                                  : util_xasprintf("%s/%s", dir, name);
}

static int walk(const char *dir, const char *abs, IgnoreStack *ig, const DiscoverFilter *filter,
                PathList *files, FILE *errors) {
    DIR *d = opendir(dir);
    if (!d) {
        problem(errors, filter, dir, strerror(errno));
        return 1;
    }
    PathList names = {0};
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        array_push(&names, util_xstrdup(e->d_name));
    }
    closedir(d);
    if (names.len > 1) qsort(names.items, names.len, sizeof(char *), compare_names);
    int problems = 0;
    for (size_t i = 0; i < names.len; i++) {
        char *path = join(dir, names.items[i]);
        struct stat st;
        /* lstat: symbolic links to directories are not followed (no loops); links to
         * files are read through. */
        if (lstat(path, &st) != 0) {
            free(path);
            free(names.items[i]);
            continue;
        }
        bool link = S_ISLNK(st.st_mode);
        if (link && stat(path, &st) != 0) {
            /* A dangling link named like a source file: it cannot be read, say so. */
            if (is_python(names.items[i])) {
                problem(errors, filter, path, strerror(errno));
                problems++;
            }
            free(path);
            free(names.items[i]);
            continue;
        }
        if (link && S_ISDIR(st.st_mode)) {
            free(path);
            free(names.items[i]);
            continue;
        }
        char *abs_path = join(abs, names.items[i]);
        bool is_dir = S_ISDIR(st.st_mode);
        bool gitignored = ignore_stack_match(ig, abs_path, is_dir);
        if (is_dir) {
            if (!skip(filter, abs_path, true, gitignored, false) && !is_venv(path)) {
                int pushed = ignore_stack_push(ig, abs_path);
                problems += walk(path, abs_path, ig, filter, files, errors);
                ignore_stack_pop(ig, pushed);
            }
            free(path);
        } else if (S_ISREG(st.st_mode) && is_python(names.items[i]) &&
                   !skip(filter, abs_path, false, gitignored, false)) {
            array_push(files, path);
        } else {
            free(path); /* FIFOs, devices, sockets, other files */
        }
        free(abs_path);
        free(names.items[i]);
    }
    array_free(&names);
    return problems;
}

int discover_paths(const char *path, PathList *files, FILE *errors) {
    return discover_paths_filtered(path, NULL, files, errors);
}

int discover_paths_filtered(const char *path, const DiscoverFilter *filter, PathList *files,
                            FILE *errors) {
    struct stat st;
    if (stat(path, &st) != 0) {
        problem(errors, filter, path, strerror(errno));
        return 1;
    }
    char *abs = absolute(path);
    int problems = 0;
    if (S_ISDIR(st.st_mode)) {
        /* A directory named explicitly is walked even if it is excluded, like a file, unless
         * --force-exclude says otherwise. */
        IgnoreStack ig;
        ignore_stack_init(&ig, abs);
        bool gitignored = strcmp(abs, "/") && ignore_stack_match(&ig, abs, true);
        if (!(filter && filter->force_exclude && skip(filter, abs, true, gitignored, true)))
            problems = walk(path, abs, &ig, filter, files, errors);
        ignore_stack_free(&ig);
    } else if (!S_ISREG(st.st_mode)) {
        problem(errors, filter, path, "not a regular file, skipped");
        problems = 1;
    } else {
        bool keep = true; /* explicit files are linted unless --force-exclude */
        if (filter && filter->force_exclude) {
            char *dir = util_xstrdup(abs);
            char *slash = strrchr(dir, '/');
            if (slash) *(slash == dir ? slash + 1 : slash) = '\0';
            IgnoreStack ig;
            ignore_stack_init(&ig, dir);
            /* Inside an ignored directory counts as ignored, as for git. */
            bool gitignored = ignore_stack_match(&ig, abs, false);
            for (char *p = strchr(dir + 1, '/'); !gitignored; p = strchr(p + 1, '/')) {
                if (p) *p = '\0';
                gitignored = ignore_stack_match(&ig, dir, true);
                if (!p) break;
                *p = '/';
            }
            keep = !skip(filter, abs, false, gitignored, true);
            ignore_stack_free(&ig);
            free(dir);
        }
        if (keep) array_push(files, util_xstrdup(path));
    }
    free(abs);
    return problems;
}

void discover_free(PathList *files) {
    for (size_t i = 0; i < files->len; i++)
        free(files->items[i]);
    array_free(files);
}
