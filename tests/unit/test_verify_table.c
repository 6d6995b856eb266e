/* Tables: the built-in `abc`, the user JSON format (README example, key
 * order, "-inf", escapes), and every way a table file can be wrong, each with
 * the message and exit code a user sees. */
#define _POSIX_C_SOURCE 200809L
#include "test_verify_util.h"

/* tests/data/tables/, found from this file's path (CMake passes it absolute). */
static void data_path(char *buf, size_t n, const char *name) {
    const char *f = __FILE__;
    const char *cut = strstr(f, "unit/test_verify_table.c");
    ck_assert_ptr_nonnull(cut);
    snprintf(buf, n, "%.*sdata/tables/%s", (int)(cut - f), f, name);
}

START_TEST(builtin_abc_is_the_design_table) {
    VerifyTable *t = verify_table_builtin("abc");
    ck_assert_int_eq(t->n_vocab, 3);
    ck_assert_str_eq(t->vocab[0], "A");
    ck_assert_int_eq(t->n_contexts, 3);
    ck_assert_int_eq(t->n_candidates, 2);
    int b = 1;
    int c = verify_table_find_context(t, &b, 1);
    ck_assert_double_eq(t->contexts[c].logits[0], 8);
    ck_assert_double_eq(t->contexts[c].logits[1], 7);
    ck_assert_ptr_null(verify_table_builtin("xyz"));
    verify_table_free(t);
}
END_TEST

START_TEST(readme_example_file_gives_the_design_numbers) {
    char path[4096];
    data_path(path, sizeof path, "abc.json");
    VerifyTable *t = NULL;
    VerifyError err = {{0}};
    ck_assert_msg(verify_table_load_file(path, &t, &err) == VERIFY_OK, "%s", err.msg);
    VerifyResult *res = tv_score(t, "sum-raw-logits");
    ck_assert_double_eq(res->cands[0].score, 10);
    ck_assert_double_eq(res->cands[1].score, 16);
    ck_assert_double_eq_tol(res->cands[0].log_prob, -1.411907, 1e-6);
    ck_assert_double_eq_tol(res->cands[1].log_prob, -2.626802, 1e-6);
    ck_assert(res->flipped);
    verify_result_free(res);
    verify_table_free(t);
}
END_TEST

START_TEST(keys_in_any_order_and_masked_logits) {
    VerifyTable *t =
        tv_parse("{\"candidates\": [[\"B\"], [\"A\"]],"
                 " \"contexts\": [{\"logits\": [\"-inf\", 1.5e0, -2.25], \"prefix\": []}],"
                 " \"vocab\": [\"A\", \"B\", \"C\"]}");
    ck_assert(isinf(t->contexts[0].logits[0]) && t->contexts[0].logits[0] < 0);
    ck_assert_double_eq(t->contexts[0].logits[1], 1.5);
    ck_assert_double_eq(t->contexts[0].logits[2], -2.25);
    ck_assert_int_eq(t->candidates[0].tokens[0], 1);
    verify_table_free(t);
}
END_TEST

START_TEST(escaped_token_names) {
    VerifyTable *t = tv_parse("{\"vocab\": [\"caf\\u00e9\", \"\\\"q\\\"\", \"\\ud83d\\ude00\"],"
                              " \"contexts\": [{\"prefix\": [], \"logits\": [1, 2, 3]}],"
                              " \"candidates\": [[\"caf\xc3\xa9\"], [\"\\\"q\\\"\"]]}");
    ck_assert_str_eq(t->vocab[0], "caf\xc3\xa9");
    ck_assert_str_eq(t->vocab[1], "\"q\"");
    ck_assert_str_eq(t->vocab[2], "\xf0\x9f\x98\x80");
    ck_assert_int_eq(t->candidates[0].tokens[0], 0);
    verify_table_free(t);
}
END_TEST

/* Numbers parse to exactly what strtod gives (the fast path included). */
START_TEST(numbers_parse_exactly) {
    static const char *const nums[] = {"0.1",
                                       "-3.25",
                                       "123456789012345",
                                       "0.000001234",
                                       "1e-7",
                                       "-0",
                                       "9007199254740993",
                                       "2.5E+3",
                                       "0.3000000000000000444",
                                       "-1234.5678"};
    for (size_t i = 0; i < sizeof nums / sizeof *nums; i++) {
        VerifyJson j;
        verify_json_init(&j, nums[i], strlen(nums[i]), "n", NULL);
        double v;
        ck_assert_int_eq(verify_json_number(&j, &v), VERIFY_OK);
        double w = strtod(nums[i], NULL);
        ck_assert_msg(memcmp(&v, &w, sizeof v) == 0, "%s: %.17g vs %.17g", nums[i], v, w);
    }
}
END_TEST

