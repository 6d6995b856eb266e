/* exec_nn: stand-ins for what a toy language model cannot know: the hidden states of the
 * model, the layers of a head built on them (torch.nn.Linear, LayerNorm, RMSNorm, Dropout,
 * activations, Sequential) and the draws of a sampler. Each is chosen so that anyone can
 * recompute it from the reported table, and each run that uses one records it as a stand-in
 * line ("nn.Linear at line 14: weight = identity (3 -> 1), bias 0") that the counterexample
 * reports:
 *  - a hidden state at a position is the table row of its prefix (hidden_size = the table's
 *    vocabulary size, unless a head built first asks for another width: then the row is cut
 *    or followed by zeros); every layer's is the same;
 *  - a Linear's weight is the identity (out x in: 1 where the row equals the column), its bias
 *    0; a norm's weight 1 and bias 0 (torch's initial values); Dropout is the identity (as in
 *    eval mode);
 *  - torch.nn.init's random initialisers (normal_, xavier_uniform_, ...) leave a layer's
 *    stand-in weights as they were; its constant ones (zeros_, ones_, constant_) fill them;
 *    no gradient is taken, so clip_grad_norm_ clips nothing (a norm of 0);
 *  - a sampler draws the most probable outcome (ties: the first). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "exec.h"

/* The layer kinds, ORDER NN: nn_names. */
typedef enum { NN_LINEAR, NN_LAYERNORM, NN_RMSNORM, NN_DROPOUT, NN_IDENTITY, NN_GELU, NN_RELU, NN_TANH,
               NN_SIGMOID, NN_SILU, NN_SEQUENTIAL } NnKind;
static const char *const nn_names[] = {"Linear", "LayerNorm", "RMSNorm", "Dropout", "Identity", "GELU",
                                       "ReLU",   "Tanh",      "Sigmoid", "SiLU",    "Sequential"};

/* Layers in a hidden state's number of layers: hidden_states holds NN_LAYERS + 1 (the
 * embeddings first), as Hugging Face's do. */
enum { NN_LAYERS = 12 };

static int nn_kind(const char *q) {
    static const char *const pre[] = {"torch.nn.", "flax.linen."};
    for (size_t p = 0; p < sizeof pre / sizeof *pre; p++) {
        size_t n = strlen(pre[p]);
        if (strncmp(q, pre[p], n)) continue;
        for (int k = 0; k < (int)(sizeof nn_names / sizeof *nn_names); k++)
            if (!strcmp(q + n, nn_names[k])) return k;
    }
    return -1;
}

static ExecValue *nn_field(ExecValue *layer, const char *name) {
    return exec_dict_get_str(&layer->obj.fields, name);
}

/* An optional int argument (a parameter of the entry, unknown here, is left to the input's
 * width: *out = -1). */
static bool nn_width(ExecRun *r, ExecArgs *a, int i, const char *kw, int64_t *out) {
    ExecValue *v = exec_arg(a, i, kw);
    *out = -1;
    if (!v || v->kind == XV_PENDING) return true;
    if (v->kind == XV_LIST || v->kind == XV_TUPLE) { /* LayerNorm([h]): the last dimension */
        if (!v->seq.n) return exec_fail_at(r, a->at, "nn layer of an empty shape") != NULL;
        v = v->seq.items[v->seq.n - 1];
    }
    if (!exec_as_int(v, out) || *out <= 0 || *out > EXEC_MAX_ELEMS)
        return exec_fail_at(r, a->at, "nn layer width that is not a positive int") != NULL;
    return true;
}

/* torch.nn.LAYER(...) of a kind this file knows: the layer object. NULL with r->failed unset:
 * not one. */
