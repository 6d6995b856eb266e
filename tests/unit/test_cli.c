/* The check / rule commands as a user runs them: exit codes, output shapes, messages. */
#define _DEFAULT_SOURCE /* mkdtemp */
#include <jansson.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

static const char BUGGY[] = "def score(model, ids):\n"
                            "    logits = model(ids).logits[:, :-1]\n"
                            "    chosen = logits.gather(-1, ids[:, 1:].unsqueeze(-1)).squeeze(-1)\n"
                            "    return chosen.sum(-1)\n";
static const char CLEAN[] =
    "import torch\n"
    "def score(model, ids):\n"
    "    lp = torch.log_softmax(model(ids).logits[:, :-1], -1)\n"
    "    return lp.gather(-1, ids[:, 1:].unsqueeze(-1)).squeeze(-1).sum(-1)\n";

#define RUN(input, ...) harness_run((const char *const[]){__VA_ARGS__, NULL}, input, NULL)

START_TEST(findings_exit_1_with_location_frame_and_help) {
    CliRun r = RUN(BUGGY, "check", "--no-verify", "-", "--stdin-filename", "eval.py");
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.out, "eval.py:4:12: LL101 "));
    ck_assert_ptr_nonnull(strstr(r.out, "4 |     return chosen.sum(-1)"));
    ck_assert_ptr_nonnull(strstr(r.out, "^^^^^^^^^^^^^^ LL101"));
    ck_assert_ptr_nonnull(strstr(r.out, "help: "));
    ck_assert_ptr_nonnull(strstr(r.out, "logits from line 2"));
    ck_assert_ptr_null(strstr(r.out, "\033[")); /* not a terminal: no colour */
    harness_run_free(&r);
}
END_TEST

START_TEST(clean_file_exits_0) {
    CliRun r = RUN(CLEAN, "check", "-");
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "All checks passed!"));
    harness_run_free(&r);
}
END_TEST

START_TEST(exit_zero_keeps_the_report) {
    CliRun r = RUN(BUGGY, "check", "--exit-zero", "--no-verify", "-");
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "LL101"));
    harness_run_free(&r);
}
END_TEST

START_TEST(json_has_ruff_field_names_and_counterexample) {
    CliRun r = RUN(BUGGY, "check", "--output-format", "json", "--stdin-filename", "e.py", "-");
    ck_assert_int_eq(r.status, 1);
    json_error_t err;
    json_t *arr = json_loads(r.out, 0, &err);
    ck_assert_msg(arr && json_is_array(arr), "not a JSON array: %s", err.text);
    ck_assert_int_eq((int)json_array_size(arr), 1);
    json_t *d = json_array_get(arr, 0);
    ck_assert_str_eq(json_string_value(json_object_get(d, "code")), "LL101");
    ck_assert_str_eq(json_string_value(json_object_get(d, "name")), "raw-logit-sequence-score");
    ck_assert_str_eq(json_string_value(json_object_get(d, "filename")), "e.py");
    ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(d, "location"), "row")), 4);
    ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(d, "location"), "column")),
                     12);
    ck_assert_int_eq(
        json_integer_value(json_object_get(json_object_get(d, "end_location"), "column")), 26);
    ck_assert(json_is_null(json_object_get(d, "cell")));
    ck_assert(json_object_get(d, "url") != NULL);
    ck_assert(json_is_string(json_object_get(d, "message")));
    json_t *cex = json_object_get(d, "counterexample");
    ck_assert(json_is_object(cex));
    ck_assert(json_is_true(json_object_get(cex, "flipped")));
    json_decref(arr);
    harness_run_free(&r);
}
END_TEST

START_TEST(select_and_ignore) {
    CliRun r = RUN(BUGGY, "check", "--ignore", "LL1", "-");
    ck_assert_int_eq(r.status, 0);
    harness_run_free(&r);
    r = RUN(BUGGY, "check", "--select", "LL101", "--no-verify", "-");
    ck_assert_int_eq(r.status, 1);
    harness_run_free(&r);
    r = RUN(BUGGY, "check", "--select", "LL9", "-");
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "LL9"));
    harness_run_free(&r);
}
END_TEST

START_TEST(missing_path_exits_2_and_names_it_but_other_files_are_checked) {
    CliRun r = RUN(NULL, "check", "--no-verify", "/nonexistent/eval.py",
                   SAMPLES_DIR "/abc_case/sum_logits.py");
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "/nonexistent/eval.py"));
    ck_assert_ptr_nonnull(strstr(r.out, "sum_logits.py:27:9: LL101"));
    harness_run_free(&r);
}
END_TEST

