/* exec_tensor: tensor kernels of the concrete interpreter. Values are stored as doubles, each
 * rounded to the tensor's dtype after every operation (the exact result correctly rounded),
 * so float32 underflows and overflows where torch's float32 does and float64 code stays
 * finite where NumPy's does. Shapes broadcast as in NumPy; dtypes promote as in torch (a
 * Python scalar never widens a tensor's float dtype; int / int is the default float dtype,
 * float32 in torch and float64 in NumPy). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "exec.h"

const char *exec_dtype_name(ExecDtype d) {
    static const char *const names[] = {"bool", "int64", "bfloat16", "float16", "float32",
                                        "float64"};
    return names[d];
}

bool exec_dtype_is_float(ExecDtype d) {
    return d >= XD_BF16;
}

/* Round to nearest even at `bits` of mantissa with exponent range [emin, emax]. */
static double round_to(double v, int bits, int emin, int emax) {
    if (!isfinite(v) || v == 0) return v;
    int e;
    frexp(v, &e); /* v = m * 2^e, 0.5 <= |m| < 1 */
    e -= 1;
    if (e > emax) return v > 0 ? INFINITY : -INFINITY;
    if (e < emin) e = emin; /* subnormal: a fixed quantum */
    double q = ldexp(1.0, e - bits);
    double r = nearbyint(v / q) * q;
    if (fabs(r) >= ldexp(2.0, emax)) return v > 0 ? INFINITY : -INFINITY;
    return r;
}

double exec_round(ExecDtype d, double v) {
    switch (d) {
    case XD_BOOL:
        return v != 0;
    case XD_INT64: /* kept inside int64's range: every later cast to an integer is defined */
        return !isfinite(v) ? 0 : v >= 0x1p63 ? 0x1p63 - 1024 : v < -0x1p63 ? -0x1p63 : trunc(v);
    case XD_BF16:
        return round_to(v, 7, -126, 127);
    case XD_F16:
        return round_to(v, 10, -14, 15);
    case XD_F32:
        return (double)(float)v;
    case XD_F64:
        return v;
    }
    return v;
}

ExecTensor *exec_tensor_new(ExecRun *r, ExecDtype d, int ndim, const int *shape, bool numpy) {
    if (ndim > EXEC_MAX_DIMS) {
        exec_fail(r, "a tensor of more than %d dimensions", EXEC_MAX_DIMS);
        return NULL;
    }
    long n = 1;
    for (int i = 0; i < ndim; i++) {
        if (shape[i] < 0) {
            exec_fail(r, "a negative dimension");
            return NULL;
        }
        n *= shape[i];
        if (n > EXEC_MAX_ELEMS) {
            exec_fail_as(r, XF_BOUND, (TSNode){0}, "bound: a tensor of more than %d elements", EXEC_MAX_ELEMS);
            return NULL;
        }
    }
    if (!exec_work(r, n)) return NULL; /* every kernel writes the tensor it makes */
    ExecTensor *t = exec_alloc(r, sizeof *t);
    double *data = exec_alloc(r, (size_t)(n ? n : 1) * sizeof *data);
    if (!t || !data) return NULL;
    t->dtype = d;
    t->numpy = numpy;
    t->ndim = ndim;
    for (int i = 0; i < ndim; i++)
        t->shape[i] = shape[i];
    t->n = (int)n;
    t->data = data;
    return t;
}

ExecValue *exec_tensor_value(ExecRun *r, ExecTensor *t) {
    if (!t) return NULL;
    ExecValue *v = exec_new(r, XV_TENSOR);
    if (v) v->t = t;
    return v;
}

static ExecDtype default_float(bool numpy) {
    return numpy ? XD_F64 : XD_F32;
}

/* ---- construction from Python values ---- */

