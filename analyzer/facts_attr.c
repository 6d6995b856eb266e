/* Attributes: x.name by the attribute rows of the contract table (contracts.h AttrContract: model
 * outputs, encodings, tokenizers, distributions, pairs, tensors, API records), applied by one
 * transfer; modules, objects and classes of this file by code; names are the evidence left. */

#include "facts_xfer.h"

/* A method decorated @property (or @cached_property): reading the attribute calls it. */
static bool is_property(Interp *in, TSNode def) {
    TSNode decorated = ts_node_is_null(def) ? def : parse_parent(def);
    return !ts_node_is_null(decorated) && parse_is(decorated, "decorated_definition") &&
           svc_decorated_with(in, decorated, "property");
}

/* Does the module of the class cls (another file's, for an object one of its functions made)
 * define a function named attr? Looking runs nothing: the caller's summary still holds. */
static bool module_names_function(Interp *in, TSNode cls, const char *attr, size_t len) {
    bool left_home = in->left_home;
    ProjectCtx module;
    project_enter(in, cls, (TSNode){0}, &module);
    bool found = funcs_find(in, attr, len) != NULL;
    project_leave(in, &module);
    in->left_home = left_home;
    return found;
}

/* The receiver kind of the attribute rows (contracts.h) a value is; AR_COUNT: no rows. */
static AttrRecv recv_of(const Fact *obj) {
    switch ((FactObject)obj->obj) {
    case FO_MODEL:
        return AR_MODEL;
    case FO_OUTPUT:
        return AR_OUTPUT;
    case FO_ENCODING:
        return AR_ENCODING;
    case FO_TOKENIZER:
        return AR_TOKENIZER;
    case FO_DISTRIBUTION:
        return AR_DISTRIBUTION;
    case FO_TUPLE:
        return obj->nelems == 2 ? AR_PAIR : AR_COUNT;
    case FO_NONE:
        return obj->kinds ? AR_TENSOR : AR_UNKNOWN;
    default:
        return AR_COUNT;
    }
}

