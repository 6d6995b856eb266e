#include "run.h"

#include <stdio.h>
#include <string.h>

#include "lint.h"

/* Loads, lints and warns for one file. Returns false when the file could not be read. */
static bool run_one(const char *path, const RunOptions *o, DiagList *out) {
    Source src;
    char err[512];
    SourceStatus st;
    if (!strcmp(path, "-"))
        st = source_load_stream(&src, stdin, o->stdin_filename ? o->stdin_filename : "-", err, sizeof err);
    else
        st = source_load_file(&src, path, err, sizeof err);
    if (st != SOURCE_OK) {
        fprintf(stderr, "logitlint: %s\n", err);
        source_free(&src);
        return false;
    }
    LintResult r;
    lint_source(&src, o->enabled, out, &r);
    if (r.parse_failed) {
        fprintf(stderr, "logitlint: %s: could not be parsed\n", src.path);
        source_free(&src);
        return false;
    }
    if (r.syntax_error)
        fprintf(stderr, "warning: %s:%d:%d: syntax error; the rest of the file was still analysed\n",
                src.path, r.error_row, r.error_col);
    source_free(&src);
    return true;
}

int run_files(const PathList *files, const RunOptions *opts, DiagList *out) {
    int failed = 0;
    for (size_t i = 0; i < files->len; i++)
        if (!run_one(files->items[i], opts, out)) failed++;
    return failed;
}
