/* Source loading and positions: what a user sees as row:column. */
#include <stdlib.h>

#include "harness.h"
#include "parse.h"
#include "source.h"

static Source from(const char *text) {
    Source s;
    ck_assert_int_eq(source_from_buffer(&s, "t.py", util_xstrdup(text), strlen(text)), SOURCE_OK);
    return s;
}

START_TEST(rows_and_columns_are_one_based) {
    Source s = from("ab\ncd\n");
    int row, col;
    source_position(&s, 0, &row, &col);
    ck_assert_int_eq(row, 1);
    ck_assert_int_eq(col, 1);
    source_position(&s, 4, &row, &col); /* 'd' */
    ck_assert_int_eq(row, 2);
    ck_assert_int_eq(col, 2);
    source_free(&s);
}
END_TEST

START_TEST(columns_count_code_points_not_bytes) {
    Source s = from("\xc3\xa9\xc3\xa9x = 1\n"); /* "ééx" */
    int row, col;
    source_position(&s, 4, &row, &col); /* byte 4 is 'x' */
    ck_assert_int_eq(col, 3);
    source_free(&s);
}
END_TEST

START_TEST(tab_is_one_column) {
    Source s = from("\tx = 1\n");
    int row, col;
    source_position(&s, 1, &row, &col);
    ck_assert_int_eq(col, 2);
    source_free(&s);
}
END_TEST

START_TEST(bom_is_skipped) {
    Source s = from("\xEF\xBB\xBFx = 1\n");
    ck_assert_int_eq((int)s.len, 6);
    ck_assert(s.text[0] == 'x');
    int row, col;
    source_position(&s, 0, &row, &col);
    ck_assert_int_eq(col, 1);
    source_free(&s);
}
END_TEST

START_TEST(crlf_lines_have_no_carriage_return) {
    Source s = from("a = 1\r\nb = 2\r\n");
    size_t len;
    const char *line = source_line(&s, 2, &len);
    ck_assert_int_eq((int)len, 5);
    ck_assert(strncmp(line, "b = 2", 5) == 0);
    source_free(&s);
}
END_TEST

START_TEST(nul_bytes_are_not_python) {
    Source s;
    char *buf = util_xmalloc(4);
    memcpy(buf, "a\0b\n", 4);
    ck_assert_int_eq(source_from_buffer(&s, "t.py", buf, 4), SOURCE_ERR_BINARY);
    source_free(&s);
}
END_TEST

START_TEST(missing_file_names_the_path) {
    Source s;
    char err[256];
    ck_assert_int_eq(source_load_file(&s, "/nonexistent/x.py", err, sizeof err), SOURCE_ERR_OPEN);
    ck_assert_ptr_nonnull(strstr(err, "/nonexistent/x.py"));
    source_free(&s);
}
END_TEST

/* parse_enclosing (one walk down from the root) finds, for every node, what climbing with
 * ts_node_parent finds: the nearest function or module above it. */
static TSNode climbed(TSNode n) {
    for (TSNode p = ts_node_parent(n); !ts_node_is_null(p); p = ts_node_parent(p))
        if (parse_is(p, "function_definition") || parse_is(p, "module")) return p;
    return (TSNode){0};
}

static int compare_enclosing(TSNode n) {
    const char *const types[] = {"function_definition", "module", NULL};
    TSNode got = parse_enclosing(n, types), want = climbed(n);
    ck_assert_msg(ts_node_eq(got, want) || (ts_node_is_null(got) && ts_node_is_null(want)),
                  "%s at byte %u: another enclosing node", ts_node_type(n), ts_node_start_byte(n));
    int nodes = 1;
    for (uint32_t i = 0; i < ts_node_child_count(n); i++)
        nodes += compare_enclosing(ts_node_child(n, i));
    return nodes;
}

START_TEST(enclosing_node_is_the_nearest_above) {
    const char *text = "import torch\n\n\ndef outer(x):\n    def inner(y):\n"
                       "        return (lambda z: z[0])(y)\n    class C:\n"
                       "        def m(self):\n            return [v for v in x]\n"
                       "    return inner(x)\n\nif True:\n    w = outer(torch.ones(2))\n";
    Source src;
    ck_assert_int_eq(source_from_buffer(&src, "t.py", util_xstrdup(text), strlen(text)), SOURCE_OK);
    Parsed p;
    ck_assert_int_eq(parse_python(&p, &src), PARSE_OK);
    ck_assert_int_gt(compare_enclosing(p.root), 80);
    ck_assert(ts_node_is_null(parse_enclosing(p.root, (const char *const[]){"module", NULL})));
    parse_free(&p);
    source_free(&src);
}
END_TEST

int main(void) {
    Suite *s = suite_create("source");
    TCase *tc = tcase_create("source");
    tcase_add_test(tc, rows_and_columns_are_one_based);
    tcase_add_test(tc, columns_count_code_points_not_bytes);
    tcase_add_test(tc, tab_is_one_column);
    tcase_add_test(tc, bom_is_skipped);
    tcase_add_test(tc, crlf_lines_have_no_carriage_return);
    tcase_add_test(tc, nul_bytes_are_not_python);
    tcase_add_test(tc, missing_file_names_the_path);
    tcase_add_test(tc, enclosing_node_is_the_nearest_above);
    suite_add_tcase(s, tc);
    return harness_main(s);
}