ExecValue *exec_nn_new(ExecRun *r, const char *q, ExecArgs *a) {
    int kind = nn_kind(q);
    if (kind < 0) return NULL;
    ExecValue *layer = exec_object(r, "nn_layer");
    if (!layer || !exec_dict_set_str(r, &layer->obj.fields, " kind", exec_int(r, kind))) return NULL;
    int64_t in = -1, out = -1;
    bool bias = true;
    double eps = kind == NN_LAYERNORM ? 1e-5 : -1; /* RMSNorm's default: the dtype's eps */
    switch ((NnKind)kind) {
    case NN_LINEAR:
        if (!nn_width(r, a, 0, "in_features", &in) || !nn_width(r, a, 1, "out_features", &out) ||
            !exec_arg_bool(r, a, 2, "bias", true, &bias))
            return NULL;
        break;
    case NN_LAYERNORM:
    case NN_RMSNORM: {
        if (!nn_width(r, a, 0, "normalized_shape", &in)) return NULL;
        ExecValue *e = exec_arg(a, 1, "eps");
        if (e && e->kind != XV_NONE) {
            if (!exec_is_number(e)) return exec_fail_at(r, a->at, "nn.%s eps that is not a number", nn_names[kind]);
            eps = exec_number(e);
        }
        (void)exec_arg(a, 2, "elementwise_affine");
        (void)exec_arg(a, -1, "bias");
        break;
    }
    case NN_DROPOUT:
        (void)exec_arg(a, 0, "p");
        (void)exec_arg(a, -1, "inplace");
        break;
    case NN_SEQUENTIAL: {
        ExecValue *l = exec_new(r, XV_LIST);
        for (int i = 0; l && i < a->npos; i++)
            if (!exec_seq_push(r, &l->seq, a->pos[i])) return NULL;
        if (!l || !exec_dict_set_str(r, &layer->obj.fields, " layers", l)) return NULL;
        break;
    }
    default:
        (void)exec_arg(a, -1, "approximate");
        (void)exec_arg(a, -1, "inplace");
        break;
    }
    /* the first layer of a known width sizes the hidden states it is built for */
    if ((kind == NN_LINEAR || kind == NN_LAYERNORM || kind == NN_RMSNORM) && in > 0 && !r->hidden_width)
        r->hidden_width = (int)in;
    (void)exec_arg(a, -1, "device");
    (void)exec_arg(a, -1, "dtype");
    if (!exec_dict_set_str(r, &layer->obj.fields, " in", exec_int(r, in)) ||
        !exec_dict_set_str(r, &layer->obj.fields, " out", exec_int(r, out)) ||
        !exec_dict_set_str(r, &layer->obj.fields, " bias", exec_bool(bias)) ||
        !exec_dict_set_str(r, &layer->obj.fields, " eps", exec_float(r, eps)))
        return NULL;
    return layer;
}

/* A Linear's weight [out, in] (the identity) and bias [out] (0 or None), as fields. */
static bool linear_weights(ExecRun *r, ExecValue *layer, int in, int out, ExecDtype d) {
    int shape[2] = {out, in};
    ExecTensor *w = exec_tensor_new(r, d, 2, shape, false);
    ExecTensor *b = w ? exec_tensor_new(r, d, 1, &out, false) : NULL;
    if (!b) return false;
    for (int j = 0; j < out && j < in; j++)
        w->data[(size_t)j * in + j] = 1;
    bool bias = nn_field(layer, " bias")->b;
    return exec_dict_set_str(r, &layer->obj.fields, "weight", exec_tensor_value(r, w)) &&
           exec_dict_set_str(r, &layer->obj.fields, "bias", bias ? exec_tensor_value(r, b) : exec_none());
}

/* y = x W^T + b over the last dimension, W the identity: y[..., j] = x[..., j] for j < in. */
static ExecValue *linear_call(ExecRun *r, ExecValue *layer, ExecTensor *x, TSNode at) {
    int in = x->shape[x->ndim - 1];
    int64_t want_in = nn_field(layer, " in")->i, out = nn_field(layer, " out")->i;
    /* a head wider than its input (the toy hidden state, sized before the head was built): the
     * input is read as followed by zeros, which the identity weight never reaches */
    if (want_in >= 0 && want_in < in)
        return exec_fail_at(r, at, "nn.Linear(%lld, ...) given inputs of width %d", (long long)want_in, in);
    int width = want_in >= 0 ? (int)want_in : in;
    if (out < 0) out = width; /* out_features a parameter of the entry: the input's width */
    if (!nn_field(layer, "weight") && !linear_weights(r, layer, width, (int)out, x->dtype)) return NULL;
    int shape[EXEC_MAX_DIMS];
    memcpy(shape, x->shape, sizeof shape);
    shape[x->ndim - 1] = (int)out;
    ExecTensor *y = exec_tensor_new(r, x->dtype, x->ndim, shape, x->numpy);
    if (!y || !exec_work(r, (long)x->n)) return NULL;
    for (int row = 0; row < x->n / (in ? in : 1); row++)
        for (int j = 0; j < out && j < in; j++)
            y->data[(size_t)row * out + j] = x->data[(size_t)row * in + j];
    char pad[64] = "";
    if (width > in) snprintf(pad, sizeof pad, ", its %d-wide input followed by zeros", in);
    if (!exec_stand_in(r, at, "nn.Linear", "weight = identity (%d -> %lld), bias %s%s", width, (long long)out,
                       nn_field(layer, " bias")->b ? "0" : "none", pad))
        return NULL;
    return exec_tensor_value(r, y);
}

