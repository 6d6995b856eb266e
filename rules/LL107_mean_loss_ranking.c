/* LL107 mean-loss-ranking: candidates ranked by a Hugging Face `outputs.loss` (a mean token
 * NLL) whose labels cover the prompt too, or only the candidate's own tokens of lengths that
 * differ; by a hand-written mean of their own token log-probs; or by that mean times the
 * sequence length N when it averaged over N - 1 tokens. */
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
static const VerifyRecipe mean_cont_log_probs = {
    .name = "mean-continuation-log-probs",
    .rule = "LL107",
    .summary = "mean log-prob of each candidate's own tokens, candidates of different lengths, "
               "highest picked",
    .score_label = "mean log-prob of the candidate",
    .transform = VERIFY_TERM_LOG_PROB,
    .aggregate = VERIFY_AGG_MEAN,
    .shift = VERIFY_SHIFT_CAUSAL,
    .mask = VERIFY_MASK_CONTINUATION,
    .precision = VERIFY_FLOAT64,
    .lower_is_better = false,
    .harm = VERIFY_HARM_FLIP,
    .min_steps = 1,
};
static const VerifyRecipe mean_candidate_nll = {
    .name = "mean-candidate-nll",
    .rule = "LL107",
    .summary = "mean token NLL over the candidate's own tokens (HF outputs.loss with the prompt "
               "at -100), candidates of different lengths, lowest loss picked",
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
static const VerifyRecipe mean_log_probs_with_prompt = {
    .name = "mean-log-probs-with-prompt",
    .rule = "LL107",
    .summary = "mean log-prob over prompt + continuation (a masked sum over the pads only "
               "divided by the count of real tokens), highest picked",
    .score_label = "mean log-prob incl. prompt",
    .transform = VERIFY_TERM_LOG_PROB,
    .aggregate = VERIFY_AGG_MEAN,
    .shift = VERIFY_SHIFT_CAUSAL,
    .mask = VERIFY_MASK_WITH_PROMPT,
    .precision = VERIFY_FLOAT64,
    .lower_is_better = false,
    .harm = VERIFY_HARM_FLIP,
    .min_steps = 1,
};
static const VerifyRecipe *const recipes[] = {
    &mean_token_nll, &mean_cont_log_probs, &mean_candidate_nll, &mean_log_probs_with_prompt, NULL};

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

/* The mean over positions (EV_AGGREGATE) that made f, a candidate's score: token log-probs
 * picked at its ids, averaged over a span whose length the code does not fix (x[-n - 1:-1]
 * with n = len(cont); x[-2:-1] is one token for every candidate), nor the loop's candidates
 * share (scores that vary picked at ids that do not, with no mask or cut after: one count for
 * every temperature of a grid, every model scored on one set). NULL: none. */
static const FactEvent *mean_of_lengths(const Facts *facts, const Fact *f) {
    if (f->obj != FO_NONE || (f->kinds & ~FK_LOGPROB) || !(f->flags & FF_AGGREGATED)) return NULL;
    const FactEvent *a = facts_event(facts, f->agg_event);
    if (!a || a->kind != EV_AGGREGATE || a->op != AGG_MEAN) return NULL;
    const Fact *x = &a->in;
    if (!(x->kinds & FK_LOGPROB) || !(x->flags & FF_SELECTED) || a->axis == AX_ITEM) return NULL;
    bool fixed = x->head.sym && x->head.sym == x->tail.sym && x->head.end == x->tail.end;
    const FactEvent *pick = facts_event(facts, x->made_event);
    bool shared = pick && pick->kind == EV_SELECT && pick->ids_shared == PICK_SHARED &&
                  !(x->flags & (FF_MASKED | FF_SLICED));
    return fixed || shared ? NULL : a;
}

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
    /* FF_JOINED: the text continues a prompt; a sum (FF_SCALED: scaled by a count, or targets
     * of one constant length) or a mean of means is no per-token mean of varying lengths */
    if (!(f->flags & FF_JOINED) || (f->flags & (FF_SCALED | FF_AGGREGATED))) return LOSS_OK;
    if (full) return LOSS_MEAN_WITH_PROMPT;
    return pick ? LOSS_MEAN_OF_CANDIDATE : LOSS_OK;
}

/* Is the sum of the token log-probs that mean averaged ranked too (acc beside acc_norm)? The
 * mean is then a second, length-normalised ranking the code reports on purpose. */
