/* LL112 target-read-before-write: a loss target read from a buffer position that still holds
 * the ignored fill value, because the loop body writes that position only later
 * (facts_regions.c). */
#include "rules.h"

static void check(RuleContext *ctx) {
    for (size_t i = 0; i < ctx->facts->events.len; i++) {
        const FactEvent *e = &ctx->facts->events.items[i];
        if (e->kind != EV_TARGET_UNWRITTEN) continue;
        int row = facts_origin_row(ctx->facts, &e->in);
        char where[48] = "";
        if (row > 0) snprintf(where, sizeof where, " (filled on line %d)", row);
        rules_emit(ctx, e->node, "ignored-target",
                   "compute the loss after the write to this position (move the read below it)",
                   "the loss target is read at the loop's position before the loop writes that "
                   "position: the buffer still holds its fill value there%s, which the loss "
                   "ignores (ignore_index), so every generated token's log-prob reads 0 whatever "
                   "the token is",
                   where);
    }
}

/* The fill comes from torch.full / full_like / new_full ("full"); the loss is cross_entropy,
 * nll_loss or a CrossEntropyLoss / NLLLoss object (case is ignored). */
static const char *const literals[] = {
    "full", "", "cross_entropy", "nll_loss", "crossentropyloss", "nllloss", NULL};

const Rule rule_LL112 = {
    .code = "LL112",
    .name = "target-read-before-write",
    .summary = "A loss target read from a buffer position before the loop writes it",
    .what = "Flags a loss (cross_entropy, nll_loss, a CrossEntropyLoss / NLLLoss object) inside a\n"
            "loop whose target is read from a buffer at the loop's position - tokens[:, cur_pos],\n"
            "or a slice ending there - when the buffer was filled with a value the loss ignores\n"
            "(torch.full(..., pad_id) with ignore_index=pad_id, or -100 with the default) and the\n"
            "same iteration writes that position only later in program order. Silent when the\n"
            "write comes first, when that position was written before the loop (the whole buffer,\n"
            "or the prefix the loop runs over), and when the fill is not the ignored value.",
    .why =
        "A generation loop that pre-fills its token buffer with pad_id and computes the sampled\n"
        "token's log-prob with cross_entropy(logits, tokens[:, cur_pos], ignore_index=pad_id)\n"
        "before it writes the sampled token into tokens[:, cur_pos] scores the fill, not the\n"
        "token. ignore_index swallows the fill and returns 0, so every generated token's\n"
        "log-prob is 0 and a continuation's score is 0 whatever it is: the scores rank\n"
        "nothing. Reference generation code of a major model family shipped this.",
    .example = "tokens = torch.full((bsz, total_len), pad_id)\n"
               "for cur_pos in range(start, total_len):\n"
               "    logits = model(tokens[:, prev_pos:cur_pos], prev_pos)\n"
               "    lp[:, cur_pos] = -F.cross_entropy(logits[:, -1], tokens[:, cur_pos],\n"
               "                                      reduction=\"none\", ignore_index=pad_id)\n"
               "    tokens[:, cur_pos] = sample(logits[:, -1])\n"
               "    prev_pos = cur_pos\n",
    .instead = "tokens = torch.full((bsz, total_len), pad_id)\n"
               "for cur_pos in range(start, total_len):\n"
               "    logits = model(tokens[:, prev_pos:cur_pos], prev_pos)\n"
               "    tokens[:, cur_pos] = sample(logits[:, -1])\n"
               "    lp[:, cur_pos] = -F.cross_entropy(logits[:, -1], tokens[:, cur_pos],\n"
               "                                      reduction=\"none\", ignore_index=pad_id)\n"
               "    prev_pos = cur_pos\n",
    .literals = literals,
    .check = check,
};
