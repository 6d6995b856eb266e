/* explain: the reviewer's explanation of each rule, LL101-LL112, written
 * around the numbers of the rule's counterexample. The prose is wrapped at 78
 * columns so it pastes cleanly into a review. */
#include "explain.h"

#include <ctype.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"

#define EXPLAIN_WIDTH 78

/* ---- text helpers ---- */

typedef struct {
    char s[32];
} ExplainNum;

static ExplainNum num(double v) {
    ExplainNum n;
    verify_print_num(v, n.s, sizeof n.s);
    return n;
}

/* Candidate and context names, freed together at the end of an explanation. */
typedef struct {
    char *v[64];
    int n;
} ExplainStrs;

static const char *keep(ExplainStrs *s, char *str) {
    if (!str) return "?";
    if (s->n == (int)(sizeof s->v / sizeof *s->v)) {
        free(str);
        return "?";
    }
    s->v[s->n++] = str;
    return str;
}

static void strs_free(ExplainStrs *s) {
    for (int i = 0; i < s->n; i++)
        free(s->v[i]);
    s->n = 0;
}

static const char *cand(ExplainStrs *s, const VerifyResult *res, int i) {
    return keep(s, verify_print_seq(res->table, &res->table->candidates[i]));
}

static const char *ctxname(ExplainStrs *s, const VerifyResult *res, int ctx) {
    return keep(s, verify_print_prefix(res->table, &res->table->contexts[ctx].prefix));
}

/* Prints a paragraph wrapped at EXPLAIN_WIDTH: `first` before the first line,
 * `rest` before the others (a hanging indent for numbered points). */
static void para(FILE *out, const char *first, const char *rest, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    char *text = malloc((size_t)n + 1);
    if (!text) return;
    va_start(ap, fmt);
    vsnprintf(text, (size_t)n + 1, fmt, ap);
    va_end(ap);
    /* Short bracketed groups ("[B, B]", "(x, A)") never break across lines:
     * their spaces become \x01 until printed. */
    for (char *q = text; *q; q++) {
        if (*q != '[' && *q != '(') continue;
        char close = *q == '[' ? ']' : ')';
        char *e = strchr(q, close);
        if (!e || e - q > 24) continue;
        for (char *k = q; k < e; k++)
            if (*k == ' ') *k = '\x01';
    }
    const char *prefix = first;
    int col = 0;
    bool line_empty = true;
    char *p = text;
    for (; *p == '\n'; p++)
        fputc('\n', out); /* a leading "\n" leaves a blank line */
    while (*p) {
        while (*p == ' ')
            p++;
        if (!*p) break;
        int w = 0;
        while (p[w] && p[w] != ' ')
            w++;
        if (!line_empty && col + 1 + w > EXPLAIN_WIDTH) {
            fputc('\n', out);
            prefix = rest;
            line_empty = true;
        }
        if (line_empty) {
            fputs(prefix, out);
            col = (int)strlen(prefix);
            line_empty = false;
        } else {
            fputc(' ', out);
            col++;
        }
        for (int i = 0; i < w; i++)
            fputc(p[i] == '\x01' ? ' ' : p[i], out);
        col += w;
        p += w;
    }
    fputc('\n', out);
    free(text);
}

/* "10 + 0 = 10", "-0.313295 - 1.098612 = -1.411907", "(10 + 0) / 2 = 5":
 * the arithmetic of a candidate's score, written out while it stays short. */
static char *expr(const double *terms, int n, char op, bool mean, double total) {
    size_t cap = 64 + (size_t)n * 40;
    char *s = malloc(cap);
    if (!s) return NULL;
    size_t k = 0;
    if (n > 4 || n < 2) {
        snprintf(s, cap, "%s", num(total).s);
        return s;
    }
    if (mean) k += (size_t)snprintf(s + k, cap - k, "(");
    for (int i = 0; i < n; i++) {
        if (i == 0)
            k += (size_t)snprintf(s + k, cap - k, "%s", num(terms[i]).s);
        else if (op == 'x')
            k += (size_t)snprintf(s + k, cap - k, " x %s", num(terms[i]).s);
        else if (terms[i] < 0 && isfinite(terms[i]))
            k += (size_t)snprintf(s + k, cap - k, " - %s", num(-terms[i]).s);
        else
            k += (size_t)snprintf(s + k, cap - k, " + %s", num(terms[i]).s);
    }
    if (mean) k += (size_t)snprintf(s + k, cap - k, ") / %d", n);
    snprintf(s + k, cap - k, " = %s", num(total).s);
    return s;
}

static char *strdup_num(double v) {
    char *s = malloc(32);
    if (s) verify_print_num(v, s, 32);
    return s;
}

static char *score_expr(const VerifyResult *res, int ci) {
    const VerifyCandidate *c = &res->cands[ci];
    double *t = malloc((size_t)(c->n_steps ? c->n_steps : 1) * sizeof *t);
    if (!t) return NULL;
    int n = 0;
    for (int i = 0; i < c->n_steps; i++)
        if (c->steps[i].in_recipe) t[n++] = c->steps[i].term;
    VerifyAggregate a = res->recipe->aggregate;
    char *s = expr(t, n, a == VERIFY_AGG_PRODUCT ? 'x' : '+', a == VERIFY_AGG_MEAN, c->score);
    free(t);
    return s;
}

