/* `logitlint verify` as a user runs it, the compact block under a finding,
 * and the `counterexample` JSON object. */
#define _POSIX_C_SOURCE 200809L
#include "test_verify_util.h"

START_TEST(default_run_prints_steps_totals_and_verdict) {
    const char *argv[] = {"verify", NULL};
    TvRun r = tv_run(verify_main, argv);
    ck_assert_int_eq(r.rc, 0);
    ck_assert_str_eq(r.err, "");
    tv_assert_contains(r.out, "recipe: sum-raw-logits LL101");
    tv_assert_contains(r.out, "table:  abc");
    /* per step: logit, log Z, log-prob */
    tv_assert_contains(r.out, "1    x        A         10  10.313295  -0.313295");
    tv_assert_contains(r.out, "2    x, A     A          0   1.098612  -1.098612");
    tv_assert_contains(r.out, "2    x, B     B          7   8.313507  -1.313507");
    /* totals and both rankings */
    tv_assert_contains(r.out, "log Pr(y|x) = -1.411907");
    tv_assert_contains(r.out, "sum of raw logits = 16");
    tv_assert_contains(r.out, "recipe ranking (sum of raw logits, higher is better): 1. [B, B] 16");
    tv_assert_contains(r.out,
                       "correct ranking (log Pr(y|x), higher is better): 1. [A, A] -1.411907");
    tv_assert_contains(r.out, "verdict: FLIPPED (harm: ranking-flip)");
    tv_free(&r);
}
END_TEST

START_TEST(no_flip_is_still_exit_zero) {
    const char *argv[] = {"verify", "--recipe", "sum-log-probs", NULL};
    TvRun r = tv_run(verify_main, argv);
    ck_assert_int_eq(r.rc, 0);
    tv_assert_contains(r.out, "verdict: not flipped (harm: none)");
    tv_free(&r);
}
END_TEST

START_TEST(abc_that_hides_the_harm_points_to_search) {
    const char *argv[] = {"verify", "--recipe", "product-probs", NULL};
    TvRun r = tv_run(verify_main, argv);
    ck_assert_int_eq(r.rc, 0);
    tv_assert_contains(r.out, "verdict: not flipped");
    tv_assert_contains(r.out, "--table search` finds one that does");
    tv_free(&r);
    const char *argv2[] = {"verify", "--recipe", "product-probs", "--table", "search", NULL};
    r = tv_run(verify_main, argv2);
    ck_assert_int_eq(r.rc, 0);
    tv_assert_contains(r.out, "table:  search (found by seeded search, then shrunk; seed 0x");
    tv_assert_contains(r.out, "verdict: FLIPPED (harm: tie)");
    tv_assert_contains(r.out, "(underflow to 0)");
    tv_free(&r);
}
END_TEST

START_TEST(json_output_is_the_counterexample_object) {
    const char *argv[] = {"verify", "--output-format", "json", NULL};
    TvRun r = tv_run(verify_main, argv);
    ck_assert_int_eq(r.rc, 0);
    json_error_t e;
    json_t *o = json_loads(r.out, 0, &e);
    ck_assert_msg(o != NULL, "not JSON: %s", e.text);
    ck_assert_str_eq(json_string_value(json_object_get(o, "recipe")), "sum-raw-logits");
    ck_assert_str_eq(json_string_value(json_object_get(o, "rule")), "LL101");
    ck_assert(json_is_true(json_object_get(o, "flipped")));
    ck_assert_str_eq(json_string_value(json_object_get(o, "harm")), "ranking-flip");
    json_t *c0 = json_array_get(json_object_get(o, "candidates"), 0);
    json_t *c1 = json_array_get(json_object_get(o, "candidates"), 1);
    /* A recipe's numbers are never labelled as the script's. */
    ck_assert_str_eq(json_string_value(json_object_get(o, "origin")), "recipe");
    ck_assert_ptr_null(json_object_get(c0, "script_score"));
    ck_assert_ptr_null(json_object_get(o, "script_ranking"));
    ck_assert_ptr_null(json_object_get(o, "script_pick"));
    tv_assert_lacks(r.out, "the script picks");
    ck_assert_double_eq(json_number_value(json_object_get(c0, "recipe_score")), 10);
    ck_assert_double_eq(json_number_value(json_object_get(c1, "recipe_score")), 16);
    ck_assert_double_eq_tol(json_number_value(json_object_get(c0, "log_prob")), -1.411907, 1e-6);
    ck_assert_double_eq_tol(json_number_value(json_object_get(c1, "log_prob")), -2.626802, 1e-6);
    json_t *lz = json_object_get(c1, "log_z");
    ck_assert_int_eq(json_array_size(lz), 2);
    ck_assert_double_eq_tol(json_number_value(json_array_get(lz, 0)), 10.313295, 1e-6);
    ck_assert_double_eq_tol(json_number_value(json_array_get(lz, 1)), 8.313507, 1e-6);
    ck_assert_int_eq(json_integer_value(json_array_get(json_object_get(o, "recipe_ranking"), 0)),
                     1);
    ck_assert_int_eq(json_integer_value(json_array_get(json_object_get(o, "correct_ranking"), 0)),
                     0);
    ck_assert_str_eq(json_string_value(json_array_get(json_object_get(o, "correct_pick"), 0)), "A");
    ck_assert_str_eq(json_string_value(json_array_get(json_object_get(o, "recipe_pick"), 0)), "B");
    ck_assert(json_is_object(json_object_get(o, "table")));
    json_decref(o);
    tv_free(&r);
}
END_TEST

