/* Expressions: what each expression holds, given the facts of its parts. Calls are dispatched
 * in facts_call.c, attributes read in facts_attr.c. */
#include "facts_interp.h"
#include "facts_padval.h"
#include "facts_svc.h"
#include "facts_syms.h"

/* ---------- subscripts ---------- */

typedef enum { IX_INT, IX_SLICE, IX_NONE, IX_ELLIPSIS, IX_TENSOR, IX_STRING } IndexKind;

typedef struct Index {
    IndexKind kind;
    TSNode node;
    Fact fact; /* IX_TENSOR / IX_INT: what the index holds */
    long value;
    bool has_value;
} Index;

static Index classify_index(Interp *in, TSNode n) {
    Index ix = {.node = n};
    n = parse_unparen(n);
    const char *type = ts_node_type(n);
    if (!strcmp(type, "slice")) {
        ix.kind = IX_SLICE;
        /* Evaluate parts for their effects on facts (events) but keep only the shape. */
        return ix;
    }
    if (!strcmp(type, "none")) {
        ix.kind = IX_NONE;
        return ix;
    }
    if (!strcmp(type, "ellipsis")) {
        ix.kind = IX_ELLIPSIS;
        return ix;
    }
    if (!strcmp(type, "string") || !strcmp(type, "concatenated_string")) {
        ix.kind = IX_STRING;
        return ix;
    }
    if (interp_int_literal(in, n, &ix.value)) {
        ix.kind = IX_INT;
        ix.has_value = true;
        ix.fact = fact_of(FK_INDEX, 0, n);
        ix.fact.ndim = 0;
        return ix;
    }
    ix.fact = interp_eval(in, n);
    /* A scalar index (loop variable, len(x) - 1, a token id read from a list) removes an axis
     * like an integer; a tensor or list index is advanced indexing. */
    bool scalar =
        ix.fact.ndim == 0 ||
        (ix.fact.ndim < 0 && !(ix.fact.kinds & (FK_IDS | FK_MASK)) && ix.fact.obj != FO_TUPLE) ||
        (ix.fact.ndim < 0 && (ix.fact.flags & FF_LOOPVAR));
    if (ix.fact.obj == FO_TUPLE) scalar = false;
    ix.kind = scalar ? IX_INT : IX_TENSOR;
    return ix;
}

/* The slice's text-level shape: [:-1] drops the last position, [1:] the first. */
static void slice_bounds(Interp *in, TSNode slice, bool *drops_last, bool *drops_first,
                         bool *partial) {
    *drops_last = *drops_first = *partial = false;
    TSNode parts[3];
    parse_slice_parts(slice, parts);
    long v;
    if (!ts_node_is_null(parts[0])) {
        *partial = true;
        if (interp_int_literal(in, parts[0], &v) && v == 1) *drops_first = true;
        interp_eval(in, parts[0]);
    }
    if (!ts_node_is_null(parts[1])) {
        *partial = true;
        if (interp_int_literal(in, parts[1], &v) && v == -1) *drops_last = true;
        interp_eval(in, parts[1]);
    }
}

static Fact index_object(Interp *in, Fact value, const Index *ix, int nix) {
    if (nix != 1) return fact_unknown();
    if (value.obj == FO_DICT && ix[0].kind != IX_STRING) {
        bool spelled; /* it[side] in `for side in ("chosen", "rejected")` (facts_loopkeys.c) */
        Fact r = loopkeys_read(in, value, ix[0].node, &spelled);
        if (spelled) return r;
        /* by_q[qid]: what any key's group holds */
        const Fact *group = fact_field(&value, FACT_ANY_KEY, sizeof FACT_ANY_KEY - 1);
        if (group) return *group;
    }
    if (value.records && value.obj != FO_CALLABLE && ix[0].kind == IX_INT) {
        value.records = false; /* records[0]: one of the list's records */
        return value;
    }
    if (value.obj == FO_TUPLE && ix[0].kind == IX_INT && ix[0].has_value) {
        long i = ix[0].value < 0 ? ix[0].value + value.nelems : ix[0].value;
        return i >= 0 && i < value.nelems ? value.elems[i] : fact_unknown();
    }
    if ((value.obj == FO_TUPLE || value.obj == FO_OUTPUT) && ix[0].kind == IX_SLICE) return value;
    if (value.obj == FO_OUTPUT && ix[0].kind == IX_INT && ix[0].has_value) {
        /* out[0] is the logits, or the loss when labels were passed (then out[1] is). */
        long logits_at = (value.flags & FF_LABELS) ? 1 : 0;
        if (value.flags & FF_GENERATE) return fact_of(FK_IDS, 0, ix[0].node);
        if (ix[0].value == logits_at && (value.flags & FF_NOTLM))
            return hf_head_logits(&value, value.flags & FF_WEAK, ix[0].node);
        if (ix[0].value == logits_at) {
            /* fed token ids, out[0] is the logits as surely as out.logits is */
            unsigned weak = (value.flags & FF_TOKENS_IN) ? 0 : (value.flags & FF_WEAK);
            Fact r = fact_of(FK_RAW, (value.flags & FF_SEQ2SEQ) | weak, ix[0].node);
            if (value.flags & FF_UNTYPED_IN) { /* a name-only model fed no token ids: any layout */
                r.ax_last = AX_VOCAB;
            } else if (!value.causal && !(value.flags & (FF_LABELS | FF_SEQ2SEQ))) {
                /* no Hugging Face output proven: [B, T, V], or row 0 [T, V] of a model that
                 * returns its logits (facts.h, bare_lm) */
                r.ax_last = AX_VOCAB;
                r.bare_lm = true;
            } else {
                fact_set_axes(&r, 3, (AxisKind[]){AX_BATCH, AX_POS, AX_VOCAB});
            }
            return r;
        }
        if (ix[0].value == 0) return fact_of(FK_LOSS, value.flags & FF_LOSS_FLAGS, ix[0].node);
        return fact_unknown();
    }
    if (ix[0].kind == IX_STRING) {
        size_t len;
        const char *key = interp_string_key(in, ix[0].node, &len);
        if (!key) return fact_unknown();
        if (value.obj == FO_DICT) { /* what the literal stored under that key */
            const Fact *v = fact_field(&value, key, len);
            return v ? *v : fact_unknown();
        }
        const Fact *added = fact_field(&value, key, len); /* enc["prompt_lens"] = x (facts.c) */
        if (added) return *added;
        /* q["scores"] of containers of losses stored with string levels left out (per_q[q]
         * ["scores"][o] = loss, facts_labels.c): the losses */
        if (value.obj == FO_NONE && value.kinds == FK_LOSS && value.ndim != 0 &&
            (value.ndim < 0 || value.ax[0] == AX_ITEM))
            return value;
        /* d["logits"], enc["input_ids"], out["loss"]: the key names what is stored. */
        Fact r = attr_get(in, value, ix[0].node, key, len);
        if (fact_knows_nothing(&r) && value.obj == FO_NONE && names_ids_key(key, len))
            r = names_evidence(ix[0].node, "input_ids", 9);
        return r;
    }
    return fact_unknown();
}

static bool full_slice(TSNode n) {
    n = parse_unparen(n);
    return parse_is(n, "slice") && ts_node_named_child_count(n) == 0;
}

/* What a subscript does to the alignment of the position axis (facts_align.c). With a known
 * rank the index at the first position axis decides; with an unknown rank only token ids,
 * masks and values of unknown kind are placed: x[p:q], or the last index after batch indices and
 * full slices ([:, 1:], [0, t]). Anything else on an unknown axis forgets the alignment. */
static void align_subscript(Interp *in, Fact *r, const Fact *value, Index *ix, int nix) {
    if (!align_known(value)) return;
    int pos_ix = -1;
    if (value->ndim >= 0) {
        int consumed = 0, cursor = 0;
        for (int i = 0; i < nix; i++)
            if (ix[i].kind != IX_NONE && ix[i].kind != IX_ELLIPSIS) consumed++;
        for (int i = 0; i < nix && pos_ix < 0; i++) {
            if (ix[i].kind == IX_NONE) continue;
            if (ix[i].kind == IX_ELLIPSIS) {
                cursor += value->ndim - consumed;
                continue;
            }
            if (cursor < value->ndim &&
                (value->ax[cursor] == AX_POS || value->ax[cursor] == AX_STEP))
                pos_ix = i;
            cursor++;
        }
        if (pos_ix < 0) return; /* batch rows, vocabulary entries: positions untouched */
    } else {
        if (value->kinds & ~(FK_IDS | FK_MASK)) {
            align_clear(r);
            return;
        }
        if (nix == 1) {
            if (ix[0].kind == IX_NONE || ix[0].kind == IX_ELLIPSIS) return; /* ids[None] */
            if (ix[0].kind == IX_SLICE || (ix[0].kind == IX_TENSOR && ix[0].fact.kinds & FK_INDEX))
                pos_ix = 0; /* ids[1:], ids[arange(s, e)] */
            else if (ix[0].kind == IX_INT && ix[0].has_value && ix[0].value == 0)
                return; /* ids[0]: a row */
        } else {
            int last = nix - 1;
            while (last >= 0 && (ix[last].kind == IX_NONE || ix[last].kind == IX_ELLIPSIS))
                last--;
            if (last < 0) return; /* x[..., None]: no position touched */
            pos_ix = last;
            for (int i = 0; i < last; i++)
                if (!(ix[i].kind == IX_INT || ix[i].kind == IX_NONE || ix[i].kind == IX_ELLIPSIS ||
                      (ix[i].kind == IX_SLICE && full_slice(ix[i].node))))
                    pos_ix = -1;
        }
        if (pos_ix < 0) {
            align_clear(r);
            return;
        }
    }
    Index *x = &ix[pos_ix];
    if (x->kind == IX_SLICE) {
        align_slice(in, r, value, parse_unparen(x->node));
    } else if (x->kind == IX_INT) {
        align_index(in, r, value, x->node, &x->fact);
    } else if (x->fact.kinds & FK_INDEX) {
        align_at_positions(r, value, &x->fact); /* x[arange(s, e)] */
    } else {
        align_clear(r);
    }
}

