/* The result cache: the directory, its entries and their format (see cache.h).
 *
 * An entry, little-endian:  "LLCACHE9" | u16 n, the version string | the 16-byte key |
 * u32 n, the payload | the 16-byte MAC of all that precedes it.
 * The payload: u8 syntax error, i32 row, col, cell | u32 findings, each: code, message, help?,
 * i32 row, col, end_row, end_col, cell, file rows, recipe?, u32 frame lines, each a string, the
 * fix (with its verification), the site, the counterexample (put_result), why none?, where it
 * lies in the callee's code (put_there) | the asks
 * (put_asks) | u8 verified | the verifier's asks.
 * A string is u32 length + bytes (no NUL); an optional one has length 0xffffffff when absent. */
#define _GNU_SOURCE /* getrandom, mkstemp */
#include "cache.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "bytes_le.h"
#include "cache_pack.h"
#include "cache_stat.h"
#include "rules.h"
#include "verify.h"

static const char MAGIC[8] = "LLCACHE9"; /* the last character is the format's version */
enum { NO_STRING = 0xffffffffu, SECRET_BYTES = 16, ENTRY_MAX = 64 << 20 };

struct Cache {
    uint8_t secret[SECRET_BYTES];
    Hash128 build; /* this logitlint: its version and executable */
    CacheStat *stats;
    CachePack *pack; /* the entries */
};

/* ---- the directory ----------------------------------------------------------------------- */

static bool mkdir_parents(const char *dir) {
    if (!*dir) return errno = ENOENT, false;
    char *p = util_xstrdup(dir);
    bool parents = mkdir(p, 0777) != 0 && errno == ENOENT; /* usually it exists: one call */
    for (char *s = p + 1; parents; s++) {
        if (*s != '/' && *s) continue;
        char c = *s;
        *s = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST) {
            free(p);
            return false;
        }
        if (!(*s = c)) break;
    }
    free(p);
    struct stat st;
    if (stat(dir, &st) != 0) return false;
    if (!S_ISDIR(st.st_mode)) errno = ENOTDIR;
    return S_ISDIR(st.st_mode);
}

/* Writes all of iov[0..n) to fd, as many pieces per call as the system takes (iov is used
 * up: a piece written in part is advanced past what was). */
bool cache_write_all(int fd, struct iovec *iov, size_t n) {
    while (n) {
        ssize_t done = writev(fd, iov, n > IOV_MAX ? IOV_MAX : (int)n);
        if (done < 0 && errno == EINTR) continue;
        if (done <= 0) return false;
        size_t d = (size_t)done;
        for (; n && d >= iov->iov_len; iov++, n--)
            d -= iov->iov_len;
        if (n) iov->iov_base = (char *)iov->iov_base + d, iov->iov_len -= d;
    }
    return true;
}

/* Writes dir/name atomically: a temporary file renamed (replace) or linked (only if absent)
 * into place. mkstemp makes it private; everything but the secret is made readable. */
bool cache_write_atomic(const char *dir, const char *name, const void *data, size_t len,
                        bool replace) {
    struct iovec one = {(void *)data, len};
    return cache_write_atomicv(dir, name, &one, 1, replace);
}

/* The pieces cache_write_atomicv writes, for write_iov. */
typedef struct Gather {
    struct iovec *iov;
    size_t n;
} Gather;

static bool write_iov(int fd, void *arg) {
    Gather *g = arg;
    return cache_write_all(fd, g->iov, g->n);
}

bool cache_write_atomicv(const char *dir, const char *name, struct iovec *iov, size_t n,
                         bool replace) {
    Gather g = {iov, n};
    return cache_write_atomic_by(dir, name, write_iov, &g, replace);
}

bool cache_write_atomic_by(const char *dir, const char *name, bool (*fill)(int fd, void *arg),
                           void *arg, bool replace) {
    char *tmp = util_xasprintf("%s/.tmp-XXXXXX", dir);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        free(tmp);
        return false;
    }
    bool ok = fill(fd, arg) && (!strcmp(name, "secret") || fchmod(fd, 0644) == 0);
    ok = close(fd) == 0 && ok;
    char *path = util_xasprintf("%s/%s", dir, name);
    if (ok && replace) ok = rename(tmp, path) == 0;
    if (ok && !replace) ok = link(tmp, path) == 0 || errno == EEXIST;
    if (!ok || !replace) unlink(tmp);
    free(path);
    free(tmp);
    return ok;
}

/* Reads at most max bytes of a file; NULL if it cannot be read or is larger. */
uint8_t *cache_read_small(const char *path, size_t max, size_t *len) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return NULL;
    struct stat st;
    uint8_t *buf = NULL;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (size_t)st.st_size <= max) {
        buf = util_xmalloc((size_t)st.st_size + 1);
        *len = 0;
        ssize_t n;
        while (*len < (size_t)st.st_size &&
               (n = read(fd, buf + *len, (size_t)st.st_size - *len)) > 0)
            *len += (size_t)n;
        if (*len != (size_t)st.st_size) free(buf), buf = NULL;
    }
    close(fd);
    return buf;
}

/* The directory's secret: read, or made and published once (concurrent runs agree on the first
 * one linked into place; a damaged one is replaced, which invalidates every entry). */
static bool load_secret(const char *dir, uint8_t secret[SECRET_BYTES]) {
    char *path = util_xasprintf("%s/secret", dir);
    bool ok = false;
    for (int attempt = 0; attempt < 3 && !ok; attempt++) {
        size_t len = 0;
        uint8_t *buf = cache_read_small(path, SECRET_BYTES, &len);
        bool damaged = buf || access(path, F_OK) == 0;
        if (buf && len == SECRET_BYTES) memcpy(secret, buf, SECRET_BYTES), ok = true;
        free(buf);
        if (ok) break;
        uint8_t fresh[SECRET_BYTES];
        if (getrandom(fresh, sizeof fresh, 0) != (ssize_t)sizeof fresh) break;
        if (!cache_write_atomic(dir, "secret", fresh, sizeof fresh, damaged)) break;
    }
    free(path);
    return ok;
}

