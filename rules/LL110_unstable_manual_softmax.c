/* LL110 unstable-manual-softmax: exp(x) / sum(exp(x)) without subtracting the max first. */
#include "fix.h"
#include "rules.h"

#include <float.h>
#include <math.h>

/* ---- its verifier recipes (verify.h): what flagged code computes, for the counterexample ---- */

static const VerifyRecipe unstable_softmax = {
    .name = "unstable-softmax",
    .rule = "LL110",
    .summary = "log(exp(u) / sum(exp(u))) in float32 without subtracting the max: exp overflows, "
               "inf/inf = NaN",
    .score_label = "sum of log(exp/sum exp) (float32)",
    .transform = VERIFY_TERM_UNSTABLE_LOG_PROB,
    .aggregate = VERIFY_AGG_SUM,
    .shift = VERIFY_SHIFT_CAUSAL,
    .mask = VERIFY_MASK_CONTINUATION,
    .precision = VERIFY_FLOAT32,
    .lower_is_better = false,
    .harm = VERIFY_HARM_NAN,
    .min_steps = 1,
};
static const VerifyRecipe unstable_softmax_f64 = {
    .name = "unstable-softmax-f64",
    .rule = "LL110",
    .summary =
        "log(exp(u) / sum(exp(u))) in float64 without subtracting the max: exp overflows above "
        "~709.8, inf/inf = NaN (so in any narrower dtype too)",
    .score_label = "sum of log(exp/sum exp) (float64)",
    .transform = VERIFY_TERM_UNSTABLE_LOG_PROB,
    .aggregate = VERIFY_AGG_SUM,
    .shift = VERIFY_SHIFT_CAUSAL,
    .mask = VERIFY_MASK_CONTINUATION,
    .precision = VERIFY_FLOAT64,
    .lower_is_better = false,
    .harm = VERIFY_HARM_NAN,
    .min_steps = 1,
};
static const VerifyRecipe *const recipes[] = {&unstable_softmax, &unstable_softmax_f64, NULL};

/* The numerator is exp() of unnormalised values (or of sequence log-likelihoods) and the
 * denominator a sum of exps, with no max (or logsumexp) subtracted on either side. exp() of
 * one distribution's per-token log-probabilities carries no FF_EXP: it cannot overflow, and
 * its largest term cannot underflow. */
static bool unstable_division(const FactEvent *e) {
    if (!(e->in.flags & FF_EXP) || !(e->in2.flags & FF_SUMEXP)) return false;
    return !((e->in.flags | e->in2.flags) & FF_STABLE);
}

/* x, evaluated again by the fix: names, attributes, subscripts, numbers and arithmetic that
 * binds at least as tightly as `-` (x - max must subtract from the whole of x); no call, whose
 * repetition could cost or change something. */
static bool plain(const Source *src, TSNode x) {
    static const char *const TYPES[] = {"identifier",
                                        "attribute",
                                        "subscript",
                                        "integer",
                                        "float",
                                        "binary_operator",
                                        "unary_operator",
                                        "parenthesized_expression",
                                        "slice",
                                        "ellipsis",
                                        NULL};
    static const char *const ARITHMETIC[] = {"+", "-", "*", "/", "//", "%", "@", "**", NULL};
    bool ok = false;
    for (const char *const *t = TYPES; *t && !ok; t++)
        ok = parse_is(x, *t);
    if (ok && parse_is(x, "binary_operator")) {
        ok = false;
        for (const char *const *op = ARITHMETIC; *op && !ok; op++)
            ok = parse_text_eq(src, parse_field(x, "operator"), *op);
    }
    for (uint32_t i = 0; ok && i < ts_node_named_child_count(x); i++)
        ok = plain(src, parse_named_child(x, i));
    return ok;
}

/* The library a module name stands for: 't' torch, 'n' NumPy or jax.numpy (same max and sum
 * signatures); 0: another, or not a module. */
