/* The verifier's runs through code that used to stop them: super().__init__ of a base class in
 * another module of the project, getattr with a name the code spells out, or computes as a text
 * for a library (another computed one stays forbidden), a config parameter that is the
 * project's dataclass with its defaults, a @classmethod, a main() that returns nothing (its
 * flagged value, or the values it ranks), a model
 * loaded with mlx_lm that returns its logits itself, and a finding no recipe models (an eps
 * before the log), run all the same. Each script_score is recomputed here from the reported
 * table alone. */
#define _DEFAULT_SOURCE /* mkstemp */
#include <jansson.h>

#include "test_verify_recompute.h"
#include "test_verify_util.h"

/* Scorer(BaseScorer) in pkg_base/scorer.py: super().__init__(model, 3.0) runs base.py's __init__,
 * so self.bonus is 3.0 (no stand-in for it), and getattr(self, "scale", 1.0) is the default:
 * each score is the raw logits summed, plus 3. */
START_TEST(base_class_of_another_module_runs_its_init) {
    json_t *o = check_json(TEST_DATA_DIR "/exec/pkg_base/scorer.py");
    json_t *cex = only_script_cex(o, "Scorer.score");
    ck_assert_uint_eq(json_array_size(json_object_get(cex, "stand_ins")), 0);
    assert_raw_logit_sums_plus(cex, 3.0);
    ck_assert(json_is_true(json_object_get(cex, "flipped")));
    json_decref(o);
}
END_TEST

/* getattr(model(ids), field): a name the code computes ends the run, and the fallback says so. */
START_TEST(computed_getattr_stays_forbidden) {
    json_t *o = check_json(TEST_DATA_DIR "/exec/getattr_computed.py");
    ck_assert_int_eq(json_array_size(o), 1);
    json_t *cex = json_object_get(json_array_get(o, 0), "counterexample");
    ck_assert_str_eq(json_string_value(json_object_get(cex, "origin")), "recipe");
    ck_assert(strstr(json_string_value(json_object_get(cex, "fallback")), "forbidden call getattr"));
    json_decref(o);
}
END_TEST

/* sequence_score(cfg, ids) in pkg_config/scorer.py: cfg is config.py's ScoreConfig() with its
 * defaults (a stand-in line says so), Loader.load(cfg) a @classmethod that calls another on cls,
 * getattr(torch, cfg.dtype) torch.float32: each score is the raw logits summed plus cfg.bonus, 2. */
START_TEST(config_dataclass_and_classmethods_run) {
    json_t *o = check_json(TEST_DATA_DIR "/exec/pkg_config/scorer.py");
    json_t *cex = only_script_cex(o, "sequence_score");
    ck_assert(cex_has_stand_in(cex, "parameter at line 5 of config.py: cfg is ScoreConfig() built with the defaults"));
    assert_raw_logit_sums_plus(cex, 2.0);
    ck_assert(json_is_true(json_object_get(cex, "flipped")));
    json_decref(o);
}
END_TEST

/* continuation_scores(lm, requests) calls lm.pack and lm.logits of a class in wrapper.py, which
 * scoring.py never imports (run.py builds the object): the class is found in the module beside
 * it, its methods run, and each score is the raw logits summed plus its self.bonus, 1. */
START_TEST(class_of_a_module_beside_the_file_runs) {
    json_t *o = check_json(TEST_DATA_DIR "/exec/pkg_peer_class/scoring.py");
    json_t *cex = only_script_cex(o, "continuation_scores");
    assert_raw_logit_sums_plus(cex, 1.0);
    ck_assert(json_is_true(json_object_get(cex, "flipped")));
    json_decref(o);
}
END_TEST

/* main() parses its arguments, loops over a data set's records (ex["text"].rpartition binds the
 * record's field as the candidate's text) and prints its score: it returns None, so each
 * candidate's score is the flagged expression's value, the raw logits of its tokens summed. */
START_TEST(main_returning_none_scores_by_its_flagged_value) {
    json_t *o = check_json(TEST_DATA_DIR "/exec/main_returns_none.py");
    json_t *cex = only_script_cex(o, "main");
    assert_raw_logit_sums(cex);
    ck_assert(json_is_true(json_object_get(cex, "flipped")));
    json_decref(o);
}
END_TEST

