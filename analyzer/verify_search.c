/* verify_search: finds a counterexample table for a recipe when the built-in
 * `abc` table does not show its harm, by a seeded random search over small
 * tables, then shrinks it so a reviewer can check it by hand. */
#include "verify.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The correct objective must separate the two candidates clearly, so the
 * flip is not a rounding artefact and reads plainly at six decimals. */
#define SEARCH_MARGIN 0.1
#define SEARCH_TRIES 300
#define SEARCH_MAX_STEPS 4
#define SEARCH_MAX_VOCAB 4

/* splitmix64: tiny, and the same sequence on every platform, which is what
 * makes the counterexample deterministic. All state lives on the caller's
 * stack, so concurrent searches do not interfere. */
typedef struct {
    uint64_t s;
} SearchRng;

static uint64_t search_next(SearchRng *g) {
    uint64_t z = (g->s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static int search_int(SearchRng *g, int lo, int hi) {
    return lo + (int)(search_next(g) % (uint64_t)(hi - lo + 1));
}

uint64_t verify_search_seed(const VerifyRecipe *r) {
    uint64_t h = 1469598103934665603ull;
    for (const char *p = r->name; *p; p++) {
        h ^= (unsigned char)*p;
        h *= 1099511628211ull;
    }
    return h;
}

static const char *const search_names[] = {"A", "B", "C", "D", "E", "F"};
static const char search_pad_name[] = "<pad>";

/* Adds a context for every prefix the recipe and the objective look up and
 * the table lacks: random logits in [-mag, mag], or zeros when g is NULL. */
static bool search_fill(VerifyTable *t, const VerifyRecipe *r, SearchRng *g, int mag) {
    VerifySeq *pre;
    int n = verify_score_prefixes(t, r, &pre);
    if (n < 0) return false;
    double *u = malloc((size_t)t->n_vocab * sizeof *u);
    bool ok = u != NULL;
    for (int i = 0; i < n && ok; i++) {
        if (verify_table_find_context(t, pre[i].tokens, pre[i].len) >= 0) continue;
        for (int k = 0; k < t->n_vocab; k++)
            u[k] = g ? search_int(g, -mag, mag) : 0;
        ok = verify_table_add_context(t, pre[i].tokens, pre[i].len, u) >= 0;
    }
    for (int i = 0; i < n; i++)
        free(pre[i].tokens);
    free(pre);
    free(u);
    return ok;
}

/* Drops contexts nothing looks up and puts the rest in canonical order. */
static bool search_prune(VerifyTable *t, const VerifyRecipe *r) {
    VerifySeq *pre;
    int n = verify_score_prefixes(t, r, &pre);
    if (n < 0) return false;
    bool *keep = calloc((size_t)(t->n_contexts ? t->n_contexts : 1), sizeof *keep);
    for (int i = 0; i < n && keep; i++) {
        int c = verify_table_find_context(t, pre[i].tokens, pre[i].len);
        if (c >= 0) keep[c] = true;
    }
    for (int i = 0; i < n; i++)
        free(pre[i].tokens);
    free(pre);
    bool ok = keep && verify_table_retain(t, keep);
    free(keep);
    return ok;
}

static VerifyTable *search_random_table(const VerifyRecipe *r, SearchRng *g, int steps, int nv,
                                        int mag) {
    bool pad = r->mask == VERIFY_MASK_WITH_PADDING;
    const char *names[SEARCH_MAX_VOCAB + 1];
    for (int i = 0; i < nv; i++)
        names[i] = search_names[i];
    if (pad) names[nv] = search_pad_name;
    VerifyTable *t = verify_table_new("search", VERIFY_ORIGIN_SEARCH, nv + pad, names);
    if (!t) return NULL;
    t->pad = pad ? nv : -1;
    if (r->mask == VERIFY_MASK_WITH_PROMPT) {
        t->prompt.tokens = malloc(sizeof *t->prompt.tokens);
        if (!t->prompt.tokens) goto oom;
        t->prompt.tokens[0] = search_int(g, 0, nv - 1);
        t->prompt.len = 1;
    }
    int lo = r->min_steps < steps ? r->min_steps : steps;
    int len[2] = {search_int(g, lo, steps), search_int(g, lo, steps)};
    len[search_int(g, 0, 1)] = steps;
    int tok[2][SEARCH_MAX_STEPS];
    for (int c = 0; c < 2; c++)
        for (int i = 0; i < len[c]; i++)
            tok[c][i] = search_int(g, 0, nv - 1);
    if (len[0] == len[1] && memcmp(tok[0], tok[1], (size_t)len[0] * sizeof(int)) == 0)
        tok[1][len[1] - 1] = (tok[1][len[1] - 1] + 1) % nv;
    for (int c = 0; c < 2; c++)
        if (verify_table_add_candidate(t, tok[c], len[c]) < 0) goto oom;
    if (!search_fill(t, r, g, mag)) goto oom;
    return t;
oom:
    verify_table_free(t);
    return NULL;
}

VerifyTable *verify_search_random(const VerifyRecipe *r, uint64_t seed, int i) {
    static const int mags[] = {3, 10, 30};
    SearchRng g = {seed + (uint64_t)i * 0x9E3779B97F4A7C15ull};
    int steps = r->min_steps + i % 3;
    if (steps > SEARCH_MAX_STEPS) steps = SEARCH_MAX_STEPS;
    VerifyTable *t = search_random_table(r, &g, steps, 2 + i % 3, mags[(i / 3) % 3]);
    if (t) t->seed = seed + (uint64_t)i;
    return t;
}

/* Does this result show the recipe's harm plainly? Flipped, with the
 * recipe's kind of harm, the correct pick clearly ahead; for a product, every
 * factor representable (nonzero), so the zero comes from multiplying across
 * positions and not from one step's softmax. */
static bool search_shows_harm(const VerifyResult *res, const VerifyRecipe *r) {
    if (res->n < 2 || !res->flipped || res->harm != r->harm) return false;
    double best = res->cands[res->correct_rank[0]].log_prob;
    double next = res->cands[res->correct_rank[1]].log_prob;
    if (!isfinite(best) || best - next < SEARCH_MARGIN) return false;
    if (r->aggregate == VERIFY_AGG_PRODUCT)
        for (int i = 0; i < res->n; i++)
            for (int k = 0; k < res->cands[i].n_steps; k++)
                if (res->cands[i].steps[k].in_recipe && !(res->cands[i].steps[k].term > 0))
                    return false;
    return true;
}

/* 1 = t shows r's harm, and r's baseline (the recipe with only its defect
 * fixed) does not flip on t; 0 = no; -1 = out of memory. */
static int search_try(const VerifyTable *t, const VerifyRecipe *r) {
    VerifyResult *res;
    VerifyStatus st = verify_score(t, r, &res, NULL);
    if (st == VERIFY_ENOMEM) return -1;
    if (st != VERIFY_OK) return 0;
    int ok = search_shows_harm(res, r);
    verify_result_free(res);
    const VerifyRecipe *b = r->baseline;
    if (ok && b) {
        st = verify_score(t, b, &res, NULL);
        if (st == VERIFY_ENOMEM) return -1;
        ok = st == VERIFY_OK && !res->flipped;
        verify_result_free(res);
    }
    return ok;
}

static bool search_token_used(const VerifyTable *t, int tok) {
    if (tok == t->pad) return true;
    for (int i = 0; i < t->prompt.len; i++)
        if (t->prompt.tokens[i] == tok) return true;
    for (int c = 0; c < t->n_candidates; c++)
        for (int i = 0; i < t->candidates[c].len; i++)
            if (t->candidates[c].tokens[i] == tok) return true;
    return false;
}

static bool search_candidates_distinct(const VerifyTable *t) {
    for (int a = 0; a < t->n_candidates; a++)
        for (int b = a + 1; b < t->n_candidates; b++)
            if (t->candidates[a].len == t->candidates[b].len &&
                memcmp(t->candidates[a].tokens, t->candidates[b].tokens,
                       (size_t)t->candidates[a].len * sizeof(int)) == 0)
                return false;
    return true;
}

/* Shrink passes, each keeping the harm: (1) drop the last token of a
 * candidate (fewest steps), (2) drop a token nothing uses (smallest
 * vocabulary), (3) move each logit toward 0 (0 if possible, else the smallest
 * magnitude a bisection finds). Repeated until nothing changes. Returns the
 * shrunk table (t itself or a replacement); NULL on OOM (t freed). */
static VerifyTable *search_shrink(VerifyTable *t, const VerifyRecipe *r) {
    bool changed = true;
    for (int round = 0; changed && round < 16; round++) {
        changed = false;
        for (int c = 0; c < t->n_candidates; c++) {
            if (t->candidates[c].len <= r->min_steps || t->candidates[c].len <= 1) continue;
            VerifyTable *u = verify_table_copy(t);
            if (!u) goto oom;
            u->candidates[c].len--;
            int ok = 0;
            if (search_candidates_distinct(u)) {
                if (!search_fill(u, r, NULL, 0) || !search_prune(u, r)) {
                    verify_table_free(u);
                    goto oom;
                }
                ok = search_try(u, r);
            }
            if (ok < 0) {
                verify_table_free(u);
                goto oom;
            }
            if (ok) {
                verify_table_free(t);
                t = u;
                changed = true;
                c--;
            } else {
                verify_table_free(u);
            }
        }
        for (int tok = t->n_vocab - 1; tok >= 0; tok--) {
            if (t->n_vocab <= 2 || search_token_used(t, tok)) continue;
            VerifyTable *u = verify_table_copy(t);
            if (!u || !verify_table_drop_token(u, tok)) {
                verify_table_free(u);
                goto oom;
            }
            int ok = search_try(u, r);
            if (ok < 0) {
                verify_table_free(u);
                goto oom;
            }
            if (ok) {
                verify_table_free(t);
                t = u;
                changed = true;
            } else {
                verify_table_free(u);
            }
        }
        for (int c = 0; c < t->n_contexts; c++)
            for (int k = 0; k < t->n_vocab; k++) {
                double *x = &t->contexts[c].logits[k];
                double v = *x;
                if (v == 0) continue;
                double sign = v < 0 ? -1 : 1, lo = 0, hi = fabs(v);
                *x = 0;
                int ok = search_try(t, r);
                if (ok < 0) goto oom;
                if (ok) {
                    changed = true;
                    continue;
                }
                /* lo fails, hi works: bisect for the smallest integer that works. */
                while (hi - lo > 1) {
                    double mid = floor((lo + hi) / 2);
                    *x = sign * mid;
                    ok = search_try(t, r);
                    if (ok < 0) goto oom;
                    if (ok)
                        hi = mid;
                    else
                        lo = mid;
                }
                *x = sign * hi;
                if (hi != fabs(v)) changed = true;
            }
    }
    if (!search_prune(t, r)) goto oom;
    return t;
oom:
    verify_table_free(t);
    return NULL;
}

/* Renames the regular tokens A, B, C, ... in order after shrinking dropped
 * some, so the table reads like the built-in one. */
static VerifyTable *search_rename(VerifyTable *t) {
    const char *names[SEARCH_MAX_VOCAB + 1];
    for (int i = 0, k = 0; i < t->n_vocab; i++)
        names[i] = i == t->pad ? search_pad_name : search_names[k++];
    VerifyTable *u = verify_table_new(t->label, t->origin, t->n_vocab, names);
    if (!u) return NULL;
    u->pad = t->pad;
    u->seed = t->seed;
    for (int c = 0; c < t->n_contexts; c++)
        if (verify_table_add_context(u, t->contexts[c].prefix.tokens, t->contexts[c].prefix.len,
                                     t->contexts[c].logits) < 0)
            goto oom;
    for (int c = 0; c < t->n_candidates; c++)
        if (verify_table_add_candidate(u, t->candidates[c].tokens, t->candidates[c].len) < 0)
            goto oom;
    if (t->prompt.len) {
        u->prompt.tokens = malloc((size_t)t->prompt.len * sizeof(int));
        if (!u->prompt.tokens) goto oom;
        memcpy(u->prompt.tokens, t->prompt.tokens, (size_t)t->prompt.len * sizeof(int));
        u->prompt.len = t->prompt.len;
    }
    return u;
oom:
    verify_table_free(u);
    return NULL;
}

/* Sizes are tried smallest first (steps, then vocabulary, then logit
 * magnitude), so the first hit is already small; magnitudes reach the
 * float32 / float64 underflow and overflow thresholds (~104, ~745, ~89). */
VerifyStatus verify_search(const VerifyRecipe *r, uint64_t seed, VerifyResult **out) {
    static const int mags[] = {3, 10, 30, 60, 120, 200, 400, 800};
    *out = NULL;
    SearchRng g = {seed};
    long tries = 0;
    for (int steps = r->min_steps; steps <= SEARCH_MAX_STEPS; steps++)
        for (int nv = 2; nv <= SEARCH_MAX_VOCAB; nv++)
            for (size_t m = 0; m < sizeof mags / sizeof *mags; m++)
                for (int i = 0; i < SEARCH_TRIES; i++) {
                    VerifyTable *t = search_random_table(r, &g, steps, nv, mags[m]);
                    if (!t) return VERIFY_ENOMEM;
                    tries++;
                    int ok = search_try(t, r);
                    if (ok <= 0) {
                        verify_table_free(t);
                        if (ok < 0) return VERIFY_ENOMEM;
                        continue;
                    }
                    t->seed = seed;
                    t = search_shrink(t, r);
                    VerifyTable *named = t ? search_rename(t) : NULL;
                    verify_table_free(t);
                    if (!named) return VERIFY_ENOMEM;
                    VerifyResult *res;
                    if (verify_score(named, r, &res, NULL) != VERIFY_OK) {
                        verify_table_free(named);
                        return VERIFY_ENOMEM;
                    }
                    verify_result_take_table(res, named);
                    res->search_tries = tries;
                    *out = res;
                    return VERIFY_OK;
                }
    return VERIFY_OK;
}

VerifyResult *verify_counterexample(const VerifyRecipe *r) {
    if (!r) return NULL;
    VerifyTable *abc = verify_table_builtin("abc");
    if (!abc) return NULL;
    VerifyResult *res = NULL;
    VerifyStatus st = verify_score(abc, r, &res, NULL);
    if (st == VERIFY_OK) {
        verify_result_take_table(res, abc);
        /* The correct objective has nothing to find: abc shows it agreeing. */
        if (r->harm == VERIFY_HARM_NONE) return res;
        int ok = search_try(abc, r);
        if (ok < 0) {
            verify_result_free(res);
            return NULL;
        }
        if (ok) return res;
    } else {
        verify_table_free(abc);
        if (st == VERIFY_ENOMEM) return NULL;
    }
    VerifyResult *found = NULL;
    st = verify_search(r, verify_search_seed(r), &found);
    if (st == VERIFY_ENOMEM) {
        verify_result_free(res);
        return NULL;
    }
    if (found) {
        verify_result_free(res);
        return found;
    }
    if (res) return res;
    /* abc cannot run the recipe and the budget ran out (no catalog recipe
     * does this; the tests check): show a plain searched table, unflipped. */
    SearchRng g = {verify_search_seed(r)};
    VerifyTable *t = search_random_table(r, &g, r->min_steps, 2, 3);
    if (!t || verify_score(t, r, &res, NULL) != VERIFY_OK) {
        verify_table_free(t);
        return NULL;
    }
    verify_result_take_table(res, t);
    return res;
}
