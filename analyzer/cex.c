/* The counterexamples of a run's findings (see cex.h). */
#define _DEFAULT_SOURCE /* realpath */
#include "cex.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "exec.h"
#include "fix_verify.h"

typedef struct Shape { /* a recipe's counterexample, searched once per run */
    const VerifyRecipe *recipe;
    VerifyResult *result;
} Shape;

struct CexPool {
    pthread_mutex_t lock;
    Array(Shape) shapes;
    Array(VerifyResult *) owned; /* the findings' own */
};

CexPool *cex_pool_new(void) {
    CexPool *p = util_xcalloc(1, sizeof *p);
    pthread_mutex_init(&p->lock, NULL);
    return p;
}

void cex_pool_free(CexPool *p) {
    if (!p) return;
    for (size_t k = 0; k < p->shapes.len; k++)
        verify_result_free(p->shapes.items[k].result);
    for (size_t k = 0; k < p->owned.len; k++)
        verify_result_free(p->owned.items[k]);
    array_free(&p->shapes);
    array_free(&p->owned);
    pthread_mutex_destroy(&p->lock);
    free(p);
}

const VerifyResult *cex_adopt(CexPool *p, VerifyResult *res) {
    pthread_mutex_lock(&p->lock);
    array_push(&p->owned, res);
    pthread_mutex_unlock(&p->lock);
    return res;
}

/* The recipe's counterexample: searched outside the lock (a search takes a while, and the other
 * threads go on); the same for every thread (deterministic), so the first one kept stands. */
static const VerifyResult *shape_of(CexPool *p, const VerifyRecipe *r) {
    pthread_mutex_lock(&p->lock);
    for (size_t k = 0; k < p->shapes.len; k++)
        if (p->shapes.items[k].recipe == r) {
            const VerifyResult *known = p->shapes.items[k].result;
            pthread_mutex_unlock(&p->lock);
            return known;
        }
    pthread_mutex_unlock(&p->lock);
    VerifyResult *mine = verify_counterexample(r);
    pthread_mutex_lock(&p->lock);
    for (size_t k = 0; k < p->shapes.len && mine; k++)
        if (p->shapes.items[k].recipe == r) {
            verify_result_free(mine);
            mine = NULL;
        }
    if (mine) array_push(&p->shapes, ((Shape){r, mine}));
    const VerifyResult *kept = NULL;
    for (size_t k = 0; k < p->shapes.len && !kept; k++)
        if (p->shapes.items[k].recipe == r) kept = p->shapes.items[k].result;
    pthread_mutex_unlock(&p->lock);
    return kept;
}

/* Why the script's own run of a finding no recipe models is not shown (one line, to why): what
 * its note says, or that its numbers did not come from the flagged code, or that they are not
 * finite (another defect's harm). */
static void unshown_run(const VerifyResult *own, char *why, size_t n) {
    char entry[128];
    verify_result_entry_text(own, entry, sizeof entry);
    if (own->note[0])
        snprintf(why, n, "%s", own->note);
    else if (own->via_callee)
        snprintf(why, n, "%s ranks otherwise than log Pr(y|x), but its run did not pass through "
                         "the flagged code", entry);
    else if (own->harm == VERIFY_HARM_NONE)
        snprintf(why, n, "%s ranks the candidates as log Pr(y|x) does on the %d runs tried", entry,
                 own->runs);
    else
        snprintf(why, n, "%s gives a %s score on the table tried, another defect's harm than "
                         "this finding's", entry, own->harm == VERIFY_HARM_NAN ? "NaN" : "infinite");
}

