/* facts_promptlp: which positions a loop adds up of a served prompt's per-position log-probs
 * (vLLM's prompt_logprobs: entry p is the log-prob of the prompt's token p given the tokens
 * before it, entry 0 None), for LL106. The prompt's ids are a context joined to a continuation
 * (ctx_ids + cont_ids), and log Pr(cont | ctx) is the sum from the context's length on.
 *
 *   total += plp[pos][ids[pos]].logprob          (for pos in range(a, len(ids)))
 *   total += entry[ids[pos]].logprob             (for pos, entry in enumerate(plp))
 *
 * A loop from 0 or 1 (or over every entry) adds the context's log-probs too; one from n - 1
 * adds the context's last token's. Both are constants for the candidates of one shared context
 * (a plain sum ranks them right), but not across rows with contexts of their own: rows whose
 * contexts differ (facts_prompts.c), or the requests a function is handed, each carrying its
 * own context (a per-request log-likelihood API: its result is read per request). A loop from
 * anything else (the context's length, a bound not understood) is taken as cutting the context
 * off: no finding comes of it. */
#include "facts_svc.h"

/* A call of the Python builtin of that op (range, enumerate), as the file's names resolve it. */
static bool builtin_call(Interp *in, TSNode call, int op) {
    TSNode fn = parse_field(call, "function");
    if (!parse_is(call, "call") || !parse_is(fn, "identifier")) return false;
    Fact f = svc_lookup(in, fn);
    const Contract *c = f.obj == FO_MODULE && f.qual ? contracts_func(f.qual) : NULL;
    return c && (int)c->op == op;
}

static uint32_t call_nargs(TSNode call) {
    uint32_t n = 0;
    while (!ts_node_is_null(call_posarg(call, n)))
        n++;
    return n;
}

/* The innermost for statement around n, in n's function. */
static TSNode enclosing_for(TSNode n) {
    for (TSNode up = parse_parent(n); !ts_node_is_null(up); up = parse_parent(up)) {
        if (parse_is(up, "function_definition") || parse_is(up, "lambda")) break;
        if (parse_is(up, "for_statement")) return up;
    }
    return (TSNode){0};
}

static bool is_pattern(TSNode p) {
    return parse_is(p, "pattern_list") || parse_is(p, "tuple_pattern") ||
           parse_is(p, "list_pattern") || parse_is(p, "tuple");
}

/* Does the pattern bind a name of id's text? */
static bool binds(const Source *src, TSNode pattern, TSNode id) {
    pattern = parse_unparen(pattern);
    if (parse_is(pattern, "identifier")) return parse_same_text(src, pattern, id);
    if (!is_pattern(pattern)) return false;
    for (uint32_t i = 0, n = ts_node_named_child_count(pattern); i < n; i++)
        if (binds(src, parse_named_child(pattern, i), id)) return true;
    return false;
}

/* Is n an identifier of the same text as id? */
static bool same_name(const Source *src, TSNode n, TSNode id) {
    n = parse_unparen(n);
    return parse_is(n, "identifier") && parse_same_text(src, n, id);
}

/* Is name a parameter of the function around it (a method's receiver excluded)? */
static bool parameter_of_function(Interp *in, TSNode name) {
    TSNode def = {0};
    for (TSNode up = parse_parent(name); !ts_node_is_null(up); up = parse_parent(up))
        if (parse_is(up, "function_definition")) {
            def = up;
            break;
        }
    if (ts_node_is_null(def)) return false;
    TSNode params = parse_field(def, "parameters");
    TSNode up = parse_parent(def);
    if (!ts_node_is_null(up) && parse_is(up, "decorated_definition")) up = parse_parent(up);
    bool method = !ts_node_is_null(up) && parse_is(up, "block") &&
                  parse_is(parse_parent(up), "class_definition");
    for (uint32_t i = 0, k = 0, n = ts_node_named_child_count(params); i < n; i++) {
        TSNode p = parse_named_child(params, i);
        if (parse_is(p, "comment")) continue;
        if (k++ == 0 && method) continue;
        TSNode id = parse_param_name(p);
        if (!ts_node_is_null(id) && parse_same_text(in->src, id, name)) return true;
    }
    return false;
}

/* Are the ids (a name) the elements of a parameter of the function, bound by a loop around
 * the positions' loop: for ids, n in reqs, or one part of zip(outputs, reqs)? Each request the
 * caller hands in carries its own context, and the function's result is read per request. */
static bool ids_of_requests(Interp *in, TSNode loop, TSNode ids) {
    while (!ts_node_is_null(loop) && !binds(in->src, parse_field(loop, "left"), ids))
        loop = enclosing_for(loop);
    if (ts_node_is_null(loop)) return false;
    TSNode left = parse_unparen(parse_field(loop, "left"));
    TSNode it = parse_unparen(parse_field(loop, "right"));
    if (parse_is(it, "identifier"))
        return binds(in->src, left, ids) && parameter_of_function(in, it);
    if (!builtin_call(in, it, OP_ZIP) || !is_pattern(left)) return false;
    for (uint32_t k = 0; k < ts_node_named_child_count(left); k++) {
        TSNode part = call_posarg(it, k);
        if (!ts_node_is_null(part) && binds(in->src, parse_named_child(left, k), ids))
            return parse_is(parse_unparen(part), "identifier") &&
                   parameter_of_function(in, parse_unparen(part));
    }
    return false;
}

