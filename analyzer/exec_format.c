/* exec_format: Python's string formatting, one replacement field at a time: f-string fields
 * ({expr}, {expr:.3f}) and str.format() ("{}", "{0}", "{name:.2f}"). A parameter bound by use
 * that a field formats is text (the prompt, then the candidate), as it is when concatenated:
 * the toy tokenizer must see the formatted text, not a placeholder. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"

bool exec_format_value(ExecRun *r, ExecBuf *b, ExecValue *v, const char *spec, int len) {
    if (v->kind == XV_PENDING && !(v = exec_stand_resolve(r, v, "str", NULL))) return false;
    if (v->kind == XV_TENSOR && v->t->n == 1 && len > 0 && !(v = exec_tensor_item(r, v->t)))
        return false;
    if (len > 0 && exec_is_number(v)) {
        char fmt[32], out[64];
        if (len < 20 && strchr("fegdFEG%", spec[len - 1])) {
            bool pct = spec[len - 1] == '%';
            snprintf(fmt, sizeof fmt, "%%%.*s%s", len - 1, spec,
                     pct ? "f" : (char[2]){spec[len - 1], 0});
            if (spec[len - 1] == 'd')
                snprintf(out, sizeof out, fmt, (int)exec_number(v));
            else
                snprintf(out, sizeof out, fmt, exec_number(v) * (pct ? 100 : 1));
            return exec_buf_add(r, b, out, (int)strlen(out)) &&
                   (!pct || exec_buf_add(r, b, "%", 1));
        }
    }
    ExecValue *s = exec_to_str(r, v);
    return s && exec_buf_add(r, b, s->str.s, s->str.n);
}

/* The argument a str.format() field names: "" the next positional one, digits a positional
 * one, else a keyword; NULL (run failed) when there is none. */
static ExecValue *field_arg(ExecRun *r, ExecArgs *a, const char *name, int n, int *next) {
    if (n == 0) {
        if (*next >= a->npos) return exec_fail_at(r, a->at, "str.format(): too few arguments");
        return a->pos[(*next)++];
    }
    if (name[0] >= '0' && name[0] <= '9') {
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (name[i] < '0' || name[i] > '9' || k > 1000)
                return exec_fail_at(r, a->at, "str.format() field %.*s", n, name);
            k = k * 10 + (name[i] - '0');
        }
        if (k >= a->npos) return exec_fail_at(r, a->at, "str.format(): no argument %d", k);
        return a->pos[k];
    }
    for (int k = 0; k < a->nkw; k++)
        if ((int)strlen(a->kw[k]) == n && !memcmp(a->kw[k], name, (size_t)n)) {
            a->used |= k < 32 ? 1u << k : 0;
            return a->kwv[k];
        }
    return exec_fail_as(r, XF_KEY, a->at, "str.format(): no argument %.*s", n, name);
}

ExecValue *exec_str_format(ExecRun *r, ExecValue *s, ExecArgs *a) {
    ExecBuf b = {0};
    const char *p = s->str.s;
    int n = s->str.n, next = 0;
    for (int i = 0; i < n; i++) {
        if ((p[i] == '{' || p[i] == '}') && i + 1 < n && p[i + 1] == p[i]) { /* {{ and }} */
            if (!exec_buf_add(r, &b, p + i++, 1)) return NULL;
            continue;
        }
        if (p[i] == '}') return exec_fail_at(r, a->at, "str.format(): a single }");
        if (p[i] != '{') {
            if (!exec_buf_add(r, &b, p + i, 1)) return NULL;
            continue;
        }
        int end = i + 1;
        while (end < n && p[end] != '}' && p[end] != '{')
            end++;
        if (end >= n || p[end] != '}')
            return exec_fail_at(r, a->at, "str.format(): a nested or open field");
        /* {name!conv:spec}: attribute and item access inside the field are not taken */
        int name_end = i + 1;
        while (name_end < end && p[name_end] != '!' && p[name_end] != ':')
            name_end++;
        if (memchr(p + i + 1, '.', (size_t)(name_end - i - 1)) ||
            memchr(p + i + 1, '[', (size_t)(name_end - i - 1)))
            return exec_fail_as(r, XF_GAP, a->at, "str.format() field %.*s", end - i - 1,
                                p + i + 1);
        ExecValue *v = field_arg(r, a, p + i + 1, name_end - i - 1, &next);
        const char *colon = memchr(p + name_end, ':', (size_t)(end - name_end));
        if (!v || !exec_format_value(r, &b, v, colon ? colon + 1 : "",
                                     colon ? (int)(p + end - colon - 1) : 0))
            return NULL;
        i = end;
    }
    return exec_str(r, b.s ? b.s : "", b.n);
}

