/* Where a finding made at a call is reported. The analysis of each file is the same whatever
 * else the run analyses (the result cache keeps it per file), so the move is made here, over the
 * run's findings: the callee's file is one of the run's when its canonical path is, and the
 * finding moves unless its call's file calls that function elsewhere with values that keep it
 * right (DiagThere.shared: then the call is the flaw). A place several calls reach is reported
 * once: the finding the callee's own analysis made wins, else the first call by file and
 * position, whatever the thread count or cache. A moved finding keeps its counterexample (of
 * the call's file) and gets no fix (its edits would be of that file's text). */
#define _DEFAULT_SOURCE /* realpath */
#include "relocate.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"

/* The run's file that is the callee's file, by canonical path (-1: none). */
static long run_file_of(const PathList *files, const char *callee) {
    char *real = realpath(callee, NULL);
    if (!real) return -1;
    const char *base = strrchr(callee, '/') ? strrchr(callee, '/') + 1 : callee;
    long found = -1;
    for (size_t i = 0; i < files->len && found < 0; i++) {
        const char *name = files->items[i];
        const char *b = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;
        if (strcmp(b, base)) continue; /* (a symlink's other name is missed: kept at the call) */
        char *r = realpath(name, NULL);
        if (r && !strcmp(r, real)) found = (long)i;
        free(r);
    }
    free(real);
    return found;
}

static bool rule_enabled(const bool *enabled, const Rule *rule) {
    for (size_t i = 0; i < rules_count; i++)
        if (rules_registry[i] == rule) return enabled[i];
    return false;
}

/* The rules' "line N" name lines of the file whose analysis made the finding (the call's): in
 * the callee's file they say which file they are of ("logits from ./run.py line 9"). */
static char *lines_of_file(const char *message, const char *file) {
    char *out = util_xstrdup("");
    const char *p = message, *hit;
    while ((hit = strstr(p, "line "))) {
        bool ref = hit[5] >= '0' && hit[5] <= '9' &&
                   (hit == message || hit[-1] == ' ' || hit[-1] == '(');
        char *prev = out;
        out = util_xasprintf("%s%.*s%s%sline ", prev, (int)(hit - p), p, ref ? file : "",
                             ref ? " " : "");
        free(prev);
        p = hit + 5;
    }
    char *all = util_xasprintf("%s%s", out, p);
    free(out);
    return all;
}

/* d, found at a call, reported at its place in the callee's code (file `name` of the run); the
 * call's place goes to d->there, for the order of duplicates and for fix_run. */
static void move_there(Diagnostic *d, const char *name) {
    DiagThere *t = d->there;
    char cell[32] = "";
    if (d->cell) snprintf(cell, sizeof cell, ":cell %d", d->cell);
    char *said = lines_of_file(t->message, d->filename);
    char *message = util_xasprintf("%s (with the arguments of the call of `%s` at %s%s:%d:%d)",
                                   said, t->callee, d->filename, cell, d->row, d->col);
    free(said);
    char *callee_file = t->filename, **callee_lines = t->frame_lines;
    int place[4] = {t->row, t->col, t->end_row, t->end_col}, nframe = t->nframe;
    free(t->message);
    *t = (DiagThere){.filename = d->filename,
                     .message = d->message,
                     .callee = t->callee,
                     .row = d->row,
                     .col = d->col,
                     .end_row = d->end_row,
                     .end_col = d->end_col,
                     .cell = d->cell,
                     .frame_lines = d->frame_lines,
                     .nframe = d->nframe,
                     .moved = true};
    free(callee_file);
    d->filename = util_xstrdup(name);
    d->message = message;
    d->row = place[0], d->col = place[1], d->end_row = place[2], d->end_col = place[3];
    d->cell = d->file_row = d->file_end_row = 0;
    d->frame_lines = callee_lines, d->nframe = nframe;
    diag_fix_free(d->fix);
    d->fix = NULL;
}

static bool same_place(const Diagnostic *a, const Diagnostic *b) {
    return a->rule == b->rule && a->row == b->row && a->col == b->col && a->cell == b->cell &&
           !strcmp(a->filename, b->filename);
}

/* Of two findings at the same place, is a (index ia) reported rather than b (ib)? The callee's
 * own first, then the first call by file, cell, row and column. */
