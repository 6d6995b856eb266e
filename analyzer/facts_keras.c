/* facts_keras: keras's models and the data path into them. The functional keras.Model and its
 * compile; tf.data datasets (a list of batches, each as the arrays they were sliced from), the
 * training loop that runs a Model subclass's call on them (fit, evaluate, predict). */
#include "facts_xfer.h"

/* keras.Model(inputs, outputs): the model computes outputs from inputs, so what it does is
 * what the layer that made outputs does, known when that layer ended in a softmax (Dense(n,
 * activation="softmax")(x)) or was a linear head's raw scores. Several outputs (a list, a
 * dict) or anything else: nothing known. A causal LM by its layers (facts_keraslm.c) is a
 * model whose call on token ids gives its logits, as mlx_lm's. */
static Fact keras_model(Interp *in, const Applied *s) {
    const Args *a = s->a;
    if (keraslm_causal(in, s->node, args_node(in, a, "inputs", NULL, 0),
                       args_node(in, a, "outputs", NULL, 1))) {
        Fact lm = fact_object(FO_MODEL, 0, s->node); /* model(ids) is its logits [B, T, V] */
        lm.causal = lm.bare_lm = true;
        return lm;
    }
    Fact out = args_fact(in, a, "outputs", 1);
    if (out.bottom || out.obj != FO_NONE || (out.flags & FF_WEAK)) return fact_unknown();
    bool probs = out.kinds == FK_PROB && (out.flags & FF_SOFTMAX);
    if (!probs && out.kinds != FK_RAW) return fact_unknown();
    Op op = probs ? OP_SOFTMAX_CLASS : OP_LINEAR_CLASS;
    Fact m = fact_object(FO_CALLABLE, 0, out.origin);
    m.op = (uint8_t)op;
    m.op_dim = -1;
    m.batch_first = true; /* built on keras.Input: its outputs are batches */
    return m;
}

/* model.compile(optimizer, loss=L): keras trains the model on L(y, model(x)), so L is applied
 * to what the model outputs, here where the loss is named. Only a model whose output is known
 * (a callable of a known op) and a loss object (SparseCategoricalCrossentropy(from_logits=
 * True)); a loss named by a string takes probabilities, as the default from_logits=False does. */
static Fact keras_compile(Interp *in, const Applied *s) {
    Fact loss = args_fact(in, s->a, "loss", 1);
    if (s->recv.obj != FO_CALLABLE || loss.bottom || loss.obj != FO_CALLABLE) return fact_unknown();
    TSNode at = args_node(in, s->a, "loss", NULL, 1);
    Args none = {.node = at};
    Fact out = array_callable(in, at, s->recv, &none);
    out.origin = s->recv.origin; /* the layer that made them */
    Args pair = {.node = at, .npos = 2, .nplain = 2};
    pair.posf[0] = fact_unknown(); /* y: the targets fit() is given */
    pair.posf[1] = out;
    array_callable(in, at, loss, &pair);
    return fact_unknown();
}

/* tf.data.Dataset.from_tensor_slices(x): batching the rows again gives arrays as x's, padded
 * as x's are. A dict or a tuple of arrays (features, labels) is a list of such batches. */
static Fact dataset_of(const Applied *s) {
    Fact x = s->a->npos ? s->a->posf[0] : fact_unknown();
    if (x.records || (x.obj != FO_TUPLE && x.obj != FO_DICT && x.obj != FO_ENCODING))
        return fact_unknown();
    x.records = true;
    return x;
}

/* What the model's call is handed for each batch of x: a dataset's element's first part (its
 * inputs, (inputs, labels)) or the element itself (a dict of inputs); an array's rows
 * batched, as the array. */
static Fact batch_inputs(Fact x) {
    if (!x.records) return x;
    x.records = false;
    if (x.obj == FO_TUPLE) return x.nelems >= 1 ? x.elems[0] : fact_unknown();
    return x;
}

/* model.fit(x, y), evaluate(x, y), predict(x) of an object of a keras Model subclass of the
 * file: keras calls the object on each batch, which runs its call(inputs) (training= aside).
 * What predict returns is what call returns; fit and evaluate return no output of it. */
static Fact keras_run(Interp *in, const Applied *s) {
    if (s->recv.obj != FO_INSTANCE) return fact_unknown();
    TSNode def = svc_find_method(in, s->recv.def, "call", 4);
    Fact x = args_fact(in, s->a, "x", 0);
    if (ts_node_is_null(def) || x.bottom) return fact_unknown();
    Args batch = {.node = s->node, .npos = 1, .nplain = 1};
    batch.posf[0] = batch_inputs(x);
    TSNode outer = in->runs_at;
    in->runs_at = s->node; /* what call does is this call's doing (in another module too) */
    Fact r = svc_call_user(in, def, (TSNode){0}, &batch, &s->recv);
    in->runs_at = outer;
    return s->row->op == OP_KERAS_RUN ? fact_unknown() : r;
}

Fact keras_apply(Interp *in, const Applied *s) {
    switch ((Op)s->row->op) {
    case OP_KERAS_MODEL:
        return keras_model(in, s);
    case OP_KERAS_COMPILE:
        return keras_compile(in, s);
    case OP_DATASET:
        return dataset_of(s);
    case OP_DATASET_STEP: /* ds.batch(n).prefetch(k): the same batches */
        return s->recv.records ? s->recv : fact_unknown();
    case OP_KERAS_RUN:
    case OP_MODEL_CALL: /* predict */
        return keras_run(in, s);
    default: /* OP_KERAS_PAD: token ids nothing else of which is known (facts_padkeras.c) */
        return fact_unknown();
    }
}
