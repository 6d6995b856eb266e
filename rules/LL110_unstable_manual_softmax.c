/* LL110 unstable-manual-softmax: exp(x) / sum(exp(x)) without subtracting the max first. */
#include "rules.h"

/* The numerator is exp() of unnormalised values (or of sequence log-likelihoods) and the
 * denominator a sum of exps, with no max (or logsumexp) subtracted on either side. exp() of
 * one distribution's per-token log-probabilities carries no FF_EXP: it cannot overflow, and
 * its largest term cannot underflow. */
static bool unstable_division(const FactEvent *e) {
    if (!(e->in.flags & FF_EXP) || !(e->in2.flags & FF_SUMEXP)) return false;
    return !((e->in.flags | e->in2.flags) & FF_STABLE);
}

static void check(RuleContext *ctx) {
    for (size_t i = 0; i < ctx->facts->events.len; i++) {
        const FactEvent *e = &ctx->facts->events.items[i];
        if (e->kind != EV_DIVIDE || !unstable_division(e)) continue;
        if (e->in.kinds & FK_PROB) { /* exp of log-likelihoods: underflow, which no recipe models */
            rules_emit(ctx, e->node, NULL,
                       "subtract the max first (exp(lls - lls.max())), or use "
                       "softmax / log_softmax from the library",
                       "sequence log-likelihoods exponentiated and normalised without subtracting "
                       "the max: when every candidate is below ~-103 (float32) or ~-745 (float64) "
                       "each exp() underflows to 0 and 0 / 0 = NaN");
            continue;
        }
        rules_emit(
            ctx, e->node, "unstable-softmax",
            "subtract the max first (e = exp(x - x.max(axis, keepdims=True))), or call "
            "softmax / log_softmax from the library",
            "softmax by hand without subtracting the max: exp() overflows to inf above ~88.7 "
            "in float32 (~709.8 in float64), inf / inf = NaN; and when every value is below "
            "~-103 (float32) or ~-745 (float64) the sum underflows to 0 and 0 / 0 = NaN");
    }
}

static const char *const literals[] = {NULL};
static const uint8_t literal_ops[] = {OP_EXP, OP_COUNT};

const Rule rule_LL110 = {
    .code = "LL110",
    .name = "unstable-manual-softmax",
    .summary = "Softmax written as exp(x) / sum(exp(x)) without subtracting the max",
    .what = "Flags a softmax computed by hand, exp(x) divided by a sum of exps (numpy, torch,\n"
            "math, pure Python; also `e = np.exp(x); e / e.sum()`), when no max was subtracted\n"
            "from x before exp(). x may be logits, any unnormalised scores, or sequence\n"
            "log-likelihoods (summed across positions) normalised over candidates. The stable\n"
            "form (x - x.max(...)), library softmax functions, exp() of one distribution's\n"
            "per-token log-probabilities and divisions by anything that is not a sum of exps\n"
            "are not flagged.",
    .why = "exp(x) overflows to inf once x exceeds about 88.7 in float32 (709.8 in float64);\n"
           "LM logits and unnormalised scores reach that easily (and sequence scores far more).\n"
           "Then inf / inf = NaN and every downstream score or ranking is NaN. In the other\n"
           "direction, exp() of values that are all very negative (sequence log-likelihoods of\n"
           "long answers, below ~-745 in float64) underflows to 0 and 0 / 0 = NaN. softmax is\n"
           "invariant to subtracting a constant, so exp(x - max(x)) / sum(exp(x - max(x))) is the\n"
           "same distribution with every exponent <= 0: nothing overflows, and the largest term\n"
           "is exactly 1 so the sum cannot underflow to 0 either.",
    .example = "def softmax(x):\n"
               "    return np.exp(x) / np.sum(np.exp(x), axis=-1, keepdims=True)\n",
    .instead = "def softmax(x):\n"
               "    e = np.exp(x - np.max(x, axis=-1, keepdims=True))\n"
               "    return e / np.sum(e, axis=-1, keepdims=True)\n"
               "# or scipy.special.softmax(x, axis=-1)\n",
    .literals = literals,
    .literal_ops = literal_ops,
    .check = check,
};
