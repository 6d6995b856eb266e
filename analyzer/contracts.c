/* Looking up the contract tables (contracts_*.c) by qualified name or method name. */
#include "contracts.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

const Contract *const contracts_tables[] = {
    contracts_array, contracts_torch,  contracts_numpy,   contracts_tensorflow, contracts_jax,
    contracts_hf,    contracts_python, contracts_serving, contracts_metrics,    NULL};
const char *const contracts_table_names[] = {"array", "torch",  "numpy",   "tensorflow", "jax",
                                             "hf",    "python", "serving", "metrics",    NULL};

static const struct {
    const char *root;
    uint32_t lib;
} ROOTS[] = {
    {"torch", LIB_TORCH},
    {"numpy", LIB_NUMPY},
    {"scipy", LIB_SCIPY},
    {"jax", LIB_JAX},
    {"flax", LIB_FLAX},
    {"optax", LIB_OPTAX},
    {"mlx", LIB_MLX},
    {"tensorflow", LIB_TF},
    {"keras", LIB_TF}, /* Keras 3 on its own: keras.losses, keras.ops as tf.keras's */
    {"math", LIB_MATH},
    {"statistics", LIB_STATISTICS},
    {"builtins", LIB_BUILTINS},
    {"functools", LIB_FUNCTOOLS},
    {"llama_cpp", LIB_LLAMA_CPP},
    {"tiktoken", LIB_TIKTOKEN},
    {"sklearn", LIB_SKLEARN},
    {"mlx_lm", LIB_MLX_LM},
    {"copy", LIB_COPY},
    {"einops", LIB_EINOPS},
    {"onnxruntime", LIB_ONNXRUNTIME},
};

uint32_t contracts_lib_of(const char *qual) {
    size_t n = strcspn(qual, ".");
    for (size_t i = 0; i < sizeof ROOTS / sizeof *ROOTS; i++)
        if (strlen(ROOTS[i].root) == n && !memcmp(ROOTS[i].root, qual, n)) return ROOTS[i].lib;
    return 0;
}

/* The rows by name, built once (pthread_once) and read-only after, so the threads share it: a
 * scan of every row per callee was 2.6% of a run's instructions. An open-addressing table of the
 * distinct names; each slot holds where the rows of its name sit in by_name, in table order, so
 * that find returns the first row that holds, as the scan did. */
typedef struct NameSlot {
    const char *name; /* NULL: an empty slot */
    uint32_t first, count;
} NameSlot;
static NameSlot *slots;
static size_t slot_mask; /* the number of slots (a power of two) - 1 */
static const Contract **by_name;
static pthread_once_t index_once = PTHREAD_ONCE_INIT;

static size_t name_hash(const char *name, size_t len) {
    return util_hash(UTIL_HASH_SEED, name, len);
}

/* The slot of that name, or the empty slot where it would go. */
static NameSlot *slot_of(const char *name, size_t len) {
    size_t k = name_hash(name, len) & slot_mask;
    while (slots[k].name && (strncmp(slots[k].name, name, len) || slots[k].name[len]))
        k = (k + 1) & slot_mask;
    return &slots[k];
}

static void index_build(void) {
    size_t rows = 0, n = 1;
    for (const Contract *const *t = contracts_tables; *t; t++)
        for (const Contract *c = *t; c->name; c++)
            rows++;
    while (n < 2 * rows)
        n <<= 1;
    slots = util_xcalloc(n, sizeof *slots);
    slot_mask = n - 1;
    by_name = util_xcalloc(rows ? rows : 1, sizeof *by_name);
    for (const Contract *const *t = contracts_tables; *t; t++) /* each name's count */
        for (const Contract *c = *t; c->name; c++) {
            NameSlot *s = slot_of(c->name, strlen(c->name));
            s->name = c->name;
            s->count++;
        }
    uint32_t first = 0;
    for (size_t k = 0; k < n; k++) {
        slots[k].first = first;
        first += slots[k].count;
        slots[k].count = 0;
    }
    for (const Contract *const *t = contracts_tables; *t; t++) /* the rows, in table order */
        for (const Contract *c = *t; c->name; c++) {
            NameSlot *s = slot_of(c->name, strlen(c->name));
            by_name[s->first + s->count++] = c;
        }
}

