/* diag: findings (diagnostics) collected across files, sorted for deterministic output. */
#ifndef LOGITLINT_DIAG_H
#define LOGITLINT_DIAG_H

#include "util.h"
#include "verify.h"

struct Rule;

typedef struct Diagnostic {
    const struct Rule *rule;
    char *filename;
    char *message;
    char *help;              /* the fix, one line */
    int row, col;            /* 1-based start */
    int end_row, end_col;    /* 1-based, exclusive end column */
    int cell;                /* 1-based notebook cell, 0 for a .py file */
    const char *recipe;      /* verifier recipe name, NULL if not verifiable */
    const VerifyResult *cex; /* counterexample, borrowed from the check run (NULL: none) */
    VerifySite site;         /* the analysed text and the flagged bytes, for the verifier */
    char **frame_lines;      /* source lines row..end_row (at most DIAG_FRAME_MAX) */
    int nframe;
} Diagnostic;

enum { DIAG_FRAME_MAX = 6 };

typedef Array(Diagnostic) DiagList;

void diag_free(Diagnostic *d);
void diag_list_free(DiagList *list);
/* By filename, cell, row, column, code: output order never depends on thread scheduling. */
void diag_sort(DiagList *list);

#endif
