/* exec_api: stand-ins for served log-probabilities, the values an API returns for the prompt and
 * the candidate under the toy LM (true log-softmax values of the table's rows, in float64 as
 * JSON carries them). One object answers the layouts scripts read, by attribute or by key:
 *   OpenAI completions   response.choices[0].logprobs.token_logprobs / tokens / top_logprobs
 *                        (echo: the start has no log-prob, None; then the prompt, then the
 *                        candidate), choices[0].text
 *   OpenAI chat          response.choices[0].logprobs.content[i].logprob / .token / .top_logprobs
 *                        (the candidate's tokens only)
 *   vLLM RequestOutput   outputs[0].logprobs[i][token_id].logprob (the candidate's tokens),
 *                        outputs[0].token_ids, outputs[0].cumulative_logprob, prompt_logprobs
 *                        (None, then a dict per position of prompt and candidate), prompt_token_ids
 * A parameter that is a choice or a logprobs object reads the same fields at the top. With
 * `generated_only`, token_logprobs and tokens hold the candidate's tokens alone (no echo). */
#include <math.h>
#include <stdlib.h>

#include "exec.h"

/* log_softmax of a row at every table token (the start "x" is never predicted). */
static bool api_row_logprobs(ExecRun *r, const int *prefix, int n, double *lp) {
    r->lm_reads++;
    int c = exec_stand_row(r->table, prefix, n);
    if (c < 0) return exec_fail(r, "out of memory adding a table row") != NULL;
    const double *u = r->table->contexts[c].logits;
    int V = r->table->n_vocab;
    double m = -INFINITY, s = 0;
    for (int k = 0; k < V; k++)
        if (u[k] > m) m = u[k];
    for (int k = 0; k < V; k++)
        s += exp(u[k] - m);
    for (int k = 0; k < V; k++)
        lp[k] = u[k] - m - log(s);
    return true;
}

static ExecValue *word(ExecRun *r, int id) {
    const char *w = r->table->vocab[id];
    return exec_str(r, w, (int)strlen(w));
}

static bool set(ExecRun *r, ExecValue *o, const char *k, ExecValue *v) {
    return v && exec_dict_set_str(r, &o->obj.fields, k, v);
}

/* {token: logprob} of every table token (OpenAI's top_logprobs entry), or, vLLM's,
 * {token_id: Logprob(logprob, rank, decoded_token)}. */
static ExecValue *api_top(ExecRun *r, const double *lp, bool vllm) {
    ExecValue *d = exec_new(r, XV_DICT);
    for (int k = 0; d && k < r->table->n_vocab; k++) {
        int rank = 1;
        for (int q = 0; q < r->table->n_vocab; q++)
            rank += lp[q] > lp[k];
        ExecValue *v = exec_float(r, lp[k]);
        if (vllm) {
            ExecValue *o = exec_object(r, "Logprob");
            if (!o || !set(r, o, "logprob", v) || !set(r, o, "rank", exec_int(r, rank)) ||
                !set(r, o, "decoded_token", word(r, k)))
                return NULL;
            v = o;
        }
        if (!exec_dict_set(r, &d->dict, vllm ? exec_int(r, k) : word(r, k), v)) return NULL;
    }
    return d;
}

typedef struct {
    ExecValue *token_logprobs, *tokens, *top, *content, *vllm, *prompt_lps, *prompt_ids, *gen_ids;
    double cumulative;
} ApiLists;

static bool api_lists(ExecRun *r, bool generated_only, ApiLists *l) {
    const VerifyTable *t = r->table;
    const VerifySeq *c = &t->candidates[r->cand];
    int n = t->prompt.len + c->len;
    int *seq = exec_alloc(r, (size_t)(n + 1) * sizeof *seq);
    double *lp = exec_alloc(r, (size_t)t->n_vocab * sizeof *lp);
    ExecValue **all[] = {&l->token_logprobs, &l->tokens, &l->top, &l->content, &l->vllm, &l->prompt_lps,
                         &l->prompt_ids, &l->gen_ids};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++)
        if (!(*all[i] = exec_new(r, XV_LIST))) return false;
    if (!seq || !lp) return false;
    for (int i = 0; i < t->prompt.len; i++)
        seq[i] = t->prompt.tokens[i];
    for (int i = 0; i < c->len; i++)
        seq[t->prompt.len + i] = c->tokens[i];
    l->cumulative = 0;
    /* the start: no log-prob */
    if (!exec_seq_push(r, &l->prompt_lps->seq, exec_none()) ||
        !exec_seq_push(r, &l->prompt_ids->seq, exec_int(r, r->table->n_vocab)))
        return false;
    if (!generated_only && (!exec_seq_push(r, &l->token_logprobs->seq, exec_none()) ||
                            !exec_seq_push(r, &l->tokens->seq, exec_str(r, "x", 1)) ||
                            !exec_seq_push(r, &l->top->seq, exec_none())))
        return false;
    for (int i = 0; i < n; i++) {
        bool gen = i >= t->prompt.len;
        if (!api_row_logprobs(r, seq, i, lp)) return false;
        ExecValue *v = exec_float(r, lp[seq[i]]);
        if (!exec_seq_push(r, &l->prompt_lps->seq, api_top(r, lp, true)) ||
            (!gen && !exec_seq_push(r, &l->prompt_ids->seq, exec_int(r, seq[i]))))
            return false;
        if (gen || !generated_only) {
            if (!exec_seq_push(r, &l->token_logprobs->seq, v) || !exec_seq_push(r, &l->tokens->seq, word(r, seq[i])) ||
                !exec_seq_push(r, &l->top->seq, api_top(r, lp, false)))
                return false;
        }
        if (!gen) continue;
        l->cumulative += lp[seq[i]];
        ExecValue *entry = exec_object(r, "ChatCompletionTokenLogprob"), *tops = exec_new(r, XV_LIST);
        for (int k = 0; tops && k < t->n_vocab; k++) {
            ExecValue *o = exec_object(r, "TopLogprob");
            if (!o || !set(r, o, "token", word(r, k)) || !set(r, o, "logprob", exec_float(r, lp[k])) ||
                !exec_seq_push(r, &tops->seq, o))
                return false;
        }
        if (!entry || !set(r, entry, "token", word(r, seq[i])) || !set(r, entry, "logprob", v) ||
            !set(r, entry, "top_logprobs", tops) || !exec_seq_push(r, &l->content->seq, entry) ||
            !exec_seq_push(r, &l->vllm->seq, api_top(r, lp, true)) ||
            !exec_seq_push(r, &l->gen_ids->seq, exec_int(r, seq[i])))
            return false;
    }
    return true;
}

