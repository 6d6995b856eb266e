/* The stat memo of the result cache (see cache_stat.h).
 *
 * The file, little-endian: "LLSTAT01" | u32 records, each: u32 n, the path | u64 device, inode,
 * size, mtime s, mtime ns, ctime s, ctime ns | the 16-byte hash | the 16-byte MAC of all that
 * precedes it. */
#define _GNU_SOURCE /* st_mtim, pthread_rwlock_t */
#include "cache_stat.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bytes_le.h"
#include "cache.h"
#include "util.h"

static const char MAGIC[8] = "LLSTAT01";
enum { ID_WORDS = 7, STAT_MAX_BYTES = 256 << 20, STAT_RACY_SECONDS = 2 };

typedef struct Known {
    char *path;
    uint64_t id[ID_WORDS];
    Hash128 hash;
    bool seen; /* looked up or learnt by this run (set atomically: under the lock to read) */
} Known;

struct CacheStat {
    pthread_rwlock_t lock;
    Array(Known) items;
    uint32_t *slots; /* open addressing by path: index + 1, 0 empty */
    size_t nslots;
    bool learnt; /* something to write */
    char *dir;
    uint8_t secret[16];
    time_t started; /* files modified since a little before it are not remembered */
};

static uint32_t path_hash(const char *s) {
    return util_hash(UTIL_HASH_SEED, s, SIZE_MAX);
}

static void stat_id(const struct stat *st, uint64_t id[ID_WORDS]) {
    uint64_t v[ID_WORDS] = {(uint64_t)st->st_dev,          (uint64_t)st->st_ino,
                            (uint64_t)st->st_size,         (uint64_t)st->st_mtim.tv_sec,
                            (uint64_t)st->st_mtim.tv_nsec, (uint64_t)st->st_ctim.tv_sec,
                            (uint64_t)st->st_ctim.tv_nsec};
    memcpy(id, v, sizeof v);
}

/* The slot of path: its record's, or the empty one. Called with the lock. */
static uint32_t *slot_of(const CacheStat *m, const char *path) {
    size_t s = path_hash(path) & (m->nslots - 1);
    while (m->slots[s] && strcmp(m->items.items[m->slots[s] - 1].path, path))
        s = (s + 1) & (m->nslots - 1);
    return &m->slots[s];
}

/* Adds or replaces path's record (taking path), seen by this run or not. Called with the lock
 * to write. */
static void remember(CacheStat *m, char *path, const uint64_t id[ID_WORDS], Hash128 hash,
                     bool seen) {
    if ((m->items.len + 1) * 2 > m->nslots) {
        free(m->slots);
        m->nslots = m->nslots ? m->nslots * 2 : 1024;
        m->slots = util_xcalloc(m->nslots, sizeof *m->slots);
        for (size_t i = 0; i < m->items.len; i++)
            *slot_of(m, m->items.items[i].path) = (uint32_t)i + 1;
    }
    uint32_t *slot = slot_of(m, path);
    Known k = {path, {0}, hash, seen};
    memcpy(k.id, id, sizeof k.id);
    if (*slot) {
        free(m->items.items[*slot - 1].path);
        m->items.items[*slot - 1] = k;
    } else {
        array_push(&m->items, k);
        *slot = (uint32_t)m->items.len;
    }
}

static Hash128 file_mac(const uint8_t secret[16], const uint8_t *buf, size_t n) {
    HashState h;
    hash_init(&h, secret, 1);
    hash_update(&h, "stats", 5);
    hash_update(&h, buf, n);
    return hash_final(&h);
}

bool cache_stat_decode(CacheStat *m, const uint8_t *buf, size_t n) {
    if (n < sizeof MAGIC + 4 + 16 || memcmp(buf, MAGIC, sizeof MAGIC)) return false;
    Hash128 mac = file_mac(m->secret, buf, n - 16);
    if (le_load64(buf + n - 16) != mac.lo || le_load64(buf + n - 8) != mac.hi) return false;
    const uint8_t *p = buf + sizeof MAGIC, *end = buf + n - 16;
    uint32_t count = le_load32(p);
    p += 4;
    enum { FIXED = 8 * ID_WORDS + 16 };
    for (uint32_t i = 0; i < count; i++) {
        if (end - p < 4) return false;
        uint32_t len = le_load32(p);
        p += 4;
        if ((size_t)(end - p) < (size_t)len + FIXED || !len || memchr(p, '\0', len)) return false;
        char *path = util_xstrndup((const char *)p, len);
        p += len;
        uint64_t id[ID_WORDS];
        for (int k = 0; k < ID_WORDS; k++, p += 8)
            id[k] = le_load64(p);
        Hash128 h = {le_load64(p), le_load64(p + 8)};
        p += 16;
        remember(m, path, id, h, false);
    }
    return p == end;
}

