/* verify_table: the toy autoregressive model the verifier runs recipes on, the
 * built-in `abc` table, and loading / validating user tables from JSON. */
#include "verify.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ---- small helpers ---- */

static char *table_strdup(const char *s) {
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

static void table_err(VerifyError *err, const char *fmt, ...) {
    if (!err) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
}

static uint64_t table_hash_ints(const int *v, int n) {
    uint64_t h = 1469598103934665603ull;
    for (int i = 0; i < n; i++) {
        h ^= (uint64_t)(unsigned)v[i];
        h *= 1099511628211ull;
    }
    h ^= (uint64_t)(unsigned)n;
    h *= 1099511628211ull;
    return h;
}

static uint64_t table_hash_str(const char *s) {
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ull;
    }
    return h;
}

static bool table_seq_eq(const int *a, int an, const int *b, int bn) {
    return an == bn && (an == 0 || memcmp(a, b, (size_t)an * sizeof *a) == 0);
}

/* ---- hash indexes: prefix -> context, token name -> id ----
 * Open addressing over int slots (-1 empty). User tables can hold 50,000
 * tokens and many contexts, so duplicate detection and lookups must not be
 * quadratic. */

static void table_ctx_index_insert(VerifyTable *t, int ci);

static bool table_ctx_index_grow(VerifyTable *t) {
    size_t cap = t->ctx_index_cap ? t->ctx_index_cap * 2 : 16;
    int *idx = malloc(cap * sizeof *idx);
    if (!idx) return false;
    for (size_t i = 0; i < cap; i++)
        idx[i] = -1;
    free(t->ctx_index);
    t->ctx_index = idx;
    t->ctx_index_cap = cap;
    for (int ci = 0; ci < t->n_contexts; ci++)
        table_ctx_index_insert(t, ci);
    return true;
}

static void table_ctx_index_insert(VerifyTable *t, int ci) {
    const VerifySeq *p = &t->contexts[ci].prefix;
    size_t mask = t->ctx_index_cap - 1;
    size_t i = (size_t)table_hash_ints(p->tokens, p->len) & mask;
    while (t->ctx_index[i] >= 0)
        i = (i + 1) & mask;
    t->ctx_index[i] = ci;
}

int verify_table_find_context(const VerifyTable *t, const int *prefix, int len) {
    if (!t->ctx_index_cap) return -1;
    size_t mask = t->ctx_index_cap - 1;
    size_t i = (size_t)table_hash_ints(prefix, len) & mask;
    for (; t->ctx_index[i] >= 0; i = (i + 1) & mask) {
        const VerifySeq *p = &t->contexts[t->ctx_index[i]].prefix;
        if (table_seq_eq(p->tokens, p->len, prefix, len)) return t->ctx_index[i];
    }
    return -1;
}

static bool table_reindex_contexts(VerifyTable *t) {
    free(t->ctx_index);
    t->ctx_index = NULL;
    t->ctx_index_cap = 0;
    size_t cap = 16;
    while (cap < (size_t)t->n_contexts * 2 + 2)
        cap *= 2;
    t->ctx_index = malloc(cap * sizeof *t->ctx_index);
    if (!t->ctx_index) return false;
    for (size_t i = 0; i < cap; i++)
        t->ctx_index[i] = -1;
    t->ctx_index_cap = cap;
    for (int ci = 0; ci < t->n_contexts; ci++)
        table_ctx_index_insert(t, ci);
    return true;
}

static bool table_reindex_vocab(VerifyTable *t) {
    free(t->vocab_index);
    size_t cap = 16;
    while (cap < (size_t)t->n_vocab * 2 + 2)
        cap *= 2;
    t->vocab_index = malloc(cap * sizeof *t->vocab_index);
    if (!t->vocab_index) return false;
    for (size_t i = 0; i < cap; i++)
        t->vocab_index[i] = -1;
    t->vocab_index_cap = cap;
    for (int v = 0; v < t->n_vocab; v++) {
        size_t i = (size_t)table_hash_str(t->vocab[v]) & (cap - 1);
        while (t->vocab_index[i] >= 0)
            i = (i + 1) & (cap - 1);
        t->vocab_index[i] = v;
    }
    return true;
}

