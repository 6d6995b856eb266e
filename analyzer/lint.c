#include "lint.h"

#include "facts.h"
#include "parse.h"

void lint_source(const Source *src, const bool *enabled, DiagList *out, LintResult *result) {
    memset(result, 0, sizeof *result);
    Parsed parsed;
    if (parse_python(&parsed, src) != PARSE_OK) {
        result->parse_failed = true;
        return;
    }
    size_t err_byte;
    if (parse_first_error(&parsed, &err_byte)) {
        result->syntax_error = true;
        source_position(src, err_byte, &result->error_row, &result->error_col);
    }
    Facts facts;
    facts_analyze(&facts, &parsed);
    DiagList found = {0};
    for (size_t i = 0; i < rules_count; i++) {
        if (!enabled[i]) continue;
        RuleContext ctx = {.facts = &facts, .src = src, .rule = rules_registry[i], .out = &found};
        rules_registry[i]->check(&ctx);
    }
    for (size_t i = 0; i < found.len; i++) array_push(out, found.items[i]);
    array_free(&found);
    facts_free(&facts);
    parse_free(&parsed);
}
