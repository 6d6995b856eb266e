/* exec_index: x[index] and x[index] = v for tensors, with NumPy's rules: ints, slices, None,
 * Ellipsis, integer arrays (broadcast together; placed where the first one is when they are
 * adjacent, in front otherwise; an int then counts as a 0-d array) and boolean masks. */
#include <stdint.h>
#include <stdlib.h>

#include "exec.h"

enum { IX_MAX = 16 };

typedef enum { IX_INT, IX_SLICE, IX_NEW, IX_ADV } IxKind;

typedef struct {
    IxKind kind;
    int dim;                /* the input dimension it consumes (-1: none) */
    int start, step, len;   /* IX_SLICE; IX_INT: start */
    ExecTensor *adv;        /* IX_ADV: the integer index (broadcast later) */
} IxItem;

typedef struct {
    IxItem it[IX_MAX];
    int n;
    int adv_ndim, adv_shape[EXEC_MAX_DIMS];
    bool has_adv, adv_front;
    int out_ndim, out_shape[EXEC_MAX_DIMS];
} IxPlan;

/* A slice of a dimension of `size`: positive steps, and negative ones on NumPy arrays (x[::-1],
 * with Python's defaults and clamping; torch refuses them). */
static bool ix_slice(ExecRun *r, ExecValue *s, int size, IxItem *it, bool numpy) {
    int64_t step = 1, start, stop;
    if (s->slice.step && s->slice.step->kind != XV_NONE && !exec_as_int(s->slice.step, &step)) {
        exec_fail(r, "a slice step that is not an integer");
        return false;
    }
    if (step == 0 || (step < 0 && !numpy) || step < -((int64_t)1 << 30)) {
        exec_fail(r, "a slice step of %lld (tensors take positive steps only)", (long long)step);
        return false;
    }
    if (step < 0) {
        bool has_start = s->slice.start && s->slice.start->kind != XV_NONE;
        bool has_stop = s->slice.stop && s->slice.stop->kind != XV_NONE;
        if ((has_start && !exec_as_int(s->slice.start, &start)) || (has_stop && !exec_as_int(s->slice.stop, &stop))) {
            exec_fail(r, "a slice bound that is not an integer");
            return false;
        }
        start = !has_start ? size - 1 : start < 0 ? start + size : start;
        stop = !has_stop ? -1 : stop < 0 ? stop + size : stop;
        if (start > size - 1) start = size - 1;
        if (stop < -1) stop = -1;
        *it = (IxItem){.kind = IX_SLICE, .dim = it->dim, .start = (int)start, .step = (int)step,
                       .len = start > stop ? (int)((start - stop - 1) / -step + 1) : 0};
        return true;
    }
    bool has_start = s->slice.start && s->slice.start->kind != XV_NONE;
    bool has_stop = s->slice.stop && s->slice.stop->kind != XV_NONE;
    if ((has_start && !exec_as_int(s->slice.start, &start)) ||
        (has_stop && !exec_as_int(s->slice.stop, &stop))) {
        exec_fail(r, "a slice bound that is not an integer");
        return false;
    }
    if (!has_start) start = 0;
    if (!has_stop) stop = size;
    if (start < 0) start += size;
    if (stop < 0) stop += size;
    if (start < 0) start = 0;
    if (stop > size) stop = size;
    if (start > size) start = size;
    int len = stop > start ? (int)((stop - start - 1) / step + 1) : 0;
    it->kind = IX_SLICE;
    it->start = (int)start;
    it->step = (int)step;
    it->len = len;
    return true;
}

