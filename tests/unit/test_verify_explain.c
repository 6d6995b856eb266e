/* `logitlint explain CODE`: the reviewer's explanation, with the numbers of
 * the rule's counterexample (for LL101, exactly DESIGN.md's). */
#define _POSIX_C_SOURCE 200809L
#include "test_verify_util.h"

#include <ctype.h>

#include "cli.h"
#include "explain.h"
#include "rules.h"

/* The prose is wrapped for pasting; compare it with runs of blanks squashed. */
static char *squash(const char *s) {
    char *out = malloc(strlen(s) + 1), *o = out;
    ck_assert_ptr_nonnull(out);
    bool space = false;
    for (; *s; s++) {
        if (isspace((unsigned char)*s)) {
            space = true;
            continue;
        }
        if (space && o != out) *o++ = ' ';
        space = false;
        *o++ = *s;
    }
    *o = 0;
    return out;
}

static char *explain_text(const char *code) {
    const char *argv[] = {"explain", code, NULL};
    TvRun r = tv_run(explain_main, argv);
    ck_assert_int_eq(r.rc, 0);
    ck_assert_str_eq(r.err, "");
    char *s = squash(r.out);
    tv_free(&r);
    return s;
}

/* The i-th rule with an explanation, in registry order (NULL past the last). */
static const Rule *explained(int i) {
    for (size_t k = 0; k < rules_count; k++)
        if (rules_registry[k]->explain && i-- == 0) return rules_registry[k];
    return NULL;
}

static int n_explained(void) {
    int n = 0;
    while (explained(n))
        n++;
    return n;
}

START_TEST(ll101_says_the_design_numbers) {
    char *s = explain_text("LL101");
    tv_assert_contains(s, "LL101 raw-logit-sequence-score");
    tv_assert_contains(s, "[A, A] 10 + 0 = 10 -0.313295 - 1.098612 = -1.411907");
    tv_assert_contains(s, "[B, B] 9 + 7 = 16 -1.313295 - 1.313507 = -2.626802");
    tv_assert_contains(s, "sum of raw logits is 10 vs 16, so it picks [B, B]");
    tv_assert_contains(s, "log Pr(y|x) is -1.411907 vs -2.626802, so the correct objective picks "
                          "[A, A]");
    tv_assert_contains(s, "x 10 9 0 10.313295");
    tv_assert_contains(s, "log Z_t: 10.313295 at step 1, 1.098612 after A, 8.313507 after B");
    /* the three points the case study asks for */
    tv_assert_contains(s, "1. Autoregressive decomposition. log Pr(y|x) = sum over t of log "
                          "Pr(y_t | x, y_<t)");
    tv_assert_contains(s, "the second token of [A, A] is scored under the context (x, A), the "
                          "second token of [B, B] under (x, B)");
    tv_assert_contains(s, "2. Softmax turns one step's logits into probabilities");
    tv_assert_contains(s, "Softmax is monotonic within one step");
    tv_assert_contains(s, "Logits are defined only up to a per-step constant");
    tv_assert_contains(s, "[A, A]: 10 = -1.411907 + 11.411907; [B, B]: 16 = -2.626802 + "
                          "18.626802");
    tv_assert_contains(s, "3. Training minimises the negative log-likelihood");
    tv_assert_contains(s, "sequence scores must sum log-probabilities, not logits");
    tv_assert_contains(s, "Fix: score with log_softmax");
    free(s);
}
END_TEST

START_TEST(lines_fit_a_review_comment) {
    const char *argv[] = {"explain", explained(_i)->code, NULL};
    TvRun r = tv_run(explain_main, argv);
    for (char *line = r.out; *line;) {
        char *nl = strchr(line, '\n');
        ck_assert_ptr_nonnull(nl);
        ck_assert_msg(nl - line <= 80, "line too long: %.*s", (int)(nl - line), line);
        line = nl + 1;
    }
    tv_free(&r);
}
END_TEST

