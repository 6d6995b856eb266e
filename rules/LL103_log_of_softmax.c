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

/* The assignment `x = ...` last written before the name x, in x's function. */
static void last_assigned(const Source *src, TSNode n, TSNode name, TSNode *assignment) {
    if (ts_node_start_byte(n) >= ts_node_start_byte(name)) return;
    if (parse_is(n, "function_definition") || parse_is(n, "lambda")) return; /* another scope */
    if (parse_is(n, "assignment") && parse_same_text(src, parse_field(n, "left"), name))
        *assignment = n;
    for (uint32_t i = 0; i < ts_node_named_child_count(n); i++)
        last_assigned(src, parse_named_child(n, i), name, assignment);
}

static TSNode enclosing_function(TSNode x) {
    TSNode def = parse_parent(x);
    while (!ts_node_is_null(def) && !parse_is(def, "function_definition"))
        def = parse_parent(def);
    return def;
}

/* That assignment of the name x (null if x is no name, or none is found). */
static TSNode name_assignment(const Source *src, TSNode x) {
    TSNode def = enclosing_function(x), assignment = {0};
    if (!parse_is(x, "identifier") || ts_node_is_null(def)) return assignment;
    TSNode body = parse_field(def, "body");
    for (uint32_t i = 0; i < ts_node_named_child_count(body); i++)
        last_assigned(src, parse_named_child(body, i), x, &assignment);
    return assignment;
}

/* The value last assigned to the name x before x, in x's function (x itself if it is no name,
 * or no such assignment is found). */
