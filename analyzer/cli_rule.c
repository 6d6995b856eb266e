/* `logitlint rule CODE` / `logitlint rule --all`. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "rules.h"

int cli_rule(int argc, char **argv) {
    if (argc != 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        fputs("Usage: logitlint rule CODE | logitlint rule --all\n", argc == 2 ? stdout : stderr);
        return argc == 2 ? 0 : 2;
    }
    if (!strcmp(argv[1], "--all")) {
        for (size_t i = 0; i < rules_count; i++)
            printf("%s  %-32s %s\n", rules_registry[i]->code, rules_registry[i]->name,
                   rules_registry[i]->summary);
        return 0;
    }
    const Rule *r = rules_find(argv[1]);
    if (!r) {
        fprintf(stderr, "logitlint: unknown rule '%s' (see `logitlint rule --all`)\n", argv[1]);
        return 2;
    }
    rules_print_doc(stdout, r);
    return 0;
}