int verify_table_token(const VerifyTable *t, const char *name) {
    if (!t->vocab_index_cap) return -1;
    size_t mask = t->vocab_index_cap - 1;
    for (size_t i = (size_t)table_hash_str(name) & mask; t->vocab_index[i] >= 0; i = (i + 1) & mask)
        if (strcmp(t->vocab[t->vocab_index[i]], name) == 0) return t->vocab_index[i];
    return -1;
}

/* ---- construction ---- */

VerifyTable *verify_table_new(const char *label, VerifyOrigin origin, int n_vocab,
                              const char *const *vocab) {
    VerifyTable *t = calloc(1, sizeof *t);
    if (!t) return NULL;
    t->origin = origin;
    t->pad = -1;
    t->label = table_strdup(label);
    t->vocab = calloc((size_t)(n_vocab > 0 ? n_vocab : 1), sizeof *t->vocab);
    if (!t->label || !t->vocab) goto oom;
    for (int v = 0; v < n_vocab; v++) {
        t->vocab[v] = table_strdup(vocab[v]);
        if (!t->vocab[v]) goto oom;
        t->n_vocab = v + 1;
    }
    if (!table_reindex_vocab(t) || !table_reindex_contexts(t)) goto oom;
    return t;
oom:
    verify_table_free(t);
    return NULL;
}

void verify_table_free(VerifyTable *t) {
    if (!t) return;
    for (int v = 0; v < t->n_vocab; v++)
        free(t->vocab[v]);
    free(t->vocab);
    for (int c = 0; c < t->n_contexts; c++) {
        free(t->contexts[c].prefix.tokens);
        free(t->contexts[c].logits);
    }
    free(t->contexts);
    for (int c = 0; c < t->n_candidates; c++)
        free(t->candidates[c].tokens);
    free(t->candidates);
    free(t->prompt.tokens);
    free(t->ctx_index);
    free(t->vocab_index);
    free(t->label);
    free(t);
}

static int *table_dup_ints(const int *v, int n) {
    int *d = malloc((size_t)(n > 0 ? n : 1) * sizeof *d);
    if (d && n > 0) memcpy(d, v, (size_t)n * sizeof *d);
    return d;
}

int verify_table_add_context(VerifyTable *t, const int *prefix, int len, const double *logits) {
    if (t->n_contexts == t->ctx_cap) {
        int cap = t->ctx_cap ? t->ctx_cap * 2 : 8;
        VerifyContext *c = realloc(t->contexts, (size_t)cap * sizeof *c);
        if (!c) return -1;
        t->contexts = c;
        t->ctx_cap = cap;
    }
    VerifyContext *c = &t->contexts[t->n_contexts];
    c->prefix.tokens = table_dup_ints(prefix, len);
    c->prefix.len = len;
    c->logits = malloc((size_t)t->n_vocab * sizeof *c->logits);
    if (!c->prefix.tokens || !c->logits) {
        free(c->prefix.tokens);
        free(c->logits);
        return -1;
    }
    memcpy(c->logits, logits, (size_t)t->n_vocab * sizeof *c->logits);
    int ci = t->n_contexts++;
    if ((size_t)t->n_contexts * 2 > t->ctx_index_cap) {
        if (!table_ctx_index_grow(t)) {
            t->n_contexts--;
            free(c->prefix.tokens);
            free(c->logits);
            return -1;
        }
    } else {
        table_ctx_index_insert(t, ci);
    }
    return ci;
}

int verify_table_add_candidate(VerifyTable *t, const int *tokens, int len) {
    if (t->n_candidates == t->cand_cap) {
        int cap = t->cand_cap ? t->cand_cap * 2 : 4;
        VerifySeq *c = realloc(t->candidates, (size_t)cap * sizeof *c);
        if (!c) return -1;
        t->candidates = c;
        t->cand_cap = cap;
    }
    int *d = table_dup_ints(tokens, len);
    if (!d) return -1;
    t->candidates[t->n_candidates] = (VerifySeq){d, len};
    return t->n_candidates++;
}