/* One %-conversion of v: spec is the flags, width and precision between % and the conversion
 * character c. */
static bool percent_one(ExecRun *r, ExecBuf *b, ExecValue *v, const char *spec, int len, char c, TSNode at) {
    if (v->kind == XV_PENDING && !(v = exec_stand_resolve(r, v, c == 's' ? "str" : "float", NULL))) return false;
    if (v->kind == XV_TENSOR && v->t->n == 1 && c != 's' && !(v = exec_tensor_item(r, v->t))) return false;
    char fmt[40], out[128];
    if (c == 's' || c == 'r') {
        if (c == 'r' && !exec_is_number(v) && v->kind != XV_NONE)
            return exec_fail_as(r, XF_GAP, at, "%%r of a %s", exec_kind_name(v)) != NULL;
        ExecBuf t = {0};
        if (!exec_format_value(r, &t, v, "", 0)) return false;
        int width = 0;
        bool left = memchr(spec, '-', (size_t)len) != NULL;
        for (int i = 0; i < len && spec[i] != '.'; i++)
            if (spec[i] >= '0' && spec[i] <= '9' && width < 1000) width = width * 10 + (spec[i] - '0');
        const char *dot = memchr(spec, '.', (size_t)len);
        int n = t.n, prec = dot ? atoi(dot + 1) : -1;
        if (prec >= 0 && prec < n) n = prec; /* %.3s: the first three characters */
        for (int i = n; !left && i < width; i++)
            if (!exec_buf_add(r, b, " ", 1)) return false;
        if (n && !exec_buf_add(r, b, t.s, n)) return false;
        for (int i = n; left && i < width; i++)
            if (!exec_buf_add(r, b, " ", 1)) return false;
        return true;
    }
    if (!exec_is_number(v)) return exec_fail_at(r, at, "%%%c of a %s", c, exec_kind_name(v)) != NULL;
    if (strchr("dixXo", c)) {
        double x = exec_number(v);
        int64_t k;
        if (!exec_double_to_int(x < 0 ? ceil(x) : floor(x), &k)) return exec_fail_at(r, at, "%%%c of %g", c, x) != NULL;
        snprintf(fmt, sizeof fmt, "%%%.*sll%c", len, spec, c == 'i' ? 'd' : c);
        snprintf(out, sizeof out, fmt, (long long)k);
    } else {
        snprintf(fmt, sizeof fmt, "%%%.*s%c", len, spec, c);
        snprintf(out, sizeof out, fmt, exec_number(v));
    }
    return exec_buf_add(r, b, out, (int)strlen(out));
}

ExecValue *exec_str_percent(ExecRun *r, ExecValue *s, ExecValue *args, TSNode at) {
    ExecBuf b = {0};
    const char *p = s->str.s;
    int n = s->str.n, next = 0;
    bool tuple = args->kind == XV_TUPLE, named = false;
    int nargs = tuple ? args->seq.n : 1;
    for (int i = 0; i < n; i++) {
        if (p[i] != '%') {
            if (!exec_buf_add(r, &b, p + i, 1)) return NULL;
            continue;
        }
        int j = i + 1;
        ExecValue *v = NULL;
        if (j < n && p[j] == '(') { /* %(name)s from a dict */
            const char *close = memchr(p + j, ')', (size_t)(n - j));
            if (!close || args->kind != XV_DICT) return exec_fail_at(r, at, "%%-formatting: a named field without a dict");
            ExecValue *key = exec_str(r, p + j + 1, (int)(close - p - j - 1));
            if (!key) return NULL;
            if (!(v = exec_dict_get(&args->dict, key)))
                return exec_fail_as(r, XF_KEY, at, "%%-formatting: no key %.*s", key->str.n, key->str.s);
            named = true;
            j = (int)(close - p) + 1;
        }
        int spec = j;
        while (j < n && strchr("-+ #0", p[j]))
            j++;
        while (j < n && ((p[j] >= '0' && p[j] <= '9') || p[j] == '.'))
            j++;
        if (j - spec > 12) return exec_fail_at(r, at, "%%-formatting: a width too long");
        if (j < n && p[j] == '*') return exec_fail_as(r, XF_GAP, at, "%%-formatting with a * width");
        if (j >= n) return exec_fail_at(r, at, "%%-formatting: incomplete format");
        char c = p[j];
        if (c == '%' && j == i + 1) {
            if (!exec_buf_add(r, &b, "%", 1)) return NULL;
            i = j;
            continue;
        }
        if (!strchr("sridxXoeEfFgG", c)) return exec_fail_at(r, at, "%%-formatting: unsupported format character %c", c);
        if (!v) {
            if (next >= nargs) return exec_fail_at(r, at, "not enough arguments for format string");
            v = tuple ? args->seq.items[next] : args;
            next++;
        }
        if (!percent_one(r, &b, v, p + spec, j - spec, c, at)) return NULL;
        i = j;
    }
    if (!named && next < nargs && args->kind != XV_DICT)
        return exec_fail_at(r, at, "not all arguments converted during string formatting");
    return exec_str(r, b.s ? b.s : "", b.n);
}

