/* Bump allocation in blocks that double in size. A freed small chunk goes to a free list of
 * its size, which the next allocation of that size takes (the parser frees and allocates nodes
 * all the time: without reuse the arena's peak would be a quarter above malloc's); a freed
 * large one is given back only when it is the most recent allocation (tree-sitter pushes and
 * pops its stacks), and realloc() grows the most recent one in place. A pointer that is not in the
 * thread's arena (allocated outside a parse, e.g. a tree cursor's stack during analysis) goes to
 * the C library, whatever the arena. */
#define _DEFAULT_SOURCE /* madvise */
#include "tsarena.h"

#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <tree_sitter/api.h>

#include "util.h"

struct TsArenaBlock {
    TsArenaBlock *next;
    char *cur, *end;
    char *touched; /* the highest cur before it last went down: pages up to it are resident */
    size_t data[];
};

/* Each chunk is preceded by its size: 8 bytes, and chunks are 8-byte aligned, which is all
 * tree-sitter's structures need (pointers and 64-bit integers, no long double). A 16-byte
 * header made the arena's peak a quarter larger than malloc's. */
enum { FIRST_BLOCK = 256 << 10, HEADER = sizeof(size_t) };

/* Blocks of freed arenas kept for the thread's next parse, up to SPARE_MAX bytes: a fresh block
 * is mapped, faulted in page by page and unmapped again (with a TLB flush) for every parse, about
 * a tenth of a run's CPU in the kernel. A block is reused by the next arena that wants one of at
 * least its size. Most parses fit the first two blocks (256 + 512 KiB), which is all that is
 * kept: a larger pool raised the run's peak RSS (the project cache holds parses whose reused
 * blocks are resident past their last allocation; tsarena_bytes counts that). */
enum { SPARE_MAX = 1 << 20 };

static _Thread_local TsArena *current;
static _Thread_local TsArenaBlock *spare; /* smallest first */
static _Thread_local size_t spare_bytes;
static pthread_key_t spare_key;
static pthread_once_t installed = PTHREAD_ONCE_INIT;

static size_t *header(void *p) {
    return (size_t *)((char *)p - HEADER);
}

/* The block holding p, if p is in the current arena. */
static TsArenaBlock *owner(const void *p) {
    if (!current || !p) return NULL;
    for (TsArenaBlock *b = current->blocks; b; b = b->next)
        if ((const char *)p > (const char *)b->data && (const char *)p < b->end) return b;
    return NULL;
}

/* The free list for a chunk of n bytes (rounded up to the alignment), or -1 if too large. */
static int size_class(size_t n) {
    size_t c = (n + HEADER - 1) / HEADER;
    return c < TSARENA_CLASSES ? (int)c : -1;
}

static size_t block_size(const TsArenaBlock *b) {
    return (size_t)(b->end - (const char *)b->data);
}

/* b's cur is about to go down to `to`. */
static void lower_cur(TsArenaBlock *b, char *to) {
    if (b->cur > b->touched) b->touched = b->cur;
    b->cur = to;
}

/* A block of at least `size` bytes: the smallest spare one that is large enough, else a new one. */
static TsArenaBlock *block_new(size_t size) {
    for (TsArenaBlock **at = &spare; *at; at = &(*at)->next) {
        TsArenaBlock *b = *at;
        if (block_size(b) < size) continue;
        *at = b->next;
        spare_bytes -= block_size(b);
        lower_cur(b, (char *)b->data); /* (touched stays: those pages are still resident) */
        return b;
    }
    TsArenaBlock *fresh = util_xmalloc(sizeof *fresh + size);
    fresh->cur = fresh->touched = (char *)fresh->data;
    fresh->end = fresh->cur + size;
    return fresh;
}

/* b is no longer used: kept as a spare while they fit in SPARE_MAX, else freed. */
static void block_drop(TsArenaBlock *b) {
    size_t size = block_size(b);
    if (spare_bytes + size > SPARE_MAX) {
        free(b);
        return;
    }
    if (!spare) pthread_setspecific(spare_key, &spare); /* (non-NULL: the destructor runs) */
    TsArenaBlock **at = &spare;
    while (*at && block_size(*at) < size)
        at = &(*at)->next;
    b->next = *at;
    *at = b;
    spare_bytes += size;
}

static void *arena_take(size_t n) {
    int c = size_class(n);
    if (c >= 0 && current->free_lists[c]) {
        void *p = current->free_lists[c];
        memcpy(&current->free_lists[c], p, sizeof(void *));
        *header(p) = n;
        return p;
    }
    size_t need = HEADER + (n + HEADER - 1) / HEADER * HEADER;
    TsArenaBlock *b = current->blocks;
    if (!b || (size_t)(b->end - b->cur) < need) {
        size_t size = b ? block_size(b) * 2 : FIRST_BLOCK;
        if (size < need) size = need;
        TsArenaBlock *fresh = block_new(size);
        fresh->next = b;
        current->blocks = b = fresh;
    }
    char *p = b->cur + HEADER;
    b->cur += need;
    *header(p) = n;
    return p;
}

