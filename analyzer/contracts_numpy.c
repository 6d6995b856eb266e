/* numpy and scipy (jax.numpy shares most of these names). */
#include "contracts.h"

const Contract contracts_numpy[] = {
    {"average", LIB_NUMPY | LIB_JAX, FORM_ARRAY, OP_MEAN, 0, -1},
    {"product", LIB_NUMPY, FORM_ARRAY, OP_PROD, 0, -1},
    {"nanprod", LIB_NUMPY | LIB_JAX, FORM_ARRAY, OP_PROD, 0, -1},
    {"nanmax", LIB_NUMPY | LIB_JAX, FORM_ARRAY | FORM_UNKNOWN, OP_MAX, 0, -1},
    {"take_along_axis", LIB_NUMPY | LIB_JAX | LIB_MLX, FORM_ARRAY, OP_SELECT, 1, 0,
     .keeps = PK_SIDE},
    {"expand_dims", LIB_NUMPY | LIB_JAX | LIB_MLX | LIB_TF, FORM_ARRAY, OP_UNSQUEEZE, 0, -1},
    {"copy", LIB_NUMPY | LIB_JAX, FORM_ARRAY | FORM_MODULE, OP_PASS, -1, -1},
    {"astype", LIB_NUMPY | LIB_JAX, FORM_ARRAY | FORM_MODULE, OP_PASS, -1, -1, .keeps = PK_ALL},
    {"float32", LIB_NUMPY | LIB_JAX, FORM_ARRAY | FORM_MODULE, OP_PASS, -1, -1},
    {"float64", LIB_NUMPY | LIB_JAX, FORM_ARRAY | FORM_MODULE, OP_PASS, -1, -1},
    /* np.multiply.reduce(x, axis): np.prod(x, axis); add: sum; maximum: max */
    {"reduce", LIB_NUMPY | LIB_JAX, FORM_FUNC, OP_UFUNC_REDUCE, 0, -1},
    /* numpy.testing (and torch.testing's older name): a and b close, or an AssertionError */
    {"assert_allclose", LIB_NUMPY | LIB_TORCH, FORM_FUNC, OP_CLOSE, -1, -1},
    {NULL, 0, 0, OP_NONE, 0, 0}};
