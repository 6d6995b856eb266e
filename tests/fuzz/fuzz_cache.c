/* libFuzzer harness: read an arbitrary buffer as a result-cache entry. Each input is read as
 * it is (almost always refused: its MAC is wrong) and again with a valid MAC stamped over its
 * last 16 bytes, so the payload reader is reached. An entry that is accepted must encode back
 * to the same bytes, and every reporter must print its findings with their counterexamples and
 * fix verifications (the explanation too). The same bytes are read as a stat memo and as a pack
 * (cache_pack.h), whose entries are decoded as above. Seeds: packs, and the entries in them,
 * that tests/fuzz/run.sh makes by running logitlint with a cache directory holding FUZZ_SECRET,
 * with and without --no-verify. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytes_le.h"
#include "cache.h"
#include "cache_pack.h"
#include "cache_stat.h"
#include "report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t FUZZ_SECRET[16] = "logitlint-fuzz!";

static void report_all(CachedFile *f) {
    static FILE *sink;
    if (!sink) sink = fopen("/dev/null", "w");
    for (size_t i = 0; i < f->diags.len; i++)
        f->diags.items[i].filename = util_xstrdup("dir/x.py");
    for (int format = 0; format <= REPORT_JUNIT; format++) {
        ReportOptions o = {.format = (ReportFormat)format, .root = "/dir", .explain = true};
        report_write(sink, &f->diags, &o);
    }
}

/* A copy of the size bytes at data with mac over their last 16 (size >= 16). */
static uint8_t *stamped_copy(const uint8_t *data, size_t size, Hash128 mac) {
    uint8_t *stamped = malloc(size);
    memcpy(stamped, data, size);
    for (int k = 0; k < 8; k++) {
        stamped[size - 16 + (size_t)k] = (uint8_t)(mac.lo >> (8 * k));
        stamped[size - 8 + (size_t)k] = (uint8_t)(mac.hi >> (8 * k));
    }
    return stamped;
}

/* The stat memo's reader (cache_stat.h) on the same bytes, as they are and with the memo's MAC
 * stamped over their last 16 bytes. */
static void stat_memo(const uint8_t *data, size_t size) {
    CacheStat *m = cache_stat_open("/nonexistent-logitlint-fuzz", FUZZ_SECRET);
    cache_stat_decode(m, data, size);
    cache_stat_close(m);
    if (size < 16) return;
    HashState h;
    hash_init(&h, FUZZ_SECRET, 1);
    hash_update(&h, "stats", 5);
    hash_update(&h, data, size - 16);
    uint8_t *stamped = stamped_copy(data, size, hash_final(&h));
    m = cache_stat_open("/nonexistent-logitlint-fuzz", FUZZ_SECRET);
    cache_stat_decode(m, stamped, size);
    cache_stat_close(m); /* (its records of files that are not there are dropped: no directory) */
    free(stamped);
}

/* The pack's reader (cache_pack.h) on the same bytes, as they are and with the index's MAC
 * stamped where the count they start with puts it; each entry of a valid index is decoded under
 * its record's key, as a run reads it. */
static void pack(const uint8_t *data, size_t size) {
    cache_pack_check(FUZZ_SECRET, data, size);
    if (size < 12 + 16) return;
    size_t index_end = 12 + (size_t)le_load32(data + 8) * 44;
    if (index_end > size - 16) return;
    uint8_t *stamped = malloc(size);
    memcpy(stamped, data, size);
    Hash128 mac = cache_pack_mac(FUZZ_SECRET, stamped, index_end);
    le_store64(stamped + index_end, mac.lo), le_store64(stamped + index_end + 8, mac.hi);
    long n = cache_pack_check(FUZZ_SECRET, stamped, size);
    for (long i = 0; i < n; i++) {
        const uint8_t *r = stamped + 12 + (size_t)i * 44;
        Hash128 key = {le_load64(r), le_load64(r + 8)};
        CachedFile f;
        if (cache_decode(FUZZ_SECRET, &key, stamped + le_load64(r + 32), le_load32(r + 40), &f))
            cache_file_free(&f);
    }
    free(stamped);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    stat_memo(data, size);
    pack(data, size);
    CachedFile f;
    if (cache_decode(FUZZ_SECRET, NULL, data, size, &f)) cache_file_free(&f);
    if (size < 16) return 0;
    uint8_t *stamped = stamped_copy(data, size, cache_mac(FUZZ_SECRET, data, size));
    if (cache_decode(FUZZ_SECRET, NULL, stamped, size, &f)) {
        size_t at = 8 + 2 + strlen(LOGITLINT_VERSION), len;
        Hash128 key = {0, 0};
        for (int k = 0; k < 8; k++) {
            key.lo |= (uint64_t)stamped[at + (size_t)k] << (8 * k);
            key.hi |= (uint64_t)stamped[at + 8 + (size_t)k] << (8 * k);
        }
        uint8_t *again = cache_encode(FUZZ_SECRET, key, &f, &len);
        if (len != size || memcmp(again, stamped, size)) abort(); /* not the bytes it read */
        free(again);
        report_all(&f);
        cache_file_free(&f);
    }
    free(stamped);
    return 0;
}
