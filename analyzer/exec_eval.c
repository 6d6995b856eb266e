/* exec_eval: statements and expressions of the concrete interpreter. Control flow follows one
 * path (the values decide it); anything outside the supported subset ends the run with the
 * construct and its line. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "exec.h"

typedef enum { FLOW_NEXT, FLOW_RETURN, FLOW_BREAK, FLOW_CONTINUE, FLOW_FAIL } ExecFlow;

static ExecFlow exec_block(ExecRun *r, ExecEnv *env, TSNode block, ExecValue **ret);

/* ---- literals ---- */

/* An integer or float literal, underscores dropped. */
static ExecValue *eval_number(ExecRun *r, TSNode n, bool is_float) {
    int len;
    const char *s = exec_text(r, n, &len);
    char buf[64];
    int k = 0;
    for (int i = 0; i < len && k < 63; i++)
        if (s[i] != '_') buf[k++] = s[i];
    buf[k] = 0;
    if (k && (buf[k - 1] == 'j' || buf[k - 1] == 'J')) return exec_fail_at(r, n, "complex number");
    char *end;
    if (is_float) {
        double v = strtod(buf, &end);
        return *end ? exec_fail_at(r, n, "float literal %s", buf) : exec_float(r, v);
    }
    long long v = strtoll(buf, &end, 0);
    return *end ? exec_fail_at(r, n, "integer literal %s", buf) : exec_int(r, v);
}

static bool sb_escape(ExecRun *r, ExecBuf *b, const char *s, int n) {
    char c = n >= 2 ? s[1] : 0;
    const char *map = c == 'n' ? "\n" : c == 't' ? "\t" : c == '\\' ? "\\" : c == '\'' ? "'"
                      : c == '"' ? "\"" : c == 'r' ? "\r" : c == '0' ? "" : NULL;
    if (!map) return exec_buf_add(r, b, s, n); /* kept as written */
    return exec_buf_add(r, b, map, (int)strlen(map));
}

/* An f-string replacement field: {expr}, {expr:.3f}, {expr!r}. */
static bool eval_interpolation(ExecRun *r, ExecEnv *env, TSNode n, ExecBuf *b) {
    TSNode e = parse_field(n, "expression");
    if (ts_node_is_null(e)) e = parse_named_child(n, 0);
    ExecValue *v = exec_eval(r, env, e);
    if (!v) return false;
    for (uint32_t i = 0; i < ts_node_named_child_count(n); i++)
        if (parse_is(parse_named_child(n, i), "format_specifier")) {
            int len;
            const char *s = exec_text(r, parse_named_child(n, i), &len);
            if (len > 0 && s[0] == ':') s++, len--;
            return exec_format_value(r, b, v, s, len);
        }
    return exec_format_value(r, b, v, "", 0);
}

static ExecValue *eval_string(ExecRun *r, ExecEnv *env, TSNode n) {
    ExecBuf b = {0};
    int len;
    const char *pre = exec_text(r, n, &len);
    bool raw = false, bytes = false;
    for (int i = 0; i < len && pre[i] != '"' && pre[i] != '\''; i++) {
        raw |= pre[i] == 'r' || pre[i] == 'R';
        bytes |= pre[i] == 'b' || pre[i] == 'B';
    }
    if (bytes) return exec_fail_at(r, n, "bytes literal");
    for (uint32_t i = 0; i < ts_node_named_child_count(n); i++) {
        TSNode c = parse_named_child(n, i);
        const char *t = ts_node_type(c);
        int cl;
        const char *cs = exec_text(r, c, &cl);
        bool ok = true;
        if (!strcmp(t, "string_content")) {
            /* escape sequences may be children of string_content */
            uint32_t at = ts_node_start_byte(c);
            const char *text = cs - at; /* the text of the file the string is in */
            for (uint32_t k = 0; k < ts_node_named_child_count(c) && ok; k++) {
                TSNode e = parse_named_child(c, k);
                int el;
                const char *es = exec_text(r, e, &el);
                ok = exec_buf_add(r, &b, text + at, (int)(ts_node_start_byte(e) - at));
                if (ok) ok = raw ? exec_buf_add(r, &b, es, el) : sb_escape(r, &b, es, el);
                at = ts_node_end_byte(e);
            }
            if (ok) ok = exec_buf_add(r, &b, text + at, (int)(ts_node_end_byte(c) - at));
        } else if (!strcmp(t, "escape_sequence")) {
            ok = raw ? exec_buf_add(r, &b, cs, cl) : sb_escape(r, &b, cs, cl);
        } else if (!strcmp(t, "interpolation")) {
            ok = eval_interpolation(r, env, c, &b);
        }
        if (!ok) return NULL;
    }
    return exec_str(r, b.s ? b.s : "", b.n);
}

/* ---- operators ---- */

static ExecValue *binop_seq(ExecRun *r, const char *op, ExecValue *a, ExecValue *b, TSNode at) {
    if (op[0] == '+' && a->kind == b->kind && (a->kind == XV_LIST || a->kind == XV_TUPLE)) {
        ExecValue *v = exec_new(r, a->kind);
        for (int i = 0; v && i < a->seq.n; i++)
            if (!exec_seq_push(r, &v->seq, a->seq.items[i])) return NULL;
        for (int i = 0; v && i < b->seq.n; i++)
            if (!exec_seq_push(r, &v->seq, b->seq.items[i])) return NULL;
        return v;
    }
    if (op[0] == '+' && a->kind == XV_STR && b->kind == XV_STR) {
        ExecBuf sb = {0};
        if (!exec_buf_add(r, &sb, a->str.s, a->str.n) || !exec_buf_add(r, &sb, b->str.s, b->str.n))
            return NULL;
        return exec_str(r, sb.s ? sb.s : "", sb.n);
    }
    if (op[0] == '*' && op[1] == 0 && (a->kind == XV_INT || b->kind == XV_INT)) {
        ExecValue *s = a->kind == XV_INT ? b : a;
        int64_t k = a->kind == XV_INT ? a->i : b->i;
        if (k < 0) k = 0;
        int unit = s->kind == XV_STR ? s->str.n : (s->kind == XV_LIST || s->kind == XV_TUPLE) ? s->seq.n : -1;
        if (unit < 0) return exec_fail_at(r, at, "%s * int", exec_kind_name(s));
        if (unit && k > EXEC_MAX_ELEMS / unit) return exec_fail_as(r, XF_BOUND, (TSNode){0}, "bound: a repeated sequence too long");
        if (s->kind == XV_STR) {
            ExecBuf sb = {0};
            for (int64_t i = 0; i < k; i++)
                if (!exec_buf_add(r, &sb, s->str.s, s->str.n)) return NULL;
            return exec_str(r, sb.s ? sb.s : "", sb.n);
        }
        ExecValue *v = exec_new(r, s->kind);
        for (int64_t i = 0; v && i < k; i++)
            for (int j = 0; j < s->seq.n; j++)
                if (!exec_seq_push(r, &v->seq, s->seq.items[j])) return NULL;
        return v;
    }
    if (op[0] == '%' && a->kind == XV_STR) return exec_str_percent(r, a, b, at);
    return exec_fail_as(r, XF_KIND, at, "operator %s on %s and %s", op, exec_kind_name(a), exec_kind_name(b));
}

static ExecValue *binop_numbers(ExecRun *r, const char *op, ExecValue *a, ExecValue *b, TSNode at) {
    bool ints = a->kind != XV_FLOAT && b->kind != XV_FLOAT;
    if (ints && strchr("+-*%", op[0]) && !(op[0] == '*' && op[1] == '*') && op[1] != '/') {
        int64_t x = a->kind == XV_INT ? a->i : a->b, y = b->kind == XV_INT ? b->i : b->b, z;
        bool over = false;
        switch (op[0]) {
        case '+':
            over = __builtin_add_overflow(x, y, &z);
            break;
        case '-':
            over = __builtin_sub_overflow(x, y, &z);
            break;
        case '*':
            over = __builtin_mul_overflow(x, y, &z);
            break;
        default: /* % */
            if (y == 0) return exec_fail_at(r, at, "integer modulo by zero");
            if (y == -1) return exec_int(r, 0);
            z = x % y;
            if (z != 0 && ((z < 0) != (y < 0))) z += y;
        }
        if (over) return exec_fail_at(r, at, "an integer beyond 64 bits");
        return exec_int(r, z);
    }
    double x = exec_number(a), y = exec_number(b);
    int64_t k;
    if (op[0] == '/' && op[1] == '/') {
        if (y == 0) return exec_fail_at(r, at, "division by zero");
        if (!ints) return exec_float(r, floor(x / y));
        return exec_double_to_int(floor(x / y), &k) ? exec_int(r, k) : exec_fail_at(r, at, "an integer beyond 64 bits");
    }
    if (op[0] == '/' && y == 0) return exec_fail_at(r, at, "division by zero");
    if (op[0] == '*' && op[1] == '*') {
        double p = pow(x, y);
        if (!ints || y < 0) return exec_float(r, p);
        return exec_double_to_int(p, &k) ? exec_int(r, k) : exec_fail_at(r, at, "an integer beyond 64 bits");
    }
    switch (op[0]) {
    case '+':
        return exec_float(r, x + y);
    case '-':
        return exec_float(r, x - y);
    case '*':
        return exec_float(r, x * y);
    case '/':
        return exec_float(r, x / y);
    case '%':
        return exec_float(r, y == 0 ? NAN : x - floor(x / y) * y);
    case '<':
        return exec_bool(op[1] == '=' ? x <= y : x < y);
    case '>':
        return exec_bool(op[1] == '=' ? x >= y : x > y);
    case '=':
        return exec_bool(x == y);
    case '!':
        return exec_bool(x != y);
    }
    return exec_fail_as(r, XF_KIND, at, "operator %s", op);
}

