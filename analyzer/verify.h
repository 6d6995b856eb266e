/* verify: the numeric verifier. Runs a scoring recipe on toy autoregressive
 * tables and shows where its ranking of candidates departs from log Pr(y|x).
 *
 * A rule defines its recipes beside its check (rules/LL1xx_*.c, listed in its
 * Rule), and a finding carries a pointer to one of them; the check command asks
 * verify_counterexample() for that recipe's counterexample. The catalog
 * (`logitlint verify --list-recipes`) is every rule's recipes in registry order,
 * then the two below that belong to no rule.
 *
 * Files: verify_table.c (table model, built-in `abc`, loading and validating
 * table files), verify_json.c (the JSON reader for table files),
 * verify_recipe.c (the catalog, built from the rules), verify_score.c (scoring, rankings,
 * harm), verify_search.c (seeded search + shrink), verify_print.c (text and
 * JSON rendering), verify_cli.c (`logitlint verify`). */
#ifndef LOGITLINT_VERIFY_H
#define LOGITLINT_VERIFY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct VerifyRecipe VerifyRecipe;
typedef struct VerifyResult VerifyResult;
typedef struct VerifyTable VerifyTable;

/* ---- The API the rest of logitlint uses ---------------------------------- */

/* The analysed text a finding came from, shared (reference counted) by the findings of one
 * file, so that the verifier can run the code under a finding (verify_exec.c). */
typedef struct VerifySource VerifySource;
typedef struct VerifySite {
    VerifySource *src; /* NULL: none */
    uint32_t start, end; /* the flagged node's bytes */
} VerifySite;
VerifySource *verify_source_new(const char *path, const char *text, size_t len, const void *key);
const void *verify_source_key(const VerifySource *s); /* the key it was made with */
const char *verify_source_text(const VerifySource *s, size_t *len); /* the analysed text */
VerifySource *verify_source_ref(VerifySource *s);
void verify_source_unref(VerifySource *s);
/* Frees what running its code parsed (its tree and the modules it imported), kept for its next
 * finding: parsed again if one comes. The text stays. Not while another thread verifies it. */
void verify_source_trim(VerifySource *s);
/* The counterexample computed by the script's own code under the site (origin "script"): its
 * enclosing function run on the toy LM for each candidate of the tables tried (the built-in
 * abc, then `recipe_cex`'s table, then seeded random ones), the first that flips kept. NULL
 * with `why` set (one line) when the code could not be run; the caller falls back to the
 * recipe. */
VerifyResult *verify_exec_finding(const VerifySite *site, const VerifyRecipe *r,
                                  const VerifyResult *recipe_cex, char *why, size_t why_len);
/* The same for the function around `line` of a text, on one table, within `steps` interpreter
 * steps (the CPU-time safety net behind them as for a finding). */
VerifyResult *verify_exec_source(const char *label, const char *text, size_t len, int line,
                                 const VerifyRecipe *r, const VerifyTable *t, long steps, char *why,
                                 size_t why_len);
/* The same for one function of a file, on one table (`logitlint verify --file --line`). */
VerifyResult *verify_exec_on_table(const char *path, int line, const VerifyRecipe *r,
                                   const VerifyTable *t, char *why, size_t why_len);

const VerifyRecipe *verify_recipe_find(const char *name); /* NULL if unknown */
const char *verify_recipe_name(const VerifyRecipe *r);
/* The counterexample for a recipe: the built-in `abc` table if it shows the
 * recipe's harm, otherwise a searched and shrunk table. Deterministic and
 * reentrant (no shared mutable state). NULL only on OOM. */
VerifyResult *verify_counterexample(const VerifyRecipe *r);
void verify_result_free(VerifyResult *res);
bool verify_result_flipped(const VerifyResult *res);
/* The compact block printed under a finding; every line starts with `indent`. */
void verify_print_compact(FILE *out, const VerifyResult *res, const char *indent, bool color);
/* The `counterexample` JSON object (new reference; NULL on OOM). */
json_t *verify_result_to_json(const VerifyResult *res);
/* `logitlint verify ...`; argv[0] == "verify". Returns the exit code. */
int verify_main(int argc, char **argv);

