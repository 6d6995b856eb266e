#include "source.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "util.h"

static void build_line_map(Source *src) {
    size_t cap = 64, n = 0;
    size_t *starts = util_xmalloc(cap * sizeof *starts);
    starts[n++] = 0;
    for (size_t i = 0; i < src->len; i++) {
        if (src->text[i] != '\n') continue;
        if (n == cap) starts = util_xrealloc(starts, (cap *= 2) * sizeof *starts);
        starts[n++] = i + 1;
    }
    src->line_starts = starts;
    src->nlines = n;
}

SourceStatus source_from_buffer(Source *src, const char *display_path, char *buf, size_t len) {
    memset(src, 0, sizeof *src);
    buf = util_xrealloc(buf, len + 1);
    buf[len] = '\0';
    src->path = util_xstrdup(display_path);
    src->buf = buf;
    src->text = buf;
    src->len = len;
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
        src->text += 3;
        src->len -= 3;
    }
    build_line_map(src);
    return memchr(src->text, '\0', src->len) ? SOURCE_ERR_BINARY : SOURCE_OK;
}

SourceStatus source_load_stream(Source *src, void *file, const char *display_path, char *err,
                                size_t errlen) {
    FILE *f = file;
    size_t cap = 1 << 16, len = 0;
    char *buf = util_xmalloc(cap);
    for (;;) {
        if (len == cap) buf = util_xrealloc(buf, cap *= 2);
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0 || len > BOUND_MAX_BYTES) break;
    }
    if (len > BOUND_MAX_BYTES) { /* bounds.h: never parsed (tree-sitter's offsets are 32-bit) */
        snprintf(err, errlen, "%s: skipped: %s", display_path, bounds_describe(BOUND_SIZE));
        free(buf);
        memset(src, 0, sizeof *src);
        return SOURCE_ERR_READ;
    }
    if (ferror(f)) {
        snprintf(err, errlen, "%s: cannot read: %s", display_path, strerror(errno));
        free(buf);
        memset(src, 0, sizeof *src);
        return SOURCE_ERR_READ;
    }
    SourceStatus st = source_from_buffer(src, display_path, buf, len);
    if (st == SOURCE_ERR_BINARY)
        snprintf(err, errlen, "%s: contains NUL bytes, not a Python source file", display_path);
    return st;
}

SourceStatus source_load_file(Source *src, const char *path, char *err, size_t errlen) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        memset(src, 0, sizeof *src);
        return SOURCE_ERR_OPEN;
    }
    SourceStatus st = source_load_stream(src, f, path, err, errlen);
    fclose(f);
    return st;
}

void source_free(Source *src) {
    free(src->path);
    free(src->buf);
    free(src->line_starts);
    free(src->line_cell);
    free(src->line_cell_row);
    free(src->line_file_row);
    memset(src, 0, sizeof *src);
}

const Source *source_of(const Source *src, const void *tree) {
    SourcePeers *p = src->peers;
    if (!p || tree == p->home) return src;
    if (p->last < p->len && p->trees[p->last] == tree) return p->srcs[p->last];
    for (size_t i = 0; i < p->len; i++)
        if (p->trees[i] == tree) return p->srcs[p->last = i];
    return src;
}

void source_position(const Source *src, size_t byte, int *row, int *col) {
    if (byte > src->len) byte = src->len;
    size_t lo = 0, hi = src->nlines; /* last line start <= byte */
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (src->line_starts[mid] <= byte)
            lo = mid;
        else
            hi = mid;
    }
    int c = 1;
    for (size_t i = src->line_starts[lo]; i < byte; i++)
        if (((unsigned char)src->text[i] & 0xC0) != 0x80) c++;
    *row = (int)lo + 1;
    *col = c;
}

const char *source_line(const Source *src, int row, size_t *len) {
    if (row < 1 || (size_t)row > src->nlines) {
        *len = 0;
        return "";
    }
    size_t start = src->line_starts[row - 1];
    size_t end = (size_t)row < src->nlines ? src->line_starts[row] - 1 : src->len;
    if (end > start && src->text[end - 1] == '\r') end--;
    *len = end - start;
    return src->text + start;
}
