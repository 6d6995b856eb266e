/* exec_value: the values of the concrete interpreter, the run's arena and its bounds. */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "bounds.h"
#include "exec.h"

struct ExecEnv {
    ExecEnv *parent;
    ExecDict vars;
};

static ExecValue exec_none_v = {.kind = XV_NONE};
static ExecValue exec_true_v = {.kind = XV_BOOL, .b = true};
static ExecValue exec_false_v = {.kind = XV_BOOL, .b = false};

void exec_run_init(ExecRun *r, const Source *src, TSNode root, VerifyTable *table, int cand,
                   ExecPlan *plan, ExecBudget *budget) {
    memset(r, 0, sizeof *r);
    r->src = src;
    r->root = root;
    r->table = table;
    r->cand = cand;
    r->plan = plan;
    r->budget = budget;
    r->lm_dtype = XD_F32; /* torch's default dtype: a model's logits are float32 */
    r->lm_cand = -1;
    r->start_logit = NAN;
    r->globals = exec_env_new(r, NULL);
}

void exec_run_free(ExecRun *r) {
    arena_free(&r->arena);
}

static void exec_vfail(ExecRun *r, const char *fmt, va_list ap) {
    if (r->failed) return;
    r->failed = true;
    r->fail = XF_OTHER;
    vsnprintf(r->why, sizeof r->why, fmt, ap);
    for (char *p = r->why; *p; p++) /* one line */
        if (*p == '\n' || *p == '\r') *p = ' ';
}

ExecValue *exec_fail(ExecRun *r, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    exec_vfail(r, fmt, ap);
    va_end(ap);
    return NULL;
}

static ExecValue *exec_vfail_at(ExecRun *r, TSNode n, const char *fmt, va_list ap) {
    if (r->failed) return NULL;
    char what[160];
    vsnprintf(what, sizeof what, fmt, ap);
    if (ts_node_is_null(n)) return exec_fail(r, "%s", what);
    /* a line of another module of the project names its file */
    const Source *home = r->mods ? r->mods->home : r->src;
    const Source *in = source_of(home, n.tree);
    if (in == home) return exec_fail(r, "%s at line %d", what, exec_line(r, n));
    const char *base = strrchr(in->path, '/');
    return exec_fail(r, "%s at line %d of %s", what, exec_line(r, n), base ? base + 1 : in->path);
}

ExecValue *exec_fail_at(ExecRun *r, TSNode n, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    exec_vfail_at(r, n, fmt, ap);
    va_end(ap);
    return NULL;
}

ExecValue *exec_fail_as(ExecRun *r, ExecFail kind, TSNode n, const char *fmt, ...) {
    if (r->failed) return NULL;
    va_list ap;
    va_start(ap, fmt);
    exec_vfail_at(r, n, fmt, ap);
    va_end(ap);
    r->fail = kind;
    return NULL;
}