/* ---- Verifier internals: verify_*.c, explain.c, the rules' explanations, the tests ---- */

/* Errors are values: a status, and a one-line message naming the input and
 * the offending entry, e.g. "t.json: contexts[2].logits: expected 3 numbers
 * (vocab size), got 2". The CLI prints it and picks the exit code. */
typedef enum { VERIFY_OK = 0, VERIFY_EINPUT, VERIFY_ENOMEM } VerifyStatus;
typedef struct {
    char msg[512];
} VerifyError;

/* What a counterexample shows, least to most severe; verify_score() reports
 * the most severe that applies. ORDER HARM: keep verify_harm_name() in step. */
typedef enum {
    VERIFY_HARM_NONE,     /* the script picks what log Pr(y|x) picks, with finite scores */
    VERIFY_HARM_FLIP,     /* finite scores, but the script's top choice differs */
    VERIFY_HARM_TIE,      /* the script's top score ties a candidate log Pr separates
                             (e.g. two probability products that underflow to 0.0) */
    VERIFY_HARM_INFINITE, /* a script score is +-inf where log Pr(y|x) is finite */
    VERIFY_HARM_NAN,      /* a script score is NaN */
} VerifyHarm;
const char *verify_harm_name(VerifyHarm h);

/* A token sequence (ids into the table's vocabulary). */
typedef struct {
    int *tokens;
    int len;
} VerifySeq;

/* One context of the toy model: the tokens after the unscored start x (the
 * prompt tokens first, when the table has a prompt) and the logits of the
 * next token. -INFINITY marks a masked token; NaN and +inf never occur. */
typedef struct {
    VerifySeq prefix;
    double *logits; /* n_vocab entries */
} VerifyContext;

typedef enum { VERIFY_ORIGIN_BUILTIN, VERIFY_ORIGIN_FILE, VERIFY_ORIGIN_SEARCH } VerifyOrigin;

/* A toy autoregressive model plus the candidates to rank. The optional
 * prompt is the scored part of x (prefixes then start with it); the optional
 * pad token is what recipes that pad a batch append to shorter candidates. */
struct VerifyTable {
    char *label; /* "abc", the file path, or "search" */
    VerifyOrigin origin;
    uint64_t seed; /* VERIFY_ORIGIN_SEARCH: the PRNG seed */
    int n_vocab;
    char **vocab;
    int n_contexts;
    VerifyContext *contexts;
    int n_candidates;
    VerifySeq *candidates;
    bool cli_candidates; /* candidates came from --candidates (for messages) */
    VerifySeq prompt;
    int pad; /* token id, or -1 */
    /* private: hash indexes and capacities (verify_table.c) */
    int ctx_cap, cand_cap;
    int *ctx_index, *vocab_index;
    size_t ctx_index_cap, vocab_index_cap;
};

VerifyTable *verify_table_new(const char *label, VerifyOrigin origin, int n_vocab,
                              const char *const *vocab); /* NULL on OOM */
void verify_table_free(VerifyTable *t);
VerifyTable *verify_table_copy(const VerifyTable *t); /* NULL on OOM */
/* Adds a context (copies prefix and logits); returns its index, -1 on OOM. */
int verify_table_add_context(VerifyTable *t, const int *prefix, int len, const double *logits);
int verify_table_add_candidate(VerifyTable *t, const int *tokens, int len);      /* index or -1 */
int verify_table_find_context(const VerifyTable *t, const int *prefix, int len); /* or -1 */
int verify_table_token(const VerifyTable *t, const char *name);                  /* or -1 */
/* The built-in tables by name ("abc"); NULL if unknown or on OOM. */
VerifyTable *verify_table_builtin(const char *name);
/* Loads and validates a table file (format: README, "Table files"). */
VerifyStatus verify_table_load_file(const char *path, VerifyTable **out, VerifyError *err);
/* The same from JSON text in memory; `label` names it in messages. */
VerifyStatus verify_table_parse(const char *text, size_t len, const char *label, VerifyTable **out,
                                VerifyError *err);
