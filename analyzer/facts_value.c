/* Operations on facts: construction, join, axis bookkeeping. */
#include "facts_internal.h"

_Static_assert(sizeof(Fact) == 160, "a Fact is copied by value everywhere: it stays 160 bytes");

Fact fact_unknown(void) {
    Fact f;
    memset(&f, 0, sizeof f);
    f.ndim = -1;
    f.op_dim = FACT_NO_DIM;
    return f;
}

Fact fact_bottom(void) {
    Fact f = fact_unknown();
    f.bottom = true;
    return f;
}

Fact fact_of(unsigned kinds, unsigned flags, TSNode origin) {
    Fact f = fact_unknown();
    f.kinds = (uint16_t)kinds;
    f.flags = flags;
    f.origin = origin;
    return f;
}

Fact fact_module(const char *qual) {
    Fact f = fact_unknown();
    f.obj = FO_MODULE;
    f.qual = qual;
    return f;
}

Fact fact_object(FactObject obj, unsigned flags, TSNode origin) {
    Fact f = fact_of(0, flags, origin);
    f.obj = (uint8_t)obj;
    return f;
}

Fact fact_pair(Arena *arena, Fact a, Fact b, TSNode node) {
    Fact pair = fact_object(FO_TUPLE, 0, node);
    pair.elems = arena_alloc(arena, 2 * sizeof(Fact));
    pair.elems[0] = a;
    pair.elems[1] = b;
    pair.nelems = 2;
    return pair;
}

void fact_set_axes(Fact *f, int ndim, const AxisKind *axes) {
    f->ndim = (int8_t)(ndim > FACT_MAX_DIMS ? -1 : ndim);
    for (int i = 0; i < ndim && i < FACT_MAX_DIMS; i++)
        f->ax[i] = (uint8_t)axes[i];
    f->ax_last = ndim > 0 && ndim <= FACT_MAX_DIMS ? (uint8_t)axes[ndim - 1] : AX_UNK;
    f->bare_lm = false; /* the rank is known now */
}

static bool same_axes(const Fact *a, const Fact *b) {
    if (a->ndim != b->ndim) return false;
    for (int i = 0; i < a->ndim; i++)
        if (a->ax[i] != b->ax[i]) return false;
    return true;
}

bool fact_knows_nothing(const Fact *f) {
    return !f->bottom && !f->kinds && f->obj == FO_NONE && f->ndim < 0 && !(f->flags & FF_OPAQUE);
}

bool fact_informs_dict(const Fact *v) {
    if ((v->kinds & ~FK_NUM) || v->obj != FO_NONE) return true;
    /* a switch (output_scores=True): what a call handed the dict then does */
    return (v->flags & FF_CONST) && !ts_node_is_null(v->origin) &&
           (parse_is(v->origin, "true") || parse_is(v->origin, "false"));
}

bool fact_made_list(const Fact *f) {
    if (!fact_knows_nothing(f) || ts_node_is_null(f->origin)) return false;
    if (parse_is(f->origin, "list")) return ts_node_named_child_count(f->origin) >= 2;
    return parse_is(f->origin, "list_comprehension") || parse_is(f->origin, "generator_expression");
}

bool fact_key_is(const char *key, const char *s, size_t len) {
    return key && strlen(key) == len && !memcmp(key, s, len);
}

const Fact *fact_field(const Fact *f, const char *name, size_t len) {
    if (f->obj != FO_DICT && f->obj != FO_INSTANCE && f->obj != FO_ENCODING) return NULL;
    for (int i = 0; i < f->nelems; i++)
        if (fact_key_is(f->keys[i], name, len)) return &f->elems[i];
    return NULL;
}

/* Is the field last set on obj key, alone of its name, with a value equal to value? Setting it
 * again changes nothing (the copy it would make is equal to obj). */
static bool last_field_is(const Fact *obj, const char *key, size_t len, const Fact *value) {
    int last = obj->nelems - 1;
    if (last < 0 || !fact_key_is(obj->keys[last], key, len) ||
        !fact_identical(&obj->elems[last], value))
        return false;
    for (int i = 0; i < last; i++)
        if (fact_key_is(obj->keys[i], key, len)) return false;
    return true;
}

