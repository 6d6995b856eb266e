/* Small things a ruff user expects of the command line: `help COMMAND`, codes in any case,
 * every rule explainable, JSON rule lists, -q / -s, one counterexample block per recipe, and
 * numbers without padding zeros. */
#include "tempdir.h" /* first: it sets _XOPEN_SOURCE */

#include <jansson.h>

#include "harness.h"
#include "rules.h"

#define RUN(...) harness_run((const char *const[]){__VA_ARGS__, NULL}, NULL, NULL)

static size_t count(const char *hay, const char *needle) {
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p++)
        n++;
    return n;
}

START_TEST(help_command_prints_that_commands_help) {
    CliRun r = RUN("help", "check");
    ck_assert_int_eq(r.status, 0);
    ck_assert_msg(!strncmp(r.out, "Usage: logitlint check", 22), "%s", r.out);
    harness_run_free(&r);
    r = RUN("help", "verify");
    ck_assert_int_eq(r.status, 0);
    ck_assert_msg(strstr(r.out, "--table"), "%s", r.out);
    harness_run_free(&r);
    r = RUN("help", "nosuch");
    ck_assert_int_eq(r.status, 2);
    harness_run_free(&r);
}
END_TEST

START_TEST(rule_codes_in_any_case) {
    CliRun r = RUN("rule", "ll101");
    ck_assert_int_eq(r.status, 0);
    ck_assert_msg(strstr(r.out, "# raw-logit-sequence-score (LL101)"), "%s", r.out);
    harness_run_free(&r);
    r = RUN("explain", "ll101");
    ck_assert_int_eq(r.status, 0);
    harness_run_free(&r);
}
END_TEST

/* LL001 is a rule without a ranking to flip: explain shows its documentation, it is not
 * "unknown". */
START_TEST(explain_works_for_every_rule) {
    for (size_t i = 0; i < rules_count; i++) {
        CliRun r = RUN("explain", rules_registry[i]->code);
        ck_assert_msg(r.status == 0, "%s: %s", rules_registry[i]->code, r.err);
        ck_assert_msg(strstr(r.out, rules_registry[i]->name), "%s", r.out);
        harness_run_free(&r);
    }
    CliRun r = RUN("explain", "LL999");
    ck_assert_int_eq(r.status, 2);
    ck_assert_msg(strstr(r.err, "unknown rule code"), "%s", r.err);
    harness_run_free(&r);
}
END_TEST

START_TEST(rule_all_as_json) {
    CliRun r = RUN("rule", "--all", "--output-format", "json");
    ck_assert_int_eq(r.status, 0);
    json_t *all = json_loads(r.out, 0, NULL);
    ck_assert_msg(json_is_array(all), "%s", r.out);
    ck_assert_int_eq((int)json_array_size(all), (int)rules_count);
    for (size_t i = 0; i < rules_count; i++) {
        json_t *o = json_array_get(all, i);
        ck_assert_str_eq(json_string_value(json_object_get(o, "code")), rules_registry[i]->code);
        ck_assert_str_eq(json_string_value(json_object_get(o, "name")), rules_registry[i]->name);
        ck_assert(json_is_string(json_object_get(o, "why")));
    }
    json_decref(all);
    harness_run_free(&r);
    r = RUN("rule", "LL103", "--output-format", "json");
    ck_assert_int_eq(r.status, 0);
    ck_assert_msg(strstr(r.out, "\"code\": \"LL103\""), "%s", r.out);
    harness_run_free(&r);
    r = RUN("rule", "--all", "--output-format", "xml");
    ck_assert_int_eq(r.status, 2);
    harness_run_free(&r);
}
END_TEST

START_TEST(quiet_and_silent) {
    CliRun r = RUN("check", "--no-verify", "-q", SAMPLES_DIR "/abc_case/sum_logits.py");
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.out, "sum_logits.py:27:9: LL101"), "%s", r.out);
    ck_assert_ptr_null(strstr(r.out, "Found 1 error"));
    harness_run_free(&r);
    r = RUN("check", "-s", SAMPLES_DIR "/abc_case/sum_logits.py");
    ck_assert_int_eq(r.status, 1);
    ck_assert_str_eq(r.out, "");
    ck_assert_str_eq(r.err, "");
    harness_run_free(&r);
    r = RUN("check", "--silent", SAMPLES_DIR "/abc_case/log_softmax.py");
    ck_assert_int_eq(r.status, 0);
    ck_assert_str_eq(r.out, "");
    harness_run_free(&r);
}
END_TEST

/* Three findings of one recipe: the table is printed once, the others point at it; with
 * --explain the table is printed once per finding's explanation, not also above it. */
START_TEST(one_counterexample_block_per_recipe) {
    char *dir = tmp_dir();
    tmp_write(dir, "a.py", BUGGY_PY);
    tmp_write(dir, "b.py", BUGGY_PY);
    CliRun r = RUN("check", dir);
    ck_assert_int_eq(r.status, 1);
    ck_assert_int_eq((int)count(r.out, "counterexample: recipe sum-raw-logits"), 1);
    ck_assert_int_eq((int)count(r.out, "counterexample: as for "), 1);
    ck_assert_int_eq((int)count(r.out, "x, B      8  7  0"), 1);
    harness_run_free(&r);
    r = RUN("check", "--explain", dir);
    ck_assert_int_eq(r.status, 1);
    ck_assert_int_eq((int)count(r.out, "x, B      8  7  0"), 1);
    ck_assert_int_eq((int)count(r.out, "Counterexample (recipe sum-raw-logits"), 1);
    harness_run_free(&r);
    tmp_remove(dir);
}
END_TEST

START_TEST(numbers_have_no_padding_zeros) {
    char *dir = tmp_dir();
    tmp_write(
        dir, "t.json",
        "{\"vocab\": [\"A\", \"B\", \"C\"], \"contexts\": [{\"prefix\": [], \"logits\": [2.1, 9, "
        "0]}, {\"prefix\": [\"A\"], \"logits\": [0, 0, 0]}, {\"prefix\": [\"B\"], \"logits\": "
        "[8, 7.5, 0]}], \"candidates\": [[\"A\", \"A\"], [\"B\", \"B\"]]}");
    char *table = util_xasprintf("%s/t.json", dir);
    CliRun r = RUN("verify", "--table", table);
    ck_assert_int_eq(r.status, 0);
    ck_assert_msg(strstr(r.out, "sum of raw logits = 2.1\n"), "%s", r.out);
    ck_assert_msg(strstr(r.out, "sum of raw logits = 16.5\n"), "%s", r.out);
    ck_assert_ptr_null(strstr(r.out, "00000 "));
    ck_assert_msg(strstr(r.out, "-7.999743"), "%s", r.out); /* six decimals stay */
    harness_run_free(&r);
    free(table);
    tmp_remove(dir);
}
END_TEST

int main(void) {
    Suite *s = suite_create("cli_small");
    TCase *tc = tcase_create("cli_small");
    tcase_add_test(tc, help_command_prints_that_commands_help);
    tcase_add_test(tc, rule_codes_in_any_case);
    tcase_add_test(tc, explain_works_for_every_rule);
    tcase_add_test(tc, rule_all_as_json);
    tcase_add_test(tc, quiet_and_silent);
    tcase_add_test(tc, one_counterexample_block_per_recipe);
    tcase_add_test(tc, numbers_have_no_padding_zeros);
    suite_add_tcase(s, tc);
    return harness_main(s);
}
