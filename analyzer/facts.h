/* facts: a small abstract interpreter that tells what each expression of a Python file holds
 * (raw logits, log-probs, probs, token ids, ...), along which axes, and what was done to it.
 * It records the operations that rules care about as events; rules read only events. */
#ifndef LOGITLINT_FACTS_H
#define LOGITLINT_FACTS_H

#include <stdbool.h>
#include <stdint.h>

#include "parse.h"
#include "util.h"

/* What a value may hold (a set: branches join by union). 0 means nothing known. */
enum {
    FK_RAW = 1 << 0,     /* unnormalised logits */
    FK_LOGPROB = 1 << 1, /* log-probabilities (log_softmax, x - logsumexp(x), -NLL) */
    FK_PROB = 1 << 2,    /* probabilities (softmax) */
    FK_IDS = 1 << 3,     /* token ids */
    FK_MASK = 1 << 4,    /* attention / loss mask */
    FK_LOSS = 1 << 5,    /* a loss: NLL / cross entropy */
    FK_INDEX = 1 << 6,   /* an integer position or loop index */
    FK_LOGZ = 1 << 7,    /* a log-normaliser: logsumexp over the vocabulary */
    FK_MAXV = 1 << 8,    /* a max over the vocabulary (used to stabilise) */
    FK_NUM = 1 << 9,     /* some other number or tensor */
};
#define FK_SCORES (FK_RAW | FK_LOGPROB | FK_PROB)

/* What was done to a value. Flags in FF_MUST_FLAGS hold only if they hold on every path. */
enum {
    FF_SELECTED = 1 << 0,   /* reduced at chosen token ids: the vocabulary axis is gone */
    FF_AGGREGATED = 1 << 1, /* reduced across positions */
    FF_SHIFTED = 1 << 2,    /* causal shift applied (logits[:, :-1] or ids[:, 1:]) */
    FF_MASKED = 1 << 3,     /* multiplied by / filled with a mask, or boolean-indexed */
    FF_PADDED = 1 << 4,     /* comes from a padded batch */
    FF_STEPWISE = 1 << 5,   /* per-generation-step values from generate(): already aligned */
    FF_WEAK = 1 << 6,       /* kind known from a name only */
    FF_SOFTMAX = 1 << 7,    /* probabilities made by a softmax of logits */
    FF_EXP = 1 << 8,        /* exp() of unnormalised values */
    FF_LOOPVAR = 1 << 9,    /* bound by (or derived from) the variable of the enclosing loop */
    FF_STEPVAR = 1 << 10,   /* one position's value, the position varying with the loop */
    FF_SLICED = 1 << 11,    /* positions restricted by a slice (e.g. the continuation) */
    FF_SEQ2SEQ = 1 << 12,   /* decoder logits of an encoder-decoder model: no shift needed */
    FF_LABELS = 1 << 13,    /* model output of a call with labels= (it computed a loss) */
    FF_GENERATE = 1 << 14,  /* output of generate() */
    FF_PERTOKEN = 1 << 15,  /* loss with reduction="none": one value per token */
    FF_STABLE = 1 << 16,    /* max subtracted before exp() */
    FF_SUMEXP = 1 << 17,    /* a sum of exp(): log of it is a logsumexp */
    FF_NOTLM =
        1 << 18, /* a model (or its output) whose head is no LM: logits are [batch, classes] */
    FF_PREFIX = 1 << 21, /* a context the loop cuts or grows along the iterated sequence: seq[:t],
                            or ids = cat([ids, tok]) / ids.append(tok) (autoregressive steps) */
    FF_BEAM = 1 << 20,   /* generate() output of a beam search: its scores are log-probs */
    FF_OPAQUE = 1 << 19, /* returned by code we cannot see that was handed scores: unknown,
                            and its name is no evidence (it may well hold log-probs) */
};
/* LL105/LL106 (facts_align.c). High bits, so that flags added above do not collide. */
enum {
    FF_JOINED = 1 << 27, /* positions of two sequences joined (prompt + continuation, ctx + cont) */
    FF_TOKENS_IN =
        1 << 28,      /* a model output computed from token ids: used as a tensor, its logits */
    FF_MLM = 1 << 29, /* a masked (bidirectional) LM: its logits at t are about token t */
    FF_UNTYPED_IN = 1 << 26, /* output of a model known by its name only, fed no token ids
                                (pixels, audio, data nothing is known of): its logits have no
                                known layout */
    FF_CONST = 1 << 30,      /* an integer known on every path: its value is Fact.num (a dim
                                held in a variable, a default argument or a field) */
};
/* LL107 (facts_labels.c): where a Hugging Face loss's labels come from, and what was done to
 * the mean it returns. Bits 22-24, between the two blocks above. */