static bool infer_shape(ExecRun *r, ExecValue *v, int depth, int *ndim, int *shape,
                        ExecDtype *d) {
    if (v->kind == XV_LIST || v->kind == XV_TUPLE) {
        if (depth >= EXEC_MAX_DIMS) return exec_fail(r, "a nested list too deep for a tensor");
        if (depth == *ndim) {
            shape[depth] = v->seq.n;
            *ndim = depth + 1;
        } else if (shape[depth] != v->seq.n) {
            return exec_fail_as(r, XF_KIND, (TSNode){0}, "a ragged nested list cannot become a tensor");
        }
        for (int i = 0; i < v->seq.n; i++) {
            /* a parameter among the elements ([bos_id] + ids): a token id, bound here */
            if (v->seq.items[i]->kind == XV_PENDING &&
                !(v->seq.items[i] = exec_stand_resolve(r, v->seq.items[i], "token_id", NULL)))
                return false;
            if (!infer_shape(r, v->seq.items[i], depth + 1, ndim, shape, d)) return false;
        }
        return true;
    }
    if (v->kind == XV_TENSOR) {
        for (int i = 0; i < v->t->ndim; i++) {
            if (depth + i >= EXEC_MAX_DIMS) return exec_fail(r, "a tensor too deep");
            if (depth + i == *ndim) {
                shape[depth + i] = v->t->shape[i];
                *ndim = depth + i + 1;
            }
        }
        if (v->t->dtype > *d) *d = v->t->dtype;
        return true;
    }
    if (!exec_is_number(v))
        return exec_fail_as(r, XF_KIND, (TSNode){0}, "a %s cannot become a tensor element", exec_kind_name(v));
    ExecDtype e = v->kind == XV_BOOL ? XD_BOOL : v->kind == XV_INT ? XD_INT64 : XD_F64;
    if (e > *d) *d = e;
    return true;
}

static void fill_flat(ExecValue *v, double *out, int *k) {
    if (v->kind == XV_LIST || v->kind == XV_TUPLE) {
        for (int i = 0; i < v->seq.n; i++)
            fill_flat(v->seq.items[i], out, k);
    } else if (v->kind == XV_TENSOR) {
        for (int i = 0; i < v->t->n; i++)
            out[(*k)++] = v->t->data[i];
    } else {
        out[(*k)++] = exec_number(v);
    }
}

ExecTensor *exec_tensor_from(ExecRun *r, ExecValue *v, int dtype, bool numpy) {
    int ndim = 0, shape[EXEC_MAX_DIMS] = {0};
    ExecDtype d = XD_BOOL;
    if (!infer_shape(r, v, 0, &ndim, shape, &d)) return NULL;
    /* A Python float list is float32 in torch, float64 in NumPy; a tensor keeps its dtype. */
    if (d == XD_F64 && v->kind != XV_TENSOR && !(v->kind == XV_LIST && v->seq.n &&
                                                  v->seq.items[0]->kind == XV_TENSOR))
        d = default_float(numpy);
    if (dtype >= 0) d = (ExecDtype)dtype;
    ExecTensor *t = exec_tensor_new(r, d, ndim, shape, numpy);
    if (!t) return NULL;
    int k = 0;
    fill_flat(v, t->data, &k);
    if (k != t->n) {
        exec_fail_as(r, XF_KIND, (TSNode){0}, "a ragged nested list cannot become a tensor");
        return NULL;
    }
    for (int i = 0; i < t->n; i++)
        t->data[i] = exec_round(d, t->data[i]);
    return t;
}

/* ---- broadcasting binary operators ---- */

static bool broadcast_shape(ExecRun *r, const ExecTensor *a, const ExecTensor *b, int *ndim,
                            int *shape) {
    int n = a->ndim > b->ndim ? a->ndim : b->ndim;
    for (int i = 0; i < n; i++) {
        int da = i < n - a->ndim ? 1 : a->shape[i - (n - a->ndim)];
        int db = i < n - b->ndim ? 1 : b->shape[i - (n - b->ndim)];
        if (da != db && da != 1 && db != 1) {
            exec_fail(r, "shapes do not broadcast (%d vs %d at dimension %d)", da, db, i);
            return false;
        }
        shape[i] = da == 1 ? db : da;
    }
    *ndim = n;
    return true;
}

/* The flat offset in t of the element at multi-index idx of a broadcast result of ndim. */
static int broadcast_offset(const ExecTensor *t, const int *idx, int ndim) {
    int off = 0;
    for (int i = 0; i < t->ndim; i++) {
        int k = idx[ndim - t->ndim + i];
        off = off * t->shape[i] + (t->shape[i] == 1 ? 0 : k);
    }
    return off;
}

void exec_index_next(int *idx, const int *shape, int ndim) {
    for (int i = ndim - 1; i >= 0; i--) {
        if (++idx[i] < shape[i]) return;
        idx[i] = 0;
    }
}