static char module_family(const Source *src, TSNode obj) {
    static const char *const NUMPY[] = {"np", "numpy", "jnp", "jax.numpy", NULL};
    if (parse_text_eq(src, obj, "torch")) return 't';
    for (const char *const *m = NUMPY; *m; m++)
        if (parse_text_eq(src, obj, *m)) return 'n';
    return 0;
}

/* The library of exp call e, and its x: torch.exp(x) and x.exp() 't', np.exp(x) 'n'. */
static char exp_family(const Source *src, TSNode e, TSNode *x) {
    TSNode name = fix_callee_name(e);
    if (ts_node_is_null(name) || !parse_text_eq(src, name, "exp")) return 0;
    TSNode obj = parse_field(parse_field(e, "function"), "object");
    if (ts_node_is_null(obj)) return 0;
    char family = module_family(src, obj);
    *x = family ? fix_call_arg(src, e, 0, "input") : obj;
    if (family) return ts_node_is_null(*x) ? 0 : family;
    return ts_node_named_child_count(parse_field(e, "arguments")) ? 0 : 't';
}

/* A constant axis argument: 1, -1, (0, 1), True. */
static bool literal(TSNode v) {
    if (parse_is(v, "integer") || parse_is(v, "true") || parse_is(v, "false")) return true;
    if (parse_is(v, "unary_operator")) return literal(parse_field(v, "argument"));
    if (!parse_is(v, "tuple")) return false;
    for (uint32_t i = 0; i < ts_node_named_child_count(v); i++)
        if (!literal(parse_named_child(v, i))) return false;
    return true;
}

/* The sum call's axis arguments are ones max takes alike: one axis (positional or axis= / dim=)
 * with keepdims=True (so that the max broadcasts against x as the sum did), or none (the max
 * of all). `first`: the index of its first axis argument among the positional ones. `constant`:
 * every argument is a literal (the max moves to where x was exponentiated). */
static bool max_compatible(const Source *src, TSNode sum, uint32_t first, bool constant,
                           bool *has_axis) {
    TSNode args = parse_field(sum, "arguments");
    uint32_t positional = 0;
    bool keep = false;
    *has_axis = false;
    for (uint32_t i = 0; i < ts_node_named_child_count(args); i++) {
        TSNode a = parse_named_child(args, i);
        if (parse_is(a, "comment")) continue;
        if (!parse_is(a, "keyword_argument")) {
            if (parse_is(a, "list_splat") || parse_is(a, "dictionary_splat")) return false;
            if (positional++ > first) return false;
            if (positional > first && constant && !literal(a)) return false;
            *has_axis |= positional > first;
            continue;
        }
        TSNode k = parse_field(a, "name");
        if (constant && !literal(parse_field(a, "value"))) return false;
        if (parse_text_eq(src, k, "axis") || parse_text_eq(src, k, "dim"))
            *has_axis = true;
        else if (parse_text_eq(src, k, "keepdims") || parse_text_eq(src, k, "keepdim"))
            keep = parse_text_eq(src, parse_field(a, "value"), "True");
        else
            return false;
    }
    return !*has_axis || keep;
}

/* The text of call n with nodes a and b in it replaced by the given texts. */
static char *with_two(const Source *src, TSNode n, TSNode a, const char *a_text, TSNode b,
                      const char *b_text) {
    if (ts_node_start_byte(a) > ts_node_start_byte(b)) {
        TSNode t = a;
        a = b, b = t;
        const char *tt = a_text;
        a_text = b_text, b_text = tt;
    }
    size_t s = ts_node_start_byte(n), a0 = ts_node_start_byte(a), a1 = ts_node_end_byte(a);
    size_t b0 = ts_node_start_byte(b), b1 = ts_node_end_byte(b), e = ts_node_end_byte(n);
    return util_xasprintf("%.*s%s%.*s%s%.*s", (int)(a0 - s), src->text + s, a_text, (int)(b0 - a1),
                          src->text + a1, b_text, (int)(e - b1), src->text + b1);
}

