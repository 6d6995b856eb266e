/* Samplers that return a tuple (tokens, their log-probs): the verifier reads the item the
 * flagged code's values flow into, runs torch.distributions.Categorical, and generates the
 * candidate after the prompt alone. Each script_score is recomputed from the reported table. */
#define _DEFAULT_SOURCE /* mkstemp */
#include <jansson.h>

#include "test_verify_recompute.h"
#include "test_verify_util.h"

/* The counterexample of the one finding of FILE, which must be the script's own, run by the
 * entry `function`, its score the returned tuple's item 1. */
static json_t *sampler_cex(json_t *o, const char *function) {
    ck_assert_int_eq(json_array_size(o), 1);
    json_t *c = json_object_get(json_array_get(o, 0), "counterexample");
    ck_assert_msg(!strcmp(json_string_value(json_object_get(c, "origin")), "script"), "fallback: %s",
                  json_string_value(json_object_get(c, "fallback")));
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(c, "entry"), "function")), function);
    tv_assert_contains(json_string_value(json_object_get(c, "score_label")), "()[1]");
    return c;
}

/* The float32 log-of-softmax sums (the harm shown is the script's own -inf), and the flip. */
static void assert_logs_of_softmax(json_t *cex) {
    ck_assert(assert_float32_log_softmax_sums(cex));
    ck_assert(json_is_true(json_object_get(cex, "flipped")));
}

/* generate(output_scores=True), then `logprobs.append(torch.log(probs[gen[step]]))` and `return
 * gen, torch.stack(logprobs)`: the tokens are item 0, the flagged values flow into item 1. */
START_TEST(generate_tuple_item_is_read_by_data_flow) {
    json_t *o = check_json(TEST_DATA_DIR "/exec/sampler_generate_tuple.py");
    json_t *cex = sampler_cex(o, "sample_with_logprobs");
    assert_logs_of_softmax(cex);
    json_decref(o);
}
END_TEST

/* A rollout that draws with Categorical(probs=...).sample() for self.max_new_tokens steps: the
 * length is the candidate's, each draw the candidate's next token after the prompt (both
 * reported as stand-ins), and the summed log-probs are item 1. */
START_TEST(categorical_rollout_generates_the_candidate) {
    json_t *o = check_json(TEST_DATA_DIR "/exec/sampler_categorical.py");
    json_t *cex = sampler_cex(o, "OnlineSampler.rollout");
    assert_logs_of_softmax(cex);
    bool drew = false, length = false;
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(cex, "stand_ins"), i, s) {
        drew |= strstr(json_string_value(s), "Categorical.sample at line 19: draws the candidate's next token") != NULL;
        length |= strstr(json_string_value(s), "max_new_tokens: the candidate's length") != NULL;
    }
    ck_assert(drew && length);
    json_t *c;
    size_t longest = 0; /* rows: the prompt's, then prefixes of candidates, never longer */
    json_array_foreach(json_object_get(cex, "candidates"), i, c) if (json_array_size(json_object_get(c, "tokens")) > longest)
        longest = json_array_size(json_object_get(c, "tokens"));
    json_array_foreach(json_object_get(json_object_get(cex, "table"), "contexts"), i, c)
        ck_assert_uint_lt(json_array_size(json_object_get(c, "prefix")), longest + 1);
    json_decref(o);
}
END_TEST

static Suite *suite(void) {
    Suite *s = suite_create("verify_exec_sampler");
    TCase *tc = tcase_create("sampler");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, generate_tuple_item_is_read_by_data_flow);
    tcase_add_test(tc, categorical_rollout_generates_the_candidate);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) {
    return tv_run_suite(suite());
}
