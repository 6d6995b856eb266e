/* tensorflow and tf.keras. */
#include "contracts.h"

const Contract contracts_tensorflow[] = {
    {"reduce_max", LIB_TF, FORM_ARRAY | FORM_UNKNOWN, OP_MAX, 0, -1},
    {"reduce_sum", LIB_TF, FORM_ARRAY, OP_SUM, 0, -1, PO_COUNT},
    {"reduce_mean", LIB_TF, FORM_ARRAY, OP_MEAN, 0, -1},
    {"reduce_prod", LIB_TF, FORM_ARRAY, OP_PROD, 0, -1},
    {"reduce_logsumexp", LIB_TF, FORM_ARRAY, OP_LOGSUMEXP, 0, -1},
    /* tf.gather(params, indices, axis=None, batch_dims=0): its axis read by facts_array.c */
    {"gather", LIB_TF, FORM_FUNC, OP_SELECT, -1, 0},
    /* tf.cast(x, tf.float32), tf.identity(x): the same values in another dtype or tensor */
    {"cast", LIB_TF, FORM_FUNC, OP_PASS, -1, -1, .keeps = PK_ALL},
    {"identity", LIB_TF, FORM_FUNC, OP_PASS, -1, -1, .keeps = PK_ALL},
    /* tf.convert_to_tensor(ids[:, 1:]), tf.constant(x): the values made a tensor, as asarray */
    {"convert_to_tensor", LIB_TF, FORM_FUNC, OP_TO_TENSOR, -1, -1, .keeps = PK_ALL},
    {"constant", LIB_TF, FORM_FUNC, OP_TO_TENSOR, -1, -1, .keeps = PK_ALL},
    {"stop_gradient", LIB_TF | LIB_JAX | LIB_MLX, FORM_ARRAY | FORM_MODULE, OP_PASS, -1, -1},
    {"sparse_softmax_cross_entropy_with_logits", LIB_TF, FORM_ARRAY, OP_CROSS_ENTROPY, -1, -1},
    {"softmax_cross_entropy_with_logits", LIB_TF, FORM_ARRAY, OP_CROSS_ENTROPY, -1, -1},
    {"sparse_categorical_crossentropy", LIB_TF, FORM_ARRAY, OP_KERAS_CE, -1, -1},
    {"categorical_crossentropy", LIB_TF, FORM_ARRAY, OP_KERAS_CE, -1, -1},
    {"SparseCategoricalCrossentropy", LIB_TF, FORM_ARRAY, OP_KERAS_CE_CLASS, -1, -1},
    {"CategoricalCrossentropy", LIB_TF, FORM_ARRAY, OP_KERAS_CE_CLASS, -1, -1},
    /* keras's functional model, keras.Model(inputs, outputs): its output is outputs; and its
     * compile(optimizer, loss), which trains it on loss(y, model(x)) */
    {"Model", LIB_TF, FORM_FUNC, OP_KERAS_MODEL, -1, -1},
    {"compile", 0, FORM_MODULE, OP_KERAS_COMPILE, -1, -1},
    /* model.predict(x, batch_size=...): the model run on x batch by batch, its outputs joined
     * along the batch, as model(x) gives them */
    {"predict", 0, FORM_MODULE, OP_MODEL_CALL, -1, -1},
    {"predict_on_batch", 0, FORM_MODULE, OP_MODEL_CALL, -1, -1},
    /* keras's training loop: fit(x, y) and evaluate(x, y) run the model's call on each batch
     * of x, a dataset's inputs (its elements' first part) or an array's rows */
    {"fit", 0, FORM_MODULE, OP_KERAS_RUN, -1, -1},
    {"evaluate", 0, FORM_MODULE, OP_KERAS_RUN, -1, -1},
    /* tf.data: a dataset of x's rows (x an array, a dict or a tuple of them), batched,
     * shuffled, prefetched: each batch is padded as x is */
    {"from_tensor_slices", LIB_TF, FORM_FUNC, OP_DATASET, -1, -1},
    {"batch", 0, FORM_DATASET, OP_DATASET_STEP, -1, -1},
    {"shuffle", 0, FORM_DATASET, OP_DATASET_STEP, -1, -1},
    {"prefetch", 0, FORM_DATASET, OP_DATASET_STEP, -1, -1},
    {"cache", 0, FORM_DATASET, OP_DATASET_STEP, -1, -1},
    /* keras.utils.pad_sequences, tf.keras.preprocessing.sequence.pad_sequences */
    {"pad_sequences", LIB_TF, FORM_FUNC, OP_KERAS_PAD, -1, -1},
    /* tf.debugging.assert_near(x, y): x and y close, or an InvalidArgumentError */
    {"assert_near", LIB_TF, FORM_FUNC, OP_CLOSE, -1, -1},
    {NULL, 0, 0, OP_NONE, 0, 0}};
