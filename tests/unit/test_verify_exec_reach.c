/* How far the verifier's runs of the script's own code reach: code in the other modules of the
 * script's package, and a budget of work that is counted, not timed. Each script_score is
 * recomputed here from the reported table alone. */
#define _DEFAULT_SOURCE /* mkstemp */
#include <jansson.h>

#include "cli.h"
#include "test_verify_recompute.h"
#include "test_verify_util.h"

/* `logitlint check --output-format json --isolated FILE`, parsed. */
static json_t *check_json(const char *path) {
    const char *argv[] = {"check", "--output-format", "json", "--isolated", "--no-cache", path, NULL};
    TvRun r = tv_run(cli_check, argv);
    json_error_t e;
    json_t *o = json_loads(r.out, 0, &e);
    ck_assert_msg(o != NULL, "not JSON (%s): %s", e.text, r.out);
    tv_free(&r);
    return o;
}

static json_t *cex_of(json_t *findings, size_t i) {
    json_t *c = json_object_get(json_array_get(findings, i), "counterexample");
    ck_assert(json_is_object(c));
    return c;
}

/* The sum of the raw logits of a candidate's tokens, each read in the row of its prefix. */
static double raw_sum(json_t *table, json_t *toks) {
    double s = 0;
    for (size_t k = 0; k < json_array_size(toks); k++)
        s += logit_at(row_of(table, toks, k), vocab_index(table, json_string_value(json_array_get(toks, k))));
    return s;
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
        want[i] = raw_sum(table, toks) + 0.25 * 2.0 * (double)json_array_size(toks); /* BONUS * n * SCALE */
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

static Suite *suite(void) {
    Suite *s = suite_create("verify_exec_reach");
    TCase *tc = tcase_create("reach");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, sibling_module_code_runs);
    tcase_add_test(tc, step_budget_ends_the_search_deterministically);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) {
    return tv_run_suite(suite());
}