/* ---- malformed tables: one message each, naming the entry ---- */

typedef struct {
    const char *json, *msg;
} BadTable;

static const BadTable bad_tables[] = {
    /* wrong vector length */
    {"{\"vocab\": [\"A\", \"B\", \"C\"], \"contexts\": [{\"prefix\": [], \"logits\": [10, 9, 0]}, "
     "{\"prefix\": [\"A\"], \"logits\": [0, 0, 0]}, {\"prefix\": [\"B\"], \"logits\": [8, 7]}]}",
     "t.json: contexts[2].logits: expected 3 numbers (vocab size), got 2"},
    {"{\"vocab\": [\"A\", \"B\"], \"contexts\": [{\"prefix\": [], \"logits\": [1, 2, 3]}]}",
     "t.json: contexts[0].logits: expected 2 numbers (vocab size), got 3"},
    /* unknown tokens */
    {"{\"vocab\": [\"A\", \"B\"], \"contexts\": [{\"prefix\": [\"D\"], \"logits\": [1, 2]}]}",
     "t.json: contexts[0].prefix[0]: unknown token \"D\" (not in vocab)"},
    {"{\"vocab\": [\"A\", \"B\"], \"contexts\": [{\"prefix\": [], \"logits\": [1, 2]}], "
     "\"candidates\": [[\"A\"], [\"A\", \"D\"]]}",
     "t.json: candidates[1][1]: unknown token \"D\" (not in vocab)"},
    {"{\"vocab\": [\"A\", \"B\"], \"pad\": \"P\", \"contexts\": []}",
     "t.json: pad: unknown token \"P\" (not in vocab)"},
    {"{\"vocab\": [\"A\", \"B\"], \"prompt\": [\"Q\"], \"contexts\": []}",
     "t.json: prompt[0]: unknown token \"Q\" (not in vocab)"},
    /* NaN and +inf; -inf is fine */
    {"{\"vocab\": [\"A\", \"B\"], \"contexts\": [{\"prefix\": [], \"logits\": [1, \"NaN\"]}]}",
     "t.json: contexts[0].logits[1]: NaN is not a logit (the only non-finite value allowed is "
     "\"-inf\", a masked token)"},
    {"{\"vocab\": [\"A\", \"B\"], \"contexts\": [{\"prefix\": [], \"logits\": [\"inf\", 1]}]}",
     "t.json: contexts[0].logits[0]: +inf is not a logit (the only non-finite value allowed is "
     "\"-inf\", a masked token)"},
    {"{\"vocab\": [\"A\", \"B\"], \"contexts\": [{\"prefix\": [], \"logits\": [1, NaN]}]}",
     "t.json:1:65: not valid JSON: NaN and Infinity are not JSON (write a masked logit as the "
     "string \"-inf\"; NaN and +inf are not allowed)"},
    {"{\"vocab\": [\"A\", \"B\"], \"contexts\": [{\"prefix\": [], \"logits\": [1, 1e999]}]}",
     "t.json:1:65: not valid JSON: number out of range"},
    {"{\"vocab\": [\"A\", \"B\"], \"contexts\": [{\"prefix\": [], \"logits\": [\"-inf\", "
     "\"-inf\"]}]}",
     "t.json: contexts[0].logits: every entry is -inf; at least one token must be unmasked for "
     "softmax to be defined"},
    {"{\"vocab\": [\"A\", \"B\"], \"contexts\": [{\"prefix\": [], \"logits\": [1, \"x\"]}]}",
     "t.json: contexts[0].logits[1]: expected a number or \"-inf\", got \"x\""},
    /* duplicates */
    {"{\"vocab\": [\"A\", \"B\"], \"contexts\": [{\"prefix\": [\"A\"], \"logits\": [1, 2]}, "
     "{\"prefix\": [\"A\"], \"logits\": [3, 4]}]}",
     "t.json: contexts[1].prefix: duplicate context [\"A\"] (also contexts[0])"},
    {"{\"vocab\": [\"A\", \"B\", \"A\"], \"contexts\": []}",
     "t.json: vocab[2]: duplicate token \"A\" (also vocab[0])"},
    {"{\"vocab\": [\"A\"], \"contexts\": [], \"vocab\": [\"B\"]}",
     "t.json: duplicate key \"vocab\""},
    {"{\"vocab\": [\"A\", \"B\"], \"contexts\": [{\"prefix\": [], \"logits\": [1, 2]}], "
     "\"candidates\": [[\"A\"], [\"B\"], [\"A\"]]}",
     "t.json: candidates[2]: duplicate of candidates[0]"},
    /* not JSON */
    {"{\"vocab\": [\"A\"], \"contexts\": [",
     "t.json:1:31: not valid JSON: unexpected end of input"},
    {"{\"vocab\": [\"A\"] \"contexts\": []}",
     "t.json:1:17: not valid JSON: expected ',' or '}' in object"},
    {"{\"vocab\": [\"A\"], \"contexts\": []} []",
     "t.json:1:34: not valid JSON: extra data after the value"},
    {"", "t.json:1:1: not valid JSON: unexpected end of input"},
    /* wrong types and shapes */
    {"[\"vocab\"]", "t.json: expected a JSON object with \"vocab\" and \"contexts\", got an array"},
    {"{\"vocab\": \"A B\", \"contexts\": []}",
     "t.json: vocab: expected a non-empty array of token strings, got a string"},
    {"{\"vocab\": [], \"contexts\": []}",
     "t.json: vocab: expected a non-empty array of token strings, got an empty array"},
    {"{\"vocab\": [\"A\", 2], \"contexts\": []}",
     "t.json: vocab[1]: expected a token string, got a number"},
    {"{\"vocab\": [\"A B\"], \"contexts\": []}",
     "t.json: vocab[0]: token \"A B\" must be non-empty and contain no whitespace (candidates are "
     "written as space-separated tokens)"},
    {"{\"vocab\": [\"A\"]}",
     "t.json: contexts: missing (expected an array of {\"prefix\", \"logits\"} objects)"},
    {"{\"contexts\": []}", "t.json: vocab: missing (expected a non-empty array of token strings)"},
    {"{\"vocab\": [\"A\"], \"contexts\": {}}",
     "t.json: contexts: expected an array of {\"prefix\", \"logits\"} objects, got an object"},
    {"{\"vocab\": [\"A\"], \"contexts\": [[1]]}",
     "t.json: contexts[0]: expected an object with \"prefix\" and \"logits\", got an array"},
    {"{\"vocab\": [\"A\"], \"contexts\": [{\"prefix\": \"A\", \"logits\": [1]}]}",
     "t.json: contexts[0].prefix: expected an array of tokens, got a string"},
    {"{\"vocab\": [\"A\"], \"contexts\": [{\"prefix\": [], \"logits\": 1}]}",
     "t.json: contexts[0].logits: expected an array of 1 numbers, got a number"},
    {"{\"vocab\": [\"A\"], \"contexts\": [{\"prefix\": [], \"logits\": [null]}]}",
     "t.json: contexts[0].logits[0]: expected a number or \"-inf\", got null"},
    {"{\"vocab\": [\"A\"], \"contexts\": [{\"prefix\": []}]}",
     "t.json: contexts[0]: missing \"logits\""},
    {"{\"vocab\": [\"A\"], \"contexts\": [{\"prefix\": [], \"logits\": [1], \"bias\": 0}]}",
     "t.json: contexts[0]: unknown key \"bias\" (expected \"prefix\" and \"logits\")"},
    {"{\"vocab\": [\"A\"], \"contexts\": [], \"candidate\": []}",
     "t.json: unknown key \"candidate\" (expected vocab, contexts, and optionally candidates, "
     "prompt, pad)"},
    {"{\"vocab\": [\"A\"], \"contexts\": [], \"candidates\": [\"A\"]}",
     "t.json: candidates[0]: expected an array of tokens, got a string"},
    {"{\"vocab\": [\"A\"], \"contexts\": [], \"candidates\": [[]]}",
     "t.json: candidates[0]: empty candidate"},
    {"{\"vocab\": [\"A\", \"P\"], \"pad\": \"P\", \"contexts\": [], \"candidates\": [[\"A\", "
     "\"P\"]]}",
     "t.json: candidates[0][1]: the pad token \"P\" cannot be part of a candidate"},
};

