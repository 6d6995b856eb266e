/* lint_sites: the rules over this file's events, and over what other files' code did for its
 * calls (reported at those calls). */
#ifndef LOGITLINT_LINT_SITES_H
#define LOGITLINT_LINT_SITES_H

#include "diag.h"
#include "facts.h"
#include "rules.h"

/* Runs the rules run[i] (indexed like rules_registry) over facts; appends to out. */
void sites_check(const Facts *facts, const Source *src, const bool *run, DiagList *out);

#endif
