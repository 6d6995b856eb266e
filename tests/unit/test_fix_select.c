/* Which fixes --fix may apply, and how the text formats say so: --fixable, --extend-fixable,
 * --unfixable (ruff's layering over the configuration's keys), --no-unsafe-fixes, and ruff's
 * `[*]` marker with its summary line. */
#include "tempdir.h" /* first: it sets _XOPEN_SOURCE */

#include <jansson.h>

#include "fix_example.h"
#include "harness.h"

#define RUN_IN(dir, ...) harness_run((const char *const[]){__VA_ARGS__, NULL}, NULL, dir)

static const char LL103_LINE[] = "+    lp = torch.log_softmax(logits, dim=-1)  # comment kept\n";
static const char LL108_LINE[] = "+    loss = F.cross_entropy(logits, y)\n";

/* The `+` lines --diff prints with these options and this configuration ("" none): which
 * rules' fixes would be applied. */
static void diff_fixes(const char *config, const char *const *opts, bool ll103, bool ll108) {
    char *dir = tmp_dir();
    tmp_write(dir, "eval.py", FX);
    if (*config) tmp_write(dir, "logitlint.toml", config);
    const char *argv[16] = {"check", "--diff", "--unsafe-fixes", "--no-verify"};
    size_t n = 4;
    for (; *opts; opts++)
        argv[n++] = *opts;
    argv[n++] = "eval.py";
    argv[n] = NULL;
    CliRun r = harness_run(argv, NULL, dir);
    ck_assert_int_eq(r.status, ll103 || ll108 ? 1 : 0);
    ck_assert_msg(!strstr(r.out, LL103_LINE) == !ll103, "%s: %s", config, r.out);
    ck_assert_msg(!strstr(r.out, LL108_LINE) == !ll108, "%s: %s", config, r.out);
    harness_run_free(&r);
    tmp_remove(dir);
}

#define OPTS(...) ((const char *const[]){__VA_ARGS__, NULL})

START_TEST(fix_selection_options) {
    diff_fixes("", OPTS("--unfixable", "LL103"), false, true);
    diff_fixes("", OPTS("--fixable=LL108"), false, true);
    diff_fixes("", OPTS("--fixable", "LL103", "--extend-fixable", "LL108"), true, true);
    /* The most specific selector decides, whichever list it is in. */
    diff_fixes("", OPTS("--unfixable", "LL1", "--extend-fixable", "LL103"), true, false);
    diff_fixes("", OPTS("--fixable", "LL1", "--unfixable", "LL108"), true, false);
    /* Comma-separated, repeatable. */
    diff_fixes("", OPTS("--unfixable", "LL108,LL103"), false, false);
    diff_fixes("", OPTS("--unfixable", "LL108", "--unfixable", "LL103"), false, false);
    /* The command line over the configuration: --fixable replaces its three keys (ruff's
     * layering), --extend-fixable and --unfixable add to them. */
    diff_fixes("unfixable = [\"LL108\"]\n", OPTS("--fixable", "LL108"), false, true);
    diff_fixes("fixable = [\"LL108\"]\n", OPTS("--extend-fixable", "LL103"), true, true);
    diff_fixes("fixable = [\"LL103\"]\n", OPTS("--unfixable", "LL103"), false, false);
    diff_fixes("unfixable = [\"LL1\"]\nextend-fixable = [\"LL103\"]\n", OPTS("--no-verify"), true,
               false);
    /* --no-unsafe-fixes after --unsafe-fixes: the last one counts. */
    diff_fixes("", OPTS("--no-unsafe-fixes"), true, false);
    /* --no-fix after --fix: nothing is written. */
    char *dir = tmp_dir();
    tmp_write(dir, "eval.py", FX);
    CliRun r = RUN_IN(dir, "check", "--fix", "--no-fix", "--no-verify", "eval.py");
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.out, "Found 3 errors.\n"), "%s", r.out);
    harness_run_free(&r);
    char *text = tmp_read_rel(dir, "eval.py");
    ck_assert_str_eq(text, FX);
    free(text);
    tmp_remove(dir);
}
END_TEST

