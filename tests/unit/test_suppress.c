/* `# noqa`, file-level `# logitlint: noqa`, and LL001 unused-noqa, as the user sees them. */
#include "tempdir.h"

#include "harness.h"
#include "rules.h"
#include "suppress.h"

static NoqaDirective parse(const char *comment, bool own_line, bool *found) {
    NoqaDirective d;
    *found = suppress_parse_comment(comment, strlen(comment), own_line, &d);
    return d;
}

static void free_directive(NoqaDirective *d) {
    for (size_t i = 0; i < d->codes.len; i++)
        free(d->codes.items[i].code);
    array_free(&d->codes);
}

START_TEST(comment_syntax) {
    bool found;
    NoqaDirective d = parse("# noqa", false, &found);
    ck_assert(found && d.blanket && !d.file_level);
    d = parse("# noqa: LL101, LL105", false, &found);
    ck_assert(found && !d.blanket && d.codes.len == 2);
    ck_assert_str_eq(d.codes.items[0].code, "LL101");
    ck_assert_str_eq(d.codes.items[1].code, "LL105");
    free_directive(&d);
    d = parse("# NOQA:E501,LL101", false, &found);
    ck_assert(found && d.codes.len == 2);
    ck_assert_str_eq(d.codes.items[1].code, "LL101");
    free_directive(&d);
    d = parse("# type: ignore  # noqa: LL101", false, &found);
    ck_assert(found && d.codes.len == 1);
    free_directive(&d);
    parse("# noqa-like words are not directives", false, &found);
    ck_assert(!found);
    parse("# see noqa docs", false, &found);
    ck_assert(!found);
    d = parse("# logitlint: noqa", true, &found);
    ck_assert(found && d.file_level && d.blanket);
    d = parse("# logitlint: noqa: LL101", true, &found);
    ck_assert(found && d.file_level && d.codes.len == 1);
    free_directive(&d);
    /* Not on its own line: not a file-level directive (and not a line one either). */
    parse("# logitlint: noqa", false, &found);
    ck_assert(!found);
}
END_TEST

static int count_code(const DiagList *d, const char *code) {
    int n = 0;
    for (size_t i = 0; i < d->len; i++)
        n += !strcmp(d->items[i].rule->code, code);
    return n;
}

/* BUGGY_PY with `suffix` appended to its line 5. */
static char *buggy_with(const char *suffix) {
    return util_xasprintf("def score(model, ids):\n"
                          "    logits = model(ids).logits\n"
                          "    total = 0\n"
                          "    for t in range(ids.shape[1] - 1):\n"
                          "        total += logits[0, t, ids[0, t + 1]]%s\n"
                          "    return total\n",
                          suffix);
}

START_TEST(noqa_suppresses_on_its_line) {
    struct {
        const char *suffix;
        int ll101, ll001;
    } cases[] = {
        {"", 1, 0},
        {"  # noqa: LL101", 0, 0},
        {"  # noqa", 0, 0},
        {"  # noqa: E501, LL101", 0, 0},
        {"  # noqa: E501", 1, 0},         /* other linters' codes only */
        {"  # noqa: LL101, LL999", 0, 1}, /* LL999 suppresses nothing */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *py = buggy_with(cases[i].suffix);
        DiagList d = harness_lint(py, NULL);
        ck_assert_msg(count_code(&d, "LL101") == cases[i].ll101, "'%s': LL101", cases[i].suffix);
        ck_assert_msg(count_code(&d, "LL001") == cases[i].ll001, "'%s': LL001", cases[i].suffix);
        diag_list_free(&d);
        free(py);
    }
}
END_TEST

START_TEST(noqa_elsewhere_does_not_suppress) {
    char *py = util_xasprintf("%s", BUGGY_PY);
    char *moved = util_xasprintf("x = 1  # noqa: LL101\n%s", py);
    DiagList d = harness_lint(moved, NULL);
    ck_assert_int_eq(harness_count(&d, "LL101", 6), 1);
    ck_assert_int_eq(harness_count(&d, "LL001", 1), 1);
    diag_list_free(&d);
    char *in_string = util_xasprintf("%s", "S = '# noqa: LL101'\n");
    DiagList d2 = harness_lint(in_string, NULL);
    ck_assert_int_eq((int)d2.len, 0); /* a string is not a comment: nothing to judge */
    diag_list_free(&d2);
    free(py);
    free(moved);
    free(in_string);
}
END_TEST

START_TEST(file_level) {
    char *all = util_xasprintf("# logitlint: noqa\n%s", BUGGY_PY);
    DiagList d = harness_lint(all, NULL);
    ck_assert_int_eq((int)d.len, 0);
    diag_list_free(&d);
    char *one = util_xasprintf("# logitlint: noqa: LL101\n%s", BUGGY_PY);
    d = harness_lint(one, NULL);
    ck_assert_int_eq((int)d.len, 0);
    diag_list_free(&d);
    char *other = util_xasprintf("# logitlint: noqa: LL103\n%s", BUGGY_PY);
    d = harness_lint(other, NULL);
    ck_assert_int_eq(harness_count(&d, "LL101", 6), 1);
    ck_assert_int_eq(harness_count(&d, "LL001", 1), 1);
    diag_list_free(&d);
    free(all);
    free(one);
    free(other);
}
END_TEST

/* What the user sees: LL001 at the comment, with the code it names; --ignore LL001 hides it;
 * --select LL001 alone still knows the LL101 directive is used. */
START_TEST(cli_unused_noqa) {
    char *dir = tmp_dir();
    char *py = buggy_with("  # noqa: LL101");
    tmp_write(dir, "used.py", py);
    tmp_write(dir, "unused.py", "import os  # noqa: F401, LL101\n");
    const char *argv[] = {"check",   "--no-verify", "--output-format", "concise", "unused.py",
                          "used.py", NULL};
    CliRun r = harness_run(argv, NULL, dir);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.out, "unused.py:1:12: LL001 unused `noqa` directive: LL101 suppresses "
                                "nothing on this line\n"),
                  "got: %s", r.out);
    ck_assert_msg(!strstr(r.out, "used.py:5"), "got: %s", r.out);
    harness_run_free(&r);
    const char *sel[] = {"check", "--no-verify", "--select", "LL001", "used.py", NULL};
    r = harness_run(sel, NULL, dir);
    ck_assert_int_eq(r.status, 0);
    harness_run_free(&r);
    const char *ign[] = {"check", "--no-verify", "--ignore", "LL001", "unused.py", NULL};
    r = harness_run(ign, NULL, dir);
    ck_assert_int_eq(r.status, 0);
    harness_run_free(&r);
    free(py);
    tmp_remove(dir);
}
END_TEST

int main(void) {
    Suite *s = suite_create("suppress");
    TCase *tc = tcase_create("noqa");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, comment_syntax);
    tcase_add_test(tc, noqa_suppresses_on_its_line);
    tcase_add_test(tc, noqa_elsewhere_does_not_suppress);
    tcase_add_test(tc, file_level);
    tcase_add_test(tc, cli_unused_noqa);
    suite_add_tcase(s, tc);
    return harness_main(s);
}
