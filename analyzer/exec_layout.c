/* exec_layout: tensor kernels that lay a tensor's values out anew for the concrete interpreter:
 * repeat / tile / expand / broadcast_to, matrix products (torch.matmul, mm, bmm, dot, np.dot),
 * F.one_hot, F.pad (constant), triu / tril, torch's chunk / split into pieces, and
 * einops.rearrange of named axes. Each follows the library's
 * shape rules and raises where it raises; values are copied, never recomputed, except the
 * products (summed exactly, rounded once to the dtype). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"

static ExecValue *tv(ExecRun *r, ExecTensor *t) {
    return t ? exec_tensor_value(r, t) : NULL;
}

/* A tensor of shape `shape` (nd >= t->ndim) whose element at idx is t's at idx mod t's size
 * along each axis (t's axes aligned to the right): repeat and tile (a whole multiple of each
 * size), expand and broadcast_to (a size of 1 read at 0). */
static ExecTensor *wrap_to(ExecRun *r, ExecTensor *t, int nd, const int *shape) {
    ExecTensor *o = exec_tensor_new(r, t->dtype, nd, shape, t->numpy);
    int idx[EXEC_MAX_DIMS] = {0}, lead = nd - t->ndim;
    for (int i = 0; o && i < o->n; i++) {
        size_t off = 0;
        for (int d = 0; d < t->ndim; d++)
            off = off * (size_t)t->shape[d] + (size_t)(idx[lead + d] % t->shape[d]);
        o->data[i] = t->data[off];
        exec_index_next(idx, shape, nd);
    }
    return o;
}

/* t.repeat(*sizes) (torch: at least one size per dimension, new ones leading) and tile(reps)
 * (torch.tile, np.tile: the shorter of the two padded with leading 1s). */
static ExecValue *k_repeat(ExecRun *r, ExecTensor *t, ExecArgs *a, bool tile) {
    int n, reps[EXEC_MAX_DIMS], shape[EXEC_MAX_DIMS];
    if (!exec_lib_shape(r, a, 0, &n, reps)) return NULL;
    if (!tile && n < t->ndim)
        return exec_fail_at(r, a->at, "repeat() of %d sizes for a tensor of %d dimensions", n, t->ndim);
    int nd = n > t->ndim ? n : t->ndim;
    for (int d = 0; d < nd; d++) {
        int rep = d - (nd - n) >= 0 ? reps[d - (nd - n)] : 1, j = d - (nd - t->ndim);
        if (rep < 0) return exec_fail_at(r, a->at, "%s() of a negative count", tile ? "tile" : "repeat");
        int64_t s = (int64_t)(j >= 0 ? t->shape[j] : 1) * rep;
        if (s > EXEC_MAX_ELEMS) return exec_fail_as(r, XF_BOUND, (TSNode){0}, "bound: a tensor of more than %d elements", EXEC_MAX_ELEMS);
        shape[d] = (int)s;
    }
    if (t->n == 0) return tv(r, exec_tensor_new(r, t->dtype, nd, shape, t->numpy));
    return tv(r, wrap_to(r, t, nd, shape));
}

/* t.expand(*sizes) / expand_as(o) / broadcast_to(t, shape): a size of 1 stretched, -1 keeping the
 * size (torch only, never for a new leading dimension), any other size the tensor's own. */
static ExecValue *k_expand(ExecRun *r, ExecTensor *t, int n, const int *sizes, bool keep_ok, TSNode at) {
    int shape[EXEC_MAX_DIMS];
    if (n < t->ndim) return exec_fail_at(r, at, "expand() to %d dimensions of a tensor of %d", n, t->ndim);
    for (int d = 0; d < n; d++) {
        int j = d - (n - t->ndim), own = j >= 0 ? t->shape[j] : 1;
        if (sizes[d] == -1 && keep_ok && j >= 0) shape[d] = own;
        else if (sizes[d] < 0) return exec_fail_at(r, at, "expand() to a size of %d", sizes[d]);
        else if (own != 1 && own != sizes[d])
            return exec_fail_at(r, at, "expand() of a dimension of %d to %d", own, sizes[d]);
        else shape[d] = sizes[d];
    }
    return tv(r, wrap_to(r, t, n, shape));
}

