/* explain: the reviewer's explanation of a rule, written around the numbers
 * of its counterexample so it can be pasted into a code review. */
#ifndef LOGITLINT_EXPLAIN_H
#define LOGITLINT_EXPLAIN_H

#include <stdbool.h>
#include <stdio.h>

#include "verify.h"

/* `logitlint explain CODE [--recipe NAME]`; argv[0] == "explain". Returns the
 * exit code: 0, or 2 with one line on stderr for an unknown code / bad usage. */
int explain_main(int argc, char **argv);
/* Prints the explanation of rule `code` (e.g. "LL101") around `res`, the
 * counterexample of one of its recipes; res NULL = compute the rule's first
 * recipe's counterexample. Used by `logitlint check --explain`. */
void explain_print(FILE *out, const char *code, const VerifyResult *res);
/* Is `code` a rule with an explanation? */
bool explain_known(const char *code);

#endif