Cache *cache_open(const char *dir, char *err, size_t errlen) {
    static const char gitignore[] = "# Created by logitlint: the cache ignores itself.\n*\n";
    static const char tag[] = "Signature: 8a477f597d28d172789f06886806bc55\n"
                              "# This file is a cache directory tag created by logitlint.\n"
                              "# For information about cache directory tags, see:\n"
                              "#\thttps://bford.info/cachedir/\n";
    Cache *c = util_xcalloc(1, sizeof *c);
    /* The .gitignore and the tag go only into a directory made here: `--cache-dir .` must not
     * make git ignore a project. */
    struct stat st;
    bool fresh = stat(dir, &st) != 0;
    bool ok = mkdir_parents(dir) &&
              (!fresh || (cache_write_atomic(dir, ".gitignore", gitignore, sizeof gitignore - 1, false) &&
                          cache_write_atomic(dir, "CACHEDIR.TAG", tag, sizeof tag - 1, false)));
    int why = ok ? 0 : errno;
    errno = 0;
    if (ok && !(ok = load_secret(dir, c->secret))) why = errno ? errno : EIO;
    if (!ok) {
        snprintf(err, errlen, "%s: cannot be used as a cache directory: %s", dir, strerror(why));
        cache_close(c);
        return NULL;
    }
    /* The build: a rebuilt logitlint (same version, other code) must not read what an older one
     * wrote. The executable's identity stands for its code: reading it would cost more than a
     * small file's whole analysis. */
    HashState h;
    hash_init(&h, c->secret, 1);
    hash_update_field(&h, LOGITLINT_VERSION, strlen(LOGITLINT_VERSION));
    if (stat("/proc/self/exe", &st) == 0) {
        long long id[5] = {(long long)st.st_dev, (long long)st.st_ino, (long long)st.st_size,
                           (long long)st.st_mtim.tv_sec, (long long)st.st_mtim.tv_nsec};
        hash_update_field(&h, id, sizeof id);
    }
    c->build = hash_final(&h);
    c->stats = cache_stat_open(dir, c->secret);
    c->pack = cache_pack_open(dir, c->secret);
    return c;
}

CacheStat *cache_stats(const Cache *c) {
    return c->stats;
}

void cache_close(Cache *c) {
    if (!c) return;
    cache_pack_close(c->pack);
    cache_stat_close(c->stats);
    free(c);
}

void cache_settings_begin(const Cache *c, HashState *h) {
    hash_init(h, c->secret, 1);
}

Hash128 cache_settings_end(HashState *h) {
    return hash_final(h);
}

Hash128 cache_text_id(const Cache *c, const Source *src) {
    HashState h;
    hash_init(&h, c->secret, 1);
    hash_update(&h, "text", 4); /* never equal to a module's code-text hash (project.h) */
    hash_update_field(&h, src->text, src->len);
    size_t cells = src->line_cell ? src->nlines * sizeof(int) : 0;
    hash_update_field(&h, src->line_cell, cells);
    hash_update_field(&h, src->line_cell_row, cells);
    return hash_final(&h);
}

Hash128 cache_key_of(const Cache *c, Hash128 settings, Hash128 text_id, const char *path) {
    HashState h;
    hash_init(&h, c->secret, 1);
    hash_update_field(&h, &c->build, sizeof c->build);
    hash_update_field(&h, &settings, sizeof settings);
    hash_update_field(&h, &text_id, sizeof text_id);
    /* and its path: files of the same text (a package's copies of one utils.py) import other
     * modules, and one entry for all would be stored by each in turn and match none */
    hash_update_field(&h, path, strlen(path));
    return hash_final(&h);
}

Hash128 cache_slot_of(const Cache *c, Hash128 settings, const char *path) {
    HashState h;
    hash_init(&h, c->secret, 1);
    hash_update(&h, "slot", 4); /* never equal to a key; no build: a new one replaces the old */
    hash_update_field(&h, &settings, sizeof settings);
    hash_update_field(&h, path, strlen(path));
    return hash_final(&h);
}

bool cache_load(const Cache *c, Hash128 key, const char *path, CachedFile *out) {
    size_t len = 0;
    const uint8_t *buf = c->pack ? cache_pack_find(c->pack, key, &len) : NULL;
    bool ok = buf && len <= ENTRY_MAX && cache_decode(c->secret, &key, buf, len, out);
    for (size_t i = 0; ok && i < out->diags.len; i++)
        out->diags.items[i].filename = util_xstrdup(path);
    return ok;
}

void cache_store(const Cache *c, Hash128 key, Hash128 slot, const CachedFile *f) {
    size_t len;
    uint8_t *buf = cache_encode(c->secret, key, f, &len);
    if (len <= ENTRY_MAX) cache_pack_add(c->pack, key, slot, buf, len);
    else free(buf);
}

const uint8_t *cache_text_key(const Cache *c) {
    return c->secret;
}

void cache_file_free(CachedFile *f) {
    for (size_t i = 0; i < f->diags.len; i++) /* (decoded: the entry's own) */
        verify_result_free((VerifyResult *)f->diags.items[i].cex);
    diag_list_free(&f->diags);
    if (f->ask_text) array_free(&f->asks), free(f->ask_text); /* (decoded: one block) */
    else project_asks_free(&f->asks);
    project_asks_free(&f->verify_asks);
    memset(f, 0, sizeof *f);
}

/* ---- the entry format ---------------------------------------------------------------------- */

typedef Array(uint8_t) Bytes;

static void put(Bytes *b, const void *p, size_t n) {
    array_reserve(b, b->len + n);
    memcpy(b->items + b->len, p, n);
    b->len += n;
}

static void put_u32(Bytes *b, uint32_t v) {
    uint8_t le[4];
    le_store32(le, v);
    put(b, le, sizeof le);
}