static ExecValue *resolve_operand(ExecRun *r, ExecValue *p, ExecValue *other, const char *op, bool right) {
    bool equality = !strcmp(op, "==") || !strcmp(op, "!="), concat = !strcmp(op, "+");
    /* a record's number beside a tensor of ids (labels != cfg.label_pad_token_id), or any
     * parameter an integer tensor is compared with elementwise (ids == pad_token_id): an id the
     * code sets apart, the ignored label or the pad */
    bool ids = other->kind == XV_TENSOR && !exec_dtype_is_float(other->t->dtype);
    if (ids && (strchr(r->plan->names[p->pending.param], '.') || (equality && other->t->dtype != XD_BOOL)))
        return exec_stand_resolve(r, p, "sentinel", other);
    if (right && !strcmp(op, "/") && (other->kind == XV_PENDING || (other->kind == XV_TENSOR && exec_dtype_is_float(other->t->dtype))))
        return exec_stand_resolve(r, p, "divisor", other); /* logits / temperature */
    if (!right && !strcmp(op, "/") && other->kind == XV_PENDING) /* what a divisor divides: never token ids */
        return exec_stand_resolve(r, p, "dividend", other);
    /* scaled by a float (logits / temperature), or a parameter scaled by another: a tensor */
    const char *use = other->kind == XV_TENSOR || other->kind == XV_FLOAT                           ? "tensor"
                      : other->kind == XV_STR                                                       ? "str"
                      : other->kind == XV_PENDING && concat                                         ? "concat"
                      : (other->kind == XV_PENDING && equality) || other->kind == XV_LIST             ? "list"
                      : other->kind == XV_PENDING                                                   ? "tensor"
                                                                                                    : "int";
    return exec_stand_resolve(r, p, use, other);
}

static ExecValue *output_logits(ExecValue *v) {
    return v->kind == XV_OBJECT && !v->obj.cls && !strcmp(v->obj.type, "output") ? exec_dict_get_str(&v->obj.fields, "logits")
                                                                                 : NULL;
}

/* Inside the flagged node, x + eps and maximum(x, eps) (clip, clamp) with a small positive
 * constant: the eps is seen, and taken as 0 in a run without the floor (ExecRun.eps_off). */
static void note_eps(ExecRun *r, const char *op, ExecValue **a, ExecValue **b) {
    if (!r->in_mark || (strcmp(op, "+") && strcmp(op, "M"))) return;
    for (int side = 0; side < 2; side++) {
        ExecValue **e = side ? a : b;
        double eps = exec_is_number(*e) && (*e)->kind != XV_BOOL ? exec_number(*e) : 0;
        if (!(eps > 0 && eps < 1e-3)) continue;
        r->eps_seen = true;
        if (r->eps_off) *e = exec_float(r, 0);
    }
}

ExecValue *exec_binop(ExecRun *r, const char *op, ExecValue *a, ExecValue *b, TSNode at) {
    if (!a || !b) return NULL;
    bool equality = !strcmp(op, "==") || !strcmp(op, "!=");
    if (a->kind == XV_PENDING && !(a = resolve_operand(r, a, b, op, false))) return NULL;
    if (b->kind == XV_PENDING && !(b = resolve_operand(r, b, a, op, true))) return NULL;
    note_eps(r, op, &a, &b);
    if (!a || !b) return NULL;
    /* a model that returns its logits (mlx_lm, nanoGPT-style): arithmetic on them */
    ExecValue *la = output_logits(a), *lb = output_logits(b);
    if (la && la->kind == XV_TENSOR && !equality) a = la;
    if (lb && lb->kind == XV_TENSOR && !equality) b = lb;
    if (!strcmp(op, "==") || !strcmp(op, "!=")) {
        if (a->kind != XV_TENSOR && b->kind != XV_TENSOR) {
            bool eq = exec_equal(a, b);
            return exec_bool(op[0] == '=' ? eq : !eq);
        }
    }
    if (a->kind == XV_TENSOR || b->kind == XV_TENSOR) {
        ExecValue *o = a->kind == XV_TENSOR ? b : a;
        if (!strcmp(op, "@")) { /* a list is made a tensor too */
            bool numpy = (a->kind == XV_TENSOR ? a : b)->t->numpy;
            ExecTensor *x = exec_lib_tensor(r, a, numpy), *y = x ? exec_lib_tensor(r, b, numpy) : NULL;
            return y ? exec_tensor_value(r, exec_tensor_matmul(r, x, y)) : NULL;
        }
        if (o->kind != XV_TENSOR && !exec_is_number(o)) {
            if (o->kind == XV_LIST) {
                ExecTensor *t = exec_tensor_from(r, o, -1, (a->kind == XV_TENSOR ? a : b)->t->numpy);
                if (!t) return NULL;
                ExecValue *tv = exec_tensor_value(r, t);
                return a->kind == XV_TENSOR ? exec_tensor_binop(r, op, a, tv)
                                            : exec_tensor_binop(r, op, tv, b);
            }
            return exec_fail_as(r, XF_KIND, at, "operator %s on a tensor and a %s", op, exec_kind_name(o));
        }
        return exec_tensor_binop(r, op, a, b);
    }
    if (exec_is_number(a) && exec_is_number(b)) {
        if (op[0] == '&' || op[0] == '|' || op[0] == '^') {
            int64_t x, y;
            if (!exec_as_int(a, &x) || !exec_as_int(b, &y)) return exec_fail_at(r, at, "bitwise %s on floats", op);
            int64_t z = op[0] == '&' ? (x & y) : op[0] == '|' ? (x | y) : (x ^ y);
            return a->kind == XV_BOOL && b->kind == XV_BOOL ? exec_bool(z != 0) : exec_int(r, z);
        }
        return binop_numbers(r, op, a, b, at);
    }
    if (a->kind == XV_STR && b->kind == XV_STR && strchr("<>", op[0])) {
        int c = memcmp(a->str.s, b->str.s, (size_t)(a->str.n < b->str.n ? a->str.n : b->str.n));
        if (!c) c = a->str.n - b->str.n;
        bool res = op[0] == '<' ? (op[1] == '=' ? c <= 0 : c < 0) : (op[1] == '=' ? c >= 0 : c > 0);
        return exec_bool(res);
    }
    if ((a->kind == XV_LIST || a->kind == XV_TUPLE) && a->kind == b->kind && strchr("<>", op[0])) {
        for (int i = 0; i < a->seq.n && i < b->seq.n; i++)
            if (!exec_equal(a->seq.items[i], b->seq.items[i]))
                return exec_binop(r, op, a->seq.items[i], b->seq.items[i], at);
        return binop_numbers(r, op, exec_int(r, a->seq.n), exec_int(r, b->seq.n), at);
    }
    return binop_seq(r, op, a, b, at);
}

static ExecValue *exec_contains(ExecRun *r, ExecValue *item, ExecValue *c, TSNode at) {
    if (c->kind == XV_STR && item->kind == XV_STR) {
        if (item->str.n == 0) return exec_bool(true);
        for (int i = 0; i + item->str.n <= c->str.n; i++)
            if (!memcmp(c->str.s + i, item->str.s, (size_t)item->str.n)) return exec_bool(true);
        return exec_bool(false);
    }
    if (c->kind == XV_DICT) return exec_bool(exec_dict_get(&c->dict, item) != NULL);
    if (c->kind == XV_OBJECT && item->kind == XV_STR && !c->obj.cls)
        return exec_bool(exec_dict_get(&c->obj.fields, item) != NULL);
    if (c->kind == XV_LIST || c->kind == XV_TUPLE) {
        for (int i = 0; i < c->seq.n; i++)
            if (exec_equal(c->seq.items[i], item)) return exec_bool(true);
        return exec_bool(false);
    }
    return exec_fail_at(r, at, "`in` on a %s", exec_kind_name(c));
}

