/* facts_rows: which rows of a batch a value holds, for writes made row by row (LL106).
 *
 * The values one iteration of a loader unpacks (for chosen, c_mask, rejected, r_mask, lens in
 * loader; a, b = batch; batch["labels"]) are one batch: their rows share a symbol (Fact.rows).
 * torch.cat((a, b)) of two of them along the rows holds those rows twice (Fact.rows_parts 2);
 * along a later axis it keeps them. Casts, copies, device moves, comparisons, a cut of the
 * positions only (x[:, 1:]) and a squeeze or unsqueeze of a later axis keep the rows; any other
 * library call, subscript or operator forgets them (lens * 2 repeats a list but scales a
 * tensor: unknown either way). What a function of the file returns keeps what it was given.
 *
 * zip stops at its shortest argument: `for row, n in zip(masks, lens): row[:n] = False` writes
 * as many rows of masks as lens has. When masks holds the batch's rows twice and lens once (the
 * chosen and rejected halves concatenated, the prompt lengths not), the second half is never
 * written: it keeps the prompt the loop is there to remove (MFLAW_ROWS_UNWRITTEN, read by
 * facts_mask.c where the mask is applied). */
#include "facts_svc.h"

enum { ROWS_MAX_PARTS = 255 };

void rows_loop_batch(TSNode stmt, Fact *elem) {
    /* an element nothing is known of: one batch of what the loop draws (a loader's) */
    if (elem->obj != FO_NONE || elem->kinds || elem->bottom) return;
    elem->rows = (uint16_t)(1 + ts_node_start_byte(stmt) % 65521u);
    elem->rows_parts = 1;
}

void rows_unpacked(Fact *elem, const Fact *whole, int n) {
    if (!whole->rows || (whole->obj == FO_TUPLE && whole->nelems == n)) return;
    elem->rows = whole->rows;
    elem->rows_parts = whole->rows_parts;
}

void rows_carry(Fact *to, const Fact *from) {
    to->rows = from->rows;
    to->rows_parts = from->rows_parts;
}

void rows_forget(Fact *f) {
    f->rows = 0;
    f->rows_parts = 0;
}

/* A literal dim of 1 or more: the rows (axis 0) stay where they are. */
static bool later_axis(Interp *in, TSNode call) {
    TSNode args = parse_field(call, "arguments");
    if (!parse_is(args, "argument_list") || ts_node_named_child_count(args) != 1) return false;
    TSNode d = parse_named_child(args, 0);
    if (parse_is(d, "keyword_argument")) d = parse_field(d, "value");
    long v;
    return svc_int_literal(in, d, &v) && v >= 1;
}

void rows_after_call(Interp *in, TSNode call, const Contract *row, Fact *r) {
    if (!r->rows || !row) return; /* a function of the file: what it returned */
    switch (row->op) {
    case OP_PASS:
    case OP_TO_TENSOR:
    case OP_COMPARE:
    case OP_RETURNS_SELF:
    case OP_CAT: /* rows_of_cat said */
        return;
    case OP_SQUEEZE:
    case OP_UNSQUEEZE:
        if (later_axis(in, call)) return;
        break;
    default:
        break;
    }
    rows_forget(r);
}

void rows_after_subscript(Interp *in, TSNode sub, Fact *r) {
    TSNode first = parse_unparen(parse_named_child(sub, 1));
    if (parse_is(first, "string")) { /* batch["ids"]: one of the batch's values, its rows */
        TSNode base = parse_unparen(parse_field(sub, "value"));
        bool found = false;
        Fact b = parse_is(base, "identifier") ? svc_lookup_key(in, base, &found) : fact_unknown();
        if (!r->rows && found && b.rows && r->obj == FO_NONE) rows_carry(r, &b);
        return;
    }
    /* x[:, 1:] cuts positions only */
    if (!(parse_is(first, "slice") && !ts_node_named_child_count(first))) rows_forget(r);
}

void rows_list_literal(Interp *in, TSNode node, const Fact *elems) {
    in->rows_list_id = node.id;
    in->rows_list = *elems;
}

