/* `logitlint rule CODE` / `logitlint rule --all [--output-format text|json]`. */
#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "problem.h"
#include "rules.h"

static const char RULE_USAGE[] =
    "Usage: logitlint rule CODE [--output-format text|json]\n"
    "       logitlint rule --all [--output-format text|json]\n"
    "\n"
    "Print a rule's documentation, or list every rule. Codes are matched in any case\n"
    "(ll101 is LL101). E902 is not a rule but the code of a file that could not be analysed.\n";

/* A code in any case, the rules and E902. */
static const Rule *find_code(const char *arg) {
    char code[16];
    size_t n = strlen(arg);
    if (n >= sizeof code) return NULL;
    for (size_t i = 0; i <= n; i++)
        code[i] = (char)toupper((unsigned char)arg[i]);
    if (!strcmp(code, problem_rule.code)) return &problem_rule;
    return rules_find(code);
}

static json_t *rule_json(const Rule *r) {
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "code", r->code, "name", r->name,
                     "summary", r->summary, "what", r->what, "why", r->why, "example", r->example,
                     "instead", r->instead);
}

static int print_json(json_t *j) {
    int rc = json_dumpf(j, stdout, JSON_INDENT(2) | JSON_ENSURE_ASCII);
    json_decref(j);
    fputc('\n', stdout);
    return rc == 0 ? 0 : 2;
}

int cli_rule(int argc, char **argv) {
    const char *target = NULL, *format = "text";
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(RULE_USAGE, stdout);
            return 0;
        } else if (!strcmp(a, "--output-format") && i + 1 < argc) {
            format = argv[++i];
        } else if (!strncmp(a, "--output-format=", 16)) {
            format = a + 16;
        } else if (target || (a[0] == '-' && strcmp(a, "--all"))) {
            fputs(RULE_USAGE, stderr);
            return 2;
        } else {
            target = a;
        }
    }
    bool json = !strcmp(format, "json");
    if (!target || (!json && strcmp(format, "text"))) {
        if (target)
            fprintf(stderr, "logitlint: unknown output format '%s' (text, json)\n", format);
        else
            fputs(RULE_USAGE, stderr);
        return 2;
    }
    if (!strcmp(target, "--all")) {
        json_t *all = json ? json_array() : NULL;
        for (size_t i = 0; i < rules_count; i++) {
            const Rule *r = rules_registry[i];
            if (json)
                json_array_append_new(all, rule_json(r));
            else
                printf("%s  %-32s %s\n", r->code, r->name, r->summary);
        }
        return json ? print_json(all) : 0;
    }
    const Rule *r = find_code(target);
    if (!r) {
        fprintf(stderr, "logitlint: unknown rule '%s' (see `logitlint rule --all`)\n", target);
        return 2;
    }
    if (json) return print_json(rule_json(r));
    rules_print_doc(stdout, r);
    return 0;
}
