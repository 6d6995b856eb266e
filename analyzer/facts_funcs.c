/* The functions of a file by name: a hash index over Interp.funcs, so that name lookups,
 * call marking and call-site analysis stay linear in the size of a file with thousands of
 * functions. Several definitions of one name chain in definition order. */
#include <stdlib.h>

#include "facts_internal.h"

void funcs_index(Interp *in) {
    size_t n = 16;
    while (n < in->funcs.len * 2)
        n *= 2;
    in->func_slots = util_xcalloc(n, sizeof *in->func_slots); /* 0: empty, else index + 1 */
    in->func_nslots = n;
    for (size_t i = 0; i < in->funcs.len; i++) {
        FuncInfo *fi = &in->funcs.items[i];
        fi->next_same = -1;
        size_t s = env_hash(fi->name, fi->len) & (n - 1);
        for (;; s = (s + 1) & (n - 1)) {
            uint32_t slot = in->func_slots[s];
            if (!slot) {
                in->func_slots[s] = (uint32_t)i + 1;
                break;
            }
            FuncInfo *head = &in->funcs.items[slot - 1];
            if (head->len == fi->len && !memcmp(head->name, fi->name, fi->len)) {
                while (head->next_same >= 0)
                    head = &in->funcs.items[head->next_same];
                head->next_same = (int32_t)i;
                break;
            }
        }
    }
}

FuncInfo *funcs_find(Interp *in, const char *name, size_t len) {
    if (!in->func_nslots) return NULL;
    size_t mask = in->func_nslots - 1;
    for (size_t s = env_hash(name, len) & mask;; s = (s + 1) & mask) {
        uint32_t slot = in->func_slots[s];
        if (!slot) return NULL;
        FuncInfo *fi = &in->funcs.items[slot - 1];
        if (fi->len == len && !memcmp(fi->name, name, len)) return fi;
    }
}

FuncInfo *funcs_next(Interp *in, const FuncInfo *fi) {
    return fi->next_same >= 0 ? &in->funcs.items[fi->next_same] : NULL;
}

FuncInfo *funcs_of_def(Interp *in, TSNode def) {
    TSNode name_node = parse_field(def, "name");
    if (ts_node_is_null(name_node)) return NULL; /* a lambda */
    size_t len;
    const char *name = parse_text(in->src, name_node, &len);
    for (FuncInfo *fi = funcs_find(in, name, len); fi; fi = funcs_next(in, fi))
        if (ts_node_eq(fi->def, def)) return fi;
    return NULL;
}

/* ---------- closures ---------- */

enum { CLOSURE_MAX_NAMES = 16 };

/* The innermost function (def or lambda) whose body holds node; null at the top level. */
static TSNode enclosing_function(TSNode node) {
    for (TSNode p = parse_parent(node); !ts_node_is_null(p); p = parse_parent(p))
        if (parse_is(p, "function_definition") || parse_is(p, "lambda")) return p;
    return (TSNode){0};
}

/* The names n reads (identifiers, not attribute names) that env binds, each once, into f. */
static void capture_names(Interp *in, TSNode n, Env *env, Fact *f, int depth) {
    if (depth > BOUND_MAX_TREE_DEPTH || f->nelems >= CLOSURE_MAX_NAMES) return;
    in->budget->work++;
    if (parse_is(n, "identifier")) {
        size_t len;
        const char *name = parse_text(in->src, n, &len);
        Binding *b = env_find(in, env, name, len);
        if (!b) return;
        for (int i = 0; i < f->nelems; i++)
            if (fact_key_is(f->keys[i], name, len)) return;
        f->keys[f->nelems] = arena_strndup(in->arena, name, len);
        f->elems[f->nelems++] = b->fact;
        return;
    }
    /* x.name: only x is read */
    TSNode member = parse_is(n, "attribute") ? parse_field(n, "attribute") : (TSNode){0};
    uint32_t nc = ts_node_named_child_count(n);
    for (uint32_t i = 0; i < nc; i++) {
        TSNode c = parse_named_child(n, i);
        if (ts_node_is_null(member) || !ts_node_eq(c, member))
            capture_names(in, c, env, f, depth + 1);
    }
}

/* The values of the enclosing function's names that def's body reads, taken from env. */
static Fact captured_from(Interp *in, TSNode def, Env *env) {
    Fact f = fact_object(FO_FUNC, 0, def);
    f.def = def;
    f.elems = arena_alloc(in->arena, sizeof(Fact) * CLOSURE_MAX_NAMES);
    f.keys = arena_alloc(in->arena, sizeof(char *) * CLOSURE_MAX_NAMES);
    capture_names(in, parse_field(def, "body"), env, &f, 0);
    if (!f.nelems) f.elems = NULL, f.keys = NULL;
    return f;
}

Fact funcs_closure(Interp *in, TSNode def) {
    if (in->frame == in->module) { /* its free names are the module's, read when it runs */
        Fact f = fact_object(FO_FUNC, 0, def);
        f.def = def;
        return f;
    }
    return captured_from(in, def, &in->frame->env);
}

/* obj.method read without a call (jax.jit(self.forward), self.fn = self._step): the method with
 * its object, which it gets as self when called. One element, with no name: nothing else is
 * captured (a method of a class is no closure). */
Fact funcs_bound_method(Interp *in, TSNode def, Fact obj) {
    Fact f = fact_object(FO_FUNC, 0, def);
    f.def = def;
    f.elems = arena_alloc(in->arena, sizeof(Fact));
    f.keys = arena_alloc(in->arena, sizeof(char *));
    f.elems[0] = obj;
    f.keys[0] = NULL;
    f.nelems = 1;
    return f;
}

const Fact *funcs_bound_self(const Fact *f) {
    return f->obj == FO_FUNC && f->nelems == 1 && f->keys && !f->keys[0] ? &f->elems[0] : NULL;
}

void funcs_bind_captured(Interp *in, Env *env, TSNode def, const Fact *closure) {
    /* called from the function that defines it: its names as they are now (Python reads
     * them when the body runs); the caller's def is the one below def on the stack */
    Fact live = {0};
    TSNode outer = enclosing_function(def);
    if (!ts_node_is_null(outer) && in->frame != in->module && in->call_depth >= 2 &&
        ts_node_eq(in->call_stack[in->call_depth - 2], outer)) {
        live = captured_from(in, def, &in->frame->env);
        closure = &live;
    }
    if (!closure || closure->obj != FO_FUNC || !ts_node_eq(closure->def, def)) return;
    for (int i = 0; i < closure->nelems; i++)
        if (closure->keys[i] && closure->keys[i][0] != '=' && closure->keys[i][0] != '#')
            env_set(in, env, closure->keys[i], strlen(closure->keys[i]), closure->elems[i]);
}

void funcs_free(Interp *in) {
    free(in->func_slots);
    in->func_slots = NULL;
    in->func_nslots = 0;
    array_free(&in->funcs);
    branch_free_memo(&in->leaf_defs);
    branch_free_memo(&in->stops_at);
    array_free(&in->cutret_stops);
    joins_free(in);
}
