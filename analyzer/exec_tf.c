/* exec_tf: TensorFlow and Keras for the concrete interpreter. Most TF functions are the torch
 * function of the same operation under another name (exec_tf_alias: tf.reduce_sum is sum, its
 * axis= read where dim= is; both default to float32); the rest are here, each as TF computes it:
 * tf.gather along the last axis after batch_dims, tf.one_hot, tf.shape / tf.size / tf.rank as
 * int tensors, Keras' sparse categorical cross-entropy, as a function (per element, no
 * reduction) and as a loss object (reduced as its reduction says), and Keras' running Sum and
 * Mean metrics. */
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "exec.h"

static ExecValue *tv(ExecRun *r, ExecTensor *t) {
    return t ? exec_tensor_value(r, t) : NULL;
}

/* The bare name of a TensorFlow or Keras function under one of the prefixes, or NULL. */
static const char *tf_name(const char *q, const char *const *prefixes, size_t n) {
    for (size_t p = 0; p < n; p++) {
        size_t len = strlen(prefixes[p]);
        if (!strncmp(q, prefixes[p], len) && !strchr(q + len, '.')) return q + len;
    }
    return NULL;
}

const char *exec_tf_alias(const char *q) {
    static const char *const prefixes[] = {"tensorflow.math.", "tensorflow.nn.", "tensorflow.", "keras.ops."};
    static const char *const names[][2] = {
        {"constant", "tensor"}, {"convert_to_tensor", "tensor"}, {"reduce_sum", "sum"}, {"reduce_mean", "mean"},
        {"reduce_max", "amax"}, {"reduce_min", "amin"}, {"reduce_prod", "prod"}, {"reduce_logsumexp", "logsumexp"},
        {"reduce_any", "any"}, {"reduce_all", "all"}, {"cast", "to"}, {"concat", "cat"}, {"concatenate", "cat"},
        {"softmax", "softmax"}, {"log_softmax", "log_softmax"}, {"log", "log"}, {"exp", "exp"},
        {"argmax", "argmax"}, {"argmin", "argmin"}, {"stack", "stack"}, {"range", "arange"},
        {"ones_like", "ones_like"}, {"zeros_like", "zeros_like"}, {"where", "where"}, {"squeeze", "squeeze"},
        {"expand_dims", "unsqueeze"}, {"reshape", "reshape"}, {"logsumexp", "logsumexp"}, {"sigmoid", "sigmoid"},
        {"take_along_axis", "take_along_axis"}, {"not_equal", "ne"}, {"equal", "eq"}, {"less", "lt"},
        {"greater", "gt"}, {"less_equal", "le"}, {"greater_equal", "ge"}, {"logical_and", "logical_and"},
        {"logical_or", "logical_or"}, {"logical_not", "logical_not"}, {"add", "add"}, {"subtract", "sub"},
        {"multiply", "mul"}, {"divide", "div"}, {"maximum", "maximum"}, {"minimum", "minimum"}, {"abs", "abs"},
        {"sqrt", "sqrt"}, {"negative", "neg"}};
    const char *fn = tf_name(q, prefixes, sizeof prefixes / sizeof *prefixes);
    for (size_t i = 0; fn && i < sizeof names / sizeof *names; i++)
        if (!strcmp(fn, names[i][0])) return names[i][1];
    return NULL;
}

/* tf.gather(params, indices, batch_dims=k) along params' last axis (axis = k = rank - 1): for
 * each leading position, params[..., indices[...]] in the shape of the index's trailing part. */
static ExecValue *tf_gather(ExecRun *r, ExecArgs *a) {
    ExecTensor *p = exec_lib_tensor(r, exec_arg(a, 0, "params"), false);
    ExecTensor *idx = p ? exec_lib_tensor(r, exec_arg(a, 1, "indices"), false) : NULL;
    int64_t bd, axis;
    if (!idx || !exec_arg_int(r, a, -1, "batch_dims", 0, &bd) || !exec_arg_int(r, a, 2, "axis", bd, &axis)) return NULL;
    if (bd < 0) bd += idx->ndim;
    if (axis < 0) axis += p->ndim;
    if (axis != bd || axis != p->ndim - 1 || bd > idx->ndim)
        return exec_fail_at(r, a->at, "tf.gather other than along the last axis after its batch dims");
    int lead[EXEC_MAX_DIMS], m = 1;
    for (int d = 0; d < bd; d++)
        if ((lead[d] = idx->shape[d]) != p->shape[d]) return exec_fail_at(r, a->at, "tf.gather: batch dims differ");
    for (int d = (int)bd; d < idx->ndim; d++)
        m *= idx->shape[d];
    lead[bd] = m;
    ExecTensor *flat = exec_tensor_reshape(r, idx, (int)bd + 1, lead);
    ExecTensor *g = flat ? exec_tensor_gather(r, p, (int)bd, flat) : NULL;
    int shape[EXEC_MAX_DIMS];
    memcpy(shape, idx->shape, sizeof shape);
    return tv(r, g ? exec_tensor_reshape(r, g, idx->ndim, shape) : NULL);
}

