/* exec_object: the file's own code called, and its objects: functions and lambdas with their
 * parameters bound, classes instantiated (__init__, @dataclass fields), methods bound to their
 * receiver, partials, attributes of every kind of value, and the entry's call. Split from
 * exec_eval.c (statements and expressions), which calls into it. */
#include <stdlib.h>

#include "exec.h"

/* Binds a def's (or lambda's) parameters in env. */
static bool bind_params(ExecRun *r, ExecEnv *env, ExecEnv *def_env, TSNode params, ExecValue **args,
                        int nargs, const char **kw_names, ExecValue **kw_vals, int nkw, TSNode at) {
    int pos = 0;
    bool kw_used[EXEC_MAX_ARGS] = {false};
    uint32_t count = ts_node_is_null(params) ? 0 : ts_node_named_child_count(params);
    bool kw_only = false;
    for (uint32_t i = 0; i < count; i++) {
        TSNode p = parse_named_child(params, i);
        const char *t = ts_node_type(p);
        if (!strcmp(t, "comment") || !strcmp(t, "positional_separator")) continue;
        if (!strcmp(t, "keyword_separator")) {
            kw_only = true;
            continue;
        }
        if (!strcmp(t, "list_splat_pattern") || !strcmp(t, "dictionary_splat_pattern")) {
            bool list = t[0] == 'l';
            ExecValue *rest = exec_new(r, list ? XV_TUPLE : XV_DICT);
            if (!rest) return false;
            if (list) {
                for (; pos < nargs; pos++)
                    if (!exec_seq_push(r, &rest->seq, args[pos])) return false;
                kw_only = true;
            } else {
                for (int k = 0; k < nkw; k++)
                    if (!kw_used[k]) {
                        kw_used[k] = true;
                        if (!exec_dict_set_str(r, &rest->dict, kw_names[k], kw_vals[k])) return false;
                    }
            }
            if (!exec_bind_target(r, env, parse_named_child(p, 0), rest)) return false;
            continue;
        }
        TSNode name = !strcmp(t, "identifier") ? p : parse_field(p, "name");
        if (ts_node_is_null(name)) name = parse_named_child(p, 0);
        TSNode defv = parse_field(p, "value");
        int len;
        const char *s = exec_text(r, name, &len);
        ExecValue *v = NULL;
        if (!kw_only && pos < nargs) v = args[pos++];
        for (int k = 0; k < nkw && !v; k++)
            if ((int)strlen(kw_names[k]) == len && !memcmp(kw_names[k], s, (size_t)len)) {
                v = kw_vals[k];
                kw_used[k] = true;
            }
        if (!v && !ts_node_is_null(defv)) v = exec_eval(r, def_env, defv);
        if (!v) return r->failed ? false : exec_fail_as(r, XF_PARAM, at, "missing argument %.*s", len, s) != NULL;
        if (!exec_env_set(r, env, s, len, v)) return false;
    }
    if (pos < nargs) return exec_fail_at(r, at, "too many positional arguments") != NULL;
    for (int k = 0; k < nkw; k++)
        if (!kw_used[k]) return exec_fail_at(r, at, "unexpected keyword argument %s", kw_names[k]) != NULL;
    return true;
}

static ExecValue *call_user(ExecRun *r, ExecValue *fn, ExecValue **args, int nargs, const char **kw_names,
                            ExecValue **kw_vals, int nkw, TSNode at) {
    if (r->depth >= EXEC_MAX_DEPTH) return exec_fail_as(r, XF_BOUND, (TSNode){0}, "bound: call depth over %d", EXEC_MAX_DEPTH);
    ExecValue *all[EXEC_MAX_ARGS + 1];
    int n = 0;
    if (fn->fn.self) all[n++] = fn->fn.self;
    for (int i = 0; i < nargs && n <= EXEC_MAX_ARGS; i++)
        all[n++] = args[i];
    ExecEnv *env = exec_env_new(r, fn->fn.closure);
    if (!env) return NULL;
    TSNode def = fn->fn.def;
    if (!bind_params(r, env, fn->fn.closure, parse_field(def, "parameters"), all, n, kw_names, kw_vals, nkw, at))
        return NULL;
    r->depth++;
    ExecValue *ret = exec_none();
    if (parse_is(def, "lambda")) {
        ret = exec_eval(r, env, parse_field(def, "body"));
    } else if (exec_def_is_generator(def)) {
        ret = exec_generator_run(r, env, parse_field(def, "body"));
    } else {
        if (!exec_body(r, env, parse_field(def, "body"), &ret)) ret = NULL;
    }
    r->depth--;
    return ret;
}

