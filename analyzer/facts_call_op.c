/* Applying a contract row: one switch over every op (contracts.h Op) to its family's transfer,
 * by the family lists (contracts.h OPS_*), with no default, so that an op no case handles does
 * not compile (-Wswitch-enum, CMakeLists.txt). The array ops' transfers are in facts_array.c,
 * Hugging Face's in facts_hf.c, the builtins' in facts_builtins.c; the methods of a receiver
 * kind that only return what the receiver holds (a distribution's log_prob and sample, a
 * model's forward, a flax module's apply, a list's append, a dict's get, a method that returns
 * the receiver) are here, and so are map and a ufunc's reduce, which apply another row. */
#include <string.h>

#include "facts_xfer.h"

/* A categorical distribution's log_prob(value): normalised log-probs at the given tokens; its
 * sample(): token ids. */
static Fact distribution_method(const Applied *s) {
    Fact r = s->recv;
    r.obj = FO_NONE;
    r.origin = s->node;
    if (s->row->op == OP_SAMPLE) return fact_of(FK_IDS, 0, s->node);
    r.flags |= FF_SELECTED;
    fact_remove_axis(&r, -1);
    return r;
}

/* flax: module.apply(variables, x, ...) runs the module on x, and so does a TrainState's
 * apply_fn({"params": p}, x): given token ids, a model call on the arguments after the
 * variables (known by its name only unless the ids are known from data flow). The receiver is
 * a model, or (the row's bare-name fallback) nothing known. */
/* The first argument of a layer made in place and applied, Layer(a, ...)(v), when the layer's
 * row has op: a call of an embedding on the name v (op OP_EMBED), or any call of a head
 * (OP_LINEAR_CLASS, v null). Null otherwise. */
static TSNode layer_arg(Interp *in, TSNode n, Op op, TSNode v) {
    Callee layer;
    TSNode fn = parse_field(n, "function"), args = parse_field(n, "arguments");
    if (!parse_is(n, "call") || !parse_is(fn, "call") || !callee_row(in, fn, &layer) ||
        layer.row->op != op || ts_node_named_child_count(args) != 1)
        return (TSNode){0};
    if (!ts_node_is_null(v) && !parse_same_text(in->src, parse_named_child(args, 0), v))
        return (TSNode){0};
    TSNode made = parse_field(fn, "arguments");
    TSNode a = ts_node_named_child_count(made) ? parse_named_child(made, 0) : (TSNode){0};
    return parse_is(a, "keyword_argument") ? parse_field(a, "value") : a;
}

/* In n: the vocabulary (first argument) of an embedding applied to x, when looking (*vocab
 * null); then whether a return gives a head over that same vocabulary, Dense(vocab)(h). */
static bool scan_lm(Interp *in, TSNode n, TSNode x, TSNode *vocab, int depth) {
    if (ts_node_is_null(n) || depth > BOUND_MAX_NESTING) return false;
    if (parse_is(n, "function_definition") || parse_is(n, "class_definition") ||
        parse_is(n, "lambda"))
        return false;
    if (ts_node_is_null(*vocab)) {
        *vocab = layer_arg(in, n, OP_EMBED, x);
    } else if (parse_is(n, "return_statement") && ts_node_named_child_count(n) == 1) {
        TSNode w =
            layer_arg(in, parse_unparen(parse_named_child(n, 0)), OP_LINEAR_CLASS, (TSNode){0});
        if (!ts_node_is_null(w) && parse_same_text(in->src, w, *vocab)) return true;
    }
    ParseKids k;
    parse_kids_begin(&k, n);
    bool found = false;
    for (TSNode c; !found && parse_kids_next(&k, &c);)
        found = scan_lm(in, c, x, vocab, depth + 1);
    parse_kids_end(&k);
    return found;
}

