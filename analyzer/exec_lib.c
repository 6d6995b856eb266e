/* exec_lib: torch, NumPy (and jax.numpy, scipy.special) and math functions, and tensor
 * methods, for the concrete interpreter. Function and method forms share one kernel each; a
 * name not listed here returns NULL and the caller ends the run as an unsupported call. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "exec.h"


int exec_lib_dtype(ExecValue *v) {
    if (!v) return -1;
    const char *q = v->kind == XV_LIB ? v->lib.qual : v->kind == XV_STR ? v->str.s : NULL;
    if (!q) return -1;
    const char *dot = strrchr(q, '.');
    const char *n = dot ? dot + 1 : q;
    static const struct {
        const char *name;
        ExecDtype d;
    } map[] = {{"float32", XD_F32}, {"float", XD_F32},   {"float64", XD_F64}, {"double", XD_F64},
               {"float16", XD_F16}, {"half", XD_F16},     {"bfloat16", XD_BF16}, {"int64", XD_INT64},
               {"long", XD_INT64},  {"int32", XD_INT64},  {"int", XD_INT64},  {"bool", XD_BOOL},
               {"bool_", XD_BOOL}};
    for (size_t i = 0; i < sizeof map / sizeof *map; i++)
        if (!strcmp(n, map[i].name)) {
            /* Python's float is float64 in NumPy */
            if (!strcmp(q, "builtins.float")) return XD_F64;
            return map[i].d;
        }
    return -1;
}

ExecValue *exec_lib_constant(ExecRun *r, const char *q) {
    static const char *const modules[] = {"numpy.", "torch.", "math.", "jax.numpy.", "tensorflow."};
    static const struct {
        const char *name;
        double v;
    } consts[] = {{"inf", INFINITY}, {"nan", NAN}, {"pi", 3.14159265358979323846}, {"e", 2.71828182845904523536}};
    for (size_t m = 0; m < sizeof modules / sizeof *modules; m++) {
        size_t n = strlen(modules[m]);
        if (strncmp(q, modules[m], n)) continue;
        for (size_t i = 0; m != 4 && i < sizeof consts / sizeof *consts; i++)
            if (!strcmp(q + n, consts[i].name)) return exec_float(r, consts[i].v);
        if (m != 2 && !strcmp(q + n, "newaxis")) return exec_none();
    }
    return NULL;
}

ExecTensor *exec_lib_tensor(ExecRun *r, ExecValue *v, bool numpy) {
    if (!v) {
        exec_fail(r, "a missing tensor argument");
        return NULL;
    }
    if (v->kind == XV_PENDING && !(v = exec_stand_resolve(r, v, "tensor", NULL))) return NULL;
    ExecValue *logits = v->kind == XV_OBJECT && !strcmp(v->obj.type, "output")
                            ? exec_dict_get_str(&v->obj.fields, "logits") : NULL;
    if (logits && logits->kind == XV_TENSOR) return logits->t; /* a model that returns its logits */
    if (v->kind == XV_TENSOR) return v->t;
    return exec_tensor_from(r, v, -1, numpy);
}

static ExecValue *tv(ExecRun *r, ExecTensor *t) {
    return t ? exec_tensor_value(r, t) : NULL;
}

/* The dim / axis argument: INT32_MIN when absent (reduce over everything). */
static bool arg_dim(ExecRun *r, ExecArgs *a, int i, ExecTensor *t, int *out) {
    ExecValue *v = exec_arg(a, i, "dim");
    if (!v) v = exec_arg(a, -1, "axis");
    if (!v || v->kind == XV_NONE) {
        *out = INT32_MIN;
        return true;
    }
    int64_t d;
    if (!exec_as_int(v, &d)) {
        exec_fail_at(r, a->at, "%s over a %s of dimensions", a->name, exec_kind_name(v));
        return false;
    }
    return exec_norm_dim(r, t->ndim, d, out);
}

static bool arg_keepdim(ExecRun *r, ExecArgs *a, int i, bool *out) {
    ExecValue *v = exec_arg(a, i, "keepdim");
    if (!v) v = exec_arg(a, -1, "keepdims");
    if (!v) {
        *out = false;
        return true;
    }
    return exec_truthy(r, v, out);
}

/* ---- losses ---- */

/* cross_entropy / nll_loss over [N, C] (or [C]) inputs and [N] targets: log_softmax first for
 * cross_entropy; ignore_index (-100) rows count neither in the sum nor in the mean's count. */
static ExecValue *lib_loss(ExecRun *r, ExecArgs *a, bool cross_entropy, bool numpy) {
    ExecTensor *x = exec_lib_tensor(r, exec_arg(a, 0, "input"), numpy);
    ExecTensor *y = x ? exec_lib_tensor(r, exec_arg(a, 1, "target"), numpy) : NULL;
    int64_t ignore;
    if (!y || !exec_arg_int(r, a, -1, "ignore_index", -100, &ignore)) return NULL;
    ExecValue *red = exec_arg(a, -1, "reduction");
    const char *reduction = red && red->kind == XV_STR ? red->str.s : "mean";
    ExecValue *smooth = exec_arg(a, -1, "label_smoothing");
    if (exec_arg(a, -1, "weight") || (smooth && (!cross_entropy || !exec_is_number(smooth))))
        return exec_fail_at(r, a->at, "%s with weight or label_smoothing", a->name);
    double eps = smooth ? exec_number(smooth) : 0; /* the target's mass spread over every class */
    if (x->ndim == 1 && y->ndim == 0) {
        x = exec_tensor_unsqueeze(r, x, 0);
        y = exec_tensor_unsqueeze(r, y, 0);
        if (!x || !y) return NULL;
    }
    int out_shape[2] = {0, 0};
    bool nd = x->ndim == 3 && y->ndim == 2; /* [N, C, T] with [N, T]: classes on dim 1 */
    if (nd) {
        if (y->shape[0] != x->shape[0] || y->shape[1] != x->shape[2])
            return exec_fail_at(r, a->at, "%s: targets of a shape other than the input's", a->name);
        out_shape[0] = y->shape[0];
        out_shape[1] = y->shape[1];
        int flat[2] = {x->shape[0] * x->shape[2], x->shape[1]};
        ExecTensor *xt = exec_tensor_transpose(r, x, 1, 2);
        x = xt ? exec_tensor_reshape(r, xt, 2, flat) : NULL;
        y = x ? exec_tensor_reshape(r, y, 1, flat) : NULL;
        if (!x || !y) return NULL;
    }
    if (x->ndim != 2 || y->ndim != 1 || y->shape[0] != x->shape[0])
        return exec_fail_at(r, a->at, "%s on inputs of %d and targets of %d dimensions", a->name, x->ndim, y->ndim);
    ExecTensor *lp = cross_entropy ? exec_tensor_softmax(r, x, 1, true) : x;
    int shape[1] = {x->shape[0]};
    ExecTensor *per = lp ? exec_tensor_new(r, lp->dtype, 1, shape, x->numpy) : NULL;
    if (!per) return NULL;
    double sum = 0;
    int count = 0, c = x->shape[1];
    for (int i = 0; i < x->shape[0]; i++) {
        long t = (long)y->data[i];
        if (t == ignore) {
            per->data[i] = 0;
            continue;
        }
        if (t < 0 || t >= c) return exec_fail_at(r, a->at, "%s: target %ld out of range", a->name, t);
        double spread = 0;
        for (int k = 0; eps != 0 && k < c; k++)
            spread -= lp->data[(size_t)i * c + k] / c;
        per->data[i] = exec_round(per->dtype, (1 - eps) * -lp->data[(size_t)i * c + t] + eps * spread);
        sum += per->data[i];
        count++;
    }
    if (!strcmp(reduction, "none")) {
        ExecTensor *each = nd ? exec_tensor_reshape(r, per, 2, out_shape) : per;
        if (each) each->loss = true;
        return tv(r, each);
    }
    ExecTensor *out = exec_tensor_new(r, per->dtype, 0, NULL, x->numpy);
    if (!out) return NULL;
    out->loss = true;
    if (!strcmp(reduction, "sum")) out->data[0] = exec_round(out->dtype, sum);
    else if (!strcmp(reduction, "mean")) out->data[0] = exec_round(out->dtype, exec_round(out->dtype, sum) / count);
    else return exec_fail_at(r, a->at, "%s reduction=%s", a->name, reduction);
    return tv(r, out);
}

