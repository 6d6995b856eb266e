/* exec_stand: the stand-ins a scoring function runs against. A toy tokenizer (exec_tok.c:
 * whitespace split; a table token maps to its id, any other run of words to one id "x", the
 * unscored start) and a toy causal LM whose logits at position t are the table's row for the table
 * tokens up to t (rows the table lacks are made deterministically and added, so the reported
 * table holds every row a run used). The start "x" has the id after the table's tokens and a
 * logit far below the row's largest (exec.h; never predicted: every log Z is the table's); words outside the
 * table after the start are dropped, so a prompt template's words take no positions. Entry
 * parameters are bound by how the code first uses them. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "exec.h"

#define MODEL_BARE_LOGITS "model_logits" /* a toy LM whose call returns its logits (mlx_lm) */
#define MODEL_SEQ2SEQ "seq2seq"           /* a toy encoder-decoder (T5, BART) */

/* Parameters of the model call and the tokenizer that change nothing a score depends on. */
bool exec_stand_ignorable(const char *kw) {
    static const char *const ok[] = {"use_cache", "output_hidden_states", "output_attentions",
                                     "return_dict", "past_key_values", "token_type_ids",
                                     "truncation", "max_length", "add_special_tokens",
                                     "return_attention_mask", "return_token_type_ids",
                                     "skip_special_tokens", "clean_up_tokenization_spaces",
                                     "torch_dtype", "device_map", "trust_remote_code", "revision",
                                     "low_cpu_mem_usage", "cache_dir", "use_fast", "padding_side",
                                     "position_ids", "params", "train", "training", "deterministic",
                                     "dropout_rng", "allowed_special", "disallowed_special", "rngs", "mutable"};
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++)
        if (!strcmp(kw, ok[i])) return true;
    return false;
}

static int x_id(ExecRun *r) {
    return exec_stand_start_id(r);
}

int exec_stand_start_id(ExecRun *r) {
    return r->table->n_vocab;
}

/* ---- the causal LM ---- */

static uint64_t stand_hash(const int *p, int n) {
    uint64_t h = 1469598103934665603ull;
    for (int i = 0; i < n; i++) {
        h ^= (uint64_t)(p[i] + 1);
        h *= 1099511628211ull;
    }
    return h;
}

/* The row for a prefix of table tokens: the table's, or a new one (integers in [-4, 4] from a
 * hash of the prefix: the same row on every run) added to the table. */
int exec_stand_row(VerifyTable *t, const int *prefix, int n) {
    int c = verify_table_find_context(t, prefix, n);
    if (c >= 0) return c;
    double *u = malloc((size_t)t->n_vocab * sizeof *u);
    if (!u) return -1;
    uint64_t h = stand_hash(prefix, n);
    for (int k = 0; k < t->n_vocab; k++) {
        h ^= h >> 29;
        h *= 0xBF58476D1CE4E5B9ull;
        h ^= h >> 32;
        u[k] = (double)((int)(h % 9) - 4);
    }
    c = verify_table_add_context(t, prefix, n, u);
    free(u);
    return c;
}

static const double *stand_row(ExecRun *r, const int *prefix, int n) {
    r->lm_reads++;
    if (verify_table_find_context(r->table, prefix, n) < 0) {
        if (r->table->n_contexts >= 4096) {
            exec_fail_as(r, XF_BOUND, (TSNode){0}, "bound: the run needs more than 4096 table rows");
            return NULL;
        }
        r->rows_added++;
    }
    int c = exec_stand_row(r->table, prefix, n);
    if (c < 0) {
        exec_fail(r, "out of memory adding a table row");
        return NULL;
    }
    return r->table->contexts[c].logits;
}

static ExecTensor *as_ids(ExecRun *r, ExecValue *v, TSNode at) {
    if (!v) return NULL;
    if (v->kind == XV_PENDING && !(v = exec_stand_resolve(r, v, "tensor", NULL))) return NULL;
    /* a list of Python floats (token log-probs) is a float tensor, never ids truncated to ints */
    ExecTensor *t = v->kind == XV_TENSOR ? v->t : exec_tensor_from(r, v, -1, false);
    if (t && v->kind != XV_TENSOR && !exec_dtype_is_float(t->dtype)) t = exec_tensor_cast(r, t, XD_INT64);
    if (!t) return NULL;
    if (t->ndim == 1) t = exec_tensor_unsqueeze(r, t, 0);
    if (!t || t->ndim != 2 || exec_dtype_is_float(t->dtype)) {
        exec_fail_at(r, at, "the model called with ids that are not a [batch, length] integer tensor");
        return NULL;
    }
    return t;
}

/* Are the n ids at a and b the same (none are)? */
static bool same_ids(const int *a, const int *b, int n) {
    return n <= 0 || !memcmp(a, b, (size_t)n * sizeof *a);
}

/* The candidate whose prompt + candidate tokens are prefix[0..n) (-1: none); *within: is the
 * prefix the start of some candidate's (or of the prompt)? */
static int candidate_of_prefix(const VerifyTable *t, const int *prefix, int n, bool *within) {
    int p = n < t->prompt.len ? n : t->prompt.len;
    *within = same_ids(prefix, t->prompt.tokens, p) && n <= t->prompt.len;
    if (n < t->prompt.len || !same_ids(prefix, t->prompt.tokens, t->prompt.len)) return -1;
    int found = -1;
    for (int k = 0; k < t->n_candidates; k++) {
        const VerifySeq *c = &t->candidates[k];
        int m = n - t->prompt.len;
        bool starts = m <= c->len && same_ids(prefix + t->prompt.len, c->tokens, m);
        *within |= starts;
        if (starts && m == c->len) found = k;
    }
    return found;
}

/* The start's logit on the run's table (EXEC_START_GAP): below every row's largest logit, the
 * rows the run adds included. */
static double start_logit(ExecRun *r) {
    if (!isnan(r->start_logit)) return r->start_logit;
    const VerifyTable *t = r->table;
    double low = EXEC_ADDED_LOW;
    for (int c = 0; c < t->n_contexts; c++) {
        double top = -INFINITY;
        for (int k = 0; k < t->n_vocab; k++)
            if (isfinite(t->contexts[c].logits[k]) && t->contexts[c].logits[k] > top) top = t->contexts[c].logits[k];
        if (isfinite(top) && top < low) low = top; /* a row of no finite logit: nothing to stay below */
    }
    double start = low - EXEC_START_GAP;
    return r->start_logit = start < EXEC_START_MAX ? start : EXEC_START_MAX;
}

/* The logits the toy model gives after prefix[0..n): the table's row, and the start's logit. */
static bool put_row(ExecRun *r, double *dst, const int *prefix, int n, int V) {
    const double *row = stand_row(r, prefix, n);
    if (!row) return false;
    for (int k = 0; k < V - 1; k++)
        dst[k] = exec_round(r->lm_dtype, row[k]);
    dst[V - 1] = exec_round(r->lm_dtype, start_logit(r));
    return true;
}

/* What a row of a batch of B fed the toy LM says (prefix[0..n), its text without the start):
 * the candidate it is (lm_cand, for a batch of one), whether it is the run's own candidate, and
 * whether it was something else than prompt + candidate (past the candidates, or a start in the
 * wrong place: odd_start). */
static void note_fed(ExecRun *r, const int *prefix, int n, int B, bool odd_start) {
    bool within;
    int k = candidate_of_prefix(r->table, prefix, n, &within);
    r->lm_cand = B == 1 ? k : -1;
    r->lm_read_cand |= B == 1 && k >= 0 && k == r->cand;
    r->lm_past_candidates |= !within || odd_start;
}

static ExecTensor *lm_logits(ExecRun *r, ExecTensor *ids, ExecTensor *mask, TSNode at) {
    int B = ids->shape[0], L = ids->shape[1], V = x_id(r) + 1;
    int shape[3] = {B, L, V};
    ExecTensor *out = exec_tensor_new(r, r->lm_dtype, 3, shape, false);
    int *prefix = exec_alloc(r, (size_t)(L + 1) * sizeof *prefix);
    if (!out || !prefix) return NULL;
    for (int b = 0; b < B; b++) {
        int n = 0, reals = 0, starts = 0; /* the row's first two real ids: how many are the start */
        for (int t = 0; t < L; t++) {
            long id = (long)ids->data[(size_t)b * L + t];
            if (id < 0 || id >= V) {
                exec_fail_at(r, at, "the model called with token id %ld outside its vocabulary", id);
                return NULL;
            }
            bool real = !mask || mask->data[(size_t)b * L + t] != 0;
            if (real && reals++ < 2) starts += id == x_id(r);
            if (real && id != x_id(r)) prefix[n++] = (int)id;
            if (!put_row(r, out->data + ((size_t)b * L + t) * V, prefix, n, V)) return NULL;
        }
        /* every stand-in's text starts once with the start: a row that lacks it, or starts twice,
         * was given the ids of something else than the prompt + candidate (the candidate alone,
         * or prompt + candidate in the place of the candidate) */
        note_fed(r, prefix, n, B, starts != 1);
    }
    return out;
}

/* Hugging Face's loss for labels=: logits[:, :-1] against labels[:, 1:] (`shift`; an
 * encoder-decoder's logits against its labels unshifted), -100 ignored, the mean of the token
 * NLLs, in the logits' dtype. */
