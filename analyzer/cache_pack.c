/* The pack of the result cache (see cache_pack.h).
 *
 * The file, little-endian: "LLPACK01" | u32 records, each: the 16-byte key, the 16-byte slot,
 * u64 offset, u32 length of its entry; sorted by key, each key once | the 16-byte MAC of all that
 * precedes it | the entries' bytes, where their records say. */
#define _GNU_SOURCE
#include "cache_pack.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "bytes_le.h"
#include "cache.h"
#include "util.h"

static const char MAGIC[8] = "LLPACK01";
enum {
    HEAD = 12,         /* the magic and the count */
    RECORD = 44,       /* key, slot, offset, length */
    PACK_MAX = 1 << 30, /* a larger pack is not read (and so replaced) */
    NO_SPILL = -1, SPILL_FAILED = -2,
};

/* A pack mapped whole: its records valid (n >= 0), or none; fd: its file, kept open to copy
 * its entries from (-1: not kept). */
typedef struct Packed {
    const uint8_t *buf;
    size_t len;
    size_t n;
    int fd;
} Packed;

/* An entry this run stored, at `at` in the spill file; seq orders those of one key (the last
 * wins). */
typedef struct Pending {
    Hash128 key, slot;
    uint64_t at;
    size_t len, seq;
} Pending;

/* The entries a run stores are written to the spill file (an unlinked temporary file in the
 * directory) as they come, and only their records kept: a run that fills the cache holds no
 * more of it in memory than a run without one (with the whole of each entry kept until the end,
 * the corpus's filling run peaked 20 MB higher). The pack written at the end copies them from
 * there, as it copies the entries it keeps of the pack on disk, in the kernel. */
struct CachePack {
    char *dir;
    uint8_t secret[16];
    Packed read; /* as opened: what cache_pack_find answers from */
    pthread_mutex_t lock; /* guards the pending entries and the spill file */
    Array(Pending) pending;
    size_t seq;
    int spill;      /* the spill file, NO_SPILL until an entry is stored, or SPILL_FAILED */
    uint64_t spilt; /* its length */
};

static Hash128 load_hash(const uint8_t *p) {
    return (Hash128){le_load64(p), le_load64(p + 8)};
}

static void store_hash(uint8_t *p, Hash128 h) {
    le_store64(p, h.lo), le_store64(p + 8, h.hi);
}

static int hash_order(Hash128 a, Hash128 b) {
    if (a.hi != b.hi) return a.hi < b.hi ? -1 : 1;
    return a.lo != b.lo ? (a.lo < b.lo ? -1 : 1) : 0;
}

Hash128 cache_pack_mac(const uint8_t secret[16], const uint8_t *buf, size_t n) {
    HashState h;
    hash_init(&h, secret, 1);
    hash_update(&h, "pack", 4); /* never equal to an entry's or the stat memo's MAC */
    hash_update(&h, buf, n);
    return hash_final(&h);
}

long cache_pack_check(const uint8_t secret[16], const uint8_t *buf, size_t n) {
    if (n < HEAD + 16 || memcmp(buf, MAGIC, sizeof MAGIC)) return -1;
    uint32_t count = le_load32(buf + sizeof MAGIC);
    if (count > (n - HEAD - 16) / RECORD) return -1;
    size_t index_end = HEAD + (size_t)count * RECORD, data = index_end + 16;
    Hash128 mac = cache_pack_mac(secret, buf, index_end), was = load_hash(buf + index_end);
    if (mac.lo != was.lo || mac.hi != was.hi) return -1;
    for (size_t i = 0; i < count; i++) {
        const uint8_t *r = buf + HEAD + i * RECORD;
        uint64_t at = le_load64(r + 32), len = le_load32(r + 40);
        if (at < data || at > n || len > n - at) return -1;
        if (i && hash_order(load_hash(r - RECORD), load_hash(r)) >= 0) return -1; /* bsearch */
    }
    return (long)count;
}

static void pack_free(Packed *p) {
    if (p->buf) munmap((void *)p->buf, p->len);
    if (p->fd >= 0) close(p->fd);
    *p = (Packed){NULL, 0, 0, -1};
}

/* The file at path mapped whole, its pages mapped at once when `populate` (MAP_POPULATE:
 * neither a copy of the megabytes of a pack nor a fault per page; a writer, which reads the
 * index only, faults in what it reads); NULL when it cannot be. Packs are replaced by rename,
 * never rewritten in place, so the mapping holds the pack as it was when opened; only another
 * program cutting the file short under it could end the run (git maps its packs alike). *fd:
 * the file, open (keep) or -1. */
