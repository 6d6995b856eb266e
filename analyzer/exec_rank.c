/* exec_rank: the numbers a run's ranking calls choose among. Code that returns nothing (a main()
 * that loads its examples, scores each candidate and counts the hits) still compares its
 * candidates' scores somewhere: np.argmax(scores), scores.argmax(), max(d, key=d.get),
 * max(cands, key=score). The first such call's values are kept, with what each ranks (its
 * position, or the item max / min was given) and whether the lowest wins; how many calls ranked
 * numbers is counted, so a caller can refuse a run that ranked more than one thing. */
#include <stdio.h>
#include <string.h>

#include "exec.h"

/* The one number v holds (a number, or a one-element float tensor); false otherwise. */
static bool one_number(ExecValue *v, double *out, const char **dtype) {
    if (v && exec_is_number(v) && v->kind != XV_BOOL) {
        *out = exec_number(v);
        *dtype = "python float";
        return true;
    }
    if (v && v->kind == XV_TENSOR && v->t->n == 1 && v->t->dtype != XD_BOOL) {
        *out = v->t->data[0];
        *dtype = exec_dtype_name(v->t->dtype);
        return true;
    }
    return false;
}

/* Starts a note of `n` values at `at`; false when the run already kept one (it is only counted). */
static bool note_start(ExecRun *r, int n, bool lowest, TSNode at, const char *what) {
    if (r->rank.times++ > 0 || n > EXEC_MAX_MARKS) return false;
    r->rank.n = n;
    r->rank.lowest = lowest;
    r->rank.line = ts_node_is_null(at) ? 0 : exec_line(r, at);
    snprintf(r->rank.what, sizeof r->rank.what, "%s", what);
    return true;
}

/* The last component of a qualified name ("numpy.argmax": "argmax"). */
static const char *last_part(const char *q) {
    const char *dot = strrchr(q, '.');
    return dot ? dot + 1 : q;
}

void exec_rank_note_call(ExecRun *r, const ExecValue *fn, ExecValue **args, int nargs, TSNode at) {
    ExecValue *v = NULL;
    const char *name = NULL, *what = NULL;
    if (fn->kind == XV_LIB && nargs >= 1) {
        name = last_part(fn->lib.qual);
        v = args[0];
        what = fn->lib.qual;
    } else if (fn->kind == XV_METHOD && fn->method.self && fn->method.self->kind == XV_TENSOR) {
        name = fn->method.name;
        v = fn->method.self;
        what = name;
    }
    if (!v || !name || (strcmp(name, "argmax") && strcmp(name, "argmin"))) return;
    bool lowest = !strcmp(name, "argmin");
    if (v->kind == XV_TENSOR) { /* a vector of scores (a row of one: [1, n]) */
        const ExecTensor *t = v->t;
        bool vector = t->ndim == 1 || (t->ndim == 2 && t->shape[0] == 1);
        if (!vector || t->dtype == XD_BOOL || nargs > 1) return; /* (an axis of a matrix: not one ranking) */
        if (!note_start(r, (int)t->n, lowest, at, what)) return;
        for (int i = 0; i < r->rank.n; i++)
            r->rank.vals[i] = t->data[i], r->rank.items[i] = NULL;
        r->rank.dtype = exec_dtype_name(t->dtype);
        return;
    }
    if (v->kind != XV_LIST && v->kind != XV_TUPLE) return;
    double x;
    const char *dtype = "python float";
    for (int i = 0; i < v->seq.n; i++)
        if (!one_number(v->seq.items[i], &x, &dtype)) return;
    if (!note_start(r, v->seq.n, lowest, at, what)) return;
    for (int i = 0; i < v->seq.n; i++) {
        one_number(v->seq.items[i], &r->rank.vals[i], &dtype);
        r->rank.items[i] = NULL;
    }
    r->rank.dtype = dtype;
}

void exec_rank_note_keyed(ExecRun *r, ExecValue **items, ExecValue **keys, int n, bool lowest, TSNode at) {
    double x;
    const char *dtype = "python float";
    for (int i = 0; i < n; i++)
        if (!one_number(keys[i], &x, &dtype)) return;
    if (!note_start(r, n, lowest, at, lowest ? "min(key=)" : "max(key=)")) return;
    for (int i = 0; i < n; i++) {
        one_number(keys[i], &r->rank.vals[i], &dtype);
        r->rank.items[i] = items[i];
    }
    r->rank.dtype = dtype;
}
