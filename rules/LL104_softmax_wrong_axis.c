/* LL104 softmax-wrong-axis: softmax / log_softmax of LM logits over an axis that is not the
 * vocabulary. */
#include "rules.h"

#include <math.h>

/* ---- its verifier recipes (verify.h): what flagged code computes, for the counterexample ---- */

static const VerifyRecipe softmax_over_positions = {
    .name = "softmax-over-positions",
    .rule = "LL104",
    .summary = "log_softmax over the position axis instead of the vocabulary, gathered and summed",
    .score_label = "sum of log_softmax over positions",
    .transform = VERIFY_TERM_LOG_PROB_AXIS0,
    .aggregate = VERIFY_AGG_SUM,
    .shift = VERIFY_SHIFT_CAUSAL,
    .mask = VERIFY_MASK_CONTINUATION,
    .precision = VERIFY_FLOAT64,
    .lower_is_better = false,
    .harm = VERIFY_HARM_FLIP,
    .min_steps = 2,
};
static const VerifyRecipe *const recipes[] = {&softmax_over_positions, NULL};

static const char *axis_name(AxisKind a) {
    switch (a) {
    case AX_BATCH:
        return "the batch axis";
    case AX_POS:
        return "the position axis";
    case AX_STEP:
        return "the generation-step axis";
    case AX_ITEM:
        return "the candidate axis";
    default:
        return "an axis that is not the vocabulary";
    }
}

static int vocab_axis(const Fact *f) {
    for (int i = 0; i < f->ndim; i++)
        if (f->ax[i] == AX_VOCAB) return i;
    return -1;
}

static bool has_axis(const Fact *f, AxisKind k) {
    for (int i = 0; i < f->ndim; i++)
        if (f->ax[i] == k) return true;
    return false;
}

/* A model's batch of scores of unknown rank, [batch, ..., classes] (a keras model's, an ONNX
 * session's run on a batch of token ids whose classes the code reads per row), normalised over
 * axis 0. */
static bool over_keras_batch(const FactEvent *e) {
    return e->in.ndim < 0 && e->in.batch_first && e->in.ax_last == AX_VOCAB && e->axis == AX_BATCH;
}

/* Only when data flow knows the layout: the tensor has a vocabulary axis at a known place
 * and the normalised axis is another known axis. An unknown rank or axis is never guessed. */
static bool wrong_axis(const FactEvent *e) {
    if (!(e->in.kinds & (FK_RAW | FK_LOGPROB))) return false;
    if (over_keras_batch(e)) return true;
    if (e->in.ndim < 2) return false;
    if (vocab_axis(&e->in) < 0) return false;
    return e->axis == AX_BATCH || e->axis == AX_POS || e->axis == AX_STEP || e->axis == AX_ITEM;
}

