/* Call dispatch: a call's callee resolved (a library function through the contract table, a
 * method by its receiver's kind, a function or class of this file, a model, a tokenizer). */
#include <stdio.h>

#include "facts_interp.h"
#include "facts_xfer.h"

/* model.to(device), model.eval(), model.half(): an nn.Module method's row (its op, applied to
 * the module, gives the module); NULL if the method is none. */
static const Contract *module_row(const char *method, size_t len) {
    return contracts_method(FORM_MODULE, method, len);
}

/* The row t applied by recv.method(...) (recv: its expression). */
static Fact apply_method(Interp *in, TSNode call, const Contract *t, TSNode recv_node, Fact recv,
                         const Args *a) {
    Applied s = {.row = t, .node = call, .x = recv, .recv = recv, .recv_node = recv_node, .a = a};
    return xfer_apply(in, &s);
}

/* A library function's tensor argument: softmax(model(x), -1) normalises the output's logits
 * whatever the model was fed; other functions see them when it was fed token ids, else an
 * array nothing tells (hf_output_array). */
static Fact output_operand(const Contract *t, Fact arg) {
    return contracts_normalises(t->op) ? hf_output_logits(arg) : hf_output_array(arg);
}

/* A call we know nothing of still returns something derived from its arguments: if one of
 * them varies with the loop, so does the result (VOCAB.index(token) is token-dependent). */
static Fact eval_call(Interp *in, TSNode call);

Fact calls_eval(Interp *in, TSNode call) {
    unsigned saved = in->call_loopvar;
    bool saved_transfer = in->call_transfer;
    const Contract *saved_row = in->call_row;
    in->call_loopvar = 0;
    in->call_transfer = false;
    in->call_row = NULL;
    Fact r = eval_call(in, call);
    unsigned derived = in->call_loopvar;
    bool transfer = in->call_transfer;
    in->applied_call = call.id;
    in->applied_row = in->call_row;
    rows_after_call(in, call, in->applied_row, &r); /* facts_rows.c */
    in->call_loopvar = saved;
    in->call_transfer = saved_transfer;
    in->call_row = saved_row;
    if (!r.bottom && !r.kinds && r.obj == FO_NONE) r.flags |= derived & ~FF_PREFIX;
    /* model(ids) with ids grown by the loop's token (or cut at the loop's position): the
     * output of one autoregressive step */
    if (!r.bottom && !transfer && (derived & FF_PREFIX) && (r.kinds || r.obj == FO_OUTPUT))
        r.flags |= FF_STEPVAR;
    return r;
}

/* A field's default written as a literal ("left", 512, None): what the field holds when the
 * constructor is not given it. Other defaults are left unknown (their names are the class's). */
enum { FIELD_DEFAULTS_MAX = 16 }; /* the defaults an object is given, at most */

static bool literal_default(TSNode v) {
    static const char *const kinds[] = {"string", "integer", "float", "true", "false", "none"};
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
        if (parse_is(v, kinds[i])) return true;
    return false;
}

static bool given_by_keyword(Interp *in, const Args *a, const char *name, size_t len) {
    for (int i = 0; i < a->nkw; i++)
    {
        size_t klen;
        const char *k = parse_text(in->src, a->kw_name[i], &klen);
        if (klen == len && !memcmp(k, name, len)) return true;
    }
    return false;
}

/* An object of a class of this file, with the fields a dataclass-like constructor call gives
 * it: keywords by name, positional arguments in the order the class annotates its fields,
 * then the literal defaults of the fields given neither way (a field the class assigns itself
 * is left out). */
static Fact instance_fields(Interp *in, TSNode cls, const Args *a, TSNode call) {
    Fact obj = fact_object(FO_INSTANCE, 0, call);
    obj.def = cls;
    int n = a->nkw + a->nplain + FIELD_DEFAULTS_MAX;
    obj.elems = arena_alloc(in->arena, sizeof(Fact) * (size_t)(n ? n : 1));
    obj.keys = arena_alloc(in->arena, sizeof(char *) * (size_t)(n ? n : 1));
    for (int i = 0; i < a->nkw; i++) {
        size_t len;
        const char *name = parse_text(in->src, a->kw_name[i], &len);
        if (types_assigns_field(in, cls, name, len)) continue;
        obj.keys[obj.nelems] = arena_strndup(in->arena, name, len);
        obj.elems[obj.nelems++] = a->kwf[i];
    }
    ParseKids k; /* `logits: torch.Tensor` fields, in order */
    parse_kids_begin(&k, parse_field(cls, "body"));
    int field = 0;
    int defaults = 0;
    for (TSNode st; parse_kids_next(&k, &st);) {
        if (!parse_is(st, "expression_statement")) continue; /* methods, nested classes */
        TSNode as = parse_named_child(st, 0), left;
        if (!parse_is(as, "assignment") || ts_node_is_null(parse_field(as, "type")) ||
            !parse_is(left = parse_field(as, "left"), "identifier"))
            continue;
        size_t len;
        const char *name = parse_text(in->src, left, &len);
        TSNode dflt = parse_field(as, "right");
        Fact value;
        if (field < a->nplain)
            value = a->posf[field++];
        else if (defaults < FIELD_DEFAULTS_MAX && !ts_node_is_null(dflt) &&
                 literal_default(dflt) && !given_by_keyword(in, a, name, len))
            value = svc_eval(in, dflt), defaults++;
        else
            continue;
        if (types_assigns_field(in, cls, name, len)) continue;
        obj.keys[obj.nelems] = arena_strndup(in->arena, name, len);
        obj.elems[obj.nelems++] = value;
    }
    parse_kids_end(&k);
    return obj;
}

static Fact call_instance(Interp *in, TSNode call, Fact obj, const char *method, size_t len,
                          const Args *a);

