/* libFuzzer harness: the code text of a module (project_text.c), the part of an imported
 * module's text a cached importer depends on. For any bytes: it is read within bounds, it is
 * the input with some comment lines emptied (each line otherwise verbatim, none moved) and
 * empty last lines dropped, and computing it again changes nothing. Seeds: Python files. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "project.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The line starting at *p (up to, not including, its \n), *p moved past it; false at the end. */
static bool next_line(const char **p, const char *end, const char **line, size_t *len) {
    if (*p > end) return false;
    const char *nl = memchr(*p, '\n', (size_t)(end - *p));
    *line = *p;
    *len = (size_t)((nl ? nl : end) - *p);
    *p = nl ? nl + 1 : end + 1;
    return true;
}

/* Is out_line in_line itself, or in_line emptied of its comment (a comment line)? */
static bool kept_or_emptied(const char *in, size_t in_len, const char *out, size_t out_len) {
    if (out_len == in_len && !memcmp(in, out, in_len)) return true;
    size_t k = 0;
    while (k < in_len && (in[k] == ' ' || in[k] == '\t' || in[k] == '\f'))
        k++;
    if (k == in_len || in[k] != '#') return false;
    /* what is left is the end of the line from its first \r on */
    return out_len <= in_len - k && !memcmp(out, in + in_len - out_len, out_len) &&
           (!out_len || out[0] == '\r');
}

/* A line of spaces, tabs, form feeds and \r only, or a comment line. */
static bool blank_or_comment(const char *line, size_t len) {
    size_t k = 0;
    while (k < len && strchr(" \t\f\r", line[k]) && line[k])
        k++;
    return k == len || line[k] == '#';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *text = (const char *)data;
    size_t n;
    char *code = project_code_text(text, size, &n);
    if (n > size || code[n] != '\0') abort();
    const char *ip = text, *op = code, *iend = text + size, *oend = code + n, *il, *ol;
    size_t ilen, olen;
    while (next_line(&op, oend, &ol, &olen)) {
        if (!next_line(&ip, iend, &il, &ilen)) abort();
        if (op > oend && !olen) { /* the end of the output: the input's rest was dropped, */
            do                    /* which only empty last lines (\r counts as blank) may be */
                if (!blank_or_comment(il, ilen)) abort();
            while (next_line(&ip, iend, &il, &ilen));
            break;
        }
        if (!kept_or_emptied(il, ilen, ol, olen)) abort();
    }
    size_t again_n;
    char *again = project_code_text(code, n, &again_n);
    if (again_n != n || memcmp(again, code, n)) abort();
    free(again);
    free(code);
    return 0;
}