/* LayerNorm / RMSNorm over the last dimension, weight 1 and bias 0. */
static ExecValue *norm_call(ExecRun *r, ExecValue *layer, ExecTensor *x, bool rms, TSNode at) {
    int h = x->shape[x->ndim - 1];
    int64_t want = nn_field(layer, " in")->i;
    if (want >= 0 && want != h)
        return exec_fail_at(r, at, "nn.%s(%lld) given inputs of width %d", rms ? "RMSNorm" : "LayerNorm",
                            (long long)want, h);
    double eps = nn_field(layer, " eps")->f;
    if (eps < 0) eps = x->dtype == XD_F64 ? 0x1p-52 : x->dtype == XD_F32 ? 0x1p-23 : x->dtype == XD_F16 ? 0x1p-10 : 0x1p-7;
    ExecTensor *y = exec_tensor_new(r, x->dtype, x->ndim, x->shape, x->numpy);
    if (!y || !exec_work(r, 2L * x->n)) return NULL;
    for (int row = 0; h && row < x->n / h; row++) {
        const double *u = x->data + (size_t)row * h;
        double mean = 0, var = 0;
        for (int k = 0; k < h && !rms; k++)
            mean += u[k] / h;
        for (int k = 0; k < h; k++)
            var += (u[k] - mean) * (u[k] - mean) / h;
        for (int k = 0; k < h; k++)
            y->data[(size_t)row * h + k] = exec_round(x->dtype, (u[k] - mean) / sqrt(var + eps));
    }
    if (!exec_stand_in(r, at, rms ? "nn.RMSNorm" : "nn.LayerNorm", "weight 1, bias 0 (torch's initial values), eps %g",
                       eps))
        return NULL;
    return exec_tensor_value(r, y);
}

static ExecValue *activation(ExecRun *r, NnKind kind, ExecTensor *x) {
    ExecTensor *y = exec_tensor_new(r, x->dtype, x->ndim, x->shape, x->numpy);
    for (int i = 0; y && i < x->n; i++) {
        double u = x->data[i];
        double v = kind == NN_GELU      ? 0.5 * u * (1 + erf(u / sqrt(2)))
                   : kind == NN_RELU    ? (u > 0 ? u : 0)
                   : kind == NN_TANH    ? tanh(u)
                   : kind == NN_SIGMOID ? 1 / (1 + exp(-u))
                   : kind == NN_SILU    ? u / (1 + exp(-u))
                                        : u;
        y->data[i] = exec_round(x->dtype, v);
    }
    return y ? exec_tensor_value(r, y) : NULL;
}

/* layer(x): the layer's stand-in computation. */
ExecValue *exec_nn_call(ExecRun *r, ExecValue *layer, ExecValue **args, int nargs, int nkw, TSNode at) {
    NnKind kind = (NnKind)nn_field(layer, " kind")->i;
    if (nargs != 1 || nkw) return exec_fail_at(r, at, "nn.%s called with other than one input", nn_names[kind]);
    if (kind == NN_SEQUENTIAL) {
        ExecValue *v = args[0], *layers = nn_field(layer, " layers");
        for (int i = 0; v && i < layers->seq.n; i++)
            v = exec_call_value(r, layers->seq.items[i], &v, 1, NULL, NULL, 0, at);
        return v;
    }
    ExecTensor *x = exec_lib_tensor(r, args[0], false);
    if (!x) return NULL;
    if (!exec_dtype_is_float(x->dtype) || x->ndim == 0)
        return exec_fail_at(r, at, "nn.%s of a %s tensor of %d dimensions", nn_names[kind], exec_dtype_name(x->dtype),
                            x->ndim);
    switch (kind) {
    case NN_LINEAR:
        return linear_call(r, layer, x, at);
    case NN_LAYERNORM:
    case NN_RMSNORM:
        return norm_call(r, layer, x, kind == NN_RMSNORM, at);
    case NN_DROPOUT:
        return exec_stand_in(r, at, "nn.Dropout", "the identity (as in eval mode: no random mask)") ? args[0] : NULL;
    default:
        return activation(r, kind, x);
    }
}

/* A method of a layer: moving, mode switches and dtype casts change nothing the stand-in
 * computes (it follows its input's dtype); indexing a Sequential's layers. NULL with r->failed
 * unset: not one. */
