/* facts_keyguard: what a loop over a batch's keys does for its labels.
 *
 * A collate that pads every field of its examples the same way (`for k in batch[0].keys():
 * out[k] = pad_sequence(rows, padding_value=v)`) chooses v, and whether a key is padded at all,
 * by tests on the key's text (`k.endswith("_labels")`, `"prompt" in k`, `k == "labels"`). The
 * loop's other facts join every key's; here the tests are decided for a key that ends in
 * "labels" (Hugging Face's keyword, "chosen_labels" of a pairwise batch), its start unknown, to
 * find the padding value such a key gets. A test this cannot decide (k.startswith("chosen"), a
 * key's own text) decides nothing: no value is found. */
#include <string.h>

#include "facts_svc.h"

enum { KG_FALSE, KG_TRUE, KG_UNKNOWN };

/* A run of the loop's body for the key: the loop variable, and whether a test held for it
 * because of "labels" (the code's own tests say such keys come there). */
typedef struct KeyRun {
    Interp *in;
    TSNode key;
    bool named;
} KeyRun;

static const char LABELS_SUFFIX[] = "_labels"; /* the key: an unknown start, then this */

/* Is s (len) a suffix of t? */
static bool ends_with(const char *t, size_t tl, const char *s, size_t sl) {
    return sl <= tl && !memcmp(t + tl - sl, s, sl);
}

static bool contains(const char *t, size_t tl, const char *s, size_t sl) {
    for (size_t i = 0; i + sl <= tl; i++)
        if (!memcmp(t + i, s, sl)) return true;
    return false;
}

/* k.endswith(S) / k.startswith(S) / S in k / k == S for the key, S a string literal. */
static int key_test(KeyRun *k, TSNode c) {
    Interp *in = k->in;
    TSNode key = k->key;
    static const size_t kl = sizeof LABELS_SUFFIX - 1;
    size_t sl;
    const char *s;
    if (parse_is(c, "call")) {
        TSNode fn = parse_field(c, "function"), args = parse_field(c, "arguments");
        if (!parse_is(fn, "attribute") || ts_node_named_child_count(args) != 1 ||
            !parse_same_text(in->src, parse_field(fn, "object"), key) ||
            !(s = svc_string_key(in, parse_named_child(args, 0), &sl)))
            return KG_UNKNOWN;
        if (!svc_text_eq(in, parse_field(fn, "attribute"), "endswith")) return KG_UNKNOWN;
        if (ends_with(LABELS_SUFFIX, kl, s, sl)) return (k->named = true), KG_TRUE;
        return ends_with(s, sl, LABELS_SUFFIX, kl) ? KG_UNKNOWN : KG_FALSE;
    }
    if (!parse_is(c, "comparison_operator") || ts_node_named_child_count(c) != 2) return KG_UNKNOWN;
    TSNode l = parse_named_child(c, 0), r = parse_named_child(c, 1), op = ts_node_child(c, 1);
    bool in_op = svc_text_eq(in, op, "in"), eq = svc_text_eq(in, op, "==");
    if (in_op && parse_same_text(in->src, r, key) && (s = svc_string_key(in, l, &sl)))
        return contains(LABELS_SUFFIX, kl, s, sl) ? (k->named = true), KG_TRUE : KG_UNKNOWN;
    if (eq && parse_same_text(in->src, l, key) && (s = svc_string_key(in, r, &sl)))
        return ends_with(s, sl, LABELS_SUFFIX, kl) ? KG_UNKNOWN : KG_FALSE;
    return KG_UNKNOWN;
}

/* A condition on the key, in three values: and, or, not of tests on it. */
static int key_cond(KeyRun *k, TSNode c) {
    Interp *in = k->in;
    c = parse_unparen(c);
    if (parse_is(c, "not_operator")) {
        int v = key_cond(k, parse_field(c, "argument"));
        return v == KG_UNKNOWN ? v : !v;
    }
    if (parse_is(c, "boolean_operator")) {
        int a = key_cond(k, parse_field(c, "left")), b = key_cond(k, parse_field(c, "right"));
        if (svc_text_eq(in, parse_field(c, "operator"), "and"))
            return a == KG_FALSE || b == KG_FALSE ? KG_FALSE
                   : a == KG_TRUE && b == KG_TRUE ? KG_TRUE
                                                  : KG_UNKNOWN;
        return a == KG_TRUE || b == KG_TRUE     ? KG_TRUE
               : a == KG_FALSE && b == KG_FALSE ? KG_FALSE
                                                : KG_UNKNOWN;
    }
    return key_test(k, c);
}

/* The clause of if statement s (its consequence, an elif's or the else's block) that the key
 * takes; null when a test is not decided, or none is taken. */
