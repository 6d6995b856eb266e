/* exec: a concrete interpreter for the subset of Python and array code that scoring functions
 * use, run on a toy language model built from a verifier table. It walks the tree-sitter tree
 * over a C value model: no Python, no FFI, no I/O by the code run. Imports only bind names (a
 * module of the project is read for its definitions, never run beyond them); open() gives a
 * file never read or written (its records bound by use, exec_file.c); exec/eval, getattr on
 * computed names, dunder access and any call it does not know end the run, as does
 * exceeding a bound (steps, elements, memory, call depth; the finding's step budget, a CPU-time
 * safety net behind it). The reason is one line.
 *
 * Files: exec_value.c (values, the run's arena and bounds), exec_tensor.c (tensor kernels with
 * shapes, broadcasting, dtypes and per-operation rounding), exec_eval.c (statements and
 * expressions), exec_object.c (calls of the file's functions and classes, attributes),
 * exec_call.c (builtins, library functions and methods), exec_stand.c (the toy
 * tokenizer and causal LM, and parameters bound by how the code uses them), exec_module.c
 * (imports, module constants, and the other modules of the project the code imports).
 * verify_exec.c runs a finding's function with it. */
#ifndef LOGITLINT_EXEC_H
#define LOGITLINT_EXEC_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "parse.h"
#include "util.h"
#include "verify.h"

/* The logit of the start "x" at every position of the toy LM: EXEC_START_GAP below the lowest
 * largest logit of any row of the table (or of a row the run adds, whose logits are at least
 * EXEC_ADDED_LOW), and at most EXEC_START_MAX: one value for the whole table, so a score that
 * reads the start (or a prompt word, which is the start's id) alone gives every candidate the
 * same value and is seen not to read the candidate. Its exp relative to any row's largest is below
 * exp(-120), far under half an ulp of 1 in float64, so every log Z the script computes is the
 * table's; its own exp is 0 in float32 and every narrower float (the exps of a whole row
 * multiplied give 0, as they would with -inf); and it is near enough that float64 code
 * subtracting the row's minimum (the start's) before exp() stays finite on tables of small
 * logits, as on a real model's logits (a float32 exp above ~88.7 overflows there as anywhere). */
#define EXEC_START_GAP 120.0
#define EXEC_ADDED_LOW (-4.0)
#define EXEC_START_MAX (-105.0)

/* Bounds of one run (one call of the entry function on one candidate). */
enum {
    EXEC_MAX_STEPS = 100000,
    /* Work is counted in steps: a statement or expression is one, as are EXEC_ELEMS_PER_STEP
     * elements a tensor kernel makes or reads and EXEC_BYTES_PER_STEP bytes of values made
     * (measured: each costs about the same CPU time, 0.2-0.4 us here). */
    EXEC_ELEMS_PER_STEP = 8,
    EXEC_BYTES_PER_STEP = 512,
    EXEC_MAX_ELEMS = 1 << 16,    /* elements of one tensor, list or string */
    EXEC_MAX_BYTES = 4 << 20,    /* memory allocated by a run */
    EXEC_MAX_DEPTH = 32,         /* Python call depth */
    EXEC_MAX_NEST = 200,         /* nested expressions and blocks */
    EXEC_MAX_DIMS = 6,
    EXEC_MAX_ARGS = 32,          /* arguments of one call */
    EXEC_MAX_MARKS = 64,         /* values of the flagged expression kept */
};

typedef enum {
    XV_NONE,
    XV_BOOL,
    XV_INT,
    XV_FLOAT,
    XV_STR,
    XV_LIST,
    XV_TUPLE,
    XV_DICT,
    XV_TENSOR,
    XV_SLICE,
    XV_FUNC,    /* a def or lambda of the file: fn */
    XV_LIB,     /* a module or a function of one, by qualified name: "torch.log_softmax" */
    XV_METHOD,  /* a method bound to its receiver: name + self */
    XV_CLASS,   /* a class of the file */
    XV_OBJECT,  /* an object: an instance of a class of the file, or a library object (a model
                   output, a tokenizer's encoding) with named fields */
    XV_MODEL,   /* the toy causal LM */
    XV_TOKENIZER,
    XV_PENDING, /* a parameter of the entry whose role its first use decides */
} ExecKind;

/* ORDER DTYPE: exec_dtype_name() and the promotion in exec_tensor.c. */
typedef enum { XD_BOOL, XD_INT64, XD_BF16, XD_F16, XD_F32, XD_F64 } ExecDtype;

typedef struct ExecTensor {
    ExecDtype dtype;
    bool numpy; /* a NumPy array (method and default-dtype semantics differ) */
    /* made by a loss kernel (cross_entropy, nll_loss, the toy LM's labels= loss): a negative
     * log-likelihood, lower for the likelier sequence; a tensor computed from it is not marked */
    bool loss;
    int ndim;
    int shape[EXEC_MAX_DIMS];
    int n;
    double *data; /* row-major, each value already rounded to dtype */
} ExecTensor;

typedef struct ExecValue ExecValue;
typedef struct ExecEnv ExecEnv;
typedef struct ExecMt ExecMt; /* torch's CPU generator (exec_random.c) */

typedef struct {
    ExecValue **items;
    int n, cap;
} ExecSeq;

typedef struct {
    ExecValue **keys, **vals;
    int n, cap;
    ExecValue *factory; /* a defaultdict's default_factory (NULL: a plain dict) */
    bool counter;       /* a collections.Counter: a missing key reads 0, and is not stored */
} ExecDict;

struct ExecValue {
    ExecKind kind;
    union {
        bool b;
        int64_t i;
        double f;
        struct {
            const char *s;
            int n;
        } str;
        ExecSeq seq;    /* XV_LIST, XV_TUPLE */
        ExecDict dict;  /* XV_DICT */
        ExecTensor *t;  /* XV_TENSOR */
        struct {
            ExecValue *start, *stop, *step; /* NULL: absent */
        } slice;
        struct {
            TSNode def; /* function_definition or lambda */
            ExecEnv *closure;
            ExecValue *self; /* a method's receiver, NULL otherwise */
            bool is_static;  /* @staticmethod: never bound to a receiver */
            bool is_class;   /* @classmethod: bound to the class, from the class or an instance */
        } fn;
        struct {
            const char *qual; /* XV_LIB: "torch.nn.functional.log_softmax" */
        } lib;
        struct {
            const char *name;
            ExecValue *self;
        } method;
        struct {
            TSNode def;
            ExecDict attrs; /* class-level names */
        } cls;
        struct {
            const char *type; /* "output", "encoding", "no_grad", or the class's name */
            ExecValue *cls;   /* XV_CLASS of an instance; NULL for a library object */
            ExecDict fields;
            /* an object whose fields are bound by use, as the entry's parameters are: a
             * record parameter (rec.question) or self when __init__ cannot run; the prefix
             * of their names ("rec"), NULL for an ordinary object */
            const char *lazy;
            int lazy_cand; /* the candidate a record of a list stands for; -1 the run's */
        } obj;
        struct {
            int param; /* index into the run's parameter plan */
            int cand;  /* the candidate it stands for: -1 the run's (else a field of one record
                          of a list of them, XP_RECORDS) */
        } pending;
    };
};

