/* Fixes with ruff's interface: --fix (safe only), --unsafe-fixes, --diff, --show-fixes,
 * --exit-non-zero-on-fix, fixable / unfixable, the JSON `fix` field, the full format's help and
 * diff, SARIF `fixes`; notebooks; overlapping fixes; and the re-analysis that rolls back a fix
 * leaving its finding or adding one. */
#include "tempdir.h" /* first: it sets _XOPEN_SOURCE */

#include <jansson.h>

#include "fix_example.h"
#include "fix_run.h"
#include "harness.h"
#include "lint.h"
#include "notebook.h"
#include "rules.h"

#define RUN_IN(dir, ...) harness_run((const char *const[]){__VA_ARGS__, NULL}, NULL, dir)

static const char FX_SAFE[] = "import torch\n"
                              "import torch.nn.functional as F\n"
                              "\n"
                              "\n"
                              "def score(logits, y):\n"
                              "    lp = torch.log_softmax(logits, dim=-1)  # comment kept\n"
                              "    lq = F.log_softmax(logits, -1)\n"
                              "    loss = F.cross_entropy(torch.softmax(logits, -1), y)\n"
                              "    return lp, lq, loss\n";

START_TEST(diff_shows_and_writes_nothing) {
    char *dir = tmp_dir();
    tmp_write(dir, "eval.py", FX);
    CliRun r = RUN_IN(dir, "check", "--diff", "eval.py");
    ck_assert_int_eq(r.status, 1);
    ck_assert_str_eq(r.out, "--- eval.py\n+++ eval.py\n"
                            "@@ -3,7 +3,7 @@\n"
                            " \n \n"
                            " def score(logits, y):\n"
                            "-    lp = torch.log(torch.softmax(logits, dim=-1))  # comment kept\n"
                            "-    lq = F.softmax(logits, -1).log()\n"
                            "+    lp = torch.log_softmax(logits, dim=-1)  # comment kept\n"
                            "+    lq = F.log_softmax(logits, -1)\n"
                            "     loss = F.cross_entropy(torch.softmax(logits, -1), y)\n"
                            "     return lp, lq, loss\n");
    ck_assert_str_eq(r.err, "Would fix 2 errors.\n");
    harness_run_free(&r);
    char *text = tmp_read_rel(dir, "eval.py");
    ck_assert_str_eq(text, FX);
    free(text);
    /* Nothing to fix: no diff, exit 0. */
    tmp_write(dir, "clean.py", "x = 1\n");
    r = RUN_IN(dir, "check", "--diff", "clean.py");
    ck_assert_int_eq(r.status, 0);
    ck_assert_str_eq(r.out, "");
    harness_run_free(&r);
    tmp_remove(dir);
}
END_TEST

START_TEST(fix_applies_safe_fixes_and_unsafe_ones_only_when_asked) {
    char *dir = tmp_dir();
    tmp_write(dir, "eval.py", FX);
    CliRun r = RUN_IN(dir, "check", "--fix", "--show-fixes", "--no-verify", "eval.py");
    ck_assert_int_eq(r.status, 1); /* the unsafe one remains */
    ck_assert_msg(strstr(r.out, "eval.py:8:12: LL108"), "%s", r.out);
    ck_assert_msg(
        strstr(r.out, "Fixed 2 errors:\n- eval.py:\n    2 \u00d7 LL103 (log-of-softmax)\n"), "%s",
        r.out);
    ck_assert_msg(strstr(r.out, "Found 3 errors (2 fixed, 1 remaining).\nNo fixes available (1 "
                                "hidden fix can be enabled with the `--unsafe-fixes` option).\n"),
                  "%s", r.out);
    harness_run_free(&r);
    char *text = tmp_read_rel(dir, "eval.py");
    ck_assert_str_eq(text, FX_SAFE);
    free(text);
    r = RUN_IN(dir, "check", "--fix", "--unsafe-fixes", "--no-verify", "eval.py");
    ck_assert_int_eq(r.status, 0);
    ck_assert_str_eq(r.out, "Found 1 error (1 fixed, 0 remaining).\n");
    harness_run_free(&r);
    text = tmp_read_rel(dir, "eval.py");
    ck_assert_msg(strstr(text, "    loss = F.cross_entropy(logits, y)\n"), "%s", text);
    free(text);
    /* --exit-non-zero-on-fix: fixed everything, still 1. */
    tmp_write(dir, "eval.py", FX);
    r = RUN_IN(dir, "check", "--fix", "--unsafe-fixes", "--exit-non-zero-on-fix", "--no-verify",
               "eval.py");
    ck_assert_int_eq(r.status, 1);
    harness_run_free(&r);
    tmp_remove(dir);
}
END_TEST

