/* Shared between the facts files: value operations, the interpreter state, call transfers. */
#ifndef LOGITLINT_FACTS_INTERNAL_H
#define LOGITLINT_FACTS_INTERNAL_H

#include "bounds.h"
#include "contracts.h"
#include "facts.h"

/* ---- facts_value.c: operations on facts ---- */
Fact fact_unknown(void);
Fact fact_bottom(void);
Fact fact_of(unsigned kinds, unsigned flags, TSNode origin);
Fact fact_module(const char *qual);
Fact fact_object(FactObject obj, unsigned flags, TSNode origin);
/* (a, b): a pair of facts, as a call returns it. */
Fact fact_pair(Arena *arena, Fact a, Fact b, TSNode node);
/* A tensor of these kinds and flags with ndim axes of these kinds (ndim -1: unknown). */
Fact fact_tensor(unsigned kinds, unsigned flags, TSNode origin, int ndim, const AxisKind *axes);
/* A value nothing is known of (no kind, no object, no shape, not opaque): a name it is stored
 * under, a parameter it is passed to, or how it is used may say what it holds. */
bool fact_knows_nothing(const Fact *f);
/* A list of values nothing is known of, made by the code here (a comprehension, a literal of
 * several elements, or two such joined by +): its origin says so (interp_list_of). */
bool fact_made_list(const Fact *f);
/* Token ids whose pads hold the pad id: a padded batch's (a tokenizer's, pad_sequence's), or a
 * buffer filled with the pad id whose rows were copied to its start (facts_regions.c). */
bool fact_pads_hold_id(const Fact *f);
/* Does a dict holding v say something (a kind, an object, a True / False switch)? A dict of
 * plain numbers stays unknown, so that its name is the evidence. */
bool fact_informs_dict(const Fact *v);
/* Is key (a dict's or an object's field name, NUL-terminated or NULL) the name s[0..len)? */
bool fact_key_is(const char *key, const char *s, size_t len);
/* The value a dict literal or an object of this file's classes holds under that name; NULL
 * when it holds none. */
const Fact *fact_field(const Fact *f, const char *name, size_t len);
/* obj (a dict or an object) holding value under key, its other fields as they were. */
Fact fact_with_field(Arena *arena, Fact obj, const char *key, size_t len, Fact value);
/* The k-th positional argument of a call, before any *xs / **kw (null: none). */
TSNode call_posarg(TSNode call, int k);
/* *xs whose elements are known one by one (a tuple a helper returned) */
static inline bool fact_splat_known(const Fact *xs) {
    return xs->obj == FO_TUPLE && !xs->records && xs->nelems > 0;
}

/* Is it a value a list of which is a list of records (Fact.records): a tuple, a dict, an object
 * of a class of the project or a tokenizer's encoding, each read by key or field? */
static inline bool fact_is_record(const Fact *f) {
    return f->obj == FO_TUPLE || f->obj == FO_DICT || f->obj == FO_INSTANCE ||
           f->obj == FO_ENCODING;
}
void fact_set_axes(Fact *f, int ndim, const AxisKind *axes);
Fact fact_join(Arena *arena, Fact a, Fact b);
/* A list of modules ([nn.Linear(d, n), nn.Softmax(-1)], grown by append, extend and +=) is the
 * callable its modules join to, its last module kept in elems[0] (nelems 1): what
 * nn.Sequential(*layers) does. fact_last_module: that module, or NULL when not known;
 * fact_modules_ending: list (a list of modules, or [] before the first) now ending in last. */
const Fact *fact_last_module(const Fact *list);
Fact fact_modules_ending(Arena *arena, Fact list, Fact last);
/* lst += xs: a list of modules ending in xs' last one, or the two lists joined */
Fact fact_list_extended(Arena *arena, Fact list, Fact xs);
/* The kind of axis `dim` (negative counts from the end); AX_UNK when not known. */
AxisKind fact_axis(const Fact *f, int dim);
/* Index of the first axis of this kind, -1 if none is known. */
int fact_find_axis(const Fact *f, AxisKind kind);
void fact_remove_axis(Fact *f, int dim);
void fact_insert_axis(Fact *f, int dim, AxisKind kind);
void fact_replace_axis(Fact *f, int dim, AxisKind kind);
/* Scores of unknown rank used as 3-D (x[:, :-1, :], gather(dim=2)): LM logits are
 * [batch, seq, vocab]; a recurrent layer's output (or a head's over it) used with as many axes
 * as its batched form has is that form. */
void fact_assume_lm_layout(Fact *f, int ndim);
/* A recurrent layer's output (or a head's over it): the rank of its batched form, else 0. */
int fact_recurrent_rank(const Fact *f);
bool fact_is_tensorish(const Fact *f);
/* Field by field, elements included; of the one-bit flags only bottom, fill_pad and prompt_in
 * (fact_identical compares the others too). */
bool fact_same(const Fact *a, const Fact *b);
/* Equal in every field, the one-bit flags fact_same leaves out included: one may stand for the
 * other (a join or a field set that would copy an equal value shares it instead). */
bool fact_identical(const Fact *a, const Fact *b);
/* Flags a derived value inherits from an operand. */
unsigned fact_inherited_flags(const Fact *f);

/* ---- facts_either.c: one of several objects of code, chosen at run time ---- */
/* A class, a function, an object of the file's classes, a module with a transfer, or one of
 * several of them: what a join keeps as FO_EITHER. */
bool either_is_code(const Fact *f);
enum { EITHER_MAX = 4 }; /* more alternatives than this: nothing is known */
/* r (a and b joined, but for the object) as either a or b: their alternatives, those of one
 * code joined; nothing known when they are too many. */
Fact either_join(Arena *arena, Fact r, const Fact *a, const Fact *b);
/* What calling each of n alternatives gave, joined: nothing known when one of them is. */
Fact either_agreed(Arena *arena, const Fact *results, int n);

/* ---- facts_align.c: alignment of position axes (head / tail positions) ---- */
typedef struct Interp Interp;
uint32_t align_sym(uint32_t base, uint32_t salt);
/* The salt of the positions of a piece of a sequence cut into pieces of one size (split). */
enum { ALIGN_PIECE = 'P' };
void align_fresh(Fact *f, TSNode node);                   /* a new sequence starts here */
void align_fresh_tag(Fact *f, TSNode node, uint32_t tag); /* another one at the same node */
/* A sequence of its own named by an expression's text and the binding of its container (the
 * node its fact comes from): batch["input_ids"] read twice is one, unless batch was rebound. */
void align_fresh_text(Interp *in, Fact *f, TSNode expr, TSNode binding);
/* A buffer made by its shape: positions are its columns (those of any buffer of its width). */
void align_columns(Interp *in, Fact *r, TSNode call, bool varargs);
FactPos align_node_pos(TSNode node, uint32_t tag);
FactPos align_shift(FactPos p, int c);
void align_clear(Fact *f);
bool align_known(const Fact *f);
bool align_pos_eq(FactPos a, FactPos b);
/* r := value indexed at one position (idx) / sliced (slice) along its position axis. */
void align_index(Interp *in, Fact *r, const Fact *value, TSNode idx, const Fact *idx_fact);
void align_slice(Interp *in, Fact *r, const Fact *value, TSNode slice);
void align_at_positions(Fact *r, const Fact *value, const Fact *positions); /* x[arange(s, e)] */
void align_from(Interp *in, Fact *r, const Fact *value, TSNode start); /* x.narrow(d, start, n) */
bool align_slice_restricts(Interp *in, TSNode slice);
/* Scores' target position minus the tokens' position; FACT_NO_ALIGN when not comparable. */
int align_delta(const Fact *scores, const Fact *ids);
bool align_pairs_tokens(EventKind kind, AxisKind axis);
void align_learn_from_uses(Facts *facts);
TSNode align_paired_by_caller(const Interp *in, const Fact *scores, const Fact *ids);
TSNode align_paired_at_site(const Interp *in, const Fact *a, const Fact *b);
void align_selected(Fact *r, const Fact *scores, const Fact *ids);
Fact align_concat(Fact a, Fact b);