static Fact call_method(Interp *in, TSNode call, TSNode recv_node, Fact recv, const char *method,
                        size_t mlen);

/* obj.m(...) where m hands all its arguments to self.x.n(...) (fwd): self.x.n called with the
 * call's own arguments, as the object holds x. */
static Fact call_forwarded(Interp *in, TSNode call, Fact obj, TSNode fwd) {
    TSNode recv = parse_field(fwd, "object");
    if (!parse_is(recv, "attribute") || !svc_text_eq(in, parse_field(recv, "object"), "self"))
        return fact_unknown();
    size_t flen, mlen;
    const char *field = parse_text(in->src, parse_field(recv, "attribute"), &flen);
    const char *method = parse_text(in->src, parse_field(fwd, "attribute"), &mlen);
    const Fact *held = fact_field(&obj, field, flen);
    return held ? call_method(in, call, recv, *held, method, mlen) : fact_unknown();
}

/* obj.m(x) where the class of obj declares m abstract: what the subclasses the project defines
 * run for it, joined (a Scorer's score is its LikelihoodScorer's, ...). */
static Fact call_overrides(Interp *in, TSNode call, Fact obj, const char *method, size_t len,
                           const Args *a) {
    TSNode subs[TYPES_MAX_OVERRIDES];
    int n = project_subclasses(in, obj.def, subs, TYPES_MAX_OVERRIDES);
    Fact r = fact_bottom();
    for (int i = 0; i < n; i++) {
        TSNode m = interp_find_method(in, subs[i], method, len);
        if (ts_node_is_null(m) || types_is_abstract(in, m)) continue;
        Fact sub = obj;
        sub.def = subs[i];
        in->overriding++;
        r = fact_join(in->arena, r, call_instance(in, call, sub, method, len, a));
        in->overriding--;
    }
    return r.bottom ? fact_unknown() : r;
}

/* obj(x) runs the class's forward (or __call__), obj.m(x) its method m, with self = obj. */
static Fact call_instance(Interp *in, TSNode call, Fact obj, const char *method, size_t len,
                          const Args *a) {
    TSNode m = interp_find_method(in, obj.def, method, len);
    if (ts_node_is_null(m) && contracts_method(FORM_CALLED, method, len)) { /* Python's protocol */
        m = interp_find_method(in, obj.def, "__call__", 8);
        /* a keras Layer or Model of the file: the __call__ it inherits runs its call */
        if (ts_node_is_null(m)) m = interp_find_method(in, obj.def, "call", 4);
    }
    if (ts_node_is_null(m)) return fact_unknown();
    if (types_is_abstract(in, m)) return call_overrides(in, call, obj, method, len, a);
    TSNode fwd = types_forwarded(in, m); /* generate(self, *a, **kw): self.lm.generate(...) */
    if (!ts_node_is_null(fwd)) {
        Fact r = call_forwarded(in, call, obj, fwd);
        if (!fact_knows_nothing(&r)) return r;
    }
    in->built_self = fact_unknown();
    Fact r = interp_call_user(in, m, parse_field(call, "arguments"), a, &obj);
    project_state_written(in, call); /* runner.run(x) set runner.cache */
    return r;
}

/* A callee the configuration declares (contracts.h): what it returns, strong evidence. */
static Fact call_declared(Interp *in, TSNode call, const UserContract *u, const Args *a) {
    static const uint16_t kinds[RET_COUNT] = {
        [RET_LOGITS] = FK_RAW, [RET_LOGPROBS] = FK_LOGPROB, [RET_PROBS] = FK_PROB,
        [RET_NLL] = FK_LOSS,   [RET_IDS] = FK_IDS,          [RET_MASK] = FK_MASK};
    static const AxisKind axes[CAX_COUNT] = {
        [CAX_BATCH] = AX_BATCH, [CAX_POS] = AX_POS, [CAX_VOCAB] = AX_VOCAB};
    in->call_transfer = true;
    if (u->returns == RET_MODEL) return fact_object(FO_MODEL, 0, call);
    if (u->returns == RET_TOKENIZER) return fact_object(FO_TOKENIZER, 0, call);
    if (u->returns == RET_IDENTITY) return a->npos ? a->posf[0] : fact_unknown();
    Fact f = fact_of(kinds[u->returns], u->returns == RET_NLL ? FF_PERTOKEN : 0, call);
    if (u->naxes >= 0) {
        AxisKind ax[CONTRACT_MAX_AXES];
        bool vocab = false;
        for (int i = 0; i < u->naxes; i++)
            vocab |= (ax[i] = axes[u->axes[i]]) == AX_VOCAB;
        fact_set_axes(&f, u->naxes, ax);
        if ((f.kinds & FK_SCORES) && !vocab) f.flags |= FF_SELECTED; /* of the chosen tokens */
    } else if (f.kinds == FK_RAW) {
        f.ax_last = AX_VOCAB; /* logits of unknown layout: over the vocabulary */
    }
    if (f.kinds & (FK_IDS | FK_MASK)) align_fresh(&f, call);
    return f;
}

/* An object built by a library class whose methods the configuration declares (mypkg.Scorer):
 * named by the class followed by "()", so that its methods are Class().method. Called, it runs
 * its __call__ (forward). */
static Fact call_declared_object(Interp *in, TSNode call, const char *qual, const Args *a) {
    size_t n = strlen(qual);
    if (n >= 2 && !strcmp(qual + n - 2, "()")) {
        static const char *const calls[] = {"__call__", "forward"};
        for (int i = 0; i < 2; i++) {
            const char *m = arena_dotted(in->arena, qual, calls[i], strlen(calls[i]));
            const UserContract *u = contracts_user_find(in->user, m);
            if (u) return call_declared(in, call, u, a);
        }
        return fact_unknown();
    }
    if (strstr(qual, "()")) return fact_unknown(); /* an undeclared method of such an object */
    char *obj = arena_alloc(in->arena, n + 3);
    sprintf(obj, "%s()", qual);
    return fact_module(obj);
}

