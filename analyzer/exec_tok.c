/* exec_tok: the toy tokenizer of the verifier's runs. Table tokens map to their ids, other words
 * to the unscored start "x" (first) or nothing (after it); it pads on its padding side with the
 * table's pad token, gives Hugging Face's encodings (input_ids, attention_mask; labels of a
 * text_target=; a processor's pixel_values), and encode/decode/pad/batch_decode. */
#include <string.h>

#include "exec.h"

static int x_id(ExecRun *r) { /* the unscored start's id */
    return exec_stand_start_id(r);
}

ExecValue *exec_tok_new(ExecRun *r) {
    ExecValue *t = exec_new(r, XV_TOKENIZER);
    if (!t) return NULL;
    t->obj.type = "tokenizer";
    /* The end-of-text token: the table's pad token if it has one, else "x" (never predicted).
     * There is no pad token unless the table has one (`pad_token = eos_token` sets it), or the
     * plan gives it one (the code needs its id as an id: it is the end of text, said so). */
    bool has_pad = r->table->pad >= 0 || (r->plan && r->plan->tok_pad);
    if (has_pad && r->table->pad < 0 &&
        !exec_stand_in(r, (TSNode){0}, "tokenizer", "its pad token is the end of text (the code reads pad_token_id as an id)"))
        return NULL;
    ExecValue *pad = has_pad ? exec_int(r, r->table->pad >= 0 ? r->table->pad : x_id(r)) : exec_none();
    ExecValue *eos = exec_int(r, r->table->pad >= 0 ? r->table->pad : x_id(r));
    /* the texts of the special tokens: the start's words are outside the table, so they map to
     * "x" at the start of a text and are dropped after it */
    const char *eos_word = r->table->pad >= 0 ? r->table->vocab[r->table->pad] : "</s>";
    ExecValue *eos_text = exec_str(r, eos_word, (int)strlen(eos_word));
    if (!exec_dict_set_str(r, &t->obj.fields, "pad_token_id", pad) ||
        !exec_dict_set_str(r, &t->obj.fields, "eos_token_id", eos) ||
        !exec_dict_set_str(r, &t->obj.fields, "bos_token_id", exec_int(r, x_id(r))) ||
        !exec_dict_set_str(r, &t->obj.fields, "bos_token", exec_str(r, "<s>", 3)) ||
        !exec_dict_set_str(r, &t->obj.fields, "eos_token", eos_text) ||
        !exec_dict_set_str(r, &t->obj.fields, "pad_token", has_pad ? eos_text : exec_none()) ||
        !exec_dict_set_str(r, &t->obj.fields, "unk_token", exec_none()) ||
        !exec_dict_set_str(r, &t->obj.fields, "padding_side", exec_str(r, "right", 5)) ||
        !exec_dict_set_str(r, &t->obj.fields, "vocab_size", exec_int(r, x_id(r) + 1)) ||
        /* a SentencePiece wrapper's (Llama's reference code): -1 without a pad piece */
        !exec_dict_set_str(r, &t->obj.fields, "pad_id", exec_int(r, r->table->pad >= 0 ? r->table->pad : -1)) ||
        !exec_dict_set_str(r, &t->obj.fields, "eos_id", exec_int(r, r->table->pad >= 0 ? r->table->pad : x_id(r))) ||
        !exec_dict_set_str(r, &t->obj.fields, "bos_id", exec_int(r, x_id(r))))
        return NULL;
    return t;
}

/* The ids of a text: table tokens by name; words outside the table are "x" at the start and
 * dropped after it (template words condition nothing and are never scored). */
static ExecValue *tok_ids(ExecRun *r, ExecValue *text) {
    ExecValue *l = exec_new(r, XV_LIST);
    if (!l) return NULL;
    const char *s = text->str.s;
    int n = text->str.n, i = 0;
    while (i < n) {
        while (i < n && strchr(" \t\n\r", s[i]))
            i++;
        int j = i;
        while (j < n && !strchr(" \t\n\r", s[j]))
            j++;
        if (j == i) break;
        int id = -1;
        for (int k = 0; k < r->table->n_vocab && id < 0; k++)
            if ((int)strlen(r->table->vocab[k]) == j - i && !memcmp(r->table->vocab[k], s + i, (size_t)(j - i)))
                id = k;
        if (id < 0 && l->seq.n > 0) {
            i = j;
            continue;
        }
        if (!exec_seq_push(r, &l->seq, exec_int(r, id < 0 ? x_id(r) : id))) return NULL;
        i = j;
    }
    return l;
}

