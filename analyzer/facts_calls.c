/* What calls, attributes and iteration do to facts. Transfers are a table keyed by the callee's
 * name (after import aliases are resolved): adding a library function is one table row. */
#include <ctype.h>
#include <stdio.h>

#include "facts_internal.h"

/* ---------- arguments ---------- */

static void read_args(Interp *in, TSNode arglist, Args *a) {
    memset(a, 0, sizeof *a);
    a->node = arglist;
    a->splat = fact_unknown();
    if (ts_node_is_null(arglist)) return;
    if (parse_is(arglist, "generator_expression")) { /* sum(x for x in xs) */
        a->pos[0] = arglist;
        a->posf[0] = interp_eval(in, arglist);
        a->npos = a->nplain = 1;
        return;
    }
    uint32_t n = ts_node_named_child_count(arglist);
    for (uint32_t i = 0; i < n; i++) {
        TSNode c = ts_node_named_child(arglist, i);
        if (parse_is(c, "keyword_argument")) {
            if (a->nkw == MAX_ARGS) {
                a->overflow = true;
                continue;
            }
            a->kw_name[a->nkw] = parse_field(c, "name");
            a->kw_val[a->nkw] = parse_field(c, "value");
            a->kwf[a->nkw] = interp_eval(in, a->kw_val[a->nkw]);
            in->call_loopvar |= a->kwf[a->nkw].flags & (FF_LOOPVAR | FF_STEPVAR | FF_PREFIX);
            if (a->kwf[a->nkw].kinds & FK_SCORES) in->call_loopvar |= FF_OPAQUE;
            a->nkw++;
        } else if (parse_is(c, "dictionary_splat")) {
            a->splatted = true;
            a->splat = interp_eval(in, ts_node_named_child(c, 0));
            in->call_loopvar |= a->splat.flags & FF_PREFIX;
            a->has_splat = true;
        } else if (parse_is(c, "comment")) {
            continue;
        } else if (a->npos < MAX_ARGS) {
            if (parse_is(c, "list_splat")) a->splatted = true;
            if (!a->splatted) a->nplain++;
            a->pos[a->npos] = c;
            a->posf[a->npos] =
                interp_eval(in, parse_is(c, "list_splat") ? ts_node_named_child(c, 0) : c);
            in->call_loopvar |= a->posf[a->npos].flags & (FF_LOOPVAR | FF_STEPVAR | FF_PREFIX);
            if (a->posf[a->npos].kinds & FK_SCORES) in->call_loopvar |= FF_OPAQUE;
            a->npos++;
        } else {
            a->overflow = true;
        }
    }
}

static int kw_index(Interp *in, const Args *a, const char *name) {
    for (int i = 0; i < a->nkw; i++)
        if (parse_text_eq(in->src, a->kw_name[i], name)) return i;
    return -1;
}

/* The node of an argument given by keyword or at a position; null when absent. */
static TSNode arg_node(Interp *in, const Args *a, const char *kw, const char *kw2, int pos) {
    int k = kw ? kw_index(in, a, kw) : -1;
    if (k < 0 && kw2) k = kw_index(in, a, kw2);
    if (k >= 0) return a->kw_val[k];
    if (pos >= 0 && pos < a->npos) return a->pos[pos];
    return (TSNode){0};
}

static Fact arg_fact(Interp *in, const Args *a, const char *kw, int pos) {
    int k = kw ? kw_index(in, a, kw) : -1;
    if (k >= 0) return a->kwf[k];
    if (pos >= 0 && pos < a->npos) return a->posf[pos];
    return fact_bottom();
}

static bool class_int(Interp *in, TSNode cls, const char *name, size_t len, Fact *out);

/* self.DIM where the class (not the object) holds DIM = 1: read only where a dim is wanted,
 * so that attribute reads do not each scan the class. */
static Fact class_constant(Interp *in, TSNode n, Fact f) {
    n = parse_unparen(n);
    TSNode object = parse_field(n, "object");
    if (!parse_is(n, "attribute") || !parse_is(object, "identifier")) return f;
    Fact obj = interp_lookup(in, object);
    if (obj.obj != FO_INSTANCE) return f;
    size_t len;
    const char *attr = parse_text(in->src, parse_field(n, "attribute"), &len);
    Fact k;
    return class_int(in, obj.def, attr, len, &k) ? k : f;
}

/* dim=-1, axis=1, or a positional one: a literal, or an integer the code holds on every path
 * (dim=dim with a default, a constant, self.dim); FACT_NO_DIM when absent or not known. */
static int arg_dim(Interp *in, const Args *a, int pos) {
    TSNode n = arg_node(in, a, "dim", "axis", pos);
    if (ts_node_is_null(n)) return FACT_NO_DIM;
    long v;
    if (!interp_int_literal(in, n, &v)) {
        Fact f = arg_fact(in, a, kw_index(in, a, "dim") >= 0 ? "dim" : "axis", pos);
        if (!(f.flags & FF_CONST) && !f.bottom) f = class_constant(in, n, f);
        if (!(f.flags & FF_CONST) || f.bottom) return FACT_NO_DIM;
        v = f.num;
    }
    return v < -64 || v > 64 ? FACT_NO_DIM : (int)v;
}

/* A keyword argument whose value is truthy (True, "longest", a non-zero literal). */
static bool kw_truthy(Interp *in, const Args *a, const char *name) {
    int k = kw_index(in, a, name);
    if (k < 0) return false;
    TSNode v = parse_unparen(a->kw_val[k]);
    return !(parse_is(v, "false") || parse_is(v, "none") || interp_text_eq(in, v, "0") ||
             interp_text_eq(in, v, "\"do_not_pad\"") || interp_text_eq(in, v, "'do_not_pad'"));
}

static bool kw_string_is(Interp *in, const Args *a, const char *name, const char *value) {
    int k = kw_index(in, a, name);
    if (k < 0) return false;
    char q1[64], q2[64];
    snprintf(q1, sizeof q1, "\"%s\"", value);
    snprintf(q2, sizeof q2, "'%s'", value);
    return interp_text_eq(in, a->kw_val[k], q1) || interp_text_eq(in, a->kw_val[k], q2);
}

/* ---------- the transfer table ---------- */

typedef enum {
    OP_NONE,
    OP_LOG_SOFTMAX,
    OP_SOFTMAX,
    OP_LOGSUMEXP,
    OP_LOG,
    OP_EXP,
    OP_SUM,
    OP_MEAN,
    OP_PROD,
    OP_CUMSUM,
    OP_MAX,
    OP_MIN, /* like max, but x - min(x) does not bound exp() from above */
    OP_ARGMAX,
    OP_TOPK,
    OP_SORT,
    OP_GATHER,
    OP_TAKE_ALONG,
    OP_INDEX_SELECT,
    OP_SQUEEZE,
    OP_UNSQUEEZE,
    OP_RESHAPE,
    OP_TRANSPOSE,
    OP_PASS,
    OP_ITEM,
    OP_STACK,
    OP_CAT,
    OP_WHERE,
    OP_MASKED_FILL,
    OP_MUL,
    OP_COMPARE,
    OP_CROSS_ENTROPY,
    OP_NLL_LOSS,
    OP_CROSS_ENTROPY_CLASS,
    OP_NLL_LOSS_CLASS,
    OP_LOG_SOFTMAX_CLASS,
    OP_SOFTMAX_CLASS,
    OP_SIGMOID,
    OP_LOGSIGMOID,
    OP_ARANGE,
    OP_FROM_PRETRAINED,
    OP_GENERATE,
    OP_TRANSITION_SCORES,
    OP_ENCODE,
    OP_PAD,
    OP_LEN,
    OP_RANGE,
    OP_ENUMERATE,
    OP_ZIP,
    OP_SORTED,
    OP_APPEND,
    OP_DISTRIBUTION,
    OP_SIZE,
    OP_ROLL,
    OP_PAD_TENSOR,
    OP_DIV,
    OP_SUB,
    OP_CUMPROD,
    OP_FOLD,
    OP_CHAT_TEMPLATE,
    OP_PARTIAL,
    OP_SEQUENTIAL,
    OP_COLLATOR,
    OP_DATALOADER,
    OP_LOGADDEXP,
    OP_EINSUM,
    OP_TIKTOKEN,
    OP_FULL,
    OP_NARROW,
    OP_KERAS_CE,
    OP_KERAS_CE_CLASS,
    OP_LLAMA_CPP,
    OP_COSINE,
    OP_MAP,
    OP_LIST,
} Op;

typedef struct Transfer {
    const char *name;
    Op op;
    int8_t dim_pos; /* positional index of dim/axis in the method form, -1 if none */
    int8_t idx_pos; /* positional index of the index tensor in the method form */
} Transfer;

/* Names shared by tensor methods and library functions; a library function takes the tensor
 * as its first argument, so its positions are one further. */
static const Transfer TENSOR_OPS[] = {
    {"log_softmax", OP_LOG_SOFTMAX, 0, -1},
    {"softmax", OP_SOFTMAX, 0, -1},
    {"logsumexp", OP_LOGSUMEXP, 0, -1},
    {"log", OP_LOG, -1, -1},
    {"log_", OP_LOG, -1, -1},
    {"log2", OP_LOG, -1, -1},
    {"log10", OP_LOG, -1, -1},
    {"exp", OP_EXP, -1, -1},
    {"exp_", OP_EXP, -1, -1},
    {"sum", OP_SUM, 0, -1},
    {"nansum", OP_SUM, 0, -1},
    {"fsum", OP_SUM, -1, -1},
    {"mean", OP_MEAN, 0, -1},
    {"nanmean", OP_MEAN, 0, -1},
    {"logaddexp", OP_LOGADDEXP, -1, -1},
    {"average", OP_MEAN, 0, -1},
    {"prod", OP_PROD, 0, -1},
    {"product", OP_PROD, 0, -1},
    {"cumsum", OP_CUMSUM, 0, -1},
    {"cumprod", OP_CUMPROD, 0, -1},
    {"max", OP_MAX, 0, -1},
    {"amax", OP_MAX, 0, -1},
    {"min", OP_MIN, 0, -1},
    {"amin", OP_MIN, 0, -1},
    {"nanmax", OP_MAX, 0, -1},
    {"reduce_max", OP_MAX, 0, -1},
    {"reduce_sum", OP_SUM, 0, -1},
    {"reduce_mean", OP_MEAN, 0, -1},
    {"reduce_prod", OP_PROD, 0, -1},
    {"reduce_logsumexp", OP_LOGSUMEXP, 0, -1},
    {"argmax", OP_ARGMAX, 0, -1},
    {"argmin", OP_ARGMAX, 0, -1},
    {"topk", OP_TOPK, 1, -1},
    {"sort", OP_SORT, 0, -1},
    {"argsort", OP_SORT, 0, -1},
    {"gather", OP_GATHER, 0, 1},
    {"take_along_dim", OP_TAKE_ALONG, 1, 0},
    {"take_along_axis", OP_TAKE_ALONG, 1, 0},
    {"index_select", OP_INDEX_SELECT, 0, 1},
    {"squeeze", OP_SQUEEZE, 0, -1},
    {"unsqueeze", OP_UNSQUEEZE, 0, -1},
    {"expand_dims", OP_UNSQUEEZE, 0, -1},
    {"view", OP_RESHAPE, -1, -1},
    {"reshape", OP_RESHAPE, -1, -1},
    {"flatten", OP_RESHAPE, -1, -1},
    {"ravel", OP_RESHAPE, -1, -1},
    {"transpose", OP_TRANSPOSE, -1, -1},
    {"permute", OP_TRANSPOSE, -1, -1},
    {"einsum", OP_EINSUM, -1, -1},
    {"narrow", OP_NARROW, 0, -1},
    {"cosine_similarity", OP_COSINE, -1, -1},
    {"cos_sim", OP_COSINE, -1, -1},
    {"full", OP_FULL, -1, -1},
    {"swapaxes", OP_TRANSPOSE, -1, -1},
    {"movedim", OP_TRANSPOSE, -1, -1},
    {"to", OP_PASS, -1, -1},
    {"float", OP_PASS, -1, -1},
    {"double", OP_PASS, -1, -1},
    {"half", OP_PASS, -1, -1},
    {"bfloat16", OP_PASS, -1, -1},
    {"float32", OP_PASS, -1, -1},
    {"float64", OP_PASS, -1, -1},
    {"cpu", OP_PASS, -1, -1},
    {"cuda", OP_PASS, -1, -1},
    {"detach", OP_PASS, -1, -1},
    {"clone", OP_PASS, -1, -1},
    {"copy", OP_PASS, -1, -1},
    {"contiguous", OP_PASS, -1, -1},
    {"numpy", OP_PASS, -1, -1},
    {"tolist", OP_PASS, -1, -1},
    {"type_as", OP_PASS, -1, -1},
    {"astype", OP_PASS, -1, -1},
    {"type", OP_PASS, -1, -1},
    {"tensor", OP_PASS, -1, -1},
    {"as_tensor", OP_PASS, -1, -1},
    {"from_numpy", OP_PASS, -1, -1},
    {"array", OP_PASS, -1, -1},
    {"asarray", OP_PASS, -1, -1},
    {"stop_gradient", OP_PASS, -1, -1},
    {"nan_to_num", OP_PASS, -1, -1},
    {"clamp", OP_PASS, -1, -1},
    {"clamp_min", OP_PASS, -1, -1},
    {"clip", OP_PASS, -1, -1},
    {"abs", OP_PASS, -1, -1},
    {"neg", OP_PASS, -1, -1},
    {"item", OP_ITEM, -1, -1},
    {"stack", OP_STACK, 0, -1},
    {"vstack", OP_STACK, -1, -1},
    {"cat", OP_CAT, 0, -1},
    {"concat", OP_CAT, 0, -1},
    {"concatenate", OP_CAT, 0, -1},
    {"where", OP_WHERE, -1, -1},
    {"masked_fill", OP_MASKED_FILL, -1, -1},
    {"masked_fill_", OP_MASKED_FILL, -1, -1},
    {"masked_select", OP_MASKED_FILL, -1, -1},
    {"mul", OP_MUL, -1, -1},
    {"mul_", OP_MUL, -1, -1},
    {"multiply", OP_MUL, -1, -1},
    {"sub", OP_SUB, -1, -1},
    {"sub_", OP_SUB, -1, -1},
    {"subtract", OP_SUB, -1, -1},
    {"div", OP_DIV, -1, -1},
    {"div_", OP_DIV, -1, -1},
    {"divide", OP_DIV, -1, -1},
    {"true_divide", OP_DIV, -1, -1},
    {"ne", OP_COMPARE, -1, -1},
    {"eq", OP_COMPARE, -1, -1},
    {"not_equal", OP_COMPARE, -1, -1},
    {"bool", OP_COMPARE, -1, -1},
    {"cross_entropy", OP_CROSS_ENTROPY, -1, -1},
    {"softmax_cross_entropy_with_integer_labels", OP_CROSS_ENTROPY, -1, -1},
    {"sparse_softmax_cross_entropy_with_logits", OP_CROSS_ENTROPY, -1, -1},
    {"softmax_cross_entropy", OP_CROSS_ENTROPY, -1, -1},
    {"softmax_cross_entropy_with_logits", OP_CROSS_ENTROPY, -1, -1},
    {"sparse_categorical_crossentropy", OP_KERAS_CE, -1, -1},
    {"categorical_crossentropy", OP_KERAS_CE, -1, -1},
    {"SparseCategoricalCrossentropy", OP_KERAS_CE_CLASS, -1, -1},
    {"CategoricalCrossentropy", OP_KERAS_CE_CLASS, -1, -1},
    {"nll_loss", OP_NLL_LOSS, -1, -1},
    {"CrossEntropyLoss", OP_CROSS_ENTROPY_CLASS, -1, -1},
    {"NLLLoss", OP_NLL_LOSS_CLASS, -1, -1},
    {"LogSoftmax", OP_LOG_SOFTMAX_CLASS, -1, -1},
    {"Softmax", OP_SOFTMAX_CLASS, -1, -1},
    {"sigmoid", OP_SIGMOID, -1, -1},
    {"logsigmoid", OP_LOGSIGMOID, -1, -1},
    {"log_sigmoid", OP_LOGSIGMOID, -1, -1},
    {"arange", OP_ARANGE, -1, -1},
    {"size", OP_SIZE, 0, -1},
    {"numel", OP_SIZE, -1, -1},
    {"roll", OP_ROLL, -1, -1},
    {"pad_sequence", OP_PAD_TENSOR, -1, -1},
    {NULL, OP_NONE, 0, 0}};