/* ---- facts_env.c: environments (name -> fact) with an undo trail, the event index; the
 * interpreter's state (facts.c; its functions: facts_interp.h) ---- */
typedef struct Binding {
    const char *name;
    size_t len;
    Fact fact;
    uint32_t hash;
    uint32_t version; /* Interp.clock when its fact (or whether it is bound) last changed */
    bool bound;       /* false: a placeholder for a name read while unbound */
} Binding;
typedef struct EnvUndo { /* what env_set replaced */
    uint32_t index, version;
    bool was_bound;
    Fact old;
} EnvUndo;
typedef struct Env {
    Array(Binding) items;
    uint32_t *slots; /* open addressing over items: index + 1, 0 empty */
    size_t nslots;
    Array(EnvUndo) trail; /* recorded while some mark is active */
    int marks;
    uint32_t *stamps; /* scratch of env_changed_since, one per binding */
    size_t stamps_cap;
    uint32_t changed; /* Interp.clock at its last change (project.c: a module as loaded?) */
} Env;
typedef size_t EnvMark;
/* A binding changed since a mark, and what it held at the mark. */
typedef struct EnvChange {
    uint32_t index;
    bool was_bound;
    Fact old;
} EnvChange;
typedef Array(EnvChange) EnvChanges;
/* An access to the module's environment from inside a call (what a memoised call read). */
typedef struct ModuleAccess {
    uint32_t index, version; /* the binding, and its version when read */
    bool write;
} ModuleAccess;

uint32_t env_hash(const char *s, size_t len);
uint32_t env_hash_node(TSNode n);
/* The bound binding of that name, NULL if none. */
Binding *env_find(Interp *in, Env *env, const char *name, size_t len);
/* Binds (or rebinds) a name; a value equal to the one bound changes nothing. */
void env_set(Interp *in, Env *env, const char *name, size_t len, Fact f);
void env_free(Env *env);
/* Marks the trail: every change from here on can be listed and undone, until released. */
EnvMark env_mark(Env *env);
void env_undo(Interp *in, Env *env, EnvMark mark);
void env_release(Env *env);
/* A scratch array of one stamp per binding, and a stamp no entry holds yet. */
uint32_t *env_stamps(Interp *in, Env *env, uint32_t *stamp);
/* The bindings changed since the mark, each once, with what they held at the mark. */
void env_changed_since(Interp *in, Env *env, EnvMark mark, EnvChanges *out);
/* Branches and loops join what changed on each path, nothing else (facts_env.c). */
typedef struct IndexMap { /* binding index -> int32 */
    uint32_t *keys;       /* index + 1, 0 empty */
    int32_t *vals;
    size_t len, cap;
} IndexMap;
typedef struct PathJoin {
    uint32_t index;
    int upto; /* the last path joined into it */
    bool bound;
    Fact fact;
} PathJoin;
typedef struct EnvPaths { /* the paths of a branch statement */
    EnvMark mark;
    int npaths;
    Array(PathJoin) acc;
    IndexMap map;
    EnvChanges changes;
} EnvPaths;
void env_paths_begin(Env *env, EnvPaths *p);
/* The state now ends one path: joined with the others', then back to the state at the mark. */
void env_paths_add(Interp *in, Env *env, EnvPaths *p);
/* The environment := the join of the paths (and of the state at the mark: unchanged_path). */
void env_paths_end(Interp *in, Env *env, EnvPaths *p, bool unchanged_path);
typedef struct EnvLoop { /* a loop running until its entry state settles */
    EnvMark mark;
    Array(PathJoin) vars; /* the state each changed name starts the next pass with */
    IndexMap map;
    EnvChanges changes;
} EnvLoop;
void env_loop_begin(Env *env, EnvLoop *l);
/* After a pass: each changed name := join(its value now, its value at the entry) (widen: that
 * joined into its value at the start of the pass, kept only if it adds kinds or flags, so that
 * the loop settles); true when that differs from the state the pass started with. */
bool env_loop_settle(Interp *in, Env *env, EnvLoop *l, bool widen);
void env_loop_end(Interp *in, Env *env, EnvLoop *l);
/* Loops entered again (the inner loop on an outer loop's next pass): one that settled, entered
 * with nothing changed anywhere since it ended (Interp.clock) and the same element, would run
 * its last pass again and end where it ended; it is skipped. */
bool env_loop_unchanged(Interp *in, TSNode body, const Fact *elem);
void env_loop_settled(Interp *in, TSNode body, const Fact *elem);
void env_free_loops(Interp *in);
/* The index of the event equal to *e (kind, op, node, what flowed in), adding it if new. */
size_t env_add_event(Interp *in, const FactEvent *e);
void env_free_events(Interp *in);

/* ---- facts_summary.c: calls of the file's functions, memoised ---- */
typedef struct CallSummary CallSummary;
typedef struct SummaryTable {
    Array(CallSummary) items;
    uint32_t *slots; /* hash over the functions: the index + 1 of its latest summary */
    size_t nslots, used;
} SummaryTable;
typedef struct SummaryRun { /* a call being run, to be summarised */
    Fact *params;
    int nparams;
    bool has_self;
    int deepest;
    bool cut;
    size_t calls_from, module_from;
    unsigned loopvar;
    bool transfer;
    bool left_home; /* Interp.left_home when the run began */
} SummaryRun;
/* A summary of this function for these parameters that still holds here: applied (its effects
 * on the module replayed), its result in *result. */
bool summary_reuse(Interp *in, TSNode def, const Env *params, bool has_self, Fact *result);
void summary_begin(Interp *in, SummaryRun *run, const Env *params, bool has_self);
void summary_end(Interp *in, SummaryRun *run, TSNode def, Fact result);
void summary_free(Interp *in);

/* ---- facts.c: the interpreter ---- */

typedef struct FuncInfo {
    const char *name;
    size_t len;
    TSNode def;
    TSNode cls;        /* the class it is a method of (null: none) */
    bool is_static;    /* @staticmethod: no self */
    bool called;       /* some call in this file names it: analysed at its call sites */
    bool analysed;     /* interpreted at least once */
    int32_t next_same; /* the next definition of the same name, -1 if none (facts_funcs.c) */
} FuncInfo;

typedef Array(FuncInfo) FuncList;

typedef struct Frame {
    Env env;
    Fact ret;
    Fact yielded; /* a generator's: what it yields, joined (bottom: it yields nothing) */
    int loop_depth;
    uint32_t serial; /* tells frames apart (a call's frame may reuse an earlier one's address) */
    bool called;     /* run for a call (its arguments known), not analysed on its own */
    Env learned;     /* parameters known by their use in the body (facts_byuse.c) */
    Env relearned;   /* its own parameters (or their fields) a callee's use told more of, and
                        which it never assigns: true from its first line (facts_byuse.c) */
} Frame;

enum { FACTS_MAX_CALL_DEPTH = 4, FACTS_MAX_EXPR_DEPTH = 400, FACTS_MAX_PARAMS = 16 };
/* room for the calls running: a leaf call may run one past the bound (cutret_leaf) */
enum { FACTS_CALL_SLOTS = FACTS_MAX_CALL_DEPTH + 1 };

/* The fields of the object a method called nowhere runs on, built once per class
 * (calls_standalone_self) and place of the build (the call depth, alone or not). */
typedef struct StandaloneSelf {
    TSNode cls;
    bool alone;
    int depth;
    Fact *elems;
    const char **keys;
    int nelems;
    Fact built_self;     /* what the build left in Interp.built_self */
    uint16_t last_event; /* and in Interp.last_event */
} StandaloneSelf;