static char *logprob_expr(const VerifyResult *res, int ci) {
    const VerifyCandidate *c = &res->cands[ci];
    double *t = malloc((size_t)(c->n_steps ? c->n_steps : 1) * sizeof *t);
    if (!t) return NULL;
    int n = 0;
    for (int i = 0; i < c->n_steps; i++)
        if (c->steps[i].role == VERIFY_ROLE_CONTINUATION) t[n++] = c->steps[i].log_prob;
    char *s = expr(t, n, '+', false, c->log_prob);
    free(t);
    return s;
}

/* The counterexample: the table with each context's log Z, then each
 * candidate's score with its arithmetic, and the two picks. */
static void counterexample(FILE *out, const VerifyResult *res, ExplainStrs *s) {
    const VerifyTable *t = res->table;
    const VerifyRecipe *r = res->recipe;
    para(out, "", "  ", "Counterexample (recipe %s, table %s%s):", r->name, t->label,
         t->origin == VERIFY_ORIGIN_BUILTIN  ? ", the built-in A/B/C case"
         : t->origin == VERIFY_ORIGIN_SEARCH ? ", found by seeded search and shrunk"
                                             : "");
    if (t->n_vocab <= 10) {
        char vocab[512];
        size_t k = 0;
        for (int v = 0; v < t->n_vocab && k < sizeof vocab - 64; v++)
            k += (size_t)snprintf(vocab + k, sizeof vocab - k, "%s%s", v ? ", " : "", t->vocab[v]);
        para(out, "  ", "  ", "vocabulary {%s}; each row is a context and its next-token logits",
             vocab);
    }
    verify_print_table(out, t, "  ", true);
    int wc = (int)strlen("candidate"), ws = (int)strlen(r->score_label);
    char **se = calloc((size_t)res->n, sizeof *se), **le = calloc((size_t)res->n, sizeof *le);
    if (!se || !le) {
        free(se);
        free(le);
        return;
    }
    /* The arithmetic is written out only while the rows fit a review comment. */
    for (int pass = 0; pass < 3; pass++) {
        int wl = 0;
        for (int i = 0; i < res->n; i++) {
            int k = (int)strlen(cand(s, res, i));
            if (k > wc) wc = k;
            se[i] = pass == 2 ? strdup_num(res->cands[i].score) : score_expr(res, i);
            le[i] = pass ? strdup_num(res->cands[i].log_prob) : logprob_expr(res, i);
            k = se[i] ? (int)strlen(se[i]) : 1;
            if (k > ws) ws = k;
            k = le[i] ? (int)strlen(le[i]) : 1;
            if (k > wl) wl = k;
        }
        if (2 + wc + 2 + ws + 2 + wl <= EXPLAIN_WIDTH || pass == 2) break;
        for (int i = 0; i < res->n; i++) {
            free(se[i]);
            free(le[i]);
        }
        ws = (int)strlen(r->score_label);
    }
    fprintf(out, "\n  %-*s  %-*s  %s\n", wc, "candidate", ws, r->score_label, "log Pr(y|x)");
    for (int i = 0; i < res->n; i++) {
        fprintf(out, "  %-*s  %-*s  %s\n", wc, cand(s, res, i), ws, se[i] ? se[i] : "?",
                le[i] ? le[i] : "?");
        free(se[i]);
        free(le[i]);
    }
    free(se);
    free(le);
    int p = res->script_rank[0], c = res->correct_rank[0];
    fputc('\n', out);
    if (p != c && res->harm == VERIFY_HARM_FLIP)
        para(out, "", "",
             "%s vs %s: the script's %s is %s vs %s%s, so it picks %s; log Pr(y|x) is %s vs %s, "
             "so the correct objective picks %s.",
             cand(s, res, c), cand(s, res, p), r->score_label, num(res->cands[c].score).s,
             num(res->cands[p].score).s, r->lower_is_better ? " (lowest wins)" : "",
             cand(s, res, p), num(res->cands[c].log_prob).s, num(res->cands[p].log_prob).s,
             cand(s, res, c));
    else if (p != c)
        para(out, "", "", "The correct objective picks %s; the script picks %s.", cand(s, res, c),
             cand(s, res, p));
    else
        para(out, "", "", "Here the script and the correct objective both pick %s.",
             cand(s, res, c));
    char *v = verify_print_verdict(res);
    if (v && res->harm != VERIFY_HARM_FLIP && res->harm != VERIFY_HARM_NONE)
        para(out, "", "", "In numbers: %s.", v);
    free(v);
    fputc('\n', out);
}

/* The continuation contexts' normalisers, as "10.313295 at step 1,
 * 1.098612 after A, 8.313507 after B". */
static char *log_z_list(const VerifyResult *res) {
    const VerifyTable *t = res->table;
    bool *seen = calloc((size_t)(t->n_contexts ? t->n_contexts : 1), sizeof *seen);
    size_t cap = 4096, k = 0;
    char *s = malloc(cap);
    if (!seen || !s) {
        free(seen);
        free(s);
        return NULL;
    }
    s[0] = 0;
    int shown = 0, more = 0;
    for (int c = 0; c < t->n_contexts; c++)
        for (int i = 0; i < res->n; i++)
            for (int j = 0; j < res->cands[i].n_steps; j++) {
                const VerifyStep *st = &res->cands[i].steps[j];
                if (st->ctx != c || st->role != VERIFY_ROLE_CONTINUATION || seen[c]) continue;
                seen[c] = true;
                if (shown == 6) {
                    more++;
                    continue;
                }
                const VerifySeq *p = &t->contexts[c].prefix;
                k += (size_t)snprintf(s + k, cap - k, "%s%s ", shown ? ", " : "", num(st->log_z).s);
                if (p->len == t->prompt.len) {
                    k += (size_t)snprintf(s + k, cap - k, "at step 1");
                } else {
                    k += (size_t)snprintf(s + k, cap - k, "after");
                    for (int q = t->prompt.len; q < p->len && k < cap - 64; q++)
                        k += (size_t)snprintf(s + k, cap - k, " %s", t->vocab[p->tokens[q]]);
                }
                shown++;
            }
    if (more) snprintf(s + k, cap - k, ", and %d more", more);
    free(seen);
    return s;
}

