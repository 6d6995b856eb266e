/* The listings of the directories a run asked about (see dircache.h). */
#define _DEFAULT_SOURCE /* DT_* */
#include "dircache.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

typedef struct Entry {
    char *name;
    DirCacheKind kind;
} Entry;

typedef struct Listing {
    char *dir;
    uint32_t hash;
    DirCacheKind self;  /* DIRCACHE_NONE: no directory there; OTHER: it could not be listed */
    Array(Entry) names; /* sorted by name */
} Listing;

struct DirCache {
    pthread_mutex_t lock;
    Listing **slots; /* open addressing by dir, grown at half full */
    size_t nslots, n;
    char *cwd; /* the working directory (NULL: unknown): a relative dir is keyed below it */
};

static uint32_t hash_dir(const char *s, size_t n) {
    return util_hash(UTIL_HASH_SEED, s, n);
}

DirCache *dircache_new(void) {
    DirCache *d = util_xcalloc(1, sizeof *d);
    pthread_mutex_init(&d->lock, NULL);
    d->cwd = getcwd(NULL, 0);
    return d;
}

static void listing_free(Listing *l) {
    for (size_t i = 0; i < l->names.len; i++)
        free(l->names.items[i].name);
    array_free(&l->names);
    free(l->dir);
    free(l);
}

void dircache_free(DirCache *d) {
    if (!d) return;
    for (size_t i = 0; i < d->nslots; i++)
        if (d->slots[i]) listing_free(d->slots[i]);
    free(d->slots);
    free(d->cwd);
    pthread_mutex_destroy(&d->lock);
    free(d);
}

/* The slot of dir (its first n bytes) in d->slots: its listing's, or the empty one. Called
 * with the lock. */
static Listing **slot_of(const DirCache *d, const char *dir, size_t n, uint32_t h) {
    size_t s = h & (d->nslots - 1);
    for (const Listing *l; (l = d->slots[s]); s = (s + 1) & (d->nslots - 1))
        if (l->hash == h && !strncmp(l->dir, dir, n) && !l->dir[n]) break;
    return &d->slots[s];
}

static int by_name(const void *a, const void *b) {
    return strcmp(((const Entry *)a)->name, ((const Entry *)b)->name);
}

/* path split at its last slash into its directory (its first *n bytes at *dir: no copy, asked
 * hundreds of thousands of times by a warm run) and its name; false when the name is not one a
 * listing holds ("", ".", ".."). */
static bool split(const char *path, const char **dir, size_t *n, const char **name) {
    const char *slash = strrchr(path, '/');
    *name = slash ? slash + 1 : path;
    if (!**name || !strcmp(*name, ".") || !strcmp(*name, "..")) return false;
    *dir = !slash ? "." : slash == path ? "/" : path;
    *n = !slash || slash == path ? 1 : (size_t)(slash - path);
    return true;
}

/* What a listing's type of a name says is there. */
static DirCacheKind kind_of(unsigned char d_type) {
    return d_type == DT_REG ? DIRCACHE_FILE : d_type == DT_DIR ? DIRCACHE_DIR : DIRCACHE_OTHER;
}

/* Reads dir's listing: not opened when its parent's listing says no directory is there. */
static Listing *read_listing(DirCache *d, const char *dir, uint32_t h) {
    Listing *l = util_xcalloc(1, sizeof *l);
    l->dir = util_xstrdup(dir);
    l->hash = h;
    DirCacheKind self = dircache_kind(d, dir); /* (its parent's listing, read first) */
    if (self == DIRCACHE_NONE || self == DIRCACHE_FILE) return l; /* ENOENT, ENOTDIR */
    DIR *dh = opendir(dir);
    /* unreadable, or not searchable (its names could not be stat'ed): ask the file system */
    if (!dh || access(dir, X_OK) != 0) {
        l->self = !dh && (errno == ENOENT || errno == ENOTDIR) ? DIRCACHE_NONE : DIRCACHE_OTHER;
        if (dh) closedir(dh);
        return l;
    }
    l->self = DIRCACHE_DIR;
    struct dirent *e;
    while ((e = readdir(dh))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        array_push(&l->names, ((Entry){util_xstrdup(e->d_name), kind_of(e->d_type)}));
    }
    closedir(dh);
    if (l->names.len) qsort(l->names.items, l->names.len, sizeof *l->names.items, by_name);
    return l;
}