static void put_u64(Bytes *b, uint64_t v) {
    put_u32(b, (uint32_t)v), put_u32(b, (uint32_t)(v >> 32));
}

static void put_f64(Bytes *b, double v) { /* its bits: NaN, infinities and -0 come back */
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    put_u64(b, bits);
}

static void put_str(Bytes *b, const char *s) {
    if (!s) {
        put_u32(b, NO_STRING);
        return;
    }
    put_u32(b, (uint32_t)strlen(s));
    put(b, s, strlen(s));
}

static void put_hash(Bytes *b, Hash128 v) {
    put_u32(b, (uint32_t)v.lo), put_u32(b, (uint32_t)(v.lo >> 32));
    put_u32(b, (uint32_t)v.hi), put_u32(b, (uint32_t)(v.hi >> 32));
}

/* A finding's fix (fix.h): a presence byte, then every field the fixers and reporters read. */
static void put_fix(Bytes *b, const DiagFix *f) {
    put(b, (uint8_t[]){f != NULL}, 1);
    if (!f) return;
    put_u32(b, (uint32_t)f->applicability);
    put_str(b, f->message);
    put_u32(b, (uint32_t)f->edits.len);
    for (size_t i = 0; i < f->edits.len; i++) {
        put_u32(b, (uint32_t)f->edits.items[i].start), put_u32(b, (uint32_t)f->edits.items[i].end);
        put_str(b, f->edits.items[i].content);
    }
    put_u32(b, (uint32_t)f->shown.len);
    for (size_t i = 0; i < f->shown.len; i++) {
        const DiagEdit *e = &f->shown.items[i];
        put_str(b, e->content);
        int pos[4] = {e->row, e->col, e->end_row, e->end_col};
        for (int k = 0; k < 4; k++)
            put_u32(b, (uint32_t)pos[k]);
    }
    put_str(b, f->diff);
    put_u32(b, (uint32_t)f->verified);
    put_str(b, f->verify_note);
}

/* The place in another file's code of a finding made at a call (diag.h): a presence byte (2:
 * there and shared), then its fields. */
static void put_there(Bytes *b, const DiagThere *t) {
    put(b, (uint8_t[]){!t ? 0 : t->shared ? 2 : 1}, 1);
    if (!t) return;
    put_str(b, t->filename);
    put_str(b, t->message);
    put_str(b, t->callee);
    int pos[5] = {t->row, t->col, t->end_row, t->end_col, t->noqa_row};
    for (int k = 0; k < 5; k++)
        put_u32(b, (uint32_t)pos[k]);
    put_u32(b, (uint32_t)t->nframe);
    for (int k = 0; k < t->nframe; k++)
        put_str(b, t->frame_lines[k]);
}

static void put_seq(Bytes *b, const VerifySeq *q) {
    put_u32(b, (uint32_t)q->len);
    for (int k = 0; k < q->len; k++)
        put_u32(b, (uint32_t)q->tokens[k]);
}

static void put_table(Bytes *b, const VerifyTable *t) {
    put_str(b, t->label);
    put_u32(b, (uint32_t)t->origin);
    put_u64(b, t->seed);
    put_u32(b, (uint32_t)t->n_vocab);
    for (int v = 0; v < t->n_vocab; v++)
        put_str(b, t->vocab[v]);
    put_u32(b, (uint32_t)t->n_contexts);
    for (int c = 0; c < t->n_contexts; c++) {
        put_seq(b, &t->contexts[c].prefix);
        for (int v = 0; v < t->n_vocab; v++)
            put_f64(b, t->contexts[c].logits[v]);
    }
    put_u32(b, (uint32_t)t->n_candidates);
    for (int c = 0; c < t->n_candidates; c++)
        put_seq(b, &t->candidates[c]);
    put(b, (uint8_t[]){t->cli_candidates}, 1);
    put_seq(b, &t->prompt);
    put_u32(b, (uint32_t)t->pad);
}

/* A finding's counterexample (verify.h): a presence byte, then every field the reporters read. */
static void put_result(Bytes *b, const VerifyResult *r) {
    put(b, (uint8_t[]){r != NULL}, 1);
    if (!r) return;
    put_str(b, verify_recipe_name(r->recipe));
    put_table(b, r->table);
    for (int i = 0; i < r->n; i++) {
        const VerifyCandidate *c = &r->cands[i];
        put_u32(b, (uint32_t)c->n_steps);
        for (int k = 0; k < c->n_steps; k++) {
            const VerifyStep *s = &c->steps[k];
            put_u32(b, (uint32_t)s->role), put_u32(b, (uint32_t)s->token);
            put_u32(b, (uint32_t)s->ctx), put_u32(b, (uint32_t)s->recipe_ctx);
            put_f64(b, s->logit), put_f64(b, s->log_z), put_f64(b, s->log_prob);
            put_f64(b, s->term);
            put(b, (uint8_t[]){s->in_recipe}, 1);
        }
        put_f64(b, c->score), put_f64(b, c->log_prob), put_f64(b, c->sum_log_z);
        put_u32(b, (uint32_t)r->script_rank[i]), put_u32(b, (uint32_t)r->correct_rank[i]);
    }
    put(b, (uint8_t[]){r->flipped, r->by_script, r->lower_is_better}, 3);
    put_u32(b, (uint32_t)r->harm);
    put_u64(b, (uint64_t)r->search_tries);
    const char *text[] = {r->fallback, r->entry, r->entry_file, r->score_label, r->note};
    for (size_t k = 0; k < sizeof text / sizeof *text; k++)
        put_str(b, text[k]);
    put_u32(b, (uint32_t)r->entry_line), put_u32(b, (uint32_t)r->runs);
    put_str(b, r->dtype);
    put_u32(b, (uint32_t)r->n_stand_ins);
    for (int k = 0; k < r->n_stand_ins; k++)
        put_str(b, r->stand_ins[k]);
}

