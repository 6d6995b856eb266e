/* LL001 unused-noqa: a `# noqa` directive naming a logitlint code that suppresses nothing. */
#include <ctype.h>
#include <stdlib.h>

#include "rules.h"

/* A logitlint code as written in a directive: LL followed by digits. Other linters' codes
 * (E501, F401, RUF100, ...) are never judged. */
static bool is_ll_code(const char *code) {
    if (strncmp(code, "LL", 2) != 0 || !code[2]) return false;
    for (const char *p = code + 2; *p; p++)
        if (!isdigit((unsigned char)*p)) return false;
    return true;
}

static void check(RuleContext *ctx) {
    if (!ctx->noqa) return;
    for (size_t i = 0; i < ctx->noqa->len; i++) {
        const NoqaDirective *d = &ctx->noqa->items[i];
        char *unused = util_xstrdup("");
        int n = 0;
        for (size_t k = 0; k < d->codes.len; k++) {
            const NoqaCode *c = &d->codes.items[k];
            /* Its own code: a `# noqa: LL001` is judged by the suppression of this rule's
             * findings, which happens after it runs. */
            if (c->used || !is_ll_code(c->code) || !strcmp(c->code, ctx->rule->code)) continue;
            char *prev = unused;
            unused = util_xasprintf("%s%s%s%s", prev, n ? ", " : "", c->code,
                                    rules_find(c->code) ? "" : " (not a logitlint rule)");
            free(prev);
            n++;
        }
        if (n)
            rules_emit(ctx, d->comment, NULL, "remove the unused code from the directive",
                       "unused `noqa` directive: %s suppress%s nothing %s", unused,
                       n == 1 ? "es" : "", d->file_level ? "in this file" : "on this line");
        free(unused);
    }
}

static const char *const literals[] = {"noqa", NULL};

const Rule rule_LL001 = {
    .code = "LL001",
    .name = "unused-noqa",
    .summary = "A `# noqa` directive names a logitlint code that suppresses nothing",
    .what =
        "Flags `# noqa: LLxxx` comments (and file-level `# logitlint: noqa: LLxxx`) whose\n"
        "logitlint codes suppress no finding: the code was fixed, the comment moved to another\n"
        "line, or the code is misspelled. Codes of other linters in the same comment\n"
        "(`# noqa: E501, LL101`) and bare `# noqa` are never reported.",
    .why = "A stale suppression hides the next real finding on that line: when the scoring code\n"
           "is edited later, a raw-logit sum written there is silently accepted. Directives that\n"
           "suppress nothing are noise that reviewers learn to skip.",
    .example = "score = logprobs.sum(-1)  # noqa: LL101\n",
    .instead = "score = logprobs.sum(-1)\n",
    .literals = literals,
    .check = check,
    .reads_suppressions = true,
};
