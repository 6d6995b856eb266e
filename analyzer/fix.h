/* fix: what a rule attaches to its finding to fix it. A fix is a list of edits to the analysed
 * text, made only from the finding's own syntax (the flagged expression, or whole statements of
 * the block holding it, so a notebook's magics and outputs are never touched), with its
 * applicability (diag.h). */
#ifndef LOGITLINT_FIX_H
#define LOGITLINT_FIX_H

#include "rules.h"

/* Attaches a fix to the finding ctx->rule emitted at `finding` (none emitted there: nothing
 * happens). The edits (any order, not overlapping) are copied. */
void fix_attach(RuleContext *ctx, TSNode finding, FixApplicability applicability,
                const char *message, const FixEdit *edits, size_t n);
/* `text` (len bytes) with the edits (sorted by start, not overlapping) applied; malloc'd and
 * NUL-terminated, its length in *out_len. */
char *fix_edits_apply(const char *text, size_t len, const FixEditList *edits, size_t *out_len);
/* The text of node n with [from, to) of the source replaced by `with` (from/to inside n). */
char *fix_node_text_with(const Source *src, TSNode n, size_t from, size_t to, const char *with);
/* The last name of a call's callee: `softmax` in torch.softmax(x) or x.softmax(). Null: none. */
TSNode fix_callee_name(TSNode call);

/* A call's argument: the pos-th positional one, or the keyword one named kw (its value).
 * Null: not given, or a *args / **kwargs could hold it. */
TSNode fix_call_arg(const Source *src, TSNode call, uint32_t pos, const char *kw);
/* The value a name was assigned where the name is used `uses` times only (`use` one of them):
 * the right side of the one `name = value` of the enclosing function (or module), before
 * `use`, when the name occurs nowhere else in it (no parameter, no other assignment or use).
 * Null otherwise. */
TSNode fix_single_assignment(const Source *src, TSNode use, int uses);

/* Is n a name bound by an import of the file (a module or an alias: `torch`, `F`, `mx`)? Used
 * to tell a tensor method x.softmax(d) from a module function mx.softmax(x). */
bool fix_names_import(const Source *src, TSNode n);

#endif
