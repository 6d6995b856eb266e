/* verify_score: scores every candidate of a table with a recipe and with the
 * correct objective log Pr(y|x) = sum_t log_softmax(u_t)[y_t], ranks both,
 * and classifies what the recipe got wrong. */
#include "verify.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

const char *verify_harm_name(VerifyHarm h) {
    switch (h) {
    case VERIFY_HARM_NONE:
        return "none";
    case VERIFY_HARM_FLIP:
        return "ranking-flip";
    case VERIFY_HARM_TIE:
        return "tie";
    case VERIFY_HARM_INFINITE:
        return "infinite";
    case VERIFY_HARM_NAN:
        return "nan";
    }
    return "none";
}

/* Max-subtracted: exp never overflows (the largest term is exp(0) = 1), so
 * logits of +-1e4 stay exact to rounding. -inf entries contribute 0. */
double verify_score_logsumexp(const double *u, int n) {
    double m = -INFINITY;
    for (int i = 0; i < n; i++)
        if (u[i] > m) m = u[i];
    if (!isfinite(m)) return m;
    double s = 0.0;
    for (int i = 0; i < n; i++)
        s += exp(u[i] - m);
    return m + log(s);
}

static void score_err(VerifyError *err, const char *fmt, ...) {
    if (!err) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
}

/* ---- which positions a candidate is scored at ----
 * The scored sequence is prompt ++ candidate ++ padding. Each row is one
 * position: its causal context is the sequence before it; the recipe's
 * context is the same unless the recipe forgot the causal shift, in which case
 * it is the sequence up to and including the token. */

typedef struct {
    VerifyRole role;
    int pos;  /* index into the scored sequence */
    int step; /* 1-based within its role */
    bool in_recipe;
    int recipe_prefix_len;
} ScoreRow;

static int score_pad_to(const VerifyTable *t, const VerifyRecipe *r) {
    if (r->mask != VERIFY_MASK_WITH_PADDING) return 0;
    int m = 0;
    for (int c = 0; c < t->n_candidates; c++)
        if (t->candidates[c].len > m) m = t->candidates[c].len;
    return m;
}

static int score_max_len(const VerifyTable *t) {
    int m = 0;
    for (int c = 0; c < t->n_candidates; c++)
        if (t->candidates[c].len > m) m = t->candidates[c].len;
    return t->prompt.len + m + 1;
}

static int score_rows(const VerifyTable *t, const VerifyRecipe *r, int ci, int pad_to, int *s,
                      ScoreRow *rows) {
    const VerifySeq *c = &t->candidates[ci];
    int len = 0;
    for (int i = 0; i < t->prompt.len; i++)
        s[len++] = t->prompt.tokens[i];
    for (int i = 0; i < c->len; i++)
        s[len++] = c->tokens[i];
    for (int i = c->len; i < pad_to; i++)
        s[len++] = t->pad;
    int n = 0;
    /* a candidate that starts with its own prompt: its first token is the prompt's */
    int own = r->mask == VERIFY_MASK_OWN_PROMPT && c->len > 1 ? 1 : 0;
    for (int pos = 0; pos < len; pos++) {
        VerifyRole role = pos < t->prompt.len + own      ? VERIFY_ROLE_PROMPT
                          : pos < t->prompt.len + c->len ? VERIFY_ROLE_CONTINUATION
                                                         : VERIFY_ROLE_PAD;
        if (role == VERIFY_ROLE_PROMPT && r->mask != VERIFY_MASK_WITH_PROMPT && !own) continue;
        int step = role == VERIFY_ROLE_PROMPT         ? pos + 1
                   : role == VERIFY_ROLE_CONTINUATION ? pos - t->prompt.len + 1
                                                      : pos - t->prompt.len - c->len + 1;
        rows[n++] =
            (ScoreRow){role, pos, step, true, r->shift == VERIFY_SHIFT_NONE ? pos + 1 : pos};
    }
    return n;
}

static char *score_seq_json(const VerifyTable *t, const int *s, int len) {
    size_t cap = 3;
    for (int i = 0; i < len; i++)
        cap += strlen(t->vocab[s[i]]) + 4;
    char *out = malloc(cap);
    if (!out) return NULL;
    size_t n = 0;
    out[n++] = '[';
    for (int i = 0; i < len; i++)
        n += (size_t)snprintf(out + n, cap - n, "%s\"%s\"", i ? ", " : "", t->vocab[s[i]]);
    out[n++] = ']';
    out[n] = 0;
    return out;
}