enum {
    FF_FULLLABELS = 1 << 22, /* model output / its loss: labels= the unmasked input ids (no -100) */
    FF_COUNT = 1 << 23,      /* a number: the length of an unshifted token sequence (len(ids),
                                ids.size(-1));      a loss: its mean multiplied by such a length */
    FF_SCALED = 1 << 24,  /* a loss: its mean multiplied by a non-constant (a count: now a sum);
                             labels: all but a constant number of targets ignored (a mean
                             over them ranks as their sum) */
    FF_TRAINED = 1 << 25, /* a loss: backpropagated (loss.backward()), a training objective */
};
/* The value may be None (the literal None flowed here on some path; facts_paths.c). */
#define FF_NONE (1u << 31)
/* What a model output passes on to its loss. */
#define FF_LOSS_FLAGS (FF_LABELS | FF_FULLLABELS | FF_JOINED | FF_SCALED)
#define FF_MUST_FLAGS (FF_SHIFTED | FF_MASKED | FF_SLICED | FF_STABLE)

/* A symbolic position along a sequence: sym + c, where sym names an unknown base (the start
 * or end of one sequence, or such a base plus an index expression); sym 0: nothing known.
 * Two positions compare only when their syms are equal. See facts_align.c. */
typedef struct FactPos {
    uint32_t sym;
    int32_t c;
    bool end; /* counted from a sequence's end (x[-n:], the tail, generate() scores) */
} FactPos;
enum { FACT_NO_ALIGN = 127 };

/* What kind of object a value is, beyond tensors. */
typedef enum {
    FO_NONE = 0,
    FO_MODULE,       /* a module or a function of one: qual = "torch.nn.functional.log_softmax" */
    FO_FUNC,         /* a function defined in this file: def_node */
    FO_MODEL,        /* a language model */
    FO_OUTPUT,       /* a model call's output object */
    FO_TOKENIZER,    /* a tokenizer */
    FO_ENCODING,     /* a tokenizer's output (input_ids, attention_mask) */
    FO_TUPLE,        /* a tuple / list literal with known elements */
    FO_CALLABLE,     /* an nn.Module-like object with a transfer: nn.LogSoftmax(dim=-1), ... */
    FO_DISTRIBUTION, /* torch.distributions.Categorical: kinds/axes describe its .logits, which
                        it normalises (log-probs, whatever it was built from) */
    FO_DICT,         /* a dict literal: elems are its values, keys their string keys (NULL:
                        a key that is no string literal) */
    FO_CLASS,        /* a class of this file: def is its class_definition */
    FO_INSTANCE,     /* an object of such a class (def: the class): calling it runs forward */
    FO_EITHER,       /* one of the objects of code in elems (classes, functions, objects of
                        the file's classes, modules), chosen at run time (facts_either.c) */
} FactObject;

/* Axis kinds, for tensors whose layout is known. */
typedef enum {
    AX_UNK = 0,
    AX_BATCH,
    AX_POS,   /* sequence positions of a tensor */
    AX_VOCAB, /* the vocabulary */
    AX_ONE,   /* a size-1 axis (unsqueeze, keepdim gather) */
    AX_STEP,  /* a Python list built one position at a time */
    AX_ITEM,  /* a Python list of other things (candidates, batches) */
} AxisKind;

enum { FACT_MAX_DIMS = 6 };