Fact fact_with_field(Arena *arena, Fact obj, const char *key, size_t len, Fact value) {
    if (last_field_is(&obj, key, len, &value)) return obj; /* set again to what it holds */
    Fact *elems = arena_alloc(arena, sizeof(Fact) * (size_t)(obj.nelems + 1));
    const char **keys = arena_alloc(arena, sizeof(char *) * (size_t)(obj.nelems + 1));
    int n = 0;
    for (int i = 0; i < obj.nelems; i++)
        if (!fact_key_is(obj.keys[i], key, len)) {
            elems[n] = obj.elems[i];
            keys[n++] = obj.keys[i];
        }
    elems[n] = value;
    keys[n++] = arena_strndup(arena, key, len);
    obj.elems = elems;
    obj.keys = keys;
    obj.nelems = n;
    return obj;
}

static bool same_pos(FactPos a, FactPos b) {
    return a.sym == b.sym && a.c == b.c && a.end == b.end;
}

/* Field by field, elements included: two facts that compare equal behave the same everywhere
 * (stale axes past ndim included, since some transfers read them). */
bool fact_same(const Fact *a, const Fact *b) {
    if (a->kinds != b->kinds || a->flags != b->flags || a->obj != b->obj || a->ndim != b->ndim ||
        memcmp(a->ax, b->ax, sizeof a->ax) != 0 || a->ax_last != b->ax_last ||
        a->bottom != b->bottom || a->op != b->op || a->op_dim != b->op_dim || a->num != b->num ||
        a->agg_event != b->agg_event || !ts_node_eq(a->origin, b->origin) ||
        !ts_node_eq(a->def, b->def) || a->nelems != b->nelems || !same_pos(a->head, b->head) ||
        !same_pos(a->tail, b->tail) || a->pad != b->pad || a->pad_what != b->pad_what ||
        a->pad_nd != b->pad_nd || a->pad_c != b->pad_c || a->fill != b->fill ||
        a->fill_end != b->fill_end || a->fill_cov != b->fill_cov || a->fill_pad != b->fill_pad ||
        a->prompt_in != b->prompt_in || a->pads_ignored != b->pads_ignored ||
        a->prefix_ignored != b->prefix_ignored || a->mask_flaw != b->mask_flaw ||
        a->token_ratio != b->token_ratio || a->prompt_rows != b->prompt_rows ||
        a->floored != b->floored || a->class_column != b->class_column ||
        a->specials != b->specials || a->rows != b->rows || a->rows_parts != b->rows_parts ||
        a->log_event != b->log_event || a->made_event != b->made_event)
        return false;
    if (a->qual != b->qual && (!a->qual || !b->qual || strcmp(a->qual, b->qual) != 0)) return false;
    if ((a->keys == NULL) != (b->keys == NULL)) return false;
    for (int i = 0; i < a->nelems; i++) {
        if (a->keys) {
            const char *ka = a->keys[i], *kb = b->keys[i];
            if (ka != kb && (!ka || !kb || strcmp(ka, kb) != 0)) return false;
        }
        if (a->elems != b->elems && !fact_same(&a->elems[i], &b->elems[i])) return false;
    }
    return true;
}

bool fact_identical(const Fact *a, const Fact *b) {
    return a->records == b->records && a->causal == b->causal && a->one_text == b->one_text &&
           a->choices == b->choices && a->pooled == b->pooled && a->recurrent == b->recurrent &&
           a->bare_lm == b->bare_lm && a->batch_first == b->batch_first && fact_same(a, b);
}

/* The arrays of facts are never written once built, so a join that gives back what a path
 * held shares its array: a re-run arm, a loop's next pass or a join repeated for paths that
 * left the value alone allocates nothing. *out: a copy of a's n elements (cap of room), made
 * the first time a joined element i differs from a's. */
