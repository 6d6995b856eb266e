/* Hugging Face: model calls and their outputs, from_pretrained, generate, tokenizers and their
 * encodings, collators and loaders. */
#include "facts_padval.h"
#include "facts_xfer.h"

Fact hf_logits_3d(unsigned flags, TSNode origin) {
    return fact_tensor(FK_RAW, flags, origin, 3, (AxisKind[]){AX_BATCH, AX_POS, AX_VOCAB});
}

/* What a dict literal holds under a string key (unknown when it has no such key). */
static Fact dict_value(const Fact *d, const char *key) {
    const Fact *v = d->obj == FO_DICT ? fact_field(d, key, strlen(key)) : NULL;
    return v ? *v : fact_unknown();
}

/* Called as a Hugging Face model's forward is: with a tokenizer's batch (**enc), or with one of
 * the keywords of its signature that a model returning bare logits (mlx_lm's, nanoGPT's) does
 * not take. Its output is then an output object, out[0] its logits [B, T, V]. */
static bool hf_forward_call(Interp *in, const Args *a) {
    static const char *const keywords[] = {
        "input_ids",   "attention_mask",       "past_key_values",  "use_cache",
        "return_dict", "output_hidden_states", "output_attentions"};
    if (a->has_splat && a->splat.obj == FO_ENCODING) return true;
    for (size_t i = 0; i < sizeof keywords / sizeof *keywords; i++)
        if (args_kw(in, a, keywords[i]) >= 0) return true;
    return false;
}

/* A model output whose loss is the mean over every token of its input (labels= the input ids,
 * unmasked): the call made that loss, and its values remember it (Fact.made_event), unless the
 * input was joined elsewhere. */
Fact hf_loss_made(Interp *in, Fact out, TSNode call) {
    /* text joined (prompt + candidate) by the caller: the helper computes the loss of any text
     * it is given, and making that text is the caller's doing */
    if (!(out.flags & FF_FULLLABELS) || svc_handed_in(in, call, 0, FF_JOINED)) return out;
    in->last_event = 0; /* (none emitted: none made it) */
    svc_emit(in, EV_MODEL_LOSS, 0, call, out, fact_unknown(), AX_UNK);
    out.made_event = in->last_event;
    return out;
}

/* Does every use of name in n (but its own binding) ask its output for a field other than the
 * loss (out.logits, out.past_key_values)? */
static bool only_other_fields(Interp *in, TSNode n, TSNode name, TSNode binding) {
    if (parse_is(n, "identifier") && !ts_node_eq(n, binding) && parse_same_text(in->src, n, name)) {
        TSNode up = parse_parent(n);
        return parse_is(up, "attribute") && ts_node_eq(parse_field(up, "object"), n) &&
               !svc_text_eq(in, parse_field(up, "attribute"), "loss");
    }
    for (uint32_t i = 0; i < ts_node_named_child_count(n); i++)
        if (!only_other_fields(in, parse_named_child(n, i), name, binding)) return false;
    return true;
}

/* The loss of this model call is never read: its output is asked only for other fields, at the
 * call (model(..., labels=y).logits) or through the one name it is bound to in its function.
 * Targets handed to it then reach no loss the code uses (the code scores the logits itself). */
static bool loss_unread(Interp *in, TSNode call) {
    TSNode up = parse_parent(call);
    if (parse_is(up, "attribute")) return !svc_text_eq(in, parse_field(up, "attribute"), "loss");
    TSNode name = parse_field(up, "left");
    if (!parse_is(up, "assignment") || !ts_node_eq(parse_field(up, "right"), call) ||
        !parse_is(name, "identifier"))
        return false;
    static const char *const scopes[] = {"function_definition", "module", NULL};
    TSNode scope = parse_enclosing(call, scopes);
    return !ts_node_is_null(scope) && only_other_fields(in, scope, name, name);
}

/* Does an encoder-decoder called at call score one candidate per iteration as its target: its
 * labels= (argument k) a tokenizer's encoding of text (as long as the text is) that takes a new
 * value with the loop around the call (or with the caller's loop, for a helper), and nothing
 * it is given besides (the source, its mask, its encoder's outputs) does? Its loss, HF's mean
 * over the labels' tokens, is then a mean over each candidate's own tokens after one shared
 * source, as a causal LM's with the prompt at -100. A target every iteration shares (a
 * question scored after each passage) is no candidate, nor are pairs of source and target. */
static bool target_per_candidate(Interp *in, const Args *a, int k, TSNode call) {
    TSNode labels = a->kw_val[k], args = parse_field(call, "arguments");
    if (a->kwf[k].specials == SP_UNKNOWN || !prompts_expr_varies(in, labels, call)) return false;
    for (uint32_t i = 0, n = ts_node_named_child_count(args); i < n; i++) {
        TSNode arg = parse_named_child(args, i);
        if (parse_is(arg, "keyword_argument")) arg = parse_field(arg, "value");
        if (!ts_node_eq(arg, labels) && prompts_expr_varies(in, arg, call)) return false;
    }
    return true;
}