static ExecValue *lm_loss(ExecRun *r, ExecTensor *logits, ExecTensor *labels, int shift, TSNode at) {
    int B = logits->shape[0], L = logits->shape[1], V = logits->shape[2];
    if (labels->ndim == 1) labels = exec_tensor_unsqueeze(r, labels, 0);
    if (!labels || labels->ndim != 2 || labels->shape[0] != B || labels->shape[1] != L)
        return exec_fail_at(r, at, shift ? "labels= of a shape other than the ids'"
                                         : "labels= of a shape other than the decoder's ids'");
    double sum = 0;
    int count = 0;
    for (int b = 0; b < B; b++)
        for (int t = 0; t + shift < L; t++) {
            long y = (long)labels->data[(size_t)b * L + t + shift];
            if (y == -100) continue;
            if (y < 0 || y >= V) return exec_fail_at(r, at, "a label %ld outside the vocabulary", y);
            const double *u = logits->data + ((size_t)b * L + t) * V;
            double m = -INFINITY, s = 0;
            for (int k = 0; k < V; k++)
                if (u[k] > m) m = u[k];
            for (int k = 0; k < V; k++)
                s += exp(u[k] - m);
            sum += exec_round(logits->dtype, -(u[y] - m - log(s)));
            count++;
        }
    ExecTensor *out = exec_tensor_new(r, logits->dtype, 0, NULL, false);
    if (!out) return NULL;
    out->data[0] = exec_round(logits->dtype, count ? exec_round(logits->dtype, sum) / count : NAN);
    out->loss = true;
    return exec_tensor_value(r, out);
}

/* ---- the encoder-decoder ---- */

/* The decoder's ids for labels= alone, as HF's shift_tokens_right makes them: the decoder start
 * (the toy's "x", as a causal text's start), then the labels but the last, -100 read as the pad. */
static ExecTensor *s2s_shift_right(ExecRun *r, const ExecTensor *labels, TSNode at) {
    int B = labels->shape[0], T = labels->shape[1];
    ExecTensor *d = exec_tensor_new(r, XD_INT64, 2, labels->shape, false);
    for (int b = 0; d && b < B; b++)
        for (int t = 0; t < T; t++) {
            double y = t ? labels->data[(size_t)b * T + t - 1] : x_id(r);
            if (y == -100 && r->table->pad < 0) {
                exec_fail_at(r, at, "labels= holding -100 and no pad token to shift in (HF raises)");
                return NULL;
            }
            d->data[(size_t)b * T + t] = y == -100 ? r->table->pad : y;
        }
    return d;
}

/* An encoder-decoder's logits [B, T, V] for its decoder's ids (decoder_input_ids=, else the
 * labels shifted right): at step t, the table row of the encoder's real tokens (its "x"
 * dropped, as a causal text's: the encoder's text is the prompt) followed by the decoder's after
 * its start up to t. The text the run fed, for the candidate it stands for: the encoder's, then
 * the labels (-100 and trailing pads dropped) or the decoder's ids. */
static ExecTensor *s2s_logits(ExecRun *r, ExecArgs *a, ExecTensor *ids, ExecTensor *mask, ExecTensor *labels) {
    ExecValue *dv = exec_arg(a, -1, "decoder_input_ids"), *dmv = exec_arg(a, -1, "decoder_attention_mask");
    ExecTensor *dec = dv && dv->kind != XV_NONE ? as_ids(r, dv, a->at)
                      : labels                  ? s2s_shift_right(r, labels, a->at)
                                                : NULL;
    ExecTensor *dmask = dmv && dmv->kind != XV_NONE ? as_ids(r, dmv, a->at) : NULL;
    if (!dec) return r->failed ? NULL : (exec_fail_at(r, a->at, "an encoder-decoder called without labels= or decoder_input_ids="), NULL);
    int B = ids->shape[0], L = ids->shape[1], T = dec->shape[1], V = x_id(r) + 1;
    if (dec->shape[0] != B || (dmask && (dmask->shape[0] != B || dmask->shape[1] != T)) ||
        (labels && (labels->shape[0] != B || labels->shape[1] != T))) {
        exec_fail_at(r, a->at, "decoder ids, mask or labels of a shape other than the encoder's batch by the decoder's length");
        return NULL;
    }
    if (!exec_stand_in(r, a->at, "model", "an encoder-decoder: its decoder's logits at step t are the row of the encoder's "
                       "text + the decoder's tokens before t"))
        return NULL;
    int shape[3] = {B, T, V};
    ExecTensor *out = exec_tensor_new(r, r->lm_dtype, 3, shape, false);
    int *prefix = exec_alloc(r, (size_t)(L + T + 1) * sizeof *prefix);
    if (!out || !prefix) return NULL;
    for (int b = 0; b < B; b++) {
        int n = 0, enc_n = 0;
        for (int t = 0; t < L + T; t++) {
            bool enc = t < L;
            const ExecTensor *src = enc ? ids : dec, *m = enc ? mask : dmask;
            size_t at = (size_t)b * (enc ? L : T) + (size_t)(enc ? t : t - L);
            long id = (long)src->data[at];
            if (id < 0 || id >= V) {
                exec_fail_at(r, a->at, "the model called with token id %ld outside its vocabulary", id);
                return NULL;
            }
            if ((!m || m->data[at] != 0) && id != x_id(r)) prefix[n++] = (int)id;
            if (enc) enc_n = n;
            else if (!put_row(r, out->data + at * V, prefix, n, V)) return NULL;
        }
        const ExecTensor *fed = labels ? labels : dec;
        bool started = false; /* the start among the decoder's targets: it was given a text's start too */
        n = enc_n;
        for (int t = labels ? 0 : 1; t < T; t++) {
            long id = (long)fed->data[(size_t)b * T + t];
            started |= id == x_id(r);
            if (id != -100 && id != x_id(r)) prefix[n++] = (int)id;
        }
        while (n > enc_n && r->table->pad >= 0 && prefix[n - 1] == r->table->pad)
            n--;
        note_fed(r, prefix, n, B, started);
    }
    return out;
}

/* ---- the model's call ---- */

/* The toy LM's call; `model` returns its logits array itself where its library's models do
 * (mlx_lm: model(ids)[0] is the first row of the logits, not an output's first field), an
 * encoder-decoder's decoder logits for its labels or decoder ids, and HF's loss on them. */
static ExecValue *lm_call(ExecRun *r, const ExecValue *model, ExecArgs *a) {
    ExecValue *idv = exec_arg(a, 0, "input_ids");
    if (!idv) return exec_fail_at(r, a->at, "the model called without input_ids");
    ExecTensor *ids = as_ids(r, idv, a->at);
    ExecValue *mv = exec_arg(a, 1, "attention_mask");
    ExecTensor *mask = mv && mv->kind != XV_NONE ? as_ids(r, mv, a->at) : NULL;
    if (!ids || (mv && mv->kind != XV_NONE && !mask)) return NULL;
    if (mask && (mask->shape[0] != ids->shape[0] || mask->shape[1] != ids->shape[1]))
        return exec_fail_at(r, a->at, "an attention mask of a shape other than the ids'");
    ExecValue *lv = exec_arg(a, -1, "labels");
    bool return_dict = true;
    if (!exec_arg_bool(r, a, -1, "return_dict", true, &return_dict)) return NULL;
    bool s2s = model && !strcmp(model->obj.type, MODEL_SEQ2SEQ);
    for (int k = 0; k < a->nkw; k++)
        if (strcmp(a->kw[k], "input_ids") && strcmp(a->kw[k], "attention_mask") && strcmp(a->kw[k], "labels") &&
            strcmp(a->kw[k], "pixel_values") && /* a processor's images, whose stand-in says so */
            !exec_stand_ignorable(a->kw[k]) &&
            !(s2s && (!strcmp(a->kw[k], "decoder_input_ids") || !strcmp(a->kw[k], "decoder_attention_mask"))))
            return exec_fail_as(r, XF_GAP, a->at, "unsupported keyword %s= of the model call", a->kw[k]);
    ExecTensor *labels = lv && lv->kind != XV_NONE ? as_ids(r, lv, a->at) : NULL;
    if (lv && lv->kind != XV_NONE && !labels) return NULL;
    ExecTensor *logits = s2s ? s2s_logits(r, a, ids, mask, labels) : lm_logits(r, ids, mask, a->at);
    if (!logits) return NULL;
    ExecValue *out = exec_object(r, "output");
    if (!out) return NULL;
    if (labels) {
        ExecValue *loss = lm_loss(r, logits, labels, s2s ? 0 : 1, a->at);
        if (!loss || !exec_dict_set_str(r, &out->obj.fields, "loss", loss)) return NULL;
    }
    if (!exec_dict_set_str(r, &out->obj.fields, "logits", exec_tensor_value(r, logits))) return NULL;
    if (model && !strcmp(model->obj.type, MODEL_BARE_LOGITS) && out->obj.fields.n == 1)
        return out->obj.fields.vals[0];
    if (!return_dict) { /* a tuple, HF's order */
        ExecValue *t = exec_new(r, XV_TUPLE);
        for (int i = 0; t && i < out->obj.fields.n; i++)
            if (!exec_seq_push(r, &t->seq, out->obj.fields.vals[i])) return NULL;
        return t;
    }
    return out;
}

/* A generate() keyword: from the call, else from its generation_config=. */
static ExecValue *gen_kw(ExecArgs *a, const char *name) {
    ExecValue *v = exec_arg(a, -1, name);
    ExecValue *cfg = exec_arg(a, -1, "generation_config");
    if (!v && cfg && cfg->kind == XV_OBJECT) v = exec_dict_get_str(&cfg->obj.fields, name);
    return v && v->kind != XV_NONE ? v : NULL;
}

