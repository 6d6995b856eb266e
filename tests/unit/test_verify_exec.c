/* The verifier's counterexamples under findings: who produced the numbers (origin), why the
 * script's own code was not run (fallback), and that no harm is claimed in a precision the
 * script does not compute in. */
#define _DEFAULT_SOURCE /* mkstemp */
#include <jansson.h>

#include "test_verify_recompute.h"
#include "test_verify_util.h"

static json_t *first_cex(json_t *findings) {
    json_t *f = json_array_get(findings, 0);
    ck_assert_ptr_nonnull(f);
    json_t *c = json_object_get(f, "counterexample");
    ck_assert(json_is_object(c));
    return c;
}

/* Every key naming a number "script_..." is absent from a recipe's counterexample. */
static void assert_no_script_keys(json_t *cex) {
    ck_assert_ptr_null(json_object_get(cex, "script_ranking"));
    ck_assert_ptr_null(json_object_get(cex, "script_pick"));
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(cex, "candidates"), i, c) {
        ck_assert_ptr_null(json_object_get(c, "script_score"));
        ck_assert_ptr_nonnull(json_object_get(c, "recipe_score"));
    }
    const char *v = json_string_value(json_object_get(cex, "verdict"));
    ck_assert_ptr_nonnull(v);
    tv_assert_lacks(v, "the script");
}

/* NumPy computes in float64: the counterexample must not show a float32-only NaN. */
START_TEST(numpy_softmax_is_not_claimed_in_float32) {
    json_t *o = check_json(FIXTURES_DIR "/LL110/fire_numpy_variable.py");
    json_t *cex = first_cex(o);
    const char *origin = json_string_value(json_object_get(cex, "origin"));
    ck_assert_ptr_nonnull(origin);
    if (!strcmp(origin, "recipe")) {
        ck_assert_str_eq(json_string_value(json_object_get(cex, "precision")), "float64");
        ck_assert_str_eq(json_string_value(json_object_get(cex, "recipe")),
                         "unstable-softmax-f64");
        const char *why = json_string_value(json_object_get(cex, "fallback"));
        ck_assert_ptr_nonnull(why);
        ck_assert_ptr_null(strchr(why, '\n'));
        assert_no_script_keys(cex);
    }
    json_decref(o);
}
END_TEST

/* The precision mapping itself: float32 recipes fall back to their float64 siblings. */
START_TEST(float32_recipes_have_float64_siblings) {
    for (int i = 0; i < verify_recipe_count(); i++) {
        const VerifyRecipe *r = verify_recipe_at(i);
        const VerifyRecipe *q = verify_recipe_at_precision(r, false);
        ck_assert_int_eq(q->precision, VERIFY_FLOAT64);
        ck_assert_int_eq(q->transform, r->transform);
        ck_assert_int_eq(q->aggregate, r->aggregate);
        ck_assert_ptr_eq(verify_recipe_at_precision(r, true), r);
    }
}
END_TEST

/* ---- the script's own numbers, recomputed from the JSON alone ---- */

typedef enum { Q_BONUS, Q_TEMPERATURE, Q_MEAN, Q_NOSHIFT } Quirk;

/* What each quirk script computes, written out here independently of the interpreter. */
static double expected_score(Quirk q, json_t *table, json_t *toks) {
    size_t n = json_array_size(toks);
    double acc = 0;
    float acc32 = 0;
    for (size_t k = 0; k < n; k++) {
        int y = vocab_index(table, json_string_value(json_array_get(toks, k)));
        json_t *u = row_of(table, toks, q == Q_NOSHIFT ? k + 1 : k);
        double v = logit_at(u, y);
        if (q == Q_TEMPERATURE) acc32 = (float)(acc32 + (float)((float)v / 0.7f));
        else if (q == Q_NOSHIFT) acc += v - lse(u);
        else acc += v;
    }
    if (q == Q_BONUS) return acc + 0.5 * (double)n;
    if (q == Q_TEMPERATURE) return acc32;
    if (q == Q_MEAN) return acc / (double)n;
    return acc;
}