ExecValue *exec_stand_text_ids(ExecRun *r, ExecValue *text) {
    return text && text->kind == XV_STR ? tok_ids(r, text) : NULL;
}

static ExecValue *tok_field(ExecValue *tok, const char *name) {
    return exec_dict_get_str(&tok->obj.fields, name);
}

/* An encoding of id rows (lists): padded to the longest on the tokenizer's side when `pad`
 * (HF's error without a pad token), lists or [B, L] tensors (`rt`: "pt", "np", "tf", "jax"); one
 * row unwrapped unless `batch`. */
static ExecValue *tok_encoding(ExecRun *r, ExecValue *tok, ExecValue *rows, bool pad, ExecValue *rt, bool batch,
                               TSNode at) {
    int maxlen = 0;
    bool need_pad = false;
    for (int i = 0; i < rows->seq.n; i++)
        if (rows->seq.items[i]->seq.n > maxlen) maxlen = rows->seq.items[i]->seq.n;
    for (int i = 0; i < rows->seq.n; i++)
        need_pad |= rows->seq.items[i]->seq.n != maxlen;
    bool tensors = rt && rt->kind == XV_STR;
    ExecValue *pid = tok_field(tok, "pad_token_id");
    if (((pad && need_pad) || (tensors && need_pad)) && (!pad || !pid || pid->kind != XV_INT))
        return exec_fail_as(r, XF_NO_PAD, at, pad ? "the tokenizer pads but has no pad token (HF raises)"
                                       : "tensors of texts of different lengths without padding (HF raises)");
    ExecValue *side = tok_field(tok, "padding_side");
    bool left = side && side->kind == XV_STR && side->str.n == 4 && !memcmp(side->str.s, "left", 4);
    ExecValue *ids_rows = exec_new(r, XV_LIST), *mask_rows = exec_new(r, XV_LIST);
    for (int i = 0; ids_rows && mask_rows && i < rows->seq.n; i++) {
        ExecValue *row = rows->seq.items[i];
        ExecValue *ids = exec_new(r, XV_LIST), *mask = exec_new(r, XV_LIST);
        int n = row->seq.n, width = pad ? maxlen : n;
        for (int k = 0; ids && mask && k < width; k++) {
            int src = left ? k - (width - n) : k;
            bool real = src >= 0 && src < n;
            if (!exec_seq_push(r, &ids->seq, real ? row->seq.items[src] : pid) ||
                !exec_seq_push(r, &mask->seq, exec_int(r, real)))
                return NULL;
        }
        if (!exec_seq_push(r, &ids_rows->seq, ids) || !exec_seq_push(r, &mask_rows->seq, mask)) return NULL;
    }
    ExecValue *enc = exec_object(r, "encoding");
    if (!enc || !ids_rows || !mask_rows) return NULL;
    ExecValue *iv = batch ? ids_rows : ids_rows->seq.items[0], *mv = batch ? mask_rows : mask_rows->seq.items[0];
    if (tensors) {
        bool numpy = rt->str.n == 2 && !memcmp(rt->str.s, "np", 2);
        ExecTensor *it = exec_tensor_from(r, ids_rows, XD_INT64, numpy);
        ExecTensor *mt = exec_tensor_from(r, mask_rows, XD_INT64, numpy);
        if (!it || !mt) return NULL;
        iv = exec_tensor_value(r, it);
        mv = exec_tensor_value(r, mt);
    }
    if (!exec_dict_set_str(r, &enc->obj.fields, "input_ids", iv) ||
        !exec_dict_set_str(r, &enc->obj.fields, "attention_mask", mv))
        return NULL;
    return enc;
}

/* A multimodal processor's images (processor(images=, text=)): the toy LM reads no pixels, so an
 * image is the unscored start "x" of each text; the encoding carries pixel_values of zeros for
 * the model call to take. */
