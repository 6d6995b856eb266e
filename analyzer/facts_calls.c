/* What calls, attributes and iteration do to facts. Transfers are a table keyed by the callee's
 * name (after import aliases are resolved): adding a library function is one table row. */
#include <ctype.h>
#include <stdio.h>

#include "facts_internal.h"

/* ---------- arguments ---------- */

enum { MAX_ARGS = 16 };

typedef struct Args {
    TSNode node;
    TSNode pos[MAX_ARGS];
    Fact posf[MAX_ARGS];
    int npos;
    TSNode kw_name[MAX_ARGS], kw_val[MAX_ARGS];
    Fact kwf[MAX_ARGS];
    int nkw;
    Fact splat; /* **inputs */
    bool has_splat;
} Args;

static void read_args(Interp *in, TSNode arglist, Args *a) {
    memset(a, 0, sizeof *a);
    a->node = arglist;
    a->splat = fact_unknown();
    if (ts_node_is_null(arglist)) return;
    if (parse_is(arglist, "generator_expression")) { /* sum(x for x in xs) */
        a->pos[0] = arglist;
        a->posf[0] = interp_eval(in, arglist);
        a->npos = 1;
        return;
    }
    uint32_t n = ts_node_named_child_count(arglist);
    for (uint32_t i = 0; i < n; i++) {
        TSNode c = ts_node_named_child(arglist, i);
        if (parse_is(c, "keyword_argument")) {
            if (a->nkw == MAX_ARGS) continue;
            a->kw_name[a->nkw] = parse_field(c, "name");
            a->kw_val[a->nkw] = parse_field(c, "value");
            a->kwf[a->nkw] = interp_eval(in, a->kw_val[a->nkw]);
            in->call_loopvar |= a->kwf[a->nkw].flags & FF_LOOPVAR;
            a->nkw++;
        } else if (parse_is(c, "dictionary_splat")) {
            a->splat = interp_eval(in, ts_node_named_child(c, 0));
            a->has_splat = true;
        } else if (parse_is(c, "comment")) {
            continue;
        } else if (a->npos < MAX_ARGS) {
            a->pos[a->npos] = c;
            a->posf[a->npos] = interp_eval(in, parse_is(c, "list_splat") ? ts_node_named_child(c, 0) : c);
            in->call_loopvar |= a->posf[a->npos].flags & FF_LOOPVAR;
            a->npos++;
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

/* dim=-1, axis=1, or a positional literal; FACT_NO_DIM when absent or not a literal. */
static int arg_dim(Interp *in, const Args *a, int pos) {
    TSNode n = arg_node(in, a, "dim", "axis", pos);
    long v;
    if (ts_node_is_null(n) || !interp_int_literal(in, n, &v) || v < -64 || v > 64) return FACT_NO_DIM;
    return (int)v;
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
    {"log2", OP_LOG, -1, -1},
    {"log10", OP_LOG, -1, -1},
    {"exp", OP_EXP, -1, -1},
    {"sum", OP_SUM, 0, -1},
    {"nansum", OP_SUM, 0, -1},
    {"fsum", OP_SUM, -1, -1},
    {"mean", OP_MEAN, 0, -1},
    {"nanmean", OP_MEAN, 0, -1},
    {"average", OP_MEAN, 0, -1},
    {"prod", OP_PROD, 0, -1},
    {"product", OP_PROD, 0, -1},
    {"cumsum", OP_CUMSUM, 0, -1},
    {"max", OP_MAX, 0, -1},
    {"amax", OP_MAX, 0, -1},
    {"min", OP_MAX, 0, -1},
    {"amin", OP_MAX, 0, -1},
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
    {"mul", OP_MUL, -1, -1},
    {"multiply", OP_MUL, -1, -1},
    {"ne", OP_COMPARE, -1, -1},
    {"eq", OP_COMPARE, -1, -1},
    {"not_equal", OP_COMPARE, -1, -1},
    {"bool", OP_COMPARE, -1, -1},
    {"cross_entropy", OP_CROSS_ENTROPY, -1, -1},
    {"softmax_cross_entropy_with_integer_labels", OP_CROSS_ENTROPY, -1, -1},
    {"sparse_softmax_cross_entropy_with_logits", OP_CROSS_ENTROPY, -1, -1},
    {"nll_loss", OP_NLL_LOSS, -1, -1},
    {"CrossEntropyLoss", OP_CROSS_ENTROPY_CLASS, -1, -1},
    {"NLLLoss", OP_NLL_LOSS_CLASS, -1, -1},
    {"LogSoftmax", OP_LOG_SOFTMAX_CLASS, -1, -1},
    {"Softmax", OP_SOFTMAX_CLASS, -1, -1},
    {"sigmoid", OP_SIGMOID, -1, -1},
    {"logsigmoid", OP_LOGSIGMOID, -1, -1},
    {"log_sigmoid", OP_LOGSIGMOID, -1, -1},
    {"arange", OP_ARANGE, -1, -1},
    {NULL, OP_NONE, 0, 0}};

/* Python builtins and objects of other libraries. */
static const Transfer OTHER_OPS[] = {
    {"from_pretrained", OP_FROM_PRETRAINED, -1, -1},
    {"generate", OP_GENERATE, -1, -1},
    {"compute_transition_scores", OP_TRANSITION_SCORES, -1, -1},
    {"encode", OP_ENCODE, -1, -1},
    {"batch_encode_plus", OP_ENCODE, -1, -1},
    {"encode_plus", OP_ENCODE, -1, -1},
    {"convert_tokens_to_ids", OP_ENCODE, -1, -1},
    {"apply_chat_template", OP_ENCODE, -1, -1},
    {"pad", OP_PAD, -1, -1},
    {"len", OP_LEN, -1, -1},
    {"range", OP_RANGE, -1, -1},
    {"enumerate", OP_ENUMERATE, -1, -1},
    {"zip", OP_ZIP, -1, -1},
    {"sorted", OP_SORTED, -1, -1},
    {"append", OP_APPEND, -1, -1},
    {"extend", OP_APPEND, -1, -1},
    {NULL, OP_NONE, 0, 0}};

static const Transfer *find_transfer(const Transfer *table, const char *name, size_t len) {
    for (const Transfer *t = table; t->name; t++)
        if (strlen(t->name) == len && memcmp(t->name, name, len) == 0) return t;
    return NULL;
}

/* Libraries whose functions the tensor table describes. */
static bool numeric_root(const char *qual) {
    static const char *const roots[] = {"torch", "numpy", "jax", "scipy", "tensorflow", "math",
                                        "mlx", "statistics", "builtins", "flax", "optax", NULL};
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

/* Values reduced over `dim` (FACT_NO_DIM: all of them). Across positions that is an
 * aggregation (or a product): the event rules look for. */
static Fact reduce(Interp *in, TSNode node, Fact x, int dim, bool keepdim, Op op) {
    if (!x.kinds || x.obj != FO_NONE) return fact_unknown();
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
    if (!positions && axis == AX_UNK && x.ndim < 0 && (x.flags & FF_SELECTED) && !(x.flags & FF_AGGREGATED))
        positions = true;
    Fact r = x;
    if (positions) {
        if (op == OP_PROD) interp_emit(in, EV_PRODUCT, AGG_SUM, node, x, fact_unknown(), axis);
        else interp_emit(in, EV_AGGREGATE, op == OP_MEAN ? AGG_MEAN : op == OP_CUMSUM ? AGG_CUMSUM : AGG_SUM,
                         node, x, fact_unknown(), axis);
        r.flags = (r.flags | FF_AGGREGATED) & ~(FF_STEPVAR | FF_LOOPVAR);
        if (op == OP_CUMSUM) return r;
    } else if (axis == AX_VOCAB) {
        /* a reduction over the vocabulary is no sequence score */
        r.kinds = (x.kinds & FK_SCORES) ? FK_NUM : x.kinds;
        r.flags &= ~(FF_SOFTMAX | FF_EXP);
        if (x.flags & FF_EXP) r.flags |= FF_EXP; /* sum(exp(x)): a softmax denominator */
    }
    if (op == OP_CUMSUM) return r;
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
        interp_emit(in, EV_NORMALIZE, log ? NORM_LOG_SOFTMAX : NORM_SOFTMAX, node, x, fact_unknown(), axis);
    Fact r = x;
    if (!x.kinds && x.obj == FO_NONE) r = fact_of(0, 0, node);
    r.kinds = log ? FK_LOGPROB : FK_PROB;
    r.flags = (x.flags & ~(FF_SOFTMAX | FF_EXP | FF_WEAK | FF_STABLE)) | (log ? 0 : FF_SOFTMAX);
    r.origin = node;
    return r;
}

static Fact select_at(Interp *in, TSNode node, Fact x, int dim, Fact ids) {
    Fact r = x;
    if (!(x.kinds & FK_SCORES)) {
        if (x.kinds & (FK_IDS | FK_MASK)) return x;
        return x.kinds ? x : fact_unknown();
    }
    if (dim == FACT_NO_DIM) dim = -1;
    r.flags |= FF_SELECTED | (ids.flags & (FF_SHIFTED & 0));
    if (ids.flags & (FF_LOOPVAR | FF_STEPVAR)) r.flags |= FF_STEPVAR;
    if (x.ndim >= 0) fact_replace_axis(&r, dim, AX_ONE);
    else r.ax_last = AX_ONE;
    interp_emit(in, EV_SELECT, 0, node, x, ids, fact_axis(&x, dim));
    return r;
}

static Fact squeeze(Fact x, int dim) {
    if (x.ndim < 0) {
        if (x.ax_last == AX_ONE && (dim == -1 || dim == FACT_NO_DIM))
            x.ax_last = (x.flags & FF_SELECTED) ? AX_POS : AX_UNK;
        return x;
    }
    if (dim != FACT_NO_DIM) {
        if (fact_axis(&x, dim) == AX_ONE) fact_remove_axis(&x, dim);
        return x;
    }
    for (int i = x.ndim - 1; i >= 0; i--)
        if (x.ax[i] == AX_ONE) fact_remove_axis(&x, i);
    return x;
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
        for (int i = 0; i < list.nelems; i++) j = fact_join(in->arena, j, list.elems[i]);
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
        if (outer == AX_STEP && dim != FACT_NO_DIM) fact_replace_axis(&r, dim, AX_POS);
        else if (outer == AX_STEP && r.ndim >= 0) fact_replace_axis(&r, 0, AX_POS);
        return r;
    }
    if (dim != FACT_NO_DIM && dim != 0) {
        fact_remove_axis(&r, 0);
        fact_insert_axis(&r, dim, outer);
    }
    return r;
}

static Fact model_output(Interp *in, Fact model, const Args *a, TSNode node) {
    unsigned flags = model.flags & FF_SEQ2SEQ;
    int k = kw_index(in, a, "labels");
    if (k >= 0 && !parse_is(parse_unparen(a->kw_val[k]), "none")) flags |= FF_LABELS;
    if (kw_index(in, a, "decoder_input_ids") >= 0) flags |= FF_SEQ2SEQ;
    if (a->has_splat && (a->splat.flags & FF_LABELS)) flags |= FF_LABELS;
    return fact_object(FO_OUTPUT, flags, node);
}

static bool looks_like_model_call(Interp *in, const Args *a) {
    if (kw_index(in, a, "input_ids") >= 0 || kw_index(in, a, "inputs_embeds") >= 0) return true;
    if (a->has_splat && a->splat.obj == FO_ENCODING) return true;
    return a->npos >= 1 && (a->posf[0].kinds & FK_IDS) && a->posf[0].ndim != 0 &&
           !(a->posf[0].flags & FF_WEAK);
}

static Fact from_pretrained(const char *qual, TSNode node) {
    if (strstr(qual, "Tokenizer") || strstr(qual, "Processor")) return fact_object(FO_TOKENIZER, 0, node);
    if (!strstr(qual, "Model") && !strstr(qual, "For") && !strstr(qual, "LM")) return fact_unknown();
    unsigned flags = 0;
    if (strstr(qual, "Seq2Seq") || strstr(qual, "T5") || strstr(qual, "Bart") ||
        strstr(qual, "EncoderDecoder") || strstr(qual, "MT5") || strstr(qual, "Pegasus"))
        flags |= FF_SEQ2SEQ;
    return fact_object(FO_MODEL, flags, node);
}

static Fact encoding(Interp *in, const Args *a, TSNode node) {
    unsigned flags = 0;
    if (kw_truthy(in, a, "padding")) flags |= FF_PADDED;
    Fact f = fact_object(FO_ENCODING, flags, node);
    return f;
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
    return r;
}

static bool reduction_none(Interp *in, const Args *a) { return kw_string_is(in, a, "reduction", "none"); }

/* Applies a tensor transfer. x is the tensor (receiver of a method, or the first argument of
 * a library function); positions in `a` are shifted by `off` for the library form. */
static Fact apply_tensor_op(Interp *in, TSNode node, const Transfer *t, Fact x, const Args *a, int off) {
    int dim = t->dim_pos >= 0 ? arg_dim(in, a, t->dim_pos + off) : arg_dim(in, a, -1);
    bool keepdim = kw_truthy(in, a, "keepdim") || kw_truthy(in, a, "keepdims");
    switch (t->op) {
    case OP_LOG_SOFTMAX:
        return normalize(in, node, x, dim, true);
    case OP_SOFTMAX:
        return normalize(in, node, x, dim, false);
    case OP_LOGSUMEXP: {
        if (dim == FACT_NO_DIM) dim = -1;
        bool vocab = fact_axis(&x, dim) == AX_VOCAB || (x.ndim < 0 && dim == -1);
        Fact r = x;
        r.kinds = vocab && (x.kinds & FK_RAW) ? FK_LOGZ : FK_NUM;
        if (keepdim) fact_replace_axis(&r, dim, AX_ONE);
        else fact_remove_axis(&r, dim);
        return r;
    }
    case OP_LOG: {
        if (x.kinds || x.obj == FO_NONE) interp_emit(in, EV_LOG, 0, node, x, fact_unknown(), AX_UNK);
        Fact r = x;
        if (x.kinds & FK_PROB) r.kinds = (uint16_t)((x.kinds & ~FK_PROB) | FK_LOGPROB);
        else if (x.flags & FF_SUMEXP) r.kinds = FK_LOGZ; /* log(sum(exp(x))) */
        else if (x.flags & FF_EXP) r.kinds = FK_RAW;
        r.flags &= ~(FF_EXP | FF_SUMEXP);
        return r;
    }
    case OP_EXP: {
        Fact r = x;
        if (x.kinds & FK_LOGPROB) r.kinds = (uint16_t)((x.kinds & ~FK_LOGPROB) | FK_PROB);
        else if (x.kinds & FK_RAW) r.kinds = FK_NUM, r.flags |= FF_EXP;
        return r;
    }
    case OP_SUM:
    case OP_MEAN:
    case OP_PROD:
    case OP_CUMSUM:
        return reduce(in, node, x, dim, keepdim, t->op);
    case OP_MAX: {
        bool vocab = dim != FACT_NO_DIM && fact_axis(&x, dim) == AX_VOCAB;
        if (!vocab && (x.kinds & (FK_SCORES | FK_LOSS | FK_NUM)))
            interp_emit(in, EV_RANK, 0, node, x, fact_unknown(), AX_UNK);
        Fact r = x;
        if (vocab) r.kinds = FK_MAXV;
        if (dim == FACT_NO_DIM) r.ndim = 0;
        else if (keepdim) fact_replace_axis(&r, dim, AX_ONE);
        else fact_remove_axis(&r, dim);
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
        AxisKind last = (AxisKind)x.ax_last;
        x.ndim = -1;
        x.ax_last = a->npos - off >= 2 ? last : AX_UNK;
        return x;
    }
    case OP_TRANSPOSE:
        return transpose(in, x, a, off, !strcmp(t->name, "permute"));
    case OP_PASS:
        return x;
    case OP_ITEM:
        x.ndim = 0;
        return x;
    case OP_STACK:
    case OP_CAT:
        return stack_or_cat(in, x, dim, t->op == OP_CAT);
    case OP_WHERE: {
        Fact cond = arg_fact(in, a, NULL, off - 1 + 0);
        Fact b = arg_fact(in, a, NULL, off + 1);
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
    case OP_COMPARE:
        if (x.kinds & (FK_IDS | FK_MASK)) {
            x.kinds = FK_MASK;
            return x;
        }
        return fact_unknown();
    case OP_CROSS_ENTROPY:
    case OP_NLL_LOSS:
        return apply_loss(in, node, x, arg_fact(in, a, "target", off), t->op == OP_NLL_LOSS,
                          reduction_none(in, a));
    case OP_CROSS_ENTROPY_CLASS:
    case OP_NLL_LOSS_CLASS:
    case OP_LOG_SOFTMAX_CLASS:
    case OP_SOFTMAX_CLASS: {
        Fact c = fact_object(FO_CALLABLE, reduction_none(in, a) ? FF_PERTOKEN : 0, node);
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
    case OP_ARANGE:
        return tensor(FK_INDEX, 0, node, 1, (AxisKind[]){AX_POS});
    default:
        return fact_unknown();
    }
}

/* A FO_CALLABLE applied to its arguments: nn.LogSoftmax(dim=-1)(x), nn.CrossEntropyLoss()(x, y). */
static Fact apply_callable(Interp *in, TSNode node, Fact c, const Args *a) {
    Fact x = a->npos > 0 ? a->posf[0] : fact_unknown();
    switch ((Op)c.op) {
    case OP_LOG_SOFTMAX_CLASS:
        return normalize(in, node, x, c.op_dim, true);
    case OP_SOFTMAX_CLASS:
        return normalize(in, node, x, c.op_dim, false);
    case OP_CROSS_ENTROPY_CLASS:
    case OP_NLL_LOSS_CLASS:
        return apply_loss(in, node, x, a->npos > 1 ? a->posf[1] : fact_unknown(),
                          c.op == OP_NLL_LOSS_CLASS, (c.flags & FF_PERTOKEN) != 0);
    default:
        return fact_unknown();
    }
}

/* Builtins, tokenizers, models: calls that are not tensor arithmetic. */
static Fact apply_other_op(Interp *in, TSNode node, const Transfer *t, Fact recv, const Args *a,
                           const char *qual) {
    switch (t->op) {
    case OP_FROM_PRETRAINED:
        return from_pretrained(qual ? qual : "", node);
    case OP_GENERATE: {
        if (!kw_truthy(in, a, "return_dict_in_generate"))
            return tensor(FK_IDS, 0, node, 2, (AxisKind[]){AX_BATCH, AX_POS});
        return fact_object(FO_OUTPUT, FF_GENERATE | (recv.flags & FF_SEQ2SEQ), node);
    }
    case OP_TRANSITION_SCORES: {
        bool normalized = kw_truthy(in, a, "normalize_logits");
        if (!normalized && a->npos >= 3 && !parse_is(parse_unparen(a->pos[2]), "false")) normalized = true;
        return tensor(normalized ? FK_LOGPROB : FK_RAW, FF_SELECTED | FF_STEPWISE, node, 2,
                      (AxisKind[]){AX_BATCH, AX_POS});
    }
    case OP_ENCODE:
        if (kw_string_is(in, a, "return_tensors", "pt") || kw_string_is(in, a, "return_tensors", "np"))
            return tensor(FK_IDS, 0, node, 2, (AxisKind[]){AX_BATCH, AX_POS});
        if (!strcmp(t->name, "batch_encode_plus") || !strcmp(t->name, "encode_plus"))
            return encoding(in, a, node);
        return tensor(FK_IDS, 0, node, 1, (AxisKind[]){AX_POS});
    case OP_PAD: {
        Fact e = fact_object(FO_ENCODING, FF_PADDED, node);
        return e;
    }
    case OP_LEN: {
        Fact f = fact_of(FK_INDEX, 0, node);
        f.ndim = 0;
        return f;
    }
    case OP_RANGE:
        return tensor(FK_INDEX, 0, node, 1, (AxisKind[]){AX_POS});
    case OP_ENUMERATE: {
        Fact e[2] = {fact_of(FK_INDEX, FF_LOOPVAR, node), calls_iterate(in, a->npos ? a->posf[0] : fact_unknown())};
        e[0].ndim = 0;
        return iter_of(in, e, 2, node);
    }
    case OP_ZIP: {
        Fact e[MAX_ARGS];
        for (int i = 0; i < a->npos; i++) e[i] = calls_iterate(in, a->posf[i]);
        return iter_of(in, e, a->npos, node);
    }
    case OP_SORTED: {
        Fact x = a->npos ? a->posf[0] : fact_unknown();
        interp_emit(in, EV_RANK, 0, node, x, fact_unknown(), AX_UNK);
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
    if (elem.obj == FO_NONE && !elem.bottom) {
        as_list.flags &= ~(FF_STEPVAR | FF_LOOPVAR);
        fact_insert_axis(&as_list, 0, (elem.flags & FF_STEPVAR) ? AX_STEP : AX_ITEM);
        if (elem.ndim < 0 && (elem.flags & FF_STEPVAR)) as_list.ax_last = elem.ax_last;
    }
    bool empty = list.ndim == 1 && list.ax[0] == AX_ITEM && !list.kinds;
    bool was_list = list.ndim >= 1 && (list.ax[0] == AX_STEP || list.ax[0] == AX_ITEM);
    Fact r = (empty || !was_list) ? as_list : fact_join(in->arena, list, as_list);
    if (was_list && !empty && list.ax[0] != as_list.ax[0] && r.ndim >= 1) r.ax[0] = AX_STEP;
    interp_bind(in, receiver, r);
}

static Fact eval_call(Interp *in, TSNode call);

/* A call we know nothing of still returns something derived from its arguments: if one of
 * them varies with the loop, so does the result (VOCAB.index(token) is token-dependent). */
Fact calls_eval(Interp *in, TSNode call) {
    unsigned saved = in->call_loopvar;
    in->call_loopvar = 0;
    Fact r = eval_call(in, call);
    unsigned derived = in->call_loopvar;
    in->call_loopvar = saved;
    if (!r.bottom && !r.kinds && r.obj == FO_NONE) r.flags |= derived;
    return r;
}

static Fact eval_call(Interp *in, TSNode call) {
    TSNode fn = parse_field(call, "function");
    Args a;
    if (parse_is(fn, "attribute")) {
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
            if (recv.obj == FO_FUNC) return interp_call_user(in, recv.def, parse_field(call, "arguments"), NULL);
        }
        recv = interp_eval(in, recv_node);
        in->call_loopvar |= recv.flags & FF_LOOPVAR;
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
            const Transfer *t = numeric_root(mod.qual) ? find_transfer(TENSOR_OPS, name, nlen) : NULL;
            if (t) return apply_tensor_op(in, call, t, a.npos ? a.posf[0] : fact_unknown(), &a, 1);
            t = find_transfer(OTHER_OPS, name, nlen);
            if (t) return apply_other_op(in, call, t, recv, &a, mod.qual);
            return fact_unknown();
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
        if (recv.obj == FO_MODEL || (recv.obj == FO_NONE && !recv.kinds)) {
            const Transfer *t = find_transfer(OTHER_OPS, method, mlen);
            if (t && (t->op == OP_GENERATE || t->op == OP_TRANSITION_SCORES))
                return apply_other_op(in, call, t, recv, &a, NULL);
            if (recv.obj == FO_MODEL && ((mlen == 7 && !memcmp(method, "forward", 7)) ||
                                         (mlen == 8 && !memcmp(method, "__call__", 8))))
                return model_output(in, recv, &a, call);
        }
        if (recv.obj == FO_TOKENIZER) {
            const Transfer *t = find_transfer(OTHER_OPS, method, mlen);
            if (t) return apply_other_op(in, call, t, recv, &a, NULL);
            return fact_unknown();
        }
        if (fact_is_tensorish(&recv) || recv.obj == FO_TUPLE) {
            const Transfer *t = find_transfer(TENSOR_OPS, method, mlen);
            if (t) return apply_tensor_op(in, call, t, recv, &a, 0);
            if (mlen == 6 && !memcmp(method, "values", 6)) return recv;
            return fact_unknown();
        }
        /* obj.helper(...) where helper is a method of this file */
        if (recv.obj == FO_NONE || recv.obj == FO_OUTPUT) {
            for (size_t i = 0; i < in->funcs.len; i++) {
                FuncInfo *fi = &in->funcs.items[i];
                if (fi->len == mlen && !memcmp(fi->name, method, mlen))
                    return interp_call_user(in, fi->def, parse_field(call, "arguments"), &recv);
            }
        }
        if (recv.obj == FO_NONE && !recv.kinds && looks_like_model_call(in, &a) &&
            mlen == 7 && !memcmp(method, "forward", 7))
            return model_output(in, fact_object(FO_MODEL, 0, call), &a, call);
        return fact_unknown();
    }

    Fact f = interp_eval(in, fn);
    if (f.obj == FO_FUNC) {
        /* Arguments are evaluated by the callee's parameter binding. */
        return interp_call_user(in, f.def, parse_field(call, "arguments"), NULL);
    }
    read_args(in, parse_field(call, "arguments"), &a);
    switch ((FactObject)f.obj) {
    case FO_MODULE: {
        size_t nlen;
        const char *name = last_component(f.qual, &nlen);
        const Transfer *t = numeric_root(f.qual) ? find_transfer(TENSOR_OPS, name, nlen) : NULL;
        if (t) return apply_tensor_op(in, call, t, a.npos ? a.posf[0] : fact_unknown(), &a, 1);
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
    if (!f.kinds && looks_like_model_call(in, &a)) return model_output(in, fact_object(FO_MODEL, 0, call), &a, call);
    return fact_unknown();
}

/* ---------- attributes ---------- */

static Fact stepwise_scores(TSNode origin) {
    /* generate(output_scores=True).scores: a tuple with one [batch, vocab] tensor per step */
    return tensor(FK_RAW, FF_STEPWISE, origin, 3, (AxisKind[]){AX_STEP, AX_BATCH, AX_VOCAB});
}

static bool name_is(const char *s, size_t len, const char *lit) {
    return strlen(lit) == len && memcmp(s, lit, len) == 0;
}

Fact calls_attribute(Interp *in, Fact obj, TSNode attr_node, const char *attr, size_t len) {
    switch ((FactObject)obj.obj) {
    case FO_MODULE: {
        size_t ql = strlen(obj.qual);
        char *q = arena_alloc(in->arena, ql + len + 2);
        sprintf(q, "%s.%.*s", obj.qual, (int)len, attr);
        return fact_module(q);
    }
    case FO_OUTPUT:
        if (name_is(attr, len, "logits"))
            return (obj.flags & FF_GENERATE) ? stepwise_scores(attr_node)
                                             : logits_3d(obj.flags & FF_SEQ2SEQ, attr_node);
        if (name_is(attr, len, "scores")) return stepwise_scores(attr_node);
        if (name_is(attr, len, "loss")) return fact_of(FK_LOSS, obj.flags & FF_LABELS, attr_node);
        if (name_is(attr, len, "sequences"))
            return tensor(FK_IDS, 0, attr_node, 2, (AxisKind[]){AX_BATCH, AX_POS});
        if (name_is(attr, len, "values")) return obj;
        return fact_unknown();
    case FO_ENCODING:
        if (name_is(attr, len, "input_ids") || name_is(attr, len, "labels"))
            return tensor(FK_IDS, obj.flags & FF_PADDED, attr_node, 2, (AxisKind[]){AX_BATCH, AX_POS});
        if (name_is(attr, len, "attention_mask"))
            return tensor(FK_MASK, obj.flags & FF_PADDED, attr_node, 2, (AxisKind[]){AX_BATCH, AX_POS});
        return fact_unknown();
    case FO_TOKENIZER:
        if (len > 9 && !memcmp(attr + len - 9, "_token_id", 9)) {
            Fact f = fact_of(FK_IDS, 0, attr_node);
            f.ndim = 0;
            return f;
        }
        return fact_unknown();
    case FO_TUPLE:
        if (name_is(attr, len, "values") && obj.nelems == 2) return obj.elems[0];
        if (name_is(attr, len, "indices") && obj.nelems == 2) return obj.elems[1];
        return fact_unknown();
    case FO_NONE:
        if (obj.kinds) {
            if (name_is(attr, len, "T") || name_is(attr, len, "mT")) {
                obj.ndim = -1;
                obj.ax_last = AX_UNK;
                return obj;
            }
            if (name_is(attr, len, "data")) return obj;
            return fact_unknown();
        }
        break;
    default:
        return fact_unknown();
    }
    /* An object we know nothing of: its attribute's name is the only evidence. */
    Fact f = calls_name_heuristic(attr_node, attr, len);
    if (name_is(attr, len, "logits")) f.flags &= ~FF_WEAK; /* the HF convention: out.logits */
    return f;
}

/* ---------- iteration ---------- */

Fact calls_iterate(Interp *in, Fact it) {
    (void)in;
    if (it.obj == FO_TUPLE && it.op == -1) {
        Fact t = it;
        t.op = 0;
        return t;
    }
    if (it.obj == FO_TUPLE) {
        Fact j = fact_bottom();
        for (int i = 0; i < it.nelems; i++) j = fact_join(in->arena, j, it.elems[i]);
        return j.bottom ? fact_unknown() : j;
    }
    if (it.obj != FO_NONE) return it.obj == FO_MODEL ? it : fact_unknown();
    if (!it.kinds) { /* an element of something unknown: at least it varies with the loop */
        Fact e = fact_unknown();
        e.flags = FF_LOOPVAR;
        return e;
    }
    Fact e = it;
    AxisKind lead = it.ndim >= 1 ? (AxisKind)it.ax[0] : AX_UNK;
    if (it.ndim >= 1) fact_remove_axis(&e, 0);
    else e.ndim = -1;
    if (lead == AX_POS || lead == AX_STEP) e.flags |= FF_LOOPVAR | ((it.kinds & FK_SCORES) ? FF_STEPVAR : 0);
    if ((it.kinds & (FK_IDS | FK_INDEX)) && (lead == AX_POS || lead == AX_UNK)) e.flags |= FF_LOOPVAR;
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
        while (k < n && tolower((unsigned char)s[i + k]) == lit[k]) k++;
        if (k == n) return true;
    }
    return false;
}

static bool iends(const char *s, size_t len, const char *lit) {
    size_t n = strlen(lit);
    return len >= n && ieq(s + len - n, n, lit);
}

/* What a value named like this probably holds, when nothing else is known. Weak evidence. */
Fact calls_name_heuristic(TSNode origin, const char *name, size_t len) {
    Fact f = fact_unknown();
    f.origin = origin;
    unsigned weak = FF_WEAK;
    if (icontains(name, len, "logprob") || icontains(name, len, "log_prob") || ieq(name, len, "logp") ||
        ieq(name, len, "lprobs") || iends(name, len, "_logp") || icontains(name, len, "log_softmax") ||
        icontains(name, len, "logsoftmax") || icontains(name, len, "loglik") ||
        icontains(name, len, "log_lik")) {
        f.kinds = FK_LOGPROB;
    } else if (icontains(name, len, "logit")) {
        f.kinds = FK_RAW;
        f.ax_last = AX_VOCAB;
    } else if (ieq(name, len, "probs") || ieq(name, len, "prob") || iends(name, len, "_probs") ||
               ieq(name, len, "probabilities")) {
        f.kinds = FK_PROB;
    } else if (ieq(name, len, "input_ids") || ieq(name, len, "ids") || iends(name, len, "_ids") ||
               ieq(name, len, "labels") || ieq(name, len, "tokens") || iends(name, len, "_tokens") ||
               ieq(name, len, "toks") || iends(name, len, "_toks") || ieq(name, len, "target_ids")) {
        f.kinds = FK_IDS;
    } else if (ieq(name, len, "attention_mask") || ieq(name, len, "mask") || iends(name, len, "_mask")) {
        f.kinds = FK_MASK;
    } else if (ieq(name, len, "model") || ieq(name, len, "lm") || iends(name, len, "_model") ||
               iends(name, len, "_lm")) {
        f.obj = FO_MODEL;
    } else if (ieq(name, len, "tokenizer") || iends(name, len, "_tokenizer")) {
        f.obj = FO_TOKENIZER;
    } else {
        weak = 0;
    }
    f.flags = weak;
    return f;
}
