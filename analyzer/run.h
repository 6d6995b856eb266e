/* run: analyse a list of files (load, prefilter, lint, warn) on a pool of worker threads and
 * collect their findings. */
#ifndef LOGITLINT_RUN_H
#define LOGITLINT_RUN_H

#include <stdbool.h>

#include "cache.h"
#include "cex.h"
#include "diag.h"
#include "discover.h"

typedef struct RunOptions {
    const bool *enabled;        /* indexed like rules_registry */
    const char *stdin_filename; /* name reported for "-" */
    int threads;                /* worker threads; 0: one per available core */
    bool no_prefilter;          /* parse every file, even one no enabled rule can fire on */
    const Cache *cache;         /* NULL: no result cache (standard input is never cached) */
    Hash128 settings;           /* the cache's digest of the settings these files share */
    bool quiet;                 /* no warnings (errors are still reported) */
    const struct UserContracts *contracts; /* declared library contracts (NULL: none) */
    CexPool *cex; /* the findings' counterexamples are attached here (NULL: --no-verify) */
    const DiscoverStat *stats; /* per file, what the walk learnt of it (NULL: nothing) */
    struct DirCache *dirs;     /* the listings the walk read (dircache.h; NULL: none) */
} RunOptions;

/* Analyses every file ("-" is standard input), appending findings to out in file order (not
 * yet sorted within a file: see diag_sort). Problems are reported on stderr, one line each, in
 * file order whatever the thread count; returns how many files failed. */
int run_files(const PathList *files, const RunOptions *opts, DiagList *out);

/* The number of worker threads `threads` asks for (0: the cores this process may run on). */
int run_thread_count(int threads);

#endif