/* NumPy's max of x over the sum's axes: `M.max(x, <the sum's axis arguments>)`, M the exp's
 * module (x may be a list, which has no .max method). */
static char *numpy_max(const Source *src, TSNode exp, TSNode sum, bool sum_method,
                       const char *xtext, size_t xlen) {
    TSNode args = parse_field(sum, "arguments");
    size_t from = 0, to = 0;
    for (uint32_t i = sum_method ? 0 : 1; i < ts_node_named_child_count(args); i++) {
        TSNode a = parse_named_child(args, i);
        if (parse_is(a, "comment")) continue;
        if (!from) from = ts_node_start_byte(a);
        to = ts_node_end_byte(a);
    }
    size_t mlen;
    const char *module =
        parse_text(src, parse_field(parse_field(exp, "function"), "object"), &mlen);
    return util_xasprintf("%.*s.max(%.*s%s%.*s)", (int)mlen, module, (int)xlen, xtext,
                          from ? ", " : "", (int)(to - from), src->text + from);
}

/* The fix: exp(x) / sum(exp(x), axis) subtracts the max of x over the same axis before exp:
 * np.exp(x - np.max(x, axis=-1, keepdims=True)) / np.sum(np.exp(x - ...), axis=-1,
 * keepdims=True); torch's max over a dim is amax (x.amax(-1, keepdim=True)). Written as one
 * expression, both exps change; as `e = exp(x)` then `e / e.sum(...)` (e used nowhere else, the
 * axis a constant), the assignment's. */
static void attach_fix(RuleContext *ctx, TSNode division) {
    const Source *src = ctx->src;
    if (!parse_is(division, "binary_operator")) return;
    TSNode num = parse_unparen(parse_field(division, "left"));
    TSNode sum = parse_unparen(parse_field(division, "right"));
    TSNode sum_name = fix_callee_name(sum), x = {0}, x2 = {0};
    if (ts_node_is_null(sum_name) || !parse_text_eq(src, sum_name, "sum")) return;
    TSNode sum_obj = parse_field(parse_field(sum, "function"), "object");
    if (ts_node_is_null(sum_obj)) return;
    char sum_family = module_family(src, sum_obj);
    bool sum_method = !sum_family;
    TSNode den = parse_unparen(sum_method ? sum_obj : fix_call_arg(src, sum, 0, "input"));
    size_t nlen, dlen, xlen;
    const char *ntext = parse_text(src, num, &nlen), *dtext = parse_text(src, den, &dlen);
    if (ts_node_is_null(den) || nlen != dlen || memcmp(ntext, dtext, nlen)) return;
    TSNode exps[2] = {num, den};
    int n_exps = 2;
    if (parse_is(num, "identifier")) { /* e / e.sum(...): the exp is e's one assignment */
        exps[0] = parse_unparen(fix_single_assignment(src, num, 2));
        n_exps = 1;
    }
    char family = exp_family(src, exps[0], &x);
    bool has_axis;
    if (!family || (n_exps == 2 && exp_family(src, den, &x2) != family) || !plain(src, x) ||
        !max_compatible(src, sum, sum_method ? 0 : 1, n_exps == 1, &has_axis) ||
        (sum_family && sum_family != family))
        return;
    const char *xtext = parse_text(src, x, &xlen);
    /* the max call: the sum call with its name and its summed operand replaced */
    TSNode operand = sum_method ? sum_obj : den;
    bool wrap = sum_method && !parse_is(x, "identifier") && !parse_is(x, "attribute") &&
                !parse_is(x, "subscript") && !parse_is(x, "parenthesized_expression");
    char *xref = util_xasprintf(wrap ? "(%.*s)" : "%.*s", (int)xlen, xtext);
    char *max_call = family == 't'
                         ? with_two(src, sum, sum_name, has_axis ? "amax" : "max", operand, xref)
                         : numpy_max(src, exps[0], sum, sum_method, xtext, xlen);
    FixEdit edits[2];
    for (int i = 0; i < n_exps; i++) {
        TSNode xi = i ? x2 : x;
        bool receiver = ts_node_start_byte(xi) == ts_node_start_byte(exps[i]);
        char *shifted =
            util_xasprintf(receiver ? "(%.*s - %s)" : "%.*s - %s", (int)xlen, xtext, max_call);
        edits[i] = (FixEdit){ts_node_start_byte(xi), ts_node_end_byte(xi), shifted};
    }
    fix_attach(ctx, division, FIX_SAFE, "Subtract the max before exp()", edits, (size_t)n_exps);
    for (int i = 0; i < n_exps; i++)
        free(edits[i].content);
    free(max_call);
    free(xref);
}

