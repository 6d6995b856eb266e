/* The array vocabulary torch, numpy, jax, mlx and tensorflow share: the same name means the
 * same op in each library that has it (libs lists which). A tensor's method of that name is
 * the same op with its positions one less (the tensor is the receiver, not an argument). */
#include "contracts.h"
#include "facts.h"

/* The libraries most array functions exist in (tf.experimental.numpy and scipy's old numpy
 * aliases have numpy's names). */
#define ARR (LIB_TORCH | LIB_NUMPY | LIB_SCIPY | LIB_JAX | LIB_MLX | LIB_TF)

const Contract contracts_array[] = {
    /* exponentials and logarithms */
    {"log", ARR | LIB_MATH, FORM_ARRAY, OP_LOG, -1, -1, .keeps = PK_SIDE},
    {"log2", ARR | LIB_MATH, FORM_ARRAY, OP_LOG, -1, -1},
    {"log10", ARR | LIB_MATH, FORM_ARRAY, OP_LOG, -1, -1},
    /* exp() of a value nothing is known of may be a manual softmax's: a bare name */
    {"exp", ARR | LIB_MATH, FORM_ARRAY | FORM_UNKNOWN, OP_EXP, -1, -1, .keeps = PK_SIDE},
    {"logaddexp", ARR, FORM_ARRAY, OP_LOGADDEXP, -1, -1},
    /* reductions */
    {"sum", ARR | LIB_BUILTINS, FORM_ARRAY, OP_SUM, 0, -1, PO_COUNT},
    {"nansum", LIB_TORCH | LIB_NUMPY | LIB_JAX, FORM_ARRAY, OP_SUM, 0, -1},
    {"mean", ARR | LIB_STATISTICS, FORM_ARRAY, OP_MEAN, 0, -1},
    {"nanmean", LIB_TORCH | LIB_NUMPY | LIB_JAX, FORM_ARRAY, OP_NANMEAN, 0, -1},
    {"prod", ARR | LIB_MATH, FORM_ARRAY, OP_PROD, 0, -1},
    {"cumsum", ARR, FORM_ARRAY, OP_CUMSUM, 0, -1},
    {"cumprod", ARR, FORM_ARRAY, OP_CUMPROD, 0, -1},
    /* max() / min() of a value nothing is known of: a bare name, as for exp() */
    {"max", ARR | LIB_BUILTINS, FORM_ARRAY | FORM_UNKNOWN, OP_MAX, 0, -1},
    {"amax", LIB_TORCH | LIB_NUMPY | LIB_JAX, FORM_ARRAY | FORM_UNKNOWN, OP_MAX, 0, -1},
    {"min", ARR | LIB_BUILTINS, FORM_ARRAY | FORM_UNKNOWN, OP_MIN, 0, -1},
    {"amin", LIB_TORCH | LIB_NUMPY | LIB_JAX, FORM_ARRAY | FORM_UNKNOWN, OP_MIN, 0, -1},
    {"argmax", ARR, FORM_ARRAY, OP_ARGMAX, 0, -1, PO_FIRST_TRUE},
    {"argmin", ARR, FORM_ARRAY, OP_ARGMAX, 0, -1},
    {"sort", ARR, FORM_ARRAY, OP_SORT, 0, -1},
    {"argsort", ARR, FORM_ARRAY, OP_SORT, 0, -1},
    {"topk", LIB_TORCH | LIB_MLX, FORM_ARRAY, OP_SORT, 1, -1},
    /* layout */
    {"squeeze", ARR, FORM_ARRAY, OP_SQUEEZE, 0, -1, .keeps = PK_INDEX | PK_SIDE},
    {"reshape", ARR, FORM_ARRAY, OP_RESHAPE, -1, -1, .keeps = PK_INDEX},
    {"flatten", LIB_TORCH | LIB_MLX, FORM_ARRAY, OP_FLATTEN, -1, -1, .keeps = PK_INDEX},
    {"ravel", LIB_TORCH | LIB_NUMPY | LIB_JAX, FORM_ARRAY, OP_RESHAPE, -1, -1},
    {"transpose", ARR, FORM_ARRAY, OP_TRANSPOSE, -1, -1},
    {"swapaxes", ARR, FORM_ARRAY, OP_TRANSPOSE, -1, -1},
    {"einsum", ARR, FORM_ARRAY, OP_EINSUM, -1, -1},
    {"rearrange", LIB_EINOPS, FORM_FUNC, OP_REARRANGE, -1, -1},
    {"stack", ARR, FORM_ARRAY, OP_STACK, 0, -1, .keeps = PK_ALL},
    {"concat", ARR, FORM_ARRAY, OP_CAT, 0, -1},
    {"concatenate", ARR, FORM_ARRAY, OP_CAT, 0, -1},
    {"roll", ARR, FORM_ARRAY, OP_ROLL, -1, -1},
    {"full", ARR, FORM_ARRAY, OP_FULL, -1, -1, PO_FULL},
    {"arange", ARR, FORM_ARRAY, OP_ARANGE, -1, -1},
    {"nonzero", LIB_TORCH | LIB_NUMPY | LIB_JAX | LIB_TF, FORM_ARRAY, OP_NONZERO, -1, -1},
    {"argwhere", LIB_TORCH | LIB_NUMPY | LIB_JAX | LIB_MLX, FORM_ARRAY, OP_NONZERO, -1, -1},
    {"flatnonzero", LIB_NUMPY | LIB_JAX, FORM_ARRAY, OP_NONZERO, -1, -1},
    {"pad", ARR, FORM_FUNC, OP_PAD_ARRAY, -1, -1},
    /* the same values */
    {"abs", ARR | LIB_BUILTINS, FORM_ARRAY | FORM_MODULE, OP_PASS, -1, -1},
    {"clip", ARR, FORM_ARRAY | FORM_MODULE, OP_PASS, -1, -1, .keeps = PK_INDEX},
    /* maximum(count, 1): the same count but for empty rows, a floor as clip's (facts_classprob.c
     * passes the operand beside a number, nothing of two arrays' element-wise maximum) */
    {"maximum", ARR, FORM_FUNC, OP_PASS, -1, -1, .keeps = PK_INDEX},
    {"nan_to_num", LIB_TORCH | LIB_NUMPY | LIB_JAX, FORM_ARRAY | FORM_MODULE, OP_PASS, -1, -1},
    {"asarray", LIB_TORCH | LIB_NUMPY | LIB_JAX, FORM_ARRAY | FORM_MODULE, OP_TO_TENSOR, -1, -1,
     .keeps = PK_ALL},
    {"array", LIB_NUMPY | LIB_JAX | LIB_MLX, FORM_ARRAY | FORM_MODULE, OP_TO_TENSOR, -1, -1,
     .keeps = PK_ALL},
    /* arithmetic */
    {"where", ARR, FORM_ARRAY, OP_WHERE, -1, -1},
    {"multiply", ARR, FORM_ARRAY, OP_MUL, -1, -1},
    {"subtract", ARR, FORM_ARRAY, OP_SUB, -1, -1},
    {"divide", ARR, FORM_ARRAY, OP_DIV, -1, -1},
    {"true_divide", LIB_TORCH | LIB_NUMPY | LIB_JAX, FORM_ARRAY, OP_DIV, -1, -1},
    {"not_equal", ARR, FORM_ARRAY, OP_COMPARE, -1, -1, PO_NE},
    {"sigmoid", ARR | LIB_FLAX, FORM_ARRAY, OP_SIGMOID, -1, -1},
    {"log_softmax", ARR | LIB_FLAX, FORM_ARRAY, OP_LOG_SOFTMAX, 0, -1, .keeps = PK_SIDE},
    {"softmax", ARR | LIB_FLAX, FORM_ARRAY, OP_SOFTMAX, 0, -1, .keeps = PK_SIDE},
    {"logsumexp", ARR | LIB_FLAX, FORM_ARRAY, OP_LOGSUMEXP, 0, -1},
    /* nothing the main facts track; facts_use.c reads them: exp(x).sum(-1) close to 1 (x
     * holds log-probs). A tensor of torch has allclose and isclose as methods too. */
    {"ones", ARR, FORM_FUNC, OP_ONES, -1, -1},
    {"ones_like", ARR, FORM_FUNC, OP_ONES, -1, -1},
    {"allclose", ARR, FORM_ARRAY, OP_CLOSE, -1, -1},
    {"isclose", ARR | LIB_MATH, FORM_ARRAY, OP_CLOSE, -1, -1},
    /* nothing the main facts track; the padding domain reads their columns (contracts.h) */
    {"zeros", ARR, FORM_FUNC, OP_PAD_ONLY, -1, -1, PO_ZEROS},
    {"zeros_like", ARR, FORM_FUNC, OP_PAD_ONLY, -1, -1, PO_ZEROS},
    {"full_like", ARR, FORM_FUNC, OP_PAD_ONLY, -1, -1, PO_FULL},
    {"logical_not", ARR, FORM_ARRAY, OP_PAD_ONLY, -1, -1, PO_NOT},
    {"count_nonzero", LIB_TORCH | LIB_NUMPY | LIB_JAX, FORM_ARRAY, OP_PAD_ONLY, 0, -1, PO_COUNT},
    {NULL, 0, 0, OP_NONE, 0, 0}};

/* Attributes of a tensor of any of these libraries. */
const AttrContract contracts_array_attrs[] = {
    /* .T reverses every axis, .mT swaps the last two */
    {"T", AR_TENSOR, AY_REVERSED_AXES, .arg = 0},
    {"mT", AR_TENSOR, AY_REVERSED_AXES, .arg = 2},
    {"data", AR_TENSOR, .yields = AY_RECEIVER},
    {"shape", AR_TENSOR, .yields = AY_SHAPE},
    /* x.max(dim).values: the maxima themselves */
    {"values", AR_TENSOR, AY_RECEIVER, .kinds_any = FK_MAXV},
    {.name = NULL}};
