/* lint: one source -> its findings (parse, facts, rules). */
#ifndef LOGITLINT_LINT_H
#define LOGITLINT_LINT_H

#include <stdbool.h>

#include "bounds.h"
#include "diag.h"
#include "rules.h"
#include "source.h"

typedef struct LintResult {
    bool parse_failed; /* tree-sitter gave no tree at all */
    bool syntax_error; /* recovered from a syntax error; error_row/col say where */
    int error_row, error_col;
    int error_cell;  /* notebooks: the cell of the error (error_row is then its row in the cell) */
    BoundKind bound; /* a per-file bound was exceeded: the file was skipped, no findings */
} LintResult;

/* Runs the rules enabled[i] (indexed like rules_registry) over src; appends to out. */
void lint_source(const Source *src, const bool *enabled, DiagList *out, LintResult *result);
/* The same with the configuration's declared library contracts (NULL: none). */
struct UserContracts;
void lint_source_declared(const Source *src, const bool *enabled,
                          const struct UserContracts *contracts, DiagList *out,
                          LintResult *result);
/* The same within a budget (bounds.h); lint_source uses BOUND_MAX_STEPS and BOUND_TIME_SECONDS. */
void lint_source_within(const Source *src, const bool *enabled, DiagList *out, LintResult *result,
                        Budget *budget);

#endif