VerifyTable *verify_table_copy(const VerifyTable *t) {
    VerifyTable *c =
        verify_table_new(t->label, t->origin, t->n_vocab, (const char *const *)t->vocab);
    if (!c) return NULL;
    c->seed = t->seed;
    c->pad = t->pad;
    c->cli_candidates = t->cli_candidates;
    for (int i = 0; i < t->n_contexts; i++)
        if (verify_table_add_context(c, t->contexts[i].prefix.tokens, t->contexts[i].prefix.len,
                                     t->contexts[i].logits) < 0)
            goto oom;
    for (int i = 0; i < t->n_candidates; i++)
        if (verify_table_add_candidate(c, t->candidates[i].tokens, t->candidates[i].len) < 0)
            goto oom;
    if (t->prompt.len) {
        c->prompt.tokens = table_dup_ints(t->prompt.tokens, t->prompt.len);
        if (!c->prompt.tokens) goto oom;
        c->prompt.len = t->prompt.len;
    }
    return c;
oom:
    verify_table_free(c);
    return NULL;
}

bool verify_table_drop_token(VerifyTable *t, int tok) {
    free(t->vocab[tok]);
    memmove(&t->vocab[tok], &t->vocab[tok + 1], (size_t)(t->n_vocab - tok - 1) * sizeof *t->vocab);
    for (int c = 0; c < t->n_contexts; c++) {
        double *u = t->contexts[c].logits;
        memmove(&u[tok], &u[tok + 1], (size_t)(t->n_vocab - tok - 1) * sizeof *u);
    }
    t->n_vocab--;
    /* Token ids above tok shift down by one everywhere they occur. */
    for (int k = 0; k < t->prompt.len; k++)
        if (t->prompt.tokens[k] > tok) t->prompt.tokens[k]--;
    for (int c = 0; c < t->n_candidates; c++)
        for (int k = 0; k < t->candidates[c].len; k++)
            if (t->candidates[c].tokens[k] > tok) t->candidates[c].tokens[k]--;
    for (int c = 0; c < t->n_contexts; c++)
        for (int k = 0; k < t->contexts[c].prefix.len; k++)
            if (t->contexts[c].prefix.tokens[k] > tok) t->contexts[c].prefix.tokens[k]--;
    if (t->pad > tok) t->pad--;
    return table_reindex_vocab(t) && table_reindex_contexts(t);
}

static int table_prefix_cmp(const void *a, const void *b) {
    const VerifySeq *p = &((const VerifyContext *)a)->prefix;
    const VerifySeq *q = &((const VerifyContext *)b)->prefix;
    if (p->len != q->len) return p->len < q->len ? -1 : 1;
    for (int i = 0; i < p->len; i++)
        if (p->tokens[i] != q->tokens[i]) return p->tokens[i] < q->tokens[i] ? -1 : 1;
    return 0;
}

bool verify_table_retain(VerifyTable *t, const bool *keep) {
    int n = 0;
    for (int c = 0; c < t->n_contexts; c++) {
        if (keep[c]) {
            t->contexts[n++] = t->contexts[c];
        } else {
            free(t->contexts[c].prefix.tokens);
            free(t->contexts[c].logits);
        }
    }
    t->n_contexts = n;
    qsort(t->contexts, (size_t)n, sizeof *t->contexts, table_prefix_cmp);
    return table_reindex_contexts(t);
}

/* ---- the built-in table ----
 * `abc` is the case logitlint was born from: summing raw logits picks [B, B], log Pr(y|x) picks [A, A]. */

VerifyTable *verify_table_builtin(const char *name) {
    if (strcmp(name, "abc") != 0) return NULL;
    static const char *const vocab[] = {"A", "B", "C"};
    enum { A, B, C };
    static const double u_x[] = {10, 9, 0}, u_xa[] = {0, 0, 0}, u_xb[] = {8, 7, 0};
    static const int pa[] = {A}, pb[] = {B}, aa[] = {A, A}, bb[] = {B, B};
    VerifyTable *t = verify_table_new("abc", VERIFY_ORIGIN_BUILTIN, 3, vocab);
    if (!t || verify_table_add_context(t, NULL, 0, u_x) < 0 ||
        verify_table_add_context(t, pa, 1, u_xa) < 0 ||
        verify_table_add_context(t, pb, 1, u_xb) < 0 || verify_table_add_candidate(t, aa, 2) < 0 ||
        verify_table_add_candidate(t, bb, 2) < 0) {
        verify_table_free(t);
        return NULL;
    }
    return t;
}

