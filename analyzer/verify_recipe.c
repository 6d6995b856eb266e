/* verify_recipe: the catalog of scoring recipes. A recipe is what flagged code
 * computes per candidate, as transform x aggregate x shift x mask x precision.
 * Each rule defines its recipes beside its check (Rule.recipes, rules/LL1xx_*.c);
 * the catalog is theirs in registry order, then the two below, which belong to
 * no rule. */
#include "verify.h"

#include <string.h>

#include "rules.h"

/* The baseline of the recipes that average. */
const VerifyRecipe verify_recipe_mean_log_probs = {
    .name = "mean-log-probs",
    .rule = "",
    .summary = "mean log-prob over the continuation (length-normalised; not log Pr(y|x), but the "
               "baseline for recipes that average)",
    .score_label = "mean log-prob",
    .transform = VERIFY_TERM_LOG_PROB,
    .aggregate = VERIFY_AGG_MEAN,
    .shift = VERIFY_SHIFT_CAUSAL,
    .mask = VERIFY_MASK_CONTINUATION,
    .precision = VERIFY_FLOAT64,
    .lower_is_better = false,
    .harm = VERIFY_HARM_FLIP,
    .min_steps = 1,
};

/* The correct objective. */
const VerifyRecipe verify_recipe_sum_log_probs = {
    .name = "sum-log-probs",
    .rule = "",
    .summary = "the correct objective: sum of log_softmax over continuation positions",
    .score_label = "sum of log-probs",
    .transform = VERIFY_TERM_LOG_PROB,
    .aggregate = VERIFY_AGG_SUM,
    .shift = VERIFY_SHIFT_CAUSAL,
    .mask = VERIFY_MASK_CONTINUATION,
    .precision = VERIFY_FLOAT64,
    .lower_is_better = false,
    .harm = VERIFY_HARM_NONE,
    .min_steps = 1,
};

static const VerifyRecipe *const recipes_of_no_rule[] = {&verify_recipe_mean_log_probs,
                                                         &verify_recipe_sum_log_probs};
enum { N_OF_NO_RULE = sizeof recipes_of_no_rule / sizeof *recipes_of_no_rule };

int verify_recipe_count(void) {
    int n = N_OF_NO_RULE;
    for (size_t i = 0; i < rules_count; i++)
        for (const VerifyRecipe *const *r = rules_registry[i]->recipes; r && *r; r++)
            n++;
    return n;
}

const VerifyRecipe *verify_recipe_at(int i) {
    if (i < 0) return NULL;
    for (size_t k = 0; k < rules_count; k++)
        for (const VerifyRecipe *const *r = rules_registry[k]->recipes; r && *r; r++)
            if (i-- == 0) return *r;
    return i < N_OF_NO_RULE ? recipes_of_no_rule[i] : NULL;
}

const VerifyRecipe *verify_recipe_find(const char *name) {
    if (!name) return NULL;
    const VerifyRecipe *r;
    for (int i = 0; (r = verify_recipe_at(i)); i++)
        if (strcmp(r->name, name) == 0) return r;
    return NULL;
}

const VerifyRecipe *verify_recipe_for_rule(const char *code) {
    const Rule *rule = code ? rules_find(code) : NULL;
    return rule && rule->recipes ? rule->recipes[0] : NULL;
}

/* The float64 sibling computes the same terms, aggregate, shift and mask. A float64
 * counterexample's overflow or underflow happens in float32, float16 and bfloat16 as well
 * (their range is narrower), so it is the honest claim when the script's dtype is unknown. */
const VerifyRecipe *verify_recipe_at_precision(const VerifyRecipe *r, bool known_float32) {
    if (!r || r->precision != VERIFY_FLOAT32 || known_float32) return r;
    const VerifyRecipe *q;
    for (int i = 0; (q = verify_recipe_at(i)); i++) {
        if (q->precision == VERIFY_FLOAT64 && q->transform == r->transform &&
            q->aggregate == r->aggregate && q->shift == r->shift && q->mask == r->mask &&
            !strcmp(q->rule, r->rule))
            return q;
    }
    return r;
}

const char *verify_recipe_name(const VerifyRecipe *r) {
    return r ? r->name : NULL;
}