/* A boolean mask over k dimensions becomes k integer index arrays (its true coordinates). */
static int ix_mask(ExecRun *r, ExecTensor *m, IxItem *out, int room, int first_dim) {
    if (m->ndim > room) {
        exec_fail(r, "too many indices");
        return -1;
    }
    int count = 0;
    for (int i = 0; i < m->n; i++)
        count += m->data[i] != 0;
    for (int k = 0; k < m->ndim; k++) {
        int shape[1] = {count};
        out[k].kind = IX_ADV;
        out[k].dim = first_dim + k;
        out[k].adv = exec_tensor_new(r, XD_INT64, 1, shape, m->numpy);
        if (!out[k].adv) return -1;
    }
    int pos[EXEC_MAX_DIMS] = {0}, j = 0;
    for (int i = 0; i < m->n; i++) {
        if (m->data[i] != 0) {
            for (int k = 0; k < m->ndim; k++)
                out[k].adv->data[j] = pos[k];
            j++;
        }
        for (int k = m->ndim - 1; k >= 0; k--) {
            if (++pos[k] < m->shape[k]) break;
            pos[k] = 0;
        }
    }
    return m->ndim;
}

static bool ix_is_ellipsis(ExecValue *v) {
    return v->kind == XV_LIB && !strcmp(v->lib.qual, "Ellipsis");
}

static int ix_consumes(ExecValue *v) {
    if (v->kind == XV_NONE || ix_is_ellipsis(v)) return 0;
    if (v->kind == XV_TENSOR && v->t->dtype == XD_BOOL) return v->t->ndim;
    return 1;
}