/* lib.name(...): the contract of the qualified name, declared or built in, if any. */
static Fact call_library(Interp *in, TSNode call, const char *qual, Fact recv, const Args *a) {
    if (in->user) {
        const UserContract *u = contracts_user_find(in->user, qual);
        if (u) return call_declared(in, call, u, a);
        if (strstr(qual, "()") || contracts_user_class(in->user, qual))
            return call_declared_object(in, call, qual, a);
    }
    const Contract *t = in->call_row = contracts_func(qual);
    if (!t) return fact_unknown();
    Applied s = {.row = t, .node = call, .recv = recv, .a = a, .qual = qual, .off = 1};
    s.x = a->npos && contracts_is_array_op(t->op) ? output_operand(t, a->posf[0]) : fact_unknown();
    return xfer_apply(in, &s);
}

/* model(x, y) with y the tokens one position ahead of x (x, y = seq[:-1], seq[1:]): nanoGPT's
 * and minGPT's forward(idx, targets), which returns (logits, loss), the loss a mean
 * cross-entropy over every target (ignore_index=-1 drops only targets the code set to -1).
 * Hugging Face models take no token ids in that place (the attention mask, past key values). */
static Fact model_call(Interp *in, Fact model, const Args *a, TSNode call) {
    Fact out = hf_model_output(in, model, a, call);
    if (model.bare_lm) return hf_output_logits(out); /* mlx_lm: the logits themselves */
    if (a->npos < 2 || args_kw(in, a, "labels") >= 0) return out;
    const Fact *x = &a->posf[0], *y = &a->posf[1];
    Fact logits = hf_output_logits(out); /* at t: the distribution of x's token t + 1 */
    bool ahead = (x->kinds & FK_IDS) && align_delta(&logits, y) == 0;
    if (y->kinds != FK_IDS || !ahead) return out; /* x's own tokens: ids, whoever said so */
    Fact loss = fact_of(FK_LOSS, FF_LABELS | ((x->flags | y->flags) & FF_JOINED), call);
    if (y->obj == FO_NONE && !(y->flags & (FF_MASKED | FF_SLICED))) loss.flags |= FF_FULLLABELS;
    return fact_pair(in->arena, logits, hf_loss_made(in, loss, call), call);
}

/* recv.method(...) where recv is no module: by the receiver's kind. */
/* Cls.m(x): a @classmethod runs with cls = the class (`return cls(...)` builds one), a
 * @staticmethod with the call's arguments alone; a plain function read off the class is not
 * followed (its self would be the first argument). */
static Fact call_on_class(Interp *in, TSNode call, Fact cls, const char *method, size_t mlen,
                          const Args *a) {
    TSNode m = interp_find_method(in, cls.def, method, mlen);
    TSNode up = ts_node_is_null(m) ? m : parse_parent(m);
    if (ts_node_is_null(up) || !parse_is(up, "decorated_definition")) return fact_unknown();
    if (svc_decorated_with(in, up, "classmethod"))
        return interp_call_user(in, m, parse_field(call, "arguments"), a, &cls);
    if (svc_decorated_with(in, up, "staticmethod"))
        return interp_call_user(in, m, parse_field(call, "arguments"), a, NULL);
    return fact_unknown();
}

/* Does the class derive, through its base lists (its own module's names, then its bases'), from
 * a Hugging Face causal LM's class, whose methods (generate) it inherits? */
static bool hf_causal_base(Interp *in, TSNode cls, int depth) {
    /* the class itself, or a causal LM's (T5PreTrainedModel's generate gives no prompt) */
    static const char *const causal[] = {".GenerationMixin", ".PreTrainedModel", "ForCausalLM",
                                         NULL};
    TSNode bases = parse_field(cls, "superclasses");
    uint32_t n = ts_node_is_null(bases) ? 0 : ts_node_named_child_count(bases);
    bool found = false;
    for (uint32_t i = 0; i < n && !found && depth < 8; i++) {
        TSNode base = parse_named_child(bases, i);
        if (!parse_is(base, "identifier") && !parse_is(base, "attribute")) continue;
        Fact b = project_eval_in(in, cls, base);
        if (b.obj == FO_CLASS && !ts_node_eq(b.def, cls))
            found = hf_causal_base(in, b.def, depth + 1);
        if (b.obj != FO_MODULE || !b.qual || strncmp(b.qual, "transformers.", 13)) continue;
        size_t len = strlen(b.qual);
        for (const char *const *c = causal; *c && !found; c++)
            found = len >= strlen(*c) && !strcmp(b.qual + len - strlen(*c), *c);
    }
    return found;
}

/* lm.generate(...) of a class deriving from GenerationMixin: Hugging Face's (its row), run on
 * a causal LM; NULL for any other method. */
static const Contract *inherited_generate(Interp *in, Fact recv, const char *method, size_t mlen) {
    const Contract *t = contracts_method(FORM_MODEL, method, mlen);
    if (!t || t->op != OP_GENERATE || !hf_causal_base(in, recv.def, 0)) return NULL;
    in->call_row = t;
    return t;
}

/* obj.helper(...) where helper is a method of this file; lm.loglikelihood(...) on an object
 * that is a model by its name only may be an instance of the file's LM class. On an object
 * nothing is known of, a call by keywords runs the one method of the project taking them
 * (facts_dispatch.c: self.config.method.loss(logprobs=lp, mask=m), the method chosen from a
 * configuration), before a method of this file of that name that may not. False: none runs. */