/* Python builtins and objects of other libraries. */
static const Transfer OTHER_OPS[] = {{"from_pretrained", OP_FROM_PRETRAINED, -1, -1},
                                     {"reduce", OP_FOLD, -1, -1},
                                     {"partial", OP_PARTIAL, -1, -1},
                                     {"Sequential", OP_SEQUENTIAL, -1, -1},
                                     {"Categorical", OP_DISTRIBUTION, -1, -1},
                                     {"OneHotCategorical", OP_DISTRIBUTION, -1, -1},
                                     {"generate", OP_GENERATE, -1, -1},
                                     {"compute_transition_scores", OP_TRANSITION_SCORES, -1, -1},
                                     {"encode", OP_ENCODE, -1, -1},
                                     {"apply_chat_template", OP_CHAT_TEMPLATE, -1, -1},
                                     {"batch_encode_plus", OP_ENCODE, -1, -1},
                                     {"encode_plus", OP_ENCODE, -1, -1},
                                     {"convert_tokens_to_ids", OP_ENCODE, -1, -1},
                                     {"apply_chat_template", OP_ENCODE, -1, -1},
                                     {"pad", OP_PAD, -1, -1},
                                     {"DataCollatorWithPadding", OP_COLLATOR, -1, -1},
                                     {"DataCollatorForLanguageModeling", OP_COLLATOR, -1, -1},
                                     {"DataCollatorForSeq2Seq", OP_COLLATOR, -1, -1},
                                     {"DataCollatorForCompletionOnlyLM", OP_COLLATOR, -1, -1},
                                     {"DataLoader", OP_DATALOADER, -1, -1},
                                     {"get_encoding", OP_TIKTOKEN, -1, -1},
                                     {"Llama", OP_LLAMA_CPP, -1, -1},
                                     {"encoding_for_model", OP_TIKTOKEN, -1, -1},
                                     {"len", OP_LEN, -1, -1},
                                     {"range", OP_RANGE, -1, -1},
                                     {"enumerate", OP_ENUMERATE, -1, -1},
                                     {"zip", OP_ZIP, -1, -1},
                                     {"map", OP_MAP, -1, -1},
                                     {"list", OP_LIST, -1, -1},
                                     {"tuple", OP_LIST, -1, -1},
                                     {"sorted", OP_SORTED, -1, -1},
                                     {"append", OP_APPEND, -1, -1},
                                     {"extend", OP_APPEND, -1, -1},
                                     {NULL, OP_NONE, 0, 0}};

static const Transfer *find_transfer(const Transfer *table, const char *name, size_t len) {
    for (const Transfer *t = table; t->name; t++)
        if (len && t->name[0] == name[0] && strncmp(t->name, name, len) == 0 && !t->name[len])
            return t;
    return NULL;
}

/* Libraries whose functions the tensor table describes. */
static bool numeric_root(const char *qual) {
    static const char *const roots[] = {"torch",      "numpy", "jax",   "scipy",
                                        "tensorflow", "math",  "mlx",   "statistics",
                                        "builtins",   "flax",  "optax", NULL};
    size_t n = strcspn(qual, ".");
    for (const char *const *r = roots; *r; r++)
        if (strlen(*r) == n && !memcmp(*r, qual, n)) return true;
    return false;
}

static const char *last_component(const char *qual, size_t *len) {
    const char *dot = strrchr(qual, '.');
    const char *name = dot ? dot + 1 : qual;
    *len = strlen(name);
    return name;
}

/* ---------- transfers ---------- */

static Fact tensor(unsigned kinds, unsigned flags, TSNode origin, int ndim, const AxisKind *axes) {
    Fact f = fact_of(kinds, flags, origin);
    if (ndim >= 0) fact_set_axes(&f, ndim, axes);
    return f;
}

static Fact logits_3d(unsigned flags, TSNode origin) {
    return tensor(FK_RAW, flags, origin, 3, (AxisKind[]){AX_BATCH, AX_POS, AX_VOCAB});
}

/* Numbers written in the code: 2.0, -1, [0, 1, 2], np.linspace(-1, 0, 10), np.array([...]). */
static bool literal_numbers(Interp *in, TSNode n, int depth) {
    static const char *const makers[] = {"linspace", "logspace", "arange", "array",
                                         "asarray",  "tensor",   NULL};
    n = parse_unparen(n);
    if (depth > 8 || ts_node_is_null(n)) return false;
    if (parse_is(n, "integer") || parse_is(n, "float")) return true;
    int bounded = INT32_MAX; /* how many leading arguments bound the values */
    if (parse_is(n, "unary_operator"))
        return literal_numbers(in, parse_field(n, "argument"), depth + 1);
    if (parse_is(n, "call")) {
        TSNode fn = parse_field(n, "function");
        TSNode name = parse_is(fn, "attribute") ? parse_field(fn, "attribute") : fn;
        bool maker = false;
        for (const char *const *m = makers; *m && !maker; m++)
            maker = parse_text_eq(in->src, name, *m);
        if (!maker) return false;
        /* linspace(start, stop, num): the values lie between the first two, whatever num is */
        if (parse_text_eq(in->src, name, "linspace") || parse_text_eq(in->src, name, "logspace"))
            bounded = 2;
        n = parse_field(n, "arguments");
    } else if (!parse_is(n, "list") && !parse_is(n, "tuple")) {
        return false;
    }
    uint32_t k = ts_node_named_child_count(n);
    int seen = 0;
    for (uint32_t i = 0; i < k && seen < bounded; i++) {
        TSNode c = ts_node_named_child(n, i);
        if (parse_is(c, "keyword_argument") || parse_is(c, "comment")) continue;
        if (!literal_numbers(in, c, depth + 1)) return false;
        seen++;
    }
    return seen > 0;
}

/* Values reduced over `dim` (FACT_NO_DIM: all of them). Across positions that is an
 * aggregation (or a product): the event rules look for. */
static Fact reduce(Interp *in, TSNode node, Fact x, int dim, bool keepdim, Op op) {
    if (!x.kinds || x.obj != FO_NONE) return fact_unknown();
    /* attention_mask.sum(): how many tokens, as len(ids) counts them (facts_labels.c) */
    if (x.kinds == FK_MASK && op == OP_SUM && (dim == FACT_NO_DIM || fact_axis(&x, dim) == AX_POS))
        return labels_count(x, AX_POS, node);
    AxisKind axis;
    bool all = dim == FACT_NO_DIM;
    if (all) {
        int p = fact_find_axis(&x, AX_POS);
        if (p < 0) p = fact_find_axis(&x, AX_STEP);
        axis = p >= 0 ? (AxisKind)x.ax[p] : (x.ndim < 0 ? (AxisKind)x.ax_last : AX_UNK);
        if (x.ndim == 0) axis = AX_UNK;
    } else {
        axis = fact_axis(&x, dim);
    }
    bool positions = axis == AX_POS || axis == AX_STEP;
    /* Rank unknown: selected scores can only be reduced over what is left, the positions. */
    if (!positions && (axis == AX_UNK || (all && axis == AX_ONE)) && x.ndim < 0 &&
        (x.flags & FF_SELECTED) && !(x.flags & FF_AGGREGATED))
        positions = true; /* a keepdim gather's [..., T, 1] summed whole: over positions */
    Fact r = x;
    if (positions) {
        if (op == OP_PROD || op == OP_CUMPROD) /* cumprod(p)[..., -1]: the whole product */
            interp_emit(in, EV_PRODUCT, AGG_SUM, node, x, fact_unknown(), axis);
        else
            interp_emit(in, EV_AGGREGATE,
                        op == OP_MEAN     ? AGG_MEAN
                        : op == OP_CUMSUM ? AGG_CUMSUM
                                          : AGG_SUM,
                        node, x, fact_unknown(), axis);
        if (op != OP_PROD && op != OP_CUMPROD) r.agg_event = in->last_event;
        r.flags = (r.flags | FF_AGGREGATED) & ~(FF_STEPVAR | FF_LOOPVAR);
        if (op == OP_CUMSUM || op == OP_CUMPROD) return r;
    } else if (axis == AX_VOCAB) {
        /* a reduction over the vocabulary is no sequence score */
        r.kinds = (x.kinds & FK_SCORES) ? FK_NUM : x.kinds;
        r.flags &= ~(FF_SOFTMAX | FF_EXP);
        if (x.flags & FF_EXP) r.flags |= FF_EXP; /* sum(exp(x)): a softmax denominator */
    }
    if (op == OP_CUMSUM || op == OP_CUMPROD) return r;
    r.flags &= ~FF_SOFTMAX; /* a sum or mean of distributions is no softmax output */
    if (x.flags & FF_EXP) r.flags |= FF_SUMEXP;
    if (all) {
        r.ndim = 0;
        r.ax_last = AX_UNK;
    } else if (keepdim) {
        fact_replace_axis(&r, dim, AX_ONE);
    } else {
        fact_remove_axis(&r, dim);
    }
    return r;
}

static Fact normalize(Interp *in, TSNode node, Fact x, int dim, bool log) {
    if (dim == FACT_NO_DIM) dim = -1; /* torch's implicit dim and jax/scipy default: last */
    AxisKind axis = fact_axis(&x, dim);
    if (x.kinds & (FK_SCORES | FK_NUM))
        interp_emit(in, EV_NORMALIZE, log ? NORM_LOG_SOFTMAX : NORM_SOFTMAX, node, x,
                    fact_unknown(), axis);
    Fact r = x;
    if (!x.kinds && x.obj == FO_NONE) r = fact_of(0, 0, node);
    r.kinds = log ? FK_LOGPROB : FK_PROB;
    r.flags = (x.flags & ~(FF_SOFTMAX | FF_EXP | FF_WEAK | FF_STABLE)) | (log ? 0 : FF_SOFTMAX);
    r.origin = node;
    return r;
}

static Fact select_at(Interp *in, TSNode node, Fact x, int dim, Fact ids) {
    if (dim == 2) fact_assume_lm_layout(&x, 3);
    Fact r = x;
    if (!(x.kinds & FK_SCORES)) {
        if (x.kinds & (FK_IDS | FK_MASK)) return x;
        return x.kinds ? x : fact_unknown();
    }
    if (dim == FACT_NO_DIM) dim = -1;
    r.flags |= FF_SELECTED | (ids.flags & (FF_PADDED | FF_JOINED));
    /* gather(row, 2, tokens) with one row of a padded batch and tokens that are not the
     * batch's (one sequence's own): the output has the index's shape, the row's first
     * len(tokens) positions, which a (right-)padded row holds its own tokens at */
    if ((x.flags & FF_PADDED) && !(ids.flags & (FF_PADDED | FF_WEAK)) && !(ids.kinds & ~FK_IDS) &&
        x.ndim >= 0 && fact_find_axis(&x, AX_BATCH) < 0 && fact_find_axis(&ids, AX_BATCH) < 0)
        r.flags &= ~FF_PADDED;
    if (x.ndim >= 0)
        fact_replace_axis(&r, dim, AX_ONE);
    else
        r.ax_last = AX_ONE;
    /* gather(logits[:, -1], 1, ids): entries of one step's distribution at the tokens seen so
     * far, or at the last one (a repetition penalty), no token paired with a position; the
     * token of the position a loop visits (lp[:, k].gather(-1, ids[:, k, None])) is paired */
    bool one_position = fact_find_axis(&ids, AX_POS) < 0 && (ids.flags & FF_LOOPVAR) &&
                        (ids.ndim >= 0 || (ids.head.sym && align_pos_eq(ids.head, ids.tail)));
    if (x.ndim >= 0 && fact_find_axis(&x, AX_POS) < 0 && fact_find_axis(&x, AX_STEP) < 0 &&
        !one_position)
        align_clear(&ids);
    interp_emit(in, EV_SELECT, 0, node, x, ids, fact_axis(&x, dim));
    return r;
}

static Fact squeeze(Fact x, int dim) {
    if (x.ndim < 0) {
        if (x.ax_last == AX_ONE && (dim == -1 || dim == FACT_NO_DIM))
            x.ax_last = (x.flags & FF_SELECTED) ? AX_POS : AX_UNK;
        return x;
    }
    /* squeeze(d) is a no-op unless axis d has size 1. A batch axis squeezed is a batch of one
     * (logits.squeeze(0) of one sequence is [T, V]); positions are squeezed defensively too
     * (labels.squeeze(-1)), so only a slice of one ([:, -1:]) makes them go. */
    if (dim != FACT_NO_DIM) {
        AxisKind ax = fact_axis(&x, dim);
        if ((ax == AX_ONE || ax == AX_BATCH) && dim >= -x.ndim && dim < x.ndim)
            fact_remove_axis(&x, dim);
        return x;
    }
    bool batch = false;
    for (int i = x.ndim - 1; i >= 0; i--) {
        if (x.ax[i] == AX_ONE)
            fact_remove_axis(&x, i);
        else if (x.ax[i] == AX_BATCH)
            batch = true;
    }
    /* squeeze() of [B, T, V]: [T, V] when the batch holds one sequence, which only the data
     * says; the last axis is known either way */
    if (batch) {
        x.ax_last = (uint8_t)x.ax[x.ndim - 1];
        x.ndim = -1;
    }
    return x;
}

/* x.view(-1, V) / x.reshape(-1, x.size(-1)) / x.flatten(0, 1) of [B, T, V] scores: the
 * batch and position axes merged into rows, the vocabulary kept last. */
static bool merges_rows(Interp *in, Fact x, const Args *a, int first, bool flatten) {
    if (x.ndim != 3 || x.ax[0] != AX_BATCH || x.ax[1] != AX_POS || x.ax[2] != AX_VOCAB)
        return false;
    long d0, d1;
    if (a->npos - first != 2 || !interp_int_literal(in, a->pos[first], &d0)) return false;
    if (flatten) return d0 == 0 && interp_int_literal(in, a->pos[first + 1], &d1) && d1 == 1;
    if (d0 != -1) return false;
    /* the kept size: x.size(-1), x.shape[-1], or a name (the vocabulary size) */
    TSNode v = parse_unparen(a->pos[first + 1]);
    return parse_is(v, "identifier") || parse_is(v, "call") || parse_is(v, "subscript") ||
           parse_is(v, "attribute");
}

/* torch.full((B, L), pad_id): a batch buffer of pads that rows of their own length are copied
 * into; filled with -100, labels the loss ignores there. A column ((B, 1): a BOS column) or a
 * fill that is no token id is not followed. */
