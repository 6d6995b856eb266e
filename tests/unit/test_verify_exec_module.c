/* The verifier runs module-level scoring code (a script with no function around its scoring
 * loop) as the script's own code, binds the data it loads by its use, reads the flagged value
 * once per candidate (in the order the loop visits them), and takes a loss's lowest value as
 * the script's pick. Each script_score is recomputed here from the reported table alone. */
#define _DEFAULT_SOURCE /* mkstemp */
#include <jansson.h>

#include "test_verify_recompute.h"
#include "test_verify_util.h"

static json_t *script_cex(json_t *findings) {
    ck_assert_int_eq(json_array_size(findings), 1);
    json_t *c = json_object_get(json_array_get(findings, 0), "counterexample");
    ck_assert(json_is_object(c));
    ck_assert_msg(!strcmp(json_string_value(json_object_get(c, "origin")), "script"), "fallback: %s",
                  json_string_value(json_object_get(c, "fallback")));
    return c;
}

static void assert_entry(json_t *cex, const char *function, int line) {
    json_t *entry = json_object_get(cex, "entry");
    ck_assert_str_eq(json_string_value(json_object_get(entry, "function")), function);
    ck_assert_int_eq(json_integer_value(json_object_get(entry, "line")), line);
}

/* The candidate whose value is best by the reported order (the first of equals). */
static size_t best_of(const double *v, size_t n, bool lower) {
    size_t b = 0;
    for (size_t i = 1; i < n; i++)
        if (lower ? v[i] < v[b] : v[i] > v[b]) b = i;
    return b;
}

/* The picks, and `flipped`, agree with the recomputed values. */
static void assert_picks(json_t *cex, const double *script, const double *lp, size_t n, bool lower) {
    json_t *cands = json_object_get(cex, "candidates");
    size_t s = best_of(script, n, lower), c = argmax(lp, n);
    ck_assert(json_equal(json_object_get(cex, "script_pick"), json_object_get(json_array_get(cands, s), "tokens")));
    ck_assert(json_equal(json_object_get(cex, "correct_pick"), json_object_get(json_array_get(cands, c), "tokens")));
    ck_assert(json_is_true(json_object_get(cex, "flipped")));
    ck_assert_uint_ne(s, c);
}

/* `for context, continuation in pairs:` at module level, pairs loaded from a file named on the
 * command line: the loop's cross_entropy over the candidate's positions, unshifted, is each
 * candidate's score, a loss (lowest first): sum over k of log Z - u(y_k), both read in the row
 * whose prefix ends with y_k itself. */
START_TEST(module_level_loop_over_pairs_runs) {
    json_t *o = check_json(TEST_DATA_DIR "/exec/module_pairs.py");
    json_t *cex = script_cex(o);
    assert_entry(cex, "<module>", 13);
    ck_assert_str_eq(json_string_value(json_object_get(cex, "score_order")), "lower-is-better");
    ck_assert_str_eq(json_string_value(json_object_get(cex, "score_label")), "the flagged value at line 18");
    bool said = false; /* the data the script loads is a stand-in, and the report says so */
    size_t i;
    json_t *s, *c;
    json_array_foreach(json_object_get(cex, "stand_ins"), i, s) said |= !strncmp(json_string_value(s), "open at line 11", 15);
    ck_assert(said);
    json_t *table = json_object_get(cex, "table"), *cands = json_object_get(cex, "candidates");
    size_t n = json_array_size(cands);
    double want[16], lp[16];
    ck_assert(n >= 2 && n <= 16);
    json_array_foreach(cands, i, c) {
        json_t *toks = json_object_get(c, "tokens");
        want[i] = 0;
        for (size_t k = 0; k < json_array_size(toks); k++) {
            json_t *u = row_of(table, toks, k + 1);
            want[i] += lse(u) - logit_at(u, vocab_index(table, json_string_value(json_array_get(toks, k))));
        }
        lp[i] = log_pr(table, toks);
        ck_assert_double_eq_tol(json_number_value(json_object_get(c, "script_score")), want[i], 1e-5);
    }
    assert_picks(cex, want, lp, n, true);
    json_decref(o);
}
END_TEST

/* A data set of examples iterated at module level, each with a question and its choices: the
 * data set is one example, its choices the candidates, and the flagged sum of raw logits,
 * computed once per choice, is that choice's score. */
START_TEST(module_level_choices_of_one_example_are_the_candidates) {
    json_t *o = check_json(TEST_DATA_DIR "/exec/module_choices.py");
    json_t *cex = script_cex(o);
    assert_entry(cex, "<module>", 15);
    ck_assert_str_eq(json_string_value(json_object_get(cex, "score_order")), "higher-is-better");
    json_t *table = json_object_get(cex, "table"), *cands = json_object_get(cex, "candidates");
    size_t i, n = json_array_size(cands);
    double want[16], lp[16];
    ck_assert(n >= 2 && n <= 16);
    json_t *c;
    json_array_foreach(cands, i, c) {
        json_t *toks = json_object_get(c, "tokens");
        want[i] = raw_logit_sum(table, toks);
        lp[i] = log_pr(table, toks);
        ck_assert_double_eq_tol(json_number_value(json_object_get(c, "script_score")), want[i], 1e-5);
    }
    assert_picks(cex, want, lp, n, false);
    json_decref(o);
}
END_TEST