/* model.generate(input_ids, ...): what the toy LM "generated" is the candidate (every
 * candidate, one per row, when several sequences are asked for), appended to the one prompt
 * row, right-padded with the pad token; `scores` (output_scores=) holds, per generated step,
 * the LM's logits at that step for every row, divided by the temperature when sampling, as
 * HF's processed scores are. */
static ExecValue *lm_generate(ExecRun *r, ExecArgs *a) {
    ExecValue *idv = exec_arg(a, 0, "input_ids");
    ExecTensor *prompt = idv ? as_ids(r, idv, a->at) : NULL;
    if (!prompt) return r->failed ? NULL : exec_fail_at(r, a->at, "generate() without input_ids");
    if (prompt->shape[0] != 1) return exec_fail_at(r, a->at, "generate() for a batch of %d prompts", prompt->shape[0]);
    (void)exec_arg(a, 1, "attention_mask");
    int64_t nret = 1, max_new = 1 << 20, beams = 1;
    bool sample = false, out_scores = false, as_dict = false;
    ExecValue *v;
    if (((v = gen_kw(a, "num_return_sequences")) && !exec_as_int(v, &nret)) ||
        ((v = gen_kw(a, "max_new_tokens")) && !exec_as_int(v, &max_new)) ||
        ((v = gen_kw(a, "num_beams")) && !exec_as_int(v, &beams)) ||
        ((v = gen_kw(a, "do_sample")) && !exec_truthy(r, v, &sample)) ||
        ((v = gen_kw(a, "output_scores")) && !exec_truthy(r, v, &out_scores)) ||
        ((v = gen_kw(a, "return_dict_in_generate")) && !exec_truthy(r, v, &as_dict)))
        return r->failed ? NULL : exec_fail_at(r, a->at, "a generate() setting that is not a number");
    if (beams > 1) return exec_fail_at(r, a->at, "generate() with beam search (num_beams=%lld)", (long long)beams);
    double temp = 1;
    if ((v = gen_kw(a, "temperature")) && sample) {
        if (!exec_is_number(v) || exec_number(v) <= 0) return exec_fail_at(r, a->at, "generate() temperature");
        temp = exec_number(v);
    }
    static const char *const known[] = {"input_ids", "attention_mask", "num_return_sequences", "max_new_tokens",
                                        "num_beams", "do_sample", "output_scores", "return_dict_in_generate",
                                        "temperature", "generation_config", "pad_token_id", "eos_token_id",
                                        "max_length", "min_new_tokens"};
    for (int k = 0; k < a->nkw; k++) {
        bool ok = exec_stand_ignorable(a->kw[k]);
        for (size_t i = 0; i < sizeof known / sizeof *known && !ok; i++)
            ok = !strcmp(a->kw[k], known[i]);
        if (!ok) return exec_fail_as(r, XF_GAP, a->at, "unsupported keyword %s= of generate()", a->kw[k]);
    }
    const VerifyTable *t = r->table;
    /* a parameter bound to the prompt + candidate's ids: generate() continues a prompt, so
     * the binding is wrong (the driver tries the prompt alone next) */
    const VerifySeq *mine = &t->candidates[r->cand];
    int P = prompt->shape[1];
    bool bound = P == 1 + t->prompt.len + mine->len && (int)prompt->data[0] == x_id(r);
    for (int j = 0; bound && j < t->prompt.len; j++)
        bound = (int)prompt->data[1 + j] == t->prompt.tokens[j];
    for (int j = 0; bound && j < mine->len; j++)
        bound = (int)prompt->data[1 + t->prompt.len + j] == mine->tokens[j];
    if (bound) return exec_fail_at(r, a->at, "generate() given the candidate's own ids (it continues a prompt)");
    bool all = nret > 1 || r->plan->all_candidates;
    r->gave_all |= all;
    int first = all ? 0 : r->cand, rows = all ? t->n_candidates : 1, gen = 0;
    for (int ci = first; ci < first + rows; ci++)
        if (t->candidates[ci].len > gen) gen = t->candidates[ci].len;
    if (gen > max_new) gen = (int)max_new;
    int shape[2] = {rows, P + gen};
    ExecTensor *seq = exec_tensor_new(r, XD_INT64, 2, shape, false);
    if (!seq) return NULL;
    int pad = t->pad >= 0 ? t->pad : x_id(r);
    for (int k = 0; k < rows; k++) {
        const VerifySeq *c = &t->candidates[first + k];
        double *row = seq->data + (size_t)k * (P + gen);
        memcpy(row, prompt->data, (size_t)P * sizeof *row);
        for (int j = 0; j < gen; j++)
            row[P + j] = j < c->len ? c->tokens[j] : pad;
    }
    r->lm_generated |= !all && t->candidates[r->cand].len <= max_new; /* the whole candidate, after the prompt */
    ExecValue *seqv = exec_tensor_value(r, seq);
    if (!as_dict) return seqv;
    ExecValue *out = exec_object(r, "output");
    if (!out || !exec_dict_set_str(r, &out->obj.fields, "sequences", seqv)) return NULL;
    if (!out_scores) return out;
    ExecTensor *logits = lm_logits(r, seq, NULL, a->at);
    ExecValue *steps = exec_new(r, XV_TUPLE);
    if (!logits || !steps) return NULL;
    int V = logits->shape[2], step_shape[2] = {rows, V};
    for (int j = 0; j < gen; j++) {
        ExecTensor *s = exec_tensor_new(r, logits->dtype, 2, step_shape, false);
        if (!s) return NULL;
        for (int k = 0; k < rows; k++)
            for (int q = 0; q < V; q++)
                s->data[(size_t)k * V + q] =
                    exec_round(s->dtype, logits->data[((size_t)k * (P + gen) + P - 1 + j) * V + q] / temp);
        if (!exec_seq_push(r, &steps->seq, exec_tensor_value(r, s))) return NULL;
    }
    return exec_dict_set_str(r, &out->obj.fields, "scores", steps) ? out : NULL;
}

/* model.compute_transition_scores(sequences, scores, normalize_logits=False): [rows, steps],
 * each step's score of the token the row generated (log_softmax first when normalising). */
static ExecValue *lm_transition_scores(ExecRun *r, ExecArgs *a) {
    ExecValue *sv = exec_arg(a, 0, "sequences"), *steps = exec_arg(a, 1, "scores");
    bool norm = false;
    if (!exec_arg_bool(r, a, 2, "normalize_logits", false, &norm)) return NULL;
    (void)exec_arg(a, -1, "beam_indices");
    if (!sv || sv->kind != XV_TENSOR || sv->t->ndim != 2 || !steps || (steps->kind != XV_TUPLE && steps->kind != XV_LIST))
        return exec_fail_at(r, a->at, "compute_transition_scores() of other than sequences and scores");
    int rows = sv->t->shape[0], L = sv->t->shape[1], G = steps->seq.n, shape[2] = {rows, G};
    ExecTensor *out = G <= L ? exec_tensor_new(r, XD_F32, 2, shape, false) : NULL;
    if (!out) return r->failed ? NULL : exec_fail_at(r, a->at, "more scores than sequence positions");
    for (int j = 0; j < G; j++) {
        ExecValue *sj = steps->seq.items[j];
        if (sj->kind != XV_TENSOR || sj->t->ndim != 2 || sj->t->shape[0] != rows)
            return exec_fail_at(r, a->at, "compute_transition_scores(): a step's scores are not [rows, vocab]");
        ExecTensor *st = norm ? exec_tensor_softmax(r, sj->t, 1, true) : sj->t;
        if (!st) return NULL;
        out->dtype = st->dtype;
        int V = st->shape[1];
        for (int k = 0; k < rows; k++) {
            long y = (long)sv->t->data[(size_t)k * L + (L - G + j)];
            if (y < 0 || y >= V) return exec_fail_at(r, a->at, "a generated token outside the vocabulary");
            out->data[(size_t)k * G + j] = st->data[(size_t)k * V + y];
        }
    }
    return exec_tensor_value(r, out);
}

/* An ONNX Runtime session of the toy LM: run(names, {"input_ids": ..., "attention_mask": ...})
 * gives [logits] as a float32 NumPy array; get_inputs() / get_outputs() name them. */
ExecValue *exec_stand_session(ExecRun *r, const char *m, ExecArgs *a) {
    if (!strcmp(m, "get_inputs") || !strcmp(m, "get_outputs")) {
        static const char *const in[] = {"input_ids", "attention_mask"}, *const out[] = {"logits"};
        bool inputs = m[4] == 'i';
        ExecValue *l = exec_new(r, XV_LIST);
        for (int i = 0; l && i < (inputs ? 2 : 1); i++) {
            const char *n = inputs ? in[i] : out[i];
            ExecValue *o = exec_object(r, "node_arg");
            if (!o || !exec_dict_set_str(r, &o->obj.fields, "name", exec_str(r, n, (int)strlen(n))) ||
                !exec_seq_push(r, &l->seq, o))
                return NULL;
        }
        return l;
    }
    if (strcmp(m, "run")) return exec_fail_as(r, XF_GAP, a->at, "unsupported call InferenceSession.%s", m);
    ExecValue *feeds = exec_arg(a, 1, "input_feed");
    (void)exec_arg(a, 0, "output_names");
    (void)exec_arg(a, 2, "run_options");
    if (!feeds || feeds->kind != XV_DICT) return exec_fail_at(r, a->at, "InferenceSession.run() without a feed dict");
    ExecValue *idv = exec_dict_get_str(&feeds->dict, "input_ids"), *mv = exec_dict_get_str(&feeds->dict, "attention_mask");
    ExecTensor *ids = idv ? as_ids(r, idv, a->at) : NULL;
    ExecTensor *mask = mv ? as_ids(r, mv, a->at) : NULL;
    if (!ids || (mv && !mask)) return r->failed ? NULL : exec_fail_at(r, a->at, "InferenceSession.run() without input_ids");
    ExecTensor *logits = lm_logits(r, ids, mask, a->at);
    ExecTensor *f32 = logits ? exec_tensor_cast(r, logits, XD_F32) : NULL;
    ExecValue *l = exec_new(r, XV_LIST);
    if (!f32 || !l) return NULL;
    f32->numpy = true;
    return exec_seq_push(r, &l->seq, exec_tensor_value(r, f32)) ? l : NULL;
}

