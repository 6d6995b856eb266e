#include "diag.h"

#include <stdlib.h>
#include <string.h>

void diag_fix_free(DiagFix *fix) {
    if (!fix) return;
    free(fix->message);
    fix_edits_free(&fix->edits);
    for (size_t i = 0; i < fix->shown.len; i++)
        free(fix->shown.items[i].content);
    array_free(&fix->shown);
    free(fix->diff);
    free(fix);
}

void diag_there_free(DiagThere *t) {
    if (!t) return;
    free(t->filename);
    free(t->message);
    free(t->callee);
    for (int i = 0; i < t->nframe; i++)
        free(t->frame_lines[i]);
    free(t->frame_lines);
    free(t);
}

void diag_free(Diagnostic *d) {
    diag_fix_free(d->fix);
    diag_there_free(d->there);
    free(d->filename);
    free(d->message);
    free(d->help);
    free(d->no_cex);
    for (int i = 0; i < d->nframe; i++)
        free(d->frame_lines[i]);
    free(d->frame_lines);
    verify_source_unref(d->site.src);
}

void diag_list_free(DiagList *list) {
    for (size_t i = 0; i < list->len; i++)
        diag_free(&list->items[i]);
    array_free(list);
}

static int compare(const void *pa, const void *pb) {
    const Diagnostic *a = pa, *b = pb;
    int c = strcmp(a->filename, b->filename);
    if (c) return c;
    if (a->cell != b->cell) return a->cell < b->cell ? -1 : 1;
    if (a->row != b->row) return a->row < b->row ? -1 : 1;
    if (a->col != b->col) return a->col < b->col ? -1 : 1;
    return strcmp(a->code, b->code);
}

void diag_sort(DiagList *list) {
    if (list->len > 1) qsort(list->items, list->len, sizeof *list->items, compare);
}

bool diag_is_problem(const Diagnostic *d) {
    return !strcmp(d->code, DIAG_PROBLEM_CODE);
}

size_t diag_count_problems(const DiagList *list) {
    size_t n = 0;
    for (size_t i = 0; i < list->len; i++)
        n += diag_is_problem(&list->items[i]);
    return n;
}