static Fact filled_batch(Interp *in, const Args *a, TSNode node) {
    TSNode shape = a->npos >= 1 ? parse_unparen(a->pos[0]) : (TSNode){0};
    Fact fill = arg_fact(in, a, "fill_value", 1);
    long last;
    if (!(parse_is(shape, "tuple") || parse_is(shape, "list")) ||
        ts_node_named_child_count(shape) != 2 ||
        (interp_int_literal(in, ts_node_named_child(shape, 1), &last) && last == 1))
        return fact_unknown();
    bool ignored = (fill.flags & FF_CONST) && fill.num < 0;
    if (!ignored && !(fill.kinds & FK_IDS)) return fact_unknown();
    Fact r =
        tensor(FK_IDS, ignored ? FF_MASKED : FF_PADDED, node, 2, (AxisKind[]){AX_BATCH, AX_POS});
    align_fresh(&r, node);
    return r;
}

/* einsum("btv->bvt", x): one operand whose axes the equation only reorders (no ellipsis, no
 * axis summed away); anything else is not followed. */
static Fact einsum(Interp *in, const Args *a) {
    if (a->npos != 2) return fact_unknown();
    Fact x = calls_output_tensor(a->posf[1]);
    size_t len;
    const char *t = parse_text(in->src, parse_unparen(a->pos[0]), &len);
    char from[FACT_MAX_DIMS + 1], to[FACT_MAX_DIMS + 1];
    int nf = 0, nt = 0;
    bool arrow = false;
    if (len < 2 || (t[0] != '"' && t[0] != '\'') || t[len - 1] != t[0] || x.ndim < 1)
        return fact_unknown();
    for (size_t i = 1; i + 1 < len; i++) {
        char c = t[i];
        if (c == ' ') continue;
        if (c == '-' && i + 2 < len && t[i + 1] == '>' && !arrow) {
            arrow = true;
            i++;
        } else if (!isalpha((unsigned char)c) || (arrow ? nt : nf) >= FACT_MAX_DIMS) {
            return fact_unknown(); /* ",", "...": several operands or an ellipsis */
        } else if (arrow) {
            to[nt++] = c;
        } else {
            from[nf++] = c;
        }
    }
    if (!arrow || nf != x.ndim || nt != nf) return fact_unknown();
    Fact r = x;
    for (int i = 0; i < nt; i++) {
        const char *at = memchr(from, to[i], (size_t)nf);
        if (!at || memchr(to, to[i], (size_t)i)) return fact_unknown();
        r.ax[i] = x.ax[at - from];
    }
    r.ax_last = r.ax[nt - 1];
    return r;
}

static Fact transpose(Interp *in, Fact x, const Args *a, int first, bool permute) {
    if (x.ndim < 0) return x;
    long d[FACT_MAX_DIMS];
    int n = 0;
    for (int i = first; i < a->npos && n < FACT_MAX_DIMS; i++) {
        if (!interp_int_literal(in, a->pos[i], &d[n])) return (x.ndim = -1, x.ax_last = AX_UNK, x);
        n++;
    }
    Fact r = x;
    if (permute && n == x.ndim) {
        for (int i = 0; i < n; i++) {
            long k = d[i] < 0 ? d[i] + x.ndim : d[i];
            if (k < 0 || k >= x.ndim) return fact_unknown();
            r.ax[i] = x.ax[k];
        }
    } else if (n == 2) {
        long i = d[0] < 0 ? d[0] + x.ndim : d[0], j = d[1] < 0 ? d[1] + x.ndim : d[1];
        if (i < 0 || j < 0 || i >= x.ndim || j >= x.ndim) return fact_unknown();
        r.ax[i] = x.ax[j];
        r.ax[j] = x.ax[i];
    } else if (n == 0 && x.ndim == 2) { /* .T */
        r.ax[0] = x.ax[1];
        r.ax[1] = x.ax[0];
    } else {
        r.ndim = -1;
    }
    r.ax_last = r.ndim > 0 ? r.ax[r.ndim - 1] : AX_UNK;
    return r;
}

/* torch.stack(list) makes the list axis a tensor axis; torch.cat joins along an existing one. */
static Fact stack_or_cat(Interp *in, Fact list, int dim, bool cat) {
    if (list.obj == FO_TUPLE) {
        Fact j = fact_bottom();
        for (int i = 0; i < list.nelems; i++)
            j = fact_join(in->arena, j, list.elems[i]);
        if (j.bottom) return fact_unknown();
        Fact r = j;
        fact_insert_axis(&r, 0, (j.flags & FF_STEPVAR) ? AX_STEP : AX_ITEM);
        r.flags &= ~(FF_STEPVAR | FF_LOOPVAR);
        list = r;
    }
    if (list.obj != FO_NONE || list.ndim < 1) return list;
    AxisKind outer = (AxisKind)list.ax[0];
    Fact r = list;
    if (cat) {
        fact_remove_axis(&r, 0);
        if (outer == AX_STEP && dim != FACT_NO_DIM)
            fact_replace_axis(&r, dim, AX_POS);
        else if (outer == AX_STEP && r.ndim >= 0)
            fact_replace_axis(&r, 0, AX_POS);
        return r;
    }
    if (dim != FACT_NO_DIM && dim != 0) {
        fact_remove_axis(&r, 0);
        fact_insert_axis(&r, dim, outer);
    }
    return r;
}

enum { MODEL_CAUSAL = 1 }; /* Fact.op of an FO_MODEL: its class says it is a causal LM */

/* What a dict literal holds under a string key (unknown when it has no such key). */
static Fact dict_value(const Fact *d, const char *key) {
    const Fact *v = d->obj == FO_DICT ? fact_field(d, key, strlen(key)) : NULL;
    return v ? *v : fact_unknown();
}

static Fact model_output(Interp *in, Fact model, const Args *a, TSNode node) {
    /* FF_WEAK: a model known by its name only; what its output holds by position is weak too */
    unsigned flags = model.flags & (FF_SEQ2SEQ | FF_NOTLM | FF_WEAK);
    int k = kw_index(in, a, "labels");
    if (k >= 0 && !parse_is(parse_unparen(a->kw_val[k]), "none")) flags |= FF_LABELS;
    /* decoder inputs, or a speech encoder's features (Whisper): the logits are the decoder's */
    if (kw_index(in, a, "decoder_input_ids") >= 0 || kw_index(in, a, "input_features") >= 0)
        flags |= FF_SEQ2SEQ;
    if (a->has_splat && (a->splat.flags & FF_LABELS)) flags |= FF_LABELS;
    if (a->has_splat && (a->splat.flags & FF_FULLLABELS)) /* enc["labels"] = enc["input_ids"] */
        flags |= FF_FULLLABELS | (a->splat.flags & FF_JOINED);
    if (k < 0 && a->has_splat && a->splat.obj == FO_DICT) { /* **{"input_ids": x, "labels": y} */
        Fact labels = dict_value(&a->splat, "labels"), ids = dict_value(&a->splat, "input_ids");
        if (labels.kinds) {
            bool same = !ts_node_is_null(labels.origin) && ts_node_eq(labels.origin, ids.origin);
            flags |= FF_LABELS | labels_flags(labels, same);
        }
    }
    /* an encoder-decoder's labels are the target alone: its loss covers no prompt, and it is a
     * mean over all N label tokens (the decoder input is the labels shifted right) */
    if (k >= 0 && (flags & FF_LABELS) && !(flags & FF_SEQ2SEQ))
        flags |=
            labels_model_flags(in, a->kwf[k], a->kw_val[k], arg_node(in, a, "input_ids", NULL, 0));
    Fact out = fact_object(FO_OUTPUT, flags, node);
    /* The logits at position t predict the input's token t + 1 (facts_align.c); a padded or
     * joined input makes padded or joined logits. */
    int ki = kw_index(in, a, "input_ids");
    Fact input = ki >= 0        ? a->kwf[ki]
                 : a->npos >= 1 ? a->posf[0]
                 : a->has_splat ? a->splat
                                : fact_unknown();
    /* tok(queries, passages): a text pair goes to a cross-encoder or an NLI head */
    if (input.obj == FO_ENCODING && (input.flags & FF_NOTLM)) out.flags |= FF_NOTLM;
    if (ki < 0 && a->npos == 0 && a->has_splat && a->splat.obj == FO_DICT) /* **{"input_ids": x} */
        input = dict_value(&a->splat, "input_ids");
    if (ki >= 0 && fact_knows_nothing(&input) && parse_is(a->kw_val[ki], "identifier")) {
        /* model(input_ids=x): whatever x is called, it holds token ids from here */
        Fact ids = fact_of(FK_IDS, input.flags, a->kw_val[ki]);
        align_fresh(&ids, a->kw_val[ki]);
        interp_bind(in, a->kw_val[ki], ids);
        input = ids;
    }
    out.flags |= input.flags & (FF_PADDED | FF_JOINED);
    if (((input.kinds & FK_IDS) && !(input.flags & FF_WEAK)) || input.obj == FO_ENCODING)
        out.flags |= FF_TOKENS_IN;
    else if (!(input.kinds & FK_IDS) && (model.flags & FF_WEAK))
        out.flags |= FF_UNTYPED_IN;
    /* pixels too: a VQA classifier's [batch, answers] or a VLM's [batch, seq, vocab] */
    if (kw_index(in, a, "pixel_values") >= 0)
        out.flags = (out.flags & ~FF_TOKENS_IN) | FF_UNTYPED_IN;
    /* labels of another sequence than the input: an encoder-decoder's target, no prompt in it */
    if (k >= 0 && (out.flags & FF_FULLLABELS) && a->kwf[k].head.sym && input.head.sym &&
        a->kwf[k].head.sym != input.head.sym)
        out.flags &= ~FF_FULLLABELS;
    /* ids with positions overwritten by the code (masked[:, i] = mask_id, masked_fill) may be
     * a masked LM's input, whose logits at t are about token t: no alignment is claimed */
    bool overwritten = (input.kinds & FK_IDS) && (input.flags & FF_MASKED);
    bool causal = !((out.flags | model.flags) & (FF_SEQ2SEQ | FF_NOTLM | FF_MLM));
    if (causal && !overwritten) {
        out.head = align_shift(input.head, 1);
        out.tail = align_shift(input.tail, 1);
    }
    /* an encoder-decoder's decoder logits at t predict labels[t] (its decoder input is the
     * labels shifted right), or decoder_input_ids[t + 1] */
    int kd = kw_index(in, a, "decoder_input_ids");
    if ((out.flags & FF_SEQ2SEQ) && !(out.flags & FF_NOTLM) && (k >= 0 || kd >= 0)) {
        Fact target = k >= 0 ? a->kwf[k] : a->kwf[kd];
        int by = k >= 0 ? 0 : 1;
        out.head = align_shift(target.head, by);
        out.tail = align_shift(target.tail, by);
    }
    /* A causal LM known from its class (from_pretrained) given labels=y: Hugging Face's contract
     * says y lines up with input_ids (the model shifts them itself), so y is the input's positions
     * from here on, when nothing related the two before. */
    if (k >= 0 && causal && model.obj == FO_MODEL && model.op == MODEL_CAUSAL && input.head.sym &&
        a->kwf[k].head.sym && a->kwf[k].head.sym != input.head.sym &&
        parse_is(a->kw_val[k], "identifier")) {
        Fact labels = a->kwf[k];
        labels.head = input.head;
        labels.tail = input.tail;
        interp_bind(in, a->kw_val[k], labels);
    }
    return out;
}

/* tok(prompt + answer, return_tensors="pt"): text with return_tensors goes to a tokenizer,
 * whatever the object is called (an image processor takes return_tensors too, but no text). */
static bool called_like_tokenizer(Interp *in, const Args *a) {
    if (a->npos < 1 || kw_index(in, a, "return_tensors") < 0) return false;
    TSNode text = parse_unparen(a->pos[0]);
    if (parse_is(text, "list") && ts_node_named_child_count(text) == 1)
        text = parse_unparen(ts_node_named_child(text, 0));
    return parse_is(text, "string") || parse_is(text, "concatenated_string") ||
           (a->posf[0].flags & FF_JOINED);
}

static bool looks_like_model_call(Interp *in, const Args *a) {
    if (kw_index(in, a, "input_ids") >= 0 || kw_index(in, a, "inputs_embeds") >= 0 ||
        kw_index(in, a, "input_features") >= 0)
        return true;
    if (a->has_splat && a->splat.obj == FO_ENCODING) return true;
    return a->npos >= 1 && (a->posf[0].kinds & FK_IDS) && a->posf[0].ndim != 0 &&
           !(a->posf[0].flags & FF_WEAK);
}

static Fact from_pretrained(const char *qual, TSNode node) {
    if (strstr(qual, "Tokenizer") || strstr(qual, "Processor"))
        return fact_object(FO_TOKENIZER, 0, node);
    if (!strstr(qual, "Model") && !strstr(qual, "For") && !strstr(qual, "LM"))
        return fact_unknown();
    unsigned flags = 0;
    if (strstr(qual, "Seq2Seq") || strstr(qual, "T5") || strstr(qual, "Bart") ||
        strstr(qual, "EncoderDecoder") || strstr(qual, "MT5") || strstr(qual, "Pegasus"))
        flags |= FF_SEQ2SEQ;
    if (strstr(qual, "MaskedLM")) flags |= FF_MLM;
    bool causal = strstr(qual, "CausalLM") || strstr(qual, "LMHeadModel");
    /* Classification / QA heads: their logits are over classes or spans, not the vocabulary. */
    if (strstr(qual, "Classification") || strstr(qual, "MultipleChoice") ||
        strstr(qual, "QuestionAnswering") || strstr(qual, "ForRegression"))
        flags |= FF_NOTLM;
    Fact m = fact_object(FO_MODEL, flags, node);
    if (causal && !(flags & (FF_SEQ2SEQ | FF_NOTLM | FF_MLM))) m.op = MODEL_CAUSAL;
    return m;
}

/* The texts a tokenizer is called with are a batch: a list of several (a literal, a
 * comprehension, a list built in a loop), or a value named like one (texts, prompts, batch).
 * One string (a literal, an f-string, text + text, [text], a name such as `text`) is not. */
static bool icontains(const char *s, size_t len, const char *lit);

static bool texts_batch(Interp *in, const Args *a) {
    int k = kw_index(in, a, "text");
    TSNode n = k >= 0 ? a->kw_val[k] : a->npos >= 1 ? a->pos[0] : (TSNode){0};
    Fact f = k >= 0 ? a->kwf[k] : a->npos >= 1 ? a->posf[0] : fact_unknown();
    if (ts_node_is_null(n)) return false;
    n = parse_unparen(n);
    while (parse_is(n, "call")) { /* list(texts), tuple(texts), sorted(texts): still the texts */
        TSNode fn = parse_field(n, "function"), args = parse_field(n, "arguments");
        if (!(interp_text_eq(in, fn, "list") || interp_text_eq(in, fn, "tuple") ||
              interp_text_eq(in, fn, "sorted")) ||
            ts_node_is_null(args) || ts_node_named_child_count(args) != 1)
            break;
        n = parse_unparen(ts_node_named_child(args, 0));
    }
    if (parse_is(n, "list") || parse_is(n, "tuple")) return ts_node_named_child_count(n) >= 2;
    if (parse_is(n, "list_comprehension") || parse_is(n, "generator_expression")) return true;
    if (f.obj == FO_NONE && f.ndim >= 1 && (f.ax[0] == AX_ITEM || f.ax[0] == AX_STEP)) return true;
    if (parse_is(n, "attribute")) n = parse_field(n, "attribute");
    if (parse_is(n, "subscript")) n = parse_field(n, "value");
    if (parse_is(n, "attribute")) n = parse_field(n, "attribute");
    if (!parse_is(n, "identifier")) return false;
    size_t len;
    const char *name = parse_text(in->src, n, &len);
    bool plural =
        len >= 2 && (name[len - 1] == 's' || name[len - 1] == 'S') && name[len - 2] != 's';
    return plural || icontains(name, len, "batch") || icontains(name, len, "list");
}

