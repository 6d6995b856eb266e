/* contracts: what logitlint knows of library functions, as data. One row per callee: its name
 * (the last component of the qualified name the file's imports resolve it to), the libraries
 * it belongs to (the root of that qualified name), the forms it is called in (a library
 * function, a tensor's method, a model's or a tokenizer's method, ...), the op it performs and
 * where its dim/axis and index arguments sit. Rows are grouped by library in contracts_*.c;
 * what an op does to facts is its transfer (facts_array.c, facts_hf.c, facts_builtins.c). Adding a
 * library function with an existing op is one row; a new op is one enum value here and one case in
 * a transfer. Two more columns say what LL111's padding domain does with the call (pad, keeps);
 * it reads them from the row the call applied (Interp.applied_row). Attributes (out.logits,
 * enc.input_ids, llm.scores) are rows too (AttrContract), keyed by the attribute and what its
 * receiver is. Whatever reads a library call reads its row: the main facts, the padding
 * domain, the evidence from use (facts_use.c: a normaliser, an argmax, a sum of exp() compared
 * with ones); contracts.c looks rows up by name in an index built once. */
#ifndef LOGITLINT_CONTRACTS_H
#define LOGITLINT_CONTRACTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What a callee does. xfer_apply (facts_call_op.c) applies a row by a switch over every value,
 * with no default: a value no case handles does not compile. Array ops (up to OP_ARRAY_LAST)
 * take a tensor (their transfers are in facts_array.c), Hugging Face's (up to OP_HF_LAST) are in
 * facts_hf.c, the others in facts_builtins.c and facts_call_op.c. ORDER OP: keep the three
 * families apart; contracts_op_name (contracts.c) lists every value. */