bool exec_stand_in(ExecRun *r, TSNode at, const char *what, const char *fmt, ...) {
    char how[120], line[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(how, sizeof how, fmt, ap);
    va_end(ap);
    const Source *home = r->mods ? r->mods->home : r->src;
    const Source *in = ts_node_is_null(at) ? home : source_of(home, at.tree);
    const char *base = in && in != home ? strrchr(in->path, '/') : NULL;
    if (ts_node_is_null(at))
        snprintf(line, sizeof line, "%s: %s", what, how);
    else if (in == home || !in)
        snprintf(line, sizeof line, "%s at line %d: %s", what, exec_line(r, at), how);
    else
        snprintf(line, sizeof line, "%s at line %d of %s: %s", what, exec_line(r, at), base ? base + 1 : in->path,
                 how);
    for (int i = 0; i < r->n_stand_ins; i++)
        if (!strcmp(r->stand_ins[i], line)) return true;
    if (r->n_stand_ins == VERIFY_MAX_STAND_INS) {
        exec_fail_as(r, XF_BOUND, (TSNode){0}, "bound: more than %d stand-ins to report", VERIFY_MAX_STAND_INS);
        return false;
    }
    snprintf(r->stand_ins[r->n_stand_ins++], sizeof r->stand_ins[0], "%s", line);
    return true;
}

/* Spends `n` steps of the run's bound and the finding's budget. */
static bool exec_spend(ExecRun *r, long n) {
    if (r->failed) return false;
    r->steps += n;
    if (r->steps > EXEC_MAX_STEPS) {
        exec_fail_as(r, XF_BOUND, (TSNode){0}, "bound: more than %d interpreter steps in one run", EXEC_MAX_STEPS);
        return false;
    }
    ExecBudget *b = r->budget;
    if (!b) return true;
    b->steps_left -= n;
    if (b->steps_left < 0) {
        exec_fail_as(r, XF_BOUND, (TSNode){0}, "bound: the finding's budget of interpreter steps is spent");
        return false;
    }
    if ((r->steps & 1023) < n && b->cpu_deadline > 0 && bounds_now() > b->cpu_deadline) {
        b->cpu_hit = true;
        exec_fail_as(r, XF_BOUND, (TSNode){0}, "bound: the CPU-time safety net ended the run (its steps are within budget)");
        return false;
    }
    return true;
}

bool exec_step(ExecRun *r) {
    return exec_spend(r, 1);
}

bool exec_work(ExecRun *r, long elems) {
    return exec_spend(r, elems / EXEC_ELEMS_PER_STEP);
}

void *exec_alloc(ExecRun *r, size_t n) {
    if (r->failed) return NULL;
    if (n > EXEC_MAX_BYTES || r->bytes + n > EXEC_MAX_BYTES) {
        exec_fail_as(r, XF_BOUND, (TSNode){0}, "bound: more than %d bytes of values", EXEC_MAX_BYTES);
        return NULL;
    }
    /* memory made is work done, counted on the run's total so small values add up */
    long before = (long)(r->bytes / EXEC_BYTES_PER_STEP);
    r->bytes += n;
    if (!exec_spend(r, (long)(r->bytes / EXEC_BYTES_PER_STEP) - before)) return NULL;
    return arena_alloc(&r->arena, n ? n : 1);
}

int exec_line(ExecRun *r, TSNode n) {
    (void)r;
    return (int)ts_node_start_point(n).row + 1;
}

const char *exec_text(ExecRun *r, TSNode n, int *len) {
    size_t l;
    const char *s = parse_text(r->src, n, &l);
    *len = (int)l;
    return s;
}

bool exec_text_is(ExecRun *r, TSNode n, const char *s) {
    return parse_text_eq(r->src, n, s);
}

/* ---- constructors ---- */

ExecValue *exec_none(void) {
    return &exec_none_v;
}

ExecValue *exec_bool(bool b) {
    return b ? &exec_true_v : &exec_false_v;
}

ExecValue *exec_new(ExecRun *r, ExecKind kind) {
    ExecValue *v = exec_alloc(r, sizeof *v);
    if (v) v->kind = kind;
    return v;
}

ExecValue *exec_int(ExecRun *r, int64_t i) {
    ExecValue *v = exec_new(r, XV_INT);
    if (v) v->i = i;
    return v;
}

ExecValue *exec_float(ExecRun *r, double f) {
    ExecValue *v = exec_new(r, XV_FLOAT);
    if (v) v->f = f;
    return v;
}

ExecValue *exec_str(ExecRun *r, const char *s, int n) {
    if (n > EXEC_MAX_ELEMS) return exec_fail_as(r, XF_BOUND, (TSNode){0}, "bound: a string of more than %d characters",
                                             EXEC_MAX_ELEMS);
    ExecValue *v = exec_new(r, XV_STR);
    char *copy = exec_alloc(r, (size_t)n + 1);
    if (!v || !copy) return NULL;
    if (n) memcpy(copy, s, (size_t)n);
    v->str.s = copy;
    v->str.n = n;
    return v;
}

ExecValue *exec_lib(ExecRun *r, const char *qual) {
    ExecValue *v = exec_new(r, XV_LIB);
    if (v) v->lib.qual = qual;
    return v;
}

ExecValue *exec_method(ExecRun *r, const char *name, ExecValue *self) {
    ExecValue *v = exec_new(r, XV_METHOD);
    if (v) {
        v->method.name = name;
        v->method.self = self;
    }
    return v;
}

ExecValue *exec_object(ExecRun *r, const char *type) {
    ExecValue *v = exec_new(r, XV_OBJECT);
    if (v) v->obj.type = type;
    return v;
}

bool exec_seq_push(ExecRun *r, ExecSeq *s, ExecValue *v) {
    if (!v) return false;
    if (s->n >= EXEC_MAX_ELEMS) {
        exec_fail_as(r, XF_BOUND, (TSNode){0}, "bound: a list of more than %d elements", EXEC_MAX_ELEMS);
        return false;
    }
    if (s->n == s->cap) {
        int cap = s->cap ? s->cap * 2 : 4;
        ExecValue **items = exec_alloc(r, (size_t)cap * sizeof *items);
        if (!items) return false;
        if (s->n) memcpy(items, s->items, (size_t)s->n * sizeof *items);
        s->items = items;
        s->cap = cap;
    }
    s->items[s->n++] = v;
    return true;
}

/* ---- dicts (also fields of objects and names of scopes) ---- */

static bool exec_key_eq(ExecValue *a, ExecValue *b) {
    return exec_equal(a, b);
}

ExecValue *exec_dict_get(ExecDict *d, ExecValue *key) {
    for (int i = 0; i < d->n; i++)
        if (exec_key_eq(d->keys[i], key)) return d->vals[i];
    return NULL;
}

ExecValue *exec_dict_get_str(ExecDict *d, const char *key) {
    int n = (int)strlen(key);
    for (int i = d->n - 1; i >= 0; i--)
        if (d->keys[i]->kind == XV_STR && d->keys[i]->str.n == n &&
            !memcmp(d->keys[i]->str.s, key, (size_t)n))
            return d->vals[i];
    return NULL;
}

bool exec_dict_set(ExecRun *r, ExecDict *d, ExecValue *key, ExecValue *v) {
    if (!key || !v) return false;
    for (int i = 0; i < d->n; i++)
        if (exec_key_eq(d->keys[i], key)) {
            d->vals[i] = v;
            return true;
        }
    if (d->n >= EXEC_MAX_ELEMS) {
        exec_fail_as(r, XF_BOUND, (TSNode){0}, "bound: a dict of more than %d entries", EXEC_MAX_ELEMS);
        return false;
    }
    if (d->n == d->cap) {
        int cap = d->cap ? d->cap * 2 : 8;
        ExecValue **k = exec_alloc(r, (size_t)cap * sizeof *k);
        ExecValue **vv = exec_alloc(r, (size_t)cap * sizeof *vv);
        if (!k || !vv) return false;
        if (d->n) {
            memcpy(k, d->keys, (size_t)d->n * sizeof *k);
            memcpy(vv, d->vals, (size_t)d->n * sizeof *vv);
        }
        d->keys = k;
        d->vals = vv;
        d->cap = cap;
    }
    d->keys[d->n] = key;
    d->vals[d->n++] = v;
    return true;
}

bool exec_dict_set_str(ExecRun *r, ExecDict *d, const char *key, ExecValue *v) {
    return exec_dict_set(r, d, exec_str(r, key, (int)strlen(key)), v);
}

/* ---- environments ---- */

ExecEnv *exec_env_new(ExecRun *r, ExecEnv *parent) {
    ExecEnv *e = exec_alloc(r, sizeof *e);
    if (e) e->parent = parent;
    return e;
}

ExecEnv *exec_env_globals(ExecEnv *e) {
    while (e->parent)
        e = e->parent;
    return e;
}

ExecDict *exec_env_vars(ExecEnv *e) {
    return &e->vars;
}

ExecValue *exec_env_get(ExecEnv *e, const char *name, int len) {
    for (; e; e = e->parent)
        for (int i = e->vars.n - 1; i >= 0; i--) {
            ExecValue *k = e->vars.keys[i];
            if (k->str.n == len && !memcmp(k->str.s, name, (size_t)len)) return e->vars.vals[i];
        }
    return NULL;
}

bool exec_env_set(ExecRun *r, ExecEnv *e, const char *name, int len, ExecValue *v) {
    if (!e || !v) return false;
    for (int i = 0; i < e->vars.n; i++) {
        ExecValue *k = e->vars.keys[i];
        if (k->str.n == len && !memcmp(k->str.s, name, (size_t)len)) {
            e->vars.vals[i] = v;
            return true;
        }
    }
    return exec_dict_set(r, &e->vars, exec_str(r, name, len), v);
}

/* ---- predicates and conversions ---- */

bool exec_is_number(ExecValue *v) {
    return v && (v->kind == XV_BOOL || v->kind == XV_INT || v->kind == XV_FLOAT);
}

double exec_number(ExecValue *v) {
    return v->kind == XV_BOOL ? (double)v->b : v->kind == XV_INT ? (double)v->i : v->f;
}

bool exec_double_to_int(double v, int64_t *out) {
    if (!(v >= -0x1p63 && v < 0x1p63)) return false;
    *out = (int64_t)v;
    return true;
}

bool exec_as_int(ExecValue *v, int64_t *out) {
    if (!v) return false;
    if (v->kind == XV_INT || v->kind == XV_BOOL) {
        *out = v->kind == XV_INT ? v->i : v->b;
        return true;
    }
    if (v->kind == XV_TENSOR && v->t->n == 1 && !exec_dtype_is_float(v->t->dtype)) {
        *out = (int64_t)v->t->data[0];
        return true;
    }
    return false;
}

bool exec_truthy(ExecRun *r, ExecValue *v, bool *out) {
    switch (v->kind) {
    case XV_NONE:
        *out = false;
        return true;
    case XV_BOOL:
    case XV_INT:
    case XV_FLOAT:
        *out = exec_number(v) != 0;
        return true;
    case XV_STR:
        *out = v->str.n > 0;
        return true;
    case XV_LIST:
    case XV_TUPLE:
        *out = v->seq.n > 0;
        return true;
    case XV_DICT:
        *out = v->dict.n > 0;
        return true;
    case XV_TENSOR:
        if (v->t->n != 1) {
            exec_fail(r, "the truth value of a tensor of %d elements is ambiguous", v->t->n);
            return false;
        }
        *out = v->t->data[0] != 0;
        return true;
    default:
        *out = true;
        return true;
    }
}

bool exec_equal(ExecValue *a, ExecValue *b) {
    if (a == b) return true;
    if (exec_is_number(a) && exec_is_number(b)) return exec_number(a) == exec_number(b);
    if (a->kind != b->kind) return false;
    switch (a->kind) {
    case XV_NONE:
        return true;
    case XV_STR:
        return a->str.n == b->str.n && !memcmp(a->str.s, b->str.s, (size_t)a->str.n);
    case XV_LIST:
    case XV_TUPLE:
        if (a->seq.n != b->seq.n) return false;
        for (int i = 0; i < a->seq.n; i++)
            if (!exec_equal(a->seq.items[i], b->seq.items[i])) return false;
        return true;
    case XV_DICT: /* the same keys, each with an equal value, in any order */
        if (a->dict.n != b->dict.n) return false;
        for (int i = 0; i < a->dict.n; i++) {
            ExecValue *v = exec_dict_get(&b->dict, a->dict.keys[i]);
            if (!v || !exec_equal(a->dict.vals[i], v)) return false;
        }
        return true;
    case XV_LIB:
        return !strcmp(a->lib.qual, b->lib.qual);
    default:
        return false;
    }
}

const char *exec_kind_name(ExecValue *v) {
    static const char *const names[] = {
        "None",   "bool",   "int",     "float",  "str",       "list",     "tuple",
        "dict",   "tensor", "slice",   "function", "library object", "method", "class",
        "object", "model",  "tokenizer", "parameter"};
    return v && (size_t)v->kind < sizeof names / sizeof *names ? names[v->kind] : "?";
}

bool exec_buf_add(ExecRun *r, ExecBuf *b, const char *s, int n) {
    if (b->n + n + 1 > b->cap) {
        int cap = b->cap ? b->cap : 32;
        while (cap < b->n + n + 1)
            cap *= 2;
        if (cap > EXEC_MAX_ELEMS) {
            exec_fail_as(r, XF_BOUND, (TSNode){0}, "bound: a string of more than %d characters", EXEC_MAX_ELEMS);
            return false;
        }
        char *ns = exec_alloc(r, (size_t)cap);
        if (!ns) return false;
        if (b->n) memcpy(ns, b->s, (size_t)b->n);
        b->s = ns;
        b->cap = cap;
    }
    memcpy(b->s + b->n, s, (size_t)n);
    b->n += n;
    b->s[b->n] = 0;
    return true;
}

/* Python's repr of a float: the fewest significant digits that read back as v, written out
 * in full from 1e-4 up to 1e16 (with ".0" when whole) and as d.ddde+XX outside. */
static void float_repr(double v, char *out, size_t n) {
    if (v != v || v - v != 0) {
        snprintf(out, n, "%s", v != v ? "nan" : v > 0 ? "inf" : "-inf");
        return;
    }
    char e[40], dig[24];
    for (int p = 1; p <= 17; p++) {
        snprintf(e, sizeof e, "%.*e", p - 1, v);
        if (strtod(e, NULL) == v) break;
    }
    const char *s = e + (e[0] == '-');
    int nd = 0;
    for (; *s && *s != 'e'; s++)
        if (*s != '.') dig[nd++] = *s;
    int exp = atoi(s + 1);
    while (nd > 1 && dig[nd - 1] == '0')
        nd--;
    dig[nd] = 0;
    size_t k = 0;
    if (e[0] == '-') out[k++] = '-';
    if (exp >= -4 && exp < 16) {
        if (exp < 0) {
            out[k++] = '0';
            out[k++] = '.';
            for (int i = 0; i < -exp - 1; i++)
                out[k++] = '0';
            snprintf(out + k, n - k, "%s", dig);
        } else {
            for (int i = 0; i <= exp; i++)
                out[k++] = i < nd ? dig[i] : '0';
            out[k++] = '.';
            if (nd > exp + 1) k += (size_t)snprintf(out + k, n - k, "%s", dig + exp + 1);
            else out[k++] = '0';
            out[k] = 0;
        }
    } else {
        snprintf(out + k, n - k, "%c%s%se%c%02d", dig[0], nd > 1 ? "." : "", dig + 1, exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
    }
}

static bool buf_value(ExecRun *r, ExecBuf *b, ExecValue *v, bool repr) {
    char num[64];
    switch (v->kind) {
    case XV_NONE:
        return exec_buf_add(r, b, "None", 4);
    case XV_BOOL:
        return exec_buf_add(r, b, v->b ? "True" : "False", v->b ? 4 : 5);
    case XV_INT:
        snprintf(num, sizeof num, "%" PRId64, v->i);
        return exec_buf_add(r, b, num, (int)strlen(num));
    case XV_FLOAT:
        float_repr(v->f, num, sizeof num);
        return exec_buf_add(r, b, num, (int)strlen(num));
    case XV_STR:
        if (repr && !exec_buf_add(r, b, "'", 1)) return false;
        if (!exec_buf_add(r, b, v->str.s, v->str.n)) return false;
        return !repr || exec_buf_add(r, b, "'", 1);
    case XV_LIST:
    case XV_TUPLE: {
        bool list = v->kind == XV_LIST;
        if (!exec_buf_add(r, b, list ? "[" : "(", 1)) return false;
        for (int i = 0; i < v->seq.n; i++)
            if ((i && !exec_buf_add(r, b, ", ", 2)) || !buf_value(r, b, v->seq.items[i], true))
                return false;
        return exec_buf_add(r, b, list ? "]" : ")", 1);
    }
    case XV_TENSOR:
        if (v->t->n == 1) {
            snprintf(num, sizeof num, "tensor(%.6g)", v->t->data[0]);
            return exec_buf_add(r, b, num, (int)strlen(num));
        }
        return exec_buf_add(r, b, "tensor(...)", 11);
    default:
        snprintf(num, sizeof num, "<%s>", exec_kind_name(v));
        return exec_buf_add(r, b, num, (int)strlen(num));
    }
}

ExecValue *exec_to_str(ExecRun *r, ExecValue *v) {
    if (v->kind == XV_STR) return v;
    ExecBuf b = {0};
    if (!buf_value(r, &b, v, false)) return NULL;
    return exec_str(r, b.s ? b.s : "", b.n);
}