static const struct {
    const char *file;
    Quirk quirk;
} quirks[] = {{"quirk_bonus.py", Q_BONUS},
              {"quirk_temperature.py", Q_TEMPERATURE},
              {"quirk_mean.py", Q_MEAN},
              {"quirk_noshift.py", Q_NOSHIFT}};

START_TEST(script_score_is_what_the_script_computes) {
    char path[512];
    snprintf(path, sizeof path, "%s/exec/%s", TEST_DATA_DIR, quirks[_i].file);
    json_t *o = check_json(path);
    json_t *cex = first_cex(o);
    ck_assert_str_eq(json_string_value(json_object_get(cex, "origin")), "script");
    ck_assert_ptr_null(json_object_get(cex, "fallback"));
    json_t *entry = json_object_get(cex, "entry");
    ck_assert_str_eq(json_string_value(json_object_get(entry, "function")), "score");
    json_t *table = json_object_get(cex, "table");
    json_t *cands = json_object_get(cex, "candidates");
    size_t n = json_array_size(cands);
    ck_assert_int_ge(n, 2);
    double want[16], lp[16];
    for (size_t i = 0; i < n && i < 16; i++) {
        json_t *c = json_array_get(cands, i);
        json_t *toks = json_object_get(c, "tokens");
        want[i] = expected_score(quirks[_i].quirk, table, toks);
        lp[i] = log_pr(table, toks);
        double got = json_number_value(json_object_get(c, "script_score"));
        ck_assert_msg(fabs(got - want[i]) <= 1e-5 * fmax(1, fabs(want[i])), "%s: candidate %zu: script_score %g, recomputed %g",
                      quirks[_i].file, i, got, want[i]);
        ck_assert_double_eq_tol(json_number_value(json_object_get(c, "log_prob")), lp[i], 1e-9);
    }
    /* the picks: the script's is its own argmax, the correct one log Pr's, and they differ */
    json_t *sp = json_object_get(cex, "script_pick"), *cp = json_object_get(cex, "correct_pick");
    ck_assert(json_equal(sp, json_object_get(json_array_get(cands, argmax(want, n)), "tokens")));
    ck_assert(json_equal(cp, json_object_get(json_array_get(cands, argmax(lp, n)), "tokens")));
    ck_assert(json_is_true(json_object_get(cex, "flipped")));
    ck_assert(!json_equal(sp, cp));
    tv_assert_contains(json_string_value(json_object_get(cex, "verdict")), "the script picks");
    json_decref(o);
}
END_TEST

/* `logitlint verify --file --line` runs the same function on a user table. */
START_TEST(verify_file_line_runs_the_function_on_a_table) {
    json_t *o = tv_verify_json("quirk_bonus.py", 8);
    ck_assert_str_eq(json_string_value(json_object_get(o, "origin")), "script");
    json_t *c1 = json_array_get(json_object_get(o, "candidates"), 1);
    ck_assert_double_eq_tol(json_number_value(json_object_get(c1, "script_score")), 9 + 7 + 1.0, 1e-9);
    json_decref(o);
    TvRun r = tv_verify_at("quirk_bonus.py", 1, false);
    ck_assert_int_eq(r.rc, 2);
    tv_assert_contains(r.err, "not inside a function");
    tv_free(&r);
}
END_TEST

/* ---- stand-ins: each recomputed from the reported table, on buggy and on correct code ---- */

typedef enum { S_RAW, S_LOGPROB, S_MEAN_NLL, S_LOGPROB_T2, S_IGNORED } StandScore;

/* The prompt followed by a candidate's tokens, as the table's prefixes spell them. */
static json_t *full_sequence(json_t *table, json_t *toks) {
    json_t *seq = json_deep_copy(json_object_get(table, "prompt"));
    if (!seq) seq = json_array();
    json_array_extend(seq, toks);
    return seq;
}

