/* facts_padkeras: the side keras's pad_sequences pads its rows on, for the padding domain
 * (facts_pad.c). Apart from facts_keras.c, which runs models and so calls back into the
 * facts layer: this reads one argument and calls nothing. */
#include "facts_padval.h"
#include "facts_svc.h"

/* pad_sequences(seqs, padding=p): each row padded to one length, at the start unless p is
 * "post" (keras's default is "pre"). A side held by a name is not followed. */
PadVal padkeras_ids(Interp *in, TSNode padding) {
    uint8_t side = PAD_START;
    if (!ts_node_is_null(padding)) {
        size_t len;
        const char *s = parse_is(padding, "string") ? svc_string_key(in, padding, &len) : NULL;
        side = !s                                  ? 0
               : len == 4 && !memcmp(s, "post", 4) ? PAD_END
               : len == 3 && !memcmp(s, "pre", 3)  ? PAD_START
                                                   : 0;
    }
    return side ? padval(PW_IDS, side, 2, 0) : padval(PW_NONE, 0, 0, 0);
}
