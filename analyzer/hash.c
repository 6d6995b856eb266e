#include "hash.h"

#include <stdio.h>
#include <string.h>

#include "bytes_le.h"

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

static void sip_rounds(uint64_t *v, int n) {
    for (int i = 0; i < n; i++) {
        v[0] += v[1], v[1] = ROTL(v[1], 13), v[1] ^= v[0], v[0] = ROTL(v[0], 32);
        v[2] += v[3], v[3] = ROTL(v[3], 16), v[3] ^= v[2];
        v[0] += v[3], v[3] = ROTL(v[3], 21), v[3] ^= v[0];
        v[2] += v[1], v[1] = ROTL(v[1], 17), v[1] ^= v[2], v[2] = ROTL(v[2], 32);
    }
}

static void sip_block(HashState *h, uint64_t m) {
    h->v[3] ^= m;
    sip_rounds(h->v, 2);
    h->v[0] ^= m;
}

void hash_init(HashState *h, const uint8_t key[16], int out128) {
    uint64_t k0 = le_load64(key), k1 = le_load64(key + 8);
    h->v[0] = 0x736f6d6570736575ULL ^ k0;
    h->v[1] = 0x646f72616e646f6dULL ^ k1;
    h->v[2] = 0x6c7967656e657261ULL ^ k0;
    h->v[3] = 0x7465646279746573ULL ^ k1;
    if (out128) h->v[1] ^= 0xee;
    h->ntail = 0;
    h->total = 0;
    h->out128 = out128;
}

void hash_update(HashState *h, const void *data, size_t n) {
    const uint8_t *p = data;
    if (n == 0) return; /* (data may then be NULL, which memcpy must not see) */
    h->total += n;
    if (h->ntail) {
        size_t take = 8 - h->ntail < n ? 8 - h->ntail : n;
        memcpy(h->tail + h->ntail, p, take);
        h->ntail += take, p += take, n -= take;
        if (h->ntail < 8) return;
        sip_block(h, le_load64(h->tail));
        h->ntail = 0;
    }
    for (; n >= 8; p += 8, n -= 8)
        sip_block(h, le_load64(p));
    memcpy(h->tail, p, n);
    h->ntail = n;
}

void hash_update_field(HashState *h, const void *data, size_t n) {
    uint8_t len[8];
    for (int i = 0; i < 8; i++)
        len[i] = (uint8_t)((uint64_t)n >> (8 * i));
    hash_update(h, len, sizeof len);
    hash_update(h, data, n);
}

Hash128 hash_final(HashState *h) {
    uint64_t b = h->total << 56;
    for (size_t i = 0; i < h->ntail; i++)
        b |= (uint64_t)h->tail[i] << (8 * i);
    sip_block(h, b);
    h->v[2] ^= h->out128 ? 0xee : 0xff;
    sip_rounds(h->v, 4);
    Hash128 out = {h->v[0] ^ h->v[1] ^ h->v[2] ^ h->v[3], 0};
    if (h->out128) {
        h->v[1] ^= 0xdd;
        sip_rounds(h->v, 4);
        out.hi = h->v[0] ^ h->v[1] ^ h->v[2] ^ h->v[3];
    }
    return out;
}

void hash_hex(Hash128 v, char out[33]) {
    snprintf(out, 33, "%016llx%016llx", (unsigned long long)v.hi, (unsigned long long)v.lo);
}
