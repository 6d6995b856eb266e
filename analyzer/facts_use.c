/* Evidence from use. A value from a source the analysis cannot see (an ONNX session's run, a C
 * extension, an array loaded from disk) says nothing by itself, and its name is no evidence;
 * but code that normalises it over its last axis (softmax / log_softmax with dim or axis -1)
 * treats it as raw logits over a vocabulary. Such a value is bound as raw logits from the
 * start, so that what else the code does with it (selected and summed without normalising) is
 * judged as for logits of a model call.
 *
 * The uses are found by one walk of the scope (the enclosing function, or the module) the
 * first time a value nothing is known of is bound in it; the names normalised there are kept
 * per scope for the rest of the file's analysis. */
#include <stdlib.h>
#include <string.h>

#include "facts_svc.h"

typedef Array(const char *) NameList; /* NUL-terminated, in the arena */

typedef struct UseScope {
    TSNode scope;
    NameList normalised; /* softmax(x, -1): raw logits */
    NameList sum_to_one; /* allclose(exp(x).sum(-1), 1): log-probs */
    NameList argmaxed;   /* argmax(x, -1), x.argmax(-1): a class (or token) per row */
    NameList iterated;   /* for v in x, zip(.., x, ..), enumerate(x): walked element by element */
    NameList per_row1;   /* x.max(axis=1), x.argmax(1): one value per row read across axis 1 */
    NameList max_last;   /* x.max(-1), x.max(dim=-1): the largest entry of each last-axis row */
} UseScope;

struct FactsUses {
    Array(UseScope) scopes;
    /* target node id -> index + 1 of its scope: the same names are bound again at every run of
     * their function, and finding the enclosing function walks up from the root each time */
    CondMemo scope_of_target;
};

/* dim=want / axis=want, or want as the positional argument at pos. */
static bool axis_is(Interp *in, TSNode args, int pos, long want) {
    uint32_t n = ts_node_named_child_count(args);
    int k = 0;
    for (uint32_t i = 0; i < n; i++) {
        TSNode a = parse_named_child(args, i);
        TSNode v = a;
        if (parse_is(a, "keyword_argument")) {
            TSNode name = parse_field(a, "name");
            if (!svc_text_eq(in, name, "dim") && !svc_text_eq(in, name, "axis")) continue;
            v = parse_field(a, "value");
        } else if (parse_is(a, "comment")) {
            continue;
        } else if (k++ != pos) {
            continue;
        }
        long d;
        return svc_int_literal(in, v, &d) && d == want;
    }
    return false;
}

/* The name at the root of x, x[:, -1], x[0].y: what a normalising call is given. */
static TSNode root_name(TSNode n) {
    for (;;) {
        n = parse_unparen(n);
        if (parse_is(n, "subscript"))
            n = parse_field(n, "value");
        else
            break;
    }
    return parse_is(n, "identifier") ? n : (TSNode){0};
}

static bool listed(Interp *in, const NameList *names, TSNode name) {
    size_t len;
    const char *t = parse_text(in->src, name, &len);
    for (size_t i = 0; i < names->len; i++)
        if (strlen(names->items[i]) == len && !memcmp(names->items[i], t, len)) return true;
    return false;
}

static void note_name(Interp *in, NameList *names, TSNode name) {
    if (ts_node_is_null(name) || listed(in, names, name)) return;
    size_t len;
    const char *t = parse_text(in->src, name, &len);
    array_push(names, arena_strndup(in->arena, t, len));
}

/* Is the call's dim/axis (where its row says) the last axis? */
static bool over_axis(Interp *in, const Callee *u, long want) {
    return u->row->dim_pos >= 0 &&
           axis_is(in, u->args, u->row->dim_pos + (ts_node_is_null(u->recv) ? 1 : 0), want);
}

static bool over_last_axis(Interp *in, const Callee *u) {
    return over_axis(in, u, -1);
}

/* exp(x).sum(-1), x.exp().sum(axis=-1), np.sum(np.exp(x), axis=-1): the x, else null. */
static TSNode exp_summed(Interp *in, TSNode n) {
    Callee sum, e;
    if (!callee_row(in, n, &sum) || sum.row->op != OP_SUM || !over_last_axis(in, &sum))
        return (TSNode){0};
    if (!callee_row(in, callee_operand(&sum, 0), &e) || e.row->op != OP_EXP) return (TSNode){0};
    return root_name(callee_operand(&e, 0));
}