/* matmul / mm / bmm / dot: torch's mm wants two matrices, bmm two batches of them, dot two
 * vectors; np.dot is matmul up to two dimensions and a product with a scalar. */
static ExecValue *k_product(ExecRun *r, ExecTensor *t, const char *fn, ExecArgs *a) {
    ExecValue *ov = exec_arg(a, 0, "other");
    if (!ov) ov = exec_arg(a, -1, !strcmp(fn, "mm") || !strcmp(fn, "bmm") ? "mat2" : "b");
    ExecTensor *o = ov ? exec_lib_tensor(r, ov, t->numpy) : NULL;
    if (!o) return r->failed ? NULL : exec_fail_at(r, a->at, "%s() without a second operand", fn);
    int want = !strcmp(fn, "mm") ? 2 : !strcmp(fn, "bmm") ? 3 : !strcmp(fn, "dot") && !t->numpy ? 1 : 0;
    if (want && (t->ndim != want || o->ndim != want))
        return exec_fail_at(r, a->at, "%s() of %d- and %d-dimensional tensors", fn, t->ndim, o->ndim);
    if (!strcmp(fn, "bmm") && t->shape[0] != o->shape[0]) return exec_fail_at(r, a->at, "bmm() of batches of %d and %d", t->shape[0], o->shape[0]);
    if (!strcmp(fn, "dot") && t->numpy) {
        if (t->ndim == 0 || o->ndim == 0) return exec_binop(r, "*", tv(r, t), tv(r, o), a->at);
        /* np.dot sums a's last axis against b's second-to-last: matmul unless b has batches */
        if (o->ndim > 2) return exec_fail_as(r, XF_GAP, a->at, "np.dot with a %d-dimensional second array", o->ndim);
    }
    return tv(r, exec_tensor_matmul(r, t, o));
}

/* torch's F.one_hot(t, num_classes=-1): int64 classes, the largest + 1 when not given, an error
 * for a class outside; jax.nn.one_hot(x, num_classes): float32, a row of zeros outside. */
static ExecValue *k_one_hot(ExecRun *r, ExecTensor *t, ExecArgs *a, bool jax) {
    int64_t c;
    if (!exec_arg_int(r, a, 1, "num_classes", -1, &c)) return NULL;
    int dt = exec_lib_dtype(exec_arg(a, -1, "dtype"));
    if (jax && c < 0) return exec_fail_at(r, a->at, "jax.nn.one_hot without num_classes");
    if (!jax && t->dtype != XD_INT64) return exec_fail_at(r, a->at, "one_hot() of a %s tensor (torch wants int64)", exec_dtype_name(t->dtype));
    if (!jax && dt >= 0) return exec_fail_as(r, XF_GAP, a->at, "unsupported keyword dtype= of one_hot");
    for (int i = 0; !jax && i < t->n; i++) {
        if (t->data[i] < 0) return exec_fail_at(r, a->at, "one_hot(): class values must be non-negative");
        if (c >= 0 && t->data[i] >= (double)c) return exec_fail_at(r, a->at, "one_hot(): class %g not below num_classes %lld", t->data[i], (long long)c);
    }
    if (c < 0) {
        if (t->n == 0) return exec_fail_at(r, a->at, "one_hot() of an empty tensor without num_classes");
        for (int i = 0; i < t->n; i++)
            if (t->data[i] + 1 > (double)c) c = (int64_t)t->data[i] + 1;
    }
    if (t->ndim >= EXEC_MAX_DIMS || c > EXEC_MAX_ELEMS) return exec_fail_as(r, XF_BOUND, (TSNode){0}, "bound: one_hot() of %lld classes", (long long)c);
    int shape[EXEC_MAX_DIMS];
    memcpy(shape, t->shape, sizeof shape);
    shape[t->ndim] = (int)c;
    ExecTensor *o = exec_tensor_new(r, jax ? (dt >= 0 ? (ExecDtype)dt : XD_F32) : XD_INT64, t->ndim + 1, shape, t->numpy);
    for (int i = 0; o && i < t->n; i++) {
        double k = t->data[i];
        if (k >= 0 && k < (double)c && k == (double)(int64_t)k) o->data[(size_t)i * (size_t)c + (size_t)k] = 1;
    }
    return tv(r, o);
}