START_TEST(syntax_error_warns_and_still_analyses) {
    char *src = util_xasprintf("def broken(:\n    pass\n\n%s", BUGGY);
    CliRun r = RUN(src, "check", "--no-verify", "--stdin-filename", "b.py", "-");
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.err, "warning: b.py:1:"));
    ck_assert_ptr_nonnull(strstr(r.out, "b.py:7:12: LL101"));
    harness_run_free(&r);
    free(src);
}
END_TEST

START_TEST(directories_are_walked_and_samples_flag_every_buggy_script) {
    CliRun r = RUN(NULL, "check", "--no-verify", "--output-format", "concise", SAMPLES_DIR);
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.out, "abc_case/sum_logits.py:27:9: LL101"));
    ck_assert_ptr_nonnull(strstr(r.out, "hf_choice_scoring/score_choices.py:"));
    ck_assert_ptr_nonnull(strstr(r.out, "hf_generate_scores/rerank_samples.py:"));
    ck_assert_ptr_nonnull(strstr(r.out, "hf_stepwise_scoring/continuation_score.py:"));
    ck_assert_ptr_null(strstr(r.out, "_fixed.py"));
    ck_assert_ptr_null(strstr(r.out, "log_softmax.py"));
    harness_run_free(&r);
}
END_TEST

/* Nothing to analyse is not "All checks passed!": a warning says so (exit 0, as ruff). */
START_TEST(empty_directories_warn_that_no_file_was_found) {
    char root[] = "/tmp/logitlint-empty-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(root));
    char *sub = util_xasprintf("%s/empty", root);
    ck_assert_int_eq(mkdir(sub, 0755), 0);
    CliRun r = RUN(NULL, "check", root);
    ck_assert_int_eq(r.status, 0);
    ck_assert_str_eq(r.out, "No Python files found.\n");
    ck_assert_str_eq(r.err, "warning: No Python files found under the given path(s)\n");
    harness_run_free(&r);
    rmdir(sub);
    rmdir(root);
    free(sub);
}
END_TEST

START_TEST(seed_case_counterexample_numbers) {
    CliRun r = RUN(NULL, "check", SAMPLES_DIR "/abc_case/sum_logits.py");
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.out, "-1.411907"));
    ck_assert_ptr_nonnull(strstr(r.out, "-2.626802"));
    ck_assert_ptr_nonnull(strstr(r.out, "10.313295"));
    harness_run_free(&r);
}
END_TEST

START_TEST(usage_errors_exit_2) {
    CliRun r = RUN(NULL, "check", "--output-format", "xml", "-");
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "xml"));
    harness_run_free(&r);
    r = RUN(NULL, "check", "--frobnicate");
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "--frobnicate"));
    harness_run_free(&r);
    r = RUN(NULL, "frobnicate");
    ck_assert_int_eq(r.status, 2);
    harness_run_free(&r);
}
END_TEST

START_TEST(rule_docs) {
    CliRun r = RUN(NULL, "rule", "LL101");
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "## What it does"));
    ck_assert_ptr_nonnull(strstr(r.out, "## Why is this bad?"));
    ck_assert_ptr_nonnull(strstr(r.out, "## Example"));
    ck_assert_ptr_nonnull(strstr(r.out, "## Use instead"));
    harness_run_free(&r);
    r = RUN(NULL, "rule", "--all");
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "LL101"));
    harness_run_free(&r);
    r = RUN(NULL, "rule", "LL999");
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "LL999"));
    harness_run_free(&r);
}
END_TEST

START_TEST(version_and_help) {
    CliRun r = RUN(NULL, "--version");
    ck_assert_int_eq(r.status, 0);
    ck_assert(strncmp(r.out, "logitlint ", 10) == 0);
    harness_run_free(&r);
    r = RUN(NULL, "check", "--help");
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "--select"));
    harness_run_free(&r);
}
END_TEST

int main(void) {
    Suite *s = suite_create("cli");
    TCase *tc = tcase_create("cli");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, findings_exit_1_with_location_frame_and_help);
    tcase_add_test(tc, clean_file_exits_0);
    tcase_add_test(tc, exit_zero_keeps_the_report);
    tcase_add_test(tc, json_has_ruff_field_names_and_counterexample);
    tcase_add_test(tc, select_and_ignore);
    tcase_add_test(tc, missing_path_exits_2_and_names_it_but_other_files_are_checked);
    tcase_add_test(tc, syntax_error_warns_and_still_analyses);
    tcase_add_test(tc, directories_are_walked_and_samples_flag_every_buggy_script);
    tcase_add_test(tc, empty_directories_warn_that_no_file_was_found);
    tcase_add_test(tc, seed_case_counterexample_numbers);
    tcase_add_test(tc, usage_errors_exit_2);
    tcase_add_test(tc, rule_docs);
    tcase_add_test(tc, version_and_help);
    suite_add_tcase(s, tc);
    return harness_main(s);
}
