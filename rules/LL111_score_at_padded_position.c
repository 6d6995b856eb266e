/* LL111 score-at-padded-position: a per-sequence value (a reward or value head's output, the
 * last hidden state, the next-token logits) read at a position that is padding for some rows,
 * given the side the batch is padded on (facts_pad.c). */
#include "rules.h"

/* ---- its verifier recipes (verify.h): what flagged code computes, for the counterexample ---- */

/* A head whose output at position t is the log-likelihood of the prefix up to t (a
 * perfect value head) read at the batch's last position: a shorter candidate is scored at
 * its pads, as the head sees them. */
static const VerifyRecipe value_at_pad = {
    .name = "value-at-pad",
    .rule = "LL111",
    .summary =
        "a per-position value head (the prefix's log-likelihood) read at the last position of a "
        "right-padded batch: a shorter candidate is scored after its pads",
    .score_label = "value at the last padded position",
    .transform = VERIFY_TERM_LOG_PROB,
    .aggregate = VERIFY_AGG_SUM,
    .shift = VERIFY_SHIFT_CAUSAL,
    .mask = VERIFY_MASK_WITH_PADDING,
    .precision = VERIFY_FLOAT64,
    .lower_is_better = false,
    .harm = VERIFY_HARM_FLIP,
    .min_steps = 1,
};
static const VerifyRecipe *const recipes[] = {&value_at_pad, NULL};

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
        rules_emit(ctx, e->node, right ? &value_at_pad : NULL, HELP, "%s", what);
    }
}

/* ---- its explanation (explain.h): the why, on the numbers of a counterexample ---- */

static void explain(FILE *out, const VerifyResult *res, ExplainStrs *s) {
    const VerifyTable *t = res->table;
    int p = res->script_rank[0], c = res->correct_rank[0], npad;
    double padsum;
    int who = explain_first_padded(res, &npad, &padsum);
    fprintf(out, "Why:\n");
    explain_para(
        out, "", "",
        "A value head scores a sequence by its output at one position, the last real token. "
        "Take a perfect head: its output at position t is log Pr(y_1..y_t | x), the "
        "likelihood of the prefix so far, so read at the last real token it is log Pr(y|x). "
        "In a right-padded batch the shorter candidates have pads where the longest has "
        "tokens, and [:, -1] reads them after their pads.");
    if (who >= 0)
        explain_para(
            out, "", "",
            "\n%s is padded with %d %s position%s: at the last position the head has also "
            "seen the pad%s, which move%s its output by %s, to %s instead of %s. The script "
            "picks %s; log Pr(y|x) picks %s.",
            explain_cand(s, res, who), npad, t->pad >= 0 ? t->vocab[t->pad] : "pad",
            npad == 1 ? "" : "s", npad == 1 ? "" : "s", npad == 1 ? "s" : "", explain_num(padsum).s,
            explain_num(res->cands[who].score).s, explain_num(res->cands[who].log_prob).s,
            explain_cand(s, res, p), explain_cand(s, res, c));
    explain_para(
        out, "", "",
        "\nA real head's output at a pad is whatever it learned there; it depends on how many "
        "pads the batch gave the row, so the same text scores differently in another batch.");
    fputc('\n', out);
    explain_para(out, "Fix: ", "     ",
                 "read each row's last real token: index attention_mask.sum(-1) - 1 under right "
                 "padding, [:, -1] under left padding, or the argmax of the mask's cumulative sum "
                 "(right under both).");
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
        "from_pretrained or the call, tokenizer.padding_side = ..., or the class default of\n"
        "GPT-2's tokenizer, GPT2Tokenizer(Fast), which pads on the right unless told, also when\n"
        "AutoTokenizer loads a GPT-2 checkpoint: \"gpt2\", \"distilgpt2\" written out, in a\n"
        "variable, a config field's or an argparse option's default; so do EleutherAI's GPT-Neo,\n"
        "GPT-NeoX and Pythia checkpoints, \"EleutherAI/pythia-410m\"), pad_sequence (right unless\n"
        "padding_side=\"left\"), keras's pad_sequences (left unless padding=\"post\", also\n"
        "given in a dict of its keyword arguments handed over as **kw), F.pad /\n"
        "np.pad widths, lists padded by hand, rows copied into a torch.full buffer, and\n"
        "generate() output (its finished sequences are padded at the end). A keras Model\n"
        "subclass's call counts as run on the batches fit, evaluate and predict hand it (a\n"
        "tf.data dataset's inputs, or an array's rows), in another module too. An ONNX Runtime\n"
        "session's output named \"last_hidden_state\" (session.run([\"last_hidden_state\"],\n"
        "feed)) has the positions of the feed's input_ids, padded as they are.\n"
        "When the side is unknown - a tokenizer whose padding_side the code never sets -\n"
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
    .recipes = recipes,
    .explain_headline =
        "A per-sequence value read at a position that is padding for some rows: a short "
        "sequence is scored by the head's output at a pad.",
    .explain = explain,
};
