/* Notebooks in the CI formats: a finding points at the line of the .ipynb file that holds its
 * source line (GitHub, GitLab, SARIF and JUnit read the file itself, not the cells), without
 * columns; the message names the cell, row and column. */
#include "tempdir.h" /* first: it sets _XOPEN_SOURCE */

#include <jansson.h>

#include "harness.h"

/* nbformat's own layout: one JSON line per source line. The flagged line is line 18. */
static const char NOTEBOOK[] =
    "{\n"
    " \"cells\": [\n"
    "  {\n"
    "   \"cell_type\": \"markdown\",\n"
    "   \"metadata\": {},\n"
    "   \"source\": [\"# Scoring\\n\", \"with \\\"quotes\\\" and [brackets]\\n\"]\n"
    "  },\n"
    "  {\n"
    "   \"cell_type\": \"code\",\n"
    "   \"execution_count\": null,\n"
    "   \"metadata\": {\"tags\": [\"a\", {\"b\": \"]}\"}]},\n"
    "   \"outputs\": [],\n"
    "   \"source\": [\n"
    "    \"def score(model, ids):\\n\",\n"
    "    \"    logits = model(ids).logits\\n\",\n"
    "    \"    total = 0\\n\",\n"
    "    \"    for t in range(ids.shape[1] - 1):\\n\",\n"
    "    \"        total += logits[0, t, ids[0, t + 1]]\\n\",\n"
    "    \"    return total\\n\"\n"
    "   ]\n"
    "  }\n"
    " ],\n"
    " \"metadata\": {}, \"nbformat\": 4, \"nbformat_minor\": 5\n"
    "}\n";

static CliRun check(const char *dir, const char *format) {
    const char *argv[] = {"check", "--no-verify", "--output-format", format, "nb.ipynb", NULL};
    return harness_run(argv, NULL, dir);
}

START_TEST(ci_formats_point_at_the_ipynb_line) {
    char *dir = tmp_dir();
    tmp_write(dir, "nb.ipynb", NOTEBOOK);
    CliRun r = check(dir, "github");
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.out, "file=nb.ipynb,line=18,endLine=18::cell 2:5:9: LL101 "), "%s",
                  r.out);
    harness_run_free(&r);

    r = check(dir, "gitlab");
    json_t *issues = json_loads(r.out, 0, NULL);
    json_t *lines =
        json_object_get(json_object_get(json_array_get(issues, 0), "location"), "lines");
    ck_assert_int_eq(json_integer_value(json_object_get(lines, "begin")), 18);
    ck_assert_int_eq(json_integer_value(json_object_get(lines, "end")), 18);
    json_decref(issues);
    harness_run_free(&r);

    r = check(dir, "sarif");
    json_t *log = json_loads(r.out, 0, NULL);
    json_t *res = json_array_get(
        json_object_get(json_array_get(json_object_get(log, "runs"), 0), "results"), 0);
    json_t *loc =
        json_object_get(json_array_get(json_object_get(res, "locations"), 0), "physicalLocation");
    json_t *region = json_object_get(loc, "region");
    ck_assert_int_eq(json_integer_value(json_object_get(region, "startLine")), 18);
    ck_assert_ptr_null(json_object_get(region, "startColumn"));
    ck_assert_msg(
        !strncmp(json_string_value(json_object_get(json_object_get(res, "message"), "text")),
                 "cell 2:5:9: ", 12),
        "%s", r.out);
    json_decref(log);
    harness_run_free(&r);

    r = check(dir, "junit");
    ck_assert_msg(strstr(r.out, "file=\"nb.ipynb\" line=\"18\""), "%s", r.out);
    harness_run_free(&r);

    /* The text and JSON formats keep the cell and the row in it. */
    r = check(dir, "concise");
    ck_assert_msg(strstr(r.out, "nb.ipynb:cell 2:5:9: LL101"), "%s", r.out);
    harness_run_free(&r);
    tmp_remove(dir);
}
END_TEST

/* A cell whose source is one string: every row is on that string's line. */
START_TEST(a_source_string_is_one_line) {
    char *dir = tmp_dir();
    tmp_write(
        dir, "nb.ipynb",
        "{\"nbformat\": 4, \"metadata\": {},\n"
        "\"cells\": [\n"
        "{\"cell_type\": \"code\", \"metadata\": {}, \"outputs\": [],\n"
        "\"source\": \"def score(model, ids):\\n    logits = model(ids).logits\\n    total = 0\\n"
        "    for t in range(ids.shape[1] - 1):\\n        total += logits[0, t, ids[0, t + "
        "1]]\\n    return total\\n\"}]}\n");
    CliRun r = check(dir, "github");
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.out, "line=4,endLine=4::cell 1:5:9: LL101"), "%s", r.out);
    harness_run_free(&r);
    tmp_remove(dir);
}
END_TEST

int main(void) {
    Suite *s = suite_create("notebook_ci");
    TCase *tc = tcase_create("notebook_ci");
    tcase_add_test(tc, ci_formats_point_at_the_ipynb_line);
    tcase_add_test(tc, a_source_string_is_one_line);
    suite_add_tcase(s, tc);
    return harness_main(s);
}