/* -n, -n - 1, -3: an index counted from the end (its leftmost term is negative). */
static bool from_the_end(Interp *in, TSNode n) {
    n = parse_unparen(n);
    long v;
    if (interp_int_literal(in, n, &v)) return v < 0;
    if (parse_is(n, "unary_operator"))
        return parse_text_eq(in->src, parse_field(n, "operator"), "-");
    if (parse_is(n, "binary_operator")) return from_the_end(in, parse_field(n, "left"));
    return false;
}

/* x[k:] (or x[k:-1], the causal shift) with k counted from the start: every position from k
 * to the end. */
static bool to_the_end(Interp *in, TSNode slice) {
    TSNode parts[3];
    parse_slice_parts(slice, parts);
    long v;
    bool open_end = ts_node_is_null(parts[1]) || (interp_int_literal(in, parts[1], &v) && v == -1);
    if (ts_node_is_null(parts[0]) || !open_end || !ts_node_is_null(parts[2])) return false;
    return !from_the_end(in, parts[0]);
}

/* x[-n:] (or x[-n:-1], the causal shift): the last positions, counted from the end. */
static bool last_positions(Interp *in, TSNode slice) {
    TSNode parts[3];
    parse_slice_parts(slice, parts);
    long v;
    bool open_end = ts_node_is_null(parts[1]) || (interp_int_literal(in, parts[1], &v) && v == -1);
    return !ts_node_is_null(parts[0]) && open_end && ts_node_is_null(parts[2]) &&
           from_the_end(in, parts[0]);
}

/* A batch known to be padded on one side only (side: PAD_START or PAD_END): x[i, k:] of a
 * batch padded on the left ends where each row ends; x[i, -n:] of one padded on the right
 * ends in each shorter row's pads. */
static bool padded_on(const Fact *value, uint8_t side) {
    bool positions =
        value->pad_what == PW_VALUES || value->pad_what == PW_SIDED || value->pad_what == PW_IDS;
    return positions && (value->pad & (PAD_START | PAD_END)) == side;
}

/* x[:, -1:], x[:, 3:4]: a slice one element wide keeps an axis of size 1. */
static bool one_wide(Interp *in, TSNode slice) {
    if (!parse_is(slice, "slice")) return false;
    TSNode parts[3];
    parse_slice_parts(slice, parts);
    long a, b;
    if (!ts_node_is_null(parts[2]) || !interp_int_literal(in, parts[0], &a)) return false;
    if (ts_node_is_null(parts[1])) return a == -1;
    return interp_int_literal(in, parts[1], &b) && b == a + 1 && (a >= 0 || b < 0);
}

/* A slice along positions: the causal shift ([:, :-1] of scores, [:, 1:] of ids), or only some
 * positions kept. */
static void slice_positions(Interp *in, Fact *r, const Fact *value, TSNode slice, bool positions) {
    bool drops_last, drops_first, partial;
    slice_bounds(in, slice, &drops_last, &drops_first, &partial); /* evaluates the bounds */
    if (positions && drops_last && (value->kinds & FK_SCORES)) r->flags |= FF_SHIFTED;
    if (positions && drops_first && (value->kinds & FK_IDS)) r->flags |= FF_SHIFTED;
    /* a slice keeps only some positions; but x[:, k:] of a padded batch still runs to
     * the end of every row, past the pads of the shorter ones (x[:, -n:] counts from
     * the end: a left-padded batch's continuations; x[i, a_i:] runs past row i's pads as
     * x[:, a:] does past every row's, unless the batch is padded on the left only; x[:, -n:]
     * of a batch padded on the right ends in the shorter rows' pads) */
    bool restricts = (partial && !drops_last && !drops_first) || align_slice_restricts(in, slice);
    bool past_pads =
        (value->flags & FF_PADDED) && ((!padded_on(value, PAD_START) && to_the_end(in, slice)) ||
                                       (padded_on(value, PAD_END) && last_positions(in, slice)));
    if (positions && restricts && !past_pads) r->flags |= FF_SLICED;
}

/* The last axis left by a subscript of a value of unknown rank (r->ax_last set for the
 * general case already). */
static void unknown_rank_last(Fact *r, const Fact *value, const Index *ix, int nix, int ell) {
    r->recurrent = false;   /* a part of a recurrent layer's output, of unknown rank: no claim */
    r->batch_first = false; /* x[0] may have dropped the batch */
    if (nix == 1 && ix[0].kind == IX_INT) r->ax_last = value->ax_last;
    /* x[..., 0] after a keepdim gather: what is left of selected scores is positions */
    bool lead_full = true; /* x[:, 0], x[:, :, 0]: only the last axis is indexed */
    for (int i = 0; i < nix - 1; i++)
        if (!(ix[i].kind == IX_SLICE && full_slice(ix[i].node))) lead_full = false;
    if (ix[nix - 1].kind == IX_INT && value->ax_last == AX_ONE &&
        (nix == 1 || ell >= 0 || lead_full))
        r->ax_last = (value->flags & FF_SELECTED) ? AX_POS : AX_UNK;
}

/* r's axes: those a subscript left (out_axes, room for one more), and where advanced indices
 * stood, the one axis they leave (positions paired by an arange, or tokens). */
static void set_out_axes(Fact *r, AxisKind *out_axes, int out_n, bool adv_positions,
                         bool adv_tokens) {
    if ((adv_positions || adv_tokens) && out_n < FACT_MAX_DIMS) {
        int at = 0; /* where the first of them stood: after the batch axes */
        while (at < out_n && out_axes[at] == AX_BATCH)
            at++;
        for (int k = out_n; k > at; k--)
            out_axes[k] = out_axes[k - 1];
        out_axes[at] = adv_positions ? AX_POS : AX_ITEM;
        out_n++;
    }
    fact_set_axes(r, out_n <= FACT_MAX_DIMS ? out_n : FACT_MAX_DIMS + 1, out_axes);
}

/* How many axes of the value a subscript's indices take (None adds one, ... stands for the
 * rest), and where its ellipsis is (-1: none). */
static int axes_consumed(const Index *ix, int nix, int *ell) {
    int consumed = 0;
    *ell = -1;
    for (int i = 0; i < nix; i++) {
        if (ix[i].kind == IX_ELLIPSIS)
            *ell = i;
        else if (ix[i].kind != IX_NONE)
            consumed++;
    }
    return consumed;
}

/* Logits of unknown rank indexed as [B, T, V] are a causal LM's ([:, :-1, :]); so are they
 * when an ellipsis stands for the batch and the vocabulary is kept last ([..., :-1, :]). */
static void assume_layout(Fact *value, const Index *ix, int nix, int ell, int consumed) {
    if (ell < 0 && consumed == nix) fact_assume_lm_layout(value, nix);
    if (ell == 0 && nix == 3 && ix[1].kind == IX_SLICE && ix[2].kind == IX_SLICE &&
        full_slice(ix[2].node))
        fact_assume_lm_layout(value, 3);
}

/* An index at a position axis (or at an axis of a value of unknown rank that is not the
 * vocabulary) that keeps only some positions: made by a mask (nonzero(mask): the pads are not
 * among them, FF_MASKED), an arange of a window (arange(s, e): those x[s:e] keeps,
 * FF_SLICED), or a loop's position read only where a mask keeps it (facts_mask.c). */
static void picked_positions(Interp *in, TSNode node, const Fact *value, const Index *x,
                             AxisKind axis, bool known, uint32_t *picked) {
    if (axis != AX_POS && (known || axis != AX_UNK)) return;
    const Fact *ix = &x->fact;
    if (ix->kinds & FK_INDEX) *picked |= ix->flags & (FF_MASKED | FF_SLICED);
    if (!(*picked & FF_MASKED) && (value->flags & FF_PADDED) && (ix->flags & FF_LOOPVAR) &&
        x->kind == IX_INT && mask_guards_read(in, node, x->node))
        *picked |= FF_MASKED;
}

/* One position of a sequence's scores or ids, chosen by the loop. */
static void loop_position(Fact *r, const Index *ix, int nix, bool step_indexed) {
    bool removed_pos = false;
    for (int i = 0; i < nix; i++)
        if (ix[i].kind == IX_INT && (ix[i].fact.flags & FF_LOOPVAR)) removed_pos = true;
    if (removed_pos) r->flags |= FF_LOOPVAR;
    if (step_indexed) r->flags |= FF_STEPVAR;
}

