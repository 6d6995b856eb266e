/* discover: the files a `check` run analyses, from the paths on the command line. */
#ifndef LOGITLINT_DISCOVER_H
#define LOGITLINT_DISCOVER_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/stat.h>

#include "util.h"

typedef Array(char *) PathList;

/* Decides whether a walk skips a path. `gitignored`: an ignore file in force (.gitignore,
 * .git/info/exclude, .ignore) matches it. `explicit`: the path was named on the command line. */
typedef struct DiscoverFilter {
    bool (*skip)(void *ctx, const char *path, bool is_dir, bool gitignored, bool explicit_path);
    void *ctx;
    bool force_exclude; /* apply skip() to explicitly named files too */
    /* Told of every problem as well as `errors` (NULL: not told). */
    void (*problem)(void *ctx, const char *path, const char *message);
} DiscoverFilter;

/* Appends the Python files and notebooks (*.py, *.ipynb) under `path` (the path itself if it is
 * a file) to `files`, sorted. Problems (a missing path, an unreadable directory) are printed to
 * `errors`, one line each; returns the number of problems. `filter` may be NULL: then
 * hidden directories, the built-in skip list and ignored paths are skipped. */
int discover_paths(const char *path, PathList *files, FILE *errors);
int discover_paths_filtered(const char *path, const DiscoverFilter *filter, PathList *files,
                            FILE *errors);
/* What the walk learnt of a file, so that a run need not ask again: its stat (a link's target's),
 * and whether the path is no symbolic link (then lstat gave the same). */
typedef struct DiscoverStat {
    struct stat st;
    bool known; /* st is the file's */
    bool plain; /* no link (false: a link, or not known) */
} DiscoverStat;
typedef Array(DiscoverStat) DiscoverStats;

/* discover_paths_filtered, appending to `stats` (when not NULL) each file's stat, in step with
 * `files`, and giving `dirs` (when not NULL) the listing of every directory walked. */
struct DirCache;
int discover_paths_stat(const char *path, const DiscoverFilter *filter, PathList *files,
                        DiscoverStats *stats, struct DirCache *dirs, FILE *errors);
/* The directories a walk skips by default (ruff's defaults), and the default skip. */
extern const char *const discover_default_excludes[];
bool discover_default_skip(const char *path, bool is_dir, bool gitignored);
void discover_free(PathList *files);

#endif
