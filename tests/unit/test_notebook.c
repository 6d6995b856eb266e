/* Jupyter notebooks: code cells only, IPython syntax neutralised in place, findings by cell. */
#include "tempdir.h"

#include "harness.h"
#include "notebook.h"

static void expect_neutralised(const char *in, const char *want) {
    char *buf = util_xstrdup(in);
    notebook_neutralise(buf, strlen(buf));
    ck_assert_str_eq(buf, want);
    ck_assert_uint_eq(strlen(buf), strlen(in)); /* positions never move */
    free(buf);
}

START_TEST(neutralise) {
    expect_neutralised("%matplotlib inline\nx = 1\n", "#matplotlib inline\nx = 1\n");
    expect_neutralised("!pip install torch\n", "#pip install torch\n");
    expect_neutralised("if x:\n    !ls\n", "if x:\n    #ls\n");
    expect_neutralised("files = !ls -la\n", "files = 0      \n");
    expect_neutralised("t = %timeit f()\n", "t = 0          \n");
    expect_neutralised("torch.log_softmax?\n", "torch.log_softmax \n");
    expect_neutralised("??torch\n", "#?torch\n");
    expect_neutralised("%%bash\necho 'x(\n", "      \n        \n");
    expect_neutralised("%%time\ny = f(x)\n", "#%time\ny = f(x)\n");
    expect_neutralised("!echo a \\\n  b\nz = 1\n", "#echo a \\\n  #\nz = 1\n");
    expect_neutralised("x == !y\n", "x == !y\n"); /* not IPython: left for the parser */
    expect_neutralised("s = 'what?'\n", "s = 'what?'\n");
}
END_TEST

/* A notebook: markdown (cell 1), magics (cell 2), the bug (cell 3, row 5). */
static const char *const NOTEBOOK =
    "{\"cells\": [\n"
    " {\"cell_type\": \"markdown\", \"metadata\": {}, \"source\": [\"# Scoring\\n\", \"text\"]},\n"
    " {\"cell_type\": \"code\", \"metadata\": {}, \"outputs\": [], \"execution_count\": null,\n"
    "  \"source\": [\"%matplotlib inline\\n\", \"!pip install torch\\n\", \"import torch\"]},\n"
    " {\"cell_type\": \"code\", \"metadata\": {}, \"outputs\": [], \"execution_count\": null,\n"
    "  \"source\": \"def score(model, ids):\\n    logits = model(ids).logits\\n    total = 0\\n"
    "    for t in range(ids.shape[1] - 1):\\n        total += logits[0, t, ids[0, t + 1]]\\n"
    "    return total\"}\n"
    "], \"metadata\": {}, \"nbformat\": 4, \"nbformat_minor\": 5}\n";

START_TEST(cli_reports_cells) {
    char *dir = tmp_dir();
    tmp_write(dir, "eval.ipynb", NOTEBOOK);
    const char *concise[] = {"check",   "--no-verify", "--output-format",
                             "concise", "eval.ipynb",  NULL};
    CliRun r = harness_run(concise, NULL, dir);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(!strncmp(r.out, "eval.ipynb:cell 3:5:9: LL101 ", 29), "got: %s", r.out);
    ck_assert_msg(strstr(r.out, "(logits from line 2)"), "got: %s", r.out);
    harness_run_free(&r);
    const char *json[] = {"check", "--no-verify", "--output-format", "json", "eval.ipynb", NULL};
    r = harness_run(json, NULL, dir);
    ck_assert_msg(strstr(r.out, "\"cell\": 3,") && strstr(r.out, "\"row\": 5,"), "got: %s", r.out);
    harness_run_free(&r);
    /* Directories are searched for notebooks too; stdin is a notebook by its name. */
    const char *walk[] = {"check", "--no-verify", "--output-format", "concise", ".", NULL};
    r = harness_run(walk, NULL, dir);
    ck_assert_msg(strstr(r.out, "./eval.ipynb:cell 3:5:9: LL101"), "got: %s", r.out);
    harness_run_free(&r);
    const char *in[] = {
        "check", "--no-verify", "--output-format", "concise", "--stdin-filename", "x.ipynb",
        "-",     NULL};
    r = harness_run(in, NOTEBOOK, dir);
    ck_assert_msg(strstr(r.out, "x.ipynb:cell 3:5:9: LL101"), "got: %s", r.out);
    harness_run_free(&r);
    tmp_remove(dir);
}
END_TEST

