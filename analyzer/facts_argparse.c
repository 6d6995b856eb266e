/* argparse: a parser and the namespace its parse_args() gives, as a dict of each argument's
 * default by its dest, so that args.model holds what add_argument's default= holds (a
 * checkpoint's name: facts_pad.c). The defaults are what a run without options sees. */

#include <string.h>

#include "facts_xfer.h"

/* The dest of add_argument("--model-name", "-m", dest=...): dest=, else the first long
 * option without its dashes ('-' as '_'), else a positional argument's own name. Null: none. */
static const char *dest_of(Interp *in, const Args *a, size_t *len) {
    int k = args_kw(in, a, "dest");
    if (k >= 0) return svc_string_key(in, a->kw_val[k], len);
    const char *first = NULL;
    size_t first_len = 0;
    for (int i = 0; i < a->npos; i++) {
        size_t n;
        const char *s = svc_string_key(in, a->pos[i], &n);
        if (!s) return NULL;
        if (n > 2 && s[0] == '-' && s[1] == '-') {
            char *d = arena_strndup(in->arena, s + 2, n - 2);
            for (char *c = d; *c; c++)
                if (*c == '-') *c = '_';
            *len = n - 2;
            return d;
        }
        if (i == 0) first = s, first_len = n;
    }
    if (!first || first[0] == '-') return NULL; /* only short options: not followed */
    *len = first_len;
    return first;
}

/* ArgumentParser(): no arguments yet. parser.add_argument(...): the parser, bound again with
 * the argument's default (unknown when it has none or is required). parser.parse_args(): the
 * namespace of those defaults. On anything but such a parser: nothing known. */
Fact argparse_apply(Interp *in, const Applied *s) {
    if (!strcmp(s->row->name, "ArgumentParser")) {
        Fact parser = fact_object(FO_DICT, 0, s->node);
        parser.nelems = 0;
        return parser;
    }
    if (s->recv.obj != FO_DICT || ts_node_is_null(s->recv_node)) return fact_unknown();
    if (!strcmp(s->row->name, "parse_args")) return s->recv;
    size_t len;
    const char *dest = dest_of(in, s->a, &len);
    if (!dest || s->a->splatted) return fact_unknown();
    int k = args_kw(in, s->a, "default");
    bool given = k >= 0 && !args_truthy(in, s->a, "required");
    Fact value = given ? s->a->kwf[k] : fact_unknown();
    Fact now = fact_with_field(in->arena, s->recv, dest, len, value);
    if (!svc_rebind(in, s->recv_node, now)) svc_bind(in, s->recv_node, now);
    return fact_unknown();
}