/* Is the flax module class cls a language model of the input of its __call__ (its first
 * parameter after self): the input fed to an embedding nn.Embed(V, d)(x), and what it returns
 * a head over the same V, nn.Dense(V)(h)? Then what apply is given is token ids, whatever the
 * caller knows of them (a byte array, a slice of a reshaped corpus). A head over anything
 * else (a classifier's classes) says nothing. */
static bool embeds_input(Interp *in, TSNode cls) {
    TSNode m = svc_find_method(in, cls, "__call__", 8);
    if (ts_node_is_null(m)) return false; /* no __call__ of its own (a filter's apply) */
    TSNode params = parse_field(m, "parameters");
    if (ts_node_is_null(params) || ts_node_named_child_count(params) < 2) return false;
    TSNode x = parse_named_child(params, 1), vocab = {0};
    return parse_is(x, "identifier") && scan_lm(in, parse_field(m, "body"), x, &vocab, 0);
}

static Fact flax_apply(Interp *in, const Applied *s) {
    const Args *a = s->a;
    if (a->npos < 2 || a->splatted) return fact_unknown();
    Args rest = *a;
    rest.npos = a->npos - 1;
    rest.nplain = a->nplain - 1;
    memmove(rest.pos, a->pos + 1, sizeof(TSNode) * (size_t)rest.npos);
    memmove(rest.posf, a->posf + 1, sizeof(Fact) * (size_t)rest.npos);
    if (!rest.posf[0].kinds && s->recv.obj == FO_INSTANCE && embeds_input(in, s->recv.def))
        rest.posf[0].kinds = FK_IDS;
    if (!(rest.posf[0].kinds & FK_IDS) || rest.posf[0].ndim == 0) return fact_unknown();
    unsigned weak = hf_looks_like_model_call(in, &rest) ? 0 : FF_WEAK;
    /* a model known by a TrainState's use only (FF_WEAK) is judged by the look, as nothing is */
    bool known = s->recv.obj == FO_MODEL && !(s->recv.flags & FF_WEAK);
    Fact model = known ? s->recv : fact_object(FO_MODEL, weak, s->node);
    /* a flax module returns arrays, not an output object: its logits */
    Fact logits = hf_output_logits(hf_model_output(in, model, &rest, s->node));
    /* mutable=[...]: (output, updated state) */
    return args_kw(in, a, "mutable") < 0 ? logits
                                         : fact_pair(in->arena, logits, fact_unknown(), s->node);
}

/* Does an ONNX feed hold a batch of token ids ({"input_ids": enc["input_ids"], ...}, or a dict
 * remade from a tokenizer's batched encoding)? */
static bool feeds_batch(const Fact *feed) {
    if (feed->obj == FO_ENCODING) return !feed->one_text;
    if (feed->obj != FO_DICT) return false;
    for (int i = 0; i < feed->nelems; i++) {
        const Fact *v = &feed->elems[i];
        if (v->obj == FO_ENCODING ? !v->one_text : (v->kinds & FK_IDS) && v->ndim >= 2) return true;
    }
    return false;
}

/* session.run(None, feed): the graph's outputs in its own order, none known by name. Run on a
 * batch of token ids, an exported model keeps the batch on axis 0 of its outputs (the export's
 * batch axis), whatever their rank: the first output is such an array of unknown kind (what the
 * code does with it may say more: facts_use.c, and picks at token ids, facts_expr.c), the
 * others unknown. */
static Fact onnx_batch_outputs(Interp *in, const Applied *s) {
    Fact feed = args_fact(in, s->a, "input_feed", 1);
    if (!feeds_batch(&feed)) return fact_unknown();
    Fact out = fact_of(0, 0, s->node);
    out.batch_first = true;
    out.bare_lm = true; /* fed token ids: logits if picked at tokens (facts_expr.c) */
    Fact r = fact_object(FO_TUPLE, 0, s->node);
    r.elems = arena_alloc(in->arena, sizeof(Fact));
    r.elems[0] = out;
    r.nelems = 1;
    return r;
}