static ExecValue *tok_pixels(ExecRun *r, ExecValue *enc, int rows, TSNode at) {
    if (!exec_stand_in(r, at, "processor", "the images are the texts' unscored start x (the toy LM reads no pixels)"))
        return NULL;
    int shape[4] = {rows, 3, 1, 1};
    ExecTensor *px = exec_tensor_new(r, XD_F32, 4, shape, false);
    return px && exec_dict_set_str(r, &enc->obj.fields, "pixel_values", exec_tensor_value(r, px)) ? enc : NULL;
}

static bool tok_keywords_known(ExecRun *r, ExecArgs *a, const char *what, bool device) {
    for (int k = 0; k < a->nkw; k++)
        if (strcmp(a->kw[k], "text") && strcmp(a->kw[k], "return_tensors") && strcmp(a->kw[k], "padding") &&
            strcmp(a->kw[k], "images") &&
            (!device || strcmp(a->kw[k], "device")) &&
            strcmp(a->kw[k], "encoded_inputs") && !exec_stand_ignorable(a->kw[k]))
            return exec_fail_as(r, XF_GAP, a->at, "unsupported keyword %s= of %s", a->kw[k], what) != NULL;
    return true;
}

/* tokenizer(text, text_target=targets): the texts' encoding, with the targets' input_ids as its
 * labels (an encoder-decoder's; the toy tokenizer encodes a target as it does any text). */
static ExecValue *tok_call_with_target(ExecRun *r, ExecValue *tok, ExecArgs *a, ExecValue *target) {
    enum { MAX_KW = 16 };
    const char *kw[MAX_KW];
    ExecValue *kwv[MAX_KW], *pos[1] = {target};
    ExecArgs ta = {.pos = pos, .npos = 1, .kw = kw, .kwv = kwv, .at = a->at, .name = a->name};
    for (int k = 0; k < a->nkw && ta.nkw < MAX_KW; k++) /* the same keywords, checked by the calls */
        if (strcmp(a->kw[k], "text") && strcmp(a->kw[k], "text_target"))
            kw[ta.nkw] = a->kw[k], kwv[ta.nkw++] = a->kwv[k];
    if (ta.nkw < a->nkw - 2) return exec_fail_at(r, a->at, "tokenizer() with more than %d keywords", MAX_KW);
    ExecValue *text = exec_arg(a, 0, "text");
    a->used = ~0u;
    if (!text || text->kind == XV_NONE) return exec_tok_call(r, tok, &ta);
    /* the text first: a parameter bound by use is the prompt when it is read first */
    pos[0] = text;
    ExecValue *enc = exec_tok_call(r, tok, &ta);
    pos[0] = target;
    ExecValue *labels = enc ? exec_tok_call(r, tok, &ta) : NULL;
    ExecValue *ids = labels ? exec_dict_get_str(&labels->obj.fields, "input_ids") : NULL;
    return ids && exec_dict_set_str(r, &enc->obj.fields, "labels", ids) ? enc : NULL;
}

/* tokenizer(text or texts, return_tensors=, padding=): an encoding with input_ids and
 * attention_mask, lists or [B, L] tensors. Padding without a pad token is HF's error. A target
 * alone (text_target=) is encoded as a text; beside a text, it is the encoding's labels. */
