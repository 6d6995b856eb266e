/* The facts layer: what values hold, seen through the events rules read. */
#include "facts.h"
#include "harness.h"

typedef struct Analysed {
    Source src;
    Parsed parsed;
    Facts facts;
} Analysed;

static void analyse(Analysed *a, const char *python) {
    source_from_buffer(&a->src, "t.py", util_xstrdup(python), strlen(python));
    ck_assert_int_eq(parse_python(&a->parsed, &a->src), PARSE_OK);
    facts_analyze(&a->facts, &a->parsed);
}

static void release(Analysed *a) {
    facts_free(&a->facts);
    parse_free(&a->parsed);
    source_free(&a->src);
}

/* The first event of this kind on this 1-based row, or NULL. */
static const FactEvent *event_at(const Analysed *a, EventKind kind, int row) {
    for (size_t i = 0; i < a->facts.events.len; i++) {
        const FactEvent *e = &a->facts.events.items[i];
        if (e->kind == kind && (int)ts_node_start_point(e->node).row + 1 == row) return e;
    }
    return NULL;
}

START_TEST(model_logits_are_raw_with_vocabulary_last) {
    Analysed a;
    analyse(&a, "from transformers import AutoModelForCausalLM\n"
                "m = AutoModelForCausalLM.from_pretrained('gpt2')\n"
                "x = m(ids).logits.log_softmax(-1)\n");
    const FactEvent *e = event_at(&a, EV_NORMALIZE, 3);
    ck_assert_ptr_nonnull(e);
    ck_assert_int_eq(e->in.kinds & FK_SCORES, FK_RAW);
    ck_assert_int_eq(e->axis, AX_VOCAB);
    ck_assert(!(e->in.flags & FF_WEAK)); /* evidence from the model call, not a name */
    release(&a);
}
END_TEST

START_TEST(import_aliases_resolve) {
    Analysed a;
    analyse(&a, "from torch.nn.functional import log_softmax as lsm\n"
                "def f(model, ids):\n"
                "    lp = lsm(model(ids).logits, dim=1)\n");
    const FactEvent *e = event_at(&a, EV_NORMALIZE, 3);
    ck_assert_ptr_nonnull(e);
    ck_assert_int_eq(e->op, NORM_LOG_SOFTMAX);
    ck_assert_int_eq(e->axis, AX_POS); /* dim=1 of [batch, seq, vocab] */
    release(&a);
}
END_TEST

START_TEST(a_variable_named_logits_after_log_softmax_holds_logprobs) {
    Analysed a;
    analyse(&a, "import torch\n"
                "def f(model, ids):\n"
                "    logits = torch.log_softmax(model(ids).logits, -1)\n"
                "    return logits.gather(-1, ids.unsqueeze(-1)).squeeze(-1).sum(-1)\n");
    const FactEvent *e = event_at(&a, EV_AGGREGATE, 4);
    ck_assert_ptr_nonnull(e);
    ck_assert_int_eq(e->in.kinds & FK_SCORES, FK_LOGPROB);
    ck_assert(e->in.flags & FF_SELECTED);
    release(&a);
}
END_TEST

START_TEST(gather_then_sum_over_positions_aggregates) {
    Analysed a;
    analyse(&a, "def f(model, ids):\n"
                "    lg = model(ids).logits\n"
                "    s = lg.gather(-1, ids.unsqueeze(-1)).squeeze(-1)\n"
                "    a = s.sum(0)\n"
                "    b = s.sum(1)\n");
    ck_assert_ptr_null(event_at(&a, EV_AGGREGATE, 4)); /* over the batch */
    const FactEvent *e = event_at(&a, EV_AGGREGATE, 5);
    ck_assert_ptr_nonnull(e);
    ck_assert_int_eq(e->in.kinds & FK_SCORES, FK_RAW);
    release(&a);
}
END_TEST

START_TEST(loop_accumulator_over_positions_aggregates) {
    Analysed a;
    analyse(&a, "def f(model, ids, n):\n"
                "    lg = model(ids).logits\n"
                "    total = 0\n"
                "    for t in range(1, n):\n"
                "        total += lg[0, t - 1, ids[0, t]]\n");
    const FactEvent *e = event_at(&a, EV_AGGREGATE, 5);
    ck_assert_ptr_nonnull(e);
    ck_assert_int_eq(e->op, AGG_ACCUMULATE);
    release(&a);
}
END_TEST

START_TEST(functions_are_interpreted_with_their_arguments) {
    Analysed a;
    analyse(&a, "import torch\n"
                "def score(values, ids):\n"
                "    return values.gather(-1, ids.unsqueeze(-1)).squeeze(-1).sum(-1)\n"
                "def main(model, ids):\n"
                "    return score(torch.log_softmax(model(ids).logits, -1), ids)\n");
    /* called only with log-probs: no event sees raw logits */
    for (size_t i = 0; i < a.facts.events.len; i++)
        if (a.facts.events.items[i].kind == EV_AGGREGATE)
            ck_assert_int_eq(a.facts.events.items[i].in.kinds & FK_SCORES, FK_LOGPROB);
    release(&a);
}
END_TEST

START_TEST(branches_join) {
    Analysed a;
    analyse(&a, "import torch\n"
                "def f(model, ids, norm):\n"
                "    x = model(ids).logits\n"
                "    if norm:\n"
                "        x = torch.log_softmax(x, -1)\n"
                "    return x.gather(-1, ids[..., None])[..., 0].sum(-1)\n");
    const FactEvent *e = event_at(&a, EV_AGGREGATE, 6);
    ck_assert_ptr_nonnull(e);
    ck_assert_int_eq(e->in.kinds & FK_SCORES, FK_RAW | FK_LOGPROB);
    release(&a);
}
END_TEST

int main(void) {
    Suite *s = suite_create("facts");
    TCase *tc = tcase_create("facts");
    tcase_add_test(tc, model_logits_are_raw_with_vocabulary_last);
    tcase_add_test(tc, import_aliases_resolve);
    tcase_add_test(tc, a_variable_named_logits_after_log_softmax_holds_logprobs);
    tcase_add_test(tc, gather_then_sum_over_positions_aggregates);
    tcase_add_test(tc, loop_accumulator_over_positions_aggregates);
    tcase_add_test(tc, functions_are_interpreted_with_their_arguments);
    tcase_add_test(tc, branches_join);
    suite_add_tcase(s, tc);
    return harness_main(s);
}
