/* bytes_le: little-endian integers in byte buffers, the one layout the cache files and the
 * hash's message blocks use (so a cache written on one machine reads the same on another). */
#ifndef LOGITLINT_BYTES_LE_H
#define LOGITLINT_BYTES_LE_H

#include <stdint.h>

static inline uint32_t le_load32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t le_load64(const uint8_t *p) {
    return le_load32(p) | (uint64_t)le_load32(p + 4) << 32;
}

static inline void le_store32(uint8_t *p, uint32_t v) {
    for (int k = 0; k < 4; k++)
        p[k] = (uint8_t)(v >> (8 * k));
}

static inline void le_store64(uint8_t *p, uint64_t v) {
    le_store32(p, (uint32_t)v), le_store32(p + 4, (uint32_t)(v >> 32));
}

#endif