/* LEB128, at most five bytes. */
static void put_var(Bytes *b, size_t v) {
    uint8_t out[5];
    size_t n = 0;
    do
        out[n++] = (uint8_t)((v & 127) | (v > 127 ? 128 : 0));
    while ((v >>= 7) && n < sizeof out);
    put(b, out, n);
}

static size_t common_prefix(const char *a, size_t na, const char *b, size_t nb) {
    size_t n = 0;
    while (n < na && n < nb && a[n] == b[n])
        n++;
    return n;
}

static size_t common_suffix(const char *a, size_t na, const char *b, size_t nb) {
    size_t n = 0;
    while (n < na && n < nb && a[na - 1 - n] == b[nb - 1 - n])
        n++;
    return n;
}

/* A string and its length. */
typedef struct Span {
    const char *s;
    size_t n;
} Span;

/* The asks, front-coded: an entry holds hundreds (every module its file's imports read, and
 * every place each import was looked for), sorted by kind and question, whose paths share long
 * prefixes; written whole they were nine tenths of an entry's bytes, which a warm run reads and
 * MACs. An ask: a byte (its kind; bit 4: an answer, bit 5: a text hash, bit 6: the answer starts
 * as the last answer of its kind, not as its question), the question as the length it shares
 * with the start of the last question of its kind and the rest, the answer as the length it
 * shares with that start, the length its end shares with the question's (after what the
 * question gave the start) and the bytes between, then the hash. Every length shared is the
 * longest, and the question is preferred: the encoding is canonical. */
static void put_asks(Bytes *b, const ProjectAsks *asks) {
    put_var(b, asks->len);
    Span prevq[PROJECT_ASK_KINDS], preva[PROJECT_ASK_KINDS];
    for (int k = 0; k < PROJECT_ASK_KINDS; k++)
        prevq[k] = preva[k] = (Span){"", 0};
    for (size_t i = 0; i < asks->len; i++) {
        const ProjectAsk *a = &asks->items[i];
        uint32_t kind = a->kind < PROJECT_ASK_KINDS ? a->kind : 0; /* (always: the analysis's) */
        const char *q = a->question, *ans = a->answer;
        size_t nq = strlen(q), na = ans ? strlen(ans) : 0;
        size_t p = common_prefix(prevq[kind].s, prevq[kind].n, q, nq);
        size_t start = ans ? common_prefix(q, nq, ans, na) : 0;
        bool from_prev = ans && !start && common_prefix(preva[kind].s, preva[kind].n, ans, na);
        if (from_prev) start = common_prefix(preva[kind].s, preva[kind].n, ans, na);
        bool text = a->text.lo || a->text.hi;
        put(b, (uint8_t[]){(uint8_t)(kind | (ans != NULL) << 4 | text << 5 | from_prev << 6)}, 1);
        put_var(b, p), put_var(b, nq - p), put(b, q + p, nq - p);
        if (ans) {
            size_t qs = from_prev ? 0 : start;
            size_t end = common_suffix(q + qs, nq - qs, ans + start, na - start);
            put_var(b, start), put_var(b, end), put_var(b, na - start - end);
            put(b, ans + start, na - start - end);
            preva[kind] = (Span){ans, na};
        }
        if (text) put_hash(b, a->text);
        prevq[kind] = (Span){q, nq};
    }
}

Hash128 cache_mac(const uint8_t secret[16], const uint8_t *buf, size_t n) {
    HashState h;
    hash_init(&h, secret, 1);
    hash_update(&h, "entry", 5); /* never equal to a key computed over the same bytes */
    hash_update(&h, buf, n >= 16 ? n - 16 : 0);
    return hash_final(&h);
}

uint8_t *cache_encode(const uint8_t secret[16], Hash128 key, const CachedFile *f, size_t *len) {
    Bytes b = {0};
    put(&b, MAGIC, sizeof MAGIC);
    uint16_t vlen = (uint16_t)strlen(LOGITLINT_VERSION);
    put(&b, (uint8_t[]){(uint8_t)vlen, (uint8_t)(vlen >> 8)}, 2);
    put(&b, LOGITLINT_VERSION, vlen);
    put_hash(&b, key);
    size_t payload_len_at = b.len;
    put_u32(&b, 0);
    const LintResult *r = &f->result;
    put(&b, (uint8_t[]){r->syntax_error}, 1);
    put_u32(&b, (uint32_t)r->error_row), put_u32(&b, (uint32_t)r->error_col);
    put_u32(&b, (uint32_t)r->error_cell);
    put_u32(&b, (uint32_t)f->diags.len);
    for (size_t i = 0; i < f->diags.len; i++) {
        const Diagnostic *d = &f->diags.items[i];
        put_str(&b, d->rule->code);
        put_str(&b, d->message);
        put_str(&b, d->help);
        int pos[7] = {d->row, d->col, d->end_row, d->end_col, d->cell, d->file_row,
                      d->file_end_row};
        for (int k = 0; k < 7; k++)
            put_u32(&b, (uint32_t)pos[k]);
        put_str(&b, verify_recipe_name(d->recipe));
        put_u32(&b, (uint32_t)d->nframe);
        for (int k = 0; k < d->nframe; k++)
            put_str(&b, d->frame_lines[k]);
        put_fix(&b, d->fix);
        put_u32(&b, d->site.start), put_u32(&b, d->site.end); /* the verifier's (verify.h) */
        put_result(&b, f->verified ? d->cex : NULL);
        put_str(&b, f->verified ? d->no_cex : NULL);
        put_there(&b, d->there);
    }
    put_asks(&b, &f->asks);
    put(&b, (uint8_t[]){f->verified}, 1);
    put_asks(&b, &f->verify_asks);
    uint32_t payload = (uint32_t)(b.len - payload_len_at - 4);
    for (int k = 0; k < 4; k++)
        b.items[payload_len_at + (size_t)k] = (uint8_t)(payload >> (8 * k));
    put_hash(&b, (Hash128){0, 0});
    Hash128 mac = cache_mac(secret, b.items, b.len);
    b.len -= 16;
    put_hash(&b, mac);
    *len = b.len;
    return b.items;
}

