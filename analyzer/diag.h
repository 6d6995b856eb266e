/* diag: findings (diagnostics) collected across files, sorted for deterministic output. */
#ifndef LOGITLINT_DIAG_H
#define LOGITLINT_DIAG_H

#include "fix_apply.h"
#include "util.h"
#include "verify.h"

struct Rule;

/* ruff's applicability: a safe fix keeps every value the program relies on (up to rounding,
 * where the original was not already wrong); an unsafe one changes results on purpose and is
 * applied only with --unsafe-fixes. */
typedef enum { FIX_SAFE, FIX_UNSAFE } FixApplicability;

/* What running the patched code said of a fix (cli_check.c, fix_verify.c): not run (no
 * counterexample by the script's own code, --no-verify, or it could not run), ranks candidates
 * as log Pr(y|x) does on every table tried, or still ranks them otherwise on one. */
typedef enum { FIX_UNVERIFIED, FIX_VERIFIED, FIX_MISRANKS } FixVerified;

/* An edit as reports show it: 1-based positions (a notebook's in its cell, like the finding). */
typedef struct DiagEdit {
    char *content;
    int row, col, end_row, end_col;
} DiagEdit;

/* How to fix one finding (fix.h builds it). */
typedef struct DiagFix {
    FixApplicability applicability;
    char *message;         /* one line: what the fix does */
    FixEditList edits;     /* to apply: byte offsets in the analysed text, sorted */
    Array(DiagEdit) shown; /* the same edits, for reports */
    char *diff;            /* the lines it changes, "-old" then "+new", for the full format */
    FixVerified verified;
    char verify_note[320]; /* verified or not: on which tables, in words */
} DiagFix;

/* A finding in another file's code that appears only with the arguments of this file's call
 * (lint_sites.c): it is reported at the call, and the run moves it to that code when it
 * analyses that file too (relocate.h). */
typedef struct DiagThere {
    char *filename;          /* the callee's file, as the import found it */
    char *message;           /* the finding as the rule worded it there */
    char *callee;            /* the call's function, as written at the call: `scorer.predict` */
    int row, col, end_row, end_col;
    int noqa_row;            /* a `# noqa` of that file covering it: its row (0: none) */
    bool shared;             /* the file calls that function elsewhere with values that keep
                                it right: the call is the flaw, never moved */
    char **frame_lines;      /* that file's lines row..end_row (at most DIAG_FRAME_MAX) */
    int nframe;
    /* The finding is reported there now (relocate.c): these fields hold the call's place and
     * the message and lines the finding had there, cell its notebook cell. */
    bool moved;
    int cell;
} DiagThere;

typedef struct Diagnostic {
    const struct Rule *rule; /* rules.h; never NULL */
    const char *code;        /* rule->code, for code that needs no more of the rule */
    char *filename;
    char *message;
    char *help;              /* the fix, one line */
    int row, col;            /* 1-based start */
    int end_row, end_col;    /* 1-based, exclusive end column */
    int cell;                /* 1-based notebook cell, 0 for a .py file */
    int file_row, file_end_row; /* notebooks: the .ipynb lines that hold row and end_row */
    const VerifyRecipe *recipe; /* verifier recipe (its rule's), NULL if not verifiable */
    const VerifyResult *cex; /* counterexample, borrowed from the check run (NULL: none) */
    char *no_cex;            /* why it has none though the verifier ran (one line), else NULL */
    bool cex_tried;          /* the verifier ran on it: a NULL cex is its answer (cex.h) */
    VerifySite site;         /* the analysed text and the flagged bytes, for the verifier */
    char **frame_lines;      /* source lines row..end_row (at most DIAG_FRAME_MAX) */
    DiagFix *fix;            /* NULL: no fix */
    int nframe;
    DiagThere *there;        /* found in another file's code for this call (NULL: its own) */
} Diagnostic;

enum { DIAG_FRAME_MAX = 6 };

/* The code of a file that could not be read or analysed (problem.h). */
#define DIAG_PROBLEM_CODE "E902"

typedef Array(Diagnostic) DiagList;

void diag_free(Diagnostic *d);
void diag_fix_free(DiagFix *fix);
void diag_there_free(DiagThere *there);
void diag_list_free(DiagList *list);
/* By filename, cell, row, column, code: output order never depends on thread scheduling. */
void diag_sort(DiagList *list);
/* Is it a file that could not be read or analysed rather than a finding? */
bool diag_is_problem(const Diagnostic *d);
/* How many of the diagnostics are such problems. */
size_t diag_count_problems(const DiagList *list);

#endif