/* Replaces the candidates with whitespace-separated token lists ("A A"). */
VerifyStatus verify_table_set_candidates(VerifyTable *t, const char *const *specs, int n,
                                         VerifyError *err);
/* Removes token `tok` from the vocabulary (and every logit vector); it must
 * not occur in a prefix, candidate or the prompt. Returns false on OOM. */
bool verify_table_drop_token(VerifyTable *t, int tok);
/* Keeps the contexts whose keep[i] is true, in canonical order (shortest
 * prefix first, then by token ids). Returns false on OOM. */
bool verify_table_retain(VerifyTable *t, const bool *keep);

/* A pull reader over JSON text (verify_json.c): table files are read with it
 * rather than jansson, which would build a node for each of millions of
 * logits. verify_json_check() validates the whole document first, so the
 * table loader can then walk it assuming well-formed JSON. */
typedef struct {
    const char *s;
    size_t n, pos;
    const char *label;
    VerifyError *err;
} VerifyJson;
void verify_json_init(VerifyJson *j, const char *s, size_t n, const char *label, VerifyError *err);
VerifyStatus verify_json_check(VerifyJson *j); /* one valid JSON value, nothing after it */
char verify_json_peek(VerifyJson *j);          /* next non-blank character, 0 at the end */
bool verify_json_eat(VerifyJson *j, char c);   /* consumes c if it comes next */
const char *verify_json_kind(VerifyJson *j);   /* "a number", "an array", ... for messages */
VerifyStatus verify_json_skip(VerifyJson *j);  /* skips one value */
/* Reads a string value, unescaped, into *buf (grown as needed, NUL-terminated). */
VerifyStatus verify_json_string(VerifyJson *j, char **buf, size_t *cap, size_t *len);
VerifyStatus verify_json_number(VerifyJson *j, double *out);

/* A scoring recipe: what the flagged code computes per candidate. */
typedef enum {
    VERIFY_TERM_RAW,              /* u_t(y_t) */
    VERIFY_TERM_LOG_PROB,         /* log_softmax(u_t)[y_t] (the correct term) */
    VERIFY_TERM_PROB,             /* softmax(u_t)[y_t] */
    VERIFY_TERM_LOG_OF_PROB,      /* log(softmax(u_t)[y_t]), two steps */
    VERIFY_TERM_LOG_PROB_AXIS0,   /* log_softmax over the positions axis, at y_t */
    VERIFY_TERM_NLL,              /* -log_softmax(u_t)[y_t] */
    VERIFY_TERM_CE_OF_PROB,       /* cross_entropy(softmax(u_t), y_t) */
    VERIFY_TERM_NEG_RAW,          /* nll_loss(u_t, y_t) = -u_t(y_t) */
    VERIFY_TERM_UNSTABLE_LOG_PROB, /* log(exp(u_t[y_t]) / sum exp(u_t)), no max shift */
    VERIFY_TERM_IGNORED /* the target is the loss's ignore_index: the term is 0 (LL112) */
} VerifyTransform;
typedef enum { VERIFY_AGG_SUM, VERIFY_AGG_MEAN, VERIFY_AGG_PRODUCT } VerifyAggregate;
typedef enum {
    VERIFY_SHIFT_CAUSAL, /* token t scored under the context before it */
    VERIFY_SHIFT_NONE    /* token t scored under the context that includes it */
} VerifyShift;
typedef enum {
    VERIFY_MASK_CONTINUATION, /* only the candidate's own tokens */
    VERIFY_MASK_WITH_PROMPT,  /* the prompt's tokens too */
    VERIFY_MASK_WITH_PADDING, /* shorter candidates padded to the longest */
    VERIFY_MASK_OWN_PROMPT    /* each candidate's first token is its own prompt (rows of
                                 different prompts): scored, though log Pr(y|x) leaves it out */
} VerifyMask;
typedef enum { VERIFY_FLOAT64, VERIFY_FLOAT32 } VerifyPrecision;