void cex_attach(CexPool *p, Diagnostic *diags, size_t n, bool fixing, bool unsafe) {
    for (size_t i = 0; i < n; i++) {
        Diagnostic *d = &diags[i];
        if (d->cex || d->cex_tried) continue;
        bool applied = d->fix && (d->fix->applicability == FIX_SAFE || (fixing && unsafe));
        if (fixing && !applied) continue;
        d->cex_tried = true; /* (the run is deterministic: trying again gives the same) */
        /* a finding no recipe models (a training loss's padded labels, an eps floor) is still
         * run: its rule's first recipe only sets the tables tried and the order, and the result
         * is kept only where the script's own finite numbers, computed through the flagged code,
         * rank otherwise than log Pr(y|x) (a NaN or an inf there is another defect's, and no
         * recipe stands in for code of another shape) */
        bool modelled = d->recipe != NULL;
        const VerifyRecipe *r = verify_recipe_at_precision(modelled ? d->recipe : verify_recipe_for_rule(d->code), false);
        char why[240] = "";
        _Static_assert(sizeof why > 48 + 170, "the reason's prefix and the run's reason fit");
        VerifyResult *own = NULL;
        if (!r)
            snprintf(why, sizeof why, "%s has no recipe and its code was not run", d->code);
        else if (r->mask == VERIFY_MASK_OWN_PROMPT) /* the toy run gives all rows one prompt */
            snprintf(why, sizeof why, "its rows have prompts of their own, and a run on the toy "
                                      "model gives them one shared prompt");
        else
            own = verify_exec_finding(&d->site, r, shape_of(p, r), why, sizeof why);
        if (!own && !modelled && why[0]) { /* the run's reason alone names no finding's fact */
            char run[sizeof why];
            snprintf(run, sizeof run, "%s", why);
            snprintf(why, sizeof why, "no recipe models it, and its code's run gave no ranking: %.170s", run);
        }
        if (!modelled && own &&
            (own->note[0] || own->via_callee || (own->harm != VERIFY_HARM_FLIP && own->harm != VERIFY_HARM_TIE))) {
            unshown_run(own, why, sizeof why);
            verify_result_free(own);
            own = NULL;
        }
        if (!own && modelled && (own = verify_result_rescore(shape_of(p, r))))
            snprintf(own->fallback, sizeof own->fallback, "%s", why);
        free(d->no_cex);
        d->no_cex = NULL;
        if (!own) {
            d->no_cex = util_xstrdup(why[0] ? why : "the verifier found no counterexample");
            continue;
        }
        d->cex = cex_adopt(p, own);
        fix_verify(d);
    }
}

/* ---- what the script's code read ---- */

/* The canonical path of the module an import names (exec_module_locate); NULL: none. */
static char *exec_answer(const char *question) {
    const char *nl1 = strchr(question, '\n'), *nl2 = nl1 ? strchr(nl1 + 1, '\n') : NULL;
    if (!nl2) return NULL;
    char *dotted = util_xstrndup(nl1 + 1, (size_t)(nl2 - nl1 - 1)), path[PATH_MAX];
    int level = atoi(question);
    char *real = exec_module_locate(nl2 + 1, level, dotted, path, sizeof path)
                     ? realpath(path, NULL)
                     : NULL;
    free(dotted);
    return real;
}

/* (the run's memo of answers is shared with project.c's questions: a leading "\n\1" keeps
 * these apart from its paths and dotted names) */
static char *exec_find(ProjectCache *c, const char *key) {
    (void)c;
    return exec_answer(key + 2);
}

bool cex_ask_holds(ProjectCache *c, const ProjectAsk *a) {
    if (a->kind == PROJECT_ASK_READ) return project_cache_read_holds(c, a);
    if (a->kind != PROJECT_ASK_EXEC) return false;
    char *key = util_xasprintf("\n\1%s", a->question);
    bool same = project_cache_found(c, key, exec_find, a->answer);
    free(key);
    return same;
}

static bool asked_already(const ProjectAsks *asks, size_t from, uint32_t kind, const char *q) {
    for (size_t i = from; i < asks->len; i++)
        if (asks->items[i].kind == kind && !strcmp(asks->items[i].question, q)) return true;
    return false;
}

/* The asks of one file's modules: every import resolved (from a module whose path is known),
 * and the text of every module it named. */
static void modules_asks(ProjectCache *c, const ExecModules *m, ProjectAsks *asks, size_t from) {
    for (size_t i = 0; i < m->asked.len; i++) {
        const ExecAsked *a = &m->asked.items[i];
        const char *importer = m->items[a->from].real;
        if (!importer) continue; /* (never looked up) */
        char *q = util_xasprintf("%d\n%s\n%s", a->level, a->dotted, importer);
        if (asked_already(asks, from, PROJECT_ASK_EXEC, q)) {
            free(q);
            continue;
        }
        char *real = exec_answer(q); /* asked again now: a module that failed to load too */
        array_push(asks, ((ProjectAsk){PROJECT_ASK_EXEC, q, real, {0, 0}}));
        if (!real || asked_already(asks, from, PROJECT_ASK_READ, real)) continue;
        const Source *text = NULL;
        for (int k = 1; k < m->n; k++)
            if (m->items[k].real && !strcmp(m->items[k].real, real)) text = m->items[k].src;
        Source now = {0};
        char err[256];
        bool read = !text && source_load_file(&now, real, err, sizeof err) == SOURCE_OK;
        array_push(asks, project_cache_read_ask(c, real, text ? text : read ? &now : NULL));
        if (read) source_free(&now);
    }
}

void cex_asks(ProjectCache *c, const Diagnostic *d, size_t n, ProjectAsks *asks) {
    size_t from = asks->len;
    for (size_t i = 0; i < n; i++) {
        const VerifySource *vs = d[i].site.src;
        bool seen = false;
        for (size_t k = 0; k < i && !seen; k++)
            seen = d[k].site.src == vs;
        const ExecModules *m = vs && !seen ? verify_source_modules(vs) : NULL;
        if (m) modules_asks(c, m, asks, from);
    }
}
