/* cache_pack: the result cache's entries (cache.h) in one file per cache directory, `pack`, read
 * with one system call per run: a warm run looks each analysed file's entry up in memory instead
 * of opening a file per entry.
 *
 * The pack is an index sorted by key (each record: the entry's key, its slot, where its bytes
 * are) under a MAC with the directory's secret, then the entries' bytes. The index is trusted only
 * when its MAC holds and every record lies inside the file; each entry is still checked by
 * cache_decode (its own MAC, its key) when it is used, so a damaged or foreign pack costs
 * re-analysis, never a wrong result. The entries a run stores go to a temporary file as they
 * come (memory keeps their records only) and are written at its end as a new pack: the pack on
 * disk then (another run may have written one meanwhile) with the new entries added, both copied
 * by the kernel into a temporary file renamed into place, so concurrent runs see a whole pack or
 * the one before (an entry one of them adds may be lost, and is then made again). A slot names the file and settings an entry is for: a new entry
 * replaces the pack's others of its slot (older texts of that file), so the pack holds no more
 * entries than files analysed under each setting. Thread-safe. */
#ifndef LOGITLINT_CACHE_PACK_H
#define LOGITLINT_CACHE_PACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hash.h"

typedef struct CachePack CachePack;

/* The pack of directory dir (none, damaged or foreign: an empty one). */
CachePack *cache_pack_open(const char *dir, const uint8_t secret[16]);
/* Writes what was added since the last write, and frees p. */
void cache_pack_close(CachePack *p);
/* The bytes of key's entry as the pack held them when opened (NULL: none), valid until close. */
const uint8_t *cache_pack_find(const CachePack *p, Hash128 key, size_t *len);
/* Adds the entry `bytes` (malloc'd, taken and freed) under key, for slot. */
void cache_pack_add(CachePack *p, Hash128 key, Hash128 slot, uint8_t *bytes, size_t len);

/* The reader of a pack's n bytes, for cache_pack_open and the fuzz harness: the number of its
 * records when its index is valid under secret, else -1. */
long cache_pack_check(const uint8_t secret[16], const uint8_t *buf, size_t n);
/* The MAC cache_pack_check expects over the first n bytes of a pack (its magic, count and
 * index); it follows them. */
Hash128 cache_pack_mac(const uint8_t secret[16], const uint8_t *buf, size_t n);

#endif
