/* LL106 unmasked-positions: padding positions inside a per-sequence sum or mean of token
 * log-probs, or prompt positions inside a per-candidate mean or inside a sum compared with a
 * threshold. */
#include <string.h>

#include "LL106_window_rereads.h"
#include "rules.h"

/* ---- its verifier recipes (verify.h): what flagged code computes, for the counterexample ---- */

static const VerifyRecipe mean_with_prompt = {
    .name = "mean-with-prompt",
    .rule = "LL106",
    .summary = "mean log-prob over prompt and continuation positions (prompt left unmasked)",
    .score_label = "mean log-prob incl. prompt",
    .transform = VERIFY_TERM_LOG_PROB,
    .aggregate = VERIFY_AGG_MEAN,
    .shift = VERIFY_SHIFT_CAUSAL,
    .mask = VERIFY_MASK_WITH_PROMPT,
    .precision = VERIFY_FLOAT64,
    .lower_is_better = false,
    .harm = VERIFY_HARM_FLIP,
    .min_steps = 1,
    .baseline = &verify_recipe_mean_log_probs,
};
static const VerifyRecipe sum_with_padding = {
    .name = "sum-with-padding",
    .rule = "LL106",
    .summary = "sum of log-probs over a right-padded batch without the mask: pad positions count",
    .score_label = "sum of log-probs incl. padding",
    .transform = VERIFY_TERM_LOG_PROB,
    .aggregate = VERIFY_AGG_SUM,
    .shift = VERIFY_SHIFT_CAUSAL,
    .mask = VERIFY_MASK_WITH_PADDING,
    .precision = VERIFY_FLOAT64,
    .lower_is_better = false,
    .harm = VERIFY_HARM_FLIP,
    .min_steps = 1,
};
/* Rows whose prompts differ, each scored with its own prompt's log-probs: the sum is log
 * Pr(prompt) + log Pr(y|x), and log Pr(prompt) is no constant across them. */
static const VerifyRecipe sum_with_own_prompt = {
    .name = "sum-with-own-prompt",
    .rule = "LL106",
    .summary = "sum of log-probs over each row's own prompt and continuation (prompts differ "
               "from row to row)",
    .score_label = "sum of log-probs incl. the row's prompt (its first token)",
    .transform = VERIFY_TERM_LOG_PROB,
    .aggregate = VERIFY_AGG_SUM,
    .shift = VERIFY_SHIFT_CAUSAL,
    .mask = VERIFY_MASK_OWN_PROMPT,
    .precision = VERIFY_FLOAT64,
    .lower_is_better = false,
    .harm = VERIFY_HARM_FLIP,
    .min_steps = 2,
};
static const VerifyRecipe *const recipes[] = {&mean_with_prompt, &sum_with_padding,
                                              &sum_with_own_prompt, NULL};

/* Token log-probabilities (or per-token NLL) of chosen tokens, not yet reduced. */
static bool token_logprobs(const Fact *f) {
    if (f->obj != FO_NONE || (f->flags & FF_AGGREGATED)) return false;
    if ((f->kinds & FK_LOSS) && (f->flags & FF_PERTOKEN)) return true;
    return (f->kinds & FK_LOGPROB) && !(f->kinds & FK_RAW) && (f->flags & FF_SELECTED);
}

/* Picks of a served prompt's per-position log-probs at joined ids (facts_promptlp.c): which
 * positions are in is known of a loop over them only (check_served); a list made of them and
 * cut (row[n_ctx:]) keeps no trace of the cut, so the other checks leave them alone. */
static bool served_picks(const Fact *f) {
    return (f->flags & FF_STEPWISE) && (f->flags & FF_JOINED) && (f->kinds & FK_LOGPROB);
}

/* The flaws of where a span mask (or a mask's bounds) sits against the scores (facts_mask.c,
 * facts_spans.c): emitted here, true; false for the others. */
static bool emit_span_flaw(RuleContext *ctx, TSNode at, int flaw, const char *agg,
                           const char *where) {
    if (flaw == MFLAW_SPAN_LAGS) { /* a prompt token's and a pad's: no recipe counts them */
        rules_emit(ctx, at, NULL,
                   "take the mask at the positions of the tokens scored: mask[:, 1:] with "
                   "scores of input_ids[:, 1:] when the mask marks token positions",
                   "token log-probs are %s under a span mask one position behind them%s: the "
                   "mask marks the span's tokens, each score is weighted by the mark of the "
                   "token before its own, so the span's first token is dropped and the token "
                   "after its last (a shorter row's first pad) is counted",
                   agg, where);
        return true;
    }
    if (flaw == MFLAW_SPAN_OFF) { /* prompt tokens, not pads: no recipe counts them */
        rules_emit(ctx, at, NULL,
                   "take the mask at the positions of the tokens scored: mask[:, 1:] with "
                   "scores of input_ids[:, 1:] when the mask marks token positions",
                   "token log-probs are %s under a span mask one position ahead of them%s: the "
                   "mask marks the span's tokens, the scores multiplied by it are about the "
                   "tokens one further, so the token before the span is counted and the span's "
                   "last token is dropped",
                   agg, where);
        return true;
    }
    if (flaw == MFLAW_SPAN_EARLY) { /* a prompt token, not pads: no recipe counts it */
        rules_emit(ctx, at, NULL,
                   "make the runs as long as the parts: [0] * len(prompt) + [1] * len(cont) for a "
                   "mask of tokens, or [0] * (len(prompt) - 1) + [1] * len(cont) for one of the "
                   "scores' positions",
                   "token log-probs are %s under a span mask built per row as runs of 0 and 1 "
                   "whose ones start before the continuation: the run of 0 is shorter than the "
                   "prompt, the run of 1 longer than the continuation%s. Taken at the positions "
                   "of the tokens scored, it marks the prompt's last token as the continuation's "
                   "first, so that token's log-prob is counted",
                   agg, where);
        return true;
    }
    if (flaw == MFLAW_ROW_START) { /* prompt tokens as much as pads: no recipe counts them */
        rules_emit(ctx, at, NULL,
                   "add each row's number of pads to the mask's bounds (the padded width minus "
                   "the row's length), or pad on the right",
                   "token log-probs are %s under a mask whose bounds count from each row's "
                   "first token (a row's length, a prompt's token count)%s, but the batch is "
                   "padded on the left: every shorter row starts after its pads, so its mask "
                   "sits that many positions early, over the end of its prompt (or its pads) "
                   "and short of its continuation's last tokens",
                   agg, where);
        return true;
    }
    return false;
}

