/* Uses the verifier's runs once stopped at: a model class of a module the project does not hold,
 * built from a checkpoint the run cannot read; a parameter first used by setting an attribute or
 * by moving it; a restored Flax state; a returned dict the flagged loss flows into; records
 * loaded from a data file; a value whose callers take the lowest.
 * Each script_score is recomputed from the reported table, or checked against the picks. */
#define _DEFAULT_SOURCE /* mkstemp */
#include <jansson.h>

#include "test_verify_recompute.h"
#include "test_verify_util.h"

/* `from model import GPT, GPTConfig` (no model.py), `torch.load(...)`, load_state_dict: the
 * toy LM stands for GPT and the checkpoint is opaque (both reported); the score is the float32
 * log of each token's softmax probability, summed: log Pr(y|x), or -inf where it underflows. */
START_TEST(opaque_model_class_and_checkpoint_run) {
    json_t *o = check_json(TEST_DATA_DIR "/exec/opaque_checkpoint.py");
    json_t *cex = only_script_cex(o, "option_logprob");
    ck_assert(cex_has_stand_in(cex, "torch.load at line 11: a checkpoint the run cannot read"));
    ck_assert(cex_has_stand_in(cex, "model.GPT at line 12: a class outside the project"));
    assert_float32_log_softmax_sums(cex);
    ck_assert(json_is_true(json_object_get(cex, "flipped")));
    json_decref(o);
}
END_TEST

/* `tokenizer.padding_side = "right"` is the tokenizer parameter's first use: it is the toy
 * tokenizer, the batch runs, and the script's pick is its highest score. */
START_TEST(setting_an_attribute_first_binds_the_parameter) {
    json_t *o = check_json(TEST_DATA_DIR "/exec/setattr_first.py");
    json_t *cex = only_script_cex(o, "score_batch");
    json_t *cands = json_object_get(cex, "candidates"), *c;
    size_t i, best = 0;
    double top = -INFINITY;
    json_array_foreach(cands, i, c) if (json_number_value(json_object_get(c, "script_score")) > top) {
        top = json_number_value(json_object_get(c, "script_score"));
        best = i;
    }
    ck_assert(json_equal(json_object_get(cex, "script_pick"), json_object_get(json_array_get(cands, best), "tokens")));
    json_decref(o);
}
END_TEST

/* A restored Flax TrainState: state.apply_fn({"params": state.params}, ids) is the toy LM. */
START_TEST(flax_restored_state_applies_the_toy_lm) {
    json_t *o = check_json(TEST_DATA_DIR "/exec/flax_restored_state.py");
    json_t *cex = only_script_cex(o, "sequence_logprob");
    ck_assert(cex_has_stand_in(cex, "flax.training.checkpoints.restore_checkpoint at line 8"));
    assert_float32_log_softmax_sums(cex);
    ck_assert(json_is_true(json_object_get(cex, "flipped")));
    json_decref(o);
}
END_TEST

/* `model = model.to(device)` first: the parameter is the model; the product of the candidate's
 * probabilities (float32) underflows to 0 for both candidates while log Pr(y|x) differs. */
START_TEST(model_moved_first_is_the_model) {
    json_t *o = check_json(TEST_DATA_DIR "/exec/model_to_first.py");
    json_t *cex = only_script_cex(o, "continuation_score");
    json_t *table = json_object_get(cex, "table"), *c;
    size_t i;
    json_array_foreach(json_object_get(cex, "candidates"), i, c) {
        double p = prob_product(table, json_object_get(c, "tokens"));
        ck_assert_double_eq_tol(json_number_value(json_object_get(c, "script_score")), p < 1e-45 ? 0 : p, 1e-6);
    }
    ck_assert(json_is_true(json_object_get(cex, "flipped")));
    json_decref(o);
}
END_TEST

/* `loss = F.cross_entropy(...)` then `return {"nll": loss, ...}`: the key the loss flows into is
 * the score, a loss (lowest first), each the unshifted NLL over every position but the start's. */