typedef struct Fact Fact;
struct Fact {
    uint16_t kinds;
    int16_t num; /* FF_CONST: the integer (here: the hole before flags) */
    uint32_t flags;
    uint8_t obj; /* FactObject */
    int8_t ndim; /* -1: unknown */
    uint8_t ax[FACT_MAX_DIMS];
    uint8_t ax_last; /* when ndim is unknown: the kind of the last axis */
    /* Two bytes of flags (a Fact is copied by value everywhere: keep it small). */
    bool bottom : 1;    /* no value on this path (unassigned): the identity of join */
    bool records : 1;   /* FO_TUPLE / FO_DICT / FO_INSTANCE / FO_ENCODING: a list of such
                           values (iterating it, or [0], gives one) */
    bool causal : 1;    /* FO_MODEL: its class says it is a causal LM; FO_OUTPUT: a Hugging
                           Face output (of such a model, or of a call that is one's forward:
                           facts_hf.c), out[0] its logits [B, T, V] */
    bool one_text : 1;  /* FO_ENCODING: of one text, its ids are a list [T], not a batch */
    bool choices : 1;   /* FO_MODEL / FO_OUTPUT: a multiple-choice head, logits [batch, choices] */
    bool pooled : 1;    /* FO_MODEL / FO_OUTPUT: a head over whole sequences (sequence
                           classification, multiple choice): one row of logits per sequence,
                           no positions, so none of them is a pad; a tensor: such logits, of
                           a layout not yet known ([batch, 1] for a reranker's score) */
    bool fill_pad : 1;  /* a buffer's fill is the pad token id, and the pads still hold it
                           (only rows copied to the start of each row were written since);
                           FO_ENCODING: its "labels" are such targets (facts_labels.c) */
    bool recurrent : 1; /* the output of a recurrent layer (op: OP_RECURRENT_CELL /
                           OP_RECURRENT_SEQ), or a head's scores over it; op_dim: its batch
                           axis once the rank shows it batched (facts_recurrent.c) */
    bool prompt_in : 1; /* token scores of joined prompt + continuation under a mask of every
                           real token (the pads') only: the prompt's positions are still in */
    bool bare_lm : 1;   /* FO_MODEL: a causal LM that returns its logits themselves [B, T, V],
                           no output object (mlx_lm's); a tensor: out[0] of a model fed token
                           ids nothing proves either kind, the first field of a Hugging Face
                           output [B, T, V] or row 0 [T, V] of such logits: its rank unknown,
                           head/tail its positions (the same either way), until a subscript
                           says which ([:, :-1]) or forgets them (facts_expr.c) */
    bool batch_first : 1;  /* a tensor of unknown rank whose axis 0 is its batch, whatever the
                              rank: a keras model's output (keras.Model, keras.Sequential:
                              keras runs models on batches);
                              FO_CALLABLE: a model whose outputs are such tensors. Kept by
                              what keeps every axis (elementwise), dropped by the rest */
    bool pads_ignored : 1; /* token ids: a negative sentinel written over the pads only
                              (labels[mask == 0] = -100), or a buffer of -100 rows of ids
                              were copied into from their starts only (labels[i, :len(r)] =
                              r), and over no other position, so labels != -100 is a mask of
                              every real token, a joined prompt's included (facts_pad.c) */
    bool prefix_ignored : 1; /* token ids of a padded batch: a negative sentinel written over
                                the start of rows only (labels[i, :n] = -100, a prompt), the
                                pads after each row still hold the pad id, so labels != -100
                                keeps them (facts_labels.c) */
    /* token ids of a tokenizer call (and its encoding): made with the tokenizer's special
     * tokens (SP_ADDED, the default: a BOS first for most causal LMs) or without them
     * (SP_BARE, add_special_tokens=False); a count of such ids (len(ids)): of which; token
     * scores picked at such ids: of which (facts_align.c: a cut of scores of ids of one setting
     * at a count of the other is off by the BOS) */
    bool token_ratio : 1; /* facts_ratio.c: log p - log q of per-token log-probs, at their
                             positions (none of their kinds or flags: only where they are) */
    uint8_t specials : 2;
    uint8_t op;         /* FO_CALLABLE: the op it applies (contracts.h) */
    int8_t op_dim;      /* FO_CALLABLE: its dim argument, or FACT_NO_DIM */
    uint8_t rows_parts; /* facts_rows.c: see rows, below (here: a byte the alignment left) */
    uint16_t agg_event; /* 1 + the index of the EV_AGGREGATE whose sum this is (0: none) */
    TSNode origin;      /* where the value's kind was established (for messages) */
    const char *qual;   /* FO_MODULE: dotted name */
    TSNode def;         /* FO_FUNC: the function_definition */
    Fact *elems;        /* FO_TUPLE, FO_DICT */
    const char **keys;  /* FO_DICT */
    int nelems;
    /* Alignment of the position axis (facts_align.c): the position of the first and the last
     * element (for scores: of the token they predict); equal when one position was indexed.
     * For an FK_INDEX scalar, head is its symbolic value. */
    FactPos head, tail;
    /* Appended for LL111 (facts_pad.c) and LL112 (facts_regions.c). pad: where a padded batch's
     * pads may sit (PAD_START / PAD_END bits, 0 unknown); pad_what: what the value is in that
     * batch (PadWhat); pad_nd: its rank when known (0 unknown); pad_c: the offset added to a
     * position index. fill: a buffer's fill value, or the target value a loss module ignores
     * (a key of its text, 0 none); fill_cov: which positions of the buffer were written
     * (REG_*), fill_end: the key of the end of the prefix written (REG_PREFIX). */
    uint8_t pad, pad_what;
    int8_t pad_nd, pad_c;
    uint32_t fill, fill_end;
    uint8_t fill_cov;
    /* facts_mask.c: why a mask applied to token scores does not exclude the pads (MFLAW_*) */
    uint8_t mask_flaw : 5;
    /* facts_classprob.c (LL103): probabilities floored at a positive eps on every path (clip,
     * clamp, + eps), so their log is finite; and one class's probability per row of a softmax
     * over classes (probs[:, k], probs[..., k] of a softmax over that last axis) */
    bool floored : 1;
    bool class_column : 1;
    /* FF_JOINED rows whose prompts differ from one row to the next (made per element of a
     * loop: facts_prompts.c) */
    uint8_t prompt_rows : 1;
    /* 1 + the index of the EV_LOG whose values these are, unchanged but for copies, clips and
     * picks (0: none; a mean of all of them is one number, none of them): what the code then
     * does with a log of probabilities (LL103) */
    uint16_t log_event;
    /* facts_rows.c: which rows a batch tensor (or a per-row list) has. rows: a symbol of the
     * batch one iteration of a loader unpacked (0: unknown), rows_parts: how many copies of
     * those rows lie one after the other (torch.cat((chosen, rejected)) of one batch: 2). */
    uint16_t rows;
    /* 1 + the index of the event of the code that made these values what they are, kept by
     * copies and by what keeps their values (0: none, or several on joined paths): the
     * EV_SELECT that picked them from scores, or the EV_MODEL_LOSS of the model call that
     * computed them; of a mask (or labels), the EV_MASK_MADE that built what it covers, and of
     * scores under a mask whose cover was built wrong (facts_mask.c), that one. A rule reports a
     * flaw there when it was made in another file than the one that sums or ranks them (the fix
     * goes there). */
    uint16_t made_event;
};