/* A mask was applied but covers the wrong positions (facts_mask.c): reported at `at`, the
 * aggregation e or where the mask was built. */
static void emit_flaw(RuleContext *ctx, TSNode at, const FactEvent *e, int flaw, bool mean,
                      const char *where) {
    const char *agg = mean ? "averaged" : "summed";
    if (emit_span_flaw(ctx, at, flaw, agg, where)) return;
    if (flaw == MFLAW_PREFIX_SPECIALS) {       /* one prompt token, not pads: no recipe counts it */
        bool late = e->in.specials == SP_BARE; /* ids without specials, count with a BOS */
        rules_emit(ctx, at, NULL,
                   "count the prompt as the labeled sequence was encoded (both with or both "
                   "without add_special_tokens=False) before writing -100 over its labels",
                   "token log-probs are %s under a mask of the labels left after -100 was "
                   "written over the prompt's first n labels%s, n counted on the prompt encoded "
                   "%s the tokenizer's special tokens and the labels encoded %s them: where the "
                   "tokenizer puts a BOS first (Llama, Mistral, Gemma) n is one %s than the "
                   "prompt's positions, so %s",
                   agg, where, late ? "with" : "without", late ? "without" : "with",
                   late ? "more" : "less",
                   late ? "the continuation's first token is ignored"
                        : "the prompt's last token keeps its label and is scored as the "
                          "continuation's first");
        return;
    }
    if (flaw == MFLAW_LAGS_WINDOW)
        rules_emit(ctx, at, mean ? NULL : &sum_with_padding,
                   "cut the mask one position further than the scores: lp[:, s:e] with "
                   "mask[:, s + 1:e + 1] when lp scores input_ids[:, 1:]",
                   "token log-probs are %s under a mask one position behind them%s, both cut to "
                   "the same window: each score is about the token after the one its mask "
                   "entry is about, so the first pad after a shorter row is counted and the "
                   "row's first scored token is dropped",
                   agg, where);
    else if (flaw == MFLAW_LAGS)
        rules_emit(ctx, at, mean ? NULL : &sum_with_padding,
                   "take the mask at the positions of the tokens scored: attention_mask[:, 1:] "
                   "with scores of input_ids[:, 1:]",
                   "token log-probs of a padded batch are %s under a mask one position behind "
                   "them%s: the scores are about tokens 1..T-1 and the mask about tokens "
                   "0..T-2, so each row's first pad is counted and the score depends on the "
                   "padding",
                   agg, where);
    else if (flaw == MFLAW_LENGTH_PAST)
        rules_emit(ctx, at, mean ? NULL : &sum_with_padding,
                   "bound the positions by the count of the tokens scored: arange(T) < lengths - 1 "
                   "for scores of input_ids[:, 1:] (or arange(1, T + 1) < lengths)",
                   "token log-probs of a padded batch are %s under a mask that bounds positions "
                   "by each row's length one position too far%s: the score at position j is about "
                   "token j + 1, so the mask keeps the tokens up to the row's length itself, the "
                   "first pad after every shorter row, and the score depends on the padding",
                   agg, where);
    else if (flaw == MFLAW_SPECIALS && e->in.specials == SP_BARE) /* see below */
        rules_emit(ctx, at, NULL,
                   "count the prompt as the scored sequence was encoded (both with "
                   "add_special_tokens=False), or cut at the count minus the BOS",
                   "token log-probs are %s from a cut at the prompt's token count measured with "
                   "the tokenizer's special tokens%s, but the sequence scored was encoded "
                   "without them (add_special_tokens=False): where the tokenizer puts a BOS "
                   "first (Llama, Mistral, Gemma) the count is one more than the prompt's "
                   "tokens, so the cut starts one token late and drops the continuation's first "
                   "token",
                   agg, where);
    else if (flaw == MFLAW_SPECIALS) /* one prompt token, not pads: no recipe counts it */
        rules_emit(ctx, at, NULL,
                   "count the prompt as the scored sequence was encoded (len(tok(prompt)."
                   "input_ids), its BOS included), or encode both without special tokens",
                   "token log-probs are %s from a cut at the prompt's token count measured "
                   "without special tokens (add_special_tokens=False)%s, but the sequence scored "
                   "was encoded with them: where the tokenizer puts a BOS first (Llama, Mistral, "
                   "Gemma), every position after it is one further than the count says, so the "
                   "cut starts one token early and the prompt's last token is scored as the "
                   "continuation's first",
                   agg, where);
    else if (flaw == MFLAW_INVERTED)
        rules_emit(ctx, at, NULL,
                   "invert the mask: keep the real targets (labels != -100, attention_mask == 1) "
                   "and drop the rest",
                   "token log-probs are %s under an inverted mask%s: it keeps the positions it "
                   "should drop (ignored labels or pads) and removes the tokens scored",
                   agg, where);
    else if (flaw == MFLAW_PROMPT)
        rules_emit(ctx, at, &mean_with_prompt,
                   "mask the prompt too (labels = -100 or a completion mask) and divide by the "
                   "number of continuation tokens, or keep the plain masked sum",
                   "token log-probs of prompt + continuation are summed under a mask of the pads "
                   "only and divided by the count of real tokens%s: a mean over the prompt's "
                   "positions too, so the prompt dilutes each sequence's mean by a different "
                   "share and candidates of different lengths can swap places",
                   where);
    else if (flaw == MFLAW_PADS_KEPT)
        rules_emit(ctx, at, mean ? NULL : &sum_with_padding,
                   "pad the labels with -100 (the value the mask drops) or write -100 over the "
                   "pads too, or multiply by the attention mask too",
                   "token log-probs are %s under labels != -100%s, but the labels hold the pad "
                   "token id at the pads, not -100 (padded with it, or -100 written over the "
                   "prompts only): the mask keeps every pad position, so a sequence's score "
                   "depends on how much padding its batch gave it",
                   agg, where);
    else if (flaw == MFLAW_EARLY) /* prompt tokens, not pads: no recipe counts them */
        rules_emit(ctx, at, NULL,
                   "start the mask at the padded prompt width (input_ids.shape[1]), where every "
                   "left-padded prompt ends",
                   "token log-probs are %s under a mask that starts at each prompt's number of "
                   "real tokens%s, but the prompts are padded on the left: a prompt fills the "
                   "whole padded width, so for every shorter prompt the mask starts inside it "
                   "and its last tokens are scored as the response's",
                   agg, where);
    else if (flaw == MFLAW_TAIL_SPECIALS) /* one prompt token, not pads: no recipe counts it */
        rules_emit(ctx, at, NULL,
                   "count the continuation without special tokens (add_special_tokens=False), "
                   "as the tokens it has at the end of the scored sequence",
                   "token log-probs of prompt + continuation are %s over their last n "
                   "positions%s, n counted on the continuation encoded with the tokenizer's "
                   "special tokens: where the tokenizer puts a BOS first (Llama, Mistral, "
                   "Gemma) n is one more than the continuation's tokens, so the prompt's last "
                   "token is scored as the continuation's",
                   agg, where);
    else if (flaw == MFLAW_TAIL_PAST) /* prompt tokens, not pads: no recipe counts them */
        rules_emit(ctx, at, NULL,
                   "cut to the continuation's own count (lp[-n:]): the last n token scores are "
                   "its n tokens, shifted (scores of ids[1:]) or not",
                   "token log-probs of prompt + continuation are %s over more positions at their "
                   "end than the continuation has tokens%s: the cut is the continuation's token "
                   "count plus a constant, and the scores' last n positions are already its n "
                   "tokens, so the prompt's last token is scored as the continuation's",
                   agg, where);
    else if (flaw == MFLAW_ROWS_UNWRITTEN) /* prompt tokens of some rows: no recipe */
        rules_emit(ctx, at, NULL,
                   "give the per-row list as many rows as the mask: repeat it for every "
                   "concatenated part (lens * 2, torch.cat((lens, lens))), as the rows were",
                   "token log-probs are %s under a mask (or labels) written row by row through "
                   "zip with a per-row list (prompt lengths) of fewer rows%s: the mask holds a "
                   "batch's rows twice (its parts concatenated) and the list once, zip stops at "
                   "the shorter, so the rows past it keep what the loop removes from the others "
                   "and their scores count those positions too",
                   agg, where);
    else if (flaw == MFLAW_TAIL)
        rules_emit(ctx, at, mean ? NULL : &sum_with_padding,
                   "bound the mask by each row's length too (positions < lengths, or multiply "
                   "by the shifted attention mask)",
                   "token log-probs of a padded batch are %s under a mask that runs from a "
                   "start position to the end of every row%s: it removes the prompt, not the "
                   "pads after a shorter row, so a row's score depends on the padding",
                   agg, where);
    else /* no recipe fills masked positions with a constant: no counterexample */
        rules_emit(ctx, at, NULL,
                   "fill the masked positions with 0 before a sum (masked_fill(~mask, 0.0))",
                   "token log-probs are %s after masked_fill wrote a non-zero constant over the "
                   "masked positions%s: each masked position adds that constant, and rows have "
                   "different numbers of them, so the ranking follows the mask's size",
                   agg, where);
}

