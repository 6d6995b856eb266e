/* exec_format: Python's string formatting, one replacement field at a time: f-string fields
 * ({expr}, {expr:.3f}) and str.format() ("{}", "{0}", "{name:.2f}"). A parameter bound by use
 * that a field formats is text (the prompt, then the candidate), as it is when concatenated:
 * the toy tokenizer must see the formatted text, not a placeholder. */
#include <stdio.h>
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