void rows_of_cat(Interp *in, Fact *r, const Fact *list, TSNode arg, int dim) {
    rows_forget(r);
    if (list->obj != FO_TUPLE && !ts_node_is_null(arg) && parse_unparen(arg).id == in->rows_list_id)
        list = &in->rows_list; /* torch.cat([a, b]): the literal's elements */
    if (list->obj != FO_TUPLE || !list->nelems) return;
    uint16_t sym = 0;
    unsigned parts = 0, first = 0;
    bool all = true;
    for (int i = 0; i < list->nelems; i++) {
        const Fact *e = &list->elems[i];
        if (!e->rows) {
            all = false;
            continue;
        }
        if (sym && (e->rows != sym || (dim != 0 && dim != FACT_NO_DIM && e->rows_parts != first)))
            return;
        if (!sym) first = e->rows_parts;
        sym = e->rows;
        parts += e->rows_parts;
    }
    if (!sym) return;
    if (dim == 0 || dim == FACT_NO_DIM) { /* rows after rows: every part must be known */
        if (!all || parts > ROWS_MAX_PARTS) return;
        r->rows = sym;
        r->rows_parts = (uint8_t)parts;
        return;
    }
    r->rows = sym; /* along a later axis every part has the same rows */
    r->rows_parts = (uint8_t)first;
}

/* A statement of body (at any depth) that stores into a subscript of the name `var`. */
static bool writes_row(Interp *in, TSNode node, TSNode var, int depth) {
    if (depth > 8 || ts_node_is_null(node)) return false;
    if (parse_is(node, "function_definition") || parse_is(node, "class_definition")) return false;
    if (parse_is(node, "assignment")) {
        TSNode left = parse_unparen(parse_field(node, "left"));
        if (parse_is(left, "subscript")) {
            TSNode base = parse_unparen(parse_field(left, "value"));
            if (parse_is(base, "identifier") && parse_same_text(in->src, base, var)) return true;
        }
    }
    for (uint32_t i = 0, n = ts_node_named_child_count(node); i < n; i++)
        if (writes_row(in, parse_named_child(node, i), var, depth + 1)) return true;
    return false;
}

/* for a, b in zip(xs, ys): the zip's argument of loop variable k (null: none). */
static TSNode zip_arg(TSNode args, uint32_t k) {
    if (k >= ts_node_named_child_count(args)) return (TSNode){0};
    TSNode a = parse_named_child(args, k);
    return parse_is(a, "identifier") || parse_is(a, "attribute") ? a : (TSNode){0};
}

void rows_zip_written(Interp *in, TSNode stmt) {
    TSNode left = parse_field(stmt, "left"), right = parse_unparen(parse_field(stmt, "right"));
    if (!(parse_is(left, "pattern_list") || parse_is(left, "tuple_pattern")) ||
        !parse_is(right, "call"))
        return;
    Callee c;
    if (!callee_row(in, right, &c) || c.row->op != OP_ZIP || !parse_is(c.args, "argument_list"))
        return;
    uint32_t n = ts_node_named_child_count(left);
    for (uint32_t k = 0; k < n; k++) {
        TSNode var = parse_named_child(left, k), xs = zip_arg(c.args, k);
        if (!parse_is(var, "identifier") || ts_node_is_null(xs) ||
            !writes_row(in, parse_field(stmt, "body"), var, 0))
            continue;
        bool found;
        Fact written = svc_lookup_key(in, xs, &found);
        if (!found || !written.rows || written.mask_flaw) continue;
        for (uint32_t j = 0; j < n; j++) {
            TSNode ys = zip_arg(c.args, j);
            if (j == k || ts_node_is_null(ys)) continue;
            Fact other = svc_lookup_key(in, ys, &found);
            if (!found || other.rows != written.rows || other.rows_parts >= written.rows_parts)
                continue;
            written.mask_flaw = MFLAW_ROWS_UNWRITTEN; /* the rows past other's are not written */
            svc_mask_made(in, stmt, &written);
            svc_rebind(in, xs, written);
            break;
        }
    }
}
