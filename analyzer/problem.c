#include "problem.h"

#include <string.h>

#include "rules.h"

const Rule problem_rule = {
    .code = DIAG_PROBLEM_CODE,
    .name = "io-error",
    .summary = "a file that could not be read or analysed",
    .what = "Reports a file that logitlint was asked to check but could not read (a missing\n"
            "path, a broken symbolic link, a permission error, a FIFO or device, NUL bytes, a\n"
            "notebook that is not valid JSON) or could not analyse within its per-file bounds.",
    .why = "A file that was not checked must not look like a file without findings: the run\n"
           "exits 2, and every output format lists the file, so a CI job or a pre-commit hook\n"
           "never passes it silently. It cannot be selected away or suppressed with `# noqa`.",
    .example = "# logitlint check eval/score.py   (the file was moved)\n",
    .instead = "# logitlint check eval/scoring/score.py\n",
};

void problem_add(DiagList *out, const char *path, const char *message) {
    size_t n = strlen(path);
    if (!strncmp(message, path, n) && message[n] == ':') message += n + 1 + (message[n + 1] == ' ');
    Diagnostic d = {.rule = &problem_rule,
                    .code = problem_rule.code,
                    .row = 1,
                    .col = 1,
                    .end_row = 1,
                    .end_col = 1};
    d.filename = util_xstrdup(path);
    d.message = util_xstrdup(message);
    array_push(out, d);
}