/* F.pad(x, pad, mode="constant", value=0): pad[2k], pad[2k+1] widen (or, negative, crop) the
 * k-th dimension from the last, at its start and its end; new places hold value in x's dtype. */
static ExecValue *k_pad(ExecRun *r, ExecTensor *t, ExecArgs *a) {
    ExecValue *pv = exec_arg(a, 1, "pad"), *mode = exec_arg(a, 2, "mode"), *fill = exec_arg(a, 3, "value");
    if (!pv || (pv->kind != XV_TUPLE && pv->kind != XV_LIST)) return exec_fail_at(r, a->at, "pad() without a pad tuple");
    if (mode && (mode->kind != XV_STR || mode->str.n != 8 || memcmp(mode->str.s, "constant", 8)))
        return exec_fail_as(r, XF_GAP, a->at, "pad() other than in constant mode");
    if (fill && fill->kind != XV_NONE && !exec_is_number(fill)) return exec_fail_at(r, a->at, "pad() value of a %s", exec_kind_name(fill));
    int n = pv->seq.n;
    if (n % 2 || n / 2 > t->ndim) return exec_fail_at(r, a->at, "pad() of %d sizes for a tensor of %d dimensions", n, t->ndim);
    int lo[EXEC_MAX_DIMS] = {0}, shape[EXEC_MAX_DIMS];
    memcpy(shape, t->shape, sizeof shape);
    for (int k = 0; k < n / 2; k++) {
        int64_t b, e;
        if (!exec_as_int(pv->seq.items[2 * k], &b) || !exec_as_int(pv->seq.items[2 * k + 1], &e))
            return exec_fail_at(r, a->at, "pad() sizes that are not ints");
        int d = t->ndim - 1 - k;
        int64_t s = t->shape[d] + b + e;
        if (s < 0 || s > EXEC_MAX_ELEMS) return exec_fail_at(r, a->at, "pad() to a size of %lld", (long long)s);
        lo[d] = (int)b;
        shape[d] = (int)s;
    }
    ExecTensor *o = exec_tensor_new(r, t->dtype, t->ndim, shape, t->numpy);
    double v = fill && fill->kind != XV_NONE ? exec_round(t->dtype, exec_number(fill)) : 0;
    int idx[EXEC_MAX_DIMS] = {0};
    for (int i = 0; o && i < o->n; i++) {
        size_t off = 0;
        bool inside = true;
        for (int d = 0; d < t->ndim && inside; d++) {
            int c = idx[d] - lo[d];
            inside = c >= 0 && c < t->shape[d];
            off = off * (size_t)t->shape[d] + (size_t)(inside ? c : 0);
        }
        o->data[i] = inside ? t->data[off] : v;
        exec_index_next(idx, shape, t->ndim);
    }
    return tv(r, o);
}

/* triu / tril (torch's diagonal=, NumPy's k=): the last two axes' elements above (on or below)
 * the k-th diagonal kept, the others 0 (a causal mask built as triu(full(-inf), 1)). */
static ExecValue *k_triangle(ExecRun *r, ExecTensor *t, bool upper, ExecArgs *a) {
    int64_t k = 0;
    ExecValue *kv = exec_arg(a, 0, t->numpy ? "k" : "diagonal");
    if (kv && !exec_as_int(kv, &k)) return exec_fail_at(r, a->at, "%s() of a non-integer diagonal", upper ? "triu" : "tril");
    if (t->ndim < 2) return exec_fail_at(r, a->at, "%s() of a tensor of %d dimensions", upper ? "triu" : "tril", t->ndim);
    ExecTensor *o = exec_tensor_new(r, t->dtype, t->ndim, t->shape, t->numpy);
    int rows = t->shape[t->ndim - 2], cols = t->shape[t->ndim - 1];
    for (int e = 0; o && e < t->n; e++) {
        int64_t j = e % cols, i = (e / cols) % rows;
        o->data[e] = (upper ? j - i >= k : j - i <= k) ? t->data[e] : 0.0;
    }
    return tv(r, o);
}

