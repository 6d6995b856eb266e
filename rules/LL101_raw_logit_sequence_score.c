/* LL101 raw-logit-sequence-score: raw logits of the chosen tokens summed, averaged or
 * accumulated across positions to score a sequence. */
#include "fix.h"
#include "rules.h"

/* ---- its verifier recipes (verify.h): what flagged code computes, for the counterexample ---- */

static const VerifyRecipe sum_raw_logits = {
    .name = "sum-raw-logits",
    .rule = "LL101",
    .summary = "sum of the raw logits of the chosen tokens across positions",
    .score_label = "sum of raw logits",
    .transform = VERIFY_TERM_RAW,
    .aggregate = VERIFY_AGG_SUM,
    .shift = VERIFY_SHIFT_CAUSAL,
    .mask = VERIFY_MASK_CONTINUATION,
    .precision = VERIFY_FLOAT64,
    .lower_is_better = false,
    .harm = VERIFY_HARM_FLIP,
    .min_steps = 1,
};
static const VerifyRecipe mean_raw_logits = {
    .name = "mean-raw-logits",
    .rule = "LL101",
    .summary = "mean of the raw logits of the chosen tokens across positions",
    .score_label = "mean of raw logits",
    .transform = VERIFY_TERM_RAW,
    .aggregate = VERIFY_AGG_MEAN,
    .shift = VERIFY_SHIFT_CAUSAL,
    .mask = VERIFY_MASK_CONTINUATION,
    .precision = VERIFY_FLOAT64,
    .lower_is_better = false,
    .harm = VERIFY_HARM_FLIP,
    .min_steps = 1,
    .baseline = &verify_recipe_mean_log_probs,
};
static const VerifyRecipe *const recipes[] = {&sum_raw_logits, &mean_raw_logits, NULL};

/* Raw logits only: a value that may also be log-probs (a branch normalised it) is the
 * author's choice on that path, not a certain bug. */
static bool raw_selected(const Fact *f) {
    return (f->kinds & FK_SCORES) == FK_RAW && (f->flags & FF_SELECTED) &&
           !(f->flags & FF_AGGREGATED);
}

/* The gather (x.gather(d, i), torch.gather(x, d, i), torch.take_along_dim(x, i, d)) a value
 * was taken from through steps that keep its values: (v), v[...], v.squeeze(...), v.float(),
 * or a variable assigned once and used only here. Null: none such. */
static TSNode gather_under(const Source *src, TSNode n, int depth) {
    static const char *const KEEP[] = {"squeeze",    "unsqueeze", "float",   "double",  "to",
                                       "contiguous", "view",      "reshape", "flatten", "clone",
                                       "detach",     "cpu",       NULL};
    n = parse_unparen(n);
    if (depth > 4 || ts_node_is_null(n)) return (TSNode){0};
    if (parse_is(n, "identifier"))
        return gather_under(src, fix_single_assignment(src, n, 1), depth + 1);
    if (parse_is(n, "subscript")) return gather_under(src, parse_field(n, "value"), depth + 1);
    TSNode name = fix_callee_name(n);
    if (ts_node_is_null(name)) return (TSNode){0};
    if (parse_text_eq(src, name, "gather") || parse_text_eq(src, name, "take_along_dim")) return n;
    TSNode fn = parse_field(n, "function"), receiver = parse_field(fn, "object");
    if (ts_node_is_null(receiver) || fix_names_import(src, receiver)) return (TSNode){0};
    for (const char *const *k = KEEP; *k; k++)
        if (parse_text_eq(src, name, *k)) return gather_under(src, receiver, depth + 1);
    return (TSNode){0};
}

/* What is summed: the receiver of v.sum(...), the first argument of torch.sum(v, ...), the right
 * side of `total += v`. */
static TSNode summed_value(const Source *src, TSNode node) {
    if (parse_is(node, "augmented_assignment")) return parse_field(node, "right");
    if (!parse_is(node, "call")) return (TSNode){0};
    TSNode receiver = parse_field(parse_field(node, "function"), "object");
    if (!ts_node_is_null(receiver) && !fix_names_import(src, receiver)) return receiver;
    return fix_call_arg(src, node, 0, "input");
}