Fact hf_model_output(Interp *in, Fact model, const Args *a, TSNode node) {
    /* FF_WEAK: a model known by its name only; what its output holds by position is weak too */
    unsigned flags = model.flags & (FF_SEQ2SEQ | FF_NOTLM | FF_WEAK);
    int k = args_kw(in, a, "labels");
    if (k >= 0 && !parse_is(parse_unparen(a->kw_val[k]), "none")) flags |= FF_LABELS;
    /* labels=enc.labels of tok(source, text_target=target): the decoder's target */
    Fact splat_labels =
        a->has_splat && a->splat.obj == FO_DICT ? dict_value(&a->splat, "labels") : fact_unknown();
    if ((k >= 0 ? a->kwf[k].flags : splat_labels.flags) & FF_SEQ2SEQ) flags |= FF_SEQ2SEQ;
    /* decoder inputs, or a speech encoder's features (Whisper): the logits are the decoder's */
    if (args_kw(in, a, "decoder_input_ids") >= 0 || args_kw(in, a, "input_features") >= 0)
        flags |= FF_SEQ2SEQ;
    if (a->has_splat && (a->splat.flags & FF_LABELS)) flags |= FF_LABELS;
    /* Hugging Face's loss is a mean over the labels that are not -100 */
    Fact labels_given = k >= 0                                    ? a->kwf[k]
                        : a->has_splat && a->splat.obj == FO_DICT ? dict_value(&a->splat, "labels")
                        : a->has_splat && a->splat.obj == FO_ENCODING ? a->splat /* its labels */
                                                                      : fact_unknown();
    if (!loss_unread(in, node)) regions_loss_targets(in, node, &labels_given, regions_loss_ignore(in, node));
    if (a->has_splat && (a->splat.flags & FF_FULLLABELS)) /* enc["labels"] = enc["input_ids"] */
        flags |= FF_FULLLABELS | (a->splat.flags & FF_JOINED);
    if (k < 0 && a->has_splat && a->splat.obj == FO_DICT) { /* **{"input_ids": x, "labels": y} */
        Fact labels = dict_value(&a->splat, "labels"), ids = dict_value(&a->splat, "input_ids");
        if (labels.kinds) {
            bool same = !ts_node_is_null(labels.origin) && ts_node_eq(labels.origin, ids.origin);
            flags |= FF_LABELS | labels_flags(labels, same);
        }
    }
    /* an encoder-decoder's labels are the target alone: its loss covers no prompt, and it is a
     * mean over all N label tokens (the decoder input is the labels shifted right) */
    if (k >= 0 && (flags & FF_LABELS) && !(flags & FF_SEQ2SEQ))
        flags |=
            labels_model_flags(in, a->kwf[k], a->kw_val[k], args_node(in, a, "input_ids", NULL, 0));
    else if (k >= 0 && (flags & FF_LABELS) && target_per_candidate(in, a, k, node))
        flags |= FF_JOINED;
    Fact out = fact_object(FO_OUTPUT, flags, node);
    out.choices = model.choices;
    out.pooled = model.pooled;
    /* a Hugging Face output: out[0] is the logits [B, T, V] */
    out.causal =
        (model.obj == FO_MODEL && model.causal && !model.bare_lm) || hf_forward_call(in, a);
    /* The logits at position t predict the input's token t + 1 (facts_align.c); a padded or
     * joined input makes padded or joined logits. */
    int ki = args_kw(in, a, "input_ids");
    Fact input = ki >= 0        ? a->kwf[ki]
                 : a->npos >= 1 ? a->posf[0]
                 : a->has_splat ? a->splat
                                : fact_unknown();
    /* tok(queries, passages): a text pair goes to a cross-encoder or an NLI head */
    if (input.obj == FO_ENCODING && (input.flags & FF_NOTLM)) out.flags |= FF_NOTLM;
    if (ki < 0 && a->npos == 0 && a->has_splat && a->splat.obj == FO_DICT) /* **{"input_ids": x} */
        input = dict_value(&a->splat, "input_ids");
    if (input.obj == FO_DICT) { /* keras: lm({"token_ids": x, "padding_mask": m}) */
        Fact ids = dict_value(&input, "token_ids");
        input = ids.kinds ? ids : dict_value(&input, "input_ids");
    }
    if (ki >= 0 && fact_knows_nothing(&input) && parse_is(a->kw_val[ki], "identifier")) {
        /* model(input_ids=x): whatever x is called, it holds token ids from here */
        Fact ids = fact_of(FK_IDS, input.flags, a->kw_val[ki]);
        align_fresh(&ids, a->kw_val[ki]);
        svc_bind(in, a->kw_val[ki], ids);
        input = ids;
    }
    /* an encoder-decoder's logits are the decoder's: padded as its labels (decoder inputs) are,
     * whatever pads the encoder's input has */
    int kdec = k >= 0 ? k : args_kw(in, a, "decoder_input_ids");
    if ((flags & FF_SEQ2SEQ) && kdec >= 0)
        out.flags |= a->kwf[kdec].flags & FF_PADDED;
    else
        out.flags |= input.flags & (FF_PADDED | FF_JOINED);
    out.prompt_rows |= input.prompt_rows && !(flags & FF_SEQ2SEQ);
    if (((input.kinds & FK_IDS) && !(input.flags & FF_WEAK)) || input.obj == FO_ENCODING)
        out.flags |= FF_TOKENS_IN;
    else if (!(input.kinds & FK_IDS) && (model.flags & FF_WEAK))
        out.flags |= FF_UNTYPED_IN;
    /* pixels too: a VQA classifier's [batch, answers] or a VLM's [batch, seq, vocab] */
    if (args_kw(in, a, "pixel_values") >= 0)
        out.flags = (out.flags & ~FF_TOKENS_IN) | FF_UNTYPED_IN;
    /* labels of another sequence than the input: an encoder-decoder's target, no prompt in it */
    if (k >= 0 && (out.flags & FF_FULLLABELS) && a->kwf[k].head.sym && input.head.sym &&
        a->kwf[k].head.sym != input.head.sym)
        out.flags &= ~FF_FULLLABELS;
    /* ids with positions overwritten by the code (masked[:, i] = mask_id, masked_fill) may be
     * a masked LM's input, whose logits at t are about token t: no alignment is claimed */
    bool overwritten = (input.kinds & FK_IDS) && (input.flags & FF_MASKED);
    bool causal = !((out.flags | model.flags) & (FF_SEQ2SEQ | FF_NOTLM | FF_MLM));
    if (causal && !overwritten) {
        out.head = align_shift(input.head, 1);
        out.tail = align_shift(input.tail, 1);
    }
    /* an encoder-decoder's decoder logits at t predict labels[t] (its decoder input is the
     * labels shifted right), or decoder_input_ids[t + 1] */
    int kd = args_kw(in, a, "decoder_input_ids");
    if ((out.flags & FF_SEQ2SEQ) && !(out.flags & FF_NOTLM) && (k >= 0 || kd >= 0)) {
        Fact target = k >= 0 ? a->kwf[k] : a->kwf[kd];
        int by = k >= 0 ? 0 : 1;
        out.head = align_shift(target.head, by);
        out.tail = align_shift(target.tail, by);
    }
    /* A causal LM known from its class (from_pretrained) given labels=y: Hugging Face's contract
     * says y lines up with input_ids (the model shifts them itself), so y is the input's positions
     * from here on, when nothing related the two before. */
    if (k >= 0 && causal && model.obj == FO_MODEL && model.causal && input.head.sym &&
        a->kwf[k].head.sym && a->kwf[k].head.sym != input.head.sym &&
        parse_is(a->kw_val[k], "identifier")) {
        Fact labels = a->kwf[k];
        labels.head = input.head;
        labels.tail = input.tail;
        svc_bind(in, a->kw_val[k], labels);
    }
    return hf_loss_made(in, out, node);
}