/* Is `qual` a Hugging Face encoder-decoder of text (T5, BART and their kin)? */
static bool is_s2s_class(const char *qual) {
    static const char *const text_s2s[] = {"T5", "Bart", "Pegasus", "Marian", "Blenderbot", "Prophet", "LED"};
    bool s2s = strstr(qual, "Seq2SeqLM") != NULL;
    for (size_t k = 0; !s2s && strstr(qual, "ForConditionalGeneration") && k < sizeof text_s2s / sizeof *text_s2s; k++)
        s2s = strstr(qual, text_s2s[k]) != NULL;
    return s2s;
}

/* The kind of toy model that stands for a model the entry is given, from the classes its file
 * loads models with: mlx_lm's and none of Hugging Face's, a model that returns its logits itself;
 * encoder-decoder classes of Hugging Face's and no causal LM's, the toy encoder-decoder (its
 * callers built it with one of them); else the toy causal LM. */
static const char *given_model_kind(ExecRun *r) {
    bool mlx = false, hf = false, s2s = false, causal = false;
    ExecDict *g = exec_env_vars(r->globals);
    for (int i = 0; i < g->n; i++) {
        const ExecValue *v = g->vals[i];
        if (v->kind != XV_LIB) continue;
        mlx |= !strncmp(v->lib.qual, "mlx_lm", 6);
        hf |= !strncmp(v->lib.qual, "transformers", 12);
        s2s |= !strncmp(v->lib.qual, "transformers", 12) && is_s2s_class(v->lib.qual);
        causal |= !strncmp(v->lib.qual, "transformers", 12) &&
                  (strstr(v->lib.qual, "CausalLM") || strstr(v->lib.qual, "LMHeadModel") || !strcmp(v->lib.qual, "transformers"));
    }
    if (mlx && !hf) return MODEL_BARE_LOGITS;
    return s2s && !causal ? MODEL_SEQ2SEQ : "model";
}

static ExecValue *model_new(ExecRun *r, const char *kind) {
    ExecValue *m = exec_new(r, XV_MODEL);
    if (m) m->obj.type = kind;
    return m;
}

ExecValue *exec_stand_call(ExecRun *r, ExecValue *fn, ExecValue **args, int nargs, const char **kw_names,
                           ExecValue **kw_vals, int nkw, TSNode at) {
    ExecArgs a = {args, nargs, kw_names, kw_vals, nkw, 0, at, fn->kind == XV_MODEL ? "model" : "tokenizer"};
    return fn->kind == XV_MODEL ? lm_call(r, fn, &a) : exec_tok_call(r, fn, &a);
}

/* A method of the model or tokenizer, bound: called through exec_call_lib as XV_METHOD. */
ExecValue *exec_stand_method(ExecRun *r, ExecValue *self, const char *m, ExecArgs *a) {
    if (self->kind == XV_TOKENIZER) return exec_tok_method(r, self, m, a);
    /* moving it, or its mode (the toy LM has no dropout): the model itself */
    if (!strcmp(m, "eval") || !strcmp(m, "train") || !strcmp(m, "to") || !strcmp(m, "cuda") || !strcmp(m, "cpu") ||
        !strcmp(m, "half") || !strcmp(m, "float") || !strcmp(m, "requires_grad_")) {
        a->used = ~0u;
        if (!strcmp(m, "half")) r->lm_dtype = XD_F16;
        return self;
    }
    if (!strcmp(m, "forward") || !strcmp(m, "__call__")) return lm_call(r, self, a);
    if (!strcmp(m, "apply") || !strcmp(m, "apply_fn")) { /* Flax: apply(variables, ids, ...), the variables its own */
        if (a->npos < 2) return exec_fail_at(r, a->at, "%s() without variables and ids", m);
        ExecArgs ids = *a;
        ids.pos++, ids.npos--;
        ExecValue *out = lm_call(r, NULL, &ids);
        a->used |= ids.used;
        return out;
    }
    if (!strcmp(m, "load_state_dict")) { /* the checkpoint of torch.load: the toy LM's weights stand for it */
        ExecValue *ck = exec_arg(a, 0, "state_dict");
        (void)exec_arg(a, 1, "strict");
        if (!ck || !(ck->kind == XV_DICT || (ck->kind == XV_OBJECT && !strcmp(ck->obj.type, "checkpoint"))))
            return exec_fail_at(r, a->at, "load_state_dict() of other than a checkpoint or a dict of one");
        return exec_none();
    }
    if (!strcmp(m, "generate") && !strcmp(self->obj.type, MODEL_SEQ2SEQ))
        return exec_fail_as(r, XF_GAP, a->at, "generate() of an encoder-decoder");
    if (!strcmp(m, "generate")) return lm_generate(r, a);
    if (!strcmp(m, "compute_transition_scores")) return lm_transition_scores(r, a);
    if (!strcmp(m, "resize_token_embeddings")) return exec_none();
    if (!strcmp(m, "parameters")) return exec_stand_parameters(r, r->lm_dtype);
    return exec_fail_as(r, XF_GAP, a->at, "unsupported call model.%s", m);
}

ExecValue *exec_stand_parameters(ExecRun *r, ExecDtype d) {
    ExecValue *l = exec_new(r, XV_LIST);
    ExecTensor *p = l ? exec_tensor_new(r, d, 0, NULL, false) : NULL;
    return p && exec_seq_push(r, &l->seq, exec_tensor_value(r, p)) ? l : NULL;
}

ExecValue *exec_stand_attr(ExecRun *r, ExecValue *v, const char *name, TSNode at) {
    (void)at;
    ExecValue *f = exec_dict_get_str(&v->obj.fields, name);
    if (f) return f;
    if (v->kind == XV_MODEL) {
        if (!strcmp(name, "device")) return exec_str(r, "cpu", 3);
        if (!strcmp(name, "dtype")) {
            char q[32];
            snprintf(q, sizeof q, "torch.%s", exec_dtype_name(r->lm_dtype));
            ExecValue *s = exec_str(r, q, (int)strlen(q));
            return s ? exec_lib(r, s->str.s) : NULL;
        }
        if (!strcmp(name, "config")) {
            ExecValue *c = exec_object(r, "config");
            if (!c || !exec_dict_set_str(r, &c->obj.fields, "vocab_size", exec_int(r, x_id(r) + 1))) return NULL;
            return c;
        }
    }
    size_t n = strlen(name);
    if (v->kind == XV_TOKENIZER && ((n > 9 && !strcmp(name + n - 9, "_token_id")) || (n > 6 && !strcmp(name + n - 6, "_token"))))
        return exec_none(); /* a special token the toy tokenizer lacks (mask, sep, cls), as GPT-2's: None */
    if (v->kind == XV_TOKENIZER && !strcmp(name, "model_max_length")) return exec_int(r, EXEC_MAX_ELEMS);
    return exec_method(r, name, v);
}

/* ---- from_pretrained ---- */

ExecValue *exec_stand_pretrained(ExecRun *r, const char *qual, const char **kw_names, ExecValue **kw_vals,
                                 int nkw) {
    if (strstr(qual, "Tokenizer") || strstr(qual, "Processor")) {
        ExecValue *tok = exec_tok_new(r);
        for (int k = 0; tok && k < nkw; k++) /* from_pretrained(..., padding_side="left") */
            if (!strcmp(kw_names[k], "padding_side") && kw_vals[k]->kind == XV_STR &&
                !exec_dict_set_str(r, &tok->obj.fields, "padding_side", kw_vals[k]))
                return NULL;
        return tok;
    }
    /* an encoder-decoder of text (T5, BART and their kin): the toy encoder-decoder */
    bool s2s = is_s2s_class(qual);
    if (!s2s && (strstr(qual, "SequenceClassification") || strstr(qual, "MaskedLM") || strstr(qual, "Seq2Seq") ||
                 strstr(qual, "Encoder") || strstr(qual, "Vision")))
        return exec_fail_as(r, XF_GAP, (TSNode){0}, "%s is not a causal LM (the toy LM does not stand for it)", qual);
    for (int k = 0; k < nkw; k++)
        if (!strcmp(kw_names[k], "torch_dtype") || !strcmp(kw_names[k], "dtype")) {
            int d = exec_lib_dtype(kw_vals[k]);
            if (d >= XD_BF16) r->lm_dtype = (ExecDtype)d;
        }
    return model_new(r, !strcmp(qual, "mlx_lm.model") ? MODEL_BARE_LOGITS : s2s ? MODEL_SEQ2SEQ : "model");
}

/* ---- parameters bound by use ---- */

