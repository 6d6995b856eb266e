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

/* ---- Writing a rule's explanation (Rule.explain in rules/LL1xx_*.c) ---- */

/* Candidate and context names, freed together at the end of an explanation. */
typedef struct {
    char *v[64];
    int n;
} ExplainStrs;
/* A rule's why ("Why:" ... "Fix: ..."), told on the numbers of `res`, a counterexample of one
 * of its recipes; names it prints are kept in `s`. */
typedef void (*ExplainWhy)(FILE *out, const VerifyResult *res, ExplainStrs *s);

typedef struct {
    char s[32];
} ExplainNum;
ExplainNum explain_num(double v); /* "10", "-1.411907", "-inf", "1.4e-45" */
/* Candidate i as "[A, A]"; context ctx's prefix as "x, A". */
const char *explain_cand(ExplainStrs *s, const VerifyResult *res, int i);
const char *explain_context(ExplainStrs *s, const VerifyResult *res, int ctx);
/* Prints a paragraph wrapped at 78 columns: `first` before the first line, `rest` before the
 * others (a hanging indent for numbered points); a leading "\n" leaves a blank line. */
void explain_para(FILE *out, const char *first, const char *rest, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The first step, candidates in the script's ranking order, that the recipe scores and
 * `pred` accepts; its candidate in *who. NULL: none. */
const VerifyStep *explain_find_step(const VerifyResult *res, int *who,
                                    bool (*pred)(const VerifyStep *));
double explain_context_max(const VerifyTable *t, int ctx); /* the context's largest logit */
/* The first candidate the recipe padded (-1: none), its pad positions and their log-probs. */
int explain_first_padded(const VerifyResult *res, int *npad, double *padsum);

#endif
