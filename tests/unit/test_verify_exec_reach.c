/* How far the verifier's runs of the script's own code reach: code in the other modules of the
 * script's package, and a budget of work that is counted, not timed. Each script_score is
 * recomputed here from the reported table alone. */
#define _DEFAULT_SOURCE /* mkstemp */
#include <jansson.h>

#include "test_verify_recompute.h"
#include "test_verify_util.h"

static json_t *cex_of(json_t *findings, size_t i) {
    json_t *c = json_object_get(json_array_get(findings, i), "counterexample");
    ck_assert(json_is_object(c));
    return c;
}

/* The scorer calls a function and reads constants of a sibling module of its package: the
 * counterexample is the script's own, its numbers the raw sum plus that module's bonus. */
START_TEST(sibling_module_code_runs) {
    json_t *o = check_json(TEST_DATA_DIR "/exec/pkg_sibling/scorer.py");
    json_t *cex = cex_of(o, 0);
    ck_assert_msg(!strcmp(json_string_value(json_object_get(cex, "origin")), "script"), "fallback: %s",
                  json_string_value(json_object_get(cex, "fallback")));
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(cex, "entry"), "function")), "score");
    json_t *table = json_object_get(cex, "table"), *cands = json_object_get(cex, "candidates");
    size_t i, n = json_array_size(cands);
    double want[16], lp[16];
    ck_assert(n >= 2 && n <= 16);
    json_t *c;
    json_array_foreach(cands, i, c) {
        json_t *toks = json_object_get(c, "tokens");
        want[i] = raw_logit_sum(table, toks) + 0.25 * 2.0 * (double)json_array_size(toks); /* BONUS * n * SCALE */
        lp[i] = log_pr(table, toks);
        ck_assert_double_eq_tol(json_number_value(json_object_get(c, "script_score")), want[i], 1e-5);
        ck_assert_double_eq_tol(json_number_value(json_object_get(c, "log_prob")), lp[i], 1e-9);
    }
    ck_assert(json_equal(json_object_get(cex, "script_pick"),
                         json_object_get(json_array_get(cands, argmax(want, n)), "tokens")));
    ck_assert(json_equal(json_object_get(cex, "correct_pick"),
                         json_object_get(json_array_get(cands, argmax(lp, n)), "tokens")));
    ck_assert(json_is_true(json_object_get(cex, "flipped")));
    json_decref(o);
}
END_TEST

/* Every call spends most of a run's steps: the finding's step budget ends the search after a
 * few tables (a run of the whole search takes a fraction of a second of CPU, so a clock would
 * have let all of them run), says so, and the outcome is the same on every run. */
START_TEST(step_budget_ends_the_search_deterministically) {
    json_t *a = check_json(TEST_DATA_DIR "/exec/budget.py");
    json_t *b = check_json(TEST_DATA_DIR "/exec/budget.py");
    json_t *cex = cex_of(a, 0);
    ck_assert_str_eq(json_string_value(json_object_get(cex, "origin")), "script");
    const char *note = json_string_value(json_object_get(cex, "note"));
    ck_assert_ptr_nonnull(note);
    tv_assert_contains(note, "the finding's step budget ended the search");
    int tried = 0;
    ck_assert_int_eq(sscanf(strstr(note, "on the "), "on the %d tables tried", &tried), 1);
    ck_assert_int_gt(tried, 0);
    ck_assert_int_lt(tried, 26); /* abc, the recipe's, and 24 random tables: not all of them */
    ck_assert(json_equal(cex, cex_of(b, 0)));
    json_decref(a);
    json_decref(b);
}
END_TEST

/* A JSON number, or the strings "-inf" / "inf" / "nan" the report writes for non-finite ones. */
static double num_of(json_t *x) {
    const char *sv = json_string_value(x);
    if (!sv) return json_number_value(x);
    return !strcmp(sv, "-inf") ? -INFINITY : !strcmp(sv, "inf") ? INFINITY : NAN;
}

/* The prompt followed by a candidate's tokens (a new reference). */
static json_t *sequence_of(json_t *table, json_t *toks) {
    json_t *seq = json_deep_copy(json_object_get(table, "prompt"));
    if (!seq) seq = json_array();
    json_array_extend(seq, toks);
    return seq;
}

/* The mean over every predicted token of prompt + candidate of -u(y) (raw: nll_loss of raw
 * logits) or of -log_softmax(u)(y) (Hugging Face's labels= loss). */
static double mean_nll(json_t *table, json_t *toks, bool raw) {
    json_t *seq = sequence_of(table, toks);
    size_t n = json_array_size(seq);
    double s = 0;
    for (size_t k = 0; k < n; k++) {
        json_t *u = row_of(table, seq, k);
        s -= logit_at(u, vocab_index(table, json_string_value(json_array_get(seq, k)))) - (raw ? 0 : lse(u));
    }
    json_decref(seq);
    return s / (double)n;
}