const char *exec_role_name(ExecParamRole role) {
    static const char *const names[] = {
        "?",          "model",         "tokenizer",  "ids",        "prompt_len",   "prompt",
        "cont",       "text",          "device",     "cands",      "texts",        "logits",
        "batch",      "output",        "prompt_ids", "cont_ids",   "record",       "records",
        "no_limit",   "id_rows",       "api",        "api_gen",    "prompt_batch", "prompt_tensor",
        "instance",   "instance_lazy", "cands_bare", "token_lps",  "ignore_id",    "pad_id",
        "ll_pairs",   "unit",          "id_batches", "id_tensors", "gen_len",      "total_len",
        "accelerator", "enc_batches",  "cand_nth",   "start_id",   "cont_tensor",
        "prompt_lens", "vocab"};
    _Static_assert(sizeof names / sizeof *names == XP_VOCAB + 1, "one name per ExecParamRole");
    return (unsigned)role < sizeof names / sizeof *names ? names[role] : "?";
}

/* The candidate a record's field numbered like one stands for (sol1, option2, ending0): its
 * number from 1, or from 0 when the same field numbered 0 is bound too; -1 when the parameter
 * is no such field. */
static int field_number(const ExecPlan *p, int param) {
    if (param < 0) return -1;
    const char *name = p->names[param], *dot = strrchr(name, '.');
    size_t n = strlen(name), d = n;
    while (d > 0 && name[d - 1] >= '0' && name[d - 1] <= '9')
        d--;
    if (!dot || d == n || n - d > 2 || name + d <= dot + 1) return -1;
    int k = atoi(name + d);
    for (int i = 0; i < p->nparams && k > 0; i++)
        if (!strncmp(p->names[i], name, d) && !strcmp(p->names[i] + d, "0")) return k;
    return k > 0 ? k - 1 : 0;
}

/* Is some decided parameter bound to `role`? */
static bool plan_holds(const ExecPlan *p, ExecParamRole role) {
    for (int i = 0; i < p->nparams; i++)
        if (p->decided[i] && p->role[i] == role) return true;
    return false;
}

/* The role of the next text parameter: the prompt, unless it is decided (then the candidate). */
static ExecParamRole next_text(const ExecPlan *p) {
    return plan_holds(p, XP_PROMPT) ? XP_CONT : XP_PROMPT;
}

/* The roles a use allows, most likely first. */
static int stand_roles_for(ExecRun *r, int param, const char *use, ExecValue *arg, ExecParamRole *opts) {
    if (!strcmp(use, "call")) {
        bool text = arg && (arg->kind == XV_STR ||
                            ((arg->kind == XV_LIST || arg->kind == XV_TUPLE) && arg->seq.n &&
                             arg->seq.items[0]->kind == XV_STR));
        opts[0] = text ? XP_TOKENIZER : XP_MODEL;
        opts[1] = text ? XP_MODEL : XP_TOKENIZER;
        return arg && arg->kind == XV_PENDING ? 2 : 1;
    }
    if (!strncmp(use, "attr:", 5) && exec_host_accelerator_method(use + 5)) { /* accelerator.unwrap_model */
        r->plan->fabric[param] = exec_host_fabric_method(use + 5);
        opts[0] = XP_ACCELERATOR;
        return 1;
    }
    if (!strcmp(use, "call-text")) { /* called with a tokenizer's keywords */
        opts[0] = XP_TOKENIZER;
        return 1;
    }
    static const char *const api[] = {"choices", "outputs", "prompt_logprobs", "token_logprobs", "top_logprobs",
                                      "logprobs", "content", "prompt_token_ids", "cumulative_logprob"};
    for (size_t i = 0; i < sizeof api / sizeof *api; i++) /* a served response's fields */
        if ((!strncmp(use, "attr:", 5) || !strncmp(use, "key:", 4)) && !strcmp(strchr(use, ':') + 1, api[i]))
            return opts[0] = XP_API, opts[1] = XP_API_GEN, 2;
    if (!strncmp(use, "attr:", 5) && r->plan->inst_class[param][0] && !r->plan->names[param][strcspn(r->plan->names[param], ".(")])
        return opts[0] = XP_INSTANCE, opts[1] = XP_INSTANCE_LAZY, opts[2] = XP_RECORD, opts[3] = XP_IDS,
               opts[4] = XP_LOGITS, 5; /* annotated with a class of the file; what its use says next */
    if (!strncmp(use, "attr:", 5) && exec_class_with_method(r, use + 5)) { /* lm.logits(...) of class LM */
        ExecValue *cls = exec_class_with_method(r, use + 5);
        int len;
        const char *name = exec_text(r, parse_field(cls->cls.def, "name"), &len);
        snprintf(r->plan->inst_class[param], sizeof r->plan->inst_class[0], "%.*s", len < 31 ? len : 31, name);
        opts[0] = XP_INSTANCE;
        opts[1] = XP_INSTANCE_LAZY;
        return 2;
    }
    ExecValue *config = !strncmp(use, "attr:", 5) && !r->plan->names[param][strcspn(r->plan->names[param], ".[")]
                            ? exec_config_class(r, use + 5) : NULL;
    if (config) { /* cfg.max_length of a config class of the project: its defaults, else a record */
        int len;
        const char *name = exec_text(r, parse_field(config->cls.def, "name"), &len);
        snprintf(r->plan->inst_class[param], sizeof r->plan->inst_class[0], "%.*s", len < 31 ? len : 31, name);
        return opts[0] = XP_INSTANCE, opts[1] = XP_RECORD, 2;
    }
    if (!strncmp(use, "attr:", 5)) {
        const char *n = use + 5;
        static const char *const tok[] = {"encode", "decode", "batch_decode", "pad_token_id", "eos_token_id",
                                          "pad_id", "eos_id", "bos_id",
                                          "bos_token_id", "pad_token", "eos_token", "padding_side",
                                          "convert_tokens_to_ids", "apply_chat_template", "vocab_size",
                                          "bos_token", "unk_token", "pad", "add_special_tokens", "unk_token_id"};
        static const char *const model[] = {"generate", "forward", "config", "eval", "lm_head", "parameters",
                                            "load_state_dict", "state_dict", "named_parameters", "apply_fn"};
        static const char *const scores[] = {"gather", "softmax", "log_softmax", "exp", "log", "logsumexp",
                                             "argmax", "max", "topk", "float", "double", "sigmoid"};
        for (size_t i = 0; i < sizeof tok / sizeof *tok; i++)
            if (!strcmp(n, tok[i])) return opts[0] = XP_TOKENIZER, 1;
        size_t nl = strlen(n);
        if (nl > 9 && !strcmp(n + nl - 9, "_token_id")) return opts[0] = XP_TOKENIZER, 1; /* mask_token_id */
        for (size_t i = 0; i < sizeof model / sizeof *model; i++)
            if (!strcmp(n, model[i])) return opts[0] = XP_MODEL, 1;
        if (!strcmp(n, "logits")) return opts[0] = XP_OUTPUT, 1;
        if (!strcmp(n, "items") || !strcmp(n, "keys") || !strcmp(n, "values") || !strcmp(n, "get") || !strcmp(n, "pop"))
            return opts[0] = XP_BATCH, opts[1] = XP_RECORD, 2; /* a dict: a batch, else a record */
        if (!strcmp(n, "train")) return opts[0] = XP_MODEL, opts[1] = XP_RECORD, 2; /* model.train(), or a split */
        if (!strcmp(n, "input_ids") || !strcmp(n, "attention_mask")) return opts[0] = XP_BATCH, 1;
        for (size_t i = 0; i < sizeof scores / sizeof *scores; i++)
            if (!strcmp(n, scores[i])) return opts[0] = XP_LOGITS, opts[1] = XP_IDS, 2;
        opts[0] = XP_IDS;
        opts[1] = XP_LOGITS;
        opts[2] = XP_RECORD;
        opts[3] = XP_PROMPT_TENSOR; /* what a generation continues */
        static const char *const either[] = {"device", "dtype", "to", "cuda", "cpu", "half", "bfloat16"};
        for (size_t i = 0; i < sizeof either / sizeof *either; i++)
            if (!strcmp(n, either[i])) return opts[4] = XP_MODEL, 5; /* `model.to(device)` before it is called */
        return 4;
    }
    if (!strcmp(use, "key:logits")) return opts[0] = XP_OUTPUT, 1;
    if (!strcmp(use, "id_rows")) return opts[0] = XP_ID_ROWS, 1;
    if (!strcmp(use, "pad_id")) return opts[0] = XP_PAD_ID, 1;
    if (!strcmp(use, "sentinel")) return opts[0] = XP_IGNORE_ID, opts[1] = XP_PAD_ID, 2;
    if (!strcmp(use, "token_id")) return opts[0] = XP_START_ID, opts[1] = XP_PAD_ID, 2; /* [bos_id] + ids */
    if (!strncmp(use, "key:", 4)) {
        /* a key an encoding or a collated batch holds: one of them, else a record of the data
         * (example["question"]) whose fields are bound by their use */
        static const char *const enc[] = {"ids", "mask", "label", "input", "position", "pixel", "logits"};
        bool batch = false;
        for (size_t i = 0; i < sizeof enc / sizeof *enc && !batch; i++)
            batch = strstr(use + 4, enc[i]) != NULL;
        opts[batch ? 0 : 1] = XP_BATCH;
        opts[batch ? 1 : 2] = XP_PROMPT_BATCH;
        opts[batch ? 2 : 0] = XP_RECORD;
        return 3;
    }
    if (!strcmp(use, "int") && r->plan->names[param][0] && strchr(r->plan->names[param], '.'))
        return opts[0] = XP_NO_LIMIT, opts[1] = XP_PROMPT_LEN, 2; /* a record's number: a limit first */
    if (!strcmp(use, "vocab_size")) /* the last size of logits reshaped: the vocabulary's, else a length */
        return opts[0] = XP_VOCAB, opts[1] = XP_PROMPT_LEN, opts[2] = XP_GEN_LEN, opts[3] = XP_TOTAL_LEN, 4;
    if (!strcmp(use, "int")) /* a length: the prompt's, else a generation's */
        return opts[0] = XP_PROMPT_LEN, opts[1] = XP_GEN_LEN, opts[2] = XP_TOTAL_LEN, 3;
    if (!strcmp(use, "divisor")) /* a float tensor divided by it: a temperature (never ids or log-probs) */
        return opts[0] = XP_UNIT, 1;
    if (!strcmp(use, "dividend"))
        return opts[0] = XP_LOGITS, opts[1] = XP_TOKEN_LPS, 2;
    if (!strcmp(use, "tensor") || !strcmp(use, "index")) {
        /* last: a served response's log-probs of the candidate's tokens, already read; for x[i] a
         * list beside the candidates (their labels: their texts); the candidate's ids alone once
         * another parameter holds the prompt's */
        int n = 0;
        opts[n++] = XP_IDS, opts[n++] = XP_LOGITS, opts[n++] = XP_PROMPT_TENSOR, opts[n++] = XP_TOKEN_LPS;
        if (!strcmp(use, "index")) opts[n++] = XP_CANDS;
        if (plan_holds(r->plan, XP_PROMPT_TENSOR)) opts[n++] = XP_CONT_TENSOR;
        if (plan_holds(r->plan, XP_IDS)) opts[n++] = XP_PROMPT_LENS; /* positions >= prompt_len[:, None] */
        return n;
    }
    if (!strcmp(use, "list")) return opts[0] = r->plan->n_lists == 0 ? XP_PROMPT_IDS : XP_CONT_IDS, 1;
    if (!strcmp(use, "concat")) { /* a + b of two parameters: id lists, else texts */
        opts[0] = r->plan->n_lists == 0 ? XP_PROMPT_IDS : XP_CONT_IDS;
        opts[1] = next_text(r->plan);
        return 2;
    }
    if (field_number(r->plan, param) >= 0 &&
        (!strcmp(use, "text") || !strcmp(use, "str") || !strcmp(use, "concat"))) { /* ex["sol1"]: a candidate */
        int n = stand_roles_for(r, -1, use, arg, opts + 1);
        opts[0] = XP_CAND_NTH;
        return n + 1;
    }
    if (!strcmp(use, "text")) return opts[0] = XP_TEXT, 1; /* a text scored whole (an echoed prompt) */
    if (!strcmp(use, "str") && r->plan->all_candidates) return opts[0] = XP_TEXTS, 1;
    if (!strcmp(use, "str")) return opts[0] = next_text(r->plan), 1;
    if (!strcmp(use, "iter") || !strcmp(use, "len") || !strcmp(use, "unpack")) {
        static const ExecParamRole iter[] = {XP_CANDS, XP_CANDS_BARE, XP_CONT_IDS, XP_IDS,
                                             XP_RECORDS, XP_ID_ROWS, XP_ID_TENSORS, XP_LL_PAIRS, XP_ID_BATCHES, XP_TOKEN_LPS, XP_ENC_BATCHES};
        int k = (int)(sizeof iter / sizeof *iter);
        memcpy(opts, iter, sizeof iter);
        if (!plan_holds(r->plan, XP_PROMPT_IDS)) opts[k++] = XP_PROMPT_IDS; /* list(prompt_ids) + [tok] */
        if (!strcmp(use, "len")) opts[k++] = next_text(r->plan); /* len() of a text */
        if (!strcmp(use, "unpack")) opts[k++] = XP_RECORD; /* a pair or a request: each item bound by its use */
        if (!strcmp(use, "iter")) opts[k++] = XP_RECORD; /* a data set of one example, its fields bound by use */
        return k;
    }
    return 0;
}

