/* Adopting logitlint on an existing code base: --add-noqa (notebooks too), --show-files and
 * --show-settings. */
#include "tempdir.h" /* first: it sets _XOPEN_SOURCE */

#include "harness.h"

#define RUN_IN(dir, ...) harness_run((const char *const[]){__VA_ARGS__, NULL}, NULL, dir)

static const char TWO_FINDINGS[] = "import torch\n"
                                   "def f(x):\n"
                                   "    p = torch.log(torch.softmax(x, -1))  # keep: a comment\n"
                                   "    q = torch.log(torch.softmax(x, -1))  # noqa: E501\n"
                                   "    return p, q\n";

static const char NOTEBOOK[] =
    "{\n"
    " \"cells\": [\n"
    "  {\n"
    "   \"cell_type\": \"code\",\n"
    "   \"execution_count\": 3,\n"
    "   \"metadata\": {},\n"
    "   \"outputs\": [{\"name\": \"stdout\", \"output_type\": \"stream\", \"text\": [\"x\\n\"]}],\n"
    "   \"source\": [\n"
    "    \"%matplotlib inline\\n\",\n"
    "    \"def score(model, ids):\\n\",\n"
    "    \"    logits = model(ids).logits\\n\",\n"
    "    \"    total = 0\\n\",\n"
    "    \"    for t in range(ids.shape[1] - 1):\\n\",\n"
    "    \"        total += logits[0, t, ids[0, t + 1]]\\n\",\n"
    "    \"    return total\"\n"
    "   ]\n"
    "  }\n"
    " ],\n"
    " \"metadata\": {}, \"nbformat\": 4, \"nbformat_minor\": 5\n"
    "}\n";

START_TEST(add_noqa_adds_and_extends_directives) {
    char *dir = tmp_dir();
    tmp_write(dir, "c.py", TWO_FINDINGS);
    CliRun r = RUN_IN(dir, "check", "--add-noqa", ".");
    ck_assert_int_eq(r.status, 0);
    ck_assert_msg(strstr(r.err, "Added 2 noqa directives."), "%s", r.err);
    harness_run_free(&r);
    char *text = tmp_read_rel(dir, "c.py");
    ck_assert_str_eq(text,
                     "import torch\n"
                     "def f(x):\n"
                     "    p = torch.log(torch.softmax(x, -1))  # keep: a comment  # noqa: LL103\n"
                     "    q = torch.log(torch.softmax(x, -1))  # noqa: E501, LL103\n"
                     "    return p, q\n");
    free(text);
    /* Now clean, and a second run adds nothing. */
    r = RUN_IN(dir, "check", "--no-verify", ".");
    ck_assert_int_eq(r.status, 0);
    harness_run_free(&r);
    r = RUN_IN(dir, "check", "--add-noqa", ".");
    ck_assert_msg(strstr(r.err, "Added 0 noqa directives."), "%s", r.err);
    harness_run_free(&r);
    tmp_remove(dir);
}
END_TEST

/* The directive goes into the cell's source string; outputs, magics and layout are kept. */
START_TEST(add_noqa_in_a_notebook) {
    char *dir = tmp_dir();
    tmp_write(dir, "nb.ipynb", NOTEBOOK);
    CliRun r = RUN_IN(dir, "check", "--add-noqa", "nb.ipynb");
    ck_assert_int_eq(r.status, 0);
    harness_run_free(&r);
    char *text = tmp_read_rel(dir, "nb.ipynb");
    const char *line = "    \"        total += logits[0, t, ids[0, t + 1]]  # noqa: LL101\\n\",\n";
    ck_assert_msg(strstr(text, line), "%s", text);
    /* Everything else is byte for byte the same. */
    const char *orig_line = "    \"        total += logits[0, t, ids[0, t + 1]]\\n\",\n";
    const char *at = strstr(NOTEBOOK, orig_line);
    size_t head = (size_t)(at - NOTEBOOK);
    ck_assert(!strncmp(text, NOTEBOOK, head));
    ck_assert_str_eq(text + head + strlen(line), at + strlen(orig_line));
    free(text);
    r = RUN_IN(dir, "check", "--no-verify", "nb.ipynb");
    ck_assert_int_eq(r.status, 0);
    harness_run_free(&r);
    tmp_remove(dir);
}
END_TEST