/* Each candidate's script_score is nll_loss of raw logits (the mean of -u(y) over prompt and
 * candidate) on the reported table, and the ranking flips. */
static void assert_raw_mean_nll_flips(json_t *cex) {
    json_t *table = json_object_get(cex, "table");
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(cex, "candidates"), i, c) {
        double want = mean_nll(table, json_object_get(c, "tokens"), true);
        ck_assert_double_eq_tol(json_number_value(json_object_get(c, "script_score")), want, 1e-5);
    }
    ck_assert(json_is_true(json_object_get(cex, "flipped")));
}

/* log(softmax(u)[y]) as float32 code computes it: the softmax rounded to float32, then its log. */
static double log_of_softmax_f32(json_t *u, int y) {
    double m = -INFINITY, z = 0;
    for (size_t j = 0; j < json_array_size(u); j++)
        m = fmax(m, logit_at(u, (int)j));
    for (size_t j = 0; j < json_array_size(u); j++)
        z += (float)exp(logit_at(u, (int)j) - m);
    float p = (float)((float)exp(logit_at(u, y) - m) / (float)z);
    return logf(p);
}

/* An entry that returns one value per position: the score is the sum of the candidate's (the
 * recipe's aggregate), labelled so, each value the float32 log of a float32 softmax. */
START_TEST(per_position_values_are_read_at_the_candidate) {
    json_t *o = check_json(TEST_DATA_DIR "/exec/per_token.py");
    json_t *cex = cex_of(o, 0);
    ck_assert_str_eq(json_string_value(json_object_get(cex, "origin")), "script");
    ck_assert_str_eq(json_string_value(json_object_get(cex, "score_label")),
                     "the sum of token_logprobs() at the candidate's tokens");
    json_t *table = json_object_get(cex, "table");
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(cex, "candidates"), i, c) {
        json_t *toks = json_object_get(c, "tokens");
        double want = 0;
        for (size_t k = 0; k < json_array_size(toks); k++)
            want += log_of_softmax_f32(row_of(table, toks, k), vocab_index(table, json_string_value(json_array_get(toks, k))));
        double got = num_of(json_object_get(c, "script_score"));
        if (isinf(want)) ck_assert_msg(got == want, "candidate %zu: %g, recomputed %g", i, got, want);
        else ck_assert_double_eq_tol(got, want, 1e-4);
    }
    json_decref(o);
}
END_TEST

/* An entry that returns a dict of metrics: the score is the entry the flagged code computes,
 * the mean of -u(y) (nll_loss of raw logits) over prompt and candidate. */
START_TEST(metric_of_a_returned_dict_is_the_flagged_one) {
    json_t *o = check_json(FIXTURES_DIR "/LL109/fire_metrics_dict_literal.py");
    json_t *cex = cex_of(o, 0);
    ck_assert_str_eq(json_string_value(json_object_get(cex, "origin")), "script");
    ck_assert_str_eq(json_string_value(json_object_get(cex, "score_label")), "eval_step()[\"nll\"]");
    assert_raw_mean_nll_flips(cex);
    json_decref(o);
}
END_TEST

/* An entry that returns the candidates sorted by Hugging Face's loss: each scores n - its
 * position in that order, which the test rebuilds from the losses on the reported table. */
START_TEST(an_ordering_of_the_candidates_is_read_as_ranks) {
    json_t *o = check_json(FIXTURES_DIR "/LL107/fire_sorted_zip.py");
    json_t *cex = cex_of(o, 0);
    ck_assert_str_eq(json_string_value(json_object_get(cex, "origin")), "script");
    json_t *table = json_object_get(cex, "table"), *cands = json_object_get(cex, "candidates");
    size_t n = json_array_size(cands);
    ck_assert(n >= 2 && n <= 16);
    double loss[16];
    for (size_t i = 0; i < n; i++)
        loss[i] = mean_nll(table, json_object_get(json_array_get(cands, i), "tokens"), false);
    for (size_t i = 0; i < n; i++) {
        double worse_or_equal = 0; /* candidates it is sorted before (ties keep the given order) */
        for (size_t j = 0; j < n; j++)
            worse_or_equal += j != i && (loss[j] > loss[i] || (loss[j] == loss[i] && j > i));
        ck_assert_double_eq_tol(json_number_value(json_object_get(json_array_get(cands, i), "script_score")),
                                worse_or_equal + 1, 1e-9);
    }
    json_decref(o);
}
END_TEST

/* A parameter used as an array that is none of the LM's tensors is a served response's token
 * log-probabilities of the candidate (true log-softmax values): the script's product of their
 * exps, recomputed in float64, underflows where log Pr(y|x) still ranks. */