static double apply_op(const char *op, double x, double y) {
    switch (op[0]) {
    case '+':
        return x + y;
    case '-':
        return x - y;
    case '*':
        return op[1] == '*' ? pow(x, y) : x * y;
    case '/':
        return op[1] == '/' ? floor(x / y) : x / y;
    case '%':
        return y == 0 ? NAN : x - floor(x / y) * y;
    case '<':
        return op[1] == '=' ? x <= y : x < y;
    case '>':
        return op[1] == '=' ? x >= y : x > y;
    case '=':
        return x == y;
    case '!':
        return x != y;
    case '&':
        return (x != 0) && (y != 0);
    case '|':
        return (x != 0) || (y != 0);
    case 'M': /* maximum */
        return isnan(x) || isnan(y) ? NAN : x > y ? x : y;
    case 'm': /* minimum */
        return isnan(x) || isnan(y) ? NAN : x < y ? x : y;
    }
    return NAN;
}

static bool op_is_compare(const char *op) {
    return op[0] == '<' || op[0] == '>' || op[0] == '=' || op[0] == '!';
}

/* The result dtype: a tensor operand's dtype wins over a Python scalar of the same category;
 * int / int and int (op) float scalar give the default float. */
static ExecDtype promote(const char *op, const ExecTensor *a, bool a_scalar, const ExecTensor *b,
                         bool b_scalar, bool numpy) {
    if (op_is_compare(op)) return XD_BOOL;
    ExecDtype da = a->dtype, db = b->dtype, d;
    bool fa = exec_dtype_is_float(da), fb = exec_dtype_is_float(db);
    if (a_scalar && !b_scalar)
        d = fa && !fb ? default_float(numpy) : (!fa && da > db) ? da : db;
    else if (b_scalar && !a_scalar)
        d = fb && !fa ? default_float(numpy) : (!fb && db > da) ? db : da;
    else if ((da == XD_BF16 && db == XD_F16) || (da == XD_F16 && db == XD_BF16))
        d = XD_F32;
    else
        d = da > db ? da : db;
    if (op[0] == '/' && op[1] != '/' && !exec_dtype_is_float(d)) d = default_float(numpy);
    if (op[0] == '*' && op[1] == '*' && !exec_dtype_is_float(d) && (fa || fb))
        d = default_float(numpy);
    if ((op[0] == '&' || op[0] == '|') && d == XD_BOOL) d = XD_BOOL;
    return d;
}

static ExecTensor *scalar_tensor(ExecRun *r, ExecValue *v, bool numpy) {
    ExecDtype d = v->kind == XV_BOOL ? XD_BOOL : v->kind == XV_INT ? XD_INT64 : XD_F64;
    ExecTensor *t = exec_tensor_new(r, d, 0, NULL, numpy);
    if (t) t->data[0] = exec_number(v);
    return t;
}

ExecValue *exec_tensor_binop(ExecRun *r, const char *op, ExecValue *av, ExecValue *bv) {
    bool as = av->kind != XV_TENSOR, bs = bv->kind != XV_TENSOR;
    bool numpy = (!as && av->t->numpy) || (!bs && bv->t->numpy);
    if (!as && !bs) numpy = av->t->numpy && bv->t->numpy;
    ExecTensor *a = as ? scalar_tensor(r, av, numpy) : av->t;
    ExecTensor *b = bs ? scalar_tensor(r, bv, numpy) : bv->t;
    if (!a || !b) return NULL;
    int ndim, shape[EXEC_MAX_DIMS];
    if (!broadcast_shape(r, a, b, &ndim, shape)) return NULL;
    ExecDtype d = promote(op, a, as, b, bs, numpy);
    ExecTensor *t = exec_tensor_new(r, d, ndim, shape, numpy);
    if (!t) return NULL;
    int idx[EXEC_MAX_DIMS] = {0};
    /* Operands are rounded to the computation dtype first (a float64 scalar times a float32
     * tensor is a float32 multiplication). */
    ExecDtype cd = op_is_compare(op) ? (a->dtype > b->dtype ? a->dtype : b->dtype) : d;
    for (int i = 0; i < t->n; i++) {
        double x = exec_round(cd, a->data[broadcast_offset(a, idx, ndim)]);
        double y = exec_round(cd, b->data[broadcast_offset(b, idx, ndim)]);
        if (!exec_dtype_is_float(cd) && (op[0] == '/' && op[1] == '/') && y == 0)
            return exec_fail(r, "integer division by zero");
        t->data[i] = exec_round(d, apply_op(op, x, y));
        exec_index_next(idx, shape, ndim);
    }
    return exec_tensor_value(r, t);
}

