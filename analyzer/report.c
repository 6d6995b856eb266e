#include "report.h"

#include <string.h>

bool report_parse_format(const char *name, ReportFormat *format) {
    if (!strcmp(name, "full")) *format = REPORT_FULL;
    else if (!strcmp(name, "concise")) *format = REPORT_CONCISE;
    else if (!strcmp(name, "json")) *format = REPORT_JSON;
    else return false;
    return true;
}

int report_write(FILE *out, const DiagList *diags, const ReportOptions *opts) {
    int rc = opts->format == REPORT_JSON ? report_json(out, diags) : report_text(out, diags, opts);
    if (fflush(out) != 0) rc = -1;
    return rc;
}