typedef struct Interp {
    Facts *facts;
    const Source *src;
    Arena *arena;
    Frame *module;
    Frame *frame;
    FuncList funcs;       /* of the module being executed (module, funcs, slots swap together) */
    uint32_t *func_slots; /* hash index over funcs by name (facts_funcs.c) */
    size_t func_nslots;
    /* Whole-project analysis (project.c): NULL when this file is analysed alone. */
    struct ProjectFile *project;
    struct ProjectModule *mod; /* the other file whose code runs now; NULL: this file */
    TSNode site;               /* the call of this file that entered it */
    bool alone;                /* running another file's function as its file sees it */
    int overriding; /* running the overrides of an abstract method (facts_call.c): what their
                       code in other files does is that file's to report, as it sees it */
    struct Budget *home_budget; /* this file's own budget while in->budget is the others' */
    TSNode call_stack[FACTS_CALL_SLOTS];
    /* each running call's node (null: a function analysed on its own) and the positions its
     * arguments held as the parameters were bound, for the pairings a helper makes of its
     * arguments as given (align_paired_by_caller) */
    TSNode call_sites[FACTS_CALL_SLOTS];
    FactPos call_pos[FACTS_CALL_SLOTS][FACTS_MAX_PARAMS][2];
    int call_npos[FACTS_CALL_SLOTS];
    /* what its arguments held, joined: their kinds and flags (code that only handles what it
     * was handed did not make it: svc_handed_in) */
    uint16_t call_kinds[FACTS_CALL_SLOTS];
    uint32_t call_flags[FACTS_CALL_SLOTS];
    int call_depth;
    int expr_depth;
    int block_depth;             /* nested blocks being executed, across calls (bounds.h) */
    int block_peak, expr_peak;   /* the deepest either reached (project.c: a module's room) */
    struct Budget *budget;       /* steps, time and depth bounds of this file (bounds.h) */
    unsigned call_loopvar;       /* FF_LOOPVAR of the arguments of the call being evaluated */
    bool call_transfer;          /* the call being evaluated is a library transfer (table row) */
    const Contract *call_row;    /* the row the call being evaluated applied (NULL: none) */
    const void *applied_call;    /* the call evaluated last (its node's id) and the row it */
    const Contract *applied_row; /* applied: what facts_pad.c reads of that call */
    uint16_t last_event;         /* 1 + the index of the event last emitted, or of the equal one it
                                    matched (Fact.agg_event); 0: none or too many to number */
    Fact built_self;             /* self as the last method run with one left it (its fields) */
    const UserContracts *user;   /* library contracts the configuration declares (or NULL) */
    const struct InterpServices *svc; /* facts_svc.h */
    struct FactsUses *uses;           /* names each scope normalises (facts_use.c) */
    bool left_home; /* another file's code ran (project.c): a summary of this run would record
                       accesses to that module's environment as if they were this one's */
    struct PadMemo *pad_memo;         /* appended: facts_pad.c's record of subexpressions (LL111) */
    struct NodeSet *written_reads;    /* facts_regions.c: reads of what the iteration wrote */
    struct ClassConsts *class_consts; /* facts_args.c: integer constants of classes */
    struct ClassMemos *class_memos;   /* facts_types.c: each class's self fields and methods */
    const Fact *closure; /* the function value eval_call is calling (funcs_closure), or NULL */
    /* a call of the analysed file that runs a function of another without naming its arguments
     * (DataLoader(ds, collate_fn=f) runs f): where what f does is reported (project_enter) */
    TSNode runs_at;
    int splits; /* branches whose arms each run the rest of their block, nested */
    Array(struct BranchAssumed) assumed; /* facts_branch.c: conditions the running arms took */
    struct CondMemo {                    /* facts_branch.c: what the text alone decides */
        const void **keys;               /* pairs of node ids (the second may be NULL) */
        int32_t *vals;
        size_t cap, n;
    } cond_written, self_roots, one_row_tests, param_sides; /* the last two: facts_pad.c's */
    struct CondMemo leaf_defs;  /* facts_cutret.c: def id -> 1 calls none of its module's, -1 */
    struct CondMemo stops_at;   /* facts_cutret.c: def id -> index + 1 of its stops' first */
    struct CondMemo unassigned; /* facts_prompts.c: (body, name) ids -> 1 not assigned before */
    Array(struct CutretStop) cutret_stops;  /* facts_cutret.c: each def's, an end after them */
    Array(struct ScopeWrites) scope_writes; /* facts_branch.c: each scope's assignments */
    Array(struct JoinNote) join_notes;      /* facts_joins.c: where b starts in each a + b */
    /* facts_rows.c: the list literal evaluated last (its node's id) and its elements as a
     * tuple, for torch.cat([a, b]) */
    const void *rows_list_id;
    Fact rows_list;

    /* facts_env.c */
    uint32_t clock;                 /* counts changes of state (Binding.version, settled loops) */
    uint32_t stamp;                 /* scratch generation of env_stamps */
    uint32_t frames;                /* frames made (Frame.serial) */
    unsigned long module_changes;   /* changes to the module's environment */
    Array(ModuleAccess) module_log; /* accesses to the module's values inside calls */
    uint32_t *ev_slots;             /* hash index over facts->events */
    size_t ev_nslots;
    uint32_t *alone_slots; /* the same over facts->alone (swapped with it, project.c) */
    size_t alone_nslots;
    struct SettledLoop *settled; /* hash over loop bodies: how each last settled */
    size_t settled_nslots, settled_used;
    /* facts_summary.c */
    SummaryTable summaries;
    Array(TSNode) call_log; /* the functions calls entered, while some call runs */
    int deepest;            /* the deepest call depth a call was attempted at, in this run */
    bool cut;               /* a call was refused (too deep, recursive) in this run */
    Array(StandaloneSelf) standalone; /* calls_standalone_self's memo */
} Interp;

/* The arguments of a call, evaluated once in the caller (facts_args.c args_read). */
enum { MAX_ARGS = 16 };
typedef struct Args {
    TSNode node;
    TSNode pos[MAX_ARGS];
    Fact posf[MAX_ARGS];
    int npos;
    int nplain; /* positional arguments before the first *xs or **kw */
    TSNode kw_name[MAX_ARGS], kw_val[MAX_ARGS];
    Fact kwf[MAX_ARGS];
    int nkw;
    Fact splat;    /* **inputs */
    Fact settings; /* the last **kw that is a dict of known keys (dict(...), a literal): settings */
    bool has_splat;
    bool splatted; /* some *xs or **kw */
    bool overflow; /* more than MAX_ARGS positional or keyword arguments: some not read */
} Args;

/* The interpreter's services to the rest of the facts layer, the only way transfer code
 * (facts_args.c, facts_array.c, facts_hf.c, facts_builtins.c, facts_attr.c, facts_labels.c,
 * facts_align.c) reaches it: through this table, as Lua's libraries reach its core through
 * the lua_ API, so that the interpreter's own files (facts.c, facts_expr.c, facts_call.c) are
 * the only circle. svc_* (facts_svc.h) calls them; facts_interp.h declares what they are. */
typedef struct InterpServices {
    Fact (*eval)(Interp *in, TSNode expr);
    void (*emit)(Interp *in, EventKind kind, EventOp op, TSNode node, Fact a, Fact b,
                 AxisKind axis);
    void (*bind)(Interp *in, TSNode target, Fact f);
    bool (*int_literal)(Interp *in, TSNode n, long *value);
    bool (*text_eq)(Interp *in, TSNode n, const char *s);
    Fact (*lookup)(Interp *in, TSNode ident);
    Fact (*binop)(Interp *in, TSNode node, char op, Fact l, Fact r);
    Fact (*list_of)(Fact elem, TSNode node);
    EnvMark (*scope_begin)(Interp *in);
    void (*scope_end)(Interp *in, EnvMark saved);
    Fact (*call_user)(Interp *in, TSNode def, TSNode call_args, const Args *args,
                      const Fact *self_fact);
    TSNode (*find_method)(Interp *in, TSNode cls, const char *name, size_t len);
    bool (*decorated_with)(Interp *in, TSNode decorated, const char *name);
    bool (*item_container)(Interp *in, TSNode target, TSNode *container, Fact *fact);
    Fact (*lookup_key)(Interp *in, TSNode n, bool *found);
    const char *(*string_key)(Interp *in, TSNode node, size_t *len);
    bool (*rebind)(Interp *in, TSNode n, Fact f);
    void (*exec_stmt)(Interp *in, TSNode stmt);
} InterpServices;