static void check(RuleContext *ctx) {
    for (size_t i = 0; i < ctx->facts->events.len; i++) {
        const FactEvent *e = &ctx->facts->events.items[i];
        if (e->kind != EV_NORMALIZE || !wrong_axis(e)) continue;
        bool positions = e->axis == AX_POS || e->axis == AX_STEP;
        int vocab = vocab_axis(&e->in);
        int row = facts_origin_row(ctx->facts, &e->in);
        char where[48] = "";
        if (row > 0) snprintf(where, sizeof where, " (logits from line %d)", row);
        char help[96];
        /* a classifier's or multiple-choice head's [batch, classes]; a head over a recurrent
         * layer's [batch, hidden] or [steps, batch, hidden] output; a keras model's */
        bool keras = over_keras_batch(e);
        bool classes =
            (e->in.ndim == 2 && !has_axis(&e->in, AX_POS) && !has_axis(&e->in, AX_STEP)) ||
            e->in.recurrent || keras;
        snprintf(help, sizeof help, "normalise over the %s axis (dim=%d here)",
                 classes ? "class" : "vocabulary", vocab);
        if (classes) {
            char layout[64] = "rows, ..., classes", rank[24] = "batched ";
            if (!keras) snprintf(rank, sizeof rank, "%d-D ", e->in.ndim);
            for (int d = 0, k = 0; d < e->in.ndim; d++)
                k += snprintf(layout + k, sizeof layout - (size_t)k, "%s%s", d ? ", " : "",
                              e->in.ax[d] == AX_BATCH || e->in.ax[d] == AX_ITEM ? "rows"
                              : e->in.ax[d] == AX_VOCAB                         ? "classes"
                                                                                : "steps");
            rules_emit(ctx, e->node, NULL, help,
                       "%s over %s of %s[%s] logits%s: each class is normalised against the "
                       "other rows, so the result is no distribution over a row's classes",
                       e->op == NORM_LOG_SOFTMAX ? "log_softmax" : "softmax",
                       e->axis == AX_ITEM ? "the rows" : axis_name(e->axis),
                       rank, layout, where);
            continue;
        }
        rules_emit(
            ctx, e->node, positions ? &softmax_over_positions : NULL, help,
            "%s over %s of %d-D LM logits%s: each vocabulary entry is normalised against the "
            "other %s, so the result is no distribution over next tokens",
            e->op == NORM_LOG_SOFTMAX ? "log_softmax"
            : e->op == NORM_LOGSUMEXP ? "the logsumexp of a log_softmax by hand"
            : e->op == NORM_SUMEXP    ? "the sum of exp() of a softmax by hand"
                                      : "softmax",
            axis_name(e->axis), e->in.ndim,
            where,
            positions             ? "positions"
            : e->axis == AX_BATCH ? "batch rows"
            : e->axis == AX_ITEM  ? "candidates"
                                  : "entries");
    }
}

/* ---- its explanation (explain.h): the why, on the numbers of a counterexample ---- */

static void explain(FILE *out, const VerifyResult *res, ExplainStrs *s) {
    const VerifyTable *t = res->table;
    int c = res->correct_rank[0];
    const VerifyCandidate *cc = &res->cands[c];
    int best = -1;
    double gap = -1;
    for (int i = 0; i < cc->n_steps; i++)
        if (cc->steps[i].in_recipe && fabs(cc->steps[i].term - cc->steps[i].log_prob) > gap) {
            gap = fabs(cc->steps[i].term - cc->steps[i].log_prob);
            best = i;
        }
    fprintf(out, "Why:\n");
    explain_para(
        out, "", "",
        "The logits of a causal LM have shape [batch, positions, vocabulary], and the "
        "next-token distribution at a position is softmax over the vocabulary axis (dim=-1). "
        "Normalising over the positions axis instead divides each token's logit by the same "
        "token's logits at the other positions: the result is not a distribution over next "
        "tokens, and a step's score depends on steps that come after it.");
    if (best >= 0) {
        const VerifyStep *st = &cc->steps[best];
        char col[512];
        size_t k = 0;
        col[0] = 0;
        for (int i = 0; i < cc->n_steps && k < sizeof col - 40; i++)
            k += (size_t)snprintf(
                col + k, sizeof col - k, "%s%s", i ? ", " : "",
                explain_num(t->contexts[cc->steps[i].recipe_ctx].logits[st->token]).s);
        explain_para(
            out, "", "",
            "\nFor %s at step %d (token %s), a scorer of this shape takes %s's logits across the "
            "positions "
            "(%s) and gets %s - logsumexp(%s) = %s; the next-token log-probability is %s - %s "
            "= %s.",
            explain_cand(s, res, c), best + 1, t->vocab[st->token], t->vocab[st->token], col,
            explain_num(st->logit).s, col, explain_num(st->term).s, explain_num(st->logit).s,
            explain_num(st->log_z).s, explain_num(st->log_prob).s);
    }
    fputc('\n', out);
    explain_para(
        out, "Fix: ", "     ",
        "normalise over the vocabulary: logits.log_softmax(dim=-1) (or softmax(dim=-1)) on "
        "[batch, positions, vocab] logits; dim=1 or dim=0 is the positions axis.");
}

static const char *const literals[] = {NULL};
static const uint8_t literal_ops[] = {OP_LOG_SOFTMAX,   OP_SOFTMAX, OP_LOG_SOFTMAX_CLASS,
                                      OP_SOFTMAX_CLASS, OP_LOGSUMEXP, OP_EXP, OP_COUNT};