static uint8_t *read_whole(const char *path, size_t *len, bool populate, bool keep, int *fd) {
    *fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    uint8_t *buf = NULL;
    if (*fd >= 0 && fstat(*fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
        st.st_size <= PACK_MAX) {
        *len = (size_t)st.st_size;
        buf = mmap(NULL, *len, PROT_READ, MAP_PRIVATE | (populate ? MAP_POPULATE : 0), *fd, 0);
        if (buf == MAP_FAILED) buf = NULL;
    }
    if (*fd >= 0 && (!keep || !buf)) close(*fd), *fd = -1;
    return buf;
}

/* The pack on disk now (damaged, foreign, too large or none: no records): read to be looked up
 * in, or (writing) to copy entries from. */
static Packed pack_read(const char *dir, const uint8_t secret[16], bool writing) {
    char *path = util_xasprintf("%s/pack", dir);
    Packed p = {NULL, 0, 0, -1};
    p.buf = read_whole(path, &p.len, !writing, writing, &p.fd);
    free(path);
    long n = p.buf ? cache_pack_check(secret, p.buf, p.len) : -1;
    if (n < 0) pack_free(&p);
    p.n = n < 0 ? 0 : (size_t)n;
    return p;
}

static const uint8_t *record_of(const Packed *p, Hash128 key) {
    size_t lo = 0, hi = p->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const uint8_t *r = p->buf + HEAD + mid * RECORD;
        int order = hash_order(load_hash(r), key);
        if (!order) return r;
        if (order < 0) lo = mid + 1;
        else hi = mid;
    }
    return NULL;
}

CachePack *cache_pack_open(const char *dir, const uint8_t secret[16]) {
    CachePack *p = util_xcalloc(1, sizeof *p);
    p->dir = util_xstrdup(dir);
    memcpy(p->secret, secret, sizeof p->secret);
    pthread_mutex_init(&p->lock, NULL);
    p->read = pack_read(dir, secret, false);
    p->spill = NO_SPILL;
    return p;
}

const uint8_t *cache_pack_find(const CachePack *p, Hash128 key, size_t *len) {
    const uint8_t *r = record_of(&p->read, key);
    if (!r) return NULL;
    *len = le_load32(r + 40);
    return p->read.buf + le_load64(r + 32);
}