/* t[:, ..., start:stop] along dim: one piece of a chunk or split. */
static ExecValue *piece(ExecRun *r, ExecTensor *t, int dim, int64_t start, int64_t stop) {
    ExecValue *idx = exec_new(r, XV_TUPLE);
    for (int k = 0; idx && k <= dim; k++) {
        ExecValue *sl = exec_new(r, XV_SLICE);
        if (!sl) return NULL;
        if (k == dim) sl->slice.start = exec_int(r, start), sl->slice.stop = exec_int(r, stop);
        if (!exec_seq_push(r, &idx->seq, sl)) return NULL;
    }
    return idx ? exec_tensor_index(r, t, idx) : NULL;
}

/* torch's x.chunk(chunks, dim=0): pieces of ceil(size / chunks) along dim (fewer when they
 * run out); x.split(size, dim=0): pieces of size (the last one shorter), or of each size of a
 * list, which must add up to the axis. A tuple of views, copied here. */
static ExecValue *k_pieces(ExecRun *r, ExecTensor *t, bool chunk, ExecArgs *a) {
    int64_t d, each = 0;
    int dim;
    ExecValue *sizes = chunk ? NULL : exec_arg(a, 0, "split_size");
    bool listed = sizes && (sizes->kind == XV_LIST || sizes->kind == XV_TUPLE);
    if (chunk ? !exec_arg_int(r, a, 0, "chunks", 0, &each) : !listed && !exec_arg_int(r, a, 0, "split_size", 0, &each))
        return NULL;
    if (!exec_arg_int(r, a, 1, "dim", 0, &d) || !exec_norm_dim(r, t->ndim, d, &dim)) return NULL;
    int64_t n = t->shape[dim];
    if (!listed && each <= 0) return exec_fail_at(r, a->at, "%s() into %lld", chunk ? "chunk" : "split", (long long)each);
    if (chunk) each = (n + each - 1) / each;
    ExecValue *all = exec_new(r, XV_TUPLE);
    int64_t start = 0;
    for (int i = 0; all && (listed ? i < sizes->seq.n : start < n || (!i && !n)); i++) {
        int64_t len = each;
        if (listed && !exec_as_int(sizes->seq.items[i], &len)) return exec_fail_at(r, a->at, "split() sizes");
        int64_t stop = listed || start + len < n ? start + len : n;
        if (len < 0 || stop > n) return exec_fail_at(r, a->at, "split() sizes past the axis");
        ExecValue *p = piece(r, t, dim, start, stop);
        if (!p || !exec_seq_push(r, &all->seq, p)) return NULL;
        start = stop;
    }
    if (listed && start != n) return exec_fail_at(r, a->at, "split() sizes that do not add up to the axis");
    return all;
}

ExecValue *exec_layout_method(ExecRun *r, ExecTensor *t, const char *fn, ExecArgs *a) {
    if ((!strcmp(fn, "chunk") || !strcmp(fn, "split")) && !t->numpy) return k_pieces(r, t, fn[0] == 'c', a);
    if (!strcmp(fn, "triu") || !strcmp(fn, "tril")) return k_triangle(r, t, fn[3] == 'u', a);
    if (!strcmp(fn, "repeat") && !t->numpy) return k_repeat(r, t, a, false);
    if (!strcmp(fn, "tile")) return k_repeat(r, t, a, true);
    if (!strcmp(fn, "expand") || !strcmp(fn, "broadcast_to")) {
        int n, sizes[EXEC_MAX_DIMS];
        return exec_lib_shape(r, a, 0, &n, sizes) ? k_expand(r, t, n, sizes, !t->numpy, a->at) : NULL;
    }
    if (!strcmp(fn, "expand_as")) {
        ExecValue *o = exec_arg(a, 0, "other");
        if (!o || o->kind != XV_TENSOR) return exec_fail_at(r, a->at, "expand_as() of other than a tensor");
        return k_expand(r, t, o->t->ndim, o->t->shape, false, a->at);
    }
    if (!strcmp(fn, "matmul") || !strcmp(fn, "mm") || !strcmp(fn, "bmm") || !strcmp(fn, "dot"))
        return k_product(r, t, fn, a);
    return NULL;
}

