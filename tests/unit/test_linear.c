/* The analysis is linear in a file's size whatever its shape: each pathological shape of
 * issue 16 (tests/bench/shapes.py builds the same ones) is analysed at a size and at ten times
 * that size, and the work counted by the budget (bounds.h: interpretation steps plus the probes,
 * changes and joins of the analysis's tables; not wall time) grows at most 12 times. */
#include <stdarg.h>

#include "bounds.h"
#include "facts.h"
#include "harness.h"

typedef Array(char) Text;

static void put(Text *t, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    array_reserve(t, t->len + (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(t->items + t->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    t->len += (size_t)n;
}

static const char HEAD[] = "import torch\n"
                           "from transformers import AutoModelForCausalLM\n"
                           "model = AutoModelForCausalLM.from_pretrained('gpt2')\n"
                           "ids = torch.tensor([[1, 2, 3]])\n"
                           "logits = model(ids).logits\n";

/* scores = [logits[0, 0, 0], logits[0, 1, 1], ...]: n events of their own */
static void shape_list(Text *t, int n) {
    put(t, "%sscores = [", HEAD);
    for (int i = 0; i < n; i++)
        put(t, "%slogits[0, %d, %d]", i ? ", " : "", i % 7, i);
    put(t, "]\nbest = max(scores)\n");
}

/* def f_i(x): return f_{i-1}(x): n module names, each looked up and bound */
static void shape_chain(Text *t, int n) {
    put(t, "%sdef f0(x):\n    return x.log_softmax(-1)\n", HEAD);
    for (int i = 1; i < n; i++)
        put(t, "def f%d(x):\n    return f%d(x)\n", i, i - 1);
    put(t, "lp = f%d(logits)\n", n - 1);
}

/* if k == 0: y0 = ... elif k == 1: y1 = ...: n paths, each with a name of its own */
static void shape_elif(Text *t, int n) {
    put(t, "%sk = len(ids)\nif k == 0:\n    y0 = logits[0]\n", HEAD);
    for (int i = 1; i < n; i++)
        put(t, "elif k == %d:\n    y%d = logits[%d]\n", i, i, i);
}

static void nest(Text *t, int depth) {
    for (int d = 0; d < depth; d++)
        put(t, "%*sfor i%d in range(ids.shape[1]):\n", 4 + 4 * d, "", d);
    put(t, "%*stotal += logits[0, i%d, ids[0, i%d]]\n", 4 + 4 * depth, "", depth - 1, depth - 1);
}

/* n functions, each with loops nested 18 deep accumulating raw logits */
static void shape_nested(Text *t, int n) {
    put(t, "%s", HEAD);
    for (int k = 0; k < n; k++) {
        put(t, "def score%d(logits, ids):\n    total = 0\n", k);
        nest(t, 18);
        put(t, "    return total\n");
    }
}

/* about n lines of module-level code, each ten-line block binding names of its own */
static void shape_module(Text *t, int n) {
    put(t, "%sacc = 0\n", HEAD);
    for (int k = 0; k < n / 10; k++)
        put(t,
            "v%d = logits[:, %d].log_softmax(-1)\n"
            "if v%d is None:\n    w%d = v%d.sum()\nelse:\n    w%d = v%d.mean()\n"
            "for t in range(3):\n    acc += w%d\n"
            "with torch.no_grad():\n    u%d = [x for x in range(%d)]\n"
            "print(v%d, w%d, u%d)\n",
            k, k % 5, k, k, k, k, k, k, k, k % 9, k, k, k);
}

typedef struct Run {
    unsigned long long work;
    BoundKind bound;
    size_t aggregates; /* EV_AGGREGATE events: what LL101 reads */
} Run;

static Run analyse(void (*shape)(Text *, int), int n, long max_steps) {
    Text t = {0};
    shape(&t, n);
    Source src;
    source_from_buffer(&src, "t.py", t.items, t.len);
    Parsed parsed;
    ck_assert_int_eq(parse_python(&parsed, &src), PARSE_OK);
    Budget b;
    bounds_init(&b, max_steps, 0);
    Facts facts;
    facts_analyze_within(&facts, &parsed, &b);
    Run r = {b.work, b.hit, 0};
    for (size_t i = 0; i < facts.events.len; i++)
        r.aggregates += facts.events.items[i].kind == EV_AGGREGATE;
    facts_free(&facts);
    parse_free(&parsed);
    source_free(&src);
    return r;
}

/* Each shape at a size its 10x version analyses in well under a second. */
static const struct {
    const char *name;
    void (*build)(Text *, int);
    int n;
} SHAPES[] = {
    {"list", shape_list, 2000},  {"chain", shape_chain, 300},     {"elif", shape_elif, 200},
    {"nested", shape_nested, 3}, {"module", shape_module, 10000},
};

START_TEST(each_shape_costs_linear_work) {
    Run small = analyse(SHAPES[_i].build, SHAPES[_i].n, 1L << 40);
    Run large = analyse(SHAPES[_i].build, 10 * SHAPES[_i].n, 1L << 40);
    ck_assert_int_eq(small.bound, BOUND_NONE);
    ck_assert_int_eq(large.bound, BOUND_NONE);
    double ratio = (double)large.work / (double)small.work;
    ck_assert_msg(ratio <= 12, "%s: %d -> %d costs %llu -> %llu work (%.1fx)", SHAPES[_i].name,
                  SHAPES[_i].n, 10 * SHAPES[_i].n, small.work, large.work, ratio);
}
END_TEST

/* Bodies that ran twice at every level cost 2^18 passes and were skipped over the step bound;
 * they now settle, the file is analysed within the default budget and the sum is found. */
START_TEST(loops_nested_18_deep_are_analysed) {
    Run r = analyse(shape_nested, 1, BOUND_MAX_STEPS);
    ck_assert_int_eq(r.bound, BOUND_NONE);
    ck_assert_uint_ge(r.aggregates, 1);
}
END_TEST

int main(void) {
    Suite *s = suite_create("linear");
    TCase *tc = tcase_create("shapes");
    tcase_set_timeout(tc, 300);
    tcase_add_loop_test(tc, each_shape_costs_linear_work, 0, sizeof SHAPES / sizeof *SHAPES);
    tcase_add_test(tc, loops_nested_18_deep_are_analysed);
    suite_add_tcase(s, tc);
    return harness_main(s);
}
