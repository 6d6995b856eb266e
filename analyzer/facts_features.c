/* facts_features: the layout of features, values of no kind the facts track whose axes are
 * known all the same (a model's last_hidden_state, [batch, seq, hidden]). A plain subscript of
 * them keeps the axes it does not index: the first token's vector of each sequence,
 * hidden[:, 0], is [batch, hidden], so a Linear head over it gives [batch, classes] (a head over
 * features keeps their leading axes: facts_array.c), as a sequence classifier's head does. */
#include <string.h>

#include "facts_svc.h"

/* value[ix...] of features of known rank, each index an integer literal (the axis is gone) or a
 * slice (the axis kept), no more of them than axes: r is given the axes left; anything else (a
 * tensor, a loop's index, None, an ellipsis) leaves r as it is. */
void features_subscript(Interp *in, TSNode node, const Fact *value, Fact *r) {
    if (value->kinds || value->obj != FO_NONE || value->ndim < 1) return;
    AxisKind left[FACT_MAX_DIMS];
    int nleft = 0, at = 0;
    for (uint32_t i = 0, n = ts_node_named_child_count(node); i < n; i++) {
        const char *field = ts_node_field_name_for_named_child(node, i);
        if (!field || strcmp(field, "subscript") != 0) continue;
        TSNode ix = parse_unparen(parse_named_child(node, i));
        long k;
        if (at >= value->ndim) return;
        if (parse_is(ix, "slice"))
            left[nleft++] = (AxisKind)value->ax[at];
        else if (!svc_int_literal(in, ix, &k))
            return;
        at++;
    }
    while (at < value->ndim)
        left[nleft++] = (AxisKind)value->ax[at++];
    fact_set_axes(r, nleft, left);
}