struct VerifyRecipe {
    const char *name;
    const char *rule;        /* the code of the rule that lists it ("LL101"; "": none) */
    const char *summary;     /* one line, for --list-recipes */
    const char *score_label; /* column header: "sum of raw logits" */
    VerifyTransform transform;
    VerifyAggregate aggregate;
    VerifyShift shift;
    VerifyMask mask;
    VerifyPrecision precision;
    bool lower_is_better; /* a loss: the script picks the smallest */
    VerifyHarm harm;      /* what its counterexample must show */
    int min_steps;        /* shortest candidate the search and shrink may use */
    /* The same computation with only this recipe's defect fixed, when that is
     * not the correct objective itself (e.g. a mean over the continuation for
     * a mean that wrongly includes the prompt). A counterexample must not flip
     * under it, so the harm it shows is this defect's and no other's. */
    const VerifyRecipe *baseline;
};
/* The two recipes of no rule: the baseline of the recipes that average, and the correct
 * objective. */
extern const VerifyRecipe verify_recipe_mean_log_probs;
extern const VerifyRecipe verify_recipe_sum_log_probs;

int verify_recipe_count(void);
const VerifyRecipe *verify_recipe_at(int i);
const VerifyRecipe *verify_recipe_for_rule(const char *code); /* first recipe of a rule */

/* What one candidate position contributes. Positions are the prompt tokens
 * (scored only by recipes that keep the prompt), the continuation tokens, and
 * padding (only for recipes that pad). */
typedef enum { VERIFY_ROLE_PROMPT, VERIFY_ROLE_CONTINUATION, VERIFY_ROLE_PAD } VerifyRole;
typedef struct {
    VerifyRole role;
    int token;
    int ctx;         /* the causal context: Pr(token | its prefix) */
    double logit;    /* u(token) under ctx */
    double log_z;    /* logsumexp of ctx's logits */
    double log_prob; /* logit - log_z */
    bool in_recipe;  /* does the script's score include this position? */
    int recipe_ctx;  /* the context the script used (differs without the shift) */
    double term;     /* what the script computes here, in its precision */
} VerifyStep;

typedef struct {
    int n_steps;
    VerifyStep *steps;
    double score;    /* the script's score for this candidate */
    double log_prob; /* log Pr(y|x): sum of continuation log-probs */
    double sum_log_z;
} VerifyCandidate;

enum { VERIFY_MAX_STAND_INS = 8 };

struct VerifyResult {
    const VerifyRecipe *recipe;
    const VerifyTable *table;
    VerifyTable *owned_table; /* freed with the result */
    int n;                    /* == table->n_candidates */
    VerifyCandidate *cands;
    int *script_rank;  /* candidate indices, the script's pick first */
    int *correct_rank; /* by log Pr(y|x), best first */
    bool flipped;      /* script_rank[0] != correct_rank[0] */
    VerifyHarm harm;
    long search_tries; /* tables tried by the search (0 unless searched) */
    /* Who produced the scores. by_script: the script's own code, run by the concrete
     * interpreter (verify_exec.c) on the table; entry names the function run. Otherwise a
     * recipe of the finding's shape: output says "a scorer of this shape", never "the
     * script", and `fallback` says in one line why the script's code was not run. */
    bool by_script;
    char fallback[200];
    char entry[96];       /* by_script: the function's name */
    int entry_line;       /* by_script: the line of its def */
    char entry_file[128]; /* by_script: its file when another module of the project ("" else) */
    char score_label[96]; /* by_script: what its scores are ("value returned by score") */
    bool lower_is_better; /* by_script: the script takes the smallest (a loss) */
    const char *dtype;    /* by_script: the dtype its scores were computed in ("float32") */
    /* by_script: a fact worth a reviewer's attention, "" if none: no table tried made the
     * script's ranking depart from log Pr(y|x), or its flagged line never ran. */
    char note[240];
    int runs; /* by_script: calls of the entry made to find this table */
    /* by_script: the entry computes what the flagged statement ranks, and its run does not pass
     * through the flagged code (verify_exec.c) */
    bool via_callee;
    /* by_script: what the run chose where the toy model cannot know the script's numbers (a
     * head's weights, a sampler's draw), one line each, so the counterexample is recomputable */
    char stand_ins[VERIFY_MAX_STAND_INS][160];
    int n_stand_ins;
};