/* How a parameter of the entry is bound (decided by its first use, kept across runs). */
typedef enum {
    XP_UNDECIDED,
    XP_MODEL,
    XP_TOKENIZER,
    XP_IDS,        /* prompt + candidate token ids, [1, L] int64 */
    XP_PROMPT_LEN, /* the number of ids before the candidate */
    XP_PROMPT,     /* the prompt text ("x") */
    XP_CONT,       /* the candidate's text ("A A") */
    XP_TEXT,       /* prompt and candidate in one text ("x A A") */
    XP_DEVICE,
    XP_CANDS,      /* every candidate's text, a list: the entry ranks or picks among them */
    XP_TEXTS,      /* every candidate's prompt + candidate text, a list (a batch to pad) */
    XP_LOGITS,     /* the LM's logits for the ids, [1, L, V] */
    XP_BATCH,      /* a tokenizer's encoding of the ids: input_ids, attention_mask */
    XP_OUTPUT,     /* the LM's output for the ids (.logits) */
    XP_PROMPT_IDS, /* the ids before the candidate, a list */
    XP_CONT_IDS,   /* the candidate's ids, a list */
    XP_RECORD,     /* an object whose fields are bound by their own use (rec.question) */
    XP_RECORDS,    /* a list of records, one per candidate (each request of a batch) */
    XP_NO_LIMIT,   /* an int beyond every length (a record's max_length: nothing is cut) */
    XP_ID_ROWS,    /* every candidate's prompt + candidate ids, a list of lists (to be padded) */
    XP_API,        /* a served response's log-probs (OpenAI, vLLM), prompt echoed (exec_api.c) */
    XP_API_GEN,    /* the same, the candidate's tokens only */
    XP_PROMPT_BATCH,  /* an encoding of the prompt alone (what generate() continues) */
    XP_PROMPT_TENSOR, /* the prompt's ids alone, [1, P] */
    XP_INSTANCE,   /* an instance of the file's class with the method the code calls on it,
                      built by its __init__ (its parameters bound by use, "p(arg)") */
    XP_INSTANCE_LAZY, /* the same class, its fields bound by use (__init__ not run) */
    XP_CANDS_BARE, /* every candidate's text alone (" A A"), a list: the entry adds the prompt's ids */
    XP_TOKEN_LPS,  /* the candidate's token log-probs, a list of floats (an API's, already read) */
    XP_IGNORE_ID,  /* -100, the ignored label (a record's id compared with a tensor of ids) */
    XP_PAD_ID,     /* the pad id (a buffer's fill value): the table's pad token, else the end of text */
    XP_LL_PAIRS,   /* every candidate's (log Pr(y|x), is_greedy), a list: lm-eval's process_results */
    XP_UNIT,       /* 1.0: a number a tensor is divided by (a temperature), reported as a stand-in */
    XP_ID_BATCHES, /* a loader of one (ids, labels) batch: the candidate's ids, the labels the same
                      with the start and prompt -100 (only the candidate is scored) */
    XP_ID_TENSORS, /* every candidate's prompt + candidate ids, a list of [1, L] tensors */
    /* A generation's length: the candidate's (tokens to generate), or the start + prompt +
     * candidate's (a buffer's). An entry given one generates the candidate: its sampler draws
     * the candidate's tokens in order (exec_plan_generates). */
    XP_GEN_LEN,
    XP_TOTAL_LEN,
    XP_ACCELERATOR, /* a distributed-training helper of one process (exec_host.c) */
    XP_ENC_BATCHES, /* a loader of one collated batch (a dict): the candidate's input_ids,
                       attention_mask and labels (exec_stand_batch_labels') */
    XP_CAND_NTH,    /* a record's field numbered like a candidate (sol1, option2, ending0): that
                       candidate's text (numbered from 1, or from 0 when a field 0 is read) */
    XP_START_ID,    /* the start's id: a token id the code puts among the ids it builds (a bos or a
                       separator), which the toy LM reads past as it does the start */
    XP_CONT_TENSOR, /* the candidate's ids alone, [1, C], beside a parameter bound to the prompt's
                       (a scorer given the two apart, that joins them itself) */
    XP_PROMPT_LENS, /* the number of ids before the candidate, one per row of the ids ([1], or [n]
                       with every candidate): a batch's prompt lengths */
    XP_VOCAB,       /* the toy LM's vocabulary size (its logits' last dimension): the last size
                       logits are reshaped to (logits.view(-1, vocab_size)) */
} ExecParamRole;

enum { EXEC_MAX_PARAMS = 16 };

typedef struct ExecPlan {
    int nparams;
    ExecParamRole role[EXEC_MAX_PARAMS];
    char names[EXEC_MAX_PARAMS][32];
    int n_lists; /* parameters decided to be id lists, in order of decision */
    /* A use that leaves a choice (a tensor could be ids or logits) takes alternative alt[i]
     * of n_alts[i]; the driver tries the next combination when a run fails. unbatched: ids
     * and logits without the batch dimension ([L], [L, V]). */
    int alt[EXEC_MAX_PARAMS], n_alts[EXEC_MAX_PARAMS];
    /* the order the last run decided the parameters in (1 the first; 0 undecided), which the
     * driver backtracks in */
    unsigned char decided[EXEC_MAX_PARAMS], n_decided;
    bool unbatched;
    /* ids, an encoding, logits or an output hold every candidate, right-padded into one batch
     * (tried when one candidate at a time shows nothing: padding bugs need a batch). */
    bool all_candidates;
    /* the entry's class could not be built by its __init__: self is a record (its fields
     * bound by use, each a parameter of the plan named "self.NAME") */
    bool lazy_self;
    /* the toy tokenizer has a pad token, the end of text: the code used its pad_token_id as an
     * id (a buffer's fill), which the tokenizer the script loads must have */
    bool tok_pad;
    char inst_class[EXEC_MAX_PARAMS][32]; /* XP_INSTANCE*: the class's name */
    /* XP_ACCELERATOR: the method that bound it is Lightning Fabric's (setup_module, print),
     * not accelerate's (unwrap_model, prepare): the stand-in's line names Fabric */
    bool fabric[EXEC_MAX_PARAMS];
} ExecPlan;

/* The work every run of one finding may do together. Steps are counted, not timed, so a
 * finding's counterexample is the same on any machine under any load. The CPU-time net is a
 * last resort against work the steps do not count (it sits far above what the step budget
 * costs), and a run it ends says so. */