START_TEST(cli_noqa_in_a_cell) {
    char *dir = tmp_dir();
    char *nb = util_xstrdup(NOTEBOOK);
    char *at = strstr(nb, "ids[0, t + 1]]");
    ck_assert_ptr_nonnull(at);
    char *patched =
        util_xasprintf("%.*sids[0, t + 1]]  # noqa: LL101%s", (int)(at - nb), nb, at + 14);
    tmp_write(dir, "eval.ipynb", patched);
    const char *argv[] = {"check", "--no-verify", "eval.ipynb", NULL};
    CliRun r = harness_run(argv, NULL, dir);
    ck_assert_int_eq(r.status, 0);
    harness_run_free(&r);
    free(nb);
    free(patched);
    tmp_remove(dir);
}
END_TEST

START_TEST(cli_invalid_notebook) {
    char *dir = tmp_dir();
    tmp_write(dir, "bad.ipynb", "{\"cells\": [1, 2}\n");
    tmp_write(dir, "cut.ipynb", "{\"cells\": [1, 2\n");
    tmp_write(dir, "old.ipynb", "{\"worksheets\": []}\n");
    tmp_write(dir, "src.ipynb", "{\"cells\": [{\"cell_type\": \"code\", \"source\": 3}]}\n");
    const char *argv[] = {"check", "bad.ipynb", NULL};
    CliRun r = harness_run(argv, NULL, dir);
    ck_assert_int_eq(r.status, 2);
    ck_assert_msg(strstr(r.err, "logitlint: bad.ipynb:1:16: not a valid notebook: invalid JSON: "),
                  "got: %s", r.err);
    harness_run_free(&r);
    const char *cut[] = {"check", "cut.ipynb", NULL};
    r = harness_run(cut, NULL, dir);
    ck_assert_int_eq(r.status, 2);
    ck_assert_msg(strstr(r.err, "logitlint: cut.ipynb:2:1: not a valid notebook: invalid JSON: "),
                  "got: %s", r.err);
    harness_run_free(&r);
    const char *old[] = {"check", "old.ipynb", NULL};
    r = harness_run(old, NULL, dir);
    ck_assert_int_eq(r.status, 2);
    ck_assert_msg(strstr(r.err, "old.ipynb: not a valid notebook: no \"cells\" array"), "got: %s",
                  r.err);
    harness_run_free(&r);
    const char *src[] = {"check", "src.ipynb", NULL};
    r = harness_run(src, NULL, dir);
    ck_assert_int_eq(r.status, 2);
    ck_assert_msg(strstr(r.err, "src.ipynb: not a valid notebook: cell 1: \"source\" must be"),
                  "got: %s", r.err);
    harness_run_free(&r);
    tmp_remove(dir);
}
END_TEST

START_TEST(cli_syntax_error_in_a_cell) {
    char *dir = tmp_dir();
    tmp_write(dir, "s.ipynb",
              "{\"cells\": [{\"cell_type\": \"code\", \"source\": \"x = 1\\n\"},\n"
              " {\"cell_type\": \"markdown\", \"source\": \"text\"},\n"
              " {\"cell_type\": \"code\", \"source\": [\"y = f(\\n\", \"    a=1\\n\", \"    "
              "b=2,\\n\", \")\\n\"]}]}\n");
    const char *argv[] = {"check", "s.ipynb", NULL};
    CliRun r = harness_run(argv, NULL, dir);
    ck_assert_int_eq(r.status, 0);
    ck_assert_msg(strstr(r.err, "warning: s.ipynb:cell 3:3:5: syntax error"), "got: %s", r.err);
    harness_run_free(&r);
    tmp_remove(dir);
}
END_TEST

int main(void) {
    Suite *s = suite_create("notebook");
    TCase *tc = tcase_create("notebook");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, neutralise);
    tcase_add_test(tc, cli_reports_cells);
    tcase_add_test(tc, cli_noqa_in_a_cell);
    tcase_add_test(tc, cli_invalid_notebook);
    tcase_add_test(tc, cli_syntax_error_in_a_cell);
    suite_add_tcase(s, tc);
    return harness_main(s);
}
