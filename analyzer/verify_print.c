/* verify_print: renders verifier results as text (the compact block under a
 * finding, the full per-step table of `logitlint verify`) and as JSON. The
 * only verifier code that writes to a FILE. */
#include "verify.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define PRINT_RED "\033[31m"
#define PRINT_GREEN "\033[32m"
#define PRINT_BOLD "\033[1m"
#define PRINT_RESET "\033[0m"

/* A table is drawn as a grid only while a reviewer can read it at a glance. */
#define PRINT_GRID_MAX_VOCAB 10
#define PRINT_GRID_MAX_CONTEXTS 16

/* ---- a growable string ---- */

typedef struct {
    char *s;
    size_t n, cap;
    bool oom;
} PrintBuf;

static void print_bf(PrintBuf *b, const char *fmt, ...) {
    if (b->oom) return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int k = vsnprintf(b->s ? b->s + b->n : NULL, b->s ? b->cap - b->n : 0, fmt, ap);
        va_end(ap);
        if (k < 0) {
            b->oom = true;
            return;
        }
        if (b->s && b->n + (size_t)k < b->cap) {
            b->n += (size_t)k;
            return;
        }
        size_t cap = b->cap ? b->cap : 64;
        while (cap <= b->n + (size_t)k)
            cap *= 2;
        char *s = realloc(b->s, cap);
        if (!s) {
            b->oom = true;
            return;
        }
        b->s = s;
        b->cap = cap;
    }
}

static char *print_bf_take(PrintBuf *b) {
    if (b->oom) {
        free(b->s);
        return NULL;
    }
    if (!b->s) return calloc(1, 1);
    return b->s;
}

/* ---- numbers, sequences, contexts ---- */

/* Integers print as integers (the A/B/C case reads "10 + 0 = 10"), tiny
 * probabilities in exponent form so an underflow to 0 is visible as "0". */
void verify_print_num(double v, char *buf, size_t n) {
    if (isnan(v))
        snprintf(buf, n, "nan");
    else if (isinf(v))
        snprintf(buf, n, v < 0 ? "-inf" : "inf");
    else if (v == 0)
        snprintf(buf, n, "0");
    else if (v == floor(v) && fabs(v) < 1e15)
        snprintf(buf, n, "%.0f", v);
    else if (fabs(v) < 1e-4 || fabs(v) >= 1e9)
        snprintf(buf, n, "%.6e", v);
    else
        snprintf(buf, n, "%.6f", v);
    /* Six decimals, without the zeros that say nothing: 2.1, not 2.100000 (1e-05 likewise). */
    char *point = strchr(buf, '.');
    if (!point) return;
    char *exp = strchr(point, 'e'), *end = exp ? exp : point + strlen(point);
    char *cut = end;
    while (cut > point + 1 && cut[-1] == '0')
        cut--;
    if (cut == point + 1) cut = point;
    memmove(cut, end, strlen(end) + 1);
}

typedef struct {
    char s[32];
} PrintNum;

static PrintNum print_num(double v) {
    PrintNum p;
    verify_print_num(v, p.s, sizeof p.s);
    return p;
}

char *verify_print_seq(const VerifyTable *t, const VerifySeq *s) {
    PrintBuf b = {0};
    print_bf(&b, "[");
    for (int i = 0; i < s->len; i++) {
        if (s->len > 8 && i == 3) {
            print_bf(&b, ", ...");
            i = s->len - 2;
            continue;
        }
        print_bf(&b, "%s%s", i ? ", " : "", t->vocab[s->tokens[i]]);
    }
    print_bf(&b, "]");
    if (s->len > 8) print_bf(&b, " (%d tokens)", s->len);
    return print_bf_take(&b);
}