/* tf.one_hot(indices, depth, on_value=1, off_value=0, axis=-1, dtype=float32): a new last axis
 * of depth places, on_value at the index and off_value elsewhere; an index outside [0, depth)
 * gives a row of off_value, as TF's does. */
static ExecValue *tf_one_hot(ExecRun *r, ExecArgs *a) {
    ExecTensor *t = exec_lib_tensor(r, exec_arg(a, 0, "indices"), false);
    ExecValue *dp = exec_arg(a, 1, "depth"); /* a parameter: a class count, no length of the table */
    if (t && dp && dp->kind == XV_PENDING)
        return exec_fail_as(r, XF_PARAM, a->at, "tf.one_hot() of a depth its use does not tell (a number of classes)");
    ExecValue *on = exec_arg(a, 2, "on_value"), *off = exec_arg(a, 3, "off_value"), *dv = exec_arg(a, 5, "dtype");
    int64_t depth, axis;
    if (!t || !exec_arg_int(r, a, 1, "depth", -1, &depth) || !exec_arg_int(r, a, 4, "axis", -1, &axis)) return NULL;
    if (t->dtype != XD_INT64 && t->dtype != XD_BOOL)
        return exec_fail_at(r, a->at, "tf.one_hot() of a %s tensor (TF wants integer indices)", exec_dtype_name(t->dtype));
    if (axis != -1 && axis != t->ndim) return exec_fail_as(r, XF_GAP, a->at, "tf.one_hot() along an axis other than the last");
    if (depth < 0) return exec_fail_at(r, a->at, "tf.one_hot() without a depth");
    if ((on && on->kind != XV_NONE && !exec_is_number(on)) || (off && off->kind != XV_NONE && !exec_is_number(off)))
        return exec_fail_as(r, XF_GAP, a->at, "tf.one_hot() with an on or off value that is not a number");
    int dt = dv && dv->kind != XV_NONE ? exec_lib_dtype(dv) : XD_F32;
    if (dt < 0) return exec_fail_as(r, XF_GAP, a->at, "tf.one_hot() of an unknown dtype");
    if (t->ndim >= EXEC_MAX_DIMS || depth > EXEC_MAX_ELEMS)
        return exec_fail_as(r, XF_BOUND, (TSNode){0}, "bound: tf.one_hot() of depth %lld", (long long)depth);
    int shape[EXEC_MAX_DIMS];
    memcpy(shape, t->shape, sizeof shape);
    shape[t->ndim] = (int)depth;
    ExecTensor *o = exec_tensor_new(r, (ExecDtype)dt, t->ndim + 1, shape, false);
    double vo = exec_round((ExecDtype)dt, on && on->kind != XV_NONE ? exec_number(on) : 1);
    double vf = exec_round((ExecDtype)dt, off && off->kind != XV_NONE ? exec_number(off) : 0);
    for (int i = 0; o && i < o->n; i++)
        o->data[i] = vf;
    for (int i = 0; o && i < t->n; i++) {
        double k = t->data[i];
        if (k >= 0 && k < (double)depth) o->data[(size_t)i * (size_t)depth + (size_t)k] = vo;
    }
    return tv(r, o);
}

/* tf.shape(x): its sizes, a 1-D int tensor (int32 in TF; ints are one dtype here); tf.size(x)
 * and tf.rank(x): a 0-D one. */