static ExecValue *find_class_attr(ExecValue *cls, const char *name) {
    while (cls && cls->kind == XV_CLASS) {
        ExecValue *v = exec_dict_get_str(&cls->cls.attrs, name);
        if (v) return v;
        cls = exec_dict_get_str(&cls->cls.attrs, " base");
    }
    return NULL;
}

/* A method a torch.nn.Module subclass inherits that changes nothing a score depends on (moving
 * it, switching its mode): the object itself is returned when it is called. */
static bool module_method(ExecValue *cls, const char *name) {
    static const char *const same[] = {"to", "cuda", "cpu", "eval", "train", "requires_grad_", "parameters"};
    bool module = false;
    for (ExecValue *c = cls; c && c->kind == XV_CLASS && !module; c = exec_dict_get_str(&c->cls.attrs, " base")) {
        ExecValue *b = exec_dict_get_str(&c->cls.attrs, " lib_base");
        module = b && !strcmp(b->lib.qual, "torch.nn.Module");
    }
    for (size_t i = 0; module && i < sizeof same / sizeof *same; i++)
        if (!strcmp(name, same[i])) return true;
    return false;
}

/* Does the tree under n call an nn.Embedding (`nn.Embedding(...)`, `torch.nn.Embedding(...)`,
 * `Embedding(...)` imported)? */
static bool calls_embedding(ExecRun *r, TSNode n) {
    if (parse_is(n, "call")) {
        TSNode f = parse_field(n, "function");
        if (parse_is(f, "attribute")) f = parse_field(f, "attribute");
        int len;
        const char *s = parse_is(f, "identifier") ? exec_text(r, f, &len) : NULL;
        if (s && len == 9 && !memcmp(s, "Embedding", 9)) return true;
    }
    for (uint32_t i = 0; i < ts_node_named_child_count(n); i++)
        if (calls_embedding(r, parse_named_child(n, i))) return true;
    return false;
}

/* The parameters of def `fn` a caller must give, self not counted. */
static int required_params(TSNode fn) {
    TSNode params = parse_field(fn, "parameters");
    int n = 0;
    for (uint32_t i = 0; !ts_node_is_null(params) && i < ts_node_named_child_count(params); i++) {
        TSNode p = parse_named_child(params, i);
        n += parse_is(p, "identifier") || parse_is(p, "typed_parameter");
    }
    return n - 1;
}

/* Is cls an nn.Module of the script's own over token embeddings (exec_token_model_class),
 * whoever calls it? */
static bool token_model_shape(ExecRun *r, ExecValue *cls) {
    if (cls->kind != XV_CLASS || exec_dict_get_str(&cls->cls.attrs, " base")) return false;
    ExecValue *b = exec_dict_get_str(&cls->cls.attrs, " lib_base");
    ExecValue *init = exec_dict_get_str(&cls->cls.attrs, "__init__"), *fwd = exec_dict_get_str(&cls->cls.attrs, "forward");
    if (!b || strcmp(b->lib.qual, "torch.nn.Module") || !init || init->kind != XV_FUNC || !fwd || fwd->kind != XV_FUNC)
        return false;
    /* its forward takes the ids alone (a seq2seq model's takes two sequences: not a causal LM);
     * its other methods (weight init, a sampler of its own) are not the toy LM's: a call of one
     * ends the run as an unsupported call */
    return required_params(fwd->fn.def) == 1 && calls_embedding(r, init->fn.def);
}

bool exec_token_model_class(ExecRun *r, ExecValue *cls) {
    /* the entry's own class runs as written (exec_token_model_method binds its self) */
    return !ts_node_eq(cls->cls.def, r->entry_class) && token_model_shape(r, cls);
}

static ExecValue *bind_method(ExecRun *r, ExecValue *f, ExecValue *self) {
    if (f->kind != XV_FUNC || f->fn.self || f->fn.is_static) return f;
    ExecValue *m = exec_new(r, XV_FUNC);
    if (!m) return NULL;
    *m = *f;
    m->fn.self = self;
    return m;
}