static void join_elem(Arena *arena, Fact **out, const Fact *a, int i, const Fact *other, int cap) {
    Fact j = fact_join(arena, a->elems[i], *other);
    if (!*out && fact_identical(&j, &a->elems[i])) return;
    if (!*out) {
        *out = arena_alloc(arena, sizeof(Fact) * (size_t)(cap ? cap : 1));
        memcpy(*out, a->elems, sizeof(Fact) * (size_t)a->nelems);
    }
    (*out)[i] = j;
}

/* A dict or an object whose fields differ between two paths (a field set inside a loop, a
 * key added in a branch): every field either path has, a field one path lacks being nothing
 * yet on that path. Keys that are no string literal cannot be matched: the value is lost. */
static Fact join_fields(Arena *arena, Fact r, const Fact *a, const Fact *b) {
    for (int i = 0; i < a->nelems; i++)
        if (!a->keys || !a->keys[i]) return r.obj = FO_NONE, r;
    for (int i = 0; i < b->nelems; i++)
        if (!b->keys || !b->keys[i]) return r.obj = FO_NONE, r;
    int extra = 0; /* b's fields a lacks: after a's, in b's order */
    for (int i = 0; i < b->nelems; i++)
        extra += !fact_field(a, b->keys[i], strlen(b->keys[i]));
    int cap = a->nelems + extra;
    Fact *elems = NULL;
    for (int i = 0; i < a->nelems; i++) {
        const Fact *other = fact_field(b, a->keys[i], strlen(a->keys[i]));
        if (other) join_elem(arena, &elems, a, i, other, cap);
    }
    r.keys = a->keys;
    r.nelems = a->nelems;
    r.elems = elems ? elems : a->elems;
    if (!extra && a->keys) return r; /* a keyless a (no fields) joins into an array of keys */
    if (!elems) {
        r.elems = arena_alloc(arena, sizeof(Fact) * (size_t)(cap ? cap : 1));
        if (a->nelems) memcpy(r.elems, a->elems, sizeof(Fact) * (size_t)a->nelems);
    }
    r.keys = arena_alloc(arena, sizeof(char *) * (size_t)(cap ? cap : 1));
    if (a->nelems) memcpy(r.keys, a->keys, sizeof(char *) * (size_t)a->nelems);
    for (int i = 0; i < b->nelems; i++)
        if (!fact_field(a, b->keys[i], strlen(b->keys[i]))) {
            r.keys[r.nelems] = b->keys[i];
            r.elems[r.nelems++] = b->elems[i];
        }
    return r;
}

/* Two dicts (or tuples: no keys) with the same keys in the same order. */
static bool same_keys(const Fact *a, const Fact *b) {
    if (!a->keys || !b->keys) return a->keys == b->keys;
    for (int i = 0; i < a->nelems; i++)
        if (!a->keys[i] || !b->keys[i] || strcmp(a->keys[i], b->keys[i]) != 0) return false;
    return true;
}

/* A list of one position's values (or a list of such lists), built by appending. */
static bool steps_list(const Fact *f) {
    int i = f->ndim >= 2 && f->ax[0] == AX_ITEM ? 1 : 0;
    return f->ndim > i && f->ax[i] == AX_STEP;
}

/* A list of arrays made by appending them (facts_builtins.c). */
static bool items_list(const Fact *f) {
    return f->ndim >= 2 && f->ax[0] == AX_ITEM;
}

bool fact_pads_hold_id(const Fact *f) {
    if (f->obj != FO_NONE || !(f->kinds & FK_IDS) || (f->kinds & ~FK_IDS)) return false;
    return ((f->flags & FF_PADDED) && !f->fill) || (f->fill_pad && f->fill_cov == REG_PREFIX);
}

/* Token ids of a padded batch nothing was written over since: their pads hold the pad id. */
static bool pads_unwritten(const Fact *f) {
    return fact_pads_hold_id(f) && !(f->flags & FF_MASKED);
}

const Fact *fact_last_module(const Fact *list) {
    bool known = list->obj == FO_CALLABLE && list->nelems == 1 && list->elems;
    return known && list->elems[0].obj == FO_CALLABLE ? &list->elems[0] : NULL;
}