static bool wins(const Diagnostic *a, size_t ia, const Diagnostic *b, size_t ib) {
    bool am = a->there && a->there->moved, bm = b->there && b->there->moved;
    if (am != bm) return !am;
    if (!am) return ia < ib;
    const DiagThere *x = a->there, *y = b->there;
    int c = strcmp(x->filename, y->filename);
    if (c) return c < 0;
    if (x->cell != y->cell) return x->cell < y->cell;
    if (x->row != y->row) return x->row < y->row;
    if (x->col != y->col) return x->col < y->col;
    return ia < ib;
}

/* A code a directive of a file's line suppressed for a moved finding: that file's LL001 (which
 * judged the file alone) must not call it unused. */
typedef struct UsedCode {
    const char *filename; /* the run's name of the file */
    int row;
    const char *code;
} UsedCode;

/* LL001's finding d without `code` in its list of unused codes ("unused `noqa` directive: LL102,
 * LL105 suppress nothing on this line", rules/LL001_unused_noqa.c); false when none is left. */
static bool forget_code(Diagnostic *d, const char *code) {
    const char *head = "unused `noqa` directive: ", *nothing = strstr(d->message, " nothing ");
    size_t hl = strlen(head);
    if (strncmp(d->message, head, hl) || !nothing) return true;
    const char *end = nothing;
    while (end > d->message + hl && end[-1] != ' ') /* back over "suppress" / "suppresses" */
        end--;
    if (end > d->message + hl) end--;
    char *kept = util_xstrdup("");
    int n = 0;
    for (const char *p = d->message + hl; p < end;) {
        const char *q = strstr(p, ", ");
        if (!q || q > end) q = end;
        size_t len = (size_t)(q - p);
        if (!(len == strlen(code) && !strncmp(p, code, len))) {
            char *prev = kept;
            kept = util_xasprintf("%s%s%.*s", prev, n++ ? ", " : "", (int)len, p);
            free(prev);
        }
        p = q < end ? q + 2 : end;
    }
    if (n) {
        char *message =
            util_xasprintf("%s%s suppress%s%s", head, kept, n == 1 ? "es" : "", nothing);
        free(d->message);
        d->message = message;
    }
    free(kept);
    return n > 0;
}

static void relocate(DiagList *diags, const PathList *files, const bool (*enabled)[64]) {
    bool *drop = util_xcalloc(diags->len, 1);
    Array(UsedCode) used = {0};
    for (size_t i = 0; i < diags->len; i++) {
        Diagnostic *d = &diags->items[i];
        if (!d->there || d->there->moved) continue;
        long f = run_file_of(files, d->there->filename);
        /* the callee's `# noqa` covers it wherever it is reported: the same findings whichever
         * files the run is given */
        if (d->there->noqa_row) {
            drop[i] = true;
            if (f >= 0)
                array_push(&used, ((UsedCode){files->items[f], d->there->noqa_row, d->code}));
        } else if (f >= 0 && rule_enabled(enabled[f], d->rule) && !d->there->shared) {
            move_there(d, files->items[f]);
        }
    }
    for (size_t i = 0; i < diags->len; i++) {
        const Diagnostic *d = &diags->items[i];
        for (size_t j = 0; j < diags->len && !drop[i] && d->there && d->there->moved; j++)
            if (j != i && same_place(d, &diags->items[j]) && wins(&diags->items[j], j, d, i))
                drop[i] = true;
        for (size_t k = 0; k < used.len && !drop[i] && !strcmp(d->code, "LL001"); k++)
            if (d->row == used.items[k].row && !strcmp(d->filename, used.items[k].filename))
                drop[i] = !forget_code(&diags->items[i], used.items[k].code);
    }
    size_t keep = 0;
    for (size_t i = 0; i < diags->len; i++) {
        if (drop[i])
            diag_free(&diags->items[i]);
        else
            diags->items[keep++] = diags->items[i];
    }
    diags->len = keep;
    array_free(&used);
    free(drop);
}

void relocate_findings(DiagList *diags, const PathList *files, const bool (*enabled)[64]) {
    bool any = false;
    for (size_t i = 0; i < diags->len && !any; i++)
        any = diags->items[i].there && !diags->items[i].there->moved;
    if (any) relocate(diags, files, enabled);
    diag_sort(diags);
}
