/* facts_shared: picks at ids that every candidate of a loop shares, for LL107. A mean of token
 * log-probs ranks candidates by their lengths too only when what it averages can have another
 * length for another candidate. When a loop scores its candidates on one fixed set of targets
 * (a grid of temperatures or weights, checkpoints, models: nll(logits / t, labels) for t in
 * grid), the scores change from one iteration to the next and the ids they are picked at do
 * not: each mean is over the same count, and ranking them is ranking their sums. */
#include "facts_svc.h"

/* The operand of a pick that holds the scores: x of x[..], x.gather(..), or the first argument
 * of gather(x, ..) and take_along_axis(x, ..). Null: none. */
static TSNode scores_operand(TSNode node) {
    if (parse_is(node, "subscript")) return parse_field(node, "value");
    if (!parse_is(node, "call")) return (TSNode){0};
    TSNode fn = parse_field(node, "function");
    if (parse_is(fn, "attribute")) return parse_field(fn, "object");
    TSNode args = parse_field(node, "arguments");
    return parse_is(args, "argument_list") ? parse_named_child(args, 0) : (TSNode){0};
}

/* Does an operand of the pick other than the scores (its ids, its positions, its axis) take a
 * new value with the loop? */
static bool index_varies(Interp *in, TSNode node, TSNode scores) {
    TSNode parts = parse_is(node, "call") ? parse_field(node, "arguments") : node;
    for (uint32_t i = 0, n = ts_node_named_child_count(parts); i < n; i++) {
        TSNode c = parse_named_child(parts, i);
        if (ts_node_eq(c, scores) || parse_is(c, "comment")) continue;
        if (prompts_expr_varies(in, c, node)) return true;
    }
    return false;
}

void shared_pick_note(Interp *in, TSNode node, uint16_t index) {
    if (!index || index > in->facts->events.len) return;
    FactEvent *e = &in->facts->events.items[index - 1];
    if (e->ids_shared == PICK_PER_ROW) return; /* some context varies its ids */
    TSNode scores = scores_operand(node);
    if (ts_node_is_null(scores) || !prompts_expr_varies(in, scores, node)) return;
    e->ids_shared = index_varies(in, node, scores) ? PICK_PER_ROW : PICK_SHARED;
}
