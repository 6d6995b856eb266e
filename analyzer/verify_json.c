/* verify_json: a small pull reader for table files. jansson builds a node per
 * value, and a 50,000-token, 64-step table holds 3.2 million logits: building
 * and freeing those nodes takes most of a second. This reader checks the
 * document's syntax once, then lets the table loader pull values straight into
 * its own arrays. Output JSON still goes through jansson. */
#include "verify.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* Deeper nesting than any table needs; bounds the recursion on hostile input. */
#define JSON_MAX_DEPTH 256

void verify_json_init(VerifyJson *j, const char *s, size_t n, const char *label, VerifyError *err) {
    j->s = s;
    j->n = n;
    j->pos = 0;
    j->label = label;
    j->err = err;
}

static void jr_ws(VerifyJson *j) {
    while (j->pos < j->n) {
        char c = j->s[j->pos];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
        j->pos++;
    }
}

/* A syntax error: "file:3:17: not valid JSON: ..." (1-based line and column). */
static VerifyStatus jr_fail(VerifyJson *j, const char *fmt, ...) {
    if (j->err) {
        int line = 1, col = 1;
        for (size_t i = 0; i < j->pos && i < j->n; i++) {
            if (j->s[i] == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        char what[256];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(what, sizeof what, fmt, ap);
        va_end(ap);
        snprintf(j->err->msg, sizeof j->err->msg, "%s:%d:%d: not valid JSON: %s", j->label, line,
                 col, what);
    }
    return VERIFY_EINPUT;
}

char verify_json_peek(VerifyJson *j) {
    jr_ws(j);
    return j->pos < j->n ? j->s[j->pos] : 0;
}

bool verify_json_eat(VerifyJson *j, char c) {
    if (verify_json_peek(j) != c) return false;
    j->pos++;
    return true;
}

const char *verify_json_kind(VerifyJson *j) {
    switch (verify_json_peek(j)) {
    case '{':
        return "an object";
    case '[':
        return "an array";
    case '"':
        return "a string";
    case 't':
    case 'f':
        return "a boolean";
    case 'n':
        return "null";
    case 0:
        return "nothing";
    default:
        return "a number";
    }
}

static int jr_hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static bool jr_u4(VerifyJson *j, unsigned *out) {
    if (j->pos + 4 > j->n) return false;
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        int h = jr_hex(j->s[j->pos + (size_t)i]);
        if (h < 0) return false;
        v = v * 16 + (unsigned)h;
    }
    j->pos += 4;
    *out = v;
    return true;
}

/* Length of the valid UTF-8 sequence at p (0 if invalid): jansson, which
 * writes our JSON output, rejects invalid UTF-8, so token names must be valid. */
static size_t jr_utf8_len(const unsigned char *p, size_t avail) {
    unsigned c = p[0];
    size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || n > avail) return 0;
    for (size_t i = 1; i < n; i++)
        if ((p[i] & 0xC0) != 0x80) return 0;
    if (n == 2 && c < 0xC2) return 0;
    if (n == 3 && c == 0xE0 && p[1] < 0xA0) return 0;
    if (n == 3 && c == 0xED && p[1] >= 0xA0) return 0;
    if (n == 4 && (c > 0xF4 || (c == 0xF0 && p[1] < 0x90) || (c == 0xF4 && p[1] >= 0x90))) return 0;
    return n;
}

static bool jr_put(char **buf, size_t *cap, size_t *len, const char *src, size_t n) {
    if (!buf) return true;
    if (*len + n + 1 > *cap) {
        size_t c = *cap ? *cap : 32;
        while (*len + n + 1 > c)
            c *= 2;
        char *b = realloc(*buf, c);
        if (!b) return false;
        *buf = b;
        *cap = c;
    }
    memcpy(*buf + *len, src, n);
    *len += n;
    (*buf)[*len] = 0;
    return true;
}

/* Reads a string, unescaped, into *buf (grown as needed, NUL-terminated);
 * buf NULL only checks it. */