/* A mask multiplying per-token log-ratios (log p - log q: a PPO ratio's log, a KL term) that is
 * not about their tokens (facts_ratio.c): a training objective, no ranking to flip, so no
 * recipe. */
static void emit_ratio_mask(RuleContext *ctx, const FactEvent *e) {
    int row = facts_origin_row(ctx->facts, &e->in);
    char where[48] = "";
    if (row > 0) snprintf(where, sizeof where, " (log-probs from line %d)", row);
    int flaw = (int)e->op;
    bool behind = flaw == MFLAW_LAGS_WINDOW || flaw == MFLAW_SPAN_LAGS;
    if (flaw == MFLAW_LENGTH_PAST)
        rules_emit(ctx, e->node, NULL,
                   "bound the positions by the count of the tokens scored: arange(T) < lengths - 1 "
                   "for log-probs of input_ids[:, 1:]",
                   "per-token log-ratios of log-probs%s are masked by a bound on each row's "
                   "length one position too far: the log-ratio at j is about token j + 1, so the "
                   "first pad after every shorter row is kept in the objective",
                   where);
    else
        rules_emit(ctx, e->node, NULL,
                   behind ? "cut the mask one position further than the log-probs: lp[:, s:e] "
                            "with mask[:, s + 1:e + 1] when lp scores input_ids[:, 1:]"
                          : "take the mask at the positions of the tokens scored",
                   "per-token log-ratios of log-probs%s are multiplied by a mask one position "
                   "%s them: each log-ratio is weighed by the mask entry of the token %s its "
                   "own, so %s, whatever the objective does with the product",
                   where, behind ? "behind" : "ahead of", behind ? "before" : "after",
                   behind ? "the first pad after a shorter row is kept and the row's first "
                            "scored token dropped"
                          : "the token before the span is kept and its last token dropped");
}

/* A loss reducing targets whose pads still hold the pad id (facts_regions.c), or the labels of
 * a batch returned for model(**batch) (facts_labels.c): no ranking to flip (often a training
 * loss), so no recipe. */
static void emit_pads_in_loss(RuleContext *ctx, const FactEvent *e) {
    int row = facts_origin_row(ctx->facts, &e->in);
    char where[48] = "";
    if (row > 0 && row != (int)ts_node_start_point(e->node).row + 1)
        snprintf(where, sizeof where, " (from line %d)", row);
    const char *help = "write -100 over the pads too (labels[attention_mask == 0] = -100, or "
                       "torch.where(attention_mask.bool(), input_ids, -100)), or pad the labels "
                       "with -100 rather than the pad id";
    if (e->op == IGNORED_ROWS) {
        rules_emit(ctx, e->node, NULL,
                   "write -100 along the positions: labels[:, :-n] = -100 (the first axis is "
                   "the batch)",
                   "-100 is written through a slice of the labels' first axis, the batch%s: it "
                   "ignores whole rows (none when the slice runs past the rows), never a "
                   "position of a row, so the prefix it was to drop stays in the loss as "
                   "targets to predict",
                   where);
        return;
    }
    if (e->op == PADS_KEYED_LABELS) {
        rules_emit(ctx, e->node, NULL,
                   "pad the keys that hold labels with -100 (the value the loss ignores), as "
                   "the ids with the pad id and the masks with 0",
                   "this loop pads every key of the batch it tests, and its tests give a key "
                   "ending in \"labels\" the pad token id as padding value, not -100: those "
                   "labels hold the pad id at their pads, and the loss they are for (or a mask "
                   "labels != -100) ignores only -100, so every pad enters the loss or the "
                   "summed log-probs and a row's score depends on how much padding it got");
        return;
    }
    if (e->op == PADS_BATCH_RETURNED && e->in.fill_pad && e->in.obj == FO_NONE)
        rules_emit(ctx, e->node, NULL, help,
                   "the batch returned here for model(**batch) has labels padded with the pad "
                   "token id%s, not -100: the pads hold the pad id, and the model's loss (or a "
                   "mask labels != -100) ignores only -100, so every pad enters the loss or the "
                   "summed log-probs and a row's score depends on how much padding it got",
                   where);
    else if (e->op == PADS_BATCH_RETURNED)
        rules_emit(ctx, e->node, NULL, help,
                   "the batch returned here for model(**batch) has labels that are the token ids "
                   "of a padded batch%s, the pad id still at the pads: the model's loss ignores "
                   "only -100, so every pad enters the loss as a target to predict and a row's "
                   "loss depends on how much padding it got",
                   where);
    else if (e->in.fill_pad && e->in.obj == FO_NONE) /* a buffer, not an encoding's labels */
        rules_emit(ctx, e->node, NULL, help,
                   "the loss's targets are a buffer filled with the pad token id%s whose rows "
                   "were copied to its start, and the loss ignores only -100: the pad positions "
                   "after every shorter row keep the pad id, so they enter the loss as targets to "
                   "predict and a row's loss depends on the padding of its batch",
                   where);
    else
        rules_emit(ctx, e->node, NULL, help,
                   "the loss's targets are the token ids of a padded batch%s, the pad id still at "
                   "the pads, and the loss ignores only -100: every pad enters the loss as a "
                   "target to predict, so a row's loss depends on how much padding it got",
                   where);
}