static bool sum_ranked_too(const Facts *facts, const FactEvent *mean) {
    for (size_t i = 0; i < facts->events.len; i++) {
        const FactEvent *e = &facts->events.items[i];
        const FactEvent *a = e->kind == EV_RANK ? facts_event(facts, e->in.agg_event) : NULL;
        if (a && a->kind == EV_AGGREGATE && a->op == AGG_SUM && a->in.made_event &&
            a->in.made_event == mean->in.made_event)
            return true;
    }
    return false;
}

/* Is the same loss (made at one node) ranked somewhere else turned back into its sum (times
 * the count of its targets)? The mean is then a second, length-normalised ranking beside it. */
static bool loss_sum_ranked_too(const Facts *facts, const Fact *mean) {
    for (size_t i = 0; i < facts->events.len; i++) {
        const FactEvent *e = &facts->events.items[i];
        if (e->kind != EV_RANK) continue;
        const Fact *f = e->in.obj == FO_TUPLE && e->in.nelems ? &e->in.elems[0] : &e->in;
        if ((f->kinds & FK_LOSS) && (f->flags & FF_SCALED) && !ts_node_is_null(f->origin) &&
            ts_node_eq(f->origin, mean->origin))
            return true;
    }
    return false;
}

/* A ranking of losses this rule flags (or what follows from one). */
static bool ranked_mean(const FactEvent *e, const Fact *f) {
    return e->kind == EV_RANK && classify(f, e->op != RANK_METRIC) != LOSS_OK;
}

/* The model call whose loss is ranked as it is, when another file's code made it and its losses
 * serve no other use: the labels (-100 on the prompt) and the sum go there. */
static void report_made_apart(RuleContext *ctx, const FactEvent *e, const FactEvent *made) {
    char at[512];
    rules_where(ctx, e->node, at, sizeof at);
    rules_emit(ctx, made->node, &mean_token_nll,
               "set the prompt's labels to -100 and score each candidate by the summed "
               "log-probability of its tokens (e.g. -loss * n_candidate_tokens)",
               "the mean token NLL of the whole sequence is computed here (labels= the input "
               "ids: the prompt's tokens are averaged in and each candidate's length changes "
               "the weights) and candidates are ranked by it at %s, so they are not ranked by "
               "log Pr(candidate | prompt)",
               at);
    rules_verify_at(ctx, e->node);
}

/* The mean loss made a score by its sign (-out.loss) in another file's code, whose scores serve
 * no other use than this ranking: that code takes the mean for a log-likelihood, and the sum
 * goes there. */
static void report_scored_apart(RuleContext *ctx, const FactEvent *e, const FactEvent *scored) {
    char at[512];
    rules_where(ctx, e->node, at, sizeof at);
    rules_emit(ctx, scored->node, &mean_token_nll,
               "set the prompt's labels to -100 and score each candidate by the summed "
               "log-probability of its tokens (e.g. -loss * n_candidate_tokens)",
               "a mean token NLL of the whole sequence (labels= the input ids: the prompt's "
               "tokens are averaged in and each candidate's length changes the weights) is "
               "taken for a candidate's log-likelihood here, and candidates are ranked by it at "
               "%s, so they are not ranked by log Pr(candidate | prompt)",
               at);
    rules_verify_at(ctx, e->node);
}

static void report(RuleContext *ctx, const FactEvent *e, const Fact *f, LossUse use) {
    /* where the loss became the ranked score: there when it is another file's code (a loss
     * negated in the ranking's file leaves the finding at the ranking) */
    const FactEvent *scored = use == LOSS_MEAN_WITH_PROMPT
                                  ? rules_made_apart(ctx, e->node, f->made_event, EV_LOSS_SCORED)
                                  : NULL;
    if (scored && rules_made_used_only_by(ctx, f->made_event, ranked_mean)) {
        report_scored_apart(ctx, e, scored);
        return;
    }
    const FactEvent *made = use == LOSS_MEAN_WITH_PROMPT
                                ? rules_made_apart(ctx, e->node, f->made_event, EV_MODEL_LOSS)
                                : NULL;
    if (made && rules_made_used_only_by(ctx, f->made_event, ranked_mean)) {
        report_made_apart(ctx, e, made);
        return;
    }
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
                   "number (the labels not -100, after the shift for a causal LM), or sum a "
                   "reduction='none' loss",
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
        "candidates ranked by a mean token NLL%s (outputs.loss, a cross-entropy's default "
        "mean, or per-token NLL summed under a mask of the pads only and divided by the count "
        "of real tokens) whose targets cover the prompt as well as the candidate: the prompt's NLL is averaged in and each candidate's "
        "length changes the weights, so this is not log Pr(candidate | prompt)",
        where);
}

