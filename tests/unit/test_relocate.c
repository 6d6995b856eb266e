/* Where a finding another file's code shows only with a caller's arguments is reported
 * (relocate.h): in that code when the run analyses its file, at the call otherwise; once for
 * several callers; under that file's `# noqa`; the same from a warm cache; never fixed in the
 * wrong file. The package: tests/fixtures/project/fire_helper_axis_from_two_runners. */
#define _DEFAULT_SOURCE
#define _XOPEN_SOURCE 700 /* nftw (tempdir.h) */
#include "harness.h"
#include "tempdir.h"

#define PKG FIXTURES_DIR "/project/fire_helper_axis_from_two_runners"
#define RUN_IN(dir, ...) harness_run((const char *const[]){__VA_ARGS__, NULL}, NULL, dir)

static const char *const FILES[] = {"scoring/__init__.py", "scoring/ops.py", "eval_arc.py",
                                    "eval_hellaswag.py"};

/* A copy of the package in a scratch directory, `# noqa` comment added to the helper's flawed
 * line (NULL: none), and a function LL103 fixes appended to the helper when `fixable`. */
static char *copy_package(const char *noqa, bool fixable) {
    char *dir = tmp_dir();
    for (size_t i = 0; i < sizeof FILES / sizeof *FILES; i++) {
        char *text = tmp_read_rel(PKG, FILES[i]);
        ck_assert_ptr_nonnull(text);
        char *mark = strstr(text, "  # expect: LL104");
        char *out = util_xstrdup(text);
        if (mark) {
            *mark = '\0';
            free(out);
            out = util_xasprintf("%s%s%s%s", text, noqa ? "  " : "", noqa ? noqa : "",
                                 strchr(mark + 1, '\n'));
        }
        if (fixable && mark) {
            char *more = util_xasprintf(
                "%s\n\ndef probs_log(logits):\n    return torch.log(torch.softmax(logits, "
                "dim=-1))\n",
                out);
            free(out);
            out = more;
        }
        tmp_write(dir, FILES[i], out);
        free(out);
        free(text);
    }
    return dir;
}

static int count(const char *out, const char *what) {
    int n = 0;
    for (const char *p = out; (p = strstr(p, what)); p++)
        n++;
    return n;
}

START_TEST(reported_in_the_helper_once_for_two_callers) {
    char *dir = copy_package(NULL, false);
    CliRun r = RUN_IN(dir, "check", "--isolated", "--no-verify", "--no-cache", "--output-format",
                      "concise", ".");
    ck_assert_int_eq(r.status, 1);
    ck_assert_int_eq(count(r.out, ": LL104"), 1);
    ck_assert_ptr_nonnull(strstr(r.out, "./scoring/ops.py:7:12: LL104 "));
    ck_assert_ptr_nonnull(strstr(
        r.out, "(with the arguments of the call of `token_logprobs` at ./eval_arc.py:10:12)"));
    /* the caller's lines it cites are named with their file */
    ck_assert_ptr_nonnull(strstr(r.out, "(logits from ./eval_arc.py line 9)"));
    harness_run_free(&r);
    /* the files given in the other order: the same report */
    CliRun back =
        RUN_IN(dir, "check", "--isolated", "--no-verify", "--no-cache", "--threads", "2",
               "--output-format", "concise", "./eval_hellaswag.py", "./scoring", "./eval_arc.py");
    CliRun fwd =
        RUN_IN(dir, "check", "--isolated", "--no-verify", "--no-cache", "--threads", "1",
               "--output-format", "concise", "./eval_arc.py", "./eval_hellaswag.py", "./scoring");
    ck_assert_str_eq(back.out, fwd.out);
    ck_assert_int_eq(count(fwd.out, ": LL104"), 1);
    harness_run_free(&back);
    harness_run_free(&fwd);
    tmp_remove(dir);
}
END_TEST

