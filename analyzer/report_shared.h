/* report_shared: what every report writer shares (the options, paths relative to the project,
 * the counterexample as text, fingerprints, the summary counts). It sits below the writers and
 * the dispatcher (report.c): nothing here calls up into them. */
#ifndef LOGITLINT_REPORT_SHARED_H
#define LOGITLINT_REPORT_SHARED_H

#include <stdbool.h>
#include <stdio.h>

#include "diag.h"

/* ORDER: report_formats[] in report.c names them. */
typedef enum {
    REPORT_FULL,
    REPORT_CONCISE,
    REPORT_JSON,
    REPORT_JSON_LINES,
    REPORT_SARIF,
    REPORT_GITHUB,
    REPORT_GITLAB,
    REPORT_JUNIT,
} ReportFormat;

typedef struct ReportOptions {
    ReportFormat format;
    bool color;
    bool explain;     /* full format: the reviewer's explanation under each verified finding */
    bool statistics;  /* a count per code instead of the findings */
    const char *root; /* absolute project root: SARIF, GitLab and JUnit paths are relative to it */
    bool no_files;    /* no file was found to analyse */
    bool quiet;       /* -q: the findings without the summary lines */
    const DiagList *fixed; /* --fix: the findings fixed (NULL: not fixing) */
    bool show_fixes;       /* --show-fixes: list them */
    int unsafe_fixes; /* -1: not given (the summary hints at them), 0: --no-unsafe-fixes, 1: yes */
    const char *stdin_name; /* the name standard input's findings carry (NULL: not read) */
} ReportOptions;

/* The path as the user's repository knows it: relative to opts->root when under it. */
char *report_relative_path(const char *path, const char *root);
/* The counterexample block as plain text, or "no counterexample: " and why the verifier found
 * none (malloc'd; "" when it did not run). */
char *report_counterexample_text(const Diagnostic *d);
/* A stable fingerprint of a finding: code, path, the trimmed text of its first line, and the
 * ordinal of that same triple in the file (survives lines moving up or down). */
char *report_fingerprint(const DiagList *diags, size_t index, const char *path);

/* Where a finding is in the file itself, for the CI formats: a notebook finding's row is in its
 * cell, so these give the lines of the .ipynb file that hold it (columns are then unknown:
 * the JSON string escapes its text). Returns whether the columns apply. */
bool report_file_lines(const Diagnostic *d, int *row, int *end_row);
/* Would --fix apply the finding's fix (ruff's `[*]` marker)? Never standard input's. */
bool report_fix_applicable(const Diagnostic *d, const ReportOptions *opts);
/* The text formats' last lines: how many errors, how many files could not be analysed, or that
 * all checks passed. */
void report_summary(FILE *out, const DiagList *diags, const ReportOptions *opts);

#endif