START_TEST(bad_fix_selectors_are_usage_errors) {
    char *dir = tmp_dir();
    tmp_write(dir, "eval.py", FX);
    const char *const bad[][6] = {
        {"check", "--no-verify", "--fixable", "LL9", "eval.py", "LL9"},
        {"check", "--no-verify", "--unfixable=LL103,XX1", "eval.py", NULL, "XX1"},
        {"check", "--no-verify", "--extend-fixable", "", "eval.py", "needs a value"},
        {"check", "--no-verify", "--extend-fixable=", "eval.py", NULL, "needs a value"},
        {"check", "--no-verify", "eval.py", "--fixable", NULL, "needs a value"}};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        const char *argv[6];
        memcpy(argv, bad[i], sizeof argv);
        const char *want = argv[5];
        argv[5] = NULL;
        CliRun r = harness_run(argv, NULL, dir);
        ck_assert_int_eq(r.status, 2);
        ck_assert_msg(strstr(r.err, want), "%s: %s", bad[i][2], r.err);
        ck_assert_str_eq(r.out, "");
        harness_run_free(&r);
    }
    char *text = tmp_read_rel(dir, "eval.py");
    ck_assert_str_eq(text, FX);
    free(text);
    tmp_remove(dir);
}
END_TEST

/* An unfixable rule's fix is dropped, as ruff does: JSON `fix` null, no help line. */
START_TEST(unfixable_fix_is_not_shown) {
    char *dir = tmp_dir();
    tmp_write(dir, "eval.py", FX);
    CliRun r = RUN_IN(dir, "check", "--no-verify", "--unfixable", "LL103", "--output-format",
                      "json", "eval.py");
    json_t *arr = json_loads(r.out, 0, NULL);
    ck_assert_int_eq((int)json_array_size(arr), 3);
    for (size_t i = 0; i < 3; i++) {
        json_t *d = json_array_get(arr, i);
        bool ll103 = !strcmp(json_string_value(json_object_get(d, "code")), "LL103");
        ck_assert(json_is_null(json_object_get(d, "fix")) == ll103);
    }
    json_decref(arr);
    harness_run_free(&r);
    /* README "Fixes" */
    r = RUN_IN(dir, "check", "--diff", "--unsafe-fixes", "--unfixable", "LL103", "eval.py");
    ck_assert_int_eq(r.status, 1);
    ck_assert_str_eq(r.out, "--- eval.py\n+++ eval.py\n"
                            "@@ -5,5 +5,5 @@\n"
                            " def score(logits, y):\n"
                            "     lp = torch.log(torch.softmax(logits, dim=-1))  # comment kept\n"
                            "     lq = F.softmax(logits, -1).log()\n"
                            "-    loss = F.cross_entropy(torch.softmax(logits, -1), y)\n"
                            "+    loss = F.cross_entropy(logits, y)\n"
                            "     return lp, lq, loss\n");
    harness_run_free(&r);
    r = RUN_IN(dir, "check", "--no-verify", "--unfixable", "LL103", "eval.py");
    ck_assert_msg(!strstr(r.out, "log_softmax (safe fix") && strstr(r.out, "(unsafe fix"), "%s",
                  r.out);
    harness_run_free(&r);
    r = RUN_IN(dir, "check", "--show-settings", "--unfixable", "LL108", "--extend-fixable", "LL103",
               "eval.py");
    ck_assert_msg(strstr(r.out, "fixable = [\"ALL\"]\nunfixable = [\"LL108\"]\n"
                                "extend-fixable = [\"LL103\"]\n"),
                  "%s", r.out);
    harness_run_free(&r);
    tmp_remove(dir);
}
END_TEST

static const char *ends_with(const char *s, const char *tail) {
    size_t n = strlen(s), k = strlen(tail);
    return n >= k && !strcmp(s + n - k, tail) ? s + n - k : NULL;
}

