/* Feasible paths: the value of a branch's condition where the facts of its operands decide it.
 * A function of the file runs at each call site with the facts of that call's arguments, so a
 * constant argument (a boolean, None, an integer, a default left in place) decides the
 * branches it is tested in: `report(scores, log_probs=False)` never takes `if log_probs:`, and
 * `if mask is not None: lp = lp * mask` is always taken when the caller passes a mask. The
 * interpreter then runs only the branches that can be taken. */
#include "facts_svc.h"

/* None on every path: the literal, or values joined from it alone (FF_NONE is kept by any path
 * that may be None, so a join with a tensor also holds that tensor's kinds). */
static bool surely_none(const Fact *f) {
    return !f->bottom && (f->flags & FF_NONE) && !f->kinds && f->obj == FO_NONE && f->ndim == 0 &&
           !(f->flags & FF_CONST);
}

/* A value no path leaves None: a tensor, object or number that data flow (not a name) made. */
static bool surely_not_none(const Fact *f) {
    if (f->bottom || (f->flags & (FF_NONE | FF_WEAK | FF_OPAQUE))) return false;
    return f->kinds || f->obj != FO_NONE;
}

/* Only plain names, attributes and literals are looked at: they are evaluated again here, and
 * a call would run twice. */
static bool simple(TSNode n) {
    n = parse_unparen(n);
    return parse_is(n, "identifier") || parse_is(n, "attribute") || parse_is(n, "none") ||
           parse_is(n, "true") || parse_is(n, "false") || parse_is(n, "integer") ||
           (parse_is(n, "unary_operator") && parse_is(parse_field(n, "argument"), "integer"));
}

/* -1: unknown; else the integer (bools are 0 and 1) the operand holds on every path. */
static bool known_int(Interp *in, TSNode n, long *v) {
    if (!simple(n)) return false;
    Fact f = svc_eval(in, parse_unparen(n));
    if (!(f.flags & FF_CONST) || (f.flags & FF_NONE) || f.bottom || f.obj != FO_NONE) return false;
    *v = f.num;
    return true;
}

static int truth_of_value(Interp *in, TSNode n) {
    if (!simple(n)) return -1;
    Fact f = svc_eval(in, parse_unparen(n));
    if (f.bottom || ((f.flags & FF_NONE) && !surely_none(&f))) return -1;
    if (surely_none(&f)) return 0;
    if ((f.flags & FF_CONST) && f.obj == FO_NONE && f.ndim == 0) return f.num != 0;
    /* a function, a class or a module is true; an object of a class may define __bool__ */
    if (f.obj == FO_MODULE || f.obj == FO_FUNC || f.obj == FO_CLASS) return 1;
    return -1;
}

/* a is None, a is not None, a == k, a != k (two operands). */
static int truth_of_comparison(Interp *in, TSNode n) {
    if (ts_node_named_child_count(n) != 2 || ts_node_child_count(n) < 3) return -1;
    TSNode l = parse_named_child(n, 0), r = parse_named_child(n, 1);
    size_t oplen = 0;
    const char *op = "";
    for (uint32_t i = 0; i < ts_node_child_count(n); i++) { /* "is", "is not", "==", ... */
        TSNode c = ts_node_child(n, i);
        if (!ts_node_is_named(c)) {
            if (oplen) return -1; /* a chain: a < b < c */
            op = parse_text(in->src, c, &oplen);
        }
    }
    bool is = oplen == 2 && !memcmp(op, "is", 2), is_not = oplen == 6 && !memcmp(op, "is not", 6);
    if (is || is_not) {
        TSNode other = parse_is(parse_unparen(r), "none") ? l : parse_is(parse_unparen(l), "none") ? r : (TSNode){0};
        if (ts_node_is_null(other) || !simple(other)) return -1;
        Fact f = svc_eval(in, parse_unparen(other));
        int none = surely_none(&f) ? 1 : surely_not_none(&f) ? 0 : -1;
        if (none < 0) return -1;
        return is ? none : !none;
    }
    long a, b;
    bool eq = oplen == 2 && !memcmp(op, "==", 2), ne = oplen == 2 && !memcmp(op, "!=", 2);
    if ((eq || ne) && known_int(in, l, &a) && known_int(in, r, &b)) return (a == b) == eq;
    return -1;
}

int paths_truth(Interp *in, TSNode cond) {
    /* A function analysed without a caller (parameters known by their names, defaults in
     * place) may be called with anything: its defaults decide nothing. */
    if (in->frame != in->module && !in->frame->called) return -1;
    cond = parse_unparen(cond);
    if (ts_node_is_null(cond)) return -1;
    if (parse_is(cond, "not_operator")) {
        int t = paths_truth(in, parse_field(cond, "argument"));
        return t < 0 ? -1 : !t;
    }
    if (parse_is(cond, "boolean_operator")) {
        int l = paths_truth(in, parse_field(cond, "left"));
        int r = paths_truth(in, parse_field(cond, "right"));
        bool and = parse_text_eq(in->src, parse_field(cond, "operator"), "and");
        if (and) return l == 0 || r == 0 ? 0 : l == 1 && r == 1 ? 1 : -1;
        return l == 1 || r == 1 ? 1 : l == 0 && r == 0 ? 0 : -1;
    }
    if (parse_is(cond, "comparison_operator")) return truth_of_comparison(in, cond);
    return truth_of_value(in, cond);
}