ExecValue *exec_tok_call(ExecRun *r, ExecValue *tok, ExecArgs *a) {
    ExecValue *text = exec_arg(a, 0, "text"), *target = exec_arg(a, -1, "text_target");
    if (target && target->kind != XV_NONE) return tok_call_with_target(r, tok, a, target);
    ExecValue *rt = exec_arg(a, -1, "return_tensors");
    ExecValue *padding = exec_arg(a, -1, "padding");
    if (!text) return exec_fail_at(r, a->at, "tokenizer() without text");
    if (text->kind == XV_PENDING && !(text = exec_stand_resolve(r, text, "str", NULL))) return NULL;
    bool batch = text->kind == XV_LIST || text->kind == XV_TUPLE;
    ExecValue *texts = batch ? text : NULL;
    if (!batch) {
        texts = exec_new(r, XV_LIST);
        if (!texts || !exec_seq_push(r, &texts->seq, text)) return NULL;
    }
    ExecValue *rows = exec_new(r, XV_LIST);
    for (int i = 0; rows && i < texts->seq.n; i++) {
        ExecValue *t = texts->seq.items[i];
        if (t->kind == XV_PENDING && !(t = exec_stand_resolve(r, t, "str", NULL))) return NULL;
        if (t->kind != XV_STR) return exec_fail_at(r, a->at, "tokenizer() of a %s", exec_kind_name(t));
        if (!exec_seq_push(r, &rows->seq, tok_ids(r, t))) return NULL;
    }
    bool pad = false;
    if (padding && !exec_truthy(r, padding, &pad)) return NULL;
    /* device=: a wrapper's encode (lit-gpt's Tokenizer.encode(text, device=)) gives the ids of
     * one text as a 1-D tensor, not an encoding (HF's tokenizers take no device) */
    if (rows && !batch && exec_arg(a, -1, "device")) {
        if (!tok_keywords_known(r, a, "the tokenizer", true)) return NULL;
        return exec_tensor_value(r, exec_tensor_from(r, rows->seq.items[0], XD_INT64, false));
    }
    ExecValue *images = exec_arg(a, -1, "images");
    if (!rows || !tok_keywords_known(r, a, "the tokenizer", false)) return NULL;
    ExecValue *enc = tok_encoding(r, tok, rows, pad, rt, batch, a->at);
    return enc && images && images->kind != XV_NONE ? tok_pixels(r, enc, rows->seq.n, a->at) : enc;
}

/* tokenizer.pad({"input_ids": rows} or a list of {"input_ids": ids}, padding=, return_tensors=). */
static ExecValue *tok_pad(ExecRun *r, ExecValue *tok, ExecArgs *a) {
    ExecValue *in = exec_arg(a, 0, "encoded_inputs");
    ExecValue *rt = exec_arg(a, -1, "return_tensors");
    ExecValue *padding = exec_arg(a, -1, "padding");
    bool pad = true;
    if (padding && !exec_truthy(r, padding, &pad)) return NULL;
    ExecValue *rows = NULL;
    if (in && in->kind == XV_DICT) rows = exec_dict_get_str(&in->dict, "input_ids");
    else if (in && in->kind == XV_OBJECT) rows = exec_dict_get_str(&in->obj.fields, "input_ids");
    else if (in && (in->kind == XV_LIST || in->kind == XV_TUPLE)) {
        rows = exec_new(r, XV_LIST);
        for (int i = 0; rows && i < in->seq.n; i++) {
            ExecValue *e = in->seq.items[i];
            ExecValue *ids = e->kind == XV_DICT ? exec_dict_get_str(&e->dict, "input_ids") : NULL;
            if (!ids) return exec_fail_at(r, a->at, "tokenizer.pad() of a list of %s", exec_kind_name(e));
            if (!exec_seq_push(r, &rows->seq, ids)) return NULL;
        }
    }
    if (rows && rows->kind == XV_PENDING && !(rows = exec_stand_resolve(r, rows, "id_rows", NULL))) return NULL;
    if (rows && rows->kind == XV_TENSOR) rows = exec_tensor_tolist(r, rows->t);
    if (!rows || rows->kind != XV_LIST) return exec_fail_at(r, a->at, "tokenizer.pad() without input_ids rows");
    for (int i = 0; i < rows->seq.n; i++)
        if (rows->seq.items[i]->kind != XV_LIST) return exec_fail_at(r, a->at, "tokenizer.pad() of rows that are not lists");
    if (!tok_keywords_known(r, a, "tokenizer.pad()", false)) return NULL;
    return tok_encoding(r, tok, rows, pad, rt, true, a->at);
}

static ExecValue *tok_decode(ExecRun *r, ExecValue *ids, TSNode at) {
    if (ids->kind == XV_TENSOR) ids = exec_tensor_tolist(r, ids->t);
    ExecValue *it = exec_iterate(r, ids, at);
    ExecValue *s = exec_str(r, "", 0);
    for (int i = 0; it && s && i < it->seq.n; i++) {
        int64_t id;
        if (!exec_as_int(it->seq.items[i], &id)) return exec_fail_at(r, at, "decode() of a non-id");
        const char *w = id >= 0 && id < r->table->n_vocab ? r->table->vocab[id] : "x";
        s = exec_binop(r, "+", s, exec_str(r, i ? " " : "", i ? 1 : 0), at);
        if (s) s = exec_binop(r, "+", s, exec_str(r, w, (int)strlen(w)), at);
    }
    return it ? s : NULL;
}