char *verify_print_prefix(const VerifyTable *t, const VerifySeq *p) {
    PrintBuf b = {0};
    print_bf(&b, "x");
    for (int i = 0; i < p->len; i++) {
        if (p->len > 6 && i == 2) {
            print_bf(&b, ", ...");
            i = p->len - 2;
            continue;
        }
        print_bf(&b, ", %s", t->vocab[p->tokens[i]]);
    }
    if (p->len > 6) print_bf(&b, " (%d tokens)", p->len);
    return print_bf_take(&b);
}

static char *print_cand(const VerifyResult *res, int i) {
    return verify_print_seq(res->table, &res->table->candidates[i]);
}

static const char *print_table_source(const VerifyTable *t) {
    switch (t->origin) {
    case VERIFY_ORIGIN_BUILTIN:
        return "built-in A/B/C table";
    case VERIFY_ORIGIN_SEARCH:
        return "found by seeded search, then shrunk";
    case VERIFY_ORIGIN_FILE:
        return "user table";
    }
    return "";
}

/* ---- the verdict sentence ---- */

static int print_tied_with(const VerifyResult *res, int p) {
    for (int i = 0; i < res->n; i++)
        if (i != p && res->cands[i].score == res->cands[p].score &&
            res->cands[i].log_prob != res->cands[p].log_prob)
            return i;
    return -1;
}

static int print_first_nonfinite(const VerifyResult *res, bool want_nan) {
    for (int i = 0; i < res->n; i++) {
        double s = res->cands[i].score;
        if (want_nan ? isnan(s) : (isinf(s) && isfinite(res->cands[i].log_prob))) return i;
    }
    return -1;
}

/* Who picks: the script only when its own code produced the scores; a recipe's numbers are
 * what "a scorer of this shape" computes. */
char *verify_print_verdict(const VerifyResult *res) {
    const char *who = verify_result_actor(res, false), *label = verify_result_score_label(res);
    const char *whose = res->by_script ? "the script's" : "such a scorer's";
    int p = res->script_rank[0], c = res->correct_rank[0];
    char *sp = print_cand(res, p), *sc = print_cand(res, c);
    PrintBuf b = {0};
    if (!sp || !sc) goto done;
    const char *tail = res->flipped ? "the ranking flips" : "the pick happens to agree";
    switch (res->harm) {
    case VERIFY_HARM_NONE:
        print_bf(&b, "%s (%s) and log Pr(y|x) both pick %s: no harm on this table", who, label,
                 sp);
        break;
    case VERIFY_HARM_FLIP:
        print_bf(&b,
                 "%s picks %s (%s %s vs %s for %s), but log Pr(y|x) picks %s (%s vs %s): "
                 "the ranking flips",
                 who, sp, label, print_num(res->cands[p].score).s,
                 print_num(res->cands[c].score).s, sc, sc, print_num(res->cands[c].log_prob).s,
                 print_num(res->cands[p].log_prob).s);
        break;
    case VERIFY_HARM_TIE: {
        int q = print_tied_with(res, p);
        if (q < 0) q = p;
        char *sq = print_cand(res, q);
        /* the script's labels are phrases of their own ("the sum of f()[1] at ...") */
        print_bf(&b, res->by_script ? "%s score (%s) is %s for both %s and %s%s, so it cannot rank them and "
                                    : "%s %s is %s for both %s and %s%s, so it cannot rank them and ",
                 whose, label, print_num(res->cands[p].score).s, sp, sq ? sq : "?",
                 res->recipe->transform == VERIFY_TERM_IGNORED ? " (every term ignored)"
                 : res->cands[p].score == 0          ? " (underflow to 0)"
                                                     : "");
        print_bf(&b, "keeps the first: it picks %s; log Pr(y|x) picks %s (%s vs %s): %s", sp, sc,
                 print_num(res->cands[c].log_prob).s,
                 print_num(res->cands[c == p ? q : p].log_prob).s, tail);
        free(sq);
        break;
    }
    case VERIFY_HARM_INFINITE:
    case VERIFY_HARM_NAN: {
        bool nan = res->harm == VERIFY_HARM_NAN;
        int q = print_first_nonfinite(res, nan);
        if (q < 0) q = p;
        char *sq = print_cand(res, q);
        print_bf(&b, "%s scores %s %s although log Pr(y|x) is %s; ", who, sq ? sq : "?",
                 print_num(res->cands[q].score).s, print_num(res->cands[q].log_prob).s);
        if (nan)
            print_bf(&b, "argmax returns the first NaN, so it picks %s; ", sp);
        else
            print_bf(&b, "it picks %s; ", sp);
        print_bf(&b, "log Pr(y|x) picks %s (%s): %s", sc, print_num(res->cands[c].log_prob).s,
                 tail);
        free(sq);
        break;
    }
    }
done:
    free(sp);
    free(sc);
    return print_bf_take(&b);
}

