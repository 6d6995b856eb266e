/* facts_copyside: on which side of its rows a buffer of pads (torch.full((B, L), pad_id),
 * np.full) holds the pads, from where the rows are copied into it, for LL106 and LL111.
 *
 * A row copied to the start of its buffer row (buf[i, :len(r)] = r) leaves the pads after it.
 * One copied so that it ends at the buffer's last column leaves them before it: an open end
 * (buf[i, L - len(r):] = r, buf[i, -len(r):] = r: the store fills the row to its end, or the
 * shapes would not match) or an end at the buffer's width (buf[i, L - len(r):L] = r, L the
 * width it was made with). The row and its positions are read from either spelling of the
 * store, buf[i, a:b] or buf[i][a:b] (and jax's buf.at[i, a:b]). */
#include <string.h>

#include "facts_svc.h"

int copyside_indices(TSNode target, TSNode *ix, int max) {
    target = parse_unparen(target);
    if (!parse_is(target, "subscript")) return 0;
    int n = 0;
    TSNode value = parse_unparen(parse_field(target, "value"));
    /* buf[i][a:b]: the row index of the inner subscript first (one index, no slice) */
    if (parse_is(value, "subscript") && ts_node_named_child_count(value) == 2 &&
        !parse_is(parse_unparen(parse_named_child(value, 1)), "slice"))
        ix[n++] = parse_named_child(value, 1);
    for (uint32_t i = 1; i < ts_node_named_child_count(target) && n < max; i++) {
        TSNode c = parse_named_child(target, i);
        if (!parse_is(c, "comment")) ix[n++] = c;
    }
    return n;
}

bool copyside_row_container(Interp *in, TSNode target, TSNode *container, Fact *buf) {
    target = parse_unparen(target);
    if (!parse_is(target, "subscript")) return false;
    TSNode row = parse_unparen(parse_field(target, "value"));
    if (!parse_is(row, "subscript") || ts_node_named_child_count(row) != 2 ||
        parse_is(parse_unparen(parse_named_child(row, 1)), "slice") ||
        !parse_is(parse_unparen(parse_named_child(target, 1)), "slice"))
        return false;
    *container = parse_field(row, "value");
    if (!parse_is(*container, "identifier") && !parse_is(*container, "attribute")) return false;
    bool found;
    *buf = regions_held(in, *container, &found);
    return found;
}

static TSNode function_of(TSNode n) {
    while (!ts_node_is_null(n) && !parse_is(n, "function_definition"))
        n = parse_parent(n);
    return n;
}

/* x of zeros_like(x) (ones_like, full_like, empty_like): a buffer of x's shape; null if the
 * call is no such call. */
static TSNode shape_source(Interp *in, TSNode call) {
    TSNode fn = parse_field(call, "function");
    if (parse_is(fn, "attribute")) fn = parse_field(fn, "attribute");
    size_t len;
    const char *name = parse_is(fn, "identifier") ? parse_text(in->src, fn, &len) : "";
    static const char *const like[] = {"zeros_like", "ones_like", "full_like", "empty_like"};
    TSNode args = parse_field(call, "arguments");
    for (size_t i = 0; i < sizeof like / sizeof *like; i++)
        if (strlen(like[i]) == len && !memcmp(name, like[i], len) &&
            ts_node_named_child_count(args) >= 1)
            return parse_unparen(parse_named_child(args, 0));
    return (TSNode){0};
}

/* Is the bound the width the buffer was made with, in the same function: the last size of the
 * shape its making call was given (torch.full((B, L), pad_id): L), or of the buffer whose shape
 * it copied (torch.zeros_like(ids) of such ids; depth: copies still followed)? */
static bool at_width(Interp *in, TSNode bound, const Fact *buf, int depth) {
    TSNode call = buf->origin;
    if (ts_node_is_null(call)) return false;
    /* the name it was bound to (a name that says what it holds is where its kind came from):
     * the value of that assignment */
    TSNode up = parse_parent(call);
    if (parse_is(call, "identifier") && parse_is(up, "assignment") &&
        ts_node_eq(parse_field(up, "left"), call))
        call = parse_unparen(parse_field(up, "right"));
    if (!parse_is(call, "call")) return false;
    TSNode args = parse_field(call, "arguments");
    if (!parse_is(args, "argument_list") ||
        !ts_node_eq(function_of(call), function_of(bound)))
        return false;
    TSNode source = shape_source(in, call);
    if (!ts_node_is_null(source)) {
        Fact shaped = svc_eval(in, source);
        return depth > 0 && !ts_node_eq(shaped.origin, buf->origin) &&
               at_width(in, bound, &shaped, depth - 1);
    }
    TSNode shape = parse_unparen(parse_named_child(args, 0));
    uint32_t n = ts_node_named_child_count(shape);
    if (!(parse_is(shape, "tuple") || parse_is(shape, "list")) || n < 2) return false;
    return regions_key(in, parse_named_child(shape, n - 1)) == regions_key(in, bound);
}

bool copyside_at_width(Interp *in, TSNode bound, const Fact *buf) {
    return at_width(in, bound, buf, 2);
}

uint8_t copyside_of(Interp *in, TSNode pos, bool one_row, const Fact *buf, const Fact *held) {
    pos = parse_unparen(pos);
    /* (a number written there, labels[i, :n] = -100, is no row: nothing of the side) */
    if (!one_row || buf->pad_what != PW_IDS || (held->flags & FF_CONST) || !parse_is(pos, "slice"))
        return 0;
    TSNode parts[3];
    long v;
    parse_slice_parts(pos, parts);
    if (!ts_node_is_null(parts[2])) return 0;
    if (ts_node_is_null(parts[0])) return ts_node_is_null(parts[1]) ? 0 : PAD_END;
    if (svc_int_literal(in, parts[0], &v) && v >= 0) return 0;
    return ts_node_is_null(parts[1]) || copyside_at_width(in, parts[1], buf) ? PAD_START : 0;
}