static ExecValue *tf_sizes(ExecRun *r, const char *fn, ExecArgs *a) {
    ExecTensor *x = exec_lib_tensor(r, exec_arg(a, 0, "input"), false);
    ExecValue *ot = exec_arg(a, -1, "out_type");
    if (!x) return NULL;
    if (ot && ot->kind != XV_NONE && exec_lib_dtype(ot) != XD_INT64)
        return exec_fail_as(r, XF_GAP, a->at, "tf.%s() of a non-integer out_type", fn);
    int len = x->ndim;
    ExecTensor *o = exec_tensor_new(r, XD_INT64, fn[0] == 's' && fn[1] == 'h' ? 1 : 0, &len, false);
    if (!o) return NULL;
    if (fn[0] == 'r') o->data[0] = x->ndim;
    else if (fn[1] == 'i') o->data[0] = x->n;
    else
        for (int d = 0; d < x->ndim; d++)
            o->data[d] = x->shape[d];
    return tv(r, o);
}

/* Keras' sparse categorical cross-entropy of integer labels y_true and predictions y_pred over
 * their last axis, one value per label: from logits, -log_softmax at the label; from
 * probabilities, as tf.keras computes it, -log of the probability clipped to [1e-7, 1 - 1e-7]
 * in its dtype. A label outside the classes is an error, as on TF's CPU kernel. Marked a loss. */
static ExecTensor *sparse_cce(ExecRun *r, ExecTensor *y, ExecTensor *p, bool logits, TSNode at) {
    if (!exec_dtype_is_float(p->dtype) || p->ndim < 1) {
        exec_fail_at(r, at, "sparse categorical cross-entropy of a %s tensor", exec_dtype_name(p->dtype));
        return NULL;
    }
    int classes = p->shape[p->ndim - 1], rows = classes ? p->n / classes : 0;
    if (y->n != rows) {
        exec_fail_at(r, at, "sparse categorical cross-entropy: %d labels for %d rows of predictions", y->n, rows);
        return NULL;
    }
    ExecTensor *lp = p;
    if (logits) {
        lp = exec_tensor_softmax(r, p, p->ndim - 1, true);
    } else if ((lp = exec_tensor_cast(r, p, p->dtype))) {
        double lo = exec_round(p->dtype, 1e-7), hi = exec_round(p->dtype, 1 - 1e-7);
        for (int i = 0; i < lp->n; i++)
            lp->data[i] = lp->data[i] < lo ? lo : lp->data[i] > hi ? hi : lp->data[i];
        lp = exec_tensor_unary(r, "log", lp);
    }
    int shape[EXEC_MAX_DIMS];
    memcpy(shape, p->shape, sizeof shape);
    ExecTensor *o = lp && exec_work(r, rows) ? exec_tensor_new(r, p->dtype, p->ndim - 1, shape, false) : NULL;
    for (int i = 0; o && i < rows; i++) {
        double k = y->data[i];
        if (k < 0 || k >= classes || k != (double)(int)k) {
            exec_fail_at(r, at, "sparse categorical cross-entropy: label %g outside [0, %d)", k, classes);
            return NULL;
        }
        o->data[i] = -lp->data[(size_t)i * (size_t)classes + (size_t)k];
    }
    if (o) o->loss = true;
    return o;
}

/* The labels and predictions of a cross-entropy call, axis= the last only. */
static ExecTensor *cce_of(ExecRun *r, ExecArgs *a, const char *ykw, const char *pkw, bool logits) {
    ExecTensor *y = exec_lib_tensor(r, exec_arg(a, 0, ykw), false);
    ExecTensor *p = y ? exec_lib_tensor(r, exec_arg(a, 1, pkw), false) : NULL;
    int64_t axis;
    if (!p || !exec_arg_int(r, a, -1, "axis", -1, &axis)) return NULL;
    if (axis != -1 && axis != p->ndim - 1) {
        exec_fail_as(r, XF_GAP, a->at, "sparse categorical cross-entropy over an axis other than the last");
        return NULL;
    }
    return sparse_cce(r, y, p, logits, a->at);
}

static bool no_ignore_class(ExecRun *r, ExecArgs *a) {
    ExecValue *ic = exec_arg(a, -1, "ignore_class");
    if (ic && ic->kind != XV_NONE) {
        exec_fail_as(r, XF_GAP, a->at, "unsupported keyword ignore_class= of a Keras loss");
        return false;
    }
    return true;
}

/* A Keras reduction: 'n' none, 's' sum, 'm' the mean over every element (sum_over_batch_size,
 * the default, and auto); 0: another. */