typedef enum {
    OP_NONE,                /* no contract (never in a row) */
    OP_LOG_SOFTMAX,         /* log-probabilities over dim (default: the last axis) */
    OP_SOFTMAX,             /* probabilities over dim (default: the last axis) */
    OP_LOGSUMEXP,           /* log-normaliser over dim: x - logsumexp(x) is log-probs */
    OP_LOG,                 /* natural (or base 2, 10) logarithm; emits EV_LOG */
    OP_EXP,                 /* exponential: log-probs -> probs, logits -> unbounded numbers */
    OP_SUM,                 /* sum over dim (all); across positions emits EV_AGGREGATE */
    OP_MEAN,                /* mean over dim (all); across positions emits EV_AGGREGATE */
    OP_NANMEAN,             /* mean skipping NaN: positions filled with nan are not counted */
    OP_PROD,                /* product over dim (all); across positions emits EV_PRODUCT */
    OP_CUMSUM,              /* running sum; along positions its last entry is a sum */
    OP_CUMPROD,             /* running product; along positions its last entry is a product */
    OP_MAX,                 /* maximum: over the vocabulary a stabiliser, else a ranking */
    OP_MIN,                 /* like max, but x - min(x) does not bound exp() from above */
    OP_ARGMAX,              /* argmax/argmin: token ids over the vocabulary, else a ranking */
    OP_SORT,                /* (values, indices): sort, argsort, topk; ranks unless vocab */
    OP_SELECT,              /* gather/take_along/index_select at idx_pos; emits EV_SELECT */
    OP_SQUEEZE,             /* drops size-1 axes (a batch of one) */
    OP_UNSQUEEZE,           /* inserts a size-1 axis at dim */
    OP_RESHAPE,             /* view/reshape: layout lost, [-1, V] merges batch and positions */
    OP_FLATTEN,             /* flatten(start, end): flatten(0, 1) merges batch and positions */
    OP_TRANSPOSE,           /* swaps two axes (or .T of a matrix) */
    OP_PERMUTE,             /* reorders every axis */
    OP_PASS,                /* the same values (dtype, device, copy, clamp): facts unchanged */
    OP_TO_TENSOR,           /* the same values made a tensor: a joined list becomes token ids */
    OP_ITEM,                /* a Python scalar of a one-element tensor */
    OP_STACK,               /* a list's elements stacked along a new axis */
    OP_CAT,                 /* tensors joined along an existing axis (positions: a join) */
    OP_WHERE,               /* where(cond, a, b): either; a mask condition masks */
    OP_MASKED_FILL,         /* masked_fill/masked_select: masked values */
    OP_MUL,                 /* product with another tensor (a mask masks) */
    OP_DIV,                 /* x / y (as the operator) */
    OP_SUB,                 /* x - y (as the operator) */
    OP_COMPARE,             /* ne/eq/bool of ids or masks: a mask */
    OP_LOGADDEXP,           /* log(exp(a) + exp(b)): of two normalisers, the whole one */
    OP_EINSUM,              /* einsum of one operand that only reorders its axes */
    OP_REARRANGE,           /* einops.rearrange(x, "b n v -> (b n) v"): axes named, reordered,
                               merged, or a size-1 axis added */
    OP_FULL,                /* full((B, L), fill): a padded batch buffer of pads or -100 */
    OP_NARROW,              /* narrow(dim, start, length): a slice */
    OP_ROLL,                /* roll(shifts, dims): positions move by shifts */
    OP_CHUNK,               /* chunk(n, dim): n pieces; along the batch each is the same kind */
    OP_SPLIT,               /* split(size, dim): pieces of one size, as many as it makes */
    OP_UNBIND,              /* unbind(dim): the slices along dim, as a tuple */
    OP_ARANGE,              /* arange/range of a tensor library: integer positions */
    OP_NONZERO,             /* nonzero/argwhere/flatnonzero: the positions a mask keeps */
    OP_SIZE,                /* size(dim) / np.size: a length, of positions a token count */
    OP_NUMEL,               /* numel: how many elements (a token count when 1-D) */
    OP_PAD_SEQUENCE,        /* pad_sequence(xs): a padded batch (padding_value -100: masked) */
    OP_PAD_ARRAY,           /* F.pad / np.pad: padded by a varying width, a batch's pads */
    OP_COSINE,              /* cosine similarity: in [-1, 1], exp() of it cannot overflow */
    OP_SIGMOID,             /* probabilities (of a binary event) */
    OP_LOGSIGMOID,          /* log-probabilities (of a binary event) */
    OP_CROSS_ENTROPY,       /* cross-entropy of logits and targets; emits EV_LOSS */
    OP_NLL_LOSS,            /* NLL of log-probs and targets; emits EV_LOSS */
    OP_KERAS_CE,            /* keras (y_true, y_pred) cross-entropy; from_logits=True only */
    OP_CROSS_ENTROPY_CLASS, /* nn.CrossEntropyLoss(...): a callable applying OP_CROSS_ENTROPY */
    OP_NLL_LOSS_CLASS,      /* nn.NLLLoss(...): a callable applying OP_NLL_LOSS */
    OP_LOG_SOFTMAX_CLASS,   /* nn.LogSoftmax(dim): a callable applying OP_LOG_SOFTMAX */
    OP_SOFTMAX_CLASS,       /* nn.Softmax(dim): a callable applying OP_SOFTMAX */
    OP_KERAS_CE_CLASS,      /* keras loss object (from_logits=True): applies OP_KERAS_CE */
    OP_LINEAR_CLASS,        /* nn.Linear(...), flax nn.Dense(...): a callable whose output is
                               raw scores over its out features (keras: activation=None) */
    OP_RECURRENT_CELL,      /* nn.LSTMCell / GRUCell / RNNCell(...): a callable whose output is
                               its new state (LSTMCell: the pair (h, c)), [batch, hidden] or
                               one example's [hidden] */
    OP_RECURRENT_SEQ,       /* nn.LSTM / GRU / RNN(...): a callable whose output is (output,
                               final state), output [steps, batch, hidden] (batch_first=True:
                               [batch, steps, hidden]) or one sequence's [steps, hidden] */
    OP_DROPOUT_CLASS,       /* nn.Dropout(p): a callable whose output is its input, its layout
                               kept (zeroed entries at training time only) */
    OP_EMBED,               /* flax nn.Embed / torch nn.Embedding(V, d): a callable that looks up
                               the rows of the token ids it is given (its input is token ids) */
    OP_ONES,                /* ones / ones_like: a new tensor of ones; nothing the main facts
                               track, what a distribution sums to in facts_use.c */
    OP_CLOSE,               /* allclose / isclose / assert_close(a, b): a equals b within a
                               tolerance; nothing the main facts track, in facts_use.c
                               exp(x).sum(-1) close to 1 says x is log-probs */
    OP_PAD_ONLY,            /* nothing the main facts track (x.expand(...), torch.zeros(...)):
                               the row is there for its padding columns (pad, keeps) */
    OP_ARRAY_LAST = OP_PAD_ONLY,
    /* Hugging Face ops, applied by hf_apply (facts_hf.c) */
    OP_FROM_PRETRAINED,   /* Auto*.from_pretrained: a model or tokenizer, by its class name */
    OP_GENERATE,          /* model.generate(...): token ids, or an output with scores */
    OP_TRANSITION_SCORES, /* compute_transition_scores: per-step scores of chosen tokens */
    OP_ENCODE,            /* tokenizer.encode(text): token ids of one text */
    OP_ENCODE_PLUS,       /* encode_plus / batch_encode_plus: an encoding (ids, mask) */
    OP_CHAT_TEMPLATE,     /* apply_chat_template: ids of the turns joined (tokenize=True) */
    OP_PAD_BATCH,         /* tokenizer.pad(...): a padded encoding */
    OP_COLLATOR,          /* DataCollatorForSeq2Seq(...): a callable padding a batch, its
                             labels too (with -100) */
    OP_INPUTS_COLLATOR,   /* DataCollatorWithPadding(...): a callable padding a batch's model
                             inputs; its labels are the dataset's, one per example as a rule */
    OP_MLM_COLLATOR,      /* DataCollatorForLanguageModeling: a collator when mlm=False */
    OP_DATALOADER,        /* DataLoader(ds, collate_fn=f): iterating yields f's batches */
    OP_HF_LAST = OP_DATALOADER,
    /* Python builtins and other objects, applied by builtins_apply (facts_builtins.c) and by
     * xfer_apply itself (facts_call_op.c: the OPS_RECEIVER and OPS_APPLY_ROW lists below) */
    OP_UFUNC_REDUCE, /* np.multiply.reduce / add.reduce / maximum.reduce: prod/sum/max */
    OP_FOLD,         /* functools.reduce(operator.mul / add, xs): a product / sum */
    OP_PARTIAL,      /* functools.partial(f, ...): f itself */
    OP_SEQUENTIAL,   /* nn.Sequential(..., m): what its last module does */
    OP_KERAS_MODEL,  /* keras.Model(inputs, outputs): a callable whose output is outputs: what
                        the layer that made them does */
    OP_KERAS_COMPILE, /* model.compile(loss=L): the training loss L applied to the model's output */
    OP_LAYER_ADD,    /* keras seq.add(layer): a Sequential's last layer is now layer */
    OP_DATASET,      /* tf.data.Dataset.from_tensor_slices(x): batches of x's rows, each as x */
    OP_DATASET_STEP, /* ds.batch(n), ds.shuffle(k), ds.prefetch(k): the same batches */
    OP_KERAS_RUN,    /* model.fit(x, y) / evaluate / predict: the model's call run on each batch
                        of x (of a dataset of (inputs, labels): on the inputs) */
    OP_KERAS_PAD,    /* keras pad_sequences(seqs, padding="pre"): token ids padded to one
                        length, at the start unless padding="post" (facts_keras.c) */
    OP_DISTRIBUTION, /* Categorical(logits= / probs=): normalised log-probs */
    OP_TOKENIZER,    /* tiktoken.get_encoding(...): a tokenizer */
    OP_MODEL,        /* llama_cpp.Llama(...): a model (llm.scores: its logits) */
    OP_LOAD_BARE_LM, /* mlx_lm.load(path): (model, tokenizer), the model a causal LM that returns
                        its logits [B, T, V] themselves */
    OP_LEN,          /* len(x): its length (of token ids: a token count) */
    OP_RANGE,        /* range(...): integer positions, a counter of their own */
    OP_ENUMERATE,    /* enumerate(xs): (counter, element) pairs */
    OP_ZIP,          /* zip(xs, ys): tuples of elements in step */
    OP_MAP,          /* map(f, xs): f of each element */
    OP_LIST,         /* list(xs) / tuple(xs): the same elements */
    OP_DICT,         /* dict(zip(keys, values)): looked up by key, the values */
    OP_SORTED,       /* sorted(xs, key=...): a ranking of the values (or keys) */
    OP_APPEND,       /* lst.append(x): the list may now hold x */
    OP_EXTEND,       /* lst.extend(xs): the list may now hold xs' elements */
    OP_RETURNS_SELF, /* module.eval() / .train(), a tokenizer's batch .to(device): the receiver
                        itself */
    OP_RANK_METRIC,  /* roc_auc_score(y, s), spearmanr(a, b): a function of the order of the
                        values at idx_pos (-1: of every positional argument), a ranking */
    OP_WRAP_MODEL,   /* torch.compile(m), DDP(m), accelerator.unwrap_model(m) / .prepare(m, opt):
                        the model (each object) it is given, which it runs unchanged */
    OP_LOG_PROB,     /* dist.log_prob(value): the distribution's normalised log-probs of the
                        tokens given (one value per token: the vocabulary axis gone) */
    OP_SAMPLE,       /* dist.sample(): token ids drawn from the distribution */
    OP_FLAX_APPLY,   /* flax module.apply(variables, x, ...), a TrainState's apply_fn(...): the
                        module run on x; given token ids, a model call (its logits) */
    OP_MODEL_CALL,   /* model.forward(x), DDP(m).module(x): the model run on its arguments, as
                        model(x) is (a model call's output) */
    OP_ONNX_RUN,     /* session.run(output_names, input_feed) of an ONNX Runtime session: its
                        outputs in the order named; the one named "logits" the model call's */
    OP_TRAIN_STATE,  /* flax TrainState.create(apply_fn=..., ...): a state whose apply_fn runs
                        the module, a model known by that use only */
    OP_ELEMENT,      /* d.get(k): one of the values of a dict known by its values */
    OP_ITEMS,        /* d.items() of a dict known by its values: (key, value) pairs */
    OP_BACKWARD,     /* loss.backward(): a gradient taken; the sum taken for it is no score. It
                        only observes the receiver (facts_call.c), the call goes on */
    OP_JOIN_TEXT,    /* "...".format(a, b), " ".join(parts): text built from several parts */
    OP_ARGUMENTS,    /* argparse: ArgumentParser(), parser.add_argument(...), parser.parse_args():
                        a namespace of the arguments' defaults (facts_argparse.c) */
    OP_COUNT
} Op;

