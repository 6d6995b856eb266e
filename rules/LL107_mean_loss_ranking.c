/* LL107 mean-loss-ranking: candidates ranked by a Hugging Face `outputs.loss` (a mean token
 * NLL) whose labels cover the prompt too, or by that mean times the sequence length N when it
 * averaged over N - 1 tokens. */
#include <string.h>

#include "rules.h"

/* ---- its verifier recipes (verify.h): what flagged code computes, for the counterexample ---- */

static const VerifyRecipe mean_token_nll = {
    .name = "mean-token-nll",
    .rule = "LL107",
    .summary = "mean token NLL over prompt + continuation (HF outputs.loss), lowest loss picked",
    .score_label = "mean NLL incl. prompt (loss)",
    .transform = VERIFY_TERM_NLL,
    .aggregate = VERIFY_AGG_MEAN,
    .shift = VERIFY_SHIFT_CAUSAL,
    .mask = VERIFY_MASK_WITH_PROMPT,
    .precision = VERIFY_FLOAT64,
    .lower_is_better = true,
    .harm = VERIFY_HARM_FLIP,
    .min_steps = 1,
};
static const VerifyRecipe mean_candidate_nll = {
    .name = "mean-candidate-nll",
    .rule = "LL107",
    .summary = "mean token NLL over the candidate's own tokens (HF outputs.loss with the prompt "
               "at -100), lowest loss picked",
    .score_label = "mean NLL of the candidate (loss)",
    .transform = VERIFY_TERM_NLL,
    .aggregate = VERIFY_AGG_MEAN,
    .shift = VERIFY_SHIFT_CAUSAL,
    .mask = VERIFY_MASK_CONTINUATION,
    .precision = VERIFY_FLOAT64,
    .lower_is_better = true,
    .harm = VERIFY_HARM_FLIP,
    .min_steps = 1,
};
static const VerifyRecipe *const recipes[] = {&mean_token_nll, &mean_candidate_nll, NULL};

/* A comparison ranks values only with an ordering operator and no constant operand:
 * `if loss < best_loss` picks a candidate, `if loss > 10` is a threshold, `loss is None` a
 * test. Calls (argmin, sorted, min, ...) always rank. */
static bool ranks(const Source *src, TSNode node) {
    if (!parse_is(node, "comparison_operator")) return true;
    bool ordering = false;
    uint32_t n = ts_node_child_count(node);
    for (uint32_t i = 0; i < n; i++) {
        TSNode c = ts_node_child(node, i);
        if (ts_node_is_named(c)) {
            TSNode v = parse_unparen(c);
            if (parse_is(v, "unary_operator")) v = parse_unparen(parse_field(v, "argument"));
            if (parse_is(v, "integer") || parse_is(v, "float") || parse_is(v, "none") ||
                parse_is(v, "string"))
                return false;
            continue;
        }
        size_t len;
        const char *op = parse_text(src, c, &len);
        if ((len == 1 && (*op == '<' || *op == '>')) ||
            (len == 2 && (!memcmp(op, "<=", 2) || !memcmp(op, ">=", 2))))
            ordering = true;
    }
    return ordering;
}

typedef enum { LOSS_OK, LOSS_MEAN_WITH_PROMPT, LOSS_MEAN_OF_CANDIDATE, LOSS_TIMES_N } LossUse;

/* pick: the ranking chooses among values (argmin, sorted, a comparison), not a metric of their
 * order across examples (roc_auc_score): a per-token mean of each answer's own tokens is a
 * deliberate confidence measure there, but picking one prompt's candidates by it is not
 * log Pr(candidate | prompt). */
static LossUse classify(const Fact *f, bool pick) {
    if (f->obj != FO_NONE || !(f->kinds & FK_LOSS) || (f->kinds & FK_SCORES)) return LOSS_OK;
    /* FF_LABELS: a mean the code did not write (labels=, reduction's default, model(x, y)) */
    if (!(f->flags & FF_LABELS) || (f->flags & (FF_PERTOKEN | FF_TRAINED))) return LOSS_OK;
    bool full = f->flags & FF_FULLLABELS;
    if (full && (f->flags & FF_COUNT)) return LOSS_TIMES_N;
    /* FF_JOINED: the text continues a prompt; a sum or a mean of means is no per-token mean */
    if (!(f->flags & FF_JOINED) || (f->flags & (FF_SCALED | FF_AGGREGATED))) return LOSS_OK;
    if (full) return LOSS_MEAN_WITH_PROMPT;
    return pick ? LOSS_MEAN_OF_CANDIDATE : LOSS_OK;
}

