/* rules: the rule registry, and what a rule's check sees and may emit. */
#ifndef LOGITLINT_RULES_H
#define LOGITLINT_RULES_H

#include "diag.h"
#include "facts.h"

typedef struct RuleContext RuleContext;

typedef struct Rule {
    const char *code;    /* "LL101" */
    const char *name;    /* "raw-logit-sequence-score" */
    const char *summary; /* one line */
    /* The doc, in ruff's sections. */
    const char *what;
    const char *why;
    const char *example;
    const char *instead;
    /* Literal substrings without which the rule cannot fire (for the prefilter); NULL-ended. */
    const char *const *literals;
    void (*check)(RuleContext *ctx);
} Rule;

struct RuleContext {
    const Facts *facts;
    const Source *src;
    const Rule *rule;
    DiagList *out;
};

/* Emits a finding at `node`. `recipe` names the verifier recipe (NULL: not verifiable). */
void rules_emit(RuleContext *ctx, TSNode node, const char *recipe, const char *help,
                const char *fmt, ...) __attribute__((format(printf, 5, 6)));

extern const Rule *const rules_registry[];
extern const size_t rules_count;
const Rule *rules_find(const char *code);
/* Code matches a selector: a full code or a prefix such as "LL1" or "ALL". */
bool rules_match(const Rule *rule, const char *selector);
void rules_print_doc(FILE *out, const Rule *rule);

#endif
