/* Operations the concrete interpreter runs on the way from the model's logits to the score:
 * tensor layouts (F.pad, repeat, expand, one_hot and matmul, np.tile and np.dot, ufunc reduces,
 * nanprod, integer casts, einops, linspace), transformers' collators, and Python (a generator
 * consumed by list() and next(), %-formatting, copy.deepcopy). Each flagged raw-logit sum keeps its value through
 * them: every candidate's script_score is recomputed from the reported table. */
#define _DEFAULT_SOURCE /* mkstemp */
#include <jansson.h>

#include "test_verify_recompute.h"
#include "test_verify_util.h"

static const char *const layout_entries[] = {"by_pad_repeat", "by_one_hot_matmul", "by_numpy_dot", "by_einops"};

START_TEST(layouts_keep_the_raw_logit_sum) {
    json_t *o = check_json(TEST_DATA_DIR "/exec/layout_ops.py");
    ck_assert_int_eq(json_array_size(o), sizeof layout_entries / sizeof *layout_entries);
    json_t *cex = json_object_get(json_array_get(o, _i), "counterexample");
    ck_assert_msg(!strcmp(json_string_value(json_object_get(cex, "origin")), "script"), "fallback: %s",
                  json_string_value(json_object_get(cex, "fallback")));
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(cex, "entry"), "function")), layout_entries[_i]);
    /* the returned value, not the flagged one (the run went past every operation) */
    char label[64];
    snprintf(label, sizeof label, "%s() value", layout_entries[_i]);
    ck_assert_str_eq(json_string_value(json_object_get(cex, "score_label")), label);
    assert_raw_logit_sums(cex);
    ck_assert(json_is_true(json_object_get(cex, "flipped")));
    json_decref(o);
}
END_TEST

START_TEST(generator_format_and_deepcopy_run) {
    json_t *o = check_json(TEST_DATA_DIR "/exec/generator_percent.py");
    json_t *cex = only_script_cex(o, "score");
    ck_assert_str_eq(json_string_value(json_object_get(cex, "score_label")), "score() value");
    assert_raw_logit_sums(cex);
    ck_assert(json_is_true(json_object_get(cex, "flipped")));
    json_decref(o);
}
END_TEST

/* DataCollatorForLanguageModeling(mlm=False) and DataCollatorWithPadding over the toy
 * tokenizer's encodings: the same padded ids (torch.equal holds), no label -100 in a batch of
 * one, and the answer's raw logits summed. */
START_TEST(collators_pad_and_label) {
    json_t *o = check_json(TEST_DATA_DIR "/exec/collator_lm.py");
    json_t *cex = only_script_cex(o, "score");
    assert_raw_logit_sums(cex);
    ck_assert(json_is_true(json_object_get(cex, "flipped")));
    json_decref(o);
}
END_TEST

/* torch.manual_seed(0) then torch.randint: torch's own draws (the script asserts them), said
 * in a stand-in line; the score is the raw-logit sum. */
START_TEST(seeded_draws_are_torchs) {
    json_t *o = check_json(TEST_DATA_DIR "/exec/seeded_draws.py");
    json_t *cex = only_script_cex(o, "score");
    ck_assert_str_eq(json_string_value(json_object_get(cex, "score_label")), "score() value");
    ck_assert(cex_has_stand_in(cex, "torch.randint at line 9: torch's CPU generator from seed 0 (the code's)"));
    assert_raw_logit_sums(cex);
    json_decref(o);
}
END_TEST

/* tokenizer.apply_chat_template of the toy tokenizer: the contents joined (a stand-in, said),
 * its ids a tensor or a list; the answer's raw logits summed. */
START_TEST(chat_template_joins_the_contents) {
    json_t *o = check_json(TEST_DATA_DIR "/exec/chat_template.py");
    json_t *cex = only_script_cex(o, "score");
    ck_assert(cex_has_stand_in(cex, "apply_chat_template at line 10: the toy template"));
    assert_raw_logit_sums(cex);
    ck_assert(json_is_true(json_object_get(cex, "flipped")));
    json_decref(o);
}
END_TEST

static Suite *suite(void) {
    Suite *s = suite_create("verify_exec_layout");
    TCase *tc = tcase_create("layout");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, layouts_keep_the_raw_logit_sum, 0, sizeof layout_entries / sizeof *layout_entries);
    tcase_add_test(tc, generator_format_and_deepcopy_run);
    tcase_add_test(tc, collators_pad_and_label);
    tcase_add_test(tc, seeded_draws_are_torchs);
    tcase_add_test(tc, chat_template_joins_the_contents);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) {
    return tv_run_suite(suite());
}
