/* LL102 probability-product: per-token probabilities of the chosen tokens multiplied across
 * positions into a sequence score. */
#include "rules.h"

#include <float.h>
#include <math.h>

/* ---- its verifier recipes (verify.h): what flagged code computes, for the counterexample ---- */

static const VerifyRecipe product_probs = {
    .name = "product-probs",
    .rule = "LL102",
    .summary = "product of per-token softmax probabilities in float32 (torch's default dtype); "
               "underflows to 0.0",
    .score_label = "product of probs (float32)",
    .transform = VERIFY_TERM_PROB,
    .aggregate = VERIFY_AGG_PRODUCT,
    .shift = VERIFY_SHIFT_CAUSAL,
    .mask = VERIFY_MASK_CONTINUATION,
    .precision = VERIFY_FLOAT32,
    .lower_is_better = false,
    .harm = VERIFY_HARM_TIE,
    .min_steps = 2,
};
static const VerifyRecipe product_probs_f64 = {
    .name = "product-probs-f64",
    .rule = "LL102",
    .summary =
        "product of per-token softmax probabilities in float64; underflows to 0.0 below 4.9e-324",
    .score_label = "product of probs (float64)",
    .transform = VERIFY_TERM_PROB,
    .aggregate = VERIFY_AGG_PRODUCT,
    .shift = VERIFY_SHIFT_CAUSAL,
    .mask = VERIFY_MASK_CONTINUATION,
    .precision = VERIFY_FLOAT64,
    .lower_is_better = false,
    .harm = VERIFY_HARM_TIE,
    .min_steps = 2,
};
static const VerifyRecipe *const recipes[] = {&product_probs, &product_probs_f64, NULL};

/* Probabilities only, of the chosen tokens (softmax gathered at the ids, or exp of their
 * log-probs), known from data flow rather than from a variable's name. A product of something
 * that may also be log-probs on another path is not certainly this bug; a product of a whole
 * distribution is no sequence score. */
static bool chosen_probs(const Fact *f) {
    return (f->kinds & FK_SCORES) == FK_PROB && (f->flags & FF_SELECTED) &&
           !(f->flags & (FF_AGGREGATED | FF_WEAK));
}

static void check(RuleContext *ctx) {
    for (size_t i = 0; i < ctx->facts->events.len; i++) {
        const FactEvent *e = &ctx->facts->events.items[i];
        if (e->kind != EV_PRODUCT || !chosen_probs(&e->in)) continue;
        int row = facts_origin_row(ctx->facts, &e->in);
        char where[48] = "";
        if (row > 0) snprintf(where, sizeof where, " (probabilities from line %d)", row);
        rules_emit(
            ctx, e->node, &product_probs,
            "sum the log-probabilities of the chosen tokens instead (log_softmax, gather, sum); "
            "exponentiate the sum only for display",
            "per-token probabilities are %s across positions%s; the product underflows to 0.0 for "
            "long sequences (float32 below ~1e-45), so candidates tie or rank wrongly while "
            "the summed log-probs still separate them",
            e->op == AGG_ACCUMULATE ? "multiplied into an accumulator" : "multiplied", where);
    }
}

/* ---- its explanation (explain.h): the why, on the numbers of a counterexample ---- */

static int underflow_length(bool f32, double p) {
    if (f32) {
        float acc = 1.0f;
        int n = 0;
        while (acc > 0.0f && n < 100000) {
            acc *= (float)p;
            n++;
        }
        return n;
    }
    double acc = 1.0;
    int n = 0;
    while (acc > 0.0 && n < 100000) {
        acc *= p;
        n++;
    }
    return n;
}