/* Fact.mask_flaw: a mask was applied, but what it covers leaves pads (or other positions) in. */
enum {
    MFLAW_NONE = 0,
    MFLAW_LAGS,     /* the mask's positions lag the scores' (attention_mask[:, :-1] against
                       scores of tokens 1..T-1): each row's first pad is counted */
    MFLAW_FILL,     /* the masked positions were filled with a constant that is not 0 */
    MFLAW_INVERTED, /* the mask keeps what it should drop (lp * (labels == -100)) */
    MFLAW_TAIL,     /* the mask runs from a start to each row's end (positions >= k,
                       m[i, k:] = 1): the pads after a short row are inside it */
    MFLAW_EARLY,    /* the mask starts at the count of real tokens of prompts padded on the
                       left: for every shorter prompt its last tokens are inside it */
    MFLAW_PROMPT,   /* a sum of prompt + continuation scores divided by the count of its
                       real tokens: a mean the prompt is inside of (the mask drops pads only) */
    /* the mask is labels != -100, but the labels' pads hold the pad id */
    MFLAW_PADS_KEPT,
    /* as MFLAW_LAGS, the scores and the mask cut to one window (lp[:, s:e] * m[:, s:e]): the
       window still holds the positions the mask is there to drop, and the lag is kept */
    MFLAW_LAGS_WINDOW,
    /* a span mask of tokens (m[i, s:len(ids)] = 1) one position ahead of the scores it
       multiplies: the token before the span is counted and the span's last token dropped */
    MFLAW_SPAN_OFF,
    /* the scores are cut at a count of the prompt's tokens made with another setting of the
       special tokens (add_special_tokens=False) than the sequence scored: a BOS in one of
       them puts the cut one position early (the prompt's last token in) or late (the
       continuation's first out); Fact.specials of the scores says which */
    MFLAW_SPECIALS,
    /* the mask bounds positions by each row's count of real tokens one position further than
       the tokens the scores are about (arange(T) < lengths with scores of tokens 1..T-1) */
    MFLAW_LENGTH_PAST,
    /* a mask written row by row through zip with a per-row list of fewer rows (prompt lengths
       of a batch, zipped with the rows of its chosen and rejected halves concatenated): zip
       stops at the shorter, so the last rows were never written (their prompt is kept) */
    MFLAW_ROWS_UNWRITTEN,
    /* the scores of a joined sequence are cut to their last n (lp[-n:]) where n counts the
       continuation's tokens with the tokenizer's special tokens (len(tok(cont).input_ids)):
       a BOS counted there makes the cut one position early, the prompt's last token in */
    MFLAW_TAIL_SPECIALS,
    /* a span mask of tokens one position behind the scores it multiplies (m[:, :-1] against
       scores of tokens 1..T-1): the span's first token is dropped, the one after it counted */
    MFLAW_SPAN_LAGS,
    /* a mask whose bounds count from each row's first token (m[i, s:len(ids)] = 1, arange(T) >=
       len(prompt)) on a batch padded on the left: every row with pads starts later, so the
       mask covers its prompt's last tokens (or pads) and misses its continuation's last */
    MFLAW_ROW_START,
    /* a span mask of runs whose ones start before the continuation ([0] * (len(prompt) - 1) +
       [1] * (len(cont) + 1)), taken at the tokens scored: the prompt's last token is counted */
    MFLAW_SPAN_EARLY,
    /* labels whose prompt was ignored up to a count of its tokens made with another setting of
       the special tokens than the labels' ids (labels[:n] = -100, n = len(tok(prompt,
       add_special_tokens=False).input_ids) of ids with a BOS): one label too few (or too many)
       ignored, so a mask of the labels kept keeps the prompt's last token (or drops the
       continuation's first); Fact.specials of the labels says which */
    MFLAW_PREFIX_SPECIALS,
    /* a loop over a served prompt's per-position log-probs starts one position before the
       continuation (range(n_ctx - 1, len(ids))): the context's last token is added
       (facts_promptlp.c) */
    MFLAW_CONTEXT_LAST,
    /* the scores of a joined sequence are cut to their last n + k (lp[-(n + 1):]) where n
       counts the part that ends the sequence (len(cont)): k tokens before it are in */
    MFLAW_TAIL_PAST,
};
_Static_assert(MFLAW_TAIL_PAST < 32, "Fact.mask_flaw holds 5 bits");
enum { SP_UNKNOWN = 0, SP_ADDED, SP_BARE }; /* Fact.specials */