ExecValue *exec_nn_method(ExecRun *r, ExecValue *layer, const char *m, ExecArgs *a) {
    static const char *const same[] = {"to", "cuda", "cpu", "eval", "train", "requires_grad_", "float", "half",
                                       "bfloat16", "double"};
    for (size_t i = 0; i < sizeof same / sizeof *same; i++)
        if (!strcmp(m, same[i])) {
            /* the dtype its weights say they have (read before a call: x.to(head.weight.dtype)) */
            bool to = !strcmp(m, "to"), cast = i >= 6; /* float half bfloat16 double */
            int d = cast ? exec_lib_dtype(exec_str(r, m, (int)strlen(m))) : to ? exec_lib_dtype(exec_arg(a, 0, "dtype")) : -1;
            if (d < 0 && to) d = exec_lib_dtype(exec_arg(a, 1, "dtype")); /* .to(device, dtype) */
            a->used = ~0u;
            if (d >= 0 && !exec_dict_set_str(r, &layer->obj.fields, " dtype", exec_int(r, d))) return NULL;
            return layer;
        }
    if (!strcmp(m, "forward") || !strcmp(m, "__call__")) return exec_nn_call(r, layer, a->pos, a->npos, a->nkw, a->at);
    if (!strcmp(m, "parameters")) return exec_new(r, XV_LIST); /* an optimizer's: never read by a score */
    if (!strcmp(m, "load_state_dict")) { /* trained weights the run cannot read: the stand-in's stand for them */
        ExecValue *ck = exec_arg(a, 0, "state_dict");
        (void)exec_arg(a, 1, "strict");
        if (!ck || !(ck->kind == XV_DICT || (ck->kind == XV_OBJECT && !strcmp(ck->obj.type, "checkpoint"))))
            return exec_fail_at(r, a->at, "load_state_dict() of other than a checkpoint or a dict of one");
        NnKind kind = (NnKind)nn_field(layer, " kind")->i;
        return exec_stand_in(r, a->at, "load_state_dict", "nn.%s's loaded weights are its stand-in's (the run cannot read them)",
                             nn_names[kind])
                   ? exec_none()
                   : NULL;
    }
    return NULL;
}

/* layer.weight / layer.bias of a Linear read before its first call (its dtype, its shape): the
 * stand-in's, in the dtype the layer was cast to (torch's default float32). NULL with r->failed
 * unset: not one. */
ExecValue *exec_nn_attr(ExecRun *r, ExecValue *layer, const char *name) {
    if (strcmp(name, "weight") && strcmp(name, "bias")) return NULL;
    if ((NnKind)nn_field(layer, " kind")->i != NN_LINEAR) return NULL;
    int64_t in = nn_field(layer, " in")->i, out = nn_field(layer, " out")->i;
    if (in <= 0 || out <= 0) return NULL; /* sized by its first input */
    ExecValue *d = nn_field(layer, " dtype");
    if (!nn_field(layer, "weight") && !linear_weights(r, layer, (int)in, (int)out, d ? (ExecDtype)d->i : XD_F32))
        return NULL;
    return nn_field(layer, name);
}

/* ---- hidden states ---- */

/* The model output's last_hidden_state / hidden_states, made from its logits: the table row at
 * each position (the start's column dropped), every layer the same. NULL with r->failed unset:
 * not one of them. */
ExecValue *exec_nn_hidden(ExecRun *r, ExecValue *output, const char *name, TSNode at) {
    bool last = !strcmp(name, "last_hidden_state");
    if (!last && strcmp(name, "hidden_states")) return NULL;
    ExecValue *lv = nn_field(output, "logits");
    if (!lv || lv->kind != XV_TENSOR || lv->t->ndim != 3) return NULL;
    ExecTensor *lg = lv->t;
    if (!r->hidden_width) r->hidden_width = r->table->n_vocab;
    int B = lg->shape[0], L = lg->shape[1], V = lg->shape[2], H = r->hidden_width, shape[3] = {B, L, H};
    int row = H < V - 1 ? H : V - 1; /* the row's logits (the start's column dropped), then zeros */
    ExecTensor *h = exec_tensor_new(r, lg->dtype, 3, shape, lg->numpy);
    if (!h) return NULL;
    for (int p = 0; p < B * L; p++)
        memcpy(h->data + (size_t)p * H, lg->data + (size_t)p * V, (size_t)row * sizeof *h->data);
    if (!exec_stand_in(r, at, "hidden states",
                       "%s at a position is the table row of its prefix%s (hidden size %d%s)",
                       last ? "the last layer's" : "every layer's", H > row ? ", then zeros" : H < V - 1 ? ", cut" : "",
                       H, last ? "" : ", 13 layers"))
        return NULL;
    ExecValue *hv = exec_tensor_value(r, h);
    if (last) return hv;
    ExecValue *all = exec_new(r, XV_TUPLE);
    for (int i = 0; all && i <= NN_LAYERS; i++)
        if (!exec_seq_push(r, &all->seq, hv)) return NULL;
    return all;
}

