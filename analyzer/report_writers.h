/* report_writers: one function per output format, called by report_write (report.c). */
#ifndef LOGITLINT_REPORT_WRITERS_H
#define LOGITLINT_REPORT_WRITERS_H

#include "report_shared.h"

/* The formats, for report_write. */
int report_text(FILE *out, const DiagList *diags, const ReportOptions *opts);
int report_json(FILE *out, const DiagList *diags);
int report_json_lines(FILE *out, const DiagList *diags);
int report_sarif(FILE *out, const DiagList *diags, const ReportOptions *opts);
int report_github(FILE *out, const DiagList *diags, const ReportOptions *opts);
int report_gitlab(FILE *out, const DiagList *diags, const ReportOptions *opts);
int report_junit(FILE *out, const DiagList *diags, const ReportOptions *opts);
int report_statistics(FILE *out, const DiagList *diags, const ReportOptions *opts);

#endif