/* pre-commit passes the changed file only: the finding stays at its call, naming the helper. */
START_TEST(reported_at_the_call_when_the_helper_is_not_analysed) {
    char *dir = copy_package(NULL, false);
    CliRun r = RUN_IN(dir, "check", "--isolated", "--no-verify", "--no-cache", "--output-format",
                      "concise", "eval_arc.py");
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.out, "eval_arc.py:10:12: LL104 "));
    ck_assert_ptr_nonnull(strstr(r.out, "(in `token_logprobs`, at scoring/ops.py:7:12, with the "
                                        "arguments of this call)"));
    ck_assert_ptr_null(strstr(r.out, "ops.py:7:12: LL104"));
    harness_run_free(&r);
    /* the runners without the helper: each at its own call */
    r = RUN_IN(dir, "check", "--isolated", "--no-verify", "--no-cache", "--output-format",
               "concise", "eval_arc.py", "eval_hellaswag.py");
    ck_assert_int_eq(count(r.out, ": LL104"), 2);
    harness_run_free(&r);
    tmp_remove(dir);
}
END_TEST

/* The helper's `# noqa` suppresses it wherever it would be reported, and LL001 does not call the
 * directive unused in a run that analyses a caller (alone, the helper cannot know its callers). */
START_TEST(the_helpers_noqa_suppresses_it) {
    char *dir = copy_package("# noqa: LL104", false);
    const char *paths[] = {".", "eval_arc.py"};
    for (int i = 0; i < 2; i++) {
        CliRun r = RUN_IN(dir, "check", "--isolated", "--no-verify", "--no-cache",
                          "--extend-select", "LL001", "--output-format", "concise", paths[i]);
        ck_assert_msg(r.status == 0, "%s: %s", paths[i], r.out);
        harness_run_free(&r);
    }
    tmp_remove(dir);
    /* a code of the directive that suppresses nothing is still reported, alone */
    dir = copy_package("# noqa: LL104, LL102", false);
    CliRun r = RUN_IN(dir, "check", "--isolated", "--no-verify", "--no-cache", "--extend-select",
                      "LL001", "--output-format", "concise", ".");
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.out, "LL001 unused `noqa` directive: LL102 suppresses nothing"));
    ck_assert_ptr_nonnull(strstr(r.out, "Found 1 error."));
    harness_run_free(&r);
    tmp_remove(dir);
}
END_TEST

/* A warm run prints what a cold one printed, also once the helper alone has changed. */
START_TEST(a_warm_cache_reports_the_same) {
    char *dir = copy_package(NULL, false);
    char *cache = util_xasprintf("%s/.cache", dir);
    const char *argv[] = {"check",           "--isolated", "--cache-dir", cache,
                          "--output-format", "full",       ".",           NULL};
    const char *cold_argv[] = {"check", "--isolated", "--no-cache", "--output-format",
                               "full",  ".",          NULL};
    for (int round = 0; round < 2; round++) {
        CliRun cold = harness_run(cold_argv, NULL, dir);
        CliRun first = harness_run(argv, NULL, dir), warm = harness_run(argv, NULL, dir);
        ck_assert_str_eq(first.out, cold.out);
        ck_assert_str_eq(warm.out, cold.out);
        ck_assert_int_eq(count(warm.out, "LL104"), 2); /* (its code and under the caret) */
        harness_run_free(&cold);
        harness_run_free(&first);
        harness_run_free(&warm);
        /* the helper's flaw moved down two lines, and the runners' cache entries still hold */
        char *ops = tmp_read_rel(dir, "scoring/ops.py");
        char *moved = util_xasprintf("# a note\n# another\n%s", ops);
        tmp_write(dir, "scoring/ops.py", moved);
        CliRun edited = harness_run(argv, NULL, dir), fresh = harness_run(cold_argv, NULL, dir);
        ck_assert_str_eq(edited.out, fresh.out);
        ck_assert_ptr_nonnull(strstr(fresh.out, round == 0 ? "ops.py:9:12" : "ops.py:11:12"));
        harness_run_free(&edited);
        harness_run_free(&fresh);
        free(moved);
        free(ops);
    }
    free(cache);
    tmp_remove(dir);
}
END_TEST

/* A moved finding has no fix; the helper's own fixes still apply, and --add-noqa writes its
 * directive in the helper. */