static bool call_by_name(Interp *in, TSNode call, Fact recv, TSNode ran, const char *method,
                         size_t mlen, const Args *a, Fact *r) {
    TSNode cls, def = {0};
    if (recv.obj == FO_NONE && !recv.kinds) def = dispatch_by_keywords(in, method, mlen, a, &cls);
    if (!ts_node_is_null(def)) {
        Fact self = calls_standalone_self(in, def, cls);
        *r = interp_call_user(in, def, parse_field(call, "arguments"), a, &self);
        return true;
    }
    bool named_model = recv.obj == FO_MODEL && (recv.flags & FF_WEAK);
    FuncInfo *fi = funcs_find(in, method, mlen);
    Fact self = named_model ? fact_unknown() : recv;
    /* not the method that just ran on its own object again, on an object of no class: it
     * would read what any other run left in the file's self.* bindings */
    if (!fi || ts_node_eq(fi->def, ran)) return false;
    *r = interp_call_user(in, fi->def, parse_field(call, "arguments"), a, &self);
    return true;
}

/* cls(d, n).to(device) of one of several objects: each object's method, agreed on. */
static Fact call_method_either(Interp *in, TSNode call, TSNode recv_node, Fact recv,
                               const char *method, size_t mlen) {
    Fact results[EITHER_MAX];
    int n = recv.nelems < EITHER_MAX ? recv.nelems : EITHER_MAX;
    for (int i = 0; i < n; i++)
        results[i] = call_method(in, call, recv_node, recv.elems[i], method, mlen);
    return either_agreed(in->arena, results, n);
}