ExecValue *exec_class_method(ExecRun *r, ExecValue *obj, const char *name) {
    if (!obj || obj->kind != XV_OBJECT || !obj->obj.cls || !strcmp(obj->obj.type, "super")) return NULL;
    ExecValue *m = find_class_attr(obj->obj.cls, name);
    return m && m->kind == XV_FUNC && !m->fn.is_static ? bind_method(r, m, obj) : NULL;
}

ExecValue *exec_token_model_method(ExecRun *r, ExecValue *cls, const char *method) {
    if (!token_model_shape(r, cls) || !strcmp(method, "forward") || !strcmp(method, "__init__")) return NULL;
    ExecValue *m = find_class_attr(cls, method);
    if (!m || m->kind != XV_FUNC || m->fn.is_static) return NULL;
    int len;
    const char *name = exec_text(r, parse_field(cls->cls.def, "name"), &len);
    if (!exec_stand_in(r, cls->cls.def, "nn.Module",
                       "%.*s is the toy LM (a model over token embeddings: its weights are not known)", len, name))
        return NULL;
    ExecValue *self = exec_stand_pretrained(r, "torch.nn.Module", NULL, NULL, 0);
    return self ? bind_method(r, m, self) : NULL;
}

static ExecValue *instantiate(ExecRun *r, ExecValue *cls, ExecValue **args, int nargs, const char **kw_names,
                              ExecValue **kw_vals, int nkw, TSNode at) {
    int len;
    const char *name = exec_text(r, parse_field(cls->cls.def, "name"), &len);
    if (exec_token_model_class(r, cls)) /* a language model of the script's own: the toy LM */
        return exec_stand_in(r, cls->cls.def, "nn.Module", "%.*s is the toy LM (a model over token embeddings: its weights are not known)",
                             len, name)
                   ? exec_stand_pretrained(r, "torch.nn.Module", NULL, NULL, 0)
                   : NULL;
    ExecValue *obj = exec_object(r, name ? exec_str(r, name, len)->str.s : "object");
    if (!obj) return NULL;
    obj->obj.cls = cls;
    ExecValue *init = find_class_attr(cls, "__init__");
    ExecValue *fields = exec_dict_get_str(&cls->cls.attrs, " dataclass");
    if (init && init->kind == XV_FUNC) {
        if (!call_user(r, bind_method(r, init, obj), args, nargs, kw_names, kw_vals, nkw, at)) return NULL;
    } else if (fields) { /* @dataclass: the annotated fields in order, with their defaults */
        for (int i = 0; i < fields->seq.n; i++) {
            ExecValue *f = fields->seq.items[i];
            ExecValue *v = i < nargs ? args[i] : NULL;
            for (int k = 0; k < nkw && !v; k++)
                if (!strcmp(kw_names[k], f->seq.items[0]->str.s)) v = kw_vals[k];
            if (!v) v = f->seq.n > 1 ? f->seq.items[1] : NULL;
            if (!v) return exec_fail_at(r, at, "missing dataclass field %s", f->seq.items[0]->str.s);
            if (!exec_dict_set(r, &obj->obj.fields, f->seq.items[0], v)) return NULL;
        }
        ExecValue *post = find_class_attr(cls, "__post_init__");
        if (post && !call_user(r, bind_method(r, post, obj), NULL, 0, NULL, NULL, 0, at)) return NULL;
    } else if (nargs || nkw) {
        /* an nn.Module-like class without __init__ of its own takes no arguments we know */
        return exec_fail_at(r, at, "class %s built with arguments but no __init__", obj->obj.type);
    }
    return obj;
}