CacheStat *cache_stat_open(const char *dir, const uint8_t secret[16]) {
    CacheStat *m = util_xcalloc(1, sizeof *m);
    pthread_rwlock_init(&m->lock, NULL);
    m->dir = util_xstrdup(dir);
    memcpy(m->secret, secret, sizeof m->secret);
    m->started = time(NULL);
    char *path = util_xasprintf("%s/stats", dir);
    size_t len = 0;
    uint8_t *buf = cache_read_small(path, STAT_MAX_BYTES, &len);
    if (buf && !cache_stat_decode(m, buf, len)) { /* damaged: forget all of it */
        for (size_t i = 0; i < m->items.len; i++)
            free(m->items.items[i].path);
        m->items.len = 0;
        if (m->slots) memset(m->slots, 0, m->nslots * sizeof *m->slots); /* none if it failed first */
    }
    free(buf);
    free(path);
    return m;
}

static void write_memo(const CacheStat *m) {
    size_t n = sizeof MAGIC + 4 + 16;
    for (size_t i = 0; i < m->items.len; i++)
        n += 4 + strlen(m->items.items[i].path) + 8 * ID_WORDS + 16;
    if (n > STAT_MAX_BYTES) return;
    uint8_t *buf = util_xmalloc(n), *p = buf;
    memcpy(p, MAGIC, sizeof MAGIC), p += sizeof MAGIC;
    le_store32(p, (uint32_t)m->items.len), p += 4;
    for (size_t i = 0; i < m->items.len; i++) {
        const Known *k = &m->items.items[i];
        uint32_t len = (uint32_t)strlen(k->path);
        le_store32(p, len), p += 4;
        memcpy(p, k->path, len), p += len;
        for (int w = 0; w < ID_WORDS; w++, p += 8)
            le_store64(p, k->id[w]);
        le_store64(p, k->hash.lo), le_store64(p + 8, k->hash.hi), p += 16;
    }
    Hash128 mac = file_mac(m->secret, buf, (size_t)(p - buf));
    le_store64(p, mac.lo), le_store64(p + 8, mac.hi);
    cache_write_atomic(m->dir, "stats", buf, n, true);
    free(buf);
}

/* The file a record is of: a module's canonical path, or an analysed file's "\1" and its
 * absolute path (run.c). */
static bool is_gone(const char *path) {
    struct stat st;
    if (path[0] == '\1') path++;
    return lstat(path, &st) != 0 && (errno == ENOENT || errno == ENOTDIR);
}

/* Forgets the records of files that no longer exist, so that the memo does not grow with every
 * file ever analysed: those this run did not look up (a file it looked up was there). */
static void prune(CacheStat *m) {
    size_t kept = 0;
    for (size_t i = 0; i < m->items.len; i++) {
        Known *k = &m->items.items[i];
        if (!k->seen && is_gone(k->path)) {
            free(k->path);
            m->learnt = true;
        } else {
            m->items.items[kept++] = *k;
        }
    }
    m->items.len = kept; /* (the slots are not used again) */
}

void cache_stat_close(CacheStat *m) {
    if (!m) return;
    prune(m);
    if (m->learnt) write_memo(m);
    for (size_t i = 0; i < m->items.len; i++)
        free(m->items.items[i].path);
    array_free(&m->items);
    free(m->slots);
    free(m->dir);
    pthread_rwlock_destroy(&m->lock);
    free(m);
}

bool cache_stat_get(CacheStat *m, const char *path, const struct stat *st, Hash128 *hash) {
    uint64_t id[ID_WORDS];
    stat_id(st, id);
    pthread_rwlock_rdlock(&m->lock);
    uint32_t at = m->nslots ? *slot_of(m, path) : 0;
    bool known = at && !memcmp(m->items.items[at - 1].id, id, sizeof id);
    if (known) *hash = m->items.items[at - 1].hash;
    if (at) __atomic_store_n(&m->items.items[at - 1].seen, true, __ATOMIC_RELAXED);
    pthread_rwlock_unlock(&m->lock);
    return known;
}

void cache_stat_put(CacheStat *m, const char *path, const struct stat *st, Hash128 hash) {
    /* racy: a file changed in the clock tick its times show could change again unseen */
    if (st->st_mtim.tv_sec >= m->started - STAT_RACY_SECONDS ||
        st->st_ctim.tv_sec >= m->started - STAT_RACY_SECONDS)
        return;
    uint64_t id[ID_WORDS];
    stat_id(st, id);
    pthread_rwlock_wrlock(&m->lock);
    /* (a module read again, unchanged, leaves nothing to write) */
    uint32_t at = m->nslots ? *slot_of(m, path) : 0;
    Known *k = at ? &m->items.items[at - 1] : NULL;
    if (k && !memcmp(k->id, id, sizeof k->id) && k->hash.lo == hash.lo && k->hash.hi == hash.hi) {
        k->seen = true;
    } else {
        remember(m, util_xstrdup(path), id, hash, true);
        m->learnt = true;
    }
    pthread_rwlock_unlock(&m->lock);
}
