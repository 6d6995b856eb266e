/* Declared types and class hierarchies: what a program's own declarations say a value is or a
 * call runs. A parameter annotated with a class of the project (`model: RewardModel`,
 * `scorer: base.Scorer`) holds an object of that class when no argument says otherwise; an
 * abstract method runs what the subclasses define; a method that hands all its arguments on
 * (`def generate(self, *a, **kw): return self.lm.generate(*a, **kw)`) is the method it calls;
 * a name a class assigns on self is a field, not a method. Read from the code's structure (the
 * class an annotation resolves to), never from a name's spelling. */
#include <ctype.h>
#include <stdlib.h>

#include "facts_svc.h"

/* The class an annotation names: an identifier or dotted name bound to a class of the project,
 * also through Optional[C] (None is nothing the rules look at); null otherwise. */
static TSNode annotated_class(Interp *in, TSNode def, TSNode type) {
    if (parse_is(type, "type")) type = parse_named_child(type, 0);
    if (parse_is(type, "generic_type") || parse_is(type, "subscript")) {
        /* Optional[C]: one argument; List[C], Dict[...] hold several objects, not one */
        TSNode head = parse_named_child(type, 0);
        if (!svc_text_eq(in, head, "Optional") || ts_node_named_child_count(type) != 2)
            return (TSNode){0};
        type = parse_named_child(type, 1);
        if (parse_is(type, "type_parameter")) {
            if (ts_node_named_child_count(type) != 1) return (TSNode){0};
            type = parse_named_child(type, 0);
        }
        if (parse_is(type, "type")) type = parse_named_child(type, 0);
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
        TSNode e = parse_named_child(st, 0);
        return ts_node_named_child_count(st) == 1 &&
               (parse_is(e, "string") || parse_is(e, "ellipsis"));
    }
    if (!parse_is(st, "raise_statement")) return false;
    TSNode e = parse_named_child(st, 0);
    if (parse_is(e, "call")) e = parse_field(e, "function");
    return svc_text_eq(in, e, "NotImplementedError");
}

bool types_is_abstract(Interp *in, TSNode def) {
    TSNode up = parse_parent(def);
    if (parse_is(up, "decorated_definition") && svc_decorated_with(in, up, "abstractmethod"))
        return true;
    TSNode body = parse_field(def, "body");
    uint32_t n = ts_node_named_child_count(body);
    for (uint32_t i = 0; i < n; i++)
        if (!placeholder(in, parse_named_child(body, i))) return false;
    return n > 0;
}

/* The name a `*name` / `**name` parameter binds (kind: "list_splat_pattern" or
 * "dictionary_splat_pattern"), into *out; false when p is no such parameter. */
static bool splat_param(Interp *in, TSNode p, const char *kind, const char **out, size_t *len) {
    if (!parse_is(p, kind) || ts_node_named_child_count(p) != 1) return false;
    *out = parse_text(in->src, parse_named_child(p, 0), len);
    return true;
}

/* Is the argument `*name` / `**name` (kind "list_splat" / "dictionary_splat") of that name? */
static bool splat_arg(Interp *in, TSNode a, const char *kind, const char *name, size_t len) {
    if (!parse_is(a, kind) || ts_node_named_child_count(a) != 1) return false;
    size_t l;
    const char *t = parse_text(in->src, parse_named_child(a, 0), &l);
    return l == len && !memcmp(t, name, len);
}

TSNode types_forwarded(Interp *in, TSNode def) {
    TSNode none = {0}, params = parse_field(def, "parameters");
    if (ts_node_named_child_count(params) != 3) return none;
    const char *args, *kwargs;
    size_t alen, klen;
    if (!svc_text_eq(in, parse_named_child(params, 0), "self") ||
        !splat_param(in, parse_named_child(params, 1), "list_splat_pattern", &args, &alen) ||
        !splat_param(in, parse_named_child(params, 2), "dictionary_splat_pattern", &kwargs,
                     &klen))
        return none;
    TSNode body = parse_field(def, "body"), ret = {0};
    for (uint32_t i = 0; i < ts_node_named_child_count(body); i++) {
        TSNode st = parse_named_child(body, i);
        if (!ts_node_is_null(ret) || !(parse_is(st, "return_statement") || placeholder(in, st)))
            return none;
        if (parse_is(st, "return_statement")) ret = st;
    }
    TSNode call = ts_node_is_null(ret) ? none : parse_named_child(ret, 0);
    TSNode fn = parse_field(call, "function"), list = parse_field(call, "arguments");
    if (!parse_is(call, "call") || !parse_is(fn, "attribute") ||
        ts_node_named_child_count(list) != 2 ||
        !splat_arg(in, parse_named_child(list, 0), "list_splat", args, alen) ||
        !splat_arg(in, parse_named_child(list, 1), "dictionary_splat", kwargs, klen))
        return none;
    return fn;
}

