/* Output formats as CI systems read them: github, sarif, gitlab, junit, json-lines, plus
 * --statistics and --output-file. */
#include "tempdir.h"

#include <jansson.h>

#include "harness.h"
#include "rules.h"

static const char *const MULTILINE_PY = "def score(model, ids):\n"
                                        "    logits = model(ids).logits\n"
                                        "    total = 0\n"
                                        "    for t in range(ids.shape[1] - 1):\n"
                                        "        total += logits[0, t,\n"
                                        "                        ids[0, t + 1]]\n"
                                        "    return total\n";

static CliRun check(const char *dir, const char *format, const char *path, bool verify) {
    const char *argv[] = {"check", "--output-format", format, path, verify ? NULL : "--no-verify",
                          NULL};
    return harness_run(argv, NULL, dir);
}

START_TEST(github) {
    char *dir = tmp_dir();
    tmp_write(dir, "a.py", BUGGY_PY);
    tmp_write(dir, "m.py", MULTILINE_PY);
    CliRun r = check(dir, "github", "a.py", true);
    ck_assert_int_eq(r.status, 1);
    const char *want =
        "::error title=logitlint (LL101),file=a.py,line=5,col=9,endLine=5,endColumn=45::"
        "LL101 raw logits of the chosen tokens are accumulated across positions";
    ck_assert_msg(!strncmp(r.out, want, strlen(want)), "got: %s", r.out);
    /* One line per finding: the counterexample's newlines are encoded. */
    ck_assert_msg(strchr(r.out, '\n') == r.out + strlen(r.out) - 1, "got: %s", r.out);
    ck_assert_msg(strstr(r.out, "%0Ahelp: take log_softmax") &&
                      strstr(r.out, "%0A%0Acounterexample:"),
                  "got: %s", r.out);
    harness_run_free(&r);
    /* Spanning lines: no col / endColumn. */
    r = check(dir, "github", "m.py", false);
    ck_assert_msg(
        !strncmp(r.out, "::error title=logitlint (LL101),file=m.py,line=5,endLine=6::LL101 ", 66),
        "got: %s", r.out);
    harness_run_free(&r);
    tmp_remove(dir);
}
END_TEST

static json_t *load(const char *text) {
    json_error_t e;
    json_t *j = json_loads(text, 0, &e);
    ck_assert_msg(j != NULL, "not JSON (%s): %s", e.text, text);
    return j;
}