/* tok(prompt + answer, return_tensors="pt"): text with return_tensors goes to a tokenizer,
 * whatever the object is called (an image processor takes return_tensors too, but no text). */
bool hf_called_like_tokenizer(Interp *in, const Args *a) {
    if (a->npos < 1 || args_kw(in, a, "return_tensors") < 0) return false;
    TSNode text = parse_unparen(a->pos[0]);
    if (parse_is(text, "list") && ts_node_named_child_count(text) == 1)
        text = parse_unparen(parse_named_child(text, 0));
    return parse_is(text, "string") || parse_is(text, "concatenated_string") ||
           (a->posf[0].flags & FF_JOINED);
}

bool hf_looks_like_model_call(Interp *in, const Args *a) {
    if (args_kw(in, a, "input_ids") >= 0 || args_kw(in, a, "inputs_embeds") >= 0 ||
        args_kw(in, a, "input_features") >= 0)
        return true;
    if (a->has_splat && a->splat.obj == FO_ENCODING) return true;
    /* f(batch["input_ids"], attention_mask=m): ids known by their key only, but with the mask
     * of the same batch beside them, as only a forward pass takes them */
    bool paired = args_kw(in, a, "attention_mask") >= 0;
    return a->npos >= 1 && (a->posf[0].kinds & FK_IDS) && a->posf[0].ndim != 0 &&
           (paired || !(a->posf[0].flags & FF_WEAK));
}

/* What Auto*.from_pretrained loads, told by its class's name (contracts_hf_class_names). */
static Fact from_pretrained(const char *qual, TSNode node) {
    unsigned says = 0, flags = 0;
    for (const HfClassName *c = contracts_hf_class_names; c->part; c++) {
        if (!strstr(qual, c->part)) continue;
        if (c->says & HN_TOKENIZER) {
            Fact t = fact_object(FO_TOKENIZER, c->flags, node);
            if (c->says & HN_PADS_RIGHT) t.pad_what = PW_TOKENIZER, t.pad = PAD_END;
            return t;
        }
        says = (says | c->says) & ~(unsigned)c->unsays;
        flags |= c->flags;
    }
    if (!(says & HN_MODEL)) return fact_unknown();
    Fact m = fact_object(FO_MODEL, flags, node);
    /* a causal LM's name inside an encoder-decoder's, a head's or a masked LM's is no causal LM */
    m.causal = (says & HN_CAUSAL) && !(flags & (FF_SEQ2SEQ | FF_NOTLM | FF_MLM));
    m.choices = (says & HN_CHOICES) != 0;
    m.pooled = (says & HN_POOLED) != 0;
    return m;
}