/* ---- JSON loading and validation ----
 * Every message names the file and the entry (`contexts[2].logits`), because
 * users write these tables by hand and need to find the line to fix. The
 * document's syntax is checked first (verify_json_check), so the readers
 * below only check the schema. */

typedef struct {
    VerifyTable *t;
    VerifyJson *j;
    const char *label;
    VerifyError *err;
    char *buf; /* scratch for strings */
    size_t cap, len;
} TableReader;

static VerifyStatus table_fail(TableReader *r, const char *fmt, ...) {
    if (r->err) {
        char what[400];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(what, sizeof what, fmt, ap);
        va_end(ap);
        snprintf(r->err->msg, sizeof r->err->msg, "%s: %s", r->label, what);
    }
    return VERIFY_EINPUT;
}

static bool table_token_name_ok(const char *s) {
    if (!*s) return false;
    for (; *s; s++)
        if (isspace((unsigned char)*s)) return false;
    return true;
}

/* An array of token names at `where`, as ids. */
static VerifyStatus table_read_tokens(TableReader *r, const char *where, VerifySeq *out) {
    out->tokens = NULL;
    out->len = 0;
    if (verify_json_peek(r->j) != '[')
        return table_fail(r, "%s: expected an array of tokens, got %s", where,
                          verify_json_kind(r->j));
    verify_json_eat(r->j, '[');
    int cap = 0;
    VerifyStatus st = VERIFY_OK;
    if (verify_json_eat(r->j, ']')) return VERIFY_OK;
    for (int i = 0;; i++) {
        if (verify_json_peek(r->j) != '"') {
            st = table_fail(r, "%s[%d]: expected a token string, got %s", where, i,
                            verify_json_kind(r->j));
            break;
        }
        if ((st = verify_json_string(r->j, &r->buf, &r->cap, &r->len)) != VERIFY_OK) break;
        int id = verify_table_token(r->t, r->buf);
        if (id < 0) {
            st = table_fail(r, "%s[%d]: unknown token \"%s\" (not in vocab)", where, i, r->buf);
            break;
        }
        if (out->len == cap) {
            cap = cap ? cap * 2 : 8;
            int *v = realloc(out->tokens, (size_t)cap * sizeof *v);
            if (!v) {
                st = VERIFY_ENOMEM;
                break;
            }
            out->tokens = v;
        }
        out->tokens[out->len++] = id;
        if (!verify_json_eat(r->j, ',')) break;
    }
    verify_json_eat(r->j, ']');
    if (st != VERIFY_OK) {
        free(out->tokens);
        out->tokens = NULL;
        out->len = 0;
    }
    return st;
}

/* A logit is a JSON number or the string "-inf" (a masked token). */
static VerifyStatus table_read_logit(TableReader *r, int ci, int k, double *out) {
    char c = verify_json_peek(r->j);
    if (c == '"') {
        VerifyStatus st = verify_json_string(r->j, &r->buf, &r->cap, &r->len);
        if (st != VERIFY_OK) return st;
        if (strcmp(r->buf, "-inf") == 0) {
            *out = -INFINITY;
            return VERIFY_OK;
        }
        char *end;
        double v = strtod(r->buf, &end);
        if (*r->buf && !*end && (isnan(v) || (isinf(v) && v > 0)))
            return table_fail(r,
                              "contexts[%d].logits[%d]: %s is not a logit (the only non-finite "
                              "value allowed is \"-inf\", a masked token)",
                              ci, k, isnan(v) ? "NaN" : "+inf");
        return table_fail(r, "contexts[%d].logits[%d]: expected a number or \"-inf\", got \"%s\"",
                          ci, k, r->buf);
    }
    if (c == '-' || (c >= '0' && c <= '9')) return verify_json_number(r->j, out);
    return table_fail(r, "contexts[%d].logits[%d]: expected a number or \"-inf\", got %s", ci, k,
                      verify_json_kind(r->j));
}