static Fact call_method(Interp *in, TSNode call, TSNode recv_node, Fact recv, const char *method,
                        size_t mlen) {
    if (recv.obj == FO_EITHER) return call_method_either(in, call, recv_node, recv, method, mlen);
    Args a;
    args_read(in, parse_field(call, "arguments"), &a);
    /* ds.batch(n), ds.shuffle(k) of a list of batches (a tf.data dataset): the same batches */
    const Contract *step = recv.records ? contracts_method(FORM_DATASET, method, mlen) : NULL;
    if (step) return apply_method(in, call, step, recv_node, recv, &a);
    /* tokenizer(...).to("cuda"): the same batch, padding and all */
    if (recv.obj == FO_ENCODING) {
        const Contract *t = contracts_method(FORM_ENCODING, method, mlen);
        if (t) return apply_method(in, call, t, recv_node, recv, &a);
    }
    /* a model's methods; an object nothing is known of, by the rows' bare-name fallbacks */
    bool unknown = recv.obj == FO_NONE && !recv.kinds;
    unsigned form = recv.obj == FO_MODEL ? FORM_MODEL : unknown ? FORM_UNKNOWN : 0;
    if (form) {
        const Contract *t = contracts_method(form, method, mlen);
        /* an object we know nothing of generates as Hugging Face's do when it is given
         * token ids; llm.generate(prompts, params) (vLLM) returns request outputs */
        bool fed_ids =
            recv.obj == FO_MODEL || args_kw(in, &a, "input_ids") >= 0 || a.has_splat ||
            (a.npos >= 1 && ((a.posf[0].kinds & FK_IDS) || a.posf[0].obj == FO_ENCODING));
        if (t && ((t->op == OP_GENERATE && fed_ids) || t->op == OP_TRANSITION_SCORES ||
                  t->op == OP_WRAP_MODEL || t->op == OP_ONNX_RUN || t->op == OP_LIST)) {
            in->call_row = t;
            return apply_method(in, call, t, recv_node, recv, &a);
        }
        /* model.forward(x), ddp_model.module(x); on an unknown object, below */
        if (t && t->op == OP_MODEL_CALL && form == FORM_MODEL)
            return apply_method(in, call, t, recv_node, recv, &a);
        if (recv.obj == FO_MODEL && (t = module_row(method, mlen)))
            return apply_method(in, call, t, recv_node, recv, &a);
        /* rm.model(**enc), gpt2.transformer(ids): the backbone under the head, called */
        const AttrContract *part =
            recv.obj == FO_MODEL ? contracts_attr(AR_MODEL, method, mlen, recv.flags, recv.kinds)
                                 : NULL;
        if (part && part->yields == AY_BACKBONE)
            return hf_model_output(in, hf_backbone(&recv, call), &a, call);
    }
    /* nn.CrossEntropyLoss().to(device), nn.LogSoftmax(-1).cuda(): the same module */
    const Contract *t;
    if (recv.obj == FO_CALLABLE && (t = module_row(method, mlen)))
        return apply_method(in, call, t, recv_node, recv, &a);
    if (recv.obj == FO_DISTRIBUTION) {
        t = contracts_method(FORM_DISTRIBUTION, method, mlen);
        return t ? apply_method(in, call, t, recv_node, recv, &a) : fact_unknown();
    }
    if (recv.obj == FO_TOKENIZER) {
        t = in->call_row = contracts_method(FORM_TOKENIZER, method, mlen);
        return t ? apply_method(in, call, t, recv_node, recv, &a) : fact_unknown();
    }
    const Contract *tensor_row = contracts_method(FORM_TENSOR, method, mlen);
    if (recv.obj == FO_OUTPUT && tensor_row) recv = hf_output_array(recv);
    /* h.softmax(-1), (h @ W).log_softmax(-1): whatever h is, only a tensor has these */
    bool normalises = tensor_row && contracts_normalises(tensor_row->op);
    if (fact_is_tensorish(&recv) || recv.obj == FO_TUPLE || (normalises && recv.obj == FO_NONE)) {
        t = in->call_row = tensor_row;
        if (t) {
            Fact r = apply_method(in, call, t, recv_node, recv, &a);
            /* x.masked_fill_(m, 0), x.log_(): torch's in-place form changes x itself */
            if (method[mlen - 1] == '_' &&
                (parse_is(recv_node, "identifier") || parse_is(recv_node, "attribute")))
                interp_bind(in, recv_node, r);
            return r;
        }
        /* d.get(k), d.values() of a dict known by its values */
        t = contracts_method(FORM_VALUES, method, mlen);
        return t ? apply_method(in, call, t, recv_node, recv, &a) : fact_unknown();
    }
    if (recv.obj == FO_CLASS) return call_on_class(in, call, recv, method, mlen, &a);
    bool field = false;
    TSNode ran = {0};     /* the method of another module's object run below, told nothing */
    Fact instance = recv; /* a flax module of the file's class: what its apply runs */
    if (recv.obj == FO_INSTANCE) {
        if (!ts_node_is_null(ran = interp_find_method(in, recv.def, method, mlen))) {
            Fact r = call_instance(in, call, recv, method, mlen, &a);
            if (!project_told_nothing(in, &recv, &r)) return r;
        } else if ((t = module_row(method, mlen))) { /* Wrapper(lm).eval() */
            return apply_method(in, call, t, recv_node, recv, &a);
        } else if ((t = inherited_generate(in, recv, method, mlen))) {
            return apply_method(in, call, t, recv_node, fact_object(FO_MODEL, 0, recv_node), &a);
        } else { /* self.score(h) where __init__ set self.score = nn.Linear(...): no method */
            field = funcs_find(in, method, mlen) && types_assigns_field(in, recv.def, method, mlen);
        }
        recv = fact_unknown(); /* self.lm(x), set where we cannot see: as for any object */
    }
    /* model.apply(variables, x), state.apply_fn(variables, x): flax, if x is token ids */
    unknown = recv.obj == FO_NONE && !recv.kinds;
    form = recv.obj == FO_MODEL ? FORM_MODEL : unknown ? FORM_UNKNOWN : 0;
    t = form ? contracts_method(form, method, mlen) : NULL;
    if (t && t->op == OP_FLAX_APPLY) {
        Fact r =
            apply_method(in, call, t, recv_node, instance.obj == FO_INSTANCE ? instance : recv, &a);
        if (r.obj != FO_NONE || r.kinds) return r;
    }
    /* obj.helper(...), obj.m(k1=x, k2=y) (call_by_name) */
    bool named_model = recv.obj == FO_MODEL && (recv.flags & FF_WEAK);
    Fact by_name;
    if (((recv.obj == FO_NONE && !field) || recv.obj == FO_OUTPUT || named_model) &&
        call_by_name(in, call, recv, ran, method, mlen, &a, &by_name))
        return by_name;
    if (unknown && hf_looks_like_model_call(in, &a)) {
        t = contracts_method(FORM_UNKNOWN, method, mlen); /* x.forward(ids): the row's fallback */
        if (t && t->op == OP_MODEL_CALL) return apply_method(in, call, t, recv_node, recv, &a);
        /* self.student(input_ids=x): whatever the attribute is called */
        if (args_kw(in, &a, "input_ids") >= 0 || args_kw(in, &a, "input_features") >= 0)
            return hf_model_output(in, fact_object(FO_MODEL, names_head(method, mlen), call), &a,
                                   call);
    }
    /* self.model(ids), self._lm(x): an attribute named like a model, called as a bare name
     * of that name would be (known only by its name unless fed token ids) */
    if (recv.obj == FO_NONE && !recv.kinds && a.npos + a.nkw + a.has_splat >= 1 &&
        names_evidence(call, method, mlen).obj == FO_MODEL) {
        Fact named = names_evidence(call, method, mlen);
        unsigned weak = hf_looks_like_model_call(in, &a) ? 0 : FF_WEAK;
        return hf_model_output(in, fact_object(FO_MODEL, (named.flags & FF_NOTLM) | weak, call), &a,
                               call);
    }
    /* self.tokenizer(texts, padding=True), self.tok(text, return_tensors="pt"): likewise,
     * an encoding */
    if (recv.obj == FO_NONE && !recv.kinds && a.npos + a.nkw >= 1 &&
        (names_evidence(call, method, mlen).obj == FO_TOKENIZER ||
         hf_called_like_tokenizer(in, &a)))
        return hf_encoding(in, &a, call);
    if (unknown) { /* x.exp(), x.max() of a value of unknown kind: an array op's fallback */
        t = contracts_method(FORM_UNKNOWN, method, mlen);
        if (t && contracts_is_array_op(t->op)) {
            in->call_row = t;
            return apply_method(in, call, t, recv_node, recv, &a);
        }
        /* y.reshape(-1), y.to(dev) of a sequence of unknown kind (unpacked from an opaque
         * call): the same positions, in the same order (facts_align.c); y.reshape(-1) is one
         * axis of them, which y.split(n) cuts into pieces */
        Op op = tensor_row ? (Op)tensor_row->op : OP_NONE;
        if (op == OP_PASS && recv.ndim >= 1) return recv; /* h.float(): h's layout, as it was */
        if (align_known(&recv) && (op == OP_RESHAPE || op == OP_FLATTEN || op == OP_SPLIT)) {
            Fact r = apply_method(in, call, tensor_row, recv_node, recv, &a);
            if (r.ndim >= 1 && !r.kinds && align_known(&r)) return r;
        }
        if (align_known(&recv) && (op == OP_PASS || op == OP_RESHAPE || op == OP_FLATTEN)) {
            Fact r = fact_unknown();
            r.head = recv.head;
            r.tail = recv.tail;
            return r;
        }
    }
    return fact_unknown();
}

/* obj(x) of a torch module of the project that embeds x and returns a head over the same
 * vocabulary (facts_torchlm.c), given one argument of known rank: x is token ids, and the output
 * a language model's scores over the vocabulary at each of x's positions ([T, B, V] when a
 * recurrent layer runs time-major), alone or first of the tuple the forward returns. Whether the
 * model is causal is not known (a masked LM's logits at t are about token t): no alignment is
 * claimed. Otherwise r, what its forward returned. */
