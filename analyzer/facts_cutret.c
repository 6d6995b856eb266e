/* facts_cutret: what a call cut by the depth bound still returns.
 *
 * Calls nest deeper than FACTS_MAX_CALL_DEPTH in ordinary training code (main -> trainer.fit
 * -> self._step -> model.forward -> self.head(x)), and the cut call gives nothing. But a callee
 * whose every return is a softmax (log_softmax) over the last axis of what it computed,
 * `return torch.softmax(self.out_proj(x), dim=-1)`, returns probabilities (log-probabilities)
 * whatever it was given: that much holds without running it. Nothing else is concluded.
 *
 * A small leaf (it calls none of its module's functions, loglikelihood -> self._encode_pair
 * building the ids) is run instead, one call past the bound: that costs one short body, and
 * nothing it calls runs nested. */
#include "facts_svc.h"

enum { CUTRET_DEPTH = 64, LEAF_MAX_NODES = 256 };

/* dim=-1 / axis=-1, or -1 as the positional argument at pos (a method's: after its receiver's
 * place). An absent dim is no evidence (torch's implicit dim is not always the last). */
static bool over_last_axis(Interp *in, const Callee *u) {
    if (u->row->dim_pos < 0) return false;
    int pos = u->row->dim_pos + (ts_node_is_null(u->recv) ? 1 : 0), k = 0;
    ParseKids kids;
    parse_kids_begin(&kids, u->args);
    bool last = false;
    for (TSNode a; parse_kids_next(&kids, &a);) {
        TSNode v = a;
        if (parse_is(a, "keyword_argument")) {
            TSNode name = parse_field(a, "name");
            if (!svc_text_eq(in, name, "dim") && !svc_text_eq(in, name, "axis")) continue;
            v = parse_field(a, "value");
        } else if (parse_is(a, "comment") || k++ != pos) {
            continue;
        }
        long d;
        last = svc_int_literal(in, v, &d) && d == -1;
        break;
    }
    parse_kids_end(&kids);
    return last;
}

/* What decides a cut call's result, in the order a walk of its body meets them: its returns,
 * up to the first yield or node too deep. Found once per function (the walk of a long body was
 * 2% of a run's instructions, at every cut call of it); only the returns' values are looked at
 * again, against its module's names as they are then. */
typedef enum { STOP_RETURN, STOP_OTHER, STOP_END } StopKind;
struct CutretStop {
    TSNode at; /* the return statement */
    StopKind kind;
};

static bool list_stops(Interp *in, TSNode n, int depth) {
    if (depth > CUTRET_DEPTH || parse_is(n, "yield")) {
        array_push(&in->cutret_stops, ((struct CutretStop){n, STOP_OTHER}));
        return false;
    }
    if (depth > 0 && (parse_is(n, "function_definition") || parse_is(n, "class_definition") ||
                      parse_is(n, "lambda")))
        return true;
    if (parse_is(n, "return_statement")) {
        array_push(&in->cutret_stops, ((struct CutretStop){n, STOP_RETURN}));
        return true;
    }
    ParseKids k;
    parse_kids_begin(&k, n);
    bool more = true;
    for (TSNode c; more && parse_kids_next(&k, &c);)
        more = list_stops(in, c, depth + 1);
    parse_kids_end(&k);
    return more;
}

static size_t stops_of(Interp *in, TSNode def) {
    int32_t known = *branch_memo_slot(&in->stops_at, def.id, NULL);
    if (known) return (size_t)known - 1;
    size_t first = in->cutret_stops.len;
    list_stops(in, parse_field(def, "body"), 1);
    array_push(&in->cutret_stops, ((struct CutretStop){.kind = STOP_END}));
    *branch_memo_slot(&in->stops_at, def.id, NULL) = (int32_t)first + 1;
    return first;
}

typedef struct {
    unsigned op; /* OP_SOFTMAX or OP_LOG_SOFTMAX of every return so far (0: none yet) */
    TSNode at;   /* the last such call */
    bool other;  /* a return of anything else, a bare return, or a yield */
} Returns;

static void take_return(Interp *in, TSNode n, Returns *r) {
    TSNode v = ts_node_named_child_count(n) ? parse_named_child(n, 0) : (TSNode){0};
    Callee u;
    bool normaliser = !ts_node_is_null(v) && callee_row(in, v, &u) &&
                      (u.row->op == OP_SOFTMAX || u.row->op == OP_LOG_SOFTMAX) &&
                      (!r->op || r->op == u.row->op) && over_last_axis(in, &u);
    if (!normaliser) {
        r->other = true;
        return;
    }
    r->op = u.row->op;
    r->at = parse_unparen(v);
}

Fact cutret_of(Interp *in, TSNode def) {
    if (!parse_is(def, "function_definition")) return fact_unknown();
    ProjectCtx module;
    Frame *caller = in->frame;
    project_enter(in, def, (TSNode){0}, &module); /* its names are its module's */
    in->frame = in->module;
    Returns r = {0};
    for (size_t i = stops_of(in, def); !r.other; i++) {
        struct CutretStop stop = in->cutret_stops.items[i]; /* (the list may grow: a copy) */
        if (stop.kind == STOP_END) break;
        if (stop.kind == STOP_OTHER)
            r.other = true;
        else
            take_return(in, stop.at, &r);
    }
    project_leave(in, &module);
    in->frame = caller;
    if (r.other || !r.op) return fact_unknown();
    bool log = r.op == OP_LOG_SOFTMAX;
    return fact_of(log ? FK_LOGPROB : FK_PROB, log ? 0 : FF_SOFTMAX, r.at);
}

/* The nodes of n left to look at in *room; false at a call of one of the module's functions
 * (or a definition nested in it), or when n is bigger than the room. */
static bool calls_nothing_of_its_module(Interp *in, TSNode n, int *room) {
    if (--*room < 0) return false;
    if (parse_is(n, "function_definition") || parse_is(n, "class_definition") ||
        parse_is(n, "lambda"))
        return false;
    if (parse_is(n, "call")) {
        TSNode fn = parse_field(n, "function");
        if (parse_is(fn, "attribute")) fn = parse_field(fn, "attribute");
        size_t len;
        const char *name = parse_is(fn, "identifier") ? parse_text(in->src, fn, &len) : NULL;
        if (name && funcs_find(in, name, len)) return false;
    }
    ParseKids k;
    parse_kids_begin(&k, n);
    bool leaf = true;
    for (TSNode c; leaf && parse_kids_next(&k, &c);)
        leaf = calls_nothing_of_its_module(in, c, room);
    parse_kids_end(&k);
    return leaf;
}

/* Asked at every call that reaches the depth bound, of the same few functions: the answer is
 * the def's own (its module's function index does not change once built), kept per def. */
bool cutret_leaf(Interp *in, TSNode def) {
    if (!parse_is(def, "function_definition")) return false;
    int32_t known = *branch_memo_slot(&in->leaf_defs, def.id, NULL);
    if (known) return known > 0;
    ProjectCtx module;
    bool left_home = in->left_home; /* looking runs nothing: the caller's summary still holds */
    project_enter(in, def, (TSNode){0}, &module); /* its module's functions */
    int room = LEAF_MAX_NODES;
    bool leaf = calls_nothing_of_its_module(in, parse_field(def, "body"), &room);
    project_leave(in, &module);
    in->left_home = left_home;
    *branch_memo_slot(&in->leaf_defs, def.id, NULL) = leaf ? 1 : -1;
    return leaf;
}