/* ---- the table grid ---- */

static bool print_small(const VerifyTable *t) {
    return t->n_vocab <= PRINT_GRID_MAX_VOCAB && t->n_contexts <= PRINT_GRID_MAX_CONTEXTS;
}

void verify_print_table(FILE *out, const VerifyTable *t, const char *indent, bool with_log_z) {
    if (!print_small(t)) {
        fprintf(out,
                "%s%d tokens, %d contexts (too large to draw; --output-format json has it all)\n",
                indent, t->n_vocab, t->n_contexts);
        return;
    }
    int nc = t->n_contexts;
    char **pre = calloc((size_t)(nc ? nc : 1), sizeof *pre);
    if (!pre) return;
    int w0 = (int)strlen("context");
    for (int c = 0; c < nc; c++) {
        pre[c] = verify_print_prefix(t, &t->contexts[c].prefix);
        if (pre[c] && (int)strlen(pre[c]) > w0) w0 = (int)strlen(pre[c]);
    }
    int w[PRINT_GRID_MAX_VOCAB + 1];
    for (int k = 0; k <= t->n_vocab; k++) {
        w[k] = k < t->n_vocab ? (int)strlen(t->vocab[k]) : (int)strlen("log Z");
        for (int c = 0; c < nc; c++) {
            double v = k < t->n_vocab ? t->contexts[c].logits[k]
                                      : verify_score_logsumexp(t->contexts[c].logits, t->n_vocab);
            int len = (int)strlen(print_num(v).s);
            if (len > w[k]) w[k] = len;
        }
    }
    int cols = t->n_vocab + (with_log_z ? 1 : 0);
    fprintf(out, "%s%-*s", indent, w0, "context");
    for (int k = 0; k < cols; k++)
        fprintf(out, "  %*s", w[k], k < t->n_vocab ? t->vocab[k] : "log Z");
    fputc('\n', out);
    for (int c = 0; c < nc; c++) {
        fprintf(out, "%s%-*s", indent, w0, pre[c] ? pre[c] : "?");
        for (int k = 0; k < cols; k++) {
            double v = k < t->n_vocab ? t->contexts[c].logits[k]
                                      : verify_score_logsumexp(t->contexts[c].logits, t->n_vocab);
            fprintf(out, "  %*s", w[k], print_num(v).s);
        }
        fputc('\n', out);
        free(pre[c]);
    }
    free(pre);
    if (t->prompt.len) {
        char *s = verify_print_seq(t, &t->prompt);
        fprintf(out, "%sprompt tokens (the scored part of x): %s\n", indent, s ? s : "?");
        free(s);
    }
    if (t->pad >= 0) fprintf(out, "%spad token: %s\n", indent, t->vocab[t->pad]);
}

/* ---- the compact block under a finding ---- */

/* The first lines of a counterexample: whose numbers they are and, for a recipe, why the
 * script's own code was not run. */