/* Every op by the transfer that applies it: xfer_apply (facts_call_op.c) routes an op to its
 * family's transfer by these lists, and each family's transfer switches over every Op with no
 * default, naming the other families' ops by these lists. An op listed in a family whose
 * transfer has no case for it, or in no list at all, does not compile (-Wswitch-enum on the
 * transfer files, CMakeLists.txt). Use: OPS_SCORES(OP_CASE) expands to its case labels. */
#define OP_CASE(name) case OP_##name:
/* array_apply AT_SCORES (facts_array.c) */
#define OPS_SCORES(X)                                                                              \
    X(LOG_SOFTMAX)                                                                                 \
    X(SOFTMAX) X(LOGSUMEXP) X(LOG) X(EXP) X(LOGADDEXP) X(COSINE) X(SIGMOID) X(LOGSIGMOID)
/* array_apply AT_REDUCTIONS */
#define OPS_REDUCTIONS(X)                                                                          \
    X(NANMEAN) X(MEAN) X(SUM) X(PROD) X(CUMSUM) X(CUMPROD) X(MIN) X(MAX) X(ARGMAX) X(SORT) X(SELECT)
/* array_apply AT_LAYOUT */
#define OPS_LAYOUT(X)                                                                              \
    X(SQUEEZE)                                                                                     \
    X(UNSQUEEZE)                                                                                   \
    X(RESHAPE)                                                                                     \
    X(FLATTEN)                                                                                     \
    X(TRANSPOSE)                                                                                   \
    X(PERMUTE)                                                                                     \
    X(EINSUM) X(REARRANGE) X(NARROW) X(ITEM) X(STACK) X(CAT) X(ROLL) X(CHUNK) X(SPLIT) X(SIZE)     \
        X(UNBIND) X(NUMEL)