START_TEST(sarif) {
    char *dir = tmp_dir();
    tmp_write(dir, ".git/HEAD", "ref: refs/heads/main\n"); /* the repository root */
    tmp_write(dir, "src/eval dir/a.py", BUGGY_PY);
    char *sub = util_xasprintf("%s/src", dir);
    CliRun r = check(sub, "sarif", "eval dir/a.py", true);
    ck_assert_int_eq(r.status, 1);
    json_t *log = load(r.out);
    ck_assert_str_eq(json_string_value(json_object_get(log, "version")), "2.1.0");
    ck_assert_str_eq(json_string_value(json_object_get(log, "$schema")),
                     "https://json.schemastore.org/sarif-2.1.0.json");
    json_t *run = json_array_get(json_object_get(log, "runs"), 0);
    json_t *driver = json_object_get(json_object_get(run, "tool"), "driver");
    ck_assert_str_eq(json_string_value(json_object_get(driver, "name")), "logitlint");
    json_t *rules = json_object_get(driver, "rules");
    /* Every rule, then E902 for a file that could not be analysed. */
    ck_assert_int_eq((int)json_array_size(rules), (int)rules_count + 1);
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(rules, rules_count), "id")),
                     "E902");
    size_t i;
    json_t *rule;
    json_array_foreach(rules, i, rule) {
        if (i == rules_count) break;
        ck_assert_str_eq(json_string_value(json_object_get(rule, "id")), rules_registry[i]->code);
        ck_assert_str_eq(json_string_value(json_object_get(rule, "name")), rules_registry[i]->name);
        const char *keys[] = {"shortDescription", "fullDescription", "help", NULL};
        for (const char *const *k = keys; *k; k++)
            ck_assert_msg(json_is_string(json_object_get(json_object_get(rule, *k), "text")), "%s",
                          *k);
        /* a link only to a homepage the build names: never a dead one */
        ck_assert(json_is_string(json_object_get(rule, "helpUri")) == (*LOGITLINT_HOMEPAGE != 0));
    }
    json_t *res = json_array_get(json_object_get(run, "results"), 0);
    ck_assert_str_eq(json_string_value(json_object_get(res, "ruleId")), "LL101");
    ck_assert_str_eq(json_string_value(json_object_get(res, "level")), "error");
    const char *msg = json_string_value(json_object_get(json_object_get(res, "message"), "text"));
    ck_assert_msg(strstr(msg, "raw logits") && strstr(msg, "[B, B]") && strstr(msg, "-1.411907"),
                  "%s", msg);
    json_t *loc =
        json_object_get(json_array_get(json_object_get(res, "locations"), 0), "physicalLocation");
    json_t *art = json_object_get(loc, "artifactLocation");
    ck_assert_str_eq(json_string_value(json_object_get(art, "uri")), "src/eval%20dir/a.py");
    ck_assert_str_eq(json_string_value(json_object_get(art, "uriBaseId")), "%SRCROOT%");
    json_t *region = json_object_get(loc, "region");
    ck_assert_int_eq(json_integer_value(json_object_get(region, "startLine")), 5);
    ck_assert_int_eq(json_integer_value(json_object_get(region, "startColumn")), 9);
    ck_assert_int_eq(json_integer_value(json_object_get(region, "endLine")), 5);
    ck_assert_int_eq(json_integer_value(json_object_get(region, "endColumn")), 45);
    ck_assert(json_is_string(
        json_object_get(json_object_get(res, "partialFingerprints"), "logitlint/v1")));
    json_t *cex = json_object_get(json_object_get(res, "properties"), "counterexample");
    ck_assert(json_is_object(cex));
    json_decref(log);
    harness_run_free(&r);
    /* No findings: still a valid log, with an empty results array. */
    tmp_write(dir, "src/clean.py", CLEAN_PY);
    r = check(sub, "sarif", "clean.py", true);
    ck_assert_int_eq(r.status, 0);
    log = load(r.out);
    run = json_array_get(json_object_get(log, "runs"), 0);
    ck_assert_int_eq((int)json_array_size(json_object_get(run, "results")), 0);
    json_decref(log);
    harness_run_free(&r);
    free(sub);
    tmp_remove(dir);
}
END_TEST

START_TEST(gitlab_junit_jsonlines) {
    char *dir = tmp_dir();
    tmp_write(dir, "a.py", BUGGY_PY);
    tmp_write(dir, "b.py", BUGGY_PY);
    CliRun r = check(dir, "gitlab", ".", false);
    json_t *arr = load(r.out);
    ck_assert_int_eq((int)json_array_size(arr), 2);
    json_t *issue = json_array_get(arr, 0);
    ck_assert_str_eq(json_string_value(json_object_get(issue, "check_name")), "LL101");
    ck_assert_str_eq(json_string_value(json_object_get(issue, "severity")), "major");
    ck_assert(!strncmp(json_string_value(json_object_get(issue, "description")),
                       "LL101: raw logits", 17));
    json_t *location = json_object_get(issue, "location");
    ck_assert_str_eq(json_string_value(json_object_get(location, "path")), "a.py");
    ck_assert_int_eq(
        json_integer_value(json_object_get(json_object_get(location, "lines"), "begin")), 5);
    /* Same line text in two files: different fingerprints. */
    ck_assert_str_ne(json_string_value(json_object_get(issue, "fingerprint")),
                     json_string_value(json_object_get(json_array_get(arr, 1), "fingerprint")));
    json_decref(arr);
    harness_run_free(&r);

    r = check(dir, "junit", "a.py", false);
    ck_assert_msg(
        strstr(r.out, "<testsuites name=\"logitlint\" tests=\"1\" failures=\"1\" errors=\"0\">") &&
            strstr(r.out, "<testcase name=\"org.logitlint.LL101\" classname=\"a.py\" file=\"a.py\" "
                          "line=\"5\" column=\"9\">") &&
            strstr(r.out, "<failure message=\"raw logits"),
        "got: %s", r.out);
    harness_run_free(&r);
    tmp_write(dir, "c.py", CLEAN_PY);
    r = check(dir, "junit", "c.py", false);
    ck_assert_int_eq(r.status, 0);
    ck_assert_msg(strstr(r.out, "<testcase name=\"No errors found\""), "got: %s", r.out);
    harness_run_free(&r);

    r = check(dir, "json-lines", ".", false);
    int lines = 0;
    for (char *line = r.out; *line;) {
        char *nl = strchr(line, '\n');
        ck_assert_ptr_nonnull(nl);
        *nl = '\0';
        json_t *o = load(line);
        ck_assert_str_eq(json_string_value(json_object_get(o, "code")), "LL101");
        json_decref(o);
        lines++;
        line = nl + 1;
    }
    ck_assert_int_eq(lines, 2);
    harness_run_free(&r);
    tmp_remove(dir);
}
END_TEST