/* F.kl_div(input, target): target * (log target - input) pointwise (0 where target is 0), or
 * exp(target) * (target - input) with log_target; reduced by mean, sum, batchmean or none. */
static ExecValue *lib_kl_div(ExecRun *r, ExecArgs *a) {
    ExecTensor *x = exec_lib_tensor(r, exec_arg(a, 0, "input"), false);
    ExecTensor *y = x ? exec_lib_tensor(r, exec_arg(a, 1, "target"), false) : NULL;
    bool log_target;
    if (!y || !exec_arg_bool(r, a, -1, "log_target", false, &log_target)) return NULL;
    ExecValue *red = exec_arg(a, -1, "reduction");
    const char *reduction = red && red->kind == XV_STR ? red->str.s : "mean";
    bool same = x->ndim == y->ndim;
    for (int d = 0; same && d < x->ndim; d++)
        same = x->shape[d] == y->shape[d];
    if (!same) return exec_fail_at(r, a->at, "kl_div of an input and a target of different shapes");
    ExecDtype dt = x->dtype > y->dtype ? x->dtype : y->dtype;
    ExecTensor *per = exec_tensor_new(r, dt, x->ndim, x->shape, false);
    if (!per) return NULL;
    double sum = 0;
    for (int i = 0; i < x->n; i++) {
        double t = y->data[i], u = x->data[i];
        double v = log_target ? exp(t) * (t - u) : t == 0 ? 0 : t * (log(t) - u);
        per->data[i] = exec_round(dt, v);
        sum += per->data[i];
    }
    if (!strcmp(reduction, "none")) return tv(r, per);
    ExecTensor *out = exec_tensor_new(r, dt, 0, NULL, false);
    if (!out) return NULL;
    if (!strcmp(reduction, "sum")) out->data[0] = exec_round(dt, sum);
    else if (!strcmp(reduction, "mean") && x->n) out->data[0] = exec_round(dt, sum / x->n);
    else if (!strcmp(reduction, "batchmean") && x->ndim) out->data[0] = exec_round(dt, sum / x->shape[0]);
    else return exec_fail_at(r, a->at, "kl_div reduction=%s", reduction);
    return tv(r, out);
}

/* ---- shared kernels (function and method forms) ---- */

static ExecValue *k_reduce(ExecRun *r, const char *fn, ExecTensor *t, ExecArgs *a, int dim_pos, bool method) {
    int dim;
    bool keep;
    if (!arg_dim(r, a, dim_pos, t, &dim) || !arg_keepdim(r, a, dim_pos + 1, &keep)) return NULL;
    if (exec_arg(a, -1, "dtype")) {
        int d = exec_lib_dtype(exec_arg(a, -1, "dtype"));
        if (d < 0 || !(t = exec_tensor_cast(r, t, (ExecDtype)d))) return r->failed ? NULL : exec_fail_at(r, a->at, "dtype");
    }
    bool is_max = !strcmp(fn, "max") || !strcmp(fn, "min");
    bool numpy_style = t->numpy || exec_arg(a, -1, "axis") || exec_arg(a, -1, "keepdims");
    if (is_max && !numpy_style && dim != INT32_MIN) { /* torch: (values, indices) */
        ExecTensor *vals = exec_tensor_reduce(r, fn, t, dim, keep);
        ExecTensor *idx = exec_tensor_reduce(r, fn[1] == 'a' ? "argmax" : "argmin", t, dim, keep);
        ExecValue *o = exec_object(r, "return_types");
        if (!vals || !idx || !o || !exec_dict_set_str(r, &o->obj.fields, "values", tv(r, vals)) ||
            !exec_dict_set_str(r, &o->obj.fields, "indices", tv(r, idx)))
            return NULL;
        return o;
    }
    if (!strcmp(fn, "amax")) fn = "max";
    if (!strcmp(fn, "amin")) fn = "min";
    (void)method;
    return tv(r, exec_tensor_reduce(r, fn, t, dim, keep));
}

static ExecValue *k_softmax(ExecRun *r, ExecTensor *t, ExecArgs *a, int dim_pos, bool log_) {
    int dim;
    if (!arg_dim(r, a, dim_pos, t, &dim)) return NULL;
    if (dim == INT32_MIN) {
        if (!t->numpy) return exec_fail_at(r, a->at, "%s without dim", a->name);
        /* scipy.special.softmax without axis normalises over everything */
        ExecTensor *flat = exec_tensor_reshape(r, t, 1, &t->n);
        ExecTensor *s = flat ? exec_tensor_softmax(r, flat, 0, log_) : NULL;
        return s ? tv(r, exec_tensor_reshape(r, s, t->ndim, t->shape)) : NULL;
    }
    ExecValue *dt = exec_arg(a, -1, "dtype");
    if (dt) {
        int d = exec_lib_dtype(dt);
        if (d < 0 || !(t = exec_tensor_cast(r, t, (ExecDtype)d))) return r->failed ? NULL : exec_fail_at(r, a->at, "dtype");
    }
    return tv(r, exec_tensor_softmax(r, t, dim, log_));
}

static ExecValue *k_gather(ExecRun *r, ExecTensor *t, ExecValue *dimv, ExecValue *idxv, ExecArgs *a) {
    int64_t d;
    int dim;
    ExecTensor *idx = exec_lib_tensor(r, idxv, t->numpy);
    if (!idx) return NULL;
    if (!exec_as_int(dimv, &d)) return exec_fail_at(r, a->at, "%s: dim is not an int", a->name);
    if (!exec_norm_dim(r, t->ndim, d, &dim)) return NULL;
    return tv(r, exec_tensor_gather(r, t, dim, idx));
}

bool exec_lib_shape(ExecRun *r, ExecArgs *a, int from, int *ndim, int *shape) {
    ExecValue *first = exec_arg(a, from, "shape");
    if (!first) first = exec_arg(a, -1, "size");
    ExecValue **items = a->pos + from;
    int n = a->npos - from;
    if (first && (first->kind == XV_TUPLE || first->kind == XV_LIST)) {
        items = first->seq.items;
        n = first->seq.n;
    } else if (first && a->npos <= from) {
        items = &first;
        n = 1;
    }
    if (n > EXEC_MAX_DIMS) return exec_fail_at(r, a->at, "a shape of %d dimensions", n) != NULL;
    for (int i = 0; i < n; i++) {
        int64_t v;
        if (items[i]->kind == XV_PENDING && !exec_stand_resolve(r, items[i], "int", NULL)) return false;
        if (!exec_as_int(items[i], &v)) return exec_fail_at(r, a->at, "a shape entry that is not an int") != NULL;
        shape[i] = (int)v;
    }
    *ndim = n;
    return true;
}

static ExecValue *k_cat(ExecRun *r, ExecArgs *a, bool stack, bool numpy) {
    ExecValue *it = exec_iterate(r, exec_arg(a, 0, "tensors"), a->at);
    if (!it) return NULL;
    if (!exec_arg(a, -1, "tensors") && !exec_arg(a, 0, NULL)) it = exec_iterate(r, exec_arg(a, -1, "arrays"), a->at);
    ExecTensor **parts = exec_alloc(r, (size_t)(it->seq.n ? it->seq.n : 1) * sizeof *parts);
    if (!parts) return NULL;
    for (int i = 0; i < it->seq.n; i++)
        if (!(parts[i] = exec_lib_tensor(r, it->seq.items[i], numpy))) return NULL;
    int64_t dim = 0;
    ExecValue *dv = exec_arg(a, 1, "dim");
    if (!dv) dv = exec_arg(a, -1, "axis");
    if (dv && !exec_as_int(dv, &dim)) return exec_fail_at(r, a->at, "%s: dim is not an int", a->name);
    return tv(r, exec_tensor_cat(r, parts, it->seq.n, (int)dim, stack));
}

