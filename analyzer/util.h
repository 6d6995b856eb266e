/* util: growable arrays, an arena allocator and checked allocation, used everywhere. */
#ifndef LOGITLINT_UTIL_H
#define LOGITLINT_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Allocation failure is not recoverable for a linter; these abort with a message. */
void *util_xmalloc(size_t n);
void *util_xcalloc(size_t n, size_t size);
/* This thread's zeroed table of `size` bytes behind *slot (the caller's _Thread_local pointer):
 * made on first use and freed when the thread ends. A _Thread_local array is zeroed, so made
 * resident, in every thread, even one that never uses it. At most four such tables. */
void *util_thread_table(void **slot, size_t size);
void *util_xrealloc(void *p, size_t n);
char *util_xstrdup(const char *s);
char *util_xstrndup(const char *s, size_t n);
char *util_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Array(T): a growable array of T. */
#define Array(T)                                                                                   \
    struct {                                                                                       \
        T *items;                                                                                  \
        size_t len, cap;                                                                           \
    }
#define array_reserve(a, n)                                                                        \
    util_array_grow((void **)&(a)->items, &(a)->cap, (n), sizeof(*(a)->items))
#define array_push(a, v) (array_reserve((a), (a)->len + 1), (a)->items[(a)->len++] = (v))
#define array_free(a) (free((a)->items), (a)->items = NULL, (a)->len = (a)->cap = 0)
void util_array_grow(void **items, size_t *cap, size_t need, size_t elem);

/* Arena: many small allocations freed together (one per analysed file). */
typedef struct ArenaBlock ArenaBlock;
typedef struct Arena {
    ArenaBlock *head;
} Arena;
void *arena_alloc(Arena *a, size_t n); /* zeroed */
char *arena_strndup(Arena *a, const char *s, size_t n);
/* "qual.name": a member of a module or object by its dotted, qualified name. */
char *arena_dotted(Arena *a, const char *qual, const char *name, size_t len);
void arena_free(Arena *a);

bool util_has_prefix(const char *s, const char *prefix);

/* FNV-1a of len bytes of s (len SIZE_MAX: up to its NUL), continuing from h (UTIL_HASH_SEED to
 * start): the hash of every table keyed by a name or a path. */
#define UTIL_HASH_SEED 2166136261u
uint32_t util_hash(uint32_t h, const char *s, size_t len);

#endif