/* Indexing a tensor: which axes go, which stay, and whether token ids select from scores. */
static Fact index_tensor(Interp *in, TSNode node, Fact value, Index *ix, int nix) {
    Fact r = value;
    bool scores = (value.kinds & FK_SCORES) != 0;
    /* Advanced indices: positions paired by an arange / range index make a position axis;
     * token ids alone (logits[0, -1, label_ids]) make an axis over those tokens, at one
     * position. */
    bool selected = false, adv_positions = false, adv_tokens = false;
    Fact ids_fact = fact_unknown();
    for (int i = 0; i < nix; i++)
        r.flags |= ix[i].fact.flags & FF_LOOPVAR;
    bool loop_indexed = (r.flags & (FF_LOOPVAR | FF_STEPVAR)) != 0;
    /* One step of a sequence: its position axis indexed by a value that moves with the loop.
     * Which token is picked says nothing of the position (a label per example, a counter over
     * vocabulary chunks); the scores must vary along positions themselves (rows of generate
     * scores, the output of a step fed a growing context, or this position index). */
    bool step_indexed = false;
    /* logits[:, eos_id]: one fixed token's scores at every position kept are no chosen tokens
     * (the tokens of a sequence vary with the position). */
    bool fixed_token = false, positions_kept = false;
    uint32_t picked = 0; /* FF_MASKED / FF_SLICED: what the position indices kept */

    int ell, consumed = axes_consumed(ix, nix, &ell);
    assume_layout(&value, ix, nix, ell, consumed);
    bool known = value.ndim >= 0;
    AxisKind in_axes[FACT_MAX_DIMS] = {0};
    int in_ndim = value.ndim;
    for (int i = 0; known && i < in_ndim; i++)
        in_axes[i] = (AxisKind)value.ax[i];
    AxisKind out_axes[FACT_MAX_DIMS * 2];
    int out_n = 0, cursor = 0;
    bool overflow = false;
    for (int i = 0; i < nix; i++) {
        Index *x = &ix[i];
        if (x->kind == IX_ELLIPSIS) {
            int skip = known ? in_ndim - consumed : 0;
            for (int k = 0; k < skip && cursor < in_ndim; k++)
                out_axes[out_n++] = in_axes[cursor++];
            continue;
        }
        if (x->kind == IX_NONE) {
            out_axes[out_n++] = AX_ONE;
            continue;
        }
        /* The axis this index applies to; with unknown rank, only the last index of a
         * subscript that ends at the vocabulary (or follows an ellipsis) can be placed. */
        AxisKind axis = AX_UNK;
        if (known) {
            if (cursor >= in_ndim)
                overflow = true;
            else
                axis = in_axes[cursor];
        } else if (i == nix - 1 && (ell >= 0 || nix >= 2)) {
            axis = (AxisKind)value.ax_last;
        } else if (nix == 1 && value.ax_last == AX_VOCAB && !x->has_value &&
                   ((x->fact.kinds & FK_IDS) || (!x->fact.kinds && (x->fact.flags & FF_LOOPVAR)))) {
            /* logits[tok] with tok a token (not a position counter): one vocabulary entry */
            axis = AX_VOCAB;
        }
        cursor++;
        if (x->kind == IX_SLICE) {
            bool positions = axis == AX_POS || (!known && (axis == AX_UNK));
            if (positions) positions_kept = true;
            slice_positions(in, &r, &value, parse_unparen(x->node), positions);
            out_axes[out_n++] = one_wide(in, parse_unparen(x->node)) ? AX_ONE : axis;
            continue;
        }
        if (x->kind == IX_INT) {
            picked_positions(in, node, &value, x, axis, known, &picked);
            if ((x->fact.flags & (FF_LOOPVAR | FF_STEPVAR)) && axis != AX_VOCAB &&
                (axis == AX_POS || axis == AX_STEP || (!known && axis == AX_UNK))) {
                step_indexed = true;
                /* for t in range(ctx_len, end): x[:, t] visits only the positions kept */
                if (x->fact.flags & FF_SLICED) r.flags |= FF_SLICED;
            }
            /* where only a name says the last axis is the vocabulary, a value of unknown kind
             * there (reward_logits[arange(B), lengths]) may as well be a position */
            bool named_vocab = !known && (value.flags & FF_WEAK) && !(x->fact.kinds & FK_IDS) &&
                               !(x->fact.flags & (FF_LOOPVAR | FF_STEPVAR));
            if ((axis == AX_VOCAB && !named_vocab) ||
                (!known && i == nix - 1 && nix >= 3 && scores)) {
                selected = true;
                fixed_token = (!(x->fact.kinds & FK_IDS) || x->fact.ndim == 0) &&
                              !(x->fact.flags & (FF_LOOPVAR | FF_STEPVAR));
            }
            if (axis == AX_VOCAB && (x->fact.kinds & FK_IDS)) ids_fact = x->fact;
            continue; /* the axis is gone */
        }
        if (x->kind == IX_TENSOR) {
            Fact f = x->fact;
            if (f.kinds & FK_MASK) { /* boolean mask: the masked positions, flattened */
                r.flags = (r.flags | FF_MASKED) & ~FF_PADDED; /* ids[mask]: the pads are gone */
                out_axes[out_n++] = AX_POS;
                if (known && f.ndim > 1) cursor += f.ndim - 1;
                continue;
            }
            if ((f.kinds & FK_IDS) && scores && (axis == AX_VOCAB || axis == AX_UNK)) {
                selected = true;
                ids_fact = f;
                if (f.ndim != 0) adv_tokens = true;
                continue;
            }
            if (f.kinds & FK_INDEX) { /* arange / range over positions */
                adv_positions = true;
                picked_positions(in, node, &value, x, axis, known, &picked);
                continue;
            }
            /* logits[..., choice_ids]; where only a name says the last axis is the vocabulary
             * (reward_logits[arange(B), lengths]), only token ids pick tokens */
            if (scores && axis == AX_VOCAB && (known || !(value.flags & FF_WEAK))) {
                selected = true;
                ids_fact = f;
                continue;
            }
            out_axes[out_n++] = axis;
            continue;
        }
        out_axes[out_n++] = axis; /* string key on a tensor: keep */
    }
    if (known && !overflow) {
        for (int k = cursor; k < in_ndim; k++)
            if (in_axes[k] == AX_POS) positions_kept = true;
        while (cursor < in_ndim)
            out_axes[out_n++] = in_axes[cursor++];
        set_out_axes(&r, out_axes, out_n, adv_positions, adv_tokens);
    } else {
        r.ndim = -1;
        r.ax_last = selected ? (adv_positions ? AX_POS
                                : adv_tokens  ? AX_ITEM
                                              : AX_UNK)
                             : value.ax_last;
        unknown_rank_last(&r, &value, ix, nix, ell);
    }
    if (fixed_token && positions_kept && !adv_positions) selected = false;
    if (picked & FF_MASKED) r.flags = (r.flags | FF_MASKED) & ~FF_PADDED; /* as ids[mask] */
    r.flags |= picked & FF_SLICED;
    align_subscript(in, &r, &value, ix, nix);
    if (selected && scores) {
        prompts_picked(&r, &ids_fact);
        if (step_indexed) r.flags |= FF_STEPVAR;
        Fact sel = value; /* the scores, at the positions this subscript picked */
        sel.head = r.head;
        sel.tail = r.tail;
        r.made_event = svc_emit_pick(in, node, sel, ids_fact, AX_UNK);
        align_selected(&r, &sel, &ids_fact);
    } else if (loop_indexed && (value.kinds & (FK_SCORES | FK_IDS))) {
        loop_position(&r, ix, nix, step_indexed);
    }
    if (value.kinds & FK_IDS && loop_indexed) r.flags |= FF_LOOPVAR;
    return r;
}

static bool slice_moves_with_loop(Interp *in, TSNode slice);
static Fact subscript_value(Interp *in, TSNode node, Fact value, Index *ix, int nix);

static Fact eval_subscript(Interp *in, TSNode node) {
    Fact value = interp_eval(in, parse_field(node, "value"));
    Index ix[FACT_MAX_DIMS + 2];
    int nix = 0;
    uint32_t n = ts_node_named_child_count(node);
    for (uint32_t i = 0; i < n; i++) {
        const char *field = ts_node_field_name_for_named_child(node, i);
        if (!field || strcmp(field, "subscript") != 0) continue;
        if (nix == FACT_MAX_DIMS + 2) return fact_unknown();
        ix[nix++] = classify_index(in, parse_named_child(node, i));
    }
    if (value.obj == FO_OUTPUT && nix == 1 && ix[0].kind == IX_INT)
        return hf_output_part(value, index_object(in, value, ix, nix));
    /* model(x)[0, :-1]: no tuple takes several indices, the output is the logits (mlx) */
    if (value.obj == FO_OUTPUT && nix >= 2) value = hf_output_logits(value);
    /* seq[:t] with t the loop's position: the context up to this step */
    unsigned prefix = 0;
    for (int i = 0; i < nix; i++)
        if (ix[i].kind == IX_SLICE && slice_moves_with_loop(in, parse_unparen(ix[i].node)))
            prefix = FF_PREFIX;
    Fact r = classprob_column(in, node, &value, subscript_value(in, node, value, ix, nix));
    r.flags |= prefix;
    /* logits[0] of a head's rows of unknown layout: one row's scores, not rows */
    if (value.pooled && value.ndim < 0 && nix >= 1 && ix[0].kind == IX_INT) r.pooled = false;
    if (pad_cover_of(&value) && !r.made_event) r.made_event = value.made_event; /* m[:, 1:] */
    return r;
}

/* Does a bound of this slice vary with the enclosing loop? */
static bool slice_moves_with_loop(Interp *in, TSNode slice) {
    for (uint32_t i = 0; i < ts_node_named_child_count(slice); i++)
        if (interp_eval(in, parse_named_child(slice, i)).flags & FF_LOOPVAR) return true;
    return false;
}

