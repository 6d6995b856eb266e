/* project: the other files of the analysed project that one file's analysis reads. Imports
 * that name a module of the project (relative, or absolute from a directory above the file)
 * load that module: its top-level definitions (functions, classes, constants, its own imports
 * and re-exports) become what the imported names hold, and its functions run at this file's
 * call sites as the file's own do. Those modules are read, never reported: what their code
 * does for a call of this file is reported at that call (lint_sites.c).
 *
 * Everything lives in one ProjectFile per analysed file, so results never depend on which
 * thread analysed what, or in which order. */
#ifndef LOGITLINT_PROJECT_H
#define LOGITLINT_PROJECT_H

#include <stdbool.h>
#include <stddef.h>
#include <tree_sitter/api.h>

#include "parse.h"
#include "source.h"

typedef struct ProjectFile ProjectFile;
typedef struct ProjectCache ProjectCache;

/* Bounds on what one file's analysis reads of the rest of its project. */
enum {
    PROJECT_MAX_MODULES = 64,
    PROJECT_MAX_MODULE_BYTES = 2 << 20,
    PROJECT_MAX_BYTES = 16 << 20,
    PROJECT_MAX_STEPS = 1000000, /* interpreter steps spent in other files' code */
    PROJECT_MAX_ANCESTORS = 8,   /* directories above a file searched for absolute imports */
    PROJECT_CACHE_BYTES = 32 << 20, /* source kept parsed for the whole run */
};

/* project_cache.c: the modules read in one run, shared by its threads (thread-safe). */
ProjectCache *project_cache_new(void);
void project_cache_free(ProjectCache *c);
/* A module read for one analysis only (the run's cache was full): the caller frees it. */
typedef struct ProjectRead {
    Source src;
    Parsed parsed;
} ProjectRead;
void project_read_free(ProjectRead *r);
/* The module whose canonical path is real: its source and a syntax tree; false when it cannot
 * be read or parsed. Either the cache's source and a copy of its tree (the caller's to
 * ts_tree_delete), or, once the cache is full, *owned, which holds both. */
bool project_cache_get(ProjectCache *c, const char *real, const Source **src, TSTree **tree,
                       ProjectRead **owned);
/* find(key), computed once per run for each key (a copy the caller frees; NULL: none). */
char *project_cache_find(ProjectCache *c, const char *key, char *(*find)(const char *key));

/* For the file at path (as given on the command line), whose source is src: src->peers then
 * names the project's files the analysis reads, from cache. */
ProjectFile *project_file_new(const char *path, Source *src, ProjectCache *cache);
void project_file_free(ProjectFile *pf);
/* The files of the project this file's analysis read (their paths as shown), in the order
 * they were first imported: what a result cache must key on besides the file itself. */
size_t project_file_imports(const ProjectFile *pf, const char *const **paths);

#endif