START_TEST(token_logprobs_parameter_is_the_candidates) {
    json_t *o = check_json(TEST_DATA_DIR "/exec/token_lps_product.py");
    json_t *cex = cex_of(o, 0);
    ck_assert_str_eq(json_string_value(json_object_get(cex, "origin")), "script");
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(cex, "entry"), "function")),
                     "answer_probability");
    json_t *table = json_object_get(cex, "table");
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(cex, "candidates"), i, c) {
        double want = prob_product(table, json_object_get(c, "tokens"));
        ck_assert_double_eq_tol(json_number_value(json_object_get(c, "script_score")), want, 1e-12 + 1e-9 * want);
    }
    ck_assert(json_is_true(json_object_get(cex, "flipped")));
    json_decref(o);
}
END_TEST

/* The flagged call's function is another module's (its caller here reads a file): that function
 * runs in its own module, the entry names its file, and its value is nll_loss of raw logits,
 * the mean of -u(y) over prompt and candidate. */
START_TEST(sibling_module_function_is_the_entry) {
    json_t *o = check_json(TEST_DATA_DIR "/exec/pkg_sibling/train.py");
    json_t *cex = cex_of(o, 0);
    ck_assert_msg(!strcmp(json_string_value(json_object_get(cex, "origin")), "script"), "fallback: %s",
                  json_string_value(json_object_get(cex, "fallback")));
    json_t *entry = json_object_get(cex, "entry");
    ck_assert_str_eq(json_string_value(json_object_get(entry, "function")), "lm_aux_loss");
    ck_assert_str_eq(json_string_value(json_object_get(entry, "file")), "losses.py");
    assert_raw_mean_nll_flips(cex);
    json_decref(o);
}
END_TEST

/* The ranking function is handed an object of a class of another module (lm.py's LanguageModel,
 * built by its __init__ with the toy tokenizer and LM): its method runs, and each candidate's
 * value is outputs.loss of prompt + candidate, the mean NLL of every token after the start,
 * lowest first. */
START_TEST(method_of_another_modules_class_runs) {
    json_t *o = check_json(TEST_DATA_DIR "/exec/pkg_lm/rank.py");
    json_t *cex = cex_of(o, 0);
    ck_assert_msg(!strcmp(json_string_value(json_object_get(cex, "origin")), "script"), "fallback: %s",
                  json_string_value(json_object_get(cex, "fallback")));
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(cex, "entry"), "function")), "rank_candidates");
    ck_assert_str_eq(json_string_value(json_object_get(cex, "score_order")), "lower-is-better");
    json_t *table = json_object_get(cex, "table"), *cands = json_object_get(cex, "candidates"), *c;
    size_t i, n = json_array_size(cands), best = 0;
    double want[16];
    ck_assert(n >= 2 && n <= 16);
    json_array_foreach(cands, i, c) {
        json_t *seq = json_deep_copy(json_object_get(table, "prompt"));
        if (!seq) seq = json_array();
        json_array_extend(seq, json_object_get(c, "tokens"));
        size_t len = json_array_size(seq);
        want[i] = 0;
        for (size_t k = 0; k < len; k++) {
            json_t *u = row_of(table, seq, k);
            want[i] -= (logit_at(u, vocab_index(table, json_string_value(json_array_get(seq, k)))) - lse(u)) / (double)len;
        }
        ck_assert_double_eq_tol(json_number_value(json_object_get(c, "script_score")), want[i], 1e-5);
        if (want[i] < want[best]) best = i;
        json_decref(seq);
    }
    ck_assert(json_equal(json_object_get(cex, "script_pick"), json_object_get(json_array_get(cands, best), "tokens")));
    ck_assert(json_is_true(json_object_get(cex, "flipped")));
    json_decref(o);
}
END_TEST

static Suite *suite(void) {
    Suite *s = suite_create("verify_exec_reach");
    TCase *tc = tcase_create("reach");
    tcase_set_timeout(tc, 300); /* two whole searches to their step budget: minutes under ASan on a loaded machine */
    tcase_add_test(tc, sibling_module_code_runs);
    tcase_add_test(tc, method_of_another_modules_class_runs);
    tcase_add_test(tc, sibling_module_function_is_the_entry);
    tcase_add_test(tc, step_budget_ends_the_search_deterministically);
    tcase_add_test(tc, per_position_values_are_read_at_the_candidate);
    tcase_add_test(tc, metric_of_a_returned_dict_is_the_flagged_one);
    tcase_add_test(tc, an_ordering_of_the_candidates_is_read_as_ranks);
    tcase_add_test(tc, token_logprobs_parameter_is_the_candidates);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) {
    return tv_run_suite(suite());
}