/* The toy model's config fields a head is sized by. NULL: not one. */
ExecValue *exec_nn_config(ExecRun *r, const char *name) {
    if (!strcmp(name, "hidden_size") || !strcmp(name, "n_embd") || !strcmp(name, "d_model")) {
        if (!r->hidden_width) r->hidden_width = r->table->n_vocab;
        return exec_int(r, r->hidden_width);
    }
    if (!strcmp(name, "num_hidden_layers") || !strcmp(name, "n_layer")) return exec_int(r, NN_LAYERS);
    return NULL;
}

/* ---- samplers ---- */

/* The index of the largest of n values (the first of ties; NaN never). */
static int most_probable(const double *p, int n) {
    int best = 0;
    for (int i = 1; i < n; i++)
        if (p[i] > p[best] || isnan(p[best])) best = i;
    return best;
}

/* One draw per row in a run that generates the candidate: every row draws the candidate's next
 * token (the run is scored on the continuation it generates, which must be the candidate's;
 * drawing past its end ends the run). */
static ExecValue *draw_candidate(ExecRun *r, ExecArgs *a, const char *sampler, const ExecTensor *p, ExecTensor *out) {
    const VerifySeq *c = &r->table->candidates[r->cand];
    if (r->drawn >= c->len)
        return exec_fail_at(r, a->at, "the generation drew more tokens than the candidate's %d", c->len);
    int tok = c->tokens[r->drawn++];
    if (tok >= p->shape[p->ndim - 1])
        return exec_fail_at(r, a->at, "%s over fewer tokens than the vocabulary", sampler);
    for (int i = 0; i < out->n; i++)
        out->data[i] = tok;
    if (!exec_stand_in(r, a->at, sampler,
                       "draws the candidate's next token (the generated continuation is the candidate scored)"))
        return NULL;
    return exec_tensor_value(r, out);
}

/* torch.multinomial(probs, k): per row the k most probable indices, most probable first. */
static ExecValue *sample_multinomial(ExecRun *r, ExecArgs *a) {
    ExecTensor *p = exec_lib_tensor(r, exec_arg(a, 0, "input"), false);
    int64_t k;
    bool again; /* with replacement every draw is the most probable; without, the next one */
    if (!p || !exec_arg_int(r, a, 1, "num_samples", 1, &k) || !exec_arg_bool(r, a, 2, "replacement", false, &again))
        return NULL;
    (void)exec_arg(a, -1, "generator");
    if (p->ndim < 1 || p->ndim > 2 || k < 1 || k > p->shape[p->ndim - 1])
        return exec_fail_at(r, a->at, "torch.multinomial of other than k <= n probabilities per row");
    int n = p->shape[p->ndim - 1], rows = p->n / n, shape[2] = {rows, (int)k};
    ExecTensor *out = exec_tensor_new(r, XD_INT64, p->ndim, p->ndim == 1 ? shape + 1 : shape, false);
    double *row = exec_alloc(r, (size_t)n * sizeof *row);
    if (!out || !row) return NULL;
    if (exec_plan_generates(r->plan) && k == 1) return draw_candidate(r, a, "torch.multinomial", p, out);
    r->greedy_draws++;
    for (int i = 0; i < rows; i++) {
        memcpy(row, p->data + (size_t)i * n, (size_t)n * sizeof *row);
        for (int j = 0; j < k; j++) {
            int b = most_probable(row, n);
            out->data[(size_t)i * k + j] = b;
            if (!again) row[b] = -INFINITY;
        }
    }
    if (!exec_stand_in(r, a->at, "torch.multinomial", "draws the %s (a deterministic stand-in for sampling)",
                       k == 1 ? "most probable index" : again ? "most probable index each time" : "most probable indices in order"))
        return NULL;
    return exec_tensor_value(r, out);
}

/* rng.choice(a, p=probs) / numpy.random.choice / random.choices(population, weights=): the
 * most probable element (the first without probabilities); one, or a list of k. */