Fact fact_modules_ending(Arena *arena, Fact list, Fact last) {
    bool empty = list.obj == FO_NONE && !list.kinds && list.ndim == 1 && list.ax[0] == AX_ITEM;
    if (last.obj != FO_CALLABLE || (!empty && list.obj != FO_CALLABLE)) return fact_unknown();
    Fact r = empty ? last : fact_join(arena, list, last);
    r.elems = arena_alloc(arena, sizeof(Fact));
    r.elems[0] = last;
    r.elems[0].elems = NULL; /* the module itself, not a list */
    r.elems[0].nelems = 0;
    r.nelems = 1;
    return r;
}

Fact fact_list_extended(Arena *arena, Fact list, Fact xs) {
    const Fact *last = fact_last_module(&xs);
    return last ? fact_modules_ending(arena, list, *last) : fact_join(arena, list, xs);
}

Fact fact_join(Arena *arena, Fact a, Fact b) {
    if (a.bottom) return b;
    if (b.bottom) return a;
    Fact r = a;
    r.kinds = a.kinds | b.kinds;
    /* A path where the value is nothing yet (lst = [] before the loop that appends to it)
     * says nothing of what was done to what the other path holds. */
    bool a_empty = !a.kinds && a.obj == FO_NONE, b_empty = !b.kinds && b.obj == FO_NONE;
    unsigned must = a_empty && !b_empty   ? b.flags
                    : b_empty && !a_empty ? a.flags
                                          : a.flags & b.flags;
    r.flags = ((a.flags | b.flags) & ~FF_MUST_FLAGS) | (must & FF_MUST_FLAGS);
    if (!(a.flags & b.flags & FF_CONST) || a.num != b.num) r.flags &= ~FF_CONST;
    /* summed by one code on every path that holds a value (a list's [] before the loop that
     * appends means to it holds none) */
    if (a.agg_event != b.agg_event) r.agg_event = a_empty ? b.agg_event : b_empty ? a.agg_event : 0;
    if (!a.log_event) r.log_event = b.log_event; /* a use on either path is a use */
    /* made by one code on every path that holds a value */
    if (a.made_event != b.made_event)
        r.made_event = a_empty ? b.made_event : b_empty ? a.made_event : 0;
    /* the flaw r keeps (a's mask flaw) is where a's code made it (a buffer of such labels after
     * the loop that wrote them, joined with the buffer before it) */
    if (a.mask_flaw && a.mask_flaw != b.mask_flaw) r.made_event = a.made_event;
    /* a classifier's head on every path ([] before the loop appending its rows is none) */
    bool a_list0 = a_empty && a.ndim == 1 && a.ax[0] == AX_ITEM;
    bool b_list0 = b_empty && b.ndim == 1 && b.ax[0] == AX_ITEM;
    r.pooled = a_list0 ? b.pooled : b_list0 ? a.pooled : a.pooled && b.pooled;
    r.prompt_in = a.prompt_in && b.prompt_in;    /* a mask of the pads only on every path */
    r.pads_ignored = a.pads_ignored && b.pads_ignored; /* the pads only, on every path */
    r.token_ratio = a.token_ratio && b.token_ratio;    /* a log-ratio on every path */
    r.prompt_rows = a.prompt_rows || b.prompt_rows;    /* some rows of their own prompts */
    r.floored = a.floored && b.floored;                /* on every path (LL103) */
    r.class_column = a.class_column && b.class_column;
    /* the pads hold the pad id on every path: a path that wrote nothing yet keeps them too (a
     * loop's entry joined with its body writing each row's prompt) */
    r.prefix_ignored = (a.prefix_ignored || b.prefix_ignored) &&
                       (a.prefix_ignored || pads_unwritten(&a)) &&
                       (b.prefix_ignored || pads_unwritten(&b));
    r.specials = a.specials == b.specials ? a.specials : SP_UNKNOWN; /* the same on every path */
    if (a.rows != b.rows || a.rows_parts != b.rows_parts) r.rows = r.rows_parts = 0;
    if (!ts_node_is_null(b.origin) && ts_node_is_null(a.origin)) r.origin = b.origin;
    /* nor of its layout: [] joined with the list a loop appended one position's value (or
     * an array) to at a time is that list */
    bool a_nil = a_list0 && (steps_list(&b) || items_list(&b));
    bool b_nil = b_list0 && (steps_list(&a) || items_list(&a));
    if (a_nil) {
        r.ndim = b.ndim;
        memcpy(r.ax, b.ax, sizeof r.ax);
        r.ax_last = b.ax_last;
    } else if (!b_nil && !same_axes(&a, &b)) { /* b_nil: r has a's axes already */
        r.ndim = -1;
        r.ax_last = a.ax_last == b.ax_last ? a.ax_last : AX_UNK;
    }
    if (a.obj != b.obj) {
        /* An object on one path and a plain value on the other: keep the object. */
        if (a.obj == FO_NONE && !a.kinds) {
            uint16_t kinds = r.kinds;
            uint32_t flags = r.flags;
            r = b;
            r.kinds = kinds;
            r.flags = flags;
        } else if (either_is_code(&a) && either_is_code(&b)) {
            r = either_join(arena, r, &a, &b);
        } else if (!(b.obj == FO_NONE && !b.kinds))
            r.obj = FO_NONE;
    } else if (a.obj == FO_EITHER) {
        r = either_join(arena, r, &a, &b);
    } else if (a.obj == FO_MODULE && a.qual && b.qual && strcmp(a.qual, b.qual) != 0) {
        r.obj = FO_NONE;
    } else if (a.obj == FO_CALLABLE && (a.nelems || b.nelems)) {
        /* lists of modules: their last module is known when it is the same on both paths */
        const Fact *la = fact_last_module(&a), *lb = fact_last_module(&b);
        bool same = la && lb && la->op == lb->op && la->op_dim == lb->op_dim;
        r.elems = same ? a.elems : NULL;
        r.nelems = same ? 1 : 0;
    } else if ((a.obj == FO_FUNC || a.obj == FO_CLASS || a.obj == FO_INSTANCE) &&
               !ts_node_eq(a.def, b.def)) {
        r = either_join(arena, r, &a, &b); /* LinearProbe if linear else MLPProbe */
    } else if ((a.obj == FO_DICT || a.obj == FO_INSTANCE || a.obj == FO_ENCODING) &&
               (a.nelems != b.nelems || !same_keys(&a, &b))) {
        r = join_fields(arena, r, &a, &b);
    } else if (a.obj == FO_TUPLE || a.obj == FO_DICT || a.obj == FO_INSTANCE ||
               a.obj == FO_ENCODING) {
        if (a.nelems != b.nelems || !same_keys(&a, &b)) {
            r.obj = FO_NONE;
        } else {
            Fact *elems = NULL;
            for (int i = 0; i < a.nelems; i++)
                join_elem(arena, &elems, &a, i, &b.elems[i], a.nelems);
            r.elems = elems ? elems : a.elems;
        }
    }
    /* a causal LM by its class on every path: a model the caller hands in on another path
     * (from_pretrained unless one was given, or None by default) may be of any class */
    r.causal = a.causal && b.causal;
    r.recurrent = a.recurrent && b.recurrent && a.op == b.op && a.op_dim == b.op_dim;
    r.bare_lm = a.bare_lm && b.bare_lm;
    r.batch_first = a.batch_first && b.batch_first;
    /* A position is known after a join only when both paths agree on it (facts_align.c); an
     * empty list ([] before the loop appending rows) holds no position to disagree on. */
    if (a_list0 && !b_list0) r.head = b.head, r.tail = b.tail;
    if (!align_pos_eq(r.head, b.head) && !b_list0) r.head = (FactPos){0, 0, false};
    if (!align_pos_eq(r.tail, b.tail) && !b_list0) r.tail = (FactPos){0, 0, false};
    pad_join(&r, &a, &b); /* LL111/LL112 (facts_padval.c) */
    return r;
}

