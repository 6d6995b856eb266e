/* exec_call: library calls of the concrete interpreter: Python's builtins (an allow-list),
 * methods of str / list / dict, and the dispatch of module functions (torch, NumPy, math,
 * transformers' from_pretrained) and tensor methods to exec_lib.c. Anything else ends the run
 * with "unsupported call NAME at line N"; open/exec/eval/getattr and friends end it as
 * forbidden. print, logging and progress bars are no-ops. */
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "exec.h"
#include "libalias.h"


/* ---- arguments ---- */

ExecValue *exec_arg(ExecArgs *a, int i, const char *kw) {
    if (i >= 0 && i < a->npos) return a->pos[i];
    for (int k = 0; kw && k < a->nkw; k++)
        if (!strcmp(a->kw[k], kw)) {
            if (k < 32) a->used |= 1u << k;
            return a->kwv[k];
        }
    return NULL;
}

bool exec_arg_int(ExecRun *r, ExecArgs *a, int i, const char *kw, int64_t dflt, int64_t *out) {
    ExecValue *v = exec_arg(a, i, kw);
    if (!v || v->kind == XV_NONE) {
        *out = dflt;
        return true;
    }
    if (v->kind == XV_PENDING && !(v = exec_stand_resolve(r, v, "int", NULL))) return false;
    if (!exec_as_int(v, out)) {
        exec_fail_at(r, a->at, "%s: argument %s is a %s, not an int", a->name, kw ? kw : "?",
                     exec_kind_name(v));
        return false;
    }
    return true;
}

bool exec_arg_bool(ExecRun *r, ExecArgs *a, int i, const char *kw, bool dflt, bool *out) {
    ExecValue *v = exec_arg(a, i, kw);
    if (!v) {
        *out = dflt;
        return true;
    }
    return exec_truthy(r, v, out);
}

/* ---- builtins ---- */

static const char *const builtin_names[] = {
    "len",   "range",    "enumerate", "zip",   "map",    "filter",   "max",   "min",
    "sum",   "sorted",   "reversed",  "list",  "tuple",  "dict",     "set",   "int",
    "float", "str",      "bool",      "abs",   "round",  "print",    "isinstance",
    "any",   "all",      "iter",      "next",  "divmod", "pow",      "hasattr",
    /* forbidden: calling one ends the run */
    "open",  "exec",     "eval",      "compile", "__import__", "getattr", "setattr", "delattr",
    "globals", "locals", "vars",      "input", "breakpoint", "exit",   "quit",  "help",
    "memoryview", "type", "object",   "super", "id",     "hash",     "callable", "format",
    "repr",  "chr",      "ord",       "bytes", "bytearray", "frozenset", "slice", "property",
    "staticmethod", "classmethod"};