/* Every rule explains itself around its own counterexample's numbers. */
START_TEST(each_rule_uses_its_counterexample_numbers) {
    const char *code = explained(_i)->code;
    ck_assert(explain_known(code));
    VerifyResult *res = verify_counterexample(verify_recipe_for_rule(code));
    char *s = explain_text(code);
    char head[64];
    snprintf(head, sizeof head, "%s ", code);
    ck_assert_msg(strncmp(s, head, strlen(head)) == 0, "%s", s);
    char *headline = squash(explained(_i)->explain_headline);
    tv_assert_contains(s, headline);
    free(headline);
    tv_assert_contains(s, "Counterexample (recipe ");
    tv_assert_contains(s, verify_recipe_for_rule(code)->name);
    tv_assert_contains(s, "Why:");
    tv_assert_contains(s, "Fix:");
    for (int k = 0; k < 2; k++) {
        int i = k ? res->script_rank[0] : res->correct_rank[0];
        char num[32];
        verify_print_num(res->cands[i].log_prob, num, sizeof num);
        tv_assert_contains(s, num);
        verify_print_num(res->cands[i].score, num, sizeof num);
        tv_assert_contains(s, num);
    }
    free(s);
    verify_result_free(res);
}
END_TEST

START_TEST(numeric_rules_name_the_float_limits) {
    char *s = explain_text("LL102");
    tv_assert_contains(s, "smallest positive float32, 1.401298e-45");
    tv_assert_contains(s, "a product of 65 tokens is already 0 in float32");
    free(s);
    s = explain_text("LL103");
    tv_assert_contains(s, "log(0) = -inf");
    free(s);
    s = explain_text("LL110");
    tv_assert_contains(s, "exp overflows float32 above 88.722839");
    tv_assert_contains(s, "inf / inf = NaN");
    free(s);
}
END_TEST

START_TEST(ll106_covers_prompt_and_padding) {
    char *s = explain_text("LL106");
    tv_assert_contains(s, "averaging over the continuation alone would pick");
    free(s);
    const char *argv[] = {"explain", "LL106", "--recipe", "sum-with-padding", NULL};
    TvRun r = tv_run(explain_main, argv);
    ck_assert_int_eq(r.rc, 0);
    s = squash(r.out);
    tv_assert_contains(s, "is padded with 1 <pad> position");
    free(s);
    tv_free(&r);
}
END_TEST

START_TEST(ll111_and_ll112_explain_their_counterexamples) {
    char *s = explain_text("LL111");
    tv_assert_contains(s, "LL111 score-at-padded-position");
    tv_assert_contains(s, "is padded with 1 <pad> position");
    tv_assert_contains(s, "so it picks [B, A]; log Pr(y|x) is -1.098612 vs -1.960607, so the "
                          "correct objective picks [B]");
    free(s);
    s = explain_text("LL112");
    tv_assert_contains(s, "LL112 target-read-before-write");
    tv_assert_contains(s, "Every term is 0, so every candidate scores 0");
    tv_assert_contains(s, "(every term ignored)");
    free(s);
}
END_TEST

START_TEST(codes_are_case_insensitive) {
    char *a = explain_text("ll105"), *b = explain_text("LL105");
    ck_assert_str_eq(a, b);
    free(a);
    free(b);
}
END_TEST

START_TEST(unknown_code_exits_two) {
    const char *argv[] = {"explain", "LL999", NULL};
    TvRun r = tv_run(explain_main, argv);
    ck_assert_int_eq(r.rc, 2);
    ck_assert_str_eq(r.out, "");
    ck_assert_str_eq(
        r.err, "logitlint explain: unknown rule code \"LL999\" (see `logitlint rule --all`)\n");
    tv_free(&r);
    const char *none[] = {"explain", NULL};
    r = tv_run(explain_main, none);
    ck_assert_int_eq(r.rc, 2);
    ck_assert_int_eq(tv_count_lines(r.err), 1);
    tv_free(&r);
    const char *bad[] = {"explain", "LL101", "--recipe", "nope", NULL};
    r = tv_run(explain_main, bad);
    ck_assert_int_eq(r.rc, 2);
    tv_assert_contains(r.err, "unknown recipe \"nope\"");
    tv_free(&r);
    ck_assert(!explain_known("LL1010"));
}
END_TEST