/* functools.partial(f, *a, **kw)(*b, **kw2): f(*a, *b, **kw | kw2). */
static ExecValue *call_partial(ExecRun *r, ExecValue *fn, ExecValue **args, int nargs, const char **kw_names,
                               ExecValue **kw_vals, int nkw, TSNode at) {
    ExecValue *pre = exec_dict_get_str(&fn->obj.fields, " args"), *kws = exec_dict_get_str(&fn->obj.fields, " kw");
    ExecValue *all[EXEC_MAX_ARGS];
    const char *names[EXEC_MAX_ARGS];
    ExecValue *vals[EXEC_MAX_ARGS];
    int n = 0, k = 0;
    if (pre->seq.n + nargs > EXEC_MAX_ARGS || kws->dict.n + nkw > EXEC_MAX_ARGS)
        return exec_fail_at(r, at, "a partial called with more than %d arguments", EXEC_MAX_ARGS);
    for (int i = 0; i < pre->seq.n; i++)
        all[n++] = pre->seq.items[i];
    for (int i = 0; i < nargs; i++)
        all[n++] = args[i];
    for (int i = 0; i < nkw; i++)
        names[k] = kw_names[i], vals[k++] = kw_vals[i];
    for (int i = 0; i < kws->dict.n; i++) { /* the call's keywords win */
        bool given = false;
        for (int j = 0; j < nkw && !given; j++)
            given = !strcmp(kw_names[j], kws->dict.keys[i]->str.s);
        if (!given) names[k] = kws->dict.keys[i]->str.s, vals[k++] = kws->dict.vals[i];
    }
    return exec_call_value(r, exec_dict_get_str(&fn->obj.fields, " fn"), all, n, names, vals, k, at);
}

ExecValue *exec_call_value(ExecRun *r, ExecValue *fn, ExecValue **args, int nargs, const char **kw_names,
                           ExecValue **kw_vals, int nkw, TSNode at) {
    if (!fn || !exec_step(r)) return NULL;
    for (int i = 0; i < nargs; i++)
        if (!args[i]) return NULL;
    switch (fn->kind) {
    case XV_FUNC:
        return call_user(r, fn, args, nargs, kw_names, kw_vals, nkw, at);
    case XV_CLASS:
        return instantiate(r, fn, args, nargs, kw_names, kw_vals, nkw, at);
    case XV_OBJECT: {
        if (!fn->obj.cls && !strcmp(fn->obj.type, "nn_layer")) return exec_nn_call(r, fn, args, nargs, nkw, at);
        if (!fn->obj.cls && !strcmp(fn->obj.type, "collator")) return exec_data_collate(r, fn, args, nargs, at);
        if (!fn->obj.cls && !strcmp(fn->obj.type, "keras_loss")) return exec_tf_loss_call(r, fn, args, nargs, kw_names, kw_vals, nkw, at);
        if (!fn->obj.cls && !strcmp(fn->obj.type, "partial")) return call_partial(r, fn, args, nargs, kw_names, kw_vals, nkw, at);
        if (!fn->obj.cls && !strcmp(fn->obj.type, "llama_cpp")) /* llm(prompt, ...): create_completion */
            return exec_call_lib(r, exec_method(r, "create_completion", fn), args, nargs, kw_names, kw_vals, nkw, at);
        if (!fn->obj.cls && !strcmp(fn->obj.type, "nn_module")) { /* nn.LogSoftmax(dim=-1)(x) */
            const char *names[EXEC_MAX_ARGS];
            ExecValue *vals[EXEC_MAX_ARGS];
            int n = 0;
            for (int k = 0; k < nkw && n < EXEC_MAX_ARGS; k++, n++)
                names[n] = kw_names[k], vals[n] = kw_vals[k];
            for (int k = 0; k < fn->obj.fields.n && n < EXEC_MAX_ARGS; k++)
                if (fn->obj.fields.keys[k]->str.s[0] != ' ')
                    names[n] = fn->obj.fields.keys[k]->str.s, vals[n++] = fn->obj.fields.vals[k];
            return exec_call_lib(r, exec_dict_get_str(&fn->obj.fields, " fn"), args, nargs, names, vals, n, at);
        }
        ExecValue *m = fn->obj.cls ? find_class_attr(fn->obj.cls, "__call__") : NULL;
        if (!m && fn->obj.cls) m = find_class_attr(fn->obj.cls, "forward");
        if (!m) return exec_fail_at(r, at, "calling a %s", fn->obj.type);
        return call_user(r, bind_method(r, m, fn), args, nargs, kw_names, kw_vals, nkw, at);
    }
    case XV_LIB:
    case XV_METHOD:
        return exec_call_lib(r, fn, args, nargs, kw_names, kw_vals, nkw, at);
    case XV_MODEL:
    case XV_TOKENIZER:
        return exec_stand_call(r, fn, args, nargs, kw_names, kw_vals, nkw, at);
    case XV_PENDING: {
        bool text = false; /* a tokenizer's keywords */
        for (int k = 0; k < nkw; k++)
            text |= !strcmp(kw_names[k], "return_tensors") || !strcmp(kw_names[k], "padding") ||
                    !strcmp(kw_names[k], "truncation") || !strcmp(kw_names[k], "add_special_tokens");
        ExecValue *v = exec_stand_resolve(r, fn, text ? "call-text" : "call", nargs ? args[0] : NULL);
        return v ? exec_call_value(r, v, args, nargs, kw_names, kw_vals, nkw, at) : NULL;
    }
    default:
        return exec_fail_at(r, at, "calling a %s", exec_kind_name(fn));
    }
}

