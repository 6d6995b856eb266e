/* A call's arguments, read once in the caller: by position or keyword, dims, flags. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "facts_xfer.h"

void args_read(Interp *in, TSNode arglist, Args *a) {
    memset(a, 0, sizeof *a);
    a->node = arglist;
    a->splat = fact_unknown();
    a->settings = fact_unknown();
    if (ts_node_is_null(arglist)) return;
    if (parse_is(arglist, "generator_expression")) { /* sum(x for x in xs) */
        a->pos[0] = arglist;
        a->posf[0] = svc_eval(in, arglist);
        a->npos = a->nplain = 1;
        return;
    }
    uint32_t n = ts_node_named_child_count(arglist);
    for (uint32_t i = 0; i < n; i++) {
        TSNode c = parse_named_child(arglist, i);
        if (parse_is(c, "keyword_argument")) {
            if (a->nkw == MAX_ARGS) {
                a->overflow = true;
                continue;
            }
            a->kw_name[a->nkw] = parse_field(c, "name");
            a->kw_val[a->nkw] = parse_field(c, "value");
            a->kwf[a->nkw] = svc_eval(in, a->kw_val[a->nkw]);
            in->call_loopvar |= a->kwf[a->nkw].flags & (FF_LOOPVAR | FF_STEPVAR | FF_PREFIX);
            if (a->kwf[a->nkw].kinds & FK_SCORES) in->call_loopvar |= FF_OPAQUE;
            a->nkw++;
        } else if (parse_is(c, "dictionary_splat")) {
            a->splatted = true;
            a->splat = svc_eval(in, parse_named_child(c, 0));
            if (a->splat.obj == FO_DICT) a->settings = a->splat;
            in->call_loopvar |= a->splat.flags & FF_PREFIX;
            a->has_splat = true;
        } else if (parse_is(c, "comment")) {
            continue;
        } else if (a->npos < MAX_ARGS) {
            if (parse_is(c, "list_splat")) a->splatted = true;
            if (!a->splatted) a->nplain++;
            a->pos[a->npos] = c;
            a->posf[a->npos] =
                svc_eval(in, parse_is(c, "list_splat") ? parse_named_child(c, 0) : c);
            in->call_loopvar |= a->posf[a->npos].flags & (FF_LOOPVAR | FF_STEPVAR | FF_PREFIX);
            if (a->posf[a->npos].kinds & FK_SCORES) in->call_loopvar |= FF_OPAQUE;
            a->npos++;
        } else {
            a->overflow = true;
        }
    }
}

int args_kw(Interp *in, const Args *a, const char *name) {
    for (int i = 0; i < a->nkw; i++)
        if (parse_text_eq(in->src, a->kw_name[i], name)) return i;
    return -1;
}

/* The node of an argument given by keyword or at a position; null when absent. */
TSNode args_node(Interp *in, const Args *a, const char *kw, const char *kw2, int pos) {
    int k = kw ? args_kw(in, a, kw) : -1;
    if (k < 0 && kw2) k = args_kw(in, a, kw2);
    if (k >= 0) return a->kw_val[k];
    if (pos >= 0 && pos < a->npos) return a->pos[pos];
    return (TSNode){0};
}

Fact args_fact(Interp *in, const Args *a, const char *kw, int pos) {
    int k = kw ? args_kw(in, a, kw) : -1;
    if (k >= 0) return a->kwf[k];
    if (pos >= 0 && pos < a->npos) return a->posf[pos];
    return fact_bottom();
}

/* `NAME = 1` in the body of a class of the file: the integer Cls.NAME and obj.NAME read (a dim
 * kept as a class constant). Other class-level values are not tracked. */
/* Class constants (class C: DIM = 1) by class and name, each class's body read once per
 * analysis: modules the project imports can read one Enum's members thousands of times. */
typedef struct ClassConst {
    const void *cls;  /* the class's node id; NULL: an empty slot */
    const char *name; /* NULL: the record that the class was read */
    size_t len;
    TSNode value; /* the last assignment's integer literal; null: not one */
    int16_t num;
} ClassConst;

