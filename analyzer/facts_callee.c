/* facts_callee: a call's contract row read from its text, evaluating nothing, for the scans that
 * read code ahead of the interpretation or beside it (the evidence from use, a loop body in
 * program order, the index of a selection). The callee resolves as the call dispatch
 * (facts_call.c) resolves it: a library function by the qualified name the file's imports give
 * it, a method of any other receiver taken for a tensor's. */
#include "facts_svc.h"

/* The qualified name the file's imports give a callee (F.softmax: torch.nn.functional.softmax),
 * as the main analysis resolves it; NULL when its root is no module (a value, a function of
 * this file, a name bound nowhere). */
static const char *callee_qual(Interp *in, TSNode fn) {
    if (parse_is(fn, "identifier")) {
        Fact f = svc_lookup(in, fn);
        return f.obj == FO_MODULE ? f.qual : NULL;
    }
    if (!parse_is(fn, "attribute")) return NULL;
    const char *base = callee_qual(in, parse_field(fn, "object"));
    if (!base) return NULL;
    size_t len;
    const char *attr = parse_text(in->src, parse_field(fn, "attribute"), &len);
    return arena_dotted(in->arena, base, attr, len);
}

bool callee_row(Interp *in, TSNode call, Callee *c) {
    *c = (Callee){0};
    call = parse_unparen(call);
    c->args = parse_field(call, "arguments");
    if (!parse_is(call, "call") || !parse_is(c->args, "argument_list")) return false;
    TSNode fn = parse_field(call, "function");
    const char *qual = callee_qual(in, fn);
    if (qual) {
        c->row = contracts_func(qual);
    } else if (parse_is(fn, "attribute")) {
        size_t len;
        const char *name = parse_text(in->src, parse_field(fn, "attribute"), &len);
        c->row = contracts_method(FORM_TENSOR, name, len);
        c->recv = parse_field(fn, "object");
    }
    return c->row != NULL;
}

TSNode callee_operand(const Callee *c, uint32_t k) {
    if (!ts_node_is_null(c->recv)) {
        if (k == 0) return c->recv;
        k--;
    }
    return k < ts_node_named_child_count(c->args) ? parse_named_child(c->args, k) : (TSNode){0};
}

bool callee_reads_at(Interp *in, const Callee *c, TSNode arg, int pos, const char *keyword) {
    TSNode up = parse_parent(arg);
    if (parse_is(up, "keyword_argument"))
        return keyword && ts_node_eq(parse_field(up, "value"), arg) &&
               svc_text_eq(in, parse_field(up, "name"), keyword);
    if (pos < 0 || !ts_node_eq(up, c->args)) return false;
    int k = pos + (ts_node_is_null(c->recv) ? 1 : 0); /* a function's first argument: its x */
    uint32_t n = ts_node_named_child_count(c->args);
    for (uint32_t i = 0; i < n; i++) {
        TSNode a = parse_named_child(c->args, i);
        if (parse_is(a, "keyword_argument") || parse_is(a, "comment")) continue;
        if (parse_is(a, "list_splat") || parse_is(a, "dictionary_splat")) return false;
        if (k-- == 0) return ts_node_eq(a, arg);
    }
    return false;
}