static void print_compact_head(FILE *out, const VerifyResult *res, const char *indent,
                               bool color) {
    const VerifyTable *t = res->table;
    const char *bold = color ? PRINT_BOLD : "", *reset = color ? PRINT_RESET : "";
    char entry[112];
    if (res->by_script)
        fprintf(out, "%s%scounterexample%s: the script's own %s (line %d%s%s) run on table %s (%s)\n",
                indent, bold, reset, verify_result_entry_text(res, entry, sizeof entry), res->entry_line, res->entry_file[0] ? " of " : "",
                res->entry_file, t->label, print_table_source(t));
    else
        fprintf(out, "%s%scounterexample%s: recipe %s on table %s (%s)\n", indent, bold, reset,
                res->recipe->name, t->label, print_table_source(t));
    if (!res->by_script && res->fallback[0])
        fprintf(out, "%s  not the script's own numbers: %s\n", indent, res->fallback);
    if (res->note[0]) fprintf(out, "%s  note: %s\n", indent, res->note);
    for (int i = 0; i < res->n_stand_ins; i++)
        fprintf(out, "%s  stand-in: %s\n", indent, res->stand_ins[i]);
}

void verify_print_compact(FILE *out, const VerifyResult *res, const char *indent, bool color) {
    if (!res) return;
    const VerifyRecipe *r = res->recipe;
    const VerifyTable *t = res->table;
    const char *label = verify_result_score_label(res);
    print_compact_head(out, res, indent, color);
    PrintBuf sub = {0};
    print_bf(&sub, "%s  ", indent);
    if (!sub.oom) verify_print_table(out, t, sub.s, true);
    int wc = (int)strlen("candidate"), ws = (int)strlen(label),
        wl = (int)strlen("log Pr(y|x)");
    char **names = calloc((size_t)res->n, sizeof *names);
    if (!names || sub.oom) {
        free(names);
        free(sub.s);
        return;
    }
    for (int i = 0; i < res->n; i++) {
        names[i] = print_cand(res, i);
        if (names[i] && (int)strlen(names[i]) > wc) wc = (int)strlen(names[i]);
        int k = (int)strlen(print_num(res->cands[i].score).s);
        if (k > ws) ws = k;
        k = (int)strlen(print_num(res->cands[i].log_prob).s);
        if (k > wl) wl = k;
    }
    fprintf(out, "%s%-*s  %-*s  %-*s\n", sub.s, wc, "candidate", ws, label, wl,
            "log Pr(y|x)");
    for (int i = 0; i < res->n; i++) {
        bool sp = i == res->script_rank[0], cp = i == res->correct_rank[0];
        const char *mark = sp && cp ? "  <- both pick"
                           : sp     ? (res->by_script ? "  <- script picks" : "  <- recipe picks")
                           : cp     ? "  <- log Pr(y|x) picks"
                                    : "";
        const char *col = !color || (!sp && !cp) ? ""
                          : cp                   ? PRINT_GREEN
                          : res->flipped         ? PRINT_RED
                                                 : "";
        fprintf(out, "%s%s%-*s  %-*s  %-*s%s%s\n", sub.s, col, wc, names[i] ? names[i] : "?", ws,
                print_num(res->cands[i].score).s, wl, print_num(res->cands[i].log_prob).s, mark,
                *col ? PRINT_RESET : "");
        free(names[i]);
    }
    free(names);
    char *v = verify_print_verdict(res);
    const char *vc = !color ? "" : res->harm == VERIFY_HARM_NONE ? PRINT_GREEN : PRINT_RED;
    fprintf(out, "%s%s%s%s\n", sub.s, vc, v ? v : "", *vc ? PRINT_RESET : "");
    free(v);
    if (t->origin != VERIFY_ORIGIN_FILE && !res->by_script)
        fprintf(out, "%sreproduce: logitlint verify --recipe %s --table %s\n", sub.s, r->name,
                t->origin == VERIFY_ORIGIN_BUILTIN ? t->label : "search");
    free(sub.s);
}

/* ---- the full per-step report of `logitlint verify` ---- */

static const char *print_role(VerifyRole r) {
    return r == VERIFY_ROLE_PROMPT ? "prompt" : r == VERIFY_ROLE_PAD ? "pad" : "cont";
}