enum { ENCODING_ONE_TEXT = 1 }; /* Fact.op of an FO_ENCODING: its ids are lists, not tensors */

static Fact encoding(Interp *in, const Args *a, TSNode node) {
    unsigned flags = 0;
    if (kw_truthy(in, a, "padding")) flags |= FF_PADDED;
    /* padding=True pads only a batch of several texts; padding to max_length pads one too */
    if ((flags & FF_PADDED) && !kw_string_is(in, a, "padding", "max_length") && !texts_batch(in, a))
        flags &= ~FF_PADDED;
    /* text of several parts, or a text pair: the ids hold both */
    if ((a->npos >= 1 && (a->posf[0].flags & FF_JOINED)) || a->npos >= 2 ||
        kw_index(in, a, "text_pair") >= 0)
        flags |= FF_JOINED;
    /* a text pair (queries, passages): input for a cross-encoder or an NLI head, whose logits
     * are over classes */
    if (a->npos >= 2 || kw_index(in, a, "text_pair") >= 0) flags |= FF_NOTLM;
    Fact f = fact_object(FO_ENCODING, flags, node);
    /* tok(text).input_ids with no return_tensors: one text's ids, a plain list [T] */
    f.op = kw_index(in, a, "return_tensors") < 0 && !texts_batch(in, a) ? ENCODING_ONE_TEXT : 0;
    align_fresh(&f, node);
    return f;
}

/* An element of a sequence iterated along its positions in step with a counter (enumerate,
 * zip): its position is the sequence's head plus the counter. */
static void iter_position(Fact *e, const Fact *seq, uint32_t counter) {
    bool positions = seq->ndim >= 1 && (seq->ax[0] == AX_POS || seq->ax[0] == AX_STEP);
    if (!positions || !seq->head.sym || !counter) return;
    e->head = e->tail = (FactPos){align_sym(seq->head.sym, counter), seq->head.c, seq->head.end};
}

/* generate(num_beams=k): a beam search when k may exceed 1 (a literal 1 says it does not). */
static unsigned beam_search(Interp *in, const Args *a) {
    TSNode n = arg_node(in, a, "num_beams", NULL, -1);
    long k;
    if (ts_node_is_null(n) || (interp_int_literal(in, n, &k) && k <= 1)) return 0;
    return FF_BEAM;
}

static Fact iter_of(Interp *in, Fact *elems, int n, TSNode node) {
    Fact f = fact_object(FO_TUPLE, 0, node);
    f.elems = arena_alloc(in->arena, sizeof(Fact) * (size_t)(n ? n : 1));
    memcpy(f.elems, elems, sizeof(Fact) * (size_t)n);
    f.nelems = n;
    f.op = -1; /* iterating it yields these tuples (zip, enumerate) */
    return f;
}

static Fact apply_loss(Interp *in, TSNode node, Fact input, Fact target, bool nll, bool per_token) {
    interp_emit(in, EV_LOSS, nll ? LOSS_NLL : LOSS_CROSS_ENTROPY, node, input, target, AX_UNK);
    Fact r = fact_of(FK_LOSS, per_token ? FF_PERTOKEN : 0, node);
    if (per_token) { /* one loss per target token: the target's layout */
        r.ndim = target.ndim;
        memcpy(r.ax, target.ax, sizeof r.ax);
        r.ax_last = target.ax_last;
    }
    if (per_token) r.flags |= target.flags & (FF_SHIFTED | FF_PADDED);
    /* per-token losses at -100 / masked targets are 0: masked; padded or joined scores or
     * targets leave their positions in the losses */
    if (per_token)
        r.flags |=
            (target.flags & (FF_MASKED | FF_JOINED)) | (input.flags & (FF_PADDED | FF_JOINED));
    return r;
}

/* min(xs, key=lambda c: score(c)), sorted(xs, key=scores.get): the key's values are ranked. */
static void rank_key(Interp *in, const Args *a, TSNode node) {
    int k = kw_index(in, a, "key");
    if (k < 0) return;
    TSNode key = parse_unparen(a->kw_val[k]);
    Fact v = fact_unknown();
    if (parse_is(key, "lambda")) { /* key=lambda s: s.total: s is an element of what is ranked */
        Env saved = interp_scope_begin(in);
        TSNode params = parse_field(key, "parameters");
        TSNode p = ts_node_is_null(params) ? params : ts_node_named_child(params, 0);
        if (a->npos >= 1 && !ts_node_is_null(p) && parse_is(p, "identifier") &&
            ts_node_named_child_count(params) == 1)
            interp_bind(in, p, calls_iterate(in, a->posf[0]));
        v = interp_eval(in, parse_field(key, "body"));
        interp_scope_end(in, saved);
    } else if (parse_is(key, "attribute") && /* key=scores.get, key=losses.__getitem__ */
               (parse_text_eq(in->src, parse_field(key, "attribute"), "get") ||
                parse_text_eq(in->src, parse_field(key, "attribute"), "__getitem__")))
        v = calls_iterate(in, interp_eval(in, parse_field(key, "object")));
    if (v.kinds & (FK_SCORES | FK_LOSS | FK_NUM))
        interp_emit(in, EV_RANK, 0, node, v, fact_unknown(), AX_UNK);
}

static bool reduction_none(Interp *in, const Args *a) {
    return kw_string_is(in, a, "reduction", "none");
}

/* cat([ctx, cont], dim=-1) of token ids along their positions: the positions of both, the
 * first one's head and the last one's tail (facts_align.c). */
static void cat_positions(Interp *in, Fact *r, TSNode list, int dim) {
    list = parse_unparen(list);
    if (!parse_is(list, "list") && !parse_is(list, "tuple")) return;
    uint32_t n = ts_node_named_child_count(list);
    if (n < 2 || dim == FACT_NO_DIM) return;
    Fact first = interp_eval(in, ts_node_named_child(list, 0));
    Fact last = interp_eval(in, ts_node_named_child(list, n - 1));
    Fact ids = (last.kinds & FK_IDS) ? last : first;
    AxisKind k = fact_axis(&ids, dim);
    if (!(k == AX_POS || k == AX_STEP || (ids.ndim < 0 && (dim == -1 || dim == 1))) ||
        !(ids.kinds & FK_IDS))
        return;
    Fact c = align_concat(first, last); /* a first part of unknown alignment: head unknown */
    r->head = c.head;
    r->tail = c.tail;
    r->flags |= c.flags & (FF_PADDED | FF_JOINED);
}

/* Applies a tensor transfer. x is the tensor (receiver of a method, or the first argument of
 * a library function); positions in `a` are shifted by `off` for the library form. */
static Fact apply_tensor_op(Interp *in, TSNode node, const Transfer *t, Fact x, const Args *a,
                            int off) {
    in->call_transfer = true;
    int dim = t->dim_pos >= 0 ? arg_dim(in, a, t->dim_pos + off) : arg_dim(in, a, -1);
    bool keepdim = kw_truthy(in, a, "keepdim") || kw_truthy(in, a, "keepdims");
    switch (t->op) {
    case OP_LOG_SOFTMAX:
        return normalize(in, node, x, dim, true);
    case OP_SOFTMAX:
        return normalize(in, node, x, dim, false);
    case OP_LOGSUMEXP: {
        if (dim == FACT_NO_DIM) dim = -1;
        /* of a tensor of unknown rank, any axis but one counted from the end may be the
         * vocabulary (axis=1 of a [T, V] row): x - logsumexp(x) may be log-probs */
        bool vocab = fact_axis(&x, dim) == AX_VOCAB || (x.ndim < 0 && (dim == -1 || dim >= 0));
        Fact r = x;
        /* exp(x - logsumexp(x)) <= 1 whatever x holds: it bounds exp() like a max does */
        r.kinds = vocab ? FK_LOGZ : FK_NUM;
        if (keepdim)
            fact_replace_axis(&r, dim, AX_ONE);
        else
            fact_remove_axis(&r, dim);
        return r;
    }
    case OP_LOG: {
        if (x.kinds || x.obj == FO_NONE)
            interp_emit(in, EV_LOG, 0, node, x, fact_unknown(), AX_UNK);
        Fact r = x;
        if (x.kinds & FK_PROB)
            r.kinds = (uint16_t)((x.kinds & ~FK_PROB) | FK_LOGPROB);
        else if (x.flags & FF_SUMEXP)
            r.kinds = FK_LOGZ; /* log(sum(exp(x))) */
        else if (x.flags & FF_EXP)
            r.kinds = FK_RAW;
        r.flags &= ~(FF_EXP | FF_SUMEXP);
        return r;
    }
    case OP_EXP: {
        Fact r = x;
        if (x.kinds & FK_LOGPROB) {
            r.kinds = (uint16_t)((x.kinds & ~FK_LOGPROB) | FK_PROB);
            /* a sequence log-likelihood is unbounded below: its exp() may underflow to 0 */
            if (x.flags & FF_AGGREGATED) r.flags |= FF_EXP;
            /* log_softmax(u).exp() is softmax(u), with its underflow (LL103) */
            else if (!(x.flags & FF_WEAK) && x.kinds == FK_LOGPROB)
                r.flags |= FF_SOFTMAX;
        } else if (x.kinds & FK_RAW)
            r.kinds = FK_NUM, r.flags |= FF_EXP;
        else if (x.obj == FO_NONE && !(x.kinds & ~(FK_NUM | FK_MAXV)) &&
                 !(off == 1 && a->npos >= 1 && literal_numbers(in, a->pos[0], 0))) {
            /* exp of some number (a manual softmax's input): may overflow unless stabilised;
             * np.exp(np.linspace(-1, 0, 10)) of numbers written in the code cannot */
            r.kinds = FK_NUM;
            r.flags |= FF_EXP;
            if (ts_node_is_null(r.origin)) r.origin = node;
        }
        return r;
    }
    case OP_MEAN:
        /* x.masked_fill(~keep, nan).nanmean(): the masked positions are skipped, not counted */
        if (t->name[0] == 'n' && (x.flags & FF_MASKED)) x.flags &= ~FF_PADDED;
        return reduce(in, node, x, dim, keepdim, t->op);
    case OP_SUM:
    case OP_PROD:
    case OP_CUMSUM:
    case OP_CUMPROD:
        return reduce(in, node, x, dim, keepdim, t->op);
    case OP_LOGADDEXP: { /* log(exp(a) + exp(b)) */
        Fact b = arg_fact(in, a, "other", off);
        if (off == 1) x = a->npos >= 1 ? a->posf[0] : fact_unknown();
        Fact r = (b.kinds & FK_LOGZ) && !(x.kinds & FK_LOGZ) ? b : x;
        if ((x.kinds | b.kinds) & FK_LOGZ) /* of two chunks' normalisers: the whole one */
            r.kinds = FK_LOGZ;
        else if (x.kinds != FK_LOGPROB || b.kinds != FK_LOGPROB) /* log-probs of a union stay */
            r = fact_of(FK_NUM, 0, node);
        return r;
    }
    case OP_MIN:
    case OP_MAX: {
        if (x.obj == FO_TUPLE && x.op == -1) { /* min of (loss, choice) records: by the loss */
            interp_emit(in, EV_RANK, 0, node, x, fact_unknown(), AX_UNK);
            x.op = 0;
            return x;
        }
        bool vocab = dim != FACT_NO_DIM && fact_axis(&x, dim) == AX_VOCAB;
        if (!vocab && (x.kinds & (FK_SCORES | FK_LOSS | FK_NUM)))
            interp_emit(in, EV_RANK, 0, node, x, fact_unknown(), AX_UNK);
        if (off == 1) rank_key(in, a, node);
        Fact r = x;
        if (t->op == OP_MIN) /* a minimum: x - min(x) >= 0, exp() of it is unbounded */
            r.kinds = vocab ? FK_NUM : (uint16_t)(r.kinds & ~FK_MAXV);
        else if (vocab)
            r.kinds = FK_MAXV;
        else if (x.obj == FO_NONE && !(x.kinds & (FK_IDS | FK_MASK | FK_INDEX | FK_LOSS)))
            r.kinds |= FK_MAXV;
        if (dim == FACT_NO_DIM)
            r.ndim = 0;
        else if (keepdim)
            fact_replace_axis(&r, dim, AX_ONE);
        else
            fact_remove_axis(&r, dim);
        return r;
    }
    case OP_ARGMAX: {
        bool vocab = dim != FACT_NO_DIM && fact_axis(&x, dim) == AX_VOCAB;
        if (!vocab && (x.kinds & (FK_SCORES | FK_LOSS | FK_NUM)))
            interp_emit(in, EV_RANK, 0, node, x, fact_unknown(), AX_UNK);
        Fact r = fact_of(vocab ? FK_IDS : FK_INDEX, 0, node);
        if (dim == FACT_NO_DIM) r.ndim = 0;
        return r;
    }
    case OP_TOPK:
    case OP_SORT: {
        Fact e[2] = {x, fact_of(FK_IDS, 0, node)};
        if (fact_axis(&x, dim == FACT_NO_DIM ? -1 : dim) != AX_VOCAB) {
            e[1] = fact_of(FK_INDEX, 0, node);
            interp_emit(in, EV_RANK, 0, node, x, fact_unknown(), AX_UNK);
        }
        Fact r = fact_object(FO_TUPLE, 0, node);
        r.elems = arena_alloc(in->arena, sizeof e);
        memcpy(r.elems, e, sizeof e);
        r.nelems = 2;
        return r;
    }
    case OP_GATHER:
    case OP_TAKE_ALONG:
    case OP_INDEX_SELECT:
        return select_at(in, node, x, dim, arg_fact(in, a, "index", t->idx_pos + off));
    case OP_SQUEEZE:
        return squeeze(x, dim);
    case OP_UNSQUEEZE:
        if (dim != FACT_NO_DIM) fact_insert_axis(&x, dim, AX_ONE);
        return x;
    case OP_RESHAPE: {
        AxisKind last = x.ndim >= 1 ? (AxisKind)x.ax[x.ndim - 1] : (AxisKind)x.ax_last;
        bool rows = merges_rows(in, x, a, off, !strcmp(t->name, "flatten"));
        x.ndim = -1;
        x.ax_last = a->npos - off >= 2 ? last : AX_UNK;
        /* logits.view(-1, V), flatten(0, 1): every position of every sequence as a row */
        if (rows) fact_set_axes(&x, 2, (AxisKind[]){AX_POS, AX_VOCAB});
        return x;
    }
    case OP_TRANSPOSE:
        return transpose(in, x, a, off, !strcmp(t->name, "permute"));
    case OP_EINSUM:
        return off == 1 ? einsum(in, a) : fact_unknown();
    case OP_FULL:
        return off == 1 ? filled_batch(in, a, node) : fact_unknown();
    case OP_KERAS_CE: /* keras: (y_true, y_pred), logits only with from_logits=True */
        if (off != 1 || a->npos < 2 || !kw_truthy(in, a, "from_logits")) return fact_unknown();
        return apply_loss(in, node, a->posf[1], a->posf[0], false, true);
    case OP_KERAS_CE_CLASS: {
        if (!kw_truthy(in, a, "from_logits")) return fact_unknown();
        Fact c = fact_object(FO_CALLABLE, 0, node);
        c.op = OP_KERAS_CE_CLASS;
        return c;
    }
    case OP_COSINE: /* in [-1, 1]: exp(cos / T) of it cannot overflow, as after a max */
        return fact_of(FK_NUM, FF_STABLE, node);
    case OP_NARROW: { /* x.narrow(dim, start, length): x[..., start:start + length] */
        TSNode sn = arg_node(in, a, "start", NULL, off + 1);
        AxisKind k = fact_axis(&x, dim);
        if (x.ndim < 0 && (x.kinds & (FK_IDS | FK_MASK)) && (dim == -1 || dim == 1)) k = AX_POS;
        Fact r = x;
        if ((k == AX_POS || k == AX_STEP) && !ts_node_is_null(sn)) {
            align_from(in, &r, &x, sn);
            long v;
            if (!(interp_int_literal(in, sn, &v) && v >= 0 && v <= 1)) r.flags |= FF_SLICED;
        } else if (k != AX_BATCH && k != AX_VOCAB) {
            align_clear(&r);
        }
        return r;
    }
    case OP_PASS:
        /* torch.tensor([ctx_enc + cont_enc]): a join of two unknowns is text, unless it is made
         * a tensor: then two lists of token ids */
        if (off == 1 && x.obj == FO_NONE && !x.kinds && (x.flags & FF_JOINED) &&
            (!strcmp(t->name, "tensor") || !strcmp(t->name, "as_tensor") ||
             !strcmp(t->name, "array") || !strcmp(t->name, "asarray"))) {
            bool row = parse_is(parse_unparen(a->pos[0]), "list");
            Fact ids = row ? tensor(FK_IDS, FF_JOINED, node, 2, (AxisKind[]){AX_BATCH, AX_POS})
                           : tensor(FK_IDS, FF_JOINED, node, 1, (AxisKind[]){AX_POS});
            if (align_known(&x)) {
                ids.head = x.head;
                ids.tail = x.tail;
            } else {
                align_fresh(&ids, node);
            }
            return ids;
        }
        return x;
    case OP_ITEM:
        x.ndim = 0;
        return x;
    case OP_STACK:
    case OP_CAT: {
        Fact r = stack_or_cat(in, x, dim, t->op == OP_CAT);
        if (t->op == OP_CAT && off == 1 && a->npos >= 1) cat_positions(in, &r, a->pos[0], dim);
        return r;
    }
    case OP_WHERE: {
        Fact cond = arg_fact(in, a, "condition", 0); /* x.where(cond, other) */
        Fact b = arg_fact(in, a, "other", 1);
        Fact r = x.bottom ? b : fact_join(in->arena, x, b.bottom ? fact_bottom() : b);
        if (off == 1) { /* torch.where(cond, a, b) */
            cond = a->npos > 0 ? a->posf[0] : fact_unknown();
            r = fact_join(in->arena, a->npos > 1 ? a->posf[1] : fact_bottom(),
                          a->npos > 2 ? a->posf[2] : fact_bottom());
            if (r.bottom) r = fact_unknown();
        }
        if (cond.kinds & FK_MASK) r.flags |= FF_MASKED;
        return r;
    }
    case OP_MASKED_FILL:
        x.flags |= FF_MASKED;
        return x;
    case OP_MUL: {
        Fact o = arg_fact(in, a, NULL, off);
        if (o.kinds & FK_MASK) x.flags |= FF_MASKED;
        return x;
    }
    case OP_DIV: /* x.div(y), torch.div(x, y), np.divide(x, y): x / y */
        return interp_binop(in, node, '/', x, arg_fact(in, a, NULL, off));
    case OP_SUB: /* x.sub_(logsumexp(x)): x - y */
        return interp_binop(in, node, '-', x, arg_fact(in, a, NULL, off));
    case OP_COMPARE:
        if (x.kinds & (FK_IDS | FK_MASK)) {
            x.kinds = FK_MASK;
            return x;
        }
        return fact_unknown();
    case OP_CROSS_ENTROPY:
    case OP_NLL_LOSS: {
        /* F.cross_entropy(input=x, target=y), tf's (labels=y, logits=x) */
        if (off == 1 && kw_index(in, a, "input") >= 0) x = arg_fact(in, a, "input", -1);
        if (off == 1 && kw_index(in, a, "logits") >= 0) x = arg_fact(in, a, "logits", -1);
        Fact y = arg_fact(in, a, "target", off);
        if (y.bottom) y = arg_fact(in, a, "labels", off);
        if (kw_index(in, a, "ignore_index") >= 0) y.flags |= FF_MASKED; /* ignore_index=pad_id */
        return apply_loss(in, node, x, y, t->op == OP_NLL_LOSS, reduction_none(in, a));
    }
    case OP_CROSS_ENTROPY_CLASS:
    case OP_NLL_LOSS_CLASS:
    case OP_LOG_SOFTMAX_CLASS:
    case OP_SOFTMAX_CLASS: {
        Fact c = fact_object(FO_CALLABLE, reduction_none(in, a) ? FF_PERTOKEN : 0, node);
        if (kw_index(in, a, "ignore_index") >= 0) c.flags |= FF_MASKED;
        c.op = (int8_t)t->op;
        c.op_dim = (int8_t)arg_dim(in, a, 0);
        return c;
    }
    case OP_SIGMOID: {
        Fact r = x;
        r.kinds = FK_PROB;
        return r;
    }
    case OP_LOGSIGMOID: {
        Fact r = x;
        r.kinds = FK_LOGPROB;
        return r;
    }
    case OP_ARANGE: {
        Fact r = tensor(FK_INDEX, 0, node, 1, (AxisKind[]){AX_POS});
        r.head = align_node_pos(node, 'C');
        /* its first element, when known: arange(n) starts at 0 (an index from there picks
         * positions as x[s:] does, facts_align.c) */
        int n = a->npos; /* torch.arange(end) or (start, end[, step]); no receiver among them */
        Fact start = n >= 2 ? a->posf[0] : fact_unknown();
        if (n == 1 && kw_index(in, a, "start") < 0) {
            r.flags |= FF_CONST;
            r.num = 0;
        } else if (n >= 2 && (start.flags & FF_CONST)) {
            r.flags |= FF_CONST;
            r.num = start.num;
        }
        return r;
    }
    case OP_ROLL: { /* roll(ids, -1, dims=1): element t is token t + 1; the last wraps */
        TSNode sn = arg_node(in, a, "shifts", NULL, off);
        long shift;
        Fact r = x;
        align_clear(&r);
        if (!ts_node_is_null(sn) && interp_int_literal(in, sn, &shift)) {
            TSNode dn = arg_node(in, a, "dims", NULL, off + 1);
            long d = x.ndim == 1 ? 0 : 99;
            if (!ts_node_is_null(dn) && !interp_int_literal(in, dn, &d)) d = 99;
            AxisKind k =
                x.ndim == 1 && ts_node_is_null(dn) ? (AxisKind)x.ax[0] : fact_axis(&x, (int)d);
            if (x.ndim < 0 && (x.kinds & (FK_IDS | FK_MASK)) && (d == -1 || d == 1))
                k = AX_POS; /* [B, T] */
            if (d != 99 && (k == AX_POS || k == AX_STEP)) r.head = align_shift(x.head, (int)-shift);
        }
        return r;
    }
    case OP_PAD_TENSOR: { /* pad_sequence(xs): a padded batch (F.pad / np.pad may pad by 0) */
        Fact r = calls_iterate(in, off == 1 && a->npos >= 1 ? a->posf[0] : x);
        if (r.obj != FO_NONE) return fact_unknown();
        /* what it pads is each element's first axis: a sequence's positions */
        if (r.ndim < 0)
            fact_set_axes(&r, r.ax_last == AX_UNK ? 1 : 2, (AxisKind[]){AX_POS, r.ax_last});
        else if (r.ndim >= 1 && r.ax[0] == AX_UNK)
            r.ax[0] = AX_POS;
        fact_insert_axis(&r, kw_truthy(in, a, "batch_first") ? 0 : 1, AX_BATCH);
        /* padding_value=-100: labels whose pads the loss ignores */
        Fact fill = arg_fact(in, a, "padding_value", -1);
        bool ignored = (fill.flags & FF_CONST) && fill.num < 0;
        r.flags = (r.flags & ~(FF_LOOPVAR | FF_STEPVAR)) | (ignored ? FF_MASKED : FF_PADDED);
        r.tail = (FactPos){0, 0, false};
        return r;
    }
    case OP_SIZE:
        return labels_size(x, dim, !strcmp(t->name, "numel"), node);
    default:
        return fact_unknown();
    }
}