const Rule rule_LL104 = {
    .code = "LL104",
    .name = "softmax-wrong-axis",
    .summary = "softmax / log_softmax of LM logits over an axis that is not the vocabulary",
    .what =
        "Flags softmax and log_softmax (torch, F, numpy/scipy/jax, nn.Softmax modules) applied\n"
        "to language-model logits whose layout is known from data flow, e.g. [batch, seq,\n"
        "vocab] from a causal LM call, over the batch or position axis: dim=1 or dim=0 on\n"
        "[B, T, V], dim=0 on one sequence's [T, V], and the same after transposes the\n"
        "analysis tracks; and dim=0 on the [batch, classes] logits of a multiple-choice\n"
        "head, or of a sequence classifier whose logits the code argmaxes over the classes;\n"
        "and over the batch axis of a Linear head's scores over a torch recurrent cell's\n"
        "[batch, hidden] state or an LSTM / GRU / RNN layer's [steps, batch, hidden] output,\n"
        "once the code indexes as many axes as the batched form has; and dim=0 on a Linear\n"
        "head's scores over an encoder's first-token vectors (last_hidden_state[:, 0] is\n"
        "[batch, hidden]), unless the head's width is 1 (a literal, or a name holding 1): a\n"
        "score per pair, which a softmax over dim=0 ranks listwise as meant; and axis 0 of an array\n"
        "of unknown rank (loaded from disk, handed in) whose result the code reads one class\n"
        "per row, lp[arange(n), labels]: that pick says the array is [rows, classes]. A flax\n"
        "module of the project that embeds its input (nn.Embed(V, d)(x)) and returns a head\n"
        "over the same V (nn.Dense(V)) is a language model: apply() on any input gives\n"
        "[B, T, V] logits; so is a torch nn.Module of the project whose forward feeds its\n"
        "input to self.e = nn.Embedding(V, d) and returns self.h = nn.Linear(d, V) on it (alone\n"
        "or first of a tuple: return self.h(out), hidden), with nothing that pools or flattens\n"
        "the positions between (mean, view, h[-1]), called on token ids of known rank: its\n"
        "output is [T, B, V] when an nn.LSTM / GRU / RNN between runs without batch_first (its\n"
        "default reads [T, B, d]), so dim=1 there is the batch. A keras model (keras.Model(inputs, Dense(n)(x)), a Sequential ending\n"
        "in Dense(n)) runs on batches: axis 0 of model(x) or model.predict(x) is the batch\n"
        "whatever the rank, so softmax over axis 0 of its raw scores is flagged. So is an ONNX\n"
        "session's first output when session.run(None, feed) is fed a batch of token ids (an\n"
        "export keeps the batch on axis 0) and the code reads one class per row of the\n"
        "softmax (top = probs.argmax(-1), then zip(texts, top)): of a batch of single scores\n"
        "the argmax is one number, and a softmax over them a listwise one.\n"
        "When the layout is not known (a tensor of unknown rank, a classifier's logits that\n"
        "may be a reranker's [batch, 1] score, a similarity matrix, the logits of a model\n"
        "known only by its name and fed no token ids, e.g. pixels) nothing is reported.",
    .why = "Pr(y_t | x, y_<t) is a softmax over the vocabulary at one position. Normalising over\n"
           "the positions instead makes each token's value depend on the logits of the same\n"
           "token at the other positions: the values no longer sum to one over the vocabulary,\n"
           "gathering the chosen tokens and summing gives no log-likelihood, and adding one more\n"
           "position (a longer candidate) changes the scores of all the others. The ranking of\n"
           "candidates can flip.",
    .example = "logits = model(input_ids).logits          # [batch, seq, vocab]\n"
               "logprobs = torch.log_softmax(logits, dim=1)\n",
    .instead = "logits = model(input_ids).logits          # [batch, seq, vocab]\n"
               "logprobs = torch.log_softmax(logits, dim=-1)\n",
    .literals = literals,
    .literal_ops = literal_ops,
    .check = check,
    .recipes = recipes,
    .explain_headline =
        "softmax / log_softmax over an axis that is not the vocabulary axis of LM logits.",
    .explain = explain,
};
