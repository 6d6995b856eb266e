/* Honest summaries: a file that could not be read or analysed is a diagnostic (E902) in every
 * output format and in the counts, and a run that skipped a file never says "All checks
 * passed!". */
#include "tempdir.h" /* first: it sets _XOPEN_SOURCE */

#include <jansson.h>

#include "harness.h"

/* `logitlint check --no-verify --output-format FORMAT missing.py buggy.py` in dir. */
static CliRun check_format(const char *dir, const char *format) {
    const char *argv[] = {"check",    "--no-verify", "--output-format", format, "missing.py",
                          "buggy.py", NULL};
    return harness_run(argv, NULL, dir);
}

START_TEST(a_missing_file_is_e902_in_every_format) {
    char *dir = tmp_dir();
    tmp_write(dir, "buggy.py", BUGGY_PY);
    struct {
        const char *format, *expect;
    } cases[] = {
        {"full", "missing.py:1:1: E902 No such file or directory\n"},
        {"concise", "missing.py:1:1: E902 No such file or directory\n"},
        {"json", "\"code\": \"E902\""},
        {"json-lines", "\"code\":\"E902\""},
        {"sarif", "\"ruleId\": \"E902\""},
        {"github", "::error title=logitlint (E902),file=missing.py,line=1,col=1"},
        {"gitlab", "\"check_name\": \"E902\""},
        {"junit", "<error message=\"No such file or directory\">"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        CliRun r = check_format(dir, cases[i].format);
        ck_assert_msg(r.status == 2, "%s: exit %d", cases[i].format, r.status);
        ck_assert_msg(strstr(r.out, cases[i].expect), "%s: no '%s' in:\n%s", cases[i].format,
                      cases[i].expect, r.out);
        ck_assert_msg(strstr(r.out, "LL101"), "%s: the other file's finding is lost",
                      cases[i].format);
        ck_assert_str_eq(r.err, "logitlint: missing.py: No such file or directory\n");
        harness_run_free(&r);
    }
    tmp_remove(dir);
}
END_TEST

START_TEST(json_gives_the_problem_path_and_location) {
    char *dir = tmp_dir();
    tmp_write(dir, "buggy.py", BUGGY_PY);
    CliRun r = check_format(dir, "json");
    json_t *arr = json_loads(r.out, 0, NULL);
    ck_assert_ptr_nonnull(arr);
    json_t *d = json_array_get(arr, 1); /* sorted by path: buggy.py, then missing.py */
    ck_assert_str_eq(json_string_value(json_object_get(d, "filename")), "missing.py");
    ck_assert_str_eq(json_string_value(json_object_get(d, "name")), "io-error");
    ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(d, "location"), "row")), 1);
    json_decref(arr);
    harness_run_free(&r);
    tmp_remove(dir);
}
END_TEST

/* The summary counts the problem; with nothing else found it is still not a pass. */
START_TEST(summary_counts_files_that_could_not_be_analysed) {
    char *dir = tmp_dir();
    tmp_write(dir, "buggy.py", BUGGY_PY);
    CliRun r = check_format(dir, "full");
    ck_assert_msg(strstr(r.out, "Found 2 errors.\n1 file could not be analysed.\n"), "%s", r.out);
    harness_run_free(&r);
    /* Only a file over a per-file bound (5,000 nested parentheses): skipped, not passed. */
    char *deep = util_xmalloc(10100);
    size_t n = (size_t)sprintf(deep, "x = ");
    memset(deep + n, '(', 5000);
    deep[n + 5000] = '1';
    memset(deep + n + 5001, ')', 5000);
    strcpy(deep + n + 10001, "\n");
    tmp_write(dir, "deep.py", deep);
    const char *argv[] = {"check", "--no-verify", "deep.py", NULL};
    r = harness_run(argv, NULL, dir);
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_null(strstr(r.out, "All checks passed!"));
    ck_assert_msg(strstr(r.out, "deep.py:1:1: E902 skipped: nested too deeply"), "%s", r.out);
    ck_assert_msg(strstr(r.out, "Found 1 error.\n1 file could not be analysed.\n"), "%s", r.out);
    harness_run_free(&r);
    /* --statistics counts it under its code. */
    const char *stats[] = {"check", "--no-verify", "--statistics", "deep.py", NULL};
    r = harness_run(stats, NULL, dir);
    ck_assert_msg(strstr(r.out, "    1\tE902\tio-error\n"), "%s", r.out);
    harness_run_free(&r);
    free(deep);
    tmp_remove(dir);
}
END_TEST

START_TEST(e902_is_documented_like_a_rule) {
    const char *argv[] = {"rule", "E902", NULL};
    CliRun r = harness_run(argv, NULL, NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_msg(strstr(r.out, "# io-error (E902)"), "%s", r.out);
    harness_run_free(&r);
}
END_TEST

int main(void) {
    Suite *s = suite_create("summary");
    TCase *tc = tcase_create("summary");
    tcase_add_test(tc, a_missing_file_is_e902_in_every_format);
    tcase_add_test(tc, json_gives_the_problem_path_and_location);
    tcase_add_test(tc, summary_counts_files_that_could_not_be_analysed);
    tcase_add_test(tc, e902_is_documented_like_a_rule);
    suite_add_tcase(s, tc);
    return harness_main(s);
}