static bool ix_plan(ExecRun *r, ExecTensor *a, ExecValue *index, IxPlan *p) {
    ExecValue *one[1] = {index};
    ExecValue **items = one;
    int n = 1;
    if (index->kind == XV_TUPLE) {
        items = index->seq.items;
        n = index->seq.n;
    }
    int used = 0;
    for (int i = 0; i < n; i++)
        used += ix_consumes(items[i]);
    if (used > a->ndim) return exec_fail(r, "too many indices for a tensor of dimension %d",
                                         a->ndim) != NULL;
    memset(p, 0, sizeof *p);
    int dim = 0;
    for (int i = 0; i < n; i++) {
        ExecValue *v = items[i];
        if (p->n + EXEC_MAX_DIMS >= IX_MAX) return exec_fail(r, "too many indices") != NULL;
        if (ix_is_ellipsis(v)) {
            for (int k = 0; k < a->ndim - used; k++) {
                ExecValue all = {.kind = XV_SLICE};
                IxItem *it = &p->it[p->n++];
                it->dim = dim;
                if (!ix_slice(r, &all, a->shape[dim], it, a->numpy)) return false;
                dim++;
            }
            continue;
        }
        if (v->kind == XV_NONE) {
            p->it[p->n++] = (IxItem){.kind = IX_NEW, .dim = -1};
            continue;
        }
        IxItem *it = &p->it[p->n];
        it->dim = dim;
        if (v->kind == XV_SLICE) {
            if (!ix_slice(r, v, a->shape[dim], it, a->numpy)) return false;
            p->n++;
            dim++;
            continue;
        }
        int64_t k;
        if ((v->kind == XV_INT || (v->kind == XV_TENSOR && v->t->ndim == 0 &&
                                   !exec_dtype_is_float(v->t->dtype) && v->t->dtype != XD_BOOL)) &&
            exec_as_int(v, &k)) {
            if (k < 0) k += a->shape[dim];
            if (k < 0 || k >= a->shape[dim])
                return exec_fail(r, "index %lld out of range for size %d", (long long)k,
                                 a->shape[dim]) != NULL;
            it->kind = IX_INT;
            it->start = (int)k;
            p->n++;
            dim++;
            continue;
        }
        ExecTensor *t = v->kind == XV_TENSOR ? v->t
                        : (v->kind == XV_LIST) ? exec_tensor_from(r, v, -1, a->numpy)
                                               : NULL;
        if (!t) return exec_fail(r, "an index of type %s", exec_kind_name(v)) != NULL;
        if (t->dtype == XD_BOOL) {
            int k2 = ix_mask(r, t, &p->it[p->n], a->ndim - dim, dim);
            if (k2 < 0) return false;
            for (int j = 0; j < k2; j++)
                if (t->shape[j] != a->shape[dim + j])
                    return exec_fail(r, "a boolean mask of the wrong shape") != NULL;
            p->n += k2;
            dim += k2;
            continue;
        }
        if (exec_dtype_is_float(t->dtype)) return exec_fail(r, "a float tensor as an index") != NULL;
        it->kind = IX_ADV;
        it->adv = t;
        p->n++;
        dim++;
    }
    for (; dim < a->ndim; dim++) { /* trailing dimensions are kept whole */
        if (p->n >= IX_MAX) return exec_fail(r, "too many indices") != NULL;
        ExecValue all = {.kind = XV_SLICE};
        IxItem *it = &p->it[p->n++];
        it->dim = dim;
        if (!ix_slice(r, &all, a->shape[dim], it, a->numpy)) return false;
    }
    /* Advanced indices: broadcast shape, and whether they are adjacent. */
    int first = -1, last = -1;
    for (int i = 0; i < p->n; i++)
        if (p->it[i].kind == IX_ADV) {
            p->has_adv = true;
            if (first < 0) first = i;
            last = i;
        }
    if (p->has_adv) {
        for (int i = 0; i < p->n; i++) { /* an int among arrays is a 0-d array */
            if (p->it[i].kind != IX_INT) continue;
            ExecTensor *z = exec_tensor_new(r, XD_INT64, 0, NULL, a->numpy);
            if (!z) return false;
            z->data[0] = p->it[i].start;
            p->it[i].kind = IX_ADV;
            p->it[i].adv = z;
            if (i < first) first = i;
            if (i > last) last = i;
        }
        for (int i = first; i <= last; i++)
            if (p->it[i].kind != IX_ADV) p->adv_front = true;
        for (int i = 0; i < p->n; i++) {
            if (p->it[i].kind != IX_ADV) continue;
            ExecTensor *t = p->it[i].adv;
            int nd = t->ndim > p->adv_ndim ? t->ndim : p->adv_ndim, s[EXEC_MAX_DIMS];
            for (int k = 0; k < nd; k++) {
                int da = k < nd - p->adv_ndim ? 1 : p->adv_shape[k - (nd - p->adv_ndim)];
                int db = k < nd - t->ndim ? 1 : t->shape[k - (nd - t->ndim)];
                if (da != db && da != 1 && db != 1)
                    return exec_fail(r, "index arrays do not broadcast together") != NULL;
                s[k] = da == 1 ? db : da;
            }
            p->adv_ndim = nd;
            memcpy(p->adv_shape, s, sizeof s);
        }
    }
    /* The output shape. */
    int nd = 0;
    bool placed = false;
    if (p->has_adv && p->adv_front) {
        for (int k = 0; k < p->adv_ndim; k++)
            p->out_shape[nd++] = p->adv_shape[k];
        placed = true;
    }
    for (int i = 0; i < p->n; i++) {
        IxItem *it = &p->it[i];
        if (nd >= EXEC_MAX_DIMS) return exec_fail(r, "an index result of too many dimensions") != NULL;
        if (it->kind == IX_SLICE) p->out_shape[nd++] = it->len;
        else if (it->kind == IX_NEW) p->out_shape[nd++] = 1;
        else if (it->kind == IX_ADV && !placed) {
            if (nd + p->adv_ndim > EXEC_MAX_DIMS) return exec_fail(r, "too many dimensions") != NULL;
            for (int k = 0; k < p->adv_ndim; k++)
                p->out_shape[nd++] = p->adv_shape[k];
            placed = true;
        }
    }
    p->out_ndim = nd;
    return true;
}

