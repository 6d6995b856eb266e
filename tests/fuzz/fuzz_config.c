/* libFuzzer harness: parse an arbitrary buffer as a configuration file, both as a
 * pyproject.toml ([tool.logitlint]) and as a logitlint.toml, and match its patterns. */
#include <stdint.h>
#include <stdlib.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void match_all(const Config *cfg) {
    static const char *const paths[] = {"a.py", "src/eval/score.py", "tests/x_test.py", "", "/"};
    for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
        config_patterns_match(&cfg->exclude, paths[i]);
        config_patterns_match(&cfg->extend_exclude, paths[i]);
        for (size_t k = 0; k < cfg->per_file_ignores.len; k++) {
            ConfigList one = {&cfg->per_file_ignores.items[k].glob, 1, 1};
            config_patterns_match(&one, paths[i]);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const char *const names[] = {"pyproject.toml", "logitlint.toml"};
    for (size_t n = 0; n < 2; n++) {
        Config cfg;
        char err[512];
        if (config_parse(&cfg, names[n], (const char *)data, size, n == 1, err, sizeof err) ==
            CONFIG_OK)
            match_all(&cfg);
        config_free(&cfg);
    }
    return 0;
}
