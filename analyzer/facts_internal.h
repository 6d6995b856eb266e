/* Shared between the facts files: value operations, the interpreter state, call transfers. */
#ifndef LOGITLINT_FACTS_INTERNAL_H
#define LOGITLINT_FACTS_INTERNAL_H

#include "facts.h"

/* ---- facts_value.c: operations on facts ---- */
Fact fact_unknown(void);
Fact fact_bottom(void);
Fact fact_of(unsigned kinds, unsigned flags, TSNode origin);
Fact fact_module(const char *qual);
Fact fact_object(FactObject obj, unsigned flags, TSNode origin);
void fact_set_axes(Fact *f, int ndim, const AxisKind *axes);
Fact fact_join(Arena *arena, Fact a, Fact b);
/* The kind of axis `dim` (negative counts from the end); AX_UNK when not known. */
AxisKind fact_axis(const Fact *f, int dim);
/* Index of the first axis of this kind, -1 if none is known. */
int fact_find_axis(const Fact *f, AxisKind kind);
void fact_remove_axis(Fact *f, int dim);
void fact_insert_axis(Fact *f, int dim, AxisKind kind);
void fact_replace_axis(Fact *f, int dim, AxisKind kind);
bool fact_is_tensorish(const Fact *f);
/* Flags a derived value inherits from an operand. */
unsigned fact_inherited_flags(const Fact *f);

/* ---- facts.c: the interpreter ---- */
typedef struct Binding {
    const char *name;
    size_t len;
    Fact fact;
} Binding;
typedef Array(Binding) Env;

typedef struct FuncInfo {
    const char *name;
    size_t len;
    TSNode def;
    bool called;   /* some call in this file names it: analysed at its call sites */
    bool analysed; /* interpreted at least once */
} FuncInfo;

typedef struct Frame {
    Env env;
    Fact ret;
    int loop_depth;
} Frame;

enum { FACTS_MAX_CALL_DEPTH = 4, FACTS_MAX_EXPR_DEPTH = 400 };

typedef struct Interp {
    Facts *facts;
    const Source *src;
    Arena *arena;
    Frame *module;
    Frame *frame;
    Array(FuncInfo) funcs;
    TSNode call_stack[FACTS_MAX_CALL_DEPTH];
    int call_depth;
    int expr_depth;
    unsigned call_loopvar; /* FF_LOOPVAR of the arguments of the call being evaluated */
} Interp;

Fact interp_eval(Interp *in, TSNode expr);
Fact interp_lookup(Interp *in, TSNode ident);
Fact interp_lookup_key(Interp *in, TSNode n, bool *found);
void interp_bind(Interp *in, TSNode target, Fact f);
void interp_emit(Interp *in, EventKind kind, EventOp op, TSNode node, Fact a, Fact b,
                 AxisKind axis);
bool interp_int_literal(Interp *in, TSNode n, long *value);
bool interp_text_eq(Interp *in, TSNode n, const char *s);
/* Calls a function of this file with argument facts; returns what its return holds. */
Fact interp_call_user(Interp *in, TSNode def, TSNode call_args, const Fact *self_fact);

/* ---- facts_calls.c: what a call does to its arguments ---- */
Fact calls_eval(Interp *in, TSNode call);
Fact calls_attribute(Interp *in, Fact object, TSNode attr_node, const char *attr, size_t len);
Fact calls_name_heuristic(TSNode origin, const char *name, size_t len);
/* Elements produced by iterating a value (for loops, comprehensions). */
Fact calls_iterate(Interp *in, Fact iterable);

#endif