/* A bounds-checked reader: every get fails (and keeps failing) past the end. */
typedef struct Reader {
    const uint8_t *p, *end;
    bool ok;
} Reader;

static const uint8_t *get(Reader *r, size_t n) {
    if (!r->ok || (size_t)(r->end - r->p) < n) {
        r->ok = false;
        return NULL;
    }
    const uint8_t *at = r->p;
    r->p += n;
    return at;
}

static uint32_t get_u32(Reader *r) {
    const uint8_t *p = get(r, 4);
    return p ? le_load32(p) : 0;
}

static int get_int(Reader *r) {
    uint32_t v = get_u32(r);
    if (v > 0x7fffffffu) r->ok = false;
    return (int)(v & 0x7fffffffu);
}

static Hash128 get_hash(Reader *r) {
    uint64_t w[4];
    for (int k = 0; k < 4; k++)
        w[k] = get_u32(r);
    return (Hash128){w[0] | w[1] << 32, w[2] | w[3] << 32};
}

static uint64_t get_u64(Reader *r) {
    uint64_t lo = get_u32(r);
    return lo | (uint64_t)get_u32(r) << 32;
}

static double get_f64(Reader *r) {
    uint64_t bits = get_u64(r);
    double v;
    memcpy(&v, &bits, sizeof v);
    return v;
}

/* A count of items of at least `each` bytes that the rest of the entry can hold. */
static int get_count(Reader *r, size_t each) {
    uint32_t n = get_u32(r);
    if (n > (size_t)(r->end - r->p) / each || n > 0x7fffffffu) r->ok = false;
    return r->ok ? (int)n : 0;
}

/* A string without NUL bytes (they would cut it short when printed); NULL if absent or bad. */
static char *get_str(Reader *r, bool optional) {
    uint32_t n = get_u32(r);
    if (n == NO_STRING && optional) return NULL;
    const uint8_t *p = get(r, n);
    if (!p || memchr(p, '\0', n)) {
        r->ok = false;
        return NULL;
    }
    return util_xstrndup((const char *)p, n);
}

/* A string into a buffer of size bytes (it must fit with its NUL). */
static void get_text(Reader *r, char *buf, size_t size) {
    char *str = get_str(r, false);
    if (str && strlen(str) < size) memcpy(buf, str, strlen(str) + 1);
    else r->ok = false;
    free(str);
}

/* The fix put_fix wrote; false (r->ok cleared) when it is not one a rule could have made. */
static bool get_fix(Reader *r, Diagnostic *d) {
    const uint8_t *present = get(r, 1);
    if (!present || *present > 1) return r->ok = false;
    if (!*present) return true;
    DiagFix *f = d->fix = util_xcalloc(1, sizeof *f);
    uint32_t applicability = get_u32(r);
    if (applicability > FIX_UNSAFE) r->ok = false;
    f->applicability = (FixApplicability)applicability;
    f->message = get_str(r, false);
    uint32_t nedits = get_u32(r);
    if (nedits > (size_t)(r->end - r->p) / 12) r->ok = false;
    for (uint32_t i = 0; i < nedits && r->ok; i++) {
        FixEdit e = {get_u32(r), 0, NULL};
        e.end = get_u32(r);
        e.content = get_str(r, false);
        if (e.end < e.start || (f->edits.len && e.start < f->edits.items[f->edits.len - 1].end))
            r->ok = false; /* fix_apply needs them sorted and apart */
        array_push(&f->edits, e);
    }
    uint32_t nshown = get_u32(r);
    if (nshown > (size_t)(r->end - r->p) / 20) r->ok = false;
    for (uint32_t i = 0; i < nshown && r->ok; i++) {
        DiagEdit e = {get_str(r, false), 0, 0, 0, 0};
        int *pos[4] = {&e.row, &e.col, &e.end_row, &e.end_col};
        for (int k = 0; k < 4; k++)
            *pos[k] = get_int(r);
        array_push(&f->shown, e);
    }
    f->diff = get_str(r, true);
    uint32_t verified = get_u32(r);
    if (verified > FIX_MISRANKS) r->ok = false;
    f->verified = (FixVerified)verified;
    get_text(r, f->verify_note, sizeof f->verify_note);
    return r->ok = r->ok && f->message;
}

/* A sequence of n_vocab's tokens; false (r->ok cleared) when one is not. */
static bool get_seq(Reader *r, VerifySeq *q, int n_vocab) {
    q->len = get_count(r, 4);
    q->tokens = util_xcalloc((size_t)q->len + 1, sizeof *q->tokens);
    for (int k = 0; k < q->len && r->ok; k++)
        if ((q->tokens[k] = get_int(r)) >= n_vocab) r->ok = false;
    return r->ok;
}

