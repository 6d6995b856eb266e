/* LL101 raw-logit-sequence-score: raw logits of the chosen tokens summed, averaged or
 * accumulated across positions to score a sequence. */
#include "rules.h"

/* Raw logits only: a value that may also be log-probs (a branch normalised it) is the
 * author's choice on that path, not a certain bug. */
static bool raw_selected(const Fact *f) {
    return (f->kinds & FK_SCORES) == FK_RAW && (f->flags & FF_SELECTED) &&
           !(f->flags & FF_AGGREGATED);
}

static void check(RuleContext *ctx) {
    for (size_t i = 0; i < ctx->facts->events.len; i++) {
        const FactEvent *e = &ctx->facts->events.items[i];
        if (e->kind != EV_AGGREGATE || e->cancelled || !raw_selected(&e->in)) continue;
        bool mean = e->op == AGG_MEAN;
        int row = facts_origin_row(ctx->facts, &e->in);
        char where[48] = "";
        if (row > 0) snprintf(where, sizeof where, " (logits from line %d)", row);
        rules_emit(
            ctx, e->node, mean ? "mean-raw-logits" : "sum-raw-logits",
            "take log_softmax over the vocabulary first, then select the chosen tokens and sum "
            "the log-probabilities",
            "raw logits of the chosen tokens are %s across positions%s; each step has its own "
            "normaliser log Z_t, so this is not log Pr(y|x) and can rank candidates wrongly",
            mean                      ? "averaged"
            : e->op == AGG_ACCUMULATE ? "accumulated"
                                      : "summed",
            where);
    }
}

/* Prefilter (rules.h). The rule reads only EV_AGGREGATE, which the facts layer emits for a
 * contract row whose op is a sum or mean (literal_ops: the rows' names, matched by exact name,
 * so the name is in the text, if only in an import; facts_array.c reduce) and for an
 * accumulator in a loop: `t += x`, `t -= x` or `t = t + x` (facts.c accumulate). The raw-logit
 * side cannot narrow it soundly: logits come from `model(ids)[0]`, tuple unpacking of any
 * model call, or names (`lm`, `*_model`), with no fixed word in the text. */
/* sum / mean rows; += and -= accumulate; functools.reduce(operator.add), np.add.reduce */
static const char *const literals[] = {"+", "-=", "add", NULL};
static const uint8_t literal_ops[] = {OP_SUM, OP_MEAN, OP_NANMEAN, OP_CUMSUM, OP_COUNT};

const Rule rule_LL101 = {
    .code = "LL101",
    .name = "raw-logit-sequence-score",
    .summary =
        "Raw logits of chosen tokens summed or averaged across positions to score a sequence",
    .what = "Flags code that selects the raw (pre-softmax) logits of the chosen tokens and sums,\n"
            "averages or accumulates them across positions to score or rank whole sequences.",
    .why =
        "log Pr(y|x) = sum over t of log Pr(y_t | x, y_<t), and each term is\n"
        "u_t(y_t) - logsumexp(u_t): every step has its own normaliser log Z_t. Softmax is\n"
        "monotonic within one step, so comparing logits at one position is fine, but logits are\n"
        "defined only up to a per-step constant. Summing raw logits adds sum_t log Z_t, which\n"
        "differs between candidates, so the ranking can flip: with step-1 logits A=10, B=9, C=0\n"
        "and step-2 logits all 0 after A but A=8, B=7, C=0 after B, [B, B] scores 16 > 10 by\n"
        "logits while log Pr([A, A]|x) = -1.411907 > log Pr([B, B]|x) = -2.626802.\n"
        "Models are trained to minimise negative log-likelihood; the log-probability is the\n"
        "quantity that composes across steps, raw logits are not.",
    .example = "logits = model(input_ids).logits[:, :-1]\n"
               "targets = input_ids[:, 1:]\n"
               "score = logits.gather(-1, targets.unsqueeze(-1)).squeeze(-1).sum(-1)\n",
    .instead = "logits = model(input_ids).logits[:, :-1]\n"
               "targets = input_ids[:, 1:]\n"
               "logprobs = torch.log_softmax(logits, dim=-1)\n"
               "score = logprobs.gather(-1, targets.unsqueeze(-1)).squeeze(-1).sum(-1)\n",
    .literals = literals,
    .literal_ops = literal_ops,
    .check = check,
};
