/* Scoring: the exact DESIGN.md numbers on `abc`, properties over random
 * tables, extreme logits, and what each recipe computes (including the
 * float32 underflow / overflow it must reproduce faithfully). */
#define _POSIX_C_SOURCE 200809L
#include "test_verify_util.h"

#include <stdint.h>

#define EPS 1e-6

static VerifyResult *abc_score(const char *recipe, VerifyTable **t) {
    *t = verify_table_builtin("abc");
    ck_assert_ptr_nonnull(*t);
    return tv_score(*t, recipe);
}

/* ---- the seed case, to the digit ---- */

START_TEST(abc_sum_of_logits_and_log_probs) {
    VerifyTable *t;
    VerifyResult *res = abc_score("sum-raw-logits", &t);
    ck_assert_int_eq(res->n, 2);
    ck_assert_double_eq(res->cands[0].score, 10);
    ck_assert_double_eq(res->cands[1].score, 16);
    ck_assert_double_eq_tol(res->cands[0].log_prob, -1.411907, EPS);
    ck_assert_double_eq_tol(res->cands[1].log_prob, -2.626802, EPS);
    /* per-step terms of log Pr: -0.313295 - 1.098612 and -1.313295 - 1.313507 */
    ck_assert_double_eq_tol(res->cands[0].steps[0].log_prob, -0.313295, EPS);
    ck_assert_double_eq_tol(res->cands[0].steps[1].log_prob, -1.098612, EPS);
    ck_assert_double_eq_tol(res->cands[1].steps[0].log_prob, -1.313295, EPS);
    ck_assert_double_eq_tol(res->cands[1].steps[1].log_prob, -1.313507, EPS);
    verify_result_free(res);
    verify_table_free(t);
}
END_TEST

START_TEST(abc_log_z_per_step) {
    VerifyTable *t;
    VerifyResult *res = abc_score("sum-raw-logits", &t);
    ck_assert_double_eq_tol(res->cands[0].steps[0].log_z, 10.313295, EPS); /* x */
    ck_assert_double_eq_tol(res->cands[1].steps[0].log_z, 10.313295, EPS); /* x */
    ck_assert_double_eq_tol(res->cands[0].steps[1].log_z, 1.098612, EPS);  /* after A */
    ck_assert_double_eq_tol(res->cands[1].steps[1].log_z, 8.313507, EPS);  /* after B */
    verify_result_free(res);
    verify_table_free(t);
}
END_TEST

START_TEST(abc_rankings_flip) {
    VerifyTable *t;
    VerifyResult *res = abc_score("sum-raw-logits", &t);
    ck_assert_int_eq(res->script_rank[0], 1); /* script picks [B, B] */
    ck_assert_int_eq(res->correct_rank[0], 0);
    ck_assert(verify_result_flipped(res));
    ck_assert_int_eq(res->harm, VERIFY_HARM_FLIP);
    verify_result_free(res);
    verify_table_free(t);
}
END_TEST

START_TEST(abc_mean_and_nll_loss_flip_too) {
    VerifyTable *t;
    VerifyResult *res = abc_score("mean-raw-logits", &t);
    ck_assert_double_eq(res->cands[0].score, 5);
    ck_assert_double_eq(res->cands[1].score, 8);
    ck_assert(res->flipped);
    verify_result_free(res);
    /* nll_loss on logits: minus the mean logit, and the lowest loss wins */
    res = tv_score(t, "logits-into-nll-loss");
    ck_assert_double_eq(res->cands[0].score, -5);
    ck_assert_double_eq(res->cands[1].score, -8);
    ck_assert_int_eq(res->script_rank[0], 1);
    ck_assert(res->flipped);
    verify_result_free(res);
    verify_table_free(t);
}
END_TEST

START_TEST(abc_correct_recipe_agrees) {
    VerifyTable *t;
    VerifyResult *res = abc_score("sum-log-probs", &t);
    ck_assert(!res->flipped);
    ck_assert_int_eq(res->harm, VERIFY_HARM_NONE);
    ck_assert_double_eq_tol(res->cands[0].score, -1.411907, EPS);
    verify_result_free(res);
    verify_table_free(t);
}
END_TEST

/* Adding a constant to one context's logits leaves log-probs alone but moves
 * the sum of logits: +7 after A makes [A, A] score 17 > 16. */
