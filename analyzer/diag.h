/* diag: findings (diagnostics) collected across files, sorted for deterministic output. */
#ifndef LOGITLINT_DIAG_H
#define LOGITLINT_DIAG_H

#include "util.h"
#include "verify.h"

struct Rule;

typedef struct Diagnostic {
    const struct Rule *rule; /* rules.h; NULL never */
    const char *code;        /* rule->code, for code that needs no more of the rule */
    char *filename;
    char *message;
    char *help;              /* the fix, one line */
    int row, col;            /* 1-based start */
    int end_row, end_col;    /* 1-based, exclusive end column */
    int cell;                /* 1-based notebook cell, 0 for a .py file */
    int file_row, file_end_row; /* notebooks: the .ipynb lines that hold row and end_row */
    const char *recipe;      /* verifier recipe name, NULL if not verifiable */
    const VerifyResult *cex; /* counterexample, borrowed from the check run (NULL: none) */
    char **frame_lines;      /* source lines row..end_row (at most DIAG_FRAME_MAX) */
    int nframe;
} Diagnostic;

enum { DIAG_FRAME_MAX = 6 };

/* The code of a file that could not be read or analysed (problem.h). */
#define DIAG_PROBLEM_CODE "E902"

typedef Array(Diagnostic) DiagList;

void diag_free(Diagnostic *d);
void diag_list_free(DiagList *list);
/* By filename, cell, row, column, code: output order never depends on thread scheduling. */
void diag_sort(DiagList *list);
/* Is it a file that could not be read or analysed rather than a finding? */
bool diag_is_problem(const Diagnostic *d);
/* How many of the diagnostics are such problems. */
size_t diag_count_problems(const DiagList *list);

#endif