/* The input offset of output element `out` (a multi-index over the plan's output shape). */
static bool ix_offset(ExecRun *r, const ExecTensor *a, const IxPlan *p, const int *out, int *off) {
    int coord[EXEC_MAX_DIMS] = {0};
    int adv_idx[EXEC_MAX_DIMS];
    int o = 0;
    bool placed = false;
    if (p->has_adv && p->adv_front) {
        memcpy(adv_idx, out, (size_t)p->adv_ndim * sizeof *out);
        o = p->adv_ndim;
        placed = true;
    }
    for (int i = 0; i < p->n; i++) {
        const IxItem *it = &p->it[i];
        switch (it->kind) {
        case IX_SLICE:
            coord[it->dim] = it->start + out[o++] * it->step;
            break;
        case IX_NEW:
            o++;
            break;
        case IX_INT:
            coord[it->dim] = it->start;
            break;
        case IX_ADV:
            if (!placed) {
                memcpy(adv_idx, out + o, (size_t)p->adv_ndim * sizeof *out);
                o += p->adv_ndim;
                placed = true;
            }
            break;
        }
    }
    for (int i = 0; i < p->n; i++) {
        const IxItem *it = &p->it[i];
        if (it->kind != IX_ADV) continue;
        int k = 0;
        const ExecTensor *t = it->adv;
        for (int j = 0; j < t->ndim; j++) {
            int c = adv_idx[p->adv_ndim - t->ndim + j];
            k = k * t->shape[j] + (t->shape[j] == 1 ? 0 : c);
        }
        long v = (long)t->data[k];
        if (v < 0) v += a->shape[it->dim];
        if (v < 0 || v >= a->shape[it->dim]) {
            exec_fail(r, "index %ld out of range for size %d", (long)t->data[k],
                      a->shape[it->dim]);
            return false;
        }
        coord[it->dim] = (int)v;
    }
    int f = 0;
    for (int d = 0; d < a->ndim; d++)
        f = f * a->shape[d] + coord[d];
    *off = f;
    return true;
}

ExecValue *exec_tensor_index(ExecRun *r, ExecTensor *a, ExecValue *index) {
    IxPlan p;
    if (!ix_plan(r, a, index, &p)) return NULL;
    ExecTensor *t = exec_tensor_new(r, a->dtype, p.out_ndim, p.out_shape, a->numpy);
    if (!t) return NULL;
    int out[EXEC_MAX_DIMS] = {0};
    for (int i = 0; i < t->n; i++) {
        int off;
        if (!ix_offset(r, a, &p, out, &off)) return NULL;
        t->data[i] = a->data[off];
        exec_index_next(out, p.out_shape, p.out_ndim);
    }
    return exec_tensor_value(r, t);
}

bool exec_tensor_assign(ExecRun *r, ExecTensor *a, ExecValue *index, ExecValue *v) {
    IxPlan p;
    if (!ix_plan(r, a, index, &p)) return false;
    ExecTensor *src = v->kind == XV_TENSOR ? v->t : exec_tensor_from(r, v, (int)a->dtype, a->numpy);
    if (!src) return false;
    /* src broadcasts to the output shape */
    if (src->ndim > p.out_ndim) {
        exec_fail(r, "assigned value has more dimensions than the indexed part");
        return false;
    }
    for (int k = 0; k < src->ndim; k++) {
        int want = p.out_shape[p.out_ndim - src->ndim + k];
        if (src->shape[k] != want && src->shape[k] != 1) {
            exec_fail(r, "assigned value of the wrong shape");
            return false;
        }
    }
    int out[EXEC_MAX_DIMS] = {0};
    long n = 1;
    for (int k = 0; k < p.out_ndim; k++)
        n *= p.out_shape[k];
    for (long i = 0; i < n; i++) {
        int off;
        if (!ix_offset(r, a, &p, out, &off)) return false;
        int so = 0;
        for (int k = 0; k < src->ndim; k++) {
            int c = out[p.out_ndim - src->ndim + k];
            so = so * src->shape[k] + (src->shape[k] == 1 ? 0 : c);
        }
        a->data[off] = exec_round(a->dtype, src->data[so]);
        exec_index_next(out, p.out_shape, p.out_ndim);
    }
    return true;
}