/* array_apply AT_VALUES */
#define OPS_VALUES(X)                                                                              \
    X(FULL)                                                                                        \
    X(TO_TENSOR)                                                                                   \
    X(PASS)                                                                                        \
    X(WHERE) X(MASKED_FILL) X(MUL) X(DIV) X(SUB) X(COMPARE) X(ARANGE) X(NONZERO) X(PAD_SEQUENCE) X(PAD_ARRAY)
/* array_apply AT_LOSSES: the loss functions */
#define OPS_LOSSES(X) X(KERAS_CE) X(CROSS_ENTROPY) X(NLL_LOSS)
/* array_apply AT_LOSSES: the module classes, whose objects (FO_CALLABLE) array_callable
 * applies */
#define OPS_MODULES(X)                                                                             \
    X(KERAS_CE_CLASS)                                                                              \
    X(LINEAR_CLASS)                                                                                \
    X(RECURRENT_CELL)                                                                              \
    X(RECURRENT_SEQ)                                                                               \
    X(DROPOUT_CLASS)                                                                               \
    X(EMBED)                                                                                       \
    X(CROSS_ENTROPY_CLASS) X(NLL_LOSS_CLASS) X(LOG_SOFTMAX_CLASS) X(SOFTMAX_CLASS)
/* array_apply AT_NOTHING: rows read by facts_use.c and the padding domain only */
#define OPS_NOTHING(X) X(ONES) X(CLOSE) X(PAD_ONLY)
/* hf_apply (facts_hf.c); a collator's object (FO_CALLABLE) array_callable applies */
#define OPS_HF(X)                                                                                  \
    X(FROM_PRETRAINED)                                                                             \
    X(GENERATE)                                                                                    \
    X(TRANSITION_SCORES) X(ENCODE) X(ENCODE_PLUS) X(CHAT_TEMPLATE) X(PAD_BATCH) X(DATALOADER)
#define OPS_COLLATORS(X) X(COLLATOR) X(INPUTS_COLLATOR) X(MLM_COLLATOR)
/* builtins_apply's, applied by keras_apply (facts_keras.c) */
#define OPS_KERAS(X)                                                                               \
    X(KERAS_MODEL) X(KERAS_COMPILE) X(DATASET) X(DATASET_STEP) X(KERAS_RUN) X(KERAS_PAD)
/* builtins_apply (facts_builtins.c) */
#define OPS_BUILTINS(X)                                                                            \
    X(FOLD)                                                                                        \
    X(PARTIAL)                                                                                     \
    X(SEQUENTIAL)                                                                                  \
    OPS_KERAS(X)                                                                                   \
    X(LAYER_ADD)                                                                                   \
    X(DISTRIBUTION)                                                                                \
    X(TOKENIZER) X(MODEL) X(LOAD_BARE_LM) X(LEN) X(RANGE) X(ENUMERATE) X(ZIP) X(LIST) X(DICT)     \
        X(ITEMS) X(SORTED)                                                                                  \
        X(RANK_METRIC) X(WRAP_MODEL) X(TRAIN_STATE) X(ARGUMENTS)
/* xfer_apply's own cases (facts_call_op.c): what the receiver holds */
#define OPS_RECEIVER(X)                                                                            \
    X(APPEND)                                                                                      \
    X(EXTEND)                                                                                      \
    X(RETURNS_SELF) X(LOG_PROB) X(SAMPLE) X(FLAX_APPLY) X(MODEL_CALL) X(ONNX_RUN) X(ELEMENT)     \
        X(BACKWARD) X(JOIN_TEXT)
/* xfer_apply's own cases for a function that applies another row (facts_call_op.c) */
#define OPS_APPLY_ROW(X) X(MAP) X(UFUNC_REDUCE)
/* The values that are no op (never in a row; OP_NONE: a callable of no op). */
#define OPS_NO_OP(X) X(NONE) X(COUNT)
/* Every op but a transfer's own: the cases a family's transfer leaves to the others (the
 * losses' transfer takes the module classes too, array_callable the module classes and the
 * collators, hf_apply the collators). */
#define OPS_BUT_SCORES(X)                                                                          \
    OPS_REDUCTIONS(X)                                                                              \
    OPS_LAYOUT(X) OPS_VALUES(X) OPS_LOSSES(X) OPS_MODULES(X) OPS_NOTHING(X) OPS_HF(X)              \
        OPS_COLLATORS(X) OPS_BUILTINS(X) OPS_RECEIVER(X) OPS_APPLY_ROW(X) OPS_NO_OP(X)