static VerifyStatus table_read_logits(TableReader *r, int ci, double *u) {
    int nv = r->t->n_vocab;
    if (verify_json_peek(r->j) != '[')
        return table_fail(r, "contexts[%d].logits: expected an array of %d numbers, got %s", ci, nv,
                          verify_json_kind(r->j));
    verify_json_eat(r->j, '[');
    long count = 0;
    if (!verify_json_eat(r->j, ']')) {
        for (;; count++) {
            double v;
            VerifyStatus st = table_read_logit(r, ci, (int)count, &v);
            if (st != VERIFY_OK) return st;
            if (count < nv) u[count] = v;
            if (!verify_json_eat(r->j, ',')) break;
        }
        count++;
        verify_json_eat(r->j, ']');
    }
    if (count != nv)
        return table_fail(r, "contexts[%d].logits: expected %d numbers (vocab size), got %ld", ci,
                          nv, count);
    bool any_finite = false;
    for (int k = 0; k < nv; k++)
        any_finite |= u[k] != -INFINITY;
    if (!any_finite)
        return table_fail(r,
                          "contexts[%d].logits: every entry is -inf; at least one token must be "
                          "unmasked for softmax to be defined",
                          ci);
    return VERIFY_OK;
}

static char *table_prefix_json(const VerifyTable *t, const VerifySeq *p) {
    size_t cap = 3;
    for (int i = 0; i < p->len; i++)
        cap += strlen(t->vocab[p->tokens[i]]) + 4;
    char *s = malloc(cap);
    if (!s) return NULL;
    size_t n = 0;
    s[n++] = '[';
    for (int i = 0; i < p->len; i++)
        n += (size_t)snprintf(s + n, cap - n, "%s\"%s\"", i ? ", " : "", t->vocab[p->tokens[i]]);
    s[n++] = ']';
    s[n] = 0;
    return s;
}

/* One context object: its members may come in any order, so note where each
 * starts, then read prefix before logits. */
static VerifyStatus table_read_context(TableReader *r, int ci, double *u) {
    if (verify_json_peek(r->j) != '{')
        return table_fail(r,
                          "contexts[%d]: expected an object with \"prefix\" and \"logits\", got %s",
                          ci, verify_json_kind(r->j));
    verify_json_eat(r->j, '{');
    size_t at[2] = {0, 0};
    bool has[2] = {false, false};
    VerifyStatus st;
    if (!verify_json_eat(r->j, '}')) {
        for (;;) {
            if ((st = verify_json_string(r->j, &r->buf, &r->cap, &r->len)) != VERIFY_OK) return st;
            int which = strcmp(r->buf, "prefix") == 0 ? 0 : strcmp(r->buf, "logits") == 0 ? 1 : -1;
            if (which < 0)
                return table_fail(
                    r, "contexts[%d]: unknown key \"%s\" (expected \"prefix\" and \"logits\")", ci,
                    r->buf);
            if (has[which]) return table_fail(r, "contexts[%d]: duplicate key \"%s\"", ci, r->buf);
            verify_json_eat(r->j, ':');
            verify_json_peek(r->j);
            at[which] = r->j->pos;
            has[which] = true;
            if ((st = verify_json_skip(r->j)) != VERIFY_OK) return st;
            if (!verify_json_eat(r->j, ',')) break;
        }
        verify_json_eat(r->j, '}');
    }
    if (!has[0] || !has[1])
        return table_fail(r, "contexts[%d]: missing \"%s\"", ci, has[0] ? "logits" : "prefix");
    size_t end = r->j->pos;
    char where[48];
    snprintf(where, sizeof where, "contexts[%d].prefix", ci);
    VerifySeq p;
    r->j->pos = at[0];
    if ((st = table_read_tokens(r, where, &p)) != VERIFY_OK) return st;
    r->j->pos = at[1];
    st = table_read_logits(r, ci, u);
    if (st == VERIFY_OK) {
        int dup = verify_table_find_context(r->t, p.tokens, p.len);
        if (dup >= 0) {
            char *ps = table_prefix_json(r->t, &p);
            st = table_fail(r, "contexts[%d].prefix: duplicate context %s (also contexts[%d])", ci,
                            ps ? ps : "", dup);
            free(ps);
        } else if (verify_table_add_context(r->t, p.tokens, p.len, u) < 0) {
            st = VERIFY_ENOMEM;
        }
    }
    free(p.tokens);
    r->j->pos = end;
    return st;
}

