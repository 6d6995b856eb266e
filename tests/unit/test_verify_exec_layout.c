/* Operations the concrete interpreter runs on the way from the model's logits to the score:
 * tensor layouts (F.pad, repeat, expand, one_hot and matmul, np.tile and np.dot, ufunc reduces,
 * nanprod, integer casts, einops, linspace), transformers' collators, torch's seeded draws, chat
 * templates, torch's chunk / split and nn.init, and Python (generators, %-formatting,
 * copy.deepcopy, json.dumps, collections.Counter, dict equality). Each flagged
 * raw-logit sum keeps its value through them: every candidate's script_score is recomputed
 * from the reported table. */
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

/* Python and library calls on the way, each script's score() run to its end (its asserts
 * hold): a generator consumed by list() and next(), %-formatting, copy.deepcopy, floats as
 * Python writes them (str, json.dumps); transformers' collators over the toy tokenizer's
 * encodings (the same padded ids, torch.equal holds); torch.randint after torch.manual_seed(0)
 * (torch's own draws, said in a stand-in line); apply_chat_template of the toy tokenizer (the
 * contents joined, a stand-in). The answer's raw logits are summed in each. */
static const struct {
    const char *file, *stand_in;
} runs[] = {
    {TEST_DATA_DIR "/exec/generator_percent.py", NULL},
    {TEST_DATA_DIR "/exec/collator_lm.py", NULL},
    {TEST_DATA_DIR "/exec/seeded_draws.py", "torch.randint at line 9: torch's CPU generator from seed 0 (the code's)"},
    {TEST_DATA_DIR "/exec/chat_template.py", "apply_chat_template at line 10: the toy template"},
    {TEST_DATA_DIR "/exec/pieces_and_init.py",
     "torch.nn.init.normal_ at line 20: keeps the layer's stand-in values (a deterministic stand-in for a "
     "random initialisation)"},
    {TEST_DATA_DIR "/exec/counter_most_common.py", NULL},
};

START_TEST(python_and_library_calls_run) {
    json_t *o = check_json(runs[_i].file);
    json_t *cex = only_script_cex(o, "score");
    ck_assert_str_eq(json_string_value(json_object_get(cex, "score_label")), "score() value");
    ck_assert(!runs[_i].stand_in || cex_has_stand_in(cex, runs[_i].stand_in));
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
    tcase_add_loop_test(tc, python_and_library_calls_run, 0, sizeof runs / sizeof *runs);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) {
    return tv_run_suite(suite());
}