/* The prompt + candidate ids: [1, L], or [L] unbatched; with plan->all_candidates every
 * candidate's, right-padded with the pad token (the table's, else the tokenizer's end of
 * text) into [n, Lmax]. `mask` (may be NULL) gets the attention mask of the same shape. */
static ExecValue *stand_ids_masked(ExecRun *r, ExecTensor **mask, bool prompt_only) {
    const VerifyTable *t = r->table;
    bool all = r->plan->all_candidates && !prompt_only;
    int first = all ? 0 : r->cand, last = all ? t->n_candidates - 1 : r->cand, width = 0;
    for (int ci = first; ci <= last; ci++)
        if (1 + t->prompt.len + (prompt_only ? 0 : t->candidates[ci].len) > width)
            width = 1 + t->prompt.len + (prompt_only ? 0 : t->candidates[ci].len);
    int shape[2] = {last - first + 1, width};
    bool flat = r->plan->unbatched && !all;
    ExecTensor *ids = flat ? exec_tensor_new(r, XD_INT64, 1, &width, false) : exec_tensor_new(r, XD_INT64, 2, shape, false);
    ExecTensor *m = ids ? exec_tensor_cast(r, ids, XD_INT64) : NULL;
    if (!ids || !m) return NULL;
    int pad = t->pad >= 0 ? t->pad : x_id(r);
    for (int ci = first; ci <= last; ci++) {
        const VerifySeq *c = &t->candidates[ci];
        double *row = ids->data + (size_t)(ci - first) * width, *mrow = m->data + (size_t)(ci - first) * width;
        int n = 0;
        row[n++] = x_id(r);
        for (int k = 0; k < t->prompt.len; k++)
            row[n++] = t->prompt.tokens[k];
        for (int k = 0; k < c->len && !prompt_only; k++)
            row[n++] = c->tokens[k];
        for (int k = 0; k < width; k++) {
            mrow[k] = k < n;
            if (k >= n) row[k] = pad;
        }
    }
    if (mask) *mask = m;
    return exec_tensor_value(r, ids);
}

static ExecValue *stand_ids(ExecRun *r, bool prompt_only) {
    return stand_ids_masked(r, NULL, prompt_only);
}

static ExecValue *stand_cont_ids(ExecRun *r);

/* The ids (XP_IDS; a run that generates the candidate is given what it continues, the prompt),
 * the prompt's alone (XP_PROMPT_TENSOR), the candidate's (XP_CONT_TENSOR), or each row's number of
 * ids before the candidate beside the ids (XP_PROMPT_LENS, [rows]: one, or every candidate's in a
 * batch). */
static ExecValue *stand_id_part(ExecRun *r, ExecParamRole role) {
    if (role == XP_IDS) return stand_ids(r, exec_plan_generates(r->plan));
    if (role != XP_PROMPT_LENS) return role == XP_PROMPT_TENSOR ? stand_ids(r, true) : stand_cont_ids(r);
    int rows = r->plan->all_candidates ? r->table->n_candidates : 1;
    ExecTensor *lens = exec_tensor_new(r, XD_INT64, 1, &rows, false);
    for (int k = 0; lens && k < rows; k++)
        lens->data[k] = 1 + r->table->prompt.len;
    return lens ? exec_tensor_value(r, lens) : NULL;
}

/* The candidate's ids alone: [1, C], or [C] unbatched (the prompt's are another parameter's). */
static ExecValue *stand_cont_ids(ExecRun *r) {
    const VerifySeq *c = &r->table->candidates[r->cand];
    int shape[2] = {1, c->len};
    ExecTensor *ids = r->plan->unbatched ? exec_tensor_new(r, XD_INT64, 1, &shape[1], false)
                                         : exec_tensor_new(r, XD_INT64, 2, shape, false);
    if (!ids) return NULL;
    for (int k = 0; k < c->len; k++)
        ids->data[k] = c->tokens[k];
    return exec_tensor_value(r, ids);
}

/* The labels a causal-LM collator puts beside a batch's input_ids: the ids, with the start, the
 * prompt and the pads -100 (only the candidate is scored, as XP_ID_BATCHES' labels). Read when
 * the code asks a bound batch for its "labels", reported as a stand-in. */
ExecValue *exec_stand_batch_labels(ExecRun *r, ExecValue *batch) {
    ExecValue *ids = exec_dict_get_str(&batch->obj.fields, "input_ids");
    ExecValue *mask = exec_dict_get_str(&batch->obj.fields, "attention_mask");
    if (!ids || !mask || ids->kind != XV_TENSOR || mask->kind != XV_TENSOR || ids->t->n != mask->t->n)
        return exec_fail_as(r, XF_KEY, (TSNode){0}, "a key the batch does not hold");
    if (!exec_stand_in(r, (TSNode){0}, "batch labels", "the input ids, the start, prompt and pads -100 (a collator's)"))
        return NULL;
    ExecTensor *labels = exec_tensor_cast(r, ids->t, XD_INT64);
    if (!labels) return NULL;
    int width = labels->shape[labels->ndim - 1];
    for (int k = 0; k < labels->n; k++)
        if (k % width <= r->table->prompt.len || mask->t->data[k] == 0) labels->data[k] = -100;
    ExecValue *v = exec_tensor_value(r, labels);
    return v && exec_dict_set_str(r, &batch->obj.fields, "labels", v) ? v : NULL;
}