START_TEST(fixable_and_unfixable_keys) {
    char *dir = tmp_dir();
    tmp_write(dir, "eval.py", FX);
    tmp_write(dir, "logitlint.toml", "unfixable = [\"LL103\"]\n");
    CliRun r = RUN_IN(dir, "check", "--diff", "--unsafe-fixes", "eval.py");
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.out, "+    loss = F.cross_entropy(logits, y)\n") &&
                      !strstr(r.out, "log_softmax"),
                  "%s", r.out);
    harness_run_free(&r);
    tmp_write(dir, "logitlint.toml", "fixable = [\"LL1\"]\nunfixable = [\"LL108\"]\n");
    r = RUN_IN(dir, "check", "--diff", "--unsafe-fixes", "eval.py");
    ck_assert_msg(strstr(r.out, "log_softmax") && !strstr(r.out, "+    loss"), "%s", r.out);
    harness_run_free(&r);
    tmp_write(dir, "logitlint.toml", "fixable = [\"LL9\"]\n");
    r = RUN_IN(dir, "check", "--diff", "eval.py");
    ck_assert_int_eq(r.status, 2);
    ck_assert_msg(strstr(r.err, "LL9"), "%s", r.err);
    harness_run_free(&r);
    tmp_remove(dir);
}
END_TEST

START_TEST(reports_carry_the_fix) {
    char *dir = tmp_dir();
    tmp_write(dir, "eval.py", FX);
    CliRun r = RUN_IN(dir, "check", "--no-verify", "--output-format", "json", "eval.py");
    json_t *arr = json_loads(r.out, 0, NULL);
    ck_assert_int_eq((int)json_array_size(arr), 3);
    json_t *fix = json_object_get(json_array_get(arr, 0), "fix");
    ck_assert_str_eq(json_string_value(json_object_get(fix, "applicability")), "safe");
    ck_assert_str_eq(json_string_value(json_object_get(fix, "message")),
                     "Replace the log of softmax with log_softmax");
    json_t *edit = json_array_get(json_object_get(fix, "edits"), 0);
    ck_assert_str_eq(json_string_value(json_object_get(edit, "content")),
                     "torch.log_softmax(logits, dim=-1)");
    ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(edit, "location"), "row")),
                     6);
    ck_assert_int_eq(
        json_integer_value(json_object_get(json_object_get(edit, "location"), "column")), 10);
    ck_assert_int_eq(
        json_integer_value(json_object_get(json_object_get(edit, "end_location"), "column")), 50);
    fix = json_object_get(json_array_get(arr, 2), "fix");
    ck_assert_str_eq(json_string_value(json_object_get(fix, "applicability")), "unsafe");
    json_decref(arr);
    harness_run_free(&r);

    r = RUN_IN(dir, "check", "--no-verify", "eval.py");
    ck_assert_msg(strstr(r.out, "  = help: Replace the log of softmax with log_softmax (safe fix: "
                                "--fix)\n"
                                "  -    lp = torch.log(torch.softmax(logits, dim=-1))  # comment "
                                "kept\n"
                                "  +    lp = torch.log_softmax(logits, dim=-1)  # comment kept\n"),
                  "%s", r.out);
    harness_run_free(&r);

    r = RUN_IN(dir, "check", "--no-verify", "--output-format", "sarif", "eval.py");
    json_t *log = json_loads(r.out, 0, NULL);
    json_t *res = json_array_get(
        json_object_get(json_array_get(json_object_get(log, "runs"), 0), "results"), 0);
    json_t *change = json_array_get(
        json_object_get(json_array_get(json_object_get(res, "fixes"), 0), "artifactChanges"), 0);
    json_t *rep = json_array_get(json_object_get(change, "replacements"), 0);
    ck_assert_str_eq(
        json_string_value(json_object_get(json_object_get(rep, "insertedContent"), "text")),
        "torch.log_softmax(logits, dim=-1)");
    ck_assert_int_eq(
        json_integer_value(json_object_get(json_object_get(rep, "deletedRegion"), "startColumn")),
        10);
    json_decref(log);
    harness_run_free(&r);
    tmp_remove(dir);
}
END_TEST