static void print_candidate_steps(FILE *out, const VerifyResult *res, int ci) {
    const VerifyTable *t = res->table;
    const VerifyCandidate *cs = &res->cands[ci];
    bool roles = t->prompt.len > 0 || res->recipe->mask == VERIFY_MASK_WITH_PADDING ||
                 res->recipe->mask == VERIFY_MASK_OWN_PROMPT;
    bool shifted = res->recipe->shift == VERIFY_SHIFT_NONE;
    enum { NCOL = 9 };
    const char *const head[NCOL] = {"pos",      "role",         "context",
                                    "token",    "logit",        "log Z",
                                    "log-prob", "scored under", res->by_script ? "script term"
                                                                               : "recipe term"};
    bool show[NCOL] = {true, roles, true, true, true, true, true, shifted, true};
    int n = cs->n_steps;
    char **cell = calloc((size_t)(n ? n : 1) * NCOL, sizeof *cell);
    if (!cell) return;
    int w[NCOL];
    for (int k = 0; k < NCOL; k++)
        w[k] = (int)strlen(head[k]);
    for (int i = 0; i < n; i++) {
        const VerifyStep *s = &cs->steps[i];
        PrintBuf b[NCOL] = {{0}};
        print_bf(&b[0], "%d", i + 1);
        print_bf(&b[1], "%s", print_role(s->role));
        char *pre = verify_print_prefix(t, &t->contexts[s->ctx].prefix);
        print_bf(&b[2], "%s", pre ? pre : "?");
        free(pre);
        print_bf(&b[3], "%s", t->vocab[s->token]);
        print_bf(&b[4], "%s", print_num(s->logit).s);
        print_bf(&b[5], "%s", print_num(s->log_z).s);
        print_bf(&b[6], "%s", print_num(s->log_prob).s);
        pre = verify_print_prefix(t, &t->contexts[s->recipe_ctx].prefix);
        print_bf(&b[7], "%s", pre ? pre : "?");
        free(pre);
        print_bf(&b[8], "%s", s->in_recipe ? print_num(s->term).s : "-");
        for (int k = 0; k < NCOL; k++) {
            cell[i * NCOL + k] = print_bf_take(&b[k]);
            int len = cell[i * NCOL + k] ? (int)strlen(cell[i * NCOL + k]) : 1;
            if (len > w[k]) w[k] = len;
        }
    }
    for (int k = 0; k < NCOL; k++)
        if (show[k]) fprintf(out, k >= 4 ? "  %*s" : "  %-*s", w[k], head[k]);
    fputc('\n', out);
    for (int i = 0; i < n; i++) {
        for (int k = 0; k < NCOL; k++) {
            const char *c = cell[i * NCOL + k] ? cell[i * NCOL + k] : "?";
            if (show[k]) fprintf(out, k >= 4 ? "  %*s" : "  %-*s", w[k], c);
            free(cell[i * NCOL + k]);
        }
        fputc('\n', out);
    }
    free(cell);
    fprintf(out, "  log Pr(y|x) = %s   sum of log Z = %s   %s = %s\n", print_num(cs->log_prob).s,
            print_num(cs->sum_log_z).s, verify_result_score_label(res), print_num(cs->score).s);
}

static void print_ranking(FILE *out, const VerifyResult *res, const int *rank, bool script) {
    for (int i = 0; i < res->n; i++) {
        char *s = print_cand(res, rank[i]);
        double v = script ? res->cands[rank[i]].score : res->cands[rank[i]].log_prob;
        fprintf(out, "%s%d. %s %s", i ? "   " : "", i + 1, s ? s : "?", print_num(v).s);
        free(s);
    }
    fputc('\n', out);
}

