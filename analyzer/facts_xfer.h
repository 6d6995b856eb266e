/* The transfer side of the facts layer: reading a call's arguments (facts_args.c), the
 * transfers of the contract table's ops (facts_array.c, facts_hf.c, facts_builtins.c; applied
 * by xfer_apply, facts_call_op.c), the attributes of known objects (facts_attr.c) and name
 * evidence (facts_names.c). Transfers reach the interpreter only through the interp_* services
 * of facts_internal.h. */
#ifndef LOGITLINT_FACTS_XFER_H
#define LOGITLINT_FACTS_XFER_H

#include "contracts.h"
#include "facts_internal.h"
#include "facts_svc.h"

/* ---- facts_call_op.c: applying a row ---- */
/* A call that applies a contract row: the row, and where its operand and arguments are. */
typedef struct Applied {
    const Contract *row;
    TSNode node;      /* the call */
    Fact x;           /* an array op's operand: a method's receiver, a function's first argument */
    Fact recv;        /* the receiver: the object a method is called on (a function's: unknown,
                         or the module object of a declared class) */
    TSNode recv_node; /* its expression (lst in lst.append(x)); null for a library function */
    const Args *a;    /* the call's arguments */
    const char *qual; /* a library function's qualified name; NULL for a method */
    int off;          /* 1: a library function (the row's positions are one further), 0: a method */
} Applied;
/* What the call returns: the transfer of the row's op (every op has one, checked by the
 * compiler: a switch over every Op with no default). */
Fact xfer_apply(Interp *in, const Applied *s);

/* ---- facts_keras.c: tf.data datasets, keras's fit / evaluate / predict (OP_DATASET,
 * OP_DATASET_STEP, OP_KERAS_RUN, OP_KERAS_PAD; predict's OP_MODEL_CALL on an object of the
 * file's class) ---- */
Fact keras_apply(Interp *in, const Applied *s);

/* ---- facts_args.c: a call's arguments ---- */
void args_read(Interp *in, TSNode arglist, Args *a);
/* The index of keyword argument `name`, -1 if absent. */
int args_kw(Interp *in, const Args *a, const char *name);
/* The node of an argument given by keyword (kw, else kw2) or at a position; null if absent. */
TSNode args_node(Interp *in, const Args *a, const char *kw, const char *kw2, int pos);
/* The fact of an argument given by keyword or at a position; bottom if absent. */
Fact args_fact(Interp *in, const Args *a, const char *kw, int pos);
/* dim=-1, axis=1, or the positional one: an integer known on every path; FACT_NO_DIM if not. */
int args_dim(Interp *in, const Args *a, int pos);
/* A keyword argument whose value is truthy (True, "longest", a non-zero literal). */
bool args_truthy(Interp *in, const Args *a, const char *name);
/* A keyword argument that is the string literal value. */
bool args_string_is(Interp *in, const Args *a, const char *name, const char *value);
/* A setting given by keyword, or held by a dict of settings the call is handed (**kw, or the
 * keyword holder: generation_config=): truthy (as args_truthy) / an integer that may exceed 1. */
bool args_setting_truthy(Interp *in, const Args *a, const char *name, const char *holder);
bool args_setting_above_one(Interp *in, const Args *a, const char *name, const char *holder);
/* `NAME = 1` in the body of a class of the file: the integer Cls.NAME / obj.NAME. */
bool args_class_int(Interp *in, TSNode cls, const char *name, size_t len, Fact *out);

/* ---- facts_array.c: array ops (contracts_is_array_op) ---- */
/* The array transfers, by what they tell of the values. */
typedef enum {
    AT_SCORES,     /* normalising, exponentials and logarithms: what kind of scores */
    AT_REDUCTIONS, /* reductions, rankings and selections */
    AT_LAYOUT,     /* which axis is which after a reshape, transpose, slice or join */
    AT_VALUES,     /* values made, combined or masked */
    AT_LOSSES,     /* losses, and the loss and normalising modules that apply them */
    AT_NOTHING,    /* nothing the main facts take (ones, allclose, the padding domain's rows);
                      the call is still a library's, not the file's code */
} ArrayTransfer;
/* Applies s->row to the tensor s->x: a method's receiver (s->off 0), or a library function's
 * first argument (s->off 1: the row's argument positions are one further). */
