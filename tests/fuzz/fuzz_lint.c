/* libFuzzer harness: analyse an arbitrary byte buffer as a Python file with every rule
 * enabled, then render the findings in every output format (to /dev/null). Any crash,
 * sanitizer report, leak or hang (-timeout) is a bug. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "lint.h"
#include "report.h"
#include "rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static FILE *sink;
    if (!sink) sink = fopen("/dev/null", "w");
    bool enabled[64];
    for (size_t i = 0; i < 64; i++)
        enabled[i] = i < rules_count;
    char *buf = util_xmalloc(size);
    if (size) memcpy(buf, data, size);
    Source src;
    if (source_from_buffer(&src, "fuzz.py", buf, size) != SOURCE_OK) {
        source_free(&src); /* NUL bytes: refused before parsing, as the CLI does */
        return 0;
    }
    DiagList diags = {0};
    LintResult r;
    lint_source(&src, enabled, &diags, &r);
    diag_sort(&diags);
    if (sink) {
        ReportOptions full = {.format = REPORT_FULL}, concise = {.format = REPORT_CONCISE},
                      json = {.format = REPORT_JSON};
        report_write(sink, &diags, &full);
        report_write(sink, &diags, &concise);
        report_write(sink, &diags, &json);
    }
    diag_list_free(&diags);
    source_free(&src);
    return 0;
}
