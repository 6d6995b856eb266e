/* jax, flax and optax (jax.numpy's array names are in contracts_array.c). */
#include "contracts.h"

const Contract contracts_jax[] = {
    {"softmax_cross_entropy_with_integer_labels", LIB_OPTAX, FORM_ARRAY, OP_CROSS_ENTROPY, -1, -1},
    {"softmax_cross_entropy", LIB_OPTAX | LIB_TF, FORM_ARRAY, OP_CROSS_ENTROPY, -1, -1},
    {"log_sigmoid", LIB_JAX | LIB_FLAX | LIB_TF, FORM_ARRAY, OP_LOGSIGMOID, -1, -1},
    /* flax: module.apply(variables, x) runs the module on x, and so does a TrainState's
     * apply_fn(variables, x). On a model; and as bare-name fallbacks, on an object nothing is
     * known of (a flax module of a class of the file, a TrainState: TrainState.create(...) is
     * no row) and, for apply_fn, on a function passed along as a parameter. Either way it is a
     * model call only when x is token ids, known from data flow or by the call's look
     * (facts_call_op.c); else the call is left to the file's own code. */
    {"apply", 0, FORM_MODEL | FORM_UNKNOWN, OP_FLAX_APPLY, -1, -1},
    {"apply_fn", 0, FORM_MODEL | FORM_UNKNOWN | FORM_UNKNOWN_FN, OP_FLAX_APPLY, -1, -1},
    {NULL, 0, 0, OP_NONE, 0, 0}};