#define OPS_BUT_REDUCTIONS(X)                                                                      \
    OPS_SCORES(X)                                                                                  \
    OPS_LAYOUT(X) OPS_VALUES(X) OPS_LOSSES(X) OPS_MODULES(X) OPS_NOTHING(X) OPS_HF(X)              \
        OPS_COLLATORS(X) OPS_BUILTINS(X) OPS_RECEIVER(X) OPS_APPLY_ROW(X) OPS_NO_OP(X)
#define OPS_BUT_LAYOUT(X)                                                                          \
    OPS_SCORES(X)                                                                                  \
    OPS_REDUCTIONS(X) OPS_VALUES(X) OPS_LOSSES(X) OPS_MODULES(X) OPS_NOTHING(X) OPS_HF(X)          \
        OPS_COLLATORS(X) OPS_BUILTINS(X) OPS_RECEIVER(X) OPS_APPLY_ROW(X) OPS_NO_OP(X)
#define OPS_BUT_VALUES(X)                                                                          \
    OPS_SCORES(X)                                                                                  \
    OPS_REDUCTIONS(X) OPS_LAYOUT(X) OPS_LOSSES(X) OPS_MODULES(X) OPS_NOTHING(X) OPS_HF(X)          \
        OPS_COLLATORS(X) OPS_BUILTINS(X) OPS_RECEIVER(X) OPS_APPLY_ROW(X) OPS_NO_OP(X)
#define OPS_BUT_LOSSES(X)                                                                          \
    OPS_SCORES(X)                                                                                  \
    OPS_REDUCTIONS(X) OPS_LAYOUT(X) OPS_VALUES(X) OPS_NOTHING(X) OPS_HF(X) OPS_COLLATORS(X)        \
        OPS_BUILTINS(X) OPS_RECEIVER(X) OPS_APPLY_ROW(X) OPS_NO_OP(X)
#define OPS_BUT_CALLABLES(X)                                                                       \
    OPS_SCORES(X)                                                                                  \
    OPS_REDUCTIONS(X) OPS_LAYOUT(X) OPS_VALUES(X) OPS_LOSSES(X) OPS_NOTHING(X) OPS_HF(X)           \
        OPS_BUILTINS(X) OPS_RECEIVER(X) OPS_APPLY_ROW(X) OPS_NO_OP(X)
#define OPS_BUT_HF(X)                                                                              \
    OPS_SCORES(X)                                                                                  \
    OPS_REDUCTIONS(X) OPS_LAYOUT(X) OPS_VALUES(X) OPS_LOSSES(X) OPS_MODULES(X) OPS_NOTHING(X)      \
        OPS_BUILTINS(X) OPS_RECEIVER(X) OPS_APPLY_ROW(X) OPS_NO_OP(X)
#define OPS_BUT_BUILTINS(X)                                                                        \
    OPS_SCORES(X)                                                                                  \
    OPS_REDUCTIONS(X) OPS_LAYOUT(X) OPS_VALUES(X) OPS_LOSSES(X) OPS_MODULES(X) OPS_NOTHING(X)      \
        OPS_HF(X) OPS_COLLATORS(X) OPS_RECEIVER(X) OPS_APPLY_ROW(X) OPS_NO_OP(X)

/* Libraries: the root of a callee's qualified name (torch.nn.functional.softmax: torch). */
enum {
    LIB_TORCH = 1u << 0,
    LIB_NUMPY = 1u << 1,
    LIB_SCIPY = 1u << 2,
    LIB_JAX = 1u << 3,
    LIB_FLAX = 1u << 4,
    LIB_OPTAX = 1u << 5,
    LIB_MLX = 1u << 6,
    LIB_TF = 1u << 7, /* tensorflow, tf.keras */
    LIB_MATH = 1u << 8,
    LIB_STATISTICS = 1u << 9,
    LIB_BUILTINS = 1u << 10,
    LIB_FUNCTOOLS = 1u << 11,
    LIB_LLAMA_CPP = 1u << 12,
    LIB_TIKTOKEN = 1u << 13,
    LIB_SKLEARN = 1u << 14,
    LIB_MLX_LM = 1u << 15,
    LIB_COPY = 1u << 16, /* Python's copy module */
    LIB_EINOPS = 1u << 17,
    LIB_ONNXRUNTIME = 1u << 18,
    /* Any root, the library unknown (a bare name): used only when no row of the callee's own
     * library has the name. Say in the row's comment why the name is enough. */
    LIB_ANY = 1u << 30,
};

