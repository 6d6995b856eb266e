#define _DEFAULT_SOURCE /* mkstemp, fchmod */
#include "fix_apply.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "notebook.h"

typedef Array(char) Bytes;

static void put(Bytes *b, const char *s, size_t n) {
    array_reserve(b, b->len + n);
    memcpy(b->items + b->len, s, n);
    b->len += n;
}

/* Content as the inside of a JSON string. */
static void put_json_escaped(Bytes *b, const char *s) {
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        char esc[8];
        if (c == '"' || c == '\\') {
            esc[0] = '\\', esc[1] = (char)c, esc[2] = '\0';
        } else if (c == '\n') {
            strcpy(esc, "\\n");
        } else if (c == '\t') {
            strcpy(esc, "\\t");
        } else if (c < 0x20) {
            snprintf(esc, sizeof esc, "\\u%04x", c);
        } else {
            esc[0] = (char)c, esc[1] = '\0';
        }
        put(b, esc, strlen(esc));
    }
}

/* Bytes that the JSON escape at raw[i] (raw[i] == '\\') decodes to, and its raw length. */
static size_t escape_size(const char *raw, size_t i, size_t to, size_t *raw_len) {
    if (i + 1 >= to || raw[i + 1] != 'u' || i + 6 > to) {
        *raw_len = 2;
        return 1;
    }
    unsigned cp =
        (unsigned)strtoul((char[5]){raw[i + 2], raw[i + 3], raw[i + 4], raw[i + 5], 0}, NULL, 16);
    *raw_len = 6;
    if (cp >= 0xD800 && cp < 0xDC00 && i + 12 <= to && raw[i + 6] == '\\' && raw[i + 7] == 'u') {
        *raw_len = 12; /* a surrogate pair: one code point of four bytes */
        return 4;
    }
    return cp < 0x80 ? 1 : cp < 0x800 ? 2 : 3;
}

/* The raw offset in the JSON text of decoded byte `target` of one cell's source. At a boundary
 * between two strings, the later one (an insertion at a line's start goes into that line). */
static bool raw_offset(const char *raw, const NotebookSpans *spans, size_t target, size_t *out) {
    size_t base = 0;
    for (size_t k = 0; k < spans->len; k++) {
        const NotebookSpan *sp = &spans->items[k];
        size_t i = sp->from, decoded = base;
        while (i < sp->to) {
            if (decoded == target) break;
            size_t rl = 1, dl = 1;
            if (raw[i] == '\\') dl = escape_size(raw, i, sp->to, &rl);
            i += rl;
            decoded += dl;
        }
        if (decoded == target && (i < sp->to || k + 1 == spans->len)) {
            *out = i;
            return true;
        }
        base = decoded;
    }
    return false;
}

/* The cell holding analysed byte `pos`, and the offset of that cell's first byte. */
static int cell_of(const Source *src, size_t pos, size_t *cell_start) {
    int row, col;
    source_position(src, pos, &row, &col);
    int cell = src->line_cell[row - 1];
    int first = row;
    while (first > 1 && src->line_cell[first - 2] == cell)
        first--;
    *cell_start = src->line_starts[first - 1];
    return cell;
}

/* Does the raw JSON text [from, to) of a cell's source strings decode to exactly `want` (n
 * bytes)? An edit may only replace code as it is in the notebook, not a magic or shell line the
 * analysis neutralised. Replacing a range that spans two strings merges them into one, which
 * is still a valid notebook. */
static bool decodes_to(const char *raw, size_t from, size_t to, const char *want, size_t n) {
    size_t k = 0;
    for (size_t i = from; i < to;) {
        if (raw[i] == '"') { /* the end of one source string: the text goes on in the next */
            const char *next = memchr(raw + i + 1, '"', to - i - 1);
            if (!next) return false;
            i = (size_t)(next - raw) + 1;
            continue;
        }
        if (raw[i] != '\\') {
            if (k >= n || want[k++] != raw[i++]) return false;
            continue;
        }
        size_t rl, dl = escape_size(raw, i, to, &rl);
        if (dl == 1 && rl == 2) { /* a one-character escape */
            static const char from_esc[] = "nt\"\\/bfr", to_byte[] = "\n\t\"\\/\b\f\r";
            const char *e = strchr(from_esc, raw[i + 1]);
            if (!e || k >= n || want[k++] != to_byte[e - from_esc]) return false;
        } else if (dl == 1) { /* \u00XX */
            unsigned cp = (unsigned)strtoul((char[5]){raw[i + 2], raw[i + 3], raw[i + 4],
                                                      raw[i + 5], 0},
                                            NULL, 16);
            if (k >= n || (unsigned char)want[k++] != cp) return false;
        } else {
            k += dl; /* a multi-byte character: never part of a neutralised IPython syntax */
            if (k > n) return false;
        }
        i += rl;
    }
    return k == n;
}