/* Keeps l as dir's listing, unless another is known (then l is freed): returns the one kept. */
static const Listing *keep(DirCache *d, Listing *l) {
    const char *dir = l->dir;
    uint32_t h = l->hash;
    size_t n = strlen(dir);
    pthread_mutex_lock(&d->lock);
    if ((d->n + 1) * 2 > d->nslots) {
        size_t n = d->nslots ? d->nslots * 2 : 256;
        Listing **old = d->slots;
        size_t nold = d->nslots;
        d->slots = util_xcalloc(n, sizeof *d->slots);
        d->nslots = n;
        for (size_t i = 0; i < nold; i++)
            if (old[i]) *slot_of(d, old[i]->dir, strlen(old[i]->dir), old[i]->hash) = old[i];
        free(old);
    }
    Listing **slot = slot_of(d, dir, n, h);
    if (*slot) {
        listing_free(l);
    } else {
        *slot = l;
        d->n++;
    }
    Listing *known = *slot;
    pthread_mutex_unlock(&d->lock);
    return known;
}

/* The name dir (its first *n bytes) is kept under: a relative one below the working directory,
 * in buf (of DIRCACHE_KEY_MAX bytes), so that the walk's listings of the directories it was given
 * (absolute, or as the user typed them) answer the imports' questions (relative to the working
 * directory) and the configuration's (absolute), each directory listed once. */
enum { DIRCACHE_KEY_MAX = 4096 };
static const char *key_of(const DirCache *d, const char *dir, size_t *n, char *buf) {
    if (dir[0] == '/' || !d->cwd) return dir;
    bool here = *n == 1 && dir[0] == '.';
    int len = here ? snprintf(buf, DIRCACHE_KEY_MAX, "%s", d->cwd)
                   : snprintf(buf, DIRCACHE_KEY_MAX, "%s/%.*s", d->cwd, (int)*n, dir);
    if (len < 0 || len >= DIRCACHE_KEY_MAX) return dir; /* (too long: kept as given) */
    *n = (size_t)len;
    return buf;
}

/* The listing of dir (its first n bytes), read once per run (outside the lock: another thread
 * may be quicker, and its listing then stands). */
static const Listing *listing_of(DirCache *d, const char *dir, size_t n) {
    char buf[DIRCACHE_KEY_MAX];
    dir = key_of(d, dir, &n, buf);
    uint32_t h = hash_dir(dir, n);
    pthread_mutex_lock(&d->lock);
    Listing *known = d->nslots ? *slot_of(d, dir, n, h) : NULL;
    pthread_mutex_unlock(&d->lock);
    if (known) return known;
    char *copy = util_xstrndup(dir, n);
    const Listing *l = keep(d, read_listing(d, copy, h));
    free(copy);
    return l;
}

void dircache_put(DirCache *d, const char *dir, const DirCacheName *names, size_t n) {
    char buf[DIRCACHE_KEY_MAX];
    size_t len = strlen(dir);
    dir = key_of(d, dir, &len, buf);
    Listing *l = util_xcalloc(1, sizeof *l);
    l->dir = util_xstrndup(dir, len);
    l->hash = hash_dir(l->dir, SIZE_MAX);
    l->self = DIRCACHE_DIR;
    for (size_t i = 0; i < n; i++)
        array_push(&l->names, ((Entry){util_xstrdup(names[i].name), kind_of(names[i].d_type)}));
    if (l->names.len) qsort(l->names.items, l->names.len, sizeof *l->names.items, by_name);
    keep(d, l);
}

DirCacheKind dircache_kind(DirCache *d, const char *path) {
    const char *dir, *name;
    size_t n;
    if (!split(path, &dir, &n, &name)) return DIRCACHE_OTHER;
    const Listing *l = listing_of(d, dir, n);
    if (l->self != DIRCACHE_DIR) return l->self;
    const Entry key = {(char *)name, DIRCACHE_NONE};
    const Entry *e =
        l->names.len ? bsearch(&key, l->names.items, l->names.len, sizeof *l->names.items, by_name)
                     : NULL;
    return e ? e->kind : DIRCACHE_NONE;
}