/* A notebook is fixed inside its cell's source string: magics, outputs and layout stay. */
START_TEST(fix_in_a_notebook) {
    char *dir = tmp_dir();
    const char *before =
        "{\n \"cells\": [\n  {\n   \"cell_type\": \"code\",\n   \"execution_count\": 1,\n"
        "   \"metadata\": {},\n"
        "   \"outputs\": [{\"output_type\": \"stream\", \"name\": \"stdout\", \"text\": "
        "[\"torch.log(torch.softmax(x, -1))\\n\"]}],\n"
        "   \"source\": [\n"
        "    \"%matplotlib inline\\n\",\n"
        "    \"import torch\\n\",\n"
        "    \"def f(x):\\n\",\n"
        "    \"    return torch.log(torch.softmax(x, -1)), \\\"\\u00e9\\\"\"\n"
        "   ]\n  }\n ],\n \"metadata\": {}, \"nbformat\": 4, \"nbformat_minor\": 5\n}\n";
    tmp_write(dir, "nb.ipynb", before);
    CliRun r = RUN_IN(dir, "check", "--fix", "--no-verify", "nb.ipynb");
    ck_assert_int_eq(r.status, 0);
    harness_run_free(&r);
    char *after = tmp_read_rel(dir, "nb.ipynb");
    const char *old_line = "    \"    return torch.log(torch.softmax(x, -1)), \\\"\\u00e9\\\"\"\n";
    const char *new_line = "    \"    return torch.log_softmax(x, -1), \\\"\\u00e9\\\"\"\n";
    const char *at = strstr(before, old_line);
    size_t head = (size_t)(at - before);
    ck_assert_msg(!strncmp(after, before, head), "%s", after);
    ck_assert_msg(!strncmp(after + head, new_line, strlen(new_line)), "%s", after);
    ck_assert_str_eq(after + head + strlen(new_line), at + strlen(old_line));
    free(after);
    tmp_remove(dir);
}
END_TEST

/* An edit over a magic line (neutralised for the analysis) cannot be placed; one over code can,
 * also across two source strings (they merge into one). */
START_TEST(edits_never_replace_a_magic) {
    const char *json = "{\"cells\": [{\"cell_type\": \"code\", \"metadata\": {}, \"outputs\": [],\n"
                       " \"source\": [\"%time\\n\", \"x = (1 +\\n\", \"  2)\\n\"]}],\n"
                       " \"metadata\": {}, \"nbformat\": 4, \"nbformat_minor\": 5}\n";
    Source src;
    char err[300];
    ck_assert_int_eq(source_from_buffer(&src, "m.ipynb", util_xstrdup(json), strlen(json)),
                     SOURCE_OK);
    ck_assert_int_eq(notebook_convert(&src, err, sizeof err), SOURCE_OK);
    ck_assert(!strncmp(src.text, "#time\nx = (1 +\n  2)\n", src.len));
    FixEditList edits = {0};
    array_push(&edits, ((FixEdit){0, 5, util_xstrdup("y = 0")}));
    size_t n;
    char *out = fix_apply_text(&src, json, strlen(json), &edits, &n, err, sizeof err);
    ck_assert_ptr_null(out);
    ck_assert_msg(strstr(err, "cannot be placed"), "%s", err);
    fix_edits_free(&edits);
    array_push(&edits, ((FixEdit){10, 19, util_xstrdup("3")})); /* (1 +\n  2) */
    out = fix_apply_text(&src, json, strlen(json), &edits, &n, err, sizeof err);
    ck_assert_ptr_nonnull(out);
    ck_assert_msg(strstr(out, "[\"%time\\n\", \"x = 3\\n\"]"), "%s", out);
    free(out);
    fix_edits_free(&edits);
    source_free(&src);
}
END_TEST

/* Overlapping fixes: the outer one is applied, the inner one waits for the next run. */
START_TEST(overlapping_fixes_take_one_pass_each) {
    char *dir = tmp_dir();
    tmp_write(dir, "n.py",
              "import torch\n"
              "def f(x):\n"
              "    return torch.log(torch.softmax(torch.log(torch.softmax(x, -1)), "
              "-1))\n");
    CliRun r = RUN_IN(dir, "check", "--fix", "--no-verify", "--output-format", "concise", "n.py");
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.out, "n.py:3:30: LL103") &&
                      strstr(r.out, "Found 2 errors (1 fixed, 1 remaining).\n"),
                  "%s", r.out);
    harness_run_free(&r);
    r = RUN_IN(dir, "check", "--fix", "--no-verify", "n.py");
    ck_assert_int_eq(r.status, 0);
    harness_run_free(&r);
    char *text = tmp_read_rel(dir, "n.py");
    ck_assert_str_eq(text, "import torch\ndef f(x):\n"
                           "    return torch.log_softmax(torch.log_softmax(x, -1), -1)\n");
    free(text);
    tmp_remove(dir);
}
END_TEST