/* list(x), tuple(x), sorted(x): a list of x's elements */
static bool list_call(Interp *in, TSNode n) {
    if (!parse_is(n, "call")) return false;
    TSNode fn = parse_field(n, "function"), args = parse_field(n, "arguments");
    if (!parse_is(fn, "identifier") || ts_node_is_null(args) ||
        ts_node_named_child_count(args) != 1)
        return false;
    size_t flen;
    const char *fname = parse_text(in->src, fn, &flen);
    const Contract *row = contracts_func(arena_strndup(in->arena, fname, flen));
    return row && (row->op == OP_LIST || row->op == OP_SORTED);
}

/* An expression that is a list of texts by its form: list(x), a list comprehension, a
 * non-empty list literal. */
static bool texts_list(Interp *in, TSNode n) {
    n = parse_unparen(n);
    return list_call(in, n) || parse_is(n, "list_comprehension") ||
           (parse_is(n, "list") && ts_node_named_child_count(n) >= 1);
}

static bool texts_batch(Interp *in, const Args *a) {
    int k = args_kw(in, a, "text");
    TSNode n = k >= 0 ? a->kw_val[k] : a->npos >= 1 ? a->pos[0] : (TSNode){0};
    Fact f = k >= 0 ? a->kwf[k] : a->npos >= 1 ? a->posf[0] : fact_unknown();
    if (ts_node_is_null(n)) return false;
    n = parse_unparen(n);
    /* list(chosen) + list(rejected): two lists joined, each of one text at least, so two texts
     * at least (a str + str is one text, and no list) */
    if (parse_is(n, "binary_operator") && parse_text_eq(in->src, parse_field(n, "operator"), "+") &&
        texts_list(in, parse_field(n, "left")) && texts_list(in, parse_field(n, "right")))
        return true;
    while (list_call(in, n)) { /* list(texts), tuple(texts), sorted(texts): still the texts */
        TSNode args = parse_field(n, "arguments");
        n = parse_unparen(parse_named_child(args, 0));
    }
    if (parse_is(n, "list") || parse_is(n, "tuple")) return ts_node_named_child_count(n) >= 2;
    if (parse_is(n, "list_comprehension") || parse_is(n, "generator_expression")) return true;
    if (f.obj == FO_NONE && f.ndim >= 1 && (f.ax[0] == AX_ITEM || f.ax[0] == AX_STEP)) return true;
    if (fact_made_list(&f)) return true; /* texts = [p + c for ...] */
    if (parse_is(n, "attribute")) n = parse_field(n, "attribute");
    if (parse_is(n, "subscript")) n = parse_field(n, "value");
    if (parse_is(n, "attribute")) n = parse_field(n, "attribute");
    if (!parse_is(n, "identifier")) return false;
    size_t len;
    const char *name = parse_text(in->src, n, &len);
    bool plural =
        len >= 2 && (name[len - 1] == 's' || name[len - 1] == 'S') && name[len - 2] != 's';
    return plural || names_icontains(name, len, "batch") || names_icontains(name, len, "list");
}

/* add_special_tokens=False: the text's tokens only; absent or true: the tokenizer's special
 * tokens around them (SP_ADDED); anything else: not known. */
static uint8_t hf_specials(Interp *in, const Args *a) {
    int k = args_kw(in, a, "add_special_tokens");
    if (k < 0) return SP_ADDED;
    TSNode v = parse_unparen(a->kw_val[k]);
    return parse_is(v, "false") ? SP_BARE : parse_is(v, "true") ? SP_ADDED : SP_UNKNOWN;
}

Fact hf_encoding(Interp *in, const Args *a, TSNode node) {
    unsigned flags = 0;
    if (args_truthy(in, a, "padding")) flags |= FF_PADDED;
    /* padding=True pads only a batch of several texts; padding to max_length pads one too */
    if ((flags & FF_PADDED) && !args_string_is(in, a, "padding", "max_length") &&
        !texts_batch(in, a))
        flags &= ~FF_PADDED;
    /* text of several parts, or a text pair: the ids hold both */
    if ((a->npos >= 1 && (a->posf[0].flags & FF_JOINED)) || a->npos >= 2 ||
        args_kw(in, a, "text_pair") >= 0)
        flags |= FF_JOINED;
    /* a text pair (queries, passages): input for a cross-encoder or an NLI head, whose logits
     * are over classes */
    if (a->npos >= 2 || args_kw(in, a, "text_pair") >= 0) flags |= FF_NOTLM;
    /* tok(source, text_target=target): its labels are the target's ids, another sequence than
     * the source's, for an encoder-decoder's decoder (hf_target_labels) */
    if ((a->npos >= 1 || args_kw(in, a, "text") >= 0) && args_kw(in, a, "text_target") >= 0)
        flags |= FF_SEQ2SEQ;
    Fact f = fact_object(FO_ENCODING, flags, node);
    f.prompt_rows = (flags & FF_JOINED) && a->npos == 1 && a->posf[0].prompt_rows;
    /* tok(text).input_ids with no return_tensors: one text's ids, a plain list [T] */
    f.one_text = args_kw(in, a, "return_tensors") < 0 && !texts_batch(in, a);
    f.specials = hf_specials(in, a);
    align_fresh(&f, node);
    return f;
}

