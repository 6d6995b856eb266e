/* LL103 log-of-softmax: log() of a softmax output, log-probabilities computed in two steps. */
#include "fix.h"
#include "rules.h"

#include <float.h>
#include <math.h>

/* ---- its verifier recipes (verify.h): what flagged code computes, for the counterexample ---- */

static const VerifyRecipe log_of_softmax = {
    .name = "log-of-softmax",
    .rule = "LL103",
    .summary =
        "log(softmax(u)) in two float32 steps, summed: softmax underflows to 0 and log gives -inf",
    .score_label = "sum of log(softmax) (float32)",
    .transform = VERIFY_TERM_LOG_OF_PROB,
    .aggregate = VERIFY_AGG_SUM,
    .shift = VERIFY_SHIFT_CAUSAL,
    .mask = VERIFY_MASK_CONTINUATION,
    .precision = VERIFY_FLOAT32,
    .lower_is_better = false,
    .harm = VERIFY_HARM_INFINITE,
    .min_steps = 1,
};
static const VerifyRecipe log_of_softmax_f64 = {
    .name = "log-of-softmax-f64",
    .rule = "LL103",
    .summary =
        "log(softmax(u)) in two float64 steps, summed: softmax underflows to 0 once a logit is "
        "~745 below the max, and log gives -inf (so in any narrower dtype too)",
    .score_label = "sum of log(softmax) (float64)",
    .transform = VERIFY_TERM_LOG_OF_PROB,
    .aggregate = VERIFY_AGG_SUM,
    .shift = VERIFY_SHIFT_CAUSAL,
    .mask = VERIFY_MASK_CONTINUATION,
    .precision = VERIFY_FLOAT64,
    .lower_is_better = false,
    .harm = VERIFY_HARM_INFINITE,
    .min_steps = 1,
};
static const VerifyRecipe *const recipes[] = {&log_of_softmax, &log_of_softmax_f64, NULL};

/* The expression a log call is applied to: the receiver of `p.log()`, else the first
 * argument of `torch.log(p)`. */
