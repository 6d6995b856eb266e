/* report: findings -> text (full, concise) or JSON. Reporters never look at source files:
 * everything they show travels in the diagnostics. */
#ifndef LOGITLINT_REPORT_H
#define LOGITLINT_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "diag.h"

typedef enum { REPORT_FULL, REPORT_CONCISE, REPORT_JSON } ReportFormat;

typedef struct ReportOptions {
    ReportFormat format;
    bool color;
    bool explain; /* full format: the reviewer's explanation under each verified finding */
} ReportOptions;

/* Returns 0, or -1 when writing failed (e.g. a closed pipe). */
int report_write(FILE *out, const DiagList *diags, const ReportOptions *opts);
bool report_parse_format(const char *name, ReportFormat *format);

/* The formats, for report_write. */
int report_text(FILE *out, const DiagList *diags, const ReportOptions *opts);
int report_json(FILE *out, const DiagList *diags);

#endif
