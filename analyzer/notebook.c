#include "notebook.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

bool notebook_is_path(const char *path) {
    size_t n = strlen(path);
    return n > 6 && !strcmp(path + n - 6, ".ipynb");
}

/* Cell magics whose body is Python; any other (%%bash, %%html, %%writefile, ...) is not, and
 * the whole cell is blanked. */
static const char *const PYTHON_CELL_MAGICS[] = {"time", "timeit", "capture",
                                                 "prun", "debug",  NULL};

static void blank(char *p, char *end) {
    for (; p < end; p++)
        if (*p != '\n' && *p != '\r') *p = ' ';
}

/* One line [p, end): `%magic`, `!cmd` or `?obj` at the start of a statement becomes a comment
 * (its first character turns into '#'); `x = !cmd` / `x = %magic` keep the assignment with a
 * 0 in place of the command; `obj?` loses its question marks. Returns whether the line ends
 * in a backslash continuation of a neutralised line. */
static bool neutralise_line(char *p, char *end) {
    char *s = p;
    while (s < end && (*s == ' ' || *s == '\t'))
        s++;
    if (s == end) return false;
    char *last = end;
    while (last > s && (last[-1] == '\r' || last[-1] == ' ' || last[-1] == '\t'))
        last--;
    bool continued = last > s && last[-1] == '\\';
    if (*s == '%' || *s == '!' || *s == '?') {
        *s = '#';
        return continued;
    }
    /* `name = !cmd` or `name = %magic ...`: an assignment from IPython. */
    char *q = s;
    while (q < end &&
           (isalnum((unsigned char)*q) || *q == '_' || *q == '.' || *q == ',' || *q == ' '))
        q++;
    if (q < end && *q == '=' && q + 1 < end && q[1] != '=' && q > s) {
        char *r = q + 1;
        while (r < end && *r == ' ')
            r++;
        if (r < end && (*r == '!' || *r == '%')) {
            *r = '0';
            blank(r + 1, end);
            return continued;
        }
    }
    /* `obj?` / `obj??`: help, only when the line holds nothing else of note. */
    if (last > s && last[-1] == '?' && !memchr(s, '#', (size_t)(last - s)) &&
        !memchr(s, '"', (size_t)(last - s)) && !memchr(s, '\'', (size_t)(last - s))) {
        while (last > s && last[-1] == '?')
            *--last = ' ';
    }
    return false;
}