START_TEST(malformed_table_is_rejected_with_its_message) {
    VerifyError err = {{0}};
    const BadTable *b = &bad_tables[_i];
    ck_assert_str_eq(tv_parse_error(b->json, &err), b->msg);
}
END_TEST

/* What a user sees: `logitlint verify --table FILE` prints exactly one line
 * on stderr, naming the file and the entry, nothing on stdout, and exits 2. */
/* `suffix` is the message after the file name. */
static void assert_verify_fails(const char *json, const char *const *extra, const char *suffix) {
    char path[64];
    tv_write_table(path, sizeof path, json);
    const char *argv[16] = {"verify", "--table", path};
    int n = 3;
    for (; extra && *extra; extra++)
        argv[n++] = *extra;
    argv[n] = NULL;
    TvRun r = tv_run(verify_main, argv);
    unlink(path);
    ck_assert_int_eq(r.rc, 2);
    ck_assert_str_eq(r.out, "");
    ck_assert_int_eq(tv_count_lines(r.err), 1);
    char want[1024];
    snprintf(want, sizeof want, "%s%s\n", path, suffix);
    ck_assert_str_eq(r.err, want);
    tv_free(&r);
}

START_TEST(cli_wrong_vector_length) {
    assert_verify_fails(
        "{\"vocab\": [\"A\", \"B\", \"C\"], \"contexts\": [{\"prefix\": [], \"logits\": [10, 9, "
        "0]}, {\"prefix\": [\"A\"], \"logits\": [0, 0, 0]}, {\"prefix\": [\"B\"], \"logits\": [8, "
        "7]}], \"candidates\": [[\"A\", \"A\"], [\"B\", \"B\"]]}",
        NULL, ": contexts[2].logits: expected 3 numbers (vocab size), got 2");
}
END_TEST