/* A tokenizer's padded batch (tokenizer.pad, a data collator): input_ids, attention_mask. A
 * collator's (labels_masked) also has labels, -100 at the pads. */
static Fact padded_batch(TSNode node, bool labels_masked) {
    Fact e = fact_object(FO_ENCODING, FF_PADDED | (labels_masked ? FF_MASKED : 0), node);
    align_fresh(&e, node);
    return e;
}

/* A FO_CALLABLE applied to its arguments: nn.LogSoftmax(dim=-1)(x), nn.CrossEntropyLoss()(x, y). */
static Fact apply_callable(Interp *in, TSNode node, Fact c, const Args *a) {
    Fact x = a->npos > 0 ? a->posf[0] : fact_unknown();
    switch ((Op)c.op) {
    case OP_LOG_SOFTMAX_CLASS:
        return normalize(in, node, x, c.op_dim, true);
    case OP_SOFTMAX_CLASS:
        return normalize(in, node, x, c.op_dim, false);
    case OP_COLLATOR:
        return padded_batch(node, true);
    case OP_KERAS_CE_CLASS: /* SparseCategoricalCrossentropy(from_logits=True)(y, logits) */
        return a->npos >= 2 ? apply_loss(in, node, a->posf[1], a->posf[0], false, false)
                            : fact_unknown();
    case OP_CROSS_ENTROPY_CLASS:
    case OP_NLL_LOSS_CLASS: {
        Fact y = a->npos > 1 ? a->posf[1] : fact_unknown();
        y.flags |= c.flags & FF_MASKED; /* CrossEntropyLoss(ignore_index=pad_id) */
        return apply_loss(in, node, x, y, c.op == OP_NLL_LOSS_CLASS, (c.flags & FF_PERTOKEN) != 0);
    }
    default:
        return fact_unknown();
    }
}

/* The operator a fold applies: operator.mul / operator.add, or lambda a, b: a * b (a + b). */
static char fold_operator(Interp *in, TSNode fn, Fact f) {
    if (f.obj == FO_MODULE && f.qual) {
        if (!strcmp(f.qual, "operator.mul") || !strcmp(f.qual, "operator.imul")) return '*';
        if (!strcmp(f.qual, "operator.add") || !strcmp(f.qual, "operator.iadd")) return '+';
        return 0;
    }
    TSNode body = parse_is(fn, "lambda") ? parse_unparen(parse_field(fn, "body")) : (TSNode){0};
    if (!parse_is(body, "binary_operator")) return 0;
    TSNode op = parse_field(body, "operator");
    return parse_text_eq(in->src, op, "*") ? '*' : parse_text_eq(in->src, op, "+") ? '+' : 0;
}

/* A pad width (F.pad's pad, np.pad's pad_width) with an amount that is no literal. */
static bool pad_width_varies(Interp *in, TSNode width) {
    width = parse_unparen(width);
    if (ts_node_is_null(width)) return false;
    if (!parse_is(width, "tuple") && !parse_is(width, "list")) return !parse_is(width, "integer");
    uint32_t n = ts_node_named_child_count(width);
    for (uint32_t i = 0; i < n; i++) {
        long v;
        TSNode e = ts_node_named_child(width, i);
        if (parse_is(e, "tuple") || parse_is(e, "list") ? pad_width_varies(in, e)
                                                        : !interp_int_literal(in, e, &v))
            return true;
    }
    return false;
}