/* `score < threshold`: an ordering comparison of a value with something that is no score on
 * any pass (a running best, float("-inf") until the loop stores a score in it, is one), outside
 * an assert, and with no literal 0 (a sign check decides nothing about the prompt). */
static bool against_threshold(const Facts *facts, const Source *src, const FactEvent *e) {
    if (!parse_is(e->node, "comparison_operator")) return false;
    for (size_t i = 0; i < facts->events.len; i++) {
        const FactEvent *o = &facts->events.items[i];
        if (o->kind == EV_RANK && ts_node_eq(o->node, e->node) &&
            (o->in2.kinds & (FK_SCORES | FK_LOSS)))
            return false;
    }
    for (TSNode up = parse_parent(e->node); !ts_node_is_null(up); up = parse_parent(up)) {
        if (parse_is(up, "assert_statement")) return false;
        if (parse_is(up, "function_definition")) break;
    }
    bool ordering = false;
    for (uint32_t i = 0, n = ts_node_child_count(e->node); i < n; i++) {
        TSNode c = ts_node_child(e->node, i);
        size_t len;
        const char *t = parse_text(src, c, &len);
        if (ts_node_is_named(c)) {
            if ((parse_is(c, "integer") || parse_is(c, "float")) && strspn(t, "0.") == len)
                return false;
            continue;
        }
        if ((len == 1 && (*t == '<' || *t == '>')) ||
            (len == 2 && (!memcmp(t, "<=", 2) || !memcmp(t, ">=", 2))))
            ordering = true;
    }
    return ordering;
}

/* A per-sequence sum of token log-probs over a joined prompt + continuation whose prompt
 * positions are still in (no mask, or a mask of the pads only), compared against a threshold.
 * The prompt adds log Pr(prompt), the same for every continuation of one prompt (a sum ranks
 * them as log Pr(y|x) does) but different from one prompt to the next: against a fixed
 * threshold the decision follows how likely the prompt is. */
static void check_threshold(RuleContext *ctx, const FactEvent *e) {
    const Facts *facts = ctx->facts;
    if (!e->in.agg_event || e->in.agg_event > facts->events.len ||
        !against_threshold(facts, ctx->src, e))
        return;
    const FactEvent *s = &facts->events.items[e->in.agg_event - 1];
    const Fact *f = &s->in;
    if (s->kind != EV_AGGREGATE || s->op != AGG_SUM || !token_logprobs(f) || served_picks(f) ||
        f->prompt_rows || !(f->flags & FF_JOINED) || (f->flags & FF_SLICED) || f->mask_flaw ||
        ((f->flags & FF_MASKED) && !f->prompt_in))
        return;
    int row = (int)ts_node_start_point(e->node).row + 1;
    rules_emit(ctx, s->node, NULL,
               "score the continuation only (labels = -100 or a mask on the prompt's positions) "
               "before comparing with a fixed threshold",
               "token log-probs of prompt + continuation are summed over the prompt's positions "
               "too, and the sum is compared with a threshold (line %d): the sum adds log "
               "Pr(prompt), a different amount for every prompt, so whether a continuation "
               "passes depends on how likely its prompt is, not only on log Pr(y|x)",
               row);
}

/* A per-sequence sum of token log-probs of rows of prompt + continuation whose prompts differ
 * from row to row (facts_prompts.c), the prompt's positions still in (no mask on an unpadded
 * batch, or a mask of the pads only). Left to the pads' finding when the pads are in too. A
 * total of every row's tokens (a training loss, a corpus perplexity) scores no row; a sum
 * divided by the count of the real tokens is reported as the mean it is. */
static bool own_prompts_summed(const FactEvent *e) {
    const Fact *f = &e->in;
    if (e->over_rows || e->divided || !token_logprobs(f) || !(f->kinds & FK_LOGPROB) || !(f->flags & FF_JOINED) ||
        !f->prompt_rows || (f->flags & FF_SLICED) || f->mask_flaw)
        return false;
    return (f->flags & FF_MASKED) ? f->prompt_in : !(f->flags & FF_PADDED);
}

static void emit_own_prompts(RuleContext *ctx, const FactEvent *e) {
    int row = facts_origin_row(ctx->facts, &e->in);
    char where[48] = "";
    if (row > 0) snprintf(where, sizeof where, " (log-probs from line %d)", row);
    rules_emit(ctx, e->node, &sum_with_own_prompt,
               "mask each row's prompt too (labels = -100 or a mask from the prompt's length), "
               "so that the sum is the continuation's log Pr(y|x) alone",
               "token log-probs of prompt + continuation are summed over the prompt's positions "
               "too%s, and each row has its own prompt: every row's score is log Pr(prompt) + "
               "log Pr(y|x), with a log Pr(prompt) that differs from row to row, so scores read "
               "or compared across rows follow how likely each prompt is",
               where);
}

/* Was event i's sum already reported (another event of that node, its facts from another
 * pass over the loop that made the rows)? */
static bool own_prompts_emitted(RuleContext *ctx, size_t i) {
    const FactEvent *e = &ctx->facts->events.items[i];
    for (size_t j = 0; j < i; j++) {
        const FactEvent *o = &ctx->facts->events.items[j];
        if (o->kind == EV_AGGREGATE && o->op == AGG_SUM && ts_node_eq(o->node, e->node) &&
            own_prompts_summed(o))
            return true;
    }
    return false;
}

