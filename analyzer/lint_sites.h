/* lint_sites: the rules over this file's events, and over what other files' code did for its
 * calls (reported at those calls). */
#ifndef LOGITLINT_LINT_SITES_H
#define LOGITLINT_LINT_SITES_H

#include "diag.h"
#include "facts.h"
#include "rules.h"

/* Runs the rules run[i] (indexed like rules_registry) over facts; appends to out. */
void sites_check(const Facts *facts, const Source *src, const bool *run, DiagList *out);
/* Does a call into another file find something (rules run[i])? Only then does sites_check need
 * facts->alone, the callees analysed alone, to tell whose finding it is. */
bool sites_need_alone(const Facts *facts, const Source *src, const bool *run);

#endif