START_TEST(returned_dict_key_is_found_by_data_flow) {
    json_t *o = check_json(TEST_DATA_DIR "/exec/dict_flow_loss.py");
    json_t *cex = only_script_cex(o, "eval_batch");
    ck_assert_str_eq(json_string_value(json_object_get(cex, "score_label")), "eval_batch()[\"nll\"]");
    ck_assert_str_eq(json_string_value(json_object_get(cex, "score_order")), "lower-is-better");
    json_t *cands = json_object_get(cex, "candidates"), *c;
    size_t i, low = 0;
    json_array_foreach(cands, i, c) if (json_number_value(json_object_get(c, "script_score")) <
                                        json_number_value(json_object_get(json_array_get(cands, low), "script_score"))) low = i;
    ck_assert(json_equal(json_object_get(cex, "script_pick"), json_object_get(json_array_get(cands, low), "tokens")));
    json_decref(o);
}
END_TEST

/* Prompts and candidates loaded from a data file (JSON lines under `with open`, a JSON list by
 * json.load(open(...)), results json.dump'ed) or a data set (load_dataset, its split, fields sol1
 * and sol2 the candidates): nothing is read or written (said so), each record's fields are the
 * table's prompt and candidates, and the flagged raw-logit sum, once per candidate, is its score. */
static const struct {
    const char *function, *stand_in;
} loaded[] = {
    {"evaluate_jsonl", "open at line 15: the run reads and writes no file"},
    {"evaluate_json", "open at line 31: the run reads and writes no file"},
    {"evaluate_piqa", "datasets.load_dataset at line 50: the run loads no data set"},
};

START_TEST(records_loaded_from_a_file_are_the_tables) {
    json_t *o = check_json(TEST_DATA_DIR "/exec/data_file_records.py");
    ck_assert_int_eq(json_array_size(o), 3);
    json_t *cex = json_object_get(json_array_get(o, _i), "counterexample");
    ck_assert_msg(!strcmp(json_string_value(json_object_get(cex, "origin")), "script"), "fallback: %s",
                  json_string_value(json_object_get(cex, "fallback")));
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(cex, "entry"), "function")), loaded[_i].function);
    ck_assert(cex_has_stand_in(cex, loaded[_i].stand_in));
    assert_raw_logit_sums(cex);
    ck_assert(json_is_true(json_object_get(cex, "flipped")));
    json_decref(o);
}
END_TEST

/* Rows of a CSV file (csv.DictReader) scored in a loop among the helpers such loops use (a
 * logger named by __name__, vars() of parsed defaults, type() of a default, a set of rows seen,
 * str.count, gather_object, set_grad_enabled, json.dumps of a field): the flagged raw-logit sum
 * runs on the table's candidates, each stand-in said. */
START_TEST(csv_rows_are_the_tables) {
    json_t *o = check_json(TEST_DATA_DIR "/exec/data_csv_records.py");
    json_t *cex = only_script_cex(o, "evaluate_csv");
    ck_assert(cex_has_stand_in(cex, "open at line 32: the run reads and writes no file"));
    ck_assert(cex_has_stand_in(cex, "accelerate.utils.gather_object at line 44: the identity"));
    assert_raw_logit_sums(cex);
    ck_assert(json_is_true(json_object_get(cex, "flipped")));
    json_decref(o);
}
END_TEST

/* A data set reshaped by functions before the loop (raw.map(lambda ex: {...}), then filter):
 * the mapped records are the same records, their fields bound by use, so the flagged raw-logit
 * sum runs on the table's candidates. */
START_TEST(mapped_data_set_records_are_the_tables) {
    json_t *o = check_json(TEST_DATA_DIR "/exec/data_set_mapped.py");
    json_t *cex = only_script_cex(o, "evaluate_mapped");
    ck_assert(cex_has_stand_in(cex, "datasets.load_dataset at line 11: the run loads no data set"));
    assert_raw_logit_sums(cex);
    ck_assert(json_is_true(json_object_get(cex, "flipped")));
    json_decref(o);
}
END_TEST

/* A per-token NLL of raw logits that the caller sorts without reverse: lower is better (the
 * callers' order, not the recipe's), each score minus the mean chosen raw logit, and the
 * script's pick the lowest. */
START_TEST(callers_minimum_is_the_order) {
    json_t *o = check_json(TEST_DATA_DIR "/exec/order_min_nll.py");
    json_t *cex = only_script_cex(o, "token_nll");
    ck_assert_str_eq(json_string_value(json_object_get(cex, "score_order")), "lower-is-better");
    json_t *table = json_object_get(cex, "table"), *cands = json_object_get(cex, "candidates"), *c;
    size_t i, low = 0;
    json_array_foreach(cands, i, c) {
        json_t *toks = json_object_get(c, "tokens");
        double want = -raw_logit_sum(table, toks) / (double)json_array_size(toks);
        double got = json_number_value(json_object_get(c, "script_score"));
        ck_assert_double_eq_tol(got, want, 1e-9);
        if (got < json_number_value(json_object_get(json_array_get(cands, low), "script_score"))) low = i;
    }
    ck_assert(json_equal(json_object_get(cex, "script_pick"), json_object_get(json_array_get(cands, low), "tokens")));
    ck_assert(json_is_true(json_object_get(cex, "flipped")));
    json_decref(o);
}
END_TEST

