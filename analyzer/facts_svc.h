/* The interpreter's services (facts_internal.h InterpServices), for transfer code. */
#ifndef LOGITLINT_FACTS_SVC_H
#define LOGITLINT_FACTS_SVC_H

#include "facts_internal.h"

/* What an expression holds (evaluating it: its calls run, its events are emitted). */
static inline Fact svc_eval(Interp *in, TSNode n) {
    return in->svc->eval(in, n);
}
/* Records an event for the rules (kept once per kind, node and what flowed in). */
static inline void svc_emit(Interp *in, EventKind kind, EventOp op, TSNode node, Fact a, Fact b,
                            AxisKind axis) {
    in->svc->emit(in, kind, op, node, a, b, axis);
}
/* Did the call that entered the file of node's code (from another file) hand that code
 * arguments of one of these kinds or flags? What it does to them is then the caller's doing. */
static inline bool svc_handed_in(const Interp *in, TSNode node, unsigned kinds, unsigned flags) {
    for (int d = in->call_depth - 1; d >= 0; d--)
        if (!ts_node_is_null(in->call_sites[d]) && in->call_sites[d].tree != node.tree)
            return (in->call_kinds[d] & kinds) || (in->call_flags[d] & flags);
    return false;
}
/* Records the EV_SELECT of scores x picked at ids; returns what made the picks (for
 * Fact.made_event): that event, unless a caller of another file handed the scores in raw (to
 * normalise them is then that caller's to do). */
static inline uint16_t svc_emit_pick(Interp *in, TSNode node, Fact x, Fact ids, AxisKind axis) {
    in->last_event = 0; /* (none emitted: none made them) */
    svc_emit(in, EV_SELECT, 0, node, x, ids, axis);
    shared_pick_note(in, node, in->last_event);
    return svc_handed_in(in, node, FK_RAW, 0) ? 0 : in->last_event;
}
/* The code at node built what mask m (or labels) covers: records the EV_MASK_MADE and notes it
 * in m (Fact.made_event), for a flaw of that cover to be reported where it was built. */
static inline void svc_mask_made(Interp *in, TSNode node, Fact *m) {
    Fact built = *m;
    built.made_event = 0; /* (one event per place, whatever an earlier pass noted) */
    in->last_event = 0;   /* (none emitted: none made it) */
    svc_emit(in, EV_MASK_MADE, 0, node, built, fact_unknown(), AX_UNK);
    m->made_event = in->last_event;
}
/* -loss at node: a mean loss of every token of its input (labels= the input ids) made a score,
 * taken for a log-likelihood there: records the EV_LOSS_SCORED and notes it in the score
 * (Fact.made_event), for a ranking of such scores to be reported where they were made. */
static inline void svc_loss_scored(Interp *in, TSNode node, Fact *score) {
    if (!(score->kinds & FK_LOSS) || !(score->flags & FF_FULLLABELS) ||
        (score->flags & (FF_PERTOKEN | FF_TRAINED)))
        return;
    Fact made = *score;
    made.made_event = 0; /* (one event per place, whatever an earlier pass noted) */
    in->last_event = 0;
    svc_emit(in, EV_LOSS_SCORED, 0, node, made, fact_unknown(), AX_UNK);
    score->made_event = in->last_event;
}
/* target = f (a name, an attribute, an item, or a pattern to unpack). */
static inline void svc_bind(Interp *in, TSNode target, Fact f) {
    in->svc->bind(in, target, f);
}
/* An integer literal (-1, 2) at n. */
static inline bool svc_int_literal(Interp *in, TSNode n, long *value) {
    return in->svc->int_literal(in, n, value);
}
static inline bool svc_text_eq(Interp *in, TSNode n, const char *s) {
    return in->svc->text_eq(in, n, s);
}
static inline Fact svc_lookup(Interp *in, TSNode ident) {
    return in->svc->lookup(in, ident);
}
/* l op r for a one-character operator, at node. */
static inline Fact svc_binop(Interp *in, TSNode node, char op, Fact l, Fact r) {
    return in->svc->binop(in, node, op, l, r);
}
/* A list of such elements: one axis more in front. */
static inline Fact svc_list_of(Interp *in, Fact elem, TSNode node) {
    return in->svc->list_of(elem, node);
}
/* A scope of its own (a lambda): names bound in it are gone at its end. */
static inline EnvMark svc_scope_begin(Interp *in) {
    return in->svc->scope_begin(in);
}
static inline void svc_scope_end(Interp *in, EnvMark saved) {
    in->svc->scope_end(in, saved);
}
/* Calls a function of this file (interp_call_user). */
static inline Fact svc_call_user(Interp *in, TSNode def, TSNode call_args, const Args *args,
                                 const Fact *self_fact) {
    return in->svc->call_user(in, def, call_args, args, self_fact);
}
static inline TSNode svc_find_method(Interp *in, TSNode cls, const char *name, size_t len) {
    return in->svc->find_method(in, cls, name, len);
}
static inline bool svc_decorated_with(Interp *in, TSNode decorated, const char *name) {
    return in->svc->decorated_with(in, decorated, name);
}
static inline bool svc_item_container(Interp *in, TSNode target, TSNode *container, Fact *fact) {
    return in->svc->item_container(in, target, container, fact);
}
/* The fact bound to the text of n (a name, `self.x`, `obj["k"]`); *found says whether any is. */
static inline Fact svc_lookup_key(Interp *in, TSNode n, bool *found) {
    return in->svc->lookup_key(in, n, found);
}
/* The text of a plain string literal ("logits", 'probs'), NULL for anything else. */
static inline const char *svc_string_key(Interp *in, TSNode node, size_t *len) {
    return in->svc->string_key(in, node, len);
}
/* Rebinds the text of n where it is bound (this frame or the module); false if it is not. */
static inline bool svc_rebind(Interp *in, TSNode n, Fact f) {
    return in->svc->rebind(in, n, f);
}
/* Runs one statement (project.c: another module's top level). */
static inline void svc_exec_stmt(Interp *in, TSNode stmt) {
    in->svc->exec_stmt(in, stmt);
}

#endif