static void score_missing(const VerifyTable *t, const VerifyRecipe *r, int ci, const int *s,
                          const ScoreRow *row, int prefix_len, bool for_recipe, VerifyError *err) {
    char *pre = score_seq_json(t, s, prefix_len);
    const VerifySeq *c = &t->candidates[ci];
    char *cand = score_seq_json(t, c->tokens, c->len);
    char who[96];
    if (t->cli_candidates)
        snprintf(who, sizeof who, "--candidates #%d", ci + 1);
    else
        snprintf(who, sizeof who, "candidates[%d]", ci);
    char why[160];
    if (row->role == VERIFY_ROLE_PROMPT)
        snprintf(why, sizeof why, "recipe %s scores prompt token %d under it", r->name, row->step);
    else if (row->role == VERIFY_ROLE_PAD)
        snprintf(why, sizeof why, "recipe %s scores padding position %d under it", r->name,
                 row->step);
    else if (for_recipe)
        snprintf(why, sizeof why, "recipe %s scores step %d under it", r->name, row->step);
    else
        snprintf(why, sizeof why, "needed to score step %d", row->step);
    if (row->role == VERIFY_ROLE_PROMPT)
        score_err(err, "%s: prompt: no context for prefix %s (%s)", t->label, pre ? pre : "?", why);
    else
        score_err(err, "%s: %s %s: no context for prefix %s (%s)", t->label, who, cand ? cand : "?",
                  pre ? pre : "?", why);
    free(pre);
    free(cand);
}

/* Walks every lookup the recipe and the objective make. `visit` gets the
 * context index (-1 if missing); a non-OK return stops the walk. */
typedef VerifyStatus (*ScoreVisit)(void *ud, const int *s, int prefix_len, int ctx);

static VerifyStatus score_walk(const VerifyTable *t, const VerifyRecipe *r, VerifyError *err,
                               ScoreVisit visit, void *ud) {
    if (t->n_candidates == 0) {
        score_err(err,
                  "%s: no candidates to rank (add \"candidates\" to the table or pass "
                  "--candidates)",
                  t->label);
        return VERIFY_EINPUT;
    }
    int pad_to = score_pad_to(t, r);
    if (pad_to > 0 && t->pad < 0) {
        for (int c = 0; c < t->n_candidates; c++)
            if (t->candidates[c].len < pad_to) {
                score_err(err,
                          "%s: recipe %s pads candidates to the same length, but the table has "
                          "no \"pad\" token",
                          t->label, r->name);
                return VERIFY_EINPUT;
            }
    }
    int cap = score_max_len(t) + pad_to;
    int *s = malloc((size_t)cap * sizeof *s);
    ScoreRow *rows = malloc((size_t)cap * sizeof *rows);
    VerifyStatus st = s && rows ? VERIFY_OK : VERIFY_ENOMEM;
    for (int ci = 0; ci < t->n_candidates && st == VERIFY_OK; ci++) {
        int n = score_rows(t, r, ci, pad_to, s, rows);
        for (int i = 0; i < n && st == VERIFY_OK; i++) {
            int lens[2] = {rows[i].pos, rows[i].recipe_prefix_len};
            for (int k = 0; k < 2 && st == VERIFY_OK; k++) {
                if (k == 1 && lens[1] == lens[0]) break;
                int ctx = verify_table_find_context(t, s, lens[k]);
                if (ctx < 0 && err) score_missing(t, r, ci, s, &rows[i], lens[k], k == 1, err);
                st = visit(ud, s, lens[k], ctx);
            }
        }
    }
    free(s);
    free(rows);
    return st;
}

static VerifyStatus score_visit_check(void *ud, const int *s, int prefix_len, int ctx) {
    (void)ud;
    (void)s;
    (void)prefix_len;
    return ctx < 0 ? VERIFY_EINPUT : VERIFY_OK;
}

VerifyStatus verify_score_check(const VerifyTable *t, const VerifyRecipe *r, VerifyError *err) {
    return score_walk(t, r, err, score_visit_check, NULL);
}

typedef struct {
    VerifySeq *v;
    int n, cap;
} ScorePrefixes;

static VerifyStatus score_visit_collect(void *ud, const int *s, int prefix_len, int ctx) {
    ScorePrefixes *p = ud;
    (void)ctx;
    if (p->n == p->cap) {
        int cap = p->cap ? p->cap * 2 : 16;
        VerifySeq *v = realloc(p->v, (size_t)cap * sizeof *v);
        if (!v) return VERIFY_ENOMEM;
        p->v = v;
        p->cap = cap;
    }
    int *tok = malloc((size_t)(prefix_len ? prefix_len : 1) * sizeof *tok);
    if (!tok) return VERIFY_ENOMEM;
    if (prefix_len) memcpy(tok, s, (size_t)prefix_len * sizeof *tok);
    p->v[p->n++] = (VerifySeq){tok, prefix_len};
    return VERIFY_OK;
}