/* ---- json.dumps ---- */

static bool json_str(ExecRun *r, ExecBuf *b, const char *s, int n, TSNode at) {
    if (!exec_buf_add(r, b, "\"", 1)) return false;
    for (int i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[8];
        if (c >= 0x80) return exec_fail_as(r, XF_GAP, at, "json.dumps of a text beyond ASCII") != NULL;
        const char *named = c == '"' ? "\\\"" : c == '\\' ? "\\\\" : c == '\n' ? "\\n" : c == '\r' ? "\\r"
                          : c == '\t' ? "\\t" : c == '\b' ? "\\b" : c == '\f' ? "\\f" : NULL;
        if (!named && c < 0x20) snprintf(esc, sizeof esc, "\\u%04x", c), named = esc;
        if (!exec_buf_add(r, b, named ? named : (const char *)&s[i], named ? (int)strlen(named) : 1)) return false;
    }
    return exec_buf_add(r, b, "\"", 1);
}

static bool json_newline(ExecRun *r, ExecBuf *b, int indent, int level) {
    if (indent < 0) return true;
    if (!exec_buf_add(r, b, "\n", 1)) return false;
    for (int i = 0; i < indent * level; i++)
        if (!exec_buf_add(r, b, " ", 1)) return false;
    return true;
}

/* v as Python's json.dumps writes it: separators ", " and ": " (","  with an indent), floats
 * by repr (NaN, Infinity), keys that are numbers, bools or None as their JSON text. */
static bool json_value(ExecRun *r, ExecBuf *b, ExecValue *v, int indent, int level, TSNode at) {
    if (level > 32) return exec_fail_at(r, at, "json.dumps nested deeper than 32") != NULL;
    if (!exec_step(r)) return false;
    if (v->kind == XV_PENDING && !(v = exec_stand_resolve(r, v, "str", NULL))) return false; /* text, as in an f-string */
    switch (v->kind) {
    case XV_NONE:
        return exec_buf_add(r, b, "null", 4);
    case XV_BOOL:
        return exec_buf_add(r, b, v->b ? "true" : "false", v->b ? 4 : 5);
    case XV_INT:
    case XV_FLOAT: {
        if (v->kind == XV_FLOAT && (v->f != v->f || v->f - v->f != 0))
            return exec_buf_add(r, b, v->f != v->f ? "NaN" : v->f > 0 ? "Infinity" : "-Infinity", v->f != v->f ? 3 : v->f > 0 ? 8 : 9);
        ExecValue *s = exec_to_str(r, v);
        return s && exec_buf_add(r, b, s->str.s, s->str.n);
    }
    case XV_STR:
        return json_str(r, b, v->str.s, v->str.n, at);
    case XV_LIST:
    case XV_TUPLE:
    case XV_DICT: {
        bool dict = v->kind == XV_DICT;
        int n = dict ? v->dict.n : v->seq.n;
        if (!exec_buf_add(r, b, dict ? "{" : "[", 1)) return false;
        for (int i = 0; i < n; i++) {
            if ((i && !exec_buf_add(r, b, indent < 0 ? ", " : ",", indent < 0 ? 2 : 1)) || !json_newline(r, b, indent, level + 1))
                return false;
            if (dict) {
                ExecValue *k = v->dict.keys[i];
                if (k->kind != XV_STR && k->kind != XV_NONE && !exec_is_number(k))
                    return exec_fail_at(r, at, "json.dumps: keys must be str, int, float, bool or None, not %s", exec_kind_name(k)) != NULL;
                ExecBuf kb = {0};
                if (k->kind != XV_STR && !json_value(r, &kb, k, -1, level + 1, at)) return false;
                if (!json_str(r, b, k->kind == XV_STR ? k->str.s : kb.s, k->kind == XV_STR ? k->str.n : kb.n, at) ||
                    !exec_buf_add(r, b, ": ", 2))
                    return false;
            }
            if (!json_value(r, b, dict ? v->dict.vals[i] : v->seq.items[i], indent, level + 1, at)) return false;
        }
        if (n && !json_newline(r, b, indent, level)) return false;
        return exec_buf_add(r, b, dict ? "}" : "]", 1);
    }
    default:
        return exec_fail_at(r, at, "json.dumps: a %s is not JSON serializable", exec_kind_name(v)) != NULL;
    }
}

