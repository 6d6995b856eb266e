/* Array ops: what the transfers of the array library rows (contracts_array.c and the others'
 * array rows) do to a tensor's facts: normalising, reducing, selecting, reshaping, losses. */
#include <ctype.h>

#include "facts_padval.h"
#include "facts_xfer.h"

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
        TSNode c = parse_named_child(n, i);
        if (parse_is(c, "keyword_argument") || parse_is(c, "comment")) continue;
        if (!literal_numbers(in, c, depth + 1)) return false;
        seen++;
    }
    return seen > 0;
}

/* sum(exp(x - max(x))) of logits over a known axis that is not their vocabulary: the
 * normaliser of a softmax or log_softmax by hand taken over the wrong axis (LL104), as
 * logsumexp over that axis is. exp() left FK_NUM; the vocabulary axis it kept says the values
 * were token scores (only logits' layouts carry one). */
static void exp_summed_off_vocab(Interp *in, TSNode node, const Fact *x, AxisKind axis, Op op) {
    if (op != OP_SUM || !(x->flags & FF_EXP) || (x->flags & (FF_SELECTED | FF_WEAK)) ||
        x->ndim < 2 || fact_find_axis(x, AX_VOCAB) < 0)
        return;
    if (axis != AX_POS && axis != AX_STEP && axis != AX_BATCH) return;
    Fact raw = *x;
    raw.kinds = FK_RAW;
    raw.flags &= ~(FF_EXP | FF_SUMEXP);
    svc_emit(in, EV_NORMALIZE, NORM_SUMEXP, node, raw, fact_unknown(), axis);
}

/* Values reduced over `dim` (FACT_NO_DIM: all of them). Across positions that is an
 * aggregation (or a product): the event rules look for. */
