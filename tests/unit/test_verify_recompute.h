/* test_verify_recompute: `logitlint check`'s JSON, and the numbers of a counterexample
 * recomputed from it alone (the table's rows, log Z, log Pr(y|x)), independently of the
 * verifier, for the tests that check what the script's own code returned. */
#ifndef LOGITLINT_TEST_VERIFY_RECOMPUTE_H
#define LOGITLINT_TEST_VERIFY_RECOMPUTE_H

#include <check.h>
#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "cli.h"
#include "test_verify_util.h"

/* `logitlint check --output-format json --isolated --no-cache FILE`, parsed. */
static inline json_t *check_json(const char *path) {
    const char *argv[] = {"check", "--output-format", "json", "--isolated", "--no-cache", path, NULL};
    TvRun r = tv_run(cli_check, argv);
    json_error_t e;
    json_t *o = json_loads(r.out, 0, &e);
    ck_assert_msg(o != NULL, "not JSON (%s): %s", e.text, r.out);
    tv_free(&r);
    return o;
}

/* `logitlint verify --file tests/data/exec/FILE --line LINE --output-format json`, parsed; the
 * run must succeed. */
static inline json_t *tv_verify_json(const char *file, int line) {
    TvRun r = tv_verify_at(file, line, true);
    ck_assert_msg(r.rc == 0, "%s:%d: %s", file, line, r.err);
    json_error_t e;
    json_t *o = json_loads(r.out, 0, &e);
    ck_assert_ptr_nonnull(o);
    tv_free(&r);
    return o;
}

/* The logits of the context whose prefix is `toks[0..n)` in the JSON table; fails the test if
 * the table lacks it (every row a run used must be reported). */
static inline json_t *row_of(json_t *table, json_t *toks, size_t n) {
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(table, "contexts"), i, c) {
        json_t *p = json_object_get(c, "prefix");
        if (json_array_size(p) != n) continue;
        bool same = true;
        for (size_t k = 0; k < n && same; k++)
            same = !strcmp(json_string_value(json_array_get(p, k)), json_string_value(json_array_get(toks, k)));
        if (same) return json_object_get(c, "logits");
    }
    ck_abort_msg("the reported table lacks a row the script needs");
    return NULL;
}

static inline int vocab_index(json_t *table, const char *tok) {
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(table, "vocab"), i, v) if (!strcmp(json_string_value(v), tok)) return (int)i;
    ck_abort_msg("token %s not in the vocabulary", tok);
    return -1;
}

static inline double logit_at(json_t *u, int k) {
    json_t *x = json_array_get(u, (size_t)k);
    return json_is_string(x) ? -INFINITY : json_number_value(x);
}

static inline double lse(json_t *u) {
    double m = -INFINITY, s = 0;
    for (size_t k = 0; k < json_array_size(u); k++)
        if (logit_at(u, (int)k) > m) m = logit_at(u, (int)k);
    for (size_t k = 0; k < json_array_size(u); k++)
        s += exp(logit_at(u, (int)k) - m);
    return m + log(s);
}

static inline double log_pr(json_t *table, json_t *toks) {
    double acc = 0;
    for (size_t k = 0; k < json_array_size(toks); k++) {
        json_t *u = row_of(table, toks, k);
        acc += logit_at(u, vocab_index(table, json_string_value(json_array_get(toks, k)))) - lse(u);
    }
    return acc;
}

/* The sum of the raw logits of the tokens `toks` in the table's rows. */
static inline double raw_logit_sum(json_t *table, json_t *toks) {
    double raw = 0;
    for (size_t k = 0; k < json_array_size(toks); k++)
        raw += logit_at(row_of(table, toks, k), vocab_index(table, json_string_value(json_array_get(toks, k))));
    return raw;
}

/* The product of the probabilities of the tokens `toks` (float64, underflow included). */
static inline double prob_product(json_t *table, json_t *toks) {
    double p = 1;
    for (size_t k = 0; k < json_array_size(toks); k++) {
        json_t *u = row_of(table, toks, k);
        p *= exp(logit_at(u, vocab_index(table, json_string_value(json_array_get(toks, k)))) - lse(u));
    }
    return p;
}

/* Each candidate's script_score is the sum of the raw logits of its tokens in the reported table,
 * plus `bonus`. */
static inline void assert_raw_logit_sums_plus(json_t *cex, double bonus) {
    json_t *table = json_object_get(cex, "table"), *c;
    size_t i;
    json_array_foreach(json_object_get(cex, "candidates"), i, c) {
        double raw = raw_logit_sum(table, json_object_get(c, "tokens"));
        ck_assert_double_eq_tol(json_number_value(json_object_get(c, "script_score")), raw + bonus, 1e-4);
    }
}

static inline void assert_raw_logit_sums(json_t *cex) {
    assert_raw_logit_sums_plus(cex, 0);
}

/* Every candidate's script_score is the float32 log of its softmax probabilities, summed: log
 * Pr(y|x) where that is finite in float32, "-inf" where a probability underflows (log Pr(y|x)
 * below -87). Returns whether one did. */
static inline bool assert_float32_log_softmax_sums(json_t *cex) {
    json_t *table = json_object_get(cex, "table"), *c;
    size_t i;
    bool underflow = false;
    json_array_foreach(json_object_get(cex, "candidates"), i, c) {
        double lp = log_pr(table, json_object_get(c, "tokens"));
        json_t *s = json_object_get(c, "script_score");
        if (json_is_string(s)) {
            ck_assert_str_eq(json_string_value(s), "-inf");
            ck_assert(lp < -87); /* exp underflows to 0 in float32 */
            underflow = true;
        } else {
            ck_assert_double_eq_tol(json_number_value(s), lp, 1e-4);
        }
    }
    return underflow;
}

/* The one finding's counterexample in `o`; it must be the script's own, run from `function`. */
static inline json_t *only_script_cex(json_t *o, const char *function) {
    ck_assert_int_eq(json_array_size(o), 1);
    json_t *c = json_object_get(json_array_get(o, 0), "counterexample");
    ck_assert_msg(!strcmp(json_string_value(json_object_get(c, "origin")), "script"), "fallback: %s",
                  json_string_value(json_object_get(c, "fallback")));
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(c, "entry"), "function")), function);
    return c;
}

/* Does one of the counterexample's stand-in lines start with `prefix`? */
static inline bool cex_has_stand_in(json_t *cex, const char *prefix) {
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(cex, "stand_ins"), i, s) if (!strncmp(json_string_value(s), prefix, strlen(prefix))) return true;
    return false;
}

static inline size_t argmax(const double *v, size_t n) {
    size_t b = 0;
    for (size_t i = 1; i < n; i++)
        if (v[i] > v[b]) b = i;
    return b;
}

#endif