static VerifyStatus table_read_contexts(TableReader *r) {
    if (verify_json_peek(r->j) != '[')
        return table_fail(r,
                          "contexts: expected an array of {\"prefix\", \"logits\"} objects, got %s",
                          verify_json_kind(r->j));
    verify_json_eat(r->j, '[');
    if (verify_json_eat(r->j, ']')) return VERIFY_OK;
    double *u = malloc((size_t)r->t->n_vocab * sizeof *u);
    if (!u) return VERIFY_ENOMEM;
    VerifyStatus st = VERIFY_OK;
    for (int ci = 0; st == VERIFY_OK; ci++) {
        st = table_read_context(r, ci, u);
        if (!verify_json_eat(r->j, ',')) break;
    }
    free(u);
    return st;
}

static bool table_candidate_seen(const VerifyTable *t, const VerifySeq *c, int *which) {
    for (int i = 0; i < t->n_candidates; i++)
        if (table_seq_eq(t->candidates[i].tokens, t->candidates[i].len, c->tokens, c->len)) {
            *which = i;
            return true;
        }
    return false;
}

static VerifyStatus table_read_candidates(TableReader *r) {
    VerifyTable *t = r->t;
    if (verify_json_peek(r->j) != '[')
        return table_fail(r, "candidates: expected an array of token arrays, got %s",
                          verify_json_kind(r->j));
    verify_json_eat(r->j, '[');
    if (verify_json_eat(r->j, ']')) return VERIFY_OK;
    for (int i = 0;; i++) {
        char where[48];
        snprintf(where, sizeof where, "candidates[%d]", i);
        VerifySeq c;
        VerifyStatus st = table_read_tokens(r, where, &c);
        if (st != VERIFY_OK) return st;
        int dup = -1;
        if (c.len == 0) {
            st = table_fail(r, "candidates[%d]: empty candidate", i);
        } else if (table_candidate_seen(t, &c, &dup)) {
            st = table_fail(r, "candidates[%d]: duplicate of candidates[%d]", i, dup);
        } else {
            for (int k = 0; k < c.len && st == VERIFY_OK; k++)
                if (c.tokens[k] == t->pad)
                    st = table_fail(
                        r, "candidates[%d][%d]: the pad token \"%s\" cannot be part of a candidate",
                        i, k, t->vocab[t->pad]);
        }
        if (st == VERIFY_OK && verify_table_add_candidate(t, c.tokens, c.len) < 0)
            st = VERIFY_ENOMEM;
        free(c.tokens);
        if (st != VERIFY_OK) return st;
        if (!verify_json_eat(r->j, ',')) break;
    }
    return VERIFY_OK;
}

/* The vocabulary comes first whatever the key order: everything else names
 * its tokens. */
