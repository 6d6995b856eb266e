/* What holds the pad token id, and what holds a label sentinel (a negative constant that no
 * token id is): the two values a padded batch's labels are told apart by (facts_pad.c). */
#include <string.h>

#include "facts_padval.h"
#include "facts_svc.h"
#include "parse.h"

/* An identifier or attribute named as the pad id is by convention (an argument pad_id), or
 * an attribute of a tokenizer or config that holds it (tokenizer.pad_token_id). */
bool padid_name(Interp *in, TSNode n) {
    n = parse_unparen(n);
    if (parse_is(n, "attribute")) n = parse_field(n, "attribute");
    if (!parse_is(n, "identifier")) return false;
    static const char *const names[] = {"pad_token_id", "pad_id",    "pad_idx", "pad_token_idx",
                                        "padding_idx",  "pad_index", NULL};
    size_t len;
    const char *s = parse_text(in->src, n, &len);
    for (const char *const *name = names; *name; name++)
        if (strlen(*name) == len && !memcmp(s, *name, len)) return true;
    return false;
}

/* A negative integer constant (-100, IGNORE_INDEX = -100): no token id, a label sentinel. */
bool padid_sentinel(Interp *in, TSNode n) {
    long v;
    if (!ts_node_is_null(n) && svc_int_literal(in, n, &v)) return v < 0;
    if (!parse_is(parse_unparen(n), "identifier")) return false;
    Fact f = svc_lookup(in, parse_unparen(n));
    return (f.flags & FF_CONST) && f.num < 0;
}

/* ids.masked_fill(m, -100) with m the pads of the same columns: attention_mask == 0 (a whole
 * mask), or a cut of it compared with 0 where ids are cut alike (ids[:, 1:] against
 * attention_mask[:, 1:] == 0; a mask one position off drops a real token and keeps a pad). */
bool padid_filled_over_pads(Interp *in, const Fact *ids, const Fact *mask, TSNode mask_node,
                            TSNode value) {
    if (ts_node_is_null(value) || !padid_sentinel(in, value)) return false;
    if (mask->pad_what == PW_PADMASK) return true;
    mask_node = parse_unparen(mask_node);
    if (!parse_is(mask_node, "comparison_operator") || ts_node_child_count(mask_node) != 3)
        return false;
    size_t len;
    const char *op = parse_text(in->src, ts_node_child(mask_node, 1), &len);
    long lit;
    TSNode part = parse_named_child(mask_node, 0), rhs = parse_named_child(mask_node, 1);
    if (len != 2 || !svc_int_literal(in, rhs, &lit) ||
        !((!memcmp(op, "==", 2) && lit == 0) || (!memcmp(op, "!=", 2) && lit == 1)))
        return false;
    Fact m = svc_eval(in, part);
    return m.pad_what == PW_MASKPART && m.head.sym && align_pos_eq(m.head, ids->head) &&
           align_pos_eq(m.tail, ids->tail);
}
