#include "fix_verify.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fix.h"
#include "verify.h"

/* Random tables tried after the counterexample's, and the interpreter steps one table's runs may take. */
enum { FIX_VERIFY_RANDOM = 4, FIX_VERIFY_STEPS = 300000 };

/* Where byte `at` of the text (outside every edit) is once the edits are applied. */
static size_t moved(const FixEditList *edits, size_t at) {
    size_t now = at;
    for (size_t i = 0; i < edits->len && edits->items[i].end <= at; i++)
        now = now + strlen(edits->items[i].content) - (edits->items[i].end - edits->items[i].start);
    return now;
}

static size_t line_start(const char *text, size_t len, int line) {
    size_t at = 0;
    for (int row = 1; row < line && at < len; at++)
        row += text[at] == '\n';
    return at;
}

static int line_of(const char *text, size_t at) {
    int row = 1;
    for (size_t i = 0; i < at; i++)
        row += text[i] == '\n';
    return row;
}

/* Two candidates the result orders unlike log Pr(y|x): log Pr prefers *better by 1e-3 or more
 * (closer ones may come in any order: rounding), the scores do not. A pick need only be one of
 * the best. false: it ranks as log Pr(y|x) does. */
static bool misranked_pair(const VerifyResult *res, int *better, int *worse) {
    const VerifyCandidate *c = res->cands;
    for (int i = 0; i < res->n; i++)
        if (!isfinite(c[i].score) && isfinite(c[i].log_prob)) { /* NaN or inf: never a rank */
            *better = *worse = i;
            return true;
        }
    bool lower = verify_result_lower_is_better(res);
    bool pick = res->dtype && !strcmp(res->dtype, "pick");
    for (int i = 0; i < res->n; i++)
        for (int j = 0; j < res->n; j++) {
            if (c[i].log_prob - c[j].log_prob < 1e-3) continue;
            if (pick && j != res->script_rank[0]) continue;
            bool ahead = lower ? c[i].score < c[j].score : c[i].score > c[j].score;
            if (!ahead) {
                *better = i, *worse = j;
                return true;
            }
        }
    return false;
}

/* Runs the fixed text's function on t: 1 ranks as log Pr(y|x), 0 does not (note says how),
 * -1 could not run (note says why). */
static int run_on(const Diagnostic *d, const char *text, size_t len, int line, const VerifyTable *t,
                  const char *which, char *note, size_t n) {
    char why[200];
    VerifyResult *res = verify_exec_source(d->filename, text, len, line, d->cex->recipe, t,
                                           FIX_VERIFY_STEPS, why, sizeof why);
    if (!res) {
        snprintf(note, n, "the fixed code could not be run on %s: %.200s", which, why);
        return -1;
    }
    int better, worse;
    bool wrong = misranked_pair(res, &better, &worse);
    if (wrong) {
        char *a = verify_print_seq(res->table, &res->table->candidates[better]);
        char *b = verify_print_seq(res->table, &res->table->candidates[worse]);
        char score[32], entry[112];
        verify_print_num(res->cands[better].score, score, sizeof score);
        if (better == worse)
            snprintf(note, n, "on %s the fixed %.90s scores %.60s %s where log Pr(y|x) is finite",
                     which, verify_result_entry_text(res, entry, sizeof entry), a, score);
        else
            snprintf(note, n,
                     "on %s the fixed %.90s does not rank %.60s above %.60s as log Pr(y|x) does",
                     which, verify_result_entry_text(res, entry, sizeof entry), a, b);
        free(a);
        free(b);
    }
    verify_result_free(res);
    return !wrong;
}

void fix_verify(Diagnostic *d) {
    DiagFix *f = d->fix;
    /* (an entry in another module: the fix, in this file, does not change the code run) */
    if (!f || !d->cex || !d->cex->by_script || d->cex->entry_file[0] || !d->site.src) return;
    size_t len;
    const char *text = verify_source_text(d->site.src, &len);
    size_t now_len;
    char *now = fix_edits_apply(text, len, &f->edits, &now_len);
    int line = line_of(now, moved(&f->edits, line_start(text, len, d->cex->entry_line)));
    int rc = run_on(d, now, now_len, line, d->cex->table, "the counterexample's table",
                    f->verify_note, sizeof f->verify_note);
    int tables = rc == 1;
    const VerifyRecipe *r = d->cex->recipe;
    for (int i = 0; rc == 1 && i < FIX_VERIFY_RANDOM; i++) {
        VerifyTable *t = verify_search_random(r, verify_search_seed(r), i);
        char which[48], note[sizeof f->verify_note];
        snprintf(which, sizeof which, "random table %d", i + 1);
        int on = t ? run_on(d, now, now_len, line, t, which, note, sizeof note) : -1;
        verify_table_free(t);
        if (on == 0) snprintf(f->verify_note, sizeof f->verify_note, "%s", note);
        rc = on == 0 ? 0 : rc;
        tables += on == 1;
    }
    f->verified = rc == 1 ? FIX_VERIFIED : rc == 0 ? FIX_MISRANKS : FIX_UNVERIFIED;
    if (rc == 1)
        snprintf(f->verify_note, sizeof f->verify_note,
                 "the fixed %.90s() ranks candidates as log Pr(y|x) does on %d table%s",
                 d->cex->entry, tables, tables == 1 ? "" : "s");
    free(now);
}
