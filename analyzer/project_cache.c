/* The per-run cache of the project's modules: each file read and parsed once per run, however
 * many analysed files import it, and shared by the worker threads. An entry never changes once
 * made; each analysis works on its own copy of the syntax tree (tree-sitter trees are used by
 * one thread at a time), and names a module by a path that depends only on the file (relative
 * to the working directory), so that results do not depend on which thread read it first. */
#define _GNU_SOURCE /* realpath */
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "parse.h"
#include "project.h"
#include "util.h"

typedef struct CacheEntry {
    char *real;
    Source src; /* src.path: the module as shown */
    Parsed parsed;
    bool cached; /* kept here (else each analysis reads its own: the cache is full) */
    bool ok;     /* read and parsed within the bounds (not yet known when not cached) */
    ProjectAsk read; /* what reading it gave (when cached) */
} CacheEntry;

typedef struct FoundSlot {
    char *key, *path; /* path NULL: nothing there */
} FoundSlot;

struct ProjectCache {
    pthread_mutex_t lock;
    Array(CacheEntry *) entries;
    FoundSlot *found; /* project_cache_find */
    size_t nslots, nfound;
    char *cwd; /* the working directory, canonical */
    size_t bytes;
    uint8_t text_key[16];
    ProjectAsks reads_again; /* project_cache_read_again */
};

ProjectCache *project_cache_new(const uint8_t *text_key) {
    ProjectCache *c = util_xcalloc(1, sizeof *c);
    pthread_mutex_init(&c->lock, NULL);
    c->cwd = realpath(".", NULL);
    if (text_key) memcpy(c->text_key, text_key, sizeof c->text_key);
    return c;
}

static void ask_free(ProjectAsk *a) {
    free(a->question);
    free(a->answer);
}

void project_asks_free(ProjectAsks *asks) {
    for (size_t i = 0; i < asks->len; i++)
        ask_free(&asks->items[i]);
    array_free(asks);
}

void project_cache_free(ProjectCache *c) {
    if (!c) return;
    for (size_t i = 0; i < c->entries.len; i++) {
        CacheEntry *e = c->entries.items[i];
        parse_free(&e->parsed);
        source_free(&e->src);
        ask_free(&e->read);
        free(e->real);
        free(e);
    }
    array_free(&c->entries);
    project_asks_free(&c->reads_again);
    for (size_t i = 0; i < c->nslots; i++) {
        free(c->found[i].key);
        free(c->found[i].path);
    }
    free(c->found);
    pthread_mutex_destroy(&c->lock);
    free(c->cwd);
    free(c);
}

/* real relative to the working directory when it is below it, else real itself. */
static char *shown_path(const ProjectCache *c, const char *real) {
    size_t n = c->cwd ? strlen(c->cwd) : 0;
    if (n && !strncmp(real, c->cwd, n) && real[n] == '/') return util_xstrdup(real + n + 1);
    return util_xstrdup(real);
}

/* Reads the text at real into src; *read says what was read. */
static bool read_text(const ProjectCache *c, const char *real, Source *src, ProjectAsk *read) {
    char err[256];
    bool ok = source_load_file(src, real, err, sizeof err) == SOURCE_OK;
    *read = (ProjectAsk){PROJECT_ASK_READ, util_xstrdup(real), NULL, {0, 0}};
    if (ok) {
        read->answer = shown_path(c, real);
        HashState h;
        hash_init(&h, c->text_key, 1);
        hash_update(&h, src->text, src->len);
        read->text = hash_final(&h);
    }
    return ok;
}

/* Reads and parses the module at real into src / parsed; false when it cannot be (or is too
 * large to be) analysed. */
static bool read_module(const ProjectCache *c, const char *real, Source *src, Parsed *parsed,
                        ProjectAsk *read) {
    bool ok = read_text(c, real, src, read) && src->len <= PROJECT_MAX_MODULE_BYTES &&
              parse_python(parsed, src) == PARSE_OK;
    if (ok) {
        free(src->path);
        src->path = util_xstrdup(read->answer);
    }
    return ok;
}

static void ask_copy(ProjectAsk *to, const ProjectAsk *from) {
    *to = *from;
    to->question = util_xstrdup(from->question);
    to->answer = from->answer ? util_xstrdup(from->answer) : NULL;
}