/* 1, 1.0, ones(...), ones_like(...): what a distribution sums to. */
static bool is_one(Interp *in, TSNode n) {
    n = parse_unparen(n);
    if (parse_is(n, "integer") || parse_is(n, "float")) {
        size_t len;
        const char *t = parse_text(in->src, n, &len);
        return (len == 1 && *t == '1') ||
               (len >= 2 && !memcmp(t, "1.", 2) && strspn(t + 2, "0") == len - 2);
    }
    Callee u;
    return callee_row(in, n, &u) && u.row->op == OP_ONES;
}

/* allclose(exp(x).sum(-1), 1), isclose(...), assert_allclose(...): x holds log-probs. */
static void scan_sum_to_one(Interp *in, UseScope *s, const Callee *close) {
    TSNode a = callee_operand(close, 0), b = callee_operand(close, 1);
    if (ts_node_is_null(a) || ts_node_is_null(b)) return;
    TSNode x = is_one(in, b) ? exp_summed(in, a) : is_one(in, a) ? exp_summed(in, b) : (TSNode){0};
    note_name(in, &s->sum_to_one, x);
}

/* x.max(-1) whose indices are read: values, idx = x.max(-1), x.max(-1)[1], x.max(-1).indices
 * (torch's max over a dim gives both): an argmax, a class per row. */
static bool max_indices_read(Interp *in, TSNode call) {
    TSNode up = parse_parent(call);
    while (parse_is(up, "parenthesized_expression"))
        call = up, up = parse_parent(up);
    if (parse_is(up, "attribute"))
        return ts_node_eq(parse_field(up, "object"), call) &&
               svc_text_eq(in, parse_field(up, "attribute"), "indices");
    if (parse_is(up, "subscript")) {
        long k;
        TSNode idx = parse_field(up, "subscript");
        return ts_node_eq(parse_field(up, "value"), call) && ts_node_named_child_count(up) == 2 &&
               svc_int_literal(in, idx, &k) && k == 1;
    }
    TSNode left = parse_field(up, "left");
    return parse_is(up, "assignment") && ts_node_eq(parse_field(up, "right"), call) &&
           (parse_is(left, "pattern_list") || parse_is(left, "tuple_pattern")) &&
           ts_node_named_child_count(left) == 2;
}

/* softmax(x, -1), F.log_softmax(x, dim=-1), x.softmax(-1), x.log_softmax(dim=-1), x.argmax(-1):
 * what the call applies to, by its contract row. */
static void scan_call(Interp *in, UseScope *s, TSNode call) {
    Callee u;
    if (!callee_row(in, call, &u)) return;
    unsigned op = u.row->op;
    if (op == OP_CLOSE)
        scan_sum_to_one(in, s, &u);
    else if (op == OP_ARGMAX && over_last_axis(in, &u))
        note_name(in, &s->argmaxed, root_name(callee_operand(&u, 0)));
    else if (op == OP_MAX && over_last_axis(in, &u)) {
        note_name(in, &s->max_last, root_name(callee_operand(&u, 0)));
        if (max_indices_read(in, call))
            note_name(in, &s->argmaxed, root_name(callee_operand(&u, 0)));
    }
    else if ((op == OP_ARGMAX || op == OP_MAX) && over_axis(in, &u, 1))
        note_name(in, &s->per_row1, root_name(callee_operand(&u, 0)));
    else if (contracts_normalises(op) && over_last_axis(in, &u))
        note_name(in, &s->normalised, root_name(callee_operand(&u, 0)));
    else if (op == OP_ZIP || op == OP_ENUMERATE)
        for (int i = 0; i < 8; i++) {
            TSNode x = parse_unparen(callee_operand(&u, i));
            if (ts_node_is_null(x)) break;
            if (parse_is(x, "identifier")) note_name(in, &s->iterated, x);
        }
}

/* The uses in one scope: nested functions, classes and lambdas are scopes of their own. */
static void scan(Interp *in, UseScope *s, TSNode n, int depth) {
    if (depth > BOUND_MAX_NESTING) return;
    if (depth > 0 && (parse_is(n, "function_definition") || parse_is(n, "class_definition") ||
                      parse_is(n, "lambda")))
        return;
    if (parse_is(n, "call")) scan_call(in, s, n);
    if (parse_is(n, "for_statement") || parse_is(n, "for_in_clause")) {
        TSNode x = parse_unparen(parse_field(n, "right"));
        if (parse_is(x, "identifier")) note_name(in, &s->iterated, x);
    }
    ParseKids k;
    parse_kids_begin(&k, n);
    for (TSNode c; parse_kids_next(&k, &c);)
        scan(in, s, c, depth + 1);
    parse_kids_end(&k);
}