/* The "last_hidden_state" output of a model exported with Hugging Face's names: a vector at
 * each position of each sequence fed, [batch, seq, hidden], of no kind the facts track. */
static Fact hidden_states(Interp *in, const Applied *s, const Args *feed) {
    Fact h = fact_of(0, 0, s->node);
    h.ndim = 3;
    h.ax[0] = AX_BATCH;
    h.ax[1] = AX_POS;
    h.ax[2] = AX_UNK;
    h.batch_first = true;
    return hf_output_part(hf_model_output(in, s->recv, feed, s->node), h);
}

/* session.run(["logits", ...], feed) of an ONNX Runtime session: a list of its outputs in the
 * order named. The one named "logits" is what the exported model's forward returns under that
 * name (Hugging Face's exports keep it), run on the feed (its "input_ids", when known), and so is
 * its "last_hidden_state"; the others, and outputs not named by a literal list (None: all of them,
 * in the graph's order), are unknown. */
static Fact onnx_run(Interp *in, const Applied *s) {
    TSNode names = parse_unparen(args_node(in, s->a, "output_names", NULL, 0));
    if (!parse_is(names, "list") && !parse_is(names, "tuple")) return onnx_batch_outputs(in, s);
    uint32_t n = ts_node_named_child_count(names);
    if (n == 0 || n > 16) return fact_unknown();
    Args feed = {.npos = 1, .nplain = 1};
    feed.pos[0] = args_node(in, s->a, "input_feed", NULL, 1);
    feed.posf[0] = args_fact(in, s->a, "input_feed", 1);
    if (feed.posf[0].obj != FO_DICT) feed.posf[0] = fact_unknown(); /* of plain data: no ids */
    Fact *outs = arena_alloc(in->arena, sizeof(Fact) * n);
    bool any = false;
    for (uint32_t i = 0; i < n; i++) {
        size_t len;
        const char *key = svc_string_key(in, parse_named_child(names, i), &len);
        outs[i] = fact_unknown();
        if (key && len == 17 && !memcmp(key, "last_hidden_state", 17)) {
            outs[i] = hidden_states(in, s, &feed); /* its padding: facts_padonnx.c */
            any = true;
        }
        if (!key || len != 6 || memcmp(key, "logits", 6)) continue;
        outs[i] = hf_output_logits(hf_model_output(in, s->recv, &feed, s->node));
        any = true;
    }
    if (!any) return fact_unknown();
    Fact r = fact_object(FO_TUPLE, 0, s->node);
    r.elems = outs;
    r.nelems = (int)n;
    return r;
}

/* map(math.exp, xs), map(f, xs): f applied to an element, for each. Here, as it applies
 * another row (f's), so that only this file calls xfer_apply back. */
static Fact map_each(Interp *in, const Applied *s) {
    const Args *a = s->a;
    in->call_transfer = true;
    if (a->npos != 2) return fact_unknown();
    Fact f = a->posf[0], e = iter_element(in, a->posf[1]), r = fact_unknown();
    Args one = {.npos = 1, .nplain = 1};
    one.posf[0] = e;
    const Contract *t = f.obj == FO_MODULE ? contracts_func(f.qual) : NULL;
    Applied each = {.row = t, .node = s->node, .x = e, .recv = fact_unknown(), .a = &one, .off = 1};
    if (t && contracts_is_array_op(t->op))
        r = xfer_apply(in, &each);
    else if (f.obj == FO_FUNC)
        r = svc_call_user(in, f.def, (TSNode){0}, &one, NULL);
    return r.kinds || r.flags ? svc_list_of(in, r, s->node) : fact_unknown();
}

