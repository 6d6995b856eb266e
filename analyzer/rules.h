/* rules: the rule registry, and what a rule is: its check (what it sees and may emit), its
 * documentation, its verifier recipes and its explanation, all in its rules/LLxxx_*.c. */
#ifndef LOGITLINT_RULES_H
#define LOGITLINT_RULES_H

#include "contracts.h"
#include "diag.h"
#include "explain.h"
#include "facts.h"
#include "suppress.h"
#include "verify.h"

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
    /* Its fix, if it has one: what it does and why it is safe or unsafe (NULL: no fix). */
    const char *fix;
    /* Literal substrings without which the rule cannot fire, for the prefilter (prefilter.c);
     * NULL-ended. Groups are separated by "": the rule may fire only if, for EVERY group, at
     * least one of its literals occurs in the file's text (ASCII case is ignored; comments and
     * strings count). A NULL list, or one with no non-empty literal, never skips the file.
     * A file where this does not hold is skipped WITHOUT parsing, so the author must guarantee:
     *   whenever check() emits on some file, each group has a literal in that file's text.
     * Derive them from the data flow the rule needs, not from the names in its fixtures: a
     * literal must lie on EVERY path by which the facts layer can produce the event / fact the
     * rule reads, including name evidence (names_evidence), import aliases (the imported
     * name is in the text), functions of the same file and model outputs read by position
     * (`model(ids)[0]` holds logits without the word "logit" anywhere). Library functions are
     * not listed here but through literal_ops: the names of the contract rows with those ops
     * join the group, so a row added to the table is never skipped. Operators (such as "+=")
     * and other paths stay literals; a variable name is never one. When the facts layer gains
     * a new way to make such a fact, the literals of every rule that reads it must grow too.
     * tests/unit/test_prefilter.c checks that findings with and without the prefilter agree on
     * every fixture and sample, also with local names that contain literals renamed. */
    const char *const *literals;
    /* Contract ops (contracts.h) whose rows' names are literals of the rule too, group by group
     * like literals: the ops of one group, OP_NONE, the next group's, ..., ended by OP_COUNT;
     * NULL: none. */
    const uint8_t *literal_ops;
    void (*check)(RuleContext *ctx);
    /* Its verifier recipes (verify.h), defined beside the check; NULL-ended, NULL: none. The
     * first is the one `logitlint explain` shows; a float32 recipe is followed by its float64
     * sibling (verify_recipe_at_precision). */
    const VerifyRecipe *const *recipes;
    /* Its reviewer's explanation (`logitlint explain`, check --explain): one headline, then
     * the why, told on the numbers of a counterexample of one of its recipes (explain.h).
     * NULL for a rule with no ranking to flip (its documentation says it all). */
    const char *explain_headline;
    ExplainWhy explain;
    /* Runs after `# noqa` suppression and reads ctx->noqa (LL001); its findings can themselves
     * be suppressed, but never mark a directive used. */
    bool reads_suppressions;
} Rule;

struct RuleContext {
    const Facts *facts;
    const Source *src;
    const Rule *rule;
    DiagList *out;
    NoqaList *noqa; /* the file's suppression directives (set for rules that read them) */
};

/* Emits a finding at `node`. `recipe` is one of the rule's recipes (NULL: not verifiable). */
void rules_emit(RuleContext *ctx, TSNode node, const VerifyRecipe *recipe, const char *help,
                const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Where a flaw was made (Fact.made_event, facts.h): the event of `kind` that made the values a
 * rule flags at `at`, when it lies in another file's code than `at` (the fix goes there, not
 * where they are summed or ranked); NULL when there is none, or it is in the same file. */
const FactEvent *rules_made_apart(const RuleContext *ctx, TSNode at, uint16_t made,
                                  EventKind kind);
/* Are the values that the code of event `made` made (for any call that ran it) used only where
 * `flawed` says the rule flags them (or downstream of such a use)? Else that code serves a
 * right use too, and the flaw is where they were summed or ranked. flawed gets the event and
 * its operand holding them. */
bool rules_made_used_only_by(const RuleContext *ctx, uint16_t made,
                             bool (*flawed)(const FactEvent *e, const Fact *f));
/* The mean of token log-probs over prompt + continuation (an EV_AGGREGATE AGG_MEAN of
 * MFLAW_PROMPT: a masked sum over the pads only divided by the count of real tokens) that the
 * ranking `rank` picks a candidate by (argmax, sorted, max, ...; no comparison, no metric of
 * an order); NULL: none. LL107 reports it, LL106 leaves it. */
const FactEvent *rules_prompt_mean_picked(const Facts *facts, const FactEvent *rank);
/* The finding last emitted is verified on the value computed at node (the sum or the ranking
 * of the values it flags where they were made), when node is this file's code. */
void rules_verify_at(RuleContext *ctx, TSNode node);
/* "path:row:col" of node (its file's, as the run names it), into buf. */
void rules_where(const RuleContext *ctx, TSNode node, char *buf, size_t size);

extern const Rule *const rules_registry[];
extern const size_t rules_count;
const Rule *rules_find(const char *code);
/* Code matches a selector: a full code or a prefix such as "LL1" or "ALL". */
bool rules_match(const Rule *rule, const char *selector);
void rules_print_doc(FILE *out, const Rule *rule);

#endif