ExecValue *exec_layout_function(ExecRun *r, char family, const char *fn, ExecArgs *a) {
    bool one_hot = !strcmp(fn, "one_hot"), pad = !strcmp(fn, "pad") && family == 't';
    if (!one_hot && !pad) return NULL;
    ExecValue *x = exec_arg(a, 0, "input");
    if (!x) x = exec_arg(a, -1, one_hot && family == 't' ? "tensor" : "x");
    ExecTensor *t = exec_lib_tensor(r, x, family == 'n');
    if (!t) return NULL;
    return one_hot ? k_one_hot(r, t, a, family == 'n') : k_pad(r, t, a);
}

/* ---- einops ---- */

enum { EIN_MAX_AXES = 8, EIN_MAX_NAME = 16 };

/* One side of an einops pattern: named axes, each in a group (a bare name is a group of its own,
 * "(a b)" one group of two, "()" a group of none, of size 1). */
typedef struct {
    int n, ngroups;
    char name[EIN_MAX_AXES][EIN_MAX_NAME];
    int group[EIN_MAX_AXES];
} EinSide;

static bool ein_parse(const char *s, int len, EinSide *e) {
    bool in = false;
    e->n = e->ngroups = 0;
    for (int i = 0; i < len;) {
        char c = s[i];
        if (c == ' ') {
            i++;
        } else if (c == '(' || c == ')') {
            if (in == (c == '(') || (c == '(' && e->ngroups == EIN_MAX_AXES)) return false;
            in = c == '(';
            e->ngroups += c == ')';
            i++;
        } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_') {
            int j = i;
            while (j < len && ((s[j] >= 'a' && s[j] <= 'z') || (s[j] >= 'A' && s[j] <= 'Z') || s[j] == '_' ||
                               (s[j] >= '0' && s[j] <= '9')))
                j++;
            if (e->n == EIN_MAX_AXES || j - i >= EIN_MAX_NAME || (!in && e->ngroups == EIN_MAX_AXES)) return false;
            memcpy(e->name[e->n], s + i, (size_t)(j - i));
            e->name[e->n][j - i] = 0;
            for (int k = 0; k < e->n; k++)
                if (!strcmp(e->name[k], e->name[e->n])) return false;
            e->group[e->n++] = in ? e->ngroups : e->ngroups++;
            i = j;
        } else {
            return false; /* "...", anonymous sizes: not taken */
        }
    }
    return !in;
}

static int ein_find(const EinSide *e, const char *name) {
    for (int k = 0; k < e->n; k++)
        if (!strcmp(e->name[k], name)) return k;
    return -1;
}

/* The size of each axis of the left side: given as a keyword (a=2), or inferred from the
 * tensor's dimension its group stands for (one unknown per group at most). */
static bool ein_sizes(ExecRun *r, ExecArgs *a, const ExecTensor *t, const EinSide *l, int *size) {
    for (int k = 0; k < l->n; k++) {
        ExecValue *v = exec_arg(a, -1, l->name[k]);
        int64_t s = -1;
        if (v && (!exec_as_int(v, &s) || s < 0 || s > EXEC_MAX_ELEMS)) return exec_fail_at(r, a->at, "einops size %s", l->name[k]) != NULL;
        size[k] = (int)s;
    }
    for (int g = 0; g < l->ngroups; g++) {
        int64_t known = 1;
        int unknown = -1;
        for (int k = 0; k < l->n; k++) {
            if (l->group[k] != g) continue;
            if (size[k] >= 0) known *= size[k];
            else if (unknown >= 0) return exec_fail_at(r, a->at, "einops: two unknown sizes in one group") != NULL;
            else unknown = k;
        }
        if (unknown >= 0) {
            if (known == 0 || t->shape[g] % known) return exec_fail_at(r, a->at, "einops: shape %d not divisible by %lld", t->shape[g], (long long)known) != NULL;
            size[unknown] = (int)(t->shape[g] / known);
        } else if (known != t->shape[g]) {
            return exec_fail_at(r, a->at, "einops: dimension %d of size %d, the pattern says %lld", g, t->shape[g], (long long)known) != NULL;
        }
    }
    return true;
}