/* ---- LL101 (and LL109, which computes the same thing through nll_loss) ---- */

static void explain_raw_logits(FILE *out, const VerifyResult *res, ExplainStrs *s) {
    int p = res->script_rank[0], c = res->correct_rank[0];
    const VerifyTable *t = res->table;
    const VerifyCandidate *cp = &res->cands[p], *cc = &res->cands[c];
    fprintf(out, "Why:\n");
    if (cc->n_steps >= 2 && cp->n_steps >= 2 && cc->steps[1].ctx != cp->steps[1].ctx)
        para(out, "1. ", "   ",
             "Autoregressive decomposition. log Pr(y|x) = sum over t of log Pr(y_t | x, y_<t), "
             "and each term is a different conditional distribution: the second token of %s is "
             "scored under the context (%s), the second token of %s under (%s).",
             cand(s, res, c), ctxname(s, res, cc->steps[1].ctx), cand(s, res, p),
             ctxname(s, res, cp->steps[1].ctx));
    else
        para(out, "1. ", "   ",
             "Autoregressive decomposition. log Pr(y|x) = sum over t of log Pr(y_t | x, y_<t), "
             "and each term is a different conditional distribution, with its own context.");
    char within[256] = "";
    if (cc->n_steps && cp->n_steps && cc->steps[0].ctx == cp->steps[0].ctx &&
        cc->steps[0].token != cp->steps[0].token) {
        const VerifyStep *a = &cc->steps[0], *b = &cp->steps[0];
        bool a_first = a->logit > b->logit;
        const VerifyStep *hi = a_first ? a : b, *lo = a_first ? b : a;
        snprintf(within, sizeof within,
                 " (at step 1, %s's logit %s beats %s's %s, and %s is the more likely token: "
                 "%s vs %s)",
                 t->vocab[hi->token], num(hi->logit).s, t->vocab[lo->token], num(lo->logit).s,
                 t->vocab[hi->token], num(hi->log_prob).s, num(lo->log_prob).s);
    }
    char *lz = log_z_list(res);
    bool mean = res->recipe->aggregate == VERIFY_AGG_MEAN;
    bool neg = res->recipe->transform == VERIFY_TERM_NEG_RAW;
    char ident[512];
    int nc = 0, np = 0;
    for (int i = 0; i < cc->n_steps; i++)
        nc += cc->steps[i].in_recipe;
    for (int i = 0; i < cp->n_steps; i++)
        np += cp->steps[i].in_recipe;
    double sc = neg ? -cc->score : cc->score, sp = neg ? -cp->score : cp->score;
    if (mean)
        snprintf(ident, sizeof ident, "%s: %s = (%s + %s) / %d; %s: %s = (%s + %s) / %d",
                 cand(s, res, c), num(sc).s, num(cc->log_prob).s, num(cc->sum_log_z).s, nc,
                 cand(s, res, p), num(sp).s, num(cp->log_prob).s, num(cp->sum_log_z).s, np);
    else
        snprintf(ident, sizeof ident, "%s: %s = %s + %s; %s: %s = %s + %s", cand(s, res, c),
                 num(sc).s, num(cc->log_prob).s, num(cc->sum_log_z).s, cand(s, res, p), num(sp).s,
                 num(cp->log_prob).s, num(cp->sum_log_z).s);
    para(out, "2. ", "   ",
         "Softmax turns one step's logits into probabilities: log Pr(y_t | x, y_<t) = u_t(y_t) - "
         "log Z_t, with log Z_t = logsumexp(u_t). Softmax is monotonic within one step, so "
         "comparing logits at the same step is fine%s; but each step has its own normaliser "
         "log Z_t: %s. Logits are defined only up to a per-step constant: adding c to every "
         "logit of one step leaves its probabilities unchanged but moves the %s of logits. The "
         "%s of the chosen logits is log Pr(y|x) plus the sum of the log Z_t%s: %s. The "
         "normalisers differ between candidates (%s vs %s), so they can reverse the ranking%s.",
         within, lz ? lz : "?", mean ? "mean" : "sum", mean ? "mean" : "sum",
         mean ? ", divided by the length" : "", ident, num(cc->sum_log_z).s, num(cp->sum_log_z).s,
         res->flipped ? ", and here they do" : "; on this table they happen not to");
    free(lz);
    para(out, "3. ", "   ",
         "Training minimises the negative log-likelihood, -sum_t log Pr(y_t | x, y_<t), and "
         "inference scores with the same quantity: the log-probability is what the model was "
         "fitted to and what composes across steps by the chain rule. Raw logits are neither: "
         "they are unnormalised, shift-invariant per step, and not comparable across contexts. "
         "So sequence scores must sum log-probabilities, not logits.");
    if (neg)
        para(out, "", "",
             "\nnll_loss(input, target) returns -input[target]: it expects log-probabilities "
             "and does no normalisation itself, so fed raw logits it is minus the %s raw "
             "logit, and ranking by the lowest loss is ranking by the highest raw logits.",
             mean ? "mean" : "summed");
    fputc('\n', out);
    para(out, "Fix: ", "     ", "%s",
         neg ? "pass log-probabilities: F.nll_loss(F.log_softmax(logits, -1), target), or "
               "F.cross_entropy(logits, target), which applies log_softmax itself; for "
               "ranking, sum per candidate (reduction='none', then .sum over the "
               "continuation) rather than averaging."
             : "score with log_softmax: logits[:, :-1].log_softmax(-1).gather(-1, "
               "ids[:, 1:, None]).squeeze(-1), summed over the continuation positions.");
}