/* The fix: the chosen tokens are gathered from log_softmax over the axis the gather selects
 * along, of the same tensor: `x.gather(d, i)` -> `x.log_softmax(d).gather(d, i)`,
 * `torch.gather(x, d, i)` -> `torch.gather(torch.log_softmax(x, d), d, i)`. torch only (the
 * method's signature is torch's; other libraries have no log_softmax beside their gather).
 * A sum stays a sum: the sum of the log-probabilities is log Pr(y|x). A mean is not fixed:
 * a mean of log-probabilities is another objective (length-normalised), the author's choice. */
static void attach_fix(RuleContext *ctx, const FactEvent *e) {
    const Source *src = ctx->src;
    if (e->op == AGG_MEAN) return;
    TSNode g = gather_under(src, summed_value(src, e->node), 0);
    if (ts_node_is_null(g)) return;
    bool tad = parse_text_eq(src, fix_callee_name(g), "take_along_dim");
    TSNode fn = parse_field(g, "function"), receiver = parse_field(fn, "object");
    bool method = !fix_names_import(src, receiver);
    if (!method && !parse_text_eq(src, receiver, "torch")) return;
    TSNode input = method ? receiver : fix_call_arg(src, g, 0, "input");
    TSNode dim = fix_call_arg(src, g, (method ? 0 : 1) + (tad ? 1 : 0), "dim");
    if (ts_node_is_null(input) || ts_node_is_null(dim)) return;
    size_t ilen, dlen;
    const char *itext = parse_text(src, input, &ilen), *dtext = parse_text(src, dim, &dlen);
    FixEdit edit = {ts_node_end_byte(input), ts_node_end_byte(input), NULL};
    if (method) {
        edit.content = util_xasprintf(".log_softmax(%.*s)", (int)dlen, dtext);
    } else {
        edit.start = ts_node_start_byte(input);
        edit.content =
            util_xasprintf("torch.log_softmax(%.*s, %.*s)", (int)ilen, itext, (int)dlen, dtext);
    }
    fix_attach(ctx, e->node, FIX_UNSAFE,
               "Gather the chosen tokens from log_softmax of the logits, not the logits", &edit, 1);
    free(edit.content);
}

/* A use of picked raw logits that this rule flags: a sum of them, or what follows from one. */
static bool summed_raw(const FactEvent *e, const Fact *f) {
    return (f->flags & FF_AGGREGATED) ||
           (e->kind == EV_AGGREGATE && !e->cancelled && raw_selected(f));
}

/* The gather that picked the summed raw logits, when another file's code did it and its picks
 * serve no other use: the missing log_softmax goes there. */
static const FactEvent *picked_apart(RuleContext *ctx, const FactEvent *e) {
    const FactEvent *pick = rules_made_apart(ctx, e->node, e->in.made_event, EV_SELECT);
    return pick && rules_made_used_only_by(ctx, e->in.made_event, summed_raw) ? pick : NULL;
}

static void check(RuleContext *ctx) {
    for (size_t i = 0; i < ctx->facts->events.len; i++) {
        const FactEvent *e = &ctx->facts->events.items[i];
        if (e->kind != EV_AGGREGATE || e->cancelled || !raw_selected(&e->in)) continue;
        bool mean = e->op == AGG_MEAN;
        const char *how = mean ? "averaged" : e->op == AGG_ACCUMULATE ? "accumulated" : "summed";
        const char *help = "take log_softmax over the vocabulary first, then select the chosen "
                           "tokens and sum the log-probabilities";
        const FactEvent *pick = picked_apart(ctx, e);
        if (pick) {
            char at[512];
            rules_where(ctx, e->node, at, sizeof at);
            rules_emit(ctx, pick->node, mean ? &mean_raw_logits : &sum_raw_logits, help,
                       "raw logits of the chosen tokens are picked here, with no log_softmax, "
                       "and %s across positions at %s; each step has its own normaliser "
                       "log Z_t, so this is not log Pr(y|x) and can rank candidates wrongly",
                       how, at);
            rules_verify_at(ctx, e->node);
            continue;
        }
        int row = facts_origin_row(ctx->facts, &e->in);
        char where[48] = "";
        if (row > 0) snprintf(where, sizeof where, " (logits from line %d)", row);
        rules_emit(ctx, e->node, mean ? &mean_raw_logits : &sum_raw_logits, help,
                   "raw logits of the chosen tokens are %s across positions%s; each step has its "
                   "own normaliser log Z_t, so this is not log Pr(y|x) and can rank candidates "
                   "wrongly",
                   how, where);
        attach_fix(ctx, e);
    }
}