/* A loop adding up a served prompt's per-position log-probs (vLLM's prompt_logprobs) of a
 * context joined to a continuation, its positions from the prompt's start or from one before
 * the continuation (facts_promptlp.c), over rows whose contexts are their own (or requests a
 * function is handed, each with its context): each row's score holds its context's
 * log-probs (or its last token's), a different amount per row. */
static void check_served(RuleContext *ctx, size_t i) {
    const FactEvent *e = &ctx->facts->events.items[i];
    const Fact *f = &e->in;
    if (!served_picks(f) || (f->flags & FF_SLICED) || !f->prompt_rows || !token_logprobs(f)) return;
    if (f->mask_flaw != MFLAW_NONE && f->mask_flaw != MFLAW_CONTEXT_LAST) return;
    for (size_t j = 0; j < i; j++) { /* one finding per statement, whatever the passes */
        const FactEvent *o = &ctx->facts->events.items[j];
        if (o->kind == EV_AGGREGATE && o->op == AGG_ACCUMULATE && ts_node_eq(o->node, e->node) &&
            (o->in.flags & FF_STEPWISE) && o->in.prompt_rows && !(o->in.flags & FF_SLICED) &&
            (o->in.flags & FF_JOINED))
            return;
    }
    if (f->mask_flaw == MFLAW_CONTEXT_LAST) {
        rules_emit(ctx, e->node, &sum_with_own_prompt,
                   "start the loop at the context's length: entry p of prompt_logprobs is the "
                   "log-prob of token p, so the continuation's first is at p = len(ctx)",
                   "a served prompt's per-position log-probs are added up from one position "
                   "before the continuation: entry p is the log-prob of token p given the "
                   "tokens before it, so the context's last token is added too, and each "
                   "request has its own context: every score is off by a different amount");
        return;
    }
    rules_emit(ctx, e->node, &sum_with_own_prompt,
               "add up the entries from the context's length on (range(len(ctx), len(ids))): "
               "entry p of prompt_logprobs is the log-prob of token p",
               "a served prompt's per-position log-probs of context + continuation are added "
               "up over the context's positions too, and each request has its own context: "
               "every score is log Pr(context) + log Pr(continuation | context), with a log "
               "Pr(context) that differs from request to request");
}

/* A whole window's token scores summed in a loop whose windows overlap (LL106_window_rereads.c):
 * a document's total, no ranking of candidates, so no recipe. */
static void emit_window_rereads(RuleContext *ctx, const FactEvent *e) {
    rules_emit(ctx, e->node, NULL,
               "score only the tokens no earlier window scored: target_ids[:, :-trg_len] = -100 "
               "(trg_len = end - prev_end), or sum the window's last trg_len scores",
               "token scores of a whole window are summed and the sum is kept across a loop whose "
               "windows are longer than its step: each window re-reads the end of the one before "
               "as context, so those tokens are scored again by every window that holds them and "
               "enter the total several times, and a total over the document's tokens (or a "
               "count of the new ones) no longer matches it");
}

/* Does a ranking pick candidates by this mean over prompt + continuation? Then it is the
 * ranking's flaw (LL107), as ranking by the same mean of token NLLs is. */
static bool mean_picked(const Facts *facts, const FactEvent *mean) {
    for (size_t i = 0; i < facts->events.len; i++) {
        const FactEvent *m = rules_prompt_mean_picked(facts, &facts->events.items[i]);
        if (m && ts_node_eq(m->node, mean->node)) return true;
    }
    return false;
}

static void check(RuleContext *ctx) {
    for (size_t i = 0; i < ctx->facts->events.len; i++) {
        const FactEvent *e = &ctx->facts->events.items[i];
        if (e->kind == EV_PADS_IN_LOSS) emit_pads_in_loss(ctx, e);
        if (e->kind == EV_MASK_OFF) emit_ratio_mask(ctx, e);
        if (e->kind == EV_RANK) check_threshold(ctx, e);
        if (e->kind == EV_AGGREGATE && e->op == AGG_ACCUMULATE) check_served(ctx, i);
        if (e->kind != EV_AGGREGATE || (e->op != AGG_SUM && e->op != AGG_MEAN)) continue;
        const Fact *f = &e->in;
        if (served_picks(f)) continue;
        bool mean = e->op == AGG_MEAN;
        /* a mean whose divisor is a count of tokens (in2: the masked sum over mask.sum()) */
        bool counted = (e->in2.kinds & FK_INDEX) != 0;
        if (mean && !counted && token_logprobs(f) && (f->kinds & FK_LOGPROB) &&
            (f->flags & FF_PADDED) && (f->flags & FF_MASKED) && !(f->flags & FF_SLICED)) {
            /* (lp * mask).mean(-1): the pads are zero, but still counted in the divisor */
            rules_emit(ctx, e->node, NULL,
                       "divide the masked sum by the mask's sum: (lp * mask).sum(-1) / "
                       "mask.sum(-1)",
                       "token log-probs of a padded batch are masked and then averaged over "
                       "every position, pads included: each sequence's mean is divided by the "
                       "batch's padded length, so it depends on how much padding its batch gave "
                       "it");
            continue;
        }
        if (!mean && token_logprobs(f) && ll106_window_rereads(ctx->src, e->node, f)) {
            emit_window_rereads(ctx, e);
            continue;
        }
        if (!mean && own_prompts_summed(e)) {
            if (!own_prompts_emitted(ctx, i)) emit_own_prompts(ctx, e);
            continue;
        }
        /* a slice may have cut the pads off, but never makes an inverted or early mask right */
        bool flaw_any_slice = f->mask_flaw == MFLAW_INVERTED || f->mask_flaw == MFLAW_EARLY ||
                              f->mask_flaw == MFLAW_LAGS_WINDOW || f->mask_flaw == MFLAW_SPAN_OFF ||
                              f->mask_flaw == MFLAW_SPAN_LAGS || f->mask_flaw == MFLAW_SPECIALS ||
                              f->mask_flaw == MFLAW_TAIL_SPECIALS ||
                              f->mask_flaw == MFLAW_TAIL_PAST ||
                              f->mask_flaw == MFLAW_ROWS_UNWRITTEN ||
                              f->mask_flaw == MFLAW_ROW_START || f->mask_flaw == MFLAW_SPAN_EARLY ||
                              f->mask_flaw == MFLAW_PREFIX_SPECIALS;
        if (!token_logprobs(f) || (f->flags & FF_MASKED) ||
            ((f->flags & FF_SLICED) && !flaw_any_slice))
            continue;
        int row = facts_origin_row(ctx->facts, f);
        char where[640] = "";
        if (row > 0) snprintf(where, sizeof where, " (log-probs from line %d)", row);
        if (f->mask_flaw == MFLAW_PROMPT && mean_picked(ctx->facts, e)) continue; /* LL107 */
        const FactEvent *built = rules_made_apart(ctx, e->node, f->made_event, EV_MASK_MADE);
        if (f->mask_flaw && built) {
            char at[512];
            rules_where(ctx, e->node, at, sizeof at);
            snprintf(where, sizeof where, " (built here; the log-probs %s at %s)",
                     mean ? "averaged" : "summed", at);
            emit_flaw(ctx, built->node, e, f->mask_flaw, mean, where);
            rules_verify_at(ctx, e->node);
            continue;
        }
        if (f->mask_flaw) {
            emit_flaw(ctx, e->node, e, f->mask_flaw, mean, where);
            continue;
        }
        if (f->flags & FF_PADDED) {
            rules_emit(
                ctx, e->node, mean ? NULL : &sum_with_padding,
                "multiply the token log-probs by the (shifted) attention mask before the sum, "
                "and divide by the mask's sum for a mean",
                "token log-probs of a padded batch are %s across positions without a mask%s; "
                "the pad positions add their own log-probs, so a sequence's score depends on "
                "how much padding its batch gave it",
                mean ? "averaged" : "summed", where);
        } else if ((f->flags & FF_JOINED) && mean) {
            rules_emit(
                ctx, e->node, &mean_with_prompt,
                "slice the continuation's positions (or mask the prompt) before averaging; "
                "a plain sum over shared prompt tokens is ranking-neutral, a mean is not",
                "token log-probs of prompt + continuation are averaged over all positions%s; "
                "the prompt's tokens dilute each candidate's mean by a different share, so "
                "candidates of different lengths can swap places",
                where);
        }
    }
}