enum { FACT_NO_DIM = 127 };

/* Events: the operations rules look at. */
typedef enum {
    EV_AGGREGATE, /* values reduced across positions: sum/mean/accumulate (op says which) */
    EV_PRODUCT,   /* values multiplied across positions */
    EV_LOG,       /* log() of a value */
    EV_NORMALIZE, /* softmax / log_softmax over an axis (axis = its kind) */
    EV_SELECT,    /* a score tensor indexed at token ids (in = scores, in2 = ids) */
    EV_LOSS,      /* cross_entropy / nll_loss call (in = input, op says which) */
    EV_RANK,      /* argmax/argmin/sorted/max/min/comparison over values (in) */
    EV_DIVIDE,    /* in / in2 */
    /* Appended: */
    EV_PAD_READ,         /* LL111: a per-sequence value read at a position that is a pad for some
                            row (op: a PADREAD_* verdict, in: the value) */
    EV_TARGET_UNWRITTEN, /* LL112: a loss target (or a selection's index) read from a buffer
                            position that still holds its fill (op 0: a fill the loss ignores,
                            TARGET_FILL_SCORED: one it scores; in: the buffer; in2.origin: the
                            later write's subscript) */
    EV_PADS_IN_LOSS, /* LL106: a loss that reduces its targets (a mean, a sum) given targets whose
                        pads hold the pad token id it does not ignore (in: the targets) */
    EV_MODEL_LOSS,   /* a model called with labels= of the unmasked input ids (FF_FULLLABELS):
                        it computes the mean loss of every token (in: its output). Where such a
                        loss is made, for Fact.made_event */
    EV_MASK_OFF, /* LL106: a mask multiplying per-token log-ratios (log p - log q of chosen
                    tokens) that is not about their tokens (op: the MFLAW_*; in: the log-ratios,
                    in2: the mask; facts_ratio.c) */
    EV_MASK_MADE, /* where a mask (or labels) got the positions it covers (a tail or a span of
                     ones written, a bound compared, rows padded with the pad id, -100 written
                     over a prompt counted with other special tokens: op the MFLAW_* then; in:
                     it): for Fact.made_event of the mask, and of scores a flaw of that cover
                     reaches (LL106 reports there when it is another file's code) */
    EV_LOSS_SCORED, /* a mean loss of every token made a score by its sign (-out.loss): where
                       the code takes it for a log-likelihood, for Fact.made_event (LL107
                       reports there when it is another file's code than the ranking) */
} EventKind;