Fact array_apply(Interp *in, const Applied *s, ArrayTransfer which);
/* A FO_CALLABLE applied to its arguments: nn.LogSoftmax(dim=-1)(x), nn.CrossEntropyLoss()(x, y). */
Fact array_callable(Interp *in, TSNode node, Fact c, const Args *a);
/* Values reduced over dim (FACT_NO_DIM: all); across positions an aggregation or product. */
Fact array_reduce(Interp *in, TSNode node, Fact x, int dim, bool keepdim, Op op);
/* min(xs, key=lambda c: score(c)), sorted(xs, key=scores.get): the key's values are ranked. */
void array_rank_key(Interp *in, const Args *a, TSNode node);

/* ---- facts_recurrent.c: recurrent cells and layers, and heads over their outputs ---- */
Fact recurrent_layer(Interp *in, TSNode node, const Contract *t, const Args *a);
Fact recurrent_apply(Interp *in, TSNode node, Fact layer, const Fact *x);
void recurrent_head(Fact *scores, const Fact *x);
bool recurrent_reshape_keeps(Interp *in, const Fact *x, const Args *a, int first);

/* ---- facts_hf.c: Hugging Face models, outputs, tokenizers and encodings ---- */
Fact hf_apply(Interp *in, const Applied *s);
Fact hf_model_output(Interp *in, Fact model, const Args *a, TSNode node);
/* out (a model call's output, or its loss) with the call that made its loss noted, when that
 * loss is the mean over every token of the input (FF_FULLLABELS). */
Fact hf_loss_made(Interp *in, Fact out, TSNode call);
Fact hf_encoding(Interp *in, const Args *a, TSNode node);
/* tok(texts): its encoding, or what a KerasNLP causal LM preprocessor makes (x, y, weights) */
Fact hf_tokenizer_call(Interp *in, Fact tok, const Args *a, TSNode node);
Fact hf_padded_batch(TSNode node, unsigned labels);
/* tok(prompt + answer, return_tensors="pt"): text with return_tensors goes to a tokenizer. */
bool hf_called_like_tokenizer(Interp *in, const Args *a);
bool hf_looks_like_model_call(Interp *in, const Args *a);
Fact hf_logits_3d(unsigned flags, TSNode origin);
Fact hf_stepwise_scores(TSNode origin, bool log_probs);
/* What an output's or encoding's tensor attribute knows of its positions. */
Fact hf_aligned_attr(Fact obj, Fact t, AttrSpan span);
/* enc.labels of tok(source, text_target=target): the target's ids, a sequence of their own
 * (FF_SEQ2SEQ: for an encoder-decoder's decoder); any other labels as they are. */
Fact hf_target_labels(Fact enc, Fact labels);

/* ---- facts_builtins.c: Python builtins, functools and other objects' ops ---- */
Fact builtins_apply(Interp *in, const Applied *s);
/* lst.append(x) / lst.extend(xs): the list now may hold x (xs' elements). */
void builtins_append(Interp *in, TSNode receiver, Fact list, Fact x, bool extend);
/* ---- facts_argparse.c: a parser's arguments and their defaults (OP_ARGUMENTS) ---- */
Fact argparse_apply(Interp *in, const Applied *s);
/* lst.sort(key=f) (a call with no positional argument): the list ranked in place, as
 * sorted(lst, key=f) ranks it. */
void builtins_sort_in_place(Interp *in, TSNode call, Fact list, const Args *a);

/* ---- facts_lengths.c: lengths, and token counts (FF_COUNT) ---- */
/* The length of seq along an axis of that kind: a token count N of unshifted, unmasked ids. */
Fact lengths_of(Fact seq, AxisKind axis, TSNode node);
Fact lengths_shape(Interp *in, Fact x, TSNode node);         /* x.shape */
Fact lengths_span(Fact f, const Fact *seq); /* a length of seq's positions: where it ends */
Fact lengths_size(Fact x, int dim, bool numel, TSNode node); /* x.size(d), x.numel() */

/* ---- facts_names.c: what names say ---- */
/* A model (or callee) named for a head that is no causal LM's: FF_NOTLM, FF_MLM or 0. */
unsigned names_head(const char *name, size_t len);
bool names_icontains(const char *s, size_t len, const char *lit);
static inline bool names_is(const char *s, size_t len, const char *lit) {
    return strlen(lit) == len && memcmp(s, lit, len) == 0;
}

#endif
