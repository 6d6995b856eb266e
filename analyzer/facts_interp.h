/* The interpreter's functions (facts.c, facts_expr.c), for its own files (facts.c,
 * facts_expr.c, facts_call.c); the rest of the facts layer calls them through the service
 * table (facts_svc.h). */
#ifndef LOGITLINT_FACTS_INTERP_H
#define LOGITLINT_FACTS_INTERP_H

#include "facts_internal.h"

Fact interp_eval(Interp *in, TSNode expr);
/* A list of such elements: one axis more in front (facts_expr.c). */
Fact interp_list_of(Fact elem, TSNode node);
/* A scope of its own (a comprehension, a lambda): names bound in it are gone at its end. */
EnvMark interp_scope_begin(Interp *in);
void interp_scope_end(Interp *in, EnvMark saved);
/* l op r for a one-character operator (0: another one), at node (a binary operator, or a
 * call such as torch.div(l, r)). */
Fact interp_binop(Interp *in, TSNode node, char op, Fact l, Fact r);
Fact interp_lookup(Interp *in, TSNode ident);
Fact interp_lookup_key(Interp *in, TSNode n, bool *found);
/* Executes one statement (another file's top level, project.c). */
void interp_exec_stmt(Interp *in, TSNode stmt);
/* Rebinds the text of n where it is bound (this frame or the module); false if it is not. */
bool interp_rebind(Interp *in, TSNode n, Fact f);
void interp_bind(Interp *in, TSNode target, Fact f);
void interp_emit(Interp *in, EventKind kind, EventOp op, TSNode node, Fact a, Fact b,
                 AxisKind axis);
bool interp_int_literal(Interp *in, TSNode n, long *value);
/* A decorator of this decorated definition whose text ends with name (@staticmethod,
 * @functools.cached_property). */
bool interp_decorated_with(Interp *in, TSNode decorated, const char *name);
/* x[k] = v: the container x (a name or an attribute) and what it holds; false when x is
 * something else or not bound. */
bool interp_item_container(Interp *in, TSNode target, TSNode *container, Fact *fact);
/* Marks the aggregate a value is the sum of as no score (FactEvent.cancelled). */
void interp_cancel_aggregate(Interp *in, const Fact *sum);
bool interp_text_eq(Interp *in, TSNode n, const char *s);
/* The text of a plain string literal ("logits", 'probs'), NULL for anything else. */
const char *interp_string_key(Interp *in, TSNode node, size_t *len);
/* The method of that name of a class of this file (or of its bases in this file); null if
 * none. */
TSNode interp_find_method(Interp *in, TSNode cls, const char *name, size_t len);
/* Calls a function of this file with the arguments of call_args (evaluated here unless given,
 * already evaluated, in args); returns what its return holds. */
Fact interp_call_user(Interp *in, TSNode def, TSNode call_args, const Args *args,
                      const Fact *self_fact);

/* The table of the services above (facts.c). */
extern const InterpServices interp_services;

#endif
