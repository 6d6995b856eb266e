/* report: findings -> text (full, concise) or JSON. Reporters never look at source files:
 * everything they show travels in the diagnostics. */
#ifndef LOGITLINT_REPORT_H
#define LOGITLINT_REPORT_H

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
} ReportOptions;

/* "full, concise, json, ..." for messages. */
extern const char report_format_names[];

/* Returns 0, or -1 when writing failed (e.g. a closed pipe). */
int report_write(FILE *out, const DiagList *diags, const ReportOptions *opts);
bool report_parse_format(const char *name, ReportFormat *format);

/* The formats, for report_write. */
int report_text(FILE *out, const DiagList *diags, const ReportOptions *opts);
int report_json(FILE *out, const DiagList *diags);
int report_json_lines(FILE *out, const DiagList *diags);
int report_sarif(FILE *out, const DiagList *diags, const ReportOptions *opts);
int report_github(FILE *out, const DiagList *diags, const ReportOptions *opts);
int report_gitlab(FILE *out, const DiagList *diags, const ReportOptions *opts);
int report_junit(FILE *out, const DiagList *diags, const ReportOptions *opts);
int report_statistics(FILE *out, const DiagList *diags, const ReportOptions *opts);

/* Helpers shared by the reporters. */
/* The path as the user's repository knows it: relative to opts->root when under it. */
char *report_relative_path(const char *path, const char *root);
/* The counterexample block as plain text (malloc'd; "" when none). */
char *report_counterexample_text(const Diagnostic *d);
/* A stable fingerprint of a finding: code, path, the trimmed text of its first line, and the
 * ordinal of that same triple in the file (survives lines moving up or down). */
char *report_fingerprint(const DiagList *diags, size_t index, const char *path);

#endif
