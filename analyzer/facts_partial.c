/* functools.partial(f, *a, **kw): f with arguments bound, which it is then called with before
 * (and beside) a caller's own (collate_fn=partial(collate, pad_id=tok.pad_token_id)). The bound
 * values travel in the function value's closure under keys no Python name can spell:
 * "=name" for a keyword's, "#name" for a leading positional's; bind_params (facts.c) gives
 * them to the parameters they fill. */
#include <string.h>

#include "facts_internal.h"

/* The name of def's i-th plain parameter (no *args, no separator past it), or null. */
static TSNode plain_param(TSNode def, int i) {
    TSNode params = parse_field(def, "parameters");
    uint32_t n = ts_node_is_null(params) ? 0 : ts_node_named_child_count(params);
    for (uint32_t j = 0; j < n; j++) {
        TSNode name = parse_param_name(parse_named_child(params, j));
        if (ts_node_is_null(name)) return name; /* *args, **kw, / or *: no leading position */
        if ((int)j == i) return name;
    }
    return (TSNode){0};
}

static void bound_key(Interp *in, Fact *f, char mark, const char *name, size_t len, Fact v) {
    char *k = arena_alloc(in->arena, len + 2);
    k[0] = mark;
    memcpy(k + 1, name, len);
    k[len + 1] = '\0';
    f->keys[f->nelems] = k;
    f->elems[f->nelems++] = v;
}

Fact partial_bind(Interp *in, Fact f, const Args *a) {
    /* a method with its self, or arguments not all seen: f as it is, nothing bound */
    if (f.obj != FO_FUNC || funcs_bound_self(&f) || a->splatted || a->overflow) return f;
    Fact g = f;
    int room = f.nelems + a->npos + a->nkw;
    g.elems = arena_alloc(in->arena, sizeof(Fact) * (size_t)room);
    g.keys = arena_alloc(in->arena, sizeof(char *) * (size_t)room);
    for (int i = 0; i < f.nelems; i++)
        g.elems[i] = f.elems[i], g.keys[i] = f.keys[i];
    for (int i = 1; i < a->npos; i++) {
        TSNode name = plain_param(f.def, i - 1);
        if (ts_node_is_null(name)) return f;
        size_t len;
        const char *s = parse_text(in->src, name, &len);
        bound_key(in, &g, '#', s, len, a->posf[i]);
    }
    for (int i = 0; i < a->nkw; i++) {
        size_t len;
        const char *s = parse_text(in->src, a->kw_name[i], &len);
        bound_key(in, &g, '=', s, len, a->kwf[i]);
    }
    return g;
}

Fact partial_arg(const Fact *closure, TSNode def, const char *name, size_t len, bool *leading) {
    *leading = false;
    if (!closure || closure->obj != FO_FUNC || !ts_node_eq(closure->def, def)) return fact_bottom();
    for (int i = 0; i < closure->nelems; i++) {
        const char *k = closure->keys[i];
        if (!k || (k[0] != '=' && k[0] != '#') || strlen(k + 1) != len || memcmp(k + 1, name, len))
            continue;
        *leading = k[0] == '#';
        return closure->elems[i];
    }
    return fact_bottom();
}
