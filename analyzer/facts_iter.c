/* Iteration: the element a for loop, a comprehension or a builtin (zip, enumerate, map, sorted's
 * key) gets from what it iterates. */
#include "facts_internal.h"

Fact iter_element(Interp *in, Fact it) {
    (void)in;
    if ((it.obj == FO_TUPLE || it.obj == FO_DICT || it.obj == FO_INSTANCE) && it.records) {
        Fact t = it;
        t.records = false;
        t.flags |= FF_LOOPVAR; /* one step's record: what is made of it varies with the loop */
        return t;
    }
    /* [tok(c) for c in cands] is kept as one of its encodings (interp_list_of), a loader's
     * batches as one batch: either way iterating gives an encoding (its keys are iterated
     * through enc.items(), not here) */
    if (it.obj == FO_ENCODING) {
        Fact t = it;
        t.records = false;
        return t;
    }
    if (it.obj == FO_TUPLE) {
        Fact j = fact_bottom();
        for (int i = 0; i < it.nelems; i++)
            j = fact_join(in->arena, j, it.elems[i]);
        return j.bottom ? fact_unknown() : j;
    }
    if (it.obj == FO_MODEL) return it;
    if (it.obj != FO_NONE) { /* for o in llm.generate(prompts): one step's object, unknown */
        Fact e = fact_unknown();
        e.flags = FF_LOOPVAR;
        return e;
    }
    /* pieces of a sequence of unknown kind (y.split(n)): each a sequence of known positions */
    bool pieces = it.ndim >= 2 && it.ax[0] == AX_ITEM && align_known(&it);
    if (!it.kinds && !pieces) { /* an element of some sequence we do not know: one step of it */
        Fact e = fact_unknown();
        e.flags = FF_LOOPVAR | (it.flags & (FF_OPAQUE | FF_JOINED));    /* texts of prompt + c */
        if (it.ndim >= 1 && it.ax[0] == AX_STEP) e.flags |= FF_STEPVAR; /* an API's per-token */
        return e;
    }
    Fact e = it;
    AxisKind lead = it.ndim >= 1 ? (AxisKind)it.ax[0] : AX_UNK;
    /* log-probs known by a name only, of no known layout (an API's response.logprobs, vLLM's
     * output.logprobs): a list of the generated tokens' entries, one per position */
    if (lead == AX_UNK && it.ndim < 0 && it.kinds == FK_LOGPROB && (it.flags & FF_WEAK))
        lead = AX_STEP;
    if (it.ndim >= 1)
        fact_remove_axis(&e, 0);
    else
        e.ndim = -1;
    if (lead == AX_POS || lead == AX_STEP)
        e.flags |= FF_LOOPVAR | ((it.kinds & FK_SCORES) ? FF_STEPVAR : 0);
    /* one position of it, which one unknown (enumerate / zip say: facts_align.c) */
    if (!(it.kinds & FK_INDEX) &&
        (lead == AX_POS || lead == AX_STEP || (lead == AX_UNK && (it.kinds & FK_IDS))))
        align_clear(&e);
    if ((it.kinds & (FK_IDS | FK_INDEX)) && (lead == AX_POS || lead == AX_UNK))
        e.flags |= FF_LOOPVAR;
    if (it.kinds & FK_INDEX) e.ndim = 0;
    return e;
}

bool iter_unrolled(const Fact *it) {
    if (it->obj != FO_TUPLE || it->records || it->nelems < 2 || it->nelems > ITER_MAX_UNROLLED)
        return false;
    for (int i = 0; i < it->nelems; i++) {
        const Fact *e = &it->elems[i];
        if (e->obj != FO_CLASS && e->obj != FO_INSTANCE && e->obj != FO_FUNC) return false;
    }
    for (int i = 1; i < it->nelems; i++) /* one object in several places joins as itself */
        if (!ts_node_eq(it->elems[i].def, it->elems[0].def)) return true;
    return false;
}

/* Element i of n when unpacking a value into a tuple of targets. */
static Fact unpack_elem_of(Fact f, int i, int n) {
    if (f.obj == FO_TUPLE && f.nelems == n) return f.elems[i];
    /* values, indices = torch.max(x, dim=-1): the values are the maximum */
    if (f.obj == FO_NONE && (f.kinds & FK_MAXV) && n == 2)
        return i == 0 ? f : fact_of(FK_INDEX, f.flags & (FF_LOOPVAR | FF_STEPVAR), f.origin);
    if (f.obj == FO_OUTPUT) {
        /* Hugging Face tuple outputs: (loss, logits, ...) with labels=, else (logits, ...). */
        int logits_at = (f.flags & FF_LABELS) ? 1 : 0;
        if (i == logits_at) {
            Fact r = fact_of(FK_RAW, f.flags & (FF_SEQ2SEQ | FF_WEAK), f.origin);
            if (f.flags & FF_UNTYPED_IN) /* a name-only model fed no token ids */
                r.ax_last = AX_VOCAB;
            else
                fact_set_axes(&r, 3, (AxisKind[]){AX_BATCH, AX_POS, AX_VOCAB});
            return r;
        }
        if (i == 0 && logits_at == 1) return fact_of(FK_LOSS, f.flags & FF_LOSS_FLAGS, f.origin);
    }
    /* for qid, oid, s in rows.tolist(): a row holding a mean loss may hold it anywhere */
    if (f.obj == FO_NONE && (f.kinds & FK_LOSS) && !(f.flags & FF_PERTOKEN) && f.ndim != 0) {
        if (f.ndim > 0) fact_remove_axis(&f, 0);
        return f;
    }
    Fact u = fact_unknown();
    u.flags = f.flags & (FF_OPAQUE | FF_LOOPVAR | FF_STEPVAR);
    return u;
}

Fact iter_unpack_elem(Fact f, int i, int n) {
    Fact e = hf_output_part(f, unpack_elem_of(f, i, n));
    pad_unpack(&e, &f, i, n); /* LL111 (facts_padval.c) */
    return e;
}
