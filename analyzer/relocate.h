/* relocate: a finding another file's code shows only with the arguments of a call (lint_sites.c
 * reports it at the call) is reported in that code when the run analyses that file too; at the
 * call otherwise (a hook given the changed file only), so it is never lost. */
#ifndef LOGITLINT_RELOCATE_H
#define LOGITLINT_RELOCATE_H

#include "diag.h"
#include "discover.h"

/* Moves the findings of diags that lie in code of one of the run's files (enabled[i]: the rules
 * in force for files->items[i]) there, once per place and rule; drops those a `# noqa` of that
 * code covers, and takes them out of that file's LL001 findings. Then sorts diags (diag_sort). */
void relocate_findings(DiagList *diags, const PathList *files, const bool (*enabled)[64]);

#endif
