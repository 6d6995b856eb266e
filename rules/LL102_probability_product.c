/* LL102 probability-product: per-token probabilities of the chosen tokens multiplied across
 * positions into a sequence score. */
#include "rules.h"

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
            ctx, e->node, "product-probs",
            "sum the log-probabilities of the chosen tokens instead (log_softmax, gather, sum); "
            "exponentiate the sum only for display",
            "per-token probabilities are %s across positions%s; the product underflows to 0.0 for "
            "long sequences (float32 below ~1e-45), so candidates tie or rank wrongly while "
            "the summed log-probs still separate them",
            e->op == AGG_ACCUMULATE ? "multiplied into an accumulator" : "multiplied", where);
    }
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
            "token_logprobs included).",
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
};
