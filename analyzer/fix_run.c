#include "fix_run.h"

#include <stdlib.h>
#include <string.h>

#include "fix_diff.h"
#include "lint.h"
#include "notebook.h"
#include "rules.h"

static bool allowed(const Diagnostic *d, const FixRunOptions *o) {
    return d->fix && (d->fix->applicability == FIX_SAFE || o->unsafe);
}

/* Edits of two fixes overlap (touching ends do not, unless both insert there). */
static bool overlaps(const FixEditList *a, const FixEditList *b) {
    for (size_t i = 0; i < a->len; i++)
        for (size_t k = 0; k < b->len; k++) {
            const FixEdit *x = &a->items[i], *y = &b->items[k];
            if (x->start < y->end && y->start < x->end) return true;
            if (x->start == y->start && (x->start == x->end || y->start == y->end)) return true;
        }
    return false;
}

static bool same_edits(const FixEditList *a, const FixEditList *b) {
    if (a->len != b->len) return false;
    for (size_t i = 0; i < a->len; i++)
        if (a->items[i].start != b->items[i].start || a->items[i].end != b->items[i].end ||
            strcmp(a->items[i].content, b->items[i].content))
            return false;
    return true;
}

static int by_start(const void *pa, const void *pb) {
    const FixEdit *a = pa, *b = pb;
    return a->start < b->start ? -1 : a->start > b->start;
}

/* The findings of a text, per rule (indexed like rules_registry), and whether it parsed
 * cleanly. false when it could not be analysed at all. */
static bool analyse(const char *path, const char *text, size_t len, const bool *enabled,
                    size_t *counts, bool *syntax_error, DiagList *keep) {
    Source src;
    char err[512];
    SourceStatus st = source_from_buffer(&src, path, util_xstrndup(text, len), len);
    if (st == SOURCE_OK && notebook_is_path(path)) st = notebook_convert(&src, err, sizeof err);
    if (st != SOURCE_OK) {
        source_free(&src);
        return false;
    }
    DiagList found = {0};
    LintResult lr;
    lint_source(&src, enabled, &found, &lr);
    memset(counts, 0, rules_count * sizeof *counts);
    for (size_t i = 0; i < found.len; i++)
        for (size_t r = 0; r < rules_count; r++)
            counts[r] += rules_registry[r] == found.items[i].rule;
    *syntax_error = lr.syntax_error;
    for (size_t i = 0; keep && i < found.len; i++)
        array_push(keep, found.items[i]);
    if (keep) found.len = 0;
    diag_list_free(&found);
    source_free(&src);
    return !lr.parse_failed && lr.bound == BOUND_NONE;
}

/* Why the fixed text is refused ("" when it is not), for the message. */
static const char *check_fixed(const char *path, const char *old, size_t old_len, const char *now,
                               size_t now_len, const bool *enabled, const size_t *fixed,
                               DiagList *remaining) {
    size_t before[64], after[64];
    bool err_before, err_after;
    if (!analyse(path, old, old_len, enabled, before, &err_before, NULL))
        return "the original could not be analysed again";
    if (!analyse(path, now, now_len, enabled, after, &err_after, remaining))
        return "the fixed file could not be analysed";
    if (err_after && !err_before) return "the fixed file has a syntax error";
    /* A fix may take another finding of its line with it; it may not leave one or add one. */
    for (size_t r = 0; r < rules_count; r++)
        if (after[r] + fixed[r] > before[r]) return "a fixed finding remains or a new one appeared";
    return "";
}

/* A fix is applied even when running the fixed code showed it still ranks candidates unlike
 * log Pr(y|x) (another finding of the function may explain it), but never silently. */
static void warn_misranked(const DiagList *diags, size_t from, size_t to, const bool *done) {
    for (size_t i = from; i < to; i++) {
        const Diagnostic *d = &diags->items[i];
        if (!done[i] || d->fix->verified != FIX_MISRANKS) continue;
        fprintf(stderr, "warning: %s", d->filename);
        if (d->cell) fprintf(stderr, ":cell %d", d->cell);
        fprintf(stderr, ":%d:%d: %s fix not verified: %s\n", d->row, d->col, d->code,
                d->fix->verify_note);
    }
}

/* Is the text read again not the one the findings came from? Their edits must lie inside it,
 * and where a finding kept the analysed text (for the verifier), it must be the same. */
static bool changed(const Source *src, const DiagList *diags, size_t from, size_t to) {
    for (size_t i = from; i < to; i++) {
        const Diagnostic *d = &diags->items[i];
        if (d->there && d->there->moved) continue; /* its text is the call's file's */
        for (size_t k = 0; d->fix && k < d->fix->edits.len; k++)
            if (d->fix->edits.items[k].end > src->len) return true;
        size_t len;
        const char *text = d->site.src ? verify_source_text(d->site.src, &len) : NULL;
        if (text && (len != src->len || memcmp(text, src->text, len))) return true;
    }
    return false;
}