static ExecValue *sample_choice(ExecRun *r, ExecArgs *a, bool choices) {
    ExecValue *pop = exec_arg(a, 0, choices ? "population" : "a");
    ExecValue *pv = exec_arg(a, choices ? 1 : 3, choices ? "weights" : "p");
    ExecValue *size = exec_arg(a, choices ? -1 : 1, choices ? "k" : "size");
    bool again = true; /* several draws: each the most probable */
    if (!choices && !exec_arg_bool(r, a, 2, "replace", true, &again)) return NULL;
    if (!pop) return exec_fail_at(r, a->at, "choice() without a population");
    int64_t n;
    ExecValue *items = NULL;
    if (pop->kind == XV_INT) {
        n = pop->i;
    } else {
        if (pop->kind == XV_TENSOR) pop = exec_tensor_tolist(r, pop->t);
        if (!(items = exec_iterate(r, pop, a->at))) return NULL;
        n = items->seq.n;
    }
    if (n < 1) return exec_fail_at(r, a->at, "choice() from an empty population");
    int best = 0;
    r->greedy_draws++;
    if (pv && pv->kind != XV_NONE) {
        ExecTensor *p = exec_lib_tensor(r, pv, true);
        if (!p) return NULL;
        if (p->n != n) return exec_fail_at(r, a->at, "choice() with %d probabilities for %lld items", p->n, (long long)n);
        best = most_probable(p->data, p->n);
    }
    ExecValue *one = items ? items->seq.items[best] : exec_int(r, best);
    if (!exec_stand_in(r, a->at, choices ? "random.choices" : "choice()", "draws the %s (a deterministic stand-in for sampling)",
                       pv && pv->kind != XV_NONE ? "most probable item" : "first item"))
        return NULL;
    int64_t k = 1;
    if (size && size->kind != XV_NONE && !exec_as_int(size, &k))
        return exec_fail_at(r, a->at, "choice() with a size that is not an int");
    if (!choices && (!size || size->kind == XV_NONE)) return one;
    if (k < 0 || k > EXEC_MAX_ELEMS) return exec_fail_at(r, a->at, "choice() of %lld items", (long long)k);
    if (!again && k > 1) return exec_fail_at(r, a->at, "choice() of several items without replacement");
    ExecValue *l = exec_new(r, XV_LIST);
    for (int i = 0; l && i < k; i++)
        if (!exec_seq_push(r, &l->seq, one)) return NULL;
    if (choices || !l) return l; /* random.choices: a list; NumPy: an array */
    ExecTensor *t = exec_tensor_from(r, l, -1, true);
    return t ? exec_tensor_value(r, t) : NULL;
}

/* A sampler: torch.multinomial, numpy.random.choice, random.choices, numpy.random.default_rng
 * (a generator whose choice() is the same), torch.Generator. NULL with r->failed unset: not
 * one. */
/* torch.randperm(n), numpy.random.permutation(n or x), random.shuffle(x): the order kept. */
static ExecValue *shuffle_kept(ExecRun *r, const char *q, ExecArgs *a) {
    ExecValue *x = exec_arg(a, 0, strcmp(q, "torch.randperm") ? "x" : "n");
    (void)exec_arg(a, -1, "dtype"), (void)exec_arg(a, -1, "device"), (void)exec_arg(a, -1, "generator");
    if (!x) return exec_fail_at(r, a->at, "%s() of nothing", q);
    if (!exec_stand_in(r, a->at, q, "keeps the order (a deterministic stand-in for shuffling)")) return NULL;
    if (!strcmp(q, "random.shuffle")) return exec_none(); /* in place: the list as it was */
    int64_t n;
    if (!exec_as_int(x, &n) || x->kind == XV_TENSOR) /* an array permuted: a copy in its order */
        return x->kind == XV_TENSOR ? exec_tensor_value(r, exec_tensor_cast(r, x->t, x->t->dtype)) : x;
    if (n < 0 || n > EXEC_MAX_ELEMS) return exec_fail_at(r, a->at, "%s(%lld)", q, (long long)n);
    int shape[1] = {(int)n};
    ExecTensor *t = exec_tensor_new(r, XD_INT64, 1, shape, q[0] == 'n');
    for (int i = 0; t && i < t->n; i++)
        t->data[i] = i;
    return t ? exec_tensor_value(r, t) : NULL;
}

/* torch.distributions.Categorical(probs=) / (logits=): an object holding the normalised
 * log-probabilities over the last dimension (its `logits`, as torch's are) and their exp (its
 * `probs`), in the dtype given. */
