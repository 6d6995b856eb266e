/* lint: one source -> its findings (parse, facts, rules). */
#ifndef LOGITLINT_LINT_H
#define LOGITLINT_LINT_H

#include <stdbool.h>

#include "diag.h"
#include "rules.h"
#include "source.h"

typedef struct LintResult {
    bool parse_failed;   /* tree-sitter gave no tree at all */
    bool syntax_error;   /* recovered from a syntax error; error_row/col say where */
    int error_row, error_col;
} LintResult;

/* Runs the rules enabled[i] (indexed like rules_registry) over src; appends to out. */
void lint_source(const Source *src, const bool *enabled, DiagList *out, LintResult *result);

#endif