/* One file: diags[from, to). Marks the fixed ones in `done`; when the file was rewritten, its
 * findings are those of the new text (`remaining`: positions move), and the old ones are marked
 * `stale`. false: rolled back or not written. */
static bool fix_file(DiagList *diags, size_t from, size_t to, const FixRunOptions *o, bool *done,
                     bool *stale, DiagList *remaining) {
    const char *path = diags->items[from].filename;
    char err[600];
    size_t raw_len;
    char *raw = fix_read_file(path, &raw_len, err, sizeof err);
    Source src;
    SourceStatus st = raw ? source_from_buffer(&src, path, util_xstrndup(raw, raw_len), raw_len)
                          : SOURCE_ERR_OPEN;
    if (st == SOURCE_OK && notebook_is_path(path)) st = notebook_convert(&src, err, sizeof err);
    const char *why = st != SOURCE_OK ? "it could not be read again"
                      : changed(&src, diags, from, to) ? "it changed since it was analysed"
                                                        : NULL;
    if (why) {
        if (raw) source_free(&src);
        free(raw);
        fprintf(stderr, "logitlint: %s: fixes not applied: %s\n", path, why);
        return false;
    }
    /* Fixes in order of position (then code, as diags are sorted): ruff's order. */
    FixEditList edits = {0};
    size_t fixed[64] = {0}, taken = 0;
    Array(const DiagFix *) applied = {0};
    for (size_t i = from; i < to; i++) {
        const Diagnostic *d = &diags->items[i];
        if (!allowed(d, o)) continue;
        bool dup = false, clash = false;
        for (size_t k = 0; k < applied.len; k++) {
            dup |= same_edits(&applied.items[k]->edits, &d->fix->edits);
            clash |= overlaps(&applied.items[k]->edits, &d->fix->edits);
        }
        if (clash && !dup) continue; /* the next run fixes it */
        if (!dup) {
            array_push(&applied, d->fix);
            for (size_t k = 0; k < d->fix->edits.len; k++)
                array_push(&edits, d->fix->edits.items[k]);
        }
        done[i] = true;
        taken++;
        for (size_t r = 0; r < rules_count; r++)
            fixed[r] += rules_registry[r] == d->rule;
    }
    array_free(&applied);
    bool ok = true;
    if (taken) {
        qsort(edits.items, edits.len, sizeof *edits.items, by_start);
        size_t now_len;
        char *now = fix_apply_text(&src, raw, raw_len, &edits, &now_len, err, sizeof err);
        DiagList fresh = {0};
        const char *why = now ? check_fixed(path, raw, raw_len, now, now_len,
                                            o->enabled(o->ctx, path), fixed, &fresh)
                              : err;
        if (*why) {
            fprintf(stderr, "logitlint: %s: fixes rolled back: %s after applying them\n", path,
                    why);
            ok = false;
        } else if (!o->write) {
            warn_misranked(diags, from, to, done);
            fix_unified_diff(o->diff_out, path, raw, raw_len, now, now_len);
        } else if (fix_write_file(path, now, now_len, err, sizeof err) != 0) {
            fprintf(stderr, "logitlint: %s\n", err);
            ok = false;
        } else {
            warn_misranked(diags, from, to, done);
            /* (a finding moved here from a call is kept, at its place in the text before: the
             * call's file is not analysed again) */
            for (size_t i = from; i < to; i++)
                stale[i] = !done[i] && !(diags->items[i].there && diags->items[i].there->moved);
            for (size_t i = 0; i < fresh.len; i++)
                array_push(remaining, fresh.items[i]);
            fresh.len = 0;
        }
        diag_list_free(&fresh);
        free(now);
    }
    for (size_t i = from; !ok && i < to; i++)
        done[i] = false;
    array_free(&edits); /* the contents belong to the findings' fixes */
    source_free(&src);
    free(raw);
    return ok;
}

int fix_run(DiagList *diags, const FixRunOptions *o, DiagList *fixed) {
    bool *done = util_xcalloc(diags->len + 1, 1), *stale = util_xcalloc(diags->len + 1, 1);
    DiagList remaining = {0};
    int failed = 0;
    for (size_t i = 0, j; i < diags->len; i = j) {
        for (j = i; j < diags->len && !strcmp(diags->items[j].filename, diags->items[i].filename);)
            j++;
        const char *name = diags->items[i].filename;
        bool from_stdin = !strcmp(name, "-") || (o->stdin_name && !strcmp(name, o->stdin_name));
        if (!from_stdin && !fix_file(diags, i, j, o, done, stale, &remaining))
            failed++;
    }
    size_t keep = 0;
    for (size_t i = 0; i < diags->len; i++) {
        if (done[i])
            array_push(fixed, diags->items[i]);
        else if (stale[i])
            diag_free(&diags->items[i]);
        else
            diags->items[keep++] = diags->items[i];
    }
    diags->len = keep;
    for (size_t i = 0; i < remaining.len; i++)
        array_push(diags, remaining.items[i]);
    array_free(&remaining);
    diag_sort(diags);
    free(done);
    free(stale);
    return failed;
}
