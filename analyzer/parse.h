/* parse: Python source -> tree-sitter syntax tree, and small helpers to read nodes. */
#ifndef LOGITLINT_PARSE_H
#define LOGITLINT_PARSE_H

#include <stdbool.h>
#include <string.h>
#include <tree_sitter/api.h>

#include "source.h"
#include "tsarena.h"

typedef struct Parsed {
    TSTree *tree; /* in `arena`: freed with it */
    TsArena arena;
    TSNode root;
    const Source *src;
    bool has_error; /* tree-sitter recovered from a syntax error somewhere */
} Parsed;

typedef enum { PARSE_OK = 0, PARSE_ERR } ParseStatus;

ParseStatus parse_python(Parsed *out, const Source *src);
struct Budget;
/* Parses within budget's time limit (see bounds.h): PARSE_ERR with budget->hit == BOUND_TIME
 * when the parser was stopped. */
ParseStatus parse_python_within(Parsed *out, const Source *src, struct Budget *budget);
void parse_free(Parsed *p);
/* Deletes a tree parsed by other means (a TOML file's): every tree freed goes through here or
 * parse_free, which the memo of parse_field relies on. */
void parse_tree_delete(TSTree *tree);

/* First syntax error or missing node, for the warning (byte offset). */
bool parse_first_error(const Parsed *p, size_t *byte);

/* (the first letters compared inline: most tests are of another type, and strcmp was 3% of a
 * run's instructions) */
static inline bool parse_is(TSNode n, const char *type) {
    if (!n.id) return false; /* ts_node_is_null, without a call into the library */
    const char *t = ts_node_type(n);
    return t[0] == type[0] && strcmp(t, type) == 0;
}
/* Does the node's source text equal s? */
bool parse_text_eq(const Source *src, TSNode n, const char *s);
/* Do nodes a and b (of this file or another of the project) spell the same source text? */
bool parse_same_text(const Source *src, TSNode a, TSNode b);
const char *parse_text(const Source *src, TSNode n, size_t *len);
/* The child in field `field`, a name whose text never changes at that address (a literal): its
 * id is remembered by the address. */
TSNode parse_field(TSNode n, const char *field);
/* ts_node_named_child(n, i), remembered like parse_field: use it where the same children are
 * read again. */
TSNode parse_named_child(TSNode n, uint32_t i);
/* ts_node_parent(n), remembered the same way. */
TSNode parse_parent(TSNode n);
/* start, stop and step of a slice node (null nodes where absent). */
void parse_slice_parts(TSNode slice, TSNode parts[3]);
/* The nearest node above n whose type is one of types (NULL-terminated; null: none), found in
 * one walk down from the root: ts_node_parent walks down from the root on each call, so
 * climbing d levels with it costs d walks (10% of a run's instructions went there). */
TSNode parse_enclosing(TSNode n, const char *const *types);
/* The node with parentheses stripped. */
TSNode parse_unparen(TSNode n);
/* The name of parameter p of a def (plain, typed or defaulted: an identifier); null for *args,
 * **kwargs, the separators and anything else. */
TSNode parse_param_name(TSNode p);

/* The named children of a node, in order, in O(1) each. Loops over ts_node_named_child(n, i)
 * are quadratic: tree-sitter walks the children before i on every call, which takes minutes
 * on a list literal or a module with a hundred thousand elements. Use:
 *     ParseKids k;
 *     parse_kids_begin(&k, node);
 *     for (TSNode c; parse_kids_next(&k, &c);) ...;
 *     parse_kids_end(&k); */
typedef struct ParseKids {
    TSTreeCursor cursor;
    bool more;
    /* A node with few named children is indexed instead: a cursor costs an allocation and a
     * walk through hidden nodes, more than re-walking a handful of children. */
    TSNode node;
    uint32_t next, count;
    bool indexed;
} ParseKids;
void parse_kids_begin(ParseKids *k, TSNode n);
bool parse_kids_next(ParseKids *k, TSNode *child);
void parse_kids_end(ParseKids *k);

#endif