/* ---- attributes ---- */

bool exec_is_dunder(const char *s) {
    size_t n = strlen(s);
    return n >= 4 && s[0] == '_' && s[1] == '_' && s[n - 1] == '_' && s[n - 2] == '_';
}

/* A tensor's data attributes other than shape, ndim, dtype and device (x.T, x.mT, an array's
 * size); any other name is a method, bound to it. */
static ExecValue *tensor_attr(ExecRun *r, ExecValue *v, const char *name) {
    ExecTensor *t = v->t;
    if ((!strcmp(name, "T") || !strcmp(name, "H")) && t->ndim <= 2) /* a matrix transposed (a vector kept) */
        return t->ndim < 2 ? v : exec_tensor_value(r, exec_tensor_transpose(r, t, 0, 1));
    if (!strcmp(name, "mT") || !strcmp(name, "mH")) /* the last two axes swapped */
        return t->ndim < 2 ? exec_fail(r, "%s of a tensor of %d dimensions", name, t->ndim)
                           : exec_tensor_value(r, exec_tensor_transpose(r, t, t->ndim - 2, t->ndim - 1));
    if (!strcmp(name, "data") || !strcmp(name, "real")) return v;
    if (!strcmp(name, "is_cuda") || !strcmp(name, "requires_grad")) return exec_bool(false);
    if (!strcmp(name, "grad")) return exec_none();
    if (t->numpy && !strcmp(name, "size")) return exec_int(r, t->n); /* NumPy's: the element count */
    return exec_method(r, name, v);
}

/* ---- the defs around a node (exec.h) ---- */

TSNode exec_enclosing_def(TSNode n) {
    while (!ts_node_is_null(n) && !parse_is(n, "function_definition"))
        n = parse_parent(n);
    return n;
}

TSNode exec_def_class(TSNode def) {
    TSNode up = parse_parent(def);
    if (parse_is(up, "decorated_definition")) up = parse_parent(up);
    return parse_is(up, "block") && parse_is(parse_parent(up), "class_definition") ? parse_parent(up)
                                                                                   : (TSNode){0};
}

TSNode exec_named_lambda(TSNode n) {
    while (!ts_node_is_null(n) && !parse_is(n, "assignment"))
        n = parse_parent(n);
    TSNode f = ts_node_is_null(n) ? n : parse_field(n, "right");
    return parse_is(f, "lambda") && parse_is(parse_field(n, "left"), "identifier") ? f : (TSNode){0};
}

TSNode exec_def_name(TSNode def) {
    return parse_is(def, "lambda") ? parse_field(parse_parent(def), "left") : parse_field(def, "name");
}

/* super() in a method of a class of the project: its base class's attributes, bound to the
 * method's self (a base defined in another module of the project runs its __init__ as its own
 * file wrote it). A base from a library, or super() where the class is not known: an object
 * whose __init__ does nothing (exec_call.c), as before. */
ExecValue *exec_super(ExecRun *r, ExecEnv *env, TSNode call) {
    ExecValue *sup = exec_object(r, "super");
    TSNode def = exec_enclosing_def(call), cls = ts_node_is_null(def) ? def : exec_def_class(def);
    if (!sup || ts_node_is_null(cls)) return sup;
    TSNode p = parse_named_child(parse_field(def, "parameters"), 0);
    if (ts_node_is_null(p) || !parse_is(p, "identifier")) return sup;
    int len;
    const char *first = exec_text(r, p, &len);
    ExecValue *self = first ? exec_env_get(env, first, len) : NULL;
    ExecValue *c = self && self->kind == XV_OBJECT ? self->obj.cls : NULL;
    while (c && c->kind == XV_CLASS && !ts_node_eq(c->cls.def, cls))
        c = exec_dict_get_str(&c->cls.attrs, " base");
    ExecValue *base = c && c->kind == XV_CLASS ? exec_dict_get_str(&c->cls.attrs, " base") : NULL;
    if (!base || base->kind != XV_CLASS || !exec_dict_set_str(r, &sup->obj.fields, " self", self)) return sup;
    sup->obj.cls = base;
    return sup;
}

