/* libFuzzer harness: parse an arbitrary buffer as a verifier table file (JSON, as
 * `logitlint verify --table FILE` reads it), and when it loads, score every recipe of the
 * catalog on it and render the result. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "verify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The catalog (`logitlint verify --list-recipes`); a name that disappears is skipped. */
static const char *const RECIPES[] = {"sum-raw-logits",
                                      "mean-raw-logits",
                                      "product-probs",
                                      "product-probs-f64",
                                      "log-of-softmax",
                                      "softmax-over-positions",
                                      "no-causal-shift",
                                      "mean-with-prompt",
                                      "sum-with-padding",
                                      "mean-token-nll",
                                      "softmax-into-cross-entropy",
                                      "logits-into-nll-loss",
                                      "unstable-softmax",
                                      "mean-log-probs",
                                      "sum-log-probs",
                                      NULL};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static FILE *sink;
    static char path[64];
    if (!sink) {
        sink = fopen("/dev/null", "w");
        snprintf(path, sizeof path, "/tmp/fuzz_table.%d.json", (int)getpid());
    }
    /* Through the file loader, as the CLI reads a table. */
    FILE *f = fopen(path, "wb");
    if (!f) return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    VerifyTable *t = NULL;
    VerifyError err;
    if (verify_table_load_file(path, &t, &err) != VERIFY_OK) {
        if (t) verify_table_free(t);
        return 0;
    }
    for (const char *const *name = RECIPES; *name; name++) {
        const VerifyRecipe *r = verify_recipe_find(*name);
        if (!r) continue;
        VerifyResult *res = NULL;
        if (verify_score(t, r, &res, &err) == VERIFY_OK && res) {
            if (sink) {
                verify_print_full(sink, res);
                verify_print_compact(sink, res, "  ", false);
                json_t *j = verify_result_to_json(res);
                if (j) json_dumpf(j, sink, 0);
                json_decref(j);
            }
            verify_result_free(res);
        }
    }
    if (sink) verify_print_table(sink, t, "", true);
    verify_table_free(t);
    return 0;
}