void notebook_neutralise(char *cell, size_t len) {
    char *end = cell + len, *s = cell;
    while (s < end && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r'))
        s++;
    if (end - s >= 2 && s[0] == '%' && s[1] == '%') {
        char *name = s + 2, *ne = name;
        while (ne < end && (isalnum((unsigned char)*ne) || *ne == '_'))
            ne++;
        bool python = false;
        for (const char *const *m = PYTHON_CELL_MAGICS; *m; m++)
            python |= strlen(*m) == (size_t)(ne - name) && !strncmp(*m, name, (size_t)(ne - name));
        if (!python) {
            blank(cell, end);
            return;
        }
    }
    bool continued = false;
    for (char *line = cell; line < end;) {
        char *nl = memchr(line, '\n', (size_t)(end - line));
        char *le = nl ? nl : end;
        if (continued) { /* the continuation of a neutralised line */
            char *last = le, *first = line;
            while (last > line && (last[-1] == '\r' || last[-1] == ' '))
                last--;
            continued = last > line && last[-1] == '\\';
            while (first < le && (*first == ' ' || *first == '\t'))
                first++;
            if (first < le) *first = '#';
        } else {
            continued = neutralise_line(line, le);
        }
        line = nl ? nl + 1 : end;
    }
}

static char *cell_text(json_t *source, bool *ok) {
    *ok = true;
    if (json_is_string(source)) return util_xstrdup(json_string_value(source));
    if (!json_is_array(source)) {
        *ok = false;
        return NULL;
    }
    size_t total = 0, i;
    json_t *part;
    json_array_foreach(source, i, part) {
        if (!json_is_string(part)) {
            *ok = false;
            return NULL;
        }
        total += json_string_length(part);
    }
    char *buf = util_xmalloc(total + 1), *o = buf;
    json_array_foreach(source, i, part) {
        memcpy(o, json_string_value(part), json_string_length(part));
        o += json_string_length(part);
    }
    *o = '\0';
    return buf;
}

/* ---- where each code line sits in the .ipynb file --------------------------------------- */

/* CI formats (SARIF, GitHub, GitLab, JUnit) point into the .ipynb file itself: a finding there
 * goes to the line of the JSON string that holds its source line. jansson gives no positions,
 * so the (already validated) text is scanned once more for cells[i].source. */
typedef Array(int) IntList;
typedef Array(NotebookSpan) SpanList;
typedef Array(SpanList) SpanLists;

typedef struct JsonScan {
    const char *start, *p, *end;
    int line; /* 1-based line of p */
} JsonScan;

static void scan_space(JsonScan *s) {
    for (; s->p < s->end && strchr(" \t\r\n", *s->p); s->p++)
        s->line += *s->p == '\n';
}

/* Skips a string at s->p; returns its raw text (escapes left in) in [*from, *to). */
static void scan_string(JsonScan *s, const char **from, const char **to) {
    *from = ++s->p;
    while (s->p < s->end && *s->p != '"')
        s->p += *s->p == '\\' ? 2 : 1;
    if (s->p > s->end) s->p = s->end;
    *to = s->p;
    if (s->p < s->end) s->p++;
}

static bool scan_key_is(JsonScan *s, const char *key) {
    const char *from, *to;
    scan_string(s, &from, &to);
    scan_space(s);
    if (s->p < s->end && *s->p == ':') s->p++;
    scan_space(s);
    return (size_t)(to - from) == strlen(key) && !memcmp(from, key, (size_t)(to - from));
}

/* Skips one value; `spans`, when given and the value is an array of strings (or a string), gets
 * each string's line and raw text. */
static void scan_value(JsonScan *s, SpanList *spans) {
    scan_space(s);
    if (s->p >= s->end) return;
    const char *from, *to;
    char open = *s->p;
    if (open == '"') {
        int line = s->line;
        scan_string(s, &from, &to);
        if (spans)
            array_push(spans,
                       ((NotebookSpan){line, (size_t)(from - s->start), (size_t)(to - s->start)}));
    } else if (open == '[' || open == '{') {
        s->p++;
        for (;;) {
            scan_space(s);
            if (s->p >= s->end) return;
            if (*s->p == ']' || *s->p == '}') {
                s->p++;
                return;
            }
            if (*s->p == ',') {
                s->p++;
                continue;
            }
            if (open == '{') scan_key_is(s, "");
            scan_value(s, open == '[' ? spans : NULL);
        }
    } else {
        while (s->p < s->end && !strchr(",]} \t\r\n", *s->p))
            s->p++;
    }
}

/* For each cell (in order), the lines of its "source" elements. */
static void scan_cell_sources(const char *text, size_t len, SpanLists *cells) {
    JsonScan s = {text, text, text + len, 1};
    scan_space(&s);
    if (s.p >= s.end || *s.p++ != '{') return;
    while (scan_space(&s), s.p < s.end && *s.p != '}') {
        if (*s.p == ',') {
            s.p++;
            continue;
        }
        if (*s.p != '"') return;
        if (!scan_key_is(&s, "cells") || *s.p != '[') {
            scan_value(&s, NULL);
            continue;
        }
        s.p++;
        while (scan_space(&s), s.p < s.end && *s.p != ']') {
            if (*s.p == ',') {
                s.p++;
                continue;
            }
            SpanList lines = {0};
            if (*s.p == '{') {
                s.p++;
                while (scan_space(&s), s.p < s.end && *s.p != '}') {
                    if (*s.p == ',') {
                        s.p++;
                    } else if (*s.p != '"') {
                        break;
                    } else if (scan_key_is(&s, "source")) {
                        lines.len = 0;
                        scan_value(&s, &lines);
                    } else {
                        scan_value(&s, NULL);
                    }
                }
                if (s.p < s.end) s.p++;
            } else {
                scan_value(&s, NULL);
            }
            array_push(cells, lines);
        }
        return;
    }
}

/* The .ipynb line of each row of a code cell: the line of the element its first byte is in. */
static void push_file_rows(IntList *out, json_t *source, const SpanList *elem_lines, size_t rows) {
    size_t before = out->len;
    int last = elem_lines->len ? elem_lines->items[0].line : 1;
    if (json_is_array(source)) {
        bool at_start = true;
        size_t k;
        json_t *part;
        json_array_foreach(source, k, part) {
            if (k < elem_lines->len) last = elem_lines->items[k].line;
            const char *t = json_string_value(part);
            for (size_t j = 0, n = json_string_length(part); j < n; j++) {
                if (at_start) array_push(out, last);
                at_start = t[j] == '\n';
            }
        }
    }
    while (out->len - before < rows)
        array_push(out, last);
    out->len = before + rows;
}

SourceStatus notebook_convert(Source *src, char *err, size_t errlen) {
    json_error_t jerr;
    json_t *nb = json_loadb(src->text, src->len, JSON_ALLOW_NUL, &jerr);
    if (!nb) {
        snprintf(err, errlen, "%s:%d:%d: not a valid notebook: invalid JSON: %s", src->path,
                 jerr.line > 0 ? jerr.line : 1, jerr.column > 0 ? jerr.column : 1, jerr.text);
        return SOURCE_ERR_NOTEBOOK;
    }
    json_t *cells = json_object_get(nb, "cells");
    if (!json_is_object(nb) || !json_is_array(cells)) {
        snprintf(err, errlen, "%s: not a valid notebook: no \"cells\" array (nbformat 4 is needed)",
                 src->path);
        json_decref(nb);
        return SOURCE_ERR_NOTEBOOK;
    }
    /* The Python: each code cell's text, newline-terminated, in order. */
    size_t cap = 4096, len = 0;
    char *buf = util_xmalloc(cap);
    IntList cell_of = {0}, row_of = {0}, file_row_of = {0};
    SpanLists source_lines = {0};
    scan_cell_sources(src->text, src->len, &source_lines);
    static const SpanList NO_LINES = {0};
    SourceStatus st = SOURCE_OK;
    size_t index;
    json_t *cell;
    json_array_foreach(cells, index, cell) {
        const char *type = json_string_value(json_object_get(cell, "cell_type"));
        if (!type || strcmp(type, "code")) continue;
        bool ok;
        char *text = cell_text(json_object_get(cell, "source"), &ok);
        if (!ok) {
            snprintf(err, errlen,
                     "%s: not a valid notebook: cell %zu: \"source\" must be a string or a list of "
                     "strings",
                     src->path, index + 1);
            st = SOURCE_ERR_NOTEBOOK;
            break;
        }
        size_t n = strlen(text);
        notebook_neutralise(text, n);
        if (len + n + 2 > cap) buf = util_xrealloc(buf, cap = (len + n + 2) * 2);
        memcpy(buf + len, text, n);
        len += n;
        if (!n || text[n - 1] != '\n') buf[len++] = '\n';
        size_t lines = !n || text[n - 1] != '\n';
        for (size_t k = 0; k < n; k++)
            lines += text[k] == '\n';
        for (size_t r = 1; r <= lines; r++) {
            array_push(&cell_of, (int)index + 1);
            array_push(&row_of, (int)r);
        }
        push_file_rows(&file_row_of, json_object_get(cell, "source"),
                       index < source_lines.len ? &source_lines.items[index] : &NO_LINES, lines);
        free(text);
    }
    for (size_t i = 0; i < source_lines.len; i++)
        array_free(&source_lines.items[i]);
    array_free(&source_lines);
    json_decref(nb);
    Source py = {0};
    if (st == SOURCE_OK && source_from_buffer(&py, src->path, buf, len) != SOURCE_OK) {
        snprintf(err, errlen, "%s: not a valid notebook: a code cell contains NUL characters",
                 src->path);
        st = SOURCE_ERR_NOTEBOOK;
        source_free(&py);
    } else if (st != SOURCE_OK) {
        free(buf);
    }
    if (st != SOURCE_OK) {
        array_free(&cell_of);
        array_free(&row_of);
        array_free(&file_row_of);
        return st;
    }
    /* The line after the final newline belongs to the last cell. */
    int last_cell = cell_of.len ? cell_of.items[cell_of.len - 1] : 1;
    int last_row = row_of.len ? row_of.items[row_of.len - 1] : 0;
    int last_file_row = file_row_of.len ? file_row_of.items[file_row_of.len - 1] : 1;
    while (cell_of.len < py.nlines) {
        array_push(&cell_of, last_cell);
        array_push(&row_of, ++last_row);
        array_push(&file_row_of, last_file_row);
    }
    py.line_cell = cell_of.items;
    py.line_cell_row = row_of.items;
    py.line_file_row = file_row_of.items;
    source_free(src);
    *src = py;
    return SOURCE_OK;
}

void notebook_source_spans(const char *json, size_t len, int cell, NotebookSpans *out) {
    memset(out, 0, sizeof *out);
    SpanLists cells = {0};
    scan_cell_sources(json, len, &cells);
    for (size_t i = 0; i < cells.len; i++) {
        if ((int)i + 1 == cell)
            *out = (NotebookSpans){cells.items[i].items, cells.items[i].len, cells.items[i].cap};
        else
            array_free(&cells.items[i]);
    }
    array_free(&cells);
}