/* Builtins, tokenizers, models: calls that are not tensor arithmetic. */
static Fact apply_other_op(Interp *in, TSNode node, const Transfer *t, Fact recv, const Args *a,
                           const char *qual) {
    in->call_transfer = true;
    switch (t->op) {
    case OP_FROM_PRETRAINED:
        return from_pretrained(qual ? qual : "", node);
    case OP_PARTIAL: { /* functools.partial(F.nll_loss, reduction="sum"): F.nll_loss itself */
        Fact f = a->npos ? a->posf[0] : fact_unknown();
        bool callable = f.obj == FO_MODULE || f.obj == FO_CALLABLE || f.obj == FO_FUNC;
        return qual && !strcmp(qual, "functools.partial") && callable ? f : fact_unknown();
    }
    case OP_SEQUENTIAL: { /* nn.Sequential(..., nn.Softmax(-1)): what its last module does */
        Fact last = a->npos ? a->posf[a->npos - 1] : fact_unknown();
        return last.obj == FO_CALLABLE && !a->splatted ? last : fact_unknown();
    }
    case OP_FOLD: { /* functools.reduce(operator.mul, ps) is math.prod(ps); add, sum(xs) */
        /* np.multiply.reduce(x, axis) is np.prod(x, axis); add: sum, maximum: max */
        static const char *const ufuncs[][2] = {
            {"multiply.reduce", "prod"}, {"add.reduce", "sum"}, {"maximum.reduce", "max"}};
        for (size_t u = 0; qual && numeric_root(qual) && u < 3; u++) {
            size_t ql = strlen(qual), ul = strlen(ufuncs[u][0]);
            if (ql > ul && qual[ql - ul - 1] == '.' && !strcmp(qual + ql - ul, ufuncs[u][0]))
                return apply_tensor_op(
                    in, node, find_transfer(TENSOR_OPS, ufuncs[u][1], strlen(ufuncs[u][1])),
                    a->npos ? a->posf[0] : fact_unknown(), a, 1);
        }
        if (!qual || strcmp(qual, "functools.reduce") != 0 || a->npos < 2) return fact_unknown();
        char op = fold_operator(in, a->pos[0], a->posf[0]);
        if (!op) return fact_unknown();
        return reduce(in, node, a->posf[1], FACT_NO_DIM, false, op == '*' ? OP_PROD : OP_SUM);
    }
    case OP_DISTRIBUTION: { /* Categorical(probs=None, logits=None) */
        Fact d = arg_fact(in, a, "logits", -1);
        if (d.bottom) d = arg_fact(in, a, "probs", 0);
        if (d.bottom || d.obj != FO_NONE) d = fact_unknown();
        d.kinds = FK_LOGPROB;
        d.flags &= ~(FF_SOFTMAX | FF_EXP | FF_WEAK);
        d.obj = FO_DISTRIBUTION;
        d.origin = node;
        return d;
    }
    case OP_GENERATE: {
        /* several sequences (a padded batch of prompts, num_return_sequences > 1) end at
         * different steps: the finished ones are padded up to the longest */
        unsigned padded = a->has_splat ? a->splat.flags & FF_PADDED : 0;
        for (int i = 0; i < a->npos; i++)
            padded |= a->posf[i].flags & FF_PADDED;
        int ki = kw_index(in, a, "input_ids");
        if (ki >= 0) padded |= a->kwf[ki].flags & FF_PADDED;
        TSNode nrs = arg_node(in, a, "num_return_sequences", NULL, -1);
        long k;
        if (!ts_node_is_null(nrs) && !(interp_int_literal(in, nrs, &k) && k <= 1))
            padded = FF_PADDED;
        Fact g;
        if (!kw_truthy(in, a, "return_dict_in_generate"))
            g = tensor(FK_IDS, padded, node, 2, (AxisKind[]){AX_BATCH, AX_POS});
        else
            /* renormalize_logits=True log-softmaxes the scores, as a beam search does */
            g = fact_object(FO_OUTPUT,
                            FF_GENERATE | padded | (recv.flags & FF_SEQ2SEQ) | beam_search(in, a) |
                                (kw_truthy(in, a, "renormalize_logits") ? FF_BEAM : 0),
                            node);
        align_fresh(&g, node); /* the sequences; .scores end where they end (calls_attribute) */
        return g;
    }
    case OP_TRANSITION_SCORES: {
        /* compute_transition_scores(sequences, scores, beam_indices=None, normalize_logits=False):
         * log-probs when normalised, or when the scores are a beam search's (already
         * log-softmaxed; beam_indices says so) */
        TSNode norm = arg_node(in, a, "normalize_logits", NULL, 3);
        TSNode beam = arg_node(in, a, "beam_indices", NULL, 2);
        bool normalized = !ts_node_is_null(norm) && !parse_is(parse_unparen(norm), "false");
        bool beam_search = !ts_node_is_null(beam) && !parse_is(parse_unparen(beam), "none");
        Fact scores = arg_fact(in, a, "scores", 1);
        unsigned kinds = normalized || beam_search ? FK_LOGPROB : FK_RAW;
        if (!normalized && !scores.bottom && (scores.kinds & FK_LOGPROB))
            kinds = scores.kinds & FK_SCORES;
        return tensor(kinds, FF_SELECTED | FF_STEPWISE, node, 2, (AxisKind[]){AX_BATCH, AX_POS});
    }
    case OP_CHAT_TEMPLATE: { /* the turns of a chat (a prompt and its answer) as one text */
        if (kw_index(in, a, "tokenize") >= 0 && !kw_truthy(in, a, "tokenize"))
            return fact_unknown(); /* tokenize=False: a string */
        Fact ids = kw_index(in, a, "return_tensors") >= 0
                       ? tensor(FK_IDS, FF_JOINED, node, 2, (AxisKind[]){AX_BATCH, AX_POS})
                       : tensor(FK_IDS, FF_JOINED, node, 1, (AxisKind[]){AX_POS});
        align_fresh(&ids, node);
        return ids;
    }
    case OP_ENCODE: {
        unsigned joined = a->npos >= 1 ? a->posf[0].flags & FF_JOINED : 0;
        Fact ids;
        if (kw_string_is(in, a, "return_tensors", "pt") ||
            kw_string_is(in, a, "return_tensors", "np"))
            ids = tensor(FK_IDS, joined, node, 2, (AxisKind[]){AX_BATCH, AX_POS});
        else if (!strcmp(t->name, "batch_encode_plus") || !strcmp(t->name, "encode_plus"))
            return encoding(in, a, node);
        else
            ids = tensor(FK_IDS, joined, node, 1, (AxisKind[]){AX_POS});
        align_fresh(&ids, node);
        return ids;
    }
    case OP_PAD: {
        /* np.pad / F.pad: an array padded (maybe by 0), not a tokenizer's batch */
        if (qual && numeric_root(qual)) { /* padded at the front, its positions move */
            Fact r = a->npos ? a->posf[0] : fact_unknown();
            align_clear(&r);
            /* F.pad(s, (0, L - len(s))): padded to a length it did not have, a batch's pads;
             * a literal width ((1, 0)) only moves positions */
            if (pad_width_varies(in, arg_node(in, a, "pad", "pad_width", 1))) r.flags |= FF_PADDED;
            return r;
        }
        return padded_batch(node, false);
    }
    case OP_LLAMA_CPP: /* llama_cpp.Llama(...): a model; llm.scores holds its logits rows */
        return qual && !strncmp(qual, "llama_cpp.", 10) ? fact_object(FO_MODEL, 0, node)
                                                        : fact_unknown();
    case OP_TIKTOKEN: /* tiktoken.get_encoding("gpt2"): encode() gives token ids */
        return qual && !strncmp(qual, "tiktoken.", 9) ? fact_object(FO_TOKENIZER, 0, node)
                                                      : fact_unknown();
    case OP_COLLATOR: { /* DataCollatorWithPadding(tok): calling it pads, as tokenizer.pad */
        /* DataCollatorForLanguageModeling masks tokens for a masked LM unless mlm=False */
        int mlm = kw_index(in, a, "mlm");
        if (!strcmp(t->name, "DataCollatorForLanguageModeling") &&
            (mlm < 0 || !parse_is(parse_unparen(a->kw_val[mlm]), "false")))
            return fact_unknown();
        Fact c = fact_object(FO_CALLABLE, 0, node);
        c.op = OP_COLLATOR;
        return c;
    }
    case OP_DATALOADER: { /* DataLoader(ds, collate_fn=f): iterating it yields what f returns */
        Fact f = arg_fact(in, a, "collate_fn", -1);
        Fact batch = fact_unknown();
        if (f.obj == FO_CALLABLE && f.op == OP_COLLATOR)
            batch = padded_batch(node, true);
        else if (f.obj == FO_FUNC) { /* it is called with a list of the dataset's items */
            Args items = {.npos = 1, .nplain = 1};
            items.posf[0] = fact_unknown();
            fact_set_axes(&items.posf[0], 1, (AxisKind[]){AX_ITEM});
            batch = interp_call_user(in, f.def, (TSNode){0}, &items, NULL);
        }
        bool records = batch.obj == FO_ENCODING || batch.obj == FO_TUPLE || batch.obj == FO_DICT ||
                       batch.obj == FO_INSTANCE;
        if (!records) return fact_unknown();
        batch.op = -1;
        return batch;
    }
    case OP_LEN: { /* len(ids): its length; len(list of candidates) is no token count */
        Fact x = a->npos ? a->posf[0] : fact_unknown();
        AxisKind k = x.ndim >= 1 ? (AxisKind)x.ax[0] : AX_UNK;
        return labels_count(x, k == AX_ITEM || k == AX_STEP ? AX_ITEM : AX_POS, node);
    }
    case OP_RANGE: {
        if (qual && numeric_root(qual) && strncmp(qual, "builtins.", 9) != 0) /* tf.range */
            return apply_tensor_op(in, node, find_transfer(TENSOR_OPS, "arange", 6), fact_unknown(),
                                   a, 1);
        Fact r = tensor(FK_INDEX, 0, node, 1, (AxisKind[]){AX_POS});
        r.head = align_node_pos(node, 'C'); /* its elements: a counter of their own */
        /* range(ctx_len - 1, end): positions restricted as x[ctx_len - 1:end] restricts them
         * (0 and 1 only start at the first token, or after the causal shift) */
        long start;
        if (a->npos >= 2 &&
            !(interp_int_literal(in, a->pos[0], &start) && start >= 0 && start <= 1))
            r.flags |= FF_SLICED;
        return r;
    }
    case OP_ENUMERATE: {
        Fact seq = a->npos ? a->posf[0] : fact_unknown();
        Fact e[2] = {fact_of(FK_INDEX, FF_LOOPVAR, node), calls_iterate(in, seq)};
        e[0].ndim = 0;
        /* the counter is the element's position in the sequence (facts_align.c) */
        FactPos counter = align_node_pos(node, 'C');
        long start = 0;
        TSNode sn = arg_node(in, a, "start", NULL, 1);
        if (!ts_node_is_null(sn) && !interp_int_literal(in, sn, &start)) counter.sym = 0;
        e[0].head = align_shift(counter, (int)start);
        iter_position(&e[1], &seq, counter.sym);
        return iter_of(in, e, 2, node);
    }
    case OP_LIST: /* list(xs), tuple(xs): the same elements */
        return a->npos == 1 && !a->splatted ? a->posf[0] : fact_unknown();
    case OP_MAP: { /* map(math.exp, xs), map(f, xs): f applied to an element, for each */
        if (a->npos != 2) return fact_unknown();
        Fact f = a->posf[0], e = calls_iterate(in, a->posf[1]), r = fact_unknown();
        Args one = {.npos = 1, .nplain = 1};
        one.posf[0] = e;
        size_t nlen;
        const char *name = f.obj == FO_MODULE ? last_component(f.qual, &nlen) : NULL;
        const Transfer *t =
            name && numeric_root(f.qual) ? find_transfer(TENSOR_OPS, name, nlen) : NULL;
        if (t)
            r = apply_tensor_op(in, node, t, e, &one, 1);
        else if (f.obj == FO_FUNC)
            r = interp_call_user(in, f.def, (TSNode){0}, &one, NULL);
        return r.kinds || r.flags ? interp_list_of(r, node) : fact_unknown();
    }
    case OP_ZIP: {
        Fact e[MAX_ARGS];
        uint32_t counter = align_node_pos(node, 'C').sym;
        for (int i = 0; i < a->npos; i++) {
            e[i] = calls_iterate(in, a->posf[i]);
            iter_position(&e[i], &a->posf[i], counter);
        }
        return iter_of(in, e, a->npos, node);
    }
    case OP_SORTED: {
        Fact x = a->npos ? a->posf[0] : fact_unknown();
        interp_emit(in, EV_RANK, 0, node, x, fact_unknown(), AX_UNK);
        rank_key(in, a, node);
        return x;
    }
    default:
        return fact_unknown();
    }
}

/* lst.append(x): the list now may hold x; appending one position's value per loop pass
 * builds a list over positions. */
static void append_to(Interp *in, TSNode receiver, Fact list, Fact x, bool extend) {
    if (!parse_is(receiver, "identifier") && !parse_is(receiver, "attribute")) return;
    Fact elem = x;
    if (extend) {
        elem = calls_iterate(in, x);
    }
    Fact as_list = elem;
    if (elem.obj == FO_TUPLE || elem.obj == FO_DICT || elem.obj == FO_INSTANCE)
        as_list.op = -1; /* a list of such tuples, records or objects */
    if (elem.obj == FO_NONE && !elem.bottom) {
        as_list.flags &= ~(FF_STEPVAR | FF_LOOPVAR);
        fact_insert_axis(&as_list, 0, (elem.flags & FF_STEPVAR) ? AX_STEP : AX_ITEM);
        if (elem.ndim < 0 && (elem.flags & FF_STEPVAR)) as_list.ax_last = elem.ax_last;
    }
    bool empty = list.ndim == 1 && list.ax[0] == AX_ITEM && !list.kinds;
    bool was_list = list.ndim >= 1 && (list.ax[0] == AX_STEP || list.ax[0] == AX_ITEM);
    bool same_records = list.obj == as_list.obj && list.op == -1 && as_list.op == -1;
    Fact r = same_records           ? fact_join(in->arena, list, as_list)
             : (empty || !was_list) ? as_list
                                    : fact_join(in->arena, list, as_list);
    if (was_list && !empty && list.ax[0] != as_list.ax[0] && r.ndim >= 1) r.ax[0] = AX_STEP;
    if (in->frame->loop_depth > 0) r.flags |= FF_PREFIX; /* a context the loop grows */
    interp_bind(in, receiver, r);
}

static Fact eval_call(Interp *in, TSNode call);
static unsigned head_named(const char *name, size_t len);

bool calls_moves_device(const char *method, size_t len) {
    return (len == 2 && !memcmp(method, "to", 2)) || (len == 4 && !memcmp(method, "cuda", 4)) ||
           (len == 3 && !memcmp(method, "cpu", 3));
}

static bool name_is(const char *s, size_t len, const char *lit) {
    return strlen(lit) == len && memcmp(s, lit, len) == 0;
}

/* model.to(device), model.eval(), model.half(): nn.Module methods that return the module. */
static bool returns_module(const char *method, size_t len) {
    const Transfer *p = find_transfer(TENSOR_OPS, method, len);
    return (p && p->op == OP_PASS) || name_is(method, len, "eval") ||
           name_is(method, len, "train") || name_is(method, len, "requires_grad_");
}

/* A library function's tensor argument: softmax(model(x), -1) normalises the output's logits
 * whatever the model was fed; other functions see them only when it was fed token ids. */
static Fact output_operand(const Transfer *t, Fact arg) {
    bool normaliser = t->op == OP_SOFTMAX || t->op == OP_LOG_SOFTMAX;
    return normaliser ? calls_output_logits(arg) : calls_output_tensor(arg);
}

/* A categorical distribution's log_prob(value): normalised log-probs at the given tokens. */
static Fact distribution_method(TSNode call, Fact dist, const char *method, size_t len) {
    Fact r = dist;
    r.obj = FO_NONE;
    r.origin = call;
    if (len == 8 && !memcmp(method, "log_prob", 8)) {
        r.flags |= FF_SELECTED;
        fact_remove_axis(&r, -1);
        return r;
    }
    if (len == 6 && !memcmp(method, "sample", 6)) return fact_of(FK_IDS, 0, call);
    return fact_unknown();
}

/* A call we know nothing of still returns something derived from its arguments: if one of
 * them varies with the loop, so does the result (VOCAB.index(token) is token-dependent). */
Fact calls_eval(Interp *in, TSNode call) {
    unsigned saved = in->call_loopvar;
    bool saved_transfer = in->call_transfer;
    in->call_loopvar = 0;
    in->call_transfer = false;
    Fact r = eval_call(in, call);
    unsigned derived = in->call_loopvar;
    bool transfer = in->call_transfer;
    in->call_loopvar = saved;
    in->call_transfer = saved_transfer;
    if (!r.bottom && !r.kinds && r.obj == FO_NONE) r.flags |= derived & ~FF_PREFIX;
    /* model(ids) with ids grown by the loop's token (or cut at the loop's position): the
     * output of one autoregressive step */
    if (!r.bottom && !transfer && (derived & FF_PREFIX) && (r.kinds || r.obj == FO_OUTPUT))
        r.flags |= FF_STEPVAR;
    return r;
}

/* Does the class's text assign self.<name> anywhere (__init__, __post_init__, a method that
 * normalises it)? Then the constructor's argument is not what the field holds. A text search:
 * it may see assignments that are none, which only drops a field. */
static bool assigns_field(Interp *in, TSNode cls, const char *name, size_t len) {
    size_t tlen;
    const char *t = parse_text(in->src, cls, &tlen), *end = t + tlen;
    for (const char *p = t; (p = memchr(p, 's', (size_t)(end - p))); p++) {
        if ((size_t)(end - p) < 5 + len + 1 || memcmp(p, "self.", 5) || memcmp(p + 5, name, len))
            continue;
        const char *q = p + 5 + len;
        if (isalnum((unsigned char)*q) || *q == '_') continue;
        while (q < end && (*q == ' ' || *q == '\t'))
            q++;
        if (q + 1 < end && q[0] == '=' && q[1] != '=') return true;
        if (q + 2 < end && strchr("+-*/", q[0]) && q[1] == '=') return true;
    }
    return false;
}

/* An object of a class of this file, with the fields a dataclass-like constructor call gives
 * it: keywords by name, positional arguments in the order the class annotates its fields (a
 * field the class assigns itself is left out). */
static Fact instance_fields(Interp *in, TSNode cls, const Args *a, TSNode call) {
    Fact obj = fact_object(FO_INSTANCE, 0, call);
    obj.def = cls;
    int n = a->nkw + a->nplain;
    obj.elems = arena_alloc(in->arena, sizeof(Fact) * (size_t)(n ? n : 1));
    obj.keys = arena_alloc(in->arena, sizeof(char *) * (size_t)(n ? n : 1));
    for (int i = 0; i < a->nkw; i++) {
        size_t len;
        const char *name = parse_text(in->src, a->kw_name[i], &len);
        if (assigns_field(in, cls, name, len)) continue;
        obj.keys[obj.nelems] = arena_strndup(in->arena, name, len);
        obj.elems[obj.nelems++] = a->kwf[i];
    }
    ParseKids k; /* `logits: torch.Tensor` fields, in order */
    parse_kids_begin(&k, parse_field(cls, "body"));
    int field = 0;
    for (TSNode st; parse_kids_next(&k, &st) && field < a->nplain;) {
        TSNode as = parse_is(st, "expression_statement") ? ts_node_named_child(st, 0) : st;
        TSNode left = parse_field(as, "left");
        if (!parse_is(as, "assignment") || ts_node_is_null(parse_field(as, "type")) ||
            !parse_is(left, "identifier"))
            continue;
        size_t len;
        const char *name = parse_text(in->src, left, &len);
        Fact value = a->posf[field++];
        if (assigns_field(in, cls, name, len)) continue;
        obj.keys[obj.nelems] = arena_strndup(in->arena, name, len);
        obj.elems[obj.nelems++] = value;
    }
    parse_kids_end(&k);
    return obj;
}

