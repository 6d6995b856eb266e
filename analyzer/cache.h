/* cache: per-file results kept between runs (as ruff's), so a run over mostly unchanged files
 * analyses only what changed.
 *
 * An entry holds what linting one file produced: its findings (without the file's name, which
 * the reader supplies) and its syntax-error warning. Its name is a key over everything the
 * findings depend on: logitlint's build, the resolved settings for the file (cache_settings_*)
 * and the exact text and cell map the analysis reads. What the analysis read of other files of
 * the project (project.h) is in the entry: each question it asked of the file system and the
 * answer, each text's hash; the reader uses the entry only while they all hold. What the verifier
 * produced is in it too (cex.h): each finding's counterexample and its fix's verification, with
 * what the script's code that ran read of the project, so a warm run does no verifier work and
 * prints exactly what a cold one does. A file that failed (unreadable, skipped by a bound) is
 * never stored.
 *
 * The directory holds a random secret; the key and a MAC over each entry are SipHash under it
 * (hash.h). An entry that is truncated, corrupt, of another format or build, or under another
 * key is ignored and rebuilt, never trusted. The entries live in the directory's pack
 * (cache_pack.h), read once per run and written at its end, atomically: concurrent runs sharing
 * a directory see whole entries or none. */
#ifndef LOGITLINT_CACHE_H
#define LOGITLINT_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "diag.h"
#include "hash.h"
#include "lint.h"
#include "project.h"

typedef struct Cache Cache;

/* What an entry holds. diags[i].filename is NULL in a decoded entry until the reader sets it;
 * a decoded entry owns its findings' counterexamples (cache_file_free frees them). */
typedef struct CachedFile {
    DiagList diags;
    LintResult result; /* only the syntax-error fields are stored */
    ProjectAsks asks;  /* what the analysis read of the rest of the project */
    char *ask_text;    /* decoded: the block that holds the asks' strings (else NULL) */
    bool verified;     /* the verifier ran: the findings hold their counterexamples */
    ProjectAsks verify_asks; /* what the script's code it ran read of the project (cex.h) */
} CachedFile;

/* The memo of the texts' hashes by their files' identities (cache_stat.h). */
struct CacheStat *cache_stats(const Cache *c);
/* The key under which the project's texts read are hashed (16 bytes, secret). */
const uint8_t *cache_text_key(const Cache *c);

/* Opens the cache directory, creating it (and its parents) with a `.gitignore` that ignores it
 * and a CACHEDIR.TAG, and the secret as needed. NULL, with a message in err, if it cannot be
 * used. */
Cache *cache_open(const char *dir, char *err, size_t errlen);
void cache_close(Cache *c);

/* The settings digest: begin, feed every setting the findings may depend on with
 * hash_update_field, end. */
void cache_settings_begin(const Cache *c, HashState *h);
Hash128 cache_settings_end(HashState *h);

/* The key of one file's entry under settings digest `settings`: the hash of its text and cell
 * map (cache_text_id, which the stat memo remembers by the file's identity) and its path. */
Hash128 cache_text_id(const Cache *c, const Source *src);
Hash128 cache_key_of(const Cache *c, Hash128 settings, Hash128 text_id, const char *path);
/* The slot of the entries of the file at path under settings digest `settings`: the entry a run
 * stores replaces the others of its slot (the file's older texts, other builds' entries). */
Hash128 cache_slot_of(const Cache *c, Hash128 settings, const char *path);
/* The entry for key (true), its findings' filename set to `path`; false if there is none or it
 * is not valid. */
bool cache_load(const Cache *c, Hash128 key, const char *path, CachedFile *out);
/* Stores f under key, for slot; best effort (a failure leaves no entry, and nothing is
 * reported), written when the cache is closed. */
void cache_store(const Cache *c, Hash128 key, Hash128 slot, const CachedFile *f);
void cache_file_free(CachedFile *f);

/* The entry format, for cache_load / cache_store and the fuzz harness. encode returns a
 * malloc'd buffer of *len bytes. decode accepts only an entry written by this build under
 * `secret`, for key *expect (NULL: any key). */
uint8_t *cache_encode(const uint8_t secret[16], Hash128 key, const CachedFile *f, size_t *len);
bool cache_decode(const uint8_t secret[16], const Hash128 *expect, const uint8_t *buf, size_t n,
                  CachedFile *out);
/* The MAC cache_decode expects over the first n - 16 bytes of an entry of n bytes. */
Hash128 cache_mac(const uint8_t secret[16], const uint8_t *buf, size_t n);

/* (for cache_stat.c, cache_pack.c) dir/name written atomically: a temporary file renamed
 * (replace) or linked (only if absent) into place, from one buffer, gathered from n pieces
 * (iov is used up) or written by fill (false: it failed); all of n pieces written to fd; a file
 * of at most max bytes read whole (NULL: it cannot be). */
bool cache_write_atomic(const char *dir, const char *name, const void *data, size_t len,
                        bool replace);
struct iovec;
bool cache_write_atomicv(const char *dir, const char *name, struct iovec *iov, size_t n,
                         bool replace);
bool cache_write_atomic_by(const char *dir, const char *name, bool (*fill)(int fd, void *arg),
                           void *arg, bool replace);
bool cache_write_all(int fd, struct iovec *iov, size_t n);
uint8_t *cache_read_small(const char *path, size_t max, size_t *len);

#endif