/* A dotted name's text without the blanks odd code puts around its dots (in the arena). */
const char *interp_dotted(Interp *in, TSNode n);

/* ---- project.c: the other files of the analysed project ---- */
/* The module state project_enter saves and project_leave restores. */
typedef struct ProjectCtx {
    struct ProjectModule *mod;
    Frame *module, *frame;
    FuncList funcs;
    uint32_t *func_slots;
    size_t func_nslots;
    TSNode site;
    struct Budget *budget;
    bool switched;
} ProjectCtx;
/* Makes the module that holds node (a def, a class) the one whose names are looked up; a
 * call's arguments (call_args) entering another file from this one become its site. */
void project_enter(Interp *in, TSNode node, TSNode call_args, ProjectCtx *saved);
void project_leave(Interp *in, ProjectCtx *saved);
/* Before def is called: false when the others' budget is spent (treat the call as opaque);
 * the first call into another file's function from this file notes it to be analysed alone. */
bool project_before_call(Interp *in, TSNode def);
/* Analyses the noted functions alone, their events going to facts->alone. */
void project_run_alone(Interp *in);
/* The FuncInfo of a def of any module of the project. */
FuncInfo *project_func_of(Interp *in, TSNode def);
/* After an import statement bound its names as modules: those that name a module of the
 * project, or what one defines, are bound to that (the others keep their binding). */
void project_import(Interp *in, TSNode stmt);
/* A module of the project (FO_MODULE with def = its root), and a name it holds. */
bool project_is_module(const Fact *f);
Fact project_member(Interp *in, Fact module, const char *name, size_t len);
/* mod.name (an attribute node) where mod is a module of the project. */
bool project_names_member(Interp *in, TSNode attribute);
/* After obj.method(...) ran (call): the fields it wrote on self are obj's from here on, for
 * the methods that read them next (self.eval_logits written by one method, read by another). */
void project_state_written(Interp *in, TSNode call);
/* obj.m(x) on an object of another file's class gave r: true when r says nothing, so that the
 * call is judged as for an object nothing is known of (self.model.forward(tokens) of a
 * Transformer whose forward returns a layer's output: called with token ids, a model call). */
bool project_told_nothing(Interp *in, const Fact *obj, const Fact *r);
/* The classes deriving from cls (null: all classes) that the analysed file and the project's
 * modules it loaded bind at their top level (at most max, into out); their number. */
int project_subclasses(Interp *in, TSNode cls, TSNode *out, int max);
/* Evaluates expr (a default value) in the module of def. */
Fact project_eval_in(Interp *in, TSNode def, TSNode expr);

/* ---- facts_types.c: declared types ---- */
/* The class of the project a parameter (param, of def) is annotated with, when the value it
 * is given (bottom: no argument) says nothing; else null. */
TSNode types_declared(Interp *in, TSNode def, TSNode param, Fact value);
/* Does the class's text assign self.<name> (a field, not a method, whatever a function of the
 * file is called)? A text search: it may see assignments that are none. */
bool types_assigns_field(Interp *in, TSNode cls, const char *name, size_t len);
/* The method a class's own body defines under that name (its bases not looked at); else null. */
TSNode types_method_of(Interp *in, TSNode cls, const char *name, size_t len);
void types_free(Interp *in);
/* Is the method def abstract (@abstractmethod, or a body of only a docstring, `...`, `pass` or
 * `raise NotImplementedError`): what its class's subclasses define is what a call runs. */
bool types_is_abstract(Interp *in, TSNode def);
enum { TYPES_MAX_OVERRIDES = 8 };
/* A method def(self, *args, **kwargs) whose body only returns x.m(*args, **kwargs) (a wrapper's
 * generate handing everything to the model it wraps): the attribute x.m called; else null. */
TSNode types_forwarded(Interp *in, TSNode def);

/* ---- facts_torchlm.c: torch language models of the project, known by their layers ---- */
typedef enum {
    TORCHLM_BATCH_FIRST,   /* [B, T, V] on [B, T] ids */
    TORCHLM_TIME_MAJOR,    /* [T, B, V] on [T, B] ids: a recurrent layer without batch_first */
    TORCHLM_LAYOUT_UNKNOWN /* a batch_first the code computes, axes moved after a time-major layer
                            */
} TorchLmLayout;

typedef struct {
    bool found;   /* the class embeds its forward's input (self.e = nn.Embedding(V, d)) and
                     returns a head over the same V (self.h = nn.Linear(d, V)) on every return */
    int returned; /* 0: the head's scores themselves; n: an n-tuple, the scores first */
    TorchLmLayout layout;
} TorchLm;

/* What the nn.Module class cls is, as a language model of its layers. */
TorchLm torchlm_read(Interp *in, TSNode cls);

/* ---- facts_keraslm.c: keras language models, known by their layers ---- */
/* keras.Model(inputs, outputs) at call: are outputs a Dense(V) head over a forward recurrent
 * layer over Embedding(V, d)(inputs), a causal LM of the ids it is given? */
bool keraslm_causal(Interp *in, TSNode call, TSNode inputs, TSNode outputs);

/* ---- facts_callee.c: a call's row read from its text ---- */
/* A call as its contract row reads it, found without evaluating anything. */
typedef struct Callee {
    const Contract *row;
    TSNode args; /* the argument_list */
    TSNode recv; /* a method's receiver, the first operand; null for a library function */
} Callee;
/* The row of call, its callee resolved as the call dispatch resolves it: a library function by
 * the qualified name the file's imports give it (np.sum(x, -1)), a method of any other receiver
 * as a tensor's (x.sum(-1)); false when no row has it. For scans that read code ahead of the
 * interpretation, which has not bound the receiver yet. */
bool callee_row(Interp *in, TSNode call, Callee *c);
/* Operand k: a method's receiver and then its arguments; a function's arguments. */
TSNode callee_operand(const Callee *c, uint32_t k);
/* Is arg the argument the row reads at positional index pos of its method form (a library
 * function's: pos + 1, after its x), or given as keyword (NULL: none)? */
bool callee_reads_at(Interp *in, const Callee *c, TSNode arg, int pos, const char *keyword);

/* ---- facts_features.c: features of known layout (hidden states) ---- */
/* value[...] (node) of features of known rank indexed by integer literals and slices: r gets
 * the axes left (hidden[:, 0] is [batch, hidden]). */
void features_subscript(Interp *in, TSNode node, const Fact *value, Fact *r);

/* ---- facts_use.c: evidence from use ---- */
/* Raw logits over a vocabulary when the scope of target (a name bound to value, a value nothing
 * is known of) normalises that name over its last axis; else a fact that knows nothing. */
Fact uses_evidence(Interp *in, TSNode target, const Fact *value);
/* Does the scope of target (a name) take argmax of it over its last axis? */
bool uses_argmax_last(Interp *in, TSNode target);
/* probs[rows, ids] (rows an arange, ids class or token ids) of a softmax / log_softmax of
 * unknown rank: the picks say it is [rows, classes]; a normaliser given axis 0 ran over the
 * rows, and is told again with that layout (an EV_NORMALIZE at its call). */
void uses_rows_picked(Interp *in, const Fact *probs);
/* lp.gather(1, ids.unsqueeze(1)) of a normaliser's output of unknown rank: the index's rank
 * and its size-1 axis say where the vocabulary is; a normaliser over another dim is told again
 * with that layout. */
void uses_vocab_gathered(Interp *in, const Fact *probs, int dim, const Fact *ids);
/* The same when the scope argmaxes target (bound to probs) over its last axis, and what was
 * normalised had rows: a sequence head's output of unknown layout, or values of rank 2. */