/* torch.nn.utils.rnn.pad_sequence(sequences, batch_first=False, padding_value=0.0,
 * padding_side="right") of 1-d tensors: [L, n] (or [n, L]), each filled with padding_value
 * rounded to the first's dtype. A None fill (a tokenizer without a pad token) is an id buffer's. */
static ExecValue *k_pad_sequence(ExecRun *r, ExecArgs *a) {
    ExecValue *it = exec_iterate(r, exec_arg(a, 0, "sequences"), a->at);
    bool first;
    if (!it || !exec_arg_bool(r, a, 1, "batch_first", false, &first)) return NULL;
    ExecValue *fv = exec_arg(a, 2, "padding_value"), *side = exec_arg(a, 3, "padding_side");
    if (fv && fv->kind == XV_PENDING && !(fv = exec_stand_resolve(r, fv, "pad_id", NULL))) return NULL;
    if (fv && !exec_is_number(fv))
        return exec_fail_as(r, fv->kind == XV_NONE ? XF_NONE_ID : XF_OTHER, a->at, "pad_sequence() fill value");
    bool left = side && side->kind == XV_STR && side->str.n == 4 && !memcmp(side->str.s, "left", 4);
    if (side && !left && !(side->kind == XV_STR && side->str.n == 5 && !memcmp(side->str.s, "right", 5)))
        return exec_fail_at(r, a->at, "pad_sequence() padding_side other than left or right");
    int n = it->seq.n, width = 0;
    if (!n) return exec_fail_at(r, a->at, "pad_sequence() of no sequences");
    ExecTensor **parts = exec_alloc(r, (size_t)n * sizeof *parts);
    if (!parts) return NULL;
    for (int i = 0; i < n; i++) {
        if (!(parts[i] = exec_lib_tensor(r, it->seq.items[i], false))) return NULL;
        if (parts[i]->ndim != 1 || parts[i]->dtype != parts[0]->dtype)
            return exec_fail_at(r, a->at, "pad_sequence() of other than 1-d tensors of one dtype");
        if (parts[i]->n > width) width = parts[i]->n;
    }
    int shape[2] = {first ? n : width, first ? width : n};
    ExecTensor *t = exec_tensor_new(r, parts[0]->dtype, 2, shape, false);
    if (!t) return NULL;
    double fill = exec_round(t->dtype, fv ? exec_number(fv) : 0);
    for (int i = 0; i < n; i++)
        for (int k = 0; k < width; k++) {
            int src = left ? k - (width - parts[i]->n) : k;
            double x = src >= 0 && src < parts[i]->n ? parts[i]->data[src] : fill;
            t->data[first ? (size_t)i * width + k : (size_t)k * n + i] = x;
        }
    return tv(r, t);
}

static ExecValue *k_topk(ExecRun *r, ExecTensor *t, ExecArgs *a, int k_pos) {
    int64_t k, d;
    if (!exec_arg_int(r, a, k_pos, "k", 1, &k) || !exec_arg_int(r, a, k_pos + 1, "dim", -1, &d)) return NULL;
    int dim;
    if (!exec_norm_dim(r, t->ndim, d, &dim)) return NULL;
    if (t->ndim != 1 && dim != t->ndim - 1) return exec_fail_at(r, a->at, "topk over a dimension other than the last");
    int len = t->shape[dim];
    if (k < 0 || k > len) return exec_fail_at(r, a->at, "topk of %lld from %d", (long long)k, len);
    int shape[EXEC_MAX_DIMS];
    memcpy(shape, t->shape, sizeof shape);
    shape[dim] = (int)k;
    ExecTensor *vals = exec_tensor_new(r, t->dtype, t->ndim, shape, t->numpy);
    ExecTensor *idx = exec_tensor_new(r, XD_INT64, t->ndim, shape, t->numpy);
    if (!vals || !idx) return NULL;
    int rows = t->n / (len ? len : 1);
    for (int row = 0; row < rows; row++) {
        const double *x = t->data + (size_t)row * len;
        for (int j = 0; j < k; j++) { /* selection: the j-th largest, first index on ties */
            int best = -1;
            for (int i = 0; i < len; i++) {
                bool taken = false;
                for (int q = 0; q < j; q++)
                    taken |= (int)idx->data[(size_t)row * k + q] == i;
                if (!taken && (best < 0 || x[i] > x[best])) best = i;
            }
            vals->data[(size_t)row * k + j] = x[best];
            idx->data[(size_t)row * k + j] = best;
        }
    }
    ExecValue *o = exec_object(r, "return_types");
    if (!o || !exec_dict_set_str(r, &o->obj.fields, "values", tv(r, vals)) ||
        !exec_dict_set_str(r, &o->obj.fields, "indices", tv(r, idx)))
        return NULL;
    return o;
}

/* argsort over the last dimension: stable, ascending (NaN last, as NumPy and torch put it), or
 * descending (torch's descending=True); the indices, int64. */
static ExecValue *k_argsort(ExecRun *r, ExecTensor *t, ExecArgs *a) {
    int64_t d;
    bool desc;
    if (!exec_arg_int(r, a, 0, t->numpy ? "axis" : "dim", -1, &d) || !exec_arg_bool(r, a, 1, "descending", false, &desc))
        return NULL;
    if (exec_arg(a, -1, "kind") || exec_arg(a, -1, "stable")) a->used = ~0u; /* stable either way */
    int dim;
    if (t->ndim == 0 || !exec_norm_dim(r, t->ndim, d, &dim)) return r->failed ? NULL : exec_fail_at(r, a->at, "argsort of a 0-d tensor");
    if (dim != t->ndim - 1) return exec_fail_at(r, a->at, "argsort over a dimension other than the last");
    int len = t->shape[dim], rows = t->n / (len ? len : 1);
    ExecTensor *idx = exec_tensor_new(r, XD_INT64, t->ndim, t->shape, t->numpy);
    if (!idx || !exec_work(r, (long)t->n * len)) return NULL;
    for (int row = 0; row < rows; row++) { /* insertion sort: stable, and lengths are small */
        const double *x = t->data + (size_t)row * len;
        double *o = idx->data + (size_t)row * len;
        for (int i = 0; i < len; i++) {
            int j = i;
            for (; j > 0; j--) {
                double p = x[(int)o[j - 1]];
                bool before = isnan(p) ? !isnan(x[i]) : isnan(x[i]) ? false : desc ? x[i] > p : x[i] < p;
                if (!before) break;
                o[j] = o[j - 1];
            }
            o[j] = i;
        }
    }
    return tv(r, idx);
}

static const char *const elementwise[] = {"exp",   "log",   "log2",  "log10", "log1p",   "expm1",
                                          "abs",   "sqrt",  "sigmoid", "isnan", "isinf", "isfinite",
                                          "floor", "round", "neg", "logsigmoid"};

static bool is_elementwise(const char *fn) {
    for (size_t i = 0; i < sizeof elementwise / sizeof *elementwise; i++)
        if (!strcmp(fn, elementwise[i])) return true;
    return false;
}

static const char *const reductions[] = {"sum", "mean", "prod", "max",  "min",  "amax", "amin",
                                         "argmax", "argmin", "logsumexp", "any", "all"};

static const char *as_reduction(const char *fn) {
    for (size_t i = 0; i < sizeof reductions / sizeof *reductions; i++)
        if (!strcmp(fn, reductions[i])) return reductions[i];
    return NULL;
}

