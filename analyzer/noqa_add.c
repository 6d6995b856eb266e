#include "noqa_add.h"

#include <stdlib.h>
#include <string.h>

#include "fix_apply.h"
#include "notebook.h"
#include "parse.h"
#include "suppress.h"

/* The analysed line that holds a finding (a notebook's rows are counted in their cell). */
static int analysed_row(const Source *src, const Diagnostic *d) {
    if (!src->line_cell) return d->row;
    for (size_t i = 0; i < src->nlines; i++)
        if (src->line_cell[i] == d->cell && src->line_cell_row[i] == d->row) return (int)i + 1;
    return 0;
}

/* The edit that puts `codes` (", "-joined) on analysed line `row`; false when none can. */
static bool line_edit(const Parsed *p, int row, const char *codes, FixEdit *e) {
    const Source *src = p->src;
    size_t ls = src->line_starts[row - 1], le = ls;
    while (le < src->len && src->text[le] != '\n')
        le++;
    while (le > ls &&
           (src->text[le - 1] == '\r' || src->text[le - 1] == ' ' || src->text[le - 1] == '\t'))
        le--;
    if (le == ls || src->text[le - 1] == '\\') return false;
    TSNode n = ts_node_named_descendant_for_byte_range(p->root, (uint32_t)le - 1, (uint32_t)le);
    if (parse_is(n, "comment")) {
        size_t len, start = ts_node_start_byte(n);
        const char *text = parse_text(src, n, &len);
        NoqaDirective d;
        bool directive = suppress_parse_comment(text, len, false, &d);
        bool blanket = directive && d.blanket;
        size_t after = directive ? d.codes_end : 0;
        for (size_t i = 0; i < d.codes.len && directive; i++)
            free(d.codes.items[i].code);
        if (directive) array_free(&d.codes);
        if (blanket) return false; /* it already covers every code */
        if (after) {
            e->start = e->end = start + after;
            e->content = util_xasprintf(", %s", codes);
            return true;
        }
    }
    /* Inside a string that goes on past this line, a comment would be text. */
    for (TSNode a = n; !ts_node_is_null(a); a = parse_parent(a))
        if (strstr(ts_node_type(a), "string") && ts_node_end_byte(a) > le) return false;
    e->start = e->end = le;
    e->content = util_xasprintf("  # noqa: %s", codes);
    return true;
}

static int by_start(const void *a, const void *b) {
    const FixEdit *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

int noqa_add_file(const char *path, const Diagnostic *diags, size_t n, FILE *warnings, char *err,
                  size_t errlen) {
    size_t raw_len;
    char *raw = fix_read_file(path, &raw_len, err, errlen);
    if (!raw) return -1;
    Source src;
    SourceStatus st = source_from_buffer(&src, path, util_xstrndup(raw, raw_len), raw_len);
    if (st == SOURCE_OK && notebook_is_path(path)) st = notebook_convert(&src, err, errlen);
    if (st == SOURCE_ERR_BINARY) snprintf(err, errlen, "%s: contains NUL bytes", path);
    Parsed parsed;
    bool parsed_ok = st == SOURCE_OK && parse_python(&parsed, &src) == PARSE_OK;
    if (!parsed_ok) {
        if (st == SOURCE_OK) snprintf(err, errlen, "%s: could not be parsed", path);
        source_free(&src);
        free(raw);
        return -1;
    }
    FixEditList edits = {0};
    for (size_t i = 0; i < n; i++) {
        const Diagnostic *d = &diags[i];
        int row = analysed_row(&src, d);
        bool seen = diag_is_problem(d) || !strcmp(d->code, "LL001") || row < 1;
        for (size_t k = 0; k < i && !seen; k++) /* one edit per line, with all its codes */
            seen = analysed_row(&src, &diags[k]) == row && !diag_is_problem(&diags[k]) &&
                   strcmp(diags[k].code, "LL001");
        if (seen) continue;
        char *codes = util_xstrdup(d->code);
        for (size_t k = i + 1; k < n; k++)
            if (analysed_row(&src, &diags[k]) == row && strcmp(diags[k].code, "LL001") &&
                !diag_is_problem(&diags[k]) && !strstr(codes, diags[k].code)) {
                char *more = util_xasprintf("%s, %s", codes, diags[k].code);
                free(codes);
                codes = more;
            }
        FixEdit e;
        if (line_edit(&parsed, row, codes, &e))
            array_push(&edits, e);
        else if (warnings && d->cell)
            fprintf(warnings,
                    "warning: %s:cell %d:%d: no noqa directive added for %s (the line "
                    "ends inside a string or with a backslash)\n",
                    path, d->cell, d->row, codes);
        else if (warnings)
            fprintf(warnings,
                    "warning: %s:%d: no noqa directive added for %s (the line ends "
                    "inside a string or with a backslash)\n",
                    path, d->row, codes);
        free(codes);
    }
    if (edits.len > 1) qsort(edits.items, edits.len, sizeof *edits.items, by_start);
    int added = (int)edits.len;
    size_t out_len;
    char *out =
        edits.len ? fix_apply_text(&src, raw, raw_len, &edits, &out_len, err, errlen) : NULL;
    if (edits.len && (!out || fix_write_file(path, out, out_len, err, errlen) != 0)) added = -1;
    free(out);
    fix_edits_free(&edits);
    parse_free(&parsed);
    source_free(&src);
    free(raw);
    return added;
}