static TSNode log_operand(TSNode call) {
    TSNode fn = parse_field(call, "function");
    TSNode args = parse_field(call, "arguments");
    if (parse_is(fn, "attribute") &&
        (ts_node_is_null(args) || ts_node_named_child_count(args) == 0))
        return parse_field(fn, "object");
    if (ts_node_is_null(args) || ts_node_named_child_count(args) == 0) return (TSNode){0};
    return parse_named_child(args, 0);
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

/* The operand under the eps: log(x + eps) -> x, log(x.clamp(min=eps)) / log(np.clip(x, eps, 1))
 * -> x. */
static TSNode floored_operand(const Source *src, TSNode log_call) {
    TSNode x = parse_unparen(log_operand(log_call));
    if (parse_is(x, "binary_operator")) return parse_unparen(parse_field(x, "left"));
    TSNode fn = parse_field(x, "function"), args = parse_field(x, "arguments");
    TSNode first = ts_node_named_child_count(args) ? parse_unparen(parse_named_child(args, 0)) : (TSNode){0};
    if (!parse_is(fn, "attribute")) return first; /* clip(x, eps) imported bare */
    TSNode of = parse_field(fn, "object"); /* np.clip(x, eps) or x.clamp(min=eps) */
    static const char *const modules[] = {"np", "numpy", "torch", "jnp", "tf"};
    for (size_t i = 0; i < sizeof modules / sizeof *modules; i++)
        if (parse_text_eq(src, of, modules[i])) return first;
    return parse_unparen(of);
}

/* p[np.arange(n), y] (or range(n)): one entry picked in each row of a [rows, classes] array. */
static bool picked_per_row(const Source *src, TSNode x) {
    if (!parse_is(x, "subscript")) return false;
    TSNode first = parse_field(x, "subscript");
    TSNode second = ts_node_next_named_sibling(first);
    if (!parse_is(first, "call") || ts_node_is_null(second) || !ts_node_is_null(ts_node_next_named_sibling(second)))
        return false;
    TSNode fn = parse_field(first, "function");
    TSNode name = parse_is(fn, "attribute") ? parse_field(fn, "attribute") : fn;
    return parse_text_eq(src, name, "arange") || parse_text_eq(src, name, "range");
}

/* The value last assigned to the name x before x, in x's function (x itself if it is no name,
 * or no such assignment is found). */
static void last_assigned(const Source *src, TSNode n, TSNode name, TSNode *value) {
    if (ts_node_start_byte(n) >= ts_node_start_byte(name)) return;
    if (parse_is(n, "function_definition") || parse_is(n, "lambda")) return; /* another scope */
    if (parse_is(n, "assignment") && parse_same_text(src, parse_field(n, "left"), name))
        *value = parse_unparen(parse_field(n, "right"));
    for (uint32_t i = 0; i < ts_node_named_child_count(n); i++)
        last_assigned(src, parse_named_child(n, i), name, value);
}

static TSNode assigned_value(const Source *src, TSNode x) {
    if (!parse_is(x, "identifier")) return x;
    TSNode def = parse_parent(x);
    while (!ts_node_is_null(def) && !parse_is(def, "function_definition")) def = parse_parent(def);
    if (ts_node_is_null(def)) return x;
    TSNode value = x, body = parse_field(def, "body");
    for (uint32_t i = 0; i < ts_node_named_child_count(body); i++)
        last_assigned(src, parse_named_child(body, i), x, &value);
    return value;
}

/* A floored log of one probability per row, each row's own label's (already picked:
 * p[arange(n), y]) or one class's column of a softmax over classes (p[:, k], facts_classprob.c,
 * whose y * log(p) + (1 - y) * log(1 - p) is a binary log loss), only averaged or reported: a
 * classification log loss, clipped as sklearn's log_loss clips. The floor caps one example's
 * loss at -log(eps); it does not tie candidates of a sequence score, which sums (or ranks) such
 * logs. A mean of every log is one number (facts_array.c drops its log_event): ranking it
 * compares losses, not the logs. */
static bool class_log_loss(const RuleContext *ctx, size_t i) {
    const FactEvent *e = &ctx->facts->events.items[i];
    TSNode x = eps_added(ctx->src, e->node) ? floored_operand(ctx->src, e->node)
                                            : parse_unparen(log_operand(e->node));
    if (!e->in.class_column && !picked_per_row(ctx->src, assigned_value(ctx->src, x))) return false;
    for (size_t j = 0; j < ctx->facts->events.len; j++) {
        const FactEvent *u = &ctx->facts->events.items[j];
        bool uses = u->in.log_event == i + 1 || u->in2.log_event == i + 1;
        if (uses && !(u->kind == EV_AGGREGATE && u->op == AGG_MEAN)) return false;
    }
    return true;
}

/* The log of event i is weighted by its own probabilities (p * log(p), facts_expr.c) and its
 * values reach nothing else the facts see: no pick at tokens, no sum over positions, no
 * ranking, no loss. */
static bool only_weighted(const Facts *facts, size_t i) {
    if (!facts->events.items[i].cancelled) return false;
    for (size_t j = 0; j < facts->events.len; j++) {
        const FactEvent *u = &facts->events.items[j];
        if (u->in.log_event == i + 1 || u->in2.log_event == i + 1) return false;
    }
    return true;
}

/* The fix: `log(M.softmax(x, d))` and `M.softmax(x, d).log()`, written as one expression, become
 * `M.log_softmax(x, d)` (same arguments: every library below has both with one signature).
 * Only where the log and the softmax come from one library whose log_softmax is known: torch
 * (also as a tensor method), scipy.special, jax.nn, tf.nn. */
static const char *const LOG_FAMILIES[][2] = {
    {"torch.log", "torch.|F.|torch.nn.functional.|nn.functional.|functional."},
    {".log", "torch.|F.|torch.nn.functional.|nn.functional.|functional."},
    {"np.log", "scipy.special.|special."},
    {"numpy.log", "scipy.special.|special."},
    {"jnp.log", "jax.nn.|jnn."},
    {"jax.numpy.log", "jax.nn.|jnn."},
    {"tf.math.log", "tf.nn."},
};

static bool prefix_in(const char *prefix, size_t n, const char *list) {
    for (const char *p = list; *p;) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (len == n && !strncmp(p, prefix, n)) return true;
        p += len + (bar != NULL);
    }
    return false;
}