static Fact embedding_lm_output(Interp *in, TSNode call, Fact obj, const Args *a, Fact r) {
    /* integers of any kind (ids, a vocabulary's indices: vocab.stoi[w]) are what an embedding
     * looks up */
    if (a->npos != 1 || a->nkw || a->has_splat || a->posf[0].ndim == 0 ||
        (a->posf[0].kinds & ~(FK_IDS | FK_INDEX)))
        return r;
    TorchLm lm = torchlm_read(in, obj.def);
    if (!lm.found || lm.layout == TORCHLM_LAYOUT_UNKNOWN) return r;
    Args ids = *a;
    ids.posf[0].kinds = FK_IDS;
    Fact logits =
        hf_output_logits(hf_model_output(in, fact_object(FO_MODEL, FF_MLM, call), &ids, call));
    if (lm.layout == TORCHLM_TIME_MAJOR && logits.ndim == 3)
        fact_set_axes(&logits, 3, (AxisKind[]){AX_POS, AX_BATCH, AX_VOCAB});
    if (!lm.returned) return logits;
    Fact t = fact_object(FO_TUPLE, 0, call);
    t.elems = arena_alloc(in->arena, (size_t)lm.returned * sizeof(Fact));
    t.elems[0] = logits;
    for (int i = 1; i < lm.returned; i++)
        t.elems[i] = fact_unknown();
    t.nelems = lm.returned;
    return t;
}

/* obj.fn(x) where obj.fn holds an object that is called (*called: it was one of those). */
static Fact call_held(Interp *in, TSNode call, Fact held, const Args *a, bool *called) {
    *called = true;
    if (held.obj == FO_CALLABLE) return array_callable(in, call, held, a);
    if (held.obj == FO_MODEL) return model_call(in, held, a, call);
    if (held.obj == FO_INSTANCE) /* self.scorer = Scorer(m) ... self.scorer(x) */
        return embedding_lm_output(in, call, held, a,
                                   call_instance(in, call, held, "forward", 7, a));
    if (held.obj == FO_FUNC) {
        in->closure = &held;
        return interp_call_user(in, held.def, parse_field(call, "arguments"), a,
                                funcs_bound_self(&held));
    }
    if (held.obj == FO_EITHER) { /* self.probe = cls(d, n): what each of the objects gives */
        Fact results[EITHER_MAX];
        int n = held.nelems < EITHER_MAX ? held.nelems : EITHER_MAX;
        for (int i = 0; i < n; i++)
            results[i] = call_held(in, call, held.elems[i], a, called);
        Fact r = either_agreed(in->arena, results, n);
        *called = !fact_knows_nothing(&r);
        return r;
    }
    *called = false;
    return fact_unknown();
}

/* x.method(...): a value stored under the callee's own text (self.fn = ...), a module's
 * function, or a method of the receiver. */
static Fact eval_method_call(Interp *in, TSNode call, TSNode fn) {
    Args a;
    TSNode recv_node = parse_field(fn, "object");
    size_t mlen;
    const char *method = parse_text(in->src, parse_field(fn, "attribute"), &mlen);
    Fact recv;
    bool found;
    /* self.net(x), trainer.model(x): what the object's field holds (its constructor set it;
     * no method of that name), before what the class's methods saw alone */
    bool named = parse_is(recv_node, "identifier") || parse_is(recv_node, "attribute");
    Fact obj = named ? interp_eval(in, recv_node) : fact_unknown();
    const Fact *held = obj.obj == FO_INSTANCE &&
                               ts_node_is_null(interp_find_method(in, obj.def, method, mlen))
                           ? fact_field(&obj, method, mlen)
                           : NULL;
    if (held) {
        args_read(in, parse_field(call, "arguments"), &a);
        bool called;
        Fact r = call_held(in, call, *held, &a, &called);
        if (called) return r;
    }
    recv = interp_lookup_key(in, fn, &found);
    if (found && recv.obj == FO_MODULE && strstr(recv.qual, "()")) { /* self.scorer(x) */
        args_read(in, parse_field(call, "arguments"), &a);
        return call_library(in, call, recv.qual, recv, &a);
    }
    if (found && recv.obj != FO_MODULE) { /* self.fn = some_callable */
        args_read(in, parse_field(call, "arguments"), &a);
        bool called;
        Fact r = call_held(in, call, recv, &a, &called);
        if (called) return r;
    }
    recv = named ? obj : interp_eval(in, recv_node);
    in->call_loopvar |= recv.flags & (FF_LOOPVAR | FF_STEPVAR);
    if (recv.kinds & FK_SCORES) in->call_loopvar |= FF_OPAQUE;
    if (recv.obj == FO_MODULE) {
        args_read(in, parse_field(call, "arguments"), &a);
        return call_library(in, call, arena_dotted(in->arena, recv.qual, method, mlen), recv, &a);
    }
    /* a row of a method whatever the receiver is: lst.append(x), loss.backward() */
    const Contract *any_recv = contracts_method(FORM_ANY_RECV, method, mlen);
    if (any_recv && contracts_observes(any_recv->op)) { /* loss.backward() */
        labels_backward(in, recv_node, recv);
        /* a sum taken for its gradient is no score (a saliency map); one that went through a
         * sigmoid or log-sigmoid first (a KTO / DPO loss) was read as a log-likelihood */
        if (recv.kinds & FK_RAW) interp_cancel_aggregate(in, &recv);
    }
    const Contract *t; /* "{} {}".format(prompt, answer), "".join(parts), TEMPLATE.format(..) */
    if ((parse_is(parse_unparen(recv_node), "string") || labels_literal_text(&recv) ||
         labels_template_filled(call, &recv)) &&
        (t = contracts_method(FORM_STRING, method, mlen))) {
        args_read(in, parse_field(call, "arguments"), &a);
        Fact text = apply_method(in, call, t, recv_node, recv, &a);
        TSNode template = parse_is(parse_unparen(recv_node), "string") ? recv_node : recv.origin;
        if ((text.flags & FF_JOINED) && !ts_node_is_null(template))
            text.prompt_rows = prompts_fill_vary(in, call, template); /* (facts_prompts.c) */
        return text;
    }
    if (any_recv && !contracts_observes(any_recv->op)) { /* lst.append(x), lst.extend(xs) */
        args_read(in, parse_field(call, "arguments"), &a);
        return apply_method(in, call, any_recv, recv_node, recv, &a);
    }
    /* lst.sort(key=f): Python's list sort (a tensor's takes no key), in place */
    if (mlen == 4 && !memcmp(method, "sort", 4)) {
        args_read(in, parse_field(call, "arguments"), &a);
        if (a.npos == 0 && !a.splatted && args_kw(in, &a, "key") >= 0) {
            builtins_sort_in_place(in, call, recv, &a);
            return fact_unknown();
        }
    }
    return call_method(in, call, recv_node, recv, method, mlen);
}