/* max(xs) / min(xs) alone: the best value, not which candidate has it (a softmax's stabiliser
 * m = max(xs) picks nothing); xs.index(max(xs)) does pick. */
static bool best_value_only(const Source *file, TSNode node) {
    if (!parse_is(node, "call")) return false;
    const Source *src = source_of(file, node.tree); /* (the ranking may be another file's) */
    TSNode fn = parse_field(node, "function"), args = parse_field(node, "arguments");
    if (!parse_is(fn, "identifier") ||
        !(parse_text_eq(src, fn, "max") || parse_text_eq(src, fn, "min")) ||
        ts_node_named_child_count(args) != 1 || parse_is(parse_named_child(args, 0), "keyword_argument"))
        return false;
    TSNode up = ts_node_parent(node);
    return !parse_is(up, "argument_list");
}

/* Candidates ranked by the mean of their token log-probs. Where another file's code took that
 * mean (a metric helper the ranking calls), the finding goes there, where the sum belongs. */
static void report_mean_of_lengths(RuleContext *ctx, const FactEvent *e, const FactEvent *mean) {
    static const char help[] = "rank by the sum of the candidate's token log-probabilities (log "
                               "Pr(candidate | prompt)), or report the mean as a "
                               "length-normalised accuracy beside it";
    static const char why[] = "a mean is not log Pr(candidate | prompt), and dividing by the "
                              "length favours a long candidate whose extra tokens are likely "
                              "over a shorter, more probable one";
    if (!ts_node_is_null(mean->node) && mean->node.tree != e->node.tree) {
        char at[512];
        rules_where(ctx, e->node, at, sizeof at);
        rules_emit(ctx, mean->node, &mean_cont_log_probs, help,
                   "the mean log-probability of a candidate's tokens is taken here and "
                   "candidates of different lengths are ranked by it at %s: %s",
                   at, why);
        rules_verify_at(ctx, e->node);
        return;
    }
    rules_emit(ctx, e->node, &mean_cont_log_probs, help,
               "candidates ranked by the mean log-probability of their tokens, though their "
               "lengths differ: %s", why);
}

/* Candidates ranked by the mean of their token log-probs over prompt + continuation (the
 * masked sum over the pads only divided by the count of real tokens: the same mean as a
 * hand-written mean token NLL's, by its sign). Where another file's code took that mean, the
 * finding goes there. */
static void report_prompt_mean(RuleContext *ctx, const FactEvent *e, const FactEvent *mean) {
    static const char help[] = "mask the prompt too (labels = -100 or a completion mask) and rank "
                               "by the masked sum of the continuation's token log-probs";
    static const char why[] = "the prompt's log-probs are averaged in and each candidate's "
                              "length changes the weights, so this is not log Pr(candidate | "
                              "prompt)";
    if (mean->node.tree != e->node.tree) {
        char at[512];
        rules_where(ctx, e->node, at, sizeof at);
        rules_emit(ctx, mean->node, &mean_log_probs_with_prompt, help,
                   "the mean log-prob of prompt + candidate is taken here (a sum under a mask "
                   "of the pads only, divided by the count of real tokens) and candidates are "
                   "ranked by it at %s: %s",
                   at, why);
        rules_verify_at(ctx, e->node);
        return;
    }
    int row = facts_origin_row(ctx->facts, &e->in);
    char where[48] = "";
    if (row > 0) snprintf(where, sizeof where, " (log-probs from line %d)", row);
    rules_emit(ctx, e->node, &mean_log_probs_with_prompt, help,
               "candidates ranked by a mean log-prob over prompt + candidate%s (a sum under a "
               "mask of the pads only, divided by the count of real tokens): %s",
               where, why);
    rules_verify_at(ctx, mean->node); /* the scores, not the order the ranking returns */
}