static const bool *all_rules(void *ctx, const char *path) {
    (void)ctx, (void)path;
    static bool all[64];
    for (size_t i = 0; i < rules_count; i++)
        all[i] = true;
    return all;
}

/* The findings of a file on disk, as `check` gets them. */
static DiagList lint_file(const char *path) {
    Source src;
    char err[256];
    ck_assert_int_eq(source_load_file(&src, path, err, sizeof err), SOURCE_OK);
    DiagList out = {0};
    LintResult lr;
    lint_source(&src, all_rules(NULL, NULL), &out, &lr);
    source_free(&src);
    return out;
}

/* Replaces the fix of the one finding by a single edit. */
static void set_fix(Diagnostic *d, size_t start, size_t end, const char *content) {
    diag_fix_free(d->fix);
    d->fix = util_xcalloc(1, sizeof *d->fix);
    d->fix->message = util_xstrdup("test fix");
    array_push(&d->fix->edits, ((FixEdit){start, end, util_xstrdup(content)}));
    d->fix->diff = util_xstrdup("");
}

/* A fix that leaves its finding, and one that adds a finding, are rolled back: the file is
 * unchanged and the finding stays. */
START_TEST(rollback_when_reanalysis_disagrees) {
    char *dir = tmp_dir();
    const char *text = "import torch\n"
                       "def f(x):\n"
                       "    return torch.log(torch.softmax(x, -1))  # old\n";
    tmp_write(dir, "r.py", text);
    char *path = util_xasprintf("%s/r.py", dir);
    const char *cases[] = {"# new", "# new\n    y = torch.log(torch.softmax(x, 0))"};
    for (size_t c = 0; c < 2; c++) {
        DiagList diags = lint_file(path), fixed = {0};
        ck_assert_int_eq((int)diags.len, 1);
        size_t comment = (size_t)(strstr(text, "# old") - text);
        set_fix(&diags.items[0], comment, comment + 5, cases[c]);
        FixRunOptions o = {.write = true, .enabled = all_rules};
        ck_assert_int_eq(fix_run(&diags, &o, &fixed), 1);
        ck_assert_int_eq((int)fixed.len, 0);
        ck_assert_int_eq((int)diags.len, 1);
        char *now = tmp_read(path);
        ck_assert_str_eq(now, text);
        free(now);
        diag_list_free(&diags);
        diag_list_free(&fixed);
    }
    /* The real fix passes the same check. */
    DiagList diags = lint_file(path), fixed = {0};
    FixRunOptions o = {.write = true, .enabled = all_rules};
    ck_assert_int_eq(fix_run(&diags, &o, &fixed), 0);
    ck_assert_int_eq((int)fixed.len, 1);
    diag_list_free(&diags);
    diag_list_free(&fixed);
    free(path);
    tmp_remove(dir);
}
END_TEST

START_TEST(nll_loss_on_logits_becomes_cross_entropy) {
    char *dir = tmp_dir();
    tmp_write(dir, "nl.py",
              "import torch.nn.functional as F\n"
              "def loss(model, x):\n"
              "    logits = model(x).logits[:, :-1]\n"
              "    return F.nll_loss(logits.reshape(-1, logits.size(-1)), "
              "x[:, 1:].reshape(-1), ignore_index=0)\n");
    CliRun r = RUN_IN(dir, "check", "--fix", "--no-verify", "nl.py");
    ck_assert_int_eq(r.status, 1); /* unsafe: not without --unsafe-fixes */
    harness_run_free(&r);
    r = RUN_IN(dir, "check", "--fix", "--unsafe-fixes", "--no-verify", "nl.py");
    ck_assert_int_eq(r.status, 0);
    harness_run_free(&r);
    char *text = tmp_read_rel(dir, "nl.py");
    ck_assert_msg(strstr(text, "    return F.cross_entropy(logits.reshape(-1, logits.size(-1)), "
                               "x[:, 1:].reshape(-1), ignore_index=0)\n"),
                  "%s", text);
    free(text);
    tmp_remove(dir);
}
END_TEST

