/* Uses the verifier's runs once stopped at: a parameter read as a dict (a collated batch with
 * its labels), a loader of such batches, an nn layer's load_state_dict, a scoring method of the
 * script's own language model class, and torch.nn.utils.rnn.pad_sequence. Each script_score is recomputed from the reported
 * table alone; the batch tests run on a table with a prompt, so that labels that do not mask the
 * prompt would give other numbers. */
#define _DEFAULT_SOURCE /* mkstemp */
#include <jansson.h>
#include <unistd.h>

#include "test_verify_recompute.h"
#include "test_verify_util.h"

/* A prompt C; the candidates A A and B B; rows after C, C A and C B. */
static const char *const prompt_table =
    "{\"vocab\": [\"A\", \"B\", \"C\"], \"prompt\": [\"C\"],"
    " \"contexts\": [{\"prefix\": [], \"logits\": [0, 0, 5]}, {\"prefix\": [\"C\"], \"logits\": [10, 9, 0]},"
    " {\"prefix\": [\"C\", \"A\"], \"logits\": [0, 0, 0]}, {\"prefix\": [\"C\", \"B\"], \"logits\": [8, 7, 0]}],"
    " \"candidates\": [[\"A\", \"A\"], [\"B\", \"B\"]]}";

/* `logitlint verify --file tests/data/exec/FILE --line LINE --table <prompt_table> --recipe
 * RECIPE` (the recipe says whether lower scores win), parsed. */
static json_t *verify_on_prompt_table(const char *file, int line, const char *recipe) {
    char table[64], path[512], l[16];
    tv_write_table(table, sizeof table, prompt_table);
    snprintf(path, sizeof path, "%s/exec/%s", TEST_DATA_DIR, file);
    snprintf(l, sizeof l, "%d", line);
    const char *argv[] = {"verify", "--file", path, "--line", l, "--table", table, "--output-format", "json",
                          "--recipe", recipe, NULL};
    TvRun r = tv_run(verify_main, argv);
    unlink(table);
    ck_assert_msg(r.rc == 0, "%s:%d: %s", file, line, r.err);
    json_error_t e;
    json_t *o = json_loads(r.out, 0, &e);
    ck_assert_msg(o != NULL, "not JSON (%s): %s", e.text, r.out);
    tv_free(&r);
    return o;
}

/* log Pr(toks | prompt) from the table's rows (their prefixes hold the prompt). */
static double log_pr_after(json_t *table, json_t *prompt, json_t *toks) {
    json_t *seq = json_deep_copy(prompt);
    json_array_extend(seq, toks);
    double acc = 0;
    for (size_t k = 0; k < json_array_size(toks); k++) {
        json_t *u = row_of(table, seq, json_array_size(prompt) + k);
        acc += logit_at(u, vocab_index(table, json_string_value(json_array_get(toks, k)))) - lse(u);
    }
    json_decref(seq);
    return acc;
}

/* Minus the raw logits of the candidate's tokens after the prompt: NLLLoss (sum) of raw logits
 * on labels that score the candidate alone. A lower-is-better score, the script's pick its
 * lowest; the prompt table flips it against log Pr(y|x). */
static void assert_masked_raw_nll(json_t *cex) {
    ck_assert_str_eq(json_string_value(json_object_get(cex, "origin")), "script");
    ck_assert(cex_has_stand_in(cex, "batch labels: the input ids, the start, prompt and pads -100"));
    ck_assert_str_eq(json_string_value(json_object_get(cex, "score_order")), "lower-is-better");
    json_t *table = json_object_get(cex, "table"), *prompt = json_object_get(table, "prompt"), *c;
    ck_assert_int_eq((int)json_array_size(prompt), 1);
    size_t i, low = 0;
    double lowest = INFINITY;
    json_array_foreach(json_object_get(cex, "candidates"), i, c) {
        json_t *toks = json_object_get(c, "tokens"), *seq = json_deep_copy(prompt);
        json_array_extend(seq, toks);
        double nll = 0;
        for (size_t k = 0; k < json_array_size(toks); k++)
            nll -= logit_at(row_of(table, seq, json_array_size(prompt) + k), vocab_index(table, json_string_value(json_array_get(toks, k))));
        json_decref(seq);
        ck_assert_double_eq_tol(json_number_value(json_object_get(c, "script_score")), nll, 1e-4);
        ck_assert_double_eq_tol(json_number_value(json_object_get(c, "log_prob")), log_pr_after(table, prompt, toks), 1e-9);
        if (nll < lowest) lowest = nll, low = i;
    }
    ck_assert(json_equal(json_object_get(cex, "script_pick"),
                         json_object_get(json_array_get(json_object_get(cex, "candidates"), low), "tokens")));
    ck_assert(json_is_true(json_object_get(cex, "flipped")));
}

/* `batch.items()` of a parameter: a collated batch; batch["labels"] survives the dict
 * comprehension and masks the start and the prompt. */
START_TEST(batch_read_as_dict_has_collator_labels) {
    json_t *o = verify_on_prompt_table("batch_labels.py", 11, "logits-into-nll-loss");
    assert_masked_raw_nll(o);
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(o, "entry"), "function")), "step");
    json_decref(o);
}
END_TEST

/* `for batch in loader`: a loader of one collated batch of the candidate (the loss summed by
 * .item(): the recipe says lower wins). */
START_TEST(loader_of_dict_batches_runs) {
    json_t *o = verify_on_prompt_table("loader_labels.py", 13, "logits-into-nll-loss");
    assert_masked_raw_nll(o);
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(o, "entry"), "function")), "corpus_nll");
    json_decref(o);
}
END_TEST