void verify_print_full(FILE *out, const VerifyResult *res) {
    const VerifyRecipe *r = res->recipe;
    const VerifyTable *t = res->table;
    char entry[112];
    if (res->by_script)
        fprintf(out, "script: the script's own %s (line %d%s%s), %d runs; scores in %s\n",
                verify_result_entry_text(res, entry, sizeof entry),
                res->entry_line, res->entry_file[0] ? " of " : "", res->entry_file, res->runs, res->dtype);
    else
        fprintf(out, "recipe: %s%s%s: %s\n", r->name, *r->rule ? " " : "", r->rule, r->summary);
    fprintf(out, "table:  %s (%s", t->label, print_table_source(t));
    if (t->origin == VERIFY_ORIGIN_SEARCH)
        fprintf(out, "; seed 0x%016llx, %ld tables tried", (unsigned long long)t->seed,
                res->search_tries);
    fprintf(out, ")\n");
    verify_print_table(out, t, "  ", true);
    for (int i = 0; i < res->n; i++) {
        char *s = print_cand(res, i);
        fprintf(out, "\ncandidate %s\n", s ? s : "?");
        free(s);
        print_candidate_steps(out, res, i);
    }
    fprintf(out, "\n%s ranking (%s, %s is better): ", res->by_script ? "script" : "recipe",
            verify_result_score_label(res), verify_result_lower_is_better(res) ? "lower" : "higher");
    print_ranking(out, res, res->script_rank, true);
    fprintf(out, "correct ranking (log Pr(y|x), higher is better): ");
    print_ranking(out, res, res->correct_rank, false);
    char *v = verify_print_verdict(res);
    fprintf(out, "verdict: %s (harm: %s): %s\n", res->flipped ? "FLIPPED" : "not flipped",
            verify_harm_name(res->harm), v ? v : "");
    free(v);
    if (res->note[0]) fprintf(out, "note: %s\n", res->note);
    for (int i = 0; i < res->n_stand_ins; i++)
        fprintf(out, "stand-in: %s\n", res->stand_ins[i]);
    if (!res->by_script && t->origin == VERIFY_ORIGIN_BUILTIN && r->harm != VERIFY_HARM_NONE &&
        !(res->flipped && res->harm == r->harm))
        fprintf(out,
                "hint: the %s table does not show this recipe's harm; "
                "`logitlint verify --recipe %s --table search` finds one that does\n",
                t->label, r->name);
}

void verify_print_recipes(FILE *out) {
    int w = 0;
    for (int i = 0; i < verify_recipe_count(); i++) {
        int k = (int)strlen(verify_recipe_at(i)->name);
        if (k > w) w = k;
    }
    for (int i = 0; i < verify_recipe_count(); i++) {
        const VerifyRecipe *r = verify_recipe_at(i);
        fprintf(out, "%-*s  %-5s  %s\n", w, r->name, *r->rule ? r->rule : "-", r->summary);
    }
}

/* ---- JSON ---- */

/* JSON has no -inf or NaN: those become the strings "-inf", "inf", "nan",
 * the same spelling the table format accepts for a masked logit. */
static json_t *print_json_num(double v) {
    if (isnan(v)) return json_string("nan");
    if (isinf(v)) return json_string(v < 0 ? "-inf" : "inf");
    if (v == floor(v) && fabs(v) < 9007199254740992.0) return json_integer((json_int_t)v);
    return json_real(v);
}

static json_t *print_json_seq(const VerifyTable *t, const VerifySeq *s) {
    json_t *a = json_array();
    for (int i = 0; a && i < s->len; i++)
        json_array_append_new(a, json_string(t->vocab[s->tokens[i]]));
    return a;
}

static json_t *print_json_ints(const int *v, int n) {
    json_t *a = json_array();
    for (int i = 0; a && i < n; i++)
        json_array_append_new(a, json_integer(v[i]));
    return a;
}

/* The table in the user-table format, so it can be saved and passed back
 * with --table. A large user table is not echoed: it is the file the user
 * passed, and 3.2 million logits would dominate the output and its time. */
#define PRINT_JSON_MAX_LOGITS 100000

