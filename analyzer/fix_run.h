/* fix_run: --fix, --unsafe-fixes and --diff. Per file, the allowed fixes of its findings are
 * applied in one pass (a fix overlapping one already taken waits for the next run, as ruff does
 * in each of its passes); the file is then analysed again, and the fixes are kept only if every
 * fixed finding is gone and no finding (or syntax error) appeared; otherwise they are all rolled
 * back and said so. */
#ifndef LOGITLINT_FIX_RUN_H
#define LOGITLINT_FIX_RUN_H

#include <stdbool.h>
#include <stdio.h>

#include "diag.h"

typedef struct FixRunOptions {
    bool write;  /* --fix: rewrite the files; otherwise (--diff) print the diff to diff_out */
    bool unsafe; /* --unsafe-fixes: unsafe fixes too */
    FILE *diff_out;
    /* The name standard input's findings carry (`-`, or --stdin-filename's) when it was read:
     * never fixed, and never mistaken for the file of that name. NULL: not read. */
    const char *stdin_name;
    /* The rules enabled for the file (indexed like rules_registry), for the re-analysis. */
    const bool *(*enabled)(void *ctx, const char *path);
    void *ctx;
} FixRunOptions;

/* diags: sorted by file. The findings fixed move to `fixed`; a rewritten file's remaining
 * findings are those of its new text (sorted again). Returns how many files could not be
 * fixed (rolled back, or not written), each named on stderr. */
int fix_run(DiagList *diags, const FixRunOptions *o, DiagList *fixed);

#endif