/* ---- LL102 ---- */

static int underflow_length(bool f32, double p) {
    if (f32) {
        float acc = 1.0f;
        int n = 0;
        while (acc > 0.0f && n < 100000) {
            acc *= (float)p;
            n++;
        }
        return n;
    }
    double acc = 1.0;
    int n = 0;
    while (acc > 0.0 && n < 100000) {
        acc *= p;
        n++;
    }
    return n;
}

static void explain_product(FILE *out, const VerifyResult *res, ExplainStrs *s) {
    bool f32 = res->recipe->precision == VERIFY_FLOAT32;
    int p = res->script_rank[0], c = res->correct_rank[0];
    double tiny = f32 ? (double)FLT_TRUE_MIN : DBL_TRUE_MIN;
    fprintf(out, "Why:\n");
    para(out, "", "",
         "log Pr(y|x) = sum_t log Pr(y_t | x, y_<t) is a sum of log-probabilities; the product of "
         "the probabilities is the same quantity mathematically, but not in floating point. Each "
         "factor above is a representable %s number, yet the products for %s (log Pr %s) and %s "
         "(log Pr %s) fall below the smallest positive %s, %s (about e^%s), and round to 0. Both "
         "candidates then score 0: the ranking is lost, and the script's argmax keeps the first "
         "candidate, %s, while log Pr(y|x) ranks %s first.",
         f32 ? "float32" : "float64", cand(s, res, p), num(res->cands[p].log_prob).s,
         cand(s, res, c), num(res->cands[c].log_prob).s, f32 ? "float32" : "float64", num(tiny).s,
         num(log(tiny)).s, cand(s, res, p), cand(s, res, c));
    para(out, "", "",
         "\nThe counterexample uses few, unlikely tokens to stay small; real candidates are long. "
         "At a per-token probability of 0.2, a product of %d tokens is already 0 in float32 "
         "and one of %d tokens in float64, while the sum of log-probabilities (%d x log 0.2 = "
         "%s) is an ordinary number.",
         underflow_length(true, 0.2), underflow_length(false, 0.2), underflow_length(false, 0.2),
         num(underflow_length(false, 0.2) * log(0.2)).s);
    fputc('\n', out);
    para(out, "Fix: ", "     ",
         "add log-probabilities instead of multiplying probabilities: "
         "logits.log_softmax(-1).gather(-1, ids[..., None]).squeeze(-1).sum(-1); compare "
         "candidates by that sum (exponentiate only at the end, if at all).");
}

/* ---- LL103 ---- */

static const VerifyStep *find_step(const VerifyResult *res, int *who,
                                   bool (*pred)(const VerifyStep *)) {
    for (int k = 0; k < res->n; k++) {
        int i = res->script_rank[k];
        for (int j = 0; j < res->cands[i].n_steps; j++)
            if (res->cands[i].steps[j].in_recipe && pred(&res->cands[i].steps[j])) {
                *who = i;
                return &res->cands[i].steps[j];
            }
    }
    return NULL;
}

static bool step_neg_inf(const VerifyStep *s) {
    return isinf(s->term) && s->term < 0 && isfinite(s->log_prob);
}

static bool step_nan(const VerifyStep *s) {
    return isnan(s->term);
}

static double ctx_max(const VerifyTable *t, int ctx) {
    double m = -INFINITY;
    for (int k = 0; k < t->n_vocab; k++)
        if (t->contexts[ctx].logits[k] > m) m = t->contexts[ctx].logits[k];
    return m;
}

static void explain_log_of_softmax(FILE *out, const VerifyResult *res, ExplainStrs *s) {
    const VerifyTable *t = res->table;
    int who = 0;
    const VerifyStep *st = find_step(res, &who, step_neg_inf);
    fprintf(out, "Why:\n");
    if (st) {
        para(out, "", "",
             "In context (%s), token %s has logit %s against a maximum of %s. log_softmax gives "
             "%s - %s = %s, a finite log-probability. softmax first forms the probability "
             "exp(%s) = %s, which is below the smallest positive float32 (%s, about e^-103.28), "
             "so it rounds to 0, and log(0) = -inf. The script's score for %s becomes -inf "
             "although its log Pr(y|x) is %s; one such token decides the whole comparison.",
             ctxname(s, res, st->ctx), t->vocab[st->token], num(st->logit).s,
             num(ctx_max(t, st->ctx)).s, num(st->logit).s, num(st->log_z).s, num(st->log_prob).s,
             num(st->log_prob).s, num(exp(st->log_prob)).s, num((double)FLT_TRUE_MIN).s,
             cand(s, res, who), num(res->cands[who].log_prob).s);
    }
    para(out, "", "",
         "\nlog_softmax(u) computes u - max(u) - log(sum(exp(u - max(u)))) and never forms the "
         "tiny probability, so it is exact where log(softmax(u)) is -inf (or, short of "
         "underflow, loses precision).");
    fputc('\n', out);
    para(out, "Fix: ", "     ",
         "torch.log_softmax(logits, dim=-1) (or F.log_softmax, "
         "scipy.special.log_softmax) instead of torch.log(torch.softmax(logits, dim=-1)).");
}