/* No fix where the log is not the natural log, or the library's log_softmax is not known. */
START_TEST(no_fix_without_a_known_log_softmax) {
    char *dir = tmp_dir();
    tmp_write(dir, "nofix.py",
              "import mlx.core as mx\n"
              "import numpy as np\n"
              "from scipy.special import softmax\n"
              "def f(x):\n"
              "    a = mx.log(mx.softmax(x, axis=-1))\n"
              "    b = x.softmax(-1).log2()\n"
              "    c = np.log(softmax(x, axis=-1))\n"
              "    return a, b, c\n");
    CliRun r = RUN_IN(dir, "check", "--no-verify", "--output-format", "json", "nofix.py");
    json_t *arr = json_loads(r.out, 0, NULL);
    ck_assert_int_eq((int)json_array_size(arr), 3);
    for (size_t i = 0; i < 3; i++)
        ck_assert(json_is_null(json_object_get(json_array_get(arr, i), "fix")));
    json_decref(arr);
    harness_run_free(&r);
    tmp_remove(dir);
}
END_TEST

/* LL112: the loss moves below the write of its target, and only when nothing in between
 * changes what it reads or reads what it writes. */
static const char GEN[] = "import torch\n"
                          "import torch.nn.functional as F\n"
                          "def gen(model, tokens, start, total, pad_id, lp):\n"
                          "    for pos in range(start, total):\n"
                          "        logits = model(tokens[:, :pos])[:, -1]\n"
                          "        lp[:, pos] = -F.cross_entropy(logits, tokens[:, pos],\n"
                          "                                      ignore_index=pad_id)  # keep\n"
                          "        nxt = logits.argmax(-1)\n"
                          "        %s\n"
                          "        tokens[:, pos] = nxt\n"
                          "    return lp\n"
                          "def run(model, n, total, pad_id):\n"
                          "    tokens = torch.full((n, total), pad_id)\n"
                          "    return gen(model, tokens, 1, total, pad_id, torch.zeros(n, total))\n";

START_TEST(target_read_moves_below_its_write) {
    char *dir = tmp_dir();
    char *text = util_xasprintf(GEN, "nxt = nxt.long()");
    tmp_write(dir, "g.py", text);
    CliRun r = RUN_IN(dir, "check", "--fix", "--unsafe-fixes", "--no-verify", "g.py");
    ck_assert_int_eq(r.status, 0);
    ck_assert_str_eq(r.out, "Found 1 error (1 fixed, 0 remaining).\n");
    harness_run_free(&r);
    char *now = tmp_read_rel(dir, "g.py");
    ck_assert_msg(strstr(now, "        nxt = nxt.long()\n"
                              "        tokens[:, pos] = nxt\n"
                              "        lp[:, pos] = -F.cross_entropy(logits, tokens[:, pos],\n"
                              "                                      ignore_index=pad_id)  # keep\n"
                              "    return lp\n"),
                  "%s", now);
    free(now);
    free(text);
    /* In a notebook whose cell ends with the write, the loss stays in that cell. */
    tmp_write(dir, "g.ipynb",
              "{\"cells\": [{\"cell_type\": \"code\", \"metadata\": {}, \"outputs\": [], "
              "\"execution_count\": null, \"source\": [\"import torch\\n\", "
              "\"import torch.nn.functional as F\\n\", \"tokens = torch.full((2, 9), 0)\\n\", "
              "\"for pos in range(1, 9):\\n\", \"    logits = m(tokens[:, :pos])[:, -1]\\n\", "
              "\"    lp[:, pos] = F.cross_entropy(logits, tokens[:, pos], ignore_index=0)\\n\", "
              "\"    tokens[:, pos] = logits.argmax(-1)\"]}, {\"cell_type\": \"code\", "
              "\"metadata\": {}, \"outputs\": [], \"execution_count\": null, \"source\": "
              "[\"%time x = 1\"]}], \"metadata\": {}, \"nbformat\": 4, \"nbformat_minor\": 5}\n");
    r = RUN_IN(dir, "check", "--fix", "--unsafe-fixes", "--no-verify", "g.ipynb");
    ck_assert_int_eq(r.status, 0);
    harness_run_free(&r);
    now = tmp_read_rel(dir, "g.ipynb");
    ck_assert_msg(strstr(now, "\"    tokens[:, pos] = logits.argmax(-1)\\n    lp[:, pos] = "
                              "F.cross_entropy(logits, tokens[:, pos], ignore_index=0)\"]") &&
                      strstr(now, "\"%time x = 1\""),
                  "%s", now);
    free(now);
    /* In between: the logits the loss reads are rebound, the buffer it writes is read, or the
     * loop may break. No fix. */
    const char *hazards[] = {"logits = logits.float()", "print(lp.sum())",
                             "if nxt.eq(0).all(): break"};
    for (size_t i = 0; i < 3; i++) {
        text = util_xasprintf(GEN, hazards[i]);
        tmp_write(dir, "g.py", text);
        r = RUN_IN(dir, "check", "--no-verify", "--output-format", "json", "g.py");
        json_t *arr = json_loads(r.out, 0, NULL);
        ck_assert_int_eq((int)json_array_size(arr), 1);
        ck_assert_msg(json_is_null(json_object_get(json_array_get(arr, 0), "fix")), "%s: %s",
                      hazards[i], r.out);
        json_decref(arr);
        harness_run_free(&r);
        free(text);
    }
    tmp_remove(dir);
}
END_TEST