static ExecValue *eval_comparison(ExecRun *r, ExecEnv *env, TSNode n) {
    uint32_t count = ts_node_child_count(n);
    ExecValue *left = NULL, *result = exec_bool(true);
    char op[8] = "";
    for (uint32_t i = 0; i < count; i++) {
        TSNode c = ts_node_child(n, i);
        if (!ts_node_is_named(c)) {
            const char *t = ts_node_type(c);
            if (op[0] && (!strcmp(t, "in") || !strcmp(t, "not")))
                snprintf(op, sizeof op, "%s", !strcmp(t, "in") ? "notin" : "isnot");
            else
                snprintf(op, sizeof op, "%s", t);
            continue;
        }
        if (parse_is(c, "comment")) continue;
        ExecValue *v = exec_eval(r, env, c);
        if (!v) return NULL;
        if (left) {
            ExecValue *res;
            if (!strcmp(op, "not in")) strcpy(op, "notin");
            if (!strcmp(op, "is not")) strcpy(op, "isnot");
            if (!strcmp(op, "in") || !strcmp(op, "notin")) {
                res = exec_contains(r, left, v, n);
                if (res && op[0] == 'n') res = exec_bool(!res->b);
            } else if (!strcmp(op, "is") || !strcmp(op, "isnot")) {
                bool same = left == v || (left->kind == XV_NONE && v->kind == XV_NONE) ||
                            (left->kind == XV_BOOL && v->kind == XV_BOOL && left->b == v->b);
                res = exec_bool(op[2] ? !same : same);
            } else if (!strcmp(op, "<>")) {
                return exec_fail_as(r, XF_KIND, n, "operator <>");
            } else {
                res = exec_binop(r, op, left, v, n);
            }
            if (!res) return NULL;
            if (res->kind == XV_TENSOR) { /* a tensor comparison is one value, never chained */
                if (count > 3) return exec_fail_at(r, n, "a chained tensor comparison");
                return res;
            }
            bool t;
            if (!exec_truthy(r, res, &t)) return NULL;
            if (!t) return exec_bool(false);
            result = res;
        }
        left = v;
        op[0] = 0;
    }
    return result;
}

/* ---- containers and comprehensions ---- */

static ExecValue *eval_seq(ExecRun *r, ExecEnv *env, TSNode n, ExecKind kind) {
    ExecValue *v = exec_new(r, kind);
    if (!v) return NULL;
    for (uint32_t i = 0; i < ts_node_named_child_count(n); i++) {
        TSNode c = parse_named_child(n, i);
        if (parse_is(c, "comment")) continue;
        if (parse_is(c, "list_splat")) {
            ExecValue *it = exec_iterate(r, exec_eval(r, env, parse_named_child(c, 0)), c);
            if (!it) return NULL;
            for (int k = 0; k < it->seq.n; k++)
                if (!exec_seq_push(r, &v->seq, it->seq.items[k])) return NULL;
            continue;
        }
        if (!exec_seq_push(r, &v->seq, exec_eval(r, env, c))) return NULL;
    }
    return v;
}

static ExecValue *eval_dict(ExecRun *r, ExecEnv *env, TSNode n) {
    ExecValue *v = exec_new(r, XV_DICT);
    if (!v) return NULL;
    for (uint32_t i = 0; i < ts_node_named_child_count(n); i++) {
        TSNode c = parse_named_child(n, i);
        if (parse_is(c, "pair")) {
            ExecValue *k = exec_eval(r, env, parse_field(c, "key"));
            ExecValue *val = k ? exec_eval(r, env, parse_field(c, "value")) : NULL;
            if (!exec_dict_set(r, &v->dict, k, val)) return NULL;
        } else if (parse_is(c, "dictionary_splat")) {
            ExecValue *d = exec_eval(r, env, parse_named_child(c, 0));
            if (!d) return NULL;
            ExecDict *src = d->kind == XV_DICT ? &d->dict : d->kind == XV_OBJECT ? &d->obj.fields : NULL;
            if (!src) return exec_fail_at(r, c, "** of a %s", exec_kind_name(d));
            for (int k = 0; k < src->n; k++)
                if (!exec_dict_set(r, &v->dict, src->keys[k], src->vals[k])) return NULL;
        } else if (!parse_is(c, "comment")) {
            return exec_fail_at(r, c, "dict entry %s", ts_node_type(c));
        }
    }
    return v;
}

/* Runs the for/if clauses of a comprehension from clause i, calling emit at the innermost. */
static bool comp_clauses(ExecRun *r, ExecEnv *env, TSNode n, uint32_t i, ExecValue *out) {
    uint32_t count = ts_node_named_child_count(n);
    for (; i < count; i++) {
        TSNode c = parse_named_child(n, i);
        if (parse_is(c, "for_in_clause")) {
            ExecValue *it = exec_iterate(r, exec_eval(r, env, parse_field(c, "right")), c);
            if (!it) return false;
            for (int k = 0; k < it->seq.n; k++) {
                if (!exec_step(r) || !exec_bind_target(r, env, parse_field(c, "left"), it->seq.items[k]))
                    return false;
                if (!comp_clauses(r, env, n, i + 1, out)) return false;
            }
            return true;
        }
        if (parse_is(c, "if_clause")) {
            ExecValue *cond = exec_eval(r, env, parse_named_child(c, 0));
            bool t;
            if (!cond || !exec_truthy(r, cond, &t)) return false;
            if (!t) return true;
        }
    }
    TSNode body = parse_field(n, "body");
    if (out->kind == XV_DICT) {
        ExecValue *k = exec_eval(r, env, parse_field(body, "key"));
        ExecValue *v = k ? exec_eval(r, env, parse_field(body, "value")) : NULL;
        return exec_dict_set(r, &out->dict, k, v);
    }
    return exec_seq_push(r, &out->seq, exec_eval(r, env, body));
}

static ExecValue *eval_comprehension(ExecRun *r, ExecEnv *env, TSNode n, ExecKind kind) {
    ExecValue *out = exec_new(r, kind);
    ExecEnv *scope = exec_env_new(r, env);
    if (!out || !scope) return NULL;
    /* clause 0 is the body */
    return comp_clauses(r, scope, n, 1, out) ? out : NULL;
}

/* ---- subscripts ---- */

static ExecValue *eval_slice(ExecRun *r, ExecEnv *env, TSNode n) {
    TSNode parts[3];
    parse_slice_parts(n, parts);
    ExecValue *v = exec_new(r, XV_SLICE);
    if (!v) return NULL;
    ExecValue **dst[3] = {&v->slice.start, &v->slice.stop, &v->slice.step};
    for (int i = 0; i < 3; i++) {
        if (!ts_node_is_null(parts[i]) && !(*dst[i] = exec_eval(r, env, parts[i]))) return NULL;
        /* a parameter as a slice bound is a position: the prompt's length */
        if (*dst[i] && (*dst[i])->kind == XV_PENDING && !exec_stand_resolve(r, *dst[i], "int", NULL)) return NULL;
    }
    return v;
}

static ExecValue *eval_index_expr(ExecRun *r, ExecEnv *env, TSNode sub) {
    TSNode first = (TSNode){0};
    int count = 0;
    ExecValue *tuple = exec_new(r, XV_TUPLE);
    if (!tuple) return NULL;
    uint32_t n = ts_node_child_count(sub);
    for (uint32_t i = 0; i < n; i++) {
        const char *f = ts_node_field_name_for_child(sub, i);
        if (!f || strcmp(f, "subscript")) continue;
        TSNode c = ts_node_child(sub, i);
        if (!count) first = c;
        count++;
        ExecValue *v = parse_is(c, "slice") ? eval_slice(r, env, c) : exec_eval(r, env, c);
        if (!exec_seq_push(r, &tuple->seq, v)) return NULL;
    }
    (void)first;
    if (count == 1) return tuple->seq.items[0];
    return tuple;
}

static ExecValue *seq_index(ExecRun *r, ExecValue *v, ExecValue *idx, TSNode at) {
    int len = v->kind == XV_STR ? v->str.n : v->seq.n;
    if (idx->kind == XV_SLICE) {
        int64_t start = 0, stop = len, step = 1;
        if (idx->slice.step && idx->slice.step->kind != XV_NONE && !exec_as_int(idx->slice.step, &step))
            return exec_fail_at(r, at, "a slice step that is not an int");
        if (step == 0 || step == INT64_MIN) return exec_fail_at(r, at, "a slice step of %lld", (long long)step);
        bool hs = idx->slice.start && idx->slice.start->kind != XV_NONE;
        bool he = idx->slice.stop && idx->slice.stop->kind != XV_NONE;
        if ((hs && !exec_as_int(idx->slice.start, &start)) || (he && !exec_as_int(idx->slice.stop, &stop)))
            return exec_fail_at(r, at, "a slice bound that is not an int");
        if (step < 0) {
            if (!hs) start = len - 1;
            if (!he) stop = -(int64_t)len - 1;
        }
        if (hs || step > 0) {
            if (start < 0) start += len;
        }
        if (he || step > 0) {
            if (stop < 0) stop += len;
        }
        if (step > 0) {
            if (start < 0) start = 0;
            if (stop > len) stop = len;
        } else {
            if (start >= len) start = len - 1;
            if (stop < -1) stop = -1;
        }
        /* the count first: start + k * step never leaves [-1, len] */
        int64_t count = step > 0 ? (stop > start ? (stop - start - 1) / step + 1 : 0)
                                 : (start > stop ? (start - stop - 1) / -step + 1 : 0);
        if (v->kind == XV_STR) {
            ExecBuf b = {0};
            for (int64_t k = 0; k < count; k++)
                if (!exec_buf_add(r, &b, v->str.s + start + k * step, 1)) return NULL;
            return exec_str(r, b.s ? b.s : "", b.n);
        }
        ExecValue *out = exec_new(r, v->kind);
        for (int64_t k = 0; out && k < count; k++)
            if (!exec_seq_push(r, &out->seq, v->seq.items[start + k * step])) return NULL;
        return out;
    }
    int64_t k;
    if (!exec_as_int(idx, &k)) return exec_fail_at(r, at, "a %s index into a %s", exec_kind_name(idx), exec_kind_name(v));
    if (k < 0) k += len;
    if (k < 0 || k >= len) return exec_fail_at(r, at, "index %lld out of range (length %d)", (long long)k, len);
    if (v->kind == XV_STR) return exec_str(r, v->str.s + k, 1);
    return v->seq.items[k];
}