ExecValue *exec_getattr(ExecRun *r, ExecValue *v, const char *name, TSNode at) {
    if (!v) return NULL;
    if (v->kind == XV_OBJECT && !strcmp(v->obj.type, "super")) {
        ExecValue *m = v->obj.cls ? find_class_attr(v->obj.cls, name) : NULL;
        if (m && m->kind == XV_FUNC) return bind_method(r, m, exec_dict_get_str(&v->obj.fields, " self"));
        return m ? m : exec_method(r, name, v);
    }
    /* x.__call__(...) calls x, as x(...) does: nothing beyond what calling it may do */
    if (!strcmp(name, "__call__") && v->kind != XV_STR && v->kind != XV_INT && v->kind != XV_FLOAT) return v;
    /* a container's item lookup as a function (key=scores.__getitem__): x[k] when called */
    if (!strcmp(name, "__getitem__") && (v->kind == XV_LIST || v->kind == XV_TUPLE || v->kind == XV_DICT ||
                                          v->kind == XV_STR || v->kind == XV_TENSOR))
        return exec_method(r, name, v);
    if (exec_is_dunder(name)) return exec_fail_at(r, at, "dunder attribute %s", name);
    switch (v->kind) {
    case XV_PENDING: {
        char use[64];
        snprintf(use, sizeof use, "attr:%s", name);
        if (exec_text_only_method(name)) snprintf(use, sizeof use, "str"); /* ex["chosen"].rpartition(...) */
        ExecValue *x = exec_stand_resolve(r, v, use, NULL);
        return x ? exec_getattr(r, x, name, at) : NULL;
    }
    case XV_LIB: {
        size_t n = strlen(v->lib.qual) + strlen(name) + 2;
        char *q = exec_alloc(r, n);
        if (!q) return NULL;
        snprintf(q, n, "%s.%s", v->lib.qual, name);
        ExecValue *data = exec_lib_constant(r, q);
        if (!data) data = exec_host_value(r, q, at);
        return data || r->failed ? data : exec_lib(r, q);
    }
    case XV_OBJECT: {
        if (!strcmp(v->obj.type, "module")) { /* a module of the project */
            ExecValue *f = exec_module_member(r, v, name);
            return f || r->failed ? f : exec_fail_at(r, at, "attribute %s the module does not have", name);
        }
        ExecValue *f = exec_dict_get_str(&v->obj.fields, name);
        if (f) return f;
        if (exec_file_has_method(v, name)) return exec_method(r, name, v);
        if (!strcmp(v->obj.type, "checkpoint")) /* a restored Flax TrainState: its apply_fn is the toy LM's */
            return !strcmp(name, "apply_fn") ? exec_getattr(r, exec_stand_pretrained(r, "flax.TrainState", NULL, NULL, 0), name, at) : v;
        if (v->obj.cls) {
            ExecValue *m = find_class_attr(v->obj.cls, name);
            if (m && m->kind == XV_FUNC) return bind_method(r, m, m->fn.is_class ? v->obj.cls : v);
            if (m) return m;
            if (v->obj.lazy) return exec_stand_record_field(r, v, name);
            if (module_method(v->obj.cls, name)) return exec_method(r, name, v); /* model.eval() */
            return exec_fail_as(r, XF_NO_FIELD, at, "attribute %s the object does not have", name);
        }
        if (v->obj.lazy) return exec_stand_record_field(r, v, name);
        if (!strcmp(v->obj.type, "output") && ((f = exec_nn_hidden(r, v, name, at)) || r->failed)) return f;
        if (!strcmp(v->obj.type, "config") && (f = exec_nn_config(r, name))) return f;
        if (!strcmp(v->obj.type, "nn_layer") && ((f = exec_nn_attr(r, v, name)) || r->failed)) return f;
        return exec_method(r, name, v);
    }
    case XV_CLASS: {
        ExecValue *m = find_class_attr(v, name);
        if (m && m->kind == XV_FUNC && m->fn.is_class) return bind_method(r, m, v); /* Model.load(cfg) */
        return m ? m : exec_fail_at(r, at, "class attribute %s", name);
    }
    case XV_MODEL:
    case XV_TOKENIZER:
        return exec_stand_attr(r, v, name, at);
    case XV_TENSOR:
        if (!strcmp(name, "shape")) {
            ExecValue *t = exec_new(r, XV_TUPLE);
            for (int i = 0; t && i < v->t->ndim; i++)
                if (!exec_seq_push(r, &t->seq, exec_int(r, v->t->shape[i]))) return NULL;
            return t;
        }
        if (!strcmp(name, "ndim")) return exec_int(r, v->t->ndim);
        if (!strcmp(name, "dtype")) {
            char q[40];
            snprintf(q, sizeof q, "%s.%s", v->t->numpy ? "numpy" : "torch", exec_dtype_name(v->t->dtype));
            ExecValue *s = exec_str(r, q, (int)strlen(q));
            return s ? exec_lib(r, s->str.s) : NULL;
        }
        if (!strcmp(name, "device")) return exec_str(r, "cpu", 3);
        return tensor_attr(r, v, name);
    default:
        return exec_method(r, name, v);
    }
}

