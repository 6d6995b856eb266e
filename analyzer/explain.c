/* explain: the reviewer's explanation of a rule, written around the numbers of
 * the rule's counterexample: the frame (headline, counterexample table, picks)
 * here, the why beside each rule (Rule.explain, rules/LL1xx_*.c), written with
 * the helpers below. The prose is wrapped at 78 columns so it pastes cleanly
 * into a review. */
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

ExplainNum explain_num(double v) {
    ExplainNum n;
    verify_print_num(v, n.s, sizeof n.s);
    return n;
}

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

const char *explain_cand(ExplainStrs *s, const VerifyResult *res, int i) {
    return keep(s, verify_print_seq(res->table, &res->table->candidates[i]));
}

const char *explain_context(ExplainStrs *s, const VerifyResult *res, int ctx) {
    return keep(s, verify_print_prefix(res->table, &res->table->contexts[ctx].prefix));
}

/* Prints a paragraph wrapped at EXPLAIN_WIDTH: `first` before the first line,
 * `rest` before the others (a hanging indent for numbered points). */
void explain_para(FILE *out, const char *first, const char *rest, const char *fmt, ...) {
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
        snprintf(s, cap, "%s", explain_num(total).s);
        return s;
    }
    if (mean) k += (size_t)snprintf(s + k, cap - k, "(");
    for (int i = 0; i < n; i++) {
        if (i == 0)
            k += (size_t)snprintf(s + k, cap - k, "%s", explain_num(terms[i]).s);
        else if (op == 'x')
            k += (size_t)snprintf(s + k, cap - k, " x %s", explain_num(terms[i]).s);
        else if (terms[i] < 0 && isfinite(terms[i]))
            k += (size_t)snprintf(s + k, cap - k, " - %s", explain_num(-terms[i]).s);
        else
            k += (size_t)snprintf(s + k, cap - k, " + %s", explain_num(terms[i]).s);
    }
    if (mean) k += (size_t)snprintf(s + k, cap - k, ") / %d", n);
    snprintf(s + k, cap - k, " = %s", explain_num(total).s);
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
    const char *label = verify_result_score_label(res);
    char entry[112];
    if (res->by_script)
        explain_para(out, "", "  ",
                     "Counterexample (the script's own %s of line %d%s%s, run on table %s):",
                     verify_result_entry_text(res, entry, sizeof entry), res->entry_line, res->entry_file[0] ? " of " : "", res->entry_file, t->label);
    else
        explain_para(
            out, "", "  ",
            "Counterexample (recipe %s, what a scorer of this shape computes; table %s%s):",
            r->name, t->label,
            t->origin == VERIFY_ORIGIN_BUILTIN  ? ", the built-in A/B/C case"
            : t->origin == VERIFY_ORIGIN_SEARCH ? ", found by seeded search and shrunk"
                                                : "");
    /* what the run chose where the table cannot say (a head's weights, a sampler's draw) */
    for (int i = 0; i < res->n_stand_ins; i++)
        explain_para(out, "  ", "    ", "stand-in: %s", res->stand_ins[i]);
    if (t->n_vocab <= 10) {
        char vocab[512];
        size_t k = 0;
        for (int v = 0; v < t->n_vocab && k < sizeof vocab - 64; v++)
            k += (size_t)snprintf(vocab + k, sizeof vocab - k, "%s%s", v ? ", " : "", t->vocab[v]);
        explain_para(out, "  ", "  ",
                     "vocabulary {%s}; each row is a context and its next-token logits", vocab);
    }
    verify_print_table(out, t, "  ", true);
    int wc = (int)strlen("candidate"), ws = (int)strlen(label);
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
            int k = (int)strlen(explain_cand(s, res, i));
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
        ws = (int)strlen(label);
    }
    fprintf(out, "\n  %-*s  %-*s  %s\n", wc, "candidate", ws, label, "log Pr(y|x)");
    for (int i = 0; i < res->n; i++) {
        fprintf(out, "  %-*s  %-*s  %s\n", wc, explain_cand(s, res, i), ws, se[i] ? se[i] : "?",
                le[i] ? le[i] : "?");
        free(se[i]);
        free(le[i]);
    }
    free(se);
    free(le);
    int p = res->script_rank[0], c = res->correct_rank[0];
    fputc('\n', out);
    if (p != c && res->harm == VERIFY_HARM_FLIP)
        explain_para(out, "", "",
                     "%s vs %s: %s %s is %s vs %s%s, so it picks %s; log Pr(y|x) is %s vs %s, "
                     "so the correct objective picks %s.",
                     explain_cand(s, res, c), explain_cand(s, res, p),
                     res->by_script ? "the script's" : "such a scorer's", label,
                     explain_num(res->cands[c].score).s, explain_num(res->cands[p].score).s,
                     verify_result_lower_is_better(res) ? " (lowest wins)" : "",
                     explain_cand(s, res, p), explain_num(res->cands[c].log_prob).s,
                     explain_num(res->cands[p].log_prob).s, explain_cand(s, res, c));
    else if (p != c)
        explain_para(out, "", "", "The correct objective picks %s; %s picks %s.",
                     explain_cand(s, res, c), verify_result_actor(res, false),
                     explain_cand(s, res, p));
    else
        explain_para(out, "", "", "Here %s and the correct objective both pick %s.",
                     verify_result_actor(res, false), explain_cand(s, res, c));
    char *v = verify_print_verdict(res);
    if (v && res->harm != VERIFY_HARM_FLIP && res->harm != VERIFY_HARM_NONE)
        explain_para(out, "", "", "In numbers: %s.", v);
    free(v);
    fputc('\n', out);
}