/* What each stand-in test script computes for a candidate, written out independently:
 * the sum of the raw logits of its tokens, log Pr(candidate | prompt), Hugging Face's labels=
 * loss (the mean NLL over prompt and candidate; the start is never predicted), the sum of
 * log_softmax(u / 2) at its tokens, or 0 (each token's loss taken against a target the loss
 * ignores). */
static double stand_expected(StandScore q, json_t *table, json_t *toks) {
    json_t *seq = full_sequence(table, toks);
    size_t plen = json_array_size(seq) - json_array_size(toks), n = json_array_size(seq);
    double raw = 0, lp_cand = 0, lp_all = 0, lp_half = 0;
    for (size_t k = 0; k < n; k++) {
        json_t *u = row_of(table, seq, k);
        double v = logit_at(u, vocab_index(table, json_string_value(json_array_get(seq, k))));
        lp_all += v - lse(u);
        if (k < plen) continue;
        raw += v;
        lp_cand += v - lse(u);
        double m = -INFINITY, z = 0;
        for (size_t j = 0; j < json_array_size(u); j++)
            m = fmax(m, logit_at(u, (int)j) / 2);
        for (size_t j = 0; j < json_array_size(u); j++)
            z += exp(logit_at(u, (int)j) / 2 - m);
        lp_half += v / 2 - m - log(z);
    }
    json_decref(seq);
    if (q == S_IGNORED) return 0;
    return q == S_RAW ? raw : q == S_LOGPROB ? lp_cand : q == S_LOGPROB_T2 ? lp_half : -lp_all / (double)n;
}

static const struct {
    const char *file;
    int line;
    const char *entry;
    StandScore score;
    bool flips; /* on abc */
} stands[] = {
    {"stand_mlx.py", 6, "raw_sum", S_RAW, true},
    {"stand_mlx.py", 12, "log_prob", S_LOGPROB, false},
    {"stand_tf.py", 6, "raw_sum", S_RAW, true},
    {"stand_tf.py", 12, "log_prob", S_LOGPROB, false},
    {"stand_tf_loss.py", 9, "keras_fn_sum", S_LOGPROB, false},
    {"stand_tf_loss.py", 14, "keras_obj_mean", S_MEAN_NLL, false},
    {"stand_tf_loss.py", 21, "keras_probs_sum", S_LOGPROB, false},
    {"stand_tf_loss.py", 27, "one_hot_log_prob", S_LOGPROB, false},
    {"stand_tf_loss.py", 34, "raw_masked", S_RAW, true},
    {"stand_tf_mask.py", 8, "response_raw", S_RAW, true},
    {"stand_tf_mask.py", 16, "response_log_prob", S_LOGPROB, false},
    {"stand_tf_mask.py", 30, "Evaluator.log_prob", S_LOGPROB, false},
    {"collator_token_class.py", 18, "tagged_raw", S_RAW, true},
    {"stand_generate.py", 3, "raw_scores", S_RAW, true},
    {"stand_generate.py", 12, "normalised", S_LOGPROB, false},
    {"stand_api.py", 6, "echo_sum", S_LOGPROB, false},
    {"stand_api.py", 10, "chat_sum", S_LOGPROB, false},
    {"stand_api.py", 14, "vllm_sum", S_LOGPROB, false},
    {"stand_lazy_self.py", 13, "Scorer.raw_sum", S_RAW, true},
    {"stand_lazy_self.py", 19, "Scorer.log_prob", S_LOGPROB, false},
    {"stand_records.py", 6, "loglikelihood", S_RAW, true},
    {"stand_records.py", 19, "loglikelihood_ok", S_LOGPROB, false},
    {"stand_distribution.py", 8, "probs", S_LOGPROB, false},
    {"stand_distribution.py", 13, "tempered_log_probs", S_LOGPROB_T2, false},
    {"stand_pairs.py", 14, "loglikelihood", S_RAW, true},
    {"stand_pairs.py", 27, "HarnessLM._loglikelihood_tokens", S_LOGPROB, false},
    {"stand_lambda.py", 4, "seq_score", S_RAW, true},
    {"stand_lambda.py", 5, "seq_logprob", S_LOGPROB, false},
    {"stand_setup.py", 20, "padded_log_prob", S_LOGPROB, false},
    {"stand_setup.py", 26, "raw_sum_in_eval_mode", S_RAW, true},
    {"stand_sampler_loop.py", 14, "sample_read_first", S_IGNORED, false},
    {"stand_sampler_loop.py", 27, "sample_write_first", S_LOGPROB, false},
};