START_TEST(statistics_and_output_file) {
    char *dir = tmp_dir();
    tmp_write(dir, "a.py", BUGGY_PY);
    tmp_write(dir, "b.py", BUGGY_PY);
    tmp_write(dir, "c.py", "import os  # noqa: LL101\n");
    const char *stats[] = {"check", "--no-verify", "--statistics", ".", NULL};
    CliRun r = harness_run(stats, NULL, dir);
    ck_assert_int_eq(r.status, 1);
    ck_assert_str_eq(r.out, "    2\tLL101\traw-logit-sequence-score\n"
                            "    1\tLL001\tunused-noqa\n"
                            "Found 3 errors.\n");
    harness_run_free(&r);
    const char *jstats[] = {"check", "--no-verify", "--statistics", "--output-format", "json",
                            ".",     NULL};
    r = harness_run(jstats, NULL, dir);
    json_t *arr = load(r.out);
    ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(arr, 0), "count")), 2);
    json_decref(arr);
    harness_run_free(&r);
    const char *file[] = {
        "check", "--no-verify", "--output-format", "concise", "--output-file", "out/report.txt",
        "a.py",  NULL};
    tmp_write(dir, "out/.keep", "");
    r = harness_run(file, NULL, dir);
    ck_assert_int_eq(r.status, 1);
    ck_assert_str_eq(r.out, "");
    char *path = util_xasprintf("%s/out/report.txt", dir);
    char *text = tmp_read(path);
    ck_assert_msg(text && !strncmp(text, "a.py:5:9: LL101 ", 16), "got: %s",
                  text ? text : "(none)");
    free(text);
    free(path);
    harness_run_free(&r);
    const char *bad[] = {"check", "--output-file", "missing/dir/r.txt", "a.py", NULL};
    r = harness_run(bad, NULL, dir);
    ck_assert_int_eq(r.status, 2);
    ck_assert_msg(
        strstr(r.err, "logitlint: missing/dir/r.txt: cannot write: No such file or directory"),
        "got: %s", r.err);
    harness_run_free(&r);
    const char *fmt[] = {"check", "--output-format", "xml", "a.py", NULL};
    r = harness_run(fmt, NULL, dir);
    ck_assert_int_eq(r.status, 2);
    ck_assert_str_eq(r.err,
                     "logitlint: unknown output format 'xml' (full, concise, json, json-lines, "
                     "sarif, github, gitlab, junit)\n");
    harness_run_free(&r);
    tmp_remove(dir);
}
END_TEST

int main(void) {
    Suite *s = suite_create("report_formats");
    TCase *tc = tcase_create("formats");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, github);
    tcase_add_test(tc, sarif);
    tcase_add_test(tc, gitlab_junit_jsonlines);
    tcase_add_test(tc, statistics_and_output_file);
    suite_add_tcase(s, tc);
    return harness_main(s);
}
