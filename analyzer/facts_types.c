/* Declared types and class hierarchies: what a program's own declarations say a value is or a
 * call runs. A parameter annotated with a class of the project (`model: RewardModel`,
 * `scorer: base.Scorer`) holds an object of that class when no argument says otherwise; an
 * abstract method runs what the subclasses define; a method that hands all its arguments on
 * (`def generate(self, *a, **kw): return self.lm.generate(*a, **kw)`) is the method it calls;
 * a name a class assigns on self is a field, not a method. Read from the code's structure (the
 * class an annotation resolves to), never from a name's spelling. */
#include <ctype.h>

#include "facts_svc.h"

/* The class an annotation names: an identifier or dotted name bound to a class of the project,
 * also through Optional[C] (None is nothing the rules look at); null otherwise. */
static TSNode annotated_class(Interp *in, TSNode def, TSNode type) {
    if (parse_is(type, "type")) type = ts_node_named_child(type, 0);
    if (parse_is(type, "generic_type") || parse_is(type, "subscript")) {
        /* Optional[C]: one argument; List[C], Dict[...] hold several objects, not one */
        TSNode head = ts_node_named_child(type, 0);
        if (!svc_text_eq(in, head, "Optional") || ts_node_named_child_count(type) != 2)
            return (TSNode){0};
        type = ts_node_named_child(type, 1);
        if (parse_is(type, "type_parameter")) {
            if (ts_node_named_child_count(type) != 1) return (TSNode){0};
            type = ts_node_named_child(type, 0);
        }
        if (parse_is(type, "type")) type = ts_node_named_child(type, 0);
    }
    if (!parse_is(type, "identifier") && !parse_is(type, "attribute")) return (TSNode){0};
    Fact c = project_eval_in(in, def, type);
    return c.obj == FO_CLASS ? c.def : (TSNode){0};
}

TSNode types_declared(Interp *in, TSNode def, TSNode param, Fact value) {
    if (!(parse_is(param, "typed_parameter") || parse_is(param, "typed_default_parameter")) ||
        !(value.bottom || fact_knows_nothing(&value)))
        return (TSNode){0};
    return annotated_class(in, def, parse_field(param, "type"));
}

/* A statement that does nothing but declare: a docstring, `...`, `pass`, or a raise of
 * NotImplementedError. */
static bool placeholder(Interp *in, TSNode st) {
    if (parse_is(st, "pass_statement") || parse_is(st, "comment")) return true;
    if (parse_is(st, "expression_statement")) {
        TSNode e = ts_node_named_child(st, 0);
        return ts_node_named_child_count(st) == 1 &&
               (parse_is(e, "string") || parse_is(e, "ellipsis"));
    }
    if (!parse_is(st, "raise_statement")) return false;
    TSNode e = ts_node_named_child(st, 0);
    if (parse_is(e, "call")) e = parse_field(e, "function");
    return svc_text_eq(in, e, "NotImplementedError");
}

bool types_is_abstract(Interp *in, TSNode def) {
    TSNode up = ts_node_parent(def);
    if (parse_is(up, "decorated_definition") && svc_decorated_with(in, up, "abstractmethod"))
        return true;
    TSNode body = parse_field(def, "body");
    uint32_t n = ts_node_named_child_count(body);
    for (uint32_t i = 0; i < n; i++)
        if (!placeholder(in, ts_node_named_child(body, i))) return false;
    return n > 0;
}

/* The name a `*name` / `**name` parameter binds (kind: "list_splat_pattern" or
 * "dictionary_splat_pattern"), into *out; false when p is no such parameter. */
static bool splat_param(Interp *in, TSNode p, const char *kind, const char **out, size_t *len) {
    if (!parse_is(p, kind) || ts_node_named_child_count(p) != 1) return false;
    *out = parse_text(in->src, ts_node_named_child(p, 0), len);
    return true;
}

/* Is the argument `*name` / `**name` (kind "list_splat" / "dictionary_splat") of that name? */
static bool splat_arg(Interp *in, TSNode a, const char *kind, const char *name, size_t len) {
    if (!parse_is(a, kind) || ts_node_named_child_count(a) != 1) return false;
    size_t l;
    const char *t = parse_text(in->src, ts_node_named_child(a, 0), &l);
    return l == len && !memcmp(t, name, len);
}

TSNode types_forwarded(Interp *in, TSNode def) {
    TSNode none = {0}, params = parse_field(def, "parameters");
    if (ts_node_named_child_count(params) != 3) return none;
    const char *args, *kwargs;
    size_t alen, klen;
    if (!svc_text_eq(in, ts_node_named_child(params, 0), "self") ||
        !splat_param(in, ts_node_named_child(params, 1), "list_splat_pattern", &args, &alen) ||
        !splat_param(in, ts_node_named_child(params, 2), "dictionary_splat_pattern", &kwargs,
                     &klen))
        return none;
    TSNode body = parse_field(def, "body"), ret = {0};
    for (uint32_t i = 0; i < ts_node_named_child_count(body); i++) {
        TSNode st = ts_node_named_child(body, i);
        if (!ts_node_is_null(ret) || !(parse_is(st, "return_statement") || placeholder(in, st)))
            return none;
        if (parse_is(st, "return_statement")) ret = st;
    }
    TSNode call = ts_node_is_null(ret) ? none : ts_node_named_child(ret, 0);
    TSNode fn = parse_field(call, "function"), list = parse_field(call, "arguments");
    if (!parse_is(call, "call") || !parse_is(fn, "attribute") ||
        ts_node_named_child_count(list) != 2 ||
        !splat_arg(in, ts_node_named_child(list, 0), "list_splat", args, alen) ||
        !splat_arg(in, ts_node_named_child(list, 1), "dictionary_splat", kwargs, klen))
        return none;
    return fn;
}

/* Does the class's text assign self.<name> anywhere (__init__, __post_init__, a method that
 * normalises it)? Then the constructor's argument is not what the field holds. A text search:
 * it may see assignments that are none, which only drops a field. */
bool types_assigns_field(Interp *in, TSNode cls, const char *name, size_t len) {
    size_t tlen;
    const char *t = parse_text(in->src, cls, &tlen), *end = t + tlen;
    for (const char *p = t; (p = memchr(p, 's', (size_t)(end - p))); p++) {
        if ((size_t)(end - p) < 5 + len + 1 || memcmp(p, "self.", 5) || memcmp(p + 5, name, len))
            continue;
        const char *q = p + 5 + len;
        if (isalnum((unsigned char)*q) || *q == '_') continue;
        while (q < end && (*q == ' ' || *q == '\t'))
            q++;
        if (q + 1 < end && q[0] == '=' && q[1] != '=') return true;
        if (q + 2 < end && strchr("+-*/", q[0]) && q[1] == '=') return true;
    }
    return false;
}