void uses_normalised_argmaxed(Interp *in, TSNode target, const Fact *probs);
/* assert x.ndim == 2 (x.dim(), len(x.shape)): x, of a kind known but no rank, has that rank. */
void uses_rank_asserted(Interp *in, TSNode assert_stmt);
/* top = probs.argmax(-1), top then walked element by element, of a softmax over axis 0 of a
 * model's batch of unknown rank: [rows, ..., classes], the softmax over the rows (told again). */
void uses_rows_argmaxed(Interp *in, TSNode call, const Fact *probs);
void uses_free(Interp *in);

/* ---- facts_paths.c: feasible paths ---- */
/* 1 when the condition holds on every path, 0 when on none, -1 when the facts do not say. */
int paths_truth(Interp *in, TSNode cond);

/* ---- facts_branch.c: branches on configuration ---- */
/* Does the if statement's every condition read only what is fixed for the run (the module's
 * names, self's settings, literals), so that each arm holds for the rest of the run? */
bool branch_by_config(Interp *in, TSNode if_stmt);
typedef struct BranchAssumed {
    TSNode cond;
    bool truth;
} BranchAssumed;
/* A condition on configuration the arm running now (its block: arm) took (truth: whether it
 * held), until branch_forget(in, mark) with mark = in->assumed.len before; not when the arm
 * assigns what the condition reads. */
void branch_assume(Interp *in, TSNode cond, bool truth, TSNode arm);
void branch_forget(Interp *in, size_t mark);
typedef struct CondMemo CondMemo;
/* The memo's value for the pair (a, b): 1 yes, -1 no, 0 not known yet (set it). */
int32_t *branch_memo_slot(CondMemo *m, const void *a, const void *b);
void branch_free_memo(CondMemo *m);
/* Frees what facts_branch.c remembers of the text (cond_written, scope_writes). */
void branch_free(Interp *in);
/* 1 / 0 when an arm running now took this very condition (or its negation), -1 otherwise. */
int branch_assumed_truth(Interp *in, TSNode cond);
/* Is the if statement's one condition, on local names only, tested again by the statements
 * from rest on (its block's), which assign none of them? Then both tests take the same arm. */
bool branch_tested_again(Interp *in, TSNode if_stmt, TSNode rest);

/* ---- facts_funcs.c: the file's functions by name ---- */
void funcs_index(Interp *in);
FuncInfo *funcs_find(Interp *in, const char *name, size_t len); /* first definition */
FuncInfo *funcs_next(Interp *in, const FuncInfo *fi);           /* next of the same name */
FuncInfo *funcs_of_def(Interp *in, TSNode def);
/* The value of a def (or lambda) run now: a function that, defined inside another, holds what
 * the names its body reads from that one's frame hold (Fact.keys / elems). */
Fact funcs_closure(Interp *in, TSNode def);
/* Binds into a call's env of def the names it reads from its enclosing function: as they are
 * now when that function calls it, else as closure (the value called, or NULL) captured them. */
void funcs_bind_captured(Interp *in, Env *env, TSNode def, const Fact *closure);
/* obj.method as a value: the method, bound to obj (its self when called); and that object. */
Fact funcs_bound_method(Interp *in, TSNode def, Fact obj);
const Fact *funcs_bound_self(const Fact *f);
void funcs_free(Interp *in);

/* facts_partial.c: functools.partial's bound arguments, carried in the function's closure. */
Fact partial_bind(Interp *in, Fact f, const Args *a);
Fact partial_arg(const Fact *closure, TSNode def, const char *name, size_t len, bool *leading);

/* ---- what calls, attributes and iteration do (facts_call.c, facts_attr.c, facts_hf.c,
 * facts_names.c, facts_iter.c; the rest of that side is in facts_xfer.h) ---- */
Fact calls_eval(Interp *in, TSNode call);
/* x.to(device), x.cuda(), x.long(), x.detach(): a tensor's method whose row keeps its values
 * (PK_ALL: the same values, moved, cast or copied). */
bool calls_keeps_values(const char *method, size_t len);
/* An object of the class cls built by its __init__ and __post_init__ from the arguments a of
 * call (a node with no arguments field: arguments we do not see beyond a). */
Fact calls_construct(Interp *in, TSNode cls, const Args *a, TSNode call);
/* The object a method of cls called nowhere runs on (def: that method). */
Fact calls_standalone_self(Interp *in, TSNode def, TSNode cls);

/* ---- facts_dispatch.c: a method called by keywords on an object nothing is known of ---- */
/* The one method named `method` of the classes the file and its loaded modules define that
 * takes the call's arguments a (by the keywords' names), its class in *cls; null when none or
 * several could run there, or the call gives fewer than two keywords. */
TSNode dispatch_by_keywords(Interp *in, const char *method, size_t mlen, const Args *a,
                            TSNode *cls);
Fact attr_get(Interp *in, Fact object, TSNode attr_node, const char *attr, size_t len);
/* out[0], `loss, logits = out`: the part of a model output, with what the output knows of
 * its positions. */
Fact hf_output_part(Fact out, Fact part);
/* model(**batch) of a dict ({"input_ids": ..., "attention_mask": ...}) or of a tokenizer's
 * batch: what parameter `name`, given by no argument, takes (the value under its name, when a
 * known one; bottom, its default, when the splat is a dict display without it; else unknown:
 * the code may have put it there). */
Fact hf_splat_param(Interp *in, const Fact *splat, TSNode name);
Fact hf_output_tensor(Fact out); /* a model output used as a tensor: its logits */
Fact hf_output_array(Fact out);  /* the same as an operand or a method's receiver */
Fact hf_output_logits(Fact out); /* the same, whatever the model was fed */
/* The logits of a head that is no LM's (FF_NOTLM): of unknown layout, or [batch, choices] for a
 * multiple-choice head (the choices normalised as a vocabulary is). */
Fact hf_head_logits(const Fact *out, unsigned flags, TSNode origin);
/* A model's transformer without its head (AY_BACKBONE: m.model, m.transformer, m.base_model). */
Fact hf_backbone(const Fact *model, TSNode origin);
/* What a value named like this probably holds, when nothing else is known. Weak evidence. */
Fact names_evidence(TSNode origin, const char *name, size_t len);
/* batch["input_ids_chosen"]: a collator's key naming one of several batches of input ids */
bool names_ids_key(const char *s, size_t len);
/* Elements produced by iterating a value (for loops, comprehensions). */
Fact iter_element(Interp *in, Fact iterable);
/* Element i of n when unpacking a value into a tuple of targets (a, b = f). */
Fact iter_unpack_elem(Fact f, int i, int n);
/* Is it a few objects of code of different classes or functions ((AnswerNLL, MaxProb), [A(),
 * B()]), which a loop or comprehension runs one at a time (a join of them is no object)? */
bool iter_unrolled(const Fact *it);
enum { ITER_MAX_UNROLLED = 8 };

/* ---- facts_labels.c: labels provenance and token counts (LL107) ---- */
Fact labels_string(Interp *in, TSNode string_node);
/* Is it a string literal's fact, written there or bound to a name (a template kept in a module
 * constant), with nothing else made of it since? */
bool labels_literal_text(const Fact *f);
bool labels_template_filled(TSNode call, const Fact *recv);
unsigned labels_model_flags(Interp *in, Fact labels, TSNode labels_node, TSNode input_node);
/* The same for labels known only as a fact (a dict's "labels"), given whether they are the very
 * value passed as the input ids. */
unsigned labels_flags(Fact labels, bool same_as_input);
void labels_item_assigned(Interp *in, TSNode target, Fact value, TSNode value_node);
void labels_backward(Interp *in, TSNode recv_node, Fact recv);
bool labels_scale(TSNode node, Fact l, Fact r, Fact *out);
/* The same for operands given with their nodes (torch.mul(loss, n), loss *= n). */
bool labels_scale_by(Fact l, TSNode ln, Fact r, TSNode rn, Fact *out);
/* return statement ret returns batch: one built here for model(**batch) whose labels keep the
 * pad id at the pads? (EV_PADS_IN_LOSS) */