int verify_score_prefixes(const VerifyTable *t, const VerifyRecipe *r, VerifySeq **out) {
    ScorePrefixes p = {NULL, 0, 0};
    *out = NULL;
    VerifyStatus st = score_walk(t, r, NULL, score_visit_collect, &p);
    if (st != VERIFY_OK) {
        for (int i = 0; i < p.n; i++)
            free(p.v[i].tokens);
        free(p.v);
        return st == VERIFY_ENOMEM ? -1 : 0;
    }
    *out = p.v;
    return p.n;
}

/* ---- per-position terms ----
 * float32 recipes are computed in float, operation by operation, so that
 * underflow and overflow happen exactly where they happen in torch's default
 * dtype: softmax as torch does it (max-subtracted), the manual softmax without
 * the shift. */

static float score_f32_softmax(const double *u, int n, int y) {
    float m = -INFINITY;
    for (int k = 0; k < n; k++)
        if ((float)u[k] > m) m = (float)u[k];
    float s = 0.0f;
    for (int k = 0; k < n; k++)
        s += expf((float)u[k] - m);
    return expf((float)u[y] - m) / s;
}

static float score_f32_unstable(const double *u, int n, int y) {
    float s = 0.0f;
    for (int k = 0; k < n; k++)
        s += expf((float)u[k]);
    return expf((float)u[y]) / s;
}

static double score_f64_softmax(const double *u, int n, int y) {
    double m = -INFINITY;
    for (int k = 0; k < n; k++)
        if (u[k] > m) m = u[k];
    double s = 0.0;
    for (int k = 0; k < n; k++)
        s += exp(u[k] - m);
    return exp(u[y] - m) / s;
}

static double score_f64_unstable(const double *u, int n, int y) {
    double s = 0.0;
    for (int k = 0; k < n; k++)
        s += exp(u[k]);
    return exp(u[y]) / s;
}

/* cross_entropy(p, y) = -log_softmax(p)[y]: the probabilities are treated as
 * logits a second time. */
static double score_ce_of_prob(const double *u, int n, int y, double *tmp) {
    double lz = verify_score_logsumexp(u, n);
    for (int k = 0; k < n; k++)
        tmp[k] = exp(u[k] - lz);
    return -(tmp[y] - verify_score_logsumexp(tmp, n));
}

static double score_term(const VerifyRecipe *r, const double *u, int n, int y, double lz,
                         double *tmp) {
    bool f32 = r->precision == VERIFY_FLOAT32;
    switch (r->transform) {
    case VERIFY_TERM_RAW:
        return f32 ? (double)(float)u[y] : u[y];
    case VERIFY_TERM_NEG_RAW:
        return f32 ? (double)-(float)u[y] : -u[y];
    case VERIFY_TERM_LOG_PROB:
    case VERIFY_TERM_LOG_PROB_AXIS0:
        return u[y] - lz;
    case VERIFY_TERM_NLL:
        return -(u[y] - lz);
    case VERIFY_TERM_PROB:
        return f32 ? (double)score_f32_softmax(u, n, y) : score_f64_softmax(u, n, y);
    case VERIFY_TERM_LOG_OF_PROB:
        return f32 ? (double)logf(score_f32_softmax(u, n, y)) : log(score_f64_softmax(u, n, y));
    case VERIFY_TERM_UNSTABLE_LOG_PROB:
        return f32 ? (double)logf(score_f32_unstable(u, n, y)) : log(score_f64_unstable(u, n, y));
    case VERIFY_TERM_CE_OF_PROB:
        return score_ce_of_prob(u, n, y, tmp);
    case VERIFY_TERM_IGNORED:
        return 0.0;
    }
    return NAN;
}

/* log_softmax over the positions axis: each vocabulary column is normalised
 * across the candidate's positions, so a term says how a token's logit here
 * compares with the same token's logits at the other positions. */