static VerifyStatus table_read_vocab(TableReader *r, VerifyOrigin origin) {
    VerifyJson *j = r->j;
    if (verify_json_peek(j) != '[')
        return table_fail(r, "vocab: expected a non-empty array of token strings, got %s",
                          verify_json_kind(j));
    verify_json_eat(j, '[');
    char **names = NULL;
    int n = 0, cap = 0;
    VerifyStatus st = VERIFY_OK;
    if (!verify_json_eat(j, ']')) {
        for (;;) {
            if (verify_json_peek(j) != '"') {
                st = table_fail(r, "vocab[%d]: expected a token string, got %s", n,
                                verify_json_kind(j));
                break;
            }
            if ((st = verify_json_string(j, &r->buf, &r->cap, &r->len)) != VERIFY_OK) break;
            if (!table_token_name_ok(r->buf)) {
                st = table_fail(r,
                                "vocab[%d]: token \"%s\" must be non-empty and contain no "
                                "whitespace (candidates are written as space-separated tokens)",
                                n, r->buf);
                break;
            }
            if (n == cap) {
                cap = cap ? cap * 2 : 64;
                char **v = realloc(names, (size_t)cap * sizeof *v);
                if (!v) {
                    st = VERIFY_ENOMEM;
                    break;
                }
                names = v;
            }
            if (!(names[n] = table_strdup(r->buf))) {
                st = VERIFY_ENOMEM;
                break;
            }
            n++;
            if (!verify_json_eat(j, ',')) break;
        }
    }
    if (st == VERIFY_OK && n == 0)
        st =
            table_fail(r, "vocab: expected a non-empty array of token strings, got an empty array");
    if (st == VERIFY_OK) {
        r->t = verify_table_new(r->label, origin, n, (const char *const *)names);
        if (!r->t) st = VERIFY_ENOMEM;
    }
    for (int v = 0; st == VERIFY_OK && v < n; v++) {
        int first = verify_table_token(r->t, names[v]);
        if (first != v)
            st = table_fail(r, "vocab[%d]: duplicate token \"%s\" (also vocab[%d])", v, names[v],
                            first);
    }
    for (int v = 0; v < n; v++)
        free(names[v]);
    free(names);
    return st;
}

enum { TABLE_VOCAB, TABLE_CONTEXTS, TABLE_CANDIDATES, TABLE_PROMPT, TABLE_PAD, TABLE_NKEYS };
static const char *const table_keys[TABLE_NKEYS] = {"vocab", "contexts", "candidates", "prompt",
                                                    "pad"};

static VerifyStatus table_read(TableReader *r) {
    VerifyJson *j = r->j;
    VerifyStatus st = verify_json_check(j);
    if (st != VERIFY_OK) return st;
    if (verify_json_peek(j) != '{')
        return table_fail(r, "expected a JSON object with \"vocab\" and \"contexts\", got %s",
                          verify_json_kind(j));
    verify_json_eat(j, '{');
    size_t at[TABLE_NKEYS];
    bool has[TABLE_NKEYS] = {false};
    if (!verify_json_eat(j, '}')) {
        for (;;) {
            if ((st = verify_json_string(j, &r->buf, &r->cap, &r->len)) != VERIFY_OK) return st;
            int k = 0;
            while (k < TABLE_NKEYS && strcmp(r->buf, table_keys[k]) != 0)
                k++;
            if (k == TABLE_NKEYS)
                return table_fail(r,
                                  "unknown key \"%s\" (expected vocab, contexts, and optionally "
                                  "candidates, prompt, pad)",
                                  r->buf);
            if (has[k]) return table_fail(r, "duplicate key \"%s\"", r->buf);
            verify_json_eat(j, ':');
            verify_json_peek(j);
            at[k] = j->pos;
            has[k] = true;
            if ((st = verify_json_skip(j)) != VERIFY_OK) return st;
            if (!verify_json_eat(j, ',')) break;
        }
    }
    if (!has[TABLE_VOCAB])
        return table_fail(r, "vocab: missing (expected a non-empty array of token strings)");
    if (!has[TABLE_CONTEXTS])
        return table_fail(
            r, "contexts: missing (expected an array of {\"prefix\", \"logits\"} objects)");
    j->pos = at[TABLE_VOCAB];
    if ((st = table_read_vocab(r, VERIFY_ORIGIN_FILE)) != VERIFY_OK) return st;
    VerifyTable *t = r->t;
    if (has[TABLE_PAD]) {
        j->pos = at[TABLE_PAD];
        if (verify_json_peek(j) != '"')
            return table_fail(r, "pad: expected a token string, got %s", verify_json_kind(j));
        if ((st = verify_json_string(j, &r->buf, &r->cap, &r->len)) != VERIFY_OK) return st;
        t->pad = verify_table_token(t, r->buf);
        if (t->pad < 0) return table_fail(r, "pad: unknown token \"%s\" (not in vocab)", r->buf);
    }
    if (has[TABLE_PROMPT]) {
        j->pos = at[TABLE_PROMPT];
        if ((st = table_read_tokens(r, "prompt", &t->prompt)) != VERIFY_OK) return st;
    }
    j->pos = at[TABLE_CONTEXTS];
    if ((st = table_read_contexts(r)) != VERIFY_OK) return st;
    if (has[TABLE_CANDIDATES]) {
        j->pos = at[TABLE_CANDIDATES];
        if ((st = table_read_candidates(r)) != VERIFY_OK) return st;
    }
    return VERIFY_OK;
}