static VerifyStatus jr_string(VerifyJson *j, char **buf, size_t *cap, size_t *len) {
    if (len) *len = 0;
    if (buf && !jr_put(buf, cap, len, "", 0)) return VERIFY_ENOMEM;
    if (!verify_json_eat(j, '"')) return jr_fail(j, "expected a string");
    for (;;) {
        size_t start = j->pos;
        while (j->pos < j->n && j->s[j->pos] != '"' && j->s[j->pos] != '\\' &&
               (unsigned char)j->s[j->pos] >= 0x20) {
            size_t k = jr_utf8_len((const unsigned char *)j->s + j->pos, j->n - j->pos);
            if (!k) return jr_fail(j, "invalid UTF-8 in string");
            j->pos += k;
        }
        if (!jr_put(buf, cap, len, j->s + start, j->pos - start)) return VERIFY_ENOMEM;
        if (j->pos >= j->n) return jr_fail(j, "unterminated string");
        char c = j->s[j->pos];
        if (c == '"') {
            j->pos++;
            return VERIFY_OK;
        }
        if (c != '\\') return jr_fail(j, "control character in string");
        j->pos++;
        if (j->pos >= j->n) return jr_fail(j, "unterminated string");
        c = j->s[j->pos++];
        const char *simple = strchr("\"\\/bfnrt", c);
        if (simple && c) {
            static const char out[] = "\"\\/\b\f\n\r\t";
            if (!jr_put(buf, cap, len, &out[simple - "\"\\/bfnrt"], 1)) return VERIFY_ENOMEM;
            continue;
        }
        if (c != 'u') return jr_fail(j, "invalid escape '\\%c' in string", c);
        unsigned u;
        if (!jr_u4(j, &u)) return jr_fail(j, "invalid \\u escape in string");
        if (u >= 0xD800 && u < 0xDC00) {
            unsigned lo;
            if (j->pos + 2 > j->n || j->s[j->pos] != '\\' || j->s[j->pos + 1] != 'u')
                return jr_fail(j, "unpaired surrogate in \\u escape");
            j->pos += 2;
            if (!jr_u4(j, &lo) || lo < 0xDC00 || lo > 0xDFFF)
                return jr_fail(j, "unpaired surrogate in \\u escape");
            u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
        } else if (u >= 0xDC00 && u < 0xE000) {
            return jr_fail(j, "unpaired surrogate in \\u escape");
        }
        if (u == 0) return jr_fail(j, "\\u0000 in a string is not supported");
        char e[4];
        size_t n;
        if (u < 0x80) {
            e[0] = (char)u;
            n = 1;
        } else if (u < 0x800) {
            e[0] = (char)(0xC0 | (u >> 6));
            e[1] = (char)(0x80 | (u & 0x3F));
            n = 2;
        } else if (u < 0x10000) {
            e[0] = (char)(0xE0 | (u >> 12));
            e[1] = (char)(0x80 | ((u >> 6) & 0x3F));
            e[2] = (char)(0x80 | (u & 0x3F));
            n = 3;
        } else {
            e[0] = (char)(0xF0 | (u >> 18));
            e[1] = (char)(0x80 | ((u >> 12) & 0x3F));
            e[2] = (char)(0x80 | ((u >> 6) & 0x3F));
            e[3] = (char)(0x80 | (u & 0x3F));
            n = 4;
        }
        if (!jr_put(buf, cap, len, e, n)) return VERIFY_ENOMEM;
    }
}

VerifyStatus verify_json_string(VerifyJson *j, char **buf, size_t *cap, size_t *len) {
    return jr_string(j, buf, cap, len);
}

/* The JSON number grammar, scanned once. While scanning, the digits are
 * accumulated for Clinger's fast path: a decimal with at most 15 significant
 * digits and a power of ten up to 1e22 is m * 10^e or m / 10^-e with m and
 * 10^|e| exact doubles, so one correctly rounded operation gives the same
 * double as strtod. Typical logits ("-3.25", "12") take it, which makes a
 * 3.2-million-logit table parse several times faster; the rest go to strtod
 * (strtod alone would also take "inf", "nan", hex and a leading '+'). */