/* example["question"], example["choices"]["text"], labels[best]: a record's fields, the labels a
 * list beside the candidates; the pick is the candidate with the highest raw-logit sum. */
START_TEST(record_fields_by_key_and_a_parallel_label) {
    json_t *o = check_json(TEST_DATA_DIR "/exec/record_fields_choices.py");
    json_t *cex = only_script_cex(o, "predict");
    json_t *table = json_object_get(cex, "table"), *cands = json_object_get(cex, "candidates"), *c;
    size_t i, best = 0;
    double top = -INFINITY;
    json_array_foreach(cands, i, c) {
        double raw = raw_logit_sum(table, json_object_get(c, "tokens"));
        if (raw > top) top = raw, best = i;
    }
    ck_assert(json_equal(json_object_get(cex, "script_pick"), json_object_get(json_array_get(cands, best), "tokens")));
    ck_assert(json_is_true(json_object_get(cex, "flipped")));
    json_decref(o);
}
END_TEST

/* x.mT, an array's size and a special token the tokenizer lacks are values (the last two axes
 * swapped, the element count, None), not bound methods: the raw logits of the candidate's
 * tokens, summed (their mean times their count). */
START_TEST(tensor_data_attributes_are_values) {
    json_t *o = check_json(TEST_DATA_DIR "/exec/tensor_attributes.py");
    json_t *cex = only_script_cex(o, "score");
    assert_raw_logit_sums(cex);
    ck_assert(json_is_true(json_object_get(cex, "flipped")));
    json_decref(o);
}
END_TEST

/* np.argsort(totals)[::-1] and torch.argsort(descending=True) agree (the script asserts it): the
 * script's order puts the highest raw-logit sum first (score n for the first of n). */
START_TEST(argsort_reversed_is_the_order) {
    json_t *o = check_json(TEST_DATA_DIR "/exec/np_argsort_rank.py");
    json_t *cex = only_script_cex(o, "rank_completions");
    json_t *table = json_object_get(cex, "table"), *cands = json_object_get(cex, "candidates"), *c;
    size_t i, n = json_array_size(cands);
    double raw[16];
    ck_assert(n <= 16);
    json_array_foreach(cands, i, c) raw[i] = raw_logit_sum(table, json_object_get(c, "tokens"));
    json_array_foreach(cands, i, c) {
        size_t above = 0; /* the candidates ranked before it */
        for (size_t k = 0; k < n; k++)
            above += raw[k] > raw[i];
        ck_assert_double_eq_tol(json_number_value(json_object_get(c, "script_score")), (double)(n - above), 1e-9);
    }
    ck_assert(json_is_true(json_object_get(cex, "flipped")));
    json_decref(o);
}
END_TEST

/* A loss whose every target is its ignore_index before the loop writes it (LL112): each
 * candidate's text reaches the toy LM, and the script's score is 0 for every one (a tie its
 * defect makes, not a binding that misses the candidate): it keeps the first, which log Pr
 * does not pick. */
START_TEST(ignored_targets_tie_every_candidate) {
    json_t *o = check_json(FIXTURES_DIR "/LL112/fire_labels_minus_100_default.py");
    json_t *cex = only_script_cex(o, "score_choices"), *c;
    ck_assert_str_eq(json_string_value(json_object_get(cex, "harm")), "tie");
    size_t i, best = 0;
    double top = -INFINITY;
    json_array_foreach(json_object_get(cex, "candidates"), i, c) {
        ck_assert_double_eq(json_number_value(json_object_get(c, "script_score")), 0);
        double lp = log_pr(json_object_get(cex, "table"), json_object_get(c, "tokens"));
        if (lp > top) top = lp, best = i;
    }
    ck_assert_uint_ne(best, 0);
    json_decref(o);
}
END_TEST

/* Log-probabilities returned transposed ([batch, vocab, positions], log_softmax over the
 * positions: LL104) are read at [token, position]: each candidate token's logit against the
 * same token's logits at every position of the sequence, recomputed from the table. */