/* ---- LL104 ---- */

static void explain_axis(FILE *out, const VerifyResult *res, ExplainStrs *s) {
    const VerifyTable *t = res->table;
    int c = res->correct_rank[0];
    const VerifyCandidate *cc = &res->cands[c];
    int best = -1;
    double gap = -1;
    for (int i = 0; i < cc->n_steps; i++)
        if (cc->steps[i].in_recipe && fabs(cc->steps[i].term - cc->steps[i].log_prob) > gap) {
            gap = fabs(cc->steps[i].term - cc->steps[i].log_prob);
            best = i;
        }
    fprintf(out, "Why:\n");
    para(out, "", "",
         "The logits of a causal LM have shape [batch, positions, vocabulary], and the "
         "next-token distribution at a position is softmax over the vocabulary axis (dim=-1). "
         "Normalising over the positions axis instead divides each token's logit by the same "
         "token's logits at the other positions: the result is not a distribution over next "
         "tokens, and a step's score depends on steps that come after it.");
    if (best >= 0) {
        const VerifyStep *st = &cc->steps[best];
        char col[512];
        size_t k = 0;
        col[0] = 0;
        for (int i = 0; i < cc->n_steps && k < sizeof col - 40; i++)
            k += (size_t)snprintf(col + k, sizeof col - k, "%s%s", i ? ", " : "",
                                  num(t->contexts[cc->steps[i].recipe_ctx].logits[st->token]).s);
        para(out, "", "",
             "\nFor %s at step %d (token %s), the script takes %s's logits across the positions "
             "(%s) and gets %s - logsumexp(%s) = %s; the next-token log-probability is %s - %s "
             "= %s.",
             cand(s, res, c), best + 1, t->vocab[st->token], t->vocab[st->token], col,
             num(st->logit).s, col, num(st->term).s, num(st->logit).s, num(st->log_z).s,
             num(st->log_prob).s);
    }
    fputc('\n', out);
    para(out, "Fix: ", "     ",
         "normalise over the vocabulary: logits.log_softmax(dim=-1) (or softmax(dim=-1)) on "
         "[batch, positions, vocab] logits; dim=1 or dim=0 is the positions axis.");
}

/* ---- LL105 ---- */

static void explain_shift(FILE *out, const VerifyResult *res, ExplainStrs *s) {
    const VerifyTable *t = res->table;
    int c = res->correct_rank[0];
    const VerifyCandidate *cc = &res->cands[c];
    fprintf(out, "Why:\n");
    para(out, "", "",
         "A causal LM's logits at position t are its distribution for the token at position "
         "t+1, given the tokens up to and including t. log Pr(y|x) pairs the logits at position "
         "t-1 with the token at t (logits[:, :-1] with ids[:, 1:]). Without the shift each token "
         "is scored under the distribution that predicts the token after it: the score asks how "
         "likely the token is to follow itself.");
    if (cc->n_steps) {
        const VerifyStep *st = &cc->steps[0];
        para(out, "", "",
             "\nFor %s, step 1 (token %s) should be scored under context (%s): log Pr = %s. The "
             "script scores it under (%s), the context that already contains %s: %s.",
             cand(s, res, c), t->vocab[st->token], ctxname(s, res, st->ctx), num(st->log_prob).s,
             ctxname(s, res, st->recipe_ctx), t->vocab[st->token], num(st->term).s);
    }
    fputc('\n', out);
    para(out, "Fix: ", "     ",
         "shift before gathering: logits[:, :-1].log_softmax(-1).gather(-1, ids[:, 1:, "
         "None]), so the logits at position t-1 score the token at t.");
}

/* ---- LL106 ---- */

/* The first candidate the recipe padded (-1: none), its pad positions and their log-probs. */
static int first_padded(const VerifyResult *res, int *npad, double *padsum) {
    *npad = 0;
    *padsum = 0;
    for (int i = 0; i < res->n; i++) {
        for (int j = 0; j < res->cands[i].n_steps; j++)
            if (res->cands[i].steps[j].role == VERIFY_ROLE_PAD) {
                ++*npad;
                *padsum += res->cands[i].steps[j].log_prob;
            }
        if (*npad) return i;
    }
    return -1;
}

static int baseline_pick(const VerifyResult *res) {
    const VerifyRecipe *b =
        res->recipe->baseline ? verify_recipe_find(res->recipe->baseline) : NULL;
    VerifyResult *br = NULL;
    if (!b || verify_score(res->table, b, &br, NULL) != VERIFY_OK) return -1;
    int pick = br->script_rank[0];
    verify_result_free(br);
    return pick;
}