/* ---- its explanation (explain.h): the why, on the numbers of a counterexample ---- */

/* The candidate the recipe's baseline (only its defect fixed) picks; -1: none. */
static int baseline_pick(const VerifyResult *res) {
    const VerifyRecipe *b = res->recipe->baseline;
    VerifyResult *br = NULL;
    if (!b || verify_score(res->table, b, &br, NULL) != VERIFY_OK) return -1;
    int pick = br->script_rank[0];
    verify_result_free(br);
    return pick;
}

static void explain(FILE *out, const VerifyResult *res, ExplainStrs *s) {
    const VerifyTable *t = res->table;
    int p = res->script_rank[0], c = res->correct_rank[0];
    fprintf(out, "Why:\n");
    if (res->recipe->mask == VERIFY_MASK_WITH_PADDING) {
        int npad;
        double padsum;
        int who = explain_first_padded(res, &npad, &padsum);
        explain_para(
            out, "", "",
            "log Pr(y|x) sums over the candidate's own tokens. In a right-padded batch, the "
            "shorter candidates get pad positions; without the attention mask (or labels = -100) "
            "their log-probabilities enter the sum as if the pad tokens were part of the "
            "candidate.");
        if (who >= 0)
            explain_para(
                out, "", "",
                "\n%s is padded with %d %s position%s whose log-probabilit%s add %s to its "
                "score: %s instead of its log Pr(y|x) %s. A scorer of this shape picks %s; log "
                "Pr(y|x) picks "
                "%s.",
                explain_cand(s, res, who), npad, t->pad >= 0 ? t->vocab[t->pad] : "pad",
                npad == 1 ? "" : "s", npad == 1 ? "y" : "ies", explain_num(padsum).s,
                explain_num(res->cands[who].score).s, explain_num(res->cands[who].log_prob).s,
                explain_cand(s, res, p), explain_cand(s, res, c));
        fputc('\n', out);
        explain_para(
            out, "Fix: ", "     ",
            "multiply the per-token log-probs by the attention mask (shifted like the labels) "
            "before summing, or set labels to -100 on padding.");
        return;
    }
    int b = baseline_pick(res);
    double psum = 0;
    int plen = 0;
    if (res->n && res->cands[0].n_steps)
        for (int j = 0; j < res->cands[0].n_steps; j++)
            if (res->cands[0].steps[j].role == VERIFY_ROLE_PROMPT) {
                psum += res->cands[0].steps[j].log_prob;
                plen++;
            }
    explain_para(
        out, "", "",
        "log Pr(y|x) conditions on the prompt; the prompt's own log-probabilities are not part "
        "of it. Left unmasked inside a per-candidate mean they are not a harmless constant: the "
        "prompt (%d token%s, log-prob %s) is averaged with continuations of different "
        "lengths, so it pulls each candidate's mean by a different amount.",
        plen, plen == 1 ? "" : "s", explain_num(psum).s);
    if (b >= 0)
        explain_para(out, "", "",
                     "\nWith the prompt a scorer of this shape picks %s; averaging over the "
                     "continuation alone would "
                     "pick %s%s, and log Pr(y|x) picks %s.",
                     explain_cand(s, res, p), explain_cand(s, res, b),
                     b == c ? " (the correct choice)" : "", explain_cand(s, res, c));
    fputc('\n', out);
    explain_para(
        out, "Fix: ", "     ",
        "mask the prompt: labels = -100 (or a continuation mask) on prompt positions, then sum "
        "the continuation's log-probs per candidate.");
}

static const char *const literals[] = {NULL};

