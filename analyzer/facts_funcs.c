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

void funcs_free(Interp *in) {
    free(in->func_slots);
    in->func_slots = NULL;
    in->func_nslots = 0;
    array_free(&in->funcs);
}
