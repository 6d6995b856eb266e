/* Lengths: len(x), x.shape, x.size(d), x.numel(), mask.sum(): integers, and FF_COUNT where
 * they count an unshifted, unmasked token sequence's positions (N, where a Hugging Face loss
 * averages over N - 1: facts_labels.c). */
#include "facts_xfer.h"

/* The length of a token sequence's position axis: N when the ids are unshifted and unmasked. */
Fact lengths_of(Fact seq, AxisKind axis, TSNode node) {
    /* of a joined sequence: the count takes in the prompt's tokens (facts_mask.c) */
    Fact f = fact_of(FK_INDEX, seq.flags & FF_JOINED, node);
    f.ndim = 0;
    bool ids = seq.obj == FO_NONE && (seq.kinds & (FK_IDS | FK_MASK)) &&
               !(seq.kinds & ~(FK_IDS | FK_MASK));
    if (ids && (axis == AX_POS || axis == AX_UNK) &&
        !(seq.flags & (FF_SHIFTED | FF_MASKED | FF_SLICED)))
        f.flags |= FF_COUNT;
    if (ids) f.specials = seq.specials; /* of ids with their special tokens or without */
    if (ids) f.tail = seq.tail; /* where the tokens counted end (facts_align.c) */
    return f;
}

/* The length of a sequence's positions as a position itself: counted from the sequence's start
 * (head: that start), it is the position one past its last (tail: the last + 1). x[:, n:] with
 * n = len(a) then starts where a ends, when x starts where a starts (ctx + cont, cat([ctx,
 * cont]) or scores of them: facts_align.c). A count of a mask's ones (mask.sum()) is no such
 * length: padded rows have fewer. */
Fact lengths_span(Fact f, const Fact *seq) {
    if (seq->obj != FO_NONE || !seq->head.sym || seq->head.end || !seq->tail.sym ||
        seq->head.sym == seq->tail.sym)
        return f;
    f.head = seq->head;
    f.tail = align_shift(seq->tail, 1);
    f.tail.end = true;
    return f;
}

/* x.shape: one length per axis, counts where the axis holds positions. */
Fact lengths_shape(Interp *in, Fact x, TSNode node) {
    if (x.ndim < 0 && x.obj == FO_NONE && x.kinds == FK_IDS) /* ids of unknown rank: [B, T] */
        fact_set_axes(&x, 2, (AxisKind[]){AX_BATCH, AX_POS});
    if (x.obj != FO_NONE || !x.kinds || x.ndim < 1) {
        Fact f = fact_of(FK_INDEX, 0, node);
        return f;
    }
    Fact t = fact_object(FO_TUPLE, 0, node);
    t.elems = arena_alloc(in->arena, sizeof(Fact) * (size_t)x.ndim);
    for (int i = 0; i < x.ndim; i++) {
        AxisKind k = (AxisKind)x.ax[i];
        t.elems[i] = lengths_of(x, k == AX_POS ? AX_POS : AX_BATCH, node);
        if (k == AX_POS) t.elems[i] = lengths_span(t.elems[i], &x);
    }
    t.nelems = x.ndim;
    return t;
}

/* x.size(d) / x.numel(): a count when d is (or may be) the position axis. */
Fact lengths_size(Fact x, int dim, bool numel, TSNode node) {
    if (numel) return lengths_of(x, AX_POS, node); /* B * N labels: the mean is over B * (N - 1) */
    if (dim == FACT_NO_DIM) {                      /* x.size(): the shape */
        Fact f = fact_of(FK_INDEX, 0, node);
        return f;
    }
    AxisKind k = fact_axis(&x, dim);
    if (x.ndim < 0 && dim == -1 && k == AX_UNK) k = AX_POS;
    Fact f = lengths_of(x, k == AX_POS ? AX_POS : AX_BATCH, node);
    /* ids of unknown rank: [B, T], so size(1) is their length too */
    bool ids_bt = x.ndim < 0 && (x.kinds & FK_IDS) && (dim == 1 || dim == -1);
    return k == AX_POS && (x.ndim >= 0 || ids_bt) ? lengths_span(f, &x) : f;
}