/* out[0] of a model nothing proves a Hugging Face one (facts.h, bare_lm) indexed: x[:, a:b],
 * x[i, a:b] and x[:, -1] index a batch row's positions (on [T, V] they would slice the
 * vocabulary, or read its last token), so it is [B, T, V]. Any other two indices (x[:, tok] is
 * one token's scores on [T, V]), or one, may index a batch row or a position: the rank stays
 * unknown, and the positions are forgotten (align_subscript). Three are [B, T, V] either way
 * (fact_assume_lm_layout). */
static void resolve_open_layout(Fact *value, const Index *ix, int nix) {
    if (nix != 2) return;
    bool lead_row = ix[0].kind == IX_INT || (ix[0].kind == IX_SLICE && full_slice(ix[0].node));
    bool positions = (ix[1].kind == IX_SLICE && !full_slice(ix[1].node)) ||
                     (ix[1].kind == IX_INT && ix[1].has_value && ix[1].value < 0);
    if (lead_row && positions) fact_set_axes(value, 3, (AxisKind[]){AX_BATCH, AX_POS, AX_VOCAB});
}

/* Token ids or a mask of unknown rank (a parameter) indexed by two slices or integers
 * (ids[:, -k:], mask[i, 1:]): they have no vocabulary axis, and a list of one sequence takes
 * no second index, so they are [B, T]. Their rows then keep the positions' alignment when a
 * loop or zip walks the batch (iter_element), as those of ids of a known rank do. */
static void resolve_ids_layout(Fact *value, const Index *ix, int nix) {
    if (nix != 2 || value->ndim >= 0 || value->obj != FO_NONE) return;
    if (!(value->kinds & (FK_IDS | FK_MASK)) || (value->kinds & ~(FK_IDS | FK_MASK))) return;
    for (int i = 0; i < 2; i++)
        if (ix[i].kind != IX_INT && ix[i].kind != IX_SLICE) return;
    fact_set_axes(value, 2, (AxisKind[]){AX_BATCH, AX_POS});
}

/* An exported model's first output, fed token ids, of no kind yet (facts_call_op.c, bare_lm):
 * picked at token ids on the last of two axes, each row at one (out[rows, ids[rows + 1]]), it
 * is [positions, vocabulary] (after a batch row: out[0, rows, ids]): a language model's
 * logits, as out[0] of a model fed token ids is (an export keeps the forward's first output). */
static bool open_output_picked(Fact *value, const Index *ix, int nix) {
    int row = nix == 3 && ix[0].kind == IX_INT ? 1 : 0;
    if (nix - row != 2 || ix[row].kind != IX_TENSOR || ix[row + 1].kind != IX_TENSOR) return false;
    const Fact *at = &ix[row].fact, *ids = &ix[row + 1].fact;
    if (!(at->kinds & FK_INDEX) || ids->kinds != FK_IDS || ids->ndim == 0) return false;
    value->kinds = FK_RAW;
    if (row)
        fact_set_axes(value, 3, (AxisKind[]){AX_BATCH, AX_POS, AX_VOCAB});
    else
        fact_set_axes(value, 2, (AxisKind[]){AX_POS, AX_VOCAB});
    return true;
}

static Fact subscript_value(Interp *in, TSNode node, Fact value, Index *ix, int nix) {
    /* with labels= the output is (loss, logits, ...): out[:2] is a tuple to unpack */
    bool tuple_slice = nix == 1 && ix[0].kind == IX_SLICE && (value.flags & FF_LABELS);
    if (value.obj == FO_OUTPUT && !(nix == 1 && ix[0].kind == IX_STRING) && !tuple_slice)
        value = hf_output_tensor(value); /* logits = model(x); logits[:, -1, :] */
    if (value.obj != FO_NONE) return index_object(in, value, ix, nix);
    /* texts[i:i + bs]: a slice of a list the code built holds the same kind of elements */
    if (nix == 1 && ix[0].kind == IX_SLICE && fact_made_list(&value)) return value;
    if (nix == 1 && ix[0].kind == IX_STRING) {
        Fact r = index_object(in, value, ix, nix);
        /* batch["input_ids"] of a batch nothing is known of: the same ids each time it is read */
        if (fact_knows_nothing(&value) && (r.kinds & (FK_IDS | FK_MASK)) && r.obj == FO_NONE)
            align_fresh_text(in, &r, node, value.origin);
        return r;
    }
    if (!value.kinds && value.bare_lm && !open_output_picked(&value, ix, nix)) {
        Fact r = value; /* out[0], out[0][:-1]: rows of it, still open */
        r.batch_first = false;
        r.origin = node;
        if (nix != 1 || (ix[0].kind != IX_INT && ix[0].kind != IX_SLICE)) r = fact_unknown();
        return r;
    }
    if (!value.kinds) {
        /* a sequence of unknown kind (padded inputs, a slice of a buffer) still has positions;
         * x[..., None] of anything ends in an axis of size one (a gather's index) */
        Fact r = fact_unknown();
        if (value.obj == FO_NONE && ix[nix - 1].kind == IX_NONE) r.ax_last = AX_ONE;
        features_subscript(in, node, &value, &r); /* hidden[:, 0]: [batch, hidden] */
        if (value.obj != FO_NONE || !align_known(&value)) return r;
        r.head = value.head;
        r.tail = value.tail;
        align_subscript(in, &r, &value, ix, nix);
        return r;
    }
    if (value.bare_lm) resolve_open_layout(&value, ix, nix);
    resolve_ids_layout(&value, ix, nix);
    /* probs[arange(n), labels]: one class picked per row, so probs are [rows, classes] */
    if (nix == 2 && ix[0].kind == IX_TENSOR && (ix[0].fact.kinds & FK_INDEX) &&
        ix[1].fact.kinds == FK_IDS && ix[1].fact.ndim != 0)
        uses_rows_picked(in, &value);
    Fact r = index_tensor(in, node, value, ix, nix);
    r.bare_lm = false; /* whatever is left of out[0] has a layout the subscript says */
    return r;
}

/* ---------- operators ---------- */

static Fact eval_binop(Interp *in, TSNode node) {
    TSNode left = parse_field(node, "left"), right = parse_field(node, "right");
    Fact l = interp_eval(in, left);
    Fact r = interp_eval(in, right);
    size_t oplen;
    const char *op = parse_text(in->src, parse_field(node, "operator"), &oplen);
    bool plus = oplen == 1 && op[0] == '+';
    Fact joined; /* a list joined to a run of one constant (facts_runs.c) */
    if (plus && runs_join(in, node, l, r, &joined)) return joined;
    Fact res = interp_binop(in, node, oplen == 1 ? op[0] : 0, l, r);
    rows_forget(&res); /* lens * 2: a list repeated or a tensor scaled (facts_rows.c) */
    return res;
}

/* l op r where neither is scores, a loss or a normaliser: token ids joined or repeated,
 * positions moved, other numbers. */
static Fact binop_ids_and_numbers(Interp *in, TSNode node, char c, Fact l, Fact r, unsigned loop) {
    if (c == '+' && (l.kinds & FK_IDS) && (r.kinds & FK_IDS) && l.ndim != 0 && r.ndim != 0 &&
        l.obj == FO_NONE && r.obj == FO_NONE) {
        /* ctx_ids + cont_ids: one sequence of both (facts_align.c); [bos_id] + ids is the
         * sequence's positions too, not a list of items */
        Fact f = align_concat(l, r);
        joins_note(in, &l, &r); /* where r starts in it (facts_joins.c) */
        f.prompt_rows = l.prompt_rows || prompts_vary(in, node);
        const Fact *seq = l.ndim >= 1 && l.ax[0] == AX_POS ? &l : &r;
        if (seq->ndim >= 1 && seq->ax[0] == AX_POS) {
            f.ndim = seq->ndim;
            memcpy(f.ax, seq->ax, sizeof f.ax);
            f.ax_last = seq->ax_last;
        }
        f.flags |= loop;
        return f;
    }
    long times;
    if (c == '*' && (l.kinds & FK_IDS) &&
        parse_is(parse_unparen(parse_field(node, "left")), "list") &&
        ts_node_named_child_count(parse_unparen(parse_field(node, "left"))) == 1 &&
        !interp_int_literal(in, parse_field(node, "right"), &times)) {
        /* [pad_id] * n: a run of padding ([sep_id] * 2 is two separators) */
        l.flags |= FF_PADDED | loop;
        align_clear(&l);
        return l;
    }
    if ((c == '+' || c == '-') && (l.kinds & FK_INDEX) && l.ndim >= 1 &&
        (!(r.kinds & FK_INDEX) || r.ndim <= 0)) {
        /* arange(n) + start - 1: the same positions, moved by an offset */
        l.flags |= loop;
        FactPos named = l.head; /* (arange(s, e) - 1 stays the positions before arange's) */
        align_clear(&l);
        if ((r.flags & FF_CONST) && r.ndim == 0)
            l.head = align_shift(named, c == '+' ? r.num : -r.num);
        if ((l.flags & r.flags & FF_CONST) && r.ndim == 0) /* its first element moves too */
            l.num = (int16_t)(c == '+' ? l.num + r.num : l.num - r.num);
        else
            l.flags &= ~FF_CONST;
        return l;
    }
    if ((l.kinds | r.kinds) & FK_INDEX) {
        Fact f = fact_of(FK_INDEX, loop, node);
        f.ndim = (l.ndim == 0 || r.ndim == 0) ? 0 : -1;
        if (c == '+' && (l.flags & r.flags & FF_COUNT)) f.flags |= FF_COUNT; /* len(a) + len(b) */
        return f;
    }
    if (l.kinds & (FK_IDS | FK_MASK)) {
        l.flags |= loop;
        return l;
    }
    Fact f = fact_of(l.kinds || r.kinds ? FK_NUM : 0, loop, node);
    if (c == '/' || c == '*') f.flags |= l.flags & FF_STABLE; /* (x - max(x)) / T */
    if (c == '/') f.flags |= l.flags & FF_EXP; /* exp(x) / exp(x).max(): already inf */
    /* text + text (prompt + candidate): nothing else adds two values of unknown kind that a
     * tokenizer then reads */
    if (c == '+' && !f.kinds && l.obj == FO_NONE && r.obj == FO_NONE) {
        f.flags |= FF_JOINED;
        f.prompt_rows = prompts_text_vary(in, node); /* (facts_prompts.c) */
    }
    /* "Q: %s\nA: %s" % (q, a): a template filled with values, as str.format */
    if (c == '%' && labels_literal_text(&l) && !r.kinds) f.flags |= FF_JOINED;
    return f;
}

