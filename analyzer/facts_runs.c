/* facts_runs: a list joined to a run of one constant ([fill] * n), the way scripts build a
 * row by hand: labels = [-100] * len(prompt) + response, ids + [pad_id] * (width - len(ids)).
 *
 * The run adds positions that hold no token of the sequence, so the copied part keeps its own
 * positions: after a run before it, where the sequence ends (its tail) and, when the run is
 * as long as a known sequence (len(prompt)) or as the part cut off it ([-100] * n + seq[n:]),
 * where it starts (its head); before a run after it, where it starts. Two rows so built line
 * up position for position with the ids they were built from, which is what LL105 asks of
 * labels gathered against logits. */
#include <string.h>

#include "facts_svc.h"

/* [fill] * count (or count * [fill]): a list of one value repeated. */
bool runs_repeat(Interp *in, TSNode n, TSNode *fill, TSNode *count) {
    n = parse_unparen(n);
    if (!parse_is(n, "binary_operator") || !svc_text_eq(in, parse_field(n, "operator"), "*"))
        return false;
    TSNode list = parse_unparen(parse_field(n, "left"));
    *count = parse_field(n, "right");
    if (!parse_is(list, "list")) {
        list = parse_unparen(*count);
        *count = parse_field(n, "left");
    }
    if (!parse_is(list, "list") || ts_node_named_child_count(list) != 1) return false;
    *fill = parse_named_child(list, 0);
    return true;
}

/* The integer a run repeats: a literal, or a name of one known on every path (IGNORE = -100
 * at the top of a module, read from another). */
static bool fill_value(Interp *in, TSNode fill, long *value) {
    if (svc_int_literal(in, fill, value)) return true;
    fill = parse_unparen(fill);
    if (!parse_is(fill, "identifier") && !parse_is(fill, "attribute")) return false;
    Fact f = svc_eval(in, fill); /* a name: reading it again has no effect */
    if (!(f.flags & FF_CONST) || (f.kinds & ~FK_NUM) || f.obj != FO_NONE) return false;
    *value = f.num;
    return true;
}

/* [v] * n with v a known integer: a run of v (its value in *value). */
static bool repeat_run(Interp *in, TSNode n, long *value) {
    TSNode fill, count;
    return runs_repeat(in, n, &fill, &count) && fill_value(in, fill, value);
}

/* [pad_id] * (n - len(x)) or [0] * k: a run of pads as long as some length (a literal count
 * and negative fills such as -100, which mask labels, are not). */
static bool pad_run(Interp *in, TSNode n) {
    TSNode fill, count;
    long v;
    if (!runs_repeat(in, n, &fill, &count) || svc_int_literal(in, count, &v)) return false;
    if (svc_int_literal(in, fill, &v)) return v >= 0;
    if (!parse_is(fill, "identifier") && !parse_is(fill, "attribute")) return false;
    Fact f = svc_eval(in, fill); /* a name: reading it again has no effect */
    return (f.kinds & FK_IDS) || ((f.flags & FF_CONST) && f.num >= 0);
}

/* A list of constants of a literal integer: [-100] * n (*count its count) or [-100, -100]
 * (*count null, *len its length). *sentinel: the constant is negative (an ignored target, no
 * token id). */
static bool literal_run(Interp *in, TSNode n, TSNode *count, long *len, bool *sentinel) {
    TSNode fill;
    long v = 0;
    *count = (TSNode){0};
    *len = -1;
    if (runs_repeat(in, n, &fill, count)) {
        if (!fill_value(in, fill, &v)) return false;
        if (!svc_int_literal(in, *count, len)) *len = -1;
        *sentinel = v < 0;
        return true;
    }
    n = parse_unparen(n);
    if (!parse_is(n, "list") || !ts_node_named_child_count(n)) return false;
    *sentinel = false;
    for (uint32_t i = 0; i < ts_node_named_child_count(n); i++) {
        if (!svc_int_literal(in, parse_named_child(n, i), &v)) return false;
        *sentinel |= v < 0;
    }
    *len = ts_node_named_child_count(n);
    return true;
}

