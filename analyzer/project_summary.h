/* project_summary: what running a module's top level left (its names, its function index, the
 * modules it imported), kept once per run by the module's parse (project_cache.c) and shared
 * read-only by every analysis that imports the module, on every thread. Everything it points
 * to is its own (one block of it) or its module's and its imports' parses, which it holds:
 * nothing of the analysis that computed it. project.c says when a summary holds for an
 * importer. */
#ifndef LOGITLINT_PROJECT_SUMMARY_H
#define LOGITLINT_PROJECT_SUMMARY_H

#include "facts_internal.h"
#include "project.h"

typedef struct SummaryTouch { /* a module the top level imported (or found imported) */
    const char *real;         /* its canonical path */
    ProjectRead *read;        /* its parse: held while the summary lives (project_cache.c) */
    const ProjectSummary *summary;
    size_t bytes; /* its source's length (PROJECT_MAX_BYTES) */
} SummaryTouch;

struct ProjectSummary {
    char *block; /* all of the below */
    size_t used;
    size_t bytes; /* what it holds */
    Arena scratch; /* (while it is measured: project_summary.c) */
    Binding *items; /* the module's environment */
    size_t nitems;
    uint32_t *slots;
    size_t nslots;
    FuncInfo *funcs; /* its functions by name */
    size_t nfuncs;
    uint32_t *func_slots;
    size_t func_nslots;
    SummaryTouch *touches; /* in the order its top level reached them */
    size_t ntouches;
    ProjectAsk *asks; /* what its load asked of the file system, imports included */
    size_t nasks;
    long steps;                /* interpreter steps its own top level took */
    int block_room, expr_room; /* how much deeper than its import its code nested */
};

/* A summary of the module whose top level left frame and funcs (deep copies). */
ProjectSummary *project_summary_new(const Frame *frame, const FuncList *funcs,
                                    const uint32_t *func_slots, size_t func_nslots,
                                    const SummaryTouch *touches, size_t ntouches,
                                    const ProjectAsk *asks, size_t nasks);
/* The importer's own copy of the module's names and functions (which its analysis changes),
 * their facts the summary's. */
void project_summary_install(const ProjectSummary *s, Interp *in, Frame *frame, FuncList *funcs,
                             uint32_t **func_slots, size_t *func_nslots);
void project_summary_free(ProjectSummary *s); /* (project_cache.c releases the touches' reads) */

#endif
