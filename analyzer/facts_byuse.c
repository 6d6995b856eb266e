/* facts_byuse: what a function of this file learned of a parameter by using it (a value handed
 * to the model as its attention mask: facts_pad.c), handed back to the caller's argument. A
 * parameter the body never assigns names the caller's object at return, so what its use says
 * holds for the caller's name too: a helper token_logprobs(model, ids, attn) then tells its
 * caller that attn is the mask of ids' real tokens, as the same code written inline does. */
#include "facts_svc.h"

/* Does scope (a def's body) assign name anywhere (an assignment, a for target, del)? */
static bool assigns(const Source *src, TSNode scope, TSNode name, int depth) {
    if (depth > 64 || ts_node_is_null(scope)) return depth > 64;
    if (parse_is(scope, "identifier")) {
        TSNode up = parse_parent(scope);
        bool target = (parse_is(up, "assignment") || parse_is(up, "augmented_assignment") ||
                       parse_is(up, "for_statement") || parse_is(up, "pattern_list") ||
                       parse_is(up, "tuple_pattern") || parse_is(up, "named_expression") ||
                       parse_is(up, "delete_statement") || parse_is(up, "global_statement") ||
                       parse_is(up, "nonlocal_statement")) &&
                      !ts_node_eq(parse_field(up, "right"), scope) &&
                      !ts_node_eq(parse_field(up, "value"), scope);
        return target && parse_same_text(src, scope, name);
    }
    for (uint32_t i = 0, n = ts_node_named_child_count(scope); i < n; i++)
        if (assigns(src, parse_named_child(scope, i), name, depth + 1)) return true;
    return false;
}

/* The parameter of def of that name (null: none), and its place among the positional ones. */
static TSNode parameter(const Source *src, TSNode def, const char *name, size_t len, int *place) {
    TSNode params = parse_field(def, "parameters");
    *place = 0;
    for (uint32_t i = 0, n = ts_node_is_null(params) ? 0 : ts_node_named_child_count(params); i < n;
         i++) {
        TSNode p = parse_named_child(params, i), id = p;
        if (parse_is(p, "default_parameter") || parse_is(p, "typed_default_parameter"))
            id = parse_field(p, "name");
        else if (parse_is(p, "typed_parameter"))
            id = parse_named_child(p, 0);
        else if (!parse_is(p, "identifier"))
            continue; /* *args, **kwargs, separators: what follows is keyword-only or unknown */
        size_t n_len;
        const char *text = parse_is(id, "identifier") ? parse_text(src, id, &n_len) : NULL;
        if (text && n_len == len && !memcmp(text, name, len)) return id;
        (*place)++;
    }
    return (TSNode){0};
}

void byuse_note(Interp *in, TSNode name, Fact f) {
    int d = in->call_depth - 1;
    if (d < 0 || !in->frame->called || !parse_is(name, "identifier") ||
        ts_node_is_null(in->call_sites[d]) || in->call_sites[d].tree != name.tree)
        return;
    TSNode def = in->call_stack[d];
    int place;
    size_t len;
    const char *text = parse_text(in->src, name, &len);
    if (!parse_is(def, "function_definition") ||
        ts_node_is_null(parameter(in->src, def, text, len, &place)) ||
        assigns(in->src, parse_field(def, "body"), name, 0))
        return;
    env_set(in, &in->frame->learned, text, len, f);
}

/* The argument of the call that the parameter received (null: not one the code names). */
static TSNode argument_of(Interp *in, TSNode call_args, TSNode param, int place) {
    int k = 0;
    for (uint32_t i = 0, n = ts_node_named_child_count(call_args); i < n; i++) {
        TSNode a = parse_named_child(call_args, i);
        if (parse_is(a, "keyword_argument")) {
            if (parse_same_text(in->src, parse_field(a, "name"), param))
                return parse_unparen(parse_field(a, "value"));
        } else if (parse_is(a, "list_splat") || parse_is(a, "dictionary_splat")) {
            return (TSNode){0};
        } else if (!parse_is(a, "comment") && k++ == place) {
            return parse_unparen(a);
        }
    }
    return (TSNode){0};
}

void byuse_hand_back(Interp *in, TSNode def, TSNode call_args, bool bound_self,
                     const Env *learned) {
    if (ts_node_is_null(call_args) || !learned->items.len) return;
    for (size_t i = 0; i < learned->items.len; i++) {
        const Binding *b = &learned->items.items[i];
        if (!b->bound) continue;
        int place;
        TSNode param = parameter(in->src, def, b->name, b->len, &place);
        if (ts_node_is_null(param) || (bound_self && place-- == 0)) continue;
        TSNode arg = argument_of(in, call_args, param, place);
        if (!parse_is(arg, "identifier")) continue;
        bool found;
        Fact held = svc_lookup_key(in, arg, &found);
        /* what the caller knew of it is no more than the use says (nothing, or the mask) */
        if (found && held.obj == FO_NONE && !(held.kinds & ~FK_MASK)) svc_rebind(in, arg, b->fact);
    }
}