Fact array_reduce(Interp *in, TSNode node, Fact x, int dim, bool keepdim, Op op) {
    if (!x.kinds || x.obj != FO_NONE) return fact_unknown();
    /* attention_mask.sum(): how many tokens, as len(ids) counts them (facts_labels.c) */
    if (x.kinds == FK_MASK && op == OP_SUM && (dim == FACT_NO_DIM || fact_axis(&x, dim) == AX_POS))
        return lengths_of(x, AX_POS, node);
    AxisKind axis;
    bool all = dim == FACT_NO_DIM;
    if (all) {
        int p = fact_find_axis(&x, AX_POS);
        if (p < 0) p = fact_find_axis(&x, AX_STEP);
        axis = p >= 0 ? (AxisKind)x.ax[p] : (x.ndim < 0 ? (AxisKind)x.ax_last : AX_UNK);
        if (x.ndim == 0) axis = AX_UNK;
    } else {
        axis = fact_axis(&x, dim);
        exp_summed_off_vocab(in, node, &x, axis, op);
    }
    bool positions = axis == AX_POS || axis == AX_STEP;
    /* Rank unknown: selected scores can only be reduced over what is left, the positions; so
     * can per-token losses over their last axis (the targets' positions) or whole. */
    bool per_token = (x.kinds & FK_LOSS) && (x.flags & FF_PERTOKEN) && (all || dim == -1);
    if (!positions && (axis == AX_UNK || (all && axis == AX_ONE)) && x.ndim < 0 &&
        ((x.flags & FF_SELECTED) || per_token) && !(x.flags & FF_AGGREGATED))
        positions = true; /* a keepdim gather's [..., T, 1] summed whole: over positions */
    Fact r = x;
    if (positions) {
        if (op == OP_PROD || op == OP_CUMPROD) /* cumprod(p)[..., -1]: the whole product */
            svc_emit(in, EV_PRODUCT, AGG_SUM, node, x, fact_unknown(), axis);
        else
            svc_emit(in, EV_AGGREGATE,
                     op == OP_MEAN     ? AGG_MEAN
                     : op == OP_CUMSUM ? AGG_CUMSUM
                                       : AGG_SUM,
                     node, x, fact_unknown(), axis);
        if (op != OP_PROD && op != OP_CUMPROD) r.agg_event = in->last_event;
        if (r.agg_event && all && (x.flags & FF_PADDED) && x.ndim != 1)
            in->facts->events.items[r.agg_event - 1].over_rows = true;
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
        /* a mean of every log: one number (a log loss), no log of any one probability */
        if (op == OP_MEAN) r.log_event = 0;
        /* one number for all of them: no per-position score is left, whatever the axes were */
        if ((x.flags & FF_SELECTED) && op != OP_CUMSUM) r.flags |= FF_AGGREGATED;
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
    /* a model's batch of unknown kind and rank: scores by this use, whose layout the uses of
     * the result may teach (facts_use.c) */
    bool open_batch = !x.kinds && x.obj == FO_NONE && x.batch_first && x.ndim < 0;
    if ((x.kinds & (FK_SCORES | FK_NUM)) || open_batch) {
        in->last_event = 0;
        svc_emit(in, EV_NORMALIZE, log ? NORM_LOG_SOFTMAX : NORM_SOFTMAX, node, x, fact_unknown(),
                 axis);
        /* the dim, for a layout the uses of the result teach later (facts_use.c) */
        if (in->last_event && axis == AX_UNK)
            in->facts->events.items[in->last_event - 1].delta = dim;
    }
    Fact r = x;
    if (!x.kinds && x.obj == FO_NONE) r = fact_of(0, 0, node), r.batch_first = x.batch_first;
    r.kinds = log ? FK_LOGPROB : FK_PROB;
    r.flags = (x.flags & ~(FF_SOFTMAX | FF_EXP | FF_WEAK | FF_STABLE)) | (log ? 0 : FF_SOFTMAX);
    r.floored = r.class_column = false; /* new values, over all classes */
    r.origin = node;
    return r;
}

static Fact select_at(Interp *in, TSNode node, Fact x, int dim, Fact ids) {
    if (dim == 2) fact_assume_lm_layout(&x, 3);
    /* an exported model's first output fed token ids (facts_call_op.c, bare_lm) picked at
     * token ids along its last axis: that axis is a vocabulary, the values a language model's
     * logits (as out[rows, ids] says in facts_expr.c) */
    if (!x.kinds && x.bare_lm && x.obj == FO_NONE && ids.kinds == FK_IDS && ids.ndim != 0 &&
        (dim == -1 || dim == FACT_NO_DIM)) {
        x.kinds = FK_RAW;
        x.ax_last = AX_VOCAB;
    }
    Fact r = x;
    AxisKind along = fact_axis(&x, dim == FACT_NO_DIM ? -1 : dim);
    if (along == AX_POS || along == AX_STEP || (!(x.kinds & FK_SCORES) && (x.kinds & FK_IDS))) {
        /* ids.index_select(0, cont_idx), logits[0].index_select(0, cont_idx - 1): some of the
         * positions (the continuation's), each one where the index says */
        r.flags |= FF_SLICED;
        align_clear(&r);
        return r;
    }
    /* logits.index_select(0, chosen_idx): some rows of the batch, each still all it was; of
     * scores whose rank is unknown, axis 0 is the vocabulary only for one distribution alone,
     * which is indexed, not selected from along an explicit 0 */
    if (along == AX_BATCH || (dim == 0 && x.ndim < 0)) return x;
    uses_vocab_gathered(in, &x, dim, &ids); /* [B, V, T] told by the index (facts_use.c) */
    if (!(x.kinds & FK_SCORES)) {
        if (x.kinds & FK_MASK) return x;
        return x.kinds ? x : fact_unknown();
    }
    if (dim == FACT_NO_DIM) dim = -1;
    prompts_picked(&r, &ids);
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
    r.made_event = svc_emit_pick(in, node, x, ids, fact_axis(&x, dim));
    align_selected(&r, &x, &ids);
    /* gather(row, 2, tokens) with one row of a padded batch and tokens that are not the
     * batch's (one sequence's own): the output has the index's shape, the row's first
     * len(tokens) positions, which a (right-)padded row holds its own tokens at */
    if ((x.flags & FF_PADDED) && !(ids.flags & (FF_PADDED | FF_WEAK)) && !(ids.kinds & ~FK_IDS) &&
        x.ndim >= 0 && fact_find_axis(&x, AX_BATCH) < 0 && fact_find_axis(&ids, AX_BATCH) < 0)
        r.flags &= ~FF_PADDED;
    return r;
}

/* tf.gather(params, indices, axis=None, batch_dims=0): the axis defaults to batch_dims, so
 * tf.gather(logits, ids, batch_dims=2) picks each position's entry at its token, [B, T];
 * gathered along any axis but the vocabulary, nothing is known of the result. */
static Fact tf_gathered(Interp *in, TSNode node, Fact x, const Args *a, int off, int dim) {
    long bd = 0;
    TSNode b = args_node(in, a, "batch_dims", NULL, -1);
    if (!ts_node_is_null(b) && !svc_int_literal(in, b, &bd)) return fact_unknown();
    if (dim == FACT_NO_DIM) dim = bd < 0 ? -1 : (int)bd;
    if (dim == 2) fact_assume_lm_layout(&x, 3);
    if (dim != -1 && fact_axis(&x, dim) != AX_VOCAB) return fact_unknown();
    Fact ids = args_fact(in, a, "indices", off);
    Fact r = select_at(in, node, x, dim, ids);
    /* the gathered axis becomes the indices' axes past batch_dims: none for ids [B, T] with
     * batch_dims=2 (torch's gather keeps it, of size one, as ids[..., None] does here) */
    bool index_axis = ids.ndim >= 0 ? ids.ndim > bd : ids.ax_last == AX_ONE;
    if (index_axis || !(r.flags & FF_SELECTED)) return r;
    if (r.ndim > 0)
        fact_remove_axis(&r, dim < 0 ? r.ndim - 1 : dim);
    else
        r.ax_last = AX_UNK;
    return r;
}

static Fact squeeze(Fact x, int dim) {
    if (x.ndim < 0) {
        if (x.ax_last == AX_ONE && (dim == -1 || dim == FACT_NO_DIM))
            x.ax_last = (x.flags & FF_SELECTED) ? AX_POS : AX_UNK;
        /* a reranker's [batch, 1] scores squeezed are [batch]: no [rows, classes] to assume */
        if (x.pooled && x.obj == FO_NONE) x.pooled = false;
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

/* Scores or token ids of unknown rank whose positions are known (a model's logits [B, T, V] or
 * [T, V] of a model nothing says more of, the targets a producer returns): either way, their
 * rows after view(-1, V) (the ids' after view(-1)) are positions, one after another. */
static bool unknown_rank_positions(const Fact *x) {
    return x->ndim < 0 && x->obj == FO_NONE && !x->pooled && !x->choices && x->head.sym &&
           !x->head.end;
}

/* x.view(-1, V) / x.reshape(-1, x.size(-1)) / x.flatten(0, 1) of [B, T, V] scores: the
 * batch and position axes merged into rows, the vocabulary kept last. */
static bool merges_rows(Interp *in, Fact x, const Args *a, int first, bool flatten) {
    bool bld = x.ndim == 3 && x.ax[0] == AX_BATCH && x.ax[1] == AX_POS && x.ax[2] == AX_VOCAB;
    if (!bld && !(unknown_rank_positions(&x) && (x.kinds & FK_SCORES))) return false;
    long d0, d1;
    if (a->npos - first != 2 || !svc_int_literal(in, a->pos[first], &d0)) return false;
    if (flatten) return d0 == 0 && svc_int_literal(in, a->pos[first + 1], &d1) && d1 == 1;
    if (d0 != -1) return false;
    /* the kept size: x.size(-1), x.shape[-1], or a name (the vocabulary size) */
    TSNode v = parse_unparen(a->pos[first + 1]);
    return parse_is(v, "identifier") || parse_is(v, "call") || parse_is(v, "subscript") ||
           parse_is(v, "attribute");
}

/* x.view(-1), x.reshape(-1), x.flatten(), flatten(0, 1) of per-position values or ids (no
 * vocabulary axis): one axis, every position of every row in turn; x.view(-1, 1) (a gather's
 * index) the same with a size-1 axis after it. The count of axes made, 0 if none is. */
static int flattens_positions(Interp *in, Fact x, const Args *a, int first, bool flatten) {
    bool positions = unknown_rank_positions(&x) && !(x.kinds & ~(FK_IDS | FK_MASK));
    for (int i = 0; i < x.ndim; i++) {
        if (x.ax[i] == AX_POS || x.ax[i] == AX_STEP) positions = true;
        if (x.ax[i] != AX_POS && x.ax[i] != AX_STEP && x.ax[i] != AX_BATCH && x.ax[i] != AX_ONE)
            return false;
    }
    long d0, d1;
    int n = a->npos - first;
    if (!positions || a->nkw || a->splatted) return 0;
    if (flatten)
        return n == 0 ||
               (n == 2 && x.ndim == 2 && svc_int_literal(in, a->pos[first], &d0) && d0 == 0 &&
                svc_int_literal(in, a->pos[first + 1], &d1) && (d1 == 1 || d1 == -1));
    if (n < 1 || n > 2 || !svc_int_literal(in, a->pos[first], &d0) || d0 != -1) return 0;
    return n == 1 ? 1 : svc_int_literal(in, a->pos[first + 1], &d1) && d1 == 1 ? 2 : 0;
}

/* The single argument of x.view(y.shape), x.reshape(y.size()), x.view(*y.shape), or of
 * x.view_as(y) (like): y names a batch of rows of positions, [batch, seq]. y is read where it
 * is bound, not evaluated again. */
static bool shaped_as_rows(Interp *in, const Args *a, int first, bool like) {
    if (a->npos - first != 1 || a->nkw) return false;
    TSNode y = parse_unparen(a->pos[first]);
    if (parse_is(y, "list_splat")) y = parse_unparen(parse_named_child(y, 0));
    TSNode fn = parse_field(y, "function");
    if (!like && parse_is(y, "attribute") && svc_text_eq(in, parse_field(y, "attribute"), "shape"))
        y = parse_unparen(parse_field(y, "object"));
    else if (!like && parse_is(y, "call") && parse_is(fn, "attribute") &&
             svc_text_eq(in, parse_field(fn, "attribute"), "size") &&
             ts_node_named_child_count(parse_field(y, "arguments")) == 0)
        y = parse_unparen(parse_field(fn, "object"));
    else if (!like)
        return false;
    if (!parse_is(y, "identifier") && !parse_is(y, "attribute")) return false;
    bool found;
    Fact rows = svc_lookup_key(in, y, &found);
    return found && rows.obj == FO_NONE && rows.ndim == 2 && rows.ax[0] == AX_BATCH &&
           rows.ax[1] == AX_POS;
}

/* flat.view(B, -1), nll.reshape(len(texts), T - 1), nll.view(labels.shape): positions of
 * merged rows (one axis of positions) split again into rows; the first size is the rows'
 * count, or the shape is that of a batch of rows (a per-token loss of flattened logits put
 * back in the labels' shape). */
static bool splits_rows(Interp *in, Fact x, const Args *a, int first, bool like) {
    long d0;
    if (x.ndim < 1 || x.ax[0] != AX_POS) return false;
    for (int i = 1; i < x.ndim; i++) /* a gather's [N, 1] */
        if (x.ax[i] != AX_ONE) return false;
    if (shaped_as_rows(in, a, first, like)) return true;
    if (like || a->npos - first != 2 || a->nkw || a->splatted) return false;
    return !(svc_int_literal(in, a->pos[first], &d0) && d0 == -1);
}

/* logits.view(b, k, t, -1), tf.reshape(logits, (b, k, t, -1)) of [B, T, V] scores: the
 * rows of a batch that held k candidates of each of b examples ([b * k, t] ids) put back in
 * their groups, [batch, candidates, positions, vocabulary]. Only the vocabulary may be left
 * to -1 (or named by its size); the other three sizes are given. */
static bool splits_candidates(Interp *in, Fact x, const Args *a, int first) {
    if (!(x.kinds & FK_SCORES) || x.ndim != 3 || x.ax[0] != AX_BATCH || x.ax[1] != AX_POS ||
        x.ax[2] != AX_VOCAB || a->nkw || a->splatted)
        return false;
    TSNode sizes[4];
    int n = a->npos - first;
    TSNode one = n == 1 ? parse_unparen(a->pos[first]) : (TSNode){0};
    if (n == 1 && (parse_is(one, "tuple") || parse_is(one, "list"))) {
        n = (int)ts_node_named_child_count(one);
        for (int i = 0; i < n && i < 4; i++) sizes[i] = parse_named_child(one, (uint32_t)i);
    } else {
        for (int i = 0; i < n && i < 4; i++) sizes[i] = a->pos[first + i];
    }
    if (n != 4) return false;
    long v;
    for (int i = 0; i < 3; i++) {
        TSNode s = parse_unparen(sizes[i]);
        if (parse_is(s, "list_splat") || (svc_int_literal(in, s, &v) && v <= 1)) return false;
    }
    TSNode last = parse_unparen(sizes[3]);
    if (svc_int_literal(in, last, &v)) return v == -1;
    return parse_is(last, "identifier") || parse_is(last, "call") ||
           parse_is(last, "subscript") || parse_is(last, "attribute");
}

/* torch.full((B, L), pad_id): a batch buffer of pads that rows of their own length are copied
 * into; filled with -100, labels the loss ignores there. A column ((B, 1): a BOS column) or a
 * fill that is no token id is not followed. */
static Fact filled_batch(Interp *in, const Args *a, TSNode node) {
    TSNode shape = a->npos >= 1 ? parse_unparen(a->pos[0]) : (TSNode){0};
    Fact fill = args_fact(in, a, "fill_value", 1);
    long last;
    if (!(parse_is(shape, "tuple") || parse_is(shape, "list")) ||
        ts_node_named_child_count(shape) != 2 ||
        (svc_int_literal(in, parse_named_child(shape, 1), &last) && last == 1))
        return fact_unknown();
    bool ignored = (fill.flags & FF_CONST) && fill.num < 0;
    if (!ignored && !(fill.kinds & FK_IDS)) return fact_unknown();
    Fact r = fact_tensor(FK_IDS, ignored ? FF_MASKED : FF_PADDED, node, 2,
                         (AxisKind[]){AX_BATCH, AX_POS});
    align_fresh(&r, node);
    return r;
}

/* einsum("btv->bvt", x): one operand whose axes the equation only reorders (no ellipsis, no
 * axis summed away); anything else is not followed. */
static Fact einsum(Interp *in, const Args *a) {
    if (a->npos != 2) return fact_unknown();
    Fact x = hf_output_tensor(a->posf[1]);
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

/* One side of an einops pattern: its items, each a name, a literal 1 or a group "(b n)" of
 * names (kinds[i] the kind of a name, or of a group: AX_POS for rows of positions, (b n), as
 * view(-1, V) makes them). Returns the number of items, -1 for what is not modelled (an
 * ellipsis, a group on the input side, other literals). */
typedef struct Einops {
    const char *name[FACT_MAX_DIMS];
    size_t len[FACT_MAX_DIMS];
    int group[FACT_MAX_DIMS]; /* the item a name belongs to */
    int nnames, nitems;
    bool one[FACT_MAX_DIMS]; /* item i is a literal 1 */
} Einops;

static bool einops_side(const char *t, size_t len, Einops *e, bool groups) {
    int depth = 0;
    e->nnames = e->nitems = 0;
    for (size_t i = 0; i < len;) {
        char c = t[i];
        if (c == ' ') {
            i++;
        } else if (c == '(' && groups && !depth) {
            if (e->nitems >= FACT_MAX_DIMS) return false;
            e->one[e->nitems++] = false;
            depth = 1, i++;
        } else if (c == ')' && depth) {
            depth = 0, i++;
        } else if (c == '1' && !depth && (i + 1 == len || t[i + 1] == ' ')) {
            if (e->nitems >= FACT_MAX_DIMS) return false;
            e->one[e->nitems++] = true;
            i++;
        } else if (isalpha((unsigned char)c) || c == '_') {
            size_t j = i;
            while (j < len && (isalnum((unsigned char)t[j]) || t[j] == '_'))
                j++;
            if (e->nnames >= FACT_MAX_DIMS || (!depth && e->nitems >= FACT_MAX_DIMS)) return false;
            if (!depth) e->one[e->nitems++] = false;
            e->name[e->nnames] = t + i;
            e->len[e->nnames] = j - i;
            e->group[e->nnames++] = e->nitems - 1;
            i = j;
        } else {
            return false; /* "...", digits other than 1, anonymous axes */
        }
    }
    return !depth;
}

static int einops_find(const Einops *e, const char *name, size_t len) {
    for (int i = 0; i < e->nnames; i++)
        if (e->len[i] == len && !memcmp(e->name[i], name, len)) return i;
    return -1;
}

/* einops.rearrange(x, pattern): the input's axes named on the left, put in the order (and
 * groups) of the right. Merging the batch with the positions gives rows of positions, as
 * view(-1, V) does; the positions keep their alignment, whatever the order of the axes. */
static Fact rearrange(Interp *in, Fact x, const Args *a) {
    if (a->npos < 2 || x.obj != FO_NONE) return fact_unknown();
    size_t len;
    const char *t = parse_text(in->src, parse_unparen(a->pos[1]), &len);
    if (len < 2 || (t[0] != '"' && t[0] != '\'') || t[len - 1] != t[0]) return fact_unknown();
    const char *arrow = NULL;
    for (size_t i = 1; i + 1 < len && !arrow; i++)
        if (t[i] == '-' && t[i + 1] == '>') arrow = t + i;
    Einops from, to;
    if (!arrow || !einops_side(t + 1, (size_t)(arrow - t - 1), &from, false) ||
        !einops_side(arrow + 2, (size_t)(t + len - 1 - arrow - 2), &to, true) ||
        from.nnames != to.nnames || from.nitems != from.nnames || !to.nitems)
        return fact_unknown();
    int n = from.nnames;
    AxisKind kinds[FACT_MAX_DIMS] = {AX_UNK};
    if (x.ndim == n) {
        for (int i = 0; i < n; i++)
            kinds[i] = (AxisKind)x.ax[i];
    } else if (x.ndim < 0 && (x.kinds & (FK_IDS | FK_MASK)) && n == 2) {
        kinds[0] = AX_BATCH, kinds[1] = AX_POS; /* ids of an unknown rank: [B, T], as elsewhere */
    } else if (x.ndim < 0) {
        kinds[n - 1] = (AxisKind)x.ax_last;
    } else {
        return fact_unknown();
    }
    AxisKind out[FACT_MAX_DIMS];
    bool moved = false; /* positions merged with something that is no batch */
    for (int i = 0; i < to.nitems; i++)
        out[i] = to.one[i] ? AX_ONE : AX_UNK;
    for (int i = 0; i < to.nnames; i++) {
        int k = einops_find(&from, to.name[i], to.len[i]);
        if (k < 0 || einops_find(&to, to.name[i], to.len[i]) != i) return fact_unknown();
        int g = to.group[i];
        AxisKind was = out[g], now = kinds[k];
        bool first = i == 0 || to.group[i - 1] != g;
        if (first) {
            out[g] = now;
        } else if ((was == AX_BATCH || was == AX_ONE) && now == AX_POS) {
            out[g] = AX_POS; /* (b n): every position of every row */
        } else if (!(was == AX_POS && (now == AX_BATCH || now == AX_ONE))) {
            moved |= was == AX_POS || now == AX_POS;
            out[g] = AX_UNK;
        }
    }
    Fact r = x;
    fact_set_axes(&r, to.nitems, out);
    if (moved) align_clear(&r);
    return r;
}

static Fact transpose(Interp *in, Fact x, const Args *a, int first, bool permute) {
    if (x.ndim < 0) return x;
    long d[FACT_MAX_DIMS];
    int n = 0;
    for (int i = first; i < a->npos && n < FACT_MAX_DIMS; i++) {
        if (!svc_int_literal(in, a->pos[i], &d[n])) return (x.ndim = -1, x.ax_last = AX_UNK, x);
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

/* How a loss reduces its per-target values (reduction=). */
typedef enum {
    RED_MEAN,
    RED_SUM,
    RED_NONE,
    RED_UNSAID, /* a library's own default (keras's), not claimed either way */
} Reduction;

static Reduction reduction_of(Interp *in, const Args *a) {
    if (args_string_is(in, a, "reduction", "none")) return RED_NONE;
    if (args_string_is(in, a, "reduction", "sum")) return RED_SUM;
    /* another value (a variable) or the legacy size_average=/reduce=: not known to average */
    if (args_kw(in, a, "reduction") >= 0 && !args_string_is(in, a, "reduction", "mean"))
        return RED_SUM;
    return args_kw(in, a, "size_average") >= 0 || args_kw(in, a, "reduce") >= 0 ? RED_SUM
                                                                                : RED_MEAN;
}

/* A loss that averages over its targets (reduction="mean", the default) is a mean token NLL as
 * a Hugging Face loss with labels= is: over unmasked targets of a text joined from prompt and
 * candidate, the prompt's tokens are averaged in; over the candidate's alone, it is still a
 * mean over its length (LL107). A sum is no mean (FF_SCALED). */
static void loss_reduced(Fact *r, const Fact *input, const Fact *target, Reduction red) {
    if (red == RED_NONE || red == RED_UNSAID) return;
    if (red == RED_SUM) {
        r->flags |= FF_SCALED;
        return;
    }
    r->flags |= FF_LABELS | (target->flags & FF_SCALED); /* one target left: no mean */
    if (target->obj == FO_NONE && target->kinds == FK_IDS &&
        !(target->flags & (FF_MASKED | FF_WEAK | FF_SLICED)))
        r->flags |= FF_FULLLABELS;
    /* token targets of a joined text: a classifier's one target per row averages no tokens */
    if (target->obj == FO_NONE && (target->kinds & FK_IDS) && !(input->flags & FF_NOTLM) &&
        !input->pooled)
        r->flags |= (target->flags | input->flags) & FF_JOINED;
}

/* ignored: an ignore_index was given (ignore_index=pad_id): the targets may be masked by it
 * (LL106 sees them masked). It drops pads, or nothing of ids no write set to it; the prompt's
 * targets stay in the mean unless a write masked them (LL107). */
static Fact apply_loss(Interp *in, TSNode node, Fact input, Fact target, bool nll, Reduction red,
                       bool ignored) {
    bool per_token = red == RED_NONE;
    Fact r = fact_of(FK_LOSS, per_token ? FF_PERTOKEN : 0, node);
    loss_reduced(&r, &input, &target, red);
    if (ignored) target.flags |= FF_MASKED;
    svc_emit(in, EV_LOSS, nll ? LOSS_NLL : LOSS_CROSS_ENTROPY, node, input, target, AX_UNK);
    if (per_token) { /* one loss per target token: the target's layout and positions */
        r.ndim = target.ndim;
        memcpy(r.ax, target.ax, sizeof r.ax);
        r.ax_last = target.ax_last;
        align_selected(&r, &input, &target);
    }
    if (per_token) r.flags |= target.flags & (FF_SHIFTED | FF_PADDED);
    /* per-token losses at -100 / masked targets are 0: masked; padded or joined scores or
     * targets leave their positions in the losses. One loss per target: of targets nothing
     * is known of (a classifier's gold labels), the losses need not have positions at all */
    if (per_token)
        r.flags |= (target.flags & (FF_MASKED | FF_JOINED)) |
                   (fact_knows_nothing(&target) ? 0 : input.flags & (FF_PADDED | FF_JOINED));
    return r;
}

/* min(xs, key=lambda c: score(c)), sorted(xs, key=scores.get): the key's values are ranked. */
void array_rank_key(Interp *in, const Args *a, TSNode node) {
    int k = args_kw(in, a, "key");
    if (k < 0) return;
    TSNode key = parse_unparen(a->kw_val[k]);
    Fact v = fact_unknown();
    if (parse_is(key, "lambda")) { /* key=lambda s: s.total: s is an element of what is ranked */
        EnvMark saved = svc_scope_begin(in);
        TSNode params = parse_field(key, "parameters");
        TSNode p = ts_node_is_null(params) ? params : parse_named_child(params, 0);
        if (a->npos >= 1 && !ts_node_is_null(p) && parse_is(p, "identifier") &&
            ts_node_named_child_count(params) == 1)
            svc_bind(in, p, iter_element(in, a->posf[0]));
        v = svc_eval(in, parse_field(key, "body"));
        svc_scope_end(in, saved);
    } else if (parse_is(key, "attribute") && /* key=scores.get, key=losses.__getitem__ */
               (parse_text_eq(in->src, parse_field(key, "attribute"), "get") ||
                parse_text_eq(in->src, parse_field(key, "attribute"), "__getitem__")))
        v = iter_element(in, svc_eval(in, parse_field(key, "object")));
    else if (a->npos >= 1) { /* key=score_fn, a function of the project: run on an element */
        Fact f = a->kwf[k];
        Args one = {.npos = 1, .nplain = 1};
        one.posf[0] = iter_element(in, a->posf[0]);
        if (f.obj == FO_FUNC) v = svc_call_user(in, f.def, (TSNode){0}, &one, NULL);
    }
    if (v.kinds & (FK_SCORES | FK_LOSS | FK_NUM))
        svc_emit(in, EV_RANK, 0, node, v, fact_unknown(), AX_UNK);
}

/* where(cond, ids, -100): element by element, a scalar broadcast over the other's cells, so
 * each cell keeps its position and the result has the positions of the tensor (facts_align.c);
 * the join alone would drop them, the scalar having none. */
static Fact where_join(Interp *in, Fact a, Fact b) {
    Fact r = fact_join(in->arena, a, b);
    bool a_scalar = !a.bottom && a.ndim == 0 && !align_known(&a),
         b_scalar = !b.bottom && b.ndim == 0 && !align_known(&b);
    const Fact *t = a_scalar && !b_scalar ? &b : b_scalar && !a_scalar ? &a : NULL;
    if (t) {
        r.head = t->head;
        r.tail = t->tail;
    }
    return r;
}

/* cat((chosen_ids, rejected_ids), dim=0): rows of batches that each start at their column 0.
 * Column t of the result is column t of its row's batch, so the first batch's head holds for
 * the result (its chunk(2)[0] is that batch again); tails agree only when every batch's does.
 * (For 1-D ids, dim 0 is their positions: the head is the first part's all the same.) */
static void cat_rows(Interp *in, Fact *r, TSNode list, uint32_t n) {
    Fact first = svc_eval(in, parse_named_child(list, 0));
    FactPos tail = first.tail;
    for (uint32_t i = 0; i < n; i++) {
        Fact p = svc_eval(in, parse_named_child(list, i));
        if (!(p.kinds & (FK_IDS | FK_MASK)) || p.obj != FO_NONE || !p.head.sym ||
            p.head.end || p.head.c != first.head.c)
            return;
        if (!align_pos_eq(p.tail, tail)) tail = (FactPos){0, 0, false};
    }
    r->head = first.head;
    r->tail = tail;
}

/* cat([ctx, cont], dim=-1) of token ids along their positions: the positions of both, the
 * first one's head and the last one's tail (facts_align.c). Along the batch: cat_rows. */
static void cat_positions(Interp *in, Fact *r, TSNode list, int dim) {
    list = parse_unparen(list);
    if (!parse_is(list, "list") && !parse_is(list, "tuple")) return;
    uint32_t n = ts_node_named_child_count(list);
    if (n < 2 || dim == FACT_NO_DIM) return;
    Fact first = svc_eval(in, parse_named_child(list, 0));
    Fact last = svc_eval(in, parse_named_child(list, n - 1));
    Fact ids = (last.kinds & FK_IDS) ? last : first;
    AxisKind k = fact_axis(&ids, dim);
    if (dim == 0 && (k == AX_BATCH || ids.ndim < 0)) {
        cat_rows(in, r, list, n);
        return;
    }
    if (!(k == AX_POS || k == AX_STEP || (ids.ndim < 0 && (dim == -1 || dim == 1))) ||
        !(ids.kinds & FK_IDS))
        return;
    Fact c = align_concat(first, last); /* a first part of unknown alignment: head unknown */
    r->head = c.head;
    r->tail = c.tail;
    r->flags |= c.flags & (FF_PADDED | FF_JOINED);
    r->prompt_rows |= c.prompt_rows;
}

/* cat([labels[:, 1:], torch.full((B, 1), -100)], 1): masked labels joined with a block of
 * ignored targets are still masked (the join of the parts' flags dropped it). */
static void cat_ignored(Interp *in, Fact *r, TSNode list) {
    list = parse_unparen(list);
    if (!parse_is(list, "list") && !parse_is(list, "tuple")) return;
    bool masked = false;
    for (uint32_t i = 0, n = ts_node_named_child_count(list); i < n; i++) {
        TSNode part = parse_named_child(list, i);
        if (pad_sentinel_block(in, part)) continue;
        Fact f = svc_eval(in, part);
        if (!(f.kinds & FK_IDS) || !(f.flags & FF_MASKED)) return;
        masked = true;
    }
    if (masked) r->flags |= FF_MASKED;
}

/* A pad width (0, n): nothing before the first element of the padded axis. */
static bool pads_end_only(Interp *in, TSNode width) {
    width = parse_unparen(width);
    long before;
    return (parse_is(width, "tuple") || parse_is(width, "list")) &&
           ts_node_named_child_count(width) == 2 &&
           svc_int_literal(in, parse_named_child(width, 0), &before) && before == 0;
}

/* A pad width (F.pad's pad, np.pad's pad_width) with an amount that is no literal. */
static bool pad_width_varies(Interp *in, TSNode width) {
    width = parse_unparen(width);
    if (ts_node_is_null(width)) return false;
    if (!parse_is(width, "tuple") && !parse_is(width, "list")) return !parse_is(width, "integer");
    uint32_t n = ts_node_named_child_count(width);
    for (uint32_t i = 0; i < n; i++) {
        long v;
        TSNode e = parse_named_child(width, i);
        if (parse_is(e, "tuple") || parse_is(e, "list") ? pad_width_varies(in, e)
                                                        : !svc_int_literal(in, e, &v))
            return true;
    }
    return false;
}

/* normalising, exponentials and logarithms: what kind of scores the values are */
static Fact array_scores(Interp *in, TSNode node, const Contract *t, Fact x, const Args *a, int off,
                         int dim, bool keepdim) {
    switch ((Op)t->op) {
    case OP_LOG_SOFTMAX:
        return normalize(in, node, x, dim, true);
    case OP_SOFTMAX:
        return normalize(in, node, x, dim, false);
    case OP_LOGSUMEXP: {
        if (dim == FACT_NO_DIM) dim = -1;
        /* of a tensor of unknown rank, any axis but one counted from the end may be the
         * vocabulary (axis=1 of a [T, V] row): x - logsumexp(x) may be log-probs */
        AxisKind axis = fact_axis(&x, dim);
        bool vocab = axis == AX_VOCAB || (x.ndim < 0 && (dim == -1 || dim >= 0));
        /* over the axis a selection left (gather(logits, -1, topk_ids)): no one normalises one
         * entry, so it holds several tokens, and x minus it is log-probs over that subset */
        if (axis == AX_ONE && (x.flags & FF_SELECTED)) vocab = true;
        /* of token logits over another known axis: the normaliser of a log_softmax by hand
         * over the wrong axis (LL104 says so; x minus it is then no raw score) */
        if ((x.kinds & FK_RAW) && !vocab && axis != AX_UNK && fact_find_axis(&x, AX_VOCAB) >= 0) {
            svc_emit(in, EV_NORMALIZE, NORM_LOGSUMEXP, node, x, fact_unknown(), axis);
            vocab = true;
        }
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
        in->last_event = 0; /* no event emitted: no log_event */
        if (x.kinds || x.obj == FO_NONE) svc_emit(in, EV_LOG, 0, node, x, fact_unknown(), AX_UNK);
        Fact r = x;
        r.log_event = in->last_event;
        r.floored = false;
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
        r.floored = false;
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
    case OP_LOGADDEXP: { /* log(exp(a) + exp(b)) */
        Fact b = args_fact(in, a, "other", off);
        if (off == 1) x = a->npos >= 1 ? a->posf[0] : fact_unknown();
        Fact r = (b.kinds & FK_LOGZ) && !(x.kinds & FK_LOGZ) ? b : x;
        if ((x.kinds | b.kinds) & FK_LOGZ) /* of two chunks' normalisers: the whole one */
            r.kinds = FK_LOGZ;
        else if (x.kinds != FK_LOGPROB || b.kinds != FK_LOGPROB) /* log-probs of a union stay */
            r = fact_of(FK_NUM, 0, node);
        return r;
    }
    case OP_COSINE: /* in [-1, 1]: exp(cos / T) of it cannot overflow, as after a max */
        return fact_of(FK_NUM, FF_STABLE, node);
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
        OPS_BUT_SCORES(OP_CASE) /* another family's (xfer_apply routes by the lists) */
        return fact_unknown();
    }
    return fact_unknown(); /* not an Op: unreachable */
}

/* reductions and selections: across positions the events rules look for */
static Fact array_reductions(Interp *in, TSNode node, const Contract *t, Fact x, const Args *a,
                             int off, int dim, bool keepdim) {
    switch ((Op)t->op) {
    case OP_NANMEAN:
        /* x.masked_fill(~keep, nan).nanmean(): the masked positions are skipped, not counted */
        if (x.flags & FF_MASKED) x.flags &= ~FF_PADDED;
        return array_reduce(in, node, x, dim, keepdim, OP_MEAN);
    case OP_MEAN:
    case OP_SUM:
    case OP_PROD:
    case OP_CUMSUM:
    case OP_CUMPROD:
        return array_reduce(in, node, x, dim, keepdim, (Op)t->op);
    case OP_MIN:
    case OP_MAX: {
        if (x.obj == FO_TUPLE && x.records) { /* min of (loss, choice) records: by the loss */
            svc_emit(in, EV_RANK, 0, node, x, fact_unknown(), AX_UNK);
            x.records = false;
            return x;
        }
        bool vocab = dim != FACT_NO_DIM && fact_axis(&x, dim) == AX_VOCAB;
        if (!vocab && (x.kinds & (FK_SCORES | FK_LOSS | FK_NUM)))
            svc_emit(in, EV_RANK, 0, node, x, fact_unknown(), AX_UNK);
        if (off == 1) array_rank_key(in, a, node);
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
        if (dim == -1) uses_rows_argmaxed(in, node, &x); /* facts_use.c */
        if (!vocab && (x.kinds & (FK_SCORES | FK_LOSS | FK_NUM)))
            svc_emit(in, EV_RANK, 0, node, x, fact_unknown(), AX_UNK);
        Fact r = fact_of(vocab ? FK_IDS : FK_INDEX, 0, node);
        if (dim == FACT_NO_DIM) r.ndim = 0;
        return r;
    }
    case OP_SORT: {
        Fact e[2] = {x, fact_of(FK_IDS, 0, node)};
        if (fact_axis(&x, dim == FACT_NO_DIM ? -1 : dim) != AX_VOCAB) {
            e[1] = fact_of(FK_INDEX, 0, node);
            svc_emit(in, EV_RANK, 0, node, x, fact_unknown(), AX_UNK);
        }
        Fact r = fact_object(FO_TUPLE, 0, node);
        r.elems = arena_alloc(in->arena, sizeof e);
        memcpy(r.elems, e, sizeof e);
        r.nelems = 2;
        return r;
    }
    case OP_SELECT:
        if (t->libs == LIB_TF) return tf_gathered(in, node, x, a, off, dim);
        return select_at(in, node, x, dim, args_fact(in, a, "index", t->idx_pos + off));
        OPS_BUT_REDUCTIONS(OP_CASE) /* another family's (xfer_apply routes by the lists) */
        return fact_unknown();
    }
    return fact_unknown(); /* not an Op: unreachable */
}

/* x.chunk(n, dim=0), torch.chunk(x, n): n pieces (n written in the code). Cut along the batch
 * (chosen and rejected rows of one forward pass), each piece holds what x holds at the same
 * positions; cut along any other axis nothing is known of them. */
static Fact chunks(Interp *in, TSNode node, Fact x, const Args *a, int off, int dim) {
    TSNode nn = args_node(in, a, "chunks", NULL, off);
    long n;
    if (dim == FACT_NO_DIM) dim = 0;
    if (ts_node_is_null(nn) || !svc_int_literal(in, nn, &n) || n < 1 || n > 8 ||
        fact_axis(&x, dim) != AX_BATCH || x.obj != FO_NONE)
        return fact_unknown();
    Fact r = fact_object(FO_TUPLE, 0, node);
    r.elems = arena_alloc(in->arena, sizeof(Fact) * (size_t)n);
    for (long i = 0; i < n; i++)
        r.elems[i] = x;
    r.nelems = (int)n;
    return r;
}

/* x.split(size, dim=0), torch.split(x, size, dim): pieces of one size (a number, not a list
 * of sections), as many as x has. Cut along the batch (micro-batches) each holds what x holds.
 * Cut along the positions (a loss computed chunk by chunk), piece k starts k * size positions
 * into x, as piece k of any other value cut by the same size does: two such lists paired
 * piece by piece (zip) keep the offset the whole values had, and nothing else is known of a
 * piece's place. So a piece keeps x's positions under symbols of pieces (ALIGN_PIECE), which
 * only pieces compare with. */
static Fact split_pieces(Interp *in, TSNode node, Fact x, const Args *a, int off, int dim) {
    TSNode sn = parse_unparen(args_node(in, a, "split_size_or_sections", NULL, off));
    if (dim == FACT_NO_DIM) dim = 0;
    if (ts_node_is_null(sn) || parse_is(sn, "list") || parse_is(sn, "tuple") || x.obj != FO_NONE ||
        (!x.kinds && !x.head.sym))
        return fact_unknown();
    AxisKind k = fact_axis(&x, dim);
    if (k == AX_POS) {
        x.head.sym = align_sym(x.head.sym, ALIGN_PIECE);
        x.tail.sym = align_sym(x.tail.sym, ALIGN_PIECE);
    } else if (k != AX_BATCH) {
        return fact_unknown();
    }
    return svc_list_of(in, x, node);
}

/* reshape(x, [b, 8]), x.view(b, 8): of a value nothing is known of, the rank the shape says
 * (its axes unknown). A module's forward returning it computed something of its own, which is
 * no language model's output (facts_call.c's guess for forwards that return what we cannot
 * see). */
static void reshaped_rank(const Args *a, int off, Fact *x) {
    int n = a->npos - off;
    if (a->splatted || n < 1) return;
    if (n == 1) {
        TSNode s = parse_unparen(a->pos[off]);
        if (!parse_is(s, "list") && !parse_is(s, "tuple")) return;
        n = (int)ts_node_named_child_count(s);
        for (int i = 0; i < n; i++)
            if (parse_is(parse_named_child(s, (uint32_t)i), "list_splat")) return;
    }
    AxisKind unk[FACT_MAX_DIMS] = {AX_UNK};
    if (n <= FACT_MAX_DIMS) fact_set_axes(x, n, unk);
}

/* layout: which axis is which after a reshape, transpose, slice or join */
static Fact array_layout(Interp *in, TSNode node, const Contract *t, Fact x, const Args *a, int off,
                         int dim) {
    switch ((Op)t->op) {
    case OP_SQUEEZE:
        return squeeze(x, dim);
    case OP_UNSQUEEZE:
        if (dim != FACT_NO_DIM) fact_insert_axis(&x, dim, AX_ONE);
        return x;
    case OP_RESHAPE:
    case OP_FLATTEN: {
        AxisKind last = x.ndim >= 1 ? (AxisKind)x.ax[x.ndim - 1] : (AxisKind)x.ax_last;
        bool rows = merges_rows(in, x, a, off, t->op == OP_FLATTEN);
        int flat = flattens_positions(in, x, a, off, t->op == OP_FLATTEN);
        bool like = strstr(t->name, "_as") != NULL; /* view_as(y), reshape_as(y) */
        bool split = t->op == OP_RESHAPE && splits_rows(in, x, a, off, like);
        bool grouped = t->op == OP_RESHAPE && !like && splits_candidates(in, x, a, off);
        if (t->op == OP_RESHAPE && recurrent_reshape_keeps(in, &x, a, off)) return x;
        x.ndim = -1;
        x.recurrent = false;
        x.ax_last = a->npos - off >= 2 ? last : AX_UNK;
        /* logits.view(-1, V), flatten(0, 1): every position of every sequence as a row */
        if (rows) fact_set_axes(&x, 2, (AxisKind[]){AX_POS, AX_VOCAB});
        if (flat) fact_set_axes(&x, flat, (AxisKind[]){AX_POS, AX_ONE});
        if (split) fact_set_axes(&x, 2, (AxisKind[]){AX_BATCH, AX_POS});
        if (grouped) fact_set_axes(&x, 4, (AxisKind[]){AX_BATCH, AX_ITEM, AX_POS, AX_VOCAB});
        if (t->op == OP_RESHAPE && fact_knows_nothing(&x)) reshaped_rank(a, off, &x);
        return x;
    }
    case OP_TRANSPOSE:
    case OP_PERMUTE:
        return transpose(in, x, a, off, t->op == OP_PERMUTE);
    case OP_EINSUM:
        return off == 1 ? einsum(in, a) : fact_unknown();
    case OP_REARRANGE:
        return off == 1 ? rearrange(in, x, a) : fact_unknown();
    case OP_NARROW: { /* x.narrow(dim, start, length): x[..., start:start + length] */
        TSNode sn = args_node(in, a, "start", NULL, off + 1);
        AxisKind k = fact_axis(&x, dim);
        if (x.ndim < 0 && (x.kinds & (FK_IDS | FK_MASK)) && (dim == -1 || dim == 1)) k = AX_POS;
        Fact r = x;
        if ((k == AX_POS || k == AX_STEP) && !ts_node_is_null(sn)) {
            align_from(in, &r, &x, sn);
            long v;
            if (!(svc_int_literal(in, sn, &v) && v >= 0 && v <= 1)) r.flags |= FF_SLICED;
        } else if (k != AX_BATCH && k != AX_VOCAB) {
            align_clear(&r);
        }
        return r;
    }
    case OP_ITEM:
        x.ndim = 0;
        return x;
    case OP_STACK:
    case OP_CAT: {
        Fact r = stack_or_cat(in, x, dim, t->op == OP_CAT);
        if (t->op == OP_CAT) /* facts_rows.c */
            rows_of_cat(in, &r, &x, a->npos >= 1 ? a->pos[0] : (TSNode){0}, dim);
        if (t->op == OP_CAT && off == 1 && a->npos >= 1) {
            cat_positions(in, &r, a->pos[0], dim);
            cat_ignored(in, &r, a->pos[0]);
        }
        return r;
    }
    case OP_ROLL: { /* roll(ids, -1, dims=1): element t is token t + 1; the last wraps */
        TSNode sn = args_node(in, a, "shifts", NULL, off);
        long shift;
        Fact r = x;
        align_clear(&r);
        if (!ts_node_is_null(sn) && svc_int_literal(in, sn, &shift)) {
            TSNode dn = args_node(in, a, "dims", NULL, off + 1);
            long d = x.ndim == 1 ? 0 : 99;
            if (!ts_node_is_null(dn) && !svc_int_literal(in, dn, &d)) d = 99;
            AxisKind k =
                x.ndim == 1 && ts_node_is_null(dn) ? (AxisKind)x.ax[0] : fact_axis(&x, (int)d);
            if (x.ndim < 0 && (x.kinds & (FK_IDS | FK_MASK)) && (d == -1 || d == 1))
                k = AX_POS; /* [B, T] */
            if (d != 99 && (k == AX_POS || k == AX_STEP)) r.head = align_shift(x.head, (int)-shift);
        }
        return r;
    }
    case OP_SIZE:
    case OP_NUMEL:
        return lengths_size(x, dim, t->op == OP_NUMEL, node);
    case OP_CHUNK:
        return chunks(in, node, x, a, off, dim);
    case OP_SPLIT:
        return split_pieces(in, node, x, a, off, dim);
    case OP_UNBIND: /* x.unbind(0): its rows, a sequence as x itself is (indexed, iterated,
                       extended into a list); along another axis, not followed */
        return dim == FACT_NO_DIM || dim == 0 ? x : fact_unknown();
        OPS_BUT_LAYOUT(OP_CASE) /* another family's (xfer_apply routes by the lists) */
        return fact_unknown();
    }
    return fact_unknown(); /* not an Op: unreachable */
}

/* torch.tensor([tokens]): a batch of one made of a sequence of token ids. The code says what
 * tokens is: one sequence, [T] (a batch [B, T] in a list would be [1, B, T], which no model
 * takes), so tokens[t] is the token at position t from here on; the batch's row 0 is that
 * sequence, at its positions. */
static Fact one_sequence_batch(Interp *in, const Args *a, Fact x) {
    TSNode list = a->npos >= 1 ? parse_unparen(a->pos[0]) : (TSNode){0};
    if (!parse_is(list, "list") || ts_node_named_child_count(list) != 1) return x;
    TSNode elem = parse_unparen(parse_named_child(list, 0));
    if (!parse_is(elem, "identifier")) return x;
    Fact seq = svc_eval(in, elem);
    if (seq.kinds != FK_IDS || seq.obj != FO_NONE || seq.ndim > 1 || seq.ndim == 0 ||
        !seq.head.sym)
        return x;
    if (seq.ndim < 0) {
        fact_set_axes(&seq, 1, (AxisKind[]){AX_POS});
        svc_rebind(in, elem, seq);
    }
    Fact batch = fact_tensor(FK_IDS, seq.flags & (FF_WEAK | FF_JOINED), elem, 2,
                             (AxisKind[]){AX_BATCH, AX_POS});
    batch.head = seq.head;
    batch.tail = seq.tail;
    return batch;
}

/* 0, 0.0, zeros_like(x), x.new_zeros(...), torch.zeros(...): a fill of zeros. */
static bool zero_fill(Interp *in, TSNode n) {
    n = parse_unparen(n);
    long v;
    if (svc_int_literal(in, n, &v)) return v == 0;
    if (parse_is(n, "float")) return svc_text_eq(in, n, "0.0") || svc_text_eq(in, n, "0.");
    if (!parse_is(n, "call")) return false;
    TSNode fn = parse_field(n, "function");
    if (parse_is(fn, "attribute")) fn = parse_field(fn, "attribute");
    return svc_text_eq(in, fn, "zeros_like") || svc_text_eq(in, fn, "zeros") ||
           svc_text_eq(in, fn, "new_zeros");
}

/* torch.where(m, lp, 0): lp where m holds and 0 elsewhere, as lp * m is, whatever else m is
 * known as (a loop's `alive` rows, made of ones and comparisons): a mask of the token scores,
 * judged as a multiply is (facts_mask.c). torch.where(done, 0, lp) is lp * ~done. A zero fill
 * adds nothing to a sum, nor changes lp's layout. */
static bool where_zero_fill(Interp *in, const Args *a, Fact *r) {
    if (a->npos != 3) return false;
    bool kept_where_false = zero_fill(in, a->pos[1]);
    if (!kept_where_false && !zero_fill(in, a->pos[2])) return false;
    Fact scores = a->posf[kept_where_false ? 2 : 1], cond = a->posf[0];
    if (scores.obj != FO_NONE || !(scores.kinds & FK_SCORES) || cond.obj != FO_NONE ||
        (cond.kinds & (FK_SCORES | FK_IDS | FK_LOSS)))
        return false;
    if (kept_where_false && !pad_mask_negated(&cond)) return false;
    *r = scores;
    if (mask_multiply(r, &cond)) r->flags |= FF_MASKED;
    return true;
}

/* values made, combined or masked */
static Fact array_values(Interp *in, TSNode node, const Contract *t, Fact x, const Args *a,
                         int off) {
    switch ((Op)t->op) {
    case OP_FULL:
        return off == 1 ? filled_batch(in, a, node) : fact_unknown();
    case OP_TO_TENSOR:
        /* torch.tensor([ctx_enc + cont_enc]): a join of two unknowns is text, unless it is made
         * a tensor: then two lists of token ids */
        if (off == 1 && x.obj == FO_NONE && !x.kinds && (x.flags & FF_JOINED)) {
            bool row = parse_is(parse_unparen(a->pos[0]), "list");
            Fact ids = row ? fact_tensor(FK_IDS, FF_JOINED, node, 2, (AxisKind[]){AX_BATCH, AX_POS})
                           : fact_tensor(FK_IDS, FF_JOINED, node, 1, (AxisKind[]){AX_POS});
            if (align_known(&x)) {
                ids.head = x.head;
                ids.tail = x.tail;
            } else {
                align_fresh(&ids, node);
            }
            return ids;
        }
        if (off == 1) return one_sequence_batch(in, a, x);
        if (x.obj == FO_NONE && x.kinds == FK_IDS && x.ndim == 2 && x.ax[0] == AX_ITEM &&
            x.ax[1] == AX_POS)
            x.ax[0] = AX_BATCH; /* torch.tensor(rows): a list of rows of ids is a batch */
        return x;
    case OP_PASS: /* np.clip(p, eps, 1), p.clamp(min=eps), np.maximum(n, 1): facts_classprob.c */
        return classprob_clipped(in, t->name, args_node(in, a, "min", "a_min", off), x);
    case OP_WHERE: {
        Fact cond = args_fact(in, a, "condition", 0); /* x.where(cond, other) */
        Fact b = args_fact(in, a, "other", 1);
        Fact r = x.bottom ? b : where_join(in, x, b.bottom ? fact_bottom() : b);
        if (off == 1 && where_zero_fill(in, a, &r)) return r;
        if (off == 1) { /* torch.where(cond, a, b) */
            cond = a->npos > 0 ? a->posf[0] : fact_unknown();
            r = where_join(in, a->npos > 1 ? a->posf[1] : fact_bottom(),
                           a->npos > 2 ? a->posf[2] : fact_bottom());
            if (r.bottom) r = fact_unknown();
        }
        if (cond.kinds & FK_MASK) r.flags |= FF_MASKED;
        return r;
    }
    case OP_MASKED_FILL: { /* x.masked_fill(mask, value): judged by its value (facts_mask.c) */
        int v = args_kw(in, a, "value");
        TSNode value = v >= 0 ? a->kw_val[v] : off + 1 < a->npos ? a->pos[off + 1] : (TSNode){0};
        Fact m = args_fact(in, a, "mask", off);
        if (x.obj == FO_NONE && !(x.kinds & ~(FK_IDS | FK_NUM)) && x.ndim != 0 &&
            (!(x.kinds & FK_NUM) || mask_is_select_index(in, node)))
            mask_ids_filled(in, args_node(in, a, "mask", NULL, off), value);
        if (fact_knows_nothing(&x)) return fact_unknown(); /* (FORM_UNKNOWN: only the above) */
        /* ids.masked_fill(attention_mask == 0, -100): the sentinel over the pads only, as
         * labels[mask == 0] = -100 (facts_labels.c) */
        if ((x.kinds & FK_IDS) && (!(x.flags & FF_MASKED) || x.pads_ignored))
            x.pads_ignored =
                padid_filled_over_pads(in, &x, &m, args_node(in, a, "mask", NULL, off), value);
        if (mask_fill(in, &x, &m, value)) x.flags |= FF_MASKED;
        return x;
    }
    case OP_MUL: {
        Fact o = args_fact(in, a, NULL, off), scaled;
        if ((o.kinds & FK_MASK) && mask_multiply(&x, &o)) x.flags |= FF_MASKED;
        TSNode on = a->npos > off ? a->pos[off] : (TSNode){0}; /* torch.mul(loss, n_tokens) */
        TSNode xn = off == 1 && a->npos > 0 ? a->pos[0] : (TSNode){0};
        if (labels_scale_by(x, xn, o, on, &scaled)) return scaled;
        return x;
    }
    case OP_DIV: /* x.div(y), torch.div(x, y), np.divide(x, y): x / y */
        return svc_binop(in, node, '/', x, args_fact(in, a, NULL, off));
    case OP_SUB: /* x.sub_(logsumexp(x)): x - y */
        return svc_binop(in, node, '-', x, args_fact(in, a, NULL, off));
    case OP_COMPARE:
        if (x.kinds & (FK_IDS | FK_MASK)) {
            x.kinds = FK_MASK;
            return x;
        }
        return fact_unknown();
    case OP_ARANGE: {
        Fact r = fact_tensor(FK_INDEX, 0, node, 1, (AxisKind[]){AX_POS});
        r.head = align_node_pos(node, 'C');
        /* its first element, when known: arange(n) starts at 0 (an index from there picks
         * positions as x[s:] does, facts_align.c) */
        int n = a->npos; /* torch.arange(end) or (start, end[, step]); no receiver among them */
        Fact start = n >= 2 ? a->posf[0] : fact_unknown();
        if (n == 1 && args_kw(in, a, "start") < 0) {
            r.flags |= FF_CONST;
            r.num = 0;
        } else if (n >= 2 && (start.flags & FF_CONST)) {
            r.flags |= FF_CONST;
            r.num = start.num;
        }
        /* arange(s, e): the positions of a window, as the slice x[s:e] keeps them */
        if (n >= 2) r.flags |= FF_SLICED;
        return r;
    }
    case OP_NONZERO: { /* the positions where a mask is true: reading there skips the rest */
        if (!(x.kinds & FK_MASK)) return fact_unknown();
        return fact_tensor(FK_INDEX, FF_MASKED, node, 1, (AxisKind[]){AX_POS});
    }
    case OP_PAD_SEQUENCE: { /* pad_sequence(xs): a padded batch (F.pad / np.pad may pad by 0) */
        Fact r = iter_element(in, off == 1 && a->npos >= 1 ? a->posf[0] : x);
        if (r.obj != FO_NONE) return fact_unknown();
        /* what it pads is each element's first axis: a sequence's positions */
        if (r.ndim < 0)
            fact_set_axes(&r, r.ax_last == AX_UNK ? 1 : 2, (AxisKind[]){AX_POS, r.ax_last});
        else if (r.ndim >= 1 && r.ax[0] == AX_UNK)
            r.ax[0] = AX_POS;
        fact_insert_axis(&r, args_truthy(in, a, "batch_first") ? 0 : 1, AX_BATCH);
        /* padding_value=-100: labels whose pads the loss ignores */
        Fact fill = args_fact(in, a, "padding_value", -1);
        bool ignored = (fill.flags & FF_CONST) && fill.num < 0;
        r.flags = (r.flags & ~(FF_LOOPVAR | FF_STEPVAR)) | (ignored ? FF_MASKED : FF_PADDED);
        r.tail = (FactPos){0, 0, false};
        return r;
    }
    case OP_PAD_ARRAY: { /* np.pad / F.pad: an array padded (maybe by 0), not a tokenizer's batch */
        Fact r = a->npos ? a->posf[0] : fact_unknown();
        TSNode width = args_node(in, a, "pad", "pad_width", 1);
        FactPos head = r.head;
        align_clear(&r); /* padded at the front, its positions move */
        if (pads_end_only(in, width)) r.head = head; /* (0, n): element t stays at t */
        /* F.pad(s, (0, L - len(s))): padded to a length it did not have, a batch's pads;
         * a literal width ((1, 0)) only moves positions */
        if (pad_width_varies(in, width)) r.flags |= FF_PADDED;
        return r;
    }
        OPS_BUT_VALUES(OP_CASE) /* another family's (xfer_apply routes by the lists) */
        return fact_unknown();
    }
    return fact_unknown(); /* not an Op: unreachable */
}

/* Dense(n, activation="softmax"), activation=tf.nn.softmax / keras.activations.softmax: the
 * layer's output is a softmax over its units. */
static bool dense_softmax(Interp *in, const Args *a) {
    if (args_string_is(in, a, "activation", "softmax")) return true;
    Fact f = args_fact(in, a, "activation", -1);
    if (f.bottom || f.obj != FO_MODULE || !f.qual) return false;
    const Contract *t = contracts_func(f.qual);
    return t && t->op == OP_SOFTMAX;
}

/* losses, and the loss and normalising modules that apply them */
static Fact array_losses(Interp *in, TSNode node, const Contract *t, Fact x, const Args *a,
                         int off) {
    switch ((Op)t->op) {
    case OP_KERAS_CE: /* keras: (y_true, y_pred), logits only with from_logits=True */
        if (off != 1 || a->npos < 2 || !args_truthy(in, a, "from_logits")) return fact_unknown();
        /* y_pred = lm(x): a keras model's output is its logits */
        return apply_loss(in, node, hf_output_tensor(a->posf[1]), a->posf[0], false, RED_NONE,
                          false);
    case OP_LINEAR_CLASS: {
        /* keras Dense(V, activation="softmax") ends in a softmax over its units, as a layer
         * Softmax(-1) after it would; another activation is no scores we know; Linear(h, 1)
         * is a scalar head (a value, a reward): no scores over anything */
        TSNode act = args_node(in, a, "activation", NULL, -1);
        if (dense_softmax(in, a)) {
            Fact c = fact_object(FO_CALLABLE, 0, node);
            c.op = OP_SOFTMAX_CLASS;
            c.op_dim = -1;
            return c;
        }
        if (!ts_node_is_null(act) && !parse_is(parse_unparen(act), "none") &&
            !args_string_is(in, a, "activation", "linear"))
            return fact_unknown();
        bool dense = t->name[0] == 'D'; /* Dense(units / features), Linear(in, out_features) */
        TSNode w = dense ? args_node(in, a, "units", "features", 0)
                         : args_node(in, a, "out_features", NULL, 1);
        long width;
        Fact wf = args_fact(in, a, dense ? "units" : "out_features", dense ? 0 : 1);
        if (dense && wf.bottom) wf = args_fact(in, a, "features", 0);
        bool one = (wf.flags & FF_CONST) && wf.num == 1; /* a width held in a name: n_out = 1 */
        if (!ts_node_is_null(w) && ((svc_int_literal(in, w, &width) && width == 1) || one))
            return fact_unknown();
        Fact c = fact_object(FO_CALLABLE, 0, node);
        c.op = OP_LINEAR_CLASS;
        return c;
    }
    case OP_RECURRENT_CELL:
    case OP_RECURRENT_SEQ:
        return recurrent_layer(in, node, t, a);
    case OP_DROPOUT_CLASS:
    case OP_EMBED: {
        Fact c = fact_object(FO_CALLABLE, 0, node);
        c.op = (Op)t->op;
        return c;
    }
    case OP_KERAS_CE_CLASS: {
        if (!args_truthy(in, a, "from_logits")) return fact_unknown();
        Fact c = fact_object(FO_CALLABLE, 0, node);
        c.op = OP_KERAS_CE_CLASS;
        return c;
    }
    case OP_CROSS_ENTROPY:
    case OP_NLL_LOSS: {
        /* F.cross_entropy(input=x, target=y), tf's (labels=y, logits=x) */
        if (off == 1 && args_kw(in, a, "input") >= 0) x = args_fact(in, a, "input", -1);
        if (off == 1 && args_kw(in, a, "logits") >= 0) x = args_fact(in, a, "logits", -1);
        Fact y = args_fact(in, a, "target", off);
        if (y.bottom) y = args_fact(in, a, "labels", off);
        /* torch's losses average by default; optax's and tf.nn's give one loss per example,
         * reduced (and masked) by the code that follows */
        Reduction red = (t->libs & LIB_TORCH) ? reduction_of(in, a) : RED_NONE;
        if (red != RED_NONE) regions_loss_targets(in, node, &y, regions_loss_ignore(in, node));
        /* ignore_index=-100 masks nothing where the targets are padded ids no code wrote
         * over: their pads hold the pad id, never -100 */
        bool ignored = args_kw(in, a, "ignore_index") >= 0 &&
                       !regions_ignore_misses_pads(regions_loss_ignore(in, node), &y);
        return apply_loss(in, node, x, y, t->op == OP_NLL_LOSS, red, ignored);
    }
    case OP_CROSS_ENTROPY_CLASS:
    case OP_NLL_LOSS_CLASS:
    case OP_LOG_SOFTMAX_CLASS:
    case OP_SOFTMAX_CLASS: {
        Reduction red = reduction_of(in, a);
        Fact c = fact_object(FO_CALLABLE,
                             red == RED_NONE  ? FF_PERTOKEN
                             : red == RED_SUM ? FF_SCALED
                                              : 0,
                             node);
        if (args_kw(in, a, "ignore_index") >= 0) c.flags |= FF_MASKED;
        c.op = t->op;
        c.op_dim = (int8_t)args_dim(in, a, 0);
        return c;
    }
        OPS_BUT_LOSSES(OP_CASE) /* another family's (xfer_apply routes by the lists) */
        return fact_unknown();
    }
    return fact_unknown(); /* not an Op: unreachable */
}

static Fact array_transfer(Interp *in, const Applied *s, ArrayTransfer which);

Fact array_apply(Interp *in, const Applied *s, ArrayTransfer which) {
    Fact r = array_transfer(in, s, which);
    /* a recurrent layer's layout: kept by what keeps every axis, and by the reshapes that
     * say so */
    if (s->row->op != OP_PASS && s->row->op != OP_RESHAPE) r.recurrent = false;
    /* a transpose, a reduction over axis 0 (a softmax keeps every axis) */
    if (s->row->op != OP_PASS && !contracts_normalises(s->row->op)) r.batch_first = false;
    return r;
}

static Fact array_transfer(Interp *in, const Applied *s, ArrayTransfer which) {
    in->call_transfer = true;
    const Contract *t = s->row;
    int dim = t->dim_pos >= 0 ? args_dim(in, s->a, t->dim_pos + s->off) : args_dim(in, s->a, -1);
    bool keepdim = args_truthy(in, s->a, "keepdim") || args_truthy(in, s->a, "keepdims");
    switch (which) {
    case AT_SCORES:
        return array_scores(in, s->node, t, s->x, s->a, s->off, dim, keepdim);
    case AT_REDUCTIONS:
        return array_reductions(in, s->node, t, s->x, s->a, s->off, dim, keepdim);
    case AT_LAYOUT:
        return array_layout(in, s->node, t, s->x, s->a, s->off, dim);
    case AT_VALUES:
        return array_values(in, s->node, t, s->x, s->a, s->off);
    case AT_LOSSES:
        return array_losses(in, s->node, t, s->x, s->a, s->off);
    case AT_NOTHING:
        return fact_unknown();
    }
    return fact_unknown(); /* not an ArrayTransfer: unreachable */
}

/* A FO_CALLABLE applied to its arguments: nn.LogSoftmax(dim=-1)(x), nn.CrossEntropyLoss()(x, y). */
/* A Linear head over vectors of no kind whose leading axes are known (a transformer's hidden
 * states, [batch, seq, hidden]) maps the last axis only: its scores are at the same rows and
 * positions, over the head's classes (a token tagger's [batch, seq, tags]). */
static void head_keeps_rows(Fact *scores, const Fact *x) {
    if (x->kinds || x->obj != FO_NONE || x->ndim < 2 || scores->ndim >= 0 ||
        x->ax[x->ndim - 1] != AX_UNK)
        return;
    AxisKind axes[FACT_MAX_DIMS];
    for (int i = 0; i < x->ndim - 1; i++) {
        axes[i] = (AxisKind)x->ax[i];
        if (axes[i] == AX_UNK || axes[i] == AX_VOCAB) return;
    }
    axes[x->ndim - 1] = AX_VOCAB;
    fact_set_axes(scores, x->ndim, axes);
}

Fact array_callable(Interp *in, TSNode node, Fact c, const Args *a) {
    Fact x = a->npos > 0 ? a->posf[0] : fact_unknown();
    switch ((Op)c.op) {
    case OP_LOG_SOFTMAX_CLASS:
        return normalize(in, node, x, c.op_dim, true);
    case OP_SOFTMAX_CLASS:
        return normalize(in, node, x, c.op_dim, false);
    case OP_COLLATOR: /* (an MLM collator's object is made a collator's) */
    case OP_INPUTS_COLLATOR: /* (its object is made a collator's too) */
    case OP_MLM_COLLATOR:
        return hf_padded_batch(node, FF_MASKED | (c.flags & FF_NOTLM));
    case OP_LINEAR_CLASS: { /* head(h): unnormalised scores at h's positions, over its features */
        Fact r = fact_of(FK_RAW, x.flags & (FF_LOOPVAR | FF_STEPVAR), node);
        r.ndim = -1;
        pad_carry(&r, &x); /* a padded batch's hidden states: the head's values are too */
        recurrent_head(&r, &x); /* over a recurrent layer's output: at its batch rows */
        head_keeps_rows(&r, &x);
        if (c.batch_first) /* a keras model's: [batch, ..., features] */
            r.batch_first = true, r.ax_last = AX_VOCAB;
        return r;
    }
    case OP_RECURRENT_CELL:
    case OP_RECURRENT_SEQ:
        return recurrent_apply(in, node, c, &x);
    case OP_DROPOUT_CLASS: /* dropout(h): h, as it was */
        return x;
    case OP_EMBED: /* vectors of the ids: nothing the rules look at */
        return fact_unknown();
    case OP_KERAS_CE_CLASS: /* SparseCategoricalCrossentropy(from_logits=True)(y, logits) */
        return a->npos >= 2 ? apply_loss(in, node, hf_output_tensor(a->posf[1]), a->posf[0], false,
                                         RED_UNSAID, false)
                            : fact_unknown();
    case OP_CROSS_ENTROPY_CLASS:
    case OP_NLL_LOSS_CLASS: {
        Fact y = a->npos > 1 ? a->posf[1] : fact_unknown();
        if (!(c.flags & FF_PERTOKEN) && c.fill) regions_loss_targets(in, node, &y, c.fill);
        return apply_loss(in, node, x, y, c.op == OP_NLL_LOSS_CLASS,
                          (c.flags & FF_PERTOKEN) ? RED_NONE
                          : (c.flags & FF_SCALED) ? RED_SUM
                                                  : RED_MEAN,
                          (c.flags & FF_MASKED) && /* CrossEntropyLoss(ignore_index=pad) */
                              !regions_ignore_misses_pads(c.fill, &y));
    }
        OPS_BUT_CALLABLES(OP_CASE) /* no module class's or collator's object */
        return fact_unknown();
    }
    return fact_unknown(); /* not an Op: unreachable */
}