/* ---- its explanation (explain.h): the why, on the numbers of a counterexample ---- */

/* The continuation contexts' normalisers, as "10.313295 at step 1,
 * 1.098612 after A, 8.313507 after B". */
static char *log_z_list(const VerifyResult *res) {
    const VerifyTable *t = res->table;
    bool *seen = calloc((size_t)(t->n_contexts ? t->n_contexts : 1), sizeof *seen);
    size_t cap = 4096, k = 0;
    char *s = malloc(cap);
    if (!seen || !s) {
        free(seen);
        free(s);
        return NULL;
    }
    s[0] = 0;
    int shown = 0, more = 0;
    for (int c = 0; c < t->n_contexts; c++)
        for (int i = 0; i < res->n; i++)
            for (int j = 0; j < res->cands[i].n_steps; j++) {
                const VerifyStep *st = &res->cands[i].steps[j];
                if (st->ctx != c || st->role != VERIFY_ROLE_CONTINUATION || seen[c]) continue;
                seen[c] = true;
                if (shown == 6) {
                    more++;
                    continue;
                }
                const VerifySeq *p = &t->contexts[c].prefix;
                k += (size_t)snprintf(s + k, cap - k, "%s%s ", shown ? ", " : "",
                                      explain_num(st->log_z).s);
                if (p->len == t->prompt.len) {
                    k += (size_t)snprintf(s + k, cap - k, "at step 1");
                } else {
                    k += (size_t)snprintf(s + k, cap - k, "after");
                    for (int q = t->prompt.len; q < p->len && k < cap - 64; q++)
                        k += (size_t)snprintf(s + k, cap - k, " %s", t->vocab[p->tokens[q]]);
                }
                shown++;
            }
    if (more) snprintf(s + k, cap - k, ", and %d more", more);
    free(seen);
    return s;
}