static ExecValue *list_of(ExecRun *r, ExecValue *v) {
    ExecValue *l = exec_new(r, XV_LIST);
    return l && exec_seq_push(r, &l->seq, v) ? l : NULL;
}

ExecValue *exec_api_response(ExecRun *r, bool generated_only) {
    ApiLists l;
    if (!api_lists(r, generated_only, &l)) return NULL;
    const VerifySeq *c = &r->table->candidates[r->cand];
    ExecBuf text = {0};
    for (int i = 0; i < c->len; i++)
        if (!exec_buf_add(r, &text, " ", 1) || !exec_buf_add(r, &text, r->table->vocab[c->tokens[i]], (int)strlen(r->table->vocab[c->tokens[i]]))) return NULL;
    ExecValue *textv = exec_str(r, text.s ? text.s : "", text.n);
    /* each token's character offset in the text (OpenAI's text_offset): the echoed start "x" at
     * 0, every table token after a space (" A"), as in the text " A A" of a completion */
    ExecValue *offsets = exec_new(r, XV_LIST);
    for (int i = 0, at = 0; offsets && i < l.tokens->seq.n; i++) {
        ExecValue *tok = l.tokens->seq.items[i];
        bool start = !generated_only && i == 0;
        if (!exec_seq_push(r, &offsets->seq, exec_int(r, at))) return NULL;
        at += tok->str.n + (start ? 0 : 1);
    }
    ExecValue *logprobs = exec_object(r, "logprobs"), *resp = exec_object(r, "response");
    ExecValue *choice = exec_object(r, "choice"), *out = exec_object(r, "CompletionOutput");
    if (!logprobs || !resp || !choice || !out) return NULL;
    /* the logprobs object, read from a choice or from a parameter that is one */
    ExecValue *objs[] = {logprobs, resp};
    for (int i = 0; i < 2; i++)
        if (!set(r, objs[i], "token_logprobs", l.token_logprobs) || !set(r, objs[i], "tokens", l.tokens) ||
            !set(r, objs[i], "top_logprobs", l.top) || !set(r, objs[i], "content", l.content))
            return NULL;
    if (!set(r, logprobs, "text_offset", offsets) || !set(r, choice, "logprobs", logprobs) || !set(r, choice, "text", textv) ||
        !set(r, choice, "index", exec_int(r, 0)))
        return NULL;
    if (!set(r, out, "logprobs", l.vllm) || !set(r, out, "token_ids", l.gen_ids) || !set(r, out, "text", textv) ||
        !set(r, out, "cumulative_logprob", exec_float(r, l.cumulative)))
        return NULL;
    if (!set(r, resp, "choices", list_of(r, choice)) || !set(r, resp, "outputs", list_of(r, out)) ||
        !set(r, resp, "prompt_logprobs", l.prompt_lps) || !set(r, resp, "prompt_token_ids", l.prompt_ids) ||
        !set(r, resp, "logprobs", logprobs) || !set(r, resp, "text", textv))
        return NULL;
    return resp;
}

/* lm-eval's answers to loglikelihood requests: for every candidate, (log Pr(candidate | prompt),
 * is_greedy), each token's log-prob from the toy LM's row of its prefix, is_greedy whether each
 * token is its row's most probable (the first of ties). */