/* `verify --file F --line N` on abc: the script's own numbers, the log Pr beside them, and a
 * flip exactly where the script's scoring is wrong. */
START_TEST(stand_ins_give_the_scripts_own_numbers) {
    json_t *o = tv_verify_json(stands[_i].file, stands[_i].line);
    ck_assert_str_eq(json_string_value(json_object_get(o, "origin")), "script");
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(o, "entry"), "function")), stands[_i].entry);
    json_t *table = json_object_get(o, "table");
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(o, "candidates"), i, c) {
        json_t *toks = json_object_get(c, "tokens");
        double want = stand_expected(stands[_i].score, table, toks);
        double got = json_number_value(json_object_get(c, "script_score"));
        ck_assert_msg(fabs(got - want) <= 1e-5 * fmax(1, fabs(want)), "%s:%d candidate %zu: script_score %g, recomputed %g",
                      stands[_i].file, stands[_i].line, i, got, want);
        ck_assert_double_eq_tol(json_number_value(json_object_get(c, "log_prob")),
                                stand_expected(S_LOGPROB, table, toks), 1e-9);
    }
    ck_assert_int_eq(json_is_true(json_object_get(o, "flipped")), stands[_i].flips);
    json_decref(o);
}
END_TEST

/* The ranking is in main(), which parses its arguments (each its default) and reads its records
 * from a file (bound by use): main() runs, returns nothing, and the values it ranks with
 * np.argmin are the scores, Hugging Face's labels= loss on the reported table. */
START_TEST(ranking_in_main_reads_the_values_it_ranks) {
    json_t *o = check_json(TEST_DATA_DIR "/exec/stand_callee.py");
    json_t *f = json_array_get(o, 0);
    ck_assert_str_eq(json_string_value(json_object_get(f, "code")), "LL107");
    json_t *cex = first_cex(o);
    ck_assert_str_eq(json_string_value(json_object_get(cex, "origin")), "script");
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(cex, "entry"), "function")), "main");
    ck_assert_str_eq(json_string_value(json_object_get(cex, "score_label")),
                     "the value main() ranks with numpy.argmin at line 30");
    json_t *table = json_object_get(cex, "table");
    json_t *cands = json_object_get(cex, "candidates");
    size_t n = json_array_size(cands), best = 0;
    double loss[16];
    ck_assert_int_ge(n, 2);
    for (size_t i = 0; i < n && i < 16; i++) {
        json_t *toks = json_object_get(json_array_get(cands, i), "tokens");
        loss[i] = stand_expected(S_MEAN_NLL, table, toks);
        ck_assert_double_eq_tol(json_number_value(json_object_get(json_array_get(cands, i), "script_score")), loss[i],
                                1e-5);
        if (loss[i] < loss[best]) best = i;
    }
    /* lower loss wins: the script's pick is the least loss, and it is not log Pr's */
    ck_assert(json_equal(json_object_get(cex, "script_pick"), json_object_get(json_array_get(cands, best), "tokens")));
    ck_assert(json_is_true(json_object_get(cex, "flipped")));
    json_decref(o);
}
END_TEST