static void explain(FILE *out, const VerifyResult *res, ExplainStrs *s) {
    int p = res->script_rank[0], c = res->correct_rank[0];
    const VerifyTable *t = res->table;
    const VerifyCandidate *cp = &res->cands[p], *cc = &res->cands[c];
    fprintf(out, "Why:\n");
    if (cc->n_steps >= 2 && cp->n_steps >= 2 && cc->steps[1].ctx != cp->steps[1].ctx)
        explain_para(
            out, "1. ", "   ",
            "Autoregressive decomposition. log Pr(y|x) = sum over t of log Pr(y_t | x, y_<t), "
            "and each term is a different conditional distribution: the second token of %s is "
            "scored under the context (%s), the second token of %s under (%s).",
            explain_cand(s, res, c), explain_context(s, res, cc->steps[1].ctx),
            explain_cand(s, res, p), explain_context(s, res, cp->steps[1].ctx));
    else
        explain_para(
            out, "1. ", "   ",
            "Autoregressive decomposition. log Pr(y|x) = sum over t of log Pr(y_t | x, y_<t), "
            "and each term is a different conditional distribution, with its own context.");
    char within[256] = "";
    if (cc->n_steps && cp->n_steps && cc->steps[0].ctx == cp->steps[0].ctx &&
        cc->steps[0].token != cp->steps[0].token) {
        const VerifyStep *a = &cc->steps[0], *b = &cp->steps[0];
        bool a_first = a->logit > b->logit;
        const VerifyStep *hi = a_first ? a : b, *lo = a_first ? b : a;
        snprintf(within, sizeof within,
                 " (at step 1, %s's logit %s beats %s's %s, and %s is the more likely token: "
                 "%s vs %s)",
                 t->vocab[hi->token], explain_num(hi->logit).s, t->vocab[lo->token],
                 explain_num(lo->logit).s, t->vocab[hi->token], explain_num(hi->log_prob).s,
                 explain_num(lo->log_prob).s);
    }
    char *lz = log_z_list(res);
    bool mean = res->recipe->aggregate == VERIFY_AGG_MEAN;
    bool neg = res->recipe->transform == VERIFY_TERM_NEG_RAW;
    char ident[512];
    int nc = 0, np = 0;
    for (int i = 0; i < cc->n_steps; i++)
        nc += cc->steps[i].in_recipe;
    for (int i = 0; i < cp->n_steps; i++)
        np += cp->steps[i].in_recipe;
    double sc = neg ? -cc->score : cc->score, sp = neg ? -cp->score : cp->score;
    if (mean)
        snprintf(ident, sizeof ident, "%s: %s = (%s + %s) / %d; %s: %s = (%s + %s) / %d",
                 explain_cand(s, res, c), explain_num(sc).s, explain_num(cc->log_prob).s,
                 explain_num(cc->sum_log_z).s, nc, explain_cand(s, res, p), explain_num(sp).s,
                 explain_num(cp->log_prob).s, explain_num(cp->sum_log_z).s, np);
    else
        snprintf(ident, sizeof ident, "%s: %s = %s + %s; %s: %s = %s + %s", explain_cand(s, res, c),
                 explain_num(sc).s, explain_num(cc->log_prob).s, explain_num(cc->sum_log_z).s,
                 explain_cand(s, res, p), explain_num(sp).s, explain_num(cp->log_prob).s,
                 explain_num(cp->sum_log_z).s);
    explain_para(
        out, "2. ", "   ",
        "Softmax turns one step's logits into probabilities: log Pr(y_t | x, y_<t) = u_t(y_t) - "
        "log Z_t, with log Z_t = logsumexp(u_t). Softmax is monotonic within one step, so "
        "comparing logits at the same step is fine%s; but each step has its own normaliser "
        "log Z_t: %s. Logits are defined only up to a per-step constant: adding c to every "
        "logit of one step leaves its probabilities unchanged but moves the %s of logits. The "
        "%s of the chosen logits is log Pr(y|x) plus the sum of the log Z_t%s: %s. The "
        "normalisers differ between candidates (%s vs %s), so they can reverse the ranking%s.",
        within, lz ? lz : "?", mean ? "mean" : "sum", mean ? "mean" : "sum",
        mean ? ", divided by the length" : "", ident, explain_num(cc->sum_log_z).s,
        explain_num(cp->sum_log_z).s,
        res->flipped ? ", and here they do" : "; on this table they happen not to");
    free(lz);
    explain_para(
        out, "3. ", "   ",
        "Training minimises the negative log-likelihood, -sum_t log Pr(y_t | x, y_<t), and "
        "inference scores with the same quantity: the log-probability is what the model was "
        "fitted to and what composes across steps by the chain rule. Raw logits are neither: "
        "they are unnormalised, shift-invariant per step, and not comparable across contexts. "
        "So sequence scores must sum log-probabilities, not logits.");
    if (neg)
        explain_para(
            out, "", "",
            "\nnll_loss(input, target) returns -input[target]: it expects log-probabilities "
            "and does no normalisation itself, so fed raw logits it is minus the %s raw "
            "logit, and ranking by the lowest loss is ranking by the highest raw logits.",
            mean ? "mean" : "summed");
    fputc('\n', out);
    explain_para(out, "Fix: ", "     ", "%s",
                 neg ? "pass log-probabilities: F.nll_loss(F.log_softmax(logits, -1), target), or "
                       "F.cross_entropy(logits, target), which applies log_softmax itself; for "
                       "ranking, sum per candidate (reduction='none', then .sum over the "
                       "continuation) rather than averaging."
                     : "score with log_softmax: logits[:, :-1].log_softmax(-1).gather(-1, "
                       "ids[:, 1:, None]).squeeze(-1), summed over the continuation positions.");
}