START_TEST(cli_missing_context_for_a_candidate_prefix) {
    assert_verify_fails("{\"vocab\": [\"A\", \"B\", \"C\"], \"contexts\": [{\"prefix\": [], "
                        "\"logits\": [10, 9, 0]}, {\"prefix\": [\"A\"], \"logits\": [0, 0, 0]}], "
                        "\"candidates\": [[\"A\", \"A\"], [\"B\", \"B\"]]}",
                        NULL,
                        ": candidates[1] [\"B\", \"B\"]: no context for prefix [\"B\"] (needed to "
                        "score step 2)");
}
END_TEST

START_TEST(cli_missing_context_for_command_line_candidates) {
    const char *extra[] = {"--candidates", "A", "C A", NULL};
    assert_verify_fails("{\"vocab\": [\"A\", \"B\", \"C\"], \"contexts\": [{\"prefix\": [], "
                        "\"logits\": [10, 9, 0]}]}",
                        extra,
                        ": --candidates #2 [\"C\", \"A\"]: no context for prefix [\"C\"] (needed "
                        "to score step 2)");
}
END_TEST

START_TEST(cli_not_json) {
    assert_verify_fails("vocab: [A, B]\n", NULL, ":1:1: not valid JSON: invalid value");
}
END_TEST

START_TEST(cli_nan_logit) {
    assert_verify_fails("{\"vocab\": [\"A\", \"B\"],\n \"contexts\": [{\"prefix\": [], \"logits\": "
                        "[\"nan\", 1]}]}",
                        NULL,
                        ": contexts[0].logits[0]: NaN is not a logit (the only non-finite value "
                        "allowed is \"-inf\", a masked token)");
}
END_TEST

START_TEST(cli_no_candidates) {
    assert_verify_fails("{\"vocab\": [\"A\", \"B\"], \"contexts\": [{\"prefix\": [], \"logits\": "
                        "[0, 1]}]}",
                        NULL,
                        ": no candidates to rank (add \"candidates\" to the table or pass "
                        "--candidates)");
}
END_TEST

START_TEST(cli_unknown_candidate_token) {
    char path[64];
    tv_write_table(path, sizeof path,
                   "{\"vocab\": [\"A\", \"B\"], \"contexts\": [{\"prefix\": [], \"logits\": [0, "
                   "1]}]}");
    const char *argv[] = {"verify", "--table", path, "--candidates", "A", "B D", NULL};
    TvRun r = tv_run(verify_main, argv);
    unlink(path);
    ck_assert_int_eq(r.rc, 2);
    char want[256];
    snprintf(want, sizeof want,
             "--candidates \"B D\": unknown token \"D\" (not in the vocab of %s)\n", path);
    ck_assert_str_eq(r.err, want);
    tv_free(&r);
}
END_TEST