/* 1: v has attribute `name`, 0: it has not, -1: unknown without reading it (a library value, a
 * stand-in, a record whose fields are bound by their use: reading it binds or fails). Only the
 * objects of the file's classes, its classes and the project's modules say. */
static int has_attr(ExecRun *r, ExecValue *v, const char *name) {
    if (v->kind == XV_CLASS) return find_class_attr(v, name) != NULL;
    if (v->kind != XV_OBJECT || v->obj.lazy) return -1;
    if (!strcmp(v->obj.type, "module")) {
        ExecValue *f = exec_module_member(r, v, name);
        return r->failed ? -1 : f != NULL;
    }
    if (!v->obj.cls || !strcmp(v->obj.type, "super")) return -1;
    return exec_dict_get_str(&v->obj.fields, name) || find_class_attr(v->obj.cls, name) ||
           module_method(v->obj.cls, name) || exec_file_has_method(v, name);
}

ExecValue *exec_getattr_or(ExecRun *r, ExecValue *v, const char *name, ExecValue *dflt, TSNode at) {
    if (!v) return NULL;
    if (dflt && !exec_is_dunder(name) && has_attr(r, v, name) == 0) return r->failed ? NULL : dflt;
    return r->failed ? NULL : exec_getattr(r, v, name, at);
}

ExecValue *exec_hasattr(ExecRun *r, ExecValue *v, const char *name, TSNode at) {
    int has = v && !exec_is_dunder(name) ? has_attr(r, v, name) : -1;
    if (r->failed) return NULL;
    return has < 0 ? exec_fail_as(r, XF_GAP, at, "hasattr(%s) of a %s", name, exec_kind_name(v)) : exec_bool(has);
}

/* The class among env's names that defines `method` (not __init__); NULL: none. */
static ExecValue *env_class_with_method(ExecEnv *env, const char *method) {
    ExecDict *g = exec_env_vars(env);
    for (int i = 0; i < g->n; i++) {
        ExecValue *c = g->vals[i];
        ExecValue *m = c->kind == XV_CLASS ? find_class_attr(c, method) : NULL;
        if (m && m->kind == XV_FUNC && strcmp(method, "__init__")) return c;
    }
    return NULL;
}

/* The file's own classes first, then those of the project's modules its imports loaded (the
 * class of what `from lm import load_lm` returns), then those of the modules beside it. */
ExecValue *exec_class_with_method(ExecRun *r, const char *method) {
    ExecValue *c = env_class_with_method(r->globals, method);
    for (int pass = 0; !c && pass < 2; pass++) {
        if (pass == 1) exec_module_siblings(r); /* then those beside the file */
        for (int i = 0; !c && i < EXEC_MAX_MODULES; i++)
            if (r->mod_run[i].env && r->mod_run[i].env != r->globals) c = env_class_with_method(r->mod_run[i].env, method);
    }
    return c;
}