static TSNode scope_of(TSNode n) {
    return parse_enclosing(n, (const char *const[]){"function_definition", "module", NULL});
}

/* The uses of target's scope, found on the first call for that scope. */
static UseScope *scope_uses(Interp *in, TSNode target) {
    if (!parse_is(target, "identifier")) return NULL;
    if (!in->uses) in->uses = arena_alloc(in->arena, sizeof *in->uses);
    int32_t known = *branch_memo_slot(&in->uses->scope_of_target, target.id, NULL);
    if (known) return &in->uses->scopes.items[known - 1];
    TSNode scope = scope_of(target);
    if (ts_node_is_null(scope)) return NULL;
    UseScope *s = NULL;
    for (size_t i = 0; i < in->uses->scopes.len && !s; i++)
        if (ts_node_eq(in->uses->scopes.items[i].scope, scope)) s = &in->uses->scopes.items[i];
    if (!s) {
        array_push(&in->uses->scopes, ((UseScope){.scope = scope}));
        s = &in->uses->scopes.items[in->uses->scopes.len - 1];
        scan(in, s, scope, 0);
    }
    int32_t index = (int32_t)(s - in->uses->scopes.items);
    *branch_memo_slot(&in->uses->scope_of_target, target.id, NULL) = index + 1;
    return s;
}

/* What target's scope does with the name: 1 normalises it, 2 finds it sums to one after
 * exp(), 0 neither or both. */
static int use_of(Interp *in, TSNode target) {
    UseScope *s = scope_uses(in, target);
    if (!s) return 0;
    bool raw = listed(in, &s->normalised, target), lp = listed(in, &s->sum_to_one, target);
    return raw == lp ? 0 : raw ? 1 : 2;
}

Fact uses_evidence(Interp *in, TSNode target, const Fact *value) {
    int use = use_of(in, target);
    if (!use) return fact_unknown();
    Fact f =
        fact_of(use == 1 ? FK_RAW : FK_LOGPROB, value->flags & (FF_LOOPVAR | FF_STEPVAR), target);
    f.ax_last = AX_VOCAB;
    f.head = value->head;
    f.tail = value->tail;
    return f;
}

bool uses_argmax_last(Interp *in, TSNode target) {
    UseScope *s = scope_uses(in, target);
    return s && listed(in, &s->argmaxed, target);
}

/* Probabilities or log-probs as a normaliser left them: a plain tensor, no class picked or
 * reduced yet (what the uses below can still teach a layout of). */
static bool normalised_values(const Fact *probs) {
    return (probs->kinds == FK_LOGPROB || probs->kinds == FK_PROB) && probs->obj == FO_NONE &&
           !(probs->flags & (FF_SELECTED | FF_AGGREGATED));
}

/* probs made by normalising values of unknown layout over a dim given (e->delta) turn out to
 * be [rows, classes]: normalised over axis 0 (or -2), that was the rows. argmaxed: the code
 * reads a class per row off probs (argmax over the last axis), which says so only when the
 * values had rows: a sequence head's output (one row per sequence) or values of rank 2 (an
 * assert said so), or whatever their rank when read across axis 1 (axis1); else the picks
 * probs[rows, ids] said it, of values of unknown rank. */
static void normalised_rows(Interp *in, const Fact *probs, bool argmaxed, bool axis1) {
    if (!normalised_values(probs) || (!argmaxed && probs->ndim >= 0)) return;
    for (size_t i = 0; i < in->facts->events.len; i++) {
        const FactEvent *e = &in->facts->events.items[i];
        if (e->kind != EV_NORMALIZE || e->axis != AX_UNK || !ts_node_eq(e->node, probs->origin))
            continue;
        bool rows = axis1      ? e->in.ndim < 0 || e->in.ndim == 2
                    : argmaxed ? (e->in.pooled && e->in.ndim < 0) || e->in.ndim == 2
                               : e->in.ndim < 0;
        if (!rows) continue;
        if (e->delta != 0 && e->delta != -2) return; /* over the classes (1, -1): right */
        Fact x = e->in;
        fact_set_axes(&x, 2, (AxisKind[]){AX_BATCH, AX_VOCAB});
        svc_emit(in, EV_NORMALIZE, e->op, e->node, x, fact_unknown(), AX_BATCH);
        return;
    }
}

/* lp.gather(1, ids.unsqueeze(1)) of log-probs of unknown rank: the index has the rank of
 * what it picks from (torch's gather, take_along_axis), and token ids on all its axes but the
 * picked one, which it holds at size one: that axis is the vocabulary, the others the index's
 * (a conv model's [B, V, T]). A normaliser given another dim (-1: the positions here) ran over
 * that axis, and is told again with the layout. */