/* where(c, x, y): x's element where c holds, y's elsewhere, all three broadcast. */
ExecValue *exec_tensor_where(ExecRun *r, ExecValue *cv, ExecValue *xv, ExecValue *yv) {
    bool xs = xv->kind != XV_TENSOR, ys = yv->kind != XV_TENSOR;
    bool numpy = cv->kind == XV_TENSOR && cv->t->numpy;
    ExecTensor *c = cv->kind == XV_TENSOR ? cv->t : exec_tensor_from(r, cv, XD_BOOL, numpy);
    ExecTensor *x = xs ? scalar_tensor(r, xv, numpy) : xv->t;
    ExecTensor *y = ys ? scalar_tensor(r, yv, numpy) : yv->t;
    if (!c || !x || !y) return NULL;
    int nd1, s1[EXEC_MAX_DIMS], nd, shape[EXEC_MAX_DIMS];
    if (!broadcast_shape(r, c, x, &nd1, s1)) return NULL;
    ExecTensor tmp = {.ndim = nd1};
    memcpy(tmp.shape, s1, sizeof s1);
    if (!broadcast_shape(r, &tmp, y, &nd, shape)) return NULL;
    ExecDtype d = promote("+", x, xs, y, ys, numpy);
    ExecTensor *t = exec_tensor_new(r, d, nd, shape, numpy);
    if (!t) return NULL;
    int idx[EXEC_MAX_DIMS] = {0};
    for (int i = 0; i < t->n; i++) {
        bool pick = c->data[broadcast_offset(c, idx, nd)] != 0;
        const ExecTensor *src = pick ? x : y;
        t->data[i] = exec_round(d, src->data[broadcast_offset(src, idx, nd)]);
        exec_index_next(idx, shape, nd);
    }
    return exec_tensor_value(r, t);
}

/* ---- elementwise functions ---- */

ExecTensor *exec_tensor_unary(ExecRun *r, const char *fn, ExecTensor *a) {
    ExecDtype d = a->dtype;
    bool to_float = strcmp(fn, "neg") && strcmp(fn, "abs") && strcmp(fn, "not");
    if (to_float && !exec_dtype_is_float(d)) d = default_float(a->numpy);
    if (!strcmp(fn, "not")) d = XD_BOOL;
    if (!strcmp(fn, "neg") && d == XD_BOOL) {
        exec_fail(r, "negation of a boolean tensor");
        return NULL;
    }
    ExecTensor *t = exec_tensor_new(r, d, a->ndim, a->shape, a->numpy);
    if (!t) return NULL;
    for (int i = 0; i < a->n; i++) {
        double x = a->data[i], y;
        if (!strcmp(fn, "neg")) y = -x;
        else if (!strcmp(fn, "exp")) y = exp(x);
        else if (!strcmp(fn, "log")) y = log(x);
        else if (!strcmp(fn, "log2")) y = log2(x);
        else if (!strcmp(fn, "log10")) y = log10(x);
        else if (!strcmp(fn, "log1p")) y = log1p(x);
        else if (!strcmp(fn, "expm1")) y = expm1(x);
        else if (!strcmp(fn, "abs")) y = fabs(x);
        else if (!strcmp(fn, "sqrt")) y = sqrt(x);
        else if (!strcmp(fn, "sigmoid")) y = 1 / (1 + exp(-x));
        else if (!strcmp(fn, "logsigmoid")) y = x < 0 ? x - log1p(exp(x)) : -log1p(exp(-x)); /* torch's, stable */
        else if (!strcmp(fn, "not")) y = x == 0;
        else if (!strcmp(fn, "floor")) y = floor(x);
        else if (!strcmp(fn, "round")) y = nearbyint(x);
        else if (!strcmp(fn, "isnan")) y = isnan(x);
        else if (!strcmp(fn, "isinf")) y = isinf(x);
        else if (!strcmp(fn, "isfinite")) y = isfinite(x);
        else {
            exec_fail_as(r, XF_GAP, (TSNode){0}, "unsupported elementwise function %s", fn);
            return NULL;
        }
        t->data[i] = exec_round(d, y);
    }
    if (!strncmp(fn, "is", 2)) t->dtype = XD_BOOL;
    return t;
}

bool exec_norm_dim(ExecRun *r, int ndim, int64_t dim, int *out) {
    int n = ndim ? ndim : 1;
    if (dim < -n || dim >= n) {
        exec_fail(r, "dimension %lld out of range for a %d-dimensional tensor", (long long)dim,
                  ndim);
        return false;
    }
    *out = (int)(dim < 0 ? dim + n : dim);
    return true;
}

/* Splits a shape around dim: outer * len * inner. */
static void split_dims(const ExecTensor *a, int dim, int *outer, int *len, int *inner) {
    *outer = 1;
    *inner = 1;
    for (int i = 0; i < dim; i++)
        *outer *= a->shape[i];
    for (int i = dim + 1; i < a->ndim; i++)
        *inner *= a->shape[i];
    *len = a->ndim ? a->shape[dim] : 1;
}

