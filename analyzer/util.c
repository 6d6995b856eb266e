#include "util.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static void *check_alloc(void *p) {
    if (!p) {
        fputs("logitlint: out of memory\n", stderr);
        abort();
    }
    return p;
}

void *util_xmalloc(size_t n) {
    return check_alloc(malloc(n ? n : 1));
}
void *util_xcalloc(size_t n, size_t size) {
    return check_alloc(calloc(n ? n : 1, size ? size : 1));
}
void *util_xrealloc(void *p, size_t n) {
    return check_alloc(realloc(p, n ? n : 1));
}
char *util_xstrdup(const char *s) {
    return util_xstrndup(s, strlen(s));
}

char *util_xstrndup(const char *s, size_t n) {
    char *d = util_xmalloc(n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *util_xasprintf(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = util_xmalloc((size_t)(n < 0 ? 0 : n) + 1);
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

void util_array_grow(void **items, size_t *cap, size_t need, size_t elem) {
    if (need <= *cap) return;
    size_t cap2 = *cap ? *cap * 2 : 8;
    while (cap2 < need)
        cap2 *= 2;
    if (cap2 > SIZE_MAX / elem) check_alloc(NULL);
    *items = util_xrealloc(*items, cap2 * elem);
    *cap = cap2;
}

struct ArenaBlock {
    ArenaBlock *next;
    size_t used, size;
    max_align_t data[];
};

enum { ARENA_BLOCK = 64 * 1024 };

void *arena_alloc(Arena *a, size_t n) {
    n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
    ArenaBlock *b = a->head;
    if (!b || b->size - b->used < n) {
        size_t size = n > ARENA_BLOCK ? n : ARENA_BLOCK;
        b = util_xmalloc(sizeof(ArenaBlock) + size);
        b->size = size;
        b->used = 0;
        b->next = a->head;
        a->head = b;
    }
    void *p = (char *)b->data + b->used;
    b->used += n;
    memset(p, 0, n);
    return p;
}

char *arena_strndup(Arena *a, const char *s, size_t n) {
    char *d = arena_alloc(a, n + 1);
    memcpy(d, s, n);
    return d;
}

char *arena_dotted(Arena *a, const char *qual, const char *name, size_t len) {
    size_t ql = strlen(qual);
    char *d = arena_alloc(a, ql + len + 2);
    memcpy(d, qual, ql);
    d[ql] = '.';
    memcpy(d + ql + 1, name, len);
    return d;
}

void arena_free(Arena *a) {
    while (a->head) {
        ArenaBlock *next = a->head->next;
        free(a->head);
        a->head = next;
    }
}

bool util_has_prefix(const char *s, const char *prefix) {
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

uint32_t util_hash(uint32_t h, const char *s, size_t len) {
    for (size_t i = 0; i < len && (len != SIZE_MAX || s[i]); i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

enum { THREAD_TABLES = 4 };
static pthread_key_t tables_key;
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static void tables_free(void *p) {
    void **tables = p;
    for (int i = 0; i < THREAD_TABLES; i++)
        free(tables[i]);
    free(tables);
}

static void tables_key_make(void) {
    if (pthread_key_create(&tables_key, tables_free)) abort();
}

void *util_thread_table(void **slot, size_t size) {
    if (*slot) return *slot;
    pthread_once(&tables_once, tables_key_make);
    void **tables = pthread_getspecific(tables_key);
    if (!tables) {
        tables = util_xcalloc(THREAD_TABLES, sizeof *tables);
        pthread_setspecific(tables_key, tables);
    }
    int i = 0;
    while (tables[i])
        if (++i == THREAD_TABLES) abort(); /* more tables than THREAD_TABLES: raise it */
    return *slot = tables[i] = util_xcalloc(1, size);
}