void labels_batch_returned(Interp *in, TSNode ret, Fact batch);

/* ---- facts_pad.c: padding sides and position indices (LL111) ---- */
/* Fact.pad: pads may sit at the start / end of rows; PAD_HANDLED: no side is known, but the
 * code gives the model position ids that count only real tokens, as rows that start with pads
 * need (nothing is concluded from pads after the rows) */
enum { PAD_START = 1, PAD_END = 2, PAD_HANDLED = 8 };
/* Fact.pad of a mask (not a side): its bounds count positions from each row's first token
 * (len(ids), len(prompt)), as a batch's columns only where rows start at column 0
 * (facts_spans.c) */
enum { PAD_FROM_ROW = 16 };
/* Fact.pad of a span mask: it marks the prompt's last tokens as well as the continuation's
 * ([0] * (len(prompt) - 1) + [1] * (len(cont) + 1); facts_spans.c) */
enum { PAD_SPAN_EARLY = 32 };
typedef enum {
    PW_NONE,
    PW_TOKENIZER, /* a tokenizer; pad: the side it pads on */
    PW_ENCODING,  /* a tokenizer's padded output */
    PW_OUTPUT,    /* a model's output for a padded batch */
    PW_LAYERS,    /* a tuple of per-layer [batch, seq, hidden] tensors (hidden_states) */
    PW_IDS,       /* token ids [batch, seq] (pad_nd 1: one row, positions on axis 0) */
    PW_REALMASK,  /* 1 at real tokens (attention_mask, ids != pad_id) */
    PW_PADMASK,   /* 1 at pads (ids == pad_id, mask == 0) */
    PW_VALUES,    /* per-position values: logits, hidden states, a head's output */
    PW_COUNT,     /* a position index: the number of real tokens of each row, + pad_c */
    PW_FIRSTPAD,  /* a position index: the first pad of each row, + pad_c */
    PW_PADID,     /* the pad token id */
    PW_ROWS,      /* an index over every row (torch.arange(B)) */
    /* Appended for LL106 (facts_mask.c): */
    PW_MASKPART,  /* some positions of a real-token mask (mask[:, 1:]): its side, no counts */
    PW_TAILMASK,  /* 1 from a start to each row's end (arange(T) >= k, m[i, k:] = 1): the pads
                     at the end of a row are inside */
    PW_ZEROS,     /* a buffer of zeros (torch.zeros((B, T))): a mask the code is about to write */
    PW_KEEPMASK,  /* labels != -100: 1 at the targets a loss keeps (a negative sentinel) */
    PW_DROPMASK,  /* labels == -100: 1 at the targets it ignores */
    PW_SIDED,     /* per-position scores of a batch padded on a known side, no longer fit for
                     reads (logits[:, :-1], their log_softmax, the chosen tokens' log-probs) */
    PW_EARLYTAIL, /* 1 from the count of real tokens of prompts padded on the left (arange(T) >=
                     mask.sum(1)): the prompt fills the padded width, so for a shorter prompt
                     the mask starts inside it (also once and-ed with another mask) */
    /* labels != -100 of labels whose pads hold the pad id (Fact.fill_pad): 1 at the targets a
     * loss keeps, and at the pads too */
    PW_PADKEEP,
    PW_SIDE, /* a string naming a padding side ("left" / "right"; pad: which) */
    /* ones written over a span of each row of a buffer of zeros, the span ending at a row's
     * length (plus a constant): which tokens the mask marks (a continuation, a prompt). pad_c:
     * how far the tokens it marks are from its columns (m[i, s:len(ids) - 1] = 1 marks the
     * tokens one further, the positions of their scores: pad_c 1) */
    PW_SPANMASK,
    /* the number of positions some positions of a real-token mask keep (mask[:, 1:].sum(-1)):
     * a divisor counting every real position but one, no index (facts_mask.c) */
    PW_PARTCOUNT,
    /* 1 at the positions j of an arange below a count of each row's real tokens, j < L + pad_c
     * (arange(1, T + 1) <= lengths: pad_c 0): which tokens that keeps depends on what the scores
     * it multiplies are about (facts_mask.c) */
    PW_LENMASK,
    /* the number of tokens of each row of a list of sequences, + pad_c (torch.tensor([len(s) for
     * s in seqs])): each row's count of real tokens where those rows fill a padded batch, as
     * PW_COUNT, but only a length bound takes it (the rows may be prompts: no read at it) */
    PW_ROWLENS,
    /* the running count of real tokens at each position (mask.cumsum(-1) - 1): position ids that
     * skip the pads a row starts with, which only a batch padded on the left needs */
    PW_RUNCOUNT,
    /* a position of each row of a list of sequences counted from its first token, not its
     * length (len(prompt), len(s) - len(cont)): a column of the batch only where the rows
     * start at column 0 (facts_spans.c) */
    PW_ROWPOS,
    /* a string naming a checkpoint whose tokenizer pads on a known side unless told ("gpt2";
     * pad: which): from_pretrained of it loads a tokenizer of that side */
    PW_CHECKPOINT,
    /* keyword arguments for keras's pad_sequences held as a dict (dict(padding="post")), handed
     * over as **kw; pad: the side their padding= names */
    PW_KERASKW,
} PadWhat;
/* After interp_eval(n) computed *r: what n holds in the padding domain, and reads at pads. */
void pad_expr(Interp *in, TSNode n, Fact *r);
/* target = value: tokenizer.padding_side = "left"; rows copied into a pad-filled buffer (held:
 * the value's fact). */
void pad_assigned(Interp *in, TSNode target, TSNode value, const Fact *held);
/* ids[k] = -100 where k is a mask of the pads (attention_mask == 0, ids == pad_id). */
bool pad_sentinel_over_pads(Interp *in, TSNode target, TSNode value);
/* ids[i, :n] = -100, ids[:, :n] = -100: a negative sentinel over the start of rows only. */
bool pad_sentinel_over_start(Interp *in, TSNode target, TSNode value);
/* ids[:-n] = -100: a negative sentinel through one slice of the first axis (of [batch,
 * position] labels: whole rows). */
bool pad_sentinel_over_rows(Interp *in, TSNode target, TSNode value);
/* A tensor of a negative constant only (torch.full((B, 1), -100)): targets a loss ignores. */
bool pad_sentinel_block(Interp *in, TSNode n);
/* m &= x, m *= x, m |= x (op: "&=", ...): the value m holds now. */
void pad_combined_in_place(Fact *now, const char *op);
/* lst.append(row): a list of rows each padded by hand is a padded batch, as [row for ...] is. */
void pad_rows_appended(Fact *list);
/* m, a mask, made its complement (~m): false when what m marks is known and has no other. */
bool pad_mask_negated(Fact *m);
void pad_free(Interp *in);
/* facts_padval.c: the padding domain of a join / of a value stored under a name that made its
 * own fact / of element i of n unpacked from f (a model output's tuple). */
void pad_join(Fact *r, const Fact *a, const Fact *b);
void pad_carry(Fact *to, const Fact *from);
/* r := obj.name of a tokenizer's batch or a model output: its padding domain (facts_pad.c). */
void pad_member(const Fact *obj, const char *name, size_t len, Fact *r);
void pad_unpack(Fact *elem, const Fact *f, int i, int n);

/* ---- facts_keyguard.c: a loop over a batch's keys, for its labels ---- */
/* out[k] = pad_sequence(rows, padding_value=fill) in `for k in ...`: the expression fill is for
 * a key ending in "labels", decided by the body's tests on the key; null when undecided. */
TSNode keyguard_labels_fill(Interp *in, TSNode call, TSNode fill);

/* ---- facts_truth.c: a number picked by a condition ---- */
/* `1.0 if c else 0.0` (cond_expr) is c's truth, as float(c) is: cond (c's fact) becomes the
 * value, and true is returned, when c is a mask or a comparison of unknown kind. */
bool truth_as_number(Interp *in, TSNode cond_expr, Fact *cond);