/* The table put_table wrote, or NULL (r->ok cleared). Built as verify_table_copy builds one. */
static VerifyTable *get_table(Reader *r) {
    char *label = get_str(r, false);
    uint32_t origin = get_u32(r);
    uint64_t seed = get_u64(r);
    int n_vocab = get_count(r, 4);
    char **vocab = util_xcalloc((size_t)n_vocab + 1, sizeof *vocab);
    for (int v = 0; v < n_vocab && r->ok; v++)
        vocab[v] = get_str(r, false);
    VerifyTable *t = r->ok && label && origin <= VERIFY_ORIGIN_SEARCH && n_vocab > 0
                         ? verify_table_new(label, (VerifyOrigin)origin, n_vocab,
                                            (const char *const *)vocab)
                         : NULL;
    for (int v = 0; v < n_vocab; v++)
        free(vocab[v]);
    free(vocab);
    free(label);
    if (!t) return r->ok = false, NULL;
    t->seed = seed;
    int n = get_count(r, 4 + 8 * (size_t)n_vocab);
    double *logits = util_xmalloc((size_t)n_vocab * sizeof *logits);
    for (int c = 0; c < n && r->ok; c++) {
        VerifySeq prefix;
        get_seq(r, &prefix, n_vocab);
        for (int v = 0; v < n_vocab; v++)
            logits[v] = get_f64(r);
        if (r->ok && (verify_table_find_context(t, prefix.tokens, prefix.len) >= 0 ||
                      verify_table_add_context(t, prefix.tokens, prefix.len, logits) < 0))
            r->ok = false; /* (each context once, as the verifier makes them) */
        free(prefix.tokens);
    }
    free(logits);
    n = get_count(r, 4);
    for (int c = 0; c < n && r->ok; c++) {
        VerifySeq cand;
        if (get_seq(r, &cand, n_vocab) && verify_table_add_candidate(t, cand.tokens, cand.len) < 0)
            r->ok = false;
        free(cand.tokens);
    }
    const uint8_t *cli = get(r, 1);
    t->cli_candidates = cli && *cli;
    if (cli && *cli > 1) r->ok = false;
    get_seq(r, &t->prompt, n_vocab);
    uint32_t pad = get_u32(r);
    t->pad = pad == 0xffffffffu ? -1 : (int)(pad & 0x7fffffffu);
    if (pad != 0xffffffffu && pad >= (uint32_t)n_vocab) r->ok = false;
    if (!r->ok || !t->n_candidates) return r->ok = false, verify_table_free(t), NULL;
    return t;
}

/* The dtypes a by-script counterexample names (verify_exec.c): the reader's own strings. */
static const char *const DTYPES[] = {"python float", "rank",    "pick",    "bool",   "int64",
                                     "bfloat16",     "float16", "float32", "float64"};

static const char *get_dtype(Reader *r) {
    char *name = get_str(r, true);
    const char *known = NULL;
    for (size_t k = 0; name && k < sizeof DTYPES / sizeof *DTYPES && !known; k++)
        if (!strcmp(name, DTYPES[k])) known = DTYPES[k];
    if (name && !known) r->ok = false;
    free(name);
    return known;
}

/* The permutation of [0, n) a ranking is; false when it is not one. */
static bool is_ranking(const int *rank, int n) {
    bool *seen = util_xcalloc((size_t)n + 1, 1);
    bool ok = true;
    for (int i = 0; i < n && ok; i++)
        ok = rank[i] >= 0 && rank[i] < n && !seen[rank[i]] && (seen[rank[i]] = true);
    free(seen);
    return ok;
}

static bool get_steps(Reader *r, VerifyCandidate *c, const VerifyTable *t) {
    c->n_steps = get_count(r, 4 * 4 + 8 * 4 + 1);
    c->steps = util_xcalloc((size_t)c->n_steps + 1, sizeof *c->steps);
    for (int k = 0; k < c->n_steps && r->ok; k++) {
        VerifyStep *s = &c->steps[k];
        uint32_t role = get_u32(r);
        s->role = (VerifyRole)(role & 3);
        s->token = get_int(r), s->ctx = get_int(r), s->recipe_ctx = get_int(r);
        s->logit = get_f64(r), s->log_z = get_f64(r), s->log_prob = get_f64(r);
        s->term = get_f64(r);
        const uint8_t *in = get(r, 1);
        s->in_recipe = in && *in;
        if (role > VERIFY_ROLE_PAD || !in || *in > 1 || s->token >= t->n_vocab ||
            s->ctx >= t->n_contexts || s->recipe_ctx >= t->n_contexts)
            r->ok = false;
    }
    return r->ok;
}

/* The counterexample put_result wrote (NULL: none, or r->ok cleared). */
static VerifyResult *get_result(Reader *r) {
    const uint8_t *present = get(r, 1);
    if (!present || *present > 1) return r->ok = false, NULL;
    if (!*present) return NULL;
    char *recipe = get_str(r, false);
    const VerifyRecipe *known = recipe ? verify_recipe_find(recipe) : NULL;
    free(recipe);
    VerifyTable *t = known ? get_table(r) : NULL;
    if (!t) return r->ok = false, NULL;
    VerifyResult *res = util_xcalloc(1, sizeof *res);
    res->recipe = known;
    verify_result_take_table(res, t);
    res->n = t->n_candidates;
    res->cands = util_xcalloc((size_t)res->n, sizeof *res->cands);
    res->script_rank = util_xcalloc((size_t)res->n, sizeof *res->script_rank);
    res->correct_rank = util_xcalloc((size_t)res->n, sizeof *res->correct_rank);
    for (int i = 0; i < res->n && get_steps(r, &res->cands[i], t); i++) {
        VerifyCandidate *c = &res->cands[i];
        c->score = get_f64(r), c->log_prob = get_f64(r), c->sum_log_z = get_f64(r);
        res->script_rank[i] = get_int(r), res->correct_rank[i] = get_int(r);
    }
    const uint8_t *flags = get(r, 3);
    uint32_t harm = get_u32(r);
    uint64_t tries = get_u64(r);
    if (tries > 0x7fffffffffffffffull) r->ok = false; /* not a count put_result wrote */
    res->search_tries = (long)(tries & 0x7fffffffffffffffull);
    char *text[] = {res->fallback, res->entry, res->entry_file, res->score_label, res->note};
    size_t size[] = {sizeof res->fallback, sizeof res->entry, sizeof res->entry_file,
                     sizeof res->score_label, sizeof res->note};
    for (size_t k = 0; k < sizeof text / sizeof *text; k++)
        get_text(r, text[k], size[k]);
    res->entry_line = get_int(r), res->runs = get_int(r);
    res->dtype = get_dtype(r);
    uint32_t stand_ins = get_u32(r);
    if (stand_ins > VERIFY_MAX_STAND_INS) r->ok = false;
    res->n_stand_ins = r->ok ? (int)stand_ins : 0;
    for (int k = 0; k < res->n_stand_ins; k++)
        get_text(r, res->stand_ins[k], sizeof res->stand_ins[k]);
    if (flags) {
        res->flipped = flags[0], res->by_script = flags[1], res->lower_is_better = flags[2];
        if (flags[0] > 1 || flags[1] > 1 || flags[2] > 1) r->ok = false;
    }
    res->harm = (VerifyHarm)(harm & 7);
    if (harm > VERIFY_HARM_NAN || !is_ranking(res->script_rank, res->n) ||
        !is_ranking(res->correct_rank, res->n))
        r->ok = false;
    if (!r->ok) return verify_result_free(res), NULL;
    return res;
}

