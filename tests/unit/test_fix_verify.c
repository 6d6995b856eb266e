/* A fix verified by running the patched code: where the verifier runs the script's own scoring
 * for a finding, the fixed function must rank candidates as log Pr(y|x) does on the
 * counterexample and on random tables. JSON `fix.verified`, the full format's help line, and
 * --fix's warning when it does not. */
#include "tempdir.h" /* first: it sets _XOPEN_SOURCE */

#include <jansson.h>

#include "harness.h"

#define RUN_IN(dir, ...) harness_run((const char *const[]){__VA_ARGS__, NULL}, NULL, dir)

/* Raw logits gathered and summed: its fix (gather from log_softmax) makes it log Pr(y|x). */
static const char SUMMED[] = "def sequence_score(model, input_ids):\n"
                             "    logits = model(input_ids).logits[:, :-1]\n"
                             "    targets = input_ids[:, 1:]\n"
                             "    chosen = logits.gather(-1, targets.unsqueeze(-1)).squeeze(-1)\n"
                             "    return chosen.sum(-1)\n";

/* The same without the causal shift (LL105 too): fixing LL101 alone leaves it wrong. */
static const char UNSHIFTED[] =
    "def sequence_score(model, input_ids):\n"
    "    logits = model(input_ids).logits\n"
    "    chosen = logits.gather(-1, input_ids.unsqueeze(-1)).squeeze(-1)\n"
    "    return chosen.sum(-1)\n";

/* The `fix` of the finding with this code in a JSON report. */
static json_t *fix_of(json_t *arr, const char *code) {
    for (size_t i = 0; i < json_array_size(arr); i++)
        if (!strcmp(json_string_value(json_object_get(json_array_get(arr, i), "code")), code))
            return json_object_get(json_array_get(arr, i), "fix");
    return NULL;
}

START_TEST(a_fix_that_ranks_as_log_pr_is_verified) {
    char *dir = tmp_dir();
    tmp_write(dir, "s.py", SUMMED);
    CliRun r = RUN_IN(dir, "check", "--no-cache", "--output-format", "json", "s.py");
    json_t *arr = json_loads(r.out, 0, NULL);
    json_t *fix = fix_of(arr, "LL101");
    ck_assert_msg(json_is_true(json_object_get(fix, "verified")), "%s", r.out);
    json_decref(arr);
    harness_run_free(&r);
    r = RUN_IN(dir, "check", "--no-cache", "s.py");
    ck_assert_msg(strstr(r.out, "(unsafe fix: --unsafe-fixes; verified: the fixed sequence_score() "
                                "ranks candidates as log Pr(y|x) does on 5 tables)\n"),
                  "%s", r.out);
    harness_run_free(&r);
    /* --no-verify: nothing is run, nothing is claimed. */
    r = RUN_IN(dir, "check", "--no-cache", "--no-verify", "--output-format", "json", "s.py");
    arr = json_loads(r.out, 0, NULL);
    fix = fix_of(arr, "LL101");
    ck_assert_ptr_nonnull(json_object_get(fix, "verified"));
    ck_assert(json_is_null(json_object_get(fix, "verified")));
    json_decref(arr);
    harness_run_free(&r);
    r = RUN_IN(dir, "check", "--no-cache", "--no-verify", "s.py");
    ck_assert_msg(strstr(r.out, "(unsafe fix: --unsafe-fixes)\n"), "%s", r.out);
    harness_run_free(&r);
    /* --fix is quiet about a verified fix. */
    r = RUN_IN(dir, "check", "--no-cache", "--fix", "--unsafe-fixes", "s.py");
    ck_assert_int_eq(r.status, 0);
    ck_assert_str_eq(r.err, "");
    harness_run_free(&r);
    tmp_remove(dir);
}
END_TEST

/* The fix is applied as asked (its own finding is gone), but it is not called verified, and
 * --fix and --diff say why on standard error. */
START_TEST(a_fix_that_still_misranks_is_reported) {
    char *dir = tmp_dir();
    tmp_write(dir, "u.py", UNSHIFTED);
    CliRun r = RUN_IN(dir, "check", "--no-cache", "--output-format", "json", "u.py");
    json_t *arr = json_loads(r.out, 0, NULL);
    ck_assert_msg(json_is_false(json_object_get(fix_of(arr, "LL101"), "verified")), "%s", r.out);
    json_decref(arr);
    harness_run_free(&r);
    const char *why = "on the counterexample's table the fixed sequence_score() does not rank "
                      "[A, A] above [B, B] as log Pr(y|x) does";
    r = RUN_IN(dir, "check", "--no-cache", "u.py");
    char *help = util_xasprintf("(unsafe fix: --unsafe-fixes; not verified: %s)\n", why);
    ck_assert_msg(strstr(r.out, help), "%s", r.out);
    free(help);
    harness_run_free(&r);
    char *warning = util_xasprintf("warning: u.py:4:12: LL101 fix not verified: %s\n", why);
    r = RUN_IN(dir, "check", "--no-cache", "--diff", "--unsafe-fixes", "u.py");
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, warning), "%s", r.err);
    harness_run_free(&r);
    r = RUN_IN(dir, "check", "--no-cache", "--fix", "--unsafe-fixes", "u.py");
    ck_assert_int_eq(r.status, 1); /* LL105 remains */
    ck_assert_msg(strstr(r.err, warning), "%s", r.err);
    ck_assert_msg(strstr(r.out, "u.py:3:14: LL105"), "%s", r.out);
    harness_run_free(&r);
    free(warning);
    char *now = tmp_read_rel(dir, "u.py");
    ck_assert_msg(strstr(now, "logits.log_softmax(-1).gather(-1, input_ids.unsqueeze(-1))"), "%s",
                  now);
    free(now);
    tmp_remove(dir);
}
END_TEST

/* Where the script's code cannot be run (here: it returns a tuple, not a score), the fix is
 * neither verified nor refuted: null, and the help line claims nothing. */
START_TEST(a_fix_that_cannot_be_run_is_unverified) {
    char *dir = tmp_dir();
    tmp_write(dir, "t.py",
              "import torch\n"
              "def f(x):\n"
              "    return torch.log(torch.softmax(x, -1)), x\n");
    CliRun r = RUN_IN(dir, "check", "--no-cache", "--output-format", "json", "t.py");
    json_t *arr = json_loads(r.out, 0, NULL);
    json_t *fix = fix_of(arr, "LL103");
    ck_assert_ptr_nonnull(fix);
    ck_assert_ptr_nonnull(json_object_get(fix, "verified"));
    ck_assert(json_is_null(json_object_get(fix, "verified")));
    json_decref(arr);
    harness_run_free(&r);
    r = RUN_IN(dir, "check", "--no-cache", "t.py");
    ck_assert_msg(strstr(r.out, "(safe fix: --fix)\n"), "%s", r.out);
    harness_run_free(&r);
    tmp_remove(dir);
}
END_TEST

int main(void) {
    Suite *s = suite_create("fix_verify");
    TCase *tc = tcase_create("fix_verify");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, a_fix_that_ranks_as_log_pr_is_verified);
    tcase_add_test(tc, a_fix_that_still_misranks_is_reported);
    tcase_add_test(tc, a_fix_that_cannot_be_run_is_unverified);
    suite_add_tcase(s, tc);
    return harness_main(s);
}