/* obj(x) runs the class's forward (or __call__), obj.m(x) its method m, with self = obj. */
static Fact call_instance(Interp *in, TSNode call, Fact obj, const char *method, size_t len,
                          const Args *a) {
    TSNode m = interp_find_method(in, obj.def, method, len);
    if (ts_node_is_null(m) && len == 7 && !memcmp(method, "forward", 7))
        m = interp_find_method(in, obj.def, "__call__", 8);
    if (ts_node_is_null(m)) return fact_unknown();
    in->built_self = fact_unknown();
    Fact r = interp_call_user(in, m, parse_field(call, "arguments"), a, &obj);
    project_state_written(in, call); /* runner.run(x) set runner.cache */
    return r;
}

static Fact eval_call(Interp *in, TSNode call) {
    TSNode fn = parse_field(call, "function");
    Args a;
    if (parse_is(fn, "attribute") && !project_names_member(in, fn)) { /* utils.f(x): below */
        TSNode recv_node = parse_field(fn, "object");
        size_t mlen;
        const char *method = parse_text(in->src, parse_field(fn, "attribute"), &mlen);
        Fact recv;
        bool found;
        recv = interp_lookup_key(in, fn, &found);
        if (found && recv.obj != FO_MODULE) { /* self.fn = some_callable */
            read_args(in, parse_field(call, "arguments"), &a);
            if (recv.obj == FO_CALLABLE) return apply_callable(in, call, recv, &a);
            if (recv.obj == FO_MODEL) return model_output(in, recv, &a, call);
            if (recv.obj == FO_INSTANCE) /* self.scorer = Scorer(m) ... self.scorer(x) */
                return call_instance(in, call, recv, "forward", 7, &a);
            if (recv.obj == FO_FUNC)
                return interp_call_user(in, recv.def, parse_field(call, "arguments"), &a, NULL);
        }
        recv = interp_eval(in, recv_node);
        in->call_loopvar |= recv.flags & (FF_LOOPVAR | FF_STEPVAR);
        if (recv.kinds & FK_SCORES) in->call_loopvar |= FF_OPAQUE;
        if (recv.obj == FO_MODULE) {
            read_args(in, parse_field(call, "arguments"), &a);
            size_t ql = strlen(recv.qual);
            char *qual = arena_alloc(in->arena, ql + mlen + 2);
            sprintf(qual, "%s.%.*s", recv.qual, (int)mlen, method);
            Fact mod = fact_module(qual);
            /* fall through to the module call below */
            const char *name;
            size_t nlen;
            name = last_component(mod.qual, &nlen);
            const Transfer *t =
                numeric_root(mod.qual) ? find_transfer(TENSOR_OPS, name, nlen) : NULL;
            if (t)
                return apply_tensor_op(
                    in, call, t, a.npos ? output_operand(t, a.posf[0]) : fact_unknown(), &a, 1);
            t = find_transfer(OTHER_OPS, name, nlen);
            if (t) return apply_other_op(in, call, t, recv, &a, mod.qual);
            return fact_unknown();
        }
        if (mlen == 8 && !memcmp(method, "backward", 8)) {
            labels_backward(in, recv_node, recv);
            interp_cancel_aggregate(in, &recv); /* a sum taken for its gradient is no score */
        }
        if (labels_is_text_join(in, recv_node, method, mlen)) {
            read_args(in, parse_field(call, "arguments"), &a);
            Fact f = fact_unknown();
            f.flags = FF_JOINED;
            f.origin = call;
            return f;
        }
        if (mlen == 6 && !memcmp(method, "append", 6)) {
            read_args(in, parse_field(call, "arguments"), &a);
            append_to(in, recv_node, recv, a.npos ? a.posf[0] : fact_unknown(), false);
            return fact_unknown();
        }
        if (mlen == 6 && !memcmp(method, "extend", 6)) {
            read_args(in, parse_field(call, "arguments"), &a);
            append_to(in, recv_node, recv, a.npos ? a.posf[0] : fact_unknown(), true);
            return fact_unknown();
        }
        read_args(in, parse_field(call, "arguments"), &a);
        /* tokenizer(...).to("cuda"): the same batch, padding and all */
        if (recv.obj == FO_ENCODING && calls_moves_device(method, mlen)) return recv;
        if (recv.obj == FO_MODEL || (recv.obj == FO_NONE && !recv.kinds)) {
            const Transfer *t = find_transfer(OTHER_OPS, method, mlen);
            /* an object we know nothing of generates as Hugging Face's do when it is given
             * token ids; llm.generate(prompts, params) (vLLM) returns request outputs */
            bool fed_ids =
                recv.obj == FO_MODEL || kw_index(in, &a, "input_ids") >= 0 || a.has_splat ||
                (a.npos >= 1 && ((a.posf[0].kinds & FK_IDS) || a.posf[0].obj == FO_ENCODING));
            if (t && ((t->op == OP_GENERATE && fed_ids) || t->op == OP_TRANSITION_SCORES))
                return apply_other_op(in, call, t, recv, &a, NULL);
            if (recv.obj == FO_MODEL && ((mlen == 7 && !memcmp(method, "forward", 7)) ||
                                         (mlen == 8 && !memcmp(method, "__call__", 8))))
                return model_output(in, recv, &a, call);
            if (recv.obj == FO_MODEL && returns_module(method, mlen)) return recv;
        }
        if (recv.obj == FO_DISTRIBUTION) return distribution_method(call, recv, method, mlen);
        if (recv.obj == FO_TOKENIZER) {
            const Transfer *t = find_transfer(OTHER_OPS, method, mlen);
            if (t) return apply_other_op(in, call, t, recv, &a, NULL);
            return fact_unknown();
        }
        if (recv.obj == FO_OUTPUT && find_transfer(TENSOR_OPS, method, mlen))
            recv = calls_output_tensor(recv);
        /* d.get(k, default) on a dict known by its values ({tok: lp for ...}; no tensor has a
         * get method): one of the values */
        if (name_is(method, mlen, "get") && recv.obj == FO_NONE && recv.kinds)
            return calls_iterate(in, recv);
        /* h.softmax(-1), (h @ W).log_softmax(-1): whatever h is, only a tensor has these */
        bool normalises = name_is(method, mlen, "softmax") || name_is(method, mlen, "log_softmax");
        if (fact_is_tensorish(&recv) || recv.obj == FO_TUPLE ||
            (normalises && recv.obj == FO_NONE)) {
            const Transfer *t = find_transfer(TENSOR_OPS, method, mlen);
            if (t) {
                Fact r = apply_tensor_op(in, call, t, recv, &a, 0);
                /* x.masked_fill_(m, 0), x.log_(): torch's in-place form changes x itself */
                if (method[mlen - 1] == '_' &&
                    (parse_is(recv_node, "identifier") || parse_is(recv_node, "attribute")))
                    interp_bind(in, recv_node, r);
                return r;
            }
            if (mlen == 6 && !memcmp(method, "values", 6)) return recv;
            return fact_unknown();
        }
        if (recv.obj == FO_INSTANCE) {
            if (!ts_node_is_null(interp_find_method(in, recv.def, method, mlen))) {
                Fact r = call_instance(in, call, recv, method, mlen, &a);
                if (!project_told_nothing(in, &recv, &r)) return r;
            } else if (returns_module(method, mlen)) {
                return recv; /* Wrapper(lm).eval() */
            }
            recv = fact_unknown(); /* self.lm(x), set where we cannot see: as for any object */
        }
        /* obj.helper(...) where helper is a method of this file; lm.loglikelihood(...) on an
         * object that is a model by its name only may be an instance of the file's LM class */
        bool named_model = recv.obj == FO_MODEL && (recv.flags & FF_WEAK);
        if (recv.obj == FO_NONE || recv.obj == FO_OUTPUT || named_model) {
            FuncInfo *fi = funcs_find(in, method, mlen);
            Fact self = named_model ? fact_unknown() : recv;
            if (fi) return interp_call_user(in, fi->def, parse_field(call, "arguments"), &a, &self);
        }
        if (recv.obj == FO_NONE && !recv.kinds && looks_like_model_call(in, &a) &&
            ((mlen == 7 && !memcmp(method, "forward", 7)) || kw_index(in, &a, "input_ids") >= 0 ||
             kw_index(in, &a, "input_features") >= 0))
            /* self.student(input_ids=x): whatever the attribute is called */
            return model_output(in, fact_object(FO_MODEL, head_named(method, mlen), call), &a,
                                call);
        /* self.model(ids), self._lm(x): an attribute named like a model, called as a bare name
         * of that name would be (known only by its name unless fed token ids) */
        if (recv.obj == FO_NONE && !recv.kinds && a.npos + a.nkw + a.has_splat >= 1 &&
            calls_name_heuristic(call, method, mlen).obj == FO_MODEL) {
            Fact named = calls_name_heuristic(call, method, mlen);
            unsigned weak = looks_like_model_call(in, &a) ? 0 : FF_WEAK;
            return model_output(in, fact_object(FO_MODEL, (named.flags & FF_NOTLM) | weak, call),
                                &a, call);
        }
        /* self.tokenizer(texts, padding=True), self.tok(text, return_tensors="pt"): likewise,
         * an encoding */
        if (recv.obj == FO_NONE && !recv.kinds && a.npos + a.nkw >= 1 &&
            (calls_name_heuristic(call, method, mlen).obj == FO_TOKENIZER ||
             called_like_tokenizer(in, &a)))
            return encoding(in, &a, call);
        if (recv.obj == FO_NONE && !recv.kinds) { /* x.exp(), x.max() of a value of unknown kind */
            const Transfer *t = find_transfer(TENSOR_OPS, method, mlen);
            if (t && (t->op == OP_EXP || t->op == OP_MAX || t->op == OP_MIN))
                return apply_tensor_op(in, call, t, recv, &a, 0);
        }
        return fact_unknown();
    }

    Fact f = interp_eval(in, fn);
    if (f.obj == FO_FUNC) {
        /* Arguments are evaluated by the callee's parameter binding. */
        return interp_call_user(in, f.def, parse_field(call, "arguments"), NULL, NULL);
    }
    read_args(in, parse_field(call, "arguments"), &a);
    if (f.obj == FO_CLASS) { /* Scorer(lm): an object of that class, built by its __init__ */
        Fact obj = instance_fields(in, f.def, &a, call);
        static const char *const builders[] = {"__init__", "__post_init__"};
        for (int i = 0; i < 2; i++) {
            in->built_self = fact_unknown();
            call_instance(in, call, obj, builders[i], strlen(builders[i]), i == 0 ? &a : NULL);
            if (in->built_self.obj == FO_INSTANCE) obj = in->built_self;
        }
        return obj;
    }
    if (f.obj == FO_INSTANCE) return call_instance(in, call, f, "forward", 7, &a);
    switch ((FactObject)f.obj) {
    case FO_MODULE: {
        size_t nlen;
        const char *name = last_component(f.qual, &nlen);
        const Transfer *t = numeric_root(f.qual) ? find_transfer(TENSOR_OPS, name, nlen) : NULL;
        if (t)
            return apply_tensor_op(in, call, t,
                                   a.npos ? output_operand(t, a.posf[0]) : fact_unknown(), &a, 1);
        t = find_transfer(OTHER_OPS, name, nlen);
        if (t) return apply_other_op(in, call, t, fact_unknown(), &a, f.qual);
        return fact_unknown();
    }
    case FO_CALLABLE:
        return apply_callable(in, call, f, &a);
    case FO_MODEL:
        return model_output(in, f, &a, call);
    case FO_TOKENIZER:
        return encoding(in, &a, call);
    default:
        break;
    }
    if (!f.kinds && f.obj == FO_NONE && called_like_tokenizer(in, &a)) {
        if (parse_is(fn, "identifier")) interp_bind(in, fn, fact_object(FO_TOKENIZER, 0, fn));
        return encoding(in, &a, call);
    }
    if (!f.kinds && looks_like_model_call(in, &a)) { /* classifier(**enc), mlm(input_ids=x) */
        size_t nlen;
        const char *name = parse_text(in->src, fn, &nlen);
        unsigned head = parse_is(fn, "identifier") ? head_named(name, nlen) : 0;
        return model_output(in, fact_object(FO_MODEL, head, call), &a, call);
    }
    return fact_unknown();
}

/* ---------- attributes ---------- */

/* generate(output_scores=True).scores: a tuple with one [batch, vocab] tensor per step; a beam
 * search's are log-softmaxed (processed log-probs), a greedy or sampling search's are logits. */
static Fact stepwise_scores(TSNode origin, bool log_probs) {
    return tensor(log_probs ? FK_LOGPROB : FK_RAW, FF_STEPWISE, origin, 3,
                  (AxisKind[]){AX_STEP, AX_BATCH, AX_VOCAB});
}

/* A method decorated @property (or @cached_property): reading the attribute calls it. */
static bool is_property(Interp *in, TSNode def) {
    TSNode decorated = ts_node_is_null(def) ? def : ts_node_parent(def);
    return !ts_node_is_null(decorated) && parse_is(decorated, "decorated_definition") &&
           interp_decorated_with(in, decorated, "property");
}

/* `NAME = 1` in the body of a class of the file: the integer Cls.NAME and obj.NAME read (a dim
 * kept as a class constant). Other class-level values are not tracked. */
static bool class_int(Interp *in, TSNode cls, const char *name, size_t len, Fact *out) {
    TSNode body = parse_field(cls, "body");
    uint32_t n = ts_node_is_null(body) ? 0 : ts_node_named_child_count(body);
    bool found = false;
    for (uint32_t i = 0; i < n; i++) {
        TSNode st = ts_node_named_child(body, i);
        TSNode as = parse_is(st, "expression_statement") ? ts_node_named_child(st, 0) : st;
        if (!parse_is(as, "assignment")) continue;
        TSNode left = parse_field(as, "left"), right = parse_field(as, "right");
        size_t l;
        const char *t = parse_text(in->src, left, &l);
        long v;
        if (!parse_is(left, "identifier") || l != len || memcmp(t, name, len) != 0) continue;
        found = !ts_node_is_null(right) && interp_int_literal(in, right, &v) && v >= INT16_MIN &&
                v <= INT16_MAX; /* the last assignment counts */
        if (found) {
            *out = fact_of(FK_NUM, FF_CONST, right);
            out->ndim = 0;
            out->num = (int16_t)v;
        }
    }
    return found;
}

/* What an output's or encoding's tensor knows of its positions (facts_align.c). */
static Fact aligned_attr(Fact obj, Fact t, const char *attr, size_t len) {
    if (t.obj != FO_NONE || !t.kinds) return t;
    if (obj.obj == FO_OUTPUT) t.flags |= obj.flags & FF_STEPVAR; /* one step's output */
    if (obj.obj == FO_OUTPUT && (obj.flags & FF_GENERATE)) {
        /* .sequences: prompt + generated; .scores / .logits: one step per generated token,
         * step s predicting it, so they end where the sequences end and start after the prompt */
        if (!(len == 9 && !memcmp(attr, "sequences", 9))) {
            t.head = (FactPos){align_sym(obj.head.sym, 'P'), 0, true}; /* the last n positions */
            t.tail = obj.tail;
            return t;
        }
    } else if (obj.obj == FO_OUTPUT) {
        t.flags |= obj.flags & (FF_PADDED | FF_JOINED);
    }
    if (!(len == 4 && !memcmp(attr, "loss", 4))) {
        t.head = obj.head;
        t.tail = obj.tail;
    }
    return t;
}