/* A record-per-candidate entry under `check`: the finding's counterexample is the script's. */
START_TEST(findings_under_new_stand_ins_are_the_scripts) {
    static const char *const files[] = {"stand_records.py", "stand_lazy_self.py", "stand_generate.py", "stand_mlx.py"};
    for (size_t k = 0; k < sizeof files / sizeof *files; k++) {
        char path[512];
        snprintf(path, sizeof path, "%s/exec/%s", TEST_DATA_DIR, files[k]);
        json_t *o = check_json(path);
        json_t *cex = first_cex(o);
        ck_assert_msg(!strcmp(json_string_value(json_object_get(cex, "origin")), "script"), "%s: %s", files[k],
                      json_string_value(json_object_get(cex, "fallback")));
        ck_assert(json_is_true(json_object_get(cex, "flipped")));
        json_decref(o);
    }
}
END_TEST

/* A sampling loop given how many tokens to generate generates the candidate: the sampler draws
 * its tokens (a stand-in the report names), and a loss read before the draw is written scores
 * every candidate 0, a tie; greedy decoding generates its own continuation, never the
 * candidate's, and falls back. */
START_TEST(sampling_loops_generate_the_candidate) {
    json_t *o = tv_verify_json("stand_sampler_loop.py", 14);
    ck_assert_str_eq(json_string_value(json_object_get(o, "harm")), "tie");
    ck_assert_str_eq(json_string_value(json_object_get(o, "score_label")), "the sum of sample_read_first()[1] at the candidate's tokens");
    json_t *stand = json_object_get(o, "stand_ins");
    tv_assert_contains(json_string_value(json_array_get(stand, 0)), "parameter max_new: the candidate's length");
    tv_assert_contains(json_string_value(json_array_get(stand, 1)), "torch.multinomial at line 15: draws the candidate's next token");
    json_decref(o);
    TvRun r = tv_verify_at("stand_sampler_loop.py", 38, false);
    ck_assert_int_eq(r.rc, 2);
    tv_free(&r);
    /* a length with a default (max_new=32): run with the candidate's, which the report names;
     * each candidate's score is 0 (its targets are ignored), recomputed here as such */
    o = check_json(TEST_DATA_DIR "/exec/stand_sampler_default.py");
    json_t *cex = first_cex(o), *c;
    ck_assert_str_eq(json_string_value(json_object_get(cex, "origin")), "script");
    ck_assert_str_eq(json_string_value(json_object_get(cex, "harm")), "tie");
    tv_assert_contains(json_string_value(json_array_get(json_object_get(cex, "stand_ins"), 0)),
                       "parameter max_new: the candidate's length");
    size_t i;
    json_array_foreach(json_object_get(cex, "candidates"), i, c) {
        ck_assert_double_eq(json_number_value(json_object_get(c, "script_score")), 0);
        ck_assert_double_eq_tol(json_number_value(json_object_get(c, "log_prob")),
                                log_pr(json_object_get(cex, "table"), json_object_get(c, "tokens")), 1e-9);
    }
    json_decref(o);
}
END_TEST

/* A binding that never reads the toy LM, or under which every candidate gets the same value,
 * proves nothing: the finding keeps the recipe's counterexample and says why. */
START_TEST(bindings_that_prove_nothing_fall_back) {
    TvRun r = tv_verify_at("degenerate.py", 3, false);
    ck_assert_int_eq(r.rc, 2);
    tv_assert_contains(r.err, "the run never read the model's output");
    tv_free(&r);
    json_t *o = check_json(TEST_DATA_DIR "/exec/degenerate.py");
    json_t *cex = first_cex(o);
    ck_assert_str_eq(json_string_value(json_object_get(cex, "origin")), "recipe");
    tv_assert_contains(json_string_value(json_object_get(cex, "fallback")),
                       "prompt_only() gives every candidate the same value");
    assert_no_script_keys(cex);
    json_decref(o);
}
END_TEST