static int norm_dim(const Fact *f, int dim) {
    if (f->ndim < 0) return -1;
    if (dim < 0) dim += f->ndim;
    return dim >= 0 && dim < f->ndim ? dim : -1;
}

AxisKind fact_axis(const Fact *f, int dim) {
    if (f->ndim < 0)
        return dim == -1 ? (AxisKind)f->ax_last : dim == 0 && f->batch_first ? AX_BATCH : AX_UNK;
    int d = norm_dim(f, dim);
    return d < 0 ? AX_UNK : (AxisKind)f->ax[d];
}

int fact_find_axis(const Fact *f, AxisKind kind) {
    for (int i = 0; i < f->ndim; i++)
        if (f->ax[i] == kind) return i;
    return -1;
}

void fact_remove_axis(Fact *f, int dim) {
    if (f->ndim < 0) {
        if (dim == -1) f->ax_last = AX_UNK;
        return;
    }
    int d = norm_dim(f, dim);
    if (d < 0) return;
    for (int i = d; i + 1 < f->ndim; i++)
        f->ax[i] = f->ax[i + 1];
    f->ndim--;
    f->ax_last = f->ndim > 0 ? f->ax[f->ndim - 1] : AX_UNK;
}

void fact_insert_axis(Fact *f, int dim, AxisKind kind) {
    if (f->ndim < 0 || f->ndim >= FACT_MAX_DIMS) {
        if (dim == -1) f->ax_last = (uint8_t)kind;
        f->ndim = -1;
        return;
    }
    int d = dim < 0 ? dim + f->ndim + 1 : dim;
    if (d < 0 || d > f->ndim) return;
    for (int i = f->ndim; i > d; i--)
        f->ax[i] = f->ax[i - 1];
    f->ax[d] = (uint8_t)kind;
    f->ndim++;
    f->ax_last = f->ax[f->ndim - 1];
}