/* p * log(p): the log taken of a softmax output, weighted by that same output (the term of an
 * entropy). A token whose probability is 0 or below a floor adds (nearly) 0 then, whatever its
 * log: LL103 judges a floored log used only so as harmless. */
static void weigh_log(Interp *in, const Fact *probs, const Fact *logs) {
    if (!logs->log_event || logs->log_event > in->facts->events.len) return;
    FactEvent *e = &in->facts->events.items[logs->log_event - 1];
    if ((probs->flags & e->in.flags & FF_SOFTMAX) && probs->kinds == e->in.kinds &&
        ts_node_eq(probs->origin, e->in.origin) && align_pos_eq(probs->head, e->in.head))
        e->cancelled = true;
}

/* Is an assignment to the name `name` (len bytes) inside n, after byte `after`? */
static bool assigned_after(Interp *in, TSNode n, const char *name, size_t len, uint32_t after,
                           int depth) {
    if (depth > 64) return false;
    if (parse_is(n, "function_definition") || parse_is(n, "class_definition")) return false;
    if (parse_is(n, "assignment") && ts_node_start_byte(n) >= after) {
        TSNode left = parse_field(n, "left");
        size_t l;
        const char *t = parse_text(in->src, left, &l);
        if (parse_is(left, "identifier") && l == len && !memcmp(t, name, len)) return true;
    }
    for (uint32_t i = 0; i < ts_node_named_child_count(n); i++)
        if (assigned_after(in, parse_named_child(n, i), name, len, after, depth + 1)) return true;
    return false;
}

/* The innermost loop around n in its function; null when none. */
static TSNode loop_around(TSNode n) {
    for (TSNode p = parse_parent(n); !ts_node_is_null(p); p = parse_parent(p)) {
        if (parse_is(p, "for_statement") || parse_is(p, "while_statement")) return p;
        if (parse_is(p, "function_definition") || parse_is(p, "lambda")) break;
    }
    return (TSNode){0};
}

/* Does x (beam_scores.unsqueeze(-1), a name under calls and subscripts) read a name that the
 * loop binds again after it: a value the loop carries from one step to the next? */
static bool carried_by_loop(Interp *in, TSNode loop, TSNode x) {
    TSNode base = parse_unparen(x);
    for (;;) {
        if (parse_is(base, "call"))
            base = parse_field(base, "function");
        else if (parse_is(base, "attribute"))
            base = parse_field(base, "object");
        else if (parse_is(base, "subscript"))
            base = parse_field(base, "value");
        else
            break;
        base = parse_unparen(base);
    }
    if (!parse_is(base, "identifier")) return false;
    size_t len;
    const char *name = parse_text(in->src, base, &len);
    return assigned_after(in, parse_field(loop, "body"), name, len, ts_node_end_byte(x), 0);
}

/* Is f made in the body of loop (its kind established there: a softmax of each step)? */
static bool made_in(TSNode loop, const Fact *f) {
    return !ts_node_is_null(f->origin) &&
           ts_node_start_byte(f->origin) >= ts_node_start_byte(loop) &&
           ts_node_end_byte(f->origin) <= ts_node_end_byte(loop);
}

/* Does f hold scores of the kind a carried hypothesis score is built from: for a product,
 * probabilities of a softmax; for a sum, raw logits? */
static bool step_kind(const Fact *f, bool product) {
    return product ? (f->kinds & FK_SCORES) == FK_PROB && (f->flags & FF_SOFTMAX)
                   : (f->kinds & FK_SCORES) == FK_RAW;
}

/* beam_scores.unsqueeze(-1) * probs (or beam_scores[:, None] + logits) in a loop that then
 * binds beam_scores again from what this gave (topk of it): scores of the tokens chosen so far,
 * from an earlier step, one per hypothesis (no vocabulary axis: a distribution the loop carries,
 * as the previous step's, is no hypothesis's score), combined with the scores this step made:
 * each hypothesis's probability is a running product across steps (LL102), its raw logits a
 * running sum (LL101). */
static void step_carried(Interp *in, TSNode node, const Fact *l, const Fact *r, bool product) {
    if (in->frame->loop_depth == 0) return;
    TSNode loop = loop_around(node);
    if (ts_node_is_null(loop)) return;
    for (int side = 0; side < 2; side++) {
        const Fact *step = side ? l : r, *held = side ? r : l;
        TSNode held_node = parse_field(node, side ? "right" : "left");
        if (!step_kind(step, product) || (step->flags & FF_AGGREGATED) ||
            !((step->flags & FF_STEPVAR) || made_in(loop, step)) || !step_kind(held, product) ||
            (held->flags & (FF_STEPVAR | FF_WEAK)) || fact_axis(held, -1) == AX_VOCAB ||
            (held->ndim < 0 && held->ax_last == AX_VOCAB) || !carried_by_loop(in, loop, held_node))
            continue;
        Fact chosen = *step; /* each entry extends a hypothesis by one token */
        chosen.flags |= FF_SELECTED;
        interp_emit(in, product ? EV_PRODUCT : EV_AGGREGATE, AGG_ACCUMULATE, node, chosen,
                    fact_unknown(), AX_UNK);
        return;
    }
}

