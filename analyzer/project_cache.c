/* The per-run cache of the project's modules: each file read once per run however many
 * analysed files import it, parsed trees kept within a memory budget (the least recently used
 * first dropped, and parsed again when next imported), shared by the worker threads. An
 * analysis holds the modules it imports until it ends, reading the one syntax tree of each
 * (read only: nodes are values, and reading a tree writes nothing), with the summary of its
 * top level (project_summary.h) that the parse keeps; it names a module by a path that
 * depends only on the file (relative to the working directory): results do not depend on
 * which thread read it first, nor on what the cache kept. */
#define _GNU_SOURCE /* realpath */
#include <pthread.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <unistd.h>

#include "cache_stat.h"
#include "dircache.h"
#include "parse.h"
#include "project.h"
#include "project_summary.h"
#include "tsarena.h"
#include "util.h"

struct ProjectRead { /* one parse of a module's text */
    Source src;
    Parsed parsed;
    size_t bytes;            /* the memory it holds: the tree's arena and the text */
    unsigned users;          /* analyses holding it, and summaries of modules that import it */
    uint64_t used;           /* the cache's clock when last handed out */
    ProjectSummary *summary; /* what its top level leaves (NULL: not yet known) */
};

typedef struct CacheEntry {
    char *real;
    bool read_known; /* read: what reading it gave (kept for the whole run) */
    ProjectAsk read;
    bool parse_known; /* ok: read and parsed within the bounds */
    bool ok;
    ProjectRead *text; /* the parse kept; NULL: none now (dropped, or never made) */
} CacheEntry;

typedef char *(*FindFn)(ProjectCache *c, const char *key);

typedef struct FoundSlot {
    char *key, *path; /* path NULL: nothing there */
    FindFn find;      /* what answered: each question's kind has its own keys */
    uint32_t hash;    /* hash_key(key): most probes end without comparing keys */
} FoundSlot;

struct ProjectCache {
    pthread_mutex_t lock;
    Array(CacheEntry *) entries;
    uint32_t *slots; /* open addressing over entries by real path: index + 1, 0 empty */
    size_t nslots;
    Array(CacheEntry *) kept; /* the entries holding a parse */
    size_t bytes;             /* what the kept parses hold */
    uint64_t clock;
    pthread_rwlock_t found_lock; /* guards found: most questions are asked again */
    FoundSlot *found;            /* project_cache_find */
    size_t nfound_slots, nfound;
    char *cwd; /* the working directory, canonical */
    uint8_t text_key[16];
    bool hashes; /* a result cache keeps the asks: the texts read are hashed */
    CacheStat *stats; /* NULL: none */
    DirCache *dirs;   /* the listings the questions of where module names lead read */
    DirCache *own_dirs; /* dirs when made here */
};

