/* LL111 score-at-padded-position: a per-sequence value (a reward or value head's output, the
 * last hidden state, the next-token logits) read at a position that is padding for some rows,
 * given the side the batch is padded on (facts_pad.c). */
#include "rules.h"

static const char HELP[] = "read each row's last real token: mask.sum(-1) - 1 under right padding, "
                           "[:, -1] under left padding (or argmax of the mask's cumulative sum, "
                           "right under both)";

static void check(RuleContext *ctx) {
    for (size_t i = 0; i < ctx->facts->events.len; i++) {
        const FactEvent *e = &ctx->facts->events.items[i];
        if (e->kind != EV_PAD_READ) continue;
        const char *what;
        switch (e->op) {
        case PADREAD_END:
            what = "a per-sequence value is read at the last position of a batch padded at the "
                   "end (right padding): for every row shorter than the longest that position is "
                   "a pad, so its score is what the model outputs at a pad";
            break;
        case PADREAD_START:
            what = "a per-sequence value is read at position 0 of a batch padded at the start "
                   "(left padding): for every row shorter than the longest that position is a "
                   "pad, so its score is what the model outputs at a pad";
            break;
        case PADREAD_COUNT_LEFT:
            what = "a per-sequence value is read at an index counted from the number of real "
                   "tokens (mask.sum(-1) - 1) in a batch padded at the start (left padding): "
                   "the real tokens end at the last position, so for every shorter row the "
                   "index lands in the pads or the middle of the sequence";
            break;
        case PADREAD_PAST_COUNT:
            what = "a per-sequence value is read at the number of real tokens (mask.sum(-1), "
                   "without - 1) in a batch padded at the end (right padding): that is one past "
                   "the last real token, the first pad of every shorter row";
            break;
        case PADREAD_FIRST_PAD:
            what = "a per-sequence value is read at the index of the first pad (the pad id's "
                   "first match), not one before it: for every padded row that position is a "
                   "pad";
            break;
        default:
            continue;
        }
        /* The verifier pads on the right: a read at the first pad (the last position of a
         * row one shorter than the longest) is its counterexample; left padding is not. */
        bool right = e->op != PADREAD_START && e->op != PADREAD_COUNT_LEFT;
        rules_emit(ctx, e->node, right ? "value-at-pad" : NULL, HELP, "%s", what);
    }
}

/* Every padding side LL111 knows comes from text that holds one of these: "padding_side",
 * pad_sequence, F.pad / np.pad (all "pad"), a torch.full buffer rows are copied into
 * ("full"), generate() output ("generate"), or a list padded by hand with [pad_id] * n ("*"). */
static const char *const literals[] = {"pad", "full", "generate", "*", NULL};

const Rule rule_LL111 = {
    .code = "LL111",
    .name = "score-at-padded-position",
    .summary = "A per-sequence value read at a position that is padding for some rows",
    .what =
        "Flags a per-sequence read of a value over the positions of a padded batch - a reward\n"
        "or value head's output, the last hidden state, the next-token logits - at a position\n"
        "that is a pad for some rows, given the side the batch is padded on: [:, -1] of a\n"
        "right-padded batch, [:, 0] of a left-padded one, an index computed from the mask's sum\n"
        "(attention_mask.sum(-1) - 1) under left padding, the mask's sum itself (no - 1) under\n"
        "right padding, or the first pad's index ((ids == pad_id).argmax(-1), no - 1). Reads by\n"
        "subscript, advanced index (x[torch.arange(B), idx]) and gather / take_along_dim along\n"
        "the positions count. The side comes from the tokenizer (padding_side= on\n"
        "from_pretrained or the call, tokenizer.padding_side = ...), pad_sequence (right unless\n"
        "padding_side=\"left\"), F.pad / np.pad widths, lists padded by hand, rows copied into a\n"
        "torch.full buffer, and generate() output (its finished sequences are padded at the\n"
        "end). When the side is unknown - a tokenizer whose padding_side the code never sets -\n"
        "a read that is right under one side and wrong under the other is not flagged; only the\n"
        "first pad's own index is, as it is a pad on either side. A read inside a branch that\n"
        "tests the padding (its condition names the padding side or reads the mask at an end)\n"
        "is not flagged either.",
    .why =
        "A reward model, a value head or a decoder classifier scores a sequence by its output at\n"
        "one position, the last real token. In a padded batch the shorter rows have pads where\n"
        "the longest has tokens: reading the wrong end gives a short sequence the head's output\n"
        "at a pad, which depends on how many pads its batch gave it, not on its text. Preference\n"
        "accuracy, PPO advantages and best-of-n picks then change with batch composition, and a\n"
        "short response can win or lose on padding alone.",
    .example = "tokenizer.padding_side = \"right\"\n"
               "enc = tokenizer(texts, padding=True, return_tensors=\"pt\")\n"
               "hidden = model(**enc, output_hidden_states=True).hidden_states[-1]\n"
               "rewards = v_head(hidden).squeeze(-1)[:, -1]\n",
    .instead = "tokenizer.padding_side = \"right\"\n"
               "enc = tokenizer(texts, padding=True, return_tensors=\"pt\")\n"
               "hidden = model(**enc, output_hidden_states=True).hidden_states[-1]\n"
               "last = enc.attention_mask.sum(-1) - 1\n"
               "rewards = v_head(hidden).squeeze(-1)[torch.arange(len(texts)), last]\n",
    .literals = literals,
    .check = check,
};