ExecValue *exec_subscript(ExecRun *r, ExecValue *v, ExecValue *idx, TSNode at) {
    if (!v || !idx) return NULL;
    if (v->kind == XV_PENDING) {
        char use[72] = "tensor";
        if (idx->kind == XV_STR) snprintf(use, sizeof use, "key:%.*s", idx->str.n < 60 ? idx->str.n : 60, idx->str.s);
        if (idx->kind == XV_INT) snprintf(use, sizeof use, "index");
        if (!(v = exec_stand_resolve(r, v, use, idx))) return NULL;
    }
    switch (v->kind) {
    case XV_TENSOR:
        return exec_tensor_index(r, v->t, idx);
    case XV_LIST:
    case XV_TUPLE:
    case XV_STR:
        if (idx->kind == XV_TUPLE) return exec_fail_at(r, at, "a tuple index into a %s", exec_kind_name(v));
        return seq_index(r, v, idx, at);
    case XV_DICT: {
        ExecValue *x = exec_dict_get(&v->dict, idx);
        if (!x && v->dict.counter) return exec_int(r, 0);
        if (!x && v->dict.factory && v->dict.factory->kind != XV_NONE) { /* defaultdict */
            x = exec_call_value(r, v->dict.factory, NULL, 0, NULL, NULL, 0, at);
            if (x && !exec_dict_set(r, &v->dict, idx, x)) return NULL;
        }
        if (!x) return r->failed ? NULL : exec_fail_as(r, XF_KEY, at, "a key the dict does not hold");
        return x;
    }
    case XV_OBJECT: {
        if (v->obj.cls) return exec_fail_at(r, at, "indexing an object of class %s", v->obj.type);
        if (!strcmp(v->obj.type, "checkpoint")) return v; /* ckpt["model"]: a part of it, as opaque */
        if (exec_file_split(v, idx)) return v; /* ds["validation"]: the same records */
        int64_t pos;
        if (v->obj.lazy && idx->kind != XV_STR && exec_as_int(idx, &pos) && pos >= 0 && pos < 8) {
            /* a record read by position (`ex[0]`): the item unpacking would bind, by its use */
            char key[4];
            snprintf(key, sizeof key, "%d", (int)pos);
            ExecValue *x = exec_dict_get_str(&v->obj.fields, key);
            return x ? x : exec_stand_record_field(r, v, key);
        }
        if (idx->kind == XV_STR) {
            ExecValue *x = exec_dict_get(&v->obj.fields, idx);
            /* a record's key (`ex["question"]`): bound by its use, as its attribute would be */
            if (!x && v->obj.lazy && idx->str.n < 24) {
                char key[24];
                snprintf(key, sizeof key, "%.*s", idx->str.n, idx->str.s);
                return exec_stand_record_field(r, v, key);
            }
            if (!x && !strcmp(v->obj.type, "batch") && idx->str.n == 6 && !memcmp(idx->str.s, "labels", 6))
                return exec_stand_batch_labels(r, v); /* a collator's labels beside the ids */
            if (!x) return exec_fail_as(r, XF_KEY, at, "a key the %s does not hold", v->obj.type);
            return x;
        }
        /* a model output read by position: HF's tuple order, the fields that are set */
        int64_t k;
        ExecValue *logits = !strcmp(v->obj.type, "output") ? exec_dict_get_str(&v->obj.fields, "logits") : NULL;
        if (!exec_as_int(idx, &k) && logits) /* sliced as a tensor: a model that returns its logits */
            return exec_subscript(r, logits, idx, at);
        if (!exec_as_int(idx, &k)) return exec_fail_at(r, at, "indexing a %s", v->obj.type);
        if (k < 0) k += v->obj.fields.n;
        if (k < 0 || k >= v->obj.fields.n) return exec_fail_at(r, at, "index %lld of a %s", (long long)k, v->obj.type);
        return v->obj.fields.vals[k];
    }
    default:
        return exec_fail_at(r, at, "indexing a %s", exec_kind_name(v));
    }
}

/* ---- calls ---- */

static ExecValue *eval_call(ExecRun *r, ExecEnv *env, TSNode n) {
    TSNode fn_node = parse_field(n, "function");
    ExecValue *fn = exec_eval(r, env, fn_node);
    if (!fn) return NULL;
    TSNode argl = parse_field(n, "arguments");
    if (fn->kind == XV_LIB && !strcmp(fn->lib.qual, "builtins.super") && ts_node_named_child_count(argl) == 0)
        return exec_super(r, env, n);
    ExecValue *args[EXEC_MAX_ARGS], *kw_vals[EXEC_MAX_ARGS];
    const char *kw_names[EXEC_MAX_ARGS];
    int nargs = 0, nkw = 0;
    if (parse_is(argl, "generator_expression")) {
        args[nargs] = eval_comprehension(r, env, argl, XV_LIST);
        if (!args[nargs++]) return NULL;
    } else {
        for (uint32_t i = 0; i < ts_node_named_child_count(argl); i++) {
            TSNode a = parse_named_child(argl, i);
            if (parse_is(a, "comment")) continue;
            if (nargs >= EXEC_MAX_ARGS || nkw >= EXEC_MAX_ARGS) return exec_fail_at(r, n, "a call with too many arguments");
            if (parse_is(a, "keyword_argument")) {
                int len;
                const char *s = exec_text(r, parse_field(a, "name"), &len);
                ExecValue *name = exec_str(r, s, len);
                kw_vals[nkw] = exec_eval(r, env, parse_field(a, "value"));
                if (!name || !kw_vals[nkw]) return NULL;
                kw_names[nkw++] = name->str.s;
            } else if (parse_is(a, "list_splat")) {
                ExecValue *it = exec_iterate(r, exec_eval(r, env, parse_named_child(a, 0)), a);
                if (!it) return NULL;
                for (int k = 0; k < it->seq.n; k++) {
                    if (nargs >= EXEC_MAX_ARGS) return exec_fail_at(r, n, "a call with too many arguments");
                    args[nargs++] = it->seq.items[k];
                }
            } else if (parse_is(a, "dictionary_splat")) {
                ExecValue *d = exec_eval(r, env, parse_named_child(a, 0));
                /* model(**inputs): a parameter splatted into a call is a tokenizer's encoding */
                if (d && d->kind == XV_PENDING) d = exec_stand_resolve(r, d, "key:input_ids", NULL);
                if (!d) return NULL;
                ExecDict *src = d->kind == XV_DICT ? &d->dict : d->kind == XV_OBJECT ? &d->obj.fields : NULL;
                if (!src) return exec_fail_at(r, a, "** of a %s", exec_kind_name(d));
                for (int k = 0; k < src->n; k++) {
                    if (src->keys[k]->kind != XV_STR) return exec_fail_at(r, a, "** of a dict with a non-string key");
                    if (nkw >= EXEC_MAX_ARGS) return exec_fail_at(r, n, "a call with too many arguments");
                    kw_names[nkw] = src->keys[k]->str.s;
                    kw_vals[nkw++] = src->vals[k];
                }
            } else {
                if (!(args[nargs++] = exec_eval(r, env, a))) return NULL;
            }
        }
    }
    exec_rank_note_call(r, fn, args, nargs, n);
    return exec_call_value(r, fn, args, nargs, kw_names, kw_vals, nkw, n);
}

/* ---- expressions ---- */