/* ruff's marker: `CODE [*]` where --fix would apply the fix, and the summary line. */
START_TEST(fixable_marker_and_summary) {
    char *dir = tmp_dir();
    tmp_write(dir, "eval.py", FX);
    CliRun r = RUN_IN(dir, "check", "--no-verify", "--output-format", "concise", "eval.py");
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.out, "eval.py:6:10: LL103 [*] log of softmax probabilities") &&
                      strstr(r.out, "eval.py:7:10: LL103 [*] log of softmax probabilities") &&
                      strstr(r.out, "eval.py:8:12: LL108 cross-entropy loss fed"),
                  "%s", r.out);
    ck_assert_msg(ends_with(r.out, "Found 3 errors.\n[*] 2 fixable with the `--fix` option (1 "
                                   "hidden fix can be enabled with the `--unsafe-fixes` "
                                   "option).\n"),
                  "%s", r.out);
    harness_run_free(&r);
    /* The full format's header too. */
    r = RUN_IN(dir, "check", "--no-verify", "eval.py");
    ck_assert_msg(strstr(r.out, "eval.py:6:10: LL103 [*] log of softmax") &&
                      strstr(r.out, "eval.py:8:12: LL108 cross-entropy") &&
                      ends_with(r.out, "`--unsafe-fixes` option).\n"),
                  "%s", r.out);
    harness_run_free(&r);
    r = RUN_IN(dir, "check", "--no-verify", "--unsafe-fixes", "--output-format", "concise",
               "eval.py");
    ck_assert_msg(strstr(r.out, "eval.py:8:12: LL108 [*] cross-entropy") &&
                      ends_with(r.out, "Found 3 errors.\n[*] 3 fixable with the `--fix` option.\n"),
                  "%s", r.out);
    harness_run_free(&r);
    r = RUN_IN(dir, "check", "--no-verify", "--no-unsafe-fixes", "--output-format", "concise",
               "eval.py");
    ck_assert_msg(ends_with(r.out, "Found 3 errors.\n[*] 2 fixable with the `--fix` option.\n"),
                  "%s", r.out);
    harness_run_free(&r);
    r = RUN_IN(dir, "check", "--no-verify", "--unfixable", "LL103", "--output-format", "concise",
               "eval.py");
    ck_assert_msg(!strstr(r.out, "[*] log") &&
                      ends_with(r.out, "Found 3 errors.\nNo fixes available (1 hidden fix can be "
                                       "enabled with the `--unsafe-fixes` option).\n"),
                  "%s", r.out);
    harness_run_free(&r);
    /* Machine formats are unchanged: the marker is text only. */
    r = RUN_IN(dir, "check", "--no-verify", "--output-format", "json", "eval.py");
    ck_assert_msg(!strstr(r.out, "[*]") && !strstr(r.out, "fixable with"), "%s", r.out);
    harness_run_free(&r);
    /* No fix at all: no such line. */
    tmp_write(dir, "mean.py",
              "def score(model, ids):\n"
              "    logits = model(ids).logits[:, :-1]\n"
              "    chosen = logits.gather(-1, ids[:, 1:].unsqueeze(-1)).squeeze(-1)\n"
              "    return chosen.mean(-1)\n");
    r = RUN_IN(dir, "check", "--no-verify", "--output-format", "concise", "mean.py");
    ck_assert_msg(strstr(r.out, "mean.py:4:12: LL101 raw") &&
                      ends_with(r.out, "\nFound 1 error.\n"),
                  "%s", r.out);
    harness_run_free(&r);
    /* After --fix, what remains is counted the same way (README "Fixes"). */
    r = RUN_IN(dir, "check", "--fix", "--no-verify", "--output-format", "concise", "eval.py");
    ck_assert_msg(ends_with(r.out, "Found 3 errors (2 fixed, 1 remaining).\nNo fixes available (1 "
                                   "hidden fix can be enabled with the `--unsafe-fixes` "
                                   "option).\n"),
                  "%s", r.out);
    harness_run_free(&r);
    tmp_remove(dir);
}
END_TEST

int main(void) {
    Suite *s = suite_create("fix_select");
    TCase *tc = tcase_create("fix_select");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, fix_selection_options);
    tcase_add_test(tc, bad_fix_selectors_are_usage_errors);
    tcase_add_test(tc, unfixable_fix_is_not_shown);
    tcase_add_test(tc, fixable_marker_and_summary);
    suite_add_tcase(s, tc);
    return harness_main(s);
}