VerifyStatus verify_table_parse(const char *text, size_t len, const char *label, VerifyTable **out,
                                VerifyError *err) {
    VerifyJson j;
    verify_json_init(&j, text, len, label, err);
    TableReader r = {NULL, &j, label, err, NULL, 0, 0};
    VerifyStatus st = table_read(&r);
    free(r.buf);
    if (st != VERIFY_OK) {
        if (st == VERIFY_ENOMEM) table_err(err, "%s: out of memory", label);
        verify_table_free(r.t);
        *out = NULL;
        return st;
    }
    *out = r.t;
    return VERIFY_OK;
}

VerifyStatus verify_table_load_file(const char *path, VerifyTable **out, VerifyError *err) {
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        table_err(err, "%s: cannot open: %s", path, strerror(errno));
        return VERIFY_EINPUT;
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap) break;
        char *b = realloc(buf, cap * 2);
        if (!b) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = b;
        cap *= 2;
    }
    bool read_error = ferror(f) != 0;
    fclose(f);
    if (!buf) {
        table_err(err, "%s: out of memory", path);
        return VERIFY_ENOMEM;
    }
    VerifyStatus st;
    if (read_error) {
        table_err(err, "%s: read error", path);
        st = VERIFY_EINPUT;
    } else {
        st = verify_table_parse(buf, n, path, out, err);
    }
    free(buf);
    return st;
}

/* ---- candidates from the command line ---- */

VerifyStatus verify_table_set_candidates(VerifyTable *t, const char *const *specs, int n,
                                         VerifyError *err) {
    for (int c = 0; c < t->n_candidates; c++)
        free(t->candidates[c].tokens);
    t->n_candidates = 0;
    t->cli_candidates = true;
    for (int i = 0; i < n; i++) {
        const char *s = specs[i];
        size_t cap = strlen(s) / 2 + 1;
        int *ids = malloc(cap * sizeof *ids);
        char *word = malloc(strlen(s) + 1);
        if (!ids || !word) {
            free(ids);
            free(word);
            return VERIFY_ENOMEM;
        }
        int len = 0;
        VerifyStatus st = VERIFY_OK;
        for (const char *p = s; *p && st == VERIFY_OK;) {
            while (isspace((unsigned char)*p))
                p++;
            if (!*p) break;
            size_t w = 0;
            while (p[w] && !isspace((unsigned char)p[w]))
                w++;
            memcpy(word, p, w);
            word[w] = 0;
            p += w;
            int id = verify_table_token(t, word);
            if (id < 0) {
                table_err(err, "--candidates \"%s\": unknown token \"%s\" (not in the vocab of %s)",
                          s, word, t->label);
                st = VERIFY_EINPUT;
            } else if (id == t->pad) {
                table_err(err,
                          "--candidates \"%s\": the pad token \"%s\" cannot be part of a candidate",
                          s, word);
                st = VERIFY_EINPUT;
            } else {
                ids[len++] = id;
            }
        }
        free(word);
        int dup = -1;
        VerifySeq c = {ids, len};
        if (st == VERIFY_OK && len == 0) {
            table_err(err, "--candidates \"%s\": empty candidate", s);
            st = VERIFY_EINPUT;
        } else if (st == VERIFY_OK && table_candidate_seen(t, &c, &dup)) {
            table_err(err, "--candidates \"%s\": given twice", s);
            st = VERIFY_EINPUT;
        }
        if (st == VERIFY_OK && verify_table_add_candidate(t, ids, len) < 0) st = VERIFY_ENOMEM;
        free(ids);
        if (st != VERIFY_OK) return st;
    }
    return VERIFY_OK;
}
