/* The fixes of LL101 (raw-logit gather -> gather from log_softmax, unsafe) and LL110 (hand-written
 * softmax -> the max subtracted, safe): what they write, where they are refused, and that the
 * fixed file analyses clean. */
#include "tempdir.h" /* first: it sets _XOPEN_SOURCE */

#include <jansson.h>

#include "harness.h"

#define RUN_IN(dir, ...) harness_run((const char *const[]){__VA_ARGS__, NULL}, NULL, dir)

/* Fixes `before` with these options, checks the result is `after` and that it analyses clean. */
static void fixes_to(const char *before, const char *after, bool unsafe) {
    char *dir = tmp_dir();
    tmp_write(dir, "f.py", before);
    CliRun r = unsafe ? RUN_IN(dir, "check", "--fix", "--unsafe-fixes", "--no-verify", "f.py")
                      : RUN_IN(dir, "check", "--fix", "--no-verify", "f.py");
    ck_assert_msg(r.status == 0, "%s%s", r.out, r.err);
    ck_assert_msg(strstr(r.out, "(1 fixed, 0 remaining)"), "%s", r.out);
    harness_run_free(&r);
    char *now = tmp_read_rel(dir, "f.py");
    ck_assert_str_eq(now, after);
    free(now);
    r = RUN_IN(dir, "check", "--no-verify", "f.py"); /* the fixed file, analysed again */
    ck_assert_int_eq(r.status, 0);
    harness_run_free(&r);
    tmp_remove(dir);
}

/* The finding with this code in `text` has no fix. */
static void no_fix(const char *text, const char *code) {
    char *dir = tmp_dir();
    tmp_write(dir, "n.py", text);
    CliRun r = RUN_IN(dir, "check", "--no-verify", "--output-format", "json", "n.py");
    json_t *arr = json_loads(r.out, 0, NULL);
    int found = 0;
    for (size_t i = 0; i < json_array_size(arr); i++) {
        json_t *d = json_array_get(arr, i);
        if (strcmp(json_string_value(json_object_get(d, "code")), code)) continue;
        found++;
        ck_assert_msg(json_is_null(json_object_get(d, "fix")), "%s", text);
    }
    ck_assert_msg(found == 1, "%s: %s", text, r.out);
    json_decref(arr);
    harness_run_free(&r);
    tmp_remove(dir);
}

#define HEAD "import torch\ndef score(model, ids):\n    logits = model(ids).logits[:, :-1]\n"

START_TEST(ll101_gathers_from_log_softmax) {
    fixes_to(HEAD "    chosen = logits.gather(-1, ids[:, 1:].unsqueeze(-1)).squeeze(-1)\n"
                  "    return chosen.sum(-1)\n",
             HEAD "    chosen = logits.log_softmax(-1).gather(-1, ids[:, 1:].unsqueeze(-1))"
                  ".squeeze(-1)\n"
                  "    return chosen.sum(-1)\n",
             true);
    /* torch.gather, the dim by keyword, one expression */
    fixes_to(HEAD "    return torch.gather(logits, dim=2, index=ids[:, 1:, None]).squeeze(2)"
                  ".sum(1)\n",
             HEAD "    return torch.gather(torch.log_softmax(logits, 2), dim=2, "
                  "index=ids[:, 1:, None]).squeeze(2).sum(1)\n",
             true);
    /* an accumulator over positions */
    fixes_to(HEAD "    total = 0\n"
                  "    for t in range(ids.shape[1] - 1):\n"
                  "        total += logits[:, t].gather(-1, ids[:, t + 1, None])[:, 0]\n"
                  "    return total\n",
             HEAD "    total = 0\n"
                  "    for t in range(ids.shape[1] - 1):\n"
                  "        total += logits[:, t].log_softmax(-1).gather(-1, ids[:, t + 1, None])"
                  "[:, 0]\n"
                  "    return total\n",
             true);
}
END_TEST

START_TEST(ll101_fix_is_unsafe_and_refused_where_unsure) {
    char *dir = tmp_dir();
    const char *text = HEAD "    return logits.gather(-1, ids[:, 1:, None]).sum(1)\n";
    tmp_write(dir, "s.py", text);
    CliRun r = RUN_IN(dir, "check", "--fix", "--no-verify", "s.py");
    ck_assert_int_eq(r.status, 1);
    harness_run_free(&r);
    char *now = tmp_read_rel(dir, "s.py");
    ck_assert_str_eq(now, text);
    free(now);
    tmp_remove(dir);
    /* a mean (another objective once normalised), the value used elsewhere too, logits indexed
     * by position, NumPy */
    no_fix(HEAD "    chosen = logits.gather(-1, ids[:, 1:, None])[..., 0]\n"
                "    return chosen.mean(-1)\n",
           "LL101");
    no_fix(HEAD "    chosen = logits.gather(-1, ids[:, 1:, None])[..., 0]\n"
                "    print(chosen)\n"
                "    return chosen.sum(-1)\n",
           "LL101");
    no_fix(HEAD "    total = 0.0\n"
                "    for t in range(ids.shape[1] - 1):\n"
                "        total += logits[0, t, ids[0, t + 1]]\n"
                "    return total\n",
           "LL101");
    no_fix("import numpy as np\n"
           "def score(model, ids):\n"
           "    logits = model(ids).logits[:, :-1]\n"
           "    return np.take_along_axis(logits, ids[:, 1:, None], -1).sum(1)\n",
           "LL101");
    const char *argv[] = {"rule", "LL101", NULL};
    r = harness_run(argv, NULL, NULL);
    ck_assert_msg(strstr(r.out, "## Fix\nUnsafe: "), "%s", r.out);
    harness_run_free(&r);
}
END_TEST

