#include "suppress.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Case-insensitive match of `word` at p (bounded by end). */
static bool word_at(const char *p, const char *end, const char *word) {
    for (; *word; word++, p++)
        if (p >= end || tolower((unsigned char)*p) != *word) return false;
    return true;
}

static const char *skip_space(const char *p, const char *end) {
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    return p;
}

/* After `noqa`: an optional `:` and a list of codes ([A-Z]+[0-9]+) separated by commas or
 * spaces, as flake8 and ruff read it. `# noqa:` with no valid code is a blanket noqa. */
static void parse_codes(const char *text, const char *p, const char *end, NoqaDirective *d) {
    p = skip_space(p, end);
    d->blanket = true;
    if (p >= end || *p != ':') return;
    p++;
    for (;;) {
        while (p < end && (*p == ' ' || *p == '\t' || *p == ','))
            p++;
        const char *s = p;
        while (p < end && isupper((unsigned char)*p))
            p++;
        const char *digits = p;
        while (p < end && isdigit((unsigned char)*p))
            p++;
        if (digits == s || p == digits || (p < end && isalnum((unsigned char)*p))) break;
        NoqaCode c = {util_xstrndup(s, (size_t)(p - s)), false};
        array_push(&d->codes, c);
        d->codes_end = (size_t)(p - text);
    }
    d->blanket = d->codes.len == 0;
}

bool suppress_parse_comment(const char *text, size_t len, bool own_line, NoqaDirective *d) {
    const char *end = text + len;
    memset(d, 0, sizeof *d);
    /* File level: the whole comment is `# logitlint: noqa[: CODES]`. */
    if (own_line && len && text[0] == '#') {
        const char *p = skip_space(text + 1, end);
        if (word_at(p, end, "logitlint:")) {
            p = skip_space(p + 10, end);
            if (word_at(p, end, "noqa") && (p + 4 == end || strchr(": \t#", p[4]))) {
                d->file_level = true;
                parse_codes(text, p + 4, end, d);
                return true;
            }
        }
    }
    /* Line level: `#` then optional spaces then `noqa`, anywhere in the comment (a comment can
     * hold several: `# type: ignore  # noqa: LL101`). */
    for (const char *h = text; h < end; h++) {
        if (*h != '#') continue;
        const char *p = skip_space(h + 1, end);
        if (!word_at(p, end, "noqa")) continue;
        /* `# noqa` ends there, or goes on with `:`, a space or another comment; `# noqa-ish`
         * and `# noqaxyz` are prose. */
        if (p + 4 < end && !strchr(": \t#", p[4])) continue;
        parse_codes(text, p + 4, end, d);
        return true;
    }
    return false;
}

static void add_comment(TSNode c, const Parsed *p, NoqaList *out) {
    const Source *src = p->src;
    size_t start = ts_node_start_byte(c), len;
    const char *text = parse_text(src, c, &len);
    size_t ls = start;
    while (ls > 0 && src->text[ls - 1] != '\n')
        ls--;
    bool own_line = true;
    for (size_t k = ls; k < start; k++)
        if (src->text[k] != ' ' && src->text[k] != '\t' && src->text[k] != '\f') own_line = false;
    NoqaDirective d;
    if (suppress_parse_comment(text, len, own_line, &d)) {
        int col;
        d.comment = c;
        source_position(src, start, &d.row, &col);
        array_push(out, d);
    }
}

/* Every directive spells `noqa` (in any case): most files have none, and then their tree need
 * not be walked at all (a walk costs a tenth of the analysis of a file or more). The scan jumps
 * from q to q with memchr, a rare letter, instead of testing every byte. */
static bool noqa_around(const Source *src, const char *q) {
    return q - src->text >= 2 && word_at(q - 2, src->text + src->len, "noqa");
}

static bool mentions_noqa(const Source *src) {
    const char *end = src->text + src->len;
    for (int upper = 0; upper < 2; upper++)
        for (const char *q = src->text; (q = memchr(q, upper ? 'Q' : 'q', (size_t)(end - q))); q++)
            if (noqa_around(src, q)) return true;
    return false;
}

/* Every comment that spells `noqa`, in order: each directive does, so the comments are found
 * from the text (the node at each `noqa`) instead of walking the whole tree (2.6% of a run's
 * instructions). */
void suppress_collect(NoqaList *out, const Parsed *p) {
    memset(out, 0, sizeof *out);
    if (!mentions_noqa(p->src)) return;
    const Source *src = p->src;
    uint32_t after = 0; /* the end of the last comment taken */
    for (size_t q = 2; q < src->len; q++) {
        if ((src->text[q] | 0x20) != 'q' || !noqa_around(src, src->text + q) || q < after)
            continue;
        TSNode n = ts_node_descendant_for_byte_range(p->root, (uint32_t)q, (uint32_t)q + 1);
        if (!parse_is(n, "comment")) continue;
        add_comment(n, p, out);
        after = ts_node_end_byte(n);
    }
}

/* Does directive d suppress a finding with this code starting on this row? Marks what it used. */
static bool covers(NoqaDirective *d, const Diagnostic *f) {
    if (!d->file_level && d->row != f->row) return false;
    if (d->blanket) return d->used = true;
    for (size_t i = 0; i < d->codes.len; i++)
        if (!strcmp(d->codes.items[i].code, f->code)) return d->codes.items[i].used = true;
    return false;
}

void suppress_apply(NoqaList *list, DiagList *diags, size_t from) {
    size_t keep = from;
    for (size_t i = from; i < diags->len; i++) {
        bool suppressed = false;
        /* Every covering directive is marked, not only the first: none of them is unused. */
        for (size_t k = 0; k < list->len; k++)
            if (covers(&list->items[k], &diags->items[i])) suppressed = true;
        if (suppressed)
            diag_free(&diags->items[i]);
        else
            diags->items[keep++] = diags->items[i];
    }
    diags->len = keep;
}

int suppress_covering_row(const NoqaList *list, const char *code, int row) {
    for (size_t k = 0; k < list->len; k++) {
        const NoqaDirective *d = &list->items[k];
        if (!d->file_level && d->row != row) continue;
        if (d->blanket) return d->row;
        for (size_t i = 0; i < d->codes.len; i++)
            if (!strcmp(d->codes.items[i].code, code)) return d->row;
    }
    return 0;
}

void suppress_free(NoqaList *list) {
    for (size_t i = 0; i < list->len; i++) {
        for (size_t k = 0; k < list->items[i].codes.len; k++)
            free(list->items[i].codes.items[k].code);
        array_free(&list->items[i].codes);
    }
    array_free(list);
}