/* A KerasNLP causal LM preprocessor called on texts: (x, y, sample_weight), where x is
 * {"token_ids", "padding_mask"} padded to its sequence_length, y the token ids shifted left by
 * one (y[:, t] is token t + 1: what the logits at t predict) and sample_weight the padding
 * mask of y. */
static Fact keras_lm_batch(Interp *in, TSNode node) {
    static const AxisKind bt[] = {AX_BATCH, AX_POS};
    Fact ids = fact_tensor(FK_IDS, FF_PADDED, node, 2, bt);
    align_fresh(&ids, node);
    Fact mask = fact_tensor(FK_MASK, FF_PADDED, node, 2, bt);
    mask.head = ids.head, mask.tail = ids.tail;
    Fact x = fact_object(FO_DICT, 0, node);
    x.elems = arena_alloc(in->arena, 2 * sizeof(Fact));
    x.keys = arena_alloc(in->arena, 2 * sizeof(char *));
    x.elems[0] = ids, x.keys[0] = "token_ids";
    x.elems[1] = mask, x.keys[1] = "padding_mask";
    x.nelems = 2;
    Fact t = fact_object(FO_TUPLE, 0, node);
    t.elems = arena_alloc(in->arena, 3 * sizeof(Fact));
    t.elems[0] = x;
    t.elems[1] = ids, t.elems[2] = mask;
    for (int i = 1; i < 3; i++) {
        t.elems[i].flags |= FF_SHIFTED;
        t.elems[i].head = align_shift(ids.head, 1);
        t.elems[i].tail = align_shift(ids.tail, 1);
    }
    t.nelems = 3;
    return t;
}

Fact hf_tokenizer_call(Interp *in, Fact tok, const Args *a, TSNode node) {
    return tok.flags & FF_SHIFTED ? keras_lm_batch(in, node) : hf_encoding(in, a, node);
}

/* The prompts handed to generate() (its input_ids, or the encoding spread into it) are one
 * text repeated, tok([prompt] * n): rows alike, so none padded, yet sampled they end at
 * different steps. */
static bool repeated_prompt(Interp *in, const Args *a) {
    int k = args_kw(in, a, "input_ids");
    const Fact *enc = a->has_splat ? &a->splat : k >= 0 ? &a->kwf[k] : a->npos ? &a->posf[0] : NULL;
    if (!enc || ts_node_is_null(enc->origin) || !parse_is(enc->origin, "call")) return false;
    TSNode args = parse_field(enc->origin, "arguments");
    if (ts_node_is_null(args) || !ts_node_named_child_count(args)) return false;
    TSNode text = parse_unparen(parse_named_child(args, 0));
    if (!parse_is(text, "binary_operator") ||
        !parse_text_eq(in->src, parse_field(text, "operator"), "*"))
        return false;
    return parse_is(parse_unparen(parse_field(text, "left")), "list") ||
           parse_is(parse_unparen(parse_field(text, "right")), "list");
}

/* generate(num_beams=k): a beam search when k may exceed 1 (a literal 1 says it does not). */
static unsigned beam_search(Interp *in, const Args *a) {
    return args_setting_above_one(in, a, "num_beams", "generation_config") ? FF_BEAM : 0;
}

/* A tokenizer's padded batch (tokenizer.pad, a data collator): input_ids, attention_mask. A
 * collator's also has labels: labels FF_MASKED, -100 at the pads; FF_NOTLM, the dataset's
 * (DataCollatorWithPadding pads the model's inputs only). */
Fact hf_padded_batch(TSNode node, unsigned labels) {
    Fact e = fact_object(FO_ENCODING, FF_PADDED | (labels & (FF_MASKED | FF_NOTLM)), node);
    align_fresh(&e, node);
    return e;
}

/* tokenizer.pad(features): the batch holds the features' ids, padded: rows of prompt +
 * continuation (lists joined before, {"input_ids": [p + a for ...]}) stay so, with their own
 * prompts where each row had its own. */
static Fact padded_features(Interp *in, const Args *a, TSNode node) {
    Fact batch = hf_padded_batch(node, 0);
    Fact feats = args_fact(in, a, "encoded_inputs", 0);
    if (feats.obj != FO_DICT && feats.obj != FO_ENCODING) return batch;
    Fact ids = feats.obj == FO_DICT ? dict_value(&feats, "input_ids") : feats;
    batch.flags |= ids.flags & FF_JOINED;
    batch.prompt_rows = (ids.flags & FF_JOINED) && ids.prompt_rows;
    return batch;
}

/* generate(output_scores=True).scores: a tuple with one [batch, vocab] tensor per step; a beam
 * search's are log-softmaxed (processed log-probs), a greedy or sampling search's are logits. */
Fact hf_stepwise_scores(TSNode origin, bool log_probs) {
    return fact_tensor(log_probs ? FK_LOGPROB : FK_RAW, FF_STEPWISE, origin, 3,
                       (AxisKind[]){AX_STEP, AX_BATCH, AX_VOCAB});
}

/* What an output's or encoding's tensor knows of its positions (facts_align.c), given which
 * of them it covers (AttrSpan: the attribute's row says). */