START_TEST(cli_missing_file) {
    const char *argv[] = {"verify", "--table", "/nonexistent/t.json", NULL};
    TvRun r = tv_run(verify_main, argv);
    ck_assert_int_eq(r.rc, 2);
    ck_assert_str_eq(r.err, "/nonexistent/t.json: cannot open: No such file or directory\n");
    tv_free(&r);
}
END_TEST

/* --candidates overrides the file's candidates. */
START_TEST(cli_candidates_override_the_file) {
    char path[4096];
    data_path(path, sizeof path, "abc.json");
    const char *argv[] = {"verify", "--table", path, "--candidates", "A", "B", NULL};
    TvRun r = tv_run(verify_main, argv);
    ck_assert_int_eq(r.rc, 0);
    tv_assert_contains(r.out, "candidate [A]\n");
    tv_assert_lacks(r.out, "[A, A]");
    tv_assert_contains(r.out, "verdict: not flipped");
    tv_free(&r);
}
END_TEST

START_TEST(cli_validate_only) {
    char path[4096];
    data_path(path, sizeof path, "prompt-pad.json");
    const char *argv[] = {"verify", "--table", path, "--validate", NULL};
    TvRun r = tv_run(verify_main, argv);
    ck_assert_int_eq(r.rc, 0);
    char want[4200];
    snprintf(want, sizeof want, "%s: ok: 3 tokens, 4 contexts, 3 candidates\n", path);
    ck_assert_str_eq(r.out, want);
    tv_free(&r);
}
END_TEST

/* The `table` of a result's JSON is itself a valid table file that
 * reproduces the result, for every recipe's counterexample. */
START_TEST(json_table_round_trips) {
    const VerifyRecipe *r = verify_recipe_at(_i);
    VerifyResult *res = verify_counterexample(r);
    ck_assert_ptr_nonnull(res);
    json_t *o = verify_result_to_json(res);
    char *text = json_dumps(json_object_get(o, "table"), 0);
    ck_assert_ptr_nonnull(text);
    VerifyTable *t = tv_parse(text);
    VerifyResult *again = tv_score(t, r->name);
    ck_assert_int_eq(again->n, res->n);
    for (int i = 0; i < res->n; i++) {
        ck_assert(again->cands[i].log_prob == res->cands[i].log_prob);
        ck_assert(again->cands[i].score == res->cands[i].score ||
                  (isnan(again->cands[i].score) && isnan(res->cands[i].score)));
    }
    ck_assert_int_eq(again->flipped, res->flipped);
    ck_assert_int_eq(again->harm, res->harm);
    verify_result_free(again);
    verify_table_free(t);
    free(text);
    json_decref(o);
    verify_result_free(res);
}
END_TEST

static Suite *suite(void) {
    Suite *s = suite_create("verify_table");
    TCase *tc = tcase_create("load");
    tcase_add_test(tc, builtin_abc_is_the_design_table);
    tcase_add_test(tc, readme_example_file_gives_the_design_numbers);
    tcase_add_test(tc, keys_in_any_order_and_masked_logits);
    tcase_add_test(tc, escaped_token_names);
    tcase_add_test(tc, numbers_parse_exactly);
    tcase_add_loop_test(tc, json_table_round_trips, 0, verify_recipe_count());
    suite_add_tcase(s, tc);
    tc = tcase_create("malformed");
    tcase_add_loop_test(tc, malformed_table_is_rejected_with_its_message, 0,
                        (int)(sizeof bad_tables / sizeof *bad_tables));
    tcase_add_test(tc, cli_wrong_vector_length);
    tcase_add_test(tc, cli_missing_context_for_a_candidate_prefix);
    tcase_add_test(tc, cli_missing_context_for_command_line_candidates);
    tcase_add_test(tc, cli_not_json);
    tcase_add_test(tc, cli_nan_logit);
    tcase_add_test(tc, cli_no_candidates);
    tcase_add_test(tc, cli_unknown_candidate_token);
    tcase_add_test(tc, cli_missing_file);
    tcase_add_test(tc, cli_candidates_override_the_file);
    tcase_add_test(tc, cli_validate_only);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) {
    return tv_run_suite(suite());
}
