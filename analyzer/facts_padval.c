/* The padding domain's values where facts meet: a join of two paths, a value stored under a
 * name, an element unpacked from a model's tuple. Calls nothing of the facts layer above the
 * values (facts_padval.h). */
#include <string.h>

#include "facts_padval.h"

/* [] (a list nothing was appended to yet: no kind, no padding, one axis of items) */
static bool empty_list(const Fact *f) {
    return !f->kinds && f->obj == FO_NONE && f->ndim == 1 && f->ax[0] == AX_ITEM &&
           !padval_of(f).what && !f->fill;
}

void pad_join(Fact *r, const Fact *a, const Fact *b) {
    PadVal x = padval_of(a), y = padval_of(b);
    /* [] before the loop that appends rows padded by hand: the batch of those rows (r holds
     * a's domain, fact_join: the empty list's, which is none, or the rows' already) */
    if (empty_list(a) && y.what == PW_IDS && y.nd == 2) {
        pad_carry(r, b);
        return;
    }
    if (empty_list(b) && x.what == PW_IDS && x.nd == 2) return;
    /* the same for a list of each row's count of tokens, appended one by one (facts_spans.c) */
    if (empty_list(a) && y.what == PW_ROWLENS) {
        pad_carry(r, b);
        return;
    }
    if (empty_list(b) && x.what == PW_ROWLENS) return;
    /* a buffer of pads before and after rows were copied into it (in a loop): the copies say
     * where its pads are */
    if (a->fill && a->fill == b->fill && x.what == PW_IDS && y.what == PW_IDS)
        x.pad = y.pad = x.pad | y.pad;
    /* zeros before a loop, a tail of ones written in it: the rows not written have no tail */
    if ((x.what == PW_ZEROS && y.what == PW_TAILMASK) ||
        (x.what == PW_TAILMASK && y.what == PW_ZEROS))
        x = y = padval(PW_TAILMASK, (x.pad | y.pad) & PAD_FROM_ROW, 0, 0);
    /* the same for ones over a span of the rows: the rows not written mark nothing */
    if (x.what == PW_ZEROS && y.what == PW_SPANMASK) x = y;
    if (y.what == PW_ZEROS && x.what == PW_SPANMASK) y = x;
    /* and for ones over each row's tokens (m[i, :len(row)] = 1): a mask of the real tokens */
    if (x.what == PW_ZEROS && y.what == PW_REALMASK) x = y;
    if (y.what == PW_ZEROS && x.what == PW_REALMASK) y = x;
    /* a count of real tokens of rows that may start with pads, on one path (the other's index
     * is none this domain knows, `mask.shape[-1] - 1`): a read at it on that path still lands
     * in the pads */
    if (x.what == PW_COUNT && (x.pad & PAD_START) && y.what == PW_NONE) y = x;
    if (y.what == PW_COUNT && (y.pad & PAD_START) && x.what == PW_NONE) x = y;
    /* span masks whose tokens lie at other columns on each path (their shifts differ): which
     * tokens the join marks at a column is not known, so neither is its alignment */
    if (x.what == PW_SPANMASK && y.what == PW_SPANMASK && x.c != y.c)
        r->head = r->tail = (FactPos){0, 0, false};
    padval_store(r, memcmp(&x, &y, sizeof x) ? padval(PW_NONE, 0, 0, 0) : x);
    /* a mask whose cover one path built (a tail written in a loop, zeros before it): where */
    if (x.what == PW_TAILMASK || x.what == PW_SPANMASK || x.what == PW_EARLYTAIL) {
        PadVal was_a = padval_of(a), was_b = padval_of(b);
        if (!memcmp(&was_b, &x, sizeof x) && memcmp(&was_a, &x, sizeof x))
            r->made_event = b->made_event;
        else if (!memcmp(&was_a, &x, sizeof x) && memcmp(&was_b, &x, sizeof x))
            r->made_event = a->made_event;
    }
    r->fill = a->fill == b->fill ? a->fill : 0;
    r->fill_pad = a->fill_pad && b->fill_pad && r->fill;
    r->fill_end = a->fill_end == b->fill_end ? a->fill_end : 0;
    r->fill_cov = a->fill_cov > b->fill_cov ? a->fill_cov : b->fill_cov;
    r->mask_flaw = a->mask_flaw ? a->mask_flaw : b->mask_flaw; /* a flawed path stays flawed */
}

void pad_carry(Fact *to, const Fact *from) {
    if (to->pad_what || to->fill) return;
    padval_store(to, padval_of(from));
    to->fill = from->fill;
    to->fill_pad = from->fill_pad;
    to->fill_end = from->fill_end;
    to->fill_cov = from->fill_cov;
    if (!to->mask_flaw) to->mask_flaw = from->mask_flaw;
    /* a mask's (or labels') cover goes with where it was built (Fact.made_event) */
    if (pad_cover_of(from) && !to->made_event) to->made_event = from->made_event;
}

/* The tuple a model of trl's value-head kind returns, (lm_logits, loss, value): the logits
 * (or the hidden states of a bare model) first, the value head's [batch, seq] last. */
void pad_unpack(Fact *elem, const Fact *f, int i, int n) {
    if (f->pad_what != PW_OUTPUT || f->pad_nd == 0) return;
    if (i == 0 && f->pad_nd == 3)
        padval_store(elem, padval(PW_VALUES, f->pad, 3, 0));
    else if (n == 3 && i == 2)
        padval_store(elem, padval(PW_VALUES, f->pad, 2, 0));
}