static void check(RuleContext *ctx) {
    for (size_t i = 0; i < ctx->facts->events.len; i++) {
        const FactEvent *e = &ctx->facts->events.items[i];
        if (e->kind != EV_RANK || !ranks(ctx->src, e->node)) continue;
        /* a comparison ranks losses only when every operand may be one */
        if (parse_is(e->node, "comparison_operator") && !(e->in2.kinds & FK_LOSS)) continue;
        /* sorted(zip(losses, candidates)): tuples compare by their first element first (a
         * loss further in, as in sorted(zip(candidates, losses)), decides no order) */
        const Fact *f = &e->in;
        bool pick = e->op != RANK_METRIC;
        LossUse use = classify(f, pick);
        if (use == LOSS_OK && f->obj == FO_TUPLE && f->nelems >= 1) {
            use = classify(&f->elems[0], pick);
            if (use != LOSS_OK) f = &f->elems[0];
        }
        if (use == LOSS_MEAN_OF_CANDIDATE && loss_sum_ranked_too(ctx->facts, f)) use = LOSS_OK;
        const FactEvent *prompt_mean =
            use == LOSS_OK && f == &e->in ? rules_prompt_mean_picked(ctx->facts, e) : NULL;
        if (prompt_mean) {
            report_prompt_mean(ctx, e, prompt_mean);
            continue;
        }
        if (use == LOSS_OK) {
            const FactEvent *mean = mean_of_lengths(ctx->facts, f);
            if (mean && !sum_ranked_too(ctx->facts, mean) && !best_value_only(ctx->src, e->node))
                report_mean_of_lengths(ctx, e, mean);
            continue;
        }
        report(ctx, e, f, use);
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
            "A mean over the candidate's own tokens (a labels= loss with the prompt's labels at "
            "-100, a cross-entropy with its default reduction='mean', or token log-probs "
            "averaged) is log Pr(y|x) divided by the candidate's length. Ranking candidates of "
            "different lengths by it is a length normalisation, not log Pr(y|x): a long "
            "candidate whose later tokens are likely gets a better mean even when the whole "
            "candidate is less likely than a short one.");
    else
        explain_para(
            out, "", "",
            "A causal LM's outputs.loss is the mean negative log-likelihood over every labelled "
            "position: prompt included, divided by the total length. Ranking candidates by it "
            "(lowest first) is not ranking by log Pr(y|x): the prompt's tokens enter each "
            "candidate's average, and dividing by the length rewards continuations whose extra "
            "tokens are likely even when the sequence as a whole is less likely.");
    explain_para(out, "", "",
                 "\nHere %s has the %s, %s (against %s for %s), so a scorer of this shape "
                 "picks it; but its "
                 "log Pr(y|x) is %s, and %s's is %s.",
                 explain_cand(s, res, p),
                 res->recipe && !res->recipe->lower_is_better ? "highest mean" : "lowest loss",
                 explain_num(res->cands[p].score).s,
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
    .what = "Flags candidates that continue a prompt ranked (argmin / argmax / argsort / sorted /\n"
            "min / max / a comparison) by an implicit mean token NLL: Hugging Face's\n"
            "`outputs.loss` of a model called with labels=, `F.cross_entropy` /\n"
            "`nn.CrossEntropyLoss` with the default reduction=\"mean\", or the loss a model\n"
            "called with its targets returns (nanoGPT's `logits, loss = model(x, y)`). Which mean\n"
            "it is shows in the message: over prompt + candidate when the labels are the unmasked\n"
            "input ids (also written by hand: per-token NLL, or token log-probs, summed under a\n"
            "mask of the pads only and divided by the count of real tokens), over the\n"
            "candidate's own tokens when the\n"
            "prompt's labels are -100 (still log Pr divided by the candidate's length), or when\n"
            "an encoder-decoder is given one source and each candidate as its labels=. Also\n"
            "flags rankings by such a loss multiplied by the sequence length N as if it were the\n"
            "summed NLL, and candidates of different lengths ranked by the mean log-probability\n"
            "of their own tokens written by hand (`token_lp.mean()` over a span the code does not\n"
            "fix). A loss made a score by its sign (`-out.loss`) in another file than the ranking\n"
            "is reported there, where the code takes the mean for a log-likelihood. Not flagged:\n"
            "training losses (backpropagated), perplexity that is only reported, a metric of the\n"
            "order of answers to different prompts (roc_auc_score), a mean over a constant\n"
            "number of targets (`labels[:, :-k] = -100`: one-token answers), a mean the code\n"
            "writes itself and ranks beside the sum (acc_norm next to acc; the same loss times\n"
            "its count of targets ranked too), the loss times the number of candidate tokens or\n"
            "reduction=\"sum\" (the summed NLL), texts with no prompt joined to them, `-loss * (n -\n"
            "1)`, an encoder-decoder's loss on a target every candidate shares (passages ranked\n"
            "by the loss of the question after each) or on pairs of a source and a target each\n"
            "its own, and a mean over targets every candidate shares (a temperature grid, or\n"
            "models ranked by their mean NLL on one evaluation set: `nll(logits / t, labels)\n"
            "for t in grid`).",
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