/* The forms a row is called in. */
enum {
    FORM_FUNC = 1 << 0,      /* lib.name(x, ...), from a library in libs (x: first argument) */
    FORM_TENSOR = 1 << 1,    /* x.name(...) on a tensor (or a model output used as one) */
    FORM_UNKNOWN = 1 << 2,   /* x.name(...) on a value nothing is known of: a bare-name
                                fallback; the row's comment says why the name is enough */
    FORM_MODEL = 1 << 3,     /* model.name(...) on a model (FO_MODEL) */
    FORM_TOKENIZER = 1 << 4, /* tokenizer.name(...) */
    FORM_MODULE = 1 << 5,    /* module.name(...) returning the module (an nn.Module's .to()),
                                or keras's model.compile(loss=...), a Sequential's .add(m) */
    FORM_ANY_RECV = 1 << 6,  /* x.name(...) whatever x is (a list's append) */
    FORM_MAPPING = 1 << 7,   /* enc.name(...) on an encoding or a model output as a dict (its
                                items()): only the padding domain reads these rows */
    FORM_ENCODING = 1 << 8,  /* enc.name(...) on a tokenizer's batch (a BatchEncoding) */
    /* dist.name(...) on a distribution: a value an OP_DISTRIBUTION row built
     * (torch.distributions.Categorical(logits=x)) */
    FORM_DISTRIBUTION = 1 << 9,
    /* name(...) where the name holds nothing known (a function passed along as a parameter):
     * a bare-name fallback */
    FORM_UNKNOWN_FN = 1 << 10,
    /* x.name(...) on a value known by its kinds but no tensor method has the name: a dict or
     * list of such values ({tok: lp for ...}.get(tok), .values()) */
    FORM_VALUES = 1 << 11,
    /* obj(x) or obj.name(x) on an object of a class of this file that defines no method of the
     * name: the row says the class's __call__ runs instead (Python runs __call__ for obj(x);
     * torch's nn.Module.__call__ runs forward) */
    FORM_CALLED = 1 << 12,
    FORM_STRING = 1 << 13, /* s.name(...) on a string literal: "{}{}".format(a, b) */
    /* ds.name(...) on a tf.data dataset (an OP_DATASET row built it: a list of batches) */
    FORM_DATASET = 1 << 14,
    FORM_LAST = FORM_DATASET,
};
#define FORM_ARRAY (FORM_FUNC | FORM_TENSOR)

/* What a call does in the padding domain (facts_pad.c, facts_regions.c; LL111) where its op
 * does not tell it (the op does for where, pad_sequence, F.pad, arange / range, generate, the
 * collators and the loss classes). ORDER PO: facts_pad.c pad_apply handles every value. */
typedef enum {
    PO_NONE,
    PO_MASK_BOOL,  /* x.bool(): a mask as booleans is the same mask */
    PO_EQ,         /* eq(x, y): ids equal to the pad id are the pads' mask; of a mask, 0 or 1 */
    PO_NE,         /* ne(x, y): ids unequal to the pad id are the real tokens' mask */
    PO_NOT,        /* logical_not(m): the other mask of the pair (real tokens / pads) */
    PO_COUNT,      /* sum / count_nonzero along dim: of a real-token mask along its
                      positions, each row's number of real tokens */
    PO_FIRST_TRUE, /* argmax along dim: of a pad mask along its positions, each row's first pad */
    PO_GATHER,     /* selects along dim at the index (dim_pos, idx_pos): along the positions of
                      a padded batch's values, a read at that index */
    PO_ZEROS,      /* a new tensor of zeros: a buffer a mask is about to be written into */
    PO_FULL,       /* a new tensor of one fill value (argument 1 or fill_value=): a buffer of
                      pads (or of -100) rows are copied into (facts_regions.c) */
    PADOP_COUNT
} PadOp;

/* What a call keeps of its input in the padding domain (Contract.keeps, bits). */
enum {
    PK_ALL = 1 << 0,      /* the same values (a cast, a device move, a copy, made a tensor,
                             stacked, an encoding's items): padded as its input is */
    PK_INDEX = 1 << 1,    /* a layout change (unsqueeze, view, expand): an index of positions
                             (a count, a first pad, the rows) stays that index */
    PK_SIDE = 1 << 2,     /* position-wise on a batch's scores (normalised, selected, a layout
                             change): the side its pads sit on is kept, its positions are not */
};

typedef struct Contract {
    const char *name; /* the last component of the qualified name, or the method */
    uint32_t libs;    /* LIB_*: where the FORM_FUNC form belongs */
    uint16_t forms;   /* FORM_* */
    uint8_t op;       /* Op */
    int8_t dim_pos;   /* positional index of dim/axis in the method form, -1 if none */
    int8_t idx_pos;   /* positional index of the index tensor in the method form, -1 if none */
    uint8_t pad;      /* PadOp: its own transfer in the padding domain (0: none) */
    uint8_t keeps;    /* PK_*: what of its input the padding domain keeps (0: nothing) */
} Contract;

/* ---- attribute contracts: what reading x.name yields, by what x is ---- */

/* What the receiver of an attribute is (facts_attr.c maps a value to one). */
typedef enum {
    AR_MODEL,        /* a language model (llm.scores, DDP(m).module) */
    AR_OUTPUT,       /* a model call's output (out.logits, out.loss, generate()'s .sequences) */
    AR_ENCODING,     /* a tokenizer's encoding (enc.input_ids, enc.attention_mask) */
    AR_TOKENIZER,    /* a tokenizer (tok.eos_token_id) */
    AR_DISTRIBUTION, /* torch.distributions.Categorical (dist.logits, dist.probs) */
    AR_PAIR,         /* a tuple of two known elements: max/sort/topk's (values, indices) */
    AR_TENSOR,       /* a value of known kinds (x.T, x.shape); kinds known from a name only
                        (FF_WEAK) fall back to AR_UNKNOWN when no row of theirs matches */
    AR_UNKNOWN,      /* an object nothing but names is known of (no kind, or from a name only;
                        an instance of the file's class without that field): a bare-name row,
                        an API's or a library's convention for that attribute name */
    AR_COUNT
} AttrRecv;