static bool same_text(Interp *in, TSNode a, TSNode b) {
    size_t la, lb;
    const char *ta = parse_text(in->src, parse_unparen(a), &la);
    const char *tb = parse_text(in->src, parse_unparen(b), &lb);
    return la && la == lb && !memcmp(ta, tb, la);
}

/* Where a run of constants put before `seq` (the expression `right`) starts: the start of
 * the sequence its count is the length of (len(prompt)), or of x when seq is x cut at that
 * count (x[n:]); unknown otherwise. */
static FactPos run_start(Interp *in, TSNode count, long len, TSNode right) {
    right = parse_unparen(right);
    TSNode value = parse_field(right, "value"), slice = parse_field(right, "subscript"), parts[3];
    if (parse_is(right, "subscript") && parse_is(slice, "slice") &&
        (parse_is(value, "identifier") || parse_is(value, "attribute"))) {
        parse_slice_parts(slice, parts);
        long start;
        bool same = !ts_node_is_null(parts[0]) && ts_node_is_null(parts[2]) &&
                    (ts_node_is_null(count)
                         ? svc_int_literal(in, parts[0], &start) && start == len
                         : same_text(in, parts[0], count));
        if (same) return svc_eval(in, value).head; /* a name: reading it again has no effect */
    }
    if (ts_node_is_null(count) || !parse_is(parse_unparen(count), "call")) return (FactPos){0};
    Fact n = svc_eval(in, count);
    if ((n.kinds & FK_INDEX) && n.ndim == 0 && n.head.sym && !n.head.end && n.tail.sym &&
        n.tail.end && n.head.sym != n.tail.sym)
        return n.head; /* len(prompt): head its sequence's start */
    return (FactPos){0};
}

/* l + r (node) when one side is a run of one constant: *out is the joined list and true; false
 * when neither is, or the other side is no sequence (the caller's binop then decides). */
bool runs_join(Interp *in, TSNode node, Fact l, Fact r, Fact *out) {
    TSNode left = parse_field(node, "left"), right = parse_field(node, "right"), count;
    long fl, fr;
    if (repeat_run(in, left, &fl) && repeat_run(in, right, &fr) && fl + fr == 1 && fl * fr == 0) {
        /* [1] * len(e) + [0] * (L - len(e)): an attention mask by hand */
        *out = fact_of(FK_MASK, FF_PADDED, node);
        fact_set_axes(out, 1, (AxisKind[]){AX_POS});
        return true;
    }
    bool pad_left = pad_run(in, left), pad_right = !pad_left && pad_run(in, right);
    if (pad_left || pad_right) {
        /* ids + [pad_id] * (max_len - len(ids)): the sequence, padded to a batch's length, its
         * tokens where they were on the side away from the pads */
        Fact seq = pad_left ? r : l;
        if (seq.obj != FO_NONE) {
            *out = svc_binop(in, node, '+', l, r);
            return true;
        }
        seq.flags |= FF_PADDED;
        if (pad_left)
            seq.head = (FactPos){0, 0, false};
        else
            seq.tail = (FactPos){0, 0, false};
        rows_forget(&seq);
        *out = seq;
        return true;
    }
    /* [-100] * len(prompt) + response: the response's tokens where they are in prompt +
     * response; ids[1:] + [-100]: the shifted ids, one position longer */
    long n;
    bool sentinel; /* the row then holds numbers that are no token ids too */
    if (literal_run(in, left, &count, &n, &sentinel) && r.obj == FO_NONE && (r.kinds & FK_IDS) &&
        r.ndim == 1) {
        Fact seq = r;
        seq.head = run_start(in, count, n, right);
        seq.head.end = seq.head.sym != 0; /* the second part is known from the end: tails compare */
        if (sentinel) seq.kinds |= FK_NUM;
        *out = seq;
        return true;
    }
    if (literal_run(in, right, &count, &n, &sentinel) && l.obj == FO_NONE && (l.kinds & FK_IDS) &&
        l.ndim == 1) {
        Fact seq = l;
        if (n >= 0 && n <= 8)
            seq.tail = align_shift(seq.tail, (int)n);
        else
            seq.tail = (FactPos){0};
        if (sentinel) seq.kinds |= FK_NUM;
        *out = seq;
        return true;
    }
    return false;
}