static void score_axis0(const VerifyTable *t, VerifyCandidate *cs, double *tmp) {
    for (int i = 0; i < cs->n_steps; i++) {
        VerifyStep *st = &cs->steps[i];
        if (!st->in_recipe) continue;
        int m = 0;
        for (int k = 0; k < cs->n_steps; k++)
            if (cs->steps[k].in_recipe)
                tmp[m++] = t->contexts[cs->steps[k].recipe_ctx].logits[st->token];
        double u = t->contexts[st->recipe_ctx].logits[st->token];
        st->term = u == -INFINITY ? -INFINITY : u - verify_score_logsumexp(tmp, m);
    }
}

static double score_aggregate(const VerifyRecipe *r, const VerifyCandidate *cs) {
    int count = 0;
    if (r->precision == VERIFY_FLOAT32) {
        float acc = r->aggregate == VERIFY_AGG_PRODUCT ? 1.0f : 0.0f;
        for (int i = 0; i < cs->n_steps; i++) {
            if (!cs->steps[i].in_recipe) continue;
            float v = (float)cs->steps[i].term;
            acc = r->aggregate == VERIFY_AGG_PRODUCT ? acc * v : acc + v;
            count++;
        }
        return r->aggregate == VERIFY_AGG_MEAN ? (double)(acc / (float)count) : (double)acc;
    }
    double acc = r->aggregate == VERIFY_AGG_PRODUCT ? 1.0 : 0.0;
    for (int i = 0; i < cs->n_steps; i++) {
        if (!cs->steps[i].in_recipe) continue;
        acc =
            r->aggregate == VERIFY_AGG_PRODUCT ? acc * cs->steps[i].term : acc + cs->steps[i].term;
        count++;
    }
    return r->aggregate == VERIFY_AGG_MEAN ? acc / count : acc;
}

/* ---- rankings and harm ---- */

/* Is a ranked before b by the script? NaN first, as numpy.argmax and
 * torch.argmax (and argmin) return the first NaN; ties keep input order. */
static bool score_script_before(const VerifyResult *res, int a, int b) {
    double x = res->cands[a].score, y = res->cands[b].score;
    if (isnan(x) || isnan(y)) return isnan(x) && (!isnan(y) || a < b);
    if (x != y) return verify_result_lower_is_better(res) ? x < y : x > y;
    return a < b;
}

static bool score_correct_before(const VerifyResult *res, int a, int b) {
    double x = res->cands[a].log_prob, y = res->cands[b].log_prob;
    if (x != y) return x > y;
    return a < b;
}

static void score_rank(const VerifyResult *res, int *rank,
                       bool (*before)(const VerifyResult *, int, int)) {
    for (int i = 0; i < res->n; i++) {
        int j = i;
        while (j > 0 && before(res, i, rank[j - 1])) {
            rank[j] = rank[j - 1];
            j--;
        }
        rank[j] = i;
    }
}

static VerifyHarm score_harm(const VerifyResult *res) {
    for (int i = 0; i < res->n; i++)
        if (isnan(res->cands[i].score)) return VERIFY_HARM_NAN;
    for (int i = 0; i < res->n; i++)
        if (isinf(res->cands[i].score) && isfinite(res->cands[i].log_prob))
            return VERIFY_HARM_INFINITE;
    int p = res->script_rank[0];
    for (int i = 0; i < res->n; i++)
        if (i != p && res->cands[i].score == res->cands[p].score &&
            res->cands[i].log_prob != res->cands[p].log_prob)
            return VERIFY_HARM_TIE;
    return res->flipped ? VERIFY_HARM_FLIP : VERIFY_HARM_NONE;
}

/* ---- scoring ---- */

void verify_result_free(VerifyResult *res) {
    if (!res) return;
    if (res->cands)
        for (int i = 0; i < res->n; i++)
            free(res->cands[i].steps);
    free(res->cands);
    free(res->script_rank);
    free(res->correct_rank);
    verify_table_free(res->owned_table);
    free(res);
}

void verify_score_rerank(VerifyResult *res) {
    score_rank(res, res->script_rank, score_script_before);
    score_rank(res, res->correct_rank, score_correct_before);
    res->flipped = res->script_rank[0] != res->correct_rank[0];
    res->harm = score_harm(res);
}

void verify_result_take_table(VerifyResult *res, VerifyTable *t) {
    res->table = t;
    res->owned_table = t;
}

bool verify_result_flipped(const VerifyResult *res) {
    return res && res->flipped;
}

const char *verify_result_actor(const VerifyResult *res, bool cap) {
    if (res->by_script) return cap ? "The script" : "the script";
    return cap ? "A scorer of this shape" : "a scorer of this shape";
}

const char *verify_result_score_label(const VerifyResult *res) {
    return res->by_script ? res->score_label : res->recipe->score_label;
}