Fact interp_binop(Interp *in, TSNode node, char c, Fact l, Fact r) {
    l = hf_output_array(l); /* logits = model(tokens) (mlx): the output is the logits */
    r = hf_output_array(r);
    mask_combine(c, &l, &r); /* facts_mask.c */
    if (c != '+') l.floored = r.floored = false; /* p * w, p - q may reach 0 */
    unsigned loop = (l.flags | r.flags) & (FF_LOOPVAR | FF_STEPVAR);
    /* chosen + rejected of two lists made in this code: a list made here too */
    if (c == '+' && fact_made_list(&l) && fact_made_list(&r)) return l;

    if ((c == '*' || c == '+') && parse_is(node, "binary_operator"))
        step_carried(in, node, &l, &r, c == '*');
    if (c == '/') {
        interp_emit(in, EV_DIVIDE, 0, node, l, r, AX_UNK);
        Fact mean;
        if (mask_mean(in, node, &l, &r, &mean)) return mean; /* facts_mask.c */
    }
    if (c == '@' &&
        ((l.kinds | r.kinds) & FK_SCORES)) /* a matrix product mixes: no longer a softmax */
        return fact_of(FK_NUM, loop, node);
    if (c == '-' && (l.kinds & FK_RAW) && (r.kinds & FK_LOGZ)) {
        /* x - logsumexp(x): log_softmax by hand; sum(x[y]) - sum(logsumexp(x)) the same sum */
        if ((l.flags & r.flags & FF_AGGREGATED)) interp_cancel_aggregate(in, &l);
        Fact f = l;
        f.kinds = (uint16_t)((l.kinds & ~FK_RAW) | FK_LOGPROB);
        return f;
    }
    if (c == '-' && (l.kinds & FK_LOGZ) && (r.kinds & FK_RAW) && (r.flags & FF_SELECTED)) {
        /* logsumexp(x) - x[y]: the per-token NLL (Megatron's cross entropy) */
        Fact f = r;
        f.kinds = FK_LOSS;
        f.flags |= FF_PERTOKEN;
        return f;
    }
    if (c == '+' && ((l.kinds | r.kinds) & FK_LOGZ)) { /* m + log(sum(exp(x - m))) */
        Fact f = (l.kinds & FK_LOGZ) ? l : r;
        f.kinds = FK_LOGZ;
        return f;
    }
    if (c == '-' && (r.kinds & (FK_MAXV | FK_LOGZ)) && l.obj == FO_NONE &&
        ((l.kinds & FK_SCORES) || !(l.kinds & ~(FK_NUM | FK_MAXV)))) {
        /* x - max(x) (or x - logsumexp(x)): exp() of it cannot overflow */
        Fact f = l;
        if (!(f.kinds & FK_SCORES)) f.kinds = FK_NUM;
        /* lp - max(lp): shifted log-probs are scores like logits (a logsumexp by hand follows) */
        if (f.kinds == FK_LOGPROB && (r.kinds & FK_MAXV)) f.kinds = FK_RAW;
        f.flags |= FF_STABLE;
        return f;
    }
    if (c == '+' && (l.flags & FF_EXP) && (r.flags & FF_EXP)) { /* exp(a) + exp(b): a sum of exps */
        Fact f = fact_of(FK_NUM, FF_EXP | FF_SUMEXP | (l.flags & r.flags & FF_STABLE), node);
        return f;
    }
    if (c == '*' && ((l.flags ^ r.flags) & FF_EXP) &&
        !((l.kinds | r.kinds) & (FK_SCORES | FK_LOSS | FK_MASK))) {
        Fact f = (l.flags & FF_EXP) ? l : r; /* w * exp(x): still as large as exp(x) */
        f.flags |= loop;
        return f;
    }
    if (c == '/' && (l.flags & FF_EXP) && (r.flags & FF_SUMEXP)) {
        /* exp(x) / sum(exp(x)): softmax by hand; probabilities whatever x is known as, as
         * softmax(x) makes them (a name was the only evidence for x, not for these) */
        Fact f = l;
        f.kinds = FK_PROB;
        f.flags = (l.flags & ~(FF_EXP | FF_WEAK)) | FF_SOFTMAX;
        return f;
    }
    Fact scaled;
    if (c == '*' && labels_scale(node, l, r, &scaled)) { /* loss * n_tokens: a sum, not a mean */
        scaled.flags |= loop;
        return scaled;
    }
    bool lscores = (l.kinds & (FK_SCORES | FK_LOSS)) != 0,
         rscores = (r.kinds & (FK_SCORES | FK_LOSS)) != 0;
    /* 1 - is_pad: the complement of a mask is a mask */
    if (c == '-' && (r.kinds & FK_MASK) && !(l.kinds & ~FK_NUM) && l.ndim == 0 && l.obj == FO_NONE)
        return r;
    /* a mask multiplies scores, losses and normalisers alike: (lse * mask).sum(-1) */
    if (c == '*' && (l.kinds & FK_MASK) && (rscores || (r.kinds & FK_LOGZ))) {
        r.flags |= (mask_multiply(&r, &l) ? FF_MASKED : 0) | loop; /* facts_mask.c */
        return r;
    }
    if (c == '*' && (r.kinds & FK_MASK) && (lscores || (l.kinds & FK_LOGZ))) {
        l.flags |= (mask_multiply(&l, &r) ? FF_MASKED : 0) | loop;
        return l;
    }
    /* (log p - log q) * mask: the mask must be about the ratio's tokens (facts_ratio.c) */
    if (c == '*' && ratio_masked(in, node, &l, &r)) {
        Fact f = (l.kinds & FK_MASK) ? r : l;
        f.flags |= FF_MASKED | loop;
        return f;
    }
    /* token log-probs times a tensor of unknown kind (valid, weights): it may zero positions */
    if (c == '*' && (lscores != rscores) && (lscores ? r : l).obj == FO_NONE &&
        !(lscores ? r : l).kinds && (lscores ? r : l).ndim != 0 &&
        ((lscores ? l : r).flags & FF_SELECTED)) {
        Fact f = lscores ? l : r;
        f.flags |= (mask_multiply(&f, lscores ? &r : &l) ? FF_MASKED : 0) | loop;
        return f;
    }
    if (c == '-' && (l.kinds & FK_LOSS) && (r.kinds & FK_LOSS)) /* a change in loss: no loss */
        return fact_of(FK_NUM, loop, node);
    /* log p - log q (a log-ratio, as in KL or DPO) and p * log q (an entropy term) are no
     * log-probabilities of a sequence's tokens */
    if ((c == '-' && l.kinds == FK_LOGPROB && r.kinds == FK_LOGPROB) ||
        (c == '*' && (((l.kinds & FK_PROB) && (r.kinds & FK_LOGPROB)) ||
                      ((l.kinds & FK_LOGPROB) && (r.kinds & FK_PROB))))) {
        if (c == '*') weigh_log(in, (l.kinds & FK_PROB) ? &l : &r, (l.kinds & FK_PROB) ? &r : &l);
        Fact f = fact_of(FK_NUM, loop, node);
        f.ndim = l.ndim;
        memcpy(f.ax, l.ax, sizeof f.ax);
        f.ax_last = l.ax_last;
        if (c == '-') ratio_of(&f, &l); /* facts_ratio.c */
        return f;
    }
    if (c == '/' && lscores && rscores) { /* p / q: a ratio of probabilities is none */
        Fact f = fact_of(FK_NUM, loop, node);
        f.ndim = l.ndim;
        memcpy(f.ax, l.ax, sizeof f.ax);
        f.ax_last = l.ax_last;
        return f;
    }
    if (lscores && rscores) {
        Fact f = fact_join(in->arena, l, r);
        f.flags |= loop;
        if (c == '+' || c == '-') f.flags &= ~FF_SOFTMAX; /* a mixture of distributions */
        return f;
    }
    if (lscores) {
        l.flags |= loop;
        return classprob_added(in, node, c, l, false); /* p + eps: floored */
    }
    if (rscores && c != '/') {
        r.flags |= loop;
        if (c == '-') r.flags &= ~FF_SOFTMAX; /* 1 - p: the complement is no softmax output */
        return classprob_added(in, node, c, r, true);
    }
    return binop_ids_and_numbers(in, node, c, l, r, loop);
}

static Fact eval_unary(Interp *in, TSNode node) {
    Fact f = interp_eval(in, parse_field(node, "argument"));
    bool minus = parse_text_eq(in->src, parse_field(node, "operator"), "-");
    if (f.flags & FF_CONST) { /* -1; ~x and +x of a known integer are not tracked */
        if (minus && f.num != INT16_MIN)
            f.num = (int16_t)-f.num;
        else
            f.flags &= ~FF_CONST;
    }
    if (minus && (f.kinds & FK_LOSS) && (f.flags & FF_PERTOKEN)) {
        /* -cross_entropy(..., reduction="none"): per-token log-probabilities */
        f.kinds = FK_LOGPROB;
        f.flags = (f.flags & ~FF_PERTOKEN) | FF_SELECTED;
    }
    if (minus) svc_loss_scored(in, node, &f);
    return f;
}

/* self.dim where self (or another object of a class of the file) has the field: what that
 * object was built with wins over what any method stored on some self (interp_bind). */
static bool instance_field(Interp *in, TSNode attribute, Fact *out) {
    TSNode object = parse_field(attribute, "object");
    if (!parse_is(object, "identifier")) return false;
    bool found;
    Fact obj = interp_lookup_key(in, object, &found);
    if (obj.obj != FO_INSTANCE) return false;
    size_t len;
    const char *attr = parse_text(in->src, parse_field(attribute, "attribute"), &len);
    const Fact *field = fact_field(&obj, attr, len);
    if (field) *out = *field;
    return field != NULL;
}

/* ---------- collections ---------- */

/* A list of values: one axis more in front, STEP when each element is one position's value. */
Fact interp_list_of(Fact elem, TSNode node) {
    if (elem.bottom) { /* [] : an empty list, typed by what is appended later */
        Fact empty = fact_unknown();
        fact_set_axes(&empty, 1, (AxisKind[]){AX_ITEM});
        return empty;
    }
    if (fact_is_record(&elem)) {
        /* iterating it yields these records (or objects) */
        Fact r = elem;
        r.records = true;
        return r;
    }
    if (elem.obj != FO_NONE) return elem;
    Fact r = elem;
    r.flags &= ~(FF_STEPVAR | FF_LOOPVAR);
    /* a list of values nothing is known of was made here: the list is all there is to know
     * (texts = [p + c for ...] handed to a tokenizer is a batch of texts) */
    if (ts_node_is_null(r.origin) || fact_knows_nothing(&elem)) r.origin = node;
    fact_insert_axis(&r, 0, (elem.flags & FF_STEPVAR) ? AX_STEP : AX_ITEM);
    if (elem.ndim < 0) {
        r.ndim = -1;
        if (elem.flags & FF_STEPVAR && !(elem.flags & FF_AGGREGATED)) r.ax_last = AX_STEP;
    }
    return r;
}

static Fact eval_sequence(Interp *in, TSNode node) {
    uint32_t n = ts_node_named_child_count(node);
    Fact joined = fact_bottom();
    Fact *elems = arena_alloc(in->arena, sizeof(Fact) * (n ? n : 1));
    int k = 0;
    ParseKids kids; /* a literal may have a million elements: O(1) per child */
    parse_kids_begin(&kids, node);
    for (TSNode c; parse_kids_next(&kids, &c) && (uint32_t)k < n;) {
        if (parse_is(c, "comment")) continue;
        elems[k] = interp_eval(in, c);
        joined = fact_join(in->arena, joined, elems[k]);
        k++;
    }
    parse_kids_end(&kids);
    if (parse_is(node, "tuple") || parse_is(node, "expression_list")) {
        Fact t = fact_object(FO_TUPLE, 0, node);
        t.elems = elems;
        t.nelems = k;
        return t;
    }
    Fact r = interp_list_of(joined, node);
    if (r.obj == FO_CALLABLE && k && elems[k - 1].obj == FO_CALLABLE) /* a list of modules */
        r = fact_modules_ending(in->arena, r, elems[k - 1]);
    Fact t = fact_object(FO_TUPLE, 0, node);
    t.elems = elems;
    t.nelems = k;
    rows_list_literal(in, node, &t); /* facts_rows.c: for torch.cat([a, b]) */
    rows_forget(&r);                 /* a list's own rows are its elements */
    return r;
}

/* {"probs": p, "loss": l}: its values by key, so that d["probs"] is what was stored, whatever
 * the key's name suggests. */