/* A dataset built here from arguments: the loader or Trainer it is handed to reads its items
 * with __getitem__, which the project's code never calls. It runs once on the object as built
 * here, an index we know nothing of, so that the items are judged with what the constructor was
 * given (a list of padded encodings) and not only as its parameters' names suggest. */
static void construct_items(Interp *in, Fact obj, const Args *a) {
    if (!a || a->npos + a->nkw == 0 || obj.obj != FO_INSTANCE) return;
    TSNode m = interp_find_method(in, obj.def, "__getitem__", 11);
    if (ts_node_is_null(m)) return;
    Args index = {.npos = 1, .nplain = 1};
    index.posf[0] = fact_unknown();
    interp_call_user(in, m, (TSNode){0}, &index, &obj);
}

Fact calls_construct(Interp *in, TSNode cls, const Args *a, TSNode call) {
    Fact obj = instance_fields(in, cls, a, call);
    static const char *const builders[] = {"__init__", "__post_init__"};
    for (int i = 0; i < 2; i++) {
        in->built_self = fact_unknown();
        call_instance(in, call, obj, builders[i], strlen(builders[i]), i == 0 ? a : NULL);
        if (in->built_self.obj == FO_INSTANCE) obj = in->built_self;
    }
    construct_items(in, obj, a);
    return obj;
}

/* The object a method called nowhere runs on: as its class's __init__ builds it from
 * arguments we do not see (self.enc = tok(texts) is known). A field the constructor leaves
 * None or unknown (self.logits = None, set by another method) is left out: its name is then
 * the evidence, as for an object of no fields. A constructor runs on such an object.
 * The fields are the class's, whichever method asks: built once per class and per place the
 * build runs from (the call depth cutting its nested calls, the event list it adds to), not
 * again for each of the class's methods (that was 8 % of a cold run's instructions). */
Fact calls_standalone_self(Interp *in, TSNode def, TSNode cls) {
    size_t len;
    const char *name = parse_text(in->src, parse_field(def, "name"), &len);
    bool builder = (len == 8 && !memcmp(name, "__init__", 8)) ||
                   (len == 13 && !memcmp(name, "__post_init__", 13));
    Fact r = fact_object(FO_INSTANCE, 0, def);
    r.def = cls;
    if (builder) return r;
    StandaloneSelf *memo = NULL;
    for (size_t i = 0; i < in->standalone.len && !memo; i++) {
        StandaloneSelf *s = &in->standalone.items[i];
        if (ts_node_eq(s->cls, cls) && s->alone == in->alone && s->depth == in->call_depth)
            memo = s;
    }
    if (!memo) {
        Args none = {0};
        Fact obj = calls_construct(in, cls, &none, def);
        StandaloneSelf s = {.cls = cls, .alone = in->alone, .depth = in->call_depth};
        if (obj.obj == FO_INSTANCE && obj.keys) {
            s.elems = arena_alloc(in->arena, sizeof(Fact) * (size_t)(obj.nelems + 1));
            s.keys = arena_alloc(in->arena, sizeof(char *) * (size_t)(obj.nelems + 1));
            for (int i = 0; i < obj.nelems; i++) {
                const Fact *f = &obj.elems[i];
                bool placeholder = f->obj == FO_NONE && !f->kinds && !(f->flags & FF_CONST);
                if (placeholder || fact_knows_nothing(f)) continue;
                s.elems[s.nelems] = *f;
                s.keys[s.nelems++] = obj.keys[i];
            }
        }
        s.built_self = in->built_self;
        s.last_event = in->last_event;
        array_push(&in->standalone, s);
        memo = &in->standalone.items[in->standalone.len - 1];
    }
    in->built_self = memo->built_self; /* as the build left them */
    in->last_event = memo->last_event;
    if (memo->elems) {
        r.elems = memo->elems;
        r.keys = memo->keys;
        r.nelems = memo->nelems;
    }
    return r;
}

/* Is name read as name.tokenizer in n (its own scope: nested functions and classes are not)? */
static bool reads_tokenizer_of(Interp *in, TSNode n, TSNode name, int depth) {
    if (depth > BOUND_MAX_NESTING) return false;
    if (depth > 0 && (parse_is(n, "function_definition") || parse_is(n, "class_definition")))
        return false;
    if (parse_is(n, "attribute") && interp_text_eq(in, parse_field(n, "attribute"), "tokenizer")) {
        TSNode obj = parse_field(n, "object");
        size_t a, b;
        const char *x = parse_text(in->src, obj, &a), *y = parse_text(in->src, name, &b);
        if (parse_is(obj, "identifier") && a == b && !memcmp(x, y, a)) return true;
    }
    bool found = false;
    ParseKids k;
    parse_kids_begin(&k, n);
    for (TSNode c; !found && parse_kids_next(&k, &c);)
        found = reads_tokenizer_of(in, c, name, depth + 1);
    parse_kids_end(&k);
    return found;
}