START_TEST(json_spells_non_finite_scores_as_strings) {
    VerifyResult *res = verify_counterexample(verify_recipe_find("unstable-softmax"));
    json_t *o = verify_result_to_json(res);
    json_t *c = json_array_get(json_object_get(o, "candidates"), (size_t)res->script_rank[0]);
    ck_assert_str_eq(json_string_value(json_object_get(c, "recipe_score")), "nan");
    ck_assert_str_eq(json_string_value(json_object_get(o, "harm")), "nan");
    ck_assert(json_is_object(json_object_get(o, "search")));
    char *s = json_dumps(o, 0);
    ck_assert_ptr_nonnull(s); /* a NaN real would make jansson refuse */
    free(s);
    json_decref(o);
    verify_result_free(res);
}
END_TEST

/* A user table of more than 100,000 logits is not echoed back. */
START_TEST(json_leaves_out_a_huge_table) {
    enum { V = 50001 };
    char **names = malloc(V * sizeof *names);
    for (int i = 0; i < V; i++) {
        names[i] = malloc(16);
        snprintf(names[i], 16, "t%d", i);
    }
    VerifyTable *t =
        verify_table_new("big.json", VERIFY_ORIGIN_FILE, V, (const char *const *)names);
    double *u = calloc(V, sizeof *u);
    int a[] = {0, 0}, b[] = {1};
    ck_assert_int_ge(verify_table_add_context(t, NULL, 0, u), 0);
    ck_assert_int_ge(verify_table_add_context(t, a, 1, u), 0);
    ck_assert_int_ge(verify_table_add_candidate(t, a, 2), 0);
    ck_assert_int_ge(verify_table_add_candidate(t, b, 1), 0);
    VerifyResult *res = tv_score(t, "sum-raw-logits");
    json_t *o = verify_result_to_json(res);
    ck_assert(json_is_null(json_object_get(o, "table")));
    ck_assert_str_eq(json_string_value(json_object_get(o, "table_omitted")),
                     "100002 logits: too large to echo; the table is the file big.json");
    json_t *c0 = json_array_get(json_object_get(o, "candidates"), 0);
    ck_assert_int_eq(json_array_size(json_object_get(c0, "steps")), 2);
    ck_assert_double_eq_tol(json_number_value(json_object_get(c0, "log_prob")), -2 * log(V), 1e-9);
    json_decref(o);
    verify_result_free(res);
    verify_table_free(t);
    free(u);
    for (int i = 0; i < V; i++)
        free(names[i]);
    free(names);
}
END_TEST

START_TEST(list_recipes_names_every_recipe) {
    const char *argv[] = {"verify", "--list-recipes", NULL};
    TvRun r = tv_run(verify_main, argv);
    ck_assert_int_eq(r.rc, 0);
    ck_assert_int_eq(tv_count_lines(r.out), verify_recipe_count());
    for (int i = 0; i < verify_recipe_count(); i++) {
        char line[128];
        snprintf(line, sizeof line, "%s ", verify_recipe_at(i)->name);
        tv_assert_contains(r.out, line);
    }
    tv_assert_contains(r.out, "LL110");
    tv_free(&r);
    const char *argv2[] = {"verify", "--list-recipes", "--output-format", "json", NULL};
    r = tv_run(verify_main, argv2);
    json_t *a = json_loads(r.out, 0, NULL);
    ck_assert(json_is_array(a));
    ck_assert_int_eq((int)json_array_size(a), verify_recipe_count());
    json_decref(a);
    tv_free(&r);
}
END_TEST

START_TEST(help_exits_zero) {
    const char *argv[] = {"verify", "--help", NULL};
    TvRun r = tv_run(verify_main, argv);
    ck_assert_int_eq(r.rc, 0);
    tv_assert_contains(r.out, "Usage: logitlint verify");
    tv_free(&r);
}
END_TEST

typedef struct {
    const char *argv[8];
    const char *err;
} BadArgs;

