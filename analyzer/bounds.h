/* bounds: the per-file limits that keep a pathological input from hanging or crashing a run.
 * A file that exceeds one is reported on stderr (naming the file and the bound) and skipped;
 * the run goes on with the other files and exits 2 (README, "Bad inputs"). */
#ifndef LOGITLINT_BOUNDS_H
#define LOGITLINT_BOUNDS_H

#include <stdbool.h>
#include <stddef.h>

/* ORDER BOUND: keep bounds_describe() in step. */
typedef enum {
    BOUND_NONE = 0,
    BOUND_SIZE,  /* the file is larger than BOUND_MAX_BYTES */
    BOUND_DEPTH, /* syntax nested deeper than the interpreter recurses */
    BOUND_STEPS, /* the interpreter ran out of steps (loops x calls blow up) */
    BOUND_TIME,  /* the file took longer than its time budget (parse + analysis) */
    BOUND_MEMORY, /* its parse could need more than the per-file memory budget */
} BoundKind;

/* Measured on 4,331 files of real evaluation code (lm-evaluation-harness, trl, peft, lighteval,
 * helm, mlx-lm, fairseq, accelerate): the most any file needs is 91,656 steps and 0.1 s, and
 * none reaches a depth bound; CPython itself refuses 200 nested brackets or 100 indentation
 * levels. The bounds are far above that, and far below a hang or a stack overflow. */
enum {
    BOUND_MAX_BYTES = 64 << 20,  /* source files larger than this are not read */
    BOUND_MAX_TREE_DEPTH = 1000, /* syntax-tree nesting (the interpreter's first walk) */
    BOUND_MAX_NESTING = 400,     /* statements / expressions the interpreter nests */
    BOUND_MAX_STEPS = 2000000,   /* statements + expressions interpreted per file */
    BOUND_TIME_SECONDS = 20,     /* CPU time per file (parse + analysis); x4 under sanitizers */
};

/* Memory per file. tree-sitter's tree dominates: measured peak RSS per byte of source is 1.5
 * for one long string, 22 for real code, and up to 346 for the densest shapes (one token per
 * byte or two: `1\n` lines, `[a[1], a[1], ...]`), parse and analysis together. The estimate
 * takes 400 per byte, so a file is analysed only if even that worst case fits the budget: the
 * input bound below (2.5 MiB; the largest of the 4,331 real files is 0.4 MB). Each worker
 * thread holds one file at a time. */
#define BOUND_MEMORY_BYTES ((size_t)1 << 30)                 /* 1 GiB per file */
#define BOUND_MEMORY_PER_BYTE ((size_t)400)                  /* the estimate's peak per byte */
/* The largest source whose estimated peak fits the budget, in 64 KiB: 2.5 MiB. */
#define BOUND_MAX_SOURCE (BOUND_MEMORY_BYTES / BOUND_MEMORY_PER_BYTE / 65536 * 65536)
_Static_assert(BOUND_MAX_SOURCE * BOUND_MEMORY_PER_BYTE <= BOUND_MEMORY_BYTES, "budget");

typedef struct Budget {
    long steps_left;
    double deadline; /* bounds_now() seconds; 0: no time limit */
    BoundKind hit;   /* the first bound exceeded, BOUND_NONE while within all of them */
} Budget;

/* The calling thread's CPU time, in seconds. */
double bounds_now(void);
/* A budget of max_steps steps and `seconds` of wall time from now (0: unlimited). */
void bounds_init(Budget *b, long max_steps, double seconds);
/* Spends one step; false once any bound has been exceeded (the caller stops its work). */
bool bounds_spend(Budget *b);
/* Has the time budget run out? Sets b->hit. Cheap enough for a parser progress callback. */
bool bounds_out_of_time(Budget *b);
/* Records that bound `kind` was exceeded (the first one wins). */
void bounds_hit(Budget *b, BoundKind kind);
/* "its syntax is nested deeper than 1000 levels", for "PATH: skipped: ..." */
const char *bounds_describe(BoundKind kind);

#endif
