/* facts_dispatch: obj.m(k1=..., k2=...) on an object nothing is known of (self.config.method,
 * chosen from a configuration at run time). Python binds keywords by name, and a method that
 * takes none of that name raises TypeError: the methods named m that can run at such a call are
 * those whose parameters take every keyword it gives (and its positional arguments, and that
 * leave no parameter without a value). When the analysed file and the project's modules it
 * loaded define exactly one method of that name that takes the call, and none that takes any
 * keyword (**kwargs), that method is the one the call runs.
 *
 * Only calls giving two keywords or more are resolved so: with one keyword, or none, too many
 * methods of other objects (a library's) take the same call. */
#include "facts_svc.h"

enum { DISPATCH_MIN_KEYWORDS = 2, DISPATCH_MAX_CLASSES = 256 };

typedef struct Params {
    const char *name[MAX_ARGS];
    size_t len[MAX_ARGS];
    bool required[MAX_ARGS];
    int n;
    bool any_keyword, any_positional, unread;
} Params;

/* The parameters of a method after self, in the source of its own module (a @staticmethod's
 * are not read: it is called with no self). */
static void read_params(Interp *in, TSNode def, Params *p) {
    *p = (Params){0};
    TSNode decorated = parse_parent(def);
    bool is_static = parse_is(decorated, "decorated_definition") &&
                     svc_decorated_with(in, decorated, "staticmethod");
    if (is_static) {
        p->unread = true;
        return;
    }
    TSNode params = parse_field(def, "parameters");
    uint32_t n = ts_node_is_null(params) ? 0 : ts_node_named_child_count(params);
    for (uint32_t i = 0; i < n; i++) {
        TSNode c = parse_named_child(params, i);
        if (parse_is(c, "dictionary_splat_pattern")) {
            p->any_keyword = true;
            continue;
        }
        if (parse_is(c, "list_splat_pattern")) {
            p->any_positional = true;
            continue;
        }
        TSNode name = c;
        bool required = true;
        if (parse_is(c, "default_parameter") || parse_is(c, "typed_default_parameter")) {
            name = parse_field(c, "name");
            required = false;
        } else if (parse_is(c, "typed_parameter")) {
            name = parse_named_child(c, 0);
        }
        if (!parse_is(name, "identifier")) { /* a positional-only marker, a tuple: not read */
            if (!parse_is(c, "keyword_separator") && !parse_is(c, "positional_separator"))
                p->unread = true;
            continue;
        }
        if (i == 0) continue; /* self */
        if (p->n == MAX_ARGS) {
            p->unread = true;
            return;
        }
        p->name[p->n] = parse_text(in->src, name, &p->len[p->n]);
        p->required[p->n++] = required;
    }
}

/* Does a method with these parameters take the call's arguments (a)? */
static bool takes(Interp *in, const Params *p, const Args *a) {
    if (p->unread || (a->npos > p->n && !p->any_positional)) return false;
    bool given[MAX_ARGS] = {0};
    for (int i = 0; i < a->npos && i < p->n; i++)
        given[i] = true;
    for (int k = 0; k < a->nkw; k++) {
        size_t len;
        const char *kw = parse_text(in->src, a->kw_name[k], &len);
        int at = -1;
        for (int i = 0; i < p->n && at < 0; i++)
            if (p->len[i] == len && !memcmp(p->name[i], kw, len)) at = i;
        if (at < 0 || given[at]) return false;
        given[at] = true;
    }
    for (int i = 0; i < p->n; i++)
        if (p->required[i] && !given[i]) return false;
    return true;
}

TSNode dispatch_by_keywords(Interp *in, const char *method, size_t mlen, const Args *a,
                            TSNode *cls) {
    if (a->nkw < DISPATCH_MIN_KEYWORDS || a->splatted || a->overflow) return (TSNode){0};
    /* (per thread, not on the stack: calls nest deep; nothing below runs code that calls here) */
    static __thread TSNode classes[DISPATCH_MAX_CLASSES];
    int n = project_subclasses(in, (TSNode){0}, classes, DISPATCH_MAX_CLASSES);
    TSNode found = {0}, found_cls = {0};
    for (int i = 0; i < n; i++) {
        ProjectCtx module;
        project_enter(in, classes[i], (TSNode){0}, &module);
        TSNode def = types_method_of(in, classes[i], method, mlen);
        Params p = {0};
        if (!ts_node_is_null(def)) read_params(in, def, &p);
        project_leave(in, &module);
        if (ts_node_is_null(def) || ts_node_eq(def, found)) continue;
        if (p.any_keyword) return (TSNode){0}; /* it could take the call too */
        if (!takes(in, &p, a)) continue;
        if (!ts_node_is_null(found)) return (TSNode){0}; /* two could run: neither is known */
        found = def;
        found_cls = classes[i];
    }
    *cls = found_cls;
    return found;
}
