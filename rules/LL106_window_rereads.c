/* LL106's strided windows: a sum of the per-token scores of a whole window of a loop that
 * advances by a step shorter than the window, accumulated across the loop. Each window re-reads
 * the last tokens of the one before as context; summed whole, those tokens are scored once per
 * window that holds them, so a document's total counts them several times (the recipe of
 * strided perplexity writes -100 over them: target_ids[:, :-trg_len] = -100). */
#include "LL106_window_rereads.h"

#include <string.h>

/* The loop around n inside its function (null: none). */
static TSNode enclosing_loop(TSNode n) {
    TSNode up = parse_enclosing(n, (const char *const[]){"for_statement", "while_statement",
                                                         "function_definition", "lambda", NULL});
    return parse_is(up, "for_statement") || parse_is(up, "while_statement") ? up : (TSNode){0};
}

/* The which-th name v the loop may advance by step: `for v in range(a, b, step)` (or
 * tqdm(range(...))), or in a while loop each statement `v += step` of its body. */
static bool loop_stride(const Source *src, TSNode loop, int which, TSNode *v, TSNode *step) {
    if (parse_is(loop, "while_statement")) {
        TSNode body = parse_field(loop, "body");
        for (uint32_t i = 0, k = ts_node_named_child_count(body); i < k; i++) {
            TSNode st = ts_node_named_child(body, i);
            TSNode a = parse_is(st, "expression_statement") ? ts_node_named_child(st, 0) : st;
            if (!parse_is(a, "augmented_assignment") ||
                !parse_text_eq(src, parse_field(a, "operator"), "+=") ||
                !parse_is(parse_field(a, "left"), "identifier") || which-- > 0)
                continue;
            *v = parse_field(a, "left"), *step = parse_field(a, "right");
            return true;
        }
        return false;
    }
    if (which > 0) return false;
    *v = parse_field(loop, "left");
    TSNode it = parse_field(loop, "right");
    if (!parse_is(*v, "identifier") || !parse_is(it, "call")) return false;
    TSNode first = parse_named_child(parse_field(it, "arguments"), 0);
    if (parse_is(first, "call")) it = first; /* tqdm(range(...)) */
    if (!parse_is(it, "call") || !parse_text_eq(src, parse_field(it, "function"), "range"))
        return false;
    TSNode args = parse_field(it, "arguments");
    if (ts_node_is_null(args) || ts_node_named_child_count(args) != 3) return false;
    *step = ts_node_named_child(args, 2);
    return true;
}

/* The names held in a small set, by their text. */
typedef struct Names {
    TSNode items[32];
    size_t len;
} Names;

static bool names_has(const Source *src, const Names *s, TSNode n) {
    for (size_t i = 0; i < s->len; i++)
        if (parse_same_text(src, s->items[i], n)) return true;
    return false;
}

/* Adds every identifier under n (not the attributes' names nor keywords' names): true when one
 * was new. */
static bool names_add_under(const Source *src, Names *s, TSNode n) {
    if (parse_is(n, "identifier")) {
        if (names_has(src, s, n) || s->len == sizeof s->items / sizeof *s->items) return false;
        s->items[s->len++] = n;
        return true;
    }
    bool added = false;
    for (uint32_t i = 0, k = ts_node_named_child_count(n); i < k; i++) {
        TSNode c = ts_node_named_child(n, i);
        if (parse_is(n, "attribute") && i > 0) break;            /* obj.name: obj only */
        if (parse_is(n, "keyword_argument") && i == 0) continue; /* name=value: value only */
        added |= names_add_under(src, s, c);
    }
    return added;
}

/* The assignments of the loop's body, in order, collected in a walk. */
typedef struct Assigns {
    TSNode items[128];
    size_t len;
} Assigns;

static void collect_assigns(TSNode n, Assigns *out) {
    if (parse_is(n, "function_definition") || parse_is(n, "class_definition")) return;
    if (parse_is(n, "assignment") && out->len < sizeof out->items / sizeof *out->items) {
        out->items[out->len++] = n;
    }
    for (uint32_t i = 0, k = ts_node_named_child_count(n); i < k; i++)
        collect_assigns(ts_node_named_child(n, i), out);
}

/* The names the value at n is computed from inside the loop: n's own, then those of every
 * assignment of the body to one of them, to a fixpoint. Sets *sentinel when one of them has
 * something written over part of it (t[:, :-n] = -100: positions ignored, or so it may be). */
static void depends_on(const Source *src, const Assigns *as, TSNode n, Names *s, bool *sentinel) {
    names_add_under(src, s, n);
    for (bool grew = true; grew;) {
        grew = false;
        for (size_t i = 0; i < as->len; i++) {
            TSNode left = parse_field(as->items[i], "left"),
                   right = parse_field(as->items[i], "right");
            if (ts_node_is_null(right)) continue;
            if (parse_is(left, "subscript")) {
                TSNode obj = parse_field(left, "value");
                if (parse_is(obj, "identifier") && names_has(src, s, obj)) *sentinel = true;
                continue;
            }
            if (parse_is(left, "identifier") && names_has(src, s, left))
                grew |= names_add_under(src, s, right);
        }
    }
}