ExecValue *exec_iterate(ExecRun *r, ExecValue *v, TSNode at) {
    if (!v) return NULL;
    if (v->kind == XV_PENDING && !(v = exec_stand_resolve(r, v, "iter", NULL))) return NULL;
    if (exec_file_is(v)) return exec_file_iterate(r, v);
    if (exec_is_generator(v)) return exec_generator_take(r, v, INT32_MAX);
    if (v->kind == XV_OBJECT && v->obj.lazy && !v->obj.cls) {
        /* a record iterated (a chunk of requests): a batch of one record, the same candidate's */
        size_t n = strlen(v->obj.lazy) + 3;
        char *prefix = exec_alloc(r, n);
        ExecValue *l = exec_new(r, XV_LIST), *rec = prefix ? exec_stand_record(r, prefix) : NULL;
        if (!l || !rec) return NULL;
        snprintf(prefix, n, "%s[]", v->obj.lazy);
        rec->obj.lazy_cand = v->obj.lazy_cand;
        return exec_seq_push(r, &l->seq, rec) ? l : NULL;
    }
    switch (v->kind) {
    case XV_LIST:
    case XV_TUPLE:
        return v;
    case XV_STR: {
        ExecValue *l = exec_new(r, XV_LIST);
        for (int i = 0; l && i < v->str.n; i++)
            if (!exec_seq_push(r, &l->seq, exec_str(r, v->str.s + i, 1))) return NULL;
        return l;
    }
    case XV_DICT: {
        ExecValue *l = exec_new(r, XV_LIST);
        for (int i = 0; l && i < v->dict.n; i++)
            if (!exec_seq_push(r, &l->seq, v->dict.keys[i])) return NULL;
        return l;
    }
    case XV_TENSOR: {
        if (v->t->ndim == 0) return exec_fail_at(r, at, "iterating a 0-d tensor");
        ExecValue *l = exec_new(r, XV_LIST);
        for (int i = 0; l && i < v->t->shape[0]; i++)
            if (!exec_seq_push(r, &l->seq, exec_tensor_index(r, v->t, exec_int(r, i)))) return NULL;
        return l;
    }
    default:
        return exec_fail_at(r, at, "iterating a %s", exec_kind_name(v));
    }
}

static ExecValue *eval_unary(ExecRun *r, ExecEnv *env, TSNode n) {
    ExecValue *v = exec_eval(r, env, parse_field(n, "argument"));
    if (!v) return NULL;
    int len;
    const char *op = exec_text(r, parse_field(n, "operator"), &len);
    if (v->kind == XV_PENDING && !(v = exec_stand_resolve(r, v, "int", NULL))) return NULL;
    if (op[0] == '+') return v;
    if (v->kind == XV_TENSOR) return exec_tensor_value(r, exec_tensor_unary(r, op[0] == '-' ? "neg" : "not", v->t));
    int64_t k = v->kind == XV_INT ? v->i : v->kind == XV_BOOL ? v->b : 0;
    if (op[0] == '-' && v->kind == XV_FLOAT) return exec_float(r, -v->f);
    if (op[0] == '-' && exec_is_number(v))
        return k == INT64_MIN ? exec_fail_at(r, n, "an integer beyond 64 bits") : exec_int(r, -k);
    if (op[0] == '~' && (v->kind == XV_INT || v->kind == XV_BOOL)) return exec_int(r, ~k);
    return exec_fail_at(r, n, "unary %c on a %s", op[0], exec_kind_name(v));
}

/* ---- generators ---- */

/* `yield x` / `yield from xs` in the body of the generator being run: the values are kept, in
 * order, for whoever consumes the generator; the expression's own value is None (what
 * iteration sends). */
static ExecValue *eval_yield(ExecRun *r, ExecEnv *env, TSNode n) {
    if (!r->yields) return exec_fail_at(r, n, "yield outside a generator being run");
    bool from = false;
    for (uint32_t i = 0; i < ts_node_child_count(n); i++)
        from |= !strcmp(ts_node_type(ts_node_child(n, i)), "from");
    TSNode e = parse_named_child(n, 0);
    ExecValue *v = ts_node_is_null(e) ? exec_none() : exec_eval(r, env, e);
    ExecValue *gen = r->yields;
    if (v && from) {
        ExecValue *it = exec_iterate(r, v, n);
        for (int i = 0; it && i < it->seq.n; i++)
            if (!exec_seq_push(r, &gen->seq, it->seq.items[i])) return NULL;
        return it ? exec_none() : NULL;
    }
    return v && exec_seq_push(r, &gen->seq, v) ? exec_none() : NULL;
}

static bool holds_yield(TSNode n, int depth) {
    if (depth > EXEC_MAX_NEST) return false;
    for (uint32_t i = 0; i < ts_node_named_child_count(n); i++) {
        TSNode k = parse_named_child(n, i);
        if (parse_is(k, "yield")) return true;
        if (parse_is(k, "function_definition") || parse_is(k, "lambda") || parse_is(k, "class_definition")) continue;
        if (holds_yield(k, depth + 1)) return true;
    }
    return false;
}

bool exec_def_is_generator(TSNode def) {
    return parse_is(def, "function_definition") && holds_yield(parse_field(def, "body"), 0);
}

/* A generator's body runs to its end when it is called (its values are the same unless the
 * consumer changes what the body reads between two of them, which scoring code does not do); the
 * generator hands them out in order, once. */
ExecValue *exec_generator_run(ExecRun *r, ExecEnv *env, TSNode body) {
    ExecValue *saved = r->yields, *ret = NULL, *gen = exec_object(r, "generator");
    if (!gen || !(r->yields = exec_new(r, XV_LIST))) return NULL;
    bool ok = exec_body(r, env, body, &ret);
    ExecValue *items = r->yields;
    r->yields = saved;
    if (!ok || !exec_dict_set_str(r, &gen->obj.fields, " items", items) ||
        !exec_dict_set_str(r, &gen->obj.fields, " at", exec_int(r, 0)))
        return NULL;
    return gen;
}

bool exec_is_generator(const ExecValue *v) {
    return v && v->kind == XV_OBJECT && !strcmp(v->obj.type, "generator");
}

ExecValue *exec_generator_take(ExecRun *r, ExecValue *gen, int max) {
    ExecValue *items = exec_dict_get_str(&gen->obj.fields, " items"), *at = exec_dict_get_str(&gen->obj.fields, " at");
    ExecValue *l = exec_new(r, XV_LIST);
    if (!items || !at || !l) return NULL;
    int k = (int)at->i;
    for (; k < items->seq.n && l->seq.n < max; k++)
        if (!exec_seq_push(r, &l->seq, items->seq.items[k])) return NULL;
    return exec_dict_set_str(r, &gen->obj.fields, " at", exec_int(r, k)) ? l : NULL;
}

