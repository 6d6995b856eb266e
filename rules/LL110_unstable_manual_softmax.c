/* LL110 unstable-manual-softmax: exp(x) / sum(exp(x)) without subtracting the max first. */
#include "rules.h"

#include <float.h>
#include <math.h>

/* ---- its verifier recipes (verify.h): what flagged code computes, for the counterexample ---- */

static const VerifyRecipe unstable_softmax = {
    .name = "unstable-softmax",
    .rule = "LL110",
    .summary = "log(exp(u) / sum(exp(u))) in float32 without subtracting the max: exp overflows, "
               "inf/inf = NaN",
    .score_label = "sum of log(exp/sum exp) (float32)",
    .transform = VERIFY_TERM_UNSTABLE_LOG_PROB,
    .aggregate = VERIFY_AGG_SUM,
    .shift = VERIFY_SHIFT_CAUSAL,
    .mask = VERIFY_MASK_CONTINUATION,
    .precision = VERIFY_FLOAT32,
    .lower_is_better = false,
    .harm = VERIFY_HARM_NAN,
    .min_steps = 1,
};
static const VerifyRecipe unstable_softmax_f64 = {
    .name = "unstable-softmax-f64",
    .rule = "LL110",
    .summary =
        "log(exp(u) / sum(exp(u))) in float64 without subtracting the max: exp overflows above "
        "~709.8, inf/inf = NaN (so in any narrower dtype too)",
    .score_label = "sum of log(exp/sum exp) (float64)",
    .transform = VERIFY_TERM_UNSTABLE_LOG_PROB,
    .aggregate = VERIFY_AGG_SUM,
    .shift = VERIFY_SHIFT_CAUSAL,
    .mask = VERIFY_MASK_CONTINUATION,
    .precision = VERIFY_FLOAT64,
    .lower_is_better = false,
    .harm = VERIFY_HARM_NAN,
    .min_steps = 1,
};
static const VerifyRecipe *const recipes[] = {&unstable_softmax, &unstable_softmax_f64, NULL};

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
            ctx, e->node, &unstable_softmax,
            "subtract the max first (e = exp(x - x.max(axis, keepdims=True))), or call "
            "softmax / log_softmax from the library",
            "softmax by hand without subtracting the max: exp() overflows to inf above ~88.7 "
            "in float32 (~709.8 in float64), inf / inf = NaN; and when every value is below "
            "~-103 (float32) or ~-745 (float64) the sum underflows to 0 and 0 / 0 = NaN");
    }
}

/* ---- its explanation (explain.h): the why, on the numbers of a counterexample ---- */

static bool step_nan(const VerifyStep *s) {
    return isnan(s->term);
}

static void explain(FILE *out, const VerifyResult *res, ExplainStrs *s) {
    const VerifyTable *t = res->table;
    int who = 0;
    const VerifyStep *st = explain_find_step(res, &who, step_nan);
    fprintf(out, "Why:\n");
    explain_para(
        out, "", "",
        "exp overflows float32 above %s (the largest float32 is %s). A softmax written as "
        "exp(u) / exp(u).sum() without subtracting the maximum turns every large logit into "
        "inf, and inf / inf = NaN.",
        explain_num(log((double)FLT_MAX)).s, explain_num((double)FLT_MAX).s);
    if (st) {
        double m = explain_context_max(t, st->ctx);
        bool overflows = isinf(expf((float)st->logit));
        explain_para(
            out, "", "",
            "\nIn context (%s) the largest logit is %s: exp(%s) = inf in float32, so the "
            "normaliser is inf. Token %s (logit %s) gets exp(%s) / inf = %s, and the log of "
            "that is %s, where its true log-probability is %s. Such a scorer's score for %s is "
            "%s; argmax treats NaN as the largest value, so the ranking is garbage.",
            explain_context(s, res, st->ctx), explain_num(m).s, explain_num(m).s,
            t->vocab[st->token], explain_num(st->logit).s, explain_num(st->logit).s,
            overflows ? "inf / inf = NaN" : "0", explain_num(st->term).s,
            explain_num(st->log_prob).s, explain_cand(s, res, who),
            explain_num(res->cands[who].score).s);
    }
    explain_para(out, "", "",
                 "\nsoftmax(u) = softmax(u - max(u)): subtracting the maximum changes nothing "
                 "mathematically and keeps every exp at most 1.");
    fputc('\n', out);
    explain_para(out, "Fix: ", "     ",
                 "use torch.softmax / torch.log_softmax (or scipy.special.softmax), or subtract "
                 "u.max(-1, keepdim=True) before exp; for log-probs use log_softmax directly.");
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
    .recipes = recipes,
    .explain_headline =
        "exp(x) / sum(exp(x)) without subtracting the max overflows: inf / inf = NaN.",
    .explain = explain,
};
