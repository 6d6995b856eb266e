/* LL105 missing-causal-shift: a causal LM's scores at position t paired with the token at
 * position t (or shifted twice), decided by the alignment of positions (facts_align.c). */
#include "rules.h"

static void check(RuleContext *ctx) {
    for (size_t i = 0; i < ctx->facts->events.len; i++) {
        const FactEvent *e = &ctx->facts->events.items[i];
        if (e->kind != EV_SELECT && e->kind != EV_LOSS) continue;
        if (e->delta == FACT_NO_ALIGN || e->delta == 0) continue;
        if (!(e->in.kinds & FK_SCORES)) continue;
        bool seq2seq = ((e->in.flags | e->in2.flags) & FF_SEQ2SEQ) != 0;
        if (seq2seq && e->delta != -1) continue;
        bool loss = e->kind == EV_LOSS;
        int row = facts_origin_row(ctx->facts, &e->in);
        char where[48] = "";
        if (row > 0) snprintf(where, sizeof where, " (scores from line %d)", row);
        if (seq2seq) {
            rules_emit(ctx, e->node, NULL,
                       "pair an encoder-decoder's logits[:, t] with labels[:, t], without a shift",
                       "an encoder-decoder's decoder logits shifted against their labels%s: the "
                       "decoder input is already the labels shifted right, so the logits at t "
                       "predict labels[t], and shifting them pairs each position with the next "
                       "label",
                       where);
        } else if (e->delta == 1) {
            rules_emit(
                ctx, e->node, "no-causal-shift",
                "pair logits[:, :-1] with ids[:, 1:] (the logits at t predict token t + 1), "
                "or pass labels= and let the model shift",
                "%s at position t %s the token at position t%s; a causal LM's logits at t are "
                "the distribution of token t + 1, so every token is scored under the next "
                "one's distribution",
                (e->in.flags & FF_STEPWISE) ? "scores" : "logits",
                loss ? "are scored against" : "are paired with", where);
        } else if (e->delta == -1 && (e->in.flags & FF_STEPWISE)) {
            rules_emit(
                ctx, e->node, NULL,
                "generate() scores are already aligned with the generated tokens: pair step s "
                "with generated token s, without a shift",
                "generate() scores shifted against the generated tokens%s: step s already "
                "scores generated token s, so shifting them pairs each step with the next "
                "token",
                where);
        } else {
            rules_emit(
                ctx, e->node, NULL,
                "pair logits[:, :-1] with ids[:, 1:]: the logits at t predict token t + 1",
                "the logits that predict the token at position t are paired with the token at "
                "position t %s %d%s",
                e->delta > 0 ? "-" : "+", e->delta > 0 ? e->delta : -e->delta, where);
        }
    }
}

static const char *const literals[] = {NULL};

const Rule rule_LL105 = {
    .code = "LL105",
    .name = "missing-causal-shift",
    .summary = "Logits at position t paired with the token at position t (no causal shift)",
    .what =
        "Flags code that pairs a causal language model's scores at position t with the token\n"
        "at position t: a gather, an index or a loss over logits and token ids whose positions\n"
        "line up one to one, although the logits at t predict token t + 1. It follows the\n"
        "positions through slices ([:, :-1], [:, 1:], [:, -n:], x[i:i+T] / y[i+1:i+1+T]),\n"
        "loop indices (logits[:, t-1] with ids[:, t]), inputs truncated before the call\n"
        "((ctx + cont)[:-1]) and torch.roll; it stays silent where it cannot tell. It also flags\n"
        "generate() scores shifted against the generated tokens, and an encoder-decoder's\n"
        "decoder logits shifted against its labels (both are already aligned).",
    .why = "log Pr(y|x) = sum over t of log Pr(y_t | x, y_<t). A causal LM's output at position t\n"
           "is the distribution of the *next* token, t + 1. Gathering the logits at t at token t\n"
           "scores each token under a distribution that has already seen it: the model copies its\n"
           "input well, so the log-probabilities come out near 0.0 for every candidate and the\n"
           "ranking is decided by noise (or by how well the model predicts a token it was shown).\n"
           "Encoder-decoder decoder logits and generate() scores are already aligned with their\n"
           "tokens and need no shift; Hugging Face models given labels= shift internally.",
    .example = "logits = model(input_ids).logits\n"
               "logprobs = torch.log_softmax(logits, dim=-1)\n"
               "score = logprobs.gather(-1, input_ids.unsqueeze(-1)).squeeze(-1).sum(-1)\n",
    .instead = "logits = model(input_ids).logits[:, :-1]\n"
               "logprobs = torch.log_softmax(logits, dim=-1)\n"
               "targets = input_ids[:, 1:]\n"
               "score = logprobs.gather(-1, targets.unsqueeze(-1)).squeeze(-1).sum(-1)\n",
    .literals = literals,
    .check = check,
};
