/* problem: a file that could not be read or analysed, reported as a finding of its own (code
 * E902, as ruff reports I/O errors), so every output format shows it and no summary says that
 * all is well when a file was not checked. It is not a rule: it cannot be selected, ignored
 * or suppressed. */
#ifndef LOGITLINT_PROBLEM_H
#define LOGITLINT_PROBLEM_H

#include "diag.h"

struct Rule;
/* E902 io-error, documented like a rule (`logitlint rule E902`). */
extern const struct Rule problem_rule;

/* Appends a problem at 1:1 of `path`. `message` may start with the path and ": " (as the
 * loaders' messages do); that prefix is dropped. */
void problem_add(DiagList *out, const char *path, const char *message);

#endif