static void attach_fix(RuleContext *ctx, TSNode log_call) {
    const Source *src = ctx->src;
    TSNode sm = parse_unparen(log_operand(log_call));
    TSNode name = fix_callee_name(sm);
    if (ts_node_is_null(name) || !parse_text_eq(src, name, "softmax")) return;
    TSNode log_fn = parse_field(log_call, "function");
    size_t log_len, sm_start = ts_node_start_byte(sm), name_start = ts_node_start_byte(name);
    const char *log_text = parse_text(src, log_fn, &log_len);
    TSNode log_name = parse_field(log_fn, "attribute");
    bool method_log = parse_is(log_fn, "attribute") &&
                      ts_node_start_byte(parse_field(log_fn, "object")) == sm_start &&
                      (parse_text_eq(src, log_name, "log") || parse_text_eq(src, log_name, "log_"));
    TSNode receiver = parse_field(parse_field(sm, "function"), "object");
    bool method_sm = !ts_node_is_null(receiver) && !fix_names_import(src, receiver);
    const char *sm_prefix = src->text + sm_start;
    size_t prefix_len = name_start - sm_start;
    bool ok = false;
    for (size_t i = 0; i < sizeof LOG_FAMILIES / sizeof *LOG_FAMILIES && !ok; i++) {
        const char *log_name = LOG_FAMILIES[i][0];
        bool log_matches =
            method_log ? !strcmp(log_name, ".log")
                       : strlen(log_name) == log_len && !strncmp(log_text, log_name, log_len);
        /* torch's tensor method x.softmax(d) has its x.log_softmax(d) */
        bool torch_method = method_sm && !strncmp(LOG_FAMILIES[i][1], "torch.", 6);
        ok = log_matches && (torch_method || prefix_in(sm_prefix, prefix_len, LOG_FAMILIES[i][1]));
    }
    if (!ok) return;
    char *text = fix_node_text_with(src, sm, name_start, ts_node_end_byte(name), "log_softmax");
    FixEdit e = {ts_node_start_byte(log_call), ts_node_end_byte(log_call), text};
    fix_attach(ctx, log_call, FIX_SAFE, "Replace the log of softmax with log_softmax", &e, 1);
    free(text);
}

static void check(RuleContext *ctx) {
    for (size_t i = 0; i < ctx->facts->events.len; i++) {
        const FactEvent *e = &ctx->facts->events.items[i];
        if (e->kind != EV_LOG || !(e->in.kinds & FK_PROB) || !(e->in.flags & FF_SOFTMAX)) continue;
        if (!parse_is(e->node, "call")) continue;
        int row = facts_origin_row(ctx->facts, &e->in);
        char where[48] = "";
        if (row > 0) snprintf(where, sizeof where, " (softmax at line %d)", row);
        /* floored where the log is taken, or before (facts_classprob.c: on every path) */
        if (eps_added(ctx->src, e->node) || e->in.floored) {
            /* -(p * log(p + eps)).sum(-1): a token of probability below eps adds p * log(eps),
             * nearly 0 as p * log(p) is, and exactly 0 where p is 0: an entropy, no scores */
            if (only_weighted(ctx->facts, i) || class_log_loss(ctx, i)) continue;
            rules_emit(
                ctx, e->node, NULL, "use log_softmax over the same axis and drop the eps",
                "log of softmax probabilities with an eps added or as a floor%s: the eps hides "
                "the -inf but clamps every log-prob below log(eps), so unlikely tokens all score "
                "about the same; log_softmax gives the exact value in one step",
                where);
            continue;
        }
        rules_emit(
            ctx, e->node, &log_of_softmax, "use log_softmax over the same axis (one stable step)",
            "log of softmax probabilities%s: softmax underflows to 0.0 for tokens far below the "
            "maximum logit and log(0) = -inf, while log_softmax computes x - logsumexp(x) "
            "exactly",
            where);
        attach_fix(ctx, e->node);
    }
}

/* ---- its explanation (explain.h): the why, on the numbers of a counterexample ---- */

static bool step_neg_inf(const VerifyStep *s) {
    return isinf(s->term) && s->term < 0 && isfinite(s->log_prob);
}