static void explain_unmasked(FILE *out, const VerifyResult *res, ExplainStrs *s) {
    const VerifyTable *t = res->table;
    int p = res->script_rank[0], c = res->correct_rank[0];
    fprintf(out, "Why:\n");
    if (res->recipe->mask == VERIFY_MASK_WITH_PADDING) {
        int npad;
        double padsum;
        int who = first_padded(res, &npad, &padsum);
        para(out, "", "",
             "log Pr(y|x) sums over the candidate's own tokens. In a right-padded batch, the "
             "shorter candidates get pad positions; without the attention mask (or labels = -100) "
             "their log-probabilities enter the sum as if the pad tokens were part of the "
             "candidate.");
        if (who >= 0)
            para(out, "", "",
                 "\n%s is padded with %d %s position%s whose log-probabilit%s add %s to its "
                 "score: %s instead of its log Pr(y|x) %s. The script picks %s; log Pr(y|x) picks "
                 "%s.",
                 cand(s, res, who), npad, t->pad >= 0 ? t->vocab[t->pad] : "pad",
                 npad == 1 ? "" : "s", npad == 1 ? "y" : "ies", num(padsum).s,
                 num(res->cands[who].score).s, num(res->cands[who].log_prob).s, cand(s, res, p),
                 cand(s, res, c));
        fputc('\n', out);
        para(out, "Fix: ", "     ",
             "multiply the per-token log-probs by the attention mask (shifted like the labels) "
             "before summing, or set labels to -100 on padding.");
        return;
    }
    int b = baseline_pick(res);
    double psum = 0;
    int plen = 0;
    if (res->n && res->cands[0].n_steps)
        for (int j = 0; j < res->cands[0].n_steps; j++)
            if (res->cands[0].steps[j].role == VERIFY_ROLE_PROMPT) {
                psum += res->cands[0].steps[j].log_prob;
                plen++;
            }
    para(out, "", "",
         "log Pr(y|x) conditions on the prompt; the prompt's own log-probabilities are not part "
         "of it. Left unmasked inside a per-candidate mean they are not a harmless constant: the "
         "prompt (%d token%s, log-prob %s) is averaged with continuations of different "
         "lengths, so it pulls each candidate's mean by a different amount.",
         plen, plen == 1 ? "" : "s", num(psum).s);
    if (b >= 0)
        para(out, "", "",
             "\nWith the prompt the script picks %s; averaging over the continuation alone would "
             "pick %s%s, and log Pr(y|x) picks %s.",
             cand(s, res, p), cand(s, res, b), b == c ? " (the correct choice)" : "",
             cand(s, res, c));
    fputc('\n', out);
    para(out, "Fix: ", "     ",
         "mask the prompt: labels = -100 (or a continuation mask) on prompt positions, then sum "
         "the continuation's log-probs per candidate.");
}

/* ---- LL107 ---- */

static void explain_mean_loss(FILE *out, const VerifyResult *res, ExplainStrs *s) {
    int p = res->script_rank[0], c = res->correct_rank[0];
    fprintf(out, "Why:\n");
    para(out, "", "",
         "A causal LM's outputs.loss is the mean negative log-likelihood over every labelled "
         "position: prompt included, divided by the total length. Ranking candidates by it "
         "(lowest first) is not ranking by log Pr(y|x): the prompt's tokens enter each "
         "candidate's average, and dividing by the length rewards continuations whose extra "
         "tokens are likely even when the sequence as a whole is less likely.");
    para(out, "", "",
         "\nHere %s has the lowest loss, %s (against %s for %s), so the script picks it; but its "
         "log Pr(y|x) is %s, and %s's is %s.",
         cand(s, res, p), num(res->cands[p].score).s, num(res->cands[c].score).s, cand(s, res, c),
         num(res->cands[p].log_prob).s, cand(s, res, c), num(res->cands[c].log_prob).s);
    fputc('\n', out);
    para(out, "Fix: ", "     ",
         "set labels to -100 on the prompt, take per-token losses with reduction='none', and "
         "rank by minus their sum over the continuation (or multiply the masked mean by the "
         "number of continuation tokens).");
}

/* ---- LL108 ---- */

static void explain_double_softmax(FILE *out, const VerifyResult *res, ExplainStrs *s) {
    const VerifyTable *t = res->table;
    int p = res->script_rank[0], c = res->correct_rank[0];
    double hi = -log(exp(1.0) + t->n_vocab - 1.0) + 1.0, lo = -log(exp(1.0) + t->n_vocab - 1.0);
    const VerifyStep *st = NULL;
    int who = -1;
    double gap = -1;
    for (int i = 0; i < res->n; i++)
        for (int j = 0; j < res->cands[i].n_steps; j++) {
            const VerifyStep *x = &res->cands[i].steps[j];
            if (fabs(-x->term - x->log_prob) > gap) {
                gap = fabs(-x->term - x->log_prob);
                st = x;
                who = i;
            }
        }
    fprintf(out, "Why:\n");
    para(out, "", "",
         "F.cross_entropy (and nn.CrossEntropyLoss) apply log_softmax to their input. Given "
         "probabilities instead of logits, they compute log_softmax(softmax(u)): the "
         "probabilities are treated as logits a second time. Because they lie in [0, 1], every "
         "resulting log-prob is squeezed between %s and %s with a vocabulary of %d: the "
         "distribution is flattened and the loss hardly depends on how confident the model is.",
         num(lo).s, num(hi).s, t->n_vocab);
    if (st)
        para(out, "", "",
             "\nIn %s, token %s in context (%s) has log-probability %s (loss %s), but the "
             "script's loss term is %s. The script picks %s (loss %s vs %s); log Pr(y|x) picks "
             "%s (%s vs %s).",
             cand(s, res, who), t->vocab[st->token], ctxname(s, res, st->ctx), num(st->log_prob).s,
             num(-st->log_prob).s, num(st->term).s, cand(s, res, p), num(res->cands[p].score).s,
             num(res->cands[c].score).s, cand(s, res, c), num(res->cands[c].log_prob).s,
             num(res->cands[p].log_prob).s);
    fputc('\n', out);
    para(out, "Fix: ", "     ",
         "pass the logits: F.cross_entropy(logits, target) (it normalises itself), or "
         "F.nll_loss(log_softmax(logits)); never softmax first.");
}