static char keras_reduction(ExecValue *v) {
    const char *s = NULL;
    if (!v || v->kind == XV_NONE) return 'm';
    if (v->kind == XV_STR) s = v->str.s;
    if (v->kind == XV_LIB && strrchr(v->lib.qual, '.')) s = strrchr(v->lib.qual, '.') + 1; /* Reduction.NONE */
    if (!s) return 0;
    if (!strcasecmp(s, "none")) return 'n';
    if (!strcasecmp(s, "sum")) return 's';
    if (!strcasecmp(s, "sum_over_batch_size") || !strcasecmp(s, "auto")) return 'm';
    return 0;
}

/* keras.losses.SparseCategoricalCrossentropy(from_logits=False, reduction=..., name=...): a loss
 * object its call reduces. */
static ExecValue *keras_loss_new(ExecRun *r, ExecArgs *a) {
    bool logits;
    ExecValue *red = exec_arg(a, -1, "reduction");
    exec_arg(a, -1, "name"); /* a name for its metrics: the same numbers */
    if (!exec_arg_bool(r, a, 0, "from_logits", false, &logits) || !no_ignore_class(r, a)) return NULL;
    char how = keras_reduction(red);
    if (!how) return exec_fail_as(r, XF_GAP, a->at, "a Keras loss of an unknown reduction");
    ExecValue *o = exec_object(r, "keras_loss");
    char mode[2] = {how, 0};
    if (!o || !exec_dict_set_str(r, &o->obj.fields, " logits", exec_bool(logits)) ||
        !exec_dict_set_str(r, &o->obj.fields, " reduction", exec_str(r, mode, 1)))
        return NULL;
    return o;
}

ExecValue *exec_tf_loss_call(ExecRun *r, ExecValue *loss, ExecValue **args, int nargs, const char **kw_names,
                             ExecValue **kw_vals, int nkw, TSNode at) {
    ExecArgs a = {.pos = args, .npos = nargs, .kw = kw_names, .kwv = kw_vals, .nkw = nkw, .at = at, .name = "loss"};
    ExecValue *sw = exec_arg(&a, 2, "sample_weight");
    if (sw && sw->kind != XV_NONE) return exec_fail_as(r, XF_GAP, at, "unsupported keyword sample_weight= of a Keras loss");
    for (int k = 0; k < nkw; k++)
        if (!(a.used & (1u << k))) return exec_fail_as(r, XF_GAP, at, "unsupported keyword %s= of a Keras loss", kw_names[k]);
    ExecValue *lg = exec_dict_get_str(&loss->obj.fields, " logits"), *red = exec_dict_get_str(&loss->obj.fields, " reduction");
    ExecTensor *per = cce_of(r, &a, "y_true", "y_pred", lg && lg->b);
    if (!per || red->str.s[0] == 'n') return tv(r, per);
    ExecTensor *o = exec_tensor_reduce(r, red->str.s[0] == 's' ? "sum" : "mean", per, INT32_MIN, false);
    if (o) o->loss = true;
    return tv(r, o);
}

/* keras.metrics.Sum() and Mean(): a running total (and count) in float32, the metric's dtype. */
static ExecValue *keras_metric_new(ExecRun *r, bool mean, ExecArgs *a) {
    ExecValue *dt = exec_arg(a, -1, "dtype");
    exec_arg(a, 0, "name"); /* its name in logs: the same numbers */
    if (dt && dt->kind != XV_NONE && exec_lib_dtype(dt) != XD_F32)
        return exec_fail_as(r, XF_GAP, a->at, "a Keras metric of a dtype other than float32");
    ExecValue *o = exec_object(r, "keras_metric");
    if (!o || !exec_dict_set_str(r, &o->obj.fields, " mean", exec_bool(mean)) ||
        !exec_dict_set_str(r, &o->obj.fields, " total", exec_float(r, 0)) ||
        !exec_dict_set_str(r, &o->obj.fields, " count", exec_float(r, 0)))
        return NULL;
    return o;
}