const Rule rule_LL106 = {
    .code = "LL106",
    .name = "unmasked-positions",
    .summary = "Padding or prompt positions inside a summed or averaged sequence log-prob",
    .what =
        "Flags a per-sequence sum or mean of token log-probabilities (or per-token NLL) over a\n"
        "padded batch (a tokenizer called with padding=True / \"longest\" / \"max_length\",\n"
        "tokenizer.pad, a data collator or a DataLoader collate_fn that pads, pad_sequence,\n"
        "F.pad / np.pad to a varying width, torch.full((B, L), pad_id), lists padded by hand,\n"
        "generate() for several prompts or with num_return_sequences > 1) with no mask on the\n"
        "summed values, and a per-candidate mean over prompt + continuation positions. An\n"
        "attention-mask multiply, masked_fill, torch.where, -100 / ignore_index labels (not\n"
        "ignore_index=-100 over labels that are the padded ids themselves, nothing written\n"
        "over them: their pads hold the pad id, so the ignore never applies),\n"
        "boolean indexing, a weight of 1 and 0 picked at each position by a condition on it\n"
        "([1.0 if a <= j < b else 0.0 for j in range(T)], as float(a <= j < b)),\n"
        "nanmean over NaN-filled pads or a continuation slice (or a loop\n"
        "over its positions only) all count as masking, except a slice x[:, k:] (or\n"
        "x[:, k:-1]) of a padded batch, or the same cut of one row (x[i, k_i:]), which still\n"
        "runs past each short row's pads unless the batch is padded on the left only. A\n"
        "masked mean that still divides by the padded length ((lp * mask).mean(-1)) is\n"
        "flagged too. A mask is judged by what it covers: one position behind the scores\n"
        "(attention_mask[:, :-1] against scores of input_ids[:, 1:]) unless the batch is padded\n"
        "on the left only, and so when both are cut to one window (lp[:, s:e] *\n"
        "attention_mask[:, s:e]; a mask of ids != pad_id also says the batch has pads), a mask\n"
        "running from a start to every row's end (arange(T) >= k, m[i, k:] = 1 in a zero\n"
        "buffer) unless padded on the left only, an inverted mask (lp * (labels == -100),\n"
        "masked_fill(labels != -100, 0)), and masked_fill with a\n"
        "non-zero constant before a sum or mean do not count as masking. A mask's polarity is\n"
        "also read from its use: one that fills the token ids with a dummy 0\n"
        "(ids.masked_fill(m, 0) before a gather) marks the dropped targets, so lp * m is\n"
        "inverted. A response mask that starts at the number of real tokens of prompts padded\n"
        "on the left (arange(T) >= attention_mask.sum(1)) starts inside every shorter prompt.\n"
        "A mask written row by row through zip (for row, n in zip(mask, prompt_lens): row[:n]\n"
        "= 0) whose per-row list has fewer rows than the mask is no masking either: when the\n"
        "mask holds one batch's rows twice (torch.cat((chosen, rejected)) of a loader's batch)\n"
        "and the list once, zip stops at the shorter and the second half keeps its prompt.\n"
        "A span mask of tokens (ones over the continuation's columns: m[i, s:len(ids)] = 1,\n"
        "a row [0] * len(prompt) + [1] * len(cont) copied to the row's start, (arange(T)\n"
        ">= k) & attention_mask, or the attention mask with its start zeroed in place: m =\n"
        "attention_mask.clone(); m[:, :k] = 0) cut m[:, :-1] against scores of\n"
        "input_ids[:, 1:] is one position behind them: the continuation's first token is\n"
        "dropped and the token after its last (a shorter row's first pad) counted, padded on\n"
        "either side or not. Runs whose ones start before the continuation ([0] *\n"
        "(len(prompt) - 1) + [1] * (len(cont) + 1)) taken at the tokens scored count the\n"
        "prompt's last token; [0] * (len(prompt) - 1) + [1] * len(cont) marks the positions\n"
        "of the scores predicting the continuation and is judged as such. Such runs stored in\n"
        "a Dataset's items reach the collate a DataLoader runs on them. A buffer one column\n"
        "narrower than the padded ids (torch.zeros((B, W - 1)), W their width or\n"
        "ids.shape[1]) meets the scores of input_ids[:, 1:] column for column: a span\n"
        "written there at token counts (m[i, len(ctx):len(ids)] = 1) is one position behind\n"
        "them; m[i, len(ctx) - 1:len(ids) - 1] is right. A mask built from a parameter (or a\n"
        "field of one: batch.attention_mask) that the code hands to the model as its\n"
        "attention mask only later, inline or through a helper, is judged as that mask from\n"
        "the first line.\n"
        "A mean written by hand counts too: the masked sum of prompt + continuation log-probs\n"
        "divided by the count of the real tokens (loss_mask = labels != pad_id, then\n"
        "lp.sum(-1) / loss_mask.sum(-1), or the joined batch's attention_mask[:, 1:] and its\n"
        "sum) is a mean over the prompt's positions as well, since a mask of the pads keeps the\n"
        "prompt. (The same mean of per-token NLL is a mean token loss, a perplexity: LL107\n"
        "flags it where candidates are ranked by it, and so it does this mean of log-probs\n"
        "where a ranking picks candidates by it.) A loss that reduces its targets "
        "(cross_entropy,\n"
        "CrossEntropyLoss or a Hugging Face labels= loss, reduction not \"none\") is flagged\n"
        "when the targets are a buffer filled with the tokenizer's pad id, rows copied to the\n"
        "start of each row, and the loss ignores another value (-100): the pads after every\n"
        "shorter row are trained on. Writing anything over the rest of the rows (labels[mask] =\n"
        "-100, labels[i, n:] = -100) counts as masking them, and a mask labels != -100 of such\n"
        "labels (padded with the pad id) keeps the pads: no masking either, and so does one of\n"
        "a padded batch's ids with -100 written over each row's start only (labels[i, :n] =\n"
        "-100, the prompt) unless the batch is padded on the left: the pads after the rows keep\n"
        "the pad id. -100 over the pads too (labels[attention_mask == 0] = -100, a replace of\n"
        "the pad id, torch.where / masked_fill with the mask) is masking. The same loss given\n"
        "the token ids of a padded batch (a tokenizer's, pad_sequence's with a pad id that is\n"
        "no negative sentinel) that nothing wrote over is flagged, and so is a batch a function\n"
        "builds and returns for model(**batch) ({\"input_ids\": ..., \"labels\": ...} from a\n"
        "dataset's __getitem__ or a collate function) with such labels, or with labels of its\n"
        "ids that hold -100 over each row's prompt only, or with labels padded with the pad\n"
        "id (pad_sequence(labels, padding_value=pad_id), lab + [pad_id] * (T - len(lab));\n"
        "the pad id also a collate's parameter so named that holds no -100, bound by\n"
        "functools.partial or a caller in another file), each pair of such a batch counted\n"
        "(\"chosen_input_ids\" with \"chosen_labels\"),\n"
        "nothing written over their pads since, at its labels (a dict of lists filled key\n"
        "by key and returned by a comprehension over its items: at the return). A collate\n"
        "padding every key of its examples in one loop is flagged at its pad_sequence call\n"
        "when its tests on the key, decided for a key ending in \"labels\" and naming it,\n"
        "give such keys the pad id as padding value: the\n"
        "Trainer or loop that computes its loss is often code we never see. A dataset built\n"
        "with arguments has its __getitem__ read with what it was given. A plain sum of\n"
        "prompt + continuation log-probs (unmasked, or under a mask of the pads only) is\n"
        "flagged where it is compared with a threshold (if logp < min_logp, a score that is no\n"
        "log-prob itself, not 0, outside an assert); ranking the continuations of one prompt\n"
        "by it, or a DPO-style difference of two such sums of one prompt, is left alone.\n"
        "Rows of their own prompts (prompt_ids + cont_ids made per element of a loop over\n"
        "records, the prompt from that element) summed so are flagged wherever they go: each\n"
        "row's score holds its own log Pr(prompt). A prompt made before the loop over its\n"
        "candidates (or in an outer loop, its candidates in the inner one) is shared.\n"
        "Texts so made count too: a template filled per row (TEMPLATE.format(passage=p,\n"
        "query=q), an f-string) whose fields before the last come from the row, or text\n"
        "joined with + whose both parts do ([c + x for c, x in pairs]; d + tok.eos_token is\n"
        "one text). Rows padded by tokenizer.pad({\"input_ids\": [p + a, ...]}) stay such rows.\n"
        "A total over every row of a padded batch (x.sum(): a training loss, a corpus\n"
        "perplexity) scores no row, and the attention mask with each row's prompt zeroed\n"
        "(m[i, :n_i] = 0 in a loop over the rows) masks the prompt.\n"
        "A served prompt's per-position log-probs (vLLM's prompt_logprobs: entry p is the\n"
        "log-prob of the prompt's token p given those before it, entry 0 None) of context ids\n"
        "+ continuation ids, added up in a loop over positions from 0 or 1 (range(1,\n"
        "len(ids)), every entry of enumerate(prompt_logprobs)) or from n_ctx - 1, hold the\n"
        "context's log-probs (or its last token's): flagged where the rows have contexts of\n"
        "their own, and where the requests are a function's parameter (a log-likelihood API\n"
        "scoring (ids, n_ctx) requests it is handed: its results are read per request). A loop\n"
        "from the context's length is right; one over a shared context's candidates is left\n"
        "alone.\n"
        "A cut of token scores (lp[n - 1:] of scores of ids[1:], or logits[:, n - 1:-1] with\n"
        "ids[:, n:]) at a prompt's token count made with another setting of the special tokens\n"
        "than the sequence scored (n = len(tok(prompt, add_special_tokens=False).input_ids),\n"
        "ids = tok(prompt + continuation).input_ids, or the other way round) is one token off\n"
        "wherever the tokenizer puts a BOS first; a cut moved by one for the BOS is not. So\n"
        "is a cut of such scores to their last n (lp[-n:]) where n counts the continuation\n"
        "encoded with the special tokens (len(tok(continuation).input_ids)); a count of a part\n"
        "that was itself joined to the ids scored (ctx_ids + cont_ids) is right.\n"
        "A bound on positions made from each row's count of real tokens (attention_mask.sum(-1),\n"
        "or torch.tensor([len(s) for s in seqs]) of the rows padded) is judged against\n"
        "what the scores are about: arange(T) < lengths (or arange(1, T + 1) <= lengths)\n"
        "times scores of input_ids[:, 1:] keeps each shorter row's first pad; arange(T) <\n"
        "lengths - 1 does not. A mask whose bounds count from each row's first token (ones\n"
        "over m[i, c - 1:n - 1] with n a row's length, arange(T) < lengths - 1, arange(T) >=\n"
        "a prompt's token count\n"
        "from len(prompt) or len(s) - len(cont)) is right only where every row starts at column\n"
        "0: on a batch padded on the left it sits each row's number of pads early, over the end\n"
        "of the prompt; bounds moved by each row's pads are not flagged. A cut of each row's\n"
        "last n positions (lp[i, -n:]) of a batch padded on the right runs into the shorter\n"
        "rows' pads. Samples of one prompt (tok([prompt] * G) given to generate() with\n"
        "do_sample) end at different steps and are padded after: summed from the prompt's\n"
        "end with no completion mask they are flagged. -100 written over a prompt's first n\n"
        "labels, n counted with another setting of the special tokens than the labels' ids,\n"
        "leaves the prompt's last label (or drops the continuation's first).\n"
        "Where the mask or labels were built wrong in another analysed file than the sum\n"
        "(a collate, a dataset), the finding is reported there, naming the sum.\n"
        "Strided (sliding-window) perplexity is flagged when a loop whose windows are longer\n"
        "than its step (ids[:, begin:begin + max_length], begin stepping by stride) adds up\n"
        "the token scores of each whole window: the context a window re-reads is scored\n"
        "again in every window that holds it (the recipe writes -100 over it:\n"
        "target_ids[:, :-trg_len] = -100).",
    .why =
        "log Pr(y|x) sums log Pr(y_t | x, y_<t) over the continuation's tokens only. In a padded\n"
        "batch the pad positions have log-probabilities too (often large negative, sometimes\n"
        "near zero); summing them in makes a sequence's score depend on the length of the\n"
        "longest sequence in its batch, so results change with the batch size and the order of\n"
        "the data. Prompt tokens shared by every candidate add the same constant to each plain\n"
        "sum and cannot change the ranking, but inside a mean they weigh differently for each\n"
        "candidate (k prompt tokens out of k + n): a short candidate's mean is dominated by the\n"
        "prompt, a long one's by itself, and the ranking can flip. A plain sum that keeps the\n"
        "prompt is log Pr(prompt) + log Pr(y|x): against a fixed threshold the decision then\n"
        "depends on how likely the prompt is, a different amount for every prompt. A mask one\n"
        "position behind the scores keeps its lag when both are cut to the same window: the\n"
        "window still holds the pads the mask is there to drop.",
    .example = "enc = tokenizer(texts, return_tensors=\"pt\", padding=True)\n"
               "logprobs = model(**enc).logits[:, :-1].log_softmax(-1)\n"
               "token_lp = logprobs.gather(-1, enc.input_ids[:, 1:, None]).squeeze(-1)\n"
               "scores = token_lp.sum(-1)\n",
    .instead = "enc = tokenizer(texts, return_tensors=\"pt\", padding=True)\n"
               "logprobs = model(**enc).logits[:, :-1].log_softmax(-1)\n"
               "token_lp = logprobs.gather(-1, enc.input_ids[:, 1:, None]).squeeze(-1)\n"
               "scores = (token_lp * enc.attention_mask[:, 1:]).sum(-1)\n",
    .literals = literals,
    .check = check,
    .recipes = recipes,
    .explain_headline = "Padding or prompt positions inside a summed / averaged sequence log-prob.",
    .explain = explain,
};
