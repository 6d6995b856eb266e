/* The counterexample of every recipe: it shows the recipe's own harm in
 * numbers, is small, is the same on every call and on every thread. */
#define _POSIX_C_SOURCE 200809L
#include "test_verify_util.h"

#include <pthread.h>

#include "rules.h"

/* The i-th recipe of the rules, in registry order (each rule's recipes sit beside its check);
 * NULL past the last. */
static const VerifyRecipe *rule_recipe(int i) {
    for (size_t k = 0; k < rules_count; k++)
        for (const VerifyRecipe *const *r = rules_registry[k]->recipes; r && *r; r++)
            if (i-- == 0) return *r;
    return NULL;
}

static int n_rule_recipes(void) {
    int n = 0;
    while (rule_recipe(n))
        n++;
    return n;
}

/* The catalog is the rules' recipes, then the two of no rule; each recipe names the rule that
 * holds it, and a rule that explains itself has a recipe to explain (and only then). */
START_TEST(every_rule_has_a_recipe) {
    int n = n_rule_recipes();
    ck_assert_int_eq(verify_recipe_count(), n + 2);
    ck_assert_ptr_eq(verify_recipe_at(n), &verify_recipe_mean_log_probs);
    ck_assert_ptr_eq(verify_recipe_at(n + 1), &verify_recipe_sum_log_probs);
    ck_assert_ptr_null(verify_recipe_at(n + 2));
    for (size_t k = 0; k < rules_count; k++) {
        const Rule *rule = rules_registry[k];
        ck_assert_msg(!rule->recipes == !rule->explain, "%s: recipes without an explanation, "
                      "or the reverse", rule->code);
        ck_assert_msg(!rule->explain == !rule->explain_headline, "%s: headline", rule->code);
        if (!rule->recipes) continue;
        ck_assert_ptr_eq(verify_recipe_for_rule(rule->code), rule->recipes[0]);
        for (const VerifyRecipe *const *r = rule->recipes; *r; r++)
            ck_assert_msg(!strcmp((*r)->rule, rule->code), "%s holds %s of %s", rule->code,
                          (*r)->name, (*r)->rule);
    }
    for (int i = 0; i < verify_recipe_count(); i++) {
        const VerifyRecipe *r = verify_recipe_at(i);
        ck_assert_ptr_eq(verify_recipe_find(verify_recipe_name(r)), r); /* names are unique */
        ck_assert_ptr_eq(verify_recipe_at_precision(r, true), r);
        const VerifyRecipe *wide = verify_recipe_at_precision(r, false);
        ck_assert_msg(wide->precision == VERIFY_FLOAT64, "%s has no float64 sibling", r->name);
    }
    ck_assert_ptr_null(verify_recipe_find("sum-of-vibes"));
    ck_assert_ptr_null(verify_recipe_find(NULL));
}
END_TEST

/* Flipped, with the recipe's kind of harm, and log Pr(y|x) clearly ahead. */
START_TEST(counterexample_shows_the_harm) {
    const VerifyRecipe *r = rule_recipe(_i);
    VerifyResult *res = verify_counterexample(r);
    ck_assert_ptr_nonnull(res);
    ck_assert_msg(verify_result_flipped(res), "%s: not flipped", r->name);
    ck_assert_msg(res->harm == r->harm, "%s: harm %s, expected %s", r->name,
                  verify_harm_name(res->harm), verify_harm_name(r->harm));
    double best = res->cands[res->correct_rank[0]].log_prob;
    double next = res->cands[res->correct_rank[1]].log_prob;
    ck_assert(isfinite(best));
    ck_assert_double_ge(best - next, 0.1);
    /* the harm is this recipe's own: with only its defect fixed, no flip */
    if (r->baseline) {
        VerifyResult *b = tv_score(res->table, r->baseline->name);
        ck_assert_msg(!b->flipped, "%s: baseline %s flips too", r->name, r->baseline->name);
        verify_result_free(b);
    }
    verify_result_free(res);
}
END_TEST