static void check(RuleContext *ctx) {
    for (size_t i = 0; i < ctx->facts->events.len; i++) {
        const FactEvent *e = &ctx->facts->events.items[i];
        if (e->kind != EV_DIVIDE || !unstable_division(e)) continue;
        if (e->in.kinds & FK_PROB) { /* exp of log-likelihoods: underflow, which no recipe models */
            rules_emit(ctx, e->node, NULL,
                       "subtract the max first (exp(lls - lls.max())), or use "
                       "softmax / log_softmax from the library",
                       "sequence log-likelihoods exponentiated and normalised without subtracting "
                       "the max: when every candidate is below ~-103 (float32) or ~-745 (float64) "
                       "each exp() underflows to 0 and 0 / 0 = NaN");
            continue;
        }
        rules_emit(
            ctx, e->node, &unstable_softmax,
            "subtract the max first (e = exp(x - x.max(axis, keepdims=True))), or call "
            "softmax / log_softmax from the library",
            "softmax by hand without subtracting the max: exp() overflows to inf above ~88.7 "
            "in float32 (~709.8 in float64), inf / inf = NaN; and when every value is below "
            "~-103 (float32) or ~-745 (float64) the sum underflows to 0 and 0 / 0 = NaN");
        attach_fix(ctx, e->node);
    }
}

/* ---- its explanation (explain.h): the why, on the numbers of a counterexample ---- */

static bool step_nan(const VerifyStep *s) {
    return isnan(s->term);
}

static void explain(FILE *out, const VerifyResult *res, ExplainStrs *s) {
    const VerifyTable *t = res->table;
    int who = 0;
    const VerifyStep *st = explain_find_step(res, &who, step_nan);
    fprintf(out, "Why:\n");
    explain_para(
        out, "", "",
        "exp overflows float32 above %s (the largest float32 is %s). A softmax written as "
        "exp(u) / exp(u).sum() without subtracting the maximum turns every large logit into "
        "inf, and inf / inf = NaN.",
        explain_num(log((double)FLT_MAX)).s, explain_num((double)FLT_MAX).s);
    if (st) {
        double m = explain_context_max(t, st->ctx);
        bool overflows = isinf(expf((float)st->logit));
        explain_para(
            out, "", "",
            "\nIn context (%s) the largest logit is %s: exp(%s) = inf in float32, so the "
            "normaliser is inf. Token %s (logit %s) gets exp(%s) / inf = %s, and the log of "
            "that is %s, where its true log-probability is %s. Such a scorer's score for %s is "
            "%s; argmax treats NaN as the largest value, so the ranking is garbage.",
            explain_context(s, res, st->ctx), explain_num(m).s, explain_num(m).s,
            t->vocab[st->token], explain_num(st->logit).s, explain_num(st->logit).s,
            overflows ? "inf / inf = NaN" : "0", explain_num(st->term).s,
            explain_num(st->log_prob).s, explain_cand(s, res, who),
            explain_num(res->cands[who].score).s);
    }
    explain_para(out, "", "",
                 "\nsoftmax(u) = softmax(u - max(u)): subtracting the maximum changes nothing "
                 "mathematically and keeps every exp at most 1.");
    fputc('\n', out);
    explain_para(out, "Fix: ", "     ",
                 "use torch.softmax / torch.log_softmax (or scipy.special.softmax), or subtract "
                 "u.max(-1, keepdim=True) before exp; for log-probs use log_softmax directly.");
}