/* What the attribute yields. ORDER YIELD: facts_attr.c's attr_apply handles every value. */
typedef enum {
    AY_VALUE,         /* a new value: kinds, flags (plus the receiver's flags in keep), axes */
    AY_RECEIVER,      /* the receiver itself (x.data, DDP(m).module, x.max(-1).values) */
    AY_RECV_VALUES,   /* the receiver's values as a plain tensor, kinds replaced when the row
                         names some (a distribution's .logits are its normalised log-probs) */
    AY_ELEMENT,       /* the pair's element number arg (.values 0, .indices 1) */
    AY_REVERSED_AXES, /* x.T (arg 0: every axis reversed), x.mT (arg 2: the last two swapped) */
    AY_SHAPE,         /* x.shape: its lengths (facts_lengths.c) */
    AY_HEAD_LOGITS,   /* a classification head's logits: [batch, choices] of a multiple-choice
                         head, else of a layout nothing tells (facts_hf.c hf_head_logits) */
    AY_BACKBONE,      /* a Hugging Face model's transformer without its head (m.model of a
                         *ForCausalLM, m.transformer of GPT-2, m.base_model): hidden states at
                         every position, no logits, nothing pooled */
    AY_NOTHING,       /* nothing the facts track (hidden states, a cache of keys and values):
                         the row is there for its padding domain, or to say so */
    AY_COUNT
} AttrYield;

/* AttrContract.span: which of the receiver's positions the value of a model output or of an
 * encoding covers (facts_hf.c hf_aligned_attr lines them up). */
typedef enum {
    AS_POSITIONS, /* the receiver's positions; of a generate() output, the generated steps
                     (.scores, .logits: step s predicts the token after the prompt's s-th) */
    AS_SEQUENCES, /* the whole sequences: of a generate() output, prompt and generated tokens */
    AS_NONE,      /* no positions of the receiver's (a loss, already reduced over them) */
} AttrSpan;

/* AttrContract.pad_in: the ranks of the receiver in the padding domain the row is read at. A
 * model output's is 0 for generate()'s, 2 for a classifier's, 3 for a language model's. */
#define AP_RANK(n) (1u << (n))

/* AttrContract.per: how the axes depend on the receiver. */
enum {
    AP_PER_TEXT = 1, /* an encoding of one text (Fact.one_text) has no batch axis: ax[0] dropped */
};

/* One attribute row. Conditions on the receiver: recv, the flags in `when` all set, its kinds
 * meeting kinds_any (0: any) and within kinds_within (0: any). The first row of a table whose
 * conditions hold applies; tables are tried in contracts_attr_tables' order. The padding
 * domain (facts_pad.c, LL111) reads its own fields (pad, pad_nd) of the first row of the
 * attribute and receiver that sets pad and whose pad_in holds the receiver's rank there. */
typedef struct AttrContract {
    const char *name;      /* the attribute; "*_logits": any longer name ending in "_logits" */
    uint8_t recv;          /* AttrRecv */
    uint8_t yields;        /* AttrYield */
    uint16_t kinds;        /* FK_* of the value (AY_VALUE, AY_RECV_VALUES) */
    uint32_t when;         /* FF_* the receiver must have */
    uint16_t kinds_any;    /* FK_* the receiver's kinds must meet (0: no condition) */
    uint16_t kinds_within; /* FK_* the receiver's kinds must lie within (0: no condition) */
    uint32_t flags;        /* FF_* of the value (AY_VALUE) */
    uint32_t keep;         /* FF_* of the receiver the value carries (AY_VALUE) */
    int8_t ndim;           /* AY_VALUE: its rank; -1 unknown (ax[0]: the kind of its last axis) */
    uint8_t ax[3];         /* AxisKind of each axis */
    uint8_t per;           /* AP_* */
    int8_t arg;            /* AY_ELEMENT, AY_REVERSED_AXES: see there */
    uint8_t span;          /* AttrSpan */
    uint8_t pad;           /* PadWhat (facts_internal.h) of the value in a padded batch */
    int8_t pad_nd;         /* its rank there */
    uint8_t pad_in;        /* AP_RANK bits of the receiver's rank there (0: any) */
} AttrContract;

/* The row for x.name, x being a receiver of that kind with these flags and kinds. */
const AttrContract *contracts_attr(unsigned recv, const char *name, size_t len, uint32_t flags,
                                   unsigned kinds);
/* The row the padding domain reads for x.name, x being a receiver of that kind and, in the
 * padding domain, of that rank. */
const AttrContract *contracts_attr_pad(unsigned recv, const char *name, size_t len, int rank);
/* The attribute tables (contracts_*.c), each ended by a row with a NULL name, NULL-ended. */
extern const AttrContract contracts_array_attrs[], contracts_torch_attrs[], contracts_hf_attrs[],
    contracts_serving_attrs[];
extern const AttrContract *const contracts_attr_tables[];
extern const char *const contracts_attr_table_names[];

/* ---- Hugging Face class names: what from_pretrained loads, by the class it is called on ---- */

