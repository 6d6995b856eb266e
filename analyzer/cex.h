/* cex: the counterexamples attached to findings, computed on the worker threads (run.c) so that
 * the result cache keeps them, and owned by one pool for the run.
 *
 * A recipe's counterexample is searched once per run; each finding then gets its own: the
 * script's code under it where that runs (verify_exec_finding), else the recipe's, labelled with
 * why the script's code was not run. A fix is verified where the script's code ran. What that
 * code read of the project's other files (the modules it imported) is noted as asks (project.h)
 * for the cache entry. */
#ifndef LOGITLINT_CEX_H
#define LOGITLINT_CEX_H

#include "diag.h"
#include "project.h"

typedef struct CexPool CexPool;

CexPool *cex_pool_new(void);
void cex_pool_free(CexPool *p); /* and every counterexample it holds */

/* Attaches a counterexample to each of the n findings at d that has none and a recipe, unless
 * the verifier already ran on it (cex_tried: a finding whose search failed in the worker, or in
 * the run that stored its cache entry, is not searched again at the end of the run). fixing
 * (--fix / --diff, before the fixes are applied): only to those whose fix applies (unsafe:
 * unsafe fixes apply too). Thread-safe. */
void cex_attach(CexPool *p, Diagnostic *d, size_t n, bool fixing, bool unsafe);
/* p owns res from now on (a counterexample read from the result cache); returns it. */
const VerifyResult *cex_adopt(CexPool *p, VerifyResult *res);

/* What the script's code run for the n findings at d read of the project (the modules it
 * imported), appended to asks: each import's answer (PROJECT_ASK_EXEC) and each module's text
 * (PROJECT_ASK_READ, through c). */
void cex_asks(ProjectCache *c, const Diagnostic *d, size_t n, ProjectAsks *asks);
/* Does an ask cex_asks made (kind PROJECT_ASK_EXEC) get the same answer now? */
bool cex_ask_holds(ProjectCache *c, const ProjectAsk *a);

#endif
