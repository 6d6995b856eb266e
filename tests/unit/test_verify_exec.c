/* The verifier's counterexamples under findings: who produced the numbers (origin), why the
 * script's own code was not run (fallback), and that no harm is claimed in a precision the
 * script does not compute in. */
#define _DEFAULT_SOURCE /* mkstemp */
#include <jansson.h>

#include "cli.h"
#include "test_verify_util.h"

/* `logitlint check --output-format json FILE`, parsed. */
static json_t *check_json(const char *path) {
    const char *argv[] = {"check", "--output-format", "json", "--isolated", path, NULL};
    TvRun r = tv_run(cli_check, argv);
    json_error_t e;
    json_t *o = json_loads(r.out, 0, &e);
    ck_assert_msg(o != NULL, "not JSON (%s): %s", e.text, r.out);
    tv_free(&r);
    return o;
}

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

static Suite *suite(void) {
    Suite *s = suite_create("verify_exec");
    TCase *tc = tcase_create("labels");
    tcase_add_test(tc, numpy_softmax_is_not_claimed_in_float32);
    tcase_add_test(tc, float32_recipes_have_float64_siblings);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) {
    return tv_run_suite(suite());
}
