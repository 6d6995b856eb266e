/* User-declared contracts in the configuration:
 *
 *   [tool.logitlint.contracts]
 *   "mypkg.lm.score" = "logits"                           # returns raw logits
 *   "mypkg.Scorer.forward" = { returns = "nll", axes = ["batch", "pos"] }
 *
 * (or `contracts = { ... }` inline). A key is the callee's qualified name as the analysed file's
 * imports resolve it; a method of a library class is Class.method. */
#include "config_contracts.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "contracts.h"

typedef struct Ctx {
    Config *cfg;
    const Source *src;
    char *err;
    size_t errlen;
} Ctx;

static bool fail(Ctx *c, TSNode n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static bool fail(Ctx *c, TSNode n, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    config_error_at(c->src, n, c->err, c->errlen, fmt, ap);
    va_end(ap);
    return false;
}

/* The index of s in names[1..n), 0 if absent. */
static int find_name(const char *const *names, int n, const char *s) {
    for (int i = 1; i < n; i++)
        if (!strcmp(names[i], s)) return i;
    return 0;
}

static void list_names(char *out, size_t len, const char *const *names, int n) {
    out[0] = '\0';
    for (int i = 1; i < n; i++)
        snprintf(out + strlen(out), len - strlen(out), "%s%s", i > 1 ? ", " : "", names[i]);
}

static bool returns(Ctx *c, TSNode value, const char *callee, uint8_t *out) {
    if (!parse_is(value, "string"))
        return fail(c, value, "the contract of '%s' must be a kind (a string) or a table", callee);
    char *s = config_unquote(c->src, value);
    int k = find_name(contracts_return_names, RET_COUNT, s);
    if (!k) {
        char names[200];
        list_names(names, sizeof names, contracts_return_names, RET_COUNT);
        fail(c, value, "unknown kind '%s' in the contract of '%s' (expected one of: %s)", s, callee,
             names);
    }
    free(s);
    *out = (uint8_t)k;
    return k != 0;
}

static bool axes(Ctx *c, TSNode value, const char *callee, UserContract *u) {
    char names[100];
    list_names(names, sizeof names, contracts_axis_names, CAX_COUNT);
    if (!parse_is(value, "array"))
        return fail(c, value, "'axes' of '%s' must be an array of axis names (%s)", callee, names);
    u->naxes = 0;
    for (uint32_t i = 0; i < ts_node_named_child_count(value); i++) {
        TSNode e = parse_named_child(value, i);
        if (parse_is(e, "comment")) continue;
        if (u->naxes == CONTRACT_MAX_AXES)
            return fail(c, e, "'axes' of '%s' has more than %d axes", callee, CONTRACT_MAX_AXES);
        char *s = parse_is(e, "string") ? config_unquote(c->src, e) : NULL;
        int k = s ? find_name(contracts_axis_names, CAX_COUNT, s) : 0;
        free(s);
        if (!k)
            return fail(c, e, "unknown axis in 'axes' of '%s' (expected one of: %s)", callee,
                        names);
        u->axes[u->naxes++] = (uint8_t)k;
    }
    return true;
}

/* callee = "kind" or { returns = "kind", axes = [...] }. */
static bool declaration(Ctx *c, TSNode key, const char *callee, TSNode value) {
    if (!*callee || callee[0] == '.' || callee[strlen(callee) - 1] == '.' || strstr(callee, ".."))
        return fail(c, key, "a contract's key must be a qualified name such as 'mypkg.lm.score'");
    for (size_t i = 0; i < c->cfg->contracts.len; i++)
        if (!strcmp(c->cfg->contracts.items[i].qual, callee))
            return fail(c, key, "'%s' has two contracts", callee);
    UserContract u = {.naxes = -1};
    if (parse_is(value, "inline_table")) {
        bool has_returns = false;
        for (uint32_t i = 0; i < ts_node_named_child_count(value); i++) {
            TSNode p = parse_named_child(value, i);
            if (!parse_is(p, "pair")) continue;
            ConfigList k = {0};
            config_key_segments(c->src, parse_named_child(p, 0), &k);
            TSNode v = parse_named_child(p, 1);
            bool ok = k.len == 1;
            if (ok && !strcmp(k.items[0], "returns"))
                ok = returns(c, v, callee, &u.returns), has_returns = true;
            else if (ok && !strcmp(k.items[0], "axes"))
                ok = axes(c, v, callee, &u);
            else
                ok = fail(c, p, "unknown key in the contract of '%s' (expected returns, axes)",
                          callee);
            for (size_t j = 0; j < k.len; j++)
                free(k.items[j]);
            free(k.items);
            if (!ok) return false;
        }
        if (!has_returns) return fail(c, value, "the contract of '%s' has no 'returns'", callee);
    } else if (!returns(c, value, callee, &u.returns)) {
        return false;
    }
    if (u.naxes >= 0 && u.returns >= RET_MODEL)
        return fail(c, value, "'axes' of '%s': a %s has no axes", callee,
                    contracts_return_names[u.returns]);
    u.qual = util_xstrdup(callee);
    array_push(&c->cfg->contracts, u);
    return true;
}

bool config_contracts_setting(Config *cfg, const Source *src, char *const *path, size_t npath,
                              TSNode key, TSNode value, char *err, size_t errlen) {
    Ctx c = {cfg, src, err, errlen};
    if (npath > 1) { /* contracts."mypkg.f" = ..., or contracts.mypkg.f = ... (bare dotted) */
        size_t len = 0;
        for (size_t i = 1; i < npath; i++)
            len += strlen(path[i]) + 1;
        char *callee = util_xcalloc(1, len);
        for (size_t i = 1; i < npath; i++)
            strcat(strcat(callee, i > 1 ? "." : ""), path[i]);
        bool ok = declaration(&c, key, callee, value);
        free(callee);
        return ok;
    }
    if (!parse_is(value, "inline_table"))
        return fail(&c, value, "'contracts' must be a table of callee = kind");
    for (uint32_t i = 0; i < ts_node_named_child_count(value); i++) {
        TSNode p = parse_named_child(value, i);
        if (!parse_is(p, "pair")) continue;
        ConfigList k = {0};
        config_key_segments(src, parse_named_child(p, 0), &k);
        char *sub[8] = {"contracts"};
        size_t n = 1;
        for (size_t j = 0; j < k.len && n < 8; j++)
            sub[n++] = k.items[j];
        bool ok = k.len < 8 ? config_contracts_setting(cfg, src, sub, n, parse_named_child(p, 0),
                                                       parse_named_child(p, 1), err, errlen)
                            : fail(&c, p, "a contract's key has too many parts");
        for (size_t j = 0; j < k.len; j++)
            free(k.items[j]);
        free(k.items);
        if (!ok) return false;
    }
    return true;
}