/* entry = plp[pos] (or entry: Dict = plp[pos]) in the loop's body before `before`: its right
 * side (the last such; id itself when none). */
static TSNode named_value(Interp *in, TSNode loop, TSNode id, TSNode before) {
    TSNode body = parse_field(loop, "body"), value = id;
    if (!parse_is(id, "identifier") || ts_node_is_null(body)) return id;
    for (uint32_t i = 0, n = ts_node_named_child_count(body); i < n; i++) {
        TSNode st = parse_named_child(body, i);
        if (ts_node_start_byte(st) >= ts_node_start_byte(before)) break;
        TSNode a = parse_is(st, "expression_statement") ? parse_named_child(st, 0) : st;
        if (parse_is(a, "assignment") && same_name(in->src, parse_field(a, "left"), id))
            value = parse_unparen(parse_field(a, "right"));
    }
    return value;
}

/* Where the positions start: 0 from the prompt's first, 1 one before a count (x - 1,
 * max(x - 1, 1)), -1 anything else. */
static int start_kind(Interp *in, TSNode start) {
    start = parse_unparen(start);
    long v;
    if (svc_int_literal(in, start, &v)) return v == 0 || v == 1 ? 0 : -1;
    if (parse_is(start, "call") && call_nargs(start) == 2) { /* max(n - 1, 1) */
        TSNode fn = parse_field(start, "function");
        if (!svc_text_eq(in, fn, "max")) return -1;
        long lo;
        TSNode a = call_posarg(start, 0), b = call_posarg(start, 1);
        if (svc_int_literal(in, b, &lo)) return lo <= 1 ? start_kind(in, a) : -1;
        if (svc_int_literal(in, a, &lo)) return lo <= 1 ? start_kind(in, b) : -1;
        return -1;
    }
    if (!parse_is(start, "binary_operator") ||
        !svc_text_eq(in, parse_field(start, "operator"), "-"))
        return -1;
    long one;
    TSNode n = parse_unparen(parse_field(start, "left"));
    return svc_int_literal(in, parse_field(start, "right"), &one) && one == 1 &&
                   !svc_int_literal(in, n, &one)
               ? 1
               : -1;
}

void promptlp_region(Interp *in, TSNode stmt, Fact *picked) {
    unsigned need = FF_STEPWISE | FF_SELECTED | FF_JOINED;
    if ((picked->flags & need) != need || !(picked->kinds & FK_LOGPROB)) return;
    picked->flags |= FF_SLICED; /* unless the loop is one this file reads */
    TSNode v = parse_unparen(parse_field(stmt, "right"));
    if (parse_is(v, "attribute")) v = parse_unparen(parse_field(v, "object"));
    TSNode loop = enclosing_for(stmt);
    if (!parse_is(v, "subscript") || ts_node_is_null(loop)) return;
    TSNode entry = parse_unparen(parse_field(v, "value"));
    TSNode at = parse_unparen(parse_field(v, "subscript")); /* ids[pos] */
    TSNode left = parse_unparen(parse_field(loop, "left"));
    TSNode it = parse_unparen(parse_field(loop, "right"));
    if (!parse_is(at, "subscript")) return;
    TSNode ids = parse_unparen(parse_field(at, "value")), pos = parse_field(at, "subscript");
    int kind;
    if (parse_is(left, "identifier") && builtin_call(in, it, OP_RANGE)) {
        /* plp[pos][ids[pos]] for pos in range(a, b): from a */
        entry = named_value(in, loop, entry, stmt);
        if (!same_name(in->src, pos, left) || !parse_is(entry, "subscript") ||
            !same_name(in->src, parse_field(entry, "subscript"), left))
            return;
        kind = call_nargs(it) == 1 ? 0 : start_kind(in, call_posarg(it, 0));
    } else if (is_pattern(left) && ts_node_named_child_count(left) == 2 &&
               builtin_call(in, it, OP_ENUMERATE) && call_nargs(it) == 1) {
        /* entry[ids[pos]] for pos, entry in enumerate(plp): every entry */
        if (!same_name(in->src, pos, parse_named_child(left, 0)) ||
            !same_name(in->src, entry, parse_named_child(left, 1)))
            return;
        kind = 0;
    } else {
        return;
    }
    if (kind < 0) return;
    picked->flags &= ~FF_SLICED;
    if (kind == 1) picked->mask_flaw = MFLAW_CONTEXT_LAST;
    if (parse_is(ids, "identifier") && ids_of_requests(in, loop, ids)) picked->prompt_rows = 1;
}
