/* fix_apply: edits to one analysed file, applied to the file as it is on disk: a .py file byte
 * for byte; a notebook inside the JSON strings of its code cells, so that nothing else of the
 * notebook (outputs, metadata, markdown, formatting) changes. Used by --fix and --add-noqa. */
#ifndef LOGITLINT_FIX_APPLY_H
#define LOGITLINT_FIX_APPLY_H

#include <stdbool.h>
#include <stddef.h>

#include "source.h"
#include "util.h"

/* Replace [start, end) of the analysed text (Source.text: a notebook's joined code cells) by
 * `content`. */
typedef struct FixEdit {
    size_t start, end;
    char *content;
} FixEdit;
typedef Array(FixEdit) FixEditList;

/* The file's new bytes: `raw` (raw_len bytes, as on disk; `src` was loaded from it) with the
 * edits applied. The edits are sorted by start and do not overlap. NULL, with a message in
 * err, when an edit cannot be placed (in a notebook: across two cells, or past a cell's end). */
char *fix_apply_text(const Source *src, const char *raw, size_t raw_len, const FixEditList *edits,
                     size_t *out_len, char *err, size_t errlen);
/* Replaces the file's contents (a temporary file renamed over it, keeping its mode). 0, or -1
 * with err. */
int fix_write_file(const char *path, const char *text, size_t len, char *err, size_t errlen);
/* Reads a whole file (malloc'd, NUL-terminated). NULL with err. */
char *fix_read_file(const char *path, size_t *len, char *err, size_t errlen);
void fix_edits_free(FixEditList *edits);

#endif