static double reduce_line(const char *fn, const double *x, int len, int stride, ExecDtype d) {
    if (!strcmp(fn, "sum") || !strcmp(fn, "mean")) {
        double s = 0;
        for (int i = 0; i < len; i++)
            s += x[i * stride];
        return fn[0] == 'm' ? exec_round(d, s) / len : s;
    }
    if (!strcmp(fn, "prod")) {
        /* Multiplied in the dtype, factor by factor: an underflow to 0 happens as it would. */
        double p = 1;
        for (int i = 0; i < len; i++)
            p = exec_round(d, p * x[i * stride]);
        return p;
    }
    if (!strcmp(fn, "logsumexp")) {
        double m = -INFINITY;
        for (int i = 0; i < len; i++)
            if (x[i * stride] > m) m = x[i * stride];
        if (!isfinite(m)) return m;
        double s = 0;
        for (int i = 0; i < len; i++)
            s += exp(x[i * stride] - m);
        return m + log(s);
    }
    if (!strcmp(fn, "any") || !strcmp(fn, "all")) {
        bool any = fn[1] == 'n';
        for (int i = 0; i < len; i++)
            if ((x[i * stride] != 0) == any) return any;
        return !any;
    }
    /* max min argmax argmin: NaN propagates and is the argmax, as in torch and NumPy. */
    bool want_max = strstr(fn, "max") != NULL, arg = fn[0] == 'a';
    int best = 0;
    for (int i = 0; i < len; i++) {
        double v = x[i * stride], b = x[best * stride];
        if (isnan(b)) break;
        if (isnan(v) || (want_max ? v > b : v < b)) best = i;
    }
    return arg ? best : x[best * stride];
}

ExecTensor *exec_tensor_reduce(ExecRun *r, const char *fn, ExecTensor *a, int dim, bool keepdim) {
    bool arg = fn[0] == 'a' && fn[1] == 'r';
    ExecDtype d = arg                                                          ? XD_INT64
                  : (!strcmp(fn, "any") || !strcmp(fn, "all"))                 ? XD_BOOL
                  : (!strcmp(fn, "sum") || !strcmp(fn, "prod")) && a->dtype == XD_BOOL ? XD_INT64
                                                                               : a->dtype;
    if ((!strcmp(fn, "mean") || !strcmp(fn, "logsumexp")) && !exec_dtype_is_float(d))
        d = default_float(a->numpy);
    if (a->n == 0 && strcmp(fn, "sum") && strcmp(fn, "prod")) {
        exec_fail(r, "%s of an empty tensor", fn);
        return NULL;
    }
    if (!exec_work(r, a->n)) return NULL; /* it reads more than it makes */
    if (dim == INT32_MIN && exec_dtype_is_float(a->dtype)) { /* over every axis: rows and columns alike */
        int wide = 0;
        for (int k = 0; k < a->ndim; k++)
            wide += a->shape[k] > 1;
        r->whole_reduced |= wide >= 2;
    }
    if (dim == INT32_MIN) { /* over everything */
        int shape[EXEC_MAX_DIMS];
        for (int i = 0; i < a->ndim; i++)
            shape[i] = 1;
        ExecTensor *t = exec_tensor_new(r, d, keepdim ? a->ndim : 0, shape, a->numpy);
        if (!t) return NULL;
        ExecDtype cd = exec_dtype_is_float(a->dtype) ? a->dtype : d;
        t->data[0] = exec_round(d, a->n ? reduce_line(fn, a->data, a->n, 1, cd)
                                        : !strcmp(fn, "prod"));
        return t;
    }
    int outer, len, inner;
    split_dims(a, dim, &outer, &len, &inner);
    int shape[EXEC_MAX_DIMS], nd = 0;
    for (int i = 0; i < a->ndim; i++)
        if (i != dim || keepdim) shape[nd++] = i == dim ? 1 : a->shape[i];
    ExecTensor *t = exec_tensor_new(r, d, nd, shape, a->numpy);
    if (!t) return NULL;
    ExecDtype cd = exec_dtype_is_float(a->dtype) ? a->dtype : d;
    for (int o = 0; o < outer; o++)
        for (int i = 0; i < inner; i++) {
            const double *x = a->data + (size_t)o * len * inner + i;
            t->data[o * inner + i] =
                exec_round(d, len ? reduce_line(fn, x, len, inner, cd) : !strcmp(fn, "prod"));
        }
    return t;
}