/* The usage names the codes that have an explanation, as the registry has them. */
START_TEST(usage_names_the_explained_codes) {
    const char *argv[] = {"explain", "--help", NULL};
    TvRun r = tv_run(explain_main, argv);
    ck_assert_int_eq(r.rc, 0);
    char range[32];
    snprintf(range, sizeof range, "(%s-%s)", explained(0)->code,
             explained(n_explained() - 1)->code);
    tv_assert_contains(r.out, range);
    tv_free(&r);
    FILE *f = tmpfile();
    explain_print(f, "LL001", NULL); /* a rule with no ranking to flip */
    fseek(f, 0, SEEK_END);
    char *text = tv_slurp(f);
    char want[64];
    snprintf(want, sizeof want, "LL001: no explanation (known rules: %s-%s)\n", explained(0)->code,
             explained(n_explained() - 1)->code);
    ck_assert_str_eq(text, want);
    free(text);
}
END_TEST

/* check --explain passes the finding's result: the text follows its table. */
START_TEST(explain_print_follows_the_given_result) {
    VerifyTable *t = tv_parse("{\"vocab\": [\"P\", \"Q\"], \"contexts\": ["
                              "{\"prefix\": [], \"logits\": [3, 0]},"
                              "{\"prefix\": [\"P\"], \"logits\": [0, 0]},"
                              "{\"prefix\": [\"Q\"], \"logits\": [5, 0]}],"
                              "\"candidates\": [[\"P\", \"P\"], [\"Q\", \"P\"]]}");
    VerifyResult *res = tv_score(t, "sum-raw-logits");
    FILE *f = tmpfile();
    explain_print(f, "LL101", res);
    fseek(f, 0, SEEK_END);
    char *raw = tv_slurp(f), *s = squash(raw);
    tv_assert_contains(s, "table t.json");
    tv_assert_contains(s, "[P, P] 3 + 0 = 3");
    tv_assert_contains(s, "[Q, P] 0 + 5 = 5");
    tv_assert_contains(s, "so it picks [Q, P]");
    free(raw);
    free(s);
    verify_result_free(res);
    verify_table_free(t);
}
END_TEST

/* check --explain under a counterexample of the script's own code names its stand-ins (what the
 * run chose where the table cannot say), as verify and check do. */
START_TEST(explain_names_the_runs_stand_ins) {
    const char *argv[] = {"check", "--isolated", "--no-cache", "--explain", TEST_DATA_DIR "/exec/stand_divisor.py", NULL};
    TvRun r = tv_run(cli_check, argv);
    char *s = squash(r.out);
    /* in the explanation itself, not only in the finding's counterexample above it */
    const char *ex = strstr(s, "Counterexample (the script's own tempered_logprobs() of line 5");
    ck_assert_msg(ex != NULL, "no explanation of the script's own counterexample in:\n%s", s);
    tv_assert_contains(ex, "stand-in: parameter temperature: 1.0 (a divisor its callers supply)");
    free(s);
    tv_free(&r);
}
END_TEST

static Suite *suite(void) {
    Suite *s = suite_create("verify_explain");
    TCase *tc = tcase_create("explain");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, ll101_says_the_design_numbers);
    tcase_add_loop_test(tc, lines_fit_a_review_comment, 0, n_explained());
    tcase_add_loop_test(tc, each_rule_uses_its_counterexample_numbers, 0, n_explained());
    tcase_add_test(tc, numeric_rules_name_the_float_limits);
    tcase_add_test(tc, ll106_covers_prompt_and_padding);
    tcase_add_test(tc, ll111_and_ll112_explain_their_counterexamples);
    tcase_add_test(tc, codes_are_case_insensitive);
    tcase_add_test(tc, unknown_code_exits_two);
    tcase_add_test(tc, usage_names_the_explained_codes);
    tcase_add_test(tc, explain_print_follows_the_given_result);
    tcase_add_test(tc, explain_names_the_runs_stand_ins);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) {
    return tv_run_suite(suite());
}