static void explain(FILE *out, const VerifyResult *res, ExplainStrs *s) {
    bool f32 = res->recipe->precision == VERIFY_FLOAT32;
    int p = res->script_rank[0], c = res->correct_rank[0];
    double tiny = f32 ? (double)FLT_TRUE_MIN : DBL_TRUE_MIN;
    fprintf(out, "Why:\n");
    explain_para(
        out, "", "",
        "log Pr(y|x) = sum_t log Pr(y_t | x, y_<t) is a sum of log-probabilities; the product of "
        "the probabilities is the same quantity mathematically, but not in floating point. Each "
        "factor above is a representable %s number, yet the products for %s (log Pr %s) and %s "
        "(log Pr %s) fall below the smallest positive %s, %s (about e^%s), and round to 0. Both "
        "candidates then score 0: the ranking is lost, and such a scorer's argmax keeps the first "
        "candidate, %s, while log Pr(y|x) ranks %s first.",
        f32 ? "float32" : "float64", explain_cand(s, res, p), explain_num(res->cands[p].log_prob).s,
        explain_cand(s, res, c), explain_num(res->cands[c].log_prob).s, f32 ? "float32" : "float64",
        explain_num(tiny).s, explain_num(log(tiny)).s, explain_cand(s, res, p),
        explain_cand(s, res, c));
    explain_para(
        out, "", "",
        "\nThe counterexample uses few, unlikely tokens to stay small; real candidates are long. "
        "At a per-token probability of 0.2, a product of %d tokens is already 0 in float32 "
        "and one of %d tokens in float64, while the sum of log-probabilities (%d x log 0.2 = "
        "%s) is an ordinary number.",
        underflow_length(true, 0.2), underflow_length(false, 0.2), underflow_length(false, 0.2),
        explain_num(underflow_length(false, 0.2) * log(0.2)).s);
    fputc('\n', out);
    explain_para(out, "Fix: ", "     ",
                 "add log-probabilities instead of multiplying probabilities: "
                 "logits.log_softmax(-1).gather(-1, ids[..., None]).squeeze(-1).sum(-1); compare "
                 "candidates by that sum (exponentiate only at the end, if at all).");
}

static const char *const literals[] = {"*", "mul", NULL}; /* *=, operator.mul */
static const uint8_t literal_ops[] = {OP_PROD, OP_CUMPROD, OP_COUNT};

const Rule rule_LL102 = {
    .code = "LL102",
    .name = "probability-product",
    .summary = "Per-token probabilities multiplied across positions into a sequence score",
    .what = "Flags code that multiplies the probabilities of the chosen tokens across positions\n"
            "(torch.prod / np.prod / math.prod over the positions, or `score *= p` in a loop over\n"
            "positions) to score a whole sequence. The probabilities may come from a softmax\n"
            "gathered at the token ids or from exp() of per-token log-probabilities (an API's\n"
            "token_logprobs included). A beam search that keeps probabilities counts too: a\n"
            "hypothesis score carried around the decoding loop (bound again from the top-k of\n"
            "the product) times the softmax of each step, beam_scores.unsqueeze(-1) * probs.",
    .why = "Pr(y|x) is the product of the per-step probabilities, but each factor is below 1,\n"
           "so the product shrinks geometrically with the length: float32 underflows to 0.0\n"
           "below about 1.4e-45 (50 tokens at p = 0.1 give 1e-50), float64 below 4.9e-324.\n"
           "Once two candidates both underflow they tie at 0.0 and the ranking is arbitrary,\n"
           "while their summed log-probabilities (-115.1 for 50 such tokens, -138.2 for 60)\n"
           "still tell them apart. Summing log-probabilities is exact where the product is not,\n"
           "and it is the quantity the model was trained on.",
    .example = "probs = torch.softmax(model(ids).logits[:, :-1], dim=-1)\n"
               "chosen = probs.gather(-1, ids[:, 1:].unsqueeze(-1)).squeeze(-1)\n"
               "score = torch.prod(chosen, dim=-1)\n",
    .instead = "logprobs = torch.log_softmax(model(ids).logits[:, :-1], dim=-1)\n"
               "chosen = logprobs.gather(-1, ids[:, 1:].unsqueeze(-1)).squeeze(-1)\n"
               "score = chosen.sum(dim=-1)  # log Pr(y|x); exp() it only to display\n",
    .literals = literals,
    .literal_ops = literal_ops,
    .check = check,
    .recipes = recipes,
    .explain_headline = "Multiplying per-token probabilities across positions underflows to 0; sum "
                        "log-probabilities instead.",
    .explain = explain,
};
