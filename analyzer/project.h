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

#include <stddef.h>

#include "source.h"

typedef struct ProjectFile ProjectFile;

/* Bounds on what one file's analysis reads of the rest of its project. */
enum {
    PROJECT_MAX_MODULES = 64,
    PROJECT_MAX_MODULE_BYTES = 2 << 20,
    PROJECT_MAX_BYTES = 16 << 20,
    PROJECT_MAX_STEPS = 1000000, /* interpreter steps spent in other files' code */
    PROJECT_MAX_ANCESTORS = 8,   /* directories above a file searched for absolute imports */
};

/* For the file at path (as given on the command line), whose source is src: src->peers then
 * names the project's files the analysis reads. */
ProjectFile *project_file_new(const char *path, Source *src);
void project_file_free(ProjectFile *pf);
/* The files of the project this file's analysis read (their paths as shown), in the order
 * they were first imported: what a result cache must key on besides the file itself. */
size_t project_file_imports(const ProjectFile *pf, const char *const **paths);

#endif
