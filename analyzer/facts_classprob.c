/* Probabilities whose log is a classification log loss's (LL103): floored at a positive eps
 * (Fact.floored), and one class's probability per row of a softmax over classes
 * (Fact.class_column). Both travel with the values, so a floor applied on an earlier line, in
 * a helper, or to a parameter reassigned in place still floors the log taken later. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts_svc.h"

/* A lower bound that keeps values above 0: a positive number written in the code, or a name
 * or expression that is no number written there (eps, self.eps, 1e-7); not None, 0 or a
 * negative literal. */
static bool positive_bound(Interp *in, TSNode n) {
    n = parse_unparen(n);
    if (ts_node_is_null(n) || parse_is(n, "none") || parse_is(n, "unary_operator")) return false;
    if (parse_is(n, "integer") || parse_is(n, "float")) {
        size_t len;
        const char *s = parse_text(in->src, n, &len);
        char buf[64];
        snprintf(buf, sizeof buf, "%.*s", (int)(len < 63 ? len : 63), s);
        return strtod(buf, NULL) > 0;
    }
    Fact f = svc_eval(in, n); /* a name: reading it again has no effect */
    return !(f.kinds & ~FK_NUM) && f.obj == FO_NONE && f.ndim <= 0;
}

Fact classprob_clipped(Interp *in, const char *row, TSNode lower, Fact x) {
    /* maximum(x, y) of two arrays is neither: their element-wise maximum */
    bool maximum = !strcmp(row, "maximum");
    if (maximum && !positive_bound(in, lower)) return fact_unknown();
    bool floor =
        maximum || !strcmp(row, "clip") || !strcmp(row, "clamp") || !strcmp(row, "clamp_min");
    if (floor && positive_bound(in, lower)) x.floored = true;
    return x;
}

Fact classprob_added(Interp *in, TSNode node, char c, Fact scores, bool scores_right) {
    TSNode other = parse_is(node, "binary_operator")
                       ? parse_field(node, scores_right ? "left" : "right")
                       : (TSNode){0};
    scores.floored = c == '+' && positive_bound(in, other);
    return scores;
}

/* The dim a softmax call normalised over, as its code gives it (softmax(x, axis=1), F.softmax(x,
 * -1), x.softmax(1); none given: the last, as normalising takes it), counted from the end when
 * negative; FACT_NO_DIM when it is no softmax call or the dim is no integer written there. */
static int softmax_dim(Interp *in, TSNode call) {
    if (!parse_is(call, "call")) return FACT_NO_DIM;
    TSNode fn = parse_field(call, "function"), args = parse_field(call, "arguments");
    bool method =
        parse_is(fn, "attribute") && svc_eval(in, parse_field(fn, "object")).obj != FO_MODULE;
    if (!svc_text_eq(in, parse_is(fn, "attribute") ? parse_field(fn, "attribute") : fn, "softmax"))
        return FACT_NO_DIM;
    TSNode dim = {0};
    int pos = 0;
    for (uint32_t i = 0; i < ts_node_named_child_count(args); i++) {
        TSNode a = parse_named_child(args, i);
        if (parse_is(a, "keyword_argument")) {
            if (svc_text_eq(in, parse_field(a, "name"), "dim") ||
                svc_text_eq(in, parse_field(a, "name"), "axis"))
                dim = parse_field(a, "value");
        } else if (!parse_is(a, "comment") && pos++ == (method ? 0 : 1)) {
            dim = a;
        }
    }
    long d;
    if (ts_node_is_null(dim)) return -1;
    return svc_int_literal(in, dim, &d) && d >= -FACT_MAX_DIMS && d < FACT_MAX_DIMS ? (int)d
                                                                                    : FACT_NO_DIM;
}

/* probs[:, k], probs[..., k]: every index but the last keeps rows, the last is one fixed class on
 * the axis the softmax normalised: one class's probability per row. Of a value of unknown rank, the
 * subscript is taken to index all of its axes. */
Fact classprob_column(Interp *in, TSNode subscript, const Fact *probs, Fact picked) {
    if (probs->kinds != FK_PROB || !(probs->flags & FF_SOFTMAX) || probs->obj != FO_NONE ||
        (probs->flags & (FF_SELECTED | FF_AGGREGATED)))
        return picked;
    TSNode ix[FACT_MAX_DIMS];
    int n = 0, ellipsis = -1;
    uint32_t count = ts_node_named_child_count(subscript);
    for (uint32_t i = 0; i < count; i++) {
        const char *field = ts_node_field_name_for_named_child(subscript, i);
        if (!field || strcmp(field, "subscript") != 0) continue;
        if (n == FACT_MAX_DIMS) return picked;
        ix[n] = parse_unparen(parse_named_child(subscript, i));
        if (parse_is(ix[n], "ellipsis"))
            ellipsis = n;
        else if (n > 0 && !parse_is(ix[n - 1], "slice") && !parse_is(ix[n - 1], "ellipsis"))
            return picked; /* an index before the class that picks no rows */
        n++;
    }
    long k;
    if (n < 2 || ellipsis == n - 1 || !svc_int_literal(in, ix[n - 1], &k)) return picked;
    int rank = probs->ndim >= 0 ? probs->ndim : ellipsis < 0 ? n : -1;
    int axis = ellipsis >= 0 ? -1 : n - 1; /* the class's axis; with "...": the last */
    int dim = softmax_dim(in, probs->origin);
    if (dim == FACT_NO_DIM || rank == 0) return picked;
    if (rank > 0) {
        axis = axis < 0 ? axis + rank : axis;
        dim = dim < 0 ? dim + rank : dim;
    } else if ((axis < 0) != (dim < 0)) {
        return picked;
    }
    if (axis != dim) return picked;
    /* one value per row: no positions left, and of a known rank a single axis */
    if (fact_find_axis(&picked, AX_POS) >= 0 || fact_find_axis(&picked, AX_STEP) >= 0 ||
        picked.ndim > 1 || (rank > 0 && rank != 2))
        return picked;
    picked.class_column = true;
    return picked;
}
