/* discover: the files a `check` run analyses, from the paths on the command line. */
#ifndef LOGITLINT_DISCOVER_H
#define LOGITLINT_DISCOVER_H

#include <stdio.h>

#include "util.h"

typedef Array(char *) PathList;

/* Appends the Python files under `path` (the path itself if it is a file) to `files`, sorted.
 * Problems (a missing path, an unreadable directory) are printed to `errors`, one line each;
 * returns the number of problems. */
int discover_paths(const char *path, PathList *files, FILE *errors);
void discover_free(PathList *files);

#endif