/* The value assigned to name in the loop's body (null: none, or more than one). */
static TSNode assigned_once(const Source *src, const Assigns *as, TSNode name) {
    TSNode found = {0};
    int n = 0;
    for (size_t i = 0; i < as->len; i++) {
        TSNode left = parse_field(as->items[i], "left");
        if (parse_is(left, "identifier") && parse_same_text(src, left, name)) {
            found = parse_field(as->items[i], "right");
            n++;
        }
    }
    return n == 1 ? found : (TSNode){0};
}

/* Does e (or the value of the name e is, in the body) hold v + len, len spelled otherwise than
 * the loop's step? Then window v:e is longer than the step: consecutive windows overlap. */
static bool longer_than_step(const Source *src, const Assigns *as, TSNode e, TSNode v, TSNode step,
                             int depth) {
    if (depth > 3 || ts_node_is_null(e)) return false;
    e = parse_unparen(e);
    if (parse_is(e, "identifier")) {
        TSNode val = assigned_once(src, as, e);
        return !ts_node_is_null(val) && longer_than_step(src, as, val, v, step, depth + 1);
    }
    if (parse_is(e, "binary_operator")) {
        TSNode a = parse_unparen(parse_field(e, "left")),
               b = parse_unparen(parse_field(e, "right"));
        TSNode op = parse_field(e, "operator");
        if (parse_text_eq(src, op, "+")) {
            if (parse_is(a, "identifier") && parse_same_text(src, a, v))
                return !parse_same_text(src, b, step);
            if (parse_is(b, "identifier") && parse_same_text(src, b, v))
                return !parse_same_text(src, a, step);
        }
        return false;
    }
    if (parse_is(e, "call")) { /* min(begin + max_length, n) */
        TSNode args = parse_field(e, "arguments");
        if (ts_node_is_null(args)) return false;
        for (uint32_t i = 0, k = ts_node_named_child_count(args); i < k; i++)
            if (longer_than_step(src, as, ts_node_named_child(args, i), v, step, depth + 1))
                return true;
    }
    return false;
}

/* A window ids[:, v:e] (or ids[v:e], moved: ids[:, v:e].to(device)) of the loop's variable v
 * among the names: its slice's start is v, its end longer than the step. */
static bool overlapping_window(const Source *src, const Assigns *as, const Names *s, TSNode v,
                               TSNode step) {
    for (size_t i = 0; i < as->len; i++) {
        TSNode left = parse_field(as->items[i], "left");
        TSNode right = parse_field(as->items[i], "right");
        if (ts_node_is_null(right)) continue; /* x: int */
        right = parse_unparen(right);
        while (parse_is(right, "call") && parse_is(parse_field(right, "function"), "attribute"))
            right = parse_unparen(parse_field(parse_field(right, "function"), "object"));
        if (!parse_is(left, "identifier") || !names_has(src, s, left) ||
            !parse_is(right, "subscript"))
            continue;
        for (uint32_t j = 1, k = ts_node_named_child_count(right); j < k; j++) {
            TSNode sl = ts_node_named_child(right, j), parts[3];
            if (!parse_is(sl, "slice")) continue;
            parse_slice_parts(sl, parts);
            if (parse_is(parts[0], "identifier") && parse_same_text(src, parts[0], v) &&
                ts_node_is_null(parts[2]) && longer_than_step(src, as, parts[1], v, step, 0))
                return true;
        }
    }
    return false;
}

/* Does the sum at n reach a total kept across the loop's iterations (acc += ..., a list's
 * append, or a name then so kept)? */
static bool accumulated(const Source *src, TSNode loop, TSNode n) {
    for (TSNode up = parse_parent(n); !ts_node_is_null(up) && !ts_node_eq(up, loop);
         up = parse_parent(up)) {
        if (parse_is(up, "augmented_assignment")) return true;
        if (parse_is(up, "call")) {
            TSNode fn = parse_field(up, "function");
            if (parse_is(fn, "attribute") &&
                (parse_text_eq(src, parse_field(fn, "attribute"), "append") ||
                 parse_text_eq(src, parse_field(fn, "attribute"), "extend")))
                return true;
        }
        if (parse_is(up, "expression_statement") || parse_is(up, "assignment")) break;
    }
    return false;
}

bool ll106_window_rereads(const Source *src, TSNode sum, const Fact *f) {
    if (f->flags & (FF_MASKED | FF_SLICED | FF_PADDED)) return false;
    TSNode loop = enclosing_loop(sum), v, step;
    if (ts_node_is_null(loop) || !accumulated(src, loop, sum)) return false;
    TSNode fn = parse_field(sum, "function"); /* lp[:, -n:].sum(): the window's last n only */
    if (parse_is(fn, "attribute") &&
        parse_is(parse_unparen(parse_field(fn, "object")), "subscript"))
        return false;
    Assigns as = {.len = 0};
    collect_assigns(parse_field(loop, "body"), &as);
    Names s = {.len = 0};
    bool sentinel = false;
    /* the value summed: the call's receiver (x.sum()) or its first argument (torch.sum(x)) */
    depends_on(src, &as, sum, &s, &sentinel);
    if (sentinel) return false;
    for (int which = 0; loop_stride(src, loop, which, &v, &step); which++)
        if (overlapping_window(src, &as, &s, v, step)) return true;
    return false;
}
