/* facts_truth: a number picked by a condition is the condition's truth.
 *
 * `1.0 if a <= j < b else 0.0` is float(a <= j < b): a list of them over positions is a weight
 * that is zero where the condition fails, as torch.where(m, 1, 0) is, and no list of plain
 * numbers (whose product with token scores keeps every position). `0 if c else 1` is the
 * complement, as ~m is. */
#include <stdlib.h>
#include <string.h>

#include "facts_svc.h"

enum { NUM_NONE, NUM_ZERO, NUM_OTHER };

/* A numeric literal at n (0, 1, 0.0, 1.) : whether it is zero. */
static int literal_number(Interp *in, TSNode n) {
    n = parse_unparen(n);
    if (!parse_is(n, "integer") && !parse_is(n, "float")) return NUM_NONE;
    size_t len;
    const char *text = parse_text(in->src, n, &len);
    char buf[64];
    if (len == 0 || len >= sizeof buf) return NUM_NONE;
    memcpy(buf, text, len);
    buf[len] = '\0';
    char *end;
    double v = strtod(buf, &end);
    if (*end) return parse_is(n, "integer") && strspn(buf, "0_") == len ? NUM_ZERO : NUM_OTHER;
    return v == 0 ? NUM_ZERO : NUM_OTHER;
}

/* Is name one of the identifiers of the pattern `left` (j, (a, b), [x, *rest])? */
static bool mentions_bound_name(Interp *in, TSNode left, TSNode name, int depth) {
    if (ts_node_is_null(left) || depth > 20) return false;
    if (parse_is(left, "identifier")) return parse_same_text(in->src, left, name);
    for (uint32_t i = 0; i < ts_node_named_child_count(left); i++)
        if (mentions_bound_name(in, parse_named_child(left, i), name, depth + 1)) return true;
    return false;
}

/* Does n mention a name the for clauses of comprehension comp bind? */
static bool mentions_bound(Interp *in, TSNode n, TSNode comp, int depth) {
    if (ts_node_is_null(n) || depth > 50) return false;
    if (parse_is(n, "identifier")) {
        for (uint32_t i = 0; i < ts_node_named_child_count(comp); i++) {
            TSNode clause = parse_named_child(comp, i);
            if (parse_is(clause, "for_in_clause") &&
                mentions_bound_name(in, parse_field(clause, "left"), n, 0))
                return true;
        }
        return false;
    }
    for (uint32_t i = 0; i < ts_node_named_child_count(n); i++)
        if (mentions_bound(in, parse_named_child(n, i), comp, depth + 1)) return true;
    return false;
}

/* A condition that changes from element to element of the comprehension whose body holds
 * cond_expr: it reads the element (a position j of `for j in range(T)`). A condition on
 * anything else (a flag, a row's field in an outer comprehension) weighs every position
 * alike. */
static bool per_element(Interp *in, TSNode cond_expr) {
    static const char *const comps[] = {"list_comprehension", "generator_expression",
                                        "set_comprehension", "dictionary_comprehension", NULL};
    TSNode comp = parse_enclosing(cond_expr, comps);
    if (ts_node_is_null(comp)) return false;
    TSNode body = parse_field(comp, "body");
    if (ts_node_start_byte(cond_expr) < ts_node_start_byte(body) ||
        ts_node_end_byte(cond_expr) > ts_node_end_byte(body))
        return false;
    return mentions_bound(in, parse_named_child(cond_expr, 1), comp, 0);
}

/* cond_expr: `yes if c else no`, cond: the fact of c. When one branch is the literal 0 and the
 * other a non-zero literal, and c is a mask or a condition on each element of a comprehension
 * (of nothing else known), cond becomes the value (its complement when 0 is picked where c
 * holds) and true is returned. */
bool truth_as_number(Interp *in, TSNode cond_expr, Fact *cond) {
    int yes = literal_number(in, parse_named_child(cond_expr, 0)),
        no = literal_number(in, parse_named_child(cond_expr, 2));
    if (yes == NUM_NONE || no == NUM_NONE || yes == no) return false;
    if (cond->bottom || cond->obj != FO_NONE || (cond->kinds & ~FK_MASK)) return false;
    if (!(cond->kinds & FK_MASK) && !per_element(in, cond_expr)) return false;
    Fact value = *cond;
    if (yes == NUM_ZERO && !pad_mask_negated(&value)) return false;
    value.flags &= ~FF_CONST;
    *cond = value;
    return true;
}
