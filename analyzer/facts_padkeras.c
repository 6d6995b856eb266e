/* facts_padkeras: the side keras's pad_sequences pads its rows on, for the padding domain
 * (facts_pad.c). Apart from facts_keras.c, which runs models and so calls back into the
 * facts layer: this reads its padding= argument (or a dict of its keyword arguments) and
 * calls nothing. */
#include "facts_padval.h"
#include "facts_svc.h"

/* pad_sequences(seqs, padding=p): each row padded to one length, at the start unless p is
 * "post" (keras's default is "pre"). A side held by a name is not followed; **kw without
 * padding= pads on the side kw's own padding= names (PW_KERASKW), else on one not known. */
PadVal padkeras_ids(Interp *in, TSNode padding, bool splat, PadVal kwargs) {
    if (ts_node_is_null(padding) && splat)
        return kwargs.what == PW_KERASKW ? padval(PW_IDS, kwargs.pad, 2, 0)
                                         : padval(PW_NONE, 0, 0, 0);
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

/* Is the key one of pad_sequences' own parameters, other than the sequences? */
static bool keras_pad_param(const char *s, size_t len) {
    static const char *const params[] = {"maxlen", "dtype", "padding", "truncating", "value"};
    for (size_t i = 0; i < sizeof params / sizeof *params; i++)
        if (strlen(params[i]) == len && !memcmp(s, params[i], len)) return true;
    return false;
}

/* The value written for key `padding` among the dict's entries, each a keyword argument of
 * dict(...) or a "key": value pair of a literal (null when absent); false when an entry is
 * of another form (**more, a computed key), which may set it, or names no parameter of
 * pad_sequences (the dict is then for some other call). */
static bool padding_entry(Interp *in, TSNode entries, TSNode *padding) {
    bool keras = true;
    *padding = (TSNode){0};
    ParseKids k;
    parse_kids_begin(&k, entries);
    for (TSNode c; keras && parse_kids_next(&k, &c);) {
        if (parse_is(c, "comment")) continue;
        bool kwarg = parse_is(c, "keyword_argument");
        TSNode key = parse_field(c, kwarg ? "name" : "key");
        size_t len = 0;
        const char *s = kwarg                 ? parse_text(in->src, key, &len)
                        : parse_is(c, "pair") ? svc_string_key(in, key, &len)
                                              : NULL;
        keras = s && keras_pad_param(s, len);
        if (keras && len == 7 && !memcmp(s, "padding", 7)) *padding = parse_field(c, "value");
    }
    parse_kids_end(&k);
    return keras;
}

/* A dict of keyword arguments for pad_sequences (dict(maxlen=n, padding="post")), written out
 * whole: the side it pads on, handed over as **kw (the default "pre" when padding= is not
 * among them). A side held by a name is not followed. */
PadVal padkeras_kwargs(Interp *in, TSNode n) {
    bool call = parse_is(n, "call");
    if (call && !svc_text_eq(in, parse_field(n, "function"), "dict"))
        return padval(PW_NONE, 0, 0, 0);
    TSNode entries = call ? parse_field(n, "arguments") : n;
    TSNode padding;
    if ((!parse_is(entries, "argument_list") && !parse_is(entries, "dictionary")) ||
        !ts_node_named_child_count(entries) || !padding_entry(in, entries, &padding))
        return padval(PW_NONE, 0, 0, 0);
    PadVal ids = padkeras_ids(in, padding, false, padval(PW_NONE, 0, 0, 0));
    return ids.what ? padval(PW_KERASKW, ids.pad, 0, 0) : padval(PW_NONE, 0, 0, 0);
}