/* ---- for the rules' explanations (Rule.explain) ---- */

const VerifyStep *explain_find_step(const VerifyResult *res, int *who,
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

double explain_context_max(const VerifyTable *t, int ctx) {
    double m = -INFINITY;
    for (int k = 0; k < t->n_vocab; k++)
        if (t->contexts[ctx].logits[k] > m) m = t->contexts[ctx].logits[k];
    return m;
}

int explain_first_padded(const VerifyResult *res, int *npad, double *padsum) {
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

/* ---- the rules that explain themselves (Rule.explain) ---- */

/* A rule with an explanation and a recipe to tell it on, by code in any case; NULL: none. */
static const Rule *explain_find(const char *code) {
    char upper[16];
    size_t n = code ? strlen(code) : sizeof upper;
    if (n >= sizeof upper) return NULL;
    for (size_t i = 0; i <= n; i++)
        upper[i] = (char)toupper((unsigned char)code[i]);
    const Rule *rule = rules_find(upper);
    return rule && rule->explain && rule->recipes ? rule : NULL;
}

/* The codes with an explanation, as "LL101-LL112" (ORDER: the registry is by code). */
static const char *explained_codes(char *buf, size_t n) {
    const char *first = NULL, *last = NULL;
    for (size_t i = 0; i < rules_count; i++)
        if (rules_registry[i]->explain) {
            if (!first) first = rules_registry[i]->code;
            last = rules_registry[i]->code;
        }
    snprintf(buf, n, "%s-%s", first ? first : "", last ? last : "");
    return buf;
}

bool explain_known(const char *code) {
    return explain_find(code) != NULL;
}

void explain_print(FILE *out, const char *code, const VerifyResult *res) {
    const Rule *rule = explain_find(code);
    char codes[32];
    if (!rule) {
        fprintf(out, "%s: no explanation (known rules: %s)\n", code ? code : "(null)",
                explained_codes(codes, sizeof codes));
        return;
    }
    VerifyResult *own = NULL;
    if (!res) {
        own = verify_counterexample(rule->recipes[0]);
        if (!own) {
            fprintf(out, "%s %s: out of memory computing the counterexample\n", rule->code,
                    rule->name);
            return;
        }
        res = own;
    }
    ExplainStrs s = {{0}, 0};
    fprintf(out, "%s %s\n", rule->code, rule->name);
    explain_para(out, "", "", "%s", rule->explain_headline);
    fputc('\n', out);
    counterexample(out, res, &s);
    /* The why is told step by step on a recipe's terms: under the script's own numbers, on
     * the recipe's counterexample, said to be that. */
    if (res->by_script && !own) {
        own = verify_counterexample(verify_recipe_at_precision(res->recipe, false));
        if (own) {
            explain_para(
                out, "", "",
                "Why, step by step, on the counterexample of a scorer of this shape (recipe %s):",
                own->recipe->name);
            counterexample(out, own, &s);
            res = own;
        }
    }
    if (!res->by_script) rule->explain(out, res, &s);
    strs_free(&s);
    verify_result_free(own);
}

static void explain_usage(FILE *out) {
    char codes[32];
    fprintf(out,
            "Usage: logitlint explain CODE [--recipe NAME]\n"
            "\n"
            "Prints the reviewer's explanation of a rule (%s) with the numbers of its\n"
            "counterexample, ready to paste into a review. --recipe picks another recipe's\n"
            "counterexample (see logitlint verify --list-recipes); by default the rule's first.\n",
            explained_codes(codes, sizeof codes));
}

int explain_main(int argc, char **argv) {
    const char *code = NULL, *recipe = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            explain_usage(stdout);
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
    const Rule *rule = explain_find(code);
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
    const VerifyRecipe *r = recipe ? verify_recipe_find(recipe) : rule->recipes[0];
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
