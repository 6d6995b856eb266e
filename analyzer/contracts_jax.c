/* jax, flax and optax (jax.numpy's array names are in contracts_array.c). */
#include "contracts.h"

const Contract contracts_jax[] = {
    {"softmax_cross_entropy_with_integer_labels", LIB_OPTAX, FORM_ARRAY, OP_CROSS_ENTROPY, -1, -1},
    {"softmax_cross_entropy", LIB_OPTAX | LIB_TF, FORM_ARRAY, OP_CROSS_ENTROPY, -1, -1},
    {"log_sigmoid", LIB_JAX | LIB_FLAX | LIB_TF, FORM_ARRAY, OP_LOGSIGMOID, -1, -1},
    {NULL, 0, 0, OP_NONE, 0, 0}};
