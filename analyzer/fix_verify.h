/* fix_verify: a fix checked by running the patched code. Where the verifier ran the script's
 * own scoring for a finding (its counterexample is by the script), the same function of the
 * fixed text is run on that counterexample's table and on a few random tables of the recipe's
 * shape; the fix is verified when, on each, it ranks the candidates as log Pr(y|x) does. */
#ifndef LOGITLINT_FIX_VERIFY_H
#define LOGITLINT_FIX_VERIFY_H

#include "diag.h"

/* Sets d->fix->verified and its note. Nothing happens without a fix or without a counterexample
 * computed by the script's own code (the fix stays FIX_UNVERIFIED). */
void fix_verify(Diagnostic *d);

#endif