static char *apply_notebook(const Source *src, const char *raw, size_t raw_len,
                            const FixEditList *edits, size_t *out_len, char *err, size_t errlen) {
    Bytes b = {0};
    size_t copied = 0;
    for (size_t i = 0; i < edits->len; i++) {
        const FixEdit *e = &edits->items[i];
        size_t cs, ce;
        int cell = cell_of(src, e->start, &cs);
        int end_cell = cell_of(src, e->end > e->start ? e->end - 1 : e->start, &ce);
        NotebookSpans spans;
        notebook_source_spans(raw, raw_len, cell, &spans);
        size_t from, to;
        bool ok = cell == end_cell && raw_offset(raw, &spans, e->start - cs, &from) &&
                  raw_offset(raw, &spans, e->end - cs, &to) && from >= copied && to >= from &&
                  decodes_to(raw, from, to, src->text + e->start, e->end - e->start);
        array_free(&spans);
        if (!ok) {
            snprintf(err, errlen, "%s: an edit in cell %d cannot be placed in the notebook",
                     src->path, cell);
            array_free(&b);
            return NULL;
        }
        put(&b, raw + copied, from - copied);
        put_json_escaped(&b, e->content);
        copied = to;
    }
    put(&b, raw + copied, raw_len - copied);
    *out_len = b.len;
    array_push(&b, '\0');
    return b.items;
}

char *fix_apply_text(const Source *src, const char *raw, size_t raw_len, const FixEditList *edits,
                     size_t *out_len, char *err, size_t errlen) {
    size_t bom = raw_len >= 3 && !memcmp(raw, "\xEF\xBB\xBF", 3) ? 3 : 0;
    if (src->line_cell)
        return apply_notebook(src, raw + bom, raw_len - bom, edits, out_len, err, errlen);
    Bytes b = {0};
    size_t copied = 0;
    for (size_t i = 0; i < edits->len; i++) {
        const FixEdit *e = &edits->items[i];
        put(&b, raw + copied, bom + e->start - copied);
        put(&b, e->content, strlen(e->content));
        copied = bom + e->end;
    }
    put(&b, raw + copied, raw_len - copied);
    *out_len = b.len;
    array_push(&b, '\0');
    return b.items;
}

int fix_write_file(const char *path, const char *text, size_t len, char *err, size_t errlen) {
    struct stat st;
    if (stat(path, &st) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    char *tmp = util_xasprintf("%s.logitlint-XXXXXX", path);
    int fd = mkstemp(tmp);
    bool ok = fd >= 0;
    if (ok) {
        FILE *f = fdopen(fd, "wb");
        ok = f && fwrite(text, 1, len, f) == len;
        ok = ok && fchmod(fd, st.st_mode & 07777) == 0;
        if (f) ok = fclose(f) == 0 && ok;
        ok = ok && rename(tmp, path) == 0;
    }
    if (!ok) {
        snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
        if (fd >= 0) unlink(tmp);
    }
    free(tmp);
    return ok ? 0 : -1;
}

char *fix_read_file(const char *path, size_t *len, char *err, size_t errlen) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    Bytes b = {0};
    char chunk[65536];
    for (size_t n; (n = fread(chunk, 1, sizeof chunk, f)) > 0;)
        put(&b, chunk, n);
    fclose(f);
    *len = b.len;
    array_push(&b, '\0');
    return b.items;
}

void fix_edits_free(FixEditList *edits) {
    for (size_t i = 0; i < edits->len; i++)
        free(edits->items[i].content);
    array_free(edits);
}