static void *ts_arena_malloc(size_t n) {
    return current ? arena_take(n) : util_xmalloc(n ? n : 1);
}

static void *ts_arena_calloc(size_t count, size_t size) {
    if (!current) return util_xcalloc(count ? count : 1, size ? size : 1);
    if (size && count > SIZE_MAX / size) abort();
    void *p = arena_take(count * size);
    memset(p, 0, count * size);
    return p;
}

static bool is_last(TsArenaBlock *b, void *p) {
    size_t n = *header(p);
    return (char *)p + (n + HEADER - 1) / HEADER * HEADER == b->cur;
}

static void give_back(TsArenaBlock *b, void *p);

static void *ts_arena_realloc(void *p, size_t n) {
    TsArenaBlock *b = owner(p);
    if (!b) return p || !current ? util_xrealloc(p, n ? n : 1) : arena_take(n);
    size_t old = *header(p);
    if (is_last(b, p) && (size_t)(b->end - (char *)p) >= n) {
        lower_cur(b, (char *)p + (n + HEADER - 1) / HEADER * HEADER);
        *header(p) = n;
        return p;
    }
    void *q = arena_take(n);
    memcpy(q, p, old < n ? old : n);
    give_back(b, p);
    return q;
}

static void ts_arena_release(void *p) {
    TsArenaBlock *b = owner(p);
    if (b)
        give_back(b, p);
    else
        free(p);
}

/* p, allocated in block b, is no longer used. */
static void give_back(TsArenaBlock *b, void *p) {
    int c = size_class(*header(p));
    if (is_last(b, p)) {
        lower_cur(b, (char *)header(p));
    } else if (c > 0) { /* (a chunk of class 0 has no room for the link) */
        memcpy(p, &current->free_lists[c], sizeof(void *));
        current->free_lists[c] = p;
    }
}

/* The spare blocks of the calling thread freed: at a worker's exit (the key's destructor) and at
 * the process's (atexit, for the thread calling exit). */
static void spare_release(void *unused) {
    (void)unused;
    for (TsArenaBlock *b = spare, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    spare = NULL;
    spare_bytes = 0;
}

static void spare_release_at_exit(void) {
    spare_release(NULL);
}

static void install(void) {
    pthread_key_create(&spare_key, spare_release);
    atexit(spare_release_at_exit);
#ifdef __GLIBC__
    /* Blocks are mapped, and unmapped when freed: after the first large free, glibc would
     * otherwise raise its threshold and take later blocks from the heap, where the freed ones
     * of parses dropped by the module cache stay resident (peak RSS 93 MB against 63). */
    mallopt(M_MMAP_THRESHOLD, FIRST_BLOCK / 2);
#endif
    ts_set_allocator(ts_arena_malloc, ts_arena_calloc, ts_arena_realloc, ts_arena_release);
}

void tsarena_enter(TsArena *a) {
    pthread_once(&installed, install);
    current = a;
}

void tsarena_leave(void) {
    current = NULL;
}

void tsarena_free(TsArena *a) {
    for (TsArenaBlock *b = a->blocks, *next; b; b = next) {
        next = b->next;
        block_drop(b);
    }
    a->blocks = NULL;
}

/* A parse kept by the project's module cache holds its blocks for long, and the cache's budget
 * counts them up to their highest touched page: a small module parsed into a reused 256 KiB
 * block counted (and kept resident) all of it, 190 times its text instead of about 20, so the
 * cache kept few modules and parsed most of them again. Blocks are mapped (install), so their
 * untouched tails can be given back page by page. */
void tsarena_trim(TsArena *a) {
    uintptr_t mask = (uintptr_t)sysconf(_SC_PAGESIZE) - 1;
    for (TsArenaBlock *b = a->blocks; b; b = b->next) {
        char *top = b->cur > b->touched ? b->cur : b->touched;
        uintptr_t from = ((uintptr_t)b->cur + mask) & ~mask;
        uintptr_t to = ((uintptr_t)top + mask) & ~mask;
        uintptr_t end = (uintptr_t)b->end & ~mask;
        if (to > end) to = end;
        if (to > from && !madvise((void *)from, to - from, MADV_DONTNEED)) b->touched = b->cur;
    }
}

size_t tsarena_bytes(const TsArena *a) {
    size_t n = 0;
    for (const TsArenaBlock *b = a->blocks; b; b = b->next)
        n += sizeof *b + (size_t)((b->cur > b->touched ? b->cur : b->touched) - (const char *)b->data);
    return n;
}