static void explain(FILE *out, const VerifyResult *res, ExplainStrs *s) {
    const VerifyTable *t = res->table;
    int who = 0;
    const VerifyStep *st = explain_find_step(res, &who, step_neg_inf);
    fprintf(out, "Why:\n");
    if (st) {
        explain_para(
            out, "", "",
            "In context (%s), token %s has logit %s against a maximum of %s. log_softmax gives "
            "%s - %s = %s, a finite log-probability. softmax first forms the probability "
            "exp(%s) = %s, which is below the smallest positive float32 (%s, about e^-103.28), "
            "so it rounds to 0, and log(0) = -inf. Such a scorer's score for %s becomes -inf "
            "although its log Pr(y|x) is %s; one such token decides the whole comparison.",
            explain_context(s, res, st->ctx), t->vocab[st->token], explain_num(st->logit).s,
            explain_num(explain_context_max(t, st->ctx)).s, explain_num(st->logit).s,
            explain_num(st->log_z).s, explain_num(st->log_prob).s, explain_num(st->log_prob).s,
            explain_num(exp(st->log_prob)).s, explain_num((double)FLT_TRUE_MIN).s,
            explain_cand(s, res, who), explain_num(res->cands[who].log_prob).s);
    }
    explain_para(
        out, "", "",
        "\nlog_softmax(u) computes u - max(u) - log(sum(exp(u - max(u)))) and never forms the "
        "tiny probability, so it is exact where log(softmax(u)) is -inf (or, short of "
        "underflow, loses precision).");
    fputc('\n', out);
    explain_para(out, "Fix: ", "     ",
                 "torch.log_softmax(logits, dim=-1) (or F.log_softmax, "
                 "scipy.special.log_softmax) instead of torch.log(torch.softmax(logits, dim=-1)).");
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
            "flagged (a counterexample only where the floor itself changes a ranking), because the\n"
            "eps trades the -inf for a clamp at log(eps); except where those logs are only\n"
            "weighted by the same probabilities\n"
            "(-(p * log(p + eps)).sum(-1), an entropy) and used for nothing else: a token below\n"
            "the floor then adds p * log(eps), next to nothing, and exactly 0 where p is 0 (the\n"
            "limit of p * log(p)). Unfloored, p * log(p) is still flagged: 0 * -inf is NaN.\n"
            "Nor where the floored value is one probability per example, its own label's\n"
            "(p[arange(n), y]) or one class's column of a softmax over the classes (p[:, k],\n"
            "p[..., k]), and its logs are only averaged or reported: a classification log loss\n"
            "such as -(y * log(p) + (1 - y) * log(1 - p)).mean(), clipped as sklearn's log_loss\n"
            "clips; the floor caps one example's loss, it ties no candidates, and comparing such\n"
            "averages (to pick a weight or a temperature) compares losses. The floor may come\n"
            "on an earlier line or in a helper (p = np.clip(p, eps, 1 - eps)), if on every path.\n"
            "Picked at a sequence's tokens (or per position) and summed, accumulated over steps,\n"
            "or ranked example by example, the floored logs are flagged; so is a column of a\n"
            "softmax taken over another axis (the rows).\n"
            "A log of probabilities that came from elsewhere (a dataset, labels, a sigmoid) is\n"
            "not flagged, nor the log of a mixture or average of several softmax outputs, nor\n"
            "log(1 - p): log_softmax cannot express those.",
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
    .fix = "Safe, for the log and the softmax written as one expression in one library\n"
           "(torch.log(torch.softmax(x, d)), F.softmax(x, d).log(), x.softmax(d).log(),\n"
           "np.log(scipy.special.softmax(x, axis=a)), jnp.log(jax.nn.softmax(x)),\n"
           "tf.math.log(tf.nn.softmax(x))): the whole expression becomes the same call of\n"
           "log_softmax, with the same arguments. The values are the same up to rounding, except\n"
           "where the softmax underflowed and the log gave -inf: there log_softmax gives the\n"
           "finite log-probability, which is the bug being fixed. Not fixed: the eps forms (the\n"
           "fix would change values above log(eps) too), and a softmax kept in a variable (it may\n"
           "be used elsewhere).\n",
    .literals = literals,
    .literal_ops = literal_ops,
    .check = check,
    .recipes = recipes,
    .explain_headline =
        "log(softmax(x)) in two steps underflows to log(0) = -inf where log_softmax(x) is finite.",
    .explain = explain,
};