void uses_vocab_gathered(Interp *in, const Fact *probs, int dim, const Fact *ids) {
    int k = ids->ndim;
    if (!normalised_values(probs) || probs->ndim >= 0 || ids->kinds != FK_IDS || k < 2 ||
        dim == FACT_NO_DIM || dim < -k || dim >= k)
        return;
    int g = dim < 0 ? dim + k : dim;
    if (ids->ax[g] != AX_ONE || fact_find_axis(ids, AX_POS) < 0) return;
    for (size_t i = 0; i < in->facts->events.len; i++) {
        const FactEvent *e = &in->facts->events.items[i];
        if (e->kind != EV_NORMALIZE || e->in.ndim >= 0 || !ts_node_eq(e->node, probs->origin))
            continue;
        /* of unknown rank: over the vocabulary assumed last (-1), or over the dim kept */
        int d = e->axis == AX_VOCAB ? -1 : e->axis == AX_UNK ? e->delta : FACT_NO_DIM;
        if (d == FACT_NO_DIM || d < -k || d >= k || (d < 0 ? d + k : d) == g) return;
        Fact x = e->in;
        AxisKind axes[FACT_MAX_DIMS];
        for (int j = 0; j < k; j++)
            axes[j] = j == g ? AX_VOCAB : (AxisKind)ids->ax[j];
        fact_set_axes(&x, k, axes);
        svc_emit(in, EV_NORMALIZE, e->op, e->node, x, fact_unknown(), axes[d < 0 ? d + k : d]);
        return;
    }
}

void uses_rows_picked(Interp *in, const Fact *probs) {
    normalised_rows(in, probs, false, false);
}

/* probs = softmax(scores, dim=0) of scores of rank 2 whose leading axis holds rows (a batch,
 * or a list of per-example vectors stacked: [examples, candidates]) and no axis known to be a
 * vocabulary, and the code then reads one value per row across the last axis: whatever axis 1
 * holds (a model call's batch of candidates, say), the code treats it as the classes, and the
 * softmax ran over the rows. (Of a list stacked per candidate, [candidates, examples], the
 * code reads across axis 0.) The normaliser is told again with that layout. */
static void leading_rows(Interp *in, const Fact *probs) {
    if (!(probs->kinds == FK_LOGPROB || probs->kinds == FK_PROB) || probs->obj != FO_NONE ||
        probs->ndim != 2)
        return;
    for (size_t i = 0; i < in->facts->events.len; i++) {
        const FactEvent *e = &in->facts->events.items[i];
        const Fact *x = &e->in;
        if (e->kind != EV_NORMALIZE || !ts_node_eq(e->node, probs->origin)) continue;
        if (!(x->kinds & (FK_RAW | FK_LOGPROB)) || x->obj != FO_NONE || x->ndim != 2 ||
            x->ax[0] == x->ax[1] || x->ax[1] == AX_VOCAB || e->axis != x->ax[0] ||
            (x->ax[0] != AX_ITEM && x->ax[0] != AX_BATCH))
            return;
        Fact rows = *x;
        TSNode site = e->site; /* (e moves when the list grows) */
        fact_set_axes(&rows, 2, (AxisKind[]){AX_BATCH, AX_VOCAB});
        in->last_event = 0;
        svc_emit(in, EV_NORMALIZE, e->op, e->node, rows, fact_unknown(), AX_BATCH);
        /* another file's softmax, run for a call of this one: reported where it was */
        if (in->last_event) in->facts->events.items[in->last_event - 1].site = site;
        return;
    }
}

void uses_normalised_argmaxed(Interp *in, TSNode target, const Fact *probs) {
    if (parse_is(probs->origin, "call") && probs->ndim == 2) {
        UseScope *s = scope_uses(in, target);
        if (s && (listed(in, &s->argmaxed, target) || listed(in, &s->max_last, target) ||
                  listed(in, &s->per_row1, target)))
            leading_rows(in, probs);
    }
    /* (only what a normaliser made: the scope's walk is not made for every name bound) */
    if (!normalised_values(probs) || !parse_is(probs->origin, "call")) return;
    UseScope *s = scope_uses(in, target);
    if (s && listed(in, &s->argmaxed, target)) normalised_rows(in, probs, true, false);
    /* p.max(axis=1) says p has rows and an axis after them, whatever its rank */
    if (s && listed(in, &s->per_row1, target)) normalised_rows(in, probs, true, true);
}

