/* Recurrent layers: the layout of what torch's recurrent cells (LSTMCell, GRUCell, RNNCell) and
 * sequence layers (LSTM, GRU, RNN) return, and of a head's scores over it. A cell's state is
 * [batch, hidden], or one example's [hidden]; a sequence layer's output is [steps, batch, hidden]
 * ([batch, steps, hidden] with batch_first=True), or one sequence's [steps, hidden]. Which one
 * is not known at the call: the rank is known once the code indexes all the axes of the batched
 * form (state[:, k:], out[:, :, k:], which the unbatched one has no room for), and only then is
 * the batch axis claimed (Fact.recurrent; op and op_dim say the layer and its batch axis). The
 * steps axis stays of unknown kind: attention over steps is no error. */
#include "facts_xfer.h"

Fact recurrent_layer(Interp *in, TSNode node, const Contract *t, const Args *a) {
    Fact c = fact_object(FO_CALLABLE, 0, node);
    c.op = t->op;
    c.op_dim = t->op == OP_RECURRENT_SEQ && !args_truthy(in, a, "batch_first") ? 1 : 0;
    c.num = t->op == OP_RECURRENT_CELL && t->name[0] == 'L' ? 2 : 1; /* LSTMCell: (h, c) */
    return c;
}

static TSNode enclosing_class(TSNode n) {
    for (TSNode p = parse_parent(n); !ts_node_is_null(p); p = parse_parent(p))
        if (parse_is(p, "class_definition")) return p;
    return (TSNode){0};
}

/* The value of the first `self.<attr> = value` in the class's own methods. */
static TSNode own_assignment(Interp *in, TSNode n, TSNode attr, int depth) {
    if (ts_node_is_null(n) || depth > 40) return (TSNode){0};
    if (depth > 0 && parse_is(n, "class_definition")) return (TSNode){0};
    if (parse_is(n, "assignment")) {
        TSNode left = parse_field(n, "left");
        if (parse_is(left, "attribute") && svc_text_eq(in, parse_field(left, "object"), "self") &&
            parse_same_text(in->src, parse_field(left, "attribute"), attr))
            return parse_field(n, "right");
        return (TSNode){0};
    }
    for (uint32_t i = 0; i < ts_node_named_child_count(n); i++) {
        TSNode v = own_assignment(in, parse_named_child(n, i), attr, depth + 1);
        if (!ts_node_is_null(v)) return v;
    }
    return (TSNode){0};
}

/* self.rnn(x) in a class other than the one whose constructor made the layer the file's
 * `self.rnn` holds (two classes of a file each with its own self.rnn): the layer this class
 * assigns itself, if it does; else none is claimed. */
static bool own_layer(Interp *in, TSNode call, Fact *layer) {
    TSNode here = enclosing_class(call), made = enclosing_class(layer->origin);
    if (ts_node_is_null(here) || ts_node_eq(here, made)) return true;
    TSNode fn = parse_field(call, "function");
    if (!parse_is(fn, "attribute") || !svc_text_eq(in, parse_field(fn, "object"), "self"))
        return false;
    TSNode value = own_assignment(in, parse_field(here, "body"), parse_field(fn, "attribute"), 0);
    if (!parse_is(value, "call")) return false;
    Fact own = svc_eval(in, value);
    if (own.obj != FO_CALLABLE || (own.op != OP_RECURRENT_CELL && own.op != OP_RECURRENT_SEQ))
        return false;
    *layer = own;
    return true;
}

/* cell(x, state): the new state(s); layer(x): (output, final state) with the output's layout. */
Fact recurrent_apply(Interp *in, TSNode node, Fact layer, const Fact *x) {
    if (!own_layer(in, node, &layer)) return fact_unknown();
    Fact out = fact_of(FK_NUM, x->flags & (FF_LOOPVAR | FF_STEPVAR), node);
    out.recurrent = true;
    out.op = layer.op;
    out.op_dim = layer.op_dim;
    if (layer.op == OP_RECURRENT_CELL && layer.num < 2) return out;
    Fact r = fact_object(FO_TUPLE, 0, node);
    r.elems = arena_alloc(in->arena, 2 * sizeof(Fact));
    r.elems[0] = out;
    r.elems[1] = layer.op == OP_RECURRENT_CELL ? out : fact_unknown(); /* h_n: not followed */
    r.nelems = 2;
    return r;
}

/* head(x) with x a recurrent layer's whole output: scores over the head's out features, at x's
 * batch and steps. */
void recurrent_head(Fact *scores, const Fact *x) {
    int rank = fact_recurrent_rank(x);
    if (!rank || (x->ndim >= 0 && x->ndim != rank)) return; /* a part of it: not claimed */
    scores->recurrent = true;
    scores->op = x->op;
    scores->op_dim = x->op_dim;
    scores->ax_last = AX_VOCAB;
    if (x->ndim != rank) return;
    AxisKind axes[3];
    for (int i = 0; i < rank; i++)
        axes[i] = (AxisKind)x->ax[i];
    axes[rank - 1] = AX_VOCAB;
    fact_set_axes(scores, rank, axes);
}

/* scores.view(-1, k) of a cell's [batch, features] (the rows cut into rows of k when k is less
 * than the features), scores.view(T, B, k) of a sequence layer's [T, B, features]: the rows and
 * steps stay where they were, over k of the features. Sizes -1 or literal elsewhere than in
 * front of a cell's state may move the axes: not kept. */
bool recurrent_reshape_keeps(Interp *in, const Fact *x, const Args *a, int first) {
    int rank = fact_recurrent_rank(x), n = a->npos - first;
    long d;
    if (!rank || x->ndim != rank || n != rank || a->nkw || a->splatted ||
        x->ax[rank - 1] != AX_VOCAB)
        return false;
    for (int i = 0; i < n; i++) {
        bool literal = svc_int_literal(in, a->pos[first + i], &d);
        bool rows = rank == 2 && i == 0 && literal && d == -1;
        if (literal && !rows) return false;
    }
    return true;
}