ExecTensor *exec_tensor_softmax(ExecRun *r, ExecTensor *a, int dim, bool log_) {
    ExecDtype d = exec_dtype_is_float(a->dtype) ? a->dtype : default_float(a->numpy);
    ExecTensor *t = exec_tensor_new(r, d, a->ndim, a->shape, a->numpy);
    if (!t) return NULL;
    int outer, len, inner;
    split_dims(a, dim, &outer, &len, &inner);
    for (int o = 0; o < outer; o++)
        for (int i = 0; i < inner; i++) {
            const double *x = a->data + (size_t)o * len * inner + i;
            double *y = t->data + (size_t)o * len * inner + i;
            double lz = reduce_line("logsumexp", x, len, inner, d);
            for (int k = 0; k < len; k++) {
                double v = x[k * inner] - lz;
                y[k * inner] = exec_round(d, log_ ? v : exp(v));
            }
        }
    return t;
}

ExecTensor *exec_tensor_cumulative(ExecRun *r, ExecTensor *a, int dim, bool product) {
    ExecDtype d = a->dtype == XD_BOOL ? XD_INT64 : a->dtype;
    ExecTensor *t = exec_tensor_new(r, d, a->ndim, a->shape, a->numpy);
    if (!t) return NULL;
    int outer, len, inner;
    split_dims(a, dim, &outer, &len, &inner);
    for (int o = 0; o < outer; o++)
        for (int i = 0; i < inner; i++) {
            double acc = product ? 1 : 0;
            for (int k = 0; k < len; k++) {
                size_t off = (size_t)o * len * inner + (size_t)k * inner + i;
                acc = exec_round(d, product ? acc * a->data[off] : acc + a->data[off]);
                t->data[off] = acc;
            }
        }
    return t;
}

/* torch.gather / take_along_axis: out[..., j, ...] = a[..., idx[..., j, ...], ...] along dim. */
ExecTensor *exec_tensor_gather(ExecRun *r, ExecTensor *a, int dim, ExecTensor *idx) {
    if (idx->ndim != a->ndim) {
        exec_fail(r, "gather: index has %d dimensions, input %d", idx->ndim, a->ndim);
        return NULL;
    }
    if (exec_dtype_is_float(idx->dtype)) {
        exec_fail(r, "gather: the index is not an integer tensor");
        return NULL;
    }
    ExecTensor *t = exec_tensor_new(r, a->dtype, idx->ndim, idx->shape, a->numpy);
    if (!t) return NULL;
    int pos[EXEC_MAX_DIMS] = {0};
    for (int i = 0; i < idx->n; i++) {
        int off = 0;
        for (int k = 0; k < a->ndim; k++) {
            int c = pos[k];
            if (k == dim) {
                long v = (long)idx->data[i];
                if (v < 0) v += a->shape[k];
                if (v < 0 || v >= a->shape[k]) {
                    exec_fail(r, "gather: index %ld out of range for size %d", (long)idx->data[i],
                              a->shape[k]);
                    return NULL;
                }
                c = (int)v;
            } else if (c >= a->shape[k]) {
                exec_fail(r, "gather: index shape exceeds the input's at dimension %d", k);
                return NULL;
            }
            off = off * a->shape[k] + c;
        }
        t->data[i] = a->data[off];
        exec_index_next(pos, idx->shape, idx->ndim);
    }
    return t;
}

/* ---- shapes ---- */

ExecTensor *exec_tensor_reshape(ExecRun *r, ExecTensor *a, int ndim, const int *shape) {
    int s[EXEC_MAX_DIMS], infer = -1;
    long n = 1;
    if (ndim > EXEC_MAX_DIMS) {
        exec_fail(r, "reshape to more than %d dimensions", EXEC_MAX_DIMS);
        return NULL;
    }
    for (int i = 0; i < ndim; i++) {
        s[i] = shape[i];
        if (s[i] == -1 && infer < 0) infer = i;
        else if (s[i] < 0) {
            exec_fail(r, "reshape: invalid size %d", s[i]);
            return NULL;
        } else n *= s[i];
    }
    if (infer >= 0) {
        if (n == 0 || a->n % n) {
            exec_fail(r, "reshape: cannot infer a size");
            return NULL;
        }
        s[infer] = (int)(a->n / n);
        n *= s[infer];
    }
    if (n != a->n) {
        exec_fail(r, "reshape: %d elements into %ld", a->n, n);
        return NULL;
    }
    ExecTensor *t = exec_tensor_new(r, a->dtype, ndim, s, a->numpy);
    if (t) memcpy(t->data, a->data, (size_t)a->n * sizeof *t->data);
    return t;
}

