/* fix_diff: a unified diff of two versions of a file (--diff), lines compared exactly. */
#ifndef LOGITLINT_FIX_DIFF_H
#define LOGITLINT_FIX_DIFF_H

#include <stddef.h>
#include <stdio.h>

/* Writes `--- PATH`, `+++ PATH` and the hunks (3 lines of context) that turn a into b. */
void fix_unified_diff(FILE *out, const char *path, const char *a, size_t alen, const char *b,
                      size_t blen);

#endif