/* n bytes of b from offset `from` added again at its end. */
static void put_again(Bytes *b, size_t from, size_t n) {
    array_reserve(b, b->len + n);
    memcpy(b->items + b->len, b->items + from, n);
    b->len += n;
}

/* A length put_var wrote (the shortest form only: the encoding stays canonical). */
static size_t get_var(Reader *r) {
    uint32_t v = 0;
    for (int shift = 0; shift < 35; shift += 7) {
        const uint8_t *p = get(r, 1);
        if (!p || (shift == 28 && *p > 15)) break;
        v |= (uint32_t)(*p & 127) << shift;
        if (!(*p & 128)) {
            if (shift && !*p) break;
            return v;
        }
    }
    r->ok = false;
    return 0;
}

/* What get_asks reads of an ask before its strings are put in place. */
typedef struct AskAt {
    ProjectAsk ask;
    size_t question, answer; /* offsets in the block (answer SIZE_MAX: none) */
} AskAt;

/* n bytes read into *text; false: not there, or a NUL among them (it would cut a string short). */
static bool get_into(Reader *r, Bytes *text, size_t n) {
    const uint8_t *p = get(r, n);
    if (!p || memchr(p, '\0', n)) return r->ok = false;
    put(text, p, n);
    return true;
}

/* A string of the block: its offset and length. */
typedef struct Held {
    size_t at, n;
} Held;

/* Is `shared` the longest start that a (of na bytes) shares with the string at ref? */
static bool longest_start(const Bytes *text, Held ref, const char *a, size_t na, size_t shared) {
    return shared == ref.n || shared == na || text->items[ref.at + shared] != (uint8_t)a[shared];
}

/* The answer of the ask whose question (nq bytes) is at q, read into the block (false: not what
 * put_asks writes). */
static bool get_answer(Reader *r, Bytes *text, size_t q, size_t nq, Held preva, bool from_prev) {
    size_t start = get_var(r), end = get_var(r), mid = get_var(r), qs = from_prev ? 0 : start;
    size_t at = text->len;
    if (!r->ok || start > (from_prev ? preva.n : nq) || end > nq - qs || (from_prev && !start))
        return false;
    put_again(text, from_prev ? preva.at : q, start);
    if (!get_into(r, text, mid)) return false;
    put_again(text, q + nq - end, end);
    put(text, "", 1);
    const char *qt = (const char *)text->items + q, *ans = (const char *)text->items + at;
    size_t na = start + mid + end;
    Held question = {q, nq};
    bool q_start = from_prev ? !nq || !na || qt[0] != ans[0]
                             : longest_start(text, question, ans, na, start);
    bool prev_start = from_prev ? longest_start(text, preva, ans, na, start)
                                : start || !preva.n || !na || text->items[preva.at] != (uint8_t)ans[0];
    bool longest_end = end == nq - qs || !mid || qt[nq - end - 1] != ans[na - end - 1];
    return q_start && prev_start && longest_end;
}

/* The asks put_asks wrote into asks (r->ok cleared when they are not what it writes). Their
 * strings are one block: *block (set, and freed with the asks by cache_file_free) or, block
 * NULL, each its own copy. */
static void get_asks(Reader *r, ProjectAsks *asks, char **block) {
    size_t n = get_var(r);
    if (n > (size_t)(r->end - r->p) / 3) r->ok = false; /* a byte and two lengths */
    Array(AskAt) at = {0};
    Bytes text = {0};
    Held prevq[PROJECT_ASK_KINDS] = {{0, 0}}, preva[PROJECT_ASK_KINDS] = {{0, 0}};
    if (r->ok && n) { /* (front-coded, the strings are about four times the bytes that hold them) */
        array_reserve(&at, n);
        array_reserve(&text, 4 * (size_t)(r->end - r->p));
    }
    for (size_t i = 0; i < n && r->ok; i++) {
        const uint8_t *flags = get(r, 1);
        uint32_t kind = flags ? *flags & 15 : 0;
        if (!flags || kind >= PROJECT_ASK_KINDS || *flags > 127) break;
        AskAt a = {{kind, NULL, NULL, {0, 0}}, text.len, SIZE_MAX};
        size_t p = get_var(r), rest = get_var(r);
        if (!r->ok || p > prevq[kind].n) break;
        put_again(&text, prevq[kind].at, p);
        if (!get_into(r, &text, rest)) break;
        size_t nq = p + rest;
        if (!longest_start(&text, prevq[kind], (const char *)text.items + a.question, nq, p)) break;
        put(&text, "", 1);
        if (*flags & 16) {
            a.answer = text.len;
            if (!get_answer(r, &text, a.question, nq, preva[kind], *flags & 64)) break;
            preva[kind] = (Held){a.answer, text.len - 1 - a.answer};
        } else if (*flags & 64) {
            break;
        }
        if (*flags & 32) {
            a.ask.text = get_hash(r);
            if (!a.ask.text.lo && !a.ask.text.hi) break;
        }
        prevq[kind] = (Held){a.question, nq};
        array_push(&at, a);
    }
    if (at.len != n) r->ok = false;
    if (r->ok) array_reserve(asks, asks->len + at.len);
    for (size_t i = 0; i < at.len && r->ok; i++) {
        ProjectAsk a = at.items[i].ask;
        a.question = (char *)text.items + at.items[i].question;
        if (at.items[i].answer != SIZE_MAX) a.answer = (char *)text.items + at.items[i].answer;
        if (!block) a.question = util_xstrdup(a.question);
        if (!block && a.answer) a.answer = util_xstrdup(a.answer);
        array_push(asks, a);
    }
    array_free(&at);
    if (block && r->ok && text.items) *block = (char *)text.items;
    else free(text.items);
}