/* ---- LL110 ---- */

static void explain_unstable(FILE *out, const VerifyResult *res, ExplainStrs *s) {
    const VerifyTable *t = res->table;
    int who = 0;
    const VerifyStep *st = find_step(res, &who, step_nan);
    fprintf(out, "Why:\n");
    para(out, "", "",
         "exp overflows float32 above %s (the largest float32 is %s). A softmax written as "
         "exp(u) / exp(u).sum() without subtracting the maximum turns every large logit into "
         "inf, and inf / inf = NaN.",
         num(log((double)FLT_MAX)).s, num((double)FLT_MAX).s);
    if (st) {
        double m = ctx_max(t, st->ctx);
        bool overflows = isinf(expf((float)st->logit));
        para(out, "", "",
             "\nIn context (%s) the largest logit is %s: exp(%s) = inf in float32, so the "
             "normaliser is inf. Token %s (logit %s) gets exp(%s) / inf = %s, and the log of "
             "that is %s, where its true log-probability is %s. The script's score for %s is "
             "%s; argmax treats NaN as the largest value, so the ranking is garbage.",
             ctxname(s, res, st->ctx), num(m).s, num(m).s, t->vocab[st->token], num(st->logit).s,
             num(st->logit).s, overflows ? "inf / inf = NaN" : "0", num(st->term).s,
             num(st->log_prob).s, cand(s, res, who), num(res->cands[who].score).s);
    }
    para(out, "", "",
         "\nsoftmax(u) = softmax(u - max(u)): subtracting the maximum changes nothing "
         "mathematically and keeps every exp at most 1.");
    fputc('\n', out);
    para(out, "Fix: ", "     ",
         "use torch.softmax / torch.log_softmax (or scipy.special.softmax), or subtract "
         "u.max(-1, keepdim=True) before exp; for log-probs use log_softmax directly.");
}

/* ---- LL111 / LL112 ---- */

static void explain_pad_read(FILE *out, const VerifyResult *res, ExplainStrs *s) {
    const VerifyTable *t = res->table;
    int p = res->script_rank[0], c = res->correct_rank[0], npad;
    double padsum;
    int who = first_padded(res, &npad, &padsum);
    fprintf(out, "Why:\n");
    para(out, "", "",
         "A value head scores a sequence by its output at one position, the last real token. "
         "Take a perfect head: its output at position t is log Pr(y_1..y_t | x), the "
         "likelihood of the prefix so far, so read at the last real token it is log Pr(y|x). "
         "In a right-padded batch the shorter candidates have pads where the longest has "
         "tokens, and [:, -1] reads them after their pads.");
    if (who >= 0)
        para(out, "", "",
             "\n%s is padded with %d %s position%s: at the last position the head has also "
             "seen the pad%s, which move%s its output by %s, to %s instead of %s. The script "
             "picks %s; log Pr(y|x) picks %s.",
             cand(s, res, who), npad, t->pad >= 0 ? t->vocab[t->pad] : "pad",
             npad == 1 ? "" : "s", npad == 1 ? "" : "s", npad == 1 ? "s" : "", num(padsum).s,
             num(res->cands[who].score).s, num(res->cands[who].log_prob).s, cand(s, res, p),
             cand(s, res, c));
    para(out, "", "",
         "\nA real head's output at a pad is whatever it learned there; it depends on how many "
         "pads the batch gave the row, so the same text scores differently in another batch.");
    fputc('\n', out);
    para(out, "Fix: ", "     ",
         "read each row's last real token: index attention_mask.sum(-1) - 1 under right "
         "padding, [:, -1] under left padding, or the argmax of the mask's cumulative sum "
         "(right under both).");
}

static void explain_ignored_target(FILE *out, const VerifyResult *res, ExplainStrs *s) {
    int p = res->script_rank[0], c = res->correct_rank[0];
    fprintf(out, "Why:\n");
    para(out, "", "",
         "The loop computes the sampled token's log-prob as -cross_entropy(logits, "
         "tokens[:, cur_pos], ignore_index=pad_id) before it writes the sampled token into "
         "tokens[:, cur_pos]. The buffer was filled with pad_id, so the target is still pad_id, "
         "which the loss ignores: it returns 0 for that position, whatever token follows.");
    para(out, "", "",
         "\nEvery term is 0, so every candidate scores %s: the script cannot rank them and "
         "keeps the first, %s; log Pr(y|x) picks %s (%s).",
         num(res->cands[p].score).s, cand(s, res, p), cand(s, res, c),
         num(res->cands[c].log_prob).s);
    fputc('\n', out);
    para(out, "Fix: ", "     ",
         "write the sampled token into the buffer first, then compute the loss with that "
         "position as its target.");
}

/* ---- the rule table ---- */

typedef struct {
    const char *code, *name, *headline;
    void (*why)(FILE *, const VerifyResult *, ExplainStrs *);
} ExplainRule;

