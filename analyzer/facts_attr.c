/* Attributes of known objects: model outputs, encodings, tokenizers, distributions, tuples, tensors
 * (.T, .shape), objects and classes of this file; names are the evidence left for the rest. */
#include <stdio.h>

#include "facts_xfer.h"

/* A method decorated @property (or @cached_property): reading the attribute calls it. */
static bool is_property(Interp *in, TSNode def) {
    TSNode decorated = ts_node_is_null(def) ? def : ts_node_parent(def);
    return !ts_node_is_null(decorated) && parse_is(decorated, "decorated_definition") &&
           svc_decorated_with(in, decorated, "property");
}

static Fact attr_of(Interp *in, Fact obj, TSNode attr_node, const char *attr, size_t len) {
    switch ((FactObject)obj.obj) {
    case FO_MODEL: /* llama.cpp's llm.scores: the raw logits of every position evaluated */
        if (names_is(attr, len, "module")) return obj; /* DDP(m).module: m itself */
        if (names_is(attr, len, "scores")) {
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
        if (names_is(attr, len, "logits") && (obj.flags & FF_NOTLM))
            return hf_head_logits(&obj, 0, attr_node);
        if (names_is(attr, len, "logits") && (obj.flags & FF_GENERATE))
            return hf_stepwise_scores(attr_node, false);
        if (names_is(attr, len, "logits") && (obj.flags & FF_UNTYPED_IN)) {
            /* logits, but of a layout only a language model's token input would tell */
            Fact r = fact_of(FK_RAW, obj.flags & FF_SEQ2SEQ, attr_node);
            r.ax_last = AX_VOCAB;
            return r;
        }
        if (names_is(attr, len, "logits")) return hf_logits_3d(obj.flags & FF_SEQ2SEQ, attr_node);
        if (names_is(attr, len, "scores"))
            return hf_stepwise_scores(attr_node, (obj.flags & FF_BEAM) != 0);
        if (names_is(attr, len, "loss"))
            return fact_of(FK_LOSS, obj.flags & FF_LOSS_FLAGS, attr_node);
        if (names_is(attr, len, "sequences"))
            return fact_tensor(FK_IDS, obj.flags & FF_PADDED, attr_node, 2,
                               (AxisKind[]){AX_BATCH, AX_POS});
        if (names_is(attr, len, "values")) return obj;
        if (len > 7 && !memcmp(attr + len - 7, "_logits", 7)) /* router_logits, start_logits */
            return fact_of(FK_RAW, 0, attr_node);             /* raw, over experts or spans */
        return fact_unknown();
    case FO_ENCODING: {
        bool one = obj.one_text;
        AxisKind axes[2] = {one ? AX_POS : AX_BATCH, AX_POS};
        if (names_is(attr, len, "input_ids"))
            return fact_tensor(FK_IDS, obj.flags & (FF_PADDED | FF_JOINED), attr_node, one ? 1 : 2,
                               axes);
        if (names_is(attr, len, "labels")) /* a collator's labels are -100 at the pads */
            return fact_tensor(FK_IDS, obj.flags & (FF_PADDED | FF_JOINED | FF_MASKED), attr_node,
                               one ? 1 : 2, axes);
        if (names_is(attr, len, "attention_mask"))
            return fact_tensor(FK_MASK, obj.flags & FF_PADDED, attr_node, one ? 1 : 2, axes);
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
        if (names_is(attr, len, "logits")) return r;
        if (names_is(attr, len, "probs")) return r.kinds = FK_PROB, r;
        return fact_unknown();
    }
    case FO_TUPLE:
        if (names_is(attr, len, "values") && obj.nelems == 2) return obj.elems[0];
        if (names_is(attr, len, "indices") && obj.nelems == 2) return obj.elems[1];
        return fact_unknown();
    case FO_NONE:
        if (obj.kinds) {
            if (names_is(attr, len, "T") || names_is(attr, len, "mT")) {
                /* .T reverses every axis, .mT swaps the last two */
                bool all = names_is(attr, len, "T");
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
            if (names_is(attr, len, "data")) return obj;
            if (names_is(attr, len, "shape")) return lengths_shape(in, obj, attr_node);
            if (names_is(attr, len, "values") && (obj.kinds & FK_MAXV))
                return obj; /* x.max(dim).values */
            /* kinds from a name only (an API's top_logprobs): its items' fields are no tensor
             * attributes, their own names are the evidence */
            if (!(obj.flags & FF_WEAK)) return fact_unknown();
            /* the OpenAI chat API's choice.logprobs.content: one record per generated token */
            if (obj.kinds == FK_LOGPROB && names_is(attr, len, "content")) {
                Fact r = fact_unknown();
                r.origin = attr_node;
                fact_set_axes(&r, 1, (AxisKind[]){AX_STEP});
                return r;
            }
            break;
        }
        break;
    case FO_INSTANCE: { /* Holder(logits=x).logits: the field it was built with */
        const Fact *v = fact_field(&obj, attr, len);
        if (v) return *v;
        /* sample.total: a @property method runs on the object (looked for only when some
         * function of the file has that name: most attributes are no method) */
        TSNode m =
            funcs_find(in, attr, len) ? svc_find_method(in, obj.def, attr, len) : (TSNode){0};
        if (is_property(in, m)) return svc_call_user(in, m, (TSNode){0}, NULL, &obj);
        break; /* set elsewhere (by its methods): the name is the evidence left */
    }
    case FO_CLASS: { /* Config.VOCAB_DIM */
        Fact k;
        return args_class_int(in, obj.def, attr, len, &k) ? k : fact_unknown();
    }
    default:
        return fact_unknown();
    }
    /* An object we know nothing of: its attribute's name is the only evidence (one loop
     * step's object has one step's attributes). */
    Fact f = names_evidence(attr_node, attr, len);
    if (obj.obj == FO_NONE) f.flags |= obj.flags & (FF_LOOPVAR | FF_STEPVAR);
    if (names_is(attr, len, "logits")) f.flags &= ~FF_WEAK; /* the HF convention: out.logits */
    if (names_is(attr, len, "logprob") && obj.obj == FO_NONE && (obj.flags & FF_STEPVAR) &&
        (!obj.kinds || obj.kinds == FK_LOGPROB)) {
        /* one generated token's record (OpenAI's content[i], vLLM's Logprob): .logprob is the
         * log-prob of that position's chosen token, an API's contract */
        f = fact_of(FK_LOGPROB, FF_SELECTED | (obj.flags & (FF_LOOPVAR | FF_STEPVAR)), attr_node);
        f.ndim = 0;
    }
    if (names_is(attr, len, "token_logprobs")) {
        /* the OpenAI completions API's choice.logprobs.token_logprobs: the log-prob of each
         * chosen token, one per position (an API's contract, as .logits is HF's) */
        f = fact_of(FK_LOGPROB, FF_SELECTED, attr_node);
        fact_set_axes(&f, 1, (AxisKind[]){AX_STEP});
    }
    return f;
}

Fact attr_get(Interp *in, Fact obj, TSNode attr_node, const char *attr, size_t len) {
    if (project_is_module(&obj)) return project_member(in, obj, attr, len);
    Fact r = attr_of(in, obj, attr_node, attr, len);
    if (obj.obj == FO_OUTPUT || obj.obj == FO_ENCODING) r = hf_aligned_attr(obj, r, attr, len);
    return r;
}
