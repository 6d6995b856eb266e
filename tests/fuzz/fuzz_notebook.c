/* libFuzzer harness: read an arbitrary buffer as a Jupyter notebook, as `check` reads a .ipynb
 * file (JSON -> code cells -> Source with a cell map), lint it and render the findings. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "lint.h"
#include "notebook.h"
#include "report.h"
#include "rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static FILE *sink;
    if (!sink) sink = fopen("/dev/null", "w");
    char *buf = util_xmalloc(size);
    if (size) memcpy(buf, data, size);
    Source src;
    char err[512];
    SourceStatus st = source_from_buffer(&src, "fuzz.ipynb", buf, size);
    if (st == SOURCE_OK) st = notebook_convert(&src, err, sizeof err);
    if (st == SOURCE_OK) {
        bool enabled[64];
        for (size_t i = 0; i < 64; i++)
            enabled[i] = i < rules_count;
        DiagList diags = {0};
        LintResult r;
        lint_source(&src, enabled, &diags, &r);
        diag_sort(&diags);
        if (sink) {
            ReportOptions full = {.format = REPORT_FULL}, json = {.format = REPORT_JSON};
            report_write(sink, &diags, &full);
            report_write(sink, &diags, &json);
        }
        diag_list_free(&diags);
    }
    source_free(&src);
    return 0;
}