void fact_replace_axis(Fact *f, int dim, AxisKind kind) {
    if (f->ndim < 0) {
        if (dim == -1) f->ax_last = (uint8_t)kind;
        return;
    }
    int d = norm_dim(f, dim);
    if (d < 0) return;
    f->ax[d] = (uint8_t)kind;
    f->ax_last = f->ax[f->ndim - 1];
}

bool fact_is_tensorish(const Fact *f) {
    return f->obj == FO_NONE && f->kinds != 0;
}

unsigned fact_inherited_flags(const Fact *f) {
    return f->flags & ~(FF_GENERATE | FF_LABELS);
}

/* A recurrent layer's output (or a head's over it): the rank of its batched form; 0 for any
 * other fact. */
int fact_recurrent_rank(const Fact *f) {
    return !f->recurrent ? 0 : f->op == OP_RECURRENT_CELL ? 2 : 3;
}

/* x[i, j] indexing `ndim` axes and no ellipsis (or gather(dim=2)): all the axes of the batched
 * form are there, so it is that form. */
static void recurrent_indexed(Fact *x, int ndim) {
    int rank = fact_recurrent_rank(x);
    if (!rank || x->ndim >= 0 || ndim != rank) return;
    AxisKind axes[3] = {AX_UNK, AX_UNK, AX_UNK};
    axes[x->op_dim] = AX_BATCH;
    axes[rank - 1] = (AxisKind)x->ax_last;
    fact_set_axes(x, rank, axes);
}

void fact_assume_lm_layout(Fact *f, int ndim) {
    if (f->recurrent) { /* a recurrent layer's output, or a head's over it: its own layout */
        recurrent_indexed(f, ndim);
        return;
    }
    if (ndim != 3 || f->ndim >= 0 || !(f->kinds & FK_SCORES) || f->ax_last != AX_VOCAB) return;
    fact_set_axes(f, 3, (AxisKind[]){AX_BATCH, AX_POS, AX_VOCAB});
}

Fact fact_tensor(unsigned kinds, unsigned flags, TSNode origin, int ndim, const AxisKind *axes) {
    Fact f = fact_of(kinds, flags, origin);
    if (ndim >= 0) fact_set_axes(&f, ndim, axes);
    return f;
}
