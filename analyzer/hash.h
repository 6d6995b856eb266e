/* hash: keyed SipHash-2-4 with a 128-bit output (Aumasson and Bernstein, 2012), incremental.
 * The result cache keys entries and authenticates their bytes with it: with a secret key, a
 * file crafted to collide with another one's cache entry cannot be computed offline. */
#ifndef LOGITLINT_HASH_H
#define LOGITLINT_HASH_H

#include <stddef.h>
#include <stdint.h>

typedef struct Hash128 {
    uint64_t lo, hi;
} Hash128;

typedef struct HashState {
    uint64_t v[4];
    uint8_t tail[8]; /* bytes not yet compressed */
    size_t ntail;
    uint64_t total; /* bytes fed so far */
    int out128;     /* 1: the 128-bit variant, 0: the original 64-bit one (test vectors) */
} HashState;

/* key: 16 bytes. out128 selects the 128-bit variant (what the cache uses). */
void hash_init(HashState *h, const uint8_t key[16], int out128);
void hash_update(HashState *h, const void *data, size_t n);
/* Length-prefixed: hash_update_field(h, "ab") then "c" differs from "a" then "bc". */
void hash_update_field(HashState *h, const void *data, size_t n);
Hash128 hash_final(HashState *h); /* the 64-bit variant leaves hi = 0 */
/* 32 lowercase hex digits and a NUL. */
void hash_hex(Hash128 v, char out[33]);

#endif