static json_t *print_json_table(const VerifyTable *t) {
    if ((long)t->n_contexts * t->n_vocab > PRINT_JSON_MAX_LOGITS) return json_null();
    json_t *o = json_object(), *vocab = json_array(), *ctxs = json_array(), *cands = json_array();
    if (!o || !vocab || !ctxs || !cands) {
        json_decref(o);
        json_decref(vocab);
        json_decref(ctxs);
        json_decref(cands);
        return NULL;
    }
    for (int k = 0; k < t->n_vocab; k++)
        json_array_append_new(vocab, json_string(t->vocab[k]));
    json_object_set_new(o, "vocab", vocab);
    if (t->prompt.len) json_object_set_new(o, "prompt", print_json_seq(t, &t->prompt));
    if (t->pad >= 0) json_object_set_new(o, "pad", json_string(t->vocab[t->pad]));
    for (int c = 0; c < t->n_contexts; c++) {
        json_t *u = json_array();
        for (int k = 0; u && k < t->n_vocab; k++)
            json_array_append_new(u, print_json_num(t->contexts[c].logits[k]));
        json_array_append_new(ctxs,
                              json_pack("{s:o,s:o}", "prefix",
                                        print_json_seq(t, &t->contexts[c].prefix), "logits", u));
    }
    json_object_set_new(o, "contexts", ctxs);
    for (int c = 0; c < t->n_candidates; c++)
        json_array_append_new(cands, print_json_seq(t, &t->candidates[c]));
    json_object_set_new(o, "candidates", cands);
    return o;
}

/* A key named for who computed the value: "script_score" only for the script's own numbers,
 * "recipe_score" for a recipe's. */
static const char *print_json_key(const VerifyResult *res, const char *fmt, char *buf, size_t n) {
    snprintf(buf, n, fmt, res->by_script ? "script" : "recipe");
    return buf;
}

static json_t *print_json_candidate(const VerifyResult *res, int ci) {
    const VerifyTable *t = res->table;
    char k1[32], k2[32];
    const VerifyCandidate *cs = &res->cands[ci];
    json_t *steps = json_array(), *log_z = json_array();
    for (int i = 0; steps && log_z && i < cs->n_steps; i++) {
        const VerifyStep *s = &cs->steps[i];
        if (s->role == VERIFY_ROLE_CONTINUATION)
            json_array_append_new(log_z, print_json_num(s->log_z));
        json_t *o = json_pack("{s:i,s:s,s:o,s:s,s:o,s:o,s:o,s:b}", "position", i + 1, "role",
                              s->role == VERIFY_ROLE_PROMPT ? "prompt"
                              : s->role == VERIFY_ROLE_PAD  ? "pad"
                                                            : "continuation",
                              "prefix", print_json_seq(t, &t->contexts[s->ctx].prefix), "token",
                              t->vocab[s->token], "logit", print_json_num(s->logit), "log_z",
                              print_json_num(s->log_z), "log_prob", print_json_num(s->log_prob),
                              print_json_key(res, "in_%s", k1, sizeof k1), s->in_recipe);
        if (o && s->in_recipe) {
            json_object_set_new(o, print_json_key(res, "%s_term", k1, sizeof k1),
                                print_json_num(s->term));
            if (s->recipe_ctx != s->ctx)
                json_object_set_new(o, print_json_key(res, "%s_prefix", k2, sizeof k2),
                                    print_json_seq(t, &t->contexts[s->recipe_ctx].prefix));
        }
        json_array_append_new(steps, o);
    }
    return json_pack("{s:o,s:o,s:o,s:o,s:o,s:o}", "tokens", print_json_seq(t, &t->candidates[ci]),
                     print_json_key(res, "%s_score", k1, sizeof k1), print_json_num(cs->score),
                     "log_prob",
                     print_json_num(cs->log_prob), "sum_log_z", print_json_num(cs->sum_log_z),
                     "log_z", log_z, "steps", steps);
}