struct ClassConsts {
    ClassConst *slots;
    size_t cap, n;
};

static size_t const_slot(const void *cls, const char *name, size_t len, size_t cap) {
    uint64_t h = (uintptr_t)cls * 0x9E3779B97F4A7C15ull;
    for (size_t i = 0; name && i < len; i++)
        h = (h ^ (unsigned char)name[i]) * 0x100000001B3ull;
    return (size_t)(h >> 17) & (cap - 1);
}

static ClassConst *const_find(struct ClassConsts *t, const void *cls, const char *name,
                              size_t len) {
    if (!t || !t->cap) return NULL;
    for (size_t i = const_slot(cls, name, len, t->cap);; i = (i + 1) & (t->cap - 1)) {
        ClassConst *c = &t->slots[i];
        if (!c->cls) return NULL;
        if (c->cls == cls && c->len == len &&
            (c->name == name || (c->name && name && !memcmp(c->name, name, len))))
            return c;
    }
}

/* Adds or replaces (the last assignment of a name counts). */
static void const_put(Interp *in, ClassConst rec) {
    struct ClassConsts *t = in->class_consts;
    if (!t) t = in->class_consts = util_xcalloc(1, sizeof *t);
    ClassConst *old = const_find(t, rec.cls, rec.name, rec.len);
    if (old) {
        *old = rec;
        return;
    }
    if ((t->n + 1) * 2 > t->cap) {
        struct ClassConsts grown = {util_xcalloc(t->cap ? t->cap * 2 : 64, sizeof(ClassConst)),
                                    t->cap ? t->cap * 2 : 64, 0};
        for (size_t i = 0; i < t->cap; i++)
            if (t->slots[i].cls) {
                size_t j =
                    const_slot(t->slots[i].cls, t->slots[i].name, t->slots[i].len, grown.cap);
                while (grown.slots[j].cls)
                    j = (j + 1) & (grown.cap - 1);
                grown.slots[j] = t->slots[i];
                grown.n++;
            }
        free(t->slots);
        *t = grown;
    }
    size_t i = const_slot(rec.cls, rec.name, rec.len, t->cap);
    while (t->slots[i].cls)
        i = (i + 1) & (t->cap - 1);
    t->slots[i] = rec;
    t->n++;
}

static void read_class(Interp *in, TSNode cls) {
    TSNode body = parse_field(cls, "body");
    const_put(in, (ClassConst){.cls = cls.id});
    if (ts_node_is_null(body)) return;
    ParseKids k;
    parse_kids_begin(&k, body);
    for (TSNode st; parse_kids_next(&k, &st);) {
        TSNode as = parse_is(st, "expression_statement") ? parse_named_child(st, 0) : st;
        if (!parse_is(as, "assignment")) continue;
        TSNode left = parse_field(as, "left"), right = parse_field(as, "right");
        if (!parse_is(left, "identifier")) continue;
        ClassConst c = {.cls = cls.id};
        c.name = parse_text(in->src, left, &c.len);
        long v;
        if (!ts_node_is_null(right) && svc_int_literal(in, right, &v) && v >= INT16_MIN &&
            v <= INT16_MAX)
            c.value = right, c.num = (int16_t)v;
        const_put(in, c);
    }
    parse_kids_end(&k);
}

bool args_class_int(Interp *in, TSNode cls, const char *name, size_t len, Fact *out) {
    if (!const_find(in->class_consts, cls.id, NULL, 0)) read_class(in, cls);
    const ClassConst *c = const_find(in->class_consts, cls.id, name, len);
    if (!c || ts_node_is_null(c->value)) return false;
    *out = fact_of(FK_NUM, FF_CONST, c->value);
    out->ndim = 0;
    out->num = c->num;
    return true;
}

void args_free(Interp *in) {
    if (!in->class_consts) return;
    free(in->class_consts->slots);
    free(in->class_consts);
    in->class_consts = NULL;
}

/* self.DIM where the class (not the object) holds DIM = 1: read only where a dim is wanted,
 * so that attribute reads do not each scan the class. */