ExecValue *exec_tok_method(ExecRun *r, ExecValue *self, const char *m, ExecArgs *a) {
    if (!strcmp(m, "encode")) {
        ExecValue *text = exec_arg(a, 0, "text");
        if (text && text->kind == XV_PENDING && !(text = exec_stand_resolve(r, text, "str", NULL))) return NULL;
        if (!text || text->kind != XV_STR) return exec_fail_at(r, a->at, "encode() of a %s", exec_kind_name(text));
        ExecValue *ids = tok_ids(r, text);
        ExecValue *rt = exec_arg(a, -1, "return_tensors");
        bool device = exec_arg(a, -1, "device") != NULL; /* a wrapper's: the ids as a 1-D tensor */
        for (int k = 0; k < a->nkw; k++)
            if (strcmp(a->kw[k], "text") && strcmp(a->kw[k], "return_tensors") && strcmp(a->kw[k], "device") &&
                !exec_stand_ignorable(a->kw[k]))
                return exec_fail_as(r, XF_GAP, a->at, "unsupported keyword %s= of encode()", a->kw[k]);
        if (ids && device) return exec_tensor_value(r, exec_tensor_from(r, ids, XD_INT64, false));
        if (!ids || !rt || rt->kind != XV_STR) return ids;
        ExecValue *outer = exec_new(r, XV_LIST);
        if (!outer || !exec_seq_push(r, &outer->seq, ids)) return NULL;
        return exec_tensor_value(r, exec_tensor_from(r, outer, XD_INT64, rt->str.n == 2 && !memcmp(rt->str.s, "np", 2)));
    }
    if (!strcmp(m, "decode")) {
        ExecValue *ids = exec_arg(a, 0, "token_ids");
        (void)exec_arg(a, -1, "skip_special_tokens");
        return ids ? tok_decode(r, ids, a->at) : exec_fail_at(r, a->at, "decode() without ids");
    }
    if (!strcmp(m, "convert_tokens_to_ids")) {
        ExecValue *t = exec_arg(a, 0, "tokens");
        if (!t || t->kind != XV_STR) return exec_fail_at(r, a->at, "convert_tokens_to_ids() of a non-string");
        ExecValue *ids = tok_ids(r, t);
        return ids && ids->seq.n == 1 ? ids->seq.items[0] : exec_fail_at(r, a->at, "convert_tokens_to_ids() of several words");
    }
    if (!strcmp(m, "add_special_tokens")) {
        /* a new pad token: the toy LM treats it as it treats the start (never in a prefix) */
        ExecValue *d = exec_arg(a, 0, "special_tokens_dict");
        ExecValue *pt = d && d->kind == XV_DICT ? exec_dict_get_str(&d->dict, "pad_token") : NULL;
        ExecValue *pid = tok_field(self, "pad_token_id");
        if (pt && pt->kind == XV_STR && (!pid || pid->kind == XV_NONE) &&
            (!exec_dict_set_str(r, &self->obj.fields, "pad_token_id", exec_int(r, x_id(r))) ||
             !exec_dict_set_str(r, &self->obj.fields, "pad_token", pt)))
            return NULL;
        a->used = ~0u;
        return exec_int(r, pt ? 1 : 0);
    }
    if (!strcmp(m, "pad")) return tok_pad(r, self, a);
    if (!strcmp(m, "apply_chat_template")) return exec_chat_template(r, self, a);
    if (!strcmp(m, "batch_decode")) {
        ExecValue *rows = exec_arg(a, 0, "sequences");
        (void)exec_arg(a, -1, "skip_special_tokens");
        if (rows && rows->kind == XV_TENSOR) rows = exec_tensor_tolist(r, rows->t);
        ExecValue *it = rows ? exec_iterate(r, rows, a->at) : NULL, *out = exec_new(r, XV_LIST);
        for (int i = 0; it && out && i < it->seq.n; i++)
            if (!exec_seq_push(r, &out->seq, tok_decode(r, it->seq.items[i], a->at))) return NULL;
        return it ? out : NULL;
    }
    return exec_fail_as(r, XF_GAP, a->at, "unsupported call tokenizer.%s", m);
}
