/* report: the output formats by name, and the dispatch to their writers. */
#include "report.h"

#include <string.h>

#include "report_writers.h"

static const char *const FORMATS[] = {"full",  "concise", "json",   "json-lines",
                                      "sarif", "github",  "gitlab", "junit"};
const char report_format_names[] = "full, concise, json, json-lines, sarif, github, gitlab, junit";

bool report_parse_format(const char *name, ReportFormat *format) {
    for (size_t i = 0; i < sizeof FORMATS / sizeof *FORMATS; i++)
        if (!strcmp(name, FORMATS[i])) {
            *format = (ReportFormat)i;
            return true;
        }
    return false;
}

const char *report_format_name(ReportFormat format) {
    return FORMATS[format];
}

int report_write(FILE *out, const DiagList *diags, const ReportOptions *opts) {
    int rc;
    if (opts->statistics)
        rc = report_statistics(out, diags, opts);
    else
        switch (opts->format) {
        case REPORT_JSON:
            rc = report_json(out, diags);
            break;
        case REPORT_JSON_LINES:
            rc = report_json_lines(out, diags);
            break;
        case REPORT_SARIF:
            rc = report_sarif(out, diags, opts);
            break;
        case REPORT_GITHUB:
            rc = report_github(out, diags, opts);
            break;
        case REPORT_GITLAB:
            rc = report_gitlab(out, diags, opts);
            break;
        case REPORT_JUNIT:
            rc = report_junit(out, diags, opts);
            break;
        default:
            rc = report_text(out, diags, opts);
            break;
        }
    if (fflush(out) != 0) rc = -1;
    return rc;
}
