/* facts_loopkeys: dict keys spelled from the variable of a loop over string literals.
 *
 * A collate function that builds both sides of a preference batch in one loop
 * (for side in ("chosen", "rejected"): out[f"{side}_labels"] = pad([it[side]["labels"] ...]))
 * stores and reads each side under keys made from the loop variable. The body runs with the
 * variable's value unknown; the key is each spelling the literals give it: the variable itself,
 * an f-string whose fields are the variable ("{side}_labels"), or a + of such parts. */
#include "facts_svc.h"

enum { KEY_MAX = 96 };

/* var, the variable of an enclosing `for var in ("chosen", "rejected"):` (over a tuple or list
 * of string literals): those literals (at most 8); a null node when var is no such variable. */
static TSNode loop_values(Interp *in, TSNode key) {
    key = parse_unparen(key);
    if (!parse_is(key, "identifier")) return (TSNode){0};
    for (TSNode p = parse_parent(key); !ts_node_is_null(p); p = parse_parent(p)) {
        if (parse_is(p, "function_definition") || parse_is(p, "class_definition")) break;
        if (!parse_is(p, "for_statement") || !parse_same_text(in->src, parse_field(p, "left"), key))
            continue;
        TSNode keys = parse_unparen(parse_field(p, "right"));
        if (!parse_is(keys, "tuple") && !parse_is(keys, "list")) return (TSNode){0};
        uint32_t n = ts_node_named_child_count(keys);
        size_t len;
        for (uint32_t i = 0; i < n; i++)
            if (!svc_string_key(in, parse_named_child(keys, i), &len)) return (TSNode){0};
        return n && n <= 8 ? keys : (TSNode){0};
    }
    return (TSNode){0};
}

/* The loop variable the key is made of (every field and operand that is a name is the same
 * one), into *var; false when the key has any other part. */
static bool key_var(Interp *in, TSNode n, TSNode *var, int depth) {
    n = parse_unparen(n);
    if (depth > 4) return false;
    if (parse_is(n, "identifier")) {
        if (!ts_node_is_null(*var) && !parse_same_text(in->src, *var, n)) return false;
        *var = n;
        return true;
    }
    if (parse_is(n, "binary_operator"))
        return svc_text_eq(in, parse_field(n, "operator"), "+") &&
               key_var(in, parse_field(n, "left"), var, depth + 1) &&
               key_var(in, parse_field(n, "right"), var, depth + 1);
    if (!parse_is(n, "string")) return false;
    for (uint32_t i = 0; i < ts_node_named_child_count(n); i++) {
        TSNode c = parse_named_child(n, i);
        if (!parse_is(c, "interpolation")) continue;
        if (ts_node_named_child_count(c) != 1) return false; /* {side!r}, {side:>5} */
        if (!key_var(in, parse_field(c, "expression"), var, depth + 1)) return false;
    }
    return true;
}

static bool put(char *buf, size_t *len, const char *s, size_t n) {
    if (*len + n >= KEY_MAX) return false;
    memcpy(buf + *len, s, n);
    *len += n;
    return true;
}

/* The key's text with the variable spelled `value`, appended to buf. */
static bool spell(Interp *in, TSNode n, const char *value, size_t vlen, char *buf, size_t *len) {
    n = parse_unparen(n);
    if (parse_is(n, "identifier")) return put(buf, len, value, vlen);
    if (parse_is(n, "binary_operator"))
        return spell(in, parse_field(n, "left"), value, vlen, buf, len) &&
               spell(in, parse_field(n, "right"), value, vlen, buf, len);
    for (uint32_t i = 0; i < ts_node_named_child_count(n); i++) {
        TSNode c = parse_named_child(n, i);
        size_t tl;
        const char *t = parse_text(in->src, c, &tl);
        if (parse_is(c, "string_content") && !put(buf, len, t, tl)) return false;
        if (parse_is(c, "interpolation") &&
            !spell(in, parse_field(c, "expression"), value, vlen, buf, len))
            return false;
        if (parse_is(c, "escape_sequence")) return false;
    }
    return true;
}

int loopkeys_spell(Interp *in, TSNode key, const char **keys, size_t *lens, int max) {
    TSNode var = {0};
    if (!key_var(in, key, &var, 0) || ts_node_is_null(var)) return 0;
    TSNode values = loop_values(in, var);
    if (ts_node_is_null(values)) return 0;
    int n = 0;
    for (uint32_t i = 0; i < ts_node_named_child_count(values) && n < max; i++) {
        size_t vlen, len = 0;
        const char *v = svc_string_key(in, parse_named_child(values, i), &vlen);
        char buf[KEY_MAX];
        if (!v || !spell(in, key, v, vlen, buf, &len)) return 0;
        keys[n] = arena_strndup(in->arena, buf, len);
        lens[n++] = len;
    }
    return n;
}

Fact loopkeys_read(Interp *in, Fact dict, TSNode key, bool *found) {
    const char *keys[8];
    size_t lens[8];
    int n = dict.obj == FO_DICT ? loopkeys_spell(in, key, keys, lens, 8) : 0;
    Fact r = fact_unknown();
    *found = false;
    for (int i = 0; i < n; i++) {
        const Fact *v = fact_field(&dict, keys[i], lens[i]);
        if (!v) return fact_unknown(); /* a key it does not hold: not known */
        r = i ? fact_join(in->arena, r, *v) : *v;
    }
    *found = n > 0;
    return r;
}