/* scorer(ids, mask) of an object nothing is known of (or its name only), whose tokenizer the
 * same function reads (scorer.tokenizer): a wrapper that holds its tokenizer beside its model
 * (a Hugging Face model has no tokenizer attribute), so its call is no model's forward and
 * returns what its class says (log-probs, pairs), not logits. Called from code that builds it,
 * the class's own __call__ runs and decides. */
static bool holds_tokenizer(Interp *in, TSNode fn) {
    if (!parse_is(fn, "identifier")) return false;
    TSNode scope =
        parse_enclosing(fn, (const char *const[]){"function_definition", "module", NULL});
    return !ts_node_is_null(scope) && reads_tokenizer_of(in, scope, fn, 0);
}

/* An object that holds a model it loaded (self.lm = AutoModel.from_pretrained(name)): its
 * forward's result is what it made of that model's output, which the facts follow; when they
 * know nothing of it (a reward head's value at the last token), it is no model's output. */
static bool holds_loaded_model(const Fact *obj) {
    for (int i = 0; i < obj->nelems; i++)
        if (obj->elems[i].obj == FO_MODEL && !(obj->elems[i].flags & FF_WEAK)) return true;
    return false;
}

/* fn(...) where fn holds f. */
static Fact call_value(Interp *in, TSNode call, TSNode fn, Fact f) {
    Args a;
    if (f.obj == FO_FUNC) {
        /* Arguments are evaluated by the callee's parameter binding. */
        in->closure = &f;
        return interp_call_user(in, f.def, parse_field(call, "arguments"), NULL,
                                funcs_bound_self(&f));
    }
    args_read(in, parse_field(call, "arguments"), &a);
    if (f.obj == FO_CLASS) /* Scorer(lm): an object of that class, built by its __init__ */
        return calls_construct(in, f.def, &a, call);
    if (f.obj == FO_INSTANCE) {
        /* a module of this file fed token ids whose forward returns what we cannot see (a
         * layer of another library): its output, as a model's; values a head read off a
         * padded batch's hidden states (pad_what) are no such thing */
        Fact r = call_instance(in, call, f, "forward", 7, &a);
        if (fact_knows_nothing(&r) && !r.pad_what && !holds_loaded_model(&f) &&
            hf_looks_like_model_call(in, &a))
            return model_call(in, fact_object(FO_MODEL, 0, call), &a, call);
        return embedding_lm_output(in, call, f, &a, r);
    }
    switch ((FactObject)f.obj) {
    case FO_MODULE:
        return call_library(in, call, f.qual, fact_unknown(), &a);
    case FO_CALLABLE:
        return array_callable(in, call, f, &a);
    case FO_MODEL: /* lm(ids) of a model known by its name only: unless lm.tokenizer says not */
        if ((f.flags & FF_WEAK) && holds_tokenizer(in, fn)) return fact_unknown();
        return model_call(in, f, &a, call);
    case FO_TOKENIZER:
        return hf_tokenizer_call(in, f, &a, call);
    default:
        break;
    }
    if (!f.kinds && f.obj == FO_NONE && hf_called_like_tokenizer(in, &a)) {
        if (parse_is(fn, "identifier")) interp_bind(in, fn, fact_object(FO_TOKENIZER, 0, fn));
        return hf_encoding(in, &a, call);
    }
    const Contract *t = NULL; /* apply_fn(variables, x), a function passed along */
    if (f.obj == FO_NONE && !f.kinds && parse_is(fn, "identifier")) {
        size_t nlen;
        const char *name = parse_text(in->src, fn, &nlen);
        t = contracts_method(FORM_UNKNOWN_FN, name, nlen);
    }
    if (t) {
        Applied s = {.row = t, .node = call, .x = f, .recv = f, .a = &a};
        Fact r = xfer_apply(in, &s);
        if (r.obj != FO_NONE || r.kinds) return r;
    }
    if (!f.kinds && hf_looks_like_model_call(in, &a) && !holds_tokenizer(in, fn)) {
        /* classifier(**enc), mlm(input_ids=x) */
        size_t nlen;
        const char *name = parse_text(in->src, fn, &nlen);
        unsigned head = parse_is(fn, "identifier") ? names_head(name, nlen) : 0;
        return hf_model_output(in, fact_object(FO_MODEL, head, call), &a, call);
    }
    return fact_unknown();
}

static Fact eval_call(Interp *in, TSNode call) {
    TSNode fn = parse_field(call, "function");
    if (parse_is(fn, "attribute") && !project_names_member(in, fn)) /* utils.f(x): below */
        return eval_method_call(in, call, fn);
    Fact f = interp_eval(in, fn);
    if (f.obj != FO_EITHER) return call_value(in, call, fn, f);
    /* cls(d, n) of one of several classes: what all of them give; else as of any object */
    Fact results[EITHER_MAX];
    int n = f.nelems < EITHER_MAX ? f.nelems : EITHER_MAX;
    for (int i = 0; i < n; i++)
        results[i] = call_value(in, call, fn, f.elems[i]);
    Fact r = either_agreed(in->arena, results, n);
    return fact_knows_nothing(&r) ? call_value(in, call, fn, fact_unknown()) : r;
}

bool calls_keeps_values(const char *method, size_t len) {
    const Contract *t = contracts_method(FORM_TENSOR, method, len);
    return t && (t->keeps & PK_ALL);
}