/* The LM's logits, output or encoding for the candidate's ids. */
static ExecValue *stand_derived(ExecRun *r, ExecParamRole role) {
    ExecTensor *mask = NULL;
    ExecValue *idv = stand_ids_masked(r, &mask, role == XP_PROMPT_BATCH);
    if (!idv) return NULL;
    bool flat = idv->t->ndim == 1;
    ExecTensor *ids = flat ? exec_tensor_unsqueeze(r, idv->t, 0) : idv->t;
    if (!ids) return NULL;
    if (flat) mask = exec_tensor_unsqueeze(r, mask, 0);
    if (role == XP_BATCH || role == XP_PROMPT_BATCH) {
        /* a parameter's batch of the candidate's ids is a collator's: its labels are read on
         * demand (exec_stand_batch_labels); the prompt's alone is a tokenizer's encoding */
        ExecValue *enc = exec_object(r, role == XP_BATCH ? "batch" : "encoding");
        if (!enc || !mask || !exec_dict_set_str(r, &enc->obj.fields, "input_ids", idv) ||
            !exec_dict_set_str(r, &enc->obj.fields, "attention_mask",
                               exec_tensor_value(r, flat ? exec_tensor_squeeze(r, mask, 0) : mask)))
            return NULL;
        return enc;
    }
    ExecTensor *logits = lm_logits(r, ids, mask, r->root);
    if (!logits) return NULL;
    if (role == XP_LOGITS) return exec_tensor_value(r, flat ? exec_tensor_squeeze(r, logits, 0) : logits);
    ExecValue *out = exec_object(r, "output");
    if (!out || !exec_dict_set_str(r, &out->obj.fields, "logits", exec_tensor_value(r, logits))) return NULL;
    return out;
}

/* A loader of one batch of the candidate: a collated dict (input_ids, attention_mask and the
 * labels, there from the start), else an (ids, labels) pair, the labels the ids with the start
 * and the prompt -100 (only the candidate is scored). */
static ExecValue *stand_loader(ExecRun *r, bool collated) {
    const VerifyTable *t = r->table;
    if (collated) {
        ExecValue *l = exec_new(r, XV_LIST), *batch = l ? stand_derived(r, XP_BATCH) : NULL;
        if (batch) r->gave_cand_ids = true; /* as a bound batch's ids */
        return batch && exec_stand_batch_labels(r, batch) && exec_seq_push(r, &l->seq, batch) ? l : NULL;
    }
    ExecValue *ids = stand_ids(r, false), *pair = exec_new(r, XV_TUPLE), *l = exec_new(r, XV_LIST);
    ExecTensor *labels = ids ? exec_tensor_cast(r, ids->t, XD_INT64) : NULL;
    if (!labels || !pair || !l) return NULL;
    for (int k = 0; k <= t->prompt.len && k < labels->n; k++) /* the start and the prompt */
        labels->data[k] = -100;
    if (!exec_seq_push(r, &pair->seq, ids) || !exec_seq_push(r, &pair->seq, exec_tensor_value(r, labels)) ||
        !exec_seq_push(r, &l->seq, pair))
        return NULL;
    return l;
}

static ExecValue *stand_text(ExecRun *r, bool prompt, bool cont) {
    const VerifyTable *t = r->table;
    const VerifySeq *c = &t->candidates[r->cand];
    char buf[4096];
    int n = 0;
    if (prompt) {
        n += snprintf(buf + n, sizeof buf - (size_t)n, "x");
        for (int i = 0; i < t->prompt.len && n < (int)sizeof buf - 64; i++)
            n += snprintf(buf + n, sizeof buf - (size_t)n, " %s", t->vocab[t->prompt.tokens[i]]);
    }
    /* a candidate alone starts with its separating space, as continuations do (lm-eval's
     * " answer"): a script that concatenates it to the prompt gets two words */
    for (int i = 0; cont && i < c->len && n < (int)sizeof buf - 64; i++)
        n += snprintf(buf + n, sizeof buf - (size_t)n, " %s", t->vocab[c->tokens[i]]);
    return exec_str(r, buf, n);
}

/* An int parameter: the start and the prompt's length, a limit beyond every length, or the toy
 * LM's vocabulary size. */
static ExecValue *stand_int(ExecRun *r, ExecParamRole role) {
    if (role == XP_VOCAB) return exec_int(r, x_id(r) + 1);
    return exec_int(r, role == XP_PROMPT_LEN ? 1 + r->table->prompt.len : 1 << 20);
}

ExecValue *exec_stand_param(ExecRun *r, int i) {
    const VerifyTable *t = r->table;
    const VerifySeq *c = &t->candidates[r->cand];
    switch (r->plan->role[i]) {
    case XP_MODEL:
        return model_new(r, given_model_kind(r));
    case XP_TOKENIZER:
        return exec_tok_new(r);
    case XP_IDS:
    case XP_PROMPT_TENSOR:
    case XP_CONT_TENSOR:
    case XP_PROMPT_LENS:
        return stand_id_part(r, r->plan->role[i]);
    case XP_PROMPT_LEN:
    case XP_NO_LIMIT:
    case XP_VOCAB:
        return stand_int(r, r->plan->role[i]);
    case XP_GEN_LEN:
    case XP_TOTAL_LEN: { /* what its callers would pass to generate the candidate */
        char what[64];
        snprintf(what, sizeof what, "parameter %s", r->plan->names[i]);
        bool gen = r->plan->role[i] == XP_GEN_LEN;
        const char *how = gen ? "the candidate's length (the tokens to generate)"
                              : "the start, prompt and candidate's length (the sequence to fill)";
        if (!exec_stand_in(r, (TSNode){0}, what, "%s", how)) return NULL;
        return exec_int(r, gen ? c->len : 1 + t->prompt.len + c->len);
    }
    case XP_PROMPT:
        return stand_text(r, true, false);
    case XP_CONT:
        return stand_text(r, false, true);
    case XP_CAND_NTH: {
        int k = field_number(r->plan, i), keep = r->cand;
        if (k < 0 || k >= t->n_candidates)
            return exec_fail_as(r, XF_PARAM, (TSNode){0}, "field %s numbers no candidate of the table", r->plan->names[i]);
        r->cand = k;
        ExecValue *v = stand_text(r, false, true);
        r->cand = keep;
        return v;
    }
    case XP_TEXT:
        return stand_text(r, true, true);
    case XP_DEVICE:
        return exec_str(r, "cpu", 3);
    case XP_CANDS:
    case XP_CANDS_BARE:
    case XP_TEXTS: {
        ExecValue *l = exec_new(r, XV_LIST);
        int keep = r->cand;
        for (int k = 0; l && k < t->n_candidates; k++) {
            r->cand = k;
            /* with the prompt: a chooser that adds it again gets "x x A A", one x */
            if (!exec_seq_push(r, &l->seq, stand_text(r, r->plan->role[i] != XP_CANDS_BARE, true))) l = NULL;
        }
        r->cand = keep;
        return l;
    }
    case XP_BATCH: /* a run that generates the candidate: the prompt's encoding */
        return stand_derived(r, exec_plan_generates(r->plan) ? XP_PROMPT_BATCH : XP_BATCH);
    case XP_LOGITS:
    case XP_PROMPT_BATCH:
    case XP_OUTPUT:
        return stand_derived(r, r->plan->role[i]);
    case XP_PROMPT_IDS:
    case XP_CONT_IDS: {
        ExecValue *l = exec_new(r, XV_LIST);
        bool prompt = r->plan->role[i] == XP_PROMPT_IDS;
        if (l && prompt && !exec_seq_push(r, &l->seq, exec_int(r, x_id(r)))) return NULL;
        for (int k = 0; l && prompt && k < t->prompt.len; k++)
            if (!exec_seq_push(r, &l->seq, exec_int(r, t->prompt.tokens[k]))) return NULL;
        for (int k = 0; l && !prompt && k < c->len; k++)
            if (!exec_seq_push(r, &l->seq, exec_int(r, c->tokens[k]))) return NULL;
        return l;
    }
    case XP_RECORD:
        return exec_stand_record(r, r->plan->names[i]);
    case XP_PAD_ID: /* the table's pad, else the end of text; -100; the start */
    case XP_IGNORE_ID:
    case XP_START_ID:
        return exec_int(r, r->plan->role[i] == XP_IGNORE_ID ? -100 : r->plan->role[i] == XP_PAD_ID && t->pad >= 0 ? t->pad : x_id(r));
    case XP_TOKEN_LPS: {
        ExecValue *resp = exec_api_response(r, true);
        return resp ? exec_dict_get_str(&resp->obj.fields, "token_logprobs") : NULL;
    }
    case XP_INSTANCE:
    case XP_INSTANCE_LAZY: {
        const char *cn = r->plan->inst_class[i];
        ExecValue *cls = exec_project_class(r, cn);
        if (!cls) return exec_fail_as(r, XF_UNDEFINED, (TSNode){0}, "class %s is not defined at module level", cn);
        return exec_instance_by_use(r, cls, r->plan->names[i], r->plan->role[i] == XP_INSTANCE_LAZY);
    }
    case XP_API:
    case XP_API_GEN:
        return exec_api_response(r, r->plan->role[i] == XP_API_GEN);
    case XP_ID_ROWS: {
        ExecValue *l = exec_new(r, XV_LIST);
        for (int k = 0; l && k < t->n_candidates; k++) {
            ExecValue *row = exec_new(r, XV_LIST);
            if (!row || !exec_seq_push(r, &row->seq, exec_int(r, x_id(r))) || !exec_seq_push(r, &l->seq, row)) return NULL;
            for (int j = 0; j < t->prompt.len; j++)
                if (!exec_seq_push(r, &row->seq, exec_int(r, t->prompt.tokens[j]))) return NULL;
            for (int j = 0; j < t->candidates[k].len; j++)
                if (!exec_seq_push(r, &row->seq, exec_int(r, t->candidates[k].tokens[j]))) return NULL;
        }
        return l;
    }
    case XP_RECORDS: { /* one record per candidate; their fields share the names "p[].field" */
        ExecValue *l = exec_new(r, XV_LIST);
        char *prefix = exec_alloc(r, sizeof r->plan->names[0]);
        if (!l || !prefix) return NULL;
        snprintf(prefix, sizeof r->plan->names[0], "%.28s[]", r->plan->names[i]);
        for (int k = 0; k < t->n_candidates; k++) {
            ExecValue *rec = exec_stand_record(r, prefix);
            if (!rec || !exec_seq_push(r, &l->seq, rec)) return NULL;
            rec->obj.lazy_cand = k;
        }
        return l;
    }
    case XP_ID_TENSORS: {
        ExecValue *l = exec_new(r, XV_LIST);
        ExecPlan *pl = r->plan;
        bool flat = pl->unbatched, all = pl->all_candidates; /* each candidate's own [1, L] */
        int keep = r->cand;
        pl->unbatched = pl->all_candidates = false;
        for (int k = 0; l && k < t->n_candidates; k++) {
            r->cand = k;
            if (!exec_seq_push(r, &l->seq, stand_ids(r, false))) l = NULL;
        }
        r->cand = keep;
        pl->unbatched = flat;
        pl->all_candidates = all;
        return l;
    }
    case XP_ACCELERATOR:
        return exec_host_accelerator(r, r->plan->fabric[i] ? "Fabric" : "Accelerator");
    case XP_UNIT: {
        char what[64];
        snprintf(what, sizeof what, "parameter %s", r->plan->names[i]);
        return exec_stand_in(r, (TSNode){0}, what, "1.0 (a divisor its callers supply)") ? exec_float(r, 1.0) : NULL;
    }
    case XP_LL_PAIRS:
        return exec_api_loglikelihoods(r);
    case XP_ID_BATCHES:
    case XP_ENC_BATCHES:
        return stand_loader(r, r->plan->role[i] == XP_ENC_BATCHES);
    case XP_UNDECIDED:
        break;
    }
    return exec_fail(r, "parameter %s is never used in a way that says what it is", r->plan->names[i]);
}

