/* facts_padval: the padding domain's value (what an expression is in a padded batch: Fact.pad,
 * pad_what, pad_nd, pad_c) and its small operations, below the values' join (facts_value.c)
 * so that joining two facts calls nothing above it. facts_pad.c computes these values. */
#ifndef LOGITLINT_FACTS_PADVAL_H
#define LOGITLINT_FACTS_PADVAL_H

#include "facts_internal.h"

enum { PAD_ROW = 4 }; /* Fact.pad: one row of the batch, its positions on axis 0 */

typedef struct PadVal {
    uint8_t pad, what; /* PAD_* side bits, PadWhat */
    int8_t nd, c;      /* rank when known (0 unknown), offset added to a position index */
} PadVal;

static inline PadVal padval(uint8_t what, uint8_t pad, int nd, long c) {
    c = c < -100 ? -100 : c > 100 ? 100 : c; /* an offset that far is as good as any */
    return (PadVal){pad, what, (int8_t)nd, (int8_t)c};
}

static inline PadVal padval_of(const Fact *f) {
    return padval(f->pad_what, f->pad, f->pad_nd, f->pad_c);
}

static inline void padval_store(Fact *f, PadVal v) {
    f->pad = v.pad;
    f->pad_what = v.what;
    f->pad_nd = v.nd;
    f->pad_c = v.c;
}

/* A mask (or labels) whose cover was built somewhere (Fact.made_event: where): a tail or a span
 * of ones, labels != -100 of labels padded with the pad id, such labels themselves. What keeps
 * its positions (a copy, a slice, a cast) keeps where that was. */
static inline bool pad_cover_of(const Fact *f) {
    return f->pad_what == PW_TAILMASK || f->pad_what == PW_SPANMASK ||
           f->pad_what == PW_EARLYTAIL || f->pad_what == PW_PADKEEP || f->fill_pad;
}

/* One row's span mask made of runs ([0] * len(prompt) + [1] * len(cont): facts_spans.c): what
 * it marks is told by the counts of the row's own parts, wherever the row is taken. */
static inline bool padval_row_runs(const Fact *f) {
    return f->obj == FO_NONE && f->pad_what == PW_SPANMASK && (f->pad & PAD_ROW);
}

/* facts_padkeras.c: keras pad_sequences(padding=p) token ids, padded at the start unless p is
 * "post" (padding: its argument's node, null when absent; splat: the call has **kw, kwargs:
 * what kw holds). */
PadVal padkeras_ids(Interp *in, TSNode padding, bool splat, PadVal kwargs);
/* dict(maxlen=n, padding="post"), {"padding": "pre"}: keyword arguments for pad_sequences,
 * PW_KERASKW of the side they pad on; nothing else. */
PadVal padkeras_kwargs(Interp *in, TSNode n);

/* facts_padonnx.c: session.run(names, feed)'s outputs r, padded as the feed's token ids where
 * they hold a vector at each position. */
void padonnx_outputs(Interp *in, TSNode names, TSNode feed, Fact *r);

/* facts_padid.c: what holds the pad id, what holds a label sentinel (-100). */
bool padid_name(Interp *in, TSNode n);
bool padid_sentinel(Interp *in, TSNode n);
bool padid_filled_over_pads(Interp *in, const Fact *ids, const Fact *mask, TSNode mask_node,
                            TSNode value);

/* facts_padmemo.c: node id -> what it held; a record taken is dropped. */
void padmemo_put(Interp *in, const void *id, PadVal v);
bool padmemo_take(Interp *in, const void *id, PadVal *v);
void padmemo_free(Interp *in);

#endif
