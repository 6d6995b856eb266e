/* noqa_add: --add-noqa. A `# noqa: CODE` directive on the line where each finding starts (an
 * existing directive on that line is extended), so a code base adopts logitlint before every
 * finding is fixed. Notebooks get theirs inside the cell's source. */
#ifndef LOGITLINT_NOQA_ADD_H
#define LOGITLINT_NOQA_ADD_H

#include <stdio.h>

#include "diag.h"

/* Adds directives for diags[0..n) (all of file `path`; E902 and LL001 are passed over) and
 * rewrites the file. Returns how many directives were added or extended; lines where none can
 * go (the line ends inside a string or with a backslash) are named on `warnings`. -1 with err
 * when the file cannot be read or written. */
int noqa_add_file(const char *path, const Diagnostic *diags, size_t n, FILE *warnings, char *err,
                  size_t errlen);

#endif