static ExecValue *k_clamp(ExecRun *r, ExecTensor *t, ExecArgs *a, int lo_pos) {
    ExecValue *lo = exec_arg(a, lo_pos, "min"), *hi = exec_arg(a, lo_pos + 1, "max");
    if (!lo) lo = exec_arg(a, -1, "a_min");
    if (!hi) hi = exec_arg(a, -1, "a_max");
    ExecValue *x = tv(r, t);
    if (x && lo && lo->kind != XV_NONE) x = exec_binop(r, "M", x, lo, a->at);
    if (x && hi && hi->kind != XV_NONE) x = exec_binop(r, "m", x, hi, a->at);
    return x;
}

/* The p-norm of t along dim, the dimension kept: (sum |x|^p)^(1/p), each step in t's dtype. */
static ExecTensor *pnorm_keep(ExecRun *r, ExecTensor *t, double p, int dim, TSNode at) {
    ExecValue *x = tv(r, exec_tensor_unary(r, "abs", t));
    if (x && p != 1) x = exec_binop(r, "**", x, exec_float(r, p), at);
    ExecTensor *s = x && x->kind == XV_TENSOR ? exec_tensor_reduce(r, "sum", x->t, dim, true) : NULL;
    if (!s || p == 1) return s;
    if (p == 2) return exec_tensor_unary(r, "sqrt", s);
    ExecValue *n = exec_binop(r, "**", tv(r, s), exec_float(r, 1.0 / p), at);
    return n && n->kind == XV_TENSOR ? n->t : NULL;
}

/* torch.nn.functional.normalize(x, p=2, dim=1, eps=1e-12): x divided by its p-norm along dim,
 * clamped below at eps, as torch computes it (each step rounded to x's dtype). */
static ExecValue *k_normalize(ExecRun *r, ExecTensor *t, ExecArgs *a) {
    ExecValue *pv = exec_arg(a, 0, "p"), *dv = exec_arg(a, 1, "dim"), *ev = exec_arg(a, 2, "eps");
    if ((pv && !exec_is_number(pv)) || (ev && !exec_is_number(ev)))
        return exec_fail_at(r, a->at, "normalize() with a p or eps that is not a number");
    double p = pv ? exec_number(pv) : 2.0, eps = ev ? exec_number(ev) : 1e-12;
    int64_t d = 1;
    int dim;
    if (!(p > 0) || isinf(p)) return exec_fail_at(r, a->at, "normalize() with p=%g", p);
    if (dv && !exec_as_int(dv, &d)) return exec_fail_at(r, a->at, "normalize() over a %s", exec_kind_name(dv));
    if (!exec_dtype_is_float(t->dtype)) return exec_fail_at(r, a->at, "normalize() of an integer tensor");
    if (!exec_norm_dim(r, t->ndim, d, &dim)) return NULL;
    ExecTensor *n = pnorm_keep(r, t, p, dim, a->at);
    ExecValue *den = n ? exec_binop(r, "M", tv(r, n), exec_float(r, eps), a->at) : NULL;
    return den ? exec_binop(r, "/", tv(r, t), den, a->at) : NULL;
}

static ExecValue *k_where(ExecRun *r, ExecArgs *a, bool numpy) {
    ExecValue *c = exec_arg(a, 0, "condition"), *x = exec_arg(a, 1, "input"), *y = exec_arg(a, 2, "other");
    if (!c || !x || !y) return exec_fail_at(r, a->at, "where() without three arguments");
    (void)numpy;
    return exec_tensor_where(r, c, x, y);
}

/* ---- math: Python floats ---- */

static ExecValue *lib_math(ExecRun *r, const char *fn, ExecArgs *a) {
    if (!strcmp(fn, "fsum") || !strcmp(fn, "prod")) {
        ExecValue *it = exec_iterate(r, exec_arg(a, 0, NULL), a->at);
        if (!it) return NULL;
        ExecValue *acc = fn[0] == 'f' ? exec_float(r, 0) : exec_int(r, 1);
        for (int i = 0; acc && i < it->seq.n; i++)
            acc = exec_binop(r, fn[0] == 'f' ? "+" : "*", acc, it->seq.items[i], a->at);
        return acc;
    }
    ExecValue *x = exec_arg(a, 0, "x");
    if (x && x->kind == XV_TENSOR && x->t->n == 1) x = exec_tensor_item(r, x->t);
    if (!exec_is_number(x)) return r->failed ? NULL : exec_fail_at(r, a->at, "math.%s of a %s", fn, exec_kind_name(x));
    double v = exec_number(x), y;
    if (!strcmp(fn, "exp")) {
        y = exp(v);
        if (isinf(y)) return exec_fail_at(r, a->at, "OverflowError in math.exp");
    } else if (!strcmp(fn, "log")) {
        if (v <= 0) return exec_fail_at(r, a->at, "ValueError: math domain error in math.log");
        ExecValue *base = exec_arg(a, 1, "base");
        y = base && exec_is_number(base) ? log(v) / log(exec_number(base)) : log(v);
    } else if (!strcmp(fn, "log2") || !strcmp(fn, "log10") || !strcmp(fn, "log1p") || !strcmp(fn, "sqrt")) {
        if (fn[1] == 'q' ? v < 0 : fn[3] == '1' && fn[4] == 'p' ? v <= -1 : v <= 0)
            return exec_fail_at(r, a->at, "ValueError: math domain error in math.%s", fn);
        y = !strcmp(fn, "log2") ? log2(v) : !strcmp(fn, "log10") ? log10(v) : !strcmp(fn, "log1p") ? log1p(v) : sqrt(v);
    } else if (!strcmp(fn, "isinf") || !strcmp(fn, "isnan") || !strcmp(fn, "isfinite")) {
        return exec_bool(fn[2] == 'i' ? isinf(v) : fn[2] == 'n' ? isnan(v) : isfinite(v));
    } else if (!strcmp(fn, "floor") || !strcmp(fn, "ceil")) {
        int64_t k;
        if (!exec_double_to_int(fn[0] == 'f' ? floor(v) : ceil(v), &k)) return exec_fail_at(r, a->at, "math.%s beyond 64 bits", fn);
        return exec_int(r, k);
    } else if (!strcmp(fn, "fabs")) {
        y = fabs(v);
    } else {
        return NULL;
    }
    return exec_float(r, y);
}

/* ---- module functions ---- */

/* linspace(start, end, steps): torch's values from each end toward the middle in the dtype
 * (float32 unless told), start + i * step up to the halfway point and end - (steps - 1 - i) *
 * step after it; NumPy's (num=50, endpoint=True, float64) start + i * step with stop itself last. */
static ExecValue *k_linspace(ExecRun *r, ExecArgs *a, int dt, bool numpy) {
    ExecValue *lo = exec_arg(a, 0, "start"), *hi = exec_arg(a, 1, numpy ? "stop" : "end");
    int64_t n;
    bool endpoint;
    if (!exec_arg_int(r, a, 2, numpy ? "num" : "steps", numpy ? 50 : -1, &n) ||
        !exec_arg_bool(r, a, numpy ? 3 : -1, "endpoint", true, &endpoint))
        return NULL;
    (void)exec_arg(a, -1, "device");
    if (!exec_is_number(lo) || !exec_is_number(hi) || n < 0) return exec_fail_at(r, a->at, "linspace() of other than numbers");
    if (n > EXEC_MAX_ELEMS) return exec_fail_as(r, XF_BOUND, (TSNode){0}, "bound: a tensor of more than %d elements", EXEC_MAX_ELEMS);
    ExecDtype d = dt >= 0 ? (ExecDtype)dt : numpy ? XD_F64 : XD_F32;
    if (!exec_dtype_is_float(d)) return exec_fail_as(r, XF_GAP, a->at, "linspace() of an integer dtype");
    int len = (int)n;
    ExecTensor *t = exec_tensor_new(r, d, 1, &len, numpy);
    double x0 = exec_number(lo), x1 = exec_number(hi);
    if (numpy) {
        double div = endpoint ? (double)(n - 1) : (double)n, step = (x1 - x0) / (div > 0 ? div : 1);
        for (int i = 0; t && i < len; i++)
            t->data[i] = exec_round(d, i * step + x0);
        if (t && endpoint && len > 1) t->data[len - 1] = exec_round(d, x1);
        return tv(r, t);
    }
    x0 = exec_round(d, x0);
    x1 = exec_round(d, x1);
    double step = exec_round(d, exec_round(d, x1 - x0) / (double)(n > 1 ? n - 1 : 1));
    for (int i = 0; t && i < len; i++)
        t->data[i] = i < len / 2 ? exec_round(d, x0 + exec_round(d, step * i))
                                 : exec_round(d, x1 - exec_round(d, step * (len - 1 - i)));
    return tv(r, t);
}