static Fact eval_dict(Interp *in, TSNode node) {
    uint32_t n = ts_node_named_child_count(node);
    Fact d = fact_object(FO_DICT, 0, node);
    d.elems = arena_alloc(in->arena, sizeof(Fact) * (n ? n : 1));
    d.keys = arena_alloc(in->arena, sizeof(char *) * (n ? n : 1));
    bool informative = false;
    ParseKids kids; /* a literal may have a million entries: O(1) per child */
    parse_kids_begin(&kids, node);
    for (TSNode c; parse_kids_next(&kids, &c);) {
        if (!parse_is(c, "pair")) { /* **other: entries we cannot name */
            if (!parse_is(c, "comment")) interp_eval(in, c);
            continue;
        }
        TSNode key = parse_field(c, "key");
        size_t len;
        const char *text = interp_string_key(in, key, &len);
        if (!text) interp_eval(in, key);
        d.keys[d.nelems] = text ? arena_strndup(in->arena, text, len) : NULL;
        d.elems[d.nelems] = interp_eval(in, parse_field(c, "value"));
        const Fact *v = &d.elems[d.nelems++];
        if (fact_informs_dict(v)) informative = true;
    }
    parse_kids_end(&kids);
    /* A dict of plain data (a config, a table of numbers, {} to fill) stays unknown, so that
     * the name it is stored under is evidence, as for any value nothing is known of. */
    if (informative) return d;
    Fact plain = fact_unknown();
    plain.origin = node; /* {} to fill with d["key"] = ... (set_field) */
    return plain;
}

/* lambda x: body, first in a scope of its own where nothing is known of the parameters, not even
 * from their names: a lambda is mostly called where the analysis does not pass its arguments
 * (sorted(key=...), map), so there only what its body does itself (log of a softmax, exp / sum
 * of exp) is found. Its value is a function: called by a name, it runs with the arguments. */
static Fact eval_lambda(Interp *in, TSNode node) {
    EnvMark saved = interp_scope_begin(in);
    TSNode params = parse_field(node, "parameters");
    uint32_t n = ts_node_is_null(params) ? 0 : ts_node_named_child_count(params);
    for (uint32_t i = 0; i < n; i++) {
        TSNode p = parse_named_child(params, i);
        TSNode name = parse_is(p, "default_parameter") ? parse_field(p, "name") : p;
        Fact opaque = fact_unknown(); /* called with who knows what: its name is no evidence */
        opaque.flags |= FF_OPAQUE;
        if (parse_is(name, "identifier")) interp_bind(in, name, opaque);
    }
    interp_eval(in, parse_field(node, "body"));
    interp_scope_end(in, saved);
    /* called later by a name it is bound to, it runs like a function with its arguments */
    return funcs_closure(in, node);
}

/* {k: v.to(device) for k, v in enc.items()}: the tokenizer's batch again, padding and all. */
static Fact encoding_remade(Interp *in, TSNode comprehension) {
    TSNode clause = {0};
    for (uint32_t i = 0; i < ts_node_named_child_count(comprehension); i++)
        if (parse_is(parse_named_child(comprehension, i), "for_in_clause"))
            clause = parse_named_child(comprehension, i);
    if (ts_node_is_null(clause)) return fact_unknown();
    TSNode it = parse_unparen(parse_field(clause, "right"));
    TSNode fn = parse_field(it, "function");
    /* the values moved or cast (v.to(d), v.cuda(), v.long()) or kept (v), not sliced or changed */
    TSNode value = parse_unparen(parse_field(parse_field(comprehension, "body"), "value"));
    TSNode kept = value; /* what the value's call keeps: v of v.to(d) */
    bool cast = false;   /* a method of the same layout (x.astype(np.int64)): of ids, the same */
    if (parse_is(value, "call")) {
        TSNode f = parse_field(value, "function");
        size_t mlen;
        const char *m = parse_text(in->src, parse_field(f, "attribute"), &mlen);
        if (!parse_is(f, "attribute")) return fact_unknown();
        const Contract *t = contracts_method(FORM_TENSOR, m, mlen);
        cast = t && t->op == OP_PASS && !calls_keeps_values(m, mlen);
        if (!cast && !calls_keeps_values(m, mlen)) return fact_unknown();
        kept = parse_unparen(parse_field(f, "object"));
    } else if (!parse_is(value, "identifier") && !parse_is(value, "subscript")) {
        return fact_unknown();
    }
    TSNode src_node = parse_is(fn, "attribute") ? parse_field(fn, "object") : (TSNode){0};
    bool by_key = false;
    if (!parse_is(it, "call") || !parse_is(fn, "attribute") ||
        !interp_text_eq(in, parse_field(fn, "attribute"), "items") ||
        parse_is(value, "subscript") || cast) {
        /* {k: enc[k].astype(np.int64) for k in names}: some of enc's values, key by key */
        TSNode key = parse_field(parse_field(comprehension, "body"), "key");
        TSNode var = parse_field(clause, "left");
        if (!parse_is(kept, "subscript") || !parse_is(key, "identifier") ||
            !parse_is(var, "identifier") || ts_node_named_child_count(kept) != 2 ||
            !parse_same_text(in->src, key, var) ||
            !parse_same_text(in->src, parse_named_child(kept, 1), var))
            return fact_unknown();
        src_node = parse_field(kept, "value");
        by_key = true;
    }
    Fact src = interp_eval(in, src_node);
    /* a collator's dict of tensors moved to the device is that dict, key by key */
    bool dict = src.obj == FO_DICT && !src.records;
    if (src.obj == FO_ENCODING || dict) return src;
    if (by_key) return fact_unknown();
    Fact moved = fact_unknown();
    rows_carry(&moved, &src); /* a loader's batch moved: its rows (facts_rows.c) */
    return moved;
}

/* [cls(m) for cls in (A, B)]: one element per object of code iterated (iter_unrolled). */
static Fact comprehension_unrolled(Interp *in, TSNode left, Fact it, TSNode body, TSNode node) {
    Fact r = fact_object(FO_TUPLE, 0, node);
    r.elems = arena_alloc(in->arena, sizeof(Fact) * (size_t)it.nelems);
    for (int i = 0; i < it.nelems; i++) {
        EnvMark saved = interp_scope_begin(in);
        interp_bind(in, left, it.elems[i]);
        r.elems[r.nelems++] = interp_eval(in, body);
        interp_scope_end(in, saved);
    }
    return r;
}

/* [t.cuda() for t in batch] of a tuple of tensors (a helper's `return ids, mask, labels`): each
 * element moved or cast as it is, the tuple's order kept, so unpacking it gives each its own
 * facts and not the join of all of them. */
static bool moves_each(Interp *in, TSNode left, const Fact *it, TSNode body) {
    if (it->obj != FO_TUPLE || it->records || it->nelems < 2 || it->nelems > ITER_MAX_UNROLLED ||
        !parse_is(left, "identifier") || !parse_is(body, "call"))
        return false;
    bool tensors = false;
    for (int i = 0; i < it->nelems; i++) {
        if (it->elems[i].obj != FO_NONE) return false;
        tensors |= it->elems[i].kinds != 0;
    }
    if (!tensors) return false;
    TSNode fn = parse_field(body, "function");
    if (!parse_is(fn, "attribute")) return false;
    TSNode recv = parse_unparen(parse_field(fn, "object"));
    size_t mlen;
    const char *m = parse_text(in->src, parse_field(fn, "attribute"), &mlen);
    return parse_is(recv, "identifier") && parse_same_text(in->src, recv, left) &&
           calls_keeps_values(m, mlen);
}

/* a, b, c = (t.to(dev) for t in batch): a generator unpacked at once, as a list would be. */
static bool unpacked_generator(TSNode node) {
    if (!parse_is(node, "generator_expression")) return false;
    TSNode up = parse_parent(node);
    while (parse_is(up, "parenthesized_expression"))
        up = parse_parent(up);
    if (!parse_is(up, "assignment")) return false;
    TSNode left = parse_field(up, "left");
    return parse_is(left, "pattern_list") || parse_is(left, "tuple_pattern");
}

/* [body for x in it if cond]: bind like a for loop, in a scope of its own. */
static Fact eval_comprehension(Interp *in, TSNode node) {
    EnvMark saved = interp_scope_begin(in);
    TSNode body = parse_field(node, "body");
    uint32_t n = ts_node_named_child_count(node);
    bool one_row = true; /* every clause iterates an axis of size 1 (x[None]): one element */
    for (uint32_t i = 0; i < n; i++) {
        TSNode c = parse_named_child(node, i);
        if (parse_is(c, "for_in_clause")) {
            Fact it = interp_eval(in, parse_field(c, "right"));
            if (n == 2 && !ts_node_is_null(body) &&
                (parse_is(node, "list_comprehension") || unpacked_generator(node)) &&
                (iter_unrolled(&it) || moves_each(in, parse_field(c, "left"), &it, body))) {
                interp_scope_end(in, saved);
                return comprehension_unrolled(in, parse_field(c, "left"), it, body, node);
            }
            one_row &= it.ndim >= 1 && it.ax[0] == AX_ONE;
            Fact elem = iter_element(in, it);
            TSNode left = parse_field(c, "left");
            interp_bind(in, left, elem);
        } else if (parse_is(c, "if_clause")) {
            interp_eval(in, parse_named_child(c, 0));
        }
    }
    Fact elem = ts_node_is_null(body) ? fact_unknown() : interp_eval(in, body);
    interp_scope_end(in, saved);
    if (parse_is(node, "dictionary_comprehension")) {
        /* {k: v.to(d) for k, v in enc.items()} is the encoding (or the dict); any other, its
         * values keyed by the iteration's items, as a dict filled in a loop is */
        Fact enc = encoding_remade(in, node);
        if (enc.obj == FO_ENCODING || enc.obj == FO_DICT) return enc;
        /* {name: Head(n) for name, n in tasks.items()}: any key reads an object built so */
        if (elem.obj == FO_INSTANCE || elem.obj == FO_CALLABLE)
            return fact_with_field(in->arena, fact_object(FO_DICT, 0, node), FACT_ANY_KEY,
                                   sizeof FACT_ANY_KEY - 1, elem);
        if (elem.obj != FO_NONE || !elem.kinds) return enc;
    }
    /* [np.pad(x, (0, maxlen - len(x))) for x in batch] over a batch of one pads nothing */
    if (one_row) elem.flags &= ~FF_PADDED;
    return interp_list_of(elem, node);
}