/* Scores every candidate of t with r and with log Pr(y|x). The result
 * borrows t (see verify_result_take_table). Rankings: NaN scores first (as
 * numpy/torch argmax return the first NaN), then best score, ties by index. */
VerifyStatus verify_score(const VerifyTable *t, const VerifyRecipe *r, VerifyResult **out,
                          VerifyError *err);
/* Checks that every context r and the objective need exists, without scoring. */
VerifyStatus verify_score_check(const VerifyTable *t, const VerifyRecipe *r, VerifyError *err);
/* Every prefix r and the objective look up, for building tables (duplicates
 * possible). Returns the number written to *out (malloc'd), -1 on OOM. */
int verify_score_prefixes(const VerifyTable *t, const VerifyRecipe *r, VerifySeq **out);
void verify_result_take_table(VerifyResult *res, VerifyTable *t);
/* Ranks both orders again and classifies the harm, after the scores were set. */
void verify_score_rerank(VerifyResult *res);
/* Numerically stable log(sum(exp(u))); -inf entries are masked tokens. */
double verify_score_logsumexp(const double *u, int n);

/* Seeded search for a table on which r shows its harm (flipped, with the
 * recipe's kind of harm), then shrunk: fewest steps, smallest vocabulary,
 * smallest integer logits. *out is NULL if the budget ran out. */
VerifyStatus verify_search(const VerifyRecipe *r, uint64_t seed, VerifyResult **out);
uint64_t verify_search_seed(const VerifyRecipe *r); /* derived from the recipe's name */
/* The i-th random table of the shape r needs (candidates, prompt, pad, every row), unshrunk:
 * the tables a script's own scoring is tried on. NULL on OOM. */
VerifyTable *verify_search_random(const VerifyRecipe *r, uint64_t seed, int i);

/* The recipe a finding's counterexample uses when the script's floating-point precision is
 * known (`known_float32`) or not: a float32 recipe's NaN/-inf/underflow is claimed only for
 * float32 code; otherwise its float64 sibling, whose harm holds in any narrower dtype too. */
const VerifyRecipe *verify_recipe_at_precision(const VerifyRecipe *r, bool known_float32);
/* A copy of a result scored again on the same (borrowed) table, for per-finding labels. */
VerifyResult *verify_result_rescore(const VerifyResult *res);
/* Who picks in a result's prose: "the script" or "a scorer of this shape" (capitalised when
 * `cap`); its score label and order. */
const char *verify_result_actor(const VerifyResult *res, bool cap);
const char *verify_result_score_label(const VerifyResult *res);
/* The script's code a result ran, for prose: "NAME()", or "module-level code" (entry "<module>"). */
const char *verify_result_entry_text(const VerifyResult *res, char *buf, size_t n);
bool verify_result_lower_is_better(const VerifyResult *res);

/* Rendering helpers shared with explain.c. */
void verify_print_num(double v, char *buf, size_t n);             /* 10, -1.411907, -inf, 1.4e-45 */
char *verify_print_seq(const VerifyTable *t, const VerifySeq *s); /* "[A, A]"; malloc'd */
char *verify_print_prefix(const VerifyTable *t, const VerifySeq *p); /* "x, A"; malloc'd */
/* One sentence on what the script picks vs. log Pr(y|x); malloc'd. */
char *verify_print_verdict(const VerifyResult *res);
void verify_print_table(FILE *out, const VerifyTable *t, const char *indent, bool with_log_z);
void verify_print_full(FILE *out, const VerifyResult *res);
void verify_print_recipes(FILE *out);
json_t *verify_print_recipes_json(void);

#endif