static ExecValue *lib_create(ExecRun *r, const char *fn, ExecArgs *a, bool numpy) {
    int dt = exec_lib_dtype(exec_arg(a, -1, "dtype"));
    (void)exec_arg(a, -1, "device");
    (void)exec_arg(a, -1, "requires_grad");
    if (!strcmp(fn, "tensor") || !strcmp(fn, "as_tensor") || !strcmp(fn, "array") || !strcmp(fn, "asarray") ||
        !strcmp(fn, "from_numpy") || !strcmp(fn, "LongTensor") || !strcmp(fn, "FloatTensor")) {
        if (!strcmp(fn, "LongTensor")) dt = XD_INT64;
        if (!strcmp(fn, "FloatTensor")) dt = XD_F32;
        ExecValue *x = exec_arg(a, 0, "data");
        if (x && x->kind == XV_PENDING && !(x = exec_stand_resolve(r, x, "tensor", NULL))) return NULL;
        ExecTensor *t = x ? exec_tensor_from(r, x, dt, numpy && strcmp(fn, "from_numpy")) : NULL;
        if (t && strcmp(fn, "from_numpy")) t->numpy = numpy;
        return t ? tv(r, t) : (r->failed ? NULL : exec_fail_at(r, a->at, "%s() without data", fn));
    }
    if (!strcmp(fn, "linspace")) return k_linspace(r, a, dt, numpy);
    if (!strcmp(fn, "arange")) {
        int64_t v[3] = {0, 0, 1};
        int n = a->npos;
        if (n == 1 && !exec_arg_int(r, a, 0, NULL, 0, &v[1])) return NULL;
        for (int i = 0; n > 1 && i < n && i < 3; i++)
            if (!exec_arg_int(r, a, i, NULL, 0, &v[i])) return NULL;
        if (v[2] <= 0) return exec_fail_at(r, a->at, "arange() with a step of %lld", (long long)v[2]);
        for (int i = 0; i < 2; i++)
            if (v[i] > (1LL << 40) || v[i] < -(1LL << 40)) return exec_fail_at(r, a->at, "arange() bound beyond 2^40");
        int64_t count = v[1] > v[0] ? (v[1] - v[0] - 1) / v[2] + 1 : 0;
        if (count > EXEC_MAX_ELEMS) return exec_fail_as(r, XF_BOUND, (TSNode){0}, "bound: a tensor of more than %d elements", EXEC_MAX_ELEMS);
        int len = (int)count;
        ExecTensor *t = exec_tensor_new(r, dt >= 0 ? (ExecDtype)dt : XD_INT64, 1, &len, numpy);
        for (int i = 0; t && i < len; i++)
            t->data[i] = (double)(v[0] + i * v[2]);
        return tv(r, t);
    }
    bool like = strstr(fn, "_like") != NULL;
    int ndim, shape[EXEC_MAX_DIMS];
    ExecTensor *proto = NULL;
    if (like) {
        if (!(proto = exec_lib_tensor(r, exec_arg(a, 0, "input"), numpy))) return NULL;
        ndim = proto->ndim;
        memcpy(shape, proto->shape, sizeof shape);
        if (dt < 0) dt = (int)proto->dtype;
    } else if (!strcmp(fn, "full")) {
        ExecArgs sub = *a;
        sub.npos = a->npos > 1 ? 1 : a->npos;
        if (!exec_lib_shape(r, &sub, 0, &ndim, shape)) return NULL;
    } else if (!exec_lib_shape(r, a, 0, &ndim, shape)) {
        return NULL;
    }
    double fill = 0;
    if (!strncmp(fn, "ones", 4)) fill = 1;
    if (!strncmp(fn, "full", 4)) {
        ExecValue *fv = exec_arg(a, 1, "fill_value");
        /* a parameter filling an id buffer is the pad id */
        if (fv && fv->kind == XV_PENDING && !(fv = exec_stand_resolve(r, fv, "pad_id", NULL))) return NULL;
        if (fv && fv->kind == XV_TENSOR && fv->t->n == 1) /* a one-element tensor: its value */
            fv = exec_tensor_item(r, fv->t);
        if (!exec_is_number(fv))
            return exec_fail_as(r, fv && fv->kind == XV_NONE ? XF_NONE_ID : XF_OTHER, a->at, "%s() fill value", fn);
        fill = exec_number(fv);
        if (dt < 0 && !like) dt = fv->kind == XV_FLOAT ? (numpy ? XD_F64 : XD_F32) : fv->kind == XV_BOOL ? XD_BOOL : XD_INT64;
    }
    if (dt < 0) dt = numpy ? XD_F64 : XD_F32;
    ExecTensor *t = exec_tensor_new(r, (ExecDtype)dt, ndim, shape, proto ? proto->numpy : numpy);
    for (int i = 0; t && i < t->n; i++)
        t->data[i] = exec_round((ExecDtype)dt, fill);
    return tv(r, t);
}