START_TEST(abc_is_used_where_it_flips) {
    static const char *const on_abc[] = {"sum-raw-logits", "mean-raw-logits",
                                         "softmax-over-positions", "logits-into-nll-loss"};
    for (size_t i = 0; i < sizeof on_abc / sizeof *on_abc; i++) {
        VerifyResult *res = verify_counterexample(verify_recipe_find(on_abc[i]));
        ck_assert_int_eq(res->table->origin, VERIFY_ORIGIN_BUILTIN);
        ck_assert_str_eq(res->table->label, "abc");
        verify_result_free(res);
    }
    /* abc does not show an underflow: that one is searched */
    VerifyResult *res = verify_counterexample(verify_recipe_find("product-probs"));
    ck_assert_int_eq(res->table->origin, VERIFY_ORIGIN_SEARCH);
    ck_assert_int_gt(res->search_tries, 0);
    verify_result_free(res);
}
END_TEST

START_TEST(correct_recipe_has_nothing_to_show) {
    VerifyResult *res = verify_counterexample(verify_recipe_find("sum-log-probs"));
    ck_assert_ptr_nonnull(res);
    ck_assert(!verify_result_flipped(res));
    ck_assert_int_eq(res->harm, VERIFY_HARM_NONE);
    verify_result_free(res);
}
END_TEST

/* The numeric harms, concretely: products that are 0 although every factor
 * is not; -inf and NaN scores where log Pr(y|x) is finite. */
START_TEST(numeric_harms_are_concrete) {
    VerifyResult *res = verify_counterexample(verify_recipe_find("product-probs"));
    for (int i = 0; i < res->n; i++) {
        ck_assert_double_eq(res->cands[i].score, 0);
        ck_assert_int_ge(res->cands[i].n_steps, 2);
        for (int s = 0; s < res->cands[i].n_steps; s++)
            ck_assert(res->cands[i].steps[s].term > 0);
        ck_assert(isfinite(res->cands[i].log_prob));
    }
    verify_result_free(res);
    res = verify_counterexample(verify_recipe_find("product-probs-f64"));
    for (int i = 0; i < res->n; i++) {
        ck_assert_double_eq(res->cands[i].score, 0);
        ck_assert_double_lt(res->cands[i].log_prob, -744.4); /* below DBL_TRUE_MIN */
    }
    verify_result_free(res);
    res = verify_counterexample(verify_recipe_find("log-of-softmax"));
    int p = res->script_rank[0];
    ck_assert(isinf(res->cands[p].score) && res->cands[p].score < 0);
    ck_assert(isfinite(res->cands[p].log_prob));
    verify_result_free(res);
    res = verify_counterexample(verify_recipe_find("unstable-softmax"));
    p = res->script_rank[0];
    ck_assert(isnan(res->cands[p].score));
    ck_assert(isfinite(res->cands[p].log_prob));
    verify_result_free(res);
}
END_TEST

/* Shrunk: integer logits, a tiny vocabulary, as few steps as the harm needs. */
START_TEST(searched_tables_are_small) {
    const VerifyRecipe *r = rule_recipe(_i);
    VerifyResult *res = verify_counterexample(r);
    const VerifyTable *t = res->table;
    if (t->origin == VERIFY_ORIGIN_SEARCH) {
        ck_assert_int_le(t->n_vocab, 4);
        int longest = 0;
        for (int c = 0; c < t->n_candidates; c++)
            if (t->candidates[c].len > longest) longest = t->candidates[c].len;
        ck_assert_int_le(longest, 2);
        bool thresholds = r->precision == VERIFY_FLOAT32 || r->aggregate == VERIFY_AGG_PRODUCT;
        /* float thresholds need logits near 52, 89, 104 or 372; float64's exp overflows
         * above 709.8 and underflows below -745 */
        bool wide = !thresholds && r->harm != VERIFY_HARM_FLIP;
        for (int c = 0; c < t->n_contexts; c++)
            for (int k = 0; k < t->n_vocab; k++) {
                double u = t->contexts[c].logits[k];
                ck_assert(u == floor(u));
                ck_assert_double_le(fabs(u), thresholds ? 400 : wide ? 800 : 5);
            }
    }
    verify_result_free(res);
}
END_TEST