/* main() loads its examples from a file, packs them (ids, spans) for a function that cannot run
 * alone, and counts hits with np.argmax(scores): the values it ranks are the scores, each the
 * float64 log of its softmax probabilities summed (-inf where exp underflows in float64). */
START_TEST(main_returning_none_scores_by_what_it_ranks) {
    json_t *o = check_json(TEST_DATA_DIR "/exec/main_ranks_argmax.py");
    json_t *cex = only_script_cex(o, "main");
    ck_assert_str_eq(json_string_value(json_object_get(cex, "score_label")),
                     "the value main() ranks with numpy.argmax at line 44");
    json_t *table = json_object_get(cex, "table"), *c;
    size_t i;
    json_array_foreach(json_object_get(cex, "candidates"), i, c) {
        double lp = log_pr(table, json_object_get(c, "tokens"));
        json_t *s = json_object_get(c, "script_score");
        if (json_is_string(s)) {
            ck_assert_str_eq(json_string_value(s), "-inf");
            ck_assert(lp < -708); /* a probability below float64's least normal */
        } else {
            ck_assert_double_eq_tol(json_number_value(s), lp, 1e-9);
        }
    }
    ck_assert(json_is_true(json_object_get(cex, "flipped")));
    json_decref(o);
}
END_TEST

/* main() keeps each option's masked, unshifted NLL in a dict and picks min(d, key=d.get): the
 * values it ranks, lowest first, are the scores; each recomputed as the token's NLL under the row
 * of the prefix that already holds it. A main() that ranks a second thing (the shortest option)
 * says nothing of which ranking is the script's pick: it falls back. */
START_TEST(main_ranking_with_min_key_scores_lowest_first) {
    json_t *o = check_json(TEST_DATA_DIR "/exec/main_ranks_min_key.py");
    json_t *cex = only_script_cex(o, "main");
    ck_assert_str_eq(json_string_value(json_object_get(cex, "score_order")), "lower-is-better");
    json_t *table = json_object_get(cex, "table"), *c;
    size_t i;
    double nll[8];
    json_array_foreach(json_object_get(cex, "candidates"), i, c) {
        json_t *toks = json_object_get(c, "tokens");
        double sum = 0;
        for (size_t k = 0; k < json_array_size(toks); k++) {
            json_t *u = row_of(table, toks, k + 1);
            sum += lse(u) - logit_at(u, vocab_index(table, json_string_value(json_array_get(toks, k))));
        }
        ck_assert_double_eq_tol(json_number_value(json_object_get(c, "script_score")), sum, 1e-4);
        nll[i] = sum;
    }
    size_t pick = nll[0] <= nll[1] ? 0 : 1;
    ck_assert_str_eq(json_string_value(json_array_get(json_object_get(cex, "script_pick"), 0)),
                     json_string_value(json_array_get(json_object_get(json_array_get(json_object_get(cex, "candidates"), pick), "tokens"), 0)));
    ck_assert(json_is_true(json_object_get(cex, "flipped")));
    json_decref(o);
    o = check_json(TEST_DATA_DIR "/exec/main_ranks_twice.py");
    cex = json_object_get(json_array_get(o, 0), "counterexample");
    ck_assert_str_eq(json_string_value(json_object_get(cex, "origin")), "recipe");
    json_decref(o);
}
END_TEST

/* score_all(model, tok, texts) returns (preds, totals): the list of one float per candidate,
 * its raw logits summed, is the scores (the list of ints beside it is not). */
START_TEST(tuple_of_lists_scores_by_its_float_list) {
    json_t *o = check_json(TEST_DATA_DIR "/exec/tuple_of_lists.py");
    json_t *cex = only_script_cex(o, "score_all");
    assert_raw_logit_sums(cex);
    ck_assert(json_is_true(json_object_get(cex, "flipped")));
    json_decref(o);
}
END_TEST

/* validate(fabric, model, batch): Lightning's Fabric is the one-process stand-in (its print and
 * barrier do nothing), batch.pop("labels") takes the collator's labels out of the bound batch,
 * and model(**batch) reads the rest: the raw logits of the labels summed. */
START_TEST(fabric_and_batch_pop_run) {
    json_t *o = check_json(TEST_DATA_DIR "/exec/fabric_batch_pop.py");
    json_t *cex = only_script_cex(o, "validate");
    ck_assert(cex_has_stand_in(cex, "Fabric: one process on the CPU")); /* (its own name, not accelerate's) */
    assert_raw_logit_sums(cex);
    json_decref(o);
}
END_TEST

