/* run: analyse a list of files (load, lint, warn) and collect their findings. */
#ifndef LOGITLINT_RUN_H
#define LOGITLINT_RUN_H

#include <stdbool.h>

#include "diag.h"
#include "discover.h"

typedef struct RunOptions {
    const bool *enabled;        /* indexed like rules_registry */
    const char *stdin_filename; /* name reported for "-" */
} RunOptions;

/* Analyses every file ("-" is standard input), appending findings to out (unsorted).
 * Problems are reported on stderr, one line each; returns how many files failed. */
int run_files(const PathList *files, const RunOptions *opts, DiagList *out);

#endif