ExecValue *exec_eval(ExecRun *r, ExecEnv *env, TSNode n) {
    if (ts_node_is_null(n)) return exec_fail(r, "a missing expression");
    if (!exec_step(r)) return NULL;
    if (++r->nest > EXEC_MAX_NEST) {
        r->nest--;
        return exec_fail_as(r, XF_BOUND, n, "bound: expressions nested deeper than %d", EXEC_MAX_NEST);
    }
    ExecValue *v = NULL;
    const char *t = ts_node_type(n);
    int len;
    bool mark = ts_node_start_byte(n) == r->mark_start && ts_node_end_byte(n) == r->mark_end;
    if (mark) r->reached = true, r->in_mark++;
    if (!strcmp(t, "identifier")) {
        const char *s = exec_text(r, n, &len);
        v = exec_env_get(env, s, len);
        if (!v) v = exec_builtin_name(r, s, len);
        if (!v && len == 8 && !memcmp(s, "__file__", 8)) v = exec_host_value(r, "__file__", n);
        if (!v && len == 8 && !memcmp(s, "__name__", 8) && exec_env_globals(env) == r->globals)
            v = exec_str(r, "__main__", 8); /* the entry's module is the script run (logging.getLogger(__name__)) */
        if (!v && !r->failed) v = exec_module_constant(r, env, s, len);
        if (!v && !r->failed) v = exec_stand_outer_local(r, s, len);
        if (!v && !r->failed) v = exec_stand_global(r, env, s, len);
        if (!v && !r->failed) exec_fail_as(r, XF_UNDEFINED, n, "name %.*s is not defined", len, s);
    } else if (!strcmp(t, "integer")) {
        v = eval_number(r, n, false);
    } else if (!strcmp(t, "float")) {
        v = eval_number(r, n, true);
    } else if (!strcmp(t, "string")) {
        v = eval_string(r, env, n);
    } else if (!strcmp(t, "concatenated_string")) {
        ExecBuf b = {0};
        bool ok = true;
        for (uint32_t i = 0; ok && i < ts_node_named_child_count(n); i++) {
            ExecValue *p = eval_string(r, env, parse_named_child(n, i));
            ok = p && exec_buf_add(r, &b, p->str.s, p->str.n);
        }
        v = ok ? exec_str(r, b.s ? b.s : "", b.n) : NULL;
    } else if (!strcmp(t, "true") || !strcmp(t, "false")) {
        v = exec_bool(t[0] == 't');
    } else if (!strcmp(t, "none")) {
        v = exec_none();
    } else if (!strcmp(t, "ellipsis")) {
        v = exec_lib(r, "Ellipsis");
    } else if (!strcmp(t, "parenthesized_expression")) {
        v = exec_eval(r, env, parse_named_child(n, 0));
    } else if (!strcmp(t, "list") || !strcmp(t, "set")) {
        v = eval_seq(r, env, n, XV_LIST);
    } else if (!strcmp(t, "tuple") || !strcmp(t, "expression_list")) {
        v = eval_seq(r, env, n, XV_TUPLE);
    } else if (!strcmp(t, "dictionary")) {
        v = eval_dict(r, env, n);
    } else if (!strcmp(t, "list_comprehension") || !strcmp(t, "generator_expression") ||
               !strcmp(t, "set_comprehension")) {
        v = eval_comprehension(r, env, n, XV_LIST);
    } else if (!strcmp(t, "dictionary_comprehension")) {
        v = eval_comprehension(r, env, n, XV_DICT);
    } else if (!strcmp(t, "binary_operator")) {
        ExecValue *a = exec_eval(r, env, parse_field(n, "left"));
        ExecValue *b = a ? exec_eval(r, env, parse_field(n, "right")) : NULL;
        const char *op = exec_text(r, parse_field(n, "operator"), &len);
        char ops[4] = {0};
        memcpy(ops, op, (size_t)(len < 3 ? len : 3));
        v = b ? exec_binop(r, ops, a, b, n) : NULL;
    } else if (!strcmp(t, "unary_operator")) {
        v = eval_unary(r, env, n);
    } else if (!strcmp(t, "not_operator")) {
        ExecValue *a = exec_eval(r, env, parse_field(n, "argument"));
        bool b;
        v = a && exec_truthy(r, a, &b) ? exec_bool(!b) : NULL;
    } else if (!strcmp(t, "boolean_operator")) {
        ExecValue *a = exec_eval(r, env, parse_field(n, "left"));
        bool b, is_and = exec_text_is(r, parse_field(n, "operator"), "and");
        if (a && exec_truthy(r, a, &b)) v = b == is_and ? exec_eval(r, env, parse_field(n, "right")) : a;
    } else if (!strcmp(t, "comparison_operator")) {
        v = eval_comparison(r, env, n);
    } else if (!strcmp(t, "conditional_expression")) {
        ExecValue *c = exec_eval(r, env, parse_named_child(n, 1));
        bool b;
        if (c && exec_truthy(r, c, &b)) v = exec_eval(r, env, parse_named_child(n, b ? 0 : 2));
    } else if (!strcmp(t, "call")) {
        v = eval_call(r, env, n);
    } else if (!strcmp(t, "attribute")) {
        ExecValue *o = exec_eval(r, env, parse_field(n, "object"));
        const char *s = exec_text(r, parse_field(n, "attribute"), &len);
        ExecValue *name = o ? exec_str(r, s, len) : NULL;
        v = name ? exec_getattr(r, o, name->str.s, n) : NULL;
    } else if (!strcmp(t, "subscript")) {
        ExecValue *o = exec_eval(r, env, parse_field(n, "value"));
        v = o ? exec_subscript(r, o, eval_index_expr(r, env, n), n) : NULL;
    } else if (!strcmp(t, "lambda")) {
        v = exec_new(r, XV_FUNC);
        if (v) {
            v->fn.def = n;
            v->fn.closure = env;
        }
    } else if (!strcmp(t, "yield")) {
        v = eval_yield(r, env, n);
    } else if (!strcmp(t, "keyword_argument")) {
        exec_fail_at(r, n, "a keyword argument outside a call");
    } else {
        exec_fail_as(r, XF_GAP, n, "unsupported expression %s", t);
    }
    if (mark) r->in_mark--;
    if (v && mark) {
        if (r->marked_times < EXEC_MAX_MARKS)
            r->marks[r->marked_times].v = v, r->marks[r->marked_times].cand = r->lm_cand;
        r->marked = v, r->marked_times++;
        r->marked_after_draw |= r->greedy_draws > 0;
    }
    r->nest--;
    return v;
}

/* ---- binding targets ---- */

bool exec_bind_target(ExecRun *r, ExecEnv *env, TSNode target, ExecValue *v) {
    if (!v) return false;
    const char *t = ts_node_type(target);
    int len;
    if (!strcmp(t, "identifier")) {
        const char *s = exec_text(r, target, &len);
        return exec_env_set(r, env, s, len, v);
    }
    if (!strcmp(t, "pattern_list") || !strcmp(t, "tuple_pattern") || !strcmp(t, "list_pattern") ||
        !strcmp(t, "tuple") || !strcmp(t, "list") || !strcmp(t, "expression_list")) {
        if (v->kind == XV_PENDING && !(v = exec_stand_resolve(r, v, "unpack", NULL))) return false;
        if (v->kind == XV_OBJECT && v->obj.lazy && !v->obj.cls) {
            /* a record unpacked (`for context, continuation in requests`): a tuple of as many
             * items as names, each bound by its own use, as a field is ("requests[].0") */
            ExecValue *tv = exec_new(r, XV_TUPLE);
            for (uint32_t i = 0; tv && i < ts_node_named_child_count(target); i++) {
                char key[12];
                snprintf(key, sizeof key, "%u", i);
                ExecValue *f = exec_dict_get_str(&v->obj.fields, key);
                if (!f) f = exec_stand_record_field(r, v, key);
                if (!f || !exec_seq_push(r, &tv->seq, f)) return false;
            }
            v = tv;
        } else if (v->kind == XV_OBJECT && !strcmp(v->obj.type, "batch")) { /* a dict: Python gives its keys */
            return exec_fail_at(r, target, "unpacking a batch (a dict of tensors)") != NULL;
        } else if (v->kind == XV_OBJECT && !v->obj.cls) { /* a library object unpacked: its fields */
            ExecValue *tv = exec_new(r, XV_TUPLE);
            for (int i = 0; tv && i < v->obj.fields.n; i++)
                if (!exec_seq_push(r, &tv->seq, v->obj.fields.vals[i])) return false;
            /* `logits, past = model(ids)` (Hugging Face's cache) or `logits, loss = model(idx)`
             * (nanoGPT's, no targets): the toy LM's logits, and None for what it does not model */
            if (tv && !strcmp(v->obj.type, "output") && tv->seq.n == 1 && ts_node_named_child_count(target) == 2) {
                if (!exec_stand_in(r, target, "model output", "unpacked as (logits, None): no cache or loss is modelled") ||
                    !exec_seq_push(r, &tv->seq, exec_none()))
                    return false;
            }
            v = tv;
        }
        ExecValue *items = exec_iterate(r, v, target);
        if (!items) return false;
        uint32_t n = ts_node_named_child_count(target);
        if ((int)n != items->seq.n)
            return exec_fail_at(r, target, "unpacking %d values into %u names", items->seq.n, n) != NULL;
        for (uint32_t i = 0; i < n; i++)
            if (!exec_bind_target(r, env, parse_named_child(target, i), items->seq.items[i])) return false;
        return true;
    }
    if (!strcmp(t, "parenthesized_expression")) return exec_bind_target(r, env, parse_named_child(target, 0), v);
    if (!strcmp(t, "attribute")) {
        ExecValue *o = exec_eval(r, env, parse_field(target, "object"));
        if (!o) return false;
        const char *s = exec_text(r, parse_field(target, "attribute"), &len);
        ExecValue *name = exec_str(r, s, len);
        if (!name) return false;
        if (exec_is_dunder(name->str.s)) return exec_fail_at(r, target, "dunder attribute %s", name->str.s) != NULL;
        if (o->kind == XV_PENDING) { /* `tok.pad_token = ...` first: the parameter the attribute says */
            char use[64];
            snprintf(use, sizeof use, "attr:%s", name->str.s);
            if (!(o = exec_stand_resolve(r, o, use, NULL))) return false;
        }
        if (o->kind == XV_TOKENIZER && !strcmp(name->str.s, "pad_token")) { /* pad = eos */
            ExecValue *eos = exec_dict_get_str(&o->obj.fields, "eos_token_id");
            return exec_dict_set_str(r, &o->obj.fields, "pad_token", v) &&
                   exec_dict_set_str(r, &o->obj.fields, "pad_token_id", eos && v->kind != XV_NONE ? eos : exec_none());
        }
        if (o->kind == XV_MODEL || o->kind == XV_TOKENIZER) return exec_dict_set(r, &o->obj.fields, name, v);
        if (o->kind != XV_OBJECT) return exec_fail_at(r, target, "setting an attribute of a %s", exec_kind_name(o)) != NULL;
        return exec_dict_set(r, &o->obj.fields, name, v);
    }
    if (!strcmp(t, "subscript")) {
        ExecValue *o = exec_eval(r, env, parse_field(target, "value"));
        ExecValue *idx = o ? eval_index_expr(r, env, target) : NULL;
        if (!idx) return false;
        if (o->kind == XV_TENSOR) return exec_tensor_assign(r, o->t, idx, v);
        if (o->kind == XV_DICT) return exec_dict_set(r, &o->dict, idx, v);
        if (o->kind == XV_LIST) {
            int64_t k;
            if (!exec_as_int(idx, &k)) return exec_fail_at(r, target, "a slice assignment into a list") != NULL;
            if (k < 0) k += o->seq.n;
            if (k < 0 || k >= o->seq.n) return exec_fail_at(r, target, "list index out of range") != NULL;
            o->seq.items[k] = v;
            return true;
        }
        return exec_fail_at(r, target, "item assignment into a %s", exec_kind_name(o)) != NULL;
    }
    return exec_fail_at(r, target, "assignment to a %s", t) != NULL;
}

