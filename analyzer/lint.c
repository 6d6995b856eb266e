#include "lint.h"

#include "facts.h"
#include "lint_sites.h"
#include "parse.h"
#include "project.h"
#include "suppress.h"

/* Notebook sources: report the cell and the row within it (rows stay 1-based). */
static void lint_map_cells(const Source *src, Diagnostic *d) {
    if (!src->line_cell || d->row < 1 || (size_t)d->row > src->nlines) return;
    int cell = src->line_cell[d->row - 1];
    bool same = d->end_row >= 1 && (size_t)d->end_row <= src->nlines &&
                src->line_cell[d->end_row - 1] == cell;
    d->cell = cell;
    if (src->line_file_row) {
        d->file_row = src->line_file_row[d->row - 1];
        d->file_end_row = same ? src->line_file_row[d->end_row - 1] : d->file_row;
    }
    if (same) {
        d->end_row = src->line_cell_row[d->end_row - 1];
    } else {
        d->end_row = src->line_cell_row[d->row - 1];
        d->end_col = d->col + 1;
    }
    d->row = src->line_cell_row[d->row - 1];
}

static void lint_run(const Source *src, const bool *enabled, const struct UserContracts *contracts,
                     DiagList *out, LintResult *result, Budget *budget);

void lint_source(const Source *src, const bool *enabled, DiagList *out, LintResult *result) {
    lint_source_declared(src, enabled, NULL, out, result);
}

void lint_source_declared(const Source *src, const bool *enabled,
                          const struct UserContracts *contracts, DiagList *out,
                          LintResult *result) {
    Budget budget;
    bounds_init(&budget, BOUND_MAX_STEPS, BOUND_TIME_SECONDS);
    lint_run(src, enabled, contracts, out, result, &budget);
}

/* A file that exceeds a bound gets no findings at all: what the interpreter saw before it
 * stopped is a partial picture, and rules reading it could both miss and invent findings. */
void lint_source_within(const Source *src, const bool *enabled, DiagList *out, LintResult *result,
                        Budget *budget) {
    lint_run(src, enabled, NULL, out, result, budget);
}

/* What the facts layer asks lint_sites when the file's analysis is done (FactsAloneAsk). */
typedef struct AloneCtx {
    const Source *src;
    const bool *run;
} AloneCtx;

static bool need_alone(const Facts *facts, void *ctx) {
    const AloneCtx *c = ctx;
    return sites_need_alone(facts, c->src, c->run);
}

static void lint_run(const Source *src, const bool *enabled, const struct UserContracts *contracts,
                     DiagList *out, LintResult *result, Budget *budget) {
    memset(result, 0, sizeof *result);
    /* Estimated from the size before parsing (bounds.h): a file whose parse could exceed the
     * memory budget is never parsed. */
    if (src->len > BOUND_MAX_SOURCE) {
        result->bound = BOUND_MEMORY;
        return;
    }
    /* the run's parse when an import of this file made one (project.h) */
    ProjectFile *pf = src->peers ? src->peers->project : NULL;
    Parsed parsed;
    if (project_file_parse(pf, &parsed, src, budget) != PARSE_OK) {
        result->bound = budget->hit;
        result->parse_failed = budget->hit == BOUND_NONE;
        return;
    }
    size_t err_byte;
    if (parse_first_error(&parsed, &err_byte)) {
        result->syntax_error = true;
        source_position(src, err_byte, &result->error_row, &result->error_col);
        int r = result->error_row;
        if (src->line_cell && r >= 1 && (size_t)r <= src->nlines) {
            result->error_cell = src->line_cell[r - 1];
            result->error_row = src->line_cell_row[r - 1];
        }
    }
    bool audit = false;
    for (size_t i = 0; i < rules_count; i++)
        if (enabled[i] && rules_registry[i]->reads_suppressions) audit = true;
    bool run[64] = {0};
    for (size_t i = 0; i < rules_count && i < 64; i++)
        run[i] = (enabled[i] || audit) && !rules_registry[i]->reads_suppressions;
    Facts facts;
    AloneCtx alone = {src, run};
    FactsAloneAsk ask = {need_alone, &alone};
    facts_analyze_declared(&facts, &parsed, budget, contracts, &ask);
    if (budget->hit != BOUND_NONE) {
        result->bound = budget->hit;
        facts_free(&facts);
        project_file_parse_done(pf, &parsed);
        return;
    }
    /* Suppression: rules run, `# noqa` removes what it covers, then the rules that judge the
     * directives (LL001) run. A directive naming a rule that is not selected is judged by what
     * that rule would have found, so every rule runs when one of them is enabled; the findings
     * of rules that are not enabled are dropped after suppression. */
    DiagList found = {0};
    sites_check(&facts, src, run, &found); /* and what other files' code did for its calls */
    NoqaList noqa;
    suppress_collect(&noqa, &parsed);
    suppress_apply(&noqa, &found, 0);
    size_t first = found.len;
    for (size_t i = 0; i < rules_count; i++) {
        if (!enabled[i] || !rules_registry[i]->reads_suppressions) continue;
        RuleContext ctx = {
            .facts = &facts, .src = src, .rule = rules_registry[i], .out = &found, .noqa = &noqa};
        rules_registry[i]->check(&ctx);
    }
    /* The judges' findings obey `# noqa` too, without making a directive count as used. */
    NoqaList judged;
    suppress_collect(&judged, &parsed);
    suppress_apply(&judged, &found, first);
    suppress_free(&judged);
    suppress_free(&noqa);
    for (size_t i = 0; i < found.len; i++) {
        Diagnostic *d = &found.items[i];
        size_t r = 0;
        while (r < rules_count && rules_registry[r] != d->rule)
            r++;
        if (r == rules_count || !enabled[r]) {
            diag_free(d);
            continue;
        }
        lint_map_cells(src, d);
        array_push(out, *d);
    }
    array_free(&found);
    facts_free(&facts);
    project_file_parse_done(pf, &parsed); /* kept for the files that import it */
}