typedef enum {
    AGG_SUM,
    AGG_MEAN,
    AGG_ACCUMULATE, /* += inside a loop over positions */
    AGG_CUMSUM,
    LOSS_CROSS_ENTROPY,
    LOSS_NLL,
    NORM_SOFTMAX,
    NORM_LOG_SOFTMAX,
    /* Appended: EV_PAD_READ verdicts (facts_pad.c) */
    PADREAD_END,        /* [:, -1] of a batch with pads at the end of rows */
    PADREAD_START,      /* [:, 0] of a batch with pads at the start of rows */
    PADREAD_COUNT_LEFT, /* a count of real tokens (minus one) used under left padding */
    PADREAD_PAST_COUNT, /* the count of real tokens itself under right padding: the first pad */
    PADREAD_FIRST_PAD,  /* the index of the first pad itself */
    NORM_LOGSUMEXP,     /* EV_NORMALIZE: logsumexp(x) to subtract, a log_softmax by hand */
    PADS_BATCH_RETURNED, /* EV_PADS_IN_LOSS: no loss in sight, the labels of a batch returned
                            for model(**batch) */
    TARGET_FILL_SCORED,  /* EV_TARGET_UNWRITTEN: the fill is no value the loss ignores (or the
                            read is a selection's index): the step scores the fill as a token */
    TARGET_READ_AHEAD,   /* EV_TARGET_UNWRITTEN: a loop forward over t reads buf[t + k] that only a
                            later iteration writes (a recurrence that must run from the end) */
    IGNORED_ROWS, /* EV_PADS_IN_LOSS: -100 written through a slice of the batch axis of [batch,
                     position] labels (labels[:-n] = -100): whole rows, not the positions */
    NORM_SUMEXP,  /* EV_NORMALIZE: sum(exp(x)), the normaliser of a softmax or log_softmax by
                     hand */
    PADS_KEYED_LABELS, /* EV_PADS_IN_LOSS: a loop over a batch's keys pads those ending in
                          "labels" with the pad id (facts_keyguard.c) */
    RANK_METRIC, /* EV_RANK: a metric of the values' order across examples (roc_auc_score,
                    spearmanr), not a pick among one prompt's candidates */
} EventOp;