/* A Linear loaded from a checkpoint keeps its stand-in weights (the identity), said so: the
 * score is the raw logits of the candidate's tokens, summed. */
START_TEST(layer_load_state_dict_keeps_stand_in_weights) {
    json_t *o = check_json(TEST_DATA_DIR "/exec/layer_load_state.py");
    json_t *cex = only_script_cex(o, "calibrated_score");
    ck_assert(cex_has_stand_in(cex, "load_state_dict at line 9: nn.Linear's loaded weights are its stand-in's"));
    ck_assert(cex_has_stand_in(cex, "nn.Linear at line 10: weight = identity"));
    assert_raw_logit_sums(cex);
    ck_assert(json_is_true(json_object_get(cex, "flipped")));
    json_decref(o);
}
END_TEST

/* The flagged code is a method of the script's own LM class (an nn.Embedding in __init__): it
 * runs as written with self the toy LM (self(idx) its logits), which a stand-in line says. */
START_TEST(method_of_own_lm_class_runs_on_the_toy_lm) {
    json_t *o = check_json(TEST_DATA_DIR "/exec/own_lm_method.py");
    json_t *cex = only_script_cex(o, "TinyLM.sequence_score");
    ck_assert(cex_has_stand_in(cex, "nn.Module at line 7: TinyLM is the toy LM"));
    assert_raw_logit_sums(cex);
    ck_assert(json_is_true(json_object_get(cex, "flipped")));
    json_decref(o);
}
END_TEST

/* pad_sequence right-pads each candidate's ids with the table's pad token; the unmasked sum of
 * token log-probs adds log Pr(pad) at every pad position (float32). */
START_TEST(pad_sequence_pads_with_the_pad_id) {
    json_t *o = check_json(TEST_DATA_DIR "/exec/pad_sequence_sum.py");
    json_t *cex = only_script_cex(o, "score");
    json_t *table = json_object_get(cex, "table"), *cands = json_object_get(cex, "candidates"), *c;
    const char *pad = json_string_value(json_object_get(table, "pad"));
    ck_assert_ptr_nonnull(pad);
    size_t i, width = 0;
    json_array_foreach(cands, i, c) if (json_array_size(json_object_get(c, "tokens")) > width) width =
        json_array_size(json_object_get(c, "tokens"));
    bool padded = false;
    json_array_foreach(cands, i, c) {
        json_t *seq = json_deep_copy(json_object_get(c, "tokens"));
        padded |= json_array_size(seq) < width;
        while (json_array_size(seq) < width)
            json_array_append_new(seq, json_string(pad));
        double sum = 0;
        for (size_t k = 0; k < width; k++) {
            json_t *u = row_of(table, seq, k);
            sum += logit_at(u, vocab_index(table, json_string_value(json_array_get(seq, k)))) - lse(u);
        }
        json_decref(seq);
        ck_assert_double_eq_tol(json_number_value(json_object_get(c, "script_score")), sum, 1e-4);
    }
    ck_assert(padded);
    ck_assert(json_is_true(json_object_get(cex, "flipped")));
    json_decref(o);
}
END_TEST

/* A scorer given the prompt's ids and the candidate's ids apart (it joins them itself): the run
 * gives it the prompt's ids and the candidate's alone, never prompt + candidate in either place,
 * so a correct one (Categorical over [batch, position, vocab] logits) returns log Pr(y|x) of each
 * candidate on the prompt table, and no flip. */
START_TEST(prompt_and_candidate_ids_apart_score_the_candidate) {
    json_t *cex = verify_on_prompt_table("ids_apart_categorical.py", 13, "sum-raw-logits"), *c;
    ck_assert_str_eq(json_string_value(json_object_get(cex, "origin")), "script");
    json_t *table = json_object_get(cex, "table"), *prompt = json_object_get(table, "prompt");
    size_t i;
    json_array_foreach(json_object_get(cex, "candidates"), i, c) {
        double want = log_pr_after(table, prompt, json_object_get(c, "tokens"));
        ck_assert_double_eq_tol(json_number_value(json_object_get(c, "script_score")), want, 1e-5);
    }
    ck_assert(json_is_false(json_object_get(cex, "flipped")));
    json_decref(cex);
}
END_TEST

/* The same shape summing raw logits (LL101), on the finding's own counterexample: each score is
 * the raw logit sum of the candidate's tokens in the reported table (not a sum that read the
 * start's logit of a second start). */
START_TEST(prompt_and_candidate_ids_apart_sum_their_raw_logits) {
    json_t *o = check_json(TEST_DATA_DIR "/exec/ids_apart_raw.py");
    json_t *cex = only_script_cex(o, "candidate_logit_sum");
    assert_raw_logit_sums(cex);
    json_decref(o);
}
END_TEST

static Suite *suite(void) {
    Suite *s = suite_create("verify_exec_batches");
    TCase *tc = tcase_create("batches");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, batch_read_as_dict_has_collator_labels);
    tcase_add_test(tc, loader_of_dict_batches_runs);
    tcase_add_test(tc, layer_load_state_dict_keeps_stand_in_weights);
    tcase_add_test(tc, method_of_own_lm_class_runs_on_the_toy_lm);
    tcase_add_test(tc, pad_sequence_pads_with_the_pad_id);
    tcase_add_test(tc, prompt_and_candidate_ids_apart_score_the_candidate);
    tcase_add_test(tc, prompt_and_candidate_ids_apart_sum_their_raw_logits);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) {
    return tv_run_suite(suite());
}