START_TEST(fixes_and_noqa_edit_the_right_file) {
    char *dir = copy_package(NULL, true);
    char *arc = tmp_read_rel(dir, "eval_arc.py");
    CliRun r = RUN_IN(dir, "check", "--isolated", "--no-cache", "--fix", "--unsafe-fixes",
                      "--output-format", "concise", ".");
    ck_assert_ptr_nonnull(strstr(r.out, "./scoring/ops.py:7:12: LL104 "));
    ck_assert_ptr_nonnull(strstr(r.out, "1 fixed, 1 remaining"));
    char *ops = tmp_read_rel(dir, "scoring/ops.py"), *arc_after = tmp_read_rel(dir, "eval_arc.py");
    ck_assert_ptr_nonnull(strstr(ops, "return torch.log_softmax(logits, dim=-1)\n"));
    ck_assert_str_eq(arc_after, arc);
    harness_run_free(&r);
    free(ops);
    free(arc_after);
    r = RUN_IN(dir, "check", "--isolated", "--no-cache", "--add-noqa", ".");
    ck_assert_int_eq(r.status, 0);
    ops = tmp_read_rel(dir, "scoring/ops.py"), arc_after = tmp_read_rel(dir, "eval_arc.py");
    ck_assert_ptr_nonnull(strstr(ops, "dim=dim)  # noqa: LL104\n"));
    ck_assert_str_eq(arc_after, arc);
    harness_run_free(&r);
    r = RUN_IN(dir, "check", "--isolated", "--no-cache", "--extend-select", "LL001", ".");
    ck_assert_msg(r.status == 0, "%s", r.out);
    harness_run_free(&r);
    free(ops);
    free(arc_after);
    free(arc);
    tmp_remove(dir);
}
END_TEST

/* Values made wrong in one module and summed in another (raw logits gathered in
 * token_scores.py, summed by aggregate.py): reported at the gather, naming the sum; at the call
 * of the gathering function when the run does not analyse its module, whichever other files it
 * analyses. The package: tests/fixtures/project/fire_raw_logits_picked_in_other_module. */
START_TEST(reported_where_the_values_were_made) {
    const char *pkg = FIXTURES_DIR "/project/fire_raw_logits_picked_in_other_module";
    CliRun r = RUN_IN(pkg, "check", "--isolated", "--no-verify", "--no-cache", "--output-format",
                      "concise", ".");
    ck_assert_int_eq(count(r.out, ": LL101"), 1);
    ck_assert_ptr_nonnull(strstr(r.out, "./lmscore/token_scores.py:8:14: LL101 raw logits of the "
                                        "chosen tokens are picked here"));
    ck_assert_ptr_nonnull(strstr(r.out, "summed across positions at lmscore/aggregate.py:2:12"));
    ck_assert_ptr_nonnull(
        strstr(r.out, "(with the arguments of the call of `token_scores` at ./score_answers.py:9"));
    harness_run_free(&r);
    /* the runner alone, then with the module that sums */
    for (int i = 0; i < 2; i++) {
        r = RUN_IN(pkg, "check", "--isolated", "--no-verify", "--no-cache", "--output-format",
                   "concise", "score_answers.py", i ? "lmscore/aggregate.py" : NULL);
        ck_assert_int_eq(count(r.out, ": LL101"), 1);
        ck_assert_ptr_nonnull(strstr(r.out, "score_answers.py:9:12: LL101 "));
        ck_assert_ptr_nonnull(strstr(r.out, "(in `token_scores`, at lmscore/token_scores.py:8:14"));
        harness_run_free(&r);
    }
}
END_TEST

int main(void) {
    Suite *s = suite_create("relocate");
    TCase *tc = tcase_create("relocate");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, reported_in_the_helper_once_for_two_callers);
    tcase_add_test(tc, reported_at_the_call_when_the_helper_is_not_analysed);
    tcase_add_test(tc, the_helpers_noqa_suppresses_it);
    tcase_add_test(tc, a_warm_cache_reports_the_same);
    tcase_add_test(tc, fixes_and_noqa_edit_the_right_file);
    tcase_add_test(tc, reported_where_the_values_were_made);
    suite_add_tcase(s, tc);
    return harness_main(s);
}
