/* Python builtins (len, range, enumerate, zip, map, sorted, list methods), functools, iteration,
 * and the small object ops of other libraries (distributions, nn.Sequential, llama.cpp, tiktoken).
 */
#include "facts_xfer.h"

/* An element of a sequence iterated along its positions in step with a counter (enumerate,
 * zip): its position is the sequence's head plus the counter. */
static void iter_position(Fact *e, const Fact *seq, uint32_t counter) {
    bool positions = seq->ndim >= 1 && (seq->ax[0] == AX_POS || seq->ax[0] == AX_STEP);
    if (!positions || !seq->head.sym || !counter) return;
    e->head = e->tail = (FactPos){align_sym(seq->head.sym, counter), seq->head.c, seq->head.end};
}

static Fact iter_of(Interp *in, Fact *elems, int n, TSNode node) {
    Fact f = fact_object(FO_TUPLE, 0, node);
    f.elems = arena_alloc(in->arena, sizeof(Fact) * (size_t)(n ? n : 1));
    memcpy(f.elems, elems, sizeof(Fact) * (size_t)n);
    f.nelems = n;
    f.records = true; /* iterating it yields these tuples (zip, enumerate) */
    return f;
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

/* nn.Sequential(..., nn.Softmax(-1)), keras.Sequential([..., Dense(n, activation="softmax")]):
 * what its last module does; keras.Sequential() with no layers yet: a callable of no op, which
 * .add(layer) makes do what layer does (layer_added). A keras model runs on batches: its
 * outputs have the batch first (Fact.batch_first). */
static Fact sequential_last(const Applied *s) {
    const Args *a = s->a;
    bool keras = s->qual && (contracts_lib_of(s->qual) & LIB_TF);
    Fact last = a->npos ? a->posf[a->npos - 1] : fact_unknown();
    if (!a->npos && !a->nkw && !a->splatted) {
        last = fact_object(FO_CALLABLE, 0, s->node);
        last.op = OP_NONE;
    }
    /* nn.Sequential(*body, nn.Softmax(-1)): the modules a list splat adds come first; a last
     * argument *layers is that list's last module */
    bool splat_last = a->npos && parse_is(a->pos[a->npos - 1], "list_splat");
    if ((a->npos == 1 || splat_last) && last.obj == FO_TUPLE && !last.records && last.nelems > 0)
        last = last.elems[last.nelems - 1];
    else if (splat_last && fact_last_module(&last)) /* a list of modules */
        last = *fact_last_module(&last);
    else if (splat_last)
        return fact_unknown();
    if (last.obj != FO_CALLABLE || a->has_splat || a->overflow) return fact_unknown();
    last.batch_first = keras;
    return last;
}

/* seq.add(layer): what the Sequential does is now what its new last layer does (a layer of no
 * known op: nothing known). */
static Fact layer_added(Interp *in, const Applied *s) {
    if (s->recv.obj != FO_CALLABLE || s->a->npos != 1 || s->a->splatted) return fact_unknown();
    Fact layer = s->a->posf[0];
    if (layer.obj != FO_CALLABLE) {
        layer = fact_object(FO_CALLABLE, 0, s->node);
        layer.op = OP_NONE;
    }
    layer.batch_first = s->recv.batch_first; /* a keras Sequential's */
    if (parse_is(s->recv_node, "identifier") || parse_is(s->recv_node, "attribute"))
        svc_bind(in, s->recv_node, layer);
    return fact_unknown();
}

/* functools.partial(F.nll_loss, reduction="sum"): F.nll_loss itself; partial(F.softmax, dim=0):
 * a normaliser over that dim, as nn.Softmax(dim=0) is. */
static Fact partial_of(Interp *in, const Args *a, TSNode node) {
    Fact f = a->npos ? a->posf[0] : fact_unknown();
    const Contract *row = f.obj == FO_MODULE && f.qual ? contracts_func(f.qual) : NULL;
    int dim = row && contracts_normalises(row->op) && a->npos == 1 ? args_dim(in, a, -1)
                                                                    : FACT_NO_DIM;
    if (dim != FACT_NO_DIM) {
        Fact c = fact_object(FO_CALLABLE, 0, node);
        c.op = row->op == OP_SOFTMAX ? OP_SOFTMAX_CLASS : OP_LOG_SOFTMAX_CLASS;
        c.op_dim = (int8_t)dim;
        return c;
    }
    if (f.obj == FO_FUNC) return partial_bind(in, f, a); /* the project's: with what it binds */
    bool callable = f.obj == FO_MODULE || f.obj == FO_CALLABLE;
    return callable ? f : fact_unknown();
}

/* Builtins, tokenizers, models: calls that are not tensor arithmetic. */
/* dict(k=v, ...) (or GenerationConfig(k=v, ...), a settings object read as such): its values
 * by key, as a dict literal's; of plain numbers only, unknown (eval_dict). */
static Fact keyword_dict(Interp *in, const Args *a, TSNode node) {
    Fact d = fact_object(FO_DICT, 0, node);
    d.elems = arena_alloc(in->arena, sizeof(Fact) * (size_t)a->nkw);
    d.keys = arena_alloc(in->arena, sizeof(char *) * (size_t)a->nkw);
    bool informative = false;
    for (int i = 0; i < a->nkw; i++) {
        size_t len;
        const char *k = parse_text(in->src, a->kw_name[i], &len);
        d.keys[i] = arena_strndup(in->arena, k, len);
        d.elems[i] = a->kwf[i];
        informative |= fact_informs_dict(&a->kwf[i]);
    }
    d.nelems = a->nkw;
    return informative ? d : fact_unknown();
}

Fact builtins_apply(Interp *in, const Applied *s) {
    const Contract *t = s->row;
    TSNode node = s->node;
    const Args *a = s->a;
    in->call_transfer = true;
    switch ((Op)t->op) {
    case OP_PARTIAL:
        return partial_of(in, a, node);
    case OP_ARGUMENTS:
        return argparse_apply(in, s);
    case OP_SEQUENTIAL:
        return sequential_last(s);
    case OP_LAYER_ADD:
        return layer_added(in, s);
        OPS_KERAS(OP_CASE) /* keras's models and data (facts_keras.c) */
        return keras_apply(in, s);
    case OP_FOLD: { /* functools.reduce(operator.mul, ps) is math.prod(ps); add, sum(xs) */
        if (a->npos < 2) return fact_unknown();
        char op = fold_operator(in, a->pos[0], a->posf[0]);
        if (!op) return fact_unknown();
        return array_reduce(in, node, a->posf[1], FACT_NO_DIM, false, op == '*' ? OP_PROD : OP_SUM);
    }
    case OP_DISTRIBUTION: { /* Categorical(probs=None, logits=None) */
        Fact d = args_fact(in, a, "logits", -1);
        if (d.bottom) d = args_fact(in, a, "probs", 0);
        if (d.bottom || d.obj != FO_NONE) d = fact_unknown();
        d.kinds = FK_LOGPROB;
        d.flags &= ~(FF_SOFTMAX | FF_EXP | FF_WEAK);
        d.obj = FO_DISTRIBUTION;
        d.origin = node;
        return d;
    }
    case OP_MODEL: /* llama_cpp.Llama(...): a model; llm.scores holds its logits rows */
        return fact_object(FO_MODEL, 0, node);
    case OP_TRAIN_STATE: /* TrainState.create(apply_fn=model.apply, ...): state.apply_fn runs it */
        return fact_object(FO_MODEL, FF_WEAK, node);
    case OP_TOKENIZER: /* tiktoken.get_encoding("gpt2"): encode() gives token ids */
        return fact_object(FO_TOKENIZER, 0, node);
    case OP_LOAD_BARE_LM: { /* mlx_lm.load: (model, tokenizer); return_config=True adds more */
        if (args_truthy(in, a, "return_config")) return fact_unknown();
        Fact model = fact_object(FO_MODEL, 0, node);
        model.causal = model.bare_lm = true; /* model(ids) is its logits [B, T, V] */
        return fact_pair(in->arena, model, fact_object(FO_TOKENIZER, 0, node), node);
    }
    case OP_LEN: { /* len(ids): its length; len(list of candidates) is no token count */
        Fact x = a->npos ? a->posf[0] : fact_unknown();
        AxisKind k = x.ndim >= 1 ? (AxisKind)x.ax[0] : AX_UNK;
        Fact n = lengths_of(x, k == AX_ITEM || k == AX_STEP ? AX_ITEM : AX_POS, node);
        return k == AX_POS ? lengths_span(n, &x) : n; /* len([B, T]) is B */
    }
    case OP_RANGE: {
        Fact r = fact_tensor(FK_INDEX, 0, node, 1, (AxisKind[]){AX_POS});
        r.head = align_node_pos(node, 'C'); /* its elements: a counter of their own */
        /* range(ctx_len - 1, end): positions restricted as x[ctx_len - 1:end] restricts them
         * (0 and 1 only start at the first token, or after the causal shift) */
        long start;
        if (a->npos >= 2 && !(svc_int_literal(in, a->pos[0], &start) && start >= 0 && start <= 1))
            r.flags |= FF_SLICED;
        return r;
    }
    case OP_ENUMERATE: {
        Fact seq = a->npos ? a->posf[0] : fact_unknown();
        Fact e[2] = {fact_of(FK_INDEX, FF_LOOPVAR, node), iter_element(in, seq)};
        e[0].ndim = 0;
        /* the counter is the element's position in the sequence (facts_align.c) */
        FactPos counter = align_node_pos(node, 'C');
        long start = 0;
        TSNode sn = args_node(in, a, "start", NULL, 1);
        if (!ts_node_is_null(sn) && !svc_int_literal(in, sn, &start)) counter.sym = 0;
        e[0].head = align_shift(counter, (int)start);
        iter_position(&e[1], &seq, counter.sym);
        rows_loop_batch(node, &e[1]); /* for step, batch in enumerate(loader) (facts_rows.c) */
        return iter_of(in, e, 2, node);
    }
    case OP_LIST: /* list(xs), tuple(xs): the same elements */
        return a->npos == 1 && !a->splatted ? a->posf[0] : fact_unknown();
    case OP_DICT: { /* dict(zip(names, losses)): what .get / [k] give, as a dict literal's
                       values are (iterating the pairs' second elements) */
        if (a->npos == 0 && !a->splatted && a->nkw > 0) return keyword_dict(in, a, node);
        /* dict(enc) of a tokenizer's batch: the same tensors under the same keys */
        if (a->npos == 1 && !a->splatted && a->nkw == 0 && a->posf[0].obj == FO_ENCODING)
            return a->posf[0];
        Fact pairs = a->npos == 1 && !a->splatted ? a->posf[0] : fact_unknown();
        if (pairs.obj != FO_TUPLE || !pairs.records || pairs.nelems != 2) return fact_unknown();
        return svc_list_of(in, pairs.elems[1], node);
    }
    case OP_ITEMS: { /* {t: lp for ...}.items(): pairs of a key nothing is known of and a value */
        Fact e[2] = {fact_unknown(), iter_element(in, s->recv)};
        return iter_of(in, e, 2, node);
    }
    case OP_ZIP: {
        Fact e[MAX_ARGS];
        uint32_t counter = align_node_pos(node, 'C').sym;
        for (int i = 0; i < a->npos; i++) {
            e[i] = iter_element(in, a->posf[i]);
            iter_position(&e[i], &a->posf[i], counter);
        }
        return iter_of(in, e, a->npos, node);
    }
    case OP_SORTED: {
        Fact x = a->npos ? a->posf[0] : fact_unknown();
        svc_emit(in, EV_RANK, 0, node, x, fact_unknown(), AX_UNK);
        array_rank_key(in, a, node);
        return x;
    }
    case OP_WRAP_MODEL: { /* the objects given, unchanged; accelerate's prepare: one each */
        Fact e[MAX_ARGS];
        int n = 0;
        for (int i = 0; i < a->npos && !a->splatted; i++) {
            Fact x = a->posf[i];
            /* a loader (records: its batches) is handed back yielding the same batches */
            bool object = x.obj == FO_MODEL || x.obj == FO_INSTANCE || x.obj == FO_FUNC ||
                          x.obj == FO_CALLABLE || (x.records && x.obj != FO_NONE);
            e[n++] = object ? x : fact_unknown();
        }
        if (n == 0) {
            Fact m = args_fact(in, a, "model", -1);
            return !m.bottom && (m.obj == FO_MODEL || m.obj == FO_INSTANCE) ? m : fact_unknown();
        }
        if (n == 1) return e[0];
        Fact r = fact_object(FO_TUPLE, 0, node);
        r.elems = arena_alloc(in->arena, sizeof(Fact) * (size_t)n);
        memcpy(r.elems, e, sizeof(Fact) * (size_t)n);
        r.nelems = n;
        return r;
    }
    case OP_RANK_METRIC: { /* roc_auc_score(correct, conf): conf's order is what counts */
        Fact ranked[MAX_ARGS];
        int n = 0;
        if (t->idx_pos < 0)
            for (; n < a->npos; n++)
                ranked[n] = a->posf[n];
        else { /* sklearn names it y_score (probas_pred in older precision_recall_curve) */
            ranked[0] = args_fact(in, a, "y_score", t->idx_pos);
            n = ranked[0].bottom ? 0 : 1;
            if (!n) ranked[n++] = args_fact(in, a, "probas_pred", -1);
        }
        for (int i = 0; i < n; i++)
            if (!ranked[i].bottom && (ranked[i].kinds & (FK_SCORES | FK_LOSS | FK_NUM)))
                svc_emit(in, EV_RANK, RANK_METRIC, node, ranked[i], fact_unknown(), AX_UNK);
        return fact_of(FK_NUM, 0, node);
    }
        OPS_BUT_BUILTINS(OP_CASE) /* another family's (xfer_apply routes by the lists) */
        return fact_unknown();
    }
    return fact_unknown(); /* not an Op: unreachable */
}

/* lst.append(x): the list now may hold x; appending one position's value per loop pass
 * builds a list over positions. */
/* groups[k].append(x) with k computed (a question id): the dict's lists are grouped by keys we
 * cannot tell apart, so every key's list holds what any append added (FACT_ANY_KEY). groups is
 * a name bound to a dict, or to nothing known (defaultdict(list)); list is the grown list. */
static void group_store(Interp *in, TSNode target, Fact list) {
    TSNode object = parse_field(target, "value");
    if (!parse_is(object, "identifier") || ts_node_named_child_count(target) != 2) return;
    Fact dict = svc_lookup(in, object);
    if (dict.obj != FO_DICT) {
        if (!fact_knows_nothing(&dict)) return;
        dict = fact_object(FO_DICT, 0, object);
    }
    dict = fact_with_field(in->arena, dict, FACT_ANY_KEY, sizeof FACT_ANY_KEY - 1, list);
    svc_rebind(in, object, dict);
}

void builtins_sort_in_place(Interp *in, TSNode call, Fact list, const Args *a) {
    Args sorted = *a; /* sorted(lst, key=f) */
    sorted.npos = sorted.nplain = 1;
    sorted.pos[0] = parse_field(parse_field(call, "function"), "object");
    sorted.posf[0] = list;
    svc_emit(in, EV_RANK, 0, call, list, fact_unknown(), AX_UNK);
    array_rank_key(in, &sorted, call);
}

/* d["key"] with d a name bound to a dict the code built. */
static bool dict_field_of(Interp *in, TSNode item) {
    TSNode object = parse_field(item, "value");
    if (!parse_is(object, "identifier") || ts_node_named_child_count(item) != 2) return false;
    Fact d = svc_lookup(in, object); /* {"labels": []}, a dict of plain data, is none yet */
    return d.obj == FO_DICT || (fact_knows_nothing(&d) && parse_is(d.origin, "dictionary"));
}

/* Token scores of one position per row (a generation step's logits[:, -1], picked at the chosen
 * token), not read at the loop's own position of a batch (FF_LOOPVAR): the list they are appended
 * to holds steps, one per iteration, not the positions of the batch they came from, so that
 * batch's pads are none of its entries (a left-padded prompt's pads are before every step). */
static void steps_unpadded(Fact *as_list, const Fact *elem) {
    if (elem->ndim < 0 || !(elem->kinds & FK_SCORES) ||
        (elem->flags & (FF_LOOPVAR | FF_AGGREGATED)))
        return;
    for (int i = 0; i < elem->ndim; i++)
        if (elem->ax[i] == AX_POS || elem->ax[i] == AX_STEP || elem->ax[i] == AX_UNK) return;
    as_list->flags &= ~FF_PADDED;
}

void builtins_append(Interp *in, TSNode receiver, Fact list, Fact x, bool extend) {
    bool item = parse_is(receiver, "subscript");
    bool keyed = item && svc_string_key(in, parse_field(receiver, "subscript"), &(size_t){0});
    bool group = item && !keyed;
    /* out["labels"].append(row): the list a dict the code built holds under that key */
    if (keyed && !dict_field_of(in, receiver)) return;
    if (!parse_is(receiver, "identifier") && !parse_is(receiver, "attribute") && !item) return;
    Fact elem = x;
    if (extend) {
        elem = iter_element(in, x);
    }
    Fact as_list = elem;
    if (fact_is_record(&elem))
        as_list.records = true; /* a list of such tuples, records or objects */
    pad_rows_appended(&as_list); /* rows padded by hand, one by one: a padded batch */
    steps_unpadded(&as_list, &elem);
    if (!extend) spans_count_appended(in, &elem, &as_list); /* each row's count of tokens */
    if (elem.obj == FO_NONE && !elem.bottom) {
        as_list.flags &= ~(FF_STEPVAR | FF_LOOPVAR);
        fact_insert_axis(&as_list, 0, (elem.flags & FF_STEPVAR) ? AX_STEP : AX_ITEM);
        if (elem.ndim < 0 && (elem.flags & FF_STEPVAR)) as_list.ax_last = elem.ax_last;
    }
    bool empty = list.ndim == 1 && list.ax[0] == AX_ITEM && !list.kinds;
    bool was_list = list.ndim >= 1 && (list.ax[0] == AX_STEP || list.ax[0] == AX_ITEM);
    bool same_records = list.obj == as_list.obj && list.records && as_list.records;
    const Fact *module = extend ? fact_last_module(&x) : &x; /* a list of modules' last */
    Fact modules = module && module->obj == FO_CALLABLE && !item
                       ? fact_modules_ending(in->arena, list, *module)
                       : fact_unknown();
    Fact r = modules.obj == FO_CALLABLE ? modules
             : same_records             ? fact_join(in->arena, list, as_list)
             : (empty || !was_list)     ? as_list
                                        : fact_join(in->arena, list, as_list);
    if (was_list && !empty && list.ax[0] != as_list.ax[0] && r.ndim >= 1) r.ax[0] = AX_STEP;
    if (in->frame->loop_depth > 0) r.flags |= FF_PREFIX; /* a context the loop grows */
    if (group)
        group_store(in, receiver, r);
    else
        svc_bind(in, receiver, r);
}