ExecValue *exec_json_dumps(ExecRun *r, ExecArgs *a) {
    ExecValue *v = exec_arg(a, 0, "obj"), *ind = exec_arg(a, -1, "indent");
    int64_t indent = -1;
    if (!v) return exec_fail_at(r, a->at, "json.dumps() of nothing");
    if (ind && ind->kind != XV_NONE && (!exec_as_int(ind, &indent) || indent < 0 || indent > 16))
        return exec_fail_as(r, XF_GAP, a->at, "json.dumps indent other than a small int");
    ExecBuf b = {0};
    if (!json_value(r, &b, v, (int)indent, 0, a->at)) return NULL;
    return exec_str(r, b.s ? b.s : "", b.n);
}

/* ---- chat templates ---- */

ExecValue *exec_chat_template(ExecRun *r, ExecValue *tok, ExecArgs *a) {
    ExecValue *msgs = exec_iterate(r, exec_arg(a, 0, "conversation"), a->at);
    ExecValue *tokenize = exec_arg(a, -1, "tokenize"), *rt = exec_arg(a, -1, "return_tensors");
    ExecValue *as_dict = exec_arg(a, -1, "return_dict"), *gen = exec_arg(a, -1, "add_generation_prompt");
    ExecValue *cont = exec_arg(a, -1, "continue_final_message");
    bool tok_on = true, dict = false, flag;
    static const char *const known[] = {"conversation", "tokenize", "return_tensors", "return_dict",
                                        "add_generation_prompt", "continue_final_message"};
    for (int k = 0; k < a->nkw; k++) { /* a template, tools, documents: another text */
        bool ok = false;
        for (size_t i = 0; i < sizeof known / sizeof *known && !ok; i++)
            ok = !strcmp(a->kw[k], known[i]);
        if (!ok) return exec_fail_as(r, XF_GAP, a->at, "unsupported keyword %s= of apply_chat_template()", a->kw[k]);
    }
    if (!msgs || (tokenize && !exec_truthy(r, tokenize, &tok_on)) || (as_dict && !exec_truthy(r, as_dict, &dict)) ||
        (gen && !exec_truthy(r, gen, &flag)) || (cont && !exec_truthy(r, cont, &flag)))
        return NULL;
    ExecBuf b = {0};
    for (int i = 0; i < msgs->seq.n; i++) {
        ExecValue *m = msgs->seq.items[i], *c = m->kind == XV_DICT ? exec_dict_get_str(&m->dict, "content") : NULL;
        if (!c) return exec_fail_at(r, a->at, "apply_chat_template() of a message without content");
        if ((i && !exec_buf_add(r, &b, " ", 1)) || !exec_format_value(r, &b, c, "", 0)) return NULL;
    }
    if (!exec_stand_in(r, a->at, "apply_chat_template", "the toy template: the messages' contents joined by spaces"))
        return NULL;
    ExecValue *text = exec_str(r, b.s ? b.s : "", b.n);
    if (!text || !tok_on) return text;
    const char *kw[] = {"return_tensors"};
    ExecValue *enc = exec_call_value(r, tok, &text, 1, kw, &rt, rt ? 1 : 0, a->at);
    return !enc || dict ? enc : exec_getattr(r, enc, "input_ids", a->at);
}
