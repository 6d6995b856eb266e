/* One of several objects of code chosen at run time (FO_EITHER): a class, a function, an
 * object of the file's classes or a module with a transfer on each path
 * (cls = LinearProbe if cfg.linear else MLPProbe). Calling it runs each (facts_call.c) and
 * keeps what all of them agree on, where a join of two such objects used to know nothing. */
#include "facts_internal.h"

bool either_is_code(const Fact *f) {
    return f->obj == FO_FUNC || f->obj == FO_CLASS || f->obj == FO_INSTANCE ||
           f->obj == FO_CALLABLE || f->obj == FO_EITHER;
}

/* One object on both paths: a class's (or a function's) own definition, an object of one
 * class (its fields join), a module applying the same op. */
static bool same_code(const Fact *a, const Fact *b) {
    if (a->obj != b->obj) return false;
    if (a->obj == FO_CALLABLE) return a->op == b->op && a->op_dim == b->op_dim && !a->nelems;
    return ts_node_eq(a->def, b->def);
}

/* Adds alt to the n alternatives in alts, joined with the one of the same code if any; false
 * when there would be too many. */
static bool add_alternative(Arena *arena, Fact *alts, int *n, const Fact *alt) {
    for (int i = 0; i < *n; i++)
        if (same_code(&alts[i], alt)) {
            alts[i] = fact_join(arena, alts[i], *alt);
            return true;
        }
    if (*n == EITHER_MAX) return false;
    alts[(*n)++] = *alt;
    return true;
}

static bool add_alternatives(Arena *arena, Fact *alts, int *n, const Fact *f) {
    if (f->obj != FO_EITHER) return add_alternative(arena, alts, n, f);
    for (int i = 0; i < f->nelems; i++)
        if (!add_alternative(arena, alts, n, &f->elems[i])) return false;
    return true;
}

Fact either_join(Arena *arena, Fact r, const Fact *a, const Fact *b) {
    Fact alts[2 * EITHER_MAX];
    int n = 0;
    r.def = (TSNode){0};
    r.qual = NULL;
    r.keys = NULL;
    if (!add_alternatives(arena, alts, &n, a) || !add_alternatives(arena, alts, &n, b)) {
        r.obj = FO_NONE;
        r.elems = NULL;
        r.nelems = 0;
        return r;
    }
    r.obj = FO_EITHER;
    r.elems = arena_alloc(arena, sizeof(Fact) * (size_t)n);
    memcpy(r.elems, alts, sizeof(Fact) * (size_t)n);
    r.nelems = n;
    return r;
}

Fact either_agreed(Arena *arena, const Fact *results, int n) {
    Fact r = fact_bottom();
    for (int i = 0; i < n; i++) {
        if (fact_knows_nothing(&results[i])) return fact_unknown();
        r = fact_join(arena, r, results[i]);
    }
    return r.bottom ? fact_unknown() : r;
}