json_t *verify_result_to_json(const VerifyResult *res) {
    if (!res) return NULL;
    const VerifyRecipe *r = res->recipe;
    const VerifyTable *t = res->table;
    json_t *cands = json_array();
    for (int i = 0; cands && i < res->n; i++)
        json_array_append_new(cands, print_json_candidate(res, i));
    char *verdict = verify_print_verdict(res);
    char k_rank[32], k_pick[32];
    const char *precision = res->by_script                      ? res->dtype
                            : r->precision == VERIFY_FLOAT32 ? "float32"
                                                             : "float64";
    json_t *o = json_pack(
        "{s:s,s:s,s:s?,s:s,s:s,s:s,s:s?,s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:b,s:s,s:s?}", "origin",
        res->by_script ? "script" : "recipe", "recipe", r->name, "rule", *r->rule ? r->rule : NULL,
        "recipe_summary", r->summary, "score_label", verify_result_score_label(res), "score_order",
        verify_result_lower_is_better(res) ? "lower-is-better" : "higher-is-better", "precision",
        precision, "table_name", t->label, "table_origin",
        t->origin == VERIFY_ORIGIN_BUILTIN  ? "builtin"
        : t->origin == VERIFY_ORIGIN_SEARCH ? "search"
                                            : "file",
        "table", print_json_table(t), "candidates", cands,
        print_json_key(res, "%s_ranking", k_rank, sizeof k_rank),
        print_json_ints(res->script_rank, res->n), "correct_ranking",
        print_json_ints(res->correct_rank, res->n), print_json_key(res, "%s_pick", k_pick, sizeof k_pick),
        print_json_seq(t, &t->candidates[res->script_rank[0]]), "correct_pick",
        print_json_seq(t, &t->candidates[res->correct_rank[0]]), "flipped", res->flipped, "harm",
        verify_harm_name(res->harm), "verdict", verdict);
    if (o && res->by_script)
        json_object_set_new(o, "entry",
                            json_pack("{s:s,s:i}", "function", res->entry, "line", res->entry_line));
    if (o && res->by_script && res->entry_file[0]) /* another module of the project */
        json_object_set_new(json_object_get(o, "entry"), "file", json_string(res->entry_file));
    if (o && !res->by_script && res->fallback[0])
        json_object_set_new(o, "fallback", json_string(res->fallback));
    if (o && res->note[0]) json_object_set_new(o, "note", json_string(res->note));
    if (o && res->by_script) json_object_set_new(o, "runs", json_integer(res->runs));
    if (o && res->n_stand_ins) {
        json_t *l = json_array();
        for (int i = 0; i < res->n_stand_ins; i++)
            json_array_append_new(l, json_string(res->stand_ins[i]));
        json_object_set_new(o, "stand_ins", l);
    }
    free(verdict);
    if (o && json_is_null(json_object_get(o, "table"))) {
        char why[160];
        snprintf(why, sizeof why, "%ld logits: too large to echo; the table is the file %s",
                 (long)t->n_contexts * t->n_vocab, t->label);
        json_object_set_new(o, "table_omitted", json_string(why));
    }
    if (o && t->origin == VERIFY_ORIGIN_SEARCH) {
        char seed[32];
        snprintf(seed, sizeof seed, "0x%016llx", (unsigned long long)t->seed);
        json_object_set_new(
            o, "search",
            json_pack("{s:s,s:I}", "seed", seed, "tables_tried", (json_int_t)res->search_tries));
    }
    return o;
}

json_t *verify_print_recipes_json(void) {
    json_t *a = json_array();
    for (int i = 0; a && i < verify_recipe_count(); i++) {
        const VerifyRecipe *r = verify_recipe_at(i);
        json_array_append_new(a, json_pack("{s:s,s:s?,s:s,s:s}", "name", r->name, "rule",
                                           *r->rule ? r->rule : NULL, "summary", r->summary, "harm",
                                           verify_harm_name(r->harm)));
    }
    return a;
}
