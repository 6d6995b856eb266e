/* prefilter: which rules could fire on a file, from one multi-substring scan of its text, so
 * that a file on which none could is skipped without parsing. */
#ifndef LOGITLINT_PREFILTER_H
#define LOGITLINT_PREFILTER_H

#include <stdbool.h>
#include <stddef.h>

typedef struct Prefilter Prefilter;

/* A scanner for the literals of the rules enabled[i] (indexed like rules_registry). */
Prefilter *prefilter_new(const bool *enabled);
/* The same for n literal lists (each in the form of Rule.literals, NULL: no constraint). */
Prefilter *prefilter_compile(const char *const *const *literals, const bool *enabled, size_t n);
void prefilter_free(Prefilter *pf);
/* A rule's literal groups as prefilter_new reads them: Rule.literals, each group joined by the
 * names of the contract rows (contracts.h) whose ops Rule.literal_ops lists for it. NULL-ended;
 * free() the array only. */
struct Rule;
const char **prefilter_rule_literals(const struct Rule *rule);

/* Sets may[i] (i < n, indexed like the lists it was built from) to whether list i is enabled
 * and every one of its literal groups occurs in text (ASCII case folded); returns how many
 * may fire. Reentrant: the scanner is read-only once built, so threads share one. */
size_t prefilter_scan(const Prefilter *pf, const char *text, size_t len, bool *may);

#endif