void project_cache_read_again(ProjectCache *c, const char *real, ProjectAsk *read) {
    pthread_mutex_lock(&c->lock);
    const ProjectAsk *known = NULL;
    for (size_t i = 0; i < c->entries.len && !known; i++)
        if (c->entries.items[i]->cached && !strcmp(c->entries.items[i]->real, real))
            known = &c->entries.items[i]->read;
    for (size_t i = 0; i < c->reads_again.len && !known; i++)
        if (!strcmp(c->reads_again.items[i].question, real)) known = &c->reads_again.items[i];
    if (!known) {
        Source src;
        ProjectAsk now;
        if (read_text(c, real, &src, &now)) source_free(&src);
        array_push(&c->reads_again, now);
        known = &c->reads_again.items[c->reads_again.len - 1];
    }
    ask_copy(read, known);
    pthread_mutex_unlock(&c->lock);
}

/* Modules past the cache's size are read again by each analysis that imports them, into
 * memory it owns: the same text and tree, so the results are the same either way. */
void project_read_free(ProjectRead *r) {
    if (!r) return;
    parse_free(&r->parsed); /* the tree with its arena */
    source_free(&r->src);
    free(r);
}

bool project_cache_get(ProjectCache *c, const char *real, const Source **src, TSTree **tree,
                       ProjectRead **owned, ProjectAsk *read) {
    *owned = NULL;
    pthread_mutex_lock(&c->lock);
    CacheEntry *e = NULL;
    for (size_t i = 0; i < c->entries.len && !e; i++)
        if (!strcmp(c->entries.items[i]->real, real)) e = c->entries.items[i];
    if (!e) {
        e = util_xcalloc(1, sizeof *e);
        e->real = util_xstrdup(real);
        e->cached = c->bytes < PROJECT_CACHE_BYTES;
        e->ok = e->cached ? read_module(c, real, &e->src, &e->parsed, &e->read) : true;
        if (e->cached && e->ok) c->bytes += e->src.len;
        array_push(&c->entries, e);
    }
    bool ok = e->ok, cached = e->cached;
    if (cached) ask_copy(read, &e->read);
    if (ok && cached) {
        *src = &e->src;
        *tree = ts_tree_copy(e->parsed.tree);
    }
    pthread_mutex_unlock(&c->lock);
    if (!ok || cached) return ok;
    ProjectRead *own = util_xcalloc(1, sizeof *own);
    if (!read_module(c, real, &own->src, &own->parsed, read)) {
        project_read_free(own);
        return false;
    }
    *owned = own;
    *src = &own->src;
    *tree = own->parsed.tree;
    return true;
}

/* ---------- where module names lead ---------- */

static uint32_t hash_key(const char *s) {
    uint32_t h = 2166136261u; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* Memoised in an open-addressing table (grown at half full): imports of the same names from
 * the same directories recur in every file of a package, and each try costs file-system calls. */
char *project_cache_find(ProjectCache *c, const char *key, char *(*find)(const char *key)) {
    pthread_mutex_lock(&c->lock);
    if (c->nfound * 2 >= c->nslots) {
        size_t n = c->nslots ? c->nslots * 2 : 256;
        FoundSlot *slots = util_xcalloc(n, sizeof *slots);
        for (size_t i = 0; i < c->nslots; i++) {
            if (!c->found[i].key) continue;
            size_t s = hash_key(c->found[i].key) & (n - 1);
            while (slots[s].key)
                s = (s + 1) & (n - 1);
            slots[s] = c->found[i];
        }
        free(c->found);
        c->found = slots;
        c->nslots = n;
    }
    size_t s = hash_key(key) & (c->nslots - 1);
    while (c->found[s].key && strcmp(c->found[s].key, key) != 0)
        s = (s + 1) & (c->nslots - 1);
    if (!c->found[s].key) {
        c->found[s].key = util_xstrdup(key);
        c->found[s].path = find(key);
        c->nfound++;
    }
    char *r = c->found[s].path ? util_xstrdup(c->found[s].path) : NULL;
    pthread_mutex_unlock(&c->lock);
    return r;
}