/* The first row of that name in one of the forms whose libraries include lib (LIB_ANY: a row
 * for any library). */
static const Contract *find(unsigned forms, uint32_t lib, const char *name, size_t len) {
    if (!len) return NULL;
    pthread_once(&index_once, index_build);
    const NameSlot *s = slot_of(name, len);
    for (uint32_t i = 0; i < s->count; i++) {
        const Contract *c = by_name[s->first + i];
        if ((c->forms & forms) && (!lib || (c->libs & lib))) return c;
    }
    return NULL;
}

const Contract *contracts_func(const char *qual) {
    const char *dot = strrchr(qual, '.');
    const char *name = dot ? dot + 1 : qual;
    size_t len = strlen(name);
    uint32_t lib = contracts_lib_of(qual);
    const Contract *c = lib ? find(FORM_FUNC, lib, name, len) : NULL;
    return c ? c : find(FORM_FUNC, LIB_ANY, name, len);
}

const Contract *contracts_method(unsigned forms, const char *name, size_t len) {
    return find(forms, 0, name, len);
}

const AttrContract *const contracts_attr_tables[] = {contracts_array_attrs, contracts_torch_attrs,
                                                     contracts_hf_attrs, contracts_serving_attrs,
                                                     NULL};
const char *const contracts_attr_table_names[] = {"array", "torch", "hf", "serving", NULL};

/* name[0..len) is the row's attribute, or ends in the suffix of a "*suffix" row and is longer. */
static bool attr_name_is(const char *row, const char *name, size_t len) {
    if (row[0] != '*') return name[0] == row[0] && !strncmp(row, name, len) && !row[len];
    size_t n = strlen(row + 1);
    return len > n && !memcmp(name + len - n, row + 1, n);
}

const AttrContract *contracts_attr(unsigned recv, const char *name, size_t len, uint32_t flags,
                                   unsigned kinds) {
    if (!len) return NULL;
    for (const AttrContract *const *t = contracts_attr_tables; *t; t++)
        for (const AttrContract *c = *t; c->name; c++)
            if (c->recv == recv && attr_name_is(c->name, name, len) &&
                (flags & c->when) == c->when && (!c->kinds_any || (kinds & c->kinds_any)) &&
                (!c->kinds_within || !(kinds & ~c->kinds_within)))
                return c;
    return NULL;
}

const AttrContract *contracts_attr_pad(unsigned recv, const char *name, size_t len, int rank) {
    if (!len || rank < 0 || rank > 7) return NULL;
    for (const AttrContract *const *t = contracts_attr_tables; *t; t++)
        for (const AttrContract *c = *t; c->name; c++)
            if (c->pad && c->recv == recv && attr_name_is(c->name, name, len) &&
                (!c->pad_in || (c->pad_in & AP_RANK(rank))))
                return c;
    return NULL;
}