typedef struct ExecBudget {
    long steps_left;
    double cpu_deadline; /* bounds_now() seconds; 0: none */
    bool cpu_hit;        /* the net ended a run */
} ExecBudget;

/* The analysed file and the modules of its project that the code run imports (exec_module.c):
 * item 0 is the analysed file, the others are read and parsed once for every run of every
 * finding of the file, their trees the analysed source's peers. */
enum { EXEC_MAX_MODULES = 16, EXEC_MAX_MODULE_BYTES = 2 << 20 };
typedef struct ExecModule {
    char *real;        /* canonical path (NULL: unknown) */
    const Source *src; /* NULL: it could not be read or parsed */
    TSNode root;
    Source own; /* a module's own text and tree (not the analysed file's) */
    Parsed parsed;
} ExecModule;
typedef struct ExecAsked {
    int from, level, found;
    char *dotted;
} ExecAsked;
typedef struct ExecModules {
    Source *home;
    SourcePeers peers;
    ExecModule items[EXEC_MAX_MODULES];
    int n;
    /* the imports already resolved (every run imports the same names, and a finding's search
     * runs its code thousands of times): from which module, and the answer, a module or -1;
     * hashed (slots: index + 1, 0 empty) */
    Array(ExecAsked) asked;
    uint32_t *asked_slots;
    size_t asked_nslots;
} ExecModules;

/* What ended a run, for the driver's choices (the reason's text is for people). */
typedef enum {
    XF_NONE,
    XF_OTHER,     /* a value the code cannot take here (another binding may avoid it) */
    XF_GAP,       /* something the interpreter lacks or forbids: a call, keyword, statement */
    XF_UNDEFINED, /* a name (or a class) that is not defined where the code reads it */
    XF_NO_FIELD,  /* an attribute an object of the file does not have */
    XF_PARAM,     /* a parameter its use does not tell, or an argument missing */
    XF_KEY,       /* a key a dict or an encoding does not hold */
    XF_KIND,      /* an operator or a tensor given values of a kind it does not take */
    XF_NO_PAD,    /* a batch padded without a pad token (Hugging Face raises) */
    XF_NONE_ID,   /* None where an id is needed (a tokenizer's pad_token_id filling a buffer) */
    XF_BOUND,     /* a bound of the run or of the finding */
    XF_RETURN,    /* the entry ran but returned no score per candidate (verify_exec.c) */
} ExecFail;

/* One run: the state of the interpreter while the entry is called on one candidate. */
typedef struct ExecRun {
    const Source *src;
    TSNode root;
    Arena arena;
    size_t bytes;
    long steps;
    int depth, nest;
    ExecBudget *budget; /* the finding's, shared by its runs; NULL: this run's bound only */
    bool failed;
    ExecFail fail; /* what ended it (XF_NONE: not failed) */
    char why[200];
    ExecEnv *globals;
    /* The project's modules (NULL: none are read), the one whose code is the entry's (its
     * globals are `globals`), and each module's globals and module object in this run. */
    ExecModules *mods;
    int main_mod;
    struct {
        ExecEnv *env;
        ExecValue *obj;
    } mod_run[EXEC_MAX_MODULES];
    bool siblings_bound; /* the modules beside the entry's file are bound (exec_module_siblings) */
    /* The toy model: the table (rows are added to it when a run needs one it lacks), the
     * candidate being scored, and the plan that binds the entry's parameters. */
    VerifyTable *table;
    int cand;
    ExecPlan *plan;
    bool gave_all; /* a stand-in returned every candidate (generate with several sequences) */
    bool lm_float64; /* from_pretrained(torch_dtype=torch.float64) */
    ExecDtype lm_dtype;
    int rows_added;
    int lm_reads; /* rows of the toy LM the run read: none, and its numbers say nothing of it */
    int const_depth;               /* module constants being evaluated (one reads another) */
    uint32_t mark_start, mark_end; /* the flagged node: `reached` once it is evaluated */
    bool reached;
    int in_mark; /* evaluations of the flagged node under way */
    /* an eps (a positive constant below 1e-3) added to a value or taken as its floor inside the
     * flagged node: seen */
    bool eps_seen;
    bool eps_off; /* such an eps is taken as 0: the run without the floor, to compare */
    ExecValue *yields; /* the values the generator being run has yielded (NULL: none runs) */
    ExecMt *torch_rng; /* torch's CPU generator once the code seeds it or draws (NULL: not yet) */
    ExecValue *marked; /* the flagged expression's last value (NULL: not evaluated) */
    int marked_times;  /* how often it was evaluated (in a loop, marked is the last one's) */
    /* The candidate whose start + prompt + candidate the toy LM's last call of one sequence read
     * (-1: none, another text, or a batch), and the flagged expression's first EXEC_MAX_MARKS
     * values with the candidate the LM had read when each was computed: a loop over requests
     * scores each candidate in turn, in whatever order it visits them. */
    int lm_cand;
    bool lm_past_candidates; /* the toy LM read a text that is no start of prompt + a candidate */
    bool lm_read_cand;       /* the toy LM read the run's candidate's text (prompt + it), one row */
    bool lm_generated; /* the toy LM's generate() made the run's candidate after the prompt */
    struct {
        ExecValue *v;
        int cand;
    } marks[EXEC_MAX_MARKS];
    int hidden_width; /* the toy model's hidden size once chosen (exec_nn.c); 0: not yet */
    double start_logit; /* the start's logit on this table (EXEC_START_GAP); NAN: not yet known */
    /* a float tensor of several rows and columns was reduced over every axis at once (np.max(y),
     * e.sum()): code written for one step's vector, given every position's */
    bool whole_reduced;
    bool opened; /* the code opened a file (exec_file.c): its records are the table's */
    int drawn; /* the candidate's tokens a sampler drew, in a run that generates it */
    int greedy_draws; /* draws of a sampler's stand-in that took the most probable outcome */
    bool gave_cand_ids; /* a parameter was given the prompt + candidate's ids (or their encoding) */
    bool marked_after_draw; /* the flagged expression ran after such a draw (its value may be the
                               draw's, not the candidate's) */
    /* the def the entry is nested in (null: none): its locals, which the entry reads as a
     * closure's, are bound by use as parameters are (exec_stand_outer_local) */
    TSNode outer_def;
    TSNode entry_class; /* the entry's class (null: none): never stood in for by the toy LM */
    /* the entry is module-level code from byte unit_start of the entry's module on: a constant
     * of it is an assignment before that byte, and one whose value the run cannot compute (data
     * the script loads from a file or the network) is bound by its use as a parameter is */
    bool module_unit;
    uint32_t unit_start;
    /* What the run chose where the toy model cannot know the script's numbers (a head's
     * weights, a sampler's draw): one line each, reported with the counterexample. */
    char stand_ins[VERIFY_MAX_STAND_INS][160];
    int n_stand_ins;
    /* The numbers the run's ranking calls chose among (argmax / argmin of a vector or list,
     * max / min with key=), the first call's kept: where code that returns nothing (a main())
     * compares its candidates' scores (exec_rank.c). */
    struct {
        int times; /* ranking calls over numbers */
        int n;
        double vals[EXEC_MAX_MARKS];
        ExecValue *items[EXEC_MAX_MARKS]; /* what each value ranks (NULL: its position) */
        bool lowest;                      /* argmin / min: the lowest is the pick */
        const char *dtype;
        int line;
        char what[24]; /* "numpy.argmax", "max(key=)" */
    } rank;
} ExecRun;