Fact hf_target_labels(Fact enc, Fact labels) {
    if (enc.obj != FO_ENCODING || !(enc.flags & FF_SEQ2SEQ) || !labels.kinds) return labels;
    labels.flags |= FF_SEQ2SEQ;
    align_fresh_tag(&labels, enc.origin, 'T');
    return labels;
}

Fact hf_aligned_attr(Fact obj, Fact t, AttrSpan span) {
    if (t.obj != FO_NONE || !t.kinds) return t;
    if (obj.obj == FO_OUTPUT && t.kinds == FK_LOSS) t.made_event = obj.made_event; /* its call */
    if (obj.obj == FO_OUTPUT) t.flags |= obj.flags & FF_STEPVAR; /* one step's output */
    if (obj.obj == FO_OUTPUT && (obj.flags & FF_GENERATE)) {
        /* .scores / .logits: one step per generated token, step s predicting it, so they end
         * where the sequences (prompt + generated) end and start after the prompt */
        if (span == AS_POSITIONS) {
            t.head = (FactPos){align_sym(obj.head.sym, 'P'), 0, true}; /* the last n positions */
            t.tail = obj.tail;
            return t;
        }
    } else if (obj.obj == FO_OUTPUT && !obj.pooled) { /* a pooled head's rows hold no pads */
        t.flags |= obj.flags & (FF_PADDED | FF_JOINED);
        t.prompt_rows |= obj.prompt_rows;
    }
    if (span != AS_NONE) {
        t.head = obj.head;
        t.tail = obj.tail;
        t.specials = obj.specials; /* an encoding's ids: with its special tokens or not */
    }
    return t;
}

/* A model output used as a tensor (mlx and many others return the logits themselves):
 * its logits. */
Fact hf_output_tensor(Fact out) {
    return out.flags & FF_TOKENS_IN ? hf_output_logits(out) : out;
}

/* The same where only an array can be: an operand of arithmetic, the receiver of a tensor
 * method. The output of a model known by its name only and fed no token ids (`out = model(x)`,
 * `out - out.max()`) is then an array of values nothing tells, as a parameter is: what the code
 * does to it (a max subtracted) is seen as it would be on the parameter. */
Fact hf_output_array(Fact out) {
    if (out.obj == FO_OUTPUT && (out.flags & FF_UNTYPED_IN) && !(out.flags & FF_TOKENS_IN)) {
        Fact f = fact_unknown();
        f.origin = out.origin;
        return f;
    }
    return hf_output_tensor(out);
}

Fact hf_output_logits(Fact out) {
    if (out.obj != FO_OUTPUT || (out.flags & FF_GENERATE)) return out;
    Fact logits = (out.flags & FF_NOTLM) ? hf_head_logits(&out, 0, out.origin)
                                         : hf_logits_3d(out.flags & FF_SEQ2SEQ, out.origin);
    if (out.flags & FF_UNTYPED_IN) { /* fed no token ids: a layout nothing tells */
        logits.ndim = -1;
        logits.ax_last = AX_VOCAB;
    }
    logits.flags |=
        out.flags & FF_WEAK; /* a model known by its name only: a convention, no proof */
    return hf_output_part(out, logits);
}

/* Of an encoder-decoder: its encoder and decoder, still aligned. */
Fact hf_backbone(const Fact *model, TSNode origin) {
    return fact_object(FO_MODEL, model->flags & FF_SEQ2SEQ, origin);
}

Fact hf_head_logits(const Fact *out, unsigned flags, TSNode origin) {
    Fact r = fact_of(FK_RAW, flags, origin);
    if (out->choices) fact_set_axes(&r, 2, (AxisKind[]){AX_BATCH, AX_VOCAB});
    r.pooled = out->pooled && !out->choices;
    return r;
}

/* Are all the keys of a dict splatted into a call known: a dict display of the code's own
 * ({"input_ids": x, "labels": y}, keys written into it after included), no ** inside? */
static bool splat_keys_known(const Fact *splat) {
    TSNode d = splat->origin;
    if (splat->obj != FO_DICT || !parse_is(d, "dictionary")) return false;
    for (uint32_t i = 0, n = ts_node_named_child_count(d); i < n; i++)
        if (parse_is(parse_named_child(d, i), "dictionary_splat")) return false;
    return true;
}

Fact hf_splat_param(Interp *in, const Fact *splat, TSNode name) {
    size_t len;
    const char *pname = parse_text(in->src, name, &len);
    Fact v = fact_unknown();
    if (splat->obj == FO_DICT) {
        const Fact *held = fact_field(splat, pname, len);
        if (held) v = *held;
    } else if (splat->obj == FO_ENCODING) { /* as enc.input_ids reads it, padding and all */
        v = attr_get(in, *splat, name, pname, len);
        if (!fact_knows_nothing(&v)) pad_member(splat, pname, len, &v);
    }
    if (!fact_knows_nothing(&v)) return v;
    if (splat_keys_known(splat)) return fact_bottom(); /* not given: its default */
    /* a key the code may have added (enc["labels"] = y, then a collate's dict(enc)): the
     * parameter is given, nothing known of it, never its default */
    return fact_unknown();
}