ExecTensor *exec_tensor_unsqueeze(ExecRun *r, ExecTensor *a, int dim) {
    int s[EXEC_MAX_DIMS + 1], d;
    if (!exec_norm_dim(r, a->ndim + 1, dim, &d)) return NULL;
    for (int i = 0, k = 0; i <= a->ndim; i++)
        s[i] = i == d ? 1 : a->shape[k++];
    return exec_tensor_reshape(r, a, a->ndim + 1, s);
}

ExecTensor *exec_tensor_squeeze(ExecRun *r, ExecTensor *a, int dim) {
    int s[EXEC_MAX_DIMS], n = 0, d = -1;
    if (dim != INT32_MIN && !exec_norm_dim(r, a->ndim, dim, &d)) return NULL;
    for (int i = 0; i < a->ndim; i++)
        if (!(a->shape[i] == 1 && (d < 0 || i == d))) s[n++] = a->shape[i];
    return exec_tensor_reshape(r, a, n, s);
}

ExecTensor *exec_tensor_cast(ExecRun *r, ExecTensor *a, ExecDtype d) {
    ExecTensor *t = exec_tensor_new(r, d, a->ndim, a->shape, a->numpy);
    if (!t) return NULL;
    for (int i = 0; i < a->n; i++)
        t->data[i] = exec_round(d, a->data[i]);
    return t;
}

ExecTensor *exec_tensor_transpose(ExecRun *r, ExecTensor *a, int d0, int d1) {
    int s[EXEC_MAX_DIMS];
    for (int i = 0; i < a->ndim; i++)
        s[i] = a->shape[i];
    s[d0] = a->shape[d1];
    s[d1] = a->shape[d0];
    ExecTensor *t = exec_tensor_new(r, a->dtype, a->ndim, s, a->numpy);
    if (!t) return NULL;
    int idx[EXEC_MAX_DIMS] = {0};
    for (int i = 0; i < t->n; i++) {
        int off = 0;
        for (int k = 0; k < a->ndim; k++) {
            int c = k == d0 ? idx[d1] : k == d1 ? idx[d0] : idx[k];
            off = off * a->shape[k] + c;
        }
        t->data[i] = a->data[off];
        exec_index_next(idx, s, a->ndim);
    }
    return t;
}

ExecTensor *exec_tensor_cat(ExecRun *r, ExecTensor **parts, int n, int dim, bool stack) {
    if (n == 0) {
        exec_fail(r, "cat of no tensors");
        return NULL;
    }
    ExecTensor *first = parts[0];
    int nd = first->ndim + (stack ? 1 : 0), d;
    if (!exec_norm_dim(r, nd, dim, &d)) return NULL;
    ExecDtype dt = first->dtype;
    int s[EXEC_MAX_DIMS + 1];
    for (int i = 0, k = 0; i < nd; i++) /* the length along d is summed over the parts below */
        s[i] = stack && i == d ? 0 : i == d ? (k++, 0) : first->shape[k++];
    for (int p = 0; p < n; p++) {
        ExecTensor *x = parts[p];
        if (x->ndim != first->ndim) {
            exec_fail(r, "cat/stack of tensors of different dimensions");
            return NULL;
        }
        for (int i = 0; i < x->ndim; i++)
            if (x->shape[i] != first->shape[i] && (stack || i != d)) {
                exec_fail(r, "cat/stack of tensors of different shapes");
                return NULL;
            }
        s[d] += stack ? 1 : x->shape[d];
        if (x->dtype > dt) dt = x->dtype;
    }
    ExecTensor *t = exec_tensor_new(r, dt, nd, s, first->numpy);
    if (!t) return NULL;
    /* outer blocks before d, each part contributing its slab */
    int outer = 1;
    for (int i = 0; i < d; i++)
        outer *= s[i];
    int k = 0;
    for (int o = 0; o < outer; o++)
        for (int p = 0; p < n; p++) {
            ExecTensor *x = parts[p];
            int slab = x->n / (outer ? outer : 1);
            for (int i = 0; i < slab; i++)
                t->data[k++] = exec_round(dt, x->data[(size_t)o * slab + i]);
        }
    return t;
}

/* matmul(a, b) as torch.matmul and np.matmul: a 1-d a gets a dimension prepended and a 1-d b one
 * appended, each dropped from the result; the dimensions before the last two broadcast. Each
 * element is the exact sum of its products rounded once to the dtype (as sum() is). torch raises
 * for operands of two dtypes and has no bool matmul; NumPy promotes. */
