/* LL101 raw-logit-sequence-score: raw logits of the chosen tokens summed, averaged or
 * accumulated across positions to score a sequence. */
#include "fix.h"
#include "rules.h"

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

static void check(RuleContext *ctx) {
    for (size_t i = 0; i < ctx->facts->events.len; i++) {
        const FactEvent *e = &ctx->facts->events.items[i];
        if (e->kind != EV_AGGREGATE || e->cancelled || !raw_selected(&e->in)) continue;
        bool mean = e->op == AGG_MEAN;
        int row = facts_origin_row(ctx->facts, &e->in);
        char where[48] = "";
        if (row > 0) snprintf(where, sizeof where, " (logits from line %d)", row);
        rules_emit(
            ctx, e->node, mean ? "mean-raw-logits" : "sum-raw-logits",
            "take log_softmax over the vocabulary first, then select the chosen tokens and sum "
            "the log-probabilities",
            "raw logits of the chosen tokens are %s across positions%s; each step has its own "
            "normaliser log Z_t, so this is not log Pr(y|x) and can rank candidates wrongly",
            mean                      ? "averaged"
            : e->op == AGG_ACCUMULATE ? "accumulated"
                                      : "summed",
            where);
        attach_fix(ctx, e);
    }
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
            "averages or accumulates them across positions to score or rank whole sequences.",
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
};
