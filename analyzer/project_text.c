/* project_text: the hash by which a cached analysis depends on a module it imported (project.h).
 *
 * It covers the module's text but for its comment lines: a line holding only a comment (and
 * indentation), outside brackets, strings and continued lines, becomes an empty line, and the
 * empty lines at the end are dropped. Such a comment lies between statements, never inside an
 * expression, a decorator or a line of code whose text the analysis reads; every other byte,
 * and every line's number and every column, stay as they are, so what an importer's analysis
 * computes from the module (facts, rows and columns cited, texts compared) is the same under
 * two texts of one hash. Comments inside brackets or after code are kept: a node's text may
 * span them. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "project.h"

/* One open string, or the code of an f-string's replacement field inside one. */
typedef struct Frame {
    bool string;
    char quote;  /* string: ' or " */
    bool triple; /* string: """ or ''' */
    bool fmt;    /* string: an f- or t-string; its { opens a field */
    bool spec;   /* string: a field's format spec (ends at its field's }) */
    int depth;   /* code: open brackets */
} Frame;

enum { MAX_NEST = 64 }; /* deeper f-string nesting is kept verbatim from there on */

typedef struct Lexer {
    const char *p, *end;
    Frame stack[MAX_NEST];
    int top;
    bool lost; /* nesting too deep: nothing more is dropped */
} Lexer;

static bool is_ident(unsigned char c) {
    return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c >= 0x80;
}

static void push(Lexer *lx, Frame f) {
    if (lx->top + 1 == MAX_NEST) {
        lx->lost = true;
        return;
    }
    lx->stack[++lx->top] = f;
}

/* A string prefix (r, b, u, f, t, two of them at most, any case) of n bytes at s. */
static bool string_prefix(const char *s, size_t n, bool *fmt) {
    if (n > 2) return false;
    *fmt = false;
    for (size_t i = 0; i < n; i++) {
        char c = (char)(s[i] | 0x20);
        if (!strchr("rbuft", c)) return false;
        if (c == 'f' || c == 't') *fmt = true;
    }
    return true;
}

/* Opens a string at lx->p (its quote). */
static void open_string(Lexer *lx, bool fmt) {
    char q = *lx->p;
    bool triple = lx->end - lx->p >= 3 && lx->p[1] == q && lx->p[2] == q;
    lx->p += triple ? 3 : 1;
    push(lx, (Frame){true, q, triple, fmt, false, 0});
}

/* One step inside a string. */
static void string_step(Lexer *lx, const Frame *f) {
    char c = *lx->p;
    bool eol = c == '\n' || c == '\r'; /* (universal newlines) */
    if (f->spec && (c == '}' || c == f->quote || (eol && !f->triple))) {
        lx->top -= 2; /* the spec and its field end: at }, or (unclosed) with the string */
        if (c == '}') lx->p++;
    } else if (c == '\\' && lx->end - lx->p >= 2) { /* an escaped byte (in raw strings too) */
        lx->p += lx->p[1] == '\r' && lx->end - lx->p >= 3 && lx->p[2] == '\n' ? 3 : 2;
    } else if (c == f->quote &&
               (!f->triple || (lx->end - lx->p >= 3 && lx->p[1] == c && lx->p[2] == c))) {
        lx->p += f->triple ? 3 : 1;
        lx->top--;
    } else if (eol && !f->triple) { /* an unterminated string ends with its line */
        lx->p++;
        lx->top--;
    } else if (f->fmt && !f->spec && c == '{' && lx->end - lx->p >= 2 && lx->p[1] == '{') {
        lx->p += 2;
    } else if (f->fmt && c == '{') { /* a replacement field: code until its } */
        lx->p++;
        push(lx, (Frame){false, 0, false, false, false, 0});
    } else {
        lx->p++;
    }
}

/* One step of code: a token that matters here (bracket, string, comment) or one byte. */
static void code_step(Lexer *lx, Frame *f) {
    unsigned char c = (unsigned char)*lx->p;
    bool field = lx->top > 0; /* the code of an f-string's field */
    if (c == '#') {
        while (lx->p < lx->end && *lx->p != '\n' && *lx->p != '\r')
            lx->p++;
    } else if (c == '"' || c == '\'') {
        open_string(lx, false);
    } else if (is_ident(c)) {
        const char *s = lx->p;
        while (lx->p < lx->end && is_ident((unsigned char)*lx->p))
            lx->p++;
        bool fmt;
        if (lx->p < lx->end && (*lx->p == '"' || *lx->p == '\'') &&
            string_prefix(s, (size_t)(lx->p - s), &fmt))
            open_string(lx, fmt);
    } else if (strchr("([{", c)) {
        f->depth++, lx->p++;
    } else if (field && f->depth == 0 && c == '}') {
        lx->top--, lx->p++;
    } else if (field && f->depth == 0 && c == ':') { /* the format spec: text with fields */
        lx->p++;
        push(lx, (Frame){true, lx->stack[lx->top - 1].quote, lx->stack[lx->top - 1].triple, true,
                         true, 0});
    } else if (strchr(")]}", c)) {
        if (f->depth) f->depth--;
        lx->p++;
    } else {
        lx->p++;
    }
}

/* Is the lexer at the start of a line of the top level's code, outside brackets? */
static bool at_statement_line(const Lexer *lx, bool continued) {
    return !lx->lost && lx->top == 0 && lx->stack[0].depth == 0 && !continued;
}

char *project_code_text(const char *text, size_t len, size_t *out_len) {
    char *out = util_xmalloc(len + 1);
    size_t n = 0;
    Lexer lx = {text, text + len, {{0}}, 0, false};
    while (lx.p < lx.end) {
        /* the start of a physical line; continued: the line kept before it ends with \ (read
         * from what is kept, so that a second pass sees what the first did) */
        bool continued =
            n >= 2 && (out[n - 2] == '\\' || (n >= 3 && out[n - 2] == '\r' && out[n - 3] == '\\'));
        const char *line = lx.p;
        if (at_statement_line(&lx, continued)) {
            const char *q = lx.p;
            while (q < lx.end && (*q == ' ' || *q == '\t' || *q == '\f'))
                q++;
            if (q < lx.end && *q == '#') { /* a comment line: dropped, its end kept */
                while (q < lx.end && *q != '\n' && *q != '\r')
                    q++;
                lx.p = line = q;
            }
        }
        /* the rest of the line, verbatim */
        while (lx.p < lx.end) {
            Frame *f = &lx.stack[lx.top];
            if (lx.lost)
                lx.p++;
            else if (f->string)
                string_step(&lx, f);
            else
                code_step(&lx, f);
            if (lx.p[-1] == '\n') break;
        }
        memcpy(out + n, line, (size_t)(lx.p - line));
        n += (size_t)(lx.p - line);
    }
    for (;;) { /* the empty lines at the end (ending \n or \r\n) */
        size_t k = n && out[n - 1] == '\n' ? n - 1 : n;
        if (k == n) break;
        if (k && out[k - 1] == '\r') k--;
        if (k && out[k - 1] != '\n') break;
        n = k;
    }
    out[n] = '\0';
    *out_len = n;
    return out;
}

Hash128 project_text_hash(const uint8_t key[16], const char *text, size_t len) {
    size_t n;
    char *code = project_code_text(text, len, &n);
    HashState h;
    hash_init(&h, key, 1);
    hash_update(&h, code, n);
    free(code);
    return hash_final(&h);
}