const char *verify_result_entry_text(const VerifyResult *res, char *buf, size_t n) {
    if (!strcmp(res->entry, "<module>")) snprintf(buf, n, "module-level code");
    else snprintf(buf, n, "%s()", res->entry);
    return buf;
}

bool verify_result_lower_is_better(const VerifyResult *res) {
    return res->by_script ? res->lower_is_better : res->recipe->lower_is_better;
}

VerifyResult *verify_result_rescore(const VerifyResult *res) {
    VerifyResult *copy = NULL;
    if (!res || res->by_script || verify_score(res->table, res->recipe, &copy, NULL) != VERIFY_OK)
        return NULL;
    copy->search_tries = res->search_tries;
    return copy;
}

VerifyStatus verify_score(const VerifyTable *t, const VerifyRecipe *r, VerifyResult **out,
                          VerifyError *err) {
    *out = NULL;
    VerifyStatus st = verify_score_check(t, r, err);
    if (st != VERIFY_OK) return st;
    VerifyResult *res = calloc(1, sizeof *res);
    if (!res) return VERIFY_ENOMEM;
    res->recipe = r;
    res->table = t;
    res->n = t->n_candidates;
    int pad_to = score_pad_to(t, r);
    int cap = score_max_len(t) + pad_to;
    int *s = malloc((size_t)cap * sizeof *s);
    ScoreRow *rows = malloc((size_t)cap * sizeof *rows);
    double *tmp = malloc((size_t)(t->n_vocab > cap ? t->n_vocab : cap) * sizeof *tmp);
    /* log Z per context, computed once: a 50,000-token vocabulary makes
     * logsumexp the dominant cost. NaN = not computed yet. */
    double *lz = malloc((size_t)(t->n_contexts ? t->n_contexts : 1) * sizeof *lz);
    res->cands = calloc((size_t)res->n, sizeof *res->cands);
    res->script_rank = malloc((size_t)res->n * sizeof *res->script_rank);
    res->correct_rank = malloc((size_t)res->n * sizeof *res->correct_rank);
    if (!s || !rows || !tmp || !lz || !res->cands || !res->script_rank || !res->correct_rank) {
        st = VERIFY_ENOMEM;
        goto done;
    }
    for (int c = 0; c < t->n_contexts; c++)
        lz[c] = NAN;
    for (int ci = 0; ci < res->n; ci++) {
        VerifyCandidate *cs = &res->cands[ci];
        int n = score_rows(t, r, ci, pad_to, s, rows);
        cs->steps = calloc((size_t)(n ? n : 1), sizeof *cs->steps);
        if (!cs->steps) {
            st = VERIFY_ENOMEM;
            goto done;
        }
        cs->n_steps = n;
        for (int i = 0; i < n; i++) {
            VerifyStep *stp = &cs->steps[i];
            int ctx = verify_table_find_context(t, s, rows[i].pos);
            int rctx = verify_table_find_context(t, s, rows[i].recipe_prefix_len);
            const double *u = t->contexts[ctx].logits;
            if (isnan(lz[ctx])) lz[ctx] = verify_score_logsumexp(u, t->n_vocab);
            if (isnan(lz[rctx]))
                lz[rctx] = verify_score_logsumexp(t->contexts[rctx].logits, t->n_vocab);
            stp->role = rows[i].role;
            stp->token = s[rows[i].pos];
            stp->ctx = ctx;
            stp->logit = u[stp->token];
            stp->log_z = lz[ctx];
            stp->log_prob = stp->logit == -INFINITY ? -INFINITY : stp->logit - stp->log_z;
            stp->in_recipe = rows[i].in_recipe;
            stp->recipe_ctx = rctx;
            stp->term =
                score_term(r, t->contexts[rctx].logits, t->n_vocab, stp->token, lz[rctx], tmp);
            if (stp->role == VERIFY_ROLE_CONTINUATION) {
                cs->log_prob += stp->log_prob;
                cs->sum_log_z += stp->log_z;
            }
        }
        if (r->transform == VERIFY_TERM_LOG_PROB_AXIS0) score_axis0(t, cs, tmp);
        cs->score = score_aggregate(r, cs);
    }
    verify_score_rerank(res);
done:
    free(s);
    free(rows);
    free(tmp);
    free(lz);
    if (st != VERIFY_OK) {
        verify_result_free(res);
        score_err(err, "%s: out of memory", t->label);
        return st;
    }
    *out = res;
    return VERIFY_OK;
}