/* Standard input is never fixed, and a file named like --stdin-filename is not mistaken for it:
 * its text is not the one the findings came from. */
START_TEST(stdin_is_never_fixed) {
    char *dir = tmp_dir();
    const char *on_disk = "x = 1\n# another file of the same name\n";
    tmp_write(dir, "eval.py", on_disk);
    const char *argv[] = {"check",   "--fix", "--no-verify", "-", "--stdin-filename",
                          "eval.py", NULL};
    CliRun r = harness_run(
        argv, "import torch\ndef f(x):\n    return torch.log(torch.softmax(x, -1))\n", dir);
    ck_assert_int_eq(r.status, 1);
    /* nor marked as fixable */
    ck_assert_msg(strstr(r.out, "eval.py:3:12: LL103 log of") &&
                      strstr(r.out, "Found 1 error (0 fixed, 1 remaining).\n") &&
                      !strstr(r.out, "fixable"),
                  "%s", r.out);
    harness_run_free(&r);
    char *text = tmp_read_rel(dir, "eval.py");
    ck_assert_str_eq(text, on_disk);
    free(text);
    /* The same file changed between the analysis and the fix: refused, not patched blindly. */
    tmp_write(dir, "f.py", "import torch\ndef f(x):\n    return torch.log(torch.softmax(x, -1))\n");
    char *path = util_xasprintf("%s/f.py", dir);
    DiagList diags = lint_file(path), fixed = {0};
    tmp_write(dir, "f.py", "y = 2\n");
    FixRunOptions o = {.write = true, .enabled = all_rules};
    ck_assert_int_eq(fix_run(&diags, &o, &fixed), 1);
    ck_assert_int_eq((int)fixed.len, 0);
    text = tmp_read(path);
    ck_assert_str_eq(text, "y = 2\n");
    free(text);
    diag_list_free(&diags);
    diag_list_free(&fixed);
    free(path);
    tmp_remove(dir);
}
END_TEST

START_TEST(rule_docs_state_the_applicability) {
    const char *argv[] = {"rule", "LL103", NULL};
    CliRun r = harness_run(argv, NULL, NULL);
    ck_assert_msg(strstr(r.out, "## Fix\nSafe, "), "%s", r.out);
    harness_run_free(&r);
    const char *unsafe[] = {"LL108", "LL112"};
    for (size_t i = 0; i < 2; i++) {
        const char *argv2[] = {"rule", unsafe[i], NULL};
        r = harness_run(argv2, NULL, NULL);
        ck_assert_msg(strstr(r.out, "## Fix\nUnsafe: "), "%s", r.out);
        harness_run_free(&r);
    }
}
END_TEST

int main(void) {
    Suite *s = suite_create("fix");
    TCase *tc = tcase_create("fix");
    tcase_add_test(tc, diff_shows_and_writes_nothing);
    tcase_add_test(tc, fix_applies_safe_fixes_and_unsafe_ones_only_when_asked);
    tcase_add_test(tc, fixable_and_unfixable_keys);
    tcase_add_test(tc, reports_carry_the_fix);
    tcase_add_test(tc, fix_in_a_notebook);
    tcase_add_test(tc, edits_never_replace_a_magic);
    tcase_add_test(tc, overlapping_fixes_take_one_pass_each);
    tcase_add_test(tc, rollback_when_reanalysis_disagrees);
    tcase_add_test(tc, nll_loss_on_logits_becomes_cross_entropy);
    tcase_add_test(tc, no_fix_without_a_known_log_softmax);
    tcase_add_test(tc, target_read_moves_below_its_write);
    tcase_add_test(tc, stdin_is_never_fixed);
    tcase_add_test(tc, rule_docs_state_the_applicability);
    suite_add_tcase(s, tc);
    return harness_main(s);
}