static ExecValue *categorical_new(ExecRun *r, ExecArgs *a) {
    ExecValue *pv = exec_arg(a, 0, "probs"), *lv = exec_arg(a, 1, "logits");
    (void)exec_arg(a, 2, "validate_args");
    if ((pv && pv->kind != XV_NONE) == (lv && lv->kind != XV_NONE))
        return exec_fail_at(r, a->at, "Categorical() with other than one of probs= and logits=");
    bool from_probs = pv && pv->kind != XV_NONE;
    ExecTensor *x = exec_lib_tensor(r, from_probs ? pv : lv, false);
    if (!x) return NULL;
    if (x->ndim < 1 || !exec_dtype_is_float(x->dtype)) return exec_fail_at(r, a->at, "Categorical() of other than float scores");
    ExecTensor *lp = from_probs ? exec_tensor_new(r, x->dtype, x->ndim, x->shape, false) : exec_tensor_softmax(r, x, x->ndim - 1, true);
    ExecTensor *p = lp ? exec_tensor_new(r, x->dtype, x->ndim, x->shape, false) : NULL;
    if (!p) return NULL;
    int V = x->shape[x->ndim - 1];
    for (int row = 0; from_probs && V > 0 && row < x->n / V; row++) { /* probs: normalised, then logged */
        double sum = 0;
        for (int k = 0; k < V; k++)
            sum = exec_round(x->dtype, sum + x->data[(size_t)row * V + k]);
        for (int k = 0; k < V; k++)
            lp->data[(size_t)row * V + k] = exec_round(x->dtype, log(exec_round(x->dtype, x->data[(size_t)row * V + k] / sum)));
    }
    for (int i = 0; i < p->n; i++)
        p->data[i] = exec_round(x->dtype, exp(lp->data[i]));
    ExecValue *d = exec_object(r, "categorical");
    if (!d || !exec_dict_set_str(r, &d->obj.fields, "logits", exec_tensor_value(r, lp)) ||
        !exec_dict_set_str(r, &d->obj.fields, "probs", exec_tensor_value(r, p)))
        return NULL;
    return d;
}

/* A Categorical's sample(), log_prob(value) and entropy(); NULL (run failed) otherwise. sample()
 * draws one index per row: the candidate's next token in a run that generates it, else the most
 * probable (a stand-in, reported). */
ExecValue *exec_nn_dist_method(ExecRun *r, ExecValue *dist, const char *m, ExecArgs *a) {
    ExecValue *lv = exec_dict_get_str(&dist->obj.fields, "logits");
    ExecTensor *lp = lv->t;
    int V = lp->shape[lp->ndim - 1], rows = V ? lp->n / V : 0;
    ExecTensor *out = exec_tensor_new(r, exec_dtype_is_float(lp->dtype) && strcmp(m, "sample") ? lp->dtype : XD_INT64,
                                      lp->ndim - 1, lp->shape, false);
    if (!out) return NULL;
    if (!strcmp(m, "sample")) {
        (void)exec_arg(a, 0, "sample_shape");
        if (exec_plan_generates(r->plan)) return draw_candidate(r, a, "Categorical.sample", lp, out);
        r->greedy_draws++;
        for (int i = 0; i < rows; i++)
            out->data[i] = most_probable(lp->data + (size_t)i * V, V);
        return exec_stand_in(r, a->at, "Categorical.sample", "draws the most probable index (a deterministic stand-in for sampling)")
                   ? exec_tensor_value(r, out)
                   : NULL;
    }
    if (!strcmp(m, "log_prob")) {
        ExecTensor *v = exec_lib_tensor(r, exec_arg(a, 0, "value"), false);
        if (!v) return NULL;
        if (v->n != rows && v->n != 1) return exec_fail_at(r, a->at, "log_prob() of %d values for %d rows", v->n, rows);
        ExecTensor *res = exec_tensor_new(r, lp->dtype, v->n == rows ? out->ndim : v->ndim, v->n == rows ? out->shape : v->shape, false);
        for (int i = 0; res && i < res->n; i++) {
            long k = (long)v->data[v->n == 1 ? 0 : i];
            if (k < 0 || k >= V) return exec_fail_at(r, a->at, "log_prob() of index %ld outside %d", k, V);
            res->data[i] = lp->data[(size_t)(v->n == 1 ? 0 : i) * V + k];
        }
        return res ? exec_tensor_value(r, res) : NULL;
    }
    if (!strcmp(m, "entropy")) {
        for (int i = 0; i < rows; i++) {
            double h = 0;
            for (int k = 0; k < V; k++) {
                double l = lp->data[(size_t)i * V + k];
                if (isfinite(l)) h = exec_round(lp->dtype, h - exec_round(lp->dtype, exp(l) * l));
            }
            out->data[i] = h;
        }
        return exec_tensor_value(r, out);
    }
    return exec_fail_as(r, XF_GAP, a->at, "unsupported call of a Categorical's %s()", m);
}