ExecValue *exec_api_loglikelihoods(ExecRun *r) {
    const VerifyTable *t = r->table;
    ExecValue *out = exec_new(r, XV_LIST);
    double *lp = exec_alloc(r, (size_t)t->n_vocab * sizeof *lp);
    if (!out || !lp) return NULL;
    for (int ci = 0; ci < t->n_candidates; ci++) {
        const VerifySeq *c = &t->candidates[ci];
        int n = t->prompt.len + c->len;
        int *full = exec_alloc(r, (size_t)(n + 1) * sizeof *full);
        if (!full) return NULL;
        if (t->prompt.len) memcpy(full, t->prompt.tokens, (size_t)t->prompt.len * sizeof *full);
        if (c->len) memcpy(full + t->prompt.len, c->tokens, (size_t)c->len * sizeof *full);
        double ll = 0;
        bool greedy = true;
        for (int k = 0; k < c->len; k++) {
            if (!api_row_logprobs(r, full, t->prompt.len + k, lp)) return NULL;
            int y = c->tokens[k], best = 0;
            for (int q = 1; q < t->n_vocab; q++)
                if (lp[q] > lp[best]) best = q;
            ll += lp[y];
            greedy &= best == y;
        }
        ExecValue *pair = exec_new(r, XV_TUPLE);
        if (!pair || !exec_seq_push(r, &pair->seq, exec_float(r, ll)) || !exec_seq_push(r, &pair->seq, exec_bool(greedy)) ||
            !exec_seq_push(r, &out->seq, pair))
            return NULL;
    }
    return out;
}


/* ---- a client of a served model (OpenAI's) ---- */

ExecValue *exec_api_client(ExecRun *r, TSNode at) {
    if (!exec_stand_in(r, at, "OpenAI client", "serves the toy LM (true log-softmax values)")) return NULL;
    ExecValue *client = exec_object(r, "openai_client"), *chat = exec_object(r, "openai_chat");
    ExecValue *completions = exec_object(r, "openai_completions"), *chat_completions = exec_object(r, "openai_chat_completions");
    return client && set(r, chat, "completions", chat_completions) && set(r, client, "chat", chat) &&
                   set(r, client, "completions", completions)
               ? client
               : NULL;
}

/* The candidate whose start + prompt + candidate ids a prompt is: a text as the toy tokenizer
 * reads it, or a list of ids (-1: none; -2: neither). */
static int api_candidate_of(ExecRun *r, ExecValue *prompt) {
    ExecValue *ids = prompt->kind == XV_STR ? exec_stand_text_ids(r, prompt) : prompt;
    for (int i = 0; ids && i < ids->seq.n; i++)
        if (ids->seq.items[i]->kind != XV_INT) return -2;
    const VerifyTable *t = r->table;
    for (int k = 0; ids && k < t->n_candidates; k++) {
        const VerifySeq *c = &t->candidates[k];
        bool same = ids->seq.n == 1 + t->prompt.len + c->len;
        for (int i = 1; same && i < ids->seq.n; i++) {
            int want = i <= t->prompt.len ? t->prompt.tokens[i - 1] : c->tokens[i - 1 - t->prompt.len];
            same = ids->seq.items[i]->i == want;
        }
        if (same) return k;
    }
    return -1;
}

ExecValue *exec_api_create(ExecRun *r, const char *type, ExecArgs *a) {
    a->used = ~0u; /* model=, max_tokens=, temperature=, logprobs=, top_logprobs=: the response has them */
    if (strcmp(type, "openai_completions")) /* a chat: the model's answer is the candidate */
        return exec_api_response(r, true);
    ExecValue *prompt = exec_arg(a, 0, "prompt"), *echo = exec_arg(a, -1, "echo");
    bool echoed = false;
    if (echo && !exec_truthy(r, echo, &echoed)) return NULL;
    if (!echoed) return exec_api_response(r, true); /* the completion is the candidate */
    if (prompt && prompt->kind == XV_PENDING && !(prompt = exec_stand_resolve(r, prompt, "text", NULL))) return NULL;
    /* a list of texts or of id lists: one choice per prompt, in order (a list of ids is one) */
    bool batch = prompt && prompt->kind == XV_LIST && prompt->seq.n && prompt->seq.items[0]->kind != XV_INT;
    int n = batch ? prompt->seq.n : 1;
    ExecValue *resp = NULL, *choices = exec_new(r, XV_LIST);
    for (int i = 0; choices && i < n; i++) {
        ExecValue *text = batch ? prompt->seq.items[i] : prompt;
        int k = text && (text->kind == XV_STR || text->kind == XV_LIST) ? api_candidate_of(r, text) : -2;
        if (k == -2)
            return r->failed ? NULL : exec_fail_at(r, a->at, "a completion echoing a prompt that is a %s", text ? exec_kind_name(text) : "nothing");
        if (k < 0) return exec_fail_at(r, a->at, "a completion echoing a prompt that is no candidate's");
        int mine = r->cand;
        r->cand = k; /* the text scored is that candidate's */
        ExecValue *one = exec_api_response(r, false);
        r->cand = mine;
        ExecValue *cs = one ? exec_dict_get_str(&one->obj.fields, "choices") : NULL;
        if (!cs || !set(r, cs->seq.items[0], "index", exec_int(r, i)) || !exec_seq_push(r, &choices->seq, cs->seq.items[0]))
            return NULL;
        if (!resp) resp = one;
    }
    return resp && set(r, resp, "choices", choices) ? resp : NULL;
}