START_TEST(abc_shift_changes_logit_ranking_only) {
    VerifyTable *t = verify_table_builtin("abc");
    int a = 0;
    int ctx = verify_table_find_context(t, &a, 1);
    ck_assert_int_ge(ctx, 0);
    for (int k = 0; k < 3; k++)
        t->contexts[ctx].logits[k] += 7;
    VerifyResult *res = tv_score(t, "sum-raw-logits");
    ck_assert_double_eq(res->cands[0].score, 17);
    ck_assert_int_eq(res->script_rank[0], 0);
    ck_assert(!res->flipped);
    ck_assert_double_eq_tol(res->cands[0].log_prob, -1.411907, EPS);
    ck_assert_double_eq_tol(res->cands[1].log_prob, -2.626802, EPS);
    ck_assert_double_eq_tol(res->cands[0].steps[1].log_z, 8.098612, EPS);
    verify_result_free(res);
    verify_table_free(t);
}
END_TEST

/* ---- properties over random tables ---- */

typedef struct {
    uint64_t s;
} Rng;

static uint64_t rng_next(Rng *g) {
    uint64_t z = (g->s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static double rng_unit(Rng *g) {
    return (double)(rng_next(g) >> 11) * 0x1.0p-53;
}
static int rng_int(Rng *g, int lo, int hi) {
    return lo + (int)(rng_next(g) % (uint64_t)(hi - lo + 1));
}

/* Real-valued logits in [-scale, scale], some masked, 2-4 candidates of 1-5
 * tokens with every context they need. */
static VerifyTable *random_table(Rng *g, double scale, bool masks) {
    static const char *const names[] = {"A", "B", "C", "D", "E", "F"};
    int nv = rng_int(g, 2, 6);
    VerifyTable *t = verify_table_new("random", VERIFY_ORIGIN_FILE, nv, names);
    ck_assert_ptr_nonnull(t);
    int nc = rng_int(g, 2, 4);
    double u[6];
    while (t->n_candidates < nc) {
        int len = rng_int(g, 1, 5), tok[5];
        for (int i = 0; i < len; i++)
            tok[i] = rng_int(g, 0, nv - 1);
        bool dup = false;
        for (int c = 0; c < t->n_candidates; c++)
            dup |= t->candidates[c].len == len &&
                   memcmp(t->candidates[c].tokens, tok, (size_t)len * sizeof *tok) == 0;
        if (dup) continue;
        ck_assert_int_ge(verify_table_add_candidate(t, tok, len), 0);
        for (int p = 0; p < len; p++) {
            if (verify_table_find_context(t, tok, p) >= 0) continue;
            bool finite = false;
            for (int k = 0; k < nv; k++) {
                u[k] = masks && rng_int(g, 0, 5) == 0 ? -INFINITY : (rng_unit(g) * 2 - 1) * scale;
                finite |= isfinite(u[k]);
            }
            if (!finite) u[0] = 0;
            ck_assert_int_ge(verify_table_add_context(t, tok, p, u), 0);
        }
    }
    return t;
}

static void assert_close(double a, double b, double rel) {
    if (isinf(a) || isinf(b)) {
        ck_assert_msg(a == b, "%g != %g", a, b);
        return;
    }
    ck_assert_msg(fabs(a - b) <= rel * (1 + fabs(a) + fabs(b)), "%.17g vs %.17g", a, b);
}

START_TEST(random_correct_recipe_never_disagrees) {
    Rng g = {1};
    for (int it = 0; it < 500; it++) {
        VerifyTable *t = random_table(&g, it % 2 ? 50 : 3, it % 3 == 0);
        VerifyResult *res = tv_score(t, "sum-log-probs");
        ck_assert(!res->flipped);
        ck_assert_int_eq(res->harm, VERIFY_HARM_NONE);
        for (int i = 0; i < res->n; i++) {
            ck_assert(res->cands[i].score == res->cands[i].log_prob);
            ck_assert_int_eq(res->script_rank[i], res->correct_rank[i]);
        }
        verify_result_free(res);
        verify_table_free(t);
    }
}
END_TEST

START_TEST(random_sum_of_logits_is_log_prob_plus_log_z) {
    Rng g = {2};
    for (int it = 0; it < 500; it++) {
        VerifyTable *t = random_table(&g, it % 2 ? 50 : 3, it % 3 == 0);
        VerifyResult *res = tv_score(t, "sum-raw-logits");
        for (int i = 0; i < res->n; i++) {
            assert_close(res->cands[i].score, res->cands[i].log_prob + res->cands[i].sum_log_z,
                         1e-12);
            double z = 0;
            for (int k = 0; k < res->cands[i].n_steps; k++)
                z += res->cands[i].steps[k].log_z;
            assert_close(res->cands[i].sum_log_z, z, 1e-12);
        }
        verify_result_free(res);
        verify_table_free(t);
    }
}
END_TEST

START_TEST(random_shift_keeps_log_probs_moves_logit_sums) {
    Rng g = {3};
    int changed = 0;
    for (int it = 0; it < 500; it++) {
        VerifyTable *t = random_table(&g, 10, it % 3 == 0);
        VerifyResult *before = tv_score(t, "sum-raw-logits");
        VerifyTable *u = verify_table_copy(t);
        int c = rng_int(&g, 0, u->n_contexts - 1);
        double k = (rng_unit(&g) * 2 - 1) * 100;
        for (int v = 0; v < u->n_vocab; v++)
            u->contexts[c].logits[v] += k;
        VerifyResult *after = tv_score(u, "sum-raw-logits");
        for (int i = 0; i < before->n; i++) {
            assert_close(after->cands[i].log_prob, before->cands[i].log_prob, 1e-12);
            for (int s = 0; s < before->cands[i].n_steps; s++) {
                assert_close(after->cands[i].steps[s].log_prob, before->cands[i].steps[s].log_prob,
                             1e-12);
                if (after->cands[i].steps[s].ctx == c)
                    assert_close(after->cands[i].steps[s].log_z,
                                 before->cands[i].steps[s].log_z + k, 1e-12);
            }
            ck_assert_int_eq(after->correct_rank[i], before->correct_rank[i]);
        }
        changed += after->script_rank[0] != before->script_rank[0];
        verify_result_free(before);
        verify_result_free(after);
        verify_table_free(t);
        verify_table_free(u);
    }
    /* ...while the sum-of-logits pick moved in a good share of them. */
    ck_assert_int_gt(changed, 50);
}
END_TEST

/* ---- extreme tables ---- */

static const char extreme_json[] =
    "{\"vocab\": [\"A\", \"B\", \"C\"],"
    " \"contexts\": ["
    "  {\"prefix\": [], \"logits\": [10000, -10000, \"-inf\"]},"
    "  {\"prefix\": [\"A\"], \"logits\": [-10000, 10000, 0]},"
    "  {\"prefix\": [\"B\"], \"logits\": [\"-inf\", 10000, 9999]}],"
    " \"candidates\": [[\"A\", \"A\"], [\"A\", \"B\"], [\"B\", \"B\"], [\"B\", \"C\"], [\"B\", "
    "\"A\"]]}";

START_TEST(extreme_logits_give_finite_exact_log_probs) {
    VerifyTable *t = tv_parse(extreme_json);
    VerifyResult *res = tv_score(t, "sum-log-probs");
    double l1 = log1p(exp(-1.0));
    ck_assert_double_eq_tol(res->cands[0].log_prob, -20000, 1e-9);
    ck_assert_double_eq_tol(res->cands[1].log_prob, 0, 1e-9);
    ck_assert_double_eq_tol(res->cands[2].log_prob, -20000 - l1, 1e-9);
    ck_assert_double_eq_tol(res->cands[3].log_prob, -20001 - l1, 1e-9);
    ck_assert_double_eq_tol(res->cands[0].steps[0].log_z, 10000, 1e-9);
    ck_assert_double_eq_tol(res->cands[2].steps[1].log_z, 10000 + l1, 1e-9);
    for (int i = 0; i < 4; i++) {
        ck_assert(isfinite(res->cands[i].log_prob));
        for (int s = 0; s < res->cands[i].n_steps; s++)
            ck_assert(isfinite(res->cands[i].steps[s].log_z));
    }
    /* choosing a masked token: probability 0, log-prob -inf, never NaN */
    ck_assert(isinf(res->cands[4].log_prob) && res->cands[4].log_prob < 0);
    ck_assert_int_eq(res->correct_rank[0], 1);
    ck_assert_int_eq(res->correct_rank[4], 4);
    verify_result_free(res);
    res = tv_score(t, "sum-raw-logits");
    ck_assert_double_eq(res->cands[1].score, 20000);
    ck_assert(isinf(res->cands[4].score));
    ck_assert_int_ne(res->harm, VERIFY_HARM_NAN);
    verify_result_free(res);
    verify_table_free(t);
}
END_TEST

START_TEST(logsumexp_is_stable) {
    double big[] = {1e4, 1e4 - 1, -INFINITY};
    ck_assert_double_eq_tol(verify_score_logsumexp(big, 3), 1e4 + log1p(exp(-1.0)), 1e-9);
    double small[] = {-1e4, -1e4};
    ck_assert_double_eq_tol(verify_score_logsumexp(small, 2), -1e4 + log(2.0), 1e-9);
    double masked[] = {-INFINITY, 3};
    ck_assert_double_eq(verify_score_logsumexp(masked, 2), 3);
}
END_TEST

/* ---- float32 is simulated operation by operation ---- */

START_TEST(product_underflows_in_float32_not_float64) {
    VerifyTable *t = tv_parse("{\"vocab\": [\"A\", \"B\", \"C\"], \"contexts\": ["
                              "{\"prefix\": [], \"logits\": [0, 1, 53]},"
                              "{\"prefix\": [\"A\"], \"logits\": [0, 1, 53]},"
                              "{\"prefix\": [\"B\"], \"logits\": [0, 1, 53]}],"
                              "\"candidates\": [[\"A\", \"A\"], [\"B\", \"B\"]]}");
    VerifyResult *f32 = tv_score(t, "product-probs");
    for (int i = 0; i < 2; i++) {
        ck_assert_double_eq(f32->cands[i].score, 0); /* e^-106, e^-104: below 1.4e-45 */
        for (int s = 0; s < 2; s++)
            ck_assert(f32->cands[i].steps[s].term > 0);
    }
    ck_assert_int_eq(f32->harm, VERIFY_HARM_TIE);
    ck_assert_int_eq(f32->script_rank[0], 0); /* the tie keeps the first */
    ck_assert_int_eq(f32->correct_rank[0], 1);
    ck_assert(f32->flipped);
    VerifyResult *f64 = tv_score(t, "product-probs-f64");
    ck_assert(f64->cands[0].score > 0 && f64->cands[1].score > f64->cands[0].score);
    ck_assert(!f64->flipped);
    ck_assert_double_eq_tol(log(f64->cands[1].score), f64->cands[1].log_prob, 1e-9);
    verify_result_free(f32);
    verify_result_free(f64);
    verify_table_free(t);
}
END_TEST

START_TEST(log_of_softmax_is_neg_inf_past_float32_range) {
    VerifyTable *t = tv_parse("{\"vocab\": [\"A\", \"B\", \"C\"], \"contexts\": ["
                              "{\"prefix\": [], \"logits\": [0, -105, -100]}],"
                              "\"candidates\": [[\"B\"], [\"C\"]]}");
    VerifyResult *res = tv_score(t, "log-of-softmax");
    ck_assert(isinf(res->cands[0].score) && res->cands[0].score < 0); /* exp(-105) -> 0 */
    ck_assert(isfinite(res->cands[1].score));                         /* exp(-100) is a subnormal */
    ck_assert_double_eq_tol(res->cands[0].log_prob, -105, 1e-9);
    ck_assert_int_eq(res->harm, VERIFY_HARM_INFINITE);
    ck_assert(!res->flipped); /* the -inf candidate is the worse one here */
    verify_result_free(res);
    verify_table_free(t);
}
END_TEST

START_TEST(unstable_softmax_overflows_at_89_not_88) {
    VerifyTable *t = tv_parse("{\"vocab\": [\"A\", \"B\"], \"contexts\": ["
                              "{\"prefix\": [], \"logits\": [88, 0]}],"
                              "\"candidates\": [[\"A\"], [\"B\"]]}");
    VerifyResult *res = tv_score(t, "unstable-softmax");
    ck_assert_double_eq_tol(res->cands[0].score, 0, 1e-6);
    ck_assert_double_eq_tol(res->cands[1].score, -88, 1e-4);
    ck_assert_int_eq(res->harm, VERIFY_HARM_NONE);
    verify_result_free(res);
    t->contexts[0].logits[0] = 89; /* exp(89) > FLT_MAX */
    res = tv_score(t, "unstable-softmax");
    ck_assert(isnan(res->cands[0].score));                            /* inf / inf */
    ck_assert(isinf(res->cands[1].score) && res->cands[1].score < 0); /* 1 / inf = 0 */
    ck_assert_double_eq_tol(res->cands[1].log_prob, -89, 1e-9);
    ck_assert_int_eq(res->harm, VERIFY_HARM_NAN);
    verify_result_free(res);
    /* NaN ranks first, as numpy/torch argmax return the first NaN */
    const char *const order[] = {"B", "A"};
    ck_assert_int_eq(verify_table_set_candidates(t, order, 2, NULL), VERIFY_OK);
    res = tv_score(t, "unstable-softmax");
    ck_assert_int_eq(res->script_rank[0], 1);
    verify_result_free(res);
    verify_table_free(t);
}
END_TEST

/* ---- the other recipes compute what their names say ---- */

START_TEST(softmax_over_positions_normalises_columns) {
    VerifyTable *t;
    VerifyResult *res = abc_score("softmax-over-positions", &t);
    /* [A, A]: column A over positions is (10, 0) */
    ck_assert_double_eq_tol(res->cands[0].steps[0].term, 10 - (10 + log1p(exp(-10.0))), 1e-12);
    ck_assert_double_eq_tol(res->cands[0].score, -10.000091, EPS);
    ck_assert_double_eq_tol(res->cands[1].score, -2.253856, EPS);
    ck_assert(res->flipped);
    verify_result_free(res);
    verify_table_free(t);
}
END_TEST

START_TEST(no_causal_shift_scores_under_the_next_context) {
    VerifyTable *t = tv_parse("{\"vocab\": [\"A\", \"B\"], \"contexts\": ["
                              "{\"prefix\": [], \"logits\": [0, -1]},"
                              "{\"prefix\": [\"A\"], \"logits\": [0, 1]},"
                              "{\"prefix\": [\"B\"], \"logits\": [0, 0]}],"
                              "\"candidates\": [[\"B\"], [\"A\"]]}");
    VerifyResult *res = tv_score(t, "no-causal-shift");
    int a = 0;
    ck_assert_int_eq(res->cands[1].steps[0].recipe_ctx, verify_table_find_context(t, &a, 1));
    ck_assert_double_eq_tol(res->cands[1].steps[0].term, -log1p(exp(1.0)), 1e-12);
    ck_assert_double_eq_tol(res->cands[1].log_prob, -log1p(exp(-1.0)), 1e-12);
    ck_assert(res->flipped);
    verify_result_free(res);
    verify_table_free(t);
    /* abc has no context after [A, A]: the recipe cannot run there */
    t = verify_table_builtin("abc");
    VerifyResult *none = NULL;
    VerifyError err = {{0}};
    ck_assert_int_eq(verify_score(t, verify_recipe_find("no-causal-shift"), &none, &err),
                     VERIFY_EINPUT);
    ck_assert_str_eq(err.msg, "abc: candidates[0] [\"A\", \"A\"]: no context for prefix [\"A\", "
                              "\"A\"] (recipe no-causal-shift scores step 2 under it)");
    verify_table_free(t);
}
END_TEST

static const char prompt_json[] = "{\"vocab\": [\"A\", \"B\"], \"prompt\": [\"B\"], \"contexts\": ["
                                  "{\"prefix\": [], \"logits\": [0, 0]},"
                                  "{\"prefix\": [\"B\"], \"logits\": [-2, 0]},"
                                  "{\"prefix\": [\"B\", \"B\"], \"logits\": [0, 1]}],"
                                  "\"candidates\": [[\"B\", \"B\"], [\"B\"]]}";

START_TEST(mean_with_prompt_counts_prompt_positions) {
    VerifyTable *t = tv_parse(prompt_json);
    VerifyResult *res = tv_score(t, "mean-with-prompt");
    ck_assert_int_eq(res->cands[0].n_steps, 3);
    ck_assert_int_eq(res->cands[0].steps[0].role, VERIFY_ROLE_PROMPT);
    ck_assert_double_eq_tol(res->cands[0].score, -0.377779, EPS);
    ck_assert_double_eq_tol(res->cands[1].score, -0.410038, EPS);
    /* log Pr(y|x) leaves the prompt out */
    ck_assert_double_eq_tol(res->cands[0].log_prob, -0.440190, EPS);
    ck_assert_double_eq_tol(res->cands[1].log_prob, -0.126928, EPS);
    ck_assert(res->flipped);
    verify_result_free(res);
    res = tv_score(t, "mean-token-nll");
    ck_assert_double_eq_tol(res->cands[0].score, 0.377779, EPS);
    ck_assert_int_eq(res->script_rank[0], 0); /* lowest loss */
    verify_result_free(res);
    /* recipes that mask the prompt do not score it */
    res = tv_score(t, "sum-log-probs");
    ck_assert_int_eq(res->cands[0].n_steps, 2);
    verify_result_free(res);
    verify_table_free(t);
}
END_TEST

START_TEST(sum_with_padding_counts_pad_positions) {
    VerifyTable *t = tv_parse("{\"vocab\": [\"A\", \"B\", \"<pad>\"], \"pad\": \"<pad>\","
                              " \"contexts\": [{\"prefix\": [], \"logits\": [0, 0, 0]},"
                              " {\"prefix\": [\"B\"], \"logits\": [0, 0, -1]}],"
                              " \"candidates\": [[\"B\"], [\"B\", \"A\"]]}");
    VerifyResult *res = tv_score(t, "sum-with-padding");
    ck_assert_int_eq(res->cands[0].n_steps, 2);
    ck_assert_int_eq(res->cands[0].steps[1].role, VERIFY_ROLE_PAD);
    ck_assert_double_eq_tol(res->cands[0].score, -2.960607, EPS);
    ck_assert_double_eq_tol(res->cands[1].score, -1.960607, EPS);
    ck_assert_double_eq_tol(res->cands[0].log_prob, -1.098612, EPS);
    ck_assert(res->flipped);
    verify_result_free(res);
    verify_table_free(t);
    /* padding needs a pad token */
    t = tv_parse("{\"vocab\": [\"A\", \"B\"], \"contexts\": [{\"prefix\": [], \"logits\": [0, 0]},"
                 " {\"prefix\": [\"B\"], \"logits\": [0, 0]}], \"candidates\": [[\"B\"], [\"B\", "
                 "\"A\"]]}");
    VerifyError err = {{0}};
    ck_assert_int_eq(verify_score(t, verify_recipe_find("sum-with-padding"), &res, &err),
                     VERIFY_EINPUT);
    ck_assert_str_eq(err.msg, "t.json: recipe sum-with-padding pads candidates to the same length, "
                              "but the table has no \"pad\" token");
    verify_table_free(t);
}
END_TEST

START_TEST(cross_entropy_of_probs_flattens) {
    VerifyTable *t;
    VerifyResult *res = abc_score("softmax-into-cross-entropy", &t);
    /* after A the distribution is uniform: softmax twice is still uniform */
    ck_assert_double_eq_tol(res->cands[0].steps[1].term, log(3.0), 1e-12);
    /* step 1 of [A, A]: true NLL 0.313295, but the double softmax gives far more */
    ck_assert_double_eq_tol(res->cands[0].steps[0].term, 0.747344, EPS);
    ck_assert(res->recipe->lower_is_better);
    verify_result_free(res);
    verify_table_free(t);
}
END_TEST

static Suite *suite(void) {
    Suite *s = suite_create("verify_score");
    TCase *tc = tcase_create("abc");
    tcase_add_test(tc, abc_sum_of_logits_and_log_probs);
    tcase_add_test(tc, abc_log_z_per_step);
    tcase_add_test(tc, abc_rankings_flip);
    tcase_add_test(tc, abc_mean_and_nll_loss_flip_too);
    tcase_add_test(tc, abc_correct_recipe_agrees);
    tcase_add_test(tc, abc_shift_changes_logit_ranking_only);
    suite_add_tcase(s, tc);
    tc = tcase_create("properties");
    tcase_add_test(tc, random_correct_recipe_never_disagrees);
    tcase_add_test(tc, random_sum_of_logits_is_log_prob_plus_log_z);
    tcase_add_test(tc, random_shift_keeps_log_probs_moves_logit_sums);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    tc = tcase_create("extreme");
    tcase_add_test(tc, extreme_logits_give_finite_exact_log_probs);
    tcase_add_test(tc, logsumexp_is_stable);
    tcase_add_test(tc, product_underflows_in_float32_not_float64);
    tcase_add_test(tc, log_of_softmax_is_neg_inf_past_float32_range);
    tcase_add_test(tc, unstable_softmax_overflows_at_89_not_88);
    suite_add_tcase(s, tc);
    tc = tcase_create("recipes");
    tcase_add_test(tc, softmax_over_positions_normalises_columns);
    tcase_add_test(tc, no_causal_shift_scores_under_the_next_context);
    tcase_add_test(tc, mean_with_prompt_counts_prompt_positions);
    tcase_add_test(tc, sum_with_padding_counts_pad_positions);
    tcase_add_test(tc, cross_entropy_of_probs_flattens);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) {
    return tv_run_suite(suite());
}