START_TEST(transposed_distribution_is_read_at_token_and_position) {
    json_t *o = check_json(FIXTURES_DIR "/LL104/fire_after_transpose.py");
    json_t *cex = only_script_cex(o, "score"), *table = json_object_get(cex, "table"), *c;
    ck_assert_ptr_null(json_object_get(table, "prompt"));
    size_t i;
    json_array_foreach(json_object_get(cex, "candidates"), i, c) {
        json_t *toks = json_object_get(c, "tokens");
        size_t len = json_array_size(toks);
        double want = 0;
        for (size_t k = 0; k < len; k++) {
            int y = vocab_index(table, json_string_value(json_array_get(toks, k)));
            double m = -INFINITY, s = 0;
            for (size_t p = 0; p <= len; p++) /* every position: the start, then each token */
                m = fmax(m, logit_at(row_of(table, toks, p), y));
            for (size_t p = 0; p <= len; p++)
                s += exp(logit_at(row_of(table, toks, p), y) - m);
            want += logit_at(row_of(table, toks, k), y) - (m + log(s));
        }
        ck_assert_double_eq_tol(json_number_value(json_object_get(c, "script_score")), want, 1e-4);
    }
    json_decref(o);
}
END_TEST

/* A finding the verifier found no counterexample for says why in one line, in every format: the
 * JSON's "no_counterexample" beside its null "counterexample", SARIF's property of that name and
 * its message, the text format's "no counterexample:" line. Never a null without a reason. */
START_TEST(no_counterexample_says_why) {
    json_t *o = check_json(FIXTURES_DIR "/LL106"), *f;
    size_t i, none = 0;
    const char *file = NULL, *why = NULL;
    json_array_foreach(o, i, f) {
        json_t *c = json_object_get(f, "counterexample"), *w = json_object_get(f, "no_counterexample");
        ck_assert_msg(json_is_object(c) != (w != NULL), "%s:%lld: a counterexample and a reason, or neither",
                      json_string_value(json_object_get(f, "filename")),
                      json_integer_value(json_object_get(json_object_get(f, "location"), "row")));
        if (json_is_object(c)) continue;
        ck_assert(json_is_string(w) && json_string_length(w) > 10 && !strchr(json_string_value(w), '\n'));
        if (!none++) file = json_string_value(json_object_get(f, "filename")), why = json_string_value(w);
    }
    ck_assert_uint_gt(none, 0);
    const char *sarif[] = {"check", "--output-format", "sarif", "--isolated", "--no-cache", file, NULL};
    TvRun s = tv_run(cli_check, sarif);
    tv_assert_contains(s.out, "\"no_counterexample\"");
    const char *full[] = {"check", "--isolated", "--no-cache", file, NULL};
    TvRun t = tv_run(cli_check, full);
    char line[400];
    snprintf(line, sizeof line, "  no counterexample: %s\n", why);
    tv_assert_contains(t.out, line);
    tv_free(&s), tv_free(&t);
    json_decref(o);
}
END_TEST

static Suite *suite(void) {
    Suite *s = suite_create("verify_exec_gaps");
    TCase *tc = tcase_create("gaps");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, opaque_model_class_and_checkpoint_run);
    tcase_add_test(tc, setting_an_attribute_first_binds_the_parameter);
    tcase_add_test(tc, flax_restored_state_applies_the_toy_lm);
    tcase_add_test(tc, model_moved_first_is_the_model);
    tcase_add_test(tc, returned_dict_key_is_found_by_data_flow);
    tcase_add_loop_test(tc, records_loaded_from_a_file_are_the_tables, 0, sizeof loaded / sizeof *loaded);
    tcase_add_test(tc, csv_rows_are_the_tables);
    tcase_add_test(tc, mapped_data_set_records_are_the_tables);
    tcase_add_test(tc, callers_minimum_is_the_order);
    tcase_add_test(tc, record_fields_by_key_and_a_parallel_label);
    tcase_add_test(tc, tensor_data_attributes_are_values);
    tcase_add_test(tc, argsort_reversed_is_the_order);
    tcase_add_test(tc, no_counterexample_says_why);
    tcase_add_test(tc, ignored_targets_tie_every_candidate);
    tcase_add_test(tc, transposed_distribution_is_read_at_token_and_position);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) {
    return tv_run_suite(suite());
}