static bool is_create(const char *fn) {
    static const char *const names[] = {"tensor", "as_tensor", "array", "asarray", "from_numpy", "LongTensor",
                                        "FloatTensor", "arange", "linspace", "zeros", "ones", "full", "empty",
                                        "zeros_like", "ones_like", "full_like", "empty_like"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (!strcmp(fn, names[i])) return true;
    return false;
}

ExecValue *exec_lib_function(ExecRun *r, char family, const char *fn, ExecArgs *a) {
    bool numpy = family == 'n';
    if (family == 'm') return lib_math(r, fn, a);
    if (!strcmp(fn, "inf")) return exec_float(r, INFINITY);
    if (is_create(fn)) return lib_create(r, fn, a, numpy);
    if (!strcmp(fn, "cat") || !strcmp(fn, "concatenate") || !strcmp(fn, "concat")) return k_cat(r, a, false, numpy);
    if (!strcmp(fn, "stack")) return k_cat(r, a, true, numpy);
    if (!strcmp(fn, "pad_sequence") && !numpy) return k_pad_sequence(r, a);
    if (!strcmp(fn, "cross_entropy") || !strcmp(fn, "nll_loss")) return lib_loss(r, a, fn[0] == 'c', numpy);
    if (!strcmp(fn, "kl_div") && family == 't') return lib_kl_div(r, a);
    if (!strcmp(fn, "where")) return k_where(r, a, numpy);
    if (!strcmp(fn, "maximum") || !strcmp(fn, "minimum"))
        return exec_binop(r, fn[1] == 'a' ? "M" : "m", exec_arg(a, 0, NULL), exec_arg(a, 1, NULL), a->at);
    static const struct {
        const char *fn, *op;
    } binops[] = {{"add", "+"}, {"subtract", "-"}, {"sub", "-"}, {"multiply", "*"}, {"mul", "*"},
                  {"divide", "/"}, {"div", "/"}, {"true_divide", "/"}, {"power", "**"}, {"pow", "**"}};
    for (size_t i = 0; i < sizeof binops / sizeof *binops; i++)
        if (!strcmp(fn, binops[i].fn) && a->npos == 2) return exec_binop(r, binops[i].op, a->pos[0], a->pos[1], a->at);
    if ((!strcmp(fn, "equal") && !numpy) || (!strcmp(fn, "array_equal") && numpy)) { /* same shape, same values */
        ExecTensor *x = exec_lib_tensor(r, exec_arg(a, 0, numpy ? "a1" : "input"), numpy);
        ExecTensor *y = x ? exec_lib_tensor(r, exec_arg(a, 1, numpy ? "a2" : "other"), numpy) : NULL;
        if (!y || !exec_work(r, x->n)) return NULL;
        bool same = x->ndim == y->ndim && !memcmp(x->shape, y->shape, (size_t)x->ndim * sizeof *x->shape);
        for (int i = 0; same && i < x->n; i++)
            same = x->data[i] == y->data[i];
        return exec_bool(same);
    }
    ExecValue *laid = exec_layout_function(r, family, fn, a);
    if (laid || r->failed) return laid;
    /* the rest take a tensor first */
    ExecValue *x0 = exec_arg(a, 0, "input");
    if (!x0) x0 = exec_arg(a, -1, "x");
    if (!x0) x0 = exec_arg(a, -1, "a");
    ExecTensor *t = exec_lib_tensor(r, x0, numpy);
    if (!t) return NULL;
    ExecArgs rest = *a; /* the arguments after the tensor, as a method sees them */
    if (a->npos > 0) {
        rest.pos++;
        rest.npos--;
    }
    if (!strcmp(fn, "take_along_dim") || !strcmp(fn, "take_along_axis")) {
        ExecValue *dim = exec_arg(a, 2, fn[11] == 'd' ? "dim" : "axis");
        ExecValue *idx = exec_arg(a, 1, "indices");
        if (!dim) return exec_fail_at(r, a->at, "%s without a dim", fn);
        return k_gather(r, t, dim, idx, a);
    }
    if (!strcmp(fn, "normalize") && family == 't') {
        ExecValue *v = k_normalize(r, t, &rest);
        a->used |= rest.used;
        return v;
    }
    ExecValue *v = exec_lib_tensor_method(r, t, fn, &rest);
    a->used |= rest.used;
    return v;
}

/* ---- tensor methods ---- */

static ExecValue *m_shape_ops(ExecRun *r, ExecTensor *t, const char *fn, ExecArgs *a) {
    if (!strcmp(fn, "view") || !strcmp(fn, "reshape")) {
        int nd, shape[EXEC_MAX_DIMS];
        /* logits.view(-1, vocab_size): the last size of a float tensor whose last dimension is
         * the toy LM's vocabulary, given by a parameter, is the vocabulary's size */
        ExecValue *last = a->npos >= 2 ? a->pos[a->npos - 1] : NULL;
        bool vocab_wide = exec_dtype_is_float(t->dtype) && t->ndim > 0 && t->shape[t->ndim - 1] == exec_stand_start_id(r) + 1;
        if (last && last->kind == XV_PENDING && vocab_wide && !exec_stand_resolve(r, last, "vocab_size", NULL)) return NULL;
        if (!exec_lib_shape(r, a, 0, &nd, shape)) return NULL;
        return tv(r, exec_tensor_reshape(r, t, nd, shape));
    }
    if ((!strcmp(fn, "flatten") && !t->numpy) && t->ndim > 0) { /* torch: dims start_dim..end_dim into one */
        int64_t s0, s1;
        int d0, d1, nd = 0, shape[EXEC_MAX_DIMS];
        if (!exec_arg_int(r, a, 0, "start_dim", 0, &s0) || !exec_arg_int(r, a, 1, "end_dim", -1, &s1) ||
            !exec_norm_dim(r, t->ndim, s0, &d0) || !exec_norm_dim(r, t->ndim, s1, &d1))
            return NULL;
        if (d1 < d0) return exec_fail_at(r, a->at, "flatten() with end_dim before start_dim");
        for (int d = 0; d < t->ndim; d++) {
            if (d > d0 && d <= d1) shape[nd - 1] *= t->shape[d];
            else shape[nd++] = t->shape[d];
        }
        return tv(r, exec_tensor_reshape(r, t, nd, shape));
    }
    if (!strcmp(fn, "flatten") || !strcmp(fn, "ravel")) return tv(r, exec_tensor_reshape(r, t, 1, &t->n));
    if (!strcmp(fn, "unsqueeze") || !strcmp(fn, "expand_dims")) {
        int64_t d;
        if (!exec_arg_int(r, a, 0, fn[0] == 'u' ? "dim" : "axis", 0, &d)) return NULL;
        return tv(r, exec_tensor_unsqueeze(r, t, (int)d));
    }
    if (!strcmp(fn, "squeeze")) {
        int64_t d;
        ExecValue *dv = exec_arg(a, 0, "dim");
        if (!dv) dv = exec_arg(a, -1, "axis");
        if (!dv || dv->kind == XV_NONE) return tv(r, exec_tensor_squeeze(r, t, INT32_MIN));
        if (!exec_as_int(dv, &d)) return exec_fail_at(r, a->at, "squeeze() dim");
        return tv(r, exec_tensor_squeeze(r, t, (int)d));
    }
    if (!strcmp(fn, "t") && t->ndim <= 2) return tv(r, t->ndim == 2 ? exec_tensor_transpose(r, t, 0, 1) : t);
    if (!strcmp(fn, "transpose") || !strcmp(fn, "swapaxes")) {
        int64_t d0, d1;
        int a0, a1;
        if (!exec_arg_int(r, a, 0, "dim0", 0, &d0) || !exec_arg_int(r, a, 1, "dim1", 1, &d1)) return NULL;
        if (!exec_norm_dim(r, t->ndim, d0, &a0) || !exec_norm_dim(r, t->ndim, d1, &a1)) return NULL;
        return tv(r, exec_tensor_transpose(r, t, a0, a1));
    }
    return NULL;
}

static ExecValue *m_convert(ExecRun *r, ExecTensor *t, const char *fn, ExecArgs *a) {
    static const struct {
        const char *fn;
        ExecDtype d;
    } casts[] = {{"float", XD_F32}, {"double", XD_F64}, {"half", XD_F16}, {"bfloat16", XD_BF16},
                 {"long", XD_INT64}, {"bool", XD_BOOL}};
    for (size_t i = 0; i < sizeof casts / sizeof *casts; i++)
        if (!strcmp(fn, casts[i].fn)) return tv(r, exec_tensor_cast(r, t, casts[i].d));
    /* narrower integers: truncated toward zero, then wrapped to the width as torch's casts do
     * (kept as int64 values: arithmetic on them later does not wrap again) */
    static const struct {
        const char *fn;
        int bits;
        bool is_signed;
    } ints[] = {{"int", 32, true}, {"short", 16, true}, {"char", 8, true}, {"byte", 8, false}};
    for (size_t i = 0; i < sizeof ints / sizeof *ints; i++)
        if (!strcmp(fn, ints[i].fn)) {
            ExecTensor *c = exec_tensor_cast(r, t, XD_INT64);
            for (int k = 0; c && k < c->n; k++) {
                uint64_t u = (uint64_t)(int64_t)c->data[k] & ((UINT64_C(1) << ints[i].bits) - 1);
                if (ints[i].is_signed && u >> (ints[i].bits - 1)) c->data[k] = (double)u - (double)(UINT64_C(1) << ints[i].bits);
                else c->data[k] = (double)u;
            }
            return tv(r, c);
        }
    if (!strcmp(fn, "to") || !strcmp(fn, "astype") || !strcmp(fn, "type") || !strcmp(fn, "type_as")) {
        ExecValue *d = exec_arg(a, 0, "dtype");
        (void)exec_arg(a, -1, "device");
        (void)exec_arg(a, -1, "non_blocking");
        if (!strcmp(fn, "type_as") && d && d->kind == XV_TENSOR) return tv(r, exec_tensor_cast(r, t, d->t->dtype));
        int dt = exec_lib_dtype(d);
        if (dt < 0 && exec_arg(a, 1, NULL)) dt = exec_lib_dtype(exec_arg(a, 1, NULL)); /* .to(device, dtype) */
        if (dt < 0) { /* a device: the same values */
            if (d && d->kind != XV_STR && d->kind != XV_LIB && d->kind != XV_PENDING && d->kind != XV_NONE)
                return exec_fail_at(r, a->at, "%s(%s)", fn, exec_kind_name(d));
            return tv(r, t);
        }
        return tv(r, exec_tensor_cast(r, t, (ExecDtype)dt));
    }
    if (!strcmp(fn, "cpu") || !strcmp(fn, "cuda") || !strcmp(fn, "detach") || !strcmp(fn, "contiguous") ||
        !strcmp(fn, "clone") || !strcmp(fn, "copy") || !strcmp(fn, "requires_grad_")) {
        a->used = ~0u;
        if (!strcmp(fn, "clone") || !strcmp(fn, "copy")) return tv(r, exec_tensor_cast(r, t, t->dtype));
        return tv(r, t);
    }
    if (!strcmp(fn, "backward") || !strcmp(fn, "retain_grad")) { /* gradients: no score reads them */
        a->used = ~0u;
        return exec_none();
    }
    if (!strcmp(fn, "numpy")) {
        ExecTensor *n = exec_tensor_cast(r, t, t->dtype);
        if (n) n->numpy = true;
        return tv(r, n);
    }
    if (!strcmp(fn, "item")) return exec_tensor_item(r, t);
    if (!strcmp(fn, "tolist")) return exec_tensor_tolist(r, t);
    if (!strcmp(fn, "size") && !t->numpy) {
        ExecValue *d = exec_arg(a, 0, "dim");
        if (d) {
            int64_t k;
            int dim;
            if (!exec_as_int(d, &k) || !exec_norm_dim(r, t->ndim, k, &dim)) return r->failed ? NULL : exec_fail_at(r, a->at, "size() dim");
            return exec_int(r, t->shape[dim]);
        }
        ExecValue *s = exec_new(r, XV_TUPLE);
        for (int i = 0; s && i < t->ndim; i++)
            if (!exec_seq_push(r, &s->seq, exec_int(r, t->shape[i]))) return NULL;
        return s;
    }
    if (!strcmp(fn, "dim")) return exec_int(r, t->ndim);
    if (!strcmp(fn, "numel") || (!strcmp(fn, "size") && t->numpy)) return exec_int(r, t->n);
    return NULL;
}

/* repeat_interleave(n, dim): each slice along dim repeated n times in place. */
static ExecValue *m_repeat_interleave(ExecRun *r, ExecTensor *t, ExecArgs *a) {
    int64_t n, d;
    if (!exec_arg_int(r, a, 0, "repeats", 1, &n) || !exec_arg_int(r, a, 1, "dim", 0, &d)) return NULL;
    int dim;
    if (!exec_arg(a, 1, "dim")) { /* without dim: over the flattened tensor */
        if (!(t = exec_tensor_reshape(r, t, 1, &t->n))) return NULL;
        d = 0;
    }
    if (!exec_norm_dim(r, t->ndim, d, &dim)) return NULL;
    if (n < 0 || n > EXEC_MAX_ELEMS) return exec_fail_at(r, a->at, "repeat_interleave() of %lld", (long long)n);
    int shape[EXEC_MAX_DIMS], outer = 1, inner = 1, len = t->shape[dim];
    memcpy(shape, t->shape, sizeof shape);
    if ((int64_t)t->n * n > EXEC_MAX_ELEMS) return exec_fail_as(r, XF_BOUND, (TSNode){0}, "bound: a tensor of more than %d elements", EXEC_MAX_ELEMS);
    shape[dim] = (int)(len * n);
    for (int k = 0; k < dim; k++)
        outer *= t->shape[k];
    for (int k = dim + 1; k < t->ndim; k++)
        inner *= t->shape[k];
    ExecTensor *o = exec_tensor_new(r, t->dtype, t->ndim, shape, t->numpy);
    for (int i = 0; o && inner > 0 && i < outer; i++)
        for (int j = 0; j < len * n; j++)
            memcpy(o->data + ((size_t)i * len * n + j) * inner, t->data + ((size_t)i * len + j / n) * inner,
                   (size_t)inner * sizeof *o->data);
    return tv(r, o);
}

/* permute(d0, d1, ...): the axes in the given order. */
static ExecValue *m_permute(ExecRun *r, ExecTensor *t, ExecArgs *a) {
    ExecValue **items = a->pos;
    int n = a->npos;
    if (n == 1 && (a->pos[0]->kind == XV_TUPLE || a->pos[0]->kind == XV_LIST)) {
        items = a->pos[0]->seq.items;
        n = a->pos[0]->seq.n;
    }
    if (n != t->ndim) return exec_fail_at(r, a->at, "permute() of %d axes for %d dimensions", n, t->ndim);
    int perm[EXEC_MAX_DIMS], shape[EXEC_MAX_DIMS], stride[EXEC_MAX_DIMS];
    unsigned seen = 0;
    for (int k = 0; k < n; k++) {
        int64_t d;
        if (!exec_as_int(items[k], &d) || !exec_norm_dim(r, t->ndim, d, &perm[k]) || (seen >> perm[k] & 1u))
            return r->failed ? NULL : exec_fail_at(r, a->at, "permute() axes");
        seen |= 1u << perm[k];
        shape[k] = t->shape[perm[k]];
    }
    for (int k = t->ndim - 1, s = 1; k >= 0; k--) {
        stride[k] = s;
        s *= t->shape[k];
    }
    ExecTensor *o = exec_tensor_new(r, t->dtype, t->ndim, shape, t->numpy);
    for (int i = 0; o && i < o->n; i++) {
        int rest = i, src = 0;
        for (int k = n - 1; k >= 0; k--) {
            src += (rest % shape[k]) * stride[perm[k]];
            rest /= shape[k];
        }
        o->data[i] = t->data[src];
    }
    return tv(r, o);
}

/* narrow(dim, start, length): t[..., start:start+length, ...] */
static ExecValue *m_narrow(ExecRun *r, ExecTensor *t, ExecArgs *a) {
    int64_t d, start, len;
    int dim;
    if (!exec_arg_int(r, a, 0, "dim", 0, &d) || !exec_arg_int(r, a, 1, "start", 0, &start) ||
        !exec_arg_int(r, a, 2, "length", 0, &len) || !exec_norm_dim(r, t->ndim, d, &dim))
        return NULL;
    if (start < 0) start += t->shape[dim];
    if (start < 0 || len < 0 || start + len > t->shape[dim]) return exec_fail_at(r, a->at, "narrow() out of range");
    ExecValue *idx = exec_new(r, XV_TUPLE);
    for (int k = 0; idx && k <= dim; k++) {
        ExecValue *sl = exec_new(r, XV_SLICE);
        if (!sl) return NULL;
        if (k == dim) {
            sl->slice.start = exec_int(r, start);
            sl->slice.stop = exec_int(r, start + len);
        }
        if (!exec_seq_push(r, &idx->seq, sl)) return NULL;
    }
    return idx ? exec_tensor_index(r, t, idx) : NULL;
}

/* new_full(size, fill) / new_zeros(size) / new_ones(size): t's dtype unless dtype= says. */
static ExecValue *m_new(ExecRun *r, ExecTensor *t, const char *fn, ExecArgs *a) {
    ExecArgs sub = *a;
    bool full = !strcmp(fn, "new_full");
    if (full && sub.npos > 1) sub.npos = 1;
    int ndim, shape[EXEC_MAX_DIMS];
    if (!exec_lib_shape(r, &sub, 0, &ndim, shape)) return NULL;
    a->used |= sub.used;
    ExecValue *fv = full ? exec_arg(a, 1, "fill_value") : NULL;
    if (fv && fv->kind == XV_PENDING && !(fv = exec_stand_resolve(r, fv, "pad_id", NULL))) return NULL;
    if (full && !exec_is_number(fv))
        return exec_fail_as(r, fv && fv->kind == XV_NONE ? XF_NONE_ID : XF_OTHER, a->at, "new_full() fill value");
    int dt = exec_lib_dtype(exec_arg(a, -1, "dtype"));
    (void)exec_arg(a, -1, "device");
    ExecTensor *o = exec_tensor_new(r, dt >= 0 ? (ExecDtype)dt : t->dtype, ndim, shape, t->numpy);
    double fill = full ? exec_number(fv) : !strcmp(fn, "new_ones");
    for (int i = 0; o && i < o->n; i++)
        o->data[i] = exec_round(o->dtype, fill);
    return tv(r, o);
}

/* x.log_(), x.div_(y), ...: the operation, written back into x (in x's dtype and shape). */
static ExecValue *m_inplace(ExecRun *r, ExecTensor *t, const char *fn, ExecArgs *a) {
    char base[32];
    size_t n = strlen(fn);
    if (n < 2 || n >= sizeof base || fn[n - 1] != '_' || fn[n - 2] == '_') return NULL;
    memcpy(base, fn, n - 1);
    base[n - 1] = 0;
    static const char *const ok[] = {"add", "sub", "mul", "div", "pow", "exp", "log", "neg", "abs", "sqrt", "clamp"};
    bool known = false;
    for (size_t i = 0; i < sizeof ok / sizeof *ok && !known; i++)
        known = !strcmp(base, ok[i]);
    if (!known) return NULL;
    ExecValue *v = exec_lib_tensor_method(r, t, base, a);
    if (!v) return NULL;
    ExecTensor *c = v->kind == XV_TENSOR ? exec_tensor_cast(r, v->t, t->dtype) : NULL;
    if (!c || c->n != t->n) return r->failed ? NULL : exec_fail_at(r, a->at, "%s() changes the shape", fn);
    if (t->n) memcpy(t->data, c->data, (size_t)t->n * sizeof *t->data);
    return tv(r, t);
}

/* nansum / nanprod (NumPy, torch.nansum): a NaN counts as 0 in a sum and 1 in a product. */
static ExecValue *k_nan_reduce(ExecRun *r, ExecTensor *t, const char *fn, ExecArgs *a) {
    bool prod = !strcmp(fn, "nanprod");
    ExecTensor *c = exec_tensor_cast(r, t, t->dtype);
    for (int i = 0; c && i < c->n; i++)
        if (c->data[i] != c->data[i]) c->data[i] = prod;
    return c ? k_reduce(r, prod ? "prod" : "sum", c, a, 0, true) : NULL;
}

ExecValue *exec_lib_ufunc_reduce(ExecRun *r, const char *ufunc, ExecArgs *a) {
    static const char *const map[][2] = {{"add", "sum"}, {"multiply", "prod"}, {"maximum", "max"}, {"minimum", "min"}};
    const char *fn = NULL;
    for (size_t i = 0; i < sizeof map / sizeof *map; i++)
        if (!strcmp(ufunc, map[i][0])) fn = map[i][1];
    if (!fn) return NULL;
    ExecTensor *t = exec_lib_tensor(r, exec_arg(a, 0, "array"), true);
    ExecValue *ax = exec_arg(a, 1, "axis");
    int64_t d = 0; /* a ufunc reduces along axis 0 unless told */
    int dim = INT32_MIN;
    bool keep;
    if (!t || !arg_keepdim(r, a, -1, &keep)) return NULL;
    if (ax && ax->kind != XV_NONE && !exec_as_int(ax, &d)) return exec_fail_as(r, XF_GAP, a->at, "%s.reduce over several axes", ufunc);
    if ((!ax || ax->kind != XV_NONE) && !exec_norm_dim(r, t->ndim, d, &dim)) return NULL;
    if (t->n == 0 && fn[0] == 'm' && fn[1] != 'e') return exec_fail_at(r, a->at, "%s.reduce of an empty array", ufunc);
    return tv(r, exec_tensor_reduce(r, fn, t, dim, keep));
}

ExecValue *exec_lib_tensor_method(ExecRun *r, ExecTensor *t, const char *fn, ExecArgs *a) {
    if (!strcmp(fn, "nansum") || (!strcmp(fn, "nanprod") && t->numpy)) return k_nan_reduce(r, t, fn, a);
    const char *red = as_reduction(fn);
    if (red) return k_reduce(r, red, t, a, 0, true);
    if (is_elementwise(fn)) return tv(r, exec_tensor_unary(r, fn, t));
    if (!strcmp(fn, "softmax") || !strcmp(fn, "log_softmax")) return k_softmax(r, t, a, 0, fn[0] == 'l');
    if (!strcmp(fn, "gather")) return k_gather(r, t, exec_arg(a, 0, "dim"), exec_arg(a, 1, "index"), a);
    if (!strcmp(fn, "cumsum") || !strcmp(fn, "cumprod")) {
        int dim;
        if (!arg_dim(r, a, 0, t, &dim)) return NULL;
        if (dim == INT32_MIN) {
            ExecTensor *flat = exec_tensor_reshape(r, t, 1, &t->n);
            return flat ? tv(r, exec_tensor_cumulative(r, flat, 0, fn[3] == 'p')) : NULL;
        }
        return tv(r, exec_tensor_cumulative(r, t, dim, fn[3] == 'p'));
    }
    if (!strcmp(fn, "topk")) return k_topk(r, t, a, 0);
    if (!strcmp(fn, "argsort")) return k_argsort(r, t, a);
    if (!strcmp(fn, "clamp") || !strcmp(fn, "clip") || !strcmp(fn, "clamp_min") || !strcmp(fn, "clamp_max")) {
        if (!strcmp(fn, "clamp_max")) {
            ExecValue *hi = exec_arg(a, 0, "max");
            return hi ? exec_binop(r, "m", tv(r, t), hi, a->at) : exec_fail_at(r, a->at, "clamp_max()");
        }
        return k_clamp(r, t, a, 0);
    }
    if (!strcmp(fn, "masked_fill") || !strcmp(fn, "masked_fill_")) {
        ExecTensor *m = exec_lib_tensor(r, exec_arg(a, 0, "mask"), t->numpy);
        ExecValue *fill = exec_arg(a, 1, "value");
        if (!m || !exec_is_number(fill)) return r->failed ? NULL : exec_fail_at(r, a->at, "masked_fill() value");
        ExecValue *out = exec_tensor_where(r, tv(r, m), exec_float(r, exec_number(fill)), tv(r, t));
        if (out && out->kind == XV_TENSOR) out = tv(r, exec_tensor_cast(r, out->t, t->dtype));
        if (out && fn[11] == '_' && out->t->n == t->n) memcpy(t->data, out->t->data, (size_t)t->n * sizeof *t->data);
        return out;
    }
    static const struct {
        const char *fn, *op;
    } binops[] = {{"add", "+"}, {"sub", "-"}, {"mul", "*"}, {"div", "/"}, {"eq", "=="}, {"ne", "!="},
                  {"lt", "<"}, {"gt", ">"}, {"le", "<="}, {"ge", ">="}, {"pow", "**"}, {"__and__", "&"},
                  {"logical_and", "&"}, {"logical_or", "|"}};
    for (size_t i = 0; i < sizeof binops / sizeof *binops; i++)
        if (!strcmp(fn, binops[i].fn)) {
            ExecValue *o = exec_arg(a, 0, "other");
            return o ? exec_binop(r, binops[i].op, tv(r, t), o, a->at) : exec_fail_at(r, a->at, "%s() without an operand", fn);
        }
    if (!strcmp(fn, "logical_not")) return tv(r, exec_tensor_unary(r, "not", t));
    if (!strcmp(fn, "repeat_interleave")) return m_repeat_interleave(r, t, a);
    if (!strcmp(fn, "permute")) return m_permute(r, t, a);
    if (!strcmp(fn, "narrow")) return m_narrow(r, t, a);
    if (!strcmp(fn, "new_full") || !strcmp(fn, "new_zeros") || !strcmp(fn, "new_ones")) return m_new(r, t, fn, a);
    ExecValue *v = m_inplace(r, t, fn, a);
    if (v || r->failed) return v;
    v = exec_layout_method(r, t, fn, a);
    if (v || r->failed) return v;
    v = m_shape_ops(r, t, fn, a);
    if (v || r->failed) return v;
    return m_convert(r, t, fn, a);
}