typedef struct FactEvent {
    EventKind kind;
    EventOp op;
    AxisKind axis; /* EV_NORMALIZE: the axis normalised over */
    TSNode node;   /* where it happens (the call, subscript or statement) */
    Fact in, in2;
    /* EV_SELECT / EV_LOSS: position of the scores' target minus position of the tokens
     * (0 aligned, +1 no causal shift, -1 shifted twice); FACT_NO_ALIGN when unknown.
     * EV_NORMALIZE of a value of unknown rank: the dim it was given (FACT_NO_ALIGN: none). */
    int delta;
    /* EV_AGGREGATE: what the code did next with the sum makes it no score of raw logits
     * (sum(x[y]) - sum(logsumexp(x)) normalises it; sum(...).backward() only takes gradients).
     * EV_LOG: the logs were weighted by the very probabilities they are the log of (p * log p,
     * an entropy term) */
    bool cancelled;
    /* EV_SELECT: PICK_SHARED when the scores take new values in each iteration (or call) of
     * the loop around the pick while the ids and positions they are picked at do not: every
     * candidate (a temperature, a checkpoint, a model) is scored on the same targets, so a mean
     * of the picks counts as many for each; PICK_PER_ROW when the ids vary too; 0: unknown */
    uint8_t ids_shared;
    /* EV_AGGREGATE: every axis of a padded batch reduced (x.sum() of [B, T]): one number of
     * all its rows (a training loss, a corpus's total), no row's score */
    bool over_rows;
    /* EV_AGGREGATE AGG_SUM: divided by the count of the real tokens (facts_mask.c
     * mask_divided): a mean, reported as one */
    bool divided;
    /* A call of this file whose callee, in another file of the project (project.c), did this
     * at node; null: node is in this file. */
    TSNode site;
    /* EV_SELECT / EV_LOSS in a function of this file run for a call: the outermost call whose
     * arguments already held these scores and tokens at the positions paired (the function
     * moved neither): the pairing, right or wrong, is the call's. Null: the code at node made
     * it. EV_MASK_OFF in another file's code: the site, when its arguments held both. */
    TSNode caller;
    /* EV_SELECT / EV_LOSS whose delta another use taught (align_learn_from_uses): the use that
     * pairs the same two sequences with the shift, where this one has none. */
    TSNode peer;
} FactEvent;

enum { PICK_SHARED = 1, PICK_PER_ROW = 2 }; /* FactEvent.ids_shared */

typedef Array(FactEvent) FactEventList;

typedef struct Facts {
    const Source *src;
    Arena arena;
    FactEventList events;
    /* The functions of other files this file calls, analysed alone (parameters known by their
     * names, as their own file's analysis sees them): what they show without this file. */
    FactEventList alone;
    /* The list the facts' event indices (Fact.agg_event, made_event, ...) number, when events
     * holds only some of them (a view of one call's events, lint_sites.c); NULL: events. */
    const FactEventList *numbered;
} Facts;

/* Interpret the whole file; fills facts->events. */
void facts_analyze(Facts *facts, const Parsed *parsed);
struct Budget;
/* The same within a budget (bounds.h): stops early, with budget->hit set, when the file nests
 * too deeply or the interpretation takes too many steps or too long. */
void facts_analyze_within(Facts *facts, const Parsed *parsed, struct Budget *budget);
/* Asked when the analysis is done, its interpreter still there: does a finding at a call into
 * another file's function need facts->alone (lint_sites.c)? Only then are those functions
 * analysed alone. */
typedef struct FactsAloneAsk {
    bool (*needed)(const Facts *facts, void *ctx);
    void *ctx;
} FactsAloneAsk;
/* The same with library contracts the configuration declares (NULL: none; contracts.h), and
 * facts->alone filled when ask (or NULL: never) says it is needed. */
struct UserContracts;
void facts_analyze_declared(Facts *facts, const Parsed *parsed, struct Budget *budget,
                            const struct UserContracts *contracts, const FactsAloneAsk *ask);
void facts_free(Facts *facts);

/* The event a fact's index names (1 + its index in the list facts number; 0: none): NULL if
 * none. */
const FactEvent *facts_event(const Facts *facts, uint16_t index);

/* The 1-based row of a fact's origin, 0 if unknown. */
int facts_origin_row(const Facts *facts, const Fact *f);

#endif
