/* facts_joins: where the second part of a joined sequence starts, and stores into a region of
 * a buffer that keep each column's token where it was.
 *
 * A row built by hand writes a prompt + response into one buffer from column 0 and the
 * response alone into another from column len(prompt) (labels[i, len(p):n] = r, labels
 * aligned with the ids the Hugging Face way). The second store moves nothing: column
 * len(p) of both buffers holds the response's first token. It keeps the buffer's positions
 * when the value's start is the position the target range starts at: a cut of the joined
 * row at that count ((p + r)[len(p):]), or the part a join put right after the sequence the
 * count is the length of (r in p + r, noted when the join was made). Any other offset, one
 * position early (labels[i, len(p) - 1:n - 1] = r: shifted labels), is no such store. */
#include "facts_svc.h"

struct JoinNote {
    uint32_t second; /* the head symbol of b in a + b */
    FactPos after;   /* where b starts in a + b: one past a's last position */
};

/* a + b of two sequences: b starts one past a's end. */
void joins_note(Interp *in, const Fact *a, const Fact *b) {
    if (!a->tail.sym || !b->head.sym || b->head.c != 0 || b->head.end) return;
    for (size_t i = 0; i < in->join_notes.len; i++)
        if (in->join_notes.items[i].second == b->head.sym) return; /* the first join counts */
    FactPos after = align_shift(a->tail, 1);
    array_push(&in->join_notes, ((struct JoinNote){b->head.sym, after}));
}

void joins_free(Interp *in) {
    array_free(&in->join_notes);
}

/* buf[i, :len(t)] = t, buf[:, 0:n] = x: a sequence from its own start (head known, no offset
 * from a start) written from column 0 of the positions (the last index): each column holds the
 * value of its own position, as before. Token ids whose head is counted from an end start
 * there too: a suffix (ids[-max_len:], a window cut on the left: the tokens the buffer then
 * holds from column 0) or a joined ctx + cont (marked so only that tails compare,
 * align_concat); ids[1:] does not. (Other values counted from an end, a per-row list of mask
 * values, say, are not known to be about the tokens' positions.) */
static bool copied_to_start(Interp *in, TSNode target, const Fact *value) {
    uint32_t n = ts_node_named_child_count(target);
    /* (ids with a run of a sentinel joined to them, [-100] * n + ids[n:], are ids too) */
    bool ids = (value->kinds & FK_IDS) && !(value->kinds & ~(FK_IDS | FK_NUM));
    bool ids_suffix = value->head.end && ids && value->obj == FO_NONE;
    if (n < 2 || !value->head.sym || (!ids_suffix && (value->head.end || value->head.c != 0)))
        return false;
    TSNode pos = parse_unparen(parse_named_child(target, n - 1)), parts[3];
    if (!parse_is(pos, "slice")) return false;
    parse_slice_parts(pos, parts);
    long start;
    return ts_node_is_null(parts[2]) &&
           (ts_node_is_null(parts[0]) || (svc_int_literal(in, parts[0], &start) && start == 0));
}

/* buf[..., s:e] = v: does v start at the position column s stands for (from column 0, its
 * own start)? */
bool joins_store_in_place(Interp *in, TSNode target, const Fact *value) {
    if (copied_to_start(in, target, value)) return true;
    uint32_t n = ts_node_named_child_count(target);
    if (n < 2 || value->obj != FO_NONE || !(value->kinds & FK_IDS) || !value->head.sym)
        return false;
    TSNode pos = parse_unparen(parse_named_child(target, n - 1)), parts[3];
    if (!parse_is(pos, "slice")) return false;
    parse_slice_parts(pos, parts);
    if (ts_node_is_null(parts[0]) || !ts_node_is_null(parts[2])) return false;
    Fact s = svc_eval(in, parts[0]);
    /* a length of a sequence: its head the sequence's start, its tail one past its end */
    if (!(s.kinds & FK_INDEX) || s.ndim != 0 || !s.head.sym || s.head.end || !s.tail.sym ||
        !s.tail.end || s.head.sym == s.tail.sym)
        return false;
    if (value->head.sym == s.tail.sym) return value->head.c == s.tail.c; /* (p + r)[len(p):] */
    if (value->head.c != 0) return false;
    for (size_t i = 0; i < in->join_notes.len; i++)
        if (in->join_notes.items[i].second == value->head.sym)
            return align_pos_eq(in->join_notes.items[i].after, s.tail);
    return false;
}
