/* suppress: `# noqa` comments and file-level `# logitlint: noqa` directives of one source, and
 * the removal of the findings they suppress. Each directive remembers which of its codes
 * suppressed something, so LL001 (unused-noqa) can report the rest without re-reading text. */
#ifndef LOGITLINT_SUPPRESS_H
#define LOGITLINT_SUPPRESS_H

#include <stdbool.h>
#include <tree_sitter/api.h>

#include "diag.h"
#include "parse.h"

typedef struct NoqaCode {
    char *code; /* as written: LL101, E501, ... */
    bool used;  /* suppressed at least one finding */
} NoqaCode;

typedef struct NoqaDirective {
    TSNode comment;  /* the comment node (valid while the parse tree lives) */
    int row;         /* 1-based source row of the comment */
    bool file_level; /* `# logitlint: noqa[: CODES]` on its own line */
    bool blanket;    /* no codes: suppresses every finding it covers */
    bool used;       /* blanket directive that suppressed something */
    size_t codes_end; /* offset in the comment's text just past its last code (0: no code) */
    Array(NoqaCode) codes;
} NoqaDirective;

typedef Array(NoqaDirective) NoqaList;

/* Collects the directives in the comments of a parsed file (strings never count). */
void suppress_collect(NoqaList *out, const Parsed *p);
/* Removes the findings diags[from..] that a directive covers (a line directive covers findings
 * starting on its row; a file-level one every finding), marking the directives used. */
void suppress_apply(NoqaList *list, DiagList *diags, size_t from);
void suppress_free(NoqaList *list);
/* The row of a directive that covers a finding of `code` starting on `row` (0: none), marking
 * nothing: for a finding another file's analysis made in this file's code (lint_sites.c). */
int suppress_covering_row(const NoqaList *list, const char *code, int row);

/* Parses one comment's text; true when it holds a directive (fills d->blanket/codes/file_level
 * except `comment` and `row`). `own_line`: nothing but whitespace precedes it on its line. */
bool suppress_parse_comment(const char *text, size_t len, bool own_line, NoqaDirective *d);

#endif