const char *contracts_op_name(unsigned op) {
    static const char *const names[OP_COUNT] = {
#define N(x) [OP_##x] = #x
        N(NONE),
        N(LOG_SOFTMAX),
        N(SOFTMAX),
        N(LOGSUMEXP),
        N(LOG),
        N(EXP),
        N(SUM),
        N(MEAN),
        N(NANMEAN),
        N(PROD),
        N(CUMSUM),
        N(CUMPROD),
        N(MAX),
        N(MIN),
        N(ARGMAX),
        N(SORT),
        N(SELECT),
        N(SQUEEZE),
        N(UNSQUEEZE),
        N(RESHAPE),
        N(FLATTEN),
        N(TRANSPOSE),
        N(PERMUTE),
        N(PASS),
        N(TO_TENSOR),
        N(ITEM),
        N(STACK),
        N(CAT),
        N(WHERE),
        N(MASKED_FILL),
        N(MUL),
        N(DIV),
        N(SUB),
        N(COMPARE),
        N(LOGADDEXP),
        N(EINSUM),
        N(REARRANGE),
        N(FULL),
        N(NARROW),
        N(CHUNK),
        N(SPLIT),
        N(UNBIND),
        N(ROLL),
        N(ARANGE),
        N(NONZERO),
        N(SIZE),
        N(NUMEL),
        N(PAD_SEQUENCE),
        N(PAD_ARRAY),
        N(COSINE),
        N(SIGMOID),
        N(LOGSIGMOID),
        N(CROSS_ENTROPY),
        N(NLL_LOSS),
        N(KERAS_CE),
        N(CROSS_ENTROPY_CLASS),
        N(NLL_LOSS_CLASS),
        N(LOG_SOFTMAX_CLASS),
        N(SOFTMAX_CLASS),
        N(KERAS_CE_CLASS),
        N(LINEAR_CLASS),
        N(RECURRENT_CELL),
        N(RECURRENT_SEQ),
        N(DROPOUT_CLASS),
        N(EMBED),
        N(ONES),
        N(CLOSE),
        N(PAD_ONLY),
        N(UFUNC_REDUCE),
        N(FROM_PRETRAINED),
        N(FOLD),
        N(PARTIAL),
        N(SEQUENTIAL),
        N(KERAS_MODEL),
        N(KERAS_COMPILE),
        N(LAYER_ADD),
        N(DATASET),
        N(DATASET_STEP),
        N(KERAS_RUN),
        N(KERAS_PAD),
        N(DISTRIBUTION),
        N(GENERATE),
        N(TRANSITION_SCORES),
        N(ENCODE),
        N(ENCODE_PLUS),
        N(CHAT_TEMPLATE),
        N(PAD_BATCH),
        N(COLLATOR),
        N(INPUTS_COLLATOR),
        N(MLM_COLLATOR),
        N(DATALOADER),
        N(TOKENIZER),
        N(MODEL),
        N(LOAD_BARE_LM),
        N(LEN),
        N(RANGE),
        N(ENUMERATE),
        N(ZIP),
        N(MAP),
        N(LIST),
        N(DICT),
        N(SORTED),
        N(APPEND),
        N(EXTEND),
        N(RETURNS_SELF),
        N(RANK_METRIC),
        N(WRAP_MODEL),
        N(LOG_PROB),
        N(SAMPLE),
        N(FLAX_APPLY),
        N(MODEL_CALL),
        N(ONNX_RUN),
        N(TRAIN_STATE),
        N(ELEMENT),
        N(ITEMS),
        N(BACKWARD),
        N(JOIN_TEXT),
        N(ARGUMENTS),
#undef N
    };
    return op < OP_COUNT && names[op] ? names[op] : NULL;
}

/* ---------- user-declared contracts ---------- */

const char *const contracts_return_names[RET_COUNT] = {
    NULL,        "logits", "logprobs", "probs",     "nll",
    "token-ids", "mask",   "model",    "tokenizer", "identity"};
const char *const contracts_axis_names[CAX_COUNT] = {NULL, "batch", "pos", "vocab"};

/* key equals qual with every "()" of qual dropped. */
static bool same_callee(const char *key, const char *qual) {
    for (;; key++, qual++) {
        while (qual[0] == '(' && qual[1] == ')')
            qual += 2;
        if (*key != *qual) return false;
        if (!*key) return true;
    }
}

const UserContract *contracts_user_find(const UserContracts *u, const char *qual) {
    for (size_t i = 0; u && i < u->len; i++)
        if (same_callee(u->items[i].qual, qual)) return &u->items[i];
    return NULL;
}

bool contracts_user_class(const UserContracts *u, const char *qual) {
    size_t n = strlen(qual);
    for (size_t i = 0; u && i < u->len; i++) {
        const char *k = u->items[i].qual;
        if (!strncmp(k, qual, n) && k[n] == '.' && !strchr(k + n + 1, '.')) return true;
    }
    return false;
}

void contracts_user_free(UserContracts *u) {
    for (size_t i = 0; i < u->len; i++)
        free(u->items[i].qual);
    free(u->items);
    u->items = NULL;
    u->len = u->cap = 0;
}