static void report(RuleContext *ctx, const FactEvent *e, const Fact *f, LossUse use) {
    int row = facts_origin_row(ctx->facts, f);
    char where[40] = "";
    if (row > 0) snprintf(where, sizeof where, " (loss from line %d)", row);
    if (use == LOSS_TIMES_N) {
        rules_emit(ctx, e->node, NULL,
                   "multiply by the number of predicted tokens, N - 1 (the model shifts the "
                   "labels), or sum -log_softmax of the continuation tokens directly",
                   "candidates ranked by outputs.loss times the sequence length N%s; the loss is "
                   "a mean over N - 1 predicted tokens (labels are shifted inside the model), so "
                   "this is the summed NLL times N / (N - 1), a factor that differs by length",
                   where);
        return;
    }
    if (use == LOSS_MEAN_OF_CANDIDATE) {
        rules_emit(ctx, e->node, &mean_candidate_nll,
                   "rank by the summed NLL of the candidate tokens: multiply the loss by their "
                   "number (labels != -100 after the shift), or sum a reduction='none' loss",
                   "candidates ranked by an implicit mean token NLL%s: a labels= loss (or a "
                   "cross-entropy's default reduction='mean') averages over each candidate's "
                   "own tokens, so it is log Pr(candidate | prompt) divided by the candidate's "
                   "length, a length normalisation the code never writes, and candidates of "
                   "different lengths can swap places",
                   where);
        return;
    }
    rules_emit(
        ctx, e->node, &mean_token_nll,
        "set the prompt's labels to -100 and rank by the summed log-probability of the "
        "candidate tokens (e.g. -loss * n_candidate_tokens)",
        "candidates ranked by a mean token NLL%s (outputs.loss, or a cross-entropy's default "
        "mean) whose targets cover the prompt as well as the candidate: the mean runs over "
        "prompt + candidate tokens, so the prompt's NLL is averaged in and each candidate's "
        "length changes the weights; this is not log Pr(candidate | prompt)",
        where);
}

static void check(RuleContext *ctx) {
    for (size_t i = 0; i < ctx->facts->events.len; i++) {
        const FactEvent *e = &ctx->facts->events.items[i];
        if (e->kind != EV_RANK || !ranks(ctx->src, e->node)) continue;
        /* a comparison ranks losses only when every operand may be one */
        if (parse_is(e->node, "comparison_operator") && !(e->in2.kinds & FK_LOSS)) continue;
        /* sorted(zip(losses, candidates)): look into the tuples too */
        const Fact *f = &e->in;
        bool pick = e->op != RANK_METRIC;
        LossUse use = classify(f, pick);
        for (int k = 0; use == LOSS_OK && f->obj == FO_TUPLE && k < f->nelems; k++) {
            use = classify(&f->elems[k], pick);
            if (use != LOSS_OK) f = &f->elems[k];
        }
        if (use != LOSS_OK) report(ctx, e, f, use);
    }
}

/* ---- its explanation (explain.h): the why, on the numbers of a counterexample ---- */

static void explain(FILE *out, const VerifyResult *res, ExplainStrs *s) {
    int p = res->script_rank[0], c = res->correct_rank[0];
    bool own = res->recipe && res->recipe->mask == VERIFY_MASK_CONTINUATION;
    fprintf(out, "Why:\n");
    if (own)
        explain_para(
            out, "", "",
            "A labels= loss with the prompt's labels at -100 (or a cross-entropy with its "
            "default reduction='mean') is the mean negative log-likelihood of the candidate's "
            "own tokens: log Pr(y|x) divided by the candidate's length. Ranking candidates by "
            "it (lowest first) is a length normalisation nobody wrote: a long candidate whose "
            "later tokens are likely gets a low mean even when the whole candidate is less "
            "likely than a short one.");
    else
        explain_para(
            out, "", "",
            "A causal LM's outputs.loss is the mean negative log-likelihood over every labelled "
            "position: prompt included, divided by the total length. Ranking candidates by it "
            "(lowest first) is not ranking by log Pr(y|x): the prompt's tokens enter each "
            "candidate's average, and dividing by the length rewards continuations whose extra "
            "tokens are likely even when the sequence as a whole is less likely.");
    explain_para(out, "", "",
                 "\nHere %s has the lowest loss, %s (against %s for %s), so a scorer of this shape "
                 "picks it; but its "
                 "log Pr(y|x) is %s, and %s's is %s.",
                 explain_cand(s, res, p), explain_num(res->cands[p].score).s,
                 explain_num(res->cands[c].score).s, explain_cand(s, res, c),
                 explain_num(res->cands[p].log_prob).s, explain_cand(s, res, c),
                 explain_num(res->cands[c].log_prob).s);
    fputc('\n', out);
    explain_para(out, "Fix: ", "     ",
                 own ? "multiply the loss by the number of candidate tokens (the labels not -100 "
                       "after the shift) and rank by minus that sum, or sum per-token losses "
                       "taken with reduction='none'; if a per-token mean is wanted, write it "
                       "yourself so that it is a visible choice."
                     : "set labels to -100 on the prompt, take per-token losses with "
                       "reduction='none', and rank by minus their sum over the continuation (or "
                       "multiply the masked mean by the number of continuation tokens).");
}