ExecTensor *exec_tensor_matmul(ExecRun *r, ExecTensor *a, ExecTensor *b) {
    if (a->ndim == 0 || b->ndim == 0) return exec_fail(r, "matmul of a 0-dimensional tensor"), NULL;
    bool numpy = a->numpy && b->numpy;
    if (!numpy && a->dtype != b->dtype)
        return exec_fail(r, "matmul of %s and %s (torch expects one dtype)", exec_dtype_name(a->dtype),
                         exec_dtype_name(b->dtype)), NULL;
    if (a->dtype == XD_BOOL || b->dtype == XD_BOOL) return exec_fail(r, "matmul of bool tensors"), NULL;
    int an = a->ndim, bn = b->ndim;
    int m = an == 1 ? 1 : a->shape[an - 2], k = a->shape[an - 1];
    int kb = bn == 1 ? b->shape[0] : b->shape[bn - 2], nc = bn == 1 ? 1 : b->shape[bn - 1];
    if (k != kb) return exec_fail(r, "matmul: inner dimensions %d and %d differ", k, kb), NULL;
    int ab = an > 2 ? an - 2 : 0, bb = bn > 2 ? bn - 2 : 0, nb = ab > bb ? ab : bb;
    int shape[EXEC_MAX_DIMS], nd = 0, batches = 1;
    for (int i = 0; i < nb; i++) {
        int x = i >= nb - ab ? a->shape[i - (nb - ab)] : 1, y = i >= nb - bb ? b->shape[i - (nb - bb)] : 1;
        if (x != y && x != 1 && y != 1) return exec_fail(r, "matmul: batch dimensions %d and %d differ", x, y), NULL;
        shape[nd++] = x == 1 ? y : x;
        batches *= shape[nd - 1];
    }
    if (an > 1) shape[nd++] = m;
    if (bn > 1) shape[nd++] = nc;
    ExecDtype d = a->dtype > b->dtype ? a->dtype : b->dtype;
    if (!exec_work(r, (long)batches * m * nc * k)) return NULL;
    ExecTensor *t = exec_tensor_new(r, d, nd, shape, numpy);
    int idx[EXEC_MAX_DIMS] = {0};
    for (int p = 0; t && p < batches; p++) {
        size_t ao = 0, bo = 0; /* the batch's matrices in a and b, broadcast dimensions read at 0 */
        for (int i = 0; i < nb; i++) {
            if (i >= nb - ab) {
                int s = a->shape[i - (nb - ab)];
                ao = ao * (size_t)s + (size_t)(s == 1 ? 0 : idx[i]);
            }
            if (i >= nb - bb) {
                int s = b->shape[i - (nb - bb)];
                bo = bo * (size_t)s + (size_t)(s == 1 ? 0 : idx[i]);
            }
        }
        ao *= (size_t)m * k;
        bo *= (size_t)k * nc;
        for (int i = 0; i < m; i++)
            for (int j = 0; j < nc; j++) {
                double s = 0;
                for (int l = 0; l < k; l++)
                    s += a->data[ao + (size_t)i * k + l] * b->data[bo + (size_t)l * nc + j];
                t->data[((size_t)p * m + i) * nc + j] = exec_round(d, s);
            }
        exec_index_next(idx, shape, nb);
    }
    return t;
}

/* ---- tolist / item ---- */

static ExecValue *scalar_of(ExecRun *r, ExecDtype d, double v) {
    if (d == XD_BOOL) return exec_bool(v != 0);
    if (d == XD_INT64) return exec_int(r, (int64_t)v);
    return exec_float(r, v);
}

ExecValue *exec_tensor_item(ExecRun *r, ExecTensor *a) {
    if (a->n != 1) return exec_fail(r, "item() of a tensor of %d elements", a->n);
    return scalar_of(r, a->dtype, a->data[0]);
}

static ExecValue *tolist_at(ExecRun *r, ExecTensor *a, int dim, int *off) {
    if (dim == a->ndim) return scalar_of(r, a->dtype, a->data[(*off)++]);
    ExecValue *l = exec_new(r, XV_LIST);
    if (!l) return NULL;
    for (int i = 0; i < a->shape[dim]; i++)
        if (!exec_seq_push(r, &l->seq, tolist_at(r, a, dim + 1, off))) return NULL;
    return l;
}

ExecValue *exec_tensor_tolist(ExecRun *r, ExecTensor *a) {
    int off = 0;
    return tolist_at(r, a, 0, &off);
}