static const char *const literals[] = {NULL};
static const uint8_t literal_ops[] = {OP_EXP, OP_COUNT};

const Rule rule_LL110 = {
    .code = "LL110",
    .name = "unstable-manual-softmax",
    .summary = "Softmax written as exp(x) / sum(exp(x)) without subtracting the max",
    .what = "Flags a softmax computed by hand, exp(x) divided by a sum of exps (numpy, torch,\n"
            "math, pure Python; also `e = np.exp(x); e / e.sum()`), when no max was subtracted\n"
            "from x before exp(). x may be logits, any unnormalised scores, or sequence\n"
            "log-likelihoods (summed across positions) normalised over candidates. The stable\n"
            "form (x - x.max(...)), library softmax functions, exp() of one distribution's\n"
            "per-token log-probabilities and divisions by anything that is not a sum of exps\n"
            "are not flagged.",
    .why = "exp(x) overflows to inf once x exceeds about 88.7 in float32 (709.8 in float64);\n"
           "LM logits and unnormalised scores reach that easily (and sequence scores far more).\n"
           "Then inf / inf = NaN and every downstream score or ranking is NaN. In the other\n"
           "direction, exp() of values that are all very negative (sequence log-likelihoods of\n"
           "long answers, below ~-745 in float64) underflows to 0 and 0 / 0 = NaN. softmax is\n"
           "invariant to subtracting a constant, so exp(x - max(x)) / sum(exp(x - max(x))) is the\n"
           "same distribution with every exponent <= 0: nothing overflows, and the largest term\n"
           "is exactly 1 so the sum cannot underflow to 0 either.",
    .example = "def softmax(x):\n"
               "    return np.exp(x) / np.sum(np.exp(x), axis=-1, keepdims=True)\n",
    .instead = "def softmax(x):\n"
               "    e = np.exp(x - np.max(x, axis=-1, keepdims=True))\n"
               "    return e / np.sum(e, axis=-1, keepdims=True)\n"
               "# or scipy.special.softmax(x, axis=-1)\n",
    .fix = "Safe, for exp(x) / sum(exp(x)) in NumPy, jax.numpy or torch, written as one\n"
           "expression (np.exp(x) / np.sum(np.exp(x), axis=-1, keepdims=True), torch.exp(x) /\n"
           "torch.exp(x).sum(-1, keepdim=True), x.exp() / x.exp().sum()) or as e = np.exp(x)\n"
           "then e / e.sum(...) with e used nowhere else and the axis a constant, where x is\n"
           "names, subscripts and arithmetic (no call, which the fix would evaluate again): the\n"
           "max of x over the axis the sum reduces is subtracted before exp(), np.max(x, ...)\n"
           "for NumPy, x.amax(...) for torch (x.max() over everything). Softmax is invariant to\n"
           "that constant, so the values are the same up to rounding wherever the original was\n"
           "finite; where it gave NaN (an exp overflowing to inf, or every exp underflowing to\n"
           "0) they are now the softmax. Not fixed: a sum over an axis without keepdims=True\n"
           "(the max would not broadcast as the sum does), a sum with other arguments (dtype,\n"
           "out), an in-place division, and pure Python (math.exp).\n",
    .literals = literals,
    .literal_ops = literal_ops,
    .check = check,
    .recipes = recipes,
    .explain_headline =
        "exp(x) / sum(exp(x)) without subtracting the max overflows: inf / inf = NaN.",
    .explain = explain,
};