/* ---- facts_spans.c: masks written over spans of rows, and the counts that bound them ---- */
/* [len(s) for s in seqs], [len(s) - len(c) for ...]: each row's count of tokens (PW_ROWLENS)
 * or a position counted from its first token (PW_ROWPOS); PW_NONE for anything else. list: the
 * comprehension's value. */
struct PadVal spans_row_counts(Interp *in, TSNode comp, const Fact *list);
/* The number of tokens of a row: a count of an unshifted sequence (FF_COUNT), len(ids). */
bool spans_row_length(Interp *in, TSNode n);
/* len(ids) of one sequence of token ids (r: its value, FF_COUNT): a position counted from that
 * row's first token (PW_ROWPOS: where its continuation starts, when ids is a prompt); PW_NONE
 * for anything else. */
struct PadVal spans_row_count(Interp *in, TSNode call, const Fact *r);
/* min/max (op) of a row's counts of tokens, or of one and numbers: still such a count (args,
 * argv: the call's n positional arguments and their values) */
struct PadVal spans_clamped_count(Interp *in, unsigned op, const TSNode *args,
                                  const struct PadVal *argv, int n);
/* counts.append(len(ids)) inside a loop (x: the value appended): the list grows one row's count
 * of tokens per pass, as [len(s) for s in seqs] holds them (PW_ROWLENS). */
void spans_count_appended(Interp *in, const Fact *x, Fact *list);
/* [v] * n: a run of one element (-1 in *elem when no integer) repeated n times. */
bool spans_run_of(Interp *in, TSNode n, long *elem);
/* [0] * len(prompt) + [1] * len(cont) (each count moved by a constant): a row's span mask. */
struct PadVal spans_runs(Interp *in, TSNode ln, TSNode rn);
/* x[:n], x[:]: a slice from the start, with no step */
bool spans_cut_at_end(TSNode ix);
/* target = value into buf (container) of zeros or a mask of ones already written: the mask it
 * makes, bound to container. */
void spans_assigned(Interp *in, TSNode target, TSNode container, Fact buf, const Fact *held,
                    TSNode value);

/* ---- facts_mask.c: what a mask applied to token scores covers (LL106) ---- */
/* scores * mask: true when the product excludes what the mask says; else records the flaw in
 * scores->mask_flaw and the caller leaves the scores unmasked. */
bool mask_multiply(Fact *scores, const Fact *mask);
/* scores.masked_fill(mask, value): true unless value is a constant that is not neutral for a
 * sum, or 0 written over the real tokens. */
bool mask_fill(Interp *in, Fact *scores, const Fact *mask, TSNode value);
/* m1 * m2, m1 & m2 of two masks: their positions, when they differ, are those of neither. */
void mask_combine(char op, Fact *l, Fact *r);

/* ---- facts_cutret.c: what a call cut by the depth bound still returns ---- */
/* def's return whatever its arguments: probabilities (log-probabilities) when every return is a
 * softmax (log_softmax) over the last axis; else a fact that knows nothing. */
Fact cutret_of(Interp *in, TSNode def);
/* def is small and calls none of its module's functions: it may run one call past the bound. */
bool cutret_leaf(Interp *in, TSNode def);

/* ---- facts_runs.c: a list joined to a run of one constant ([fill] * n) ---- */
/* n is [fill] * count (or count * [fill]): its parts. */
bool runs_repeat(Interp *in, TSNode n, TSNode *fill, TSNode *count);
/* l + r (node) with a run on one side: *out the joined list (the sequence's positions kept on
 * the side away from the run) and true; false when it is no such join. */
bool runs_join(Interp *in, TSNode node, Fact l, Fact r, Fact *out);

/* ---- facts_loopkeys.c: dict keys spelled from a loop over string literals ---- */
/* key (side, f"{side}_labels", side + "_ids") with side the variable of an enclosing
 * `for side in ("chosen", "rejected")`: its spelling for each literal, into keys / lens (at
 * most max); the count, 0 when the key is no such expression. */
int loopkeys_spell(Interp *in, TSNode key, const char **keys, size_t *lens, int max);
/* dict[key] read with such a key: what the dict holds under every spelling, joined (*found);
 * *found false when the key is none such. */
Fact loopkeys_read(Interp *in, Fact dict, TSNode key, bool *found);

/* ---- facts_joins.c: where the second part of a + b starts; region stores in place ---- */
void joins_note(Interp *in, const Fact *a, const Fact *b); /* a + b of two sequences */
void joins_free(Interp *in);
/* target (buf[..., s:e]) = value: value starts at the position column s stands for (a
 * sequence copied to column 0 from its own start, or to the column its start is at) */
bool joins_store_in_place(Interp *in, TSNode target, const Fact *value);

/* ---- facts_prompts.c: prompts that differ from row to row (LL106) ---- */
/* join is prompt + continuation (a binary_operator): does its prompt part take a new value in
 * each iteration of the loop that makes the rows? */
bool prompts_vary(Interp *in, TSNode join);
/* join is text + text: do both parts take a new value in each iteration (a row's own context
 * and continuation; text + tok.eos_token, prompt + candidate are no such rows)? */
bool prompts_text_vary(Interp *in, TSNode join);
/* scores picked at the tokens ids (a gather, an index): selected, of the ids' rows (padded,
 * joined, of their own prompts) */
void prompts_picked(Fact *scores, const Fact *ids);
/* template.format(...) (template: the string literal the code wrote): does a field before its
 * last (the prompt's) take a new value per row? */
bool prompts_fill_vary(Interp *in, TSNode call, TSNode template);
/* An f-string: does an interpolation before its last take a new value per row? */
bool prompts_fstring_vary(Interp *in, TSNode string);
/* Does a name in expr take a new value in each iteration of the innermost loop around at (in
 * its function; none: in each call its caller makes from a loop, or with an argument that the
 * loop around that call varies)? */
bool prompts_expr_varies(Interp *in, TSNode expr, TSNode at);

/* ---- facts_shared.c: picks at ids every candidate of a loop shares (LL107) ---- */
/* The pick at node (a subscript or a gather call) made event index (1-based): notes in it
 * whether its ids stay while its scores vary with the loop around it (FactEvent.ids_shared). */
void shared_pick_note(Interp *in, TSNode node, uint16_t index);

/* ---- facts_promptlp.c: the positions a loop adds up of a prompt's served log-probs ---- */
/* stmt is acc += V, V picked per step from a per-position list aligned with joined ids:
 * marks the positions the loop covers (FF_SLICED: from the context on, or not understood;
 * MFLAW_CONTEXT_LAST: one early) and rows of requests handed in (prompt_rows). */
void promptlp_region(Interp *in, TSNode stmt, Fact *picked);

/* ---- facts_byuse.c: what a callee learned of its arguments by using them ---- */
/* name (a parameter of the function running, never assigned in its body) holds f by its use. */
void byuse_note(Interp *in, TSNode name, Fact f);
/* Back in the caller's frame: its arguments' names take what the callee learned of them. */
void byuse_hand_back(Interp *in, TSNode def, TSNode call_args, bool bound_self, const Env *learned);
/* A copy of the running frame's bindings, its parameters as the call bound them (before its
 * body runs). */
Env byuse_params(Interp *in);
/* name is a parameter of the function the running call (of this file) entered, which its body
 * never assigns: the argument that call gave it (null: none the code names). */
TSNode byuse_caller_argument(Interp *in, TSNode name);
/* After the body ran: did a callee tell it more of a parameter (a mask built from it before
 * the call that hands it to the model)? Then its env is set for a run again from the top,
 * params with what was told (params is taken, or freed). */
bool byuse_again(Interp *in, Env *params);

/* ---- facts_classprob.c: floored probabilities and one class's per row (LL103) ---- */
/* np.clip(x, eps, 1), x.clamp(min=eps), np.maximum(x, eps) (row: the contract's name, lower:
 * its lower bound's argument): x floored when the bound is positive; maximum with no positive
 * bound beside x (two arrays) tells nothing. */