static int pending_order(const void *a, const void *b) {
    const Pending *x = a, *y = b;
    int order = hash_order(x->key, y->key);
    return order ? order : x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int slot_order(const void *a, const void *b) {
    return hash_order(*(const Hash128 *)a, *(const Hash128 *)b);
}

/* A record of the pack to write: its entry's bytes are at `at` in the file fd. */
typedef struct Out {
    Hash128 key, slot;
    int fd;
    uint64_t at;
    size_t len;
} Out;

static int out_order(const void *a, const void *b) {
    return hash_order(((const Out *)a)->key, ((const Out *)b)->key);
}

/* What write_out writes: the index, then the entries' bytes, each a run of one file's. */
typedef struct PackOut {
    uint8_t *index;
    size_t index_len;
    const Out *runs;
    size_t nruns;
} PackOut;

/* len bytes at `at` in the file `from` to fd's end: in the kernel (copy_file_range), else
 * through a buffer. */
static bool copy_range(int from, uint64_t at, size_t len, int fd) {
    loff_t off = (loff_t)at;
    while (len) {
        ssize_t n = copy_file_range(from, &off, fd, NULL, len, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break; /* (not supported here: the buffer; the file cut short: it fails) */
        len -= (size_t)n;
    }
    uint8_t buf[64 << 10];
    while (len) {
        ssize_t n = pread(from, buf, len < sizeof buf ? len : sizeof buf, off);
        if (n < 0 && errno == EINTR) continue;
        struct iovec v = {buf, n > 0 ? (size_t)n : 0};
        if (n <= 0 || !cache_write_all(fd, &v, 1)) return false;
        off += n, len -= (size_t)n;
    }
    return true;
}

static bool write_out(int fd, void *arg) {
    const PackOut *o = arg;
    struct iovec index = {o->index, o->index_len};
    bool ok = cache_write_all(fd, &index, 1);
    for (size_t i = 0; ok && i < o->nruns; i++)
        ok = copy_range(o->runs[i].fd, o->runs[i].at, o->runs[i].len, fd);
    return ok;
}

/* Writes the pack: the one on disk now (another run's, maybe) but for the records of the keys
 * and slots of the pending entries, with those entries (of a key stored twice, the last), from
 * the spill file. Two runs that write at once each rename a whole, valid pack; the later one
 * wins and the other's new entries are lost, which costs a re-analysis next time, never a wrong
 * result. */
static void write_pack(const CachePack *p, Out *news, size_t nnew, Hash128 *slots) {
    Packed now = pack_read(p->dir, p->secret, true);
    Array(Out) out = {0};
    for (size_t i = 0; i < nnew; i++)
        array_push(&out, news[i]);
    qsort(slots, nnew, sizeof *slots, slot_order);
    size_t bytes = 0;
    for (size_t i = 0; i < now.n; i++) {
        const uint8_t *r = now.buf + HEAD + i * RECORD;
        Out o = {load_hash(r), load_hash(r + 16), now.fd, le_load64(r + 32), le_load32(r + 40)};
        if (bsearch(&o, news, nnew, sizeof *news, out_order) ||
            bsearch(&o.slot, slots, nnew, sizeof *slots, slot_order))
            continue; /* replaced */
        array_push(&out, o);
    }
    qsort(out.items, out.len, sizeof *out.items, out_order);
    for (size_t i = 0; i < out.len; i++)
        bytes += out.items[i].len;
    size_t data = HEAD + out.len * RECORD + 16, total = data + bytes;
    /* The index is built here; the entries' bytes are copied from where they lie (the pack on
     * disk, the spill file) by the kernel, never into this run's memory: neighbours in one
     * file are one run. */
    uint8_t *buf = total <= PACK_MAX ? util_xmalloc(data) : NULL;
    Array(Out) runs = {0};
    if (buf) {
        memcpy(buf, MAGIC, sizeof MAGIC);
        le_store32(buf + sizeof MAGIC, (uint32_t)out.len);
        size_t at = data;
        for (size_t i = 0; i < out.len; i++) {
            uint8_t *r = buf + HEAD + i * RECORD;
            const Out *o = &out.items[i];
            store_hash(r, o->key), store_hash(r + 16, o->slot);
            le_store64(r + 32, at), le_store32(r + 40, (uint32_t)o->len);
            Out *last = runs.len ? &runs.items[runs.len - 1] : NULL;
            if (last && last->fd == o->fd && last->at + last->len == o->at) last->len += o->len;
            else array_push(&runs, *o);
            at += o->len;
        }
        store_hash(buf + data - 16, cache_pack_mac(p->secret, buf, data - 16));
        PackOut po = {buf, data, runs.items, runs.len};
        cache_write_atomic_by(p->dir, "pack", write_out, &po, true);
    }
    array_free(&runs);
    free(buf);
    array_free(&out);
    pack_free(&now);
}

/* Writes the pending entries into the pack and forgets them. Called with the lock. */
static void flush(CachePack *p) {
    if (!p->pending.len || p->spill < 0) return;
    qsort(p->pending.items, p->pending.len, sizeof *p->pending.items, pending_order);
    Out *news = util_xcalloc(p->pending.len, sizeof *news);
    Hash128 *slots = util_xcalloc(p->pending.len, sizeof *slots);
    size_t n = 0;
    for (size_t i = 0; i < p->pending.len; i++) {
        const Pending *e = &p->pending.items[i];
        bool last = i + 1 == p->pending.len || hash_order(e->key, e[1].key) != 0;
        if (last) slots[n] = e->slot, news[n++] = (Out){e->key, e->slot, p->spill, e->at, e->len};
    }
    write_pack(p, news, n, slots);
    p->pending.len = 0;
    free(news);
    free(slots);
}

/* The spill file, made in the directory (its file system: the pack copies from it in place)
 * and unlinked at once. Called with the lock. */
static int spill_of(CachePack *p) {
    if (p->spill != NO_SPILL) return p->spill;
    char *tmp = util_xasprintf("%s/.tmp-XXXXXX", p->dir);
    p->spill = mkstemp(tmp);
    if (p->spill >= 0) unlink(tmp);
    else p->spill = SPILL_FAILED;
    free(tmp);
    return p->spill;
}

void cache_pack_add(CachePack *p, Hash128 key, Hash128 slot, uint8_t *bytes, size_t len) {
    pthread_mutex_lock(&p->lock);
    int fd = spill_of(p);
    struct iovec v = {bytes, len};
    /* (a failed write: the entry is not stored; what was written before it stays valid) */
    if (fd >= 0 && lseek(fd, (off_t)p->spilt, SEEK_SET) == (off_t)p->spilt &&
        cache_write_all(fd, &v, 1)) {
        array_push(&p->pending, ((Pending){key, slot, p->spilt, len, p->seq++}));
        p->spilt += len;
    }
    pthread_mutex_unlock(&p->lock);
    free(bytes);
}

void cache_pack_close(CachePack *p) {
    if (!p) return;
    flush(p);
    array_free(&p->pending);
    if (p->spill >= 0) close(p->spill);
    pack_free(&p->read);
    free(p->dir);
    pthread_mutex_destroy(&p->lock);
    free(p);
}
