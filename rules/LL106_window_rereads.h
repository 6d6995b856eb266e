/* LL106's strided windows (LL106_window_rereads.c). */
#ifndef LOGITLINT_LL106_WINDOW_REREADS_H
#define LOGITLINT_LL106_WINDOW_REREADS_H

#include "rules.h"

/* Is the sum at `sum` (of the token scores f) one of a whole window of a loop that advances by
 * less than the window's length, kept across the loop (acc += ..., a list's append), with
 * nothing written over the window's first positions? */
bool ll106_window_rereads(const Source *src, TSNode sum, const Fact *f);

#endif