/* ---- statements ---- */

/* Decorators the interpreter treats as the identity (they change no value a score depends
 * on); any other decorator ends the run. */
static bool decorator_is_identity(ExecRun *r, TSNode dec) {
    static const char *const ok[] = {"torch.no_grad", "no_grad", "torch.inference_mode", "inference_mode",
                                     "staticmethod", "classmethod", "property", "dataclass",
                                     "dataclasses.dataclass", "functools.lru_cache", "lru_cache",
                                     "functools.cache", "cache", "torch.jit.script", "jax.jit", "jit",
                                     "torch.compile", "torch.autocast", "torch.enable_grad"};
    TSNode e = parse_named_child(dec, 0);
    if (parse_is(e, "call")) e = parse_field(e, "function");
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++)
        if (exec_text_is(r, e, ok[i])) return true;
    return false;
}

static bool exec_class(ExecRun *r, ExecEnv *env, TSNode n, bool dataclass) {
    ExecValue *cls = exec_new(r, XV_CLASS);
    if (!cls) return false;
    cls->cls.def = n;
    TSNode supers = parse_field(n, "superclasses");
    for (uint32_t i = 0; !ts_node_is_null(supers) && i < ts_node_named_child_count(supers); i++) {
        ExecValue *b = exec_eval(r, env, parse_named_child(supers, i));
        if (b && b->kind == XV_CLASS && !exec_dict_set_str(r, &cls->cls.attrs, " base", b)) return false;
        if (b && b->kind == XV_LIB && !exec_dict_set_str(r, &cls->cls.attrs, " lib_base", b)) return false;
        if (!b) r->failed = false, r->fail = XF_NONE, r->why[0] = 0; /* a library base (nn.Module): nothing of it is used */
    }
    ExecValue *fields = exec_new(r, XV_LIST);
    ExecEnv *scope = exec_env_new(r, env);
    TSNode body = parse_field(n, "body");
    for (uint32_t i = 0; i < ts_node_named_child_count(body); i++) {
        TSNode s = parse_named_child(body, i);
        TSNode d = parse_is(s, "decorated_definition") ? parse_field(s, "definition") : s;
        if (parse_is(d, "function_definition")) {
            ExecValue *f = exec_new(r, XV_FUNC);
            if (!f) return false;
            f->fn.def = d;
            f->fn.closure = env;
            for (uint32_t k = 0; parse_is(s, "decorated_definition") && k < ts_node_named_child_count(s); k++) {
                TSNode dec = parse_named_child(s, k);
                if (!parse_is(dec, "decorator")) continue;
                f->fn.is_static |= exec_text_is(r, parse_named_child(dec, 0), "staticmethod");
                f->fn.is_class |= exec_text_is(r, parse_named_child(dec, 0), "classmethod");
            }
            int len;
            const char *name = exec_text(r, parse_field(d, "name"), &len);
            if (!exec_dict_set(r, &cls->cls.attrs, exec_str(r, name, len), f)) return false;
        } else if (parse_is(s, "expression_statement") && parse_is(parse_named_child(s, 0), "assignment")) {
            TSNode a = parse_named_child(s, 0), left = parse_field(a, "left"), right = parse_field(a, "right");
            if (!parse_is(left, "identifier")) continue;
            int len;
            const char *name = exec_text(r, left, &len);
            ExecValue *v = ts_node_is_null(right) ? NULL : exec_eval(r, scope, right);
            if (!ts_node_is_null(right) && !v) return false;
            if (v && !exec_dict_set(r, &cls->cls.attrs, exec_str(r, name, len), v)) return false;
            if (dataclass && !ts_node_is_null(parse_field(a, "type"))) {
                ExecValue *f = exec_new(r, XV_TUPLE);
                if (!f || !exec_seq_push(r, &f->seq, exec_str(r, name, len))) return false;
                if (v && !exec_seq_push(r, &f->seq, v)) return false;
                if (!exec_seq_push(r, &fields->seq, f)) return false;
            }
        }
    }
    if (dataclass && !exec_dict_set_str(r, &cls->cls.attrs, " dataclass", fields)) return false;
    int len;
    const char *name = exec_text(r, parse_field(n, "name"), &len);
    return exec_env_set(r, env, name, len, cls);
}

static bool exec_def(ExecRun *r, ExecEnv *env, TSNode stmt) {
    TSNode def = stmt;
    bool dataclass = false;
    if (parse_is(stmt, "decorated_definition")) {
        def = parse_field(stmt, "definition");
        for (uint32_t k = 0; k < ts_node_named_child_count(stmt); k++) {
            TSNode dec = parse_named_child(stmt, k);
            if (!parse_is(dec, "decorator")) continue;
            if (!decorator_is_identity(r, dec))
                return exec_fail_as(r, XF_GAP, dec, "unsupported decorator") != NULL;
            TSNode d = parse_named_child(dec, 0);
            if (parse_is(d, "call")) d = parse_field(d, "function"); /* @dataclass(frozen=True) */
            dataclass |= exec_text_is(r, d, "dataclass") || exec_text_is(r, d, "dataclasses.dataclass");
        }
    }
    if (parse_is(def, "class_definition")) return exec_class(r, env, def, dataclass);
    ExecValue *f = exec_new(r, XV_FUNC);
    if (!f) return false;
    f->fn.def = def;
    f->fn.closure = env;
    int len;
    const char *name = exec_text(r, parse_field(def, "name"), &len);
    return exec_env_set(r, env, name, len, f);
}

static ExecFlow exec_if(ExecRun *r, ExecEnv *env, TSNode n, ExecValue **ret) {
    ExecValue *c = exec_eval(r, env, parse_field(n, "condition"));
    bool b;
    if (!c || !exec_truthy(r, c, &b)) return FLOW_FAIL;
    if (b) return exec_block(r, env, parse_field(n, "consequence"), ret);
    for (uint32_t i = 0; i < ts_node_named_child_count(n); i++) {
        TSNode alt = parse_named_child(n, i);
        if (parse_is(alt, "elif_clause")) {
            c = exec_eval(r, env, parse_field(alt, "condition"));
            if (!c || !exec_truthy(r, c, &b)) return FLOW_FAIL;
            if (b) return exec_block(r, env, parse_field(alt, "consequence"), ret);
        } else if (parse_is(alt, "else_clause")) {
            return exec_block(r, env, parse_field(alt, "body"), ret);
        }
    }
    return FLOW_NEXT;
}

static ExecFlow exec_loop_body(ExecRun *r, ExecEnv *env, TSNode body, ExecValue **ret, bool *stop) {
    ExecFlow f = exec_block(r, env, body, ret);
    *stop = f == FLOW_BREAK || f == FLOW_RETURN || f == FLOW_FAIL;
    return f == FLOW_BREAK || f == FLOW_CONTINUE ? FLOW_NEXT : f;
}

static ExecFlow exec_for(ExecRun *r, ExecEnv *env, TSNode n, ExecValue **ret) {
    ExecValue *it = exec_iterate(r, exec_eval(r, env, parse_field(n, "right")), n);
    if (!it) return FLOW_FAIL;
    TSNode body = parse_field(n, "body");
    for (int i = 0; i < it->seq.n; i++) {
        if (!exec_step(r) || !exec_bind_target(r, env, parse_field(n, "left"), it->seq.items[i])) return FLOW_FAIL;
        bool stop;
        ExecFlow f = exec_loop_body(r, env, body, ret, &stop);
        if (stop) return f;
    }
    TSNode alt = parse_field(n, "alternative");
    return ts_node_is_null(alt) ? FLOW_NEXT : exec_block(r, env, parse_field(alt, "body"), ret);
}

static ExecFlow exec_while(ExecRun *r, ExecEnv *env, TSNode n, ExecValue **ret) {
    for (;;) {
        ExecValue *c = exec_eval(r, env, parse_field(n, "condition"));
        bool b;
        if (!c || !exec_truthy(r, c, &b)) return FLOW_FAIL;
        if (!b) return FLOW_NEXT;
        bool stop;
        ExecFlow f = exec_loop_body(r, env, parse_field(n, "body"), ret, &stop);
        if (stop) return f;
    }
}

static ExecFlow exec_with(ExecRun *r, ExecEnv *env, TSNode n, ExecValue **ret) {
    TSNode clause = parse_named_child(n, 0);
    for (uint32_t i = 0; parse_is(clause, "with_clause") && i < ts_node_named_child_count(clause); i++) {
        TSNode item = parse_field(parse_named_child(clause, i), "value");
        TSNode target = (TSNode){0};
        if (parse_is(item, "as_pattern")) {
            target = parse_field(item, "alias");
            if (parse_is(target, "as_pattern_target")) target = parse_named_child(target, 0);
            item = parse_named_child(item, 0);
        }
        ExecValue *v = exec_eval(r, env, item);
        if (!v) return FLOW_FAIL;
        if (v->kind != XV_OBJECT || (strcmp(v->obj.type, "context") && !exec_file_is(v)))
            return exec_fail_at(r, item, "a with-statement on a %s", exec_kind_name(v)) ? FLOW_FAIL : FLOW_FAIL;
        if (!ts_node_is_null(target) && !exec_bind_target(r, env, target, v)) return FLOW_FAIL;
    }
    return exec_block(r, env, parse_field(n, "body"), ret);
}