/* x.T / x.mT: the last n axes reversed (n 0: all). */
static Fact reversed_axes(Fact obj, int n) {
    if (obj.ndim >= 2) {
        int lo = n ? obj.ndim - n : 0;
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

/* The one transfer of every attribute row: what x.name yields by the row c. */
static Fact attr_apply(Interp *in, const AttrContract *c, Fact obj, unsigned obj_flags,
                       TSNode attr_node) {
    switch ((AttrYield)c->yields) {
    case AY_VALUE: {
        Fact r = fact_of(c->kinds, c->flags | (obj_flags & c->keep), attr_node);
        r.prompt_rows = (r.flags & FF_JOINED) && obj.prompt_rows; /* (facts_prompts.c) */
        if (c->ndim < 0) {
            r.ax_last = c->ax[0];
            return r;
        }
        int drop = (c->per & AP_PER_TEXT) && obj.one_text; /* one text: no batch axis */
        AxisKind ax[3] = {AX_UNK, AX_UNK, AX_UNK};
        for (int i = drop; i < c->ndim; i++)
            ax[i - drop] = (AxisKind)c->ax[i];
        fact_set_axes(&r, c->ndim - drop, ax);
        return r;
    }
    case AY_RECEIVER:
        return obj;
    case AY_RECV_VALUES:
        obj.obj = FO_NONE;
        obj.origin = attr_node;
        if (c->kinds) obj.kinds = c->kinds;
        return obj;
    case AY_ELEMENT:
        return obj.elems[c->arg];
    case AY_REVERSED_AXES:
        return reversed_axes(obj, c->arg);
    case AY_SHAPE:
        return lengths_shape(in, obj, attr_node);
    case AY_HEAD_LOGITS:
        return hf_head_logits(&obj, 0, attr_node);
    case AY_BACKBONE:
        return hf_backbone(&obj, attr_node);
    case AY_NOTHING:
    case AY_COUNT:
        break;
    }
    return fact_unknown();
}

/* loss.ignore_index of a loss class built without ignore_index=: torch's default, -100 (labels
 * set to it are dropped as labels set to -100 are). Another value given is not followed. */
static Fact ignored_target(Fact loss, TSNode attr_node, const char *attr, size_t len) {
    if ((loss.op != OP_CROSS_ENTROPY_CLASS && loss.op != OP_NLL_LOSS_CLASS) ||
        (loss.flags & FF_MASKED) || len != 12 || memcmp(attr, "ignore_index", 12))
        return fact_unknown();
    Fact r = fact_of(FK_NUM, FF_CONST, attr_node);
    r.ndim = 0;
    r.num = -100;
    return r;
}

/* x.name; *row: the row applied (NULL: none). */
static Fact attr_of(Interp *in, Fact obj, TSNode attr_node, const char *attr, size_t len,
                    const AttrContract **row) {
    AttrRecv recv = recv_of(&obj);
    if (recv != AR_COUNT && recv != AR_UNKNOWN) {
        const AttrContract *c = *row = contracts_attr(recv, attr, len, obj.flags, obj.kinds);
        if (c) return attr_apply(in, c, obj, obj.flags, attr_node);
        /* no row: unknown, unless the kinds came from a name only (an API's top_logprobs):
         * its items' fields are no tensor attributes, their own names are the evidence */
        if (recv != AR_TENSOR || !(obj.flags & FF_WEAK)) return fact_unknown();
    }
    /* Objects no row describes: code, not rows, as what they yield is not one value of a kind
     * but a name path (a module's), a constant of the class's body, or a field or @property
     * of an object of the file's classes. */
    switch ((FactObject)obj.obj) {
    case FO_MODULE:
        return fact_module(arena_dotted(in->arena, obj.qual, attr, len));
    case FO_INSTANCE: { /* Holder(logits=x).logits: the field it was built with */
        const Fact *v = fact_field(&obj, attr, len);
        if (v) return *v;
        /* sample.total: a @property method runs on the object (looked for only when some
         * function of the class's module has that name: most attributes are no method); what
         * it does there is this read's doing, as a call's is (lint_sites.c) */
        TSNode m = module_names_function(in, obj.def, attr, len)
                       ? svc_find_method(in, obj.def, attr, len)
                       : (TSNode){0};
        if (is_property(in, m)) {
            TSNode outer = in->runs_at;
            in->runs_at = attr_node;
            Fact r = svc_call_user(in, m, (TSNode){0}, NULL, &obj);
            in->runs_at = outer;
            return r;
        }
        if (!ts_node_is_null(m)) return funcs_bound_method(in, m, obj); /* jit(self.step) */
        break; /* set elsewhere (by its methods): the name is the evidence left */
    }
    case FO_DICT: { /* CausalLMOutput(logits=x).logits: a ModelOutput's field (a dict has no
                       attributes: only such an object gets here) */
        const Fact *v = fact_field(&obj, attr, len);
        return v ? *v : fact_unknown();
    }
    case FO_CALLABLE: /* nn.CrossEntropyLoss().ignore_index: the target value it drops */
        return ignored_target(obj, attr_node, attr, len);
    case FO_CLASS: { /* Config.VOCAB_DIM */
        Fact k;
        return args_class_int(in, obj.def, attr, len, &k) ? k : fact_unknown();
    }
    case FO_NONE:
        break;
    default:
        return fact_unknown();
    }
    /* An object we know nothing of: a bare-name row (an API's or a library's convention for
     * that attribute), else its attribute's name is the only evidence. Only a plain value
     * passes its flags on (one loop step's object has one step's attributes). */
    unsigned flags = obj.obj == FO_NONE ? obj.flags : 0;
    const AttrContract *c = *row = contracts_attr(AR_UNKNOWN, attr, len, flags, obj.kinds);
    if (c) return attr_apply(in, c, obj, flags, attr_node);
    Fact f = names_evidence(attr_node, attr, len);
    f.flags |= flags & (FF_LOOPVAR | FF_STEPVAR);
    return f;
}

/* enc["labels"] of a tokenizer's own output, into which the code stored something other than
 * its ids (enc["labels"] = torch.tensor(classes)): a tokenizer makes no labels, so they are
 * what was stored, no padded token ids (a collator's labels are: FF_MASKED). */
static bool labels_stored_apart(const Fact *obj, const char *attr, size_t len) {
    return obj->obj == FO_ENCODING && len == 6 && !memcmp(attr, "labels", 6) &&
           (obj->flags & FF_LABELS) && !(obj->flags & (FF_FULLLABELS | FF_MASKED)) &&
           !obj->fill_pad;
}

Fact attr_get(Interp *in, Fact obj, TSNode attr_node, const char *attr, size_t len) {
    if (project_is_module(&obj)) return project_member(in, obj, attr, len);
    if (labels_stored_apart(&obj, attr, len)) return fact_unknown();
    const AttrContract *row = NULL;
    Fact r = attr_of(in, obj, attr_node, attr, len, &row);
    if (row && (obj.obj == FO_OUTPUT || obj.obj == FO_ENCODING))
        r = hf_aligned_attr(obj, r, (AttrSpan)row->span);
    if (len == 6 && !memcmp(attr, "labels", 6)) r = hf_target_labels(obj, r);
    return r;
}