START_TEST(ll110_subtracts_the_max) {
    fixes_to("import numpy as np\n"
             "def softmax(x):\n"
             "    return np.exp(x) / np.sum(np.exp(x), axis=-1, keepdims=True)  # keep\n",
             "import numpy as np\n"
             "def softmax(x):\n"
             "    return np.exp(x - np.max(x, axis=-1, keepdims=True)) / "
             "np.sum(np.exp(x - np.max(x, axis=-1, keepdims=True)), axis=-1, keepdims=True)  "
             "# keep\n",
             false);
    fixes_to("import numpy as np\n"
             "def softmax(x, t):\n"
             "    return np.exp(x / t) / np.exp(x / t).sum(-1, keepdims=True)\n",
             "import numpy as np\n"
             "def softmax(x, t):\n"
             "    return np.exp(x / t - np.max(x / t, -1, keepdims=True)) / "
             "np.exp(x / t - np.max(x / t, -1, keepdims=True)).sum(-1, keepdims=True)\n",
             false);
    fixes_to("import torch\n"
             "def probs(logits):\n"
             "    return torch.exp(logits) / torch.exp(logits).sum(dim=-1, keepdim=True)\n",
             "import torch\n"
             "def probs(logits):\n"
             "    return torch.exp(logits - logits.amax(dim=-1, keepdim=True)) / "
             "torch.exp(logits - logits.amax(dim=-1, keepdim=True)).sum(dim=-1, keepdim=True)\n",
             false);
    /* the exp in a variable used only there: its assignment */
    fixes_to("import torch\n"
             "def probs(logits):\n"
             "    e = logits.exp()  # keep\n"
             "    return e / e.sum(-1, keepdim=True)\n",
             "import torch\n"
             "def probs(logits):\n"
             "    e = (logits - logits.amax(-1, keepdim=True)).exp()  # keep\n"
             "    return e / e.sum(-1, keepdim=True)\n",
             false);
    fixes_to("import numpy as np\n"
             "def probs(scores):\n"
             "    e = np.exp(scores)\n"
             "    return e / np.sum(e)\n",
             "import numpy as np\n"
             "def probs(scores):\n"
             "    e = np.exp(scores - np.max(scores))\n"
             "    return e / np.sum(e)\n",
             false);
    /* over every element: the max of all */
    fixes_to("import torch\n"
             "def probs(logits):\n"
             "    return logits.exp() / logits.exp().sum()\n",
             "import torch\n"
             "def probs(logits):\n"
             "    return (logits - logits.max()).exp() / (logits - logits.max()).exp().sum()\n",
             false);
}
END_TEST

START_TEST(ll110_fix_refused_where_it_could_change_values) {
    /* an axis without keepdims (the max would broadcast otherwise), another argument, a call
     * inside exp (evaluated again), an operator `- max` would bind tighter than, the exp kept
     * in a variable used elsewhere too or summed over an axis that is not a constant, two exps
     * of different values, pure Python */
    const char *cases[] = {
        "    return np.exp(x) / np.sum(np.exp(x), axis=-1)\n",
        "    return np.exp(x) / np.sum(np.exp(x), dtype=np.float64)\n",
        "    return np.exp(g(x)) / np.sum(np.exp(g(x)))\n",
        "    return np.exp(x | y) / np.sum(np.exp(x | y))\n",
        "    e = np.exp(x)\n    print(e)\n    return e / e.sum(-1, keepdims=True)\n",
        "    e = np.exp(x)\n    return e / e.sum(axis=y, keepdims=True)\n",
        "    return np.exp(x) / np.sum(np.exp(y))\n",
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *text = util_xasprintf("import numpy as np\ndef f(x, y, g):\n%s", cases[i]);
        no_fix(text, "LL110");
        free(text);
    }
    no_fix("import math\n"
           "def f(xs):\n"
           "    total = sum(math.exp(v) for v in xs)\n"
           "    return [math.exp(v) / total for v in xs]\n",
           "LL110");
    const char *argv[] = {"rule", "LL110", NULL};
    CliRun r = harness_run(argv, NULL, NULL);
    ck_assert_msg(strstr(r.out, "## Fix\nSafe, "), "%s", r.out);
    harness_run_free(&r);
}
END_TEST

int main(void) {
    Suite *s = suite_create("fix_rules");
    TCase *tc = tcase_create("fix_rules");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, ll101_gathers_from_log_softmax);
    tcase_add_test(tc, ll101_fix_is_unsafe_and_refused_where_unsure);
    tcase_add_test(tc, ll110_subtracts_the_max);
    tcase_add_test(tc, ll110_fix_refused_where_it_could_change_values);
    suite_add_tcase(s, tc);
    return harness_main(s);
}
