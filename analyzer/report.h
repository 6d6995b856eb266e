/* report: findings -> one of the output formats. Reporters never look at source files:
 * everything they show travels in the diagnostics. */
#ifndef LOGITLINT_REPORT_H
#define LOGITLINT_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "report_shared.h"

/* "full, concise, json, ..." for messages. */
extern const char report_format_names[];

/* Returns 0, or -1 when writing failed (e.g. a closed pipe). */
int report_write(FILE *out, const DiagList *diags, const ReportOptions *opts);
bool report_parse_format(const char *name, ReportFormat *format);
const char *report_format_name(ReportFormat format);

#endif