VerifyStatus verify_json_number(VerifyJson *j, double *out) {
    static const double pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                   1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                   1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    jr_ws(j);
    size_t p = j->pos, n = j->n;
    const char *s = j->s;
    bool neg = false, fast = true;
    uint64_t m = 0;
    int digits = 0, scale = 0;
    if (p < n && s[p] == '-') {
        neg = true;
        p++;
    }
    if (p < n && s[p] == '0') {
        p++;
    } else if (p < n && s[p] >= '1' && s[p] <= '9') {
        for (; p < n && s[p] >= '0' && s[p] <= '9'; p++) {
            m = m * 10 + (uint64_t)(s[p] - '0');
            fast &= ++digits <= 15;
        }
    } else {
        return jr_fail(j, "invalid value");
    }
    if (p < n && s[p] == '.') {
        p++;
        if (!(p < n && s[p] >= '0' && s[p] <= '9')) return jr_fail(j, "invalid number");
        for (; p < n && s[p] >= '0' && s[p] <= '9'; p++) {
            m = m * 10 + (uint64_t)(s[p] - '0');
            if (m) fast &= ++digits <= 15; /* leading zeros are not significant */
            scale--;
        }
    }
    if (p < n && (s[p] == 'e' || s[p] == 'E')) {
        fast = false;
        p++;
        if (p < n && (s[p] == '+' || s[p] == '-')) p++;
        if (!(p < n && s[p] >= '0' && s[p] <= '9')) return jr_fail(j, "invalid number");
        while (p < n && s[p] >= '0' && s[p] <= '9')
            p++;
    }
    if (out && fast && scale >= -22) {
        double v = scale < 0 ? (double)m / pow10[-scale] : (double)m;
        *out = neg ? -v : v;
    } else if (out) {
        char small[64], *tmp = small;
        size_t len = p - j->pos;
        if (len >= sizeof small && !(tmp = malloc(len + 1))) return VERIFY_ENOMEM;
        memcpy(tmp, s + j->pos, len);
        tmp[len] = 0;
        /* strtod follows LC_NUMERIC; JSON's decimal point is always '.'. */
        char dp = localeconv()->decimal_point[0];
        if (dp && dp != '.')
            for (char *q = tmp; *q; q++)
                if (*q == '.') *q = dp;
        errno = 0;
        double v = strtod(tmp, NULL);
        bool range = errno == ERANGE && isinf(v);
        if (tmp != small) free(tmp);
        if (range) return jr_fail(j, "number out of range");
        *out = v;
    }
    j->pos = p;
    return VERIFY_OK;
}

static VerifyStatus jr_value(VerifyJson *j, int depth) {
    if (depth > JSON_MAX_DEPTH) return jr_fail(j, "nested too deeply");
    char c = verify_json_peek(j);
    VerifyStatus st;
    switch (c) {
    case '{':
        j->pos++;
        if (verify_json_eat(j, '}')) return VERIFY_OK;
        for (;;) {
            if (verify_json_peek(j) != '"') return jr_fail(j, "expected a string key");
            if ((st = jr_string(j, NULL, NULL, NULL)) != VERIFY_OK) return st;
            if (!verify_json_eat(j, ':')) return jr_fail(j, "expected ':' after key");
            if ((st = jr_value(j, depth + 1)) != VERIFY_OK) return st;
            if (verify_json_eat(j, ',')) continue;
            if (verify_json_eat(j, '}')) return VERIFY_OK;
            return jr_fail(j, "expected ',' or '}' in object");
        }
    case '[':
        j->pos++;
        if (verify_json_eat(j, ']')) return VERIFY_OK;
        for (;;) {
            if ((st = jr_value(j, depth + 1)) != VERIFY_OK) return st;
            if (verify_json_eat(j, ',')) continue;
            if (verify_json_eat(j, ']')) return VERIFY_OK;
            return jr_fail(j, "expected ',' or ']' in array");
        }
    case '"':
        return jr_string(j, NULL, NULL, NULL);
    case 't':
    case 'f':
    case 'n': {
        const char *lit = c == 't' ? "true" : c == 'f' ? "false" : "null";
        size_t k = strlen(lit);
        if (j->n - j->pos < k || memcmp(j->s + j->pos, lit, k) != 0)
            return jr_fail(j, "invalid value");
        j->pos += k;
        return VERIFY_OK;
    }
    case 0:
        return jr_fail(j, "unexpected end of input");
    default: {
        /* Python's json.dump writes NaN / Infinity / -Infinity as bare words,
         * which are not JSON: say what to write instead. */
        const char *w = j->s + j->pos;
        size_t left = j->n - j->pos;
        if ((left >= 3 && memcmp(w, "NaN", 3) == 0) ||
            (left >= 8 && memcmp(w, "Infinity", 8) == 0) ||
            (left >= 9 && memcmp(w, "-Infinity", 9) == 0))
            return jr_fail(j, "NaN and Infinity are not JSON (write a masked logit as the "
                              "string \"-inf\"; NaN and +inf are not allowed)");
        return verify_json_number(j, NULL);
    }
    }
}

VerifyStatus verify_json_skip(VerifyJson *j) {
    return jr_value(j, 0);
}

VerifyStatus verify_json_check(VerifyJson *j) {
    size_t save = j->pos;
    VerifyStatus st = jr_value(j, 0);
    if (st == VERIFY_OK && verify_json_peek(j) != 0) st = jr_fail(j, "extra data after the value");
    if (st == VERIFY_OK) j->pos = save;
    return st;
}
