/* verify_recipe: the catalog of scoring recipes. A recipe is what flagged code
 * computes per candidate, as transform x aggregate x shift x mask x precision;
 * rules attach a recipe name to each finding. */
#include "verify.h"

#include <string.h>

/* ORDER RECIPES: the first recipe of a rule is the one `logitlint explain`
 * uses. The two without a rule come last: mean-log-probs (the baseline of the
 * recipes that average) and sum-log-probs (the correct objective). */
static const VerifyRecipe recipe_catalog[] = {
    {"sum-raw-logits", "LL101", "sum of the raw logits of the chosen tokens across positions",
     "sum of raw logits", VERIFY_TERM_RAW, VERIFY_AGG_SUM, VERIFY_SHIFT_CAUSAL,
     VERIFY_MASK_CONTINUATION, VERIFY_FLOAT64, false, VERIFY_HARM_FLIP, 1, NULL},
    {"mean-raw-logits", "LL101", "mean of the raw logits of the chosen tokens across positions",
     "mean of raw logits", VERIFY_TERM_RAW, VERIFY_AGG_MEAN, VERIFY_SHIFT_CAUSAL,
     VERIFY_MASK_CONTINUATION, VERIFY_FLOAT64, false, VERIFY_HARM_FLIP, 1, "mean-log-probs"},
    {"product-probs", "LL102",
     "product of per-token softmax probabilities in float32 (torch's default dtype); "
     "underflows to 0.0",
     "product of probs (float32)", VERIFY_TERM_PROB, VERIFY_AGG_PRODUCT, VERIFY_SHIFT_CAUSAL,
     VERIFY_MASK_CONTINUATION, VERIFY_FLOAT32, false, VERIFY_HARM_TIE, 2, NULL},
    {"product-probs-f64", "LL102",
     "product of per-token softmax probabilities in float64; underflows to 0.0 below 4.9e-324",
     "product of probs (float64)", VERIFY_TERM_PROB, VERIFY_AGG_PRODUCT, VERIFY_SHIFT_CAUSAL,
     VERIFY_MASK_CONTINUATION, VERIFY_FLOAT64, false, VERIFY_HARM_TIE, 2, NULL},
    {"log-of-softmax", "LL103",
     "log(softmax(u)) in two float32 steps, summed: softmax underflows to 0 and log gives -inf",
     "sum of log(softmax) (float32)", VERIFY_TERM_LOG_OF_PROB, VERIFY_AGG_SUM, VERIFY_SHIFT_CAUSAL,
     VERIFY_MASK_CONTINUATION, VERIFY_FLOAT32, false, VERIFY_HARM_INFINITE, 1, NULL},
    {"softmax-over-positions", "LL104",
     "log_softmax over the position axis instead of the vocabulary, gathered and summed",
     "sum of log_softmax over positions", VERIFY_TERM_LOG_PROB_AXIS0, VERIFY_AGG_SUM,
     VERIFY_SHIFT_CAUSAL, VERIFY_MASK_CONTINUATION, VERIFY_FLOAT64, false, VERIFY_HARM_FLIP, 2,
     NULL},
    {"no-causal-shift", "LL105",
     "log-probs at position t gathered at token t (no shift): each token scored under the "
     "distribution of the next one",
     "sum of unshifted log-probs", VERIFY_TERM_LOG_PROB, VERIFY_AGG_SUM, VERIFY_SHIFT_NONE,
     VERIFY_MASK_CONTINUATION, VERIFY_FLOAT64, false, VERIFY_HARM_FLIP, 1, NULL},
    {"mean-with-prompt", "LL106",
     "mean log-prob over prompt and continuation positions (prompt left unmasked)",
     "mean log-prob incl. prompt", VERIFY_TERM_LOG_PROB, VERIFY_AGG_MEAN, VERIFY_SHIFT_CAUSAL,
     VERIFY_MASK_WITH_PROMPT, VERIFY_FLOAT64, false, VERIFY_HARM_FLIP, 1, "mean-log-probs"},
    {"sum-with-padding", "LL106",
     "sum of log-probs over a right-padded batch without the mask: pad positions count",
     "sum of log-probs incl. padding", VERIFY_TERM_LOG_PROB, VERIFY_AGG_SUM, VERIFY_SHIFT_CAUSAL,
     VERIFY_MASK_WITH_PADDING, VERIFY_FLOAT64, false, VERIFY_HARM_FLIP, 1, NULL},
    {"mean-token-nll", "LL107",
     "mean token NLL over prompt + continuation (HF outputs.loss), lowest loss picked",
     "mean NLL incl. prompt (loss)", VERIFY_TERM_NLL, VERIFY_AGG_MEAN, VERIFY_SHIFT_CAUSAL,
     VERIFY_MASK_WITH_PROMPT, VERIFY_FLOAT64, true, VERIFY_HARM_FLIP, 1, NULL},
    {"softmax-into-cross-entropy", "LL108",
     "cross_entropy(softmax(u), y): log_softmax applied again to probabilities, lowest loss "
     "picked",
     "cross_entropy of probs (loss)", VERIFY_TERM_CE_OF_PROB, VERIFY_AGG_MEAN, VERIFY_SHIFT_CAUSAL,
     VERIFY_MASK_CONTINUATION, VERIFY_FLOAT64, true, VERIFY_HARM_FLIP, 1, "mean-log-probs"},
    {"logits-into-nll-loss", "LL109",
     "nll_loss(u, y) on raw logits = minus the mean chosen logit, lowest loss picked",
     "nll_loss of logits (loss)", VERIFY_TERM_NEG_RAW, VERIFY_AGG_MEAN, VERIFY_SHIFT_CAUSAL,
     VERIFY_MASK_CONTINUATION, VERIFY_FLOAT64, true, VERIFY_HARM_FLIP, 1, "mean-log-probs"},
    {"unstable-softmax", "LL110",
     "log(exp(u) / sum(exp(u))) in float32 without subtracting the max: exp overflows, "
     "inf/inf = NaN",
     "sum of log(exp/sum exp) (float32)", VERIFY_TERM_UNSTABLE_LOG_PROB, VERIFY_AGG_SUM,
     VERIFY_SHIFT_CAUSAL, VERIFY_MASK_CONTINUATION, VERIFY_FLOAT32, false, VERIFY_HARM_NAN, 1,
     NULL},
    /* LL111: a head whose output at position t is the log-likelihood of the prefix up to t (a
     * perfect value head) read at the batch's last position: a shorter candidate is scored at
     * its pads, as the head sees them. */
    {"value-at-pad", "LL111",
     "a per-position value head (the prefix's log-likelihood) read at the last position of a "
     "right-padded batch: a shorter candidate is scored after its pads",
     "value at the last padded position", VERIFY_TERM_LOG_PROB, VERIFY_AGG_SUM,
     VERIFY_SHIFT_CAUSAL, VERIFY_MASK_WITH_PADDING, VERIFY_FLOAT64, false, VERIFY_HARM_FLIP, 1,
     NULL},
    /* LL112: the target still holds the fill the loss ignores: every term is 0. */
    {"ignored-target", "LL112",
     "each token's log-prob computed against a target that still holds the ignored fill "
     "(ignore_index): every term is 0, so every continuation scores 0",
     "sum of ignored-target log-probs", VERIFY_TERM_IGNORED, VERIFY_AGG_SUM, VERIFY_SHIFT_CAUSAL,
     VERIFY_MASK_CONTINUATION, VERIFY_FLOAT64, false, VERIFY_HARM_TIE, 1, NULL},
    {"mean-log-probs", "",
     "mean log-prob over the continuation (length-normalised; not log Pr(y|x), but the "
     "baseline for recipes that average)",
     "mean log-prob", VERIFY_TERM_LOG_PROB, VERIFY_AGG_MEAN, VERIFY_SHIFT_CAUSAL,
     VERIFY_MASK_CONTINUATION, VERIFY_FLOAT64, false, VERIFY_HARM_FLIP, 1, NULL},
    {"sum-log-probs", "", "the correct objective: sum of log_softmax over continuation positions",
     "sum of log-probs", VERIFY_TERM_LOG_PROB, VERIFY_AGG_SUM, VERIFY_SHIFT_CAUSAL,
     VERIFY_MASK_CONTINUATION, VERIFY_FLOAT64, false, VERIFY_HARM_NONE, 1, NULL},
};

int verify_recipe_count(void) {
    return (int)(sizeof recipe_catalog / sizeof *recipe_catalog);
}

const VerifyRecipe *verify_recipe_at(int i) {
    return i >= 0 && i < verify_recipe_count() ? &recipe_catalog[i] : NULL;
}

const VerifyRecipe *verify_recipe_find(const char *name) {
    if (!name) return NULL;
    for (int i = 0; i < verify_recipe_count(); i++)
        if (strcmp(recipe_catalog[i].name, name) == 0) return &recipe_catalog[i];
    return NULL;
}

const VerifyRecipe *verify_recipe_for_rule(const char *code) {
    if (!code || !*code) return NULL;
    for (int i = 0; i < verify_recipe_count(); i++)
        if (strcmp(recipe_catalog[i].rule, code) == 0) return &recipe_catalog[i];
    return NULL;
}

const char *verify_recipe_name(const VerifyRecipe *r) {
    return r ? r->name : NULL;
}
