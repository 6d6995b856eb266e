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
    Array(int) cell_of = {0};
    Array(int) row_of = {0};
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
            free(buf);
            array_free(&cell_of);
            array_free(&row_of);
            json_decref(nb);
            return SOURCE_ERR_NOTEBOOK;
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
        free(text);
    }
    int last_cell = cell_of.len ? cell_of.items[cell_of.len - 1] : 1;
    int last_row = row_of.len ? row_of.items[row_of.len - 1] : 0;
    json_decref(nb);
    Source py;
    SourceStatus st = source_from_buffer(&py, src->path, buf, len);
    if (st != SOURCE_OK) {
        snprintf(err, errlen, "%s: not a valid notebook: a code cell contains NUL characters",
                 src->path);
        source_free(&py);
        array_free(&cell_of);
        array_free(&row_of);
        return SOURCE_ERR_NOTEBOOK;
    }
    /* The line after the final newline belongs to the last cell. */
    while (cell_of.len < py.nlines) {
        array_push(&cell_of, last_cell);
        array_push(&row_of, ++last_row);
    }
    py.line_cell = cell_of.items;
    py.line_cell_row = row_of.items;
    source_free(src);
    *src = py;
    return SOURCE_OK;
}
