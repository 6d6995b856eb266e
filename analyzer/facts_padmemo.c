/* facts_padmemo: facts_pad.c's record of what each subexpression held in the padding domain, a
 * map from a node's id to its PadVal. A parent reads its children's records once and drops them
 * (padmemo_take), so a record read is always from the evaluation in progress. */
#include <stdlib.h>

#include "facts_padval.h"

typedef struct PadRec {
    const void *id;
    PadVal v;
    uint8_t state; /* 0 empty, 1 live, 2 deleted */
} PadRec;

struct PadMemo {
    PadRec *slots;
    size_t cap, taken; /* taken: live + deleted */
};

static size_t memo_hash(const void *id, size_t cap) {
    uintptr_t h = (uintptr_t)id;
    h ^= h >> 17;
    h *= 0x9E3779B97F4A7C15ull;
    return (size_t)(h >> 7) & (cap - 1);
}

static PadRec *memo_find(struct PadMemo *m, const void *id) {
    if (!m || !m->cap) return NULL;
    for (size_t i = memo_hash(id, m->cap);; i = (i + 1) & (m->cap - 1)) {
        PadRec *s = &m->slots[i];
        if (s->state == 0) return NULL;
        if (s->state == 1 && s->id == id) return s;
    }
}

void padmemo_put(Interp *in, const void *id, PadVal v) {
    if (!in->pad_memo) in->pad_memo = util_xcalloc(1, sizeof *in->pad_memo);
    struct PadMemo *m = in->pad_memo;
    PadRec *old = memo_find(m, id);
    if (old) {
        old->v = v;
        return;
    }
    if ((m->taken + 1) * 2 > m->cap) { /* grow (and drop the deleted) */
        PadRec *slots = m->slots;
        size_t cap = m->cap;
        m->cap = cap ? cap * 2 : 64;
        m->slots = util_xcalloc(m->cap, sizeof *m->slots);
        m->taken = 0;
        for (size_t i = 0; i < cap; i++)
            if (slots[i].state == 1) padmemo_put(in, slots[i].id, slots[i].v);
        free(slots);
    }
    size_t i = memo_hash(id, m->cap);
    while (m->slots[i].state == 1)
        i = (i + 1) & (m->cap - 1);
    if (m->slots[i].state == 0) m->taken++;
    m->slots[i] = (PadRec){id, v, 1};
}

bool padmemo_take(Interp *in, const void *id, PadVal *v) {
    PadRec *s = memo_find(in->pad_memo, id);
    if (!s) return false;
    s->state = 2;
    *v = s->v;
    return true;
}

void padmemo_free(Interp *in) {
    if (!in->pad_memo) return;
    free(in->pad_memo->slots);
    free(in->pad_memo);
    in->pad_memo = NULL;
}
