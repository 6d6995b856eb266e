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

/* Does scope assign the field (batch.mask = ..., batch.mask[:, :k] = 0 is no assignment of it)? */
static bool assigns_field(Interp *in, TSNode scope, TSNode field, int depth) {
    if (depth > 64 || ts_node_is_null(scope)) return depth > 64;
    if (parse_is(scope, "attribute") && parse_same_text(in->src, scope, field)) {
        TSNode up = parse_parent(scope);
        return (parse_is(up, "assignment") || parse_is(up, "augmented_assignment") ||
                parse_is(up, "pattern_list") || parse_is(up, "tuple_pattern")) &&
               !ts_node_eq(parse_field(up, "right"), scope);
    }
    for (uint32_t i = 0, n = ts_node_named_child_count(scope); i < n; i++)
        if (assigns_field(in, parse_named_child(scope, i), field, depth + 1)) return true;
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

/* The function running (in->frame; call_stack[d]) learned f of arg, one of its parameters or a
 * field of one (batch.attention_mask) that its body never assigns: it held f from the caller's
 * first line, where code before the call read it knowing less (byuse_again). */
static void relearn(Interp *in, int d, TSNode arg, Fact f) {
    if (d < 0 || ts_node_is_null(in->call_stack[d]) || in->call_stack[d].tree != arg.tree) return;
    TSNode def = in->call_stack[d];
    TSNode base = parse_is(arg, "attribute") ? parse_unparen(parse_field(arg, "object")) : arg;
    int place;
    size_t len, base_len;
    const char *text = parse_text(in->src, arg, &len),
               *base_text = parse_text(in->src, base, &base_len);
    TSNode body = parse_field(def, "body");
    if (!parse_is(def, "function_definition") ||
        ts_node_is_null(parameter(in->src, def, base_text, base_len, &place)) ||
        assigns(in->src, body, base, 0) || (base.id != arg.id && assigns_field(in, body, arg, 0)))
        return;
    Binding *known = env_find(in, &in->frame->relearned, text, len);
    if (!known || memcmp(&known->fact, &f, sizeof f))
        env_set(in, &in->frame->relearned, text, len, f);
}

void byuse_note(Interp *in, TSNode name, Fact f) {
    int d = in->call_depth - 1;
    relearn(in, d, name, f); /* for the code of its own body before the use */
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

TSNode byuse_caller_argument(Interp *in, TSNode name) {
    int d = in->call_depth - 1, place;
    size_t len;
    if (d < 0 || !in->frame->called || !parse_is(name, "identifier") ||
        ts_node_is_null(in->call_sites[d]) || in->call_sites[d].tree != name.tree)
        return (TSNode){0};
    TSNode def = in->call_stack[d], call = in->call_sites[d];
    const char *text = parse_text(in->src, name, &len);
    if (!parse_is(def, "function_definition") || !parse_is(call, "call") ||
        ts_node_is_null(parameter(in->src, def, text, len, &place)) ||
        assigns(in->src, parse_field(def, "body"), name, 0))
        return (TSNode){0};
    /* obj.method(x): the object is its first parameter, self */
    bool bound_self = parse_is(parse_parent(parse_parent(def)), "class_definition") &&
                      parse_is(parse_field(call, "function"), "attribute");
    if (bound_self && place-- == 0) return (TSNode){0};
    return argument_of(in, parse_field(call, "arguments"), name, place);
}

/* batch.attention_mask: a field of an object a name holds (its text is its key, as self.x's). */
static bool field_of_name(TSNode n) {
    return parse_is(n, "attribute") &&
           parse_is(parse_unparen(parse_field(n, "object")), "identifier");
}

/* Nothing is known of the field as it reads now but, at most, that it is a mask (a field of
 * an object of unknown type: a parameter, a dataclass nothing built in sight): the use says
 * more. */
static bool field_unknown(Interp *in, TSNode field) {
    Fact now = svc_eval(in, field);
    return now.obj == FO_NONE && !(now.kinds & ~FK_MASK) && !now.pad_what;
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
        bool field = field_of_name(arg);
        if (!parse_is(arg, "identifier") && !field) continue;
        bool found;
        Fact held = svc_lookup_key(in, arg, &found);
        /* what the caller knew of it is no more than the use says (nothing, or the mask) */
        if (found && held.obj == FO_NONE && !(held.kinds & ~FK_MASK)) {
            svc_rebind(in, arg, b->fact);
        } else if (!found && field && field_unknown(in, arg)) {
            svc_bind(in, arg, b->fact); /* batch.attention_mask: read again, the same tensor */
        } else {
            continue;
        }
        relearn(in, in->call_depth - 2, arg, b->fact); /* (the callee still on the stack) */
    }
}

Env byuse_params(Interp *in) {
    Env params = {0};
    for (size_t i = 0; i < in->frame->env.items.len; i++) {
        const Binding *b = &in->frame->env.items.items[i];
        if (b->bound) env_set(in, &params, b->name, b->len, b->fact);
    }
    return params;
}

bool byuse_again(Interp *in, Env *params) {
    Frame *frame = in->frame;
    bool again = frame->relearned.items.len && !in->budget->hit;
    if (again) {
        /* from the top, knowing from there what the callees told of the parameters: the events
         * of the first run stay (the second's are about the same code, knowing more) */
        env_free(&frame->env);
        frame->env = *params;
        *params = (Env){0};
        for (size_t i = 0; i < frame->relearned.items.len; i++) {
            const Binding *b = &frame->relearned.items.items[i];
            env_set(in, &frame->env, b->name, b->len, b->fact);
        }
        frame->ret = fact_bottom();
        frame->yielded = fact_bottom();
    }
    env_free(params);
    env_free(&frame->relearned);
    return again;
}
