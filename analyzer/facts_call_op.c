/* Applying a contract row: one switch over every op (contracts.h Op) to its transfer, with no
 * default, so that an op no case handles does not compile (-Wswitch-enum, CMakeLists.txt). The
 * array ops' transfers are in facts_array.c, Hugging Face's in facts_hf.c, the builtins' in
 * facts_builtins.c; the methods of a receiver kind that only return what the receiver holds
 * (a distribution's log_prob and sample, a model's forward, a flax module's apply, a list's
 * append, a method that returns the receiver) are here. */
#include <string.h>

#include "facts_xfer.h"

Fact xfer_pair(Interp *in, Fact a, Fact b, TSNode node) {
    Fact pair = fact_object(FO_TUPLE, 0, node);
    pair.elems = arena_alloc(in->arena, 2 * sizeof(Fact));
    pair.elems[0] = a;
    pair.elems[1] = b;
    pair.nelems = 2;
    return pair;
}

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
static Fact flax_apply(Interp *in, const Applied *s) {
    const Args *a = s->a;
    if (a->npos < 2 || a->splatted) return fact_unknown();
    Args rest = *a;
    rest.npos = a->npos - 1;
    rest.nplain = a->nplain - 1;
    memmove(rest.pos, a->pos + 1, sizeof(TSNode) * (size_t)rest.npos);
    memmove(rest.posf, a->posf + 1, sizeof(Fact) * (size_t)rest.npos);
    if (!(rest.posf[0].kinds & FK_IDS) || rest.posf[0].ndim == 0) return fact_unknown();
    unsigned weak = hf_looks_like_model_call(in, &rest) ? 0 : FF_WEAK;
    Fact model = s->recv.obj == FO_MODEL ? s->recv : fact_object(FO_MODEL, weak, s->node);
    /* a flax module returns arrays, not an output object: its logits */
    Fact logits = hf_output_logits(hf_model_output(in, model, &rest, s->node));
    /* mutable=[...]: (output, updated state) */
    return args_kw(in, a, "mutable") < 0 ? logits : xfer_pair(in, logits, fact_unknown(), s->node);
}

Fact xfer_apply(Interp *in, const Applied *s) {
    switch ((Op)s->row->op) {
    case OP_LOG_SOFTMAX:
    case OP_SOFTMAX:
    case OP_LOGSUMEXP:
    case OP_LOG:
    case OP_EXP:
    case OP_LOGADDEXP:
    case OP_COSINE:
    case OP_SIGMOID:
    case OP_LOGSIGMOID:
        return array_apply(in, s, AT_SCORES);
    case OP_NANMEAN:
    case OP_MEAN:
    case OP_SUM:
    case OP_PROD:
    case OP_CUMSUM:
    case OP_CUMPROD:
    case OP_MIN:
    case OP_MAX:
    case OP_ARGMAX:
    case OP_SORT:
    case OP_SELECT:
        return array_apply(in, s, AT_REDUCTIONS);
    case OP_SQUEEZE:
    case OP_UNSQUEEZE:
    case OP_RESHAPE:
    case OP_FLATTEN:
    case OP_TRANSPOSE:
    case OP_PERMUTE:
    case OP_EINSUM:
    case OP_NARROW:
    case OP_ITEM:
    case OP_STACK:
    case OP_CAT:
    case OP_ROLL:
    case OP_CHUNK:
    case OP_SIZE:
    case OP_NUMEL:
        return array_apply(in, s, AT_LAYOUT);
    case OP_FULL:
    case OP_TO_TENSOR:
    case OP_PASS:
    case OP_WHERE:
    case OP_MASKED_FILL:
    case OP_MUL:
    case OP_DIV:
    case OP_SUB:
    case OP_COMPARE:
    case OP_ARANGE:
    case OP_PAD_SEQUENCE:
    case OP_PAD_ARRAY:
        return array_apply(in, s, AT_VALUES);
    case OP_KERAS_CE:
    case OP_KERAS_CE_CLASS:
    case OP_LINEAR_CLASS:
    case OP_CROSS_ENTROPY:
    case OP_NLL_LOSS:
    case OP_CROSS_ENTROPY_CLASS:
    case OP_NLL_LOSS_CLASS:
    case OP_LOG_SOFTMAX_CLASS:
    case OP_SOFTMAX_CLASS:
        return array_apply(in, s, AT_LOSSES);
    case OP_ONES: /* facts_use.c's rows: what a distribution sums to, and a test that it does */
    case OP_CLOSE:
    case OP_PAD_ONLY: /* the padding domain's rows (facts_pad.c) */
        return array_apply(in, s, AT_NOTHING);
    case OP_FROM_PRETRAINED:
    case OP_GENERATE:
    case OP_TRANSITION_SCORES:
    case OP_ENCODE:
    case OP_ENCODE_PLUS:
    case OP_CHAT_TEMPLATE:
    case OP_PAD_BATCH:
    case OP_COLLATOR:
    case OP_MLM_COLLATOR:
    case OP_DATALOADER:
        return hf_apply(in, s);
    case OP_UFUNC_REDUCE:
    case OP_FOLD:
    case OP_PARTIAL:
    case OP_SEQUENTIAL:
    case OP_DISTRIBUTION:
    case OP_TOKENIZER:
    case OP_MODEL:
    case OP_LOAD_BARE_LM:
    case OP_LEN:
    case OP_RANGE:
    case OP_ENUMERATE:
    case OP_ZIP:
    case OP_MAP:
    case OP_LIST:
    case OP_DICT:
    case OP_SORTED:
    case OP_RANK_METRIC:
    case OP_WRAP_MODEL:
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
    case OP_MODEL_CALL:
        return hf_model_output(in, s->recv, s->a, s->node);
    case OP_NONE: /* in no row (the table test) */
    case OP_COUNT:
        return fact_unknown();
    }
    return fact_unknown(); /* not an Op: unreachable */
}