START_TEST(single_step_harms_need_one_step) {
    static const char *const one[] = {"log-of-softmax", "unstable-softmax", "no-causal-shift"};
    for (size_t i = 0; i < sizeof one / sizeof *one; i++) {
        VerifyResult *res = verify_counterexample(verify_recipe_find(one[i]));
        for (int c = 0; c < res->table->n_candidates; c++)
            ck_assert_int_eq(res->table->candidates[c].len, 1);
        verify_result_free(res);
    }
}
END_TEST

static char *result_text(const VerifyRecipe *r) {
    VerifyResult *res = verify_counterexample(r);
    json_t *o = verify_result_to_json(res);
    char *s = json_dumps(o, JSON_SORT_KEYS);
    json_decref(o);
    verify_result_free(res);
    return s;
}

START_TEST(deterministic) {
    for (int i = 0; i < verify_recipe_count(); i++) {
        char *a = result_text(verify_recipe_at(i)), *b = result_text(verify_recipe_at(i));
        ck_assert_str_eq(a, b);
        free(a);
        free(b);
    }
    /* the search does not depend on its one seed: others find a table too */
    VerifyResult *x = NULL, *y = NULL;
    const VerifyRecipe *r = verify_recipe_find("no-causal-shift");
    ck_assert_int_eq(verify_search(r, 1, &x), VERIFY_OK);
    ck_assert_int_eq(verify_search(r, 2, &y), VERIFY_OK);
    ck_assert_ptr_nonnull(x);
    ck_assert_ptr_nonnull(y);
    ck_assert(x->flipped && y->flipped);
    verify_result_free(x);
    verify_result_free(y);
}
END_TEST

typedef struct {
    char *text[32];
} ThreadOut;

static void *thread_main(void *arg) {
    ThreadOut *o = arg;
    for (int i = 0; i < verify_recipe_count(); i++)
        o->text[i] = result_text(verify_recipe_at(i));
    return NULL;
}

START_TEST(concurrent_calls_agree) {
    enum { N = 4 };
    ck_assert_int_le(verify_recipe_count(), 32);
    ThreadOut out[N] = {{{0}}};
    pthread_t th[N];
    for (int k = 0; k < N; k++)
        ck_assert_int_eq(pthread_create(&th[k], NULL, thread_main, &out[k]), 0);
    for (int k = 0; k < N; k++)
        pthread_join(th[k], NULL);
    for (int i = 0; i < verify_recipe_count(); i++) {
        char *want = result_text(verify_recipe_at(i));
        for (int k = 0; k < N; k++) {
            ck_assert_str_eq(out[k].text[i], want);
            free(out[k].text[i]);
        }
        free(want);
    }
}
END_TEST

static Suite *suite(void) {
    Suite *s = suite_create("verify_search");
    TCase *tc = tcase_create("search");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, every_rule_has_a_recipe);
    tcase_add_loop_test(tc, counterexample_shows_the_harm, 0, n_rule_recipes());
    tcase_add_test(tc, abc_is_used_where_it_flips);
    tcase_add_test(tc, correct_recipe_has_nothing_to_show);
    tcase_add_test(tc, numeric_harms_are_concrete);
    tcase_add_loop_test(tc, searched_tables_are_small, 0, n_rule_recipes());
    tcase_add_test(tc, single_step_harms_need_one_step);
    tcase_add_test(tc, deterministic);
    tcase_add_test(tc, concurrent_calls_agree);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) {
    return tv_run_suite(suite());
}