static TSNode assigned_value(const Source *src, TSNode x) {
    TSNode assignment = name_assignment(src, x);
    return ts_node_is_null(assignment) ? x : parse_unparen(parse_field(assignment, "right"));
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

/* ---- a log read only at tokens drawn from the same probabilities ----
 * torch.multinomial never draws an entry of weight 0, and the argmax of a softmax is at least
 * 1/V: the entry read there is no underflowed 0.0, and its log is finite. The draw must reach
 * the read unchanged: the probabilities are not written between them, the draw is no branch's
 * alone, and each row is read at its own draw (p[arange(n), tok], p.gather(-1, tok)). */

static bool is_attr_call(const Source *src, TSNode x, const char *const *names) {
    TSNode fn = parse_field(x, "function");
    if (!parse_is(x, "call") || !parse_is(fn, "attribute")) return false;
    for (; *names; names++)
        if (parse_text_eq(src, parse_field(fn, "attribute"), *names)) return true;
    return false;
}

/* Whether a subscript's index keeps every row and only drops or adds axes: x[:, 0], x[..., None].
 */
static bool keeps_rows(TSNode subscript) {
    for (TSNode i = parse_field(subscript, "subscript"); !ts_node_is_null(i);
         i = ts_node_next_named_sibling(i))
        if (!parse_is(i, "slice") && !parse_is(i, "integer") && !parse_is(i, "none") &&
            !parse_is(i, "ellipsis"))
            return false;
    return true;
}

/* An index with what only reshapes it taken off: tok[:, 0], tok.squeeze(-1), tok.unsqueeze(-1). */
static TSNode index_core(const Source *src, TSNode x) {
    static const char *const reshapes[] = {"squeeze", "unsqueeze", "view", "reshape",
                                           "flatten", "long",      NULL};
    for (;;) {
        x = parse_unparen(x);
        if (parse_is(x, "subscript") && keeps_rows(x))
            x = parse_field(x, "value");
        else if (is_attr_call(src, x, reshapes))
            x = parse_field(parse_field(x, "function"), "object");
        else
            return x;
    }
}

/* Whether n, an argument, is the last axis: -1 (or 1, of the [rows, vocabulary] that
 * multinomial draws from), positional or dim=. */
static bool last_axis(const Source *src, TSNode n) {
    if (parse_is(n, "keyword_argument")) {
        if (!parse_text_eq(src, parse_field(n, "name"), "dim")) return false;
        n = parse_field(n, "value");
    }
    return parse_text_eq(src, n, "-1") || parse_text_eq(src, n, "1");
}

/* The probabilities a draw samples from: P of torch.multinomial(P, k), P.multinomial(k),
 * torch.argmax(P, -1), P.argmax(-1) (null if x is no such draw along the vocabulary). */
static TSNode drawn_from(const Source *src, TSNode x) {
    static const char *const draws[] = {"multinomial", "argmax", NULL};
    if (!is_attr_call(src, x, draws)) return (TSNode){0};
    TSNode fn = parse_field(x, "function"), args = parse_field(x, "arguments");
    TSNode of = parse_unparen(parse_field(fn, "object"));
    uint32_t first = fix_names_import(src, of) ? 1 : 0;
    if (first && ts_node_named_child_count(args) == 0) return (TSNode){0};
    TSNode probs = first ? parse_unparen(parse_named_child(args, 0)) : of;
    if (parse_text_eq(src, parse_field(fn, "attribute"), "multinomial")) return probs;
    for (uint32_t i = first; i < ts_node_named_child_count(args); i++)
        if (last_axis(src, parse_named_child(args, i))) return probs;
    return (TSNode){0};
}

static bool mentions(const Source *src, TSNode n, TSNode name) {
    if (parse_is(n, "identifier")) return parse_same_text(src, n, name);
    for (uint32_t i = 0; i < ts_node_named_child_count(n); i++)
        if (mentions(src, parse_named_child(n, i), name)) return true;
    return false;
}

/* Whether n holds, between bytes from and to, a write of name: an assignment to it or into it,
 * a for binding it, or an in-place method (name.masked_fill_(...)). */
static bool written_between(const Source *src, TSNode n, TSNode name, uint32_t from, uint32_t to) {
    if (ts_node_end_byte(n) <= from || ts_node_start_byte(n) >= to) return false;
    uint32_t at = ts_node_start_byte(n);
    bool inside = at > from && at < to;
    if (inside &&
        (parse_is(n, "assignment") || parse_is(n, "augmented_assignment") ||
         parse_is(n, "for_statement")) &&
        mentions(src, parse_field(n, "left"), name))
        return true;
    TSNode fn = parse_field(n, "function");
    if (inside && parse_is(n, "call") && parse_is(fn, "attribute") &&
        parse_same_text(src, parse_field(fn, "object"), name)) {
        size_t len;
        const char *method = parse_text(src, parse_field(fn, "attribute"), &len);
        if (len > 1 && method[len - 1] == '_') return true;
    }
    for (uint32_t i = 0; i < ts_node_named_child_count(n); i++)
        if (written_between(src, parse_named_child(n, i), name, from, to)) return true;
    return false;
}

/* Whether each row is read at its own draw: p.gather(-1, tok) / torch.gather(p, -1, tok), or
 * p[rows, tok] with rows every row in order (arange / range). Sets probs and tokens. */
static bool read_per_row(const Source *src, TSNode x, TSNode *probs, TSNode *tokens) {
    static const char *const gathers[] = {"gather", NULL};
    if (is_attr_call(src, x, gathers)) {
        TSNode of = parse_field(parse_field(x, "function"), "object");
        TSNode args = parse_field(x, "arguments");
        uint32_t n = ts_node_named_child_count(args), first = fix_names_import(src, of) ? 1 : 0;
        if (n != first + 2 || !last_axis(src, parse_named_child(args, first))) return false;
        *probs = first ? parse_unparen(parse_named_child(args, 0)) : parse_unparen(of);
        *tokens = parse_named_child(args, first + 1);
        return !parse_is(*tokens, "keyword_argument");
    }
    if (!parse_is(x, "subscript")) return false;
    *probs = parse_unparen(parse_field(x, "value"));
    TSNode i = parse_field(x, "subscript");
    if (ts_node_is_null(ts_node_next_named_sibling(i))) return false; /* p[tok]: rows by tokens? */
    for (; !ts_node_is_null(ts_node_next_named_sibling(i)); i = ts_node_next_named_sibling(i)) {
        TSNode rows = assigned_value(src, parse_unparen(i));
        TSNode fn = parse_field(rows, "function");
        TSNode name = parse_is(fn, "attribute") ? parse_field(fn, "attribute") : fn;
        if (!parse_is(rows, "call") ||
            !(parse_text_eq(src, name, "arange") || parse_text_eq(src, name, "range")))
            return false;
    }
    *tokens = i;
    return true;
}

static bool read_at_own_draws(const Source *src, TSNode log_call) {
    TSNode probs, tokens;
    TSNode x = index_core(src, log_operand(log_call));
    if (!read_per_row(src, x, &probs, &tokens) || !parse_is(probs, "identifier")) return false;
    TSNode draw_assignment = name_assignment(src, index_core(src, tokens));
    if (ts_node_is_null(draw_assignment)) return false;
    TSNode from = drawn_from(src, index_core(src, parse_field(draw_assignment, "right")));
    if (!parse_is(from, "identifier") || !parse_same_text(src, from, probs)) return false;
    /* the draw's statement sits in a block that holds the read too: no branch draws alone */
    TSNode block = parse_parent(parse_parent(draw_assignment));
    uint32_t read_at = ts_node_start_byte(log_call);
    if (ts_node_is_null(block) || read_at >= ts_node_end_byte(block)) return false;
    TSNode def = enclosing_function(log_call);
    return !written_between(src, def, probs, ts_node_end_byte(draw_assignment), read_at);
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
        if (read_at_own_draws(ctx->src, e->node)) continue;
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
            "Nor the log of probabilities read only at tokens drawn from those very\n"
            "probabilities (torch.multinomial(p, k), p.argmax(-1)), each row at its own draw and\n"
            "with p unchanged in between: a drawn entry is positive, its log finite.\n"
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
