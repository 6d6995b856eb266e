/* cache_stat: what a file's text hashed to, remembered between runs by the file's identity on
 * disk (device, inode, size, modification and change times, to the nanosecond), as git's index
 * does: a warm run checks that an imported module is unchanged with one stat instead of reading
 * and hashing it. A file modified within two seconds of the run that would remember it is not
 * remembered (an edit in the same clock tick would leave its times unchanged).
 *
 * Kept in the cache directory's `stats`, written atomically at the end of a run that learnt
 * something, with a MAC under the directory's secret: a damaged or foreign file is ignored (every
 * text is then read again). The records of files that no longer exist are dropped at the end of
 * every run (one lstat for each record the run did not look up), so the memo holds no more than
 * the files there are. Thread-safe. */
#ifndef LOGITLINT_CACHE_STAT_H
#define LOGITLINT_CACHE_STAT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include "hash.h"

typedef struct CacheStat CacheStat;

CacheStat *cache_stat_open(const char *dir, const uint8_t secret[16]);
void cache_stat_close(CacheStat *m); /* drops the records of files gone, writes what changed */
/* The hash remembered for the file at path whose stat is st; false: none (or it changed). */
bool cache_stat_get(CacheStat *m, const char *path, const struct stat *st, Hash128 *hash);
/* Remembers hash for the file at path whose stat, taken before reading it, was st. */
void cache_stat_put(CacheStat *m, const char *path, const struct stat *st, Hash128 hash);

/* The memo's file format, for cache_stat_open and the fuzz harness: accepts only a file written
 * under secret; false (m unchanged) otherwise. */
bool cache_stat_decode(CacheStat *m, const uint8_t *buf, size_t n);

#endif