/* ---- exec_tok.c: the toy tokenizer ---- */
struct ExecArgs;
ExecValue *exec_tok_new(ExecRun *r);
/* tokenizer(text(s), text_target=, images=, return_tensors=, padding=): an encoding. */
ExecValue *exec_tok_call(ExecRun *r, ExecValue *tok, struct ExecArgs *a);
ExecValue *exec_tok_method(ExecRun *r, ExecValue *self, const char *m, struct ExecArgs *a);
/* The id of "x", the unscored start: one past the table's tokens (exec_stand.c). */
int exec_stand_start_id(ExecRun *r);
/* A keyword of a tokenizer or model call that changes nothing the toy model computes. */
bool exec_stand_ignorable(const char *kw);

/* ---- exec_value.c ---- */
void exec_run_init(ExecRun *r, const Source *src, TSNode root, VerifyTable *table, int cand,
                   ExecPlan *plan, ExecBudget *budget);
void exec_run_free(ExecRun *r);
/* Ends the run with a one-line reason (the first one wins); returns NULL for `return
 * exec_fail(...)` in functions returning a value. */
ExecValue *exec_fail(ExecRun *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
ExecValue *exec_fail_at(ExecRun *r, TSNode n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The same, saying what kind of failure it is (exec_fail and exec_fail_at: XF_OTHER); a null
 * node: no line. */
ExecValue *exec_fail_as(ExecRun *r, ExecFail kind, TSNode n, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
bool exec_step(ExecRun *r); /* false once a bound is exceeded */
/* Records a stand-in the run chose at node `at` ("WHAT at line N: HOW"; a null node: "WHAT:
 * HOW"), once; false (run failed) when there are more than the report holds. */
bool exec_stand_in(ExecRun *r, TSNode at, const char *what, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Charges the steps of a kernel that makes or reads `elems` tensor elements; false past a bound. */
bool exec_work(ExecRun *r, long elems);
void *exec_alloc(ExecRun *r, size_t n); /* zeroed; NULL (run failed) past the memory bound */
int exec_line(ExecRun *r, TSNode n);
const char *exec_text(ExecRun *r, TSNode n, int *len);
bool exec_text_is(ExecRun *r, TSNode n, const char *s);

ExecValue *exec_none(void);
ExecValue *exec_bool(bool b);
ExecValue *exec_int(ExecRun *r, int64_t i);
ExecValue *exec_float(ExecRun *r, double f);
ExecValue *exec_str(ExecRun *r, const char *s, int n);
ExecValue *exec_new(ExecRun *r, ExecKind kind);
ExecValue *exec_lib(ExecRun *r, const char *qual);
ExecValue *exec_method(ExecRun *r, const char *name, ExecValue *self);
ExecValue *exec_object(ExecRun *r, const char *type);
bool exec_seq_push(ExecRun *r, ExecSeq *s, ExecValue *v);
ExecValue *exec_dict_get(ExecDict *d, ExecValue *key);
ExecValue *exec_dict_get_str(ExecDict *d, const char *key);
bool exec_dict_set(ExecRun *r, ExecDict *d, ExecValue *key, ExecValue *v);
bool exec_dict_set_str(ExecRun *r, ExecDict *d, const char *key, ExecValue *v);
bool exec_truthy(ExecRun *r, ExecValue *v, bool *out);
bool exec_equal(ExecValue *a, ExecValue *b);
bool exec_is_number(ExecValue *v);     /* bool, int, float */
double exec_number(ExecValue *v);      /* of a number */
bool exec_as_int(ExecValue *v, int64_t *out); /* int, bool, or a one-element integer tensor */
/* A double as an int64, false when it is not finite or outside int64's range. */
bool exec_double_to_int(double v, int64_t *out);
const char *exec_kind_name(ExecValue *v);
/* A string growing in the run's arena (NUL-terminated); false (run failed) past the bound. */
typedef struct {
    char *s;
    int n, cap;
} ExecBuf;
bool exec_buf_add(ExecRun *r, ExecBuf *b, const char *s, int n);
/* str(v) as Python prints it, for f-strings, str() and joins. */
ExecValue *exec_to_str(ExecRun *r, ExecValue *v);

/* Environments: a name -> value map with a parent scope. */
ExecEnv *exec_env_new(ExecRun *r, ExecEnv *parent);
ExecValue *exec_env_get(ExecEnv *e, const char *name, int len);
ExecDict *exec_env_vars(ExecEnv *e); /* the scope's own names */
ExecEnv *exec_env_globals(ExecEnv *e); /* the global scope it is in */
bool exec_env_set(ExecRun *r, ExecEnv *e, const char *name, int len, ExecValue *v);

/* ---- exec_tensor.c ---- */
const char *exec_dtype_name(ExecDtype d);
double exec_round(ExecDtype d, double v);
bool exec_dtype_is_float(ExecDtype d);
ExecTensor *exec_tensor_new(ExecRun *r, ExecDtype d, int ndim, const int *shape, bool numpy);
ExecValue *exec_tensor_value(ExecRun *r, ExecTensor *t);
/* A tensor from a number, a nested list of numbers or a tensor; dtype -1: inferred. */
ExecTensor *exec_tensor_from(ExecRun *r, ExecValue *v, int dtype, bool numpy);
/* Elementwise binary operator: + - * / // % ** < <= > >= == != & |, broadcasting, with
 * torch's / NumPy's type promotion (a Python scalar does not widen a tensor's float dtype). */
ExecValue *exec_tensor_binop(ExecRun *r, const char *op, ExecValue *a, ExecValue *b);
ExecValue *exec_tensor_where(ExecRun *r, ExecValue *c, ExecValue *x, ExecValue *y);
/* Elementwise unary function by name: neg exp log log2 log1p expm1 abs sqrt sigmoid not. */
ExecTensor *exec_tensor_unary(ExecRun *r, const char *fn, ExecTensor *a);
/* Reductions over dim (INT32_MIN: all), keepdim: sum mean prod max min argmax argmin
 * logsumexp any all. */
ExecTensor *exec_tensor_reduce(ExecRun *r, const char *fn, ExecTensor *a, int dim, bool keepdim);
ExecTensor *exec_tensor_softmax(ExecRun *r, ExecTensor *a, int dim, bool log);
ExecTensor *exec_tensor_cumulative(ExecRun *r, ExecTensor *a, int dim, bool product);
ExecTensor *exec_tensor_gather(ExecRun *r, ExecTensor *a, int dim, ExecTensor *idx);
ExecTensor *exec_tensor_reshape(ExecRun *r, ExecTensor *a, int ndim, const int *shape);
ExecTensor *exec_tensor_unsqueeze(ExecRun *r, ExecTensor *a, int dim);
ExecTensor *exec_tensor_squeeze(ExecRun *r, ExecTensor *a, int dim); /* INT32_MIN: all */
ExecTensor *exec_tensor_cat(ExecRun *r, ExecTensor **parts, int n, int dim, bool stack);
ExecTensor *exec_tensor_cast(ExecRun *r, ExecTensor *a, ExecDtype d);
ExecTensor *exec_tensor_transpose(ExecRun *r, ExecTensor *a, int d0, int d1);
/* a @ b: torch.matmul / np.matmul, batch dimensions broadcast. */
ExecTensor *exec_tensor_matmul(ExecRun *r, ExecTensor *a, ExecTensor *b);
/* The next index of a walk over every element of a shape in row-major order (the last axis
 * fastest; after the last element it wraps to all zeros). */
void exec_index_next(int *idx, const int *shape, int ndim);
/* x[index]: ints, slices, None, Ellipsis, integer tensors / lists (advanced, broadcast
 * together), boolean masks. */
ExecValue *exec_tensor_index(ExecRun *r, ExecTensor *a, ExecValue *index);
bool exec_tensor_assign(ExecRun *r, ExecTensor *a, ExecValue *index, ExecValue *v);
/* tolist(): nested lists of Python numbers; item(): the one element. */
ExecValue *exec_tensor_tolist(ExecRun *r, ExecTensor *a);
ExecValue *exec_tensor_item(ExecRun *r, ExecTensor *a);
bool exec_norm_dim(ExecRun *r, int ndim, int64_t dim, int *out);

/* ---- exec_eval.c ---- */
/* Runs the module's top level for its definitions and constants (no other statement). */
bool exec_module_defs(ExecRun *r);
/* The same for the module whose tree is root, in the global scope env. */
bool exec_defs_in(ExecRun *r, TSNode root, ExecEnv *env);
ExecValue *exec_eval(ExecRun *r, ExecEnv *env, TSNode n);
ExecValue *exec_iterate(ExecRun *r, ExecValue *v, TSNode at); /* a list of the elements */
ExecValue *exec_subscript(ExecRun *r, ExecValue *v, ExecValue *idx, TSNode at); /* v[idx] */
/* Binds v to an assignment's target (a name, a pattern to unpack, an attribute, a subscript). */
bool exec_bind_target(ExecRun *r, ExecEnv *env, TSNode target, ExecValue *v);
/* Generators: a def with a yield of its own; its body run when it is called (a generator
 * object holding what it yielded); is v one; up to max of its values not yet consumed, a list. */
bool exec_def_is_generator(TSNode def);
ExecValue *exec_generator_run(ExecRun *r, ExecEnv *env, TSNode body);
bool exec_is_generator(const ExecValue *v);
ExecValue *exec_generator_take(ExecRun *r, ExecValue *gen, int max);
/* Runs a def's body; *ret gets what it returns (None when it does not). false: the run failed. */
bool exec_body(ExecRun *r, ExecEnv *env, TSNode body, ExecValue **ret);

/* ---- exec_object.c: the file's functions, classes and objects ---- */
bool exec_is_dunder(const char *s); /* __name__: an attribute the code run may not touch */
/* obj.name of an object of a class of the file, a dunder too (__len__, __getitem__), bound to it;
 * NULL: no such method (a static one neither). */
ExecValue *exec_class_method(ExecRun *r, ExecValue *obj, const char *name);
ExecValue *exec_getattr(ExecRun *r, ExecValue *v, const char *name, TSNode at);
ExecValue *exec_super(ExecRun *r, ExecEnv *env, TSNode call); /* super() with no arguments */
TSNode exec_enclosing_def(TSNode n); /* the function a node is in (null: module level) */
TSNode exec_def_class(TSNode def);   /* the class a def is a method of (null: none) */
/* the lambda of the assignment n is in, when it binds a name (`seq_score = lambda logits, ids:
 * ...`): module-level code that is a function all the same (null: none) */
TSNode exec_named_lambda(TSNode n);
TSNode exec_def_name(TSNode def); /* a def's name, or the name a lambda is assigned to */
/* getattr(v, name, dflt) and hasattr(v, name) for a name the code spells out: dflt (NULL: none)
 * where v is known to lack it; hasattr fails where that is not known (exec_object.c) */
ExecValue *exec_getattr_or(ExecRun *r, ExecValue *v, const char *name, ExecValue *dflt, TSNode at);
ExecValue *exec_hasattr(ExecRun *r, ExecValue *v, const char *name, TSNode at);
/* Calls a callable with evaluated arguments (kw_names[i] for keyword arguments). */
ExecValue *exec_call_value(ExecRun *r, ExecValue *fn, ExecValue **args, int nargs,
                           const char **kw_names, ExecValue **kw_vals, int nkw, TSNode at);

/* ---- exec_call.c ---- */
/* The arguments of a library call, read by position or keyword; a keyword no handler read
 * ends the run (an ignored `reduction="sum"` would compute something else). */
typedef struct ExecArgs {
    ExecValue **pos;
    int npos;
    const char **kw;
    ExecValue **kwv;
    int nkw;
    uint32_t used; /* bit k: keyword k was read */
    TSNode at;
    const char *name; /* the function or method, for messages */
} ExecArgs;
ExecValue *exec_arg(ExecArgs *a, int i, const char *kw); /* NULL: not given */
bool exec_arg_int(ExecRun *r, ExecArgs *a, int i, const char *kw, int64_t dflt, int64_t *out);
bool exec_arg_bool(ExecRun *r, ExecArgs *a, int i, const char *kw, bool dflt, bool *out);
/* torch / NumPy / math functions and tensor methods (exec_lib.c); `fn` is the name without
 * its module ("log_softmax"), family 't' torch, 'n' NumPy, 'm' math; NULL with r->failed
 * unset: no such function. */
ExecValue *exec_lib_function(ExecRun *r, char family, const char *fn, ExecArgs *a);
ExecValue *exec_lib_tensor_method(ExecRun *r, ExecTensor *t, const char *fn, ExecArgs *a);
/* The tensor of a value (a tensor, a number or a nested list); NULL (run failed) otherwise. */
ExecTensor *exec_lib_tensor(ExecRun *r, ExecValue *v, bool numpy);
/* numpy / torch / math / jax.numpy inf, nan, pi, e (newaxis: None): NULL for another name. */
ExecValue *exec_lib_constant(ExecRun *r, const char *q);
/* A dtype value (torch.float32, np.float64, "float32", float): -1 if none. */
int exec_lib_dtype(ExecValue *v);
/* A shape from the arguments from position `from` on: ints, or one tuple or list of them (or
 * shape= / size=); false (run failed) otherwise. */
bool exec_lib_shape(ExecRun *r, ExecArgs *a, int from, int *ndim, int *shape);
/* np.add / multiply / maximum / minimum .reduce(array, axis=0, keepdims=False) (NULL with
 * r->failed unset: another ufunc). */
ExecValue *exec_lib_ufunc_reduce(ExecRun *r, const char *ufunc, ExecArgs *a);
/* ---- exec_layout.c ---- */
/* Tensor methods repeat, tile, expand, expand_as, broadcast_to, matmul, mm, bmm, dot, and the
 * functions one_hot and F.pad (NULL with r->failed unset: not one of them). */
ExecValue *exec_layout_method(ExecRun *r, ExecTensor *t, const char *fn, ExecArgs *a);
ExecValue *exec_layout_function(ExecRun *r, char family, const char *fn, ExecArgs *a);
/* einops.rearrange / einops.repeat of named axes (NULL with r->failed unset: another one). */
ExecValue *exec_layout_einops(ExecRun *r, const char *fn, ExecArgs *a);

/* A call of a library function or method (fn is XV_LIB or XV_METHOD), or NULL with the run
 * failed ("unsupported call re.sub at line 14"). */
ExecValue *exec_call_lib(ExecRun *r, ExecValue *fn, ExecValue **args, int nargs,
                         const char **kw_names, ExecValue **kw_vals, int nkw, TSNode at);
ExecValue *exec_builtin_name(ExecRun *r, const char *name, int len); /* NULL: no builtin */
/* A method only Python's str has (no tensor, list or record has one of the name): a parameter
 * it is called on is a text. */
bool exec_text_only_method(const char *m);

/* ---- exec_tf.c ---- */
/* The torch name of a TensorFlow function computing the same (tf.reduce_sum: sum); NULL: none. */
const char *exec_tf_alias(const char *q);
/* A TensorFlow or Keras function computed as TF does (tf.gather, tf.one_hot, tf.shape, Keras'
 * sparse categorical cross-entropy, a Keras loss object built); NULL with r->failed unset: not
 * one of them. */
ExecValue *exec_tf_call(ExecRun *r, const char *q, ExecArgs *a);
/* A call of a Keras loss object (made by exec_tf_call): the loss of (y_true, y_pred), reduced. */
ExecValue *exec_tf_loss_call(ExecRun *r, ExecValue *loss, ExecValue **args, int nargs, const char **kw_names,
                             ExecValue **kw_vals, int nkw, TSNode at);
/* update_state / result / reset_state of a Keras Sum or Mean metric (made by exec_tf_call). */
ExecValue *exec_tf_metric_method(ExecRun *r, ExecValue *metric, const char *m, ExecArgs *a);
/* ---- exec_module.c ---- */
void exec_modules_init(ExecModules *m, Source *home, TSNode root);
void exec_modules_free(ExecModules *m);
/* The module `level` dots and `dotted` name (relative to its package, or absolute from its
 * directory or one above it), imported by the file whose tree is from_tree: its index, read
 * and parsed on first use; -1 when it is no file of the project (a library, say). */
int exec_modules_find(ExecModules *m, const void *from_tree, int level, const char *dotted);
/* The modules the code of s has imported so far (NULL: its text was never run). */
const ExecModules *verify_source_modules(const VerifySource *s);
/* s parsed, with its modules (once; false: it does not parse). */
bool verify_source_parse(VerifySource *s);
/* verify_source.c: the text of a file's findings, shared by them (verify.h) */
struct VerifySource {
    atomic_int refs;
    const void *key;
    Source src;
    Parsed parsed;
    bool parse_tried, parse_ok;
    ExecModules mods; /* the file and the modules of its project its code imports */
};
bool exec_module_locate(const char *from_real, int level, const char *dotted, char *path, size_t n);
/* The module whose tree is `tree` (-1: none of them). */
int exec_modules_of_tree(const ExecModules *m, const void *tree);
/* The same, in a run, for an import statement `at` (-1: none). */
int exec_module_find(ExecRun *r, TSNode at, int level, const char *dotted);
/* Binds the modules beside the entry's file (a class its callers elsewhere built). */
void exec_module_siblings(ExecRun *r);
/* Module idx of the run as an object whose fields are its top-level names (its definitions
 * and imports bound on first use). NULL: the run failed. */
ExecValue *exec_module_value(ExecRun *r, int idx);
/* The tree of the module whose global scope is `globals` (the entry's when none). */
TSNode exec_module_root(ExecRun *r, ExecEnv *globals);
/* A module-level `NAME = value` of the module whose code reads it (env is where), evaluated on
 * first read; NULL: none. */
ExecValue *exec_module_constant(ExecRun *r, ExecEnv *env, const char *name, int len);
/* The name `name` of a module of the project (an object of type "module"); NULL: none. */
ExecValue *exec_module_member(ExecRun *r, ExecValue *mod, const char *name);
/* Does the body of def `fn` declare `global NAME`? */
bool exec_declares_global(ExecRun *r, TSNode fn, const char *name, int len);
/* An import statement: names bound to modules of the project, or to library names. */
bool exec_import(ExecRun *r, ExecEnv *env, TSNode n);

/* ---- exec_stand.c ---- */
/* The entry's parameter `p` (XV_PENDING) as its use decides: `use` is "call", "attr:NAME",
 * "int", "tensor", "str". NULL (run failed) when the use does not tell. */
ExecValue *exec_stand_resolve(ExecRun *r, ExecValue *p, const char *use, ExecValue *arg);
ExecValue *exec_stand_param(ExecRun *r, int i); /* the value of a decided parameter */
const char *exec_role_name(ExecParamRole role); /* "prompt_ids": for the trace */
/* Is the entry given a generation's length (XP_GEN_LEN, XP_TOTAL_LEN)? Then it generates the
 * candidate, and its sampler draws the candidate's tokens. */
bool exec_plan_generates(const ExecPlan *p);
/* A record whose fields are bound by use: each a parameter named PREFIX.FIELD. */
ExecValue *exec_stand_record(ExecRun *r, const char *prefix);
/* The "labels" a causal-LM collator puts in a bound batch (the ids, start/prompt/pads -100). */
ExecValue *exec_stand_batch_labels(ExecRun *r, ExecValue *batch);
/* The field `name` of a record read before any write: the pending parameter PREFIX.NAME (added
 * to the plan on first use, kept for later runs); NULL (run failed) past the plan's bound. */
ExecValue *exec_stand_record_field(ExecRun *r, ExecValue *rec, const char *name);
/* A pending parameter named `name` (added to the plan on first use); NULL past the bound. */
ExecValue *exec_stand_named(ExecRun *r, const char *name, int cand);
/* A name the entry reads that its enclosing def binds (a closure's variable: `model` of the
 * main() a scorer is nested in), bound by use as a parameter and kept in the run's globals;
 * NULL with the run intact: not one. */
ExecValue *exec_stand_outer_local(ExecRun *r, const char *name, int len);
/* A global the code reads that its module binds where the run does not go (in a top-level
 * loop or block other than a main guard, `global NAME` in a function such as main()), bound by
 * use as a parameter and kept in that module's globals; NULL with the run intact: not one. */
ExecValue *exec_stand_global(ExecRun *r, ExecEnv *env, const char *name, int len);
/* ---- exec_object.c: classes for parameters bound as instances ---- */
/* A torch.nn.Module subclass of the file (no base of its own) with __init__ and forward,
 * whose __init__ makes an nn.Embedding and whose forward takes the ids: a causal language model
 * of the script's own; building one gives the toy LM (a stand-in, reported), unless it is the
 * class of the entry. */
bool exec_token_model_class(ExecRun *r, ExecValue *cls);
/* The entry's method `method` (not forward) of such a class, bound to the toy LM as its self
 * (self(ids) and self.forward are the toy LM's, a stand-in line says so); NULL: not one. */
ExecValue *exec_token_model_method(ExecRun *r, ExecValue *cls, const char *method);
/* model.parameters(): one parameter of dtype d, zero-dimensional, on the CPU, what the
 * script reads of it (next(model.parameters()).device / .dtype; an optimizer's, never a
 * score's). */
ExecValue *exec_stand_parameters(ExecRun *r, ExecDtype d);
/* The module-level class whose method `method` the code calls: the file's, else one of a module
 * of the project the run loaded (NULL: none). */
ExecValue *exec_class_with_method(ExecRun *r, const char *method);
/* The module-level class `name`: the file's, else a loaded module's of the project (NULL: none). */
ExecValue *exec_project_class(ExecRun *r, const char *name);
/* A @dataclass of the run's module (defined or imported) whose every field has a default, one
 * of them `field`, with no __init__ or base of its own: a config a parameter stands for
 * (cfg.max_length), built with its defaults. NULL: none. */
ExecValue *exec_config_class(ExecRun *r, const char *field);
/* An instance of cls built by its __init__, each parameter without a default a pending
 * parameter "prefix(arg)"; lazy: not built, its fields bound by use ("prefix.field"). */
ExecValue *exec_instance_by_use(ExecRun *r, ExecValue *cls, const char *prefix, bool lazy);
ExecValue *exec_stand_call(ExecRun *r, ExecValue *fn, ExecValue **args, int nargs,
                           const char **kw_names, ExecValue **kw_vals, int nkw, TSNode at);
ExecValue *exec_stand_attr(ExecRun *r, ExecValue *v, const char *name, TSNode at);
ExecValue *exec_stand_method(ExecRun *r, ExecValue *self, const char *m, ExecArgs *a);
/* A method of an ONNX Runtime session of the toy LM (run, get_inputs, get_outputs). */
ExecValue *exec_stand_session(ExecRun *r, const char *m, ExecArgs *a);
/* ---- exec_nn.c: stand-ins for heads on hidden states and for samplers ---- */
/* torch.nn.Linear / LayerNorm / RMSNorm / Dropout / activations / Sequential (NULL with
 * r->failed unset: not one of them), a call of one, a method of one. */
ExecValue *exec_nn_new(ExecRun *r, const char *q, ExecArgs *a);
/* torch.nn.init's initialisers, clip_grad_norm_ (exec_nn.c); NULL with r->failed unset: not one */
ExecValue *exec_nn_training(ExecRun *r, const char *q, ExecArgs *a);
ExecValue *exec_nn_call(ExecRun *r, ExecValue *layer, ExecValue **args, int nargs, int nkw, TSNode at);
ExecValue *exec_nn_method(ExecRun *r, ExecValue *layer, const char *m, ExecArgs *a);
/* A model output's last_hidden_state / hidden_states; the toy config's hidden_size and layer
 * count (NULL with r->failed unset: not one). */
ExecValue *exec_nn_hidden(ExecRun *r, ExecValue *output, const char *name, TSNode at);
ExecValue *exec_nn_config(ExecRun *r, const char *name);
ExecValue *exec_nn_attr(ExecRun *r, ExecValue *layer, const char *name);
/* A sampler drawing the most probable outcome (NULL with r->failed unset: not one); a method
 * of a random generator. */
ExecValue *exec_nn_sampler(ExecRun *r, const char *q, ExecArgs *a);
ExecValue *exec_nn_rng_method(ExecRun *r, const char *m, ExecArgs *a);
/* A method of a torch.distributions.Categorical (made by exec_nn_sampler): sample, log_prob,
 * entropy. */
ExecValue *exec_nn_dist_method(ExecRun *r, ExecValue *dist, const char *m, ExecArgs *a);

/* ---- verify_exec_flow.c ---- */
/* The item of the returned tuple of n items of function `def` that the values of the flagged
 * node (mark_start..mark_end) flow into: its index; -1 when none or more than one do. */
int verify_exec_flow_item(const Source *src, TSNode def, uint32_t mark_start, uint32_t mark_end, int n);
/* Does v hold floats (a float tensor, a float, or a list whose first item is one)? Ids and
 * token lists do not. */
bool verify_exec_holds_floats(const ExecValue *v);
/* The item of a tuple an entry given every candidate returns that holds one float per candidate
 * (a list of n Python floats, or a float tensor of n): (preds, margins) gives its margins. Item
 * `flowing` (>= 0: the one the flagged code flows into, (total, count) its total) when it does,
 * else the only one that does; -1: none, or more than one. */
int verify_exec_batch_item(const ExecValue *v, int n, int flowing);
/* The same for a returned dict literal: the key (into out, n bytes) of the one pair whose value
 * the flagged values flow into; false: none, or more than one. */
bool verify_exec_flow_key(const Source *src, TSNode def, uint32_t mark_start, uint32_t mark_end, char *out, size_t n);
/* How the calls of function `def` (of def_src) in the code under root (of src) choose among its
 * values, by data flow from each call: -1 the lowest (min, argmin, sorted without reverse), 1 the
 * highest (max, argmax, reverse=True), 0 none, both, or after turning them around (-x, 1/x). */
int verify_exec_flow_order(const Source *src, TSNode root, const Source *def_src, TSNode def);

/* ---- exec_format.c ---- */
/* One replacement field: v formatted by the spec after the colon (len 0: none), appended to b;
 * a parameter bound by use is text. false: the run failed. */
bool exec_format_value(ExecRun *r, ExecBuf *b, ExecValue *v, const char *spec, int len);
/* s.format(*args, **kwargs). */
ExecValue *exec_str_format(ExecRun *r, ExecValue *s, ExecArgs *a);
/* s % args: printf-style conversions (s r d i x o e f g, flags, width, precision, %(key)s of a
 * dict); args a tuple, a dict or one value, with Python's errors for too few or too many. */
ExecValue *exec_str_percent(ExecRun *r, ExecValue *s, ExecValue *args, TSNode at);
/* json.dumps(obj, indent=None) of None, bools, numbers, ASCII strings, lists, tuples, dicts. */
ExecValue *exec_json_dumps(ExecRun *r, ExecArgs *a);
/* tokenizer.apply_chat_template(messages, tokenize=True, return_tensors=None, return_dict=False)
 * of the toy tokenizer: its template joins the messages' contents by spaces (a stand-in,
 * reported); the text, its ids (a list, or a tensor), or its encoding. */
ExecValue *exec_chat_template(ExecRun *r, ExecValue *tok, ExecArgs *a);

/* ---- exec_data.c ---- */
/* torch.utils.data.DataLoader(...): the list of its batches (dataset order kept). */
ExecValue *exec_data_loader(ExecRun *r, ExecArgs *a);
/* transformers' DataCollatorWithPadding / DataCollatorForLanguageModeling(mlm=False) over the
 * toy tokenizer (NULL with r->failed unset: not one), and a call of one on a list of features. */
ExecValue *exec_data_collator(ExecRun *r, const char *q, ExecArgs *a);
ExecValue *exec_data_collate(ExecRun *r, ExecValue *collator, ExecValue **args, int nargs, TSNode at);

/* ---- exec_random.c ---- */
/* torch.manual_seed / transformers.set_seed (seed torch's CPU generator) and torch.randint
 * drawing from it as torch does (NULL with r->failed unset: not one). */
ExecValue *exec_random_call(ExecRun *r, const char *q, ExecArgs *a);

/* ---- exec_rank.c: the values a ranking call chooses among ---- */
/* Notes a call of fn (a library argmax / argmin, or a tensor's method) on args[0] or on self. */
void exec_rank_note_call(ExecRun *r, const ExecValue *fn, ExecValue **args, int nargs, TSNode at);
/* Notes max / min with key=: items[i] ranked by keys[i]. */
void exec_rank_note_keyed(ExecRun *r, ExecValue **items, ExecValue **keys, int n, bool lowest, TSNode at);

/* ---- exec_file.c: the script's data files, never read or written ---- */
/* open(...): a file whose records are bound by their use (a stand-in, reported). */
ExecValue *exec_file_open(ExecRun *r, ExecArgs *a);
bool exec_file_is(const ExecValue *v);
bool exec_file_has_method(const ExecValue *file, const char *m);
ExecValue *exec_file_method(ExecValue *file, const char *m, ExecArgs *a);
/* json.load / json.loads / json.dump ... of a file or its records, datasets.load_dataset (NULL
 * with r->failed unset: not one). */
ExecValue *exec_file_call(ExecRun *r, const char *q, ExecArgs *a);
/* A file iterated: a list of one record, its fields bound by use ("file[].prompt"). */
ExecValue *exec_file_iterate(ExecRun *r, ExecValue *file);
/* ds["validation"] of a data set (a split's name): the same records. */
bool exec_file_split(const ExecValue *v, const ExecValue *key);

/* ---- exec_host.c: the command line and the environment, both empty ---- */
/* argparse.ArgumentParser, os.environ.get, os.getenv (NULL with r->failed unset: not one). */
ExecValue *exec_host_call(ExecRun *r, const char *q, ExecArgs *a);
/* The value of a library name that is data, not a function: sys.argv, os.environ, string's
 * constants (NULL with r->failed unset: not one). */
ExecValue *exec_host_value(ExecRun *r, const char *q, TSNode at);
/* accelerate's Accelerator (or Lightning's Fabric) of one process on the CPU (is_main_process,
 * num_processes 1): a parameter whose first use is a method only such an object has
 * (unwrap_model, prepare, setup_module), or accelerate.Accelerator() / lightning.Fabric().
 * `what` names it in the stand-in's line ("Accelerator", "Fabric"). */
ExecValue *exec_host_accelerator(ExecRun *r, const char *what);
bool exec_host_accelerator_method(const char *m);
bool exec_host_fabric_method(const char *m); /* one only Lightning's Fabric has (setup_module) */
ExecValue *exec_host_accelerator_call(ExecRun *r, const char *m, ExecArgs *a);
/* A method of an argparse parser (NULL with r->failed unset: not one). */
ExecValue *exec_host_method(ExecRun *r, ExecValue *parser, const char *m, ExecArgs *a);

/* ---- exec_api.c ---- */
/* A served response for the run's candidate: OpenAI completion / chat and vLLM layouts, true
 * log-softmax values of the toy LM; `generated_only`: token_logprobs without the echoed prompt. */
ExecValue *exec_api_response(ExecRun *r, bool generated_only);
/* An OpenAI client serving the toy LM (openai.OpenAI()): client.completions and
 * client.chat.completions, whose create() answers with exec_api_response's layouts: a completion
 * echoing its prompt scores that text (it must be a candidate's, start + prompt + candidate), one
 * not echoing and a chat generate the run's candidate. */
ExecValue *exec_api_client(ExecRun *r, TSNode at);
ExecValue *exec_api_create(ExecRun *r, const char *type, ExecArgs *a);
/* The toy tokenizer's ids of a text, a list (NULL: not a text, or the run failed). */
ExecValue *exec_stand_text_ids(ExecRun *r, ExecValue *text);
/* lm-eval's loglikelihood results: (log Pr(y|x), is_greedy) for every candidate, a list. */
ExecValue *exec_api_loglikelihoods(ExecRun *r);
/* Adds the deterministic row of a prefix to t unless it has one; its index, -1 on OOM. */
int exec_stand_row(VerifyTable *t, const int *prefix, int n);
/* Calls the entry def with the given arguments (parameters without one take defaults). */
ExecValue *exec_call_entry(ExecRun *r, TSNode def, ExecValue **args, int nargs);
ExecValue *exec_binop(ExecRun *r, const char *op, ExecValue *a, ExecValue *b, TSNode at);
/* from_pretrained(...) of a model or tokenizer class. */
ExecValue *exec_stand_pretrained(ExecRun *r, const char *qual, const char **kw_names,
                                 ExecValue **kw_vals, int nkw);

#endif