/* Does the def `def` bind `name` in its own scope: a parameter, or an assignment's, a for's or a
 * with's target outside the defs, lambdas and classes nested in it? */
static bool binds_local(ExecRun *r, TSNode def, const char *name, int len) {
    TSTreeCursor c = ts_tree_cursor_new(def);
    bool found = false;
    for (bool more = ts_tree_cursor_goto_first_child(&c); more && !found;) {
        TSNode n = ts_tree_cursor_current_node(&c);
        TSNode up = parse_parent(n);
        bool target = parse_is(up, "assignment") || parse_is(up, "for_statement")
                          ? ts_node_eq(n, parse_field(up, "left"))
                      : parse_is(up, "default_parameter") || parse_is(up, "typed_default_parameter")
                          ? ts_node_eq(n, parse_field(up, "name"))
                          : parse_is(up, "as_pattern_target") || parse_is(up, "parameters") ||
                                parse_is(up, "typed_parameter") || parse_is(up, "pattern_list") ||
                                parse_is(up, "tuple_pattern");
        int l;
        const char *s = target && parse_is(n, "identifier") ? exec_text(r, n, &l) : NULL;
        found = s && l == len && !memcmp(s, name, (size_t)len);
        bool nested = parse_is(n, "function_definition") || parse_is(n, "lambda") || parse_is(n, "class_definition");
        if (!nested && ts_tree_cursor_goto_first_child(&c)) continue;
        while (!ts_tree_cursor_goto_next_sibling(&c))
            if (!ts_tree_cursor_goto_parent(&c) || ts_node_eq(ts_tree_cursor_current_node(&c), def)) {
                more = false;
                break;
            }
    }
    ts_tree_cursor_delete(&c);
    return found;
}

ExecValue *exec_stand_outer_local(ExecRun *r, const char *name, int len) {
    if (ts_node_is_null(r->outer_def) || len >= 32 || !binds_local(r, r->outer_def, name, len)) return NULL;
    char full[32];
    snprintf(full, sizeof full, "%.*s", len, name);
    ExecValue *v = exec_stand_named(r, full, -1);
    return v && exec_env_set(r, r->globals, name, len, v) ? v : NULL;
}

/* Does a top-level def of the module whose tree is root declare `global NAME` (main())? */
static bool def_declares_global(ExecRun *r, TSNode root, const char *name, int len) {
    bool found = false;
    ParseKids k;
    parse_kids_begin(&k, root);
    for (TSNode d; !found && parse_kids_next(&k, &d);) {
        if (parse_is(d, "decorated_definition")) d = parse_field(d, "definition");
        found = parse_is(d, "function_definition") && exec_declares_global(r, d, name, len);
    }
    parse_kids_end(&k);
    return found;
}

ExecValue *exec_stand_global(ExecRun *r, ExecEnv *env, const char *name, int len) {
    ExecEnv *globals = exec_env_globals(env);
    TSNode root = exec_module_root(r, globals);
    if (len >= 32 || ts_node_is_null(root) || (!binds_local(r, root, name, len) && !def_declares_global(r, root, name, len)))
        return NULL;
    char full[32];
    snprintf(full, sizeof full, "%.*s", len, name);
    ExecValue *v = exec_stand_named(r, full, -1);
    return v && exec_env_set(r, globals, name, len, v) ? v : NULL;
}

bool exec_plan_generates(const ExecPlan *p) {
    for (int i = 0; i < p->nparams; i++)
        if (p->role[i] == XP_GEN_LEN || p->role[i] == XP_TOTAL_LEN) return true;
    return false;
}

ExecValue *exec_stand_record(ExecRun *r, const char *prefix) {
    ExecValue *o = exec_object(r, "record");
    if (o) {
        o->obj.lazy = prefix;
        o->obj.lazy_cand = -1;
    }
    return o;
}

ExecValue *exec_stand_named(ExecRun *r, const char *name, int cand) {
    ExecPlan *pl = r->plan;
    int i = 0;
    while (i < pl->nparams && strcmp(pl->names[i], name))
        i++;
    if (i == pl->nparams) {
        if (pl->nparams == EXEC_MAX_PARAMS) return exec_fail_as(r, XF_BOUND, (TSNode){0}, "bound: more than %d parameters and fields to bind", EXEC_MAX_PARAMS);
        snprintf(pl->names[pl->nparams++], sizeof pl->names[0], "%s", name);
    }
    ExecValue *p = exec_new(r, XV_PENDING);
    if (!p) return NULL;
    p->pending.param = i;
    p->pending.cand = cand;
    return p;
}

ExecValue *exec_stand_record_field(ExecRun *r, ExecValue *rec, const char *name) {
    char full[sizeof r->plan->names[0]];
    int n = snprintf(full, sizeof full, "%s.%s", rec->obj.lazy, name);
    if (n >= (int)sizeof full) return exec_fail(r, "a field name %s.%s too long to bind", rec->obj.lazy, name);
    ExecValue *p = exec_stand_named(r, full, rec->obj.lazy_cand);
    ExecValue *key = p ? exec_str(r, name, (int)strlen(name)) : NULL;
    return key && exec_dict_set(r, &rec->obj.fields, key, p) ? p : NULL;
}

ExecValue *exec_stand_resolve(ExecRun *r, ExecValue *p, const char *use, ExecValue *arg) {
    int i = p->pending.param;
    ExecPlan *pl = r->plan;
    if (pl->role[i] == XP_UNDECIDED) {
        ExecParamRole opts[16];
        int n = stand_roles_for(r, i, use, arg, opts);
        size_t nl = strlen(pl->names[i]);
        if (nl > 2 && !strcmp(pl->names[i] + nl - 2, "()")) { /* an instance of a class the run cannot see */
            int kept = 0;
            for (int k = 0; k < n; k++)
                if (opts[k] == XP_MODEL || opts[k] == XP_TOKENIZER) opts[kept++] = opts[k];
            n = kept;
        }
        if (n == 0) return exec_fail_as(r, XF_PARAM, (TSNode){0}, "cannot tell what parameter %s is from its use (%s)", pl->names[i], use);
        pl->n_alts[i] = n;
        ExecParamRole role = opts[pl->alt[i] < n ? pl->alt[i] : n - 1];
        pl->role[i] = role;
        pl->decided[i] = ++pl->n_decided;
        if (role == XP_PROMPT_IDS || role == XP_CONT_IDS) pl->n_lists++;
    }
    int run_cand = r->cand;
    if (p->pending.cand >= 0) r->cand = p->pending.cand; /* a field of one record of a list */
    if ((pl->role[i] == XP_IDS || pl->role[i] == XP_BATCH || pl->role[i] == XP_CONT_TENSOR) && !exec_plan_generates(pl))
        r->gave_cand_ids = true;
    ExecValue *v = exec_stand_param(r, i);
    r->cand = run_cand;
    if (!v) return NULL;
    *p = *v; /* every name bound to the parameter now holds the value */
    return p;
}