static ExecFlow exec_assignment(ExecRun *r, ExecEnv *env, TSNode a) {
    TSNode right = parse_field(a, "right");
    if (ts_node_is_null(right)) return FLOW_NEXT; /* x: int */
    ExecValue *v;
    if (parse_is(right, "assignment")) { /* a = b = value */
        if (exec_assignment(r, env, right) == FLOW_FAIL) return FLOW_FAIL;
        v = exec_eval(r, env, parse_field(right, "left"));
    } else {
        v = exec_eval(r, env, right);
    }
    return v && exec_bind_target(r, env, parse_field(a, "left"), v) ? FLOW_NEXT : FLOW_FAIL;
}

static ExecFlow exec_augmented(ExecRun *r, ExecEnv *env, TSNode a) {
    TSNode left = parse_field(a, "left");
    ExecValue *cur = exec_eval(r, env, left);
    ExecValue *rhs = cur ? exec_eval(r, env, parse_field(a, "right")) : NULL;
    if (!rhs) return FLOW_FAIL;
    int len;
    const char *op = exec_text(r, parse_field(a, "operator"), &len);
    char ops[4] = {0};
    memcpy(ops, op, (size_t)(len - 1 < 3 ? len - 1 : 3)); /* "+=" -> "+" */
    if (cur->kind == XV_LIST && ops[0] == '+') { /* list += iterable extends in place */
        ExecValue *it = exec_iterate(r, rhs, a);
        for (int i = 0; it && i < it->seq.n; i++)
            if (!exec_seq_push(r, &cur->seq, it->seq.items[i])) return FLOW_FAIL;
        return it ? FLOW_NEXT : FLOW_FAIL;
    }
    ExecValue *v = exec_binop(r, ops, cur, rhs, a);
    if (v && cur->kind == XV_TENSOR && v->kind == XV_TENSOR && v->t->n == cur->t->n) {
        /* in place: other names of the tensor see it, and it keeps its dtype */
        for (int i = 0; i < cur->t->n; i++)
            cur->t->data[i] = exec_round(cur->t->dtype, v->t->data[i]);
        return FLOW_NEXT;
    }
    return v && exec_bind_target(r, env, left, v) ? FLOW_NEXT : FLOW_FAIL;
}

static ExecFlow exec_stmt(ExecRun *r, ExecEnv *env, TSNode s, ExecValue **ret) {
    if (!exec_step(r)) return FLOW_FAIL;
    /* a simple statement holding the flagged node runs it (a compound one may not) */
    if (ts_node_start_byte(s) <= r->mark_start && r->mark_end <= ts_node_end_byte(s) &&
        (parse_is(s, "expression_statement") || parse_is(s, "return_statement")))
        r->reached = true;
    const char *t = ts_node_type(s);
    if (!strcmp(t, "expression_statement")) {
        TSNode e = parse_named_child(s, 0);
        if (parse_is(e, "assignment")) return exec_assignment(r, env, e);
        if (parse_is(e, "augmented_assignment")) return exec_augmented(r, env, e);
        if (parse_is(e, "string")) return FLOW_NEXT; /* a docstring */
        return exec_eval(r, env, e) ? FLOW_NEXT : FLOW_FAIL;
    }
    if (!strcmp(t, "return_statement")) {
        TSNode e = parse_named_child(s, 0);
        *ret = ts_node_is_null(e) ? exec_none() : exec_eval(r, env, e);
        return *ret ? FLOW_RETURN : FLOW_FAIL;
    }
    if (!strcmp(t, "if_statement")) return exec_if(r, env, s, ret);
    if (!strcmp(t, "for_statement")) return exec_for(r, env, s, ret);
    if (!strcmp(t, "while_statement")) return exec_while(r, env, s, ret);
    if (!strcmp(t, "with_statement")) return exec_with(r, env, s, ret);
    if (!strcmp(t, "pass_statement") || !strcmp(t, "global_statement") ||
        !strcmp(t, "nonlocal_statement") || !strcmp(t, "comment") || !strcmp(t, "delete_statement"))
        return FLOW_NEXT;
    if (!strcmp(t, "break_statement")) return FLOW_BREAK;
    if (!strcmp(t, "continue_statement")) return FLOW_CONTINUE;
    if (!strcmp(t, "function_definition") || !strcmp(t, "decorated_definition") ||
        !strcmp(t, "class_definition"))
        return exec_def(r, env, s) ? FLOW_NEXT : FLOW_FAIL;
    if (!strcmp(t, "import_statement") || !strcmp(t, "import_from_statement"))
        return exec_import(r, env, s) ? FLOW_NEXT : FLOW_FAIL;
    if (!strcmp(t, "future_import_statement")) return FLOW_NEXT;
    if (!strcmp(t, "assert_statement")) {
        ExecValue *c = exec_eval(r, env, parse_named_child(s, 0));
        bool b;
        if (!c || !exec_truthy(r, c, &b)) return FLOW_FAIL;
        return b ? FLOW_NEXT : (exec_fail_at(r, s, "assertion failed"), FLOW_FAIL);
    }
    if (!strcmp(t, "raise_statement")) { /* the exception's class, never its message (not run) */
        TSNode e = parse_named_child(s, 0);
        if (parse_is(e, "call")) e = parse_field(e, "function");
        int len = 0;
        const char *name = ts_node_is_null(e) ? "" : exec_text(r, e, &len);
        if (len > 60) len = 60;
        if (len) exec_fail_at(r, s, "the code raised %.*s", len, name);
        else exec_fail_at(r, s, "the code raised an exception again");
        return FLOW_FAIL;
    }
    if (!strcmp(t, "try_statement")) /* the body only: an exception ends the run anyway */
        return exec_block(r, env, parse_field(s, "body"), ret);
    exec_fail_as(r, XF_GAP, s, "unsupported statement %s", t);
    return FLOW_FAIL;
}

static ExecFlow exec_block(ExecRun *r, ExecEnv *env, TSNode block, ExecValue **ret) {
    if (ts_node_is_null(block)) return FLOW_NEXT;
    if (++r->nest > EXEC_MAX_NEST) {
        r->nest--;
        exec_fail_as(r, XF_BOUND, block, "bound: blocks nested deeper than %d", EXEC_MAX_NEST);
        return FLOW_FAIL;
    }
    ExecFlow f = FLOW_NEXT;
    if (!parse_is(block, "block")) { /* a one-line body: `if x: return y` */
        f = exec_stmt(r, env, block, ret);
    } else {
        ParseKids k;
        parse_kids_begin(&k, block);
        for (TSNode s; f == FLOW_NEXT && parse_kids_next(&k, &s);)
            f = exec_stmt(r, env, s, ret);
        parse_kids_end(&k);
    }
    r->nest--;
    if (r->failed) return FLOW_FAIL;
    return f;
}

bool exec_body(ExecRun *r, ExecEnv *env, TSNode body, ExecValue **ret) {
    return exec_block(r, env, body, ret) != FLOW_FAIL;
}

/* The module's definitions and imports. A top-level statement that fails is skipped (the names
 * it binds stay undefined); constants are evaluated when first read (exec_module_constant), and
 * the script's own top-level work never runs. */
bool exec_defs_in(ExecRun *r, TSNode root, ExecEnv *env) {
    ParseKids k;
    parse_kids_begin(&k, root);
    for (TSNode s; parse_kids_next(&k, &s);) {
        if (!exec_step(r)) break;
        const char *t = ts_node_type(s);
        /* imports and defs under a main guard, a try (`try: import wandb`) or a with */
        TSNode inner = !strcmp(t, "if_statement") ? parse_field(s, "consequence")
                       : !strcmp(t, "try_statement") || !strcmp(t, "with_statement") ? parse_field(s, "body")
                                                                                     : (TSNode){0};
        if (!ts_node_is_null(inner) && !exec_defs_in(r, inner, env)) break;
        bool binds = !strcmp(t, "function_definition") || !strcmp(t, "decorated_definition") ||
                     !strcmp(t, "class_definition") || !strcmp(t, "import_statement") ||
                     !strcmp(t, "import_from_statement");
        if (!binds) continue;
        ExecValue *ret = NULL;
        exec_stmt(r, env, s, &ret);
        if (r->failed && r->fail != XF_BOUND) { /* forget it, keep going */
            r->failed = false;
            r->fail = XF_NONE;
            r->why[0] = 0;
        }
    }
    parse_kids_end(&k);
    return !r->failed;
}

bool exec_module_defs(ExecRun *r) {
    return exec_defs_in(r, r->root, r->globals);
}
