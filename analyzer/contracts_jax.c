/* jax, flax and optax (jax.numpy's array names are in contracts_array.c). */
#include "contracts.h"

const Contract contracts_jax[] = {
    {"softmax_cross_entropy_with_integer_labels", LIB_OPTAX, FORM_ARRAY, OP_CROSS_ENTROPY, -1, -1},
    {"softmax_cross_entropy", LIB_OPTAX | LIB_TF, FORM_ARRAY, OP_CROSS_ENTROPY, -1, -1},
    {"log_sigmoid", LIB_JAX | LIB_FLAX | LIB_TF, FORM_ARRAY, OP_LOGSIGMOID, -1, -1},
    /* flax: TrainState.create(apply_fn=model.apply, params=..., tx=...) is a state whose
     * apply_fn runs the module: a model known by that use only (its apply_fn is the row below
     * on a model) */
    /* jax.value_and_grad(loss_fn)(params), jax.jit(step): a transform of a function of this
     * code, called as it is: its body runs on those arguments with the names it captured */
    {"value_and_grad", LIB_JAX, FORM_FUNC, OP_PASS, -1, -1, .keeps = PK_ALL},
    {"grad", LIB_JAX, FORM_FUNC, OP_PASS, -1, -1, .keeps = PK_ALL},
    {"jit", LIB_JAX, FORM_FUNC, OP_PASS, -1, -1, .keeps = PK_ALL},
    {"create", LIB_FLAX, FORM_FUNC, OP_TRAIN_STATE, -1, -1},
    /* flax nn.Embed(V, d): a lookup of token ids; a module that feeds its input to one is
     * applied to token ids (facts_call_op.c) */
    {"Embed", LIB_FLAX, FORM_FUNC, OP_EMBED, -1, -1},
    /* flax: module.apply(variables, x) runs the module on x, and so does a TrainState's
     * apply_fn(variables, x). On a model (a TrainState.create(...) is one); and as bare-name
     * fallbacks, on an object nothing is known of (a flax module of a class of the file, a
     * state passed in as a parameter) and, for apply_fn, on a function passed along as a
     * parameter. Either way it is a model call only when x is token ids, known from data flow
     * or by the call's look (facts_call_op.c); else the call is left to the file's own code. */
    {"apply", 0, FORM_MODEL | FORM_UNKNOWN, OP_FLAX_APPLY, -1, -1},
    {"apply_fn", 0, FORM_MODEL | FORM_UNKNOWN | FORM_UNKNOWN_FN, OP_FLAX_APPLY, -1, -1},
    {NULL, 0, 0, OP_NONE, 0, 0}};