/* np.multiply.reduce(x, axis) is np.prod(x, axis); add.reduce a sum, maximum.reduce a max. */
static Fact ufunc_reduce(Interp *in, const Applied *s) {
    static const Contract ufuncs[] = {{"multiply.reduce", 0, FORM_FUNC, OP_PROD, 0, -1, PO_NONE, 0},
                                      {"add.reduce", 0, FORM_FUNC, OP_SUM, 0, -1, PO_NONE, 0},
                                      {"maximum.reduce", 0, FORM_FUNC, OP_MAX, 0, -1, PO_NONE, 0}};
    const Args *a = s->a;
    for (size_t u = 0; u < sizeof ufuncs / sizeof *ufuncs; u++) {
        size_t ql = strlen(s->qual), ul = strlen(ufuncs[u].name);
        if (ql > ul && s->qual[ql - ul - 1] == '.' && !strcmp(s->qual + ql - ul, ufuncs[u].name)) {
            Applied reduce = {.row = &ufuncs[u], .node = s->node, .recv = fact_unknown(), .a = a};
            reduce.x = a->npos ? a->posf[0] : fact_unknown();
            reduce.off = 1;
            return xfer_apply(in, &reduce);
        }
    }
    return fact_unknown();
}

Fact xfer_apply(Interp *in, const Applied *s) {
    switch ((Op)s->row->op) {
        OPS_SCORES(OP_CASE)
        return array_apply(in, s, AT_SCORES);
        OPS_REDUCTIONS(OP_CASE)
        return array_apply(in, s, AT_REDUCTIONS);
        OPS_LAYOUT(OP_CASE)
        return array_apply(in, s, AT_LAYOUT);
        OPS_VALUES(OP_CASE)
        return array_apply(in, s, AT_VALUES);
        OPS_LOSSES(OP_CASE)
        OPS_MODULES(OP_CASE)
        return array_apply(in, s, AT_LOSSES);
        OPS_NOTHING(OP_CASE) /* facts_use.c's rows, the padding domain's (facts_pad.c) */
        return array_apply(in, s, AT_NOTHING);
        OPS_HF(OP_CASE)
        OPS_COLLATORS(OP_CASE)
        return hf_apply(in, s);
        OPS_BUILTINS(OP_CASE)
        return builtins_apply(in, s);
    case OP_APPEND:
    case OP_EXTEND:
        builtins_append(in, s->recv_node, s->recv, s->a->npos ? s->a->posf[0] : fact_unknown(),
                        s->row->op == OP_EXTEND);
        return fact_unknown();
    case OP_RETURNS_SELF:
        return s->recv;
    case OP_LOG_PROB:
    case OP_SAMPLE:
        return distribution_method(s);
    case OP_FLAX_APPLY:
        return flax_apply(in, s);
    case OP_MAP:
        return map_each(in, s);
    case OP_UFUNC_REDUCE:
        return ufunc_reduce(in, s);
    case OP_MODEL_CALL: { /* on an object nothing is known of (the row's fallback): a model */
        if (s->recv.obj == FO_CALLABLE) return array_callable(in, s->node, s->recv, s->a);
        if (s->recv.obj == FO_INSTANCE) { /* predict(x) of a keras Model subclass: its call */
            Fact r = keras_apply(in, s);
            if (!fact_knows_nothing(&r)) return r;
        }
        Fact model = s->recv.obj == FO_MODEL ? s->recv : fact_object(FO_MODEL, 0, s->node);
        return hf_model_output(in, model, s->a, s->node);
    }
    case OP_ONNX_RUN:
        return onnx_run(in, s);
    case OP_ELEMENT: /* (a tuple of values and indices has no get) */
        return fact_is_tensorish(&s->recv) ? iter_element(in, s->recv) : fact_unknown();
    case OP_BACKWARD: /* observed by eval_method_call (facts_call.c), which lets the call go on */
        return fact_unknown();
    case OP_JOIN_TEXT: {
        Fact text = fact_unknown();
        text.flags = FF_JOINED;
        text.origin = s->node;
        return text;
    }
        OPS_NO_OP(OP_CASE) /* in no row (the table test) */
        return fact_unknown();
    }
    return fact_unknown(); /* not an Op: unreachable */
}
