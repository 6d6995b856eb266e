/* The JSON format: ruff's field names, plus our own (help, counterexample). */
#include <jansson.h>

#include "report_writers.h"
#include "rules.h"

static json_t *location(int row, int col) {
    return json_pack("{s:i, s:i}", "row", row, "column", col);
}

/* A JSON string for text that may not be UTF-8 (a file name in Latin-1, bytes copied from a
 * source file): jansson refuses invalid UTF-8, so each byte of an invalid sequence becomes
 * U+FFFD and the field is never dropped. */
static json_t *json_text(const char *s) {
    json_t *j = json_string(s);
    if (j) return j;
    size_t n = strlen(s), k = 0;
    char *clean = util_xmalloc(3 * n + 1);
    for (size_t i = 0; i < n;) {
        const unsigned char *p = (const unsigned char *)s + i;
        size_t len = p[0] < 0x80         ? 1
                     : (p[0] >> 5) == 6  ? 2
                     : (p[0] >> 4) == 14 ? 3
                     : (p[0] >> 3) == 30 ? 4
                                         : 0;
        bool ok = len > 0 && i + len <= n;
        for (size_t c = 1; ok && c < len; c++)
            ok = (p[c] & 0xC0) == 0x80;
        char one[5] = {0};
        memcpy(one, p, ok ? len : 0);
        json_t *probe = ok && len > 1 ? json_string(one) : NULL; /* overlong, surrogates */
        if (ok && (len == 1 || probe)) {
            memcpy(clean + k, p, len);
            k += len;
            i += len;
        } else {
            memcpy(clean + k, "\xEF\xBF\xBD", 3);
            k += 3;
            i++;
        }
        json_decref(probe);
    }
    clean[k] = '\0';
    j = json_string(clean);
    free(clean);
    return j;
}

/* ruff's `fix`: applicability, message and edits (content, location, end_location). */
static json_t *fix_json(const DiagFix *f) {
    if (!f) return json_null();
    json_t *edits = json_array();
    for (size_t i = 0; i < f->shown.len; i++) {
        const DiagEdit *e = &f->shown.items[i];
        json_array_append_new(edits, json_pack("{s:o, s:o, s:o}", "content", json_text(e->content),
                                               "location", location(e->row, e->col), "end_location",
                                               location(e->end_row, e->end_col)));
    }
    /* verified: the fixed code ranks as log Pr(y|x) does (true), does not (false), or could not
     * be run (null) */
    json_t *verified =
        f->verified == FIX_UNVERIFIED ? json_null() : json_boolean(f->verified == FIX_VERIFIED);
    return json_pack("{s:s, s:o, s:o, s:o}", "applicability",
                     f->applicability == FIX_SAFE ? "safe" : "unsafe", "message",
                     json_text(f->message), "edits", edits, "verified", verified);
}

static json_t *diag_json(const Diagnostic *d) {
    json_t *o = json_object();
    json_object_set_new(o, "code", json_string(d->rule->code));
    json_object_set_new(o, "name", json_string(d->rule->name));
    json_object_set_new(o, "message", json_text(d->message));
    json_object_set_new(o, "help", d->help ? json_text(d->help) : json_null());
    json_object_set_new(o, "filename", json_text(d->filename));
    json_object_set_new(o, "location", location(d->row, d->col));
    json_object_set_new(o, "end_location", location(d->end_row, d->end_col));
    json_object_set_new(o, "cell", d->cell ? json_integer(d->cell) : json_null());
    json_object_set_new(o, "noqa_row", json_integer(d->row));
    json_object_set_new(o, "url", json_null());
    json_object_set_new(o, "fix", fix_json(d->fix));
    json_object_set_new(o, "recipe", d->recipe ? json_string(d->recipe->name) : json_null());
    json_object_set_new(o, "counterexample", d->cex ? verify_result_to_json(d->cex) : json_null());
    if (!d->cex && d->no_cex) json_object_set_new(o, "no_counterexample", json_text(d->no_cex));
    return o;
}

int report_json(FILE *out, const DiagList *diags) {
    json_t *arr = json_array();
    for (size_t i = 0; i < diags->len; i++)
        json_array_append_new(arr, diag_json(&diags->items[i]));
    int rc = json_dumpf(arr, out, JSON_INDENT(2) | JSON_ENSURE_ASCII);
    json_decref(arr);
    fputc('\n', out);
    return rc != 0 || ferror(out) ? -1 : 0;
}

/* json-lines: one compact object per finding, one per line (for streaming consumers). */
int report_json_lines(FILE *out, const DiagList *diags) {
    int rc = 0;
    for (size_t i = 0; i < diags->len && rc == 0; i++) {
        json_t *o = diag_json(&diags->items[i]);
        rc = json_dumpf(o, out, JSON_COMPACT | JSON_ENSURE_ASCII);
        json_decref(o);
        fputc('\n', out);
    }
    return rc != 0 || ferror(out) ? -1 : 0;
}
