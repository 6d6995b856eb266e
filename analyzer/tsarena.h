/* tsarena: tree-sitter's allocations for one parse in an arena (ts_set_allocator), freed at
 * once with the tree instead of node by node. The allocator is process-wide; the arena in use
 * is the calling thread's, so worker threads parse into their own arenas. */
#ifndef LOGITLINT_TSARENA_H
#define LOGITLINT_TSARENA_H

#include <stddef.h>

typedef struct TsArenaBlock TsArenaBlock;
enum { TSARENA_CLASSES = 64 }; /* free lists of small sizes, in steps of the alignment */
typedef struct TsArena {
    TsArenaBlock *blocks; /* newest first */
    void *free_lists[TSARENA_CLASSES];
} TsArena;

/* Until tsarena_leave, this thread's tree-sitter allocations come from a (zero it first). */
void tsarena_enter(TsArena *a);
void tsarena_leave(void);
/* Frees everything allocated in a: the tree and whatever the parser left. */
void tsarena_free(TsArena *a);
/* a will not allocate again (its parse is done and kept): the pages past each block's last
 * allocation are given back to the system. */
void tsarena_trim(TsArena *a);
/* The memory a holds: what its blocks hold up to the highest allocation they ever had, in this
 * arena or in an earlier one that had the block (pages past it are not touched, so not
 * resident). */
size_t tsarena_bytes(const TsArena *a);

#endif