/* A finding on a line that ends inside a multi-line string cannot take a comment there. */
START_TEST(add_noqa_never_writes_into_a_string) {
    char *dir = tmp_dir();
    const char *src = "import torch\n"
                      "def f(x):\n"
                      "    return torch.log(torch.softmax(x, -1)), \"\"\"doc\n"
                      "text\"\"\"\n";
    tmp_write(dir, "s.py", src);
    CliRun r = RUN_IN(dir, "check", "--add-noqa", "s.py");
    ck_assert_msg(strstr(r.err, "warning: s.py:3: no noqa directive added for LL103"), "%s", r.err);
    ck_assert_msg(strstr(r.err, "Added 0 noqa directives."), "%s", r.err);
    harness_run_free(&r);
    char *text = tmp_read_rel(dir, "s.py");
    ck_assert_str_eq(text, src);
    free(text);
    tmp_remove(dir);
}
END_TEST

START_TEST(show_files_lists_what_would_be_analysed) {
    char *dir = tmp_dir();
    tmp_write(dir, "a.py", "x = 1\n");
    tmp_write(dir, "sub/b.ipynb", NOTEBOOK);
    tmp_write(dir, "build/c.py", "x = 1\n");
    tmp_write(dir, "skip/d.py", "x = 1\n");
    tmp_write(dir, "notes.txt", "x\n");
    CliRun r = RUN_IN(dir, "check", "--show-files", "--extend-exclude", "skip", ".");
    ck_assert_int_eq(r.status, 0);
    ck_assert_str_eq(r.out, "./a.py\n./sub/b.ipynb\n");
    harness_run_free(&r);
    tmp_remove(dir);
}
END_TEST

START_TEST(show_settings_names_the_file_and_the_rules) {
    char *dir = tmp_dir();
    tmp_write(dir, "pyproject.toml",
              "[tool.logitlint]\nignore = [\"LL107\"]\n"
              "output-format = \"concise\"\n"
              "[tool.logitlint.per-file-ignores]\n\"a.py\" = [\"LL101\"]\n");
    tmp_write(dir, "a.py", "x = 1\n");
    CliRun r = RUN_IN(dir, "check", "--show-settings", "--ignore", "LL110", "a.py");
    ck_assert_int_eq(r.status, 0);
    char *head =
        util_xasprintf("Resolved settings for: a.py\nSettings path: %s/pyproject.toml\n", dir);
    ck_assert_msg(!strncmp(r.out, head, strlen(head)), "%s", r.out);
    ck_assert_msg(strstr(r.out, "select = [\"LL001\", \"LL102\", \"LL103\", \"LL104\", \"LL105\", "
                                "\"LL106\", \"LL108\", \"LL109\", \"LL111\", \"LL112\"]\n"),
                  "%s", r.out);
    ck_assert_msg(strstr(r.out, "output-format = \"concise\"\n"), "%s", r.out);
    ck_assert_msg(strstr(r.out, "fixable = [\"ALL\"]\nunfixable = []\n"), "%s", r.out);
    ck_assert_msg(strstr(r.out, "\"a.py\" = [\"LL101\"]\n"), "%s", r.out);
    harness_run_free(&r);
    r = RUN_IN(dir, "check", "--show-settings", "--isolated", "a.py");
    ck_assert_msg(strstr(r.out, "Settings path: (none: --isolated)\n"), "%s", r.out);
    harness_run_free(&r);
    free(head);
    tmp_remove(dir);
}
END_TEST

int main(void) {
    Suite *s = suite_create("adoption");
    TCase *tc = tcase_create("adoption");
    tcase_add_test(tc, add_noqa_adds_and_extends_directives);
    tcase_add_test(tc, add_noqa_in_a_notebook);
    tcase_add_test(tc, add_noqa_never_writes_into_a_string);
    tcase_add_test(tc, show_files_lists_what_would_be_analysed);
    tcase_add_test(tc, show_settings_names_the_file_and_the_rules);
    suite_add_tcase(s, tc);
    return harness_main(s);
}