/* The lines shown of a finding at row:col..end_row:end_col; false (r->ok cleared) unless they
 * are what rules_emit makes and the reporters rely on. */
static bool get_frames(Reader *r, int row, int col, int end_row, int end_col, char ***lines,
                       int *n) {
    uint32_t nframe = get_u32(r);
    if (!r->ok || row < 1 || col < 1 || end_row < row || nframe < 1 || nframe > DIAG_FRAME_MAX)
        return r->ok = false;
    char **frame = *lines = util_xcalloc(nframe, sizeof *frame);
    *n = (int)nframe;
    for (int k = 0; k < *n && r->ok; k++)
        frame[k] = get_str(r, false);
    if (!r->ok) return false;
    /* columns inside the lines shown (the text format pads a caret out to them) */
    int last = end_row - row;
    if ((size_t)col - 1 > strlen(frame[0]) ||
        (last < *n && (size_t)end_col - 1 > strlen(frame[last])) ||
        (last == 0 && end_col < col))
        return r->ok = false;
    return true;
}

/* The place put_there wrote, into d->there; false (r->ok cleared) when it is not one. */
static bool get_there(Reader *r, Diagnostic *d) {
    const uint8_t *present = get(r, 1);
    if (!present || *present > 2) return r->ok = false;
    if (!*present) return true;
    DiagThere *t = d->there = util_xcalloc(1, sizeof *t);
    t->shared = *present == 2;
    t->filename = get_str(r, false);
    t->message = get_str(r, false);
    t->callee = get_str(r, false);
    int *pos[5] = {&t->row, &t->col, &t->end_row, &t->end_col, &t->noqa_row};
    for (int k = 0; k < 5; k++)
        *pos[k] = get_int(r);
    if (!r->ok || !t->filename || !t->message || !t->callee) return r->ok = false;
    return get_frames(r, t->row, t->col, t->end_row, t->end_col, &t->frame_lines, &t->nframe);
}

static bool get_diag(Reader *r, Diagnostic *d) {
    char *code = get_str(r, false);
    d->rule = code ? rules_find(code) : NULL;
    d->code = d->rule ? d->rule->code : NULL;
    free(code);
    d->message = get_str(r, false);
    d->help = get_str(r, true);
    int *pos[7] = {&d->row, &d->col, &d->end_row, &d->end_col, &d->cell, &d->file_row,
                   &d->file_end_row};
    for (int k = 0; k < 7; k++)
        *pos[k] = get_int(r);
    char *recipe = get_str(r, true);
    const VerifyRecipe *known = recipe ? verify_recipe_find(recipe) : NULL;
    d->recipe = known;
    bool recipe_ok = !recipe || known;
    free(recipe);
    /* What rules_emit guarantees and the reporters rely on. */
    bool shape_ok = d->rule && d->message && recipe_ok;
    if (!r->ok || !shape_ok) return r->ok = false;
    if (!get_frames(r, d->row, d->col, d->end_row, d->end_col, &d->frame_lines, &d->nframe))
        return false;
    if (!get_fix(r, d)) return false;
    /* The flagged bytes; run.c gives a finding with a recipe the file's text, as rules_emit. */
    d->site.start = get_u32(r), d->site.end = get_u32(r);
    if (d->site.end < d->site.start) r->ok = false;
    d->cex = get_result(r);
    d->no_cex = get_str(r, true);
    return r->ok && get_there(r, d);
}

bool cache_decode(const uint8_t secret[16], const Hash128 *expect, const uint8_t *buf, size_t n,
                  CachedFile *out) {
    memset(out, 0, sizeof *out);
    Reader r = {buf, buf + (n >= 16 ? n - 16 : 0), n >= 16};
    const uint8_t *magic = get(&r, sizeof MAGIC);
    if (!magic || memcmp(magic, MAGIC, sizeof MAGIC)) return false;
    Reader mac_at = {r.end, buf + n, true};
    Hash128 mac = get_hash(&mac_at), want = cache_mac(secret, buf, n);
    if (mac.lo != want.lo || mac.hi != want.hi) return false;
    const uint8_t *vlen = get(&r, 2);
    size_t version_len = vlen ? (size_t)(vlen[0] | vlen[1] << 8) : 0;
    const uint8_t *version = get(&r, version_len);
    if (!version || version_len != strlen(LOGITLINT_VERSION) ||
        memcmp(version, LOGITLINT_VERSION, version_len))
        return false;
    Hash128 key = get_hash(&r);
    if (expect && (key.lo != expect->lo || key.hi != expect->hi)) return false;
    uint32_t payload = get_u32(&r);
    if (!r.ok || payload != (size_t)(r.end - r.p)) return false;
    const uint8_t *syntax = get(&r, 1);
    out->result.syntax_error = syntax && *syntax == 1;
    out->result.error_row = get_int(&r);
    out->result.error_col = get_int(&r);
    out->result.error_cell = get_int(&r);
    uint32_t count = get_u32(&r);
    if (!syntax || *syntax > 1 || count > (size_t)(r.end - r.p) / 40) r.ok = false;
    for (uint32_t i = 0; i < count && r.ok; i++) {
        Diagnostic d = {0};
        get_diag(&r, &d);
        array_push(&out->diags, d);
    }
    get_asks(&r, &out->asks, &out->ask_text);
    const uint8_t *verified = get(&r, 1);
    out->verified = verified && *verified == 1;
    if (verified && *verified > 1) r.ok = false;
    for (size_t i = 0; i < out->diags.len && r.ok; i++) /* counterexamples, or why none, only once verified */
        if ((out->diags.items[i].cex || out->diags.items[i].no_cex) && !out->verified) r.ok = false;
    get_asks(&r, &out->verify_asks, NULL);
    if (!r.ok || r.p != r.end) {
        cache_file_free(out);
        return false;
    }
    return true;
}
