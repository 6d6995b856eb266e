/* LL103 log-of-softmax: log() of a softmax output, log-probabilities computed in two steps. */
#include "rules.h"

/* The expression a log call is applied to: the receiver of `p.log()`, else the first
 * argument of `torch.log(p)`. */
static TSNode log_operand(TSNode call) {
    TSNode fn = parse_field(call, "function");
    TSNode args = parse_field(call, "arguments");
    if (parse_is(fn, "attribute") &&
        (ts_node_is_null(args) || ts_node_named_child_count(args) == 0))
        return parse_field(fn, "object");
    if (ts_node_is_null(args) || ts_node_named_child_count(args) == 0) return (TSNode){0};
    return ts_node_named_child(args, 0);
}

/* log(p + eps), log(p.clamp(min=eps)), log(np.clip(p, eps, 1)): the author hid the -inf, not
 * the underflow (see the doc's policy). */
static bool eps_added(const Source *src, TSNode call) {
    TSNode x = parse_unparen(log_operand(call));
    if (ts_node_is_null(x)) return false;
    if (parse_is(x, "binary_operator")) return parse_text_eq(src, parse_field(x, "operator"), "+");
    if (!parse_is(x, "call")) return false;
    TSNode fn = parse_field(x, "function");
    TSNode name = parse_is(fn, "attribute") ? parse_field(fn, "attribute") : fn;
    return parse_text_eq(src, name, "clamp") || parse_text_eq(src, name, "clamp_min") ||
           parse_text_eq(src, name, "clip");
}

static void check(RuleContext *ctx) {
    for (size_t i = 0; i < ctx->facts->events.len; i++) {
        const FactEvent *e = &ctx->facts->events.items[i];
        if (e->kind != EV_LOG || !(e->in.kinds & FK_PROB) || !(e->in.flags & FF_SOFTMAX)) continue;
        if (!parse_is(e->node, "call")) continue;
        int row = facts_origin_row(ctx->facts, &e->in);
        char where[48] = "";
        if (row > 0) snprintf(where, sizeof where, " (softmax at line %d)", row);
        if (eps_added(ctx->src, e->node)) {
            rules_emit(
                ctx, e->node, NULL, "use log_softmax over the same axis and drop the eps",
                "log of softmax probabilities with an eps added or as a floor%s: the eps hides "
                "the -inf but clamps every log-prob below log(eps), so unlikely tokens all score "
                "about the same; log_softmax gives the exact value in one step",
                where);
            continue;
        }
        rules_emit(
            ctx, e->node, "log-of-softmax", "use log_softmax over the same axis (one stable step)",
            "log of softmax probabilities%s: softmax underflows to 0.0 for tokens far below the "
            "maximum logit and log(0) = -inf, while log_softmax computes x - logsumexp(x) "
            "exactly",
            where);
    }
}

static const char *const literals[] = {NULL};
static const uint8_t literal_ops[] = {OP_LOG, OP_COUNT};

const Rule rule_LL103 = {
    .code = "LL103",
    .name = "log-of-softmax",
    .summary = "log(softmax(x)) computed in two steps instead of log_softmax(x)",
    .what = "Flags log() applied to the output of a softmax: torch.log(torch.softmax(x, d)),\n"
            "F.softmax(x, d).log(), np.log(softmax(x)), also when the probabilities travel\n"
            "through variables or a function's return value first (p = softmax(x) ... log(p)).\n"
            "Policy for `log(softmax(x) + eps)` and `log(softmax(x).clamp(min=eps))`: still\n"
            "flagged (without a counterexample), because the eps trades the -inf for a clamp at\n"
            "log(eps). A log of probabilities that came from elsewhere (a dataset, labels, a\n"
            "sigmoid) is not flagged, nor the log of a mixture or average of several softmax\n"
            "outputs, nor log(1 - p): log_softmax cannot express those.",
    .why =
        "softmax(x)_i = exp(x_i - max x) / sum_j exp(x_j - max x) is 0.0 in float32 as soon as\n"
        "x_i is about 104 below the maximum (float64: about 745), and log(0.0) = -inf: a single\n"
        "such token makes a sequence score -inf (and 0 * -inf = NaN in an entropy). Near 1 the\n"
        "float32 softmax rounds to 1.0 and the log to 0.0, losing every log-prob above about\n"
        "-6e-8. log_softmax computes x_i - logsumexp(x) directly: finite and exact in both\n"
        "regimes, and one kernel instead of two. Adding an eps only moves the problem: every\n"
        "log-prob below log(eps) (-20.7 for 1e-9) is clamped there, so unlikely candidates tie.",
    .example = "probs = torch.softmax(logits, dim=-1)\n"
               "logprobs = torch.log(probs)\n"
               "score = logprobs.gather(-1, targets.unsqueeze(-1)).squeeze(-1).sum(-1)\n",
    .instead = "logprobs = torch.log_softmax(logits, dim=-1)\n"
               "score = logprobs.gather(-1, targets.unsqueeze(-1)).squeeze(-1).sum(-1)\n",
    .literals = literals,
    .literal_ops = literal_ops,
    .check = check,
};