static Fact calls_attribute_of(Interp *in, Fact obj, TSNode attr_node, const char *attr,
                               size_t len);

Fact calls_attribute(Interp *in, Fact obj, TSNode attr_node, const char *attr, size_t len) {
    if (project_is_module(&obj)) return project_member(in, obj, attr, len);
    Fact r = calls_attribute_of(in, obj, attr_node, attr, len);
    if (obj.obj == FO_OUTPUT || obj.obj == FO_ENCODING) r = aligned_attr(obj, r, attr, len);
    return r;
}

/* A model output used as a tensor (mlx and many others return the logits themselves):
 * its logits. */
Fact calls_output_tensor(Fact out) {
    return out.flags & FF_TOKENS_IN ? calls_output_logits(out) : out;
}

Fact calls_output_logits(Fact out) {
    if (out.obj != FO_OUTPUT || (out.flags & FF_GENERATE)) return out;
    Fact logits = (out.flags & FF_NOTLM) ? fact_of(FK_RAW, 0, out.origin)
                                         : logits_3d(out.flags & FF_SEQ2SEQ, out.origin);
    if (out.flags & FF_UNTYPED_IN) { /* fed no token ids: a layout nothing tells */
        logits.ndim = -1;
        logits.ax_last = AX_VOCAB;
    }
    logits.flags |=
        out.flags & FF_WEAK; /* a model known by its name only: a convention, no proof */
    return calls_output_part(out, logits);
}

Fact calls_output_part(Fact out, Fact part) {
    if (out.obj != FO_OUTPUT) return part;
    bool loss = part.kinds == FK_LOSS, seqs = (out.flags & FF_GENERATE) && part.kinds == FK_IDS;
    return aligned_attr(out, part,
                        loss   ? "loss"
                        : seqs ? "sequences"
                               : "logits",
                        loss   ? 4
                        : seqs ? 9
                               : 6);
}

static Fact calls_attribute_of(Interp *in, Fact obj, TSNode attr_node, const char *attr,
                               size_t len) {
    switch ((FactObject)obj.obj) {
    case FO_MODEL: /* llama.cpp's llm.scores: the raw logits of every position evaluated */
        if (name_is(attr, len, "scores")) {
            Fact r = fact_of(FK_RAW, 0, attr_node);
            fact_set_axes(&r, 2, (AxisKind[]){AX_POS, AX_VOCAB});
            return r;
        }
        return fact_unknown();
    case FO_MODULE: {
        size_t ql = strlen(obj.qual);
        char *q = arena_alloc(in->arena, ql + len + 2);
        sprintf(q, "%s.%.*s", obj.qual, (int)len, attr);
        return fact_module(q);
    }
    case FO_OUTPUT:
        if (name_is(attr, len, "logits") && (obj.flags & FF_NOTLM))
            return fact_of(FK_RAW, 0, attr_node);
        if (name_is(attr, len, "logits") && (obj.flags & FF_GENERATE))
            return stepwise_scores(attr_node, false);
        if (name_is(attr, len, "logits") && (obj.flags & FF_UNTYPED_IN)) {
            /* logits, but of a layout only a language model's token input would tell */
            Fact r = fact_of(FK_RAW, obj.flags & FF_SEQ2SEQ, attr_node);
            r.ax_last = AX_VOCAB;
            return r;
        }
        if (name_is(attr, len, "logits")) return logits_3d(obj.flags & FF_SEQ2SEQ, attr_node);
        if (name_is(attr, len, "scores"))
            return stepwise_scores(attr_node, (obj.flags & FF_BEAM) != 0);
        if (name_is(attr, len, "loss"))
            return fact_of(FK_LOSS, obj.flags & FF_LOSS_FLAGS, attr_node);
        if (name_is(attr, len, "sequences"))
            return tensor(FK_IDS, obj.flags & FF_PADDED, attr_node, 2,
                          (AxisKind[]){AX_BATCH, AX_POS});
        if (name_is(attr, len, "values")) return obj;
        if (len > 7 && !memcmp(attr + len - 7, "_logits", 7)) /* router_logits, start_logits */
            return fact_of(FK_RAW, 0, attr_node);             /* raw, over experts or spans */
        return fact_unknown();
    case FO_ENCODING: {
        bool one = obj.op == ENCODING_ONE_TEXT;
        AxisKind axes[2] = {one ? AX_POS : AX_BATCH, AX_POS};
        if (name_is(attr, len, "input_ids"))
            return tensor(FK_IDS, obj.flags & (FF_PADDED | FF_JOINED), attr_node, one ? 1 : 2,
                          axes);
        if (name_is(attr, len, "labels")) /* a collator's labels are -100 at the pads */
            return tensor(FK_IDS, obj.flags & (FF_PADDED | FF_JOINED | FF_MASKED), attr_node,
                          one ? 1 : 2, axes);
        if (name_is(attr, len, "attention_mask"))
            return tensor(FK_MASK, obj.flags & FF_PADDED, attr_node, one ? 1 : 2, axes);
        return fact_unknown();
    }
    case FO_TOKENIZER:
        if (len > 9 && !memcmp(attr + len - 9, "_token_id", 9)) {
            Fact f = fact_of(FK_IDS, 0, attr_node);
            f.ndim = 0;
            return f;
        }
        return fact_unknown();
    case FO_DISTRIBUTION: {
        Fact r = obj;
        r.obj = FO_NONE;
        r.origin = attr_node;
        if (name_is(attr, len, "logits")) return r;
        if (name_is(attr, len, "probs")) return r.kinds = FK_PROB, r;
        return fact_unknown();
    }
    case FO_TUPLE:
        if (name_is(attr, len, "values") && obj.nelems == 2) return obj.elems[0];
        if (name_is(attr, len, "indices") && obj.nelems == 2) return obj.elems[1];
        return fact_unknown();
    case FO_NONE:
        if (obj.kinds) {
            if (name_is(attr, len, "T") || name_is(attr, len, "mT")) {
                /* .T reverses every axis, .mT swaps the last two */
                bool all = name_is(attr, len, "T");
                if (obj.ndim >= 2) {
                    int lo = all ? 0 : obj.ndim - 2;
                    for (int i = lo, j = obj.ndim - 1; i < j; i++, j--) {
                        uint8_t t = obj.ax[i];
                        obj.ax[i] = obj.ax[j];
                        obj.ax[j] = t;
                    }
                    obj.ax_last = obj.ax[obj.ndim - 1];
                } else if (obj.ndim != 1) {
                    obj.ndim = -1;
                    obj.ax_last = AX_UNK;
                }
                return obj;
            }
            if (name_is(attr, len, "data")) return obj;
            if (name_is(attr, len, "shape")) return labels_shape(in, obj, attr_node);
            if (name_is(attr, len, "values") && (obj.kinds & FK_MAXV))
                return obj; /* x.max(dim).values */
            /* kinds from a name only (an API's top_logprobs): its items' fields are no tensor
             * attributes, their own names are the evidence */
            if (!(obj.flags & FF_WEAK)) return fact_unknown();
            break;
        }
        break;
    case FO_INSTANCE: { /* Holder(logits=x).logits: the field it was built with */
        const Fact *v = fact_field(&obj, attr, len);
        if (v) return *v;
        /* sample.total: a @property method runs on the object (looked for only when some
         * function of the file has that name: most attributes are no method) */
        TSNode m =
            funcs_find(in, attr, len) ? interp_find_method(in, obj.def, attr, len) : (TSNode){0};
        if (is_property(in, m)) return interp_call_user(in, m, (TSNode){0}, NULL, &obj);
        break; /* set elsewhere (by its methods): the name is the evidence left */
    }
    case FO_CLASS: { /* Config.VOCAB_DIM */
        Fact k;
        return class_int(in, obj.def, attr, len, &k) ? k : fact_unknown();
    }
    default:
        return fact_unknown();
    }
    /* An object we know nothing of: its attribute's name is the only evidence (one loop
     * step's object has one step's attributes). */
    Fact f = calls_name_heuristic(attr_node, attr, len);
    if (obj.obj == FO_NONE) f.flags |= obj.flags & (FF_LOOPVAR | FF_STEPVAR);
    if (name_is(attr, len, "logits")) f.flags &= ~FF_WEAK; /* the HF convention: out.logits */
    if (name_is(attr, len, "token_logprobs")) {
        /* the OpenAI completions API's choice.logprobs.token_logprobs: the log-prob of each
         * chosen token, one per position (an API's contract, as .logits is HF's) */
        f = fact_of(FK_LOGPROB, FF_SELECTED, attr_node);
        fact_set_axes(&f, 1, (AxisKind[]){AX_STEP});
    }
    return f;
}

/* ---------- iteration ---------- */

Fact calls_iterate(Interp *in, Fact it) {
    (void)in;
    if ((it.obj == FO_TUPLE || it.obj == FO_DICT || it.obj == FO_INSTANCE) && it.op == -1) {
        Fact t = it;
        t.op = 0;
        return t;
    }
    /* [tok(c) for c in cands] is kept as one of its encodings (interp_list_of), a loader's
     * batches as one batch: either way iterating gives an encoding (its keys are iterated
     * through enc.items(), not here) */
    if (it.obj == FO_ENCODING) {
        Fact t = it;
        if (t.op == -1) t.op = 0;
        return t;
    }
    if (it.obj == FO_TUPLE) {
        Fact j = fact_bottom();
        for (int i = 0; i < it.nelems; i++)
            j = fact_join(in->arena, j, it.elems[i]);
        return j.bottom ? fact_unknown() : j;
    }
    if (it.obj == FO_MODEL) return it;
    if (it.obj != FO_NONE) { /* for o in llm.generate(prompts): one step's object, unknown */
        Fact e = fact_unknown();
        e.flags = FF_LOOPVAR;
        return e;
    }
    if (!it.kinds) { /* an element of some sequence we do not know: one step of it */
        Fact e = fact_unknown();
        e.flags = FF_LOOPVAR | (it.flags & (FF_OPAQUE | FF_JOINED)); /* texts of prompt + c */
        return e;
    }
    Fact e = it;
    AxisKind lead = it.ndim >= 1 ? (AxisKind)it.ax[0] : AX_UNK;
    if (it.ndim >= 1)
        fact_remove_axis(&e, 0);
    else
        e.ndim = -1;
    if (lead == AX_POS || lead == AX_STEP)
        e.flags |= FF_LOOPVAR | ((it.kinds & FK_SCORES) ? FF_STEPVAR : 0);
    /* one position of it, which one unknown (enumerate / zip say: facts_align.c) */
    if (!(it.kinds & FK_INDEX) &&
        (lead == AX_POS || lead == AX_STEP || (lead == AX_UNK && (it.kinds & FK_IDS))))
        align_clear(&e);
    if ((it.kinds & (FK_IDS | FK_INDEX)) && (lead == AX_POS || lead == AX_UNK))
        e.flags |= FF_LOOPVAR;
    if (it.kinds & FK_INDEX) e.ndim = 0;
    return e;
}

/* ---------- names ---------- */

static bool ieq(const char *s, size_t len, const char *lit) {
    if (strlen(lit) != len) return false;
    for (size_t i = 0; i < len; i++)
        if (tolower((unsigned char)s[i]) != lit[i]) return false;
    return true;
}

static bool icontains(const char *s, size_t len, const char *lit) {
    size_t n = strlen(lit);
    for (size_t i = 0; i + n <= len; i++) {
        size_t k = 0;
        while (k < n && tolower((unsigned char)s[i + k]) == lit[k])
            k++;
        if (k == n) return true;
    }
    return false;
}

static bool iends(const char *s, size_t len, const char *lit) {
    size_t n = strlen(lit);
    return len >= n && ieq(s + len - n, n, lit);
}

/* A model (or callee) named for a head that is no causal LM's: a classifier's logits are no
 * [batch, seq, vocab], a masked LM's logits at t are about token t. */
static unsigned head_named(const char *name, size_t len) {
    if (icontains(name, len, "reward") || (len >= 3 && ieq(name, 3, "nli")) ||
        icontains(name, len, "_nli") || icontains(name, len, "classif") ||
        icontains(name, len, "sentiment") || icontains(name, len, "toxic") ||
        icontains(name, len, "entail") || icontains(name, len, "critic") ||
        icontains(name, len, "value_") || icontains(name, len, "discrim") ||
        ieq(name, len, "clf") || iends(name, len, "_clf") || icontains(name, len, "rank") ||
        icontains(name, len, "cross_enc") || icontains(name, len, "scorer") ||
        icontains(name, len, "vqa") || ieq(name, len, "rm") || iends(name, len, "_rm") ||
        icontains(name, len, "cls_") || iends(name, len, "_cls"))
        return FF_NOTLM;
    if (icontains(name, len, "mlm") || icontains(name, len, "bert") ||
        icontains(name, len, "masked_lm"))
        return FF_MLM;
    return 0;
}

/* What a value named like this probably holds, when nothing else is known. Weak evidence. */
Fact calls_name_heuristic(TSNode origin, const char *name, size_t len) {
    Fact f = fact_unknown();
    f.origin = origin;
    unsigned weak = FF_WEAK;
    if (icontains(name, len, "logprob") || icontains(name, len, "log_prob") ||
        ieq(name, len, "logp") || ieq(name, len, "lprobs") || iends(name, len, "_logp") ||
        icontains(name, len, "log_softmax") || icontains(name, len, "logsoftmax") ||
        icontains(name, len, "loglik") || icontains(name, len, "log_lik")) {
        f.kinds = FK_LOGPROB;
    } else if (icontains(name, len, "logit")) {
        f.kinds = FK_RAW;
        f.ax_last = AX_VOCAB;
    } else if (ieq(name, len, "probs") || ieq(name, len, "prob") || iends(name, len, "_probs") ||
               ieq(name, len, "probabilities")) {
        f.kinds = FK_PROB;
    } else if (ieq(name, len, "input_ids") || ieq(name, len, "ids") || iends(name, len, "_ids") ||
               ieq(name, len, "labels") || ieq(name, len, "tokens") ||
               iends(name, len, "_tokens") || ieq(name, len, "toks") || iends(name, len, "_toks") ||
               ieq(name, len, "target_ids")) {
        f.kinds = FK_IDS;
    } else if (iends(name, len, "_token_id") || ieq(name, len, "pad_id") ||
               ieq(name, len, "eos_id") || ieq(name, len, "bos_id")) {
        f.kinds = FK_IDS; /* one special token's id */
        f.ndim = 0;
    } else if (ieq(name, len, "attention_mask") || ieq(name, len, "mask") ||
               iends(name, len, "_mask")) {
        f.kinds = FK_MASK;
    } else if (ieq(name, len, "model") || ieq(name, len, "lm") || iends(name, len, "_model") ||
               iends(name, len, "_lm")) {
        f.obj = FO_MODEL;
        /* a model named for a classification head: its logits are no [batch, seq, vocab] */
        f.flags |= head_named(name, len);
    } else if (ieq(name, len, "tokenizer") || iends(name, len, "_tokenizer") ||
               ieq(name, len, "tok") || ieq(name, len, "tk") || iends(name, len, "_tok")) {
        f.obj = FO_TOKENIZER;
    } else {
        weak = 0;
    }
    f.flags |= weak;
    if ((f.kinds & (FK_IDS | FK_MASK)) && f.ndim != 0)
        align_fresh(&f, origin); /* a sequence of its own */
    return f;
}