/* None: a mean loss comes from labels=, a cross-entropy's default reduction, or a model called
 * with its targets (nanoGPT's model(x, y)), which names nothing */
static const char *const literals[] = {NULL};

const Rule rule_LL107 = {
    .code = "LL107",
    .name = "mean-loss-ranking",
    .summary = "Candidates ranked by a mean token NLL the code never wrote (HF outputs.loss, "
               "a cross-entropy's default mean)",
    .what = "Flags candidates that continue a prompt ranked (argmin / argmax / sorted / min /\n"
            "max / a comparison) by an implicit mean token NLL: Hugging Face's `outputs.loss` of\n"
            "a model called with labels=, `F.cross_entropy` / `nn.CrossEntropyLoss` with the\n"
            "default reduction=\"mean\", or the loss a model called with its targets returns\n"
            "(nanoGPT's `logits, loss = model(x, y)`). Which mean it is shows in the message:\n"
            "over prompt + candidate when the labels are the unmasked input ids, over the\n"
            "candidate's own tokens when the prompt's labels are -100 (still log Pr divided by\n"
            "the candidate's length). Also flags rankings by such a loss multiplied by the\n"
            "sequence length N as if it were the summed NLL. Not flagged: a mean the code\n"
            "writes itself (`.mean()` or a division by the token count of reduction=\"none\"\n"
            "losses: a deliberate normalisation, as lm-eval's acc_norm), the loss times the\n"
            "number of candidate tokens or reduction=\"sum\" (the summed NLL), training losses\n"
            "(backpropagated), perplexity that is only reported, a metric of the order of\n"
            "answers to different prompts (roc_auc_score of a per-answer mean), texts with no\n"
            "prompt joined to them (ranked by their own fluency), `-loss * (n - 1)`, and an\n"
            "encoder-decoder's loss over the full label sequence.",
    .why =
        "`model(ids, labels=ids).loss` is the mean of -log Pr(ids[t] | ids[<t]) over t = 1..N-1:\n"
        "the labels are shifted inside the model, and every position not set to -100 counts.\n"
        "With labels covering the prompt, the mean mixes the prompt's NLL (the same for\n"
        "every candidate) with the candidate's, weighted by lengths: a long candidate\n"
        "dilutes the prompt's cost and a short one does not, so the ranking is neither\n"
        "log Pr(candidate | prompt) nor its per-token mean, and it can flip against both:\n"
        "after a one-token prompt [B], candidates [A, A] and [A] get mean losses 0.567 and\n"
        "0.693, so [A, A] is picked, though log Pr is -1.006 for [A, A] and -0.693 for [A].\n"
        "With the prompt's labels at -100 the loss is log Pr(candidate | prompt) divided by\n"
        "the candidate's length: candidates [A] and [A, B] with log Pr -0.693 and -1.006 get\n"
        "losses 0.693 and 0.503, and the less likely [A, B] wins. Nothing in the code says a\n"
        "per-token mean was meant; the library's default chose it.\n"
        "Multiplying the mean by N to recover a sum is off by one: the mean is over N - 1\n"
        "tokens, so loss * N is the sum times N / (N - 1), larger for short candidates: a\n"
        "2-token text with summed NLL 1.0 gets 2.0, an 11-token one with summed NLL 1.5 gets\n"
        "1.65, and the less likely text wins.",
    .example = "for cand in candidates:\n"
               "    ids = tok(prompt + cand, return_tensors=\"pt\").input_ids\n"
               "    losses.append(model(ids, labels=ids).loss.item())\n"
               "best = candidates[int(np.argmin(losses))]\n",
    .instead = "for cand in candidates:\n"
               "    ids = tok(prompt + cand, return_tensors=\"pt\").input_ids\n"
               "    labels = ids.clone()\n"
               "    labels[:, :n_prompt] = -100  # score the candidate tokens only\n"
               "    n_cand = ids.shape[1] - n_prompt\n"
               "    scores.append(-model(ids, labels=labels).loss.item() * n_cand)\n"
               "best = candidates[int(np.argmax(scores))]\n",
    .literals = literals,
    .check = check,
    .recipes = recipes,
    .explain_headline =
        "Candidates ranked by a mean token NLL the code never wrote (such as HF outputs.loss): "
        "over prompt + completion, or over each candidate's own tokens.",
    .explain = explain,
};