/* torch.nn.init.NAME_(tensor, ...), in place, the tensor returned: a constant fill is done; a
 * random draw keeps the values the tensor holds (a layer's stand-in weights, which the reported
 * table lets anyone recompute, where a draw of torch's normal_ would not). NULL with r->failed
 * unset: not one of them. */
static ExecValue *init_in_place(ExecRun *r, const char *q, ExecArgs *a) {
    static const char *const random[] = {"normal_", "uniform_", "trunc_normal_", "xavier_normal_",
                                         "xavier_uniform_", "kaiming_normal_", "kaiming_uniform_",
                                         "orthogonal_"};
    const char *prefix = "torch.nn.init.", *name = q + strlen(prefix);
    if (strncmp(q, prefix, strlen(prefix))) return NULL;
    double fill = !strcmp(name, "zeros_") ? 0 : 1;
    bool constant = !strcmp(name, "zeros_") || !strcmp(name, "ones_") || !strcmp(name, "constant_");
    bool drawn = false;
    for (size_t i = 0; i < sizeof random / sizeof *random; i++)
        drawn |= !strcmp(name, random[i]);
    if (!constant && !drawn) return NULL;
    ExecValue *x = exec_arg(a, 0, "tensor");
    if (!x || x->kind != XV_TENSOR) return exec_fail_at(r, a->at, "%s() of no tensor", q);
    if (!strcmp(name, "constant_")) {
        ExecValue *v = exec_arg(a, 1, "val");
        if (!v || !exec_is_number(v)) return exec_fail_at(r, a->at, "%s() of no number", q);
        fill = exec_number(v);
    }
    a->used = ~0u; /* a draw's mean, std, bounds, gain, generator: the values are kept */
    if (drawn)
        return exec_stand_in(r, a->at, q, "keeps the layer's stand-in values (a deterministic "
                                          "stand-in for a random initialisation)")
                   ? x
                   : NULL;
    if (!exec_work(r, x->t->n)) return NULL;
    for (int i = 0; i < x->t->n; i++)
        x->t->data[i] = exec_round(x->t->dtype, fill);
    return x;
}

ExecValue *exec_nn_training(ExecRun *r, const char *q, ExecArgs *a) {
    if (!strcmp(q, "torch.nn.utils.clip_grad_norm_") || !strcmp(q, "torch.nn.utils.clip_grad_value_")) {
        /* backward() takes no gradient here (no score reads one): nothing to clip, a norm of 0 */
        a->used = ~0u;
        ExecTensor *norm = strstr(q, "norm") ? exec_tensor_new(r, XD_F32, 0, (int[]){0}, false) : NULL;
        return norm ? exec_tensor_value(r, norm) : r->failed ? NULL : exec_none();
    }
    return init_in_place(r, q, a);
}

ExecValue *exec_nn_sampler(ExecRun *r, const char *q, ExecArgs *a) {
    if (!strcmp(q, "torch.multinomial")) return sample_multinomial(r, a);
    if (!strcmp(q, "torch.distributions.Categorical") || !strcmp(q, "torch.distributions.categorical.Categorical"))
        return categorical_new(r, a);
    if (!strcmp(q, "torch.randperm") || !strcmp(q, "numpy.random.permutation") || !strcmp(q, "random.shuffle"))
        return shuffle_kept(r, q, a);
    if (!strcmp(q, "numpy.random.choice")) return sample_choice(r, a, false);
    if (!strcmp(q, "random.choices") || !strcmp(q, "random.choice")) return sample_choice(r, a, !strcmp(q, "random.choices"));
    if (!strcmp(q, "numpy.random.default_rng") || !strcmp(q, "numpy.random.RandomState") ||
        !strcmp(q, "numpy.random.Generator") || !strcmp(q, "torch.Generator")) {
        a->used = ~0u; /* the seed: the stand-in draws the same whatever it is */
        return exec_object(r, "rng");
    }
    return NULL;
}

/* A method of a generator from default_rng: choice(). NULL (run failed) otherwise. */
ExecValue *exec_nn_rng_method(ExecRun *r, const char *m, ExecArgs *a) {
    if (!strcmp(m, "manual_seed") || !strcmp(m, "seed")) {
        a->used = ~0u;
        return exec_none();
    }
    if (!strcmp(m, "choice")) return sample_choice(r, a, false);
    return exec_fail_as(r, XF_GAP, a->at, "unsupported call of a random generator's %s()", m);
}
