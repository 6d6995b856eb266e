/* facts_padonnx: the padding of an ONNX Runtime session's outputs, for the padding domain
 * (facts_pad.c). session.run(names, feed) returns the graph's outputs in the order named, each
 * computed over the positions of the token ids fed: an output with a vector at each position is
 * padded as those ids are. Reads the call's arguments and calls nothing back. */
#include <string.h>

#include "facts_padval.h"
#include "facts_svc.h"

/* The padding of the token ids a feed holds: its "input_ids" entry ({"input_ids":
 * enc["input_ids"].astype(np.int64), ...}), or a tokenizer's batch handed whole (dict(enc)). */
static PadVal feed_ids(Interp *in, TSNode feed) {
    Fact f = svc_eval(in, feed);
    if (f.obj == FO_ENCODING)
        return f.pad_what == PW_ENCODING ? padval(PW_IDS, f.pad, 2, 0) : padval(PW_NONE, 0, 0, 0);
    if (f.obj != FO_DICT || !f.keys) return padval(PW_NONE, 0, 0, 0);
    for (int i = 0; i < f.nelems; i++) {
        if (!f.keys[i] || strcmp(f.keys[i], "input_ids")) continue;
        PadVal ids = padval_of(&f.elems[i]);
        if (ids.what == PW_IDS && ids.nd == 2 && !(ids.pad & PAD_ROW)) return ids;
    }
    return padval(PW_NONE, 0, 0, 0);
}

/* Writes the padding of each output r (the list the call returned) holds by the names asked:
 * "last_hidden_state", [batch, seq, hidden] in Hugging Face's exports, has the feed's positions.
 * Other outputs stay unknown: an exported "logits" may be a classifier's [batch, classes]. */
void padonnx_outputs(Interp *in, TSNode names, TSNode feed, Fact *r) {
    names = parse_unparen(names);
    if (r->obj != FO_TUPLE || !(parse_is(names, "list") || parse_is(names, "tuple"))) return;
    if ((int)ts_node_named_child_count(names) != r->nelems) return;
    PadVal ids = feed_ids(in, feed);
    if (ids.what != PW_IDS) return;
    for (int i = 0; i < r->nelems; i++) {
        size_t len;
        const char *key = svc_string_key(in, parse_named_child(names, (uint32_t)i), &len);
        if (key && len == 17 && !memcmp(key, "last_hidden_state", 17))
            padval_store(&r->elems[i], padval(PW_VALUES, ids.pad, 3, 0));
    }
}