static Fact class_constant(Interp *in, TSNode n, Fact f) {
    n = parse_unparen(n);
    TSNode object = parse_field(n, "object");
    if (!parse_is(n, "attribute") || !parse_is(object, "identifier")) return f;
    Fact obj = svc_lookup(in, object);
    if (obj.obj != FO_INSTANCE) return f;
    size_t len;
    const char *attr = parse_text(in->src, parse_field(n, "attribute"), &len);
    Fact k;
    return args_class_int(in, obj.def, attr, len, &k) ? k : f;
}

/* dim=-1, axis=1, or a positional one: a literal, or an integer the code holds on every path
 * (dim=dim with a default, a constant, self.dim); FACT_NO_DIM when absent or not known. */
int args_dim(Interp *in, const Args *a, int pos) {
    TSNode n = args_node(in, a, "dim", "axis", pos);
    if (ts_node_is_null(n)) return FACT_NO_DIM;
    long v;
    if (!svc_int_literal(in, n, &v)) {
        Fact f = args_fact(in, a, args_kw(in, a, "dim") >= 0 ? "dim" : "axis", pos);
        if (!(f.flags & FF_CONST) && !f.bottom) f = class_constant(in, n, f);
        if (!(f.flags & FF_CONST) || f.bottom) return FACT_NO_DIM;
        v = f.num;
    }
    return v < -64 || v > 64 ? FACT_NO_DIM : (int)v;
}

/* A keyword argument whose value is truthy (True, "longest", a non-zero literal). */
bool args_truthy(Interp *in, const Args *a, const char *name) {
    int k = args_kw(in, a, name);
    if (k < 0) return false;
    TSNode v = parse_unparen(a->kw_val[k]);
    return !(parse_is(v, "false") || parse_is(v, "none") || svc_text_eq(in, v, "0") ||
             svc_text_eq(in, v, "\"do_not_pad\"") || svc_text_eq(in, v, "'do_not_pad'"));
}

/* The fact of setting `name` when the call is not given it by keyword: the value a dict of
 * settings holds under that name, a dict handed as **kw or as the keyword `holder`
 * (generate(generation_config=GenerationConfig(output_scores=True))). bottom: no such. */
static Fact setting_held(Interp *in, const Args *a, const char *name, const char *holder) {
    Fact dicts[2] = {a->settings, holder ? args_fact(in, a, holder, -1) : fact_bottom()};
    size_t len = strlen(name);
    for (int d = 0; d < 2; d++) {
        if (dicts[d].obj != FO_DICT) continue;
        for (int i = dicts[d].nelems - 1; i >= 0; i--) /* the last entry of a name wins */
            if (fact_key_is(dicts[d].keys[i], name, len)) return dicts[d].elems[i];
    }
    return fact_bottom();
}

bool args_setting_truthy(Interp *in, const Args *a, const char *name, const char *holder) {
    if (args_kw(in, a, name) >= 0) return args_truthy(in, a, name);
    Fact v = setting_held(in, a, name, holder);
    if (v.bottom) return false;
    return !(v.flags & FF_NONE) && !((v.flags & FF_CONST) && v.num == 0);
}

bool args_setting_above_one(Interp *in, const Args *a, const char *name, const char *holder) {
    TSNode n = args_node(in, a, name, NULL, -1);
    long k;
    if (!ts_node_is_null(n)) return !(svc_int_literal(in, n, &k) && k <= 1);
    Fact v = setting_held(in, a, name, holder);
    if (v.bottom || (v.flags & FF_NONE)) return false;
    return !((v.flags & FF_CONST) && v.num <= 1);
}

bool args_string_is(Interp *in, const Args *a, const char *name, const char *value) {
    int k = args_kw(in, a, name);
    if (k < 0) return false;
    char q1[64], q2[64];
    snprintf(q1, sizeof q1, "\"%s\"", value);
    snprintf(q2, sizeof q2, "'%s'", value);
    return svc_text_eq(in, a->kw_val[k], q1) || svc_text_eq(in, a->kw_val[k], q2);
}