/* assert x.ndim == k, x.dim() == k, len(x.shape) == k: x has rank k, its axes unknown but
 * the last (a kind it was known to have stays). */
void uses_rank_asserted(Interp *in, TSNode assert_stmt) {
    TSNode cond = parse_named_child(assert_stmt, 0);
    if (!parse_is(cond, "comparison_operator") || ts_node_named_child_count(cond) != 2) return;
    TSNode lhs = parse_unparen(parse_named_child(cond, 0));
    long k;
    if (!svc_int_literal(in, parse_named_child(cond, 1), &k) || k < 1 || k > FACT_MAX_DIMS)
        return;
    size_t oplen;
    const char *op = parse_text(in->src, ts_node_child(cond, 1), &oplen);
    if (oplen != 2 || memcmp(op, "==", 2)) return;
    TSNode x = {0};
    if (parse_is(lhs, "attribute") && svc_text_eq(in, parse_field(lhs, "attribute"), "ndim"))
        x = parse_field(lhs, "object");
    else if (parse_is(lhs, "call")) {
        TSNode fn = parse_field(lhs, "function");
        TSNode arg = parse_named_child(parse_field(lhs, "arguments"), 0);
        if (parse_is(fn, "attribute") && svc_text_eq(in, parse_field(fn, "attribute"), "dim"))
            x = parse_field(fn, "object");
        else if (svc_text_eq(in, fn, "len") && parse_is(arg, "attribute") &&
                 svc_text_eq(in, parse_field(arg, "attribute"), "shape"))
            x = parse_field(arg, "object");
    }
    if (!parse_is(x, "identifier") && !parse_is(x, "attribute")) return;
    Fact f = svc_eval(in, x);
    if (f.ndim >= 0 || f.obj != FO_NONE || !f.kinds) return;
    AxisKind axes[FACT_MAX_DIMS] = {0};
    axes[k - 1] = (AxisKind)f.ax_last;
    fact_set_axes(&f, (int)k, axes);
    svc_bind(in, x, f);
}

/* The softmax EV_NORMALIZE at a node, of an input of unknown rank. */
static const FactEvent *open_normalize(Interp *in, TSNode node) {
    for (size_t i = 0; i < in->facts->events.len; i++) {
        const FactEvent *e = &in->facts->events.items[i];
        if (e->kind == EV_NORMALIZE && e->in.ndim < 0 && ts_node_eq(e->node, node)) return e;
    }
    return NULL;
}

/* top = probs.argmax(-1) of a softmax taken over axis 0 of a model's batch of unknown rank
 * (Fact.batch_first), the result then walked element by element (zip(texts, top)): a class per
 * row, so the array has an axis after the batch and its last one holds the classes; the
 * softmax ran over the rows. (Of a batch of single scores, [B], the argmax over -1 is over the
 * batch itself and gives one number: nothing to walk, and a softmax over the batch is a
 * listwise one.) The normaliser is told again with that layout. */
void uses_rows_argmaxed(Interp *in, TSNode call, const Fact *probs) {
    if (!normalised_values(probs) || probs->ndim >= 0 || !probs->batch_first) return;
    TSNode as = parse_parent(call), top = parse_field(as, "left");
    if (!parse_is(as, "assignment") || !parse_is(top, "identifier")) return;
    UseScope *s = scope_uses(in, top);
    if (!s || !listed(in, &s->iterated, top)) return;
    const FactEvent *e = open_normalize(in, probs->origin);
    if (!e || e->axis != AX_BATCH || !e->in.batch_first || e->in.ax_last != AX_UNK) return;
    Fact x = e->in;
    x.kinds = x.kinds ? x.kinds : FK_RAW; /* what a softmax is given: scores */
    x.ax_last = AX_VOCAB;
    svc_emit(in, EV_NORMALIZE, e->op, e->node, x, fact_unknown(), AX_BATCH);
}

void uses_free(Interp *in) {
    if (!in->uses) return;
    for (size_t i = 0; i < in->uses->scopes.len; i++) {
        array_free(&in->uses->scopes.items[i].normalised);
        array_free(&in->uses->scopes.items[i].sum_to_one);
        array_free(&in->uses->scopes.items[i].argmaxed);
        array_free(&in->uses->scopes.items[i].per_row1);
        array_free(&in->uses->scopes.items[i].max_last);
        array_free(&in->uses->scopes.items[i].iterated);
    }
    array_free(&in->uses->scopes);
    branch_free_memo(&in->uses->scope_of_target);
}
