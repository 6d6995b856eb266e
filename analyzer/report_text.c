/* The text formats: `full` (code frame, help, counterexample) and `concise` (one line each). */
#define _POSIX_C_SOURCE 200809L /* open_memstream */
#include <stdlib.h>
#include <string.h>

#include "explain.h"
#include "report_writers.h"
#include "rules.h"

#define BOLD(o) ((o)->color ? "\033[1m" : "")
#define RED(o) ((o)->color ? "\033[1;31m" : "")
#define CYAN(o) ((o)->color ? "\033[36m" : "")
#define BLUE(o) ((o)->color ? "\033[1;34m" : "")
#define RESET(o) ((o)->color ? "\033[0m" : "")

/* `path:row:col: CODE [*] message`: the marker when --fix would apply the finding's fix. */
static void header(FILE *out, const Diagnostic *d, const ReportOptions *o) {
    fprintf(out, "%s%s%s", BOLD(o), d->filename, RESET(o));
    if (d->cell) fprintf(out, ":cell %d", d->cell);
    fprintf(out, ":%d:%d: %s%s%s ", d->row, d->col, RED(o), d->rule->code, RESET(o));
    if (report_fix_applicable(d, o)) fprintf(out, "[%s*%s] ", CYAN(o), RESET(o));
    fprintf(out, "%s\n", d->message);
}

/* The underline keeps the line's tabs so it lines up under any tab width; every other
 * character (code point) becomes one column. */
static void underline(FILE *out, const char *line, int from, int to) {
    int c = 1;
    for (const unsigned char *p = (const unsigned char *)line; *p && c < from; p++) {
        if ((*p & 0xC0) == 0x80) continue;
        fputc(*p == '\t' ? '\t' : ' ', out);
        c++;
    }
    for (int i = from; i < to || i == from; i++)
        fputc('^', out);
}

/* `help: MESSAGE (safe fix: --fix; verified: ...)` and the lines it changes, as a diff. */
static void fix_lines(FILE *out, const DiagFix *f, int width, const ReportOptions *o) {
    fprintf(out, "%s%*s = %shelp%s: %s (%s fix: %s%s%s)\n", BLUE(o), width, "", BOLD(o), RESET(o),
            f->message, f->applicability == FIX_SAFE ? "safe" : "unsafe",
            f->applicability == FIX_SAFE ? "--fix" : "--unsafe-fixes",
            f->verified == FIX_VERIFIED   ? "; verified: "
            : f->verified == FIX_MISRANKS ? "; not verified: "
                                          : "",
            f->verified == FIX_UNVERIFIED ? "" : f->verify_note);
    for (const char *p = f->diff; *p;) {
        const char *nl = strchr(p, '\n');
        int n = nl ? (int)(nl - p) : (int)strlen(p);
        fprintf(out, "%s%*s %s%.*s%s\n", BLUE(o), width, "", p[0] == '-' ? RED(o) : CYAN(o), n, p,
                RESET(o));
        p += n + (nl != NULL);
    }
}

static void frame(FILE *out, const Diagnostic *d, const ReportOptions *o) {
    int last = d->row + d->nframe - 1;
    int width = snprintf(NULL, 0, "%d", last);
    fprintf(out, "%s%*s |%s\n", BLUE(o), width, "", RESET(o));
    for (int i = 0; i < d->nframe; i++) {
        int row = d->row + i;
        fprintf(out, "%s%*d |%s %s\n", BLUE(o), width, row, RESET(o), d->frame_lines[i]);
        if (d->nframe == 1) {
            fprintf(out, "%s%*s |%s ", BLUE(o), width, "", RESET(o));
            fputs(RED(o), out);
            underline(out, d->frame_lines[0], d->col,
                      d->end_row == d->row ? d->end_col : d->col + 1);
            fprintf(out, " %s%s\n", d->rule->code, RESET(o));
        }
    }
    if (d->nframe > 1)
        fprintf(out, "%s%*s |%s %s^ %s (lines %d-%d)%s\n", BLUE(o), width, "", RESET(o), RED(o),
                d->rule->code, d->row, d->end_row, RESET(o));
    fprintf(out, "%s%*s |%s\n", BLUE(o), width, "", RESET(o));
    if (d->help)
        fprintf(out, "%s%*s = %shelp%s: %s\n", BLUE(o), width, "", BOLD(o), RESET(o), d->help);
    if (d->fix) fix_lines(out, d->fix, width, o);
}

/* A counterexample's compact block as text (NULL: none), to tell identical ones apart. */
static char *compact_text(const VerifyResult *cex) {
    char *text = NULL;
    size_t len = 0;
    FILE *m = cex ? open_memstream(&text, &len) : NULL;
    if (!m) return NULL;
    verify_print_compact(m, cex, "  ", false);
    fclose(m);
    return text;
}

/* An identical counterexample (the same recipe's, or the same numbers from two copies of a
 * scorer) is printed in full once, then referred to. With --explain the explanation holds the
 * table, so the compact block is left out; an explanation, too, is printed once per rule and
 * table. `texts` holds each finding's compact block (compact_text). */
static void counterexample(FILE *out, const DiagList *diags, char *const *texts, size_t i,
                           const ReportOptions *o) {
    const Diagnostic *d = &diags->items[i];
    size_t first = 0;
    while (first < i &&
           !((diags->items[first].cex == d->cex ||
              (texts[first] && texts[i] && !strcmp(texts[first], texts[i]))) &&
             (!o->explain || diags->items[first].rule == d->rule)))
        first++;
    if (first < i) {
        const Diagnostic *f = &diags->items[first];
        fprintf(out, "\n  counterexample: as for %s", f->filename);
        if (f->cell) fprintf(out, ":cell %d", f->cell);
        if (d->cex && d->cex->by_script)
            fprintf(out, ":%d:%d above (the same numbers)\n", f->row, f->col);
        else
            fprintf(out, ":%d:%d above (recipe %s)\n", f->row, f->col, d->recipe->name);
        return;
    }
    if (o->explain && explain_known(d->rule->code)) {
        fprintf(out, "\n");
        explain_print(out, d->rule->code, d->cex);
        return;
    }
    if (!d->cex) return;
    fprintf(out, "\n");
    verify_print_compact(out, d->cex, "  ", o->color);
}

int report_text(FILE *out, const DiagList *diags, const ReportOptions *o) {
    char **texts = util_xcalloc(diags->len ? diags->len : 1, sizeof *texts);
    for (size_t i = 0; o->format != REPORT_CONCISE && i < diags->len; i++)
        texts[i] = compact_text(diags->items[i].cex);
    for (size_t i = 0; i < diags->len; i++) {
        const Diagnostic *d = &diags->items[i];
        header(out, d, o);
        if (o->format == REPORT_CONCISE) continue;
        if (d->nframe) frame(out, d, o);
        if (d->cex || (o->explain && d->recipe)) counterexample(out, diags, texts, i, o);
        else if (d->no_cex) fprintf(out, "\n  no counterexample: %s\n", d->no_cex);
        fprintf(out, "\n");
    }
    for (size_t i = 0; i < diags->len; i++)
        free(texts[i]);
    free(texts);
    report_summary(out, diags, o);
    return ferror(out) ? -1 : 0;
}