static bool ident_char(char c) {
    return isalnum((unsigned char)c) || c == '_';
}

/* After a name at q: spaces, then `=` (not `==`) or an augmented `+=`, `-=`, `*=`, `/=`? */
static bool assigns_after(const char *q, const char *end) {
    while (q < end && (*q == ' ' || *q == '\t'))
        q++;
    if (q + 1 < end && q[0] == '=' && q[1] != '=') return true;
    return q + 2 < end && strchr("+-*/", q[0]) && q[1] == '=';
}

/* Does the class's text assign self.<name> anywhere (__init__, __post_init__, a method that
 * normalises it)? Then the constructor's argument is not what the field holds. A text search:
 * it may see assignments that are none, which only drops a field. */
static bool scan_assigns(const char *t, const char *end, const char *name, size_t len) {
    for (const char *p = t; (p = memchr(p, 's', (size_t)(end - p))); p++) {
        if ((size_t)(end - p) < 5 + len + 1 || memcmp(p, "self.", 5) || memcmp(p + 5, name, len))
            continue;
        if (!ident_char(p[5 + len]) && assigns_after(p + 5 + len, end)) return true;
    }
    return false;
}

/* What a class's text holds, read once per class and analysis: the names it assigns on self
 * (each constructor call asked again for every field it gives, over the whole class's text)
 * and the methods its body defines (each method call walked the body). */
typedef struct NamedNode {
    const char *name; /* in the class's text */
    size_t len;
    TSNode def; /* a method's function_definition; null for a field */
} NamedNode;

typedef struct ClassMemo {
    const void *cls; /* the class's node id */
    bool fields_read, methods_read;
    Array(NamedNode) fields, methods;
} ClassMemo;

struct ClassMemos {
    Array(ClassMemo) classes;
};

static ClassMemo *class_memo(Interp *in, TSNode cls) {
    struct ClassMemos *memo = in->class_memos;
    if (!memo) memo = in->class_memos = util_xcalloc(1, sizeof *memo);
    for (size_t i = memo->classes.len; i-- > 0;)
        if (memo->classes.items[i].cls == cls.id) return &memo->classes.items[i];
    array_push(&memo->classes, ((ClassMemo){.cls = cls.id}));
    return &memo->classes.items[memo->classes.len - 1];
}

static const NamedNode *named_find(const NamedNode *items, size_t n, const char *name, size_t len) {
    for (size_t i = 0; i < n; i++)
        if (items[i].len == len && !memcmp(items[i].name, name, len)) return &items[i];
    return NULL;
}

static void read_fields(ClassMemo *c, const char *t, const char *end) {
    c->fields_read = true;
    for (const char *p = t; (p = memchr(p, 's', (size_t)(end - p))); p++) {
        if (end - p < 6 || memcmp(p, "self.", 5)) continue;
        const char *q = p + 5;
        while (q < end && ident_char(*q))
            q++;
        if (q < end && assigns_after(q, end))
            array_push(&c->fields, ((NamedNode){.name = p + 5, .len = (size_t)(q - p - 5)}));
    }
}

TSNode types_method_of(Interp *in, TSNode cls, const char *name, size_t len) {
    ClassMemo *c = class_memo(in, cls);
    if (!c->methods_read) {
        c->methods_read = true;
        ParseKids k;
        parse_kids_begin(&k, parse_field(cls, "body"));
        for (TSNode st; parse_kids_next(&k, &st);) {
            TSNode def = parse_is(st, "decorated_definition") ? parse_field(st, "definition") : st;
            if (!parse_is(def, "function_definition")) continue;
            NamedNode m = {.def = def};
            m.name = parse_text(in->src, parse_field(def, "name"), &m.len);
            array_push(&c->methods, m);
        }
        parse_kids_end(&k);
    }
    const NamedNode *m = named_find(c->methods.items, c->methods.len, name, len);
    return m ? m->def : (TSNode){0};
}

bool types_assigns_field(Interp *in, TSNode cls, const char *name, size_t len) {
    size_t tlen;
    const char *t = parse_text(in->src, cls, &tlen), *end = t + tlen;
    for (size_t i = 0; i < len; i++)
        if (!ident_char(name[i])) return scan_assigns(t, end, name, len); /* not one name */
    ClassMemo *c = class_memo(in, cls);
    if (!c->fields_read) read_fields(c, t, end);
    return named_find(c->fields.items, c->fields.len, name, len) != NULL;
}

void types_free(Interp *in) {
    if (!in->class_memos) return;
    for (size_t i = 0; i < in->class_memos->classes.len; i++) {
        array_free(&in->class_memos->classes.items[i].fields);
        array_free(&in->class_memos->classes.items[i].methods);
    }
    array_free(&in->class_memos->classes);
    free(in->class_memos);
    in->class_memos = NULL;
}
