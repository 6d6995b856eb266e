/* Myers' O((N+M)D) diff over lines: fixes change a few lines of a file, so D is small. */
#include "fix_diff.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

typedef struct Line {
    const char *p;
    size_t n; /* with its '\n' if any */
} Line;
typedef Array(Line) Lines;

static Lines split(const char *s, size_t len) {
    Lines l = {0};
    for (size_t i = 0; i < len;) {
        const char *nl = memchr(s + i, '\n', len - i);
        size_t n = nl ? (size_t)(nl - (s + i)) + 1 : len - i;
        array_push(&l, ((Line){s + i, n}));
        i += n;
    }
    return l;
}

static bool same(const Line *a, const Line *b) {
    return a->n == b->n && !memcmp(a->p, b->p, a->n);
}

/* The edit script as one op per line: ' ' keep, '-' delete (a), '+' insert (b). */
typedef Array(char) Ops;

static Ops myers(const Lines *a, const Lines *b) {
    int n = (int)a->len, m = (int)b->len, max = n + m, off = max + 1;
    Array(int *) trace = {0};
    int *v = util_xcalloc((size_t)(2 * max + 3), sizeof *v);
    int dfound = -1;
    for (int d = 0; d <= max && dfound < 0; d++) {
        int *snap = util_xmalloc((size_t)(2 * max + 3) * sizeof *snap);
        memcpy(snap, v, (size_t)(2 * max + 3) * sizeof *snap);
        array_push(&trace, snap);
        for (int k = -d; k <= d; k += 2) {
            int x = (k == -d || (k != d && v[off + k - 1] < v[off + k + 1])) ? v[off + k + 1]
                                                                             : v[off + k - 1] + 1;
            int y = x - k;
            while (x < n && y < m && same(&a->items[x], &b->items[y]))
                x++, y++;
            v[off + k] = x;
            if (x >= n && y >= m) {
                dfound = d;
                break;
            }
        }
    }
    /* Walk back through the snapshots taken before each round. */
    Ops rev = {0};
    int x = n, y = m;
    for (int d = dfound; d > 0; d--) {
        int *pv = trace.items[d]; /* V after round d - 1 */
        int k = x - y;
        bool down = k == -d || (k != d && pv[off + k - 1] < pv[off + k + 1]);
        int px = pv[off + (down ? k + 1 : k - 1)], py = px - (down ? k + 1 : k - 1);
        while (x > px + !down && y > py + down) /* the snake after the move */
            array_push(&rev, ' '), x--, y--;
        array_push(&rev, down ? '+' : '-');
        x = px, y = py;
    }
    while (x > 0 && y > 0)
        array_push(&rev, ' '), x--, y--;
    for (size_t i = 0; i < trace.len; i++)
        free(trace.items[i]);
    array_free(&trace);
    free(v);
    Ops ops = {0};
    for (size_t i = rev.len; i-- > 0;)
        array_push(&ops, rev.items[i]);
    array_free(&rev);
    return ops;
}

static void put_line(FILE *out, char mark, const Line *l) {
    fputc(mark, out);
    fwrite(l->p, 1, l->n, out);
    if (!l->n || l->p[l->n - 1] != '\n') fputs("\n\\ No newline at end of file\n", out);
}

void fix_unified_diff(FILE *out, const char *path, const char *a, size_t alen, const char *b,
                      size_t blen) {
    Lines la = split(a, alen), lb = split(b, blen);
    Ops ops = myers(&la, &lb);
    fprintf(out, "--- %s\n+++ %s\n", path, path);
    enum { CONTEXT = 3 };
    size_t i = 0, ai = 0, bi = 0;
    while (i < ops.len) {
        if (ops.items[i] == ' ') {
            i++, ai++, bi++;
            continue;
        }
        /* A hunk: from CONTEXT lines before this change to CONTEXT after the last change that
         * is at most 2 * CONTEXT unchanged lines from the previous one. */
        size_t back = ai < CONTEXT ? ai : CONTEXT;
        back = bi < back ? bi : back;
        size_t start = i - back, end = i;
        for (size_t j = i, gap = 0; j < ops.len; j++) {
            if (ops.items[j] != ' ') {
                end = j + 1;
                gap = 0;
            } else if (++gap > 2 * CONTEXT) {
                break;
            }
        }
        size_t stop = end;
        for (size_t c = 0; c < CONTEXT && stop < ops.len && ops.items[stop] == ' '; c++)
            stop++;
        size_t a0 = ai - back, b0 = bi - back, an = 0, bn = 0;
        for (size_t j = start; j < stop; j++)
            an += ops.items[j] != '+', bn += ops.items[j] != '-';
        fprintf(out, "@@ -%zu,%zu +%zu,%zu @@\n", an ? a0 + 1 : a0, an, bn ? b0 + 1 : b0, bn);
        size_t x = a0, y = b0;
        for (size_t j = start; j < stop; j++) {
            char op = ops.items[j];
            if (op == ' ')
                put_line(out, ' ', &la.items[x++]), y++;
            else if (op == '-')
                put_line(out, '-', &la.items[x++]);
            else
                put_line(out, '+', &lb.items[y++]);
        }
        ai = x, bi = y, i = stop;
    }
    array_free(&ops);
    array_free(&la);
    array_free(&lb);
}
