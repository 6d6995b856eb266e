/* libFuzzer harness: an arbitrary buffer as a Python script whose every function the concrete
 * interpreter runs on the toy LM of the built-in table (as `logitlint verify --file F --line N`
 * does), its parameters bound by use. Any input must end in a result or a one-line reason:
 * never a crash, a leak, undefined behaviour or a hang (every run is bounded). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > 1 << 16) return 0;
    VerifyTable *abc = verify_table_builtin("abc");
    const VerifyRecipe *r = verify_recipe_find("sum-raw-logits");
    if (!abc || !r) {
        verify_table_free(abc);
        return 0;
    }
    const char *text = (const char *)data;
    int line = 1, runs = 0;
    for (size_t i = 0; i < size && runs < 8; i++) {
        bool bol = i == 0 || text[i - 1] == '\n';
        if (bol && size - i > 4 && !memcmp(text + i, "def ", 4)) {
            char why[200];
            VerifyResult *res = verify_exec_source("fuzz.py", text, size, line + 1, r, abc, 100000, why, sizeof why);
            if (res) {
                char *json = NULL;
                json_t *o = verify_result_to_json(res);
                if (o) json = json_dumps(o, 0);
                free(json);
                json_decref(o);
                FILE *null = fopen("/dev/null", "w");
                if (null) {
                    verify_print_compact(null, res, "", false);
                    fclose(null);
                }
                verify_result_free(res);
            } else if (strchr(why, '\n')) {
                abort(); /* a reason is one line */
            }
            runs++;
        }
        if (text[i] == '\n') line++;
    }
    verify_table_free(abc);
    return 0;
}