/* einops.rearrange(x, "b n c -> (b n) c") and einops.repeat(x, "b n -> b k n", k=3): the named
 * axes of the left split by their given or inferred sizes, put in the right's order (repeat:
 * new ones of the given sizes, read at any index), grouped again. Lists, "..." and anonymous
 * sizes are not taken. */
static ExecValue *k_einops(ExecRun *r, ExecArgs *a, bool repeat) {
    ExecValue *x = exec_arg(a, 0, "tensor"), *pv = exec_arg(a, 1, "pattern");
    if (!x || x->kind != XV_TENSOR || !pv || pv->kind != XV_STR)
        return exec_fail_as(r, XF_GAP, a->at, "einops.%s of other than a tensor and a pattern", repeat ? "repeat" : "rearrange");
    ExecTensor *t = x->t;
    const char *s = pv->str.s, *arrow = NULL;
    for (int i = 0; i + 1 < pv->str.n && !arrow; i++)
        if (s[i] == '-' && s[i + 1] == '>') arrow = s + i;
    EinSide l, rt;
    if (!arrow || !ein_parse(s, (int)(arrow - s), &l) || !ein_parse(arrow + 2, pv->str.n - (int)(arrow + 2 - s), &rt))
        return exec_fail_as(r, XF_GAP, a->at, "einops pattern \"%.*s\"", pv->str.n < 60 ? pv->str.n : 60, s);
    if (l.ngroups != t->ndim) return exec_fail_at(r, a->at, "einops: a pattern of %d dimensions for a tensor of %d", l.ngroups, t->ndim);
    int size[EIN_MAX_AXES], rsize[EIN_MAX_AXES], perm[EIN_MAX_AXES];
    if (!ein_sizes(r, a, t, &l, size)) return NULL;
    for (int k = 0; k < l.n; k++)
        if (ein_find(&rt, l.name[k]) < 0) return exec_fail_at(r, a->at, "einops: axis %s missing on the right", l.name[k]);
    for (int k = 0; k < rt.n; k++) {
        perm[k] = ein_find(&l, rt.name[k]);
        int64_t s2 = -1;
        ExecValue *v = perm[k] < 0 && repeat ? exec_arg(a, -1, rt.name[k]) : NULL;
        if (perm[k] < 0 && (!v || !exec_as_int(v, &s2) || s2 < 0 || s2 > EXEC_MAX_ELEMS))
            return exec_fail_at(r, a->at, "einops: axis %s of no known size", rt.name[k]);
        rsize[k] = perm[k] >= 0 ? size[perm[k]] : (int)s2;
    }
    if (rt.ngroups > EXEC_MAX_DIMS) return exec_fail_at(r, a->at, "einops: more than %d dimensions", EXEC_MAX_DIMS);
    int shape[EXEC_MAX_DIMS];
    for (int g = 0; g < rt.ngroups; g++) {
        int64_t p = 1;
        for (int k = 0; k < rt.n; k++)
            if (rt.group[k] == g && (p *= rsize[k]) > EXEC_MAX_ELEMS)
                return exec_fail_as(r, XF_BOUND, (TSNode){0}, "bound: a tensor of more than %d elements", EXEC_MAX_ELEMS);
        shape[g] = (int)p;
    }
    size_t stride[EIN_MAX_AXES];
    for (int k = l.n - 1, st = 1; k >= 0; k--) {
        stride[k] = (size_t)st;
        st *= size[k];
    }
    ExecTensor *o = exec_tensor_new(r, t->dtype, rt.ngroups, shape, t->numpy);
    for (int i = 0; o && i < o->n; i++) {
        size_t rest = (size_t)i, off = 0;
        for (int k = rt.n - 1; k >= 0; k--) {
            size_t c = rest % (size_t)rsize[k];
            rest /= (size_t)rsize[k];
            if (perm[k] >= 0) off += c * stride[perm[k]];
        }
        o->data[i] = t->data[off];
    }
    return tv(r, o);
}

ExecValue *exec_layout_einops(ExecRun *r, const char *fn, ExecArgs *a) {
    if (!strcmp(fn, "rearrange") || !strcmp(fn, "repeat")) {
        return k_einops(r, a, fn[2] == 'p');
    }
    return NULL;
}
