#define _DEFAULT_SOURCE /* d_type, dirfd */
#define _ATFILE_SOURCE /* fstatat */
#include "discover.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dircache.h"
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

/* A virtualenv under any name is skipped whatever the configuration says: a directory holding a
 * pyvenv.cfg (stat's answer: a link to one counts). */
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

static char *join(const char *dir, const char *name) {
    size_t n = strlen(dir);
    return n && dir[n - 1] == '/' ? util_xasprintf("%s%s", dir, name)
                                  : util_xasprintf("%s/%s", dir, name);
}

/* One name of a directory's listing and what the walk needs of it. */
typedef enum { LISTED_SKIP, LISTED_DIR, LISTED_FILE, LISTED_DANGLING } ListedKind;
typedef struct Listed {
    char *name;
    ListedKind kind;
    DiscoverStat st; /* LISTED_FILE: its stat; LISTED_DANGLING: errno in st.st.st_mode */
} Listed;

static int compare_listed(const void *a, const void *b) {
    return strcmp(((const Listed *)a)->name, ((const Listed *)b)->name);
}

/* What a name of the directory open as fd is, at the fewest calls: the listing's type tells a
 * directory, and a file not named like a source file is never stat'ed; a source file is (its stat
 * goes to the run, which then does not ask again), and so is a name whose type the listing cannot
 * tell. lstat's semantics: symbolic links to directories are not followed (no loops); links to
 * files are read through. */
static ListedKind classify(int fd, const struct dirent *e, DiscoverStat *ds) {
    bool python = is_python(e->d_name);
    if (e->d_type == DT_DIR) return LISTED_DIR;
    if (e->d_type != DT_REG && e->d_type != DT_LNK && e->d_type != DT_UNKNOWN) return LISTED_SKIP;
    if (e->d_type == DT_REG && !python) return LISTED_SKIP;
    struct stat st;
    if (fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) return LISTED_SKIP;
    bool link = S_ISLNK(st.st_mode);
    if (link && fstatat(fd, e->d_name, &st, 0) != 0) {
        ds->st.st_mode = (mode_t)errno; /* a dangling link named like a source file: say so */
        return python ? LISTED_DANGLING : LISTED_SKIP;
    }
    if (S_ISDIR(st.st_mode)) return link ? LISTED_SKIP : LISTED_DIR;
    if (!S_ISREG(st.st_mode) || !python) return LISTED_SKIP; /* FIFOs, devices, sockets */
    *ds = (DiscoverStat){st, true, !link};
    return LISTED_FILE;
}

/* The walk's state: what it appends to and where it reports. */
typedef struct Walk {
    const DiscoverFilter *filter;
    PathList *files;
    DiscoverStats *stats; /* NULL: not kept */
    DirCache *dirs;       /* given the listings read (NULL: not kept) */
    FILE *errors;
} Walk;

/* Gives w->dirs the listing of dir, open as fd, when its names can be stat'ed (searched: one
 * of them was, or access says so). */
static void keep_listing(Walk *w, const char *dir, int fd, bool searched, DirCacheName *all,
                         size_t n) {
    if (searched || faccessat(fd, ".", X_OK, 0) == 0) dircache_put(w->dirs, dir, all, n);
    for (size_t i = 0; i < n; i++)
        free((char *)all[i].name);
}

/* Walks dir (abs: its absolute form). `top`: the directory named on the command line, whose
 * ignore files ignore_stack_init read, and which is walked even if it is a virtualenv. */
static int walk(Walk *w, const char *dir, const char *abs, IgnoreStack *ig, bool top) {
    DIR *d = opendir(dir);
    if (!d) {
        if (!top && is_venv(dir)) return 0; /* (a virtualenv it cannot list is skipped all the same) */
        problem(w->errors, w->filter, dir, strerror(errno));
        return 1;
    }
    Array(Listed) names = {0};
    Array(DirCacheName) all = {0}; /* for w->dirs */
    bool venv = false, gitignore = false, dotignore = false, searched = false;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        if (w->dirs) array_push(&all, ((DirCacheName){util_xstrdup(e->d_name), e->d_type}));
        struct stat st;
        if (!strcmp(e->d_name, "pyvenv.cfg"))
            venv = (e->d_type != DT_LNK && e->d_type != DT_UNKNOWN) ||
                   fstatat(dirfd(d), e->d_name, &st, 0) == 0;
        gitignore |= !strcmp(e->d_name, ".gitignore");
        dotignore |= !strcmp(e->d_name, ".ignore");
        Listed l = {NULL, LISTED_SKIP, {{0}, false, false}};
        l.kind = classify(dirfd(d), e, &l.st);
        searched |= l.kind == LISTED_FILE;
        if (l.kind == LISTED_SKIP) continue;
        l.name = util_xstrdup(e->d_name);
        array_push(&names, l);
    }
    if (w->dirs) keep_listing(w, dir, dirfd(d), searched, all.items, all.len);
    array_free(&all);
    closedir(d);
    size_t listed = names.len;
    if (venv && !top) names.len = 0; /* skipped */
    int pushed = top || venv ? 0 : ignore_stack_push_listed(ig, abs, gitignore, dotignore);
    if (names.len > 1) qsort(names.items, names.len, sizeof *names.items, compare_listed);
    int problems = 0;
    for (size_t i = 0; i < names.len; i++) {
        Listed *l = &names.items[i];
        char *path = join(dir, l->name), *abs_path = join(abs, l->name);
        bool is_dir = l->kind == LISTED_DIR;
        if (l->kind == LISTED_DANGLING) {
            problem(w->errors, w->filter, path, strerror((int)l->st.st.st_mode));
            problems++;
        } else if (!skip(w->filter, abs_path, is_dir, ignore_stack_match(ig, abs_path, is_dir),
                         false)) {
            if (is_dir) problems += walk(w, path, abs_path, ig, false);
            if (!is_dir && w->stats) array_push(w->stats, l->st);
            if (!is_dir) array_push(w->files, path), path = NULL;
        }
        free(path);
        free(abs_path);
    }
    ignore_stack_pop(ig, pushed);
    for (size_t i = 0; i < listed; i++)
        free(names.items[i].name);
    array_free(&names);
    return problems;
}

int discover_paths(const char *path, PathList *files, FILE *errors) {
    return discover_paths_filtered(path, NULL, files, errors);
}

int discover_paths_filtered(const char *path, const DiscoverFilter *filter, PathList *files,
                            FILE *errors) {
    return discover_paths_stat(path, filter, files, NULL, NULL, errors);
}

int discover_paths_stat(const char *path, const DiscoverFilter *filter, PathList *files,
                        DiscoverStats *stats, DirCache *dirs, FILE *errors) {
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
        Walk w = {filter, files, stats, dirs, errors};
        if (!(filter && filter->force_exclude && skip(filter, abs, true, gitignored, true)))
            problems = walk(&w, path, abs, &ig, true);
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
        if (keep && stats) array_push(stats, ((DiscoverStat){st, true, false})); /* (a link?) */
    }
    free(abs);
    return problems;
}

void discover_free(PathList *files) {
    for (size_t i = 0; i < files->len; i++)
        free(files->items[i]);
    array_free(files);
}