static TSNode clause_taken(KeyRun *k, TSNode s) {
    int v = key_cond(k, parse_field(s, "condition"));
    if (v == KG_TRUE) return parse_field(s, "consequence");
    if (v == KG_UNKNOWN) return (TSNode){0};
    for (uint32_t i = 0, n = ts_node_named_child_count(s); i < n; i++) {
        TSNode c = parse_named_child(s, i);
        if (parse_is(c, "elif_clause")) {
            v = key_cond(k, parse_field(c, "condition"));
            if (v == KG_TRUE) return parse_field(c, "consequence");
            if (v == KG_UNKNOWN) return (TSNode){0};
        } else if (parse_is(c, "else_clause")) {
            return parse_field(c, "body");
        }
    }
    return (TSNode){0};
}

static bool inside(TSNode outer, TSNode n) {
    return ts_node_start_byte(n) >= ts_node_start_byte(outer) &&
           ts_node_end_byte(n) <= ts_node_end_byte(outer);
}

/* `a if cond else b` for the key: the branch taken, until no conditional is left. */
static TSNode branch_taken(KeyRun *k, TSNode e) {
    for (e = parse_unparen(e); parse_is(e, "conditional_expression"); e = parse_unparen(e)) {
        if (ts_node_named_child_count(e) != 3) return (TSNode){0};
        int v = key_cond(k, parse_named_child(e, 1));
        if (v == KG_UNKNOWN) return (TSNode){0};
        e = parse_named_child(e, v == KG_TRUE ? 0 : 2);
    }
    return e;
}

/* Runs block for the key up to the statement holding `at` (the whole block when at is null),
 * noting in *value the expression last assigned to `name`. False when the key does not reach
 * `at`, or an undecided test leaves what `name` holds unknown. */
static bool run_block(KeyRun *k, TSNode block, TSNode at, TSNode name, TSNode *value) {
    Interp *in = k->in;
    for (uint32_t i = 0, n = ts_node_named_child_count(block); i < n; i++) {
        TSNode s = parse_named_child(block, i);
        bool holds = !ts_node_is_null(at) && inside(s, at);
        if (parse_is(s, "if_statement")) {
            TSNode taken = clause_taken(k, s);
            if (ts_node_is_null(taken)) { /* undecided: fine if neither at nor name is in it */
                size_t len, nl;
                const char *t = parse_text(in->src, s, &len), *nm = parse_text(in->src, name, &nl);
                if (holds || contains(t, len, nm, nl)) return false;
                continue;
            }
            if (!run_block(k, taken, holds ? at : (TSNode){0}, name, value)) return false;
        } else if (parse_is(s, "expression_statement") && !holds) {
            TSNode a = parse_named_child(s, 0);
            if (parse_is(a, "assignment") &&
                parse_same_text(in->src, parse_field(a, "left"), name))
                *value = parse_field(a, "right");
        } else if (holds) {
            return parse_is(s, "expression_statement"); /* at is in this statement itself */
        }
        if (holds) return true;
    }
    return ts_node_is_null(at);
}

/* out[k] = pad_sequence(rows, padding_value=fill) in the body of `for k in ...`: the expression
 * the fill is for a key that ends in "labels" (a name assigned earlier in the body is followed
 * to what the key's tests assign it); null when the key does not reach the call or a test is
 * not decided. */
TSNode keyguard_labels_fill(Interp *in, TSNode call, TSNode fill) {
    TSNode assign = parse_parent(call), none = {0};
    if (!parse_is(assign, "assignment") || !ts_node_eq(parse_field(assign, "right"), call))
        return none;
    TSNode target = parse_unparen(parse_field(assign, "left"));
    if (!parse_is(target, "subscript") || ts_node_named_child_count(target) != 2) return none;
    TSNode key = parse_unparen(parse_field(target, "subscript"));
    if (!parse_is(key, "identifier")) return none;
    TSNode loop = parse_enclosing(call, (const char *const[]){"for_statement", NULL});
    if (ts_node_is_null(loop) || !parse_same_text(in->src, parse_field(loop, "left"), key))
        return none;
    KeyRun k = {in, key, false};
    TSNode value = parse_unparen(fill);
    if (parse_is(value, "identifier")) {
        TSNode name = value;
        value = none;
        if (!run_block(&k, parse_field(loop, "body"), assign, name, &value) ||
            ts_node_is_null(value))
            return none;
    } else if (!run_block(&k, parse_field(loop, "body"), assign, fill, &(TSNode){0})) {
        return none;
    }
    value = branch_taken(&k, value);
    return k.named ? value : none; /* no test named the labels: nothing says they come here */
}
