/* LL105 missing-causal-shift: a causal LM's scores at position t paired with the token at
 * position t (or shifted twice), decided by the alignment of positions (facts_align.c). */
#include "rules.h"

/* ---- its verifier recipes (verify.h): what flagged code computes, for the counterexample ---- */

static const VerifyRecipe no_causal_shift = {
    .name = "no-causal-shift",
    .rule = "LL105",
    .summary =
        "log-probs at position t gathered at token t (no shift): each token scored under the "
        "distribution of the next one",
    .score_label = "sum of unshifted log-probs",
    .transform = VERIFY_TERM_LOG_PROB,
    .aggregate = VERIFY_AGG_SUM,
    .shift = VERIFY_SHIFT_NONE,
    .mask = VERIFY_MASK_CONTINUATION,
    .precision = VERIFY_FLOAT64,
    .lower_is_better = false,
    .harm = VERIFY_HARM_FLIP,
    .min_steps = 1,
};
static const VerifyRecipe *const recipes[] = {&no_causal_shift, NULL};

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
        char where[160] = "";
        if (row > 0) snprintf(where, sizeof where, " (scores from line %d)", row);
        char taught[96] = ""; /* the delta is known from another use (align_learn_from_uses) */
        if (!ts_node_is_null(e->peer))
            snprintf(taught, sizeof taught,
                     "; line %u pairs the same scores and targets with the shift",
                     ts_node_start_point(e->peer).row + 1);
        /* a helper that pairs what it is given as given: the call chose the positions (in
         * another file's helper, lint_sites.c keeps the finding at the call) */
        TSNode at = e->node;
        if (!ts_node_is_null(e->caller) && ts_node_is_null(e->site)) {
            size_t flen;
            const char *fn = parse_text(ctx->src, parse_field(e->caller, "function"), &flen);
            snprintf(where + strlen(where), sizeof where - strlen(where),
                     "; `%.*s` pairs them as this call gives them, at line %u",
                     (int)(flen > 32 ? 32 : flen), fn, ts_node_start_point(e->node).row + 1);
            at = e->caller;
        }
        if (seq2seq) {
            rules_emit(ctx, at, NULL,
                       "pair an encoder-decoder's logits[:, t] with labels[:, t], without a shift",
                       "an encoder-decoder's decoder logits shifted against their labels%s: the "
                       "decoder input is already the labels shifted right, so the logits at t "
                       "predict labels[t], and shifting them pairs each position with the next "
                       "label",
                       where);
        } else if (e->delta == 1) {
            rules_emit(
                ctx, at, &no_causal_shift,
                "pair logits[:, :-1] with ids[:, 1:] (the logits at t predict token t + 1), "
                "or pass labels= and let the model shift",
                "%s at position t %s the token at position t%s%s; a causal LM's logits at t "
                "are the distribution of token t + 1, so every token is scored under the next "
                "one's distribution",
                (e->in.flags & FF_STEPWISE) ? "scores" : "logits",
                loss ? "are scored against" : "are paired with", where, taught);
        } else if (e->delta == -1 && (e->in.flags & FF_STEPWISE)) {
            rules_emit(
                ctx, at, NULL,
                "generate() scores are already aligned with the generated tokens: pair step s "
                "with generated token s, without a shift",
                "generate() scores shifted against the generated tokens%s: step s already "
                "scores generated token s, so shifting them pairs each step with the next "
                "token",
                where);
        } else {
            rules_emit(
                ctx, at, NULL,
                "pair logits[:, :-1] with ids[:, 1:]: the logits at t predict token t + 1",
                "the logits that predict the token at position t are paired with the token at "
                "position t %s %d%s",
                e->delta > 0 ? "-" : "+", e->delta > 0 ? e->delta : -e->delta, where);
        }
    }
}

/* ---- its explanation (explain.h): the why, on the numbers of a counterexample ---- */

static void explain(FILE *out, const VerifyResult *res, ExplainStrs *s) {
    const VerifyTable *t = res->table;
    int c = res->correct_rank[0];
    const VerifyCandidate *cc = &res->cands[c];
    fprintf(out, "Why:\n");
    explain_para(
        out, "", "",
        "A causal LM's logits at position t are its distribution for the token at position "
        "t+1, given the tokens up to and including t. log Pr(y|x) pairs the logits at position "
        "t-1 with the token at t (logits[:, :-1] with ids[:, 1:]). Without the shift each token "
        "is scored under the distribution that predicts the token after it: the score asks how "
        "likely the token is to follow itself.");
    if (cc->n_steps) {
        const VerifyStep *st = &cc->steps[0];
        explain_para(
            out, "", "",
            "\nFor %s, step 1 (token %s) should be scored under context (%s): log Pr = %s. Such a "
            "scorer scores it under (%s), the context that already contains %s: %s.",
            explain_cand(s, res, c), t->vocab[st->token], explain_context(s, res, st->ctx),
            explain_num(st->log_prob).s, explain_context(s, res, st->recipe_ctx),
            t->vocab[st->token], explain_num(st->term).s);
    }
    fputc('\n', out);
    explain_para(out, "Fix: ", "     ",
                 "shift before gathering: logits[:, :-1].log_softmax(-1).gather(-1, ids[:, 1:, "
                 "None]), so the logits at position t-1 score the token at t.");
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
        "loop indices (logits[:, t-1] with ids[:, t]), one tensor of positions indexing both\n"
        "(logp[pos, ids[pos]] with pos = torch.arange(s, e)), inputs truncated before the call\n"
        "((ctx + cont)[:-1]), torch.roll, einops.rearrange, copies, where(cond, ids, -100),\n"
        "stores through a boolean mask (labels[labels == pad] = -100), a list of ids made a\n"
        "batch of one (torch.tensor([tokens]): tokens is one sequence, tokens[t] its token t)\n"
        "and rows built by hand: a run of a constant joined to ids ([-100] * len(prompt) +\n"
        "response, ids + [pad_id] * k) and a store at the column the ids start at\n"
        "(labels[i, len(p):n] = response with input_ids[i, :n] = prompt + response);\n"
        "it stays silent where it cannot tell. A keras.Model whose Dense(V) head reads a\n"
        "forward LSTM / GRU over Embedding(V, d) of its input is a causal LM.\n"
        "A helper of the file that pairs the scores and\n"
        "ids it is given without moving either (gather(log_softmax(logits), ids)) is reported\n"
        "at the call that hands them over misaligned, the code that chose the positions; so is\n"
        "one of another file that returns those pairs as they are (a helper that goes on to mask\n"
        "or sum them defines what it expects, and keeps the finding).\n"
        "Where the relation of inputs and targets is not known (both returned by a loader),\n"
        "two uses of the same loader's values must agree: one that shifts the logits against\n"
        "the targets makes another that pairs them unshifted a finding. It also flags\n"
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
    .recipes = recipes,
    .explain_headline =
        "Logits at position t paired with the token at position t: each token is scored under "
        "the distribution of the next one.",
    .explain = explain,
};
