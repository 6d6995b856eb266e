/* torch: tensor methods, torch.nn (functional and module classes), torch.distributions,
 * torch.utils.data. */
#include "contracts.h"
#include "facts.h"

/* Tensor methods that return the same values (dtype, device, a copy); on an nn.Module the
 * module itself. */
#define SAME (FORM_TENSOR | FORM_MODULE)

const Contract contracts_torch[] = {
    /* in-place forms: x.log_() changes x itself (facts_call.c rebinds the receiver) */
    {"log_", LIB_TORCH, FORM_ARRAY, OP_LOG, -1, -1},
    {"exp_", LIB_TORCH, FORM_ARRAY | FORM_UNKNOWN, OP_EXP, -1, -1},
    {"mul_", 0, FORM_TENSOR, OP_MUL, -1, -1},
    {"sub_", 0, FORM_TENSOR, OP_SUB, -1, -1},
    {"div_", 0, FORM_TENSOR, OP_DIV, -1, -1},
    {"masked_fill_", 0, FORM_TENSOR, OP_MASKED_FILL, -1, -1},
    /* selection at token ids: gather(x, dim, index) / x.gather(dim, index) */
    {"gather", LIB_TORCH, FORM_ARRAY, OP_SELECT, 0, 1, PO_GATHER, PK_SIDE},
    {"take_along_dim", LIB_TORCH, FORM_ARRAY, OP_SELECT, 1, 0, PO_GATHER, PK_SIDE},
    {"index_select", LIB_TORCH, FORM_ARRAY, OP_SELECT, 0, 1},
    /* layout */
    {"unsqueeze", LIB_TORCH, FORM_ARRAY, OP_UNSQUEEZE, 0, -1, .keeps = PK_INDEX | PK_SIDE},
    {"view", 0, FORM_TENSOR, OP_RESHAPE, -1, -1, .keeps = PK_INDEX},
    /* x.view_as(y): y's shape (facts_array.c reads y) */
    {"view_as", 0, FORM_TENSOR, OP_RESHAPE, -1, -1, .keeps = PK_INDEX},
    {"reshape_as", 0, FORM_TENSOR, OP_RESHAPE, -1, -1, .keeps = PK_INDEX},
    {"permute", LIB_TORCH, FORM_ARRAY, OP_PERMUTE, -1, -1},
    {"movedim", LIB_TORCH, FORM_ARRAY, OP_TRANSPOSE, -1, -1},
    {"narrow", LIB_TORCH, FORM_ARRAY, OP_NARROW, 0, -1},
    {"chunk", LIB_TORCH, FORM_ARRAY, OP_CHUNK, 1, -1},
    {"split", LIB_TORCH, FORM_ARRAY, OP_SPLIT, 1, -1},
    {"unbind", LIB_TORCH, FORM_ARRAY, OP_UNBIND, 0, -1},
    {"cat", LIB_TORCH, FORM_ARRAY, OP_CAT, 0, -1},
    {"vstack", LIB_TORCH | LIB_NUMPY | LIB_JAX, FORM_ARRAY, OP_STACK, -1, -1},
    {"item", 0, FORM_TENSOR, OP_ITEM, -1, -1},
    {"size", LIB_NUMPY | LIB_JAX | LIB_TF, FORM_ARRAY, OP_SIZE, 0, -1},
    {"numel", LIB_TORCH, FORM_ARRAY, OP_NUMEL, -1, -1},
    /* the same values */
    {"to", 0, SAME, OP_PASS, -1, -1, .keeps = PK_ALL},
    {"float", LIB_BUILTINS, FORM_ARRAY | FORM_MODULE, OP_PASS, -1, -1, .keeps = PK_ALL},
    {"double", 0, SAME, OP_PASS, -1, -1, .keeps = PK_ALL},
    {"long", 0, FORM_TENSOR, OP_PASS, -1, -1, .keeps = PK_ALL},
    {"int", LIB_BUILTINS, FORM_ARRAY, OP_PASS, -1, -1, .keeps = PK_ALL},
    {"short", 0, FORM_TENSOR, OP_PASS, -1, -1},
    {"byte", 0, FORM_TENSOR, OP_PASS, -1, -1},
    {"half", 0, SAME, OP_PASS, -1, -1, .keeps = PK_ALL},
    {"bfloat16", 0, SAME, OP_PASS, -1, -1, .keeps = PK_ALL},
    {"cpu", 0, SAME, OP_PASS, -1, -1, .keeps = PK_ALL},
    {"cuda", 0, SAME, OP_PASS, -1, -1, .keeps = PK_ALL},
    {"type", LIB_BUILTINS, FORM_ARRAY | FORM_MODULE, OP_PASS, -1, -1, .keeps = PK_ALL},
    {"type_as", 0, SAME, OP_PASS, -1, -1, .keeps = PK_ALL},
    {"detach", LIB_TORCH, FORM_ARRAY | FORM_MODULE, OP_PASS, -1, -1, .keeps = PK_ALL},
    {"clone", LIB_TORCH, FORM_ARRAY | FORM_MODULE, OP_PASS, -1, -1, .keeps = PK_ALL},
    {"contiguous", 0, SAME, OP_PASS, -1, -1, .keeps = PK_ALL},
    {"numpy", 0, SAME, OP_PASS, -1, -1, .keeps = PK_ALL},
    {"tolist", 0, SAME, OP_PASS, -1, -1},
    /* count.clamp(min=1): the same count but for empty rows (a divisor, an index) */
    {"clamp", LIB_TORCH, FORM_ARRAY | FORM_MODULE, OP_PASS, -1, -1, .keeps = PK_INDEX},
    {"clamp_min", LIB_TORCH, FORM_ARRAY | FORM_MODULE, OP_PASS, -1, -1, .keeps = PK_INDEX},
    {"neg", LIB_TORCH, FORM_ARRAY | FORM_MODULE, OP_PASS, -1, -1},
    {"tensor", LIB_TORCH, FORM_ARRAY | FORM_MODULE, OP_TO_TENSOR, -1, -1, .keeps = PK_ALL},
    {"as_tensor", LIB_TORCH, FORM_ARRAY | FORM_MODULE, OP_TO_TENSOR, -1, -1, .keeps = PK_ALL},
    {"from_numpy", LIB_TORCH, FORM_ARRAY | FORM_MODULE, OP_PASS, -1, -1, .keeps = PK_ALL},
    /* a model run by its own method: model.forward(x), model.__call__(x); DDP(m).module is
     * the model it wraps (facts_attr.c), and .module(x) runs it. forward is also a bare-name
     * fallback on an object nothing is known of, fed as a model is (hf_looks_like_model_call),
     * after the file's own functions of that name; and an object of a class of the file that
     * defines no forward runs its __call__ (nn.Module's __call__ runs forward) */
    {"forward", 0, FORM_MODEL | FORM_UNKNOWN | FORM_CALLED, OP_MODEL_CALL, -1, -1},
    {"__call__", 0, FORM_MODEL, OP_MODEL_CALL, -1, -1},
    {"module", 0, FORM_MODEL, OP_MODEL_CALL, -1, -1},
    /* nn.Module methods that return the module */
    {"eval", 0, FORM_MODULE, OP_RETURNS_SELF, -1, -1},
    {"train", 0, FORM_MODULE, OP_RETURNS_SELF, -1, -1},
    {"requires_grad_", 0, FORM_MODULE, OP_RETURNS_SELF, -1, -1},
    /* arithmetic */
    {"masked_fill", LIB_TORCH, FORM_ARRAY | FORM_UNKNOWN, OP_MASKED_FILL, -1, -1},
    {"masked_select", LIB_TORCH, FORM_ARRAY, OP_MASKED_FILL, -1, -1},
    {"mul", LIB_TORCH, FORM_ARRAY, OP_MUL, -1, -1},
    {"sub", LIB_TORCH, FORM_ARRAY, OP_SUB, -1, -1},
    {"div", LIB_TORCH, FORM_ARRAY, OP_DIV, -1, -1},
    {"ne", LIB_TORCH, FORM_ARRAY, OP_COMPARE, -1, -1, PO_NE},
    {"eq", LIB_TORCH, FORM_ARRAY, OP_COMPARE, -1, -1, PO_EQ},
    {"bool", LIB_BUILTINS, FORM_ARRAY, OP_COMPARE, -1, -1, PO_MASK_BOOL},
    {"cosine_similarity", LIB_TORCH, FORM_ARRAY, OP_COSINE, -1, -1},
    {"logsigmoid", LIB_TORCH, FORM_ARRAY, OP_LOGSIGMOID, -1, -1},
    {"pad_sequence", LIB_TORCH, FORM_ARRAY, OP_PAD_SEQUENCE, -1, -1},
    /* losses and normalising modules */
    {"cross_entropy", LIB_TORCH | LIB_MLX, FORM_ARRAY, OP_CROSS_ENTROPY, -1, -1},
    {"nll_loss", LIB_TORCH, FORM_ARRAY, OP_NLL_LOSS, -1, -1},
    {"CrossEntropyLoss", LIB_TORCH, FORM_ARRAY, OP_CROSS_ENTROPY_CLASS, -1, -1},
    {"NLLLoss", LIB_TORCH, FORM_ARRAY, OP_NLL_LOSS_CLASS, -1, -1},
    {"LogSoftmax", LIB_TORCH, FORM_ARRAY, OP_LOG_SOFTMAX_CLASS, -1, -1},
    {"Softmax", LIB_TORCH | LIB_TF, FORM_ARRAY, OP_SOFTMAX_CLASS, -1, -1}, /* keras: axis= */
    {"Sequential", LIB_TORCH | LIB_TF, FORM_FUNC, OP_SEQUENTIAL, -1, -1},
    /* nn.ModuleList(heads), nn.ModuleDict(heads): the same modules, read by index or key */
    {"ModuleList", LIB_TORCH, FORM_FUNC, OP_LIST, -1, -1},
    {"ModuleDict", LIB_TORCH, FORM_FUNC, OP_LIST, -1, -1},
    /* keras's Sequential().add(layer): one more layer, last */
    {"add", 0, FORM_MODULE, OP_LAYER_ADD, -1, -1},
    /* linear layers (heads, probes): raw scores; tf.keras and flax name theirs Dense */
    {"Linear", LIB_TORCH, FORM_FUNC, OP_LINEAR_CLASS, -1, -1},
    {"LazyLinear", LIB_TORCH, FORM_FUNC, OP_LINEAR_CLASS, -1, -1},
    {"Dense", LIB_TF | LIB_FLAX, FORM_FUNC, OP_LINEAR_CLASS, -1, -1},
    /* nn.Embedding(V, d), keras layers.Embedding(V, d): a lookup of token ids, a vector at each
     * of their positions */
    {"Embedding", LIB_TORCH | LIB_TF, FORM_FUNC, OP_EMBED, -1, -1},
    /* dropout layers: the values they are given, at the same axes */
    {"Dropout", LIB_TORCH, FORM_FUNC, OP_DROPOUT_CLASS, -1, -1},
    /* recurrent layers: a cell's one step (the pair (h, c) for LSTMCell), a sequence layer's
     * (output, final state) */
    {"LSTMCell", LIB_TORCH, FORM_FUNC, OP_RECURRENT_CELL, -1, -1},
    {"GRUCell", LIB_TORCH, FORM_FUNC, OP_RECURRENT_CELL, -1, -1},
    {"RNNCell", LIB_TORCH, FORM_FUNC, OP_RECURRENT_CELL, -1, -1},
    {"LSTM", LIB_TORCH, FORM_FUNC, OP_RECURRENT_SEQ, -1, -1},
    {"GRU", LIB_TORCH, FORM_FUNC, OP_RECURRENT_SEQ, -1, -1},
    {"RNN", LIB_TORCH, FORM_FUNC, OP_RECURRENT_SEQ, -1, -1},
    /* torch.distributions; pyro, numpyro, tfp and distrax name theirs the same, with the
     * same meaning: a bare name */
    {"Categorical", LIB_ANY, FORM_FUNC, OP_DISTRIBUTION, -1, -1},
    {"OneHotCategorical", LIB_ANY, FORM_FUNC, OP_DISTRIBUTION, -1, -1},
    /* the methods of a distribution those rows built (FORM_DISTRIBUTION: keyed by what built
     * the receiver, not by the method's name alone) */
    {"log_prob", 0, FORM_DISTRIBUTION, OP_LOG_PROB, -1, -1},
    {"sample", 0, FORM_DISTRIBUTION, OP_SAMPLE, -1, -1},
    /* torch.utils.data, and loaders of other libraries (accelerate) named alike */
    {"DataLoader", LIB_ANY, FORM_FUNC, OP_DATALOADER, -1, -1},
    /* wrappers that run the model they are given: compilation, data parallelism */
    {"compile", LIB_TORCH, FORM_FUNC, OP_WRAP_MODEL, -1, -1},
    {"DistributedDataParallel", LIB_TORCH, FORM_FUNC, OP_WRAP_MODEL, -1, -1},
    {"DataParallel", LIB_TORCH, FORM_FUNC, OP_WRAP_MODEL, -1, -1},
    {"FullyShardedDataParallel", LIB_TORCH, FORM_FUNC, OP_WRAP_MODEL, -1, -1},
    /* torch.testing.assert_close(a, b): a and b close, or an AssertionError */
    {"assert_close", LIB_TORCH, FORM_FUNC, OP_CLOSE, -1, -1},
    /* torch.range (deprecated), tf.range: arange */
    {"range", LIB_TORCH | LIB_TF, FORM_FUNC, OP_ARANGE, -1, -1},
    /* nothing the main facts track; the padding domain reads their columns (contracts.h) */
    {"LongTensor", LIB_TORCH, FORM_FUNC, OP_PAD_ONLY, -1, -1, .keeps = PK_ALL},
    {"IntTensor", LIB_TORCH, FORM_FUNC, OP_PAD_ONLY, -1, -1, .keeps = PK_ALL},
    {"expand", 0, FORM_TENSOR, OP_PAD_ONLY, -1, -1, .keeps = PK_INDEX},
    {"expand_as", 0, FORM_TENSOR, OP_PAD_ONLY, -1, -1, .keeps = PK_INDEX},
    {"repeat", 0, FORM_TENSOR, OP_PAD_ONLY, -1, -1, .keeps = PK_INDEX},
    /* only a tensor has new_full: whatever the receiver is known as */
    {"new_full", 0, FORM_TENSOR | FORM_UNKNOWN, OP_PAD_ONLY, -1, -1, PO_FULL},
    {NULL, 0, 0, OP_NONE, 0, 0}};

/* Attributes: torch.distributions, DDP, the (values, indices) of max / sort / topk. */
const AttrContract contracts_torch_attrs[] = {
    /* Categorical(...).logits: its normalised log-probs (whatever it was built from); .probs */
    {"logits", AR_DISTRIBUTION, .yields = AY_RECV_VALUES},
    {"probs", AR_DISTRIBUTION, AY_RECV_VALUES, .kinds = FK_PROB},
    /* DistributedDataParallel(m).module: m itself */
    {"module", AR_MODEL, .yields = AY_RECEIVER},
    {"values", AR_PAIR, AY_ELEMENT, .arg = 0},
    {"indices", AR_PAIR, AY_ELEMENT, .arg = 1},
    {.name = NULL}};