static uint32_t hash_key(const char *s) {
    uint32_t h = 2166136261u; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

ProjectCache *project_cache_new(const uint8_t *text_key) {
    ProjectCache *c = util_xcalloc(1, sizeof *c);
    pthread_mutex_init(&c->lock, NULL);
    pthread_rwlock_init(&c->found_lock, NULL);
    c->cwd = realpath(".", NULL);
    if (text_key) memcpy(c->text_key, text_key, sizeof c->text_key);
    c->hashes = text_key != NULL;
    c->dirs = c->own_dirs = dircache_new();
    return c;
}

void project_cache_use_stats(ProjectCache *c, CacheStat *stats) {
    c->stats = stats;
}

static void ask_free(ProjectAsk *a) {
    free(a->question);
    free(a->answer);
}

static void ask_copy(ProjectAsk *to, const ProjectAsk *from) {
    *to = *from;
    to->question = util_xstrdup(from->question);
    to->answer = from->answer ? util_xstrdup(from->answer) : NULL;
}

void project_asks_copy(ProjectAsks *to, const ProjectAsks *from) {
    memset(to, 0, sizeof *to);
    for (size_t i = 0; i < from->len; i++) {
        ProjectAsk a;
        ask_copy(&a, &from->items[i]);
        array_push(to, a);
    }
}

void project_asks_free(ProjectAsks *asks) {
    for (size_t i = 0; i < asks->len; i++)
        ask_free(&asks->items[i]);
    array_free(asks);
}

/* (touches: give back the parses its summary holds; false: every parse is freed now) */
static void read_free(ProjectRead *r, bool touches) {
    if (r->summary) { /* the modules it imported may go now */
        for (size_t i = 0; touches && i < r->summary->ntouches; i++)
            r->summary->touches[i].read->users--;
        project_summary_free(r->summary);
    }
    parse_free(&r->parsed); /* the tree with its arena */
    source_free(&r->src);
    free(r);
}

void project_cache_free(ProjectCache *c) {
    if (!c) return;
    for (size_t i = 0; i < c->entries.len; i++) {
        CacheEntry *e = c->entries.items[i];
        if (e->text) read_free(e->text, false); /* every analysis has released it by now */
        ask_free(&e->read);
        free(e->real);
        free(e);
    }
    array_free(&c->entries);
    array_free(&c->kept);
    free(c->slots);
    for (size_t i = 0; i < c->nfound_slots; i++) {
        free(c->found[i].key);
        free(c->found[i].path);
    }
    free(c->found);
    pthread_mutex_destroy(&c->lock);
    pthread_rwlock_destroy(&c->found_lock);
    free(c->cwd);
    dircache_free(c->own_dirs);
    free(c);
}

/* The entry of real, made when there is none. Called with the lock. */
static CacheEntry *entry_of(ProjectCache *c, const char *real) {
    if ((c->entries.len + 1) * 2 > c->nslots) {
        size_t n = c->nslots ? c->nslots * 2 : 256;
        uint32_t *slots = util_xcalloc(n, sizeof *slots);
        for (size_t i = 0; i < c->entries.len; i++) {
            size_t s = hash_key(c->entries.items[i]->real) & (n - 1);
            while (slots[s])
                s = (s + 1) & (n - 1);
            slots[s] = (uint32_t)i + 1;
        }
        free(c->slots);
        c->slots = slots;
        c->nslots = n;
    }
    size_t s = hash_key(real) & (c->nslots - 1);
    for (; c->slots[s]; s = (s + 1) & (c->nslots - 1))
        if (!strcmp(c->entries.items[c->slots[s] - 1]->real, real))
            return c->entries.items[c->slots[s] - 1];
    CacheEntry *e = util_xcalloc(1, sizeof *e);
    e->real = util_xstrdup(real);
    array_push(&c->entries, e);
    c->slots[s] = (uint32_t)c->entries.len;
    return e;
}

/* real relative to the working directory when it is below it, else real itself. */
static char *shown_path(const ProjectCache *c, const char *real) {
    size_t n = c->cwd ? strlen(c->cwd) : 0;
    if (n && !strncmp(real, c->cwd, n) && real[n] == '/') return util_xstrdup(real + n + 1);
    return util_xstrdup(real);
}

/* What reading real gave: the path shown for it and the hash of its code text, which a later
 * run checks (text NULL: nothing could be read). */
ProjectAsk project_cache_read_ask(const ProjectCache *c, const char *real, const Source *text) {
    ProjectAsk read = {PROJECT_ASK_READ, util_xstrdup(real), NULL, {0, 0}};
    if (text) {
        read.answer = shown_path(c, real);
        if (c->hashes) read.text = project_text_hash(c->text_key, text->text, text->len);
    }
    return read;
}

/* Reads the text at real into src; *read says what was read. Its hash is remembered by the
 * file's identity (its stat, taken before reading it), so that the next run's check of an entry
 * that read it (project_cache_read_holds) need not read it again. */
static bool read_text(const ProjectCache *c, const char *real, Source *src, ProjectAsk *read) {
    char err[256];
    struct stat st;
    bool remember = c->stats && c->hashes && stat(real, &st) == 0 && S_ISREG(st.st_mode);
    bool ok = source_load_file(src, real, err, sizeof err) == SOURCE_OK;
    *read = project_cache_read_ask(c, real, ok ? src : NULL);
    if (ok && remember) cache_stat_put(c->stats, real, &st, read->text);
    return ok;
}

/* Reads and parses the module at real; NULL when it cannot be (or is too large to be)
 * analysed. */
static ProjectRead *read_module(const ProjectCache *c, const char *real, ProjectAsk *read) {
    ProjectRead *r = util_xcalloc(1, sizeof *r);
    if (!read_text(c, real, &r->src, read) || r->src.len > PROJECT_MAX_MODULE_BYTES ||
        parse_python(&r->parsed, &r->src) != PARSE_OK) {
        read_free(r, false);
        return NULL;
    }
    free(r->src.path);
    r->src.path = util_xstrdup(read->answer);
    tsarena_trim(&r->parsed.arena);
    r->bytes = tsarena_bytes(&r->parsed.arena) + r->src.len;
    return r;
}

bool project_same_answer(const char *a, const char *b) {
    return a && b ? !strcmp(a, b) : a == b;
}

/* What reading real gives, as read_text says, from the stat memo when it knows the file as it
 * is (its hash, without reading it), else read (and remembered). */
static void read_known_text(const ProjectCache *c, const char *real, ProjectAsk *now) {
    struct stat st;
    bool known = c->stats && c->hashes && stat(real, &st) == 0 && S_ISREG(st.st_mode);
    Hash128 hash;
    if (known && cache_stat_get(c->stats, real, &st, &hash)) {
        *now = (ProjectAsk){PROJECT_ASK_READ, util_xstrdup(real), shown_path(c, real), hash};
        return;
    }
    Source src;
    if (read_text(c, real, &src, now)) source_free(&src);
}

bool project_cache_read_holds(ProjectCache *c, const ProjectAsk *was) {
    const char *real = was->question;
    pthread_mutex_lock(&c->lock);
    CacheEntry *e = entry_of(c, real);
    if (!e->read_known) { /* read outside the lock: the other thread goes on meanwhile */
        pthread_mutex_unlock(&c->lock);
        ProjectAsk now;
        read_known_text(c, real, &now);
        pthread_mutex_lock(&c->lock);
        if (e->read_known) /* (another thread was quicker: its answer stands for the run) */
            ask_free(&now);
        else
            e->read = now, e->read_known = true;
    }
    const ProjectAsk *read = &e->read;
    bool same = project_same_answer(read->answer, was->answer) && read->text.lo == was->text.lo &&
                read->text.hi == was->text.hi;
    pthread_mutex_unlock(&c->lock);
    return same;
}

/* Drops the least recently used parses no analysis holds until the kept ones fit the budget
 * (those in use stay until released). Called with the lock. */
static void fit_budget(ProjectCache *c) {
    while (c->bytes > PROJECT_CACHE_BYTES) {
        size_t oldest = c->kept.len;
        for (size_t i = 0; i < c->kept.len; i++) {
            const ProjectRead *r = c->kept.items[i]->text;
            if (!r->users && (oldest == c->kept.len || r->used < c->kept.items[oldest]->text->used))
                oldest = i;
        }
        if (oldest == c->kept.len) return;
        CacheEntry *e = c->kept.items[oldest];
        c->bytes -= e->text->bytes;
        read_free(e->text, true);
        e->text = NULL;
        c->kept.items[oldest] = c->kept.items[--c->kept.len];
    }
}

/* Hands e's parse to an analysis. Called with the lock. */
static void hand_out(ProjectCache *c, CacheEntry *e, const Source **src, TSTree **tree,
                     ProjectRead **held) {
    ProjectRead *r = e->text;
    r->users++;
    r->used = ++c->clock;
    *src = &r->src;
    *tree = r->parsed.tree;
    *held = r;
}

/* Is e to be parsed: never tried, or its parse dropped? */
static bool unparsed(const CacheEntry *e) {
    return !e->parse_known || (e->ok && !e->text);
}

bool project_cache_get(ProjectCache *c, const char *real, const Source **src, TSTree **tree,
                       ProjectRead **held, ProjectAsk *read) {
    *held = NULL;
    pthread_mutex_lock(&c->lock);
    CacheEntry *e = entry_of(c, real);
    if (unparsed(e)) { /* parsed outside the lock */
        pthread_mutex_unlock(&c->lock);
        ProjectAsk now;
        ProjectRead *r = read_module(c, real, &now);
        pthread_mutex_lock(&c->lock);
        if (unparsed(e)) { /* (no other thread was quicker) */
            if (e->read_known) ask_free(&e->read);
            e->read = now;
            e->read_known = e->parse_known = true;
            e->ok = r != NULL;
            if (r) {
                e->text = r;
                array_push(&c->kept, e);
                c->bytes += r->bytes;
            }
        } else {
            ask_free(&now);
            if (r) read_free(r, false);
        }
    }
    ask_copy(read, &e->read);
    bool ok = e->ok;
    if (ok) hand_out(c, e, src, tree, held);
    fit_budget(c);
    pthread_mutex_unlock(&c->lock);
    return ok;
}

const ProjectSummary *project_cache_summary(ProjectCache *c, ProjectRead *r) {
    pthread_mutex_lock(&c->lock);
    const ProjectSummary *s = r->summary;
    pthread_mutex_unlock(&c->lock);
    return s;
}

const ProjectSummary *project_cache_publish(ProjectCache *c, ProjectRead *r, ProjectSummary *s) {
    pthread_mutex_lock(&c->lock);
    if (!r->summary) { /* (else another thread's, the same) */
        r->summary = s;
        for (size_t i = 0; i < s->ntouches; i++)
            s->touches[i].read->users++;
        r->bytes += s->bytes;
        c->bytes += s->bytes;
        s = NULL;
    }
    const ProjectSummary *kept = r->summary;
    pthread_mutex_unlock(&c->lock);
    project_summary_free(s);
    return kept;
}

/* ---------- the analysed files' own parses ---------- */

/* e's parse, if it is of this text. Called with the lock. */
static ProjectRead *parse_of_text(const CacheEntry *e, const Source *src) {
    const ProjectRead *r = e->text;
    return r && r->src.len == src->len && !memcmp(r->src.text, src->text, src->len) ? e->text
                                                                                    : NULL;
}

bool project_cache_take(ProjectCache *c, const char *real, const Source *src, Parsed *parsed,
                        ProjectRead **held) {
    pthread_mutex_lock(&c->lock);
    ProjectRead *r = parse_of_text(entry_of(c, real), src);
    if (r) {
        r->users++;
        r->used = ++c->clock;
        *parsed = r->parsed;
        memset(&parsed->arena, 0, sizeof parsed->arena); /* the cache's */
        parsed->src = src;
    }
    *held = r;
    pthread_mutex_unlock(&c->lock);
    return r != NULL;
}

bool project_cache_give(ProjectCache *c, const char *real, const Source *src, Parsed *parsed) {
    if (src->len > PROJECT_MAX_MODULE_BYTES) return false;
    ProjectRead *r = util_xcalloc(1, sizeof *r);
    char *shown = shown_path(c, real);
    source_from_buffer(&r->src, shown, util_xstrndup(src->text, src->len), src->len);
    free(shown);
    r->parsed = *parsed;
    r->parsed.src = &r->src;
    tsarena_trim(&r->parsed.arena);
    r->bytes = tsarena_bytes(&r->parsed.arena) + r->src.len;
    ProjectAsk read = project_cache_read_ask(c, real, &r->src); /* as an import's read records it */
    pthread_mutex_lock(&c->lock);
    CacheEntry *e = entry_of(c, real);
    if (unparsed(e)) { /* kept as if an import had read it, the first to go */
        if (e->read_known) ask_free(&e->read);
        e->read = read;
        e->read_known = e->parse_known = e->ok = true;
        e->text = r;
        array_push(&c->kept, e);
        c->bytes += r->bytes;
        fit_budget(c);
        r = NULL;
    }
    pthread_mutex_unlock(&c->lock);
    if (r) {
        ask_free(&read);
        read_free(r, false);
    }
    return true;
}

void project_cache_release(ProjectCache *c, ProjectRead *held) {
    if (!held) return;
    pthread_mutex_lock(&c->lock);
    held->users--;
    fit_budget(c);
    pthread_mutex_unlock(&c->lock);
}

/* ---------- where module names lead ---------- */

DirCache *project_cache_dirs(ProjectCache *c) {
    return c->dirs;
}

void project_cache_use_dirs(ProjectCache *c, DirCache *dirs) {
    dircache_free(c->own_dirs);
    c->own_dirs = NULL;
    c->dirs = dirs;
}

/* The slot of key (whose hash_key is h) as find answers it in c->found: its answer's, or the
 * empty one to fill. */
static FoundSlot *found_slot(const ProjectCache *c, const char *key, uint32_t h, FindFn find) {
    size_t s = h & (c->nfound_slots - 1);
    while (c->found[s].key &&
           (c->found[s].hash != h || c->found[s].find != find || strcmp(c->found[s].key, key) != 0))
        s = (s + 1) & (c->nfound_slots - 1);
    return &c->found[s];
}

/* find(c, key) computed now and kept, unless another thread was quicker: its answer stands for
 * the run. Returns its slot with the lock held to write. */
static const FoundSlot *found_add(ProjectCache *c, const char *key, uint32_t h, FindFn find) {
    char *answer = find(c, key);
    pthread_rwlock_wrlock(&c->found_lock);
    if ((c->nfound + 1) * 2 > c->nfound_slots) {
        size_t n = c->nfound_slots ? c->nfound_slots * 2 : 256;
        FoundSlot *old = c->found;
        size_t nold = c->nfound_slots;
        c->found = util_xcalloc(n, sizeof *c->found);
        c->nfound_slots = n;
        for (size_t i = 0; i < nold; i++)
            if (old[i].key) *found_slot(c, old[i].key, old[i].hash, old[i].find) = old[i];
        free(old);
    }
    FoundSlot *slot = found_slot(c, key, h, find);
    if (!slot->key) {
        *slot = (FoundSlot){util_xstrdup(key), answer, find, h};
        c->nfound++;
    } else {
        free(answer);
    }
    return slot;
}

/* The slot holding key's answer, computed first when there is none, with c->found_lock held
 * (to read or to write) until the caller releases it.
 *
 * Memoised in an open-addressing table (grown at half full): imports of the same names from
 * the same directories recur in every file of a package, and each try costs file-system calls.
 * Answers are looked up under a shared lock and computed outside any: the two threads of a
 * warm run ask thousands of questions, nearly all answered already. */
static const FoundSlot *answer_slot(ProjectCache *c, const char *key, FindFn find) {
    uint32_t h = hash_key(key);
    pthread_rwlock_rdlock(&c->found_lock);
    const FoundSlot *known = c->nfound_slots ? found_slot(c, key, h, find) : NULL;
    if (known && known->key) return known;
    pthread_rwlock_unlock(&c->found_lock);
    return found_add(c, key, h, find);
}

char *project_cache_find(ProjectCache *c, const char *key,
                         char *(*find)(ProjectCache *c, const char *key)) {
    const FoundSlot *known = answer_slot(c, key, find);
    char *r = known->path ? util_xstrdup(known->path) : NULL;
    pthread_rwlock_unlock(&c->found_lock);
    return r;
}

bool project_cache_found(ProjectCache *c, const char *key,
                         char *(*find)(ProjectCache *c, const char *key), const char *answer) {
    const FoundSlot *known = answer_slot(c, key, find);
    bool same = project_same_answer(known->path, answer);
    pthread_rwlock_unlock(&c->found_lock);
    return same;
}