/* What a part of a class's name says (HfClassName.says). */
enum {
    HN_TOKENIZER = 1 << 0,  /* a tokenizer (or a processor): the first such row decides */
    HN_MODEL = 1 << 1,      /* a model: a class no such part names loads nothing known */
    HN_CAUSAL = 1 << 2,     /* a causal LM's head (unless the flags say seq2seq, a head, an MLM) */
    HN_CHOICES = 1 << 3,    /* a multiple-choice head: logits [batch, choices] */
    HN_POOLED = 1 << 4,     /* a head that reads one pooled position of each sequence */
    HN_PADS_RIGHT = 1 << 5, /* a tokenizer whose class pads on the right unless told */
};

/* One convention of Hugging Face's (and KerasNLP's) class names: a class whose qualified name
 * contains part loads what says and flags tell. Every row whose part the name contains applies,
 * in the table's order (a later row's unsays clears what an earlier one said). Adding a model
 * family is a row. */
typedef struct HfClassName {
    const char *part; /* a part of the qualified class name */
    uint8_t says;     /* HN_* */
    uint8_t unsays;   /* HN_* an earlier row said that this part takes back */
    uint32_t flags;   /* FF_* of the object */
} HfClassName;
/* The conventions (contracts_hf.c), ended by a row with a NULL part. */
extern const HfClassName contracts_hf_class_names[];
/* Checkpoints on the Hub whose tokenizer pads on the right unless told (its class's default,
 * which the checkpoint's tokenizer_config.json keeps): AutoTokenizer.from_pretrained(name) of
 * one of these names (contracts_hf.c), ended by NULL. */
extern const char *const contracts_hf_right_padded_checkpoints[];

/* ---- user-declared contracts ([tool.logitlint.contracts], config_contracts.c) ---- */

/* What a declared callee returns. ORDER RET: contracts_return_names. */
typedef enum {
    RET_NONE,
    RET_LOGITS,    /* raw, unnormalised logits */
    RET_LOGPROBS,  /* log-probabilities */
    RET_PROBS,     /* probabilities */
    RET_NLL,       /* per-token negative log-likelihood (a loss, one value per token) */
    RET_IDS,       /* token ids */
    RET_MASK,      /* an attention / loss mask */
    RET_MODEL,     /* a language model: calling it gives an output with .logits */
    RET_TOKENIZER, /* a tokenizer: calling it gives an encoding */
    RET_IDENTITY,  /* its first argument, unchanged (unwrap_model, a device move) */
    RET_COUNT
} ContractReturn;
/* The spelling of each in the configuration, indexed by ContractReturn (RET_NONE: NULL). */
extern const char *const contracts_return_names[RET_COUNT];

/* Axes a declaration may name. */
typedef enum { CAX_NONE, CAX_BATCH, CAX_POS, CAX_VOCAB, CAX_COUNT } ContractAxis;
extern const char *const contracts_axis_names[CAX_COUNT];
enum { CONTRACT_MAX_AXES = 6 };

typedef struct UserContract {
    char *qual;      /* the callee as the file's imports resolve it: mypkg.lm.score; a method
                        of a library class: mypkg.Scorer.forward (or __call__) */
    uint8_t returns; /* ContractReturn */
    int8_t naxes;    /* -1: not declared */
    uint8_t axes[CONTRACT_MAX_AXES]; /* ContractAxis */
} UserContract;

typedef struct UserContracts {
    UserContract *items;
    size_t len, cap;
} UserContracts;

/* The declaration of qual; an object of a library class is named by the class followed by
 * "()" (mypkg.Scorer().forward finds mypkg.Scorer.forward). NULL: none. */
const UserContract *contracts_user_find(const UserContracts *u, const char *qual);
/* Does some declaration name a method of the class qual (a key qual.method)? */
bool contracts_user_class(const UserContracts *u, const char *qual);
void contracts_user_free(UserContracts *u);

/* The library tables (contracts_*.c), each ended by a row with a NULL name. */
extern const Contract contracts_array[], contracts_torch[], contracts_numpy[],
    contracts_tensorflow[], contracts_jax[], contracts_hf[], contracts_python[],
    contracts_serving[], contracts_metrics[];
/* Every table, NULL-ended, and its library's name (for tests and messages). */
extern const Contract *const contracts_tables[];
extern const char *const contracts_table_names[];

/* The LIB_* bit of a qualified name's root (0: a library no row names). */
uint32_t contracts_lib_of(const char *qual);
/* The row for a call of the library function qual (the file's imports resolved). */
const Contract *contracts_func(const char *qual);
/* The row for a method call in one of the forms (FORM_*). */
const Contract *contracts_method(unsigned forms, const char *name, size_t len);
static inline bool contracts_is_array_op(unsigned op) {
    return op > OP_NONE && op <= OP_ARRAY_LAST;
}
/* An op that only observes its receiver: the call goes on to what the receiver's own method
 * returns (loss.backward()). */
static inline bool contracts_observes(unsigned op) {
    return op == OP_BACKWARD;
}
/* softmax / log_softmax: normalises over its dim (only a tensor has these as methods). */
static inline bool contracts_normalises(unsigned op) {
    return op == OP_SOFTMAX || op == OP_LOG_SOFTMAX;
}
static inline bool contracts_is_hf_op(unsigned op) {
    return op > OP_ARRAY_LAST && op <= OP_HF_LAST;
}
/* The name of an op (its enum name without OP_), for tests and diagnostics. */
const char *contracts_op_name(unsigned op);

#endif