ExecValue *exec_tf_metric_method(ExecRun *r, ExecValue *metric, const char *m, ExecArgs *a) {
    ExecDict *f = &metric->obj.fields;
    bool mean = exec_dict_get_str(f, " mean")->b;
    double total = exec_number(exec_dict_get_str(f, " total")), count = exec_number(exec_dict_get_str(f, " count"));
    if (!strcmp(m, "update_state")) { /* values summed in float32, one count per element */
        ExecValue *sw = exec_arg(a, 1, "sample_weight");
        if (sw && sw->kind != XV_NONE) return exec_fail_as(r, XF_GAP, a->at, "unsupported keyword sample_weight= of a Keras metric");
        ExecTensor *x = exec_lib_tensor(r, exec_arg(a, 0, "values"), false);
        ExecTensor *x32 = x ? exec_tensor_cast(r, x, XD_F32) : NULL;
        ExecTensor *sum = x32 ? exec_tensor_reduce(r, "sum", x32, INT32_MIN, false) : NULL;
        if (!sum) return NULL;
        total = exec_round(XD_F32, total + sum->data[0]);
        count = exec_round(XD_F32, count + x->n);
    } else if (!strcmp(m, "reset_state") || !strcmp(m, "reset_states")) {
        total = count = 0;
    } else if (!strcmp(m, "result")) {
        int none = 0;
        ExecTensor *o = exec_tensor_new(r, XD_F32, 0, &none, false);
        if (o) o->data[0] = !mean ? total : count == 0 ? 0 : exec_round(XD_F32, total / count); /* divide_no_nan */
        return tv(r, o);
    } else {
        return exec_fail_as(r, XF_GAP, a->at, "unsupported call of a Keras metric's %s()", m);
    }
    if (!exec_dict_set_str(r, f, " total", exec_float(r, total)) || !exec_dict_set_str(r, f, " count", exec_float(r, count)))
        return NULL;
    return exec_none();
}

ExecValue *exec_tf_call(ExecRun *r, const char *q, ExecArgs *a) {
    static const char *const tf[] = {"tensorflow.", "tensorflow.math.", "tensorflow.nn.", "keras.ops."};
    static const char *const losses[] = {"tensorflow.keras.losses.", "keras.losses.", "tensorflow.keras.metrics.",
                                         "keras.metrics.", "tensorflow.keras.backend.", "keras.backend."};
    const char *fn = tf_name(q, tf, sizeof tf / sizeof *tf), *loss = tf_name(q, losses, sizeof losses / sizeof *losses);
    if (fn && !strcmp(fn, "gather")) return tf_gather(r, a);
    if (fn && q[0] == 't' && (!strcmp(fn, "argmax") || !strcmp(fn, "argmin"))) { /* axis 0 when not given */
        ExecTensor *x = exec_lib_tensor(r, exec_arg(a, 0, "input"), false);
        ExecValue *ot = exec_arg(a, 2, "output_type");
        int64_t axis;
        int d;
        if (!x || !exec_arg_int(r, a, 1, "axis", 0, &axis) || !exec_norm_dim(r, x->ndim, axis, &d)) return NULL;
        if (ot && ot->kind != XV_NONE && exec_lib_dtype(ot) != XD_INT64)
            return exec_fail_as(r, XF_GAP, a->at, "tf.%s() of a non-integer output_type", fn);
        return tv(r, exec_tensor_reduce(r, fn, x, d, false));
    }
    if (fn && !strcmp(fn, "one_hot")) return tf_one_hot(r, a);
    if (fn && (!strcmp(fn, "shape") || !strcmp(fn, "size") || !strcmp(fn, "rank"))) return tf_sizes(r, fn, a);
    if (fn && !strcmp(fn, "sparse_softmax_cross_entropy_with_logits")) {
        if (a->npos) return exec_fail_at(r, a->at, "%s() takes labels= and logits= by keyword", fn);
        ExecTensor *o = cce_of(r, a, "labels", "logits", true);
        return tv(r, o);
    }
    if (loss && !strcmp(loss, "sparse_categorical_crossentropy")) {
        bool logits;
        if (!exec_arg_bool(r, a, 2, "from_logits", false, &logits) || !no_ignore_class(r, a)) return NULL;
        ExecArgs two = *a;
        two.npos = a->npos > 2 ? 2 : a->npos;
        ExecTensor *o = cce_of(r, &two, "y_true", "y_pred", logits);
        a->used |= two.used;
        return tv(r, o);
    }
    if (loss && (!strcmp(loss, "Sum") || !strcmp(loss, "Mean")) && strstr(q, "metrics."))
        return keras_metric_new(r, loss[0] == 'M', a);
    if (loss && !strcmp(loss, "SparseCategoricalCrossentropy") && strncmp(q + (q[0] == 't' ? 11 : 0), "keras.metrics", 13))
        return keras_loss_new(r, a);
    return NULL;
}