Fact classprob_clipped(Interp *in, const char *row, TSNode lower, Fact x);
/* scores c other at node (scores_right: scores are the right operand): floored by + eps, and
 * by nothing else (p * w, p - q may reach 0). */
Fact classprob_added(Interp *in, TSNode node, char c, Fact scores, bool scores_right);
/* picked = probs[...] at subscript: marked one class's probability per row when it is. */
Fact classprob_column(Interp *in, TSNode subscript, const Fact *probs, Fact picked);

/* ---- facts_ratio.c: per-token log-ratios under a mask ---- */
/* diff = logp - (other log-probs): keeps logp's positions when logp is per-token log-probs. */
void ratio_of(Fact *diff, const Fact *logp);
/* l * r where one is such a log-ratio and the other a mask: emits EV_MASK_OFF when the mask is
 * not about the ratio's tokens; true when it was such a product. */
bool ratio_masked(Interp *in, TSNode node, const Fact *l, const Fact *r);
/* ids.masked_fill(m, 0): m marks the positions that hold no token (a dummy 0 stands in for
 * them, as before a gather); a mask nothing else is known of becomes a mask of dropped targets. */
void mask_ids_filled(Interp *in, TSNode mask, TSNode value);
/* sum / count: a sum of a joined sequence's token scores divided by the count of its real
 * tokens is a mean over prompt + continuation. Of log-probs it emits it as such (MFLAW_PROMPT);
 * of per-token NLL it returns true with *mean the mean token NLL over the prompt too, as
 * outputs.loss is (LL107 when candidates are ranked by it). */
bool mask_divided(Interp *in, TSNode node, const Fact *sum, const Fact *count, Fact *mean);
/* sum / count of token log-probs over a count of tokens that varies: a mean over each sequence's
 * tokens, emitted as an EV_AGGREGATE mean that *mean (the sum otherwise) points to. */
bool mask_counted_mean(Interp *in, TSNode node, const Fact *sum, const Fact *count, Fact *mean);
/* sum / count: mask_divided, else mask_counted_mean. */
bool mask_mean(Interp *in, TSNode node, const Fact *sum, const Fact *count, Fact *mean);
/* gather(lp, 2, x.masked_fill(m, 0).unsqueeze(-1)): the call is (a chain ending in) the index of
 * a selection, so x holds the tokens selected, whatever else is known of it. */
bool mask_is_select_index(Interp *in, TSNode call);
/* A read at position index ix (a loop variable) that runs only where a real-token mask keeps
 * that position: inside `if m[b, ix]:`, or after `if not m[b, ix]: continue` (or break). */
bool mask_guards_read(Interp *in, TSNode read, TSNode ix);

/* ---- facts_rows.c: which rows of a batch a value holds (LL106) ---- */
/* The element of a for loop (or enumerate, at node) over something nothing is known of: one
 * batch it draws. */
void rows_loop_batch(TSNode stmt, Fact *elem);
/* Element elem of n unpacked from whole (a batch's values share its rows). */
void rows_unpacked(Fact *elem, const Fact *whole, int n);
/* to takes from's rows (a value bound under a name that made its own fact). */
void rows_carry(Fact *to, const Fact *from);
void rows_forget(Fact *f);
/* r, the result of a library call applying row (NULL: a function of the file, or unknown):
 * casts, copies and comparisons keep the rows, other ops forget them. */
void rows_after_call(Interp *in, TSNode call, const Contract *row, Fact *r);
/* r, what subscript sub reads: a cut of the positions only or a key keeps the rows. */
void rows_after_subscript(Interp *in, TSNode sub, Fact *r);
/* A list literal's elements (a tuple fact), kept for the cat that may take it. */
void rows_list_literal(Interp *in, TSNode node, const Fact *elems);
/* r = cat(list, dim), list the fact of argument node arg: along the rows, the parts' rows one
 * after the other. */
void rows_of_cat(Interp *in, Fact *r, const Fact *list, TSNode arg, int dim);
/* After `for a, b in zip(xs, ys)` whose body writes a[...]: when xs has more of a batch's rows
 * than ys, the rows zip never reached are unwritten (xs' mask_flaw). */
void rows_zip_written(Interp *in, TSNode stmt);

/* ---- facts_copyside.c: where rows copied into a buffer of pads leave its pads ---- */
/* The indices of a store buf[i, a:b] or buf[i][a:b] in order (at most max); 0: no subscript. */
int copyside_indices(TSNode target, TSNode *ix, int max);
/* buf[i][a:b] = row: the buffer (container, *buf: what it holds); false for any other target. */
bool copyside_row_container(Interp *in, TSNode target, TSNode *container, Fact *buf);
/* The side a row (held) copied at positions pos of one row of the buffer of ids buf leaves
 * its pads on: PAD_END at the row's start, PAD_START at its end; 0 when not known. */
uint8_t copyside_of(Interp *in, TSNode pos, bool one_row, const Fact *buf, const Fact *held);
/* Is bound the width buf was made with in the same function (torch.full((B, L), pad_id): L)? */
bool copyside_at_width(Interp *in, TSNode bound, const Fact *buf);

/* ---- facts_regions.c: what a buffer holds by region and program order (LL112) ---- */
enum { REG_NONE = 0, REG_PREFIX = 1, REG_FULL = 2 }; /* Fact.fill_cov */
/* A buffer made by a row of PO_FULL (torch.full & co.), or a loss class's ignored value, by
 * the row the call applied (from pad_expr). */
void regions_call(Interp *in, TSNode call, const Contract *row, Fact *r);
/* buf[...] = v (held: v's fact) before a loop: which positions now hold something else than
 * the fill; rows of prompt + continuation copied in make the buffer's rows joined too. */
void regions_assigned(Interp *in, TSNode target, TSNode container, const Fact *held);
/* What an item store's or read's container holds: a name's value (`buf`, `self.buf`), or the
 * field of an object a name holds (buf.tokens of Rollout(tokens=...)); *found: either is. */
Fact regions_held(Interp *in, TSNode container, bool *found);
/* buf.at[idx].set(v), jax's store that returns the updated array: the subscript buf.at[idx]
 * and v; false for any other expression. */
bool regions_functional_store(Interp *in, TSNode expr, TSNode *at_sub, TSNode *value);
/* At a loop's entry: loss targets its body reads before writing them, and reads of positions
 * it wrote before reading them. */
void regions_loop(Interp *in, TSNode body);
/* Is subscript n a read, in a loop body, of buffer positions the same iteration wrote before
 * it with something else than the buffer's fill? (It holds no pad then.) */
bool regions_written_read(const Interp *in, TSNode n);
void regions_free(Interp *in);
void args_free(Interp *in); /* facts_args.c: the index of class constants */
/* The key of the target value a loss call ignores (ignore_index=, else -100). */
uint32_t regions_loss_ignore(Interp *in, TSNode call);
/* A loss that reduces targets (not reduction="none"): when they are a buffer filled with the
 * pad id with rows copied to its start, and it ignores -100 (ignore, a key), the pads are
 * inside it (EV_PADS_IN_LOSS). */
void regions_loss_targets(Interp *in, TSNode loss, const Fact *targets, uint32_t ignore);
/* Do these targets hold the pad id at a padded batch's pads (a buffer filled with it and rows
 * copied to its start, or a padded batch's ids nothing wrote over)? */
bool regions_pads_as_targets(const Fact *targets);
/* A dict's key for what every computed key holds (groups[qid].append(x)): no Python string
 * literal is this byte. */
#define FACT_ANY_KEY "\x01"
/* The loss ignores -100 (ignore: regions_loss_ignore's key) and its targets are padded ids
 * whose pads hold the pad id: the ignore never applies to a pad. */
bool regions_ignore_misses_pads(uint32_t ignore, const Fact *targets);
/* The key of a value's text (an int known on every path: of its decimal form). */
uint32_t regions_key(Interp *in, TSNode n);

#endif