ExecValue *exec_project_class(ExecRun *r, const char *name) {
    int len = (int)strlen(name);
    ExecValue *c = exec_env_get(r->globals, name, len);
    for (int pass = 0; (!c || c->kind != XV_CLASS) && pass < 2; pass++) {
        if (pass == 1) exec_module_siblings(r); /* (as exec_class_with_method found it) */
        for (int i = 0; (!c || c->kind != XV_CLASS) && i < EXEC_MAX_MODULES; i++)
            if (r->mod_run[i].env && r->mod_run[i].env != r->globals) c = exec_env_get(r->mod_run[i].env, name, len);
    }
    return c && c->kind == XV_CLASS ? c : NULL;
}

/* A config class among env's names: no __init__ of its own, no base, `field` a class-level value,
 * and (a dataclass) a default for every field. */
static ExecValue *env_config_class(ExecEnv *env, const char *field) {
    ExecDict *g = exec_env_vars(env);
    for (int i = 0; i < g->n; i++) {
        ExecValue *c = g->vals[i];
        if (c->kind != XV_CLASS || find_class_attr(c, "__init__") || exec_dict_get_str(&c->cls.attrs, " base")) continue;
        ExecValue *v = exec_dict_get_str(&c->cls.attrs, field);
        if (!v || v->kind == XV_FUNC) continue;
        ExecValue *fields = exec_dict_get_str(&c->cls.attrs, " dataclass");
        bool defaults = fields != NULL; /* every field of the dataclass has one: built with no argument */
        for (int k = 0; defaults && k < fields->seq.n; k++)
            defaults &= fields->seq.items[k]->seq.n > 1;
        if (defaults) return c;
    }
    return NULL;
}

ExecValue *exec_config_class(ExecRun *r, const char *field) {
    ExecValue *c = env_config_class(r->globals, field);
    for (int i = 0; !c && i < EXEC_MAX_MODULES; i++) /* then the project's modules its imports loaded */
        if (r->mod_run[i].env && r->mod_run[i].env != r->globals) c = env_config_class(r->mod_run[i].env, field);
    return c;
}

ExecValue *exec_instance_by_use(ExecRun *r, ExecValue *cls, const char *prefix, bool lazy) {
    ExecValue *init = find_class_attr(cls, "__init__");
    ExecValue *fields = exec_dict_get_str(&cls->cls.attrs, " dataclass");
    bool defaults = fields && !init; /* a dataclass whose every field has a default: built with them */
    for (int i = 0; defaults && i < fields->seq.n; i++)
        defaults = fields->seq.items[i]->seq.n > 1;
    if (defaults && !lazy) {
        int len;
        const char *name = exec_text(r, parse_field(cls->cls.def, "name"), &len);
        if (!exec_stand_in(r, cls->cls.def, "parameter", "%s is %.*s() built with the defaults it declares", prefix, len,
                           name))
            return NULL;
        return instantiate(r, cls, NULL, 0, NULL, NULL, 0, cls->cls.def);
    }
    if (lazy || !init || init->kind != XV_FUNC) {
        int len;
        const char *name = exec_text(r, parse_field(cls->cls.def, "name"), &len);
        ExecValue *obj = exec_stand_record(r, prefix);
        if (!obj || !(obj->obj.type = exec_str(r, name, len)->str.s)) return NULL;
        obj->obj.cls = cls;
        return obj;
    }
    /* the parameters after self that have no default */
    TSNode params = parse_field(init->fn.def, "parameters");
    ExecValue *args[EXEC_MAX_PARAMS];
    int nargs = 0;
    for (uint32_t i = 1; i < ts_node_named_child_count(params) && nargs < EXEC_MAX_PARAMS; i++) {
        TSNode p = parse_named_child(params, i);
        if (!parse_is(p, "identifier") && !parse_is(p, "typed_parameter")) break;
        int len;
        const char *s = exec_text(r, parse_is(p, "identifier") ? p : parse_named_child(p, 0), &len);
        char name[32];
        snprintf(name, sizeof name, "%.12s(%.*s)", prefix, len < 16 ? len : 16, s);
        if (!(args[nargs++] = exec_stand_named(r, name, -1))) return NULL;
    }
    return instantiate(r, cls, args, nargs, NULL, NULL, 0, init->fn.def);
}

ExecValue *exec_call_entry(ExecRun *r, TSNode def, ExecValue **args, int nargs) {
    ExecValue fn = {.kind = XV_FUNC};
    fn.fn.def = def;
    fn.fn.closure = r->globals;
    return call_user(r, &fn, args, nargs, NULL, NULL, 0, def);
}