/* The text report names module-level code as such, not as a function. */
START_TEST(text_report_names_module_level_code) {
    const char *argv[] = {"check", "--isolated", "--no-cache", TEST_DATA_DIR "/exec/module_pairs.py", NULL};
    TvRun r = tv_run(cli_check, argv);
    tv_assert_contains(r.out, "the script's own module-level code (line 13)");
    ck_assert_ptr_null(strstr(r.out, "<module>()"));
    tv_free(&r);
}
END_TEST

/* A function returning cross_entropy's own value: a loss, so its lowest candidate is the
 * script's pick (not the highest, as for a sum of log-probabilities). */
START_TEST(a_returned_loss_ranks_lowest_first) {
    json_t *o = check_json(TEST_DATA_DIR "/exec/loss_direction.py");
    json_t *cex = script_cex(o);
    assert_entry(cex, "doc_nll", 7);
    ck_assert_str_eq(json_string_value(json_object_get(cex, "score_order")), "lower-is-better");
    json_t *cands = json_object_get(cex, "candidates");
    size_t i, n = json_array_size(cands);
    double score[16];
    ck_assert(n >= 2 && n <= 16);
    json_t *c;
    json_array_foreach(cands, i, c) score[i] = json_number_value(json_object_get(c, "script_score"));
    ck_assert(json_equal(json_object_get(cex, "script_pick"),
                         json_object_get(json_array_get(cands, best_of(score, n, true)), "tokens")));
    json_decref(o);
}
END_TEST

/* A function handed to scipy's minimize_scalar returns a loss: its lowest value is the script's
 * pick. Each candidate's value is -sum(log(clip(p, 1e-12))) of its tokens' probabilities in the
 * reported table; the harm shown is the clip's, a probability below 1e-12 floored (a tie). */
START_TEST(a_minimised_function_ranks_lowest_first) {
    json_t *o = check_json(TEST_DATA_DIR "/exec/minimised_nll.py");
    json_t *cex = script_cex(o);
    assert_entry(cex, "nll_at", 15);
    ck_assert_str_eq(json_string_value(json_object_get(cex, "score_order")), "lower-is-better");
    json_t *table = json_object_get(cex, "table"), *cands = json_object_get(cex, "candidates"), *c;
    size_t i, n = json_array_size(cands);
    double score[16], lp[16];
    bool floored = false;
    ck_assert(n >= 2 && n <= 16);
    json_array_foreach(cands, i, c) {
        json_t *toks = json_object_get(c, "tokens");
        size_t len = json_array_size(toks);
        double nll = 0;
        for (size_t k = 0; k < len; k++) {
            json_t *u = row_of(table, toks, k);
            double p = exp(logit_at(u, vocab_index(table, json_string_value(json_array_get(toks, k)))) - lse(u));
            floored |= p < 1e-12;
            nll -= log(p < 1e-12 ? 1e-12 : p);
        }
        score[i] = json_number_value(json_object_get(c, "script_score"));
        ck_assert_double_eq_tol(score[i], nll, 1e-4);
        lp[i] = log_pr(table, toks);
    }
    ck_assert(floored);
    ck_assert(json_equal(json_object_get(cex, "script_pick"),
                         json_object_get(json_array_get(cands, best_of(score, n, true)), "tokens")));
    ck_assert(json_equal(json_object_get(cex, "correct_pick"), json_object_get(json_array_get(cands, argmax(lp, n)), "tokens")));
    ck_assert_str_eq(json_string_value(json_object_get(cex, "harm")), "tie");
    json_decref(o);
}
END_TEST

/* The optimiser handed `lambda t: -loglik(t, ...)`: loglik itself is maximised, its value a
 * score (highest first), not a loss. */
START_TEST(a_negated_objective_is_maximised) {
    json_t *o = check_json(TEST_DATA_DIR "/exec/maximised_loglik.py");
    json_t *cex = script_cex(o);
    assert_entry(cex, "loglik", 14);
    ck_assert_str_eq(json_string_value(json_object_get(cex, "score_order")), "higher-is-better");
    json_decref(o);
}
END_TEST

static Suite *suite(void) {
    Suite *s = suite_create("verify_exec_module");
    TCase *tc = tcase_create("module");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, module_level_loop_over_pairs_runs);
    tcase_add_test(tc, module_level_choices_of_one_example_are_the_candidates);
    tcase_add_test(tc, text_report_names_module_level_code);
    tcase_add_test(tc, a_returned_loss_ranks_lowest_first);
    tcase_add_test(tc, a_minimised_function_ranks_lowest_first);
    tcase_add_test(tc, a_negated_objective_is_maximised);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) {
    return tv_run_suite(suite());
}