/* ---------- dispatch ---------- */

/* yes if c else no: the branches that can be taken, joined; 1.0 if m else 0.0 is float(m)
 * (facts_truth.c). */
static Fact eval_conditional(Interp *in, TSNode n) {
    Fact cond = interp_eval(in, parse_named_child(n, 1));
    int truth = paths_truth(in, parse_named_child(n, 1)); /* only what can be taken */
    if (truth == -1 && truth_as_number(in, n, &cond)) return cond;
    Fact yes = truth ? interp_eval(in, parse_named_child(n, 0)) : fact_bottom();
    Fact no = truth != 1 ? interp_eval(in, parse_named_child(n, 2)) : fact_bottom();
    return fact_join(in->arena, yes, no);
}

/* None, True/False and numbers: values a condition can be decided on (facts_paths.c); an
 * integer that fits is known on every path (FF_CONST). `r` is the unknown to start from. */
static Fact eval_constant(Interp *in, TSNode n, Fact r) {
    SymKind k = syms_kind(n);
    if (k == SYM_NONE) {
        r.ndim = 0;
        r.flags |= FF_NONE;
        return r;
    }
    if (k == SYM_TRUE || k == SYM_FALSE) {
        r = fact_of(FK_NUM, FF_CONST, n);
        r.ndim = 0;
        r.num = k == SYM_TRUE;
        return r;
    }
    r = fact_of(FK_NUM, 0, n);
    r.ndim = 0;
    long v;
    if (interp_int_literal(in, n, &v) && v >= INT16_MIN && v <= INT16_MAX) {
        r.flags |= FF_CONST;
        r.num = (int16_t)v;
    }
    return r;
}

/* A string literal; in an f-string (f"{evaluate(model, loader):.3f}") what it interpolates
 * runs. */
static Fact eval_string(Interp *in, TSNode n) {
    ParseKids k;
    parse_kids_begin(&k, n);
    for (TSNode part; parse_kids_next(&k, &part);)
        if (parse_is(part, "interpolation")) interp_eval(in, parse_field(part, "expression"));
    parse_kids_end(&k);
    Fact text = labels_string(in, n);
    if (text.flags & FF_JOINED) text.prompt_rows = prompts_fstring_vary(in, n);
    return text;
}

/* b.input_ids, rollout.tokens read twice: one sequence, of an object nothing is known of or
 * one built by arguments not seen (`rollout: Rollout`, whose fields no call gave). */
static void same_sequence_each_read(Interp *in, Fact *r, const Fact *obj, TSNode attribute) {
    bool unseen = fact_knows_nothing(obj) || obj->obj == FO_INSTANCE;
    bool unknown_seq = !r->kinds && r->ndim != 0 && !r->bottom && !align_known(r);
    if (unseen && r->obj == FO_NONE && ((r->kinds & (FK_IDS | FK_MASK)) || unknown_seq))
        align_fresh_text(in, r, attribute, obj->origin);
}

Fact interp_eval(Interp *in, TSNode n) {
    if (ts_node_is_null(n) || !bounds_spend(in->budget)) return fact_unknown();
    if (in->expr_depth >= FACTS_MAX_EXPR_DEPTH) {
        bounds_hit(in->budget, BOUND_DEPTH);
        return fact_unknown();
    }
    if (++in->expr_depth > in->expr_peak) in->expr_peak = in->expr_depth;
    Fact r = fact_unknown();
    switch (syms_kind(n)) {
    case SYM_IDENTIFIER:
        r = interp_lookup(in, n);
        break;
    case SYM_ATTRIBUTE: {
        bool found;
        bool field = instance_field(in, n, &r);
        if (!field) r = interp_lookup_key(in, n, &found);
        if (!field && !found) {
            Fact obj = interp_eval(in, parse_field(n, "object"));
            size_t len;
            const char *attr = parse_text(in->src, parse_field(n, "attribute"), &len);
            r = attr_get(in, obj, n, attr, len);
            same_sequence_each_read(in, &r, &obj, n);
        }
        break;
    }
    case SYM_SUBSCRIPT: {
        bool found;
        r = interp_lookup_key(in, n, &found);
        if (!found) r = eval_subscript(in, n);
        rows_after_subscript(in, n, &r); /* facts_rows.c */
        break;
    }
    case SYM_CALL:
        r = calls_eval(in, n);
        break;
    case SYM_BINARY_OPERATOR:
        r = eval_binop(in, n);
        break;
    case SYM_UNARY_OPERATOR:
        r = eval_unary(in, n);
        break;
    case SYM_PARENTHESIZED_EXPRESSION:
    case SYM_AWAIT:
    case SYM_KEYWORD_ARGUMENT: {
        uint32_t c = ts_node_named_child_count(n);
        r = c ? interp_eval(in, parse_named_child(n, c - 1)) : fact_unknown();
        break;
    }
    case SYM_CONDITIONAL_EXPRESSION:
        r = eval_conditional(in, n);
        break;
    case SYM_BOOLEAN_OPERATOR:
        r = fact_join(in->arena, interp_eval(in, parse_field(n, "left")),
                      interp_eval(in, parse_field(n, "right")));
        break;
    case SYM_COMPARISON_OPERATOR: {
        /* in: what any operand holds; in2: the kinds every operand holds (a loss compared
         * with a loss ranks; a loss compared with a threshold does not) */
        Fact joined = fact_bottom(), common = fact_bottom();
        uint16_t sum = 0; /* the one sum compared (logp < threshold: LL106) */
        uint32_t c = ts_node_named_child_count(n);
        for (uint32_t i = 0; i < c; i++) {
            Fact v = interp_eval(in, parse_named_child(n, i));
            joined = fact_join(in->arena, joined, v);
            if (v.agg_event) sum = sum && sum != v.agg_event ? UINT16_MAX : v.agg_event;
            uint16_t kinds = common.bottom ? v.kinds : common.kinds & v.kinds;
            common = fact_join(in->arena, common, v);
            common.kinds = kinds;
            if ((v.kinds & (FK_IDS | FK_MASK | FK_INDEX)) && v.ndim != 0 && v.obj == FO_NONE &&
                !r.kinds) {
                /* labels != -100, ids == pad_id, arange(T) < lengths[:, None]: a mask over
                 * positions */
                r = v;
                if (v.kinds & FK_INDEX) align_clear(&r); /* an index's head is its value */
                r.kinds = FK_MASK;
                r.flags &= ~(FF_MASKED | FF_WEAK);
            }
        }
        if (sum != UINT16_MAX) joined.agg_event = sum;
        if (!joined.bottom) interp_emit(in, EV_RANK, 0, n, joined, common, AX_UNK);
        break;
    }
    case SYM_LIST:
    case SYM_TUPLE:
    case SYM_SET:
    case SYM_EXPRESSION_LIST:
        r = eval_sequence(in, n);
        break;
    case SYM_LIST_COMPREHENSION:
    case SYM_GENERATOR_EXPRESSION:
    case SYM_SET_COMPREHENSION:
    case SYM_DICTIONARY_COMPREHENSION:
        r = eval_comprehension(in, n);
        break;
    case SYM_STRING:
        r = eval_string(in, n);
        break;
    case SYM_NONE:
    case SYM_TRUE:
    case SYM_FALSE:
    case SYM_INTEGER:
    case SYM_FLOAT:
        r = eval_constant(in, n, r);
        break;
    case SYM_NAMED_EXPRESSION:
        r = interp_eval(in, parse_field(n, "value"));
        interp_bind(in, parse_field(n, "name"), r);
        break;
    case SYM_DICTIONARY:
        r = eval_dict(in, n);
        break;
    case SYM_PAIR:
        /* a dict comprehension's body */
        interp_eval(in, parse_field(n, "key"));
        r = interp_eval(in, parse_field(n, "value"));
        break;
    case SYM_LAMBDA:
        r = eval_lambda(in, n);
        break;
    case SYM_YIELD: {
        /* yield x, yield from xs: what the generator gives */
        uint32_t c = ts_node_named_child_count(n);
        Fact v = c ? interp_eval(in, parse_named_child(n, 0)) : fact_unknown();
        if (c && ts_node_child_count(n) > 1 && parse_text_eq(in->src, ts_node_child(n, 1), "from"))
            v = iter_element(in, v);
        if (in->frame != in->module)
            in->frame->yielded = fact_join(in->arena, in->frame->yielded, v);
        break;
    }
    case SYM_NOT_OPERATOR:
    case SYM_LIST_SPLAT:
    case SYM_DICTIONARY_SPLAT: {
        uint32_t c = ts_node_named_child_count(n); /* what they hold is not tracked */
        for (uint32_t i = 0; i < c; i++)
            interp_eval(in, parse_named_child(n, i));
        break;
    }
    default:
        break;
    }
    pad_expr(in, n, &r); /* LL111 (facts_pad.c): the padding domain of this expression */
    in->expr_depth--;
    return r;
}