/* Prefilter (rules.h). The rule reads only EV_AGGREGATE, which the facts layer emits for a
 * contract row whose op is a sum or mean (literal_ops: the rows' names, matched by exact name,
 * so the name is in the text, if only in an import; facts_array.c reduce) and for an
 * accumulator in a loop: `t += x`, `t -= x` or `t = t + x` (facts.c accumulate). The raw-logit
 * side cannot narrow it soundly: logits come from `model(ids)[0]`, tuple unpacking of any
 * model call, or names (`lm`, `*_model`), with no fixed word in the text. */
/* sum / mean rows; += and -= accumulate; functools.reduce(operator.add), np.add.reduce */
static const char *const literals[] = {"+", "-=", "add", NULL};
static const uint8_t literal_ops[] = {OP_SUM, OP_MEAN, OP_NANMEAN, OP_CUMSUM, OP_COUNT};

const Rule rule_LL101 = {
    .code = "LL101",
    .name = "raw-logit-sequence-score",
    .summary =
        "Raw logits of chosen tokens summed or averaged across positions to score a sequence",
    .what = "Flags code that selects the raw (pre-softmax) logits of the chosen tokens and sums,\n"
            "averages or accumulates them across positions to score or rank whole sequences,\n"
            "including a beam search that adds each step's raw logits to the hypothesis scores\n"
            "it carries from the previous step (beam_scores[:, None] + logits, then top-k).",
    .why =
        "log Pr(y|x) = sum over t of log Pr(y_t | x, y_<t), and each term is\n"
        "u_t(y_t) - logsumexp(u_t): every step has its own normaliser log Z_t. Softmax is\n"
        "monotonic within one step, so comparing logits at one position is fine, but logits are\n"
        "defined only up to a per-step constant. Summing raw logits adds sum_t log Z_t, which\n"
        "differs between candidates, so the ranking can flip: with step-1 logits A=10, B=9, C=0\n"
        "and step-2 logits all 0 after A but A=8, B=7, C=0 after B, [B, B] scores 16 > 10 by\n"
        "logits while log Pr([A, A]|x) = -1.411907 > log Pr([B, B]|x) = -2.626802.\n"
        "Models are trained to minimise negative log-likelihood; the log-probability is the\n"
        "quantity that composes across steps, raw logits are not.",
    .example = "logits = model(input_ids).logits[:, :-1]\n"
               "targets = input_ids[:, 1:]\n"
               "score = logits.gather(-1, targets.unsqueeze(-1)).squeeze(-1).sum(-1)\n",
    .instead = "logits = model(input_ids).logits[:, :-1]\n"
               "targets = input_ids[:, 1:]\n"
               "logprobs = torch.log_softmax(logits, dim=-1)\n"
               "score = logprobs.gather(-1, targets.unsqueeze(-1)).squeeze(-1).sum(-1)\n",
    .fix =
        "Unsafe: when the summed (or accumulated) values come from a torch gather of the\n"
        "logits, written in the same expression or in a variable assigned once and used only\n"
        "there, through steps that keep the values (squeeze, [..., 0], float, view): the gather\n"
        "takes the tokens from log_softmax over the axis it selects along, of the same tensor\n"
        "(x.gather(d, i) -> x.log_softmax(d).gather(d, i); torch.gather(x, d, i) ->\n"
        "torch.gather(torch.log_softmax(x, d), d, i)). Every score changes (it becomes\n"
        "log Pr(y|x)), and so do the rankings and thresholds built on it: review it. Not\n"
        "fixed: a mean (a mean of log-probabilities is another, length-normalised objective:\n"
        "the author's choice), logits indexed by position (x[0, t, tok]) and other libraries.\n",
    .literals = literals,
    .literal_ops = literal_ops,
    .check = check,
    .recipes = recipes,
    .explain_headline =
        "Summing (or averaging) the raw logits of the chosen tokens does not rank sequences by "
        "probability.",
    .explain = explain,
};