static const BadArgs bad_args[] = {
    {{"verify", "--frobnicate", NULL},
     "logitlint verify: unknown argument \"--frobnicate\" (see logitlint verify --help)\n"},
    {{"verify", "--recipe", "sum-of-vibes", NULL},
     "logitlint verify: unknown recipe \"sum-of-vibes\" (see logitlint verify --list-recipes)\n"},
    {{"verify", "--recipe", NULL},
     "logitlint verify: --recipe needs a value (see logitlint verify --help)\n"},
    {{"verify", "--output-format", "xml", NULL},
     "logitlint verify: --output-format must be text or json, not \"xml\"\n"},
    {{"verify", "--candidates", NULL},
     "logitlint verify: --candidates needs at least one candidate, e.g. --candidates \"A A\" \"B "
     "B\"\n"},
    {{"verify", "--table", "search", "--candidates", "A", NULL},
     "logitlint verify: --candidates cannot be combined with --table search (the search picks "
     "its own candidates)\n"},
    {{"verify", "--recipe", "no-causal-shift", NULL},
     "abc: candidates[0] [\"A\", \"A\"]: no context for prefix [\"A\", \"A\"] (recipe "
     "no-causal-shift scores step 2 under it); `--table search` builds a table for this recipe\n"},
    {{"verify", "--candidates", "A Z", NULL},
     "--candidates \"A Z\": unknown token \"Z\" (not in the vocab of abc)\n"},
};

START_TEST(bad_arguments_exit_two_with_one_line) {
    const BadArgs *b = &bad_args[_i];
    TvRun r = tv_run(verify_main, b->argv);
    ck_assert_int_eq(r.rc, 2);
    ck_assert_str_eq(r.out, "");
    ck_assert_str_eq(r.err, b->err);
    tv_free(&r);
}
END_TEST

START_TEST(equals_form_of_options) {
    const char *argv[] = {"verify", "--recipe=mean-raw-logits", "--output-format=json", NULL};
    TvRun r = tv_run(verify_main, argv);
    ck_assert_int_eq(r.rc, 0);
    tv_assert_contains(r.out, "\"recipe\": \"mean-raw-logits\"");
    tv_free(&r);
}
END_TEST

/* ---- the compact block under a finding ---- */

static char *compact(const VerifyResult *res, const char *indent, bool color) {
    FILE *f = tmpfile();
    verify_print_compact(f, res, indent, color);
    fseek(f, 0, SEEK_END);
    return tv_slurp(f);
}

START_TEST(compact_block_for_abc) {
    VerifyResult *res = verify_counterexample(verify_recipe_find("sum-raw-logits"));
    char *s = compact(res, "    | ", false);
    for (char *line = s; *line; line = strchr(line, '\n') + 1)
        ck_assert_msg(strncmp(line, "    | ", 6) == 0, "line without indent: %s", line);
    tv_assert_contains(s, "counterexample: recipe sum-raw-logits on table abc");
    tv_assert_contains(s, "x, B      8  7  0   8.313507");
    tv_assert_contains(s, "[A, A]     10                 -1.411907    <- log Pr(y|x) picks");
    tv_assert_contains(s, "[B, B]     16                 -2.626802    <- recipe picks");
    tv_assert_contains(s, "a scorer of this shape picks [B, B]");
    tv_assert_lacks(s, "script picks");
    tv_assert_contains(s, "the ranking flips");
    tv_assert_contains(s, "reproduce: logitlint verify --recipe sum-raw-logits --table abc");
    tv_assert_lacks(s, "\033[");
    free(s);
    s = compact(res, "", true);
    tv_assert_contains(s, "\033[31m[B, B]");
    tv_assert_contains(s, "\033[32m[A, A]");
    free(s);
    verify_result_free(res);
}
END_TEST

/* Every rule recipe's block says who is picked and why, in numbers. */
START_TEST(compact_block_for_each_recipe) {
    const VerifyRecipe *r = verify_recipe_at(_i);
    VerifyResult *res = verify_counterexample(r);
    char *s = compact(res, "  ", false);
    tv_assert_contains(s, r->score_label);
    tv_assert_contains(s, "log Pr(y|x)");
    if (res->flipped) {
        tv_assert_contains(s, "<- recipe picks");
        tv_assert_contains(s, "<- log Pr(y|x) picks");
        tv_assert_lacks(s, "script picks");
    } else {
        tv_assert_contains(s, "<- both pick");
    }
    if (res->table->origin == VERIFY_ORIGIN_SEARCH) tv_assert_contains(s, "--table search");
    free(s);
    verify_result_free(res);
}
END_TEST

static Suite *suite(void) {
    Suite *s = suite_create("verify_cli");
    TCase *tc = tcase_create("cli");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, default_run_prints_steps_totals_and_verdict);
    tcase_add_test(tc, no_flip_is_still_exit_zero);
    tcase_add_test(tc, abc_that_hides_the_harm_points_to_search);
    tcase_add_test(tc, json_output_is_the_counterexample_object);
    tcase_add_test(tc, json_spells_non_finite_scores_as_strings);
    tcase_add_test(tc, json_leaves_out_a_huge_table);
    tcase_add_test(tc, list_recipes_names_every_recipe);
    tcase_add_test(tc, help_exits_zero);
    tcase_add_loop_test(tc, bad_arguments_exit_two_with_one_line, 0,
                        (int)(sizeof bad_args / sizeof *bad_args));
    tcase_add_test(tc, equals_form_of_options);
    suite_add_tcase(s, tc);
    tc = tcase_create("compact");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, compact_block_for_abc);
    tcase_add_loop_test(tc, compact_block_for_each_recipe, 0, verify_recipe_count());
    suite_add_tcase(s, tc);
    return s;
}

int main(void) {
    return tv_run_suite(suite());
}
