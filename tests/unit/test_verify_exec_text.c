/* Texts and ids the scoring code builds itself: prompts formatted by str.format() and f-strings
 * (the toy tokenizer must see the formatted text), ids around a parameter that is a token id (a
 * bos or a separator), a candidate formatted before its prompt is read, and words outside the
 * table, which the toy LM gives the start's logit: one value per table, so a score made of them
 * alone reads no candidate; a helper written for one step's vector is not run on every
 * position's at once. Each script_score is recomputed from the reported table. */
#define _DEFAULT_SOURCE /* mkstemp */
#include <jansson.h>

#include "test_verify_recompute.h"
#include "test_verify_util.h"

static const struct {
    const char *file, *function;
} formatted[] = {
    {"text_formatted.py", "answer_score"},  /* TEMPLATE.format(q=...), "{} {}".format(...) */
    {"text_formatted.py", "fstring_score"}, /* f"Q: {question}\nA:" */
    {"ids_around_params.py", "score_ids"},  /* torch.tensor([[bos_id] + prompt_ids + cont_ids]) */
    {"ids_around_params.py", "score_sep"},  /* p + [sep_id] + c */
};

/* The one finding of `function` in the file's JSON `o`. */
static json_t *cex_of_function(json_t *o, const char *function) {
    size_t i;
    json_t *f;
    json_array_foreach(o, i, f) {
        json_t *c = json_object_get(f, "counterexample");
        json_t *entry = json_object_get(c, "entry");
        if (entry && !strcmp(json_string_value(json_object_get(entry, "function")), function)) {
            ck_assert_str_eq(json_string_value(json_object_get(c, "origin")), "script");
            return c;
        }
    }
    ck_abort_msg("no counterexample run from %s", function);
    return NULL;
}

/* The prompt's words are outside the table (the start's id, which the LM reads past): each
 * score is the sum of the candidate's raw logits, and the ranking flips. */
START_TEST(formatted_texts_and_built_ids_run) {
    char path[512];
    snprintf(path, sizeof path, "%s/exec/%s", TEST_DATA_DIR, formatted[_i].file);
    json_t *o = check_json(path);
    json_t *cex = cex_of_function(o, formatted[_i].function);
    assert_raw_logit_sums(cex);
    ck_assert(json_is_true(json_object_get(cex, "flipped")));
    json_decref(o);
}
END_TEST

/* The start's logit on a table: EXEC_START_GAP below the lowest largest logit of its rows (a
 * row the run adds has one of at least -4), at most -105. */
static double start_logit(json_t *table) {
    double low = -4;
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(table, "contexts"), i, c) {
        json_t *u = json_object_get(c, "logits");
        double top = -INFINITY;
        for (size_t k = 0; k < json_array_size(u); k++)
            if (logit_at(u, (int)k) > top) top = logit_at(u, (int)k);
        if (isfinite(top) && top < low) low = top;
    }
    return low - 120 < -105 ? low - 120 : -105;
}

/* self.template(cand) runs before the prompt is encoded: the candidate is read first, yet it is
 * bound as the candidate (the binding the other way round reads no candidate). Its score is
 * the start's logit ("Answer:" begins the encoded template) plus the candidate's raw logits. */
START_TEST(candidate_formatted_before_its_prompt) {
    json_t *o = check_json(TEST_DATA_DIR "/exec/ids_around_params.py");
    json_t *cex = cex_of_function(o, "Ranker.score");
    assert_raw_logit_sums_plus(cex, start_logit(json_object_get(cex, "table")));
    ck_assert(json_is_true(json_object_get(cex, "flipped")));
    json_decref(o);
}
END_TEST

/* The one finding of tests/data/exec/FILE: its counterexample is the recipe's, the reason
 * saying `why`; the recipe `recipe`. */
static void assert_recipe_fallback(const char *file, const char *why, const char *recipe) {
    char path[512];
    snprintf(path, sizeof path, "%s/exec/%s", TEST_DATA_DIR, file);
    json_t *o = check_json(path);
    ck_assert_int_eq(json_array_size(o), 1);
    json_t *cex = json_object_get(json_array_get(o, 0), "counterexample");
    ck_assert_str_eq(json_string_value(json_object_get(cex, "origin")), "recipe");
    ck_assert(strstr(json_string_value(json_object_get(cex, "fallback")), why));
    ck_assert_str_eq(json_string_value(json_object_get(cex, "recipe")), recipe);
    json_decref(o);
}

/* Closing markers encoded on their own are the start's id: the score is twice the start's logit
 * for every candidate on every table, so no flip is claimed; the recipe's counterexample says
 * why the run proves nothing. */
START_TEST(words_outside_the_table_read_no_candidate) {
    assert_recipe_fallback("start_only.py", "marker_score() gives every candidate the same value", "sum-raw-logits");
}
END_TEST

/* softmax(y) of a NumPy LSTM normalises the one step's vector it is given (np.max(y), e.sum()):
 * given every position's logits it would normalise across positions, so it is not reported as
 * the script's numbers; the fallback is the float64 recipe (NumPy's dtype), with the reason of the
 * binding that got furthest (it ran to the end, on the LSTM's own weights, never the toy LM's). */
START_TEST(one_step_helper_is_not_run_on_every_position) {
    assert_recipe_fallback("numpy_lstm_helper.py", "never read the model's output", "log-of-softmax-f64");
}
END_TEST

static Suite *suite(void) {
    Suite *s = suite_create("verify_exec_text");
    TCase *tc = tcase_create("text");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, formatted_texts_and_built_ids_run, 0, sizeof formatted / sizeof *formatted);
    tcase_add_test(tc, candidate_formatted_before_its_prompt);
    tcase_add_test(tc, words_outside_the_table_read_no_candidate);
    tcase_add_test(tc, one_step_helper_is_not_run_on_every_position);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) {
    return tv_run_suite(suite());
}
