/* notebook: a Jupyter notebook (.ipynb) as a Source. The code cells are joined in order; the
 * Source's line map also maps each line to its cell (1-based among all cells) and its row in
 * the cell. IPython magics, `!shell` lines and `?` help are neutralised in place, byte for
 * byte, so every other position is unchanged. */
#ifndef LOGITLINT_NOTEBOOK_H
#define LOGITLINT_NOTEBOOK_H

#include <stdbool.h>
#include <stddef.h>

#include "source.h"
#include "util.h"

/* Does the path name a notebook (by its extension)? */
bool notebook_is_path(const char *path);
/* Replaces a loaded Source holding notebook JSON with the Python of its code cells.
 * SOURCE_ERR_NOTEBOOK (message in err, naming the file) when it is not a valid notebook; the
 * Source is then left as it was. */
SourceStatus notebook_convert(Source *src, char *err, size_t errlen);
/* Where a code cell's source sits in the notebook's JSON text: for each string of its "source"
 * (one, or one per line), its 1-based line and the raw (still escaped) bytes [from, to). */
typedef struct NotebookSpan {
    int line;
    size_t from, to;
} NotebookSpan;
typedef Array(NotebookSpan) NotebookSpans;
/* The spans of cell `cell` (1-based among all cells); empty when there is none. */
void notebook_source_spans(const char *json, size_t len, int cell, NotebookSpans *out);

/* Neutralises the IPython syntax of one code cell in place (exposed for tests). */
void notebook_neutralise(char *cell, size_t len);

#endif