/* ---- security and bounds: the run ends, with its reason in one line ---- */

static const struct {
    int line;
    const char *reason;
} hostile[] = {{6, "the run never read the model's output"}, /* open() reads nothing */
               {10, "forbidden call eval at line 10"},
               {14, "unsupported call os.system at line 14"},
               {18, "dunder attribute __class__ at line 18"},
               {23, "bound: more than 100000 interpreter steps"},
               {28, "bound: a list of more than"}};

START_TEST(hostile_code_ends_the_run) {
    TvRun r = tv_verify_at("hostile.py", hostile[_i].line, false);
    ck_assert_int_eq(r.rc, 2);
    tv_assert_contains(r.err, hostile[_i].reason);
    ck_assert_ptr_eq(strchr(r.err, '\n'), r.err + strlen(r.err) - 1); /* one line */
    tv_free(&r);
}
END_TEST

/* A finding whose flagged branch the run never takes is kept, with that fact. */
START_TEST(unreached_flagged_code_is_reported_not_dropped) {
    char path[512];
    snprintf(path, sizeof path, "%s/exec/unreached_branch.py", TEST_DATA_DIR);
    json_t *o = check_json(path);
    json_t *cex = first_cex(o);
    ck_assert_str_eq(json_string_value(json_object_get(cex, "origin")), "script");
    ck_assert_str_eq(json_string_value(json_object_get(cex, "harm")), "none");
    tv_assert_contains(json_string_value(json_object_get(cex, "note")), "the flagged code never ran");
    json_decref(o);
}
END_TEST

/* `check --explain` under the script's own numbers: the counterexample is the script's, the
 * step-by-step why is a recipe's, and says so. */
START_TEST(explain_under_a_script_result_names_both) {
    char path[512];
    snprintf(path, sizeof path, "%s/exec/quirk_bonus.py", TEST_DATA_DIR);
    const char *argv[] = {"check", "--isolated", "--explain", path, NULL};
    TvRun r = tv_run(cli_check, argv);
    ck_assert_int_eq(r.rc, 1);
    tv_assert_contains(r.out, "Counterexample (the script's own score() of line 5");
    tv_assert_contains(r.out, "the script's score() value is 11 vs 17");
    tv_assert_contains(r.out, "Why, step by step, on the counterexample of a scorer of this shape");
    tv_assert_contains(r.out, "(recipe sum-raw-logits):");
    tv_free(&r);
}
END_TEST

static Suite *suite(void) {
    Suite *s = suite_create("verify_exec");
    TCase *tc = tcase_create("labels");
    tcase_add_test(tc, numpy_softmax_is_not_claimed_in_float32);
    tcase_add_test(tc, float32_recipes_have_float64_siblings);
    suite_add_tcase(s, tc);
    tc = tcase_create("script");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, script_score_is_what_the_script_computes, 0, (int)(sizeof quirks / sizeof *quirks));
    tcase_add_test(tc, verify_file_line_runs_the_function_on_a_table);
    tcase_add_loop_test(tc, hostile_code_ends_the_run, 0, (int)(sizeof hostile / sizeof *hostile));
    tcase_add_test(tc, unreached_flagged_code_is_reported_not_dropped);
    tcase_add_test(tc, explain_under_a_script_result_names_both);
    tcase_add_loop_test(tc, stand_ins_give_the_scripts_own_numbers, 0, (int)(sizeof stands / sizeof *stands));
    tcase_add_test(tc, ranking_in_main_reads_the_values_it_ranks);
    tcase_add_test(tc, findings_under_new_stand_ins_are_the_scripts);
    tcase_add_test(tc, sampling_loops_generate_the_candidate);
    tcase_add_test(tc, bindings_that_prove_nothing_fall_back);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) {
    return tv_run_suite(suite());
}