/* Each candidate's script_score is the sum over its tokens y_k of log(p_k + eps) (within tol), p_k
 * the softmax probability of y_k in the row of the prefix y_1..y_{k+shift}: shift 1 reads each
 * token in the row that already ends with it (no causal shift). eps 0: the log-softmax itself. */
static void assert_token_log_sums(json_t *cex, size_t shift, double eps, double tol) {
    json_t *table = json_object_get(cex, "table"), *c;
    size_t i;
    json_array_foreach(json_object_get(cex, "candidates"), i, c) {
        json_t *toks = json_object_get(c, "tokens");
        double s = 0;
        for (size_t k = 0; k < json_array_size(toks); k++) {
            json_t *u = row_of(table, toks, k + shift);
            double lp = logit_at(u, vocab_index(table, json_string_value(json_array_get(toks, k)))) - lse(u);
            s += eps > 0 ? log(exp(lp) + eps) : lp;
        }
        ck_assert_double_eq_tol(json_number_value(json_object_get(c, "script_score")), s, tol);
    }
}

/* model(tokens[None])[0] of an mlx_lm model is its logits' first row: each candidate token y_k is
 * read in the row of the prefix that ends with y_k itself (the missing shift), log-softmaxed. */
START_TEST(mlx_given_model_returns_its_logits) {
    json_t *o = check_json(TEST_DATA_DIR "/exec/mlx_given_model.py");
    json_t *cex = only_script_cex(o, "continuation_logprob");
    assert_token_log_sums(cex, 1, 0, 1e-4);
    ck_assert(json_is_true(json_object_get(cex, "flipped")));
    json_decref(o);
}
END_TEST

/* log(softmax + 1e-9): no recipe models the finding, yet the script's own code runs; its float32
 * values are each token's log(p + 1e-9), summed, and the floor ties what log Pr(y|x) separates. */
START_TEST(finding_without_a_recipe_runs_the_script) {
    json_t *o = check_json(TEST_DATA_DIR "/exec/eps_floor.py");
    ck_assert(json_is_null(json_object_get(json_array_get(o, 0), "recipe")));
    json_t *cex = only_script_cex(o, "score");
    assert_token_log_sums(cex, 0, 1e-9, 1e-3);
    ck_assert_str_eq(json_string_value(json_object_get(cex, "harm")), "tie");
    json_decref(o);
}
END_TEST

/* log(clamp(softmax, 1e-12)) plus the tokens' raw logits: the bonus flips the ranking on most
 * tables, but that is not the flagged floor's harm. A table's flip counts only where the same
 * run with the eps taken as 0 gives other values; none does here, and the finding says so
 * rather than show the bonus's flip as the floor's. */
START_TEST(eps_floor_harm_is_the_floors) {
    json_t *o = check_json(TEST_DATA_DIR "/exec/eps_floor_bonus.py");
    ck_assert_int_eq((int)json_array_size(o), 1);
    json_t *f = json_array_get(o, 0);
    ck_assert(json_is_null(json_object_get(f, "counterexample")));
    const char *why = json_string_value(json_object_get(f, "no_counterexample"));
    ck_assert_ptr_nonnull(why);
    ck_assert_ptr_nonnull(strstr(why, "the flagged eps floor changed no value"));
    json_decref(o);
}
END_TEST

static Suite *suite(void) {
    Suite *s = suite_create("verify_exec_bases");
    TCase *tc = tcase_create("bases");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, base_class_of_another_module_runs_its_init);
    tcase_add_test(tc, computed_getattr_stays_forbidden);
    tcase_add_test(tc, config_dataclass_and_classmethods_run);
    tcase_add_test(tc, class_of_a_module_beside_the_file_runs);
    tcase_add_test(tc, main_returning_none_scores_by_its_flagged_value);
    tcase_add_test(tc, main_returning_none_scores_by_what_it_ranks);
    tcase_add_test(tc, main_ranking_with_min_key_scores_lowest_first);
    tcase_add_test(tc, tuple_of_lists_scores_by_its_float_list);
    tcase_add_test(tc, fabric_and_batch_pop_run);
    tcase_add_test(tc, mlx_given_model_returns_its_logits);
    tcase_add_test(tc, finding_without_a_recipe_runs_the_script);
    tcase_add_test(tc, eps_floor_harm_is_the_floors);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) {
    return tv_run_suite(suite());
}