/* ORDER RULES: codes as in DESIGN.md's rule catalog. */
static const ExplainRule explain_rules[] = {
    {"LL101", "raw-logit-sequence-score",
     "Summing (or averaging) the raw logits of the chosen tokens does not rank sequences by "
     "probability.",
     explain_raw_logits},
    {"LL102", "probability-product",
     "Multiplying per-token probabilities across positions underflows to 0; sum "
     "log-probabilities instead.",
     explain_product},
    {"LL103", "log-of-softmax",
     "log(softmax(x)) in two steps underflows to log(0) = -inf where log_softmax(x) is finite.",
     explain_log_of_softmax},
    {"LL104", "softmax-wrong-axis",
     "softmax / log_softmax over an axis that is not the vocabulary axis of LM logits.",
     explain_axis},
    {"LL105", "missing-causal-shift",
     "Logits at position t paired with the token at position t: each token is scored under "
     "the distribution of the next one.",
     explain_shift},
    {"LL106", "unmasked-positions",
     "Padding or prompt positions inside a summed / averaged sequence log-prob.", explain_unmasked},
    {"LL107", "mean-loss-ranking",
     "Candidates ranked by a mean token NLL (such as HF outputs.loss) over prompt + "
     "completion.",
     explain_mean_loss},
    {"LL108", "softmax-into-cross-entropy",
     "Probabilities fed to cross_entropy, which applies log_softmax itself: a double softmax.",
     explain_double_softmax},
    {"LL109", "logits-into-nll-loss",
     "Raw logits fed to nll_loss, which expects log-probabilities: the loss is minus the raw "
     "logit.",
     explain_raw_logits},
    {"LL110", "unstable-manual-softmax",
     "exp(x) / sum(exp(x)) without subtracting the max overflows: inf / inf = NaN.",
     explain_unstable},
    {"LL111", "score-at-padded-position",
     "A per-sequence value read at a position that is padding for some rows: a short "
     "sequence is scored by the head's output at a pad.",
     explain_pad_read},
    {"LL112", "target-read-before-write",
     "A loss target read from a buffer position before the loop writes it: the ignored fill "
     "makes every token's log-prob 0.",
     explain_ignored_target},
};

static const ExplainRule *explain_find(const char *code) {
    if (!code) return NULL;
    for (size_t i = 0; i < sizeof explain_rules / sizeof *explain_rules; i++) {
        const char *a = explain_rules[i].code, *b = code;
        while (*a && *b && toupper((unsigned char)*b) == *a)
            a++, b++;
        if (!*a && !*b) return &explain_rules[i];
    }
    return NULL;
}

bool explain_known(const char *code) {
    return explain_find(code) != NULL;
}

void explain_print(FILE *out, const char *code, const VerifyResult *res) {
    const ExplainRule *rule = explain_find(code);
    if (!rule) {
        fprintf(out, "%s: no explanation (known rules: LL101-LL112)\n", code ? code : "(null)");
        return;
    }
    VerifyResult *own = NULL;
    if (!res) {
        own = verify_counterexample(verify_recipe_for_rule(rule->code));
        if (!own) {
            fprintf(out, "%s %s: out of memory computing the counterexample\n", rule->code,
                    rule->name);
            return;
        }
        res = own;
    }
    ExplainStrs s = {{0}, 0};
    fprintf(out, "%s %s\n", rule->code, rule->name);
    para(out, "", "", "%s", rule->headline);
    fputc('\n', out);
    counterexample(out, res, &s);
    rule->why(out, res, &s);
    strs_free(&s);
    verify_result_free(own);
}

static const char explain_usage[] =
    "Usage: logitlint explain CODE [--recipe NAME]\n"
    "\n"
    "Prints the reviewer's explanation of a rule (LL101-LL112) with the numbers of its\n"
    "counterexample, ready to paste into a review. --recipe picks another recipe's\n"
    "counterexample (see logitlint verify --list-recipes); by default the rule's first.\n";

int explain_main(int argc, char **argv) {
    const char *code = NULL, *recipe = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(explain_usage, stdout);
            return 0;
        } else if (strcmp(argv[i], "--recipe") == 0 && i + 1 < argc) {
            recipe = argv[++i];
        } else if (strncmp(argv[i], "--recipe=", 9) == 0) {
            recipe = argv[i] + 9;
        } else if (argv[i][0] == '-' || code) {
            fprintf(stderr,
                    "logitlint explain: unexpected argument \"%s\" (usage: logitlint "
                    "explain CODE [--recipe NAME])\n",
                    argv[i]);
            return 2;
        } else {
            code = argv[i];
        }
    }
    if (!code) {
        fprintf(stderr, "logitlint explain: missing rule code (usage: logitlint explain CODE, "
                        "e.g. logitlint explain LL101)\n");
        return 2;
    }
    const ExplainRule *rule = explain_find(code);
    char upper[16] = "";
    for (size_t i = 0; !rule && code[i] && i + 1 < sizeof upper; i++)
        upper[i] = (char)toupper((unsigned char)code[i]);
    const Rule *plain = rule ? NULL : rules_find(upper);
    if (plain) { /* a rule with no ranking to flip (LL001): its documentation says it all */
        printf("%s %s has no counterexample to explain; its documentation:\n\n", plain->code,
               plain->name);
        rules_print_doc(stdout, plain);
        return 0;
    }
    if (!rule) {
        fprintf(stderr,
                "logitlint explain: unknown rule code \"%s\" (see `logitlint rule --all`)\n", code);
        return 2;
    }
    const VerifyRecipe *r =
        recipe ? verify_recipe_find(recipe) : verify_recipe_for_rule(rule->code);
    if (!r) {
        fprintf(stderr,
                "logitlint explain: unknown recipe \"%s\" (see logitlint verify "
                "--list-recipes)\n",
                recipe);
        return 2;
    }
    VerifyResult *res = verify_counterexample(r);
    if (!res) {
        fprintf(stderr, "logitlint explain: out of memory\n");
        return 2;
    }
    explain_print(stdout, rule->code, res);
    verify_result_free(res);
    return 0;
}