Fact hf_output_part(Fact out, Fact part) {
    if (out.obj != FO_OUTPUT) return part;
    /* out[i] / a tuple's element: its loss, its sequences (of generate()) or its logits */
    bool loss = part.kinds == FK_LOSS, seqs = (out.flags & FF_GENERATE) && part.kinds == FK_IDS;
    return hf_aligned_attr(out, part, loss ? AS_NONE : seqs ? AS_SEQUENCES : AS_POSITIONS);
}

/* obj.method handed as a function (collate_fn=ds.collate), obj an object of a class of the
 * project: the method, and *self becomes the object it runs on; null when it is none. */
static TSNode bound_method(Interp *in, TSNode n, Fact *self) {
    n = parse_unparen(n);
    if (!parse_is(n, "attribute")) return (TSNode){0};
    Fact obj = svc_eval(in, parse_field(n, "object"));
    if (obj.obj != FO_INSTANCE) return (TSNode){0};
    size_t len;
    const char *name = parse_text(in->src, parse_field(n, "attribute"), &len);
    TSNode def = svc_find_method(in, obj.def, name, len);
    if (!ts_node_is_null(def)) *self = obj;
    return def;
}

/* The items a loader draws from dataset ds, as a list of them: a list of records built here is
 * its own; an object of a class of the project gives what its __getitem__ returns, run on the
 * object as built at an index nothing is known of. */
static Fact dataset_items(Interp *in, Fact ds) {
    if (fact_is_record(&ds) && ds.records) return ds;
    if (ds.obj != FO_INSTANCE) return fact_unknown();
    TSNode get = svc_find_method(in, ds.def, "__getitem__", 11);
    if (ts_node_is_null(get)) return fact_unknown();
    Args index = {.npos = 1, .nplain = 1};
    index.posf[0] = fact_unknown();
    Fact item = svc_call_user(in, get, (TSNode){0}, &index, &ds);
    if (!fact_is_record(&item) || item.records) return fact_unknown();
    /* of one item's fields, only the counts of its tokens (len(ctx)) and what a row's mask
     * of runs marks ([0] * len(prompt) + [1] * len(cont)) are taken: the rest (its ids, its
     * labels) are cut and padded by the collate, judged as the collate shows them */
    Fact *fields = arena_alloc(in->arena, sizeof(Fact) * (size_t)item.nelems);
    for (int i = 0; i < item.nelems; i++) {
        const Fact *f = &item.elems[i];
        bool count =
            f->obj == FO_NONE && f->kinds == FK_INDEX && f->ndim == 0 && (f->flags & FF_COUNT);
        fields[i] = count || padval_row_runs(f) ? *f : fact_unknown();
    }
    item.elems = fields;
    item.records = true;
    return item;
}