static bool builtin_forbidden(const char *name) {
    static const char *const bad[] = {"exec",   "eval",  "compile", "__import__",
                                      "getattr", "setattr", "delattr", "globals", "locals",
                                      "input",  "breakpoint", "exit", "quit", "help",
                                      "memoryview", "type", "object", "id", "hash"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        if (!strcmp(bad[i], name)) return true;
    return false;
}

ExecValue *exec_builtin_name(ExecRun *r, const char *name, int len) {
    for (size_t i = 0; i < sizeof builtin_names / sizeof *builtin_names; i++)
        if ((int)strlen(builtin_names[i]) == len && !memcmp(builtin_names[i], name, (size_t)len)) {
            char q[64];
            snprintf(q, sizeof q, "builtins.%s", builtin_names[i]);
            ExecValue *s = exec_str(r, q, (int)strlen(q));
            return s ? exec_lib(r, s->str.s) : NULL;
        }
    return NULL;
}

static ExecValue *new_list(ExecRun *r, ExecKind k) {
    return exec_new(r, k);
}

static ExecValue *b_range(ExecRun *r, ExecArgs *a) {
    int64_t v[3] = {0, 0, 1};
    if (a->npos == 1) {
        if (!exec_arg_int(r, a, 0, NULL, 0, &v[1])) return NULL;
    } else {
        for (int i = 0; i < a->npos && i < 3; i++)
            if (!exec_arg_int(r, a, i, NULL, 0, &v[i])) return NULL;
    }
    if (v[2] == 0) return exec_fail_at(r, a->at, "range() step of 0");
    ExecValue *l = new_list(r, XV_LIST);
    for (int64_t i = v[0]; l && (v[2] > 0 ? i < v[1] : i > v[1]);) {
        if (!exec_seq_push(r, &l->seq, exec_int(r, i))) return NULL;
        if (__builtin_add_overflow(i, v[2], &i)) break;
    }
    return l;
}

static ExecValue *b_len(ExecRun *r, ExecArgs *a) {
    ExecValue *v = exec_arg(a, 0, NULL);
    if (v && v->kind == XV_PENDING) v = exec_stand_resolve(r, v, "len", NULL);
    if (!v) return NULL;
    switch (v->kind) {
    case XV_STR:
        return exec_int(r, v->str.n);
    case XV_LIST:
    case XV_TUPLE:
        return exec_int(r, v->seq.n);
    case XV_DICT:
        return exec_int(r, v->dict.n);
    case XV_TENSOR:
        if (v->t->ndim == 0) return exec_fail_at(r, a->at, "len() of a 0-d tensor");
        return exec_int(r, v->t->shape[0]);
    case XV_OBJECT:
        if (v->obj.lazy && !v->obj.cls) return exec_int(r, 1); /* a record iterated is a batch of one */
        if (!v->obj.cls) return exec_int(r, v->obj.fields.n);
        return exec_fail_at(r, a->at, "len() of a %s", exec_kind_name(v));
    case XV_TOKENIZER: /* its vocabulary size */
        return exec_int(r, r->table->n_vocab);
    default:
        return exec_fail_at(r, a->at, "len() of a %s", exec_kind_name(v));
    }
}

/* Calls a key= / map function on one element. */
static ExecValue *call1(ExecRun *r, ExecValue *fn, ExecValue *x, TSNode at) {
    return exec_call_value(r, fn, &x, 1, NULL, NULL, 0, at);
}

static ExecValue *b_zip(ExecRun *r, ExecArgs *a) {
    ExecValue *its[8];
    int n = a->npos < 8 ? a->npos : 8, m = INT32_MAX;
    for (int i = 0; i < n; i++) {
        if (!(its[i] = exec_iterate(r, a->pos[i], a->at))) return NULL;
        if (its[i]->seq.n < m) m = its[i]->seq.n;
    }
    ExecValue *l = new_list(r, XV_LIST);
    for (int k = 0; l && n && k < m; k++) {
        ExecValue *t = new_list(r, XV_TUPLE);
        for (int i = 0; t && i < n; i++)
            if (!exec_seq_push(r, &t->seq, its[i]->seq.items[k])) return NULL;
        if (!exec_seq_push(r, &l->seq, t)) return NULL;
    }
    return l;
}

static ExecValue *b_enumerate(ExecRun *r, ExecArgs *a) {
    ExecValue *it = exec_iterate(r, exec_arg(a, 0, "iterable"), a->at);
    int64_t start;
    if (!it || !exec_arg_int(r, a, 1, "start", 0, &start)) return NULL;
    ExecValue *l = new_list(r, XV_LIST);
    for (int k = 0; l && k < it->seq.n; k++) {
        ExecValue *t = new_list(r, XV_TUPLE);
        if (!t || !exec_seq_push(r, &t->seq, exec_int(r, start + k)) ||
            !exec_seq_push(r, &t->seq, it->seq.items[k]) || !exec_seq_push(r, &l->seq, t))
            return NULL;
    }
    return l;
}

static ExecValue *b_map(ExecRun *r, ExecArgs *a, bool filter) {
    ExecValue *fn = exec_arg(a, 0, NULL);
    if (a->npos > 2 && !filter) { /* map(f, xs, ys) */
        ExecArgs z = *a;
        z.pos++;
        z.npos--;
        ExecValue *pairs = b_zip(r, &z);
        ExecValue *l = new_list(r, XV_LIST);
        for (int k = 0; pairs && l && k < pairs->seq.n; k++) {
            ExecValue *t = pairs->seq.items[k];
            if (!exec_seq_push(r, &l->seq, exec_call_value(r, fn, t->seq.items, t->seq.n, NULL, NULL, 0, a->at)))
                return NULL;
        }
        return pairs ? l : NULL;
    }
    ExecValue *it = exec_iterate(r, exec_arg(a, 1, NULL), a->at);
    ExecValue *l = new_list(r, XV_LIST);
    for (int k = 0; it && l && k < it->seq.n; k++) {
        ExecValue *x = it->seq.items[k];
        ExecValue *y = fn->kind == XV_NONE ? x : call1(r, fn, x, a->at);
        if (!y) return NULL;
        bool keep = true;
        if (filter && !exec_truthy(r, y, &keep)) return NULL;
        if (keep && !exec_seq_push(r, &l->seq, filter ? x : y)) return NULL;
    }
    return it ? l : NULL;
}

/* Python's < on two values (numbers, strings, tuples, one-element tensors). */
static bool less_than(ExecRun *r, ExecValue *x, ExecValue *y, TSNode at, bool *out) {
    ExecValue *c = exec_binop(r, "<", x, y, at);
    return c && exec_truthy(r, c, out);
}

static ExecValue *b_sorted(ExecRun *r, ExecArgs *a) {
    ExecValue *it = exec_iterate(r, exec_arg(a, 0, "iterable"), a->at);
    ExecValue *key = exec_arg(a, -1, "key");
    bool rev;
    if (!it || !exec_arg_bool(r, a, -1, "reverse", false, &rev)) return NULL;
    int n = it->seq.n;
    ExecValue **items = exec_alloc(r, (size_t)(n ? n : 1) * sizeof *items);
    ExecValue **keys = exec_alloc(r, (size_t)(n ? n : 1) * sizeof *keys);
    if (!items || !keys) return NULL;
    for (int i = 0; i < n; i++) {
        items[i] = it->seq.items[i];
        keys[i] = key && key->kind != XV_NONE ? call1(r, key, items[i], a->at) : items[i];
        if (!keys[i]) return NULL;
    }
    /* stable insertion sort; reverse keeps stability as Python's does */
    for (int i = 1; i < n; i++) {
        ExecValue *ki = keys[i], *vi = items[i];
        int j = i;
        while (j > 0) {
            bool lt;
            if (!(rev ? less_than(r, keys[j - 1], ki, a->at, &lt) : less_than(r, ki, keys[j - 1], a->at, &lt)))
                return NULL;
            if (!lt) break;
            keys[j] = keys[j - 1];
            items[j] = items[j - 1];
            j--;
        }
        keys[j] = ki;
        items[j] = vi;
    }
    ExecValue *l = new_list(r, XV_LIST);
    for (int i = 0; l && i < n; i++)
        if (!exec_seq_push(r, &l->seq, items[i])) return NULL;
    return l;
}

/* max / min over an iterable or the arguments, with key=; the first best wins. */
static ExecValue *b_extreme(ExecRun *r, ExecArgs *a, bool want_max) {
    ExecValue *it;
    if (a->npos == 1) {
        ExecValue *x = a->pos[0];
        if (x->kind == XV_TENSOR) return exec_tensor_item(r, exec_tensor_reduce(r, want_max ? "max" : "min", x->t, INT32_MIN, false));
        it = exec_iterate(r, x, a->at);
    } else {
        it = new_list(r, XV_TUPLE);
        for (int i = 0; it && i < a->npos; i++)
            if (!exec_seq_push(r, &it->seq, a->pos[i])) return NULL;
    }
    ExecValue *key = exec_arg(a, -1, "key");
    ExecValue *dflt = exec_arg(a, -1, "default");
    if (!it) return NULL;
    if (it->seq.n == 0) return dflt ? dflt : exec_fail_at(r, a->at, "%s() of an empty sequence", want_max ? "max" : "min");
    ExecValue *best = it->seq.items[0];
    ExecValue *bk = key ? call1(r, key, best, a->at) : best;
    ExecValue *keys[EXEC_MAX_MARKS]; /* what key= gave each item: the values ranked */
    keys[0] = bk;
    for (int i = 1; bk && i < it->seq.n; i++) {
        ExecValue *x = it->seq.items[i];
        ExecValue *k = key ? call1(r, key, x, a->at) : x;
        bool better;
        if (!k || !(want_max ? less_than(r, bk, k, a->at, &better) : less_than(r, k, bk, a->at, &better)))
            return NULL;
        if (i < EXEC_MAX_MARKS) keys[i] = k;
        if (better) {
            best = x;
            bk = k;
        }
    }
    if (bk && key && it->seq.n <= EXEC_MAX_MARKS) exec_rank_note_keyed(r, it->seq.items, keys, it->seq.n, !want_max, a->at);
    return bk ? best : NULL;
}

static ExecValue *b_sum(ExecRun *r, ExecArgs *a) {
    ExecValue *x = exec_arg(a, 0, NULL);
    if (x && x->kind == XV_TENSOR) { /* sum(t) adds the rows along dimension 0 */
        if (x->t->ndim == 0) return exec_fail_at(r, a->at, "sum() of a 0-d tensor");
        return exec_tensor_value(r, exec_tensor_reduce(r, "sum", x->t, 0, false));
    }
    ExecValue *it = exec_iterate(r, x, a->at);
    ExecValue *acc = exec_arg(a, 1, "start");
    if (!acc) acc = exec_int(r, 0);
    for (int i = 0; it && acc && i < it->seq.n; i++)
        acc = exec_binop(r, "+", acc, it->seq.items[i], a->at);
    return it ? acc : NULL;
}

static ExecValue *b_convert(ExecRun *r, const char *name, ExecArgs *a) {
    ExecValue *x = exec_arg(a, 0, NULL);
    if (!strcmp(name, "list") || !strcmp(name, "tuple") || !strcmp(name, "set")) {
        ExecValue *l = new_list(r, name[0] == 't' ? XV_TUPLE : XV_LIST);
        ExecValue *it = x ? exec_iterate(r, x, a->at) : l;
        for (int i = 0; x && it && l && i < it->seq.n; i++)
            if (!exec_seq_push(r, &l->seq, it->seq.items[i])) return NULL;
        if (name[0] == 's' && x) /* a set of this subset: distinct elements, first seen first */
            for (int i = 0; l && i < l->seq.n; i++)
                for (int j = i + 1; j < l->seq.n; j++)
                    if (exec_equal(l->seq.items[i], l->seq.items[j]))
                        l->seq.items[j--] = l->seq.items[--l->seq.n];
        return it ? l : NULL;
    }
    if (!strcmp(name, "dict")) {
        ExecValue *d = exec_new(r, XV_DICT);
        if (x) {
            if (x->kind == XV_DICT) {
                for (int i = 0; d && i < x->dict.n; i++)
                    if (!exec_dict_set(r, &d->dict, x->dict.keys[i], x->dict.vals[i])) return NULL;
            } else {
                ExecValue *it = exec_iterate(r, x, a->at);
                for (int i = 0; it && d && i < it->seq.n; i++) {
                    ExecValue *p = exec_iterate(r, it->seq.items[i], a->at);
                    if (!p || p->seq.n != 2 || !exec_dict_set(r, &d->dict, p->seq.items[0], p->seq.items[1]))
                        return r->failed ? NULL : exec_fail_at(r, a->at, "dict() of non-pairs");
                }
                if (!it) return NULL;
            }
        }
        for (int k = 0; d && k < a->nkw; k++) {
            a->used |= 1u << k;
            if (!exec_dict_set_str(r, &d->dict, a->kw[k], a->kwv[k])) return NULL;
        }
        return d;
    }
    if (!x) return !strcmp(name, "str") ? exec_str(r, "", 0) : !strcmp(name, "bool") ? exec_bool(false)
                   : !strcmp(name, "float") ? exec_float(r, 0) : exec_int(r, 0);
    if (x->kind == XV_PENDING && !(x = exec_stand_resolve(r, x, !strcmp(name, "str") ? "str" : "int", NULL)))
        return NULL;
    if (x->kind == XV_TENSOR) {
        if (x->t->n != 1) return exec_fail_at(r, a->at, "%s() of a tensor of %d elements", name, x->t->n);
        x = exec_tensor_item(r, x->t);
        if (!x) return NULL;
    }
    if (!strcmp(name, "str")) return exec_to_str(r, x);
    if (!strcmp(name, "bool")) {
        bool b;
        return exec_truthy(r, x, &b) ? exec_bool(b) : NULL;
    }
    if (x->kind == XV_STR) {
        char buf[64];
        snprintf(buf, sizeof buf, "%.*s", x->str.n < 63 ? x->str.n : 63, x->str.s);
        char *end;
        double v = strtod(buf, &end);
        while (*end == ' ' || *end == '\n')
            end++;
        if (*end || end == buf) return exec_fail_at(r, a->at, "%s() of the string '%s'", name, buf);
        int64_t k;
        if (strcmp(name, "int")) return exec_float(r, v);
        return exec_double_to_int(trunc(v), &k) ? exec_int(r, k) : exec_fail_at(r, a->at, "int() of '%s'", buf);
    }
    if (!exec_is_number(x)) return exec_fail_at(r, a->at, "%s() of a %s", name, exec_kind_name(x));
    double v = exec_number(x);
    int64_t k;
    if (!strcmp(name, "int"))
        return exec_double_to_int(trunc(v), &k) ? exec_int(r, k) : exec_fail_at(r, a->at, "int() of %g", v);
    return exec_float(r, v);
}

static ExecValue *b_isinstance(ExecRun *r, ExecArgs *a) {
    ExecValue *x = exec_arg(a, 0, NULL), *t = exec_arg(a, 1, NULL);
    if (!x || !t) return exec_fail_at(r, a->at, "isinstance() needs two arguments");
    if (t->kind == XV_TUPLE) {
        for (int i = 0; i < t->seq.n; i++) {
            ExecValue *pos[2] = {x, t->seq.items[i]};
            ExecArgs sub = {pos, 2, NULL, NULL, 0, 0, a->at, "isinstance"};
            ExecValue *b = b_isinstance(r, &sub);
            if (!b || b->b) return b;
        }
        return exec_bool(false);
    }
    if (t->kind == XV_CLASS) return exec_bool(x->kind == XV_OBJECT && x->obj.cls == t);
    if (t->kind != XV_LIB) return exec_fail_at(r, a->at, "isinstance() against a %s", exec_kind_name(t));
    const char *q = t->lib.qual;
    if (!strcmp(q, "builtins.int")) return exec_bool(x->kind == XV_INT || x->kind == XV_BOOL);
    if (!strcmp(q, "builtins.float")) return exec_bool(x->kind == XV_FLOAT);
    if (!strcmp(q, "builtins.str")) return exec_bool(x->kind == XV_STR);
    if (!strcmp(q, "builtins.list")) return exec_bool(x->kind == XV_LIST);
    if (!strcmp(q, "builtins.tuple")) return exec_bool(x->kind == XV_TUPLE);
    if (!strcmp(q, "builtins.dict")) return exec_bool(x->kind == XV_DICT);
    if (!strcmp(q, "builtins.bool")) return exec_bool(x->kind == XV_BOOL);
    if (!strcmp(q, "torch.Tensor")) return exec_bool(x->kind == XV_TENSOR && !x->t->numpy);
    if (!strcmp(q, "numpy.ndarray")) return exec_bool(x->kind == XV_TENSOR && x->t->numpy);
    return exec_fail_at(r, a->at, "isinstance() against %s", q);
}

static ExecValue *b_any_all(ExecRun *r, ExecArgs *a, bool any) {
    ExecValue *it = exec_iterate(r, exec_arg(a, 0, NULL), a->at);
    for (int i = 0; it && i < it->seq.n; i++) {
        bool b;
        if (!exec_truthy(r, it->seq.items[i], &b)) return NULL;
        if (b == any) return exec_bool(any);
    }
    return it ? exec_bool(!any) : NULL;
}

/* The attribute name getattr/hasattr is given, when the call spells it as a plain string literal
 * (getattr(cfg, "beta", 1.0) is cfg.beta), or computes it as a text and reads it of a library
 * name or an object (getattr(torch, cfg.dtype): torch.bfloat16, the same lookup as spelled,
 * nothing of the library runs); NULL otherwise (a name computed for another value, a dunder),
 * which stays forbidden. */
static const char *spelled_attr_name(ExecArgs *a) {
    ExecValue *of = exec_arg(a, 0, NULL), *name = exec_arg(a, 1, NULL);
    if (of && (of->kind == XV_LIB || of->kind == XV_OBJECT) && name && name->kind == XV_STR && name->str.n > 0 &&
        !exec_is_dunder(name->str.s) && !memchr(name->str.s, '.', (size_t)name->str.n))
        return name->str.s;
    TSNode argl = parse_field(a->at, "arguments"), lit = {0};
    int k = 0;
    for (uint32_t i = 0; !ts_node_is_null(argl) && i < ts_node_named_child_count(argl); i++) {
        TSNode c = parse_named_child(argl, i);
        if (parse_is(c, "comment")) continue;
        if (parse_is(c, "list_splat") || parse_is(c, "dictionary_splat")) return NULL;
        if (k++ == 1) lit = c;
    }
    if (ts_node_is_null(lit) || !parse_is(lit, "string")) return NULL;
    for (uint32_t i = 0; i < ts_node_named_child_count(lit); i++)
        if (parse_is(parse_named_child(lit, i), "interpolation")) return NULL;
    ExecValue *s = exec_arg(a, 1, NULL);
    return s && s->kind == XV_STR && !exec_is_dunder(s->str.s) ? s->str.s : NULL;
}

/* vars(x) of an object whose every field the run holds (an argparse namespace, an instance of a
 * file's class built by its __init__ or a dataclass): a dict of its fields in the order they were
 * set (a copy: no script here writes through it). Objects whose fields are bound by use, library
 * objects and other values cannot be listed: the run ends. */
static ExecValue *b_vars(ExecRun *r, ExecArgs *a) {
    ExecValue *x = exec_arg(a, 0, NULL), *d = exec_new(r, XV_DICT);
    bool listed = x && x->kind == XV_OBJECT && !x->obj.lazy && (x->obj.cls || !strcmp(x->obj.type, "namespace"));
    if (!listed) return exec_fail_as(r, XF_GAP, a->at, "vars() of a %s", x ? exec_kind_name(x) : "nothing");
    for (int i = 0; d && i < x->obj.fields.n; i++) {
        ExecValue *k = x->obj.fields.keys[i];
        if (k->kind == XV_STR && k->str.s[0] != ' ' && !exec_dict_set(r, &d->dict, k, x->obj.fields.vals[i])) return NULL;
    }
    return d;
}

/* type(x) of None, a bool, a number, a text, a list, a tuple or a dict: its constructor (argparse's
 * type=type(default)); of anything else the run ends. */
static ExecValue *b_type(ExecRun *r, ExecArgs *a) {
    static const char *const ctor[] = {[XV_BOOL] = "builtins.bool", [XV_INT] = "builtins.int",
                                       [XV_FLOAT] = "builtins.float", [XV_STR] = "builtins.str",
                                       [XV_LIST] = "builtins.list", [XV_TUPLE] = "builtins.tuple",
                                       [XV_DICT] = "builtins.dict"};
    ExecValue *x = a->npos == 1 && !a->nkw ? a->pos[0] : NULL;
    if (!x || (size_t)x->kind >= sizeof ctor / sizeof *ctor || !ctor[x->kind])
        return exec_fail_as(r, XF_GAP, a->at, "forbidden call type of a %s", x ? exec_kind_name(x) : "class");
    return exec_lib(r, ctor[x->kind]);
}

static ExecValue *call_builtin(ExecRun *r, const char *name, ExecArgs *a) {
    if (!strcmp(name, "vars")) return b_vars(r, a);
    if (!strcmp(name, "type")) return b_type(r, a);
    const char *attr = !strcmp(name, "getattr") || !strcmp(name, "hasattr") ? spelled_attr_name(a) : NULL;
    if (attr && name[0] == 'g' && a->npos <= 3)
        return exec_getattr_or(r, exec_arg(a, 0, NULL), attr, exec_arg(a, 2, NULL), a->at);
    if (attr && name[0] == 'h' && a->npos == 2) return exec_hasattr(r, exec_arg(a, 0, NULL), attr, a->at);
    if (builtin_forbidden(name)) return exec_fail_as(r, XF_GAP, a->at, "forbidden call %s", name);
    if (!strcmp(name, "super")) return exec_object(r, "super");
    if (!strcmp(name, "open")) return exec_file_open(r, a);
    if (!strcmp(name, "print")) {
        a->used = ~0u;
        return exec_none();
    }
    if (!strcmp(name, "len")) return b_len(r, a);
    if (!strcmp(name, "range")) return b_range(r, a);
    if (!strcmp(name, "enumerate")) return b_enumerate(r, a);
    if (!strcmp(name, "zip")) return b_zip(r, a);
    if (!strcmp(name, "map") || !strcmp(name, "filter")) return b_map(r, a, name[0] == 'f');
    if (!strcmp(name, "sorted")) return b_sorted(r, a);
    if (!strcmp(name, "reversed")) {
        ExecValue *it = exec_iterate(r, exec_arg(a, 0, NULL), a->at), *l = new_list(r, XV_LIST);
        for (int i = it ? it->seq.n - 1 : -1; l && i >= 0; i--)
            if (!exec_seq_push(r, &l->seq, it->seq.items[i])) return NULL;
        return it ? l : NULL;
    }
    if (!strcmp(name, "max") || !strcmp(name, "min")) return b_extreme(r, a, name[1] == 'a');
    if (!strcmp(name, "sum")) return b_sum(r, a);
    if (!strcmp(name, "isinstance")) return b_isinstance(r, a);
    if (!strcmp(name, "any") || !strcmp(name, "all")) return b_any_all(r, a, name[1] == 'n');
    if (!strcmp(name, "iter")) return exec_iterate(r, exec_arg(a, 0, NULL), a->at);
    if (!strcmp(name, "abs")) {
        ExecValue *x = exec_arg(a, 0, NULL);
        if (x && x->kind == XV_TENSOR) return exec_tensor_value(r, exec_tensor_unary(r, "abs", x->t));
        if (!exec_is_number(x)) return exec_fail_at(r, a->at, "abs() of a %s", exec_kind_name(x));
        if (x->kind == XV_FLOAT) return exec_float(r, fabs(x->f));
        int64_t k = x->kind == XV_INT ? x->i : x->b;
        return k == INT64_MIN ? exec_fail_at(r, a->at, "abs() beyond 64 bits") : exec_int(r, k < 0 ? -k : k);
    }
    if (!strcmp(name, "round")) {
        ExecValue *x = exec_arg(a, 0, NULL);
        int64_t nd;
        if (x && x->kind == XV_TENSOR) x = exec_tensor_item(r, x->t);
        if (!exec_is_number(x) || !exec_arg_int(r, a, 1, "ndigits", INT64_MIN, &nd))
            return r->failed ? NULL : exec_fail_at(r, a->at, "round() of a %s", exec_kind_name(x));
        double v = exec_number(x);
        int64_t k;
        if (nd == INT64_MIN)
            return exec_double_to_int(nearbyint(v), &k) ? exec_int(r, k) : exec_fail_at(r, a->at, "round() beyond 64 bits");
        double p = pow(10, (double)nd);
        return exec_float(r, nearbyint(v * p) / p);
    }
    if (!strcmp(name, "pow")) return exec_binop(r, "**", exec_arg(a, 0, NULL), exec_arg(a, 1, NULL), a->at);
    if (!strcmp(name, "next")) {
        ExecValue *g = exec_arg(a, 0, NULL);
        ExecValue *it = exec_is_generator(g) ? exec_generator_take(r, g, 1) : exec_iterate(r, g, a->at);
        if (!it) return NULL;
        if (it->seq.n == 0) return exec_arg(a, 1, NULL) ? exec_arg(a, 1, NULL) : exec_fail_at(r, a->at, "next() of an empty iterator");
        return it->seq.items[0];
    }
    if (!strcmp(name, "list") || !strcmp(name, "tuple") || !strcmp(name, "set") || !strcmp(name, "dict") ||
        !strcmp(name, "int") || !strcmp(name, "float") || !strcmp(name, "str") || !strcmp(name, "bool"))
        return b_convert(r, name, a);
    return exec_fail_as(r, XF_GAP, a->at, "unsupported call %s", name);
}

/* ---- methods of Python values ---- */

/* Is m a method Python's own `kind` (str, list, tuple, dict, int, float) has? A call of another
 * one (x.unsqueeze() on a float, x.size() on a list) says the value is not of the kind the code
 * expects: a binding its callers would not give (XF_KIND), not a gap of the interpreter. */
static bool python_method(const char *kind, const char *m) {
    static const struct {
        const char *kind, *methods;
    } own[] = {
        {"str", " capitalize casefold center count encode endswith expandtabs find format format_map index isalnum "
                "isalpha isascii isdecimal isdigit isidentifier islower isnumeric isprintable isspace istitle isupper "
                "join ljust lower lstrip maketrans partition removeprefix removesuffix replace rfind rindex rjust "
                "rpartition rsplit rstrip split splitlines startswith strip swapcase title translate upper zfill "},
        {"list", " append clear copy count extend index insert pop remove reverse sort "},
        {"tuple", " count index "},
        {"dict", " clear copy fromkeys get items keys pop popitem setdefault update values "},
        {"int", " as_integer_ratio bit_count bit_length conjugate from_bytes to_bytes is_integer "},
        {"float", " as_integer_ratio conjugate fromhex hex is_integer "},
    };
    char word[40];
    snprintf(word, sizeof word, " %.36s ", m);
    for (size_t i = 0; i < sizeof own / sizeof *own; i++)
        if (!strcmp(kind, own[i].kind)) return strstr(own[i].methods, word) != NULL;
    return false;
}

bool exec_text_only_method(const char *m) {
    static const char *const text[] = {"strip",     "lstrip",     "rstrip", "lower",    "upper",   "startswith",
                                       "endswith",  "partition",  "rpartition", "format", "join",
                                       "splitlines", "casefold", "title"};
    for (size_t i = 0; i < sizeof text / sizeof *text; i++)
        if (!strcmp(m, text[i])) return true;
    return false;
}

/* s.partition(sep) / s.rpartition(sep): (head, sep, tail) split at the first / last sep; not
 * found, the text is the head (the tail for rpartition). */
static ExecValue *str_partition(ExecRun *r, ExecValue *s, bool last, ExecArgs *a) {
    ExecValue *sep = exec_arg(a, 0, NULL);
    if (!sep || sep->kind != XV_STR || sep->str.n == 0) return exec_fail_at(r, a->at, "partition() separator");
    int at = -1;
    for (int i = 0; i + sep->str.n <= s->str.n; i++)
        if (!memcmp(s->str.s + i, sep->str.s, (size_t)sep->str.n) && (at < 0 || last)) at = i;
    ExecValue *t = new_list(r, XV_TUPLE), *empty = exec_str(r, "", 0);
    if (!t || !empty) return NULL;
    ExecValue *parts[3] = {s, empty, empty};
    if (at >= 0) {
        parts[0] = exec_str(r, s->str.s, at);
        parts[1] = sep;
        parts[2] = exec_str(r, s->str.s + at + sep->str.n, s->str.n - at - sep->str.n);
    } else if (last) {
        parts[0] = empty, parts[2] = s;
    }
    for (int i = 0; i < 3; i++)
        if (!exec_seq_push(r, &t->seq, parts[i])) return NULL;
    return t;
}

/* s.count(sub, start, end): non-overlapping occurrences (an empty sub: one more than the
 * characters); s.find / rfind / index / rindex(sub, start, end): the first or last place, -1
 * (find) or ValueError (index) when absent. start and end are sliced as Python slices them. */
static ExecValue *str_search(ExecRun *r, ExecValue *s, const char *m, ExecArgs *a) {
    ExecValue *sub = exec_arg(a, 0, NULL);
    int64_t lo, hi;
    if (sub && sub->kind == XV_PENDING && !(sub = exec_stand_resolve(r, sub, "str", NULL))) return NULL;
    if (!sub || sub->kind != XV_STR) return exec_fail_at(r, a->at, "str.%s() of a %s", m, sub ? exec_kind_name(sub) : "nothing");
    if (!exec_arg_int(r, a, 1, NULL, 0, &lo) || !exec_arg_int(r, a, 2, NULL, s->str.n, &hi) || !exec_work(r, s->str.n)) return NULL;
    if (lo < 0) lo = lo + s->str.n < 0 ? 0 : lo + s->str.n;
    if (hi < 0) hi = hi + s->str.n < 0 ? 0 : hi + s->str.n;
    if (hi > s->str.n) hi = s->str.n;
    bool last = m[0] == 'r', counting = !strcmp(m, "count");
    int found = -1, count = 0;
    for (int64_t i = lo; i + sub->str.n <= hi; i++)
        if (!memcmp(s->str.s + i, sub->str.s, (size_t)sub->str.n)) {
            if (found < 0 || last) found = (int)i;
            count++;
            if (counting && sub->str.n) i += sub->str.n - 1; /* counted without overlap */
        }
    if (counting) return exec_int(r, lo > s->str.n ? 0 : count);
    if (last && sub->str.n == 0 && lo <= hi) found = (int)hi; /* "ab".rfind("") is 2 */
    if (found < 0 && strstr(m, "index")) return exec_fail_at(r, a->at, "str.%s(): substring not found", m);
    return exec_int(r, found);
}

static ExecValue *str_method(ExecRun *r, ExecValue *s, const char *m, ExecArgs *a) {
    if (!strcmp(m, "count") || !strcmp(m, "find") || !strcmp(m, "rfind") || !strcmp(m, "index") || !strcmp(m, "rindex"))
        return str_search(r, s, m, a);
    if (!strcmp(m, "partition") || !strcmp(m, "rpartition")) return str_partition(r, s, m[0] == 'r', a);
    if (!strcmp(m, "encode") || !strcmp(m, "decode")) { /* bytes are held as their text */
        a->used = ~0u; /* the encoding, errors= */
        return s;
    }
    if (!strcmp(m, "strip") || !strcmp(m, "lstrip") || !strcmp(m, "rstrip")) {
        int i = 0, j = s->str.n;
        if (m[0] != 'r')
            while (i < j && strchr(" \t\n\r", s->str.s[i]))
                i++;
        if (m[0] != 'l')
            while (j > i && strchr(" \t\n\r", s->str.s[j - 1]))
                j--;
        return exec_str(r, s->str.s + i, j - i);
    }
    if (!strcmp(m, "lower") || !strcmp(m, "upper")) {
        ExecValue *o = exec_str(r, s->str.s, s->str.n);
        for (int i = 0; o && i < o->str.n; i++)
            ((char *)o->str.s)[i] = (char)(m[0] == 'l' ? tolower((unsigned char)o->str.s[i])
                                                       : toupper((unsigned char)o->str.s[i]));
        return o;
    }
    if (!strcmp(m, "split")) {
        ExecValue *sep = exec_arg(a, 0, "sep");
        ExecValue *l = new_list(r, XV_LIST);
        int i = 0, n = s->str.n;
        if (!sep || sep->kind == XV_NONE) {
            while (l && i < n) {
                while (i < n && strchr(" \t\n\r", s->str.s[i]))
                    i++;
                int j = i;
                while (j < n && !strchr(" \t\n\r", s->str.s[j]))
                    j++;
                if (j > i && !exec_seq_push(r, &l->seq, exec_str(r, s->str.s + i, j - i))) return NULL;
                i = j;
            }
            return l;
        }
        if (sep->kind != XV_STR || sep->str.n == 0) return exec_fail_at(r, a->at, "split() separator");
        int start = 0;
        for (i = 0; l && i + sep->str.n <= n;) {
            if (!memcmp(s->str.s + i, sep->str.s, (size_t)sep->str.n)) {
                if (!exec_seq_push(r, &l->seq, exec_str(r, s->str.s + start, i - start))) return NULL;
                i += sep->str.n;
                start = i;
            } else {
                i++;
            }
        }
        return l && exec_seq_push(r, &l->seq, exec_str(r, s->str.s + start, n - start)) ? l : NULL;
    }
    if (!strcmp(m, "join")) {
        ExecValue *it = exec_iterate(r, exec_arg(a, 0, NULL), a->at);
        if (!it) return NULL;
        ExecValue *acc = exec_str(r, "", 0);
        for (int i = 0; acc && i < it->seq.n; i++) {
            if (it->seq.items[i]->kind != XV_STR) return exec_fail_at(r, a->at, "join() of a %s", exec_kind_name(it->seq.items[i]));
            if (i) acc = exec_binop(r, "+", acc, s, a->at);
            if (acc) acc = exec_binop(r, "+", acc, it->seq.items[i], a->at);
        }
        return acc;
    }
    if (!strcmp(m, "replace")) {
        ExecValue *from = exec_arg(a, 0, NULL), *to = exec_arg(a, 1, NULL);
        if (!from || !to || from->kind != XV_STR || to->kind != XV_STR || from->str.n == 0)
            return exec_fail_at(r, a->at, "replace() arguments");
        ExecValue *acc = exec_str(r, "", 0);
        int start = 0;
        for (int i = 0; acc && i + from->str.n <= s->str.n;) {
            if (!memcmp(s->str.s + i, from->str.s, (size_t)from->str.n)) {
                acc = exec_binop(r, "+", acc, exec_str(r, s->str.s + start, i - start), a->at);
                if (acc) acc = exec_binop(r, "+", acc, to, a->at);
                i += from->str.n;
                start = i;
            } else {
                i++;
            }
        }
        return acc ? exec_binop(r, "+", acc, exec_str(r, s->str.s + start, s->str.n - start), a->at) : NULL;
    }
    if (!strcmp(m, "startswith") || !strcmp(m, "endswith")) {
        ExecValue *p = exec_arg(a, 0, NULL);
        if (!p || p->kind != XV_STR) return exec_fail_at(r, a->at, "%s() argument", m);
        if (p->str.n > s->str.n) return exec_bool(false);
        int off = m[0] == 's' ? 0 : s->str.n - p->str.n;
        return exec_bool(!memcmp(s->str.s + off, p->str.s, (size_t)p->str.n));
    }
    if (!strcmp(m, "format")) return exec_str_format(r, s, a);
    return exec_fail_as(r, python_method("str", m) ? XF_GAP : XF_KIND, a->at, "unsupported call str.%s", m);
}

static ExecValue *list_method(ExecRun *r, ExecValue *l, const char *m, ExecArgs *a) {
    if (!strcmp(m, "append")) return exec_seq_push(r, &l->seq, exec_arg(a, 0, NULL)) ? exec_none() : NULL;
    if (!strcmp(m, "add") && l->kind == XV_LIST) { /* a set, held as a list of distinct items (no list has add) */
        ExecValue *x = exec_arg(a, 0, NULL);
        for (int i = 0; x && i < l->seq.n; i++)
            if (exec_equal(l->seq.items[i], x)) return exec_none();
        return exec_seq_push(r, &l->seq, x) ? exec_none() : NULL;
    }
    if (!strcmp(m, "extend")) {
        ExecValue *it = exec_iterate(r, exec_arg(a, 0, NULL), a->at);
        for (int i = 0; it && i < it->seq.n; i++)
            if (!exec_seq_push(r, &l->seq, it->seq.items[i])) return NULL;
        return it ? exec_none() : NULL;
    }
    if (!strcmp(m, "index")) {
        ExecValue *x = exec_arg(a, 0, NULL);
        for (int i = 0; x && i < l->seq.n; i++)
            if (exec_equal(l->seq.items[i], x)) return exec_int(r, i);
        return exec_fail_at(r, a->at, "list.index() of a missing value");
    }
    if (!strcmp(m, "count")) {
        ExecValue *x = exec_arg(a, 0, NULL);
        int c = 0;
        for (int i = 0; x && i < l->seq.n; i++)
            c += exec_equal(l->seq.items[i], x);
        return exec_int(r, c);
    }
    if (!strcmp(m, "pop") && l->kind == XV_LIST) {
        int64_t k;
        if (!exec_arg_int(r, a, 0, NULL, -1, &k)) return NULL;
        if (k < 0) k += l->seq.n;
        if (k < 0 || k >= l->seq.n) return exec_fail_at(r, a->at, "pop() index out of range");
        ExecValue *x = l->seq.items[k];
        memmove(l->seq.items + k, l->seq.items + k + 1, (size_t)(l->seq.n - k - 1) * sizeof *l->seq.items);
        l->seq.n--;
        return x;
    }
    if (!strcmp(m, "copy")) return b_convert(r, "list", &(ExecArgs){&l, 1, NULL, NULL, 0, 0, a->at, "copy"});
    if (!strcmp(m, "sort") && l->kind == XV_LIST && a->npos == 0) { /* sorted(l, key=, reverse=), in place */
        ExecArgs s = *a;
        s.pos = &l;
        s.npos = 1;
        ExecValue *sorted = b_sorted(r, &s);
        a->used |= s.used;
        if (!sorted) return NULL;
        memcpy(l->seq.items, sorted->seq.items, (size_t)l->seq.n * sizeof *l->seq.items);
        return exec_none();
    }
    return exec_fail_as(r, python_method(exec_kind_name(l), m) ? XF_GAP : XF_KIND, a->at, "unsupported call list.%s", m);
}

/* collections.Counter(iterable): a dict of each element's count, in the order first seen, whose
 * missing keys read 0; Counter(mapping): the counts given. */
static ExecValue *counter_new(ExecRun *r, ExecArgs *a) {
    ExecValue *d = exec_new(r, XV_DICT), *src = exec_arg(a, 0, "iterable");
    if (!d) return NULL;
    d->dict.counter = true;
    if (src && src->kind == XV_DICT) {
        for (int i = 0; i < src->dict.n; i++)
            if (!exec_dict_set(r, &d->dict, src->dict.keys[i], src->dict.vals[i])) return NULL;
        return d;
    }
    ExecValue *it = src && src->kind != XV_NONE ? exec_iterate(r, src, a->at) : NULL;
    if (src && src->kind != XV_NONE && !it) return NULL;
    for (int i = 0; it && i < it->seq.n; i++) {
        ExecValue *seen = exec_dict_get(&d->dict, it->seq.items[i]);
        int64_t n = 0;
        if (seen && !exec_as_int(seen, &n)) return exec_fail_at(r, a->at, "Counter() of a count that is no integer");
        if (!exec_dict_set(r, &d->dict, it->seq.items[i], exec_int(r, n + 1))) return NULL;
    }
    return d;
}

/* collections.Counter(...), collections.defaultdict(factory). */
static ExecValue *counting_dict(ExecRun *r, const char *q, ExecArgs *a) {
    if (!strcmp(q, "collections.Counter")) return counter_new(r, a);
    ExecValue *d = exec_new(r, XV_DICT);
    if (d) d->dict.factory = exec_arg(a, 0, "default_factory");
    return d;
}

/* counter.most_common(n=None): (element, count) pairs, the highest counts first, ties in the
 * order first seen (a stable sort, as Python's). */
static ExecValue *most_common(ExecRun *r, ExecValue *d, ExecArgs *a) {
    int64_t n = d->dict.n;
    ExecValue *nv = exec_arg(a, 0, "n");
    if (nv && nv->kind != XV_NONE && (!exec_as_int(nv, &n) || n < 0)) return exec_fail_at(r, a->at, "most_common(n)");
    int *order = exec_alloc(r, (size_t)(d->dict.n ? d->dict.n : 1) * sizeof *order);
    if (!order) return NULL;
    for (int i = 0; i < d->dict.n; i++) {
        if (!exec_is_number(d->dict.vals[i])) return exec_fail_at(r, a->at, "most_common() of counts that are no numbers");
        int j = i;
        for (; j > 0 && exec_number(d->dict.vals[order[j - 1]]) < exec_number(d->dict.vals[i]); j--)
            order[j] = order[j - 1];
        order[j] = i;
    }
    ExecValue *l = new_list(r, XV_LIST);
    for (int i = 0; l && i < d->dict.n && i < n; i++) {
        ExecValue *pair = new_list(r, XV_TUPLE);
        if (!pair || !exec_seq_push(r, &pair->seq, d->dict.keys[order[i]]) ||
            !exec_seq_push(r, &pair->seq, d->dict.vals[order[i]]) || !exec_seq_push(r, &l->seq, pair))
            return NULL;
    }
    return l;
}

static ExecValue *dict_method(ExecRun *r, ExecValue *d, const char *m, ExecArgs *a) {
    if (!strcmp(m, "most_common")) return most_common(r, d, a);
    if (!strcmp(m, "get")) {
        ExecValue *k = exec_arg(a, 0, NULL);
        ExecValue *v = k ? exec_dict_get(&d->dict, k) : NULL;
        if (v) return v;
        ExecValue *dflt = exec_arg(a, 1, NULL);
        return dflt ? dflt : exec_none();
    }
    if (!strcmp(m, "items") || !strcmp(m, "keys") || !strcmp(m, "values")) {
        ExecValue *l = new_list(r, XV_LIST);
        for (int i = 0; l && i < d->dict.n; i++) {
            ExecValue *x;
            if (m[0] == 'i') {
                x = new_list(r, XV_TUPLE);
                if (!x || !exec_seq_push(r, &x->seq, d->dict.keys[i]) || !exec_seq_push(r, &x->seq, d->dict.vals[i]))
                    return NULL;
            } else {
                x = m[0] == 'k' ? d->dict.keys[i] : d->dict.vals[i];
            }
            if (!exec_seq_push(r, &l->seq, x)) return NULL;
        }
        return l;
    }
    if (!strcmp(m, "setdefault")) {
        ExecValue *k = exec_arg(a, 0, NULL), *v = k ? exec_dict_get(&d->dict, k) : NULL;
        if (v) return v;
        v = exec_arg(a, 1, NULL);
        if (!v) v = exec_none();
        return exec_dict_set(r, &d->dict, k, v) ? v : NULL;
    }
    if (!strcmp(m, "pop")) {
        ExecValue *k = exec_arg(a, 0, NULL);
        for (int i = 0; k && i < d->dict.n; i++)
            if (exec_equal(d->dict.keys[i], k)) {
                ExecValue *v = d->dict.vals[i];
                d->dict.keys[i] = d->dict.keys[d->dict.n - 1];
                d->dict.vals[i] = d->dict.vals[--d->dict.n];
                return v;
            }
        ExecValue *dflt = exec_arg(a, 1, NULL);
        return dflt ? dflt : exec_fail_at(r, a->at, "dict.pop() of a missing key");
    }
    if (!strcmp(m, "update")) {
        ExecValue *o = exec_arg(a, 0, NULL);
        for (int i = 0; o && o->kind == XV_DICT && i < o->dict.n; i++)
            if (!exec_dict_set(r, &d->dict, o->dict.keys[i], o->dict.vals[i])) return NULL;
        return exec_none();
    }
    return exec_fail_as(r, python_method("dict", m) ? XF_GAP : XF_KIND, a->at, "unsupported call dict.%s", m);
}

/* ---- dispatch ---- */

/* The family and bare name of a qualified library name, or 0. */
static char lib_family(const char *q, const char **fn) {
    static const struct {
        const char *prefix;
        char family;
    } map[] = {{"torch.nn.functional.", 't'}, {"torch.special.", 't'}, {"torch.nn.utils.rnn.", 't'}, {"torch.", 't'},
               {"jax.numpy.", 'n'},           {"jax.nn.", 'n'},      {"scipy.special.", 'n'},
               {"numpy.", 'n'},               {"math.", 'm'},        {"builtins.", 'b'}};
    size_t alike = libalias_numpy_prefix(q); /* minpy.numpy.exp is numpy.exp */
    if (alike && q[alike] == '.' && !strchr(q + alike + 1, '.')) {
        *fn = q + alike + 1;
        return 'n';
    }
    for (size_t i = 0; i < sizeof map / sizeof *map; i++) {
        size_t n = strlen(map[i].prefix);
        if (!strncmp(q, map[i].prefix, n) && !strchr(q + n, '.')) {
            *fn = q + n;
            return map[i].family;
        }
    }
    *fn = q;
    return 0;
}

/* An optimizer or a learning-rate scheduler: torch.optim's, transformers' get_*_schedule*. */
static bool training_state(const char *q) {
    return !strncmp(q, "torch.optim.", 12) ||
           ((!strncmp(q, "transformers.get_", 17) || !strncmp(q, "transformers.optimization.get_", 30)) &&
            strstr(q, "schedule"));
}

/* No-op library calls: printing, logging, progress bars, seeding, warnings. */
static bool lib_is_noop(const char *q) {
    static const char *const pre[] = {"logging.", "warnings.", "tqdm.", "torch.manual_seed",
                                       "numpy.random.seed", "random.seed",
                                       "transformers.set_seed", "torch.cuda.empty_cache"};
    for (size_t i = 0; i < sizeof pre / sizeof *pre; i++)
        if (!strncmp(q, pre[i], strlen(pre[i]))) return true;
    return false;
}

static ExecValue *lib_context(ExecRun *r, ExecArgs *a) {
    a->used = ~0u;
    return exec_object(r, "context");
}

/* mlx.core and TensorFlow functions under the torch name of the same operation (both default
 * to float32 as torch does; their axis= keyword is read where dim= is). NULL: not one. */
static const char *lib_alias(const char *q) {
    if (!strncmp(q, "mlx.core.", 9) && !strchr(q + 9, '.')) return q + 9; /* the same names as NumPy's */
    return exec_tf_alias(q);
}

/* A class of a module that is neither the project's nor a library the interpreter models
 * (`from model import GPT` with no model.py at hand), built: its instance is bound by its use, as
 * the model or a tokenizer only (a stand-in, reported); any other use ends the run. NULL with the
 * run intact: not such a call. */
static ExecValue *opaque_instance(ExecRun *r, const char *q, ExecArgs *a) {
    static const char *const modelled[] = {"torch", "numpy", "jax", "flax", "tensorflow", "transformers", "math",
                                           "os", "sys", "re", "json", "random", "collections", "functools",
                                           "itertools", "sklearn", "scipy", "pandas", "datasets", "vllm", "openai",
                                           "llama_cpp", "accelerate", "peft", "trl", "tiktoken", "optax", "mlx",
                                           "safetensors", "einops", "operator", "argparse", "pickle", "typing"};
    const char *dot = strrchr(q, '.');
    size_t root = strcspn(q, ".");
    if (!dot || !(dot[1] >= 'A' && dot[1] <= 'Z') || strlen(dot + 1) > 24) return NULL;
    for (size_t i = 0; i < sizeof modelled / sizeof *modelled; i++)
        if (strlen(modelled[i]) == root && !strncmp(q, modelled[i], root)) return NULL;
    a->used = ~0u; /* its arguments configure what the run cannot see */
    char name[32];
    snprintf(name, sizeof name, "%s()", dot + 1);
    if (!exec_stand_in(r, a->at, q, "a class outside the project and the modelled libraries: its instance is "
                                    "bound by its use (the model or a tokenizer)"))
        return NULL;
    return exec_stand_named(r, name, -1);
}

/* copy.deepcopy: lists, tuples, dicts, tensors and objects (the toy model and tokenizer among
 * them) copied all the way down, a value reached twice copied once (Python's memo); numbers,
 * strings, functions and classes shared, as Python shares them. */
enum { COPY_MAX_MEMO = 256, COPY_MAX_DEPTH = 32 };
typedef struct {
    ExecValue *from[COPY_MAX_MEMO], *to[COPY_MAX_MEMO];
    int n;
} CopyMemo;

static ExecValue *deep_copy(ExecRun *r, ExecValue *v, CopyMemo *m, int depth, TSNode at);

static bool copy_dict(ExecRun *r, ExecDict *to, const ExecDict *from, CopyMemo *m, int depth, TSNode at) {
    ExecDict src = *from;
    *to = (ExecDict){0};
    to->factory = src.factory;
    for (int i = 0; i < src.n; i++) {
        ExecValue *v = deep_copy(r, src.vals[i], m, depth + 1, at);
        if (!v || !exec_dict_set(r, to, src.keys[i], v)) return false;
    }
    return true;
}

static ExecValue *deep_copy(ExecRun *r, ExecValue *v, CopyMemo *m, int depth, TSNode at) {
    switch (v->kind) {
    case XV_LIST: case XV_TUPLE: case XV_DICT: case XV_TENSOR: case XV_OBJECT: case XV_MODEL: case XV_TOKENIZER:
        break;
    case XV_PENDING:
        return exec_fail_as(r, XF_PARAM, at, "deepcopy() of a parameter its use does not tell");
    default:
        return v;
    }
    for (int i = 0; i < m->n; i++)
        if (m->from[i] == v) return m->to[i];
    if (m->n == COPY_MAX_MEMO || depth > COPY_MAX_DEPTH)
        return exec_fail_as(r, XF_BOUND, at, "bound: deepcopy() of more than %d values", COPY_MAX_MEMO);
    if (!exec_step(r)) return NULL;
    ExecValue *c = exec_new(r, v->kind);
    if (!c) return NULL;
    m->from[m->n] = v;
    m->to[m->n++] = c;
    switch (v->kind) {
    case XV_LIST:
    case XV_TUPLE:
        for (int i = 0; i < v->seq.n; i++)
            if (!exec_seq_push(r, &c->seq, deep_copy(r, v->seq.items[i], m, depth + 1, at))) return NULL;
        return c;
    case XV_DICT:
        return copy_dict(r, &c->dict, &v->dict, m, depth, at) ? c : NULL;
    case XV_TENSOR: {
        ExecTensor *t = exec_tensor_cast(r, v->t, v->t->dtype);
        if (!t) return NULL;
        t->loss = v->t->loss;
        c->t = t;
        return c;
    }
    default: /* an object: its fields */
        c->obj = v->obj;
        return copy_dict(r, &c->obj.fields, &v->obj.fields, m, depth, at) ? c : NULL;
    }
}

/* Modules a scorer uses beside the tensor libraries: copy.deepcopy, json.dumps, progress bars,
 * data loaders, einops, NumPy's ufunc reduces, torch's generator, transformers' collators (NULL
 * with r->failed unset: none of them). */
static ExecValue *call_lib_more(ExecRun *r, const char *q, ExecArgs *a) {
    if (!strcmp(q, "copy.deepcopy")) {
        CopyMemo *memo = exec_alloc(r, sizeof *memo);
        ExecValue *x = exec_arg(a, 0, "x");
        if (!memo) return NULL;
        return x ? deep_copy(r, x, memo, 0, a->at) : exec_fail_at(r, a->at, "deepcopy() of nothing");
    }
    if (!strcmp(q, "json.dumps")) return exec_json_dumps(r, a);
    if (!strcmp(q, "tqdm") || !strcmp(q, "tqdm.tqdm") || !strcmp(q, "tqdm.auto.tqdm")) {
        a->used = ~0u;
        return exec_arg(a, 0, NULL) ? exec_arg(a, 0, NULL) : exec_none();
    }
    if (!strcmp(q, "torch.utils.data.DataLoader")) return exec_data_loader(r, a);
    if (!strncmp(q, "einops.", 7)) return exec_layout_einops(r, q + 7, a);
    size_t np_len = !strncmp(q, "numpy.", 6) ? 5 : libalias_numpy_prefix(q);
    const char *reduce = np_len ? strstr(q + np_len, ".reduce") : NULL;
    if (reduce && !strcmp(reduce, ".reduce") && q[np_len] == '.' && reduce - q - (long)np_len - 1 < 16) {
        char ufunc[16];
        snprintf(ufunc, sizeof ufunc, "%.*s", (int)(reduce - q - (long)np_len - 1), q + np_len + 1);
        return exec_lib_ufunc_reduce(r, ufunc, a);
    }
    ExecValue *v = exec_random_call(r, q, a);
    return v || r->failed ? v : exec_data_collator(r, q, a);
}

static ExecValue *call_lib_qual(ExecRun *r, const char *q, ExecArgs *a) {
    ExecValue *tf = exec_tf_call(r, q, a);
    if (tf || r->failed) return tf;
    if (!strcmp(q, "mlx_lm.load")) { /* (model, tokenizer) */
        ExecValue *pair = exec_new(r, XV_TUPLE);
        a->used = ~0u;
        if (!pair || !exec_seq_push(r, &pair->seq, exec_stand_pretrained(r, "mlx_lm.model", NULL, NULL, 0)) ||
            !exec_seq_push(r, &pair->seq, exec_stand_pretrained(r, "mlx_lm.Tokenizer", NULL, NULL, 0)))
            return NULL;
        return pair;
    }
    if (!strcmp(q, "onnxruntime.InferenceSession") || !strcmp(q, "onnxruntime.SessionOptions")) {
        a->used = ~0u; /* the model file and providers: the toy LM is the model */
        return exec_object(r, q[12] == 'I' ? "onnx_session" : "session_options");
    }
    if (!strcmp(q, "transformers.GenerationConfig")) { /* its settings, read by generate() */
        ExecValue *cfg = exec_object(r, "generation_config");
        for (int k = 0; cfg && k < a->nkw; k++)
            if (!exec_dict_set_str(r, &cfg->obj.fields, a->kw[k], a->kwv[k])) return NULL;
        a->used = ~0u;
        return cfg;
    }
    if (!strcmp(q, "mlx.core.eval")) { /* mlx's lazy evaluation forced: the values are already there */
        a->used = ~0u;
        return exec_none();
    }
    const char *alias = lib_alias(q);
    if (alias) {
        ExecValue *v = exec_lib_function(r, 't', alias, a);
        return v || r->failed ? v : exec_fail_as(r, XF_GAP, a->at, "unsupported call %s", q);
    }
    const char *fn;
    char fam = lib_family(q, &fn);
    if (fam == 'b') return call_builtin(r, fn, a);
    ExecValue *more = call_lib_more(r, q, a);
    if (more || r->failed) return more;
    if (lib_is_noop(q)) {
        a->used = ~0u;
        return exec_object(r, "logger");
    }
    if (!strcmp(q, "openai.OpenAI") || !strcmp(q, "openai.Client") || !strcmp(q, "openai.AzureOpenAI")) {
        a->used = ~0u; /* api_key=, base_url=: the toy LM serves */
        return exec_api_client(r, a->at);
    }
    if (!strcmp(q, "llama_cpp.Llama")) { /* called, or create_completion(): OpenAI's completion layout */
        a->used = ~0u; /* model_path=, n_ctx=, logits_all=: the toy LM serves */
        return exec_stand_in(r, a->at, "llama_cpp.Llama", "serves the toy LM (true log-softmax values)")
                   ? exec_object(r, "llama_cpp")
                   : NULL;
    }
    if (!strcmp(q, "openai.Completion.create") || !strcmp(q, "openai.ChatCompletion.create")) /* openai < 1 */
        return exec_api_create(r, strstr(q, "Chat") ? "openai_chat_completions" : "openai_completions", a);
    ExecValue *host = exec_host_call(r, q, a);
    if (!host && !r->failed) host = exec_file_call(r, q, a); /* data the run never reads */
    if (host || r->failed) return host;
    if (!strcmp(q, "torch.no_grad") || !strcmp(q, "torch.inference_mode") || !strcmp(q, "torch.autocast") ||
        !strcmp(q, "torch.cuda.amp.autocast") || !strcmp(q, "torch.amp.autocast") || !strcmp(q, "contextlib.nullcontext") ||
        !strcmp(q, "torch.set_grad_enabled")) /* also called alone: the same numbers either way */
        return lib_context(r, a);
    if (!strcmp(q, "torch.compile") || !strcmp(q, "torch.jit.script")) { /* the same numbers, compiled */
        a->used = ~0u;
        return exec_arg(a, 0, "model") ? exec_arg(a, 0, "model") : exec_fail_at(r, a->at, "%s() of nothing", q);
    }
    if (training_state(q)) { /* an optimizer or scheduler: training state no score reads */
        a->used = ~0u;
        return exec_object(r, "optimizer");
    }
    ExecValue *nn = exec_nn_new(r, q, a);
    if (!nn && !r->failed) nn = exec_nn_sampler(r, q, a);
    if (!nn && !r->failed) nn = exec_nn_training(r, q, a);
    if (nn || r->failed) return nn;
    static const char *const modules[][2] = {{"torch.nn.LogSoftmax", "torch.nn.functional.log_softmax"},
                                             {"torch.nn.Softmax", "torch.nn.functional.softmax"},
                                             {"torch.nn.CrossEntropyLoss", "torch.nn.functional.cross_entropy"},
                                             {"torch.nn.NLLLoss", "torch.nn.functional.nll_loss"},
                                             {"torch.nn.KLDivLoss", "torch.nn.functional.kl_div"}};
    for (size_t i = 0; i < sizeof modules / sizeof *modules; i++)
        if (!strcmp(q, modules[i][0])) { /* a module: the function, its keywords kept for the call */
            ExecValue *m = exec_object(r, "nn_module");
            if (!m || !exec_dict_set_str(r, &m->obj.fields, " fn", exec_lib(r, modules[i][1]))) return NULL;
            if (a->npos == 1 && !exec_dict_set_str(r, &m->obj.fields, "dim", a->pos[0])) return NULL;
            for (int k = 0; k < a->nkw; k++) {
                a->used |= 1u << k;
                if (!exec_dict_set_str(r, &m->obj.fields, a->kw[k], a->kwv[k])) return NULL;
            }
            return m;
        }
    const char *last = strrchr(q, '.');
    if (!strcmp(q, "tiktoken.get_encoding") || !strcmp(q, "tiktoken.encoding_for_model")) {
        a->used = ~0u; /* the encoding's name: the toy tokenizer stands for any */
        ExecValue *tok = exec_stand_pretrained(r, "tiktoken.Tokenizer", NULL, NULL, 0);
        if (!tok || !exec_stand_in(r, a->at, q, "the toy tokenizer (its end of text is eot_token)")) return NULL;
        return exec_dict_set_str(r, &tok->obj.fields, "eot_token", exec_dict_get_str(&tok->obj.fields, "eos_token_id")) ? tok : NULL;
    }
    if (last && !strcmp(last, ".from_pretrained")) {
        a->used = ~0u;
        return exec_stand_pretrained(r, q, a->kw, a->kwv, a->nkw);
    }
    if (!strcmp(q, "collections.Counter") || !strcmp(q, "collections.defaultdict")) return counting_dict(r, q, a);
    if (!strcmp(q, "dataclasses.field")) { /* a dataclass field's default, or its factory's value */
        ExecValue *d = exec_arg(a, -1, "default"), *f = exec_arg(a, -1, "default_factory");
        a->used = ~0u;
        if (d) return d;
        if (f) return exec_call_value(r, f, NULL, 0, NULL, NULL, 0, a->at);
        return exec_fail_at(r, a->at, "a dataclass field without a default");
    }
    if (!strcmp(q, "functools.partial")) {
        ExecValue *p = exec_object(r, "partial"), *pre = exec_new(r, XV_TUPLE), *kws = exec_new(r, XV_DICT);
        if (!p || !pre || !kws || a->npos < 1) return r->failed ? NULL : exec_fail_at(r, a->at, "partial() without a function");
        for (int i = 1; i < a->npos; i++)
            if (!exec_seq_push(r, &pre->seq, a->pos[i])) return NULL;
        for (int k = 0; k < a->nkw; k++)
            if (!exec_dict_set_str(r, &kws->dict, a->kw[k], a->kwv[k])) return NULL;
        a->used = ~0u;
        if (!exec_dict_set_str(r, &p->obj.fields, " fn", a->pos[0]) || !exec_dict_set_str(r, &p->obj.fields, " args", pre) ||
            !exec_dict_set_str(r, &p->obj.fields, " kw", kws))
            return NULL;
        return p;
    }
    if (!strcmp(q, "functools.reduce")) {
        ExecValue *f = exec_arg(a, 0, NULL), *it = exec_iterate(r, exec_arg(a, 1, NULL), a->at);
        if (!it) return NULL;
        ExecValue *acc = exec_arg(a, 2, NULL);
        int i = 0;
        if (!acc) {
            if (!it->seq.n) return exec_fail_at(r, a->at, "reduce() of an empty sequence");
            acc = it->seq.items[i++];
        }
        for (; acc && i < it->seq.n; i++) {
            ExecValue *two[2] = {acc, it->seq.items[i]};
            acc = exec_call_value(r, f, two, 2, NULL, NULL, 0, a->at);
        }
        return acc;
    }
    if (!strncmp(q, "operator.", 9) && a->npos == 2) {
        static const char *const ops[][2] = {{"add", "+"}, {"mul", "*"}, {"sub", "-"}, {"truediv", "/"}};
        for (size_t i = 0; i < 4; i++)
            if (!strcmp(q + 9, ops[i][0])) return exec_binop(r, ops[i][1], a->pos[0], a->pos[1], a->at);
    }
    if (fam) {
        ExecValue *v = exec_lib_function(r, fam, fn, a);
        if (v || r->failed) return v;
    }
    ExecValue *opaque = opaque_instance(r, q, a);
    return opaque || r->failed ? opaque : exec_fail_as(r, XF_GAP, a->at, "unsupported call %s", q);
}

ExecValue *exec_call_lib(ExecRun *r, ExecValue *fn, ExecValue **args, int nargs, const char **kw_names,
                         ExecValue **kw_vals, int nkw, TSNode at) {
    ExecArgs a = {args, nargs, kw_names, kw_vals, nkw, 0, at, ""};
    ExecValue *v;
    if (fn->kind == XV_LIB) {
        a.name = fn->lib.qual;
        v = call_lib_qual(r, fn->lib.qual, &a);
    } else {
        ExecValue *self = fn->method.self;
        const char *m = fn->method.name;
        a.name = m;
        if (self->kind == XV_PENDING && !(self = exec_stand_resolve(r, self, exec_text_only_method(m) ? "str" : "tensor", NULL)))
            return NULL;
        if (!strcmp(m, "__getitem__")) { /* made only for containers (exec_getattr) */
            if (nargs != 1 || nkw) return exec_fail_at(r, at, "__getitem__() takes one argument");
            return exec_subscript(r, self, args[0], at);
        }
        switch (self->kind) {
        case XV_TENSOR:
            v = exec_lib_tensor_method(r, self->t, m, &a);
            if (!v && !r->failed) v = exec_fail_as(r, XF_GAP, at, "unsupported call tensor.%s", m);
            break;
        case XV_STR:
            v = str_method(r, self, m, &a);
            break;
        case XV_MODEL:
        case XV_TOKENIZER:
            v = exec_stand_method(r, self, m, &a);
            a.used = ~0u; /* the stand-ins check their own keywords */
            break;
        case XV_LIST:
        case XV_TUPLE:
            v = list_method(r, self, m, &a);
            break;
        case XV_DICT:
            v = dict_method(r, self, m, &a);
            break;
        case XV_OBJECT:
            if (!strcmp(self->obj.type, "super") && !strcmp(m, "__init__")) {
                a.used = ~0u; /* a library base class's constructor: nothing of it is used */
                v = exec_none();
            } else if (!strcmp(self->obj.type, "nn_layer")) {
                v = exec_nn_method(r, self, m, &a);
                if (!v && !r->failed) v = exec_fail_as(r, XF_GAP, at, "unsupported call of an nn layer's %s()", m);
            } else if (!strcmp(self->obj.type, "optimizer")) {
                static const char *const inert[] = {"step", "zero_grad", "add_param_group", "load_state_dict"};
                v = NULL;
                for (size_t i = 0; i < sizeof inert / sizeof *inert && !v; i++)
                    if (!strcmp(m, inert[i])) v = exec_none();
                a.used = ~0u;
                if (!v) v = exec_fail_as(r, XF_GAP, at, "unsupported call of an optimizer's %s()", m);
            } else if (!strcmp(m, "parameters") && self->obj.cls) {
                v = exec_stand_parameters(r, XD_F32); /* (torch's default dtype) */
            } else if (!strcmp(self->obj.type, "rng")) {
                v = exec_nn_rng_method(r, m, &a);
            } else if (!strcmp(self->obj.type, "categorical")) {
                v = exec_nn_dist_method(r, self, m, &a);
            } else if (!strcmp(self->obj.type, "onnx_session")) {
                v = exec_stand_session(r, m, &a);
            } else if (!strcmp(m, "create") && (!strcmp(self->obj.type, "openai_completions") ||
                                                 !strcmp(self->obj.type, "openai_chat_completions"))) {
                v = exec_api_create(r, self->obj.type, &a);
            } else if (!strcmp(self->obj.type, "llama_cpp") &&
                       (!strcmp(m, "create_completion") || !strcmp(m, "create_chat_completion"))) {
                v = exec_api_create(r, strstr(m, "chat") ? "openai_chat_completions" : "openai_completions", &a);
            } else if (!strcmp(self->obj.type, "llama_cpp") && !strcmp(m, "tokenize")) {
                a.used = ~0u; /* add_bos=, special=: the start is the toy tokenizer's first id */
                ExecValue *text = exec_arg(&a, 0, "text");
                if (text && text->kind == XV_PENDING) text = exec_stand_resolve(r, text, "text", NULL);
                v = exec_stand_text_ids(r, text);
                if (!v && !r->failed)
                    v = exec_fail_at(r, at, "llama_cpp tokenize() of a %s", text ? exec_kind_name(text) : "nothing");
            } else if (!strcmp(self->obj.type, "keras_metric")) {
                v = exec_tf_metric_method(r, self, m, &a);
            } else if (!strcmp(self->obj.type, "accelerator")) {
                v = exec_host_accelerator_call(r, m, &a);
                if (!v && !r->failed) v = exec_fail_as(r, XF_GAP, at, "unsupported call %s of the accelerator", m);
            } else if (!strcmp(self->obj.type, "argparser")) {
                v = exec_host_method(r, self, m, &a);
                if (!v && !r->failed) v = exec_fail_as(r, XF_GAP, at, "unsupported call ArgumentParser.%s", m);
            } else if (!strcmp(self->obj.type, "logger")) {
                a.used = ~0u;
                v = self;
            } else if (exec_file_has_method(self, m)) {
                v = exec_file_method(self, m, &a);
            } else if (!strcmp(m, "to") || !strcmp(m, "cpu") || !strcmp(m, "cuda") ||
                       (self->obj.cls && (!strcmp(m, "eval") || !strcmp(m, "train") || !strcmp(m, "requires_grad_")))) {
                a.used = ~0u;
                v = self; /* an encoding, output or module moved to a device or switched to a mode */
            } else if (!strcmp(m, "get") || !strcmp(m, "keys") || !strcmp(m, "items") || !strcmp(m, "values") ||
                       (!strcmp(m, "pop") && !strcmp(self->obj.type, "batch"))) {
                /* a bound batch read whole, or asked for its labels: a collator's, labels included
                 * (batch.pop("labels") takes them out of it) */
                bool keyed = m[0] == 'g' || m[0] == 'p';
                ExecValue *k0 = keyed ? exec_arg(&a, 0, NULL) : NULL;
                bool labels = !keyed || (k0 && k0->kind == XV_STR && k0->str.n == 6 && !memcmp(k0->str.s, "labels", 6));
                if (!strcmp(self->obj.type, "batch") && labels && !exec_dict_get_str(&self->obj.fields, "labels") &&
                    !exec_stand_batch_labels(r, self))
                    return NULL;
                ExecValue d = {.kind = XV_DICT, .dict = self->obj.fields};
                v = dict_method(r, &d, m, &a);
                self->obj.fields = d.dict; /* (what pop took out) */
            } else if (!strcmp(self->obj.type, "output") && exec_dict_get_str(&self->obj.fields, "logits")) {
                /* a tensor method: a model that returns its logits (mlx_lm, nanoGPT-style) */
                ExecValue *logits = exec_dict_get_str(&self->obj.fields, "logits");
                v = logits->kind == XV_TENSOR ? exec_lib_tensor_method(r, logits->t, m, &a) : NULL;
                if (!v && !r->failed) v = exec_fail_as(r, XF_GAP, at, "unsupported call tensor.%s", m);
            } else {
                /* a stand-in (a batch, an output, a record) asked for a tensor's method: bound as another kind */
                v = exec_fail_as(r, self->obj.cls ? XF_GAP : XF_KIND, at, "unsupported call %s.%s", self->obj.type, m);
            }
            break;
        default: /* a number, None, a function: a value of another kind than the code expects (a tensor) */
            v = exec_fail_as(r, python_method(exec_kind_name(self), m) ? XF_GAP : XF_KIND, at, "unsupported call %s.%s",
                             exec_kind_name(self), m);
        }
    }
    if (!v) return NULL;
    for (int k = 0; k < nkw && k < 32; k++)
        if (!(a.used & (1u << k))) return exec_fail_as(r, XF_GAP, at, "unsupported keyword %s= of %s", kw_names[k], a.name);
    return v;
}