/* Hugging Face's calls: loading, generation, tokenizers, collators and loaders. */
Fact hf_apply(Interp *in, const Applied *s) {
    const Contract *t = s->row;
    TSNode node = s->node;
    Fact recv = s->recv;
    const Args *a = s->a;
    const char *qual = s->qual;
    in->call_transfer = true;
    switch ((Op)t->op) {
    case OP_FROM_PRETRAINED:
        return from_pretrained(qual ? qual : "", node);
    case OP_GENERATE: {
        /* several sequences (a padded batch of prompts, num_return_sequences > 1) end at
         * different steps: the finished ones are padded up to the longest */
        unsigned padded = a->has_splat ? a->splat.flags & FF_PADDED : 0;
        for (int i = 0; i < a->npos; i++)
            padded |= a->posf[i].flags & FF_PADDED;
        int ki = args_kw(in, a, "input_ids");
        if (ki >= 0) padded |= a->kwf[ki].flags & FF_PADDED;
        /* its settings given by keyword, or in a dict of them (**gen_kwargs) or a
         * GenerationConfig (generation_config=) */
        if (args_setting_above_one(in, a, "num_return_sequences", "generation_config"))
            padded = FF_PADDED;
        if (repeated_prompt(in, a) && args_setting_truthy(in, a, "do_sample", "generation_config"))
            padded = FF_PADDED;
        Fact g;
        if (!args_setting_truthy(in, a, "return_dict_in_generate", "generation_config"))
            g = fact_tensor(FK_IDS, padded, node, 2, (AxisKind[]){AX_BATCH, AX_POS});
        else
            /* renormalize_logits=True log-softmaxes the scores, as a beam search does */
            g = fact_object(
                FO_OUTPUT,
                FF_GENERATE | padded | (recv.flags & FF_SEQ2SEQ) | beam_search(in, a) |
                    (args_setting_truthy(in, a, "renormalize_logits", "generation_config") ? FF_BEAM
                                                                                           : 0),
                node);
        align_fresh(&g, node); /* the sequences; .scores end where they end (attr_get) */
        return g;
    }
    case OP_TRANSITION_SCORES: {
        /* compute_transition_scores(sequences, scores, beam_indices=None, normalize_logits=False):
         * log-probs when normalised, or when the scores are a beam search's (already
         * log-softmaxed; beam_indices says so) */
        TSNode norm = args_node(in, a, "normalize_logits", NULL, 3);
        TSNode beam = args_node(in, a, "beam_indices", NULL, 2);
        bool normalized = !ts_node_is_null(norm) && !parse_is(parse_unparen(norm), "false");
        bool beam_search = !ts_node_is_null(beam) && !parse_is(parse_unparen(beam), "none");
        Fact scores = args_fact(in, a, "scores", 1);
        unsigned kinds = normalized || beam_search ? FK_LOGPROB : FK_RAW;
        if (!normalized && !scores.bottom && (scores.kinds & FK_LOGPROB))
            kinds = scores.kinds & FK_SCORES;
        return fact_tensor(kinds, FF_SELECTED | FF_STEPWISE, node, 2,
                           (AxisKind[]){AX_BATCH, AX_POS});
    }
    case OP_CHAT_TEMPLATE: { /* the turns of a chat (a prompt and its answer) as one text */
        if (args_kw(in, a, "tokenize") >= 0 && !args_truthy(in, a, "tokenize")) {
            Fact text = fact_unknown(); /* tokenize=False: the string of the turns joined */
            text.flags |= FF_JOINED;
            text.origin = node;
            return text;
        }
        Fact ids = args_kw(in, a, "return_tensors") >= 0
                       ? fact_tensor(FK_IDS, FF_JOINED, node, 2, (AxisKind[]){AX_BATCH, AX_POS})
                       : fact_tensor(FK_IDS, FF_JOINED, node, 1, (AxisKind[]){AX_POS});
        align_fresh(&ids, node);
        return ids;
    }
    case OP_ENCODE:
    case OP_ENCODE_PLUS: {
        unsigned joined = a->npos >= 1 ? a->posf[0].flags & FF_JOINED : 0;
        Fact ids;
        if (args_string_is(in, a, "return_tensors", "pt") ||
            args_string_is(in, a, "return_tensors", "np"))
            ids = fact_tensor(FK_IDS, joined, node, 2, (AxisKind[]){AX_BATCH, AX_POS});
        else if (t->op == OP_ENCODE_PLUS)
            return hf_encoding(in, a, node);
        else
            ids = fact_tensor(FK_IDS, joined, node, 1, (AxisKind[]){AX_POS});
        if (!strcmp(t->name, "encode")) ids.specials = hf_specials(in, a);
        align_fresh(&ids, node);
        return ids;
    }
    case OP_PAD_BATCH:
        return padded_features(in, a, node);
    case OP_COLLATOR:
    case OP_INPUTS_COLLATOR:
    case OP_MLM_COLLATOR: { /* DataCollatorForSeq2Seq(tok): calling it pads, as tokenizer.pad */
        /* DataCollatorForLanguageModeling masks tokens for a masked LM unless mlm=False */
        int mlm = args_kw(in, a, "mlm");
        if (t->op == OP_MLM_COLLATOR &&
            (mlm < 0 || !parse_is(parse_unparen(a->kw_val[mlm]), "false")))
            return fact_unknown();
        Fact c = fact_object(FO_CALLABLE, t->op == OP_INPUTS_COLLATOR ? FF_NOTLM : 0, node);
        c.op = OP_COLLATOR;
        return c;
    }
    case OP_DATALOADER: { /* DataLoader(ds, collate_fn=f): iterating it yields what f returns */
        Fact f = args_fact(in, a, "collate_fn", -1);
        Fact batch = fact_unknown();
        TSNode def = {0};
        if (f.obj == FO_INSTANCE) def = svc_find_method(in, f.def, "__call__", 8);
        if (f.obj == FO_FUNC) def = f.def;
        if (ts_node_is_null(def))
            def = bound_method(in, args_node(in, a, "collate_fn", NULL, -1), &f);
        if (f.obj == FO_CALLABLE && f.op == OP_COLLATOR)
            batch = hf_padded_batch(node, FF_MASKED | (f.flags & FF_NOTLM));
        else if (f.obj == FO_FUNC || f.obj == FO_INSTANCE) {
            /* it is called with a list of the dataset's items: a function, or an object of a
             * class of the project (a collator) whose __call__ (or the method handed,
             * collate_fn=ds.collate) runs with self as it was built */
            Args items = {.npos = 1, .nplain = 1};
            /* a list of the dataset's records (a list of dicts built here, or what a dataset
             * object's __getitem__ returns): a batch of them is such a list too */
            items.posf[0] = dataset_items(in, args_fact(in, a, "dataset", 0));
            if (!items.posf[0].records) fact_set_axes(&items.posf[0], 1, (AxisKind[]){AX_ITEM});
            /* a function made by another (make_collate(tok)) reads the names it captured */
            if (f.obj == FO_FUNC) in->closure = &f;
            const Fact *self = f.obj == FO_INSTANCE ? &f : funcs_bound_self(&f);
            in->runs_at = node; /* what f does is this call's doing */
            if (!ts_node_is_null(def)) batch = svc_call_user(in, def, (TSNode){0}, &items, self);
            in->closure = NULL;
            in->runs_at = (TSNode){0};
        }
        if (!fact_is_record(&batch)) return fact_unknown();
        batch.records = true;
        return batch;
    }
        OPS_BUT_HF(OP_CASE) /* another family's (xfer_apply routes by the lists) */
        return fact_unknown();
    }
    return fact_unknown(); /* not an Op: unreachable */
}
