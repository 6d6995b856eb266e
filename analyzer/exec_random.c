/* exec_random: torch's CPU random number generator, so a script that draws indices
 * (torch.randint) draws the ones torch draws in a fresh process: MT19937 seeded as torch seeds it
 * (torch.manual_seed, transformers.set_seed; torch's default seed 67280421310721 when the code
 * sets none), each draw its 32-bit output (64 bits from two for ranges of 2^32 and more),
 * value = draw % range + low, element by element. */
#include <stdint.h>
#include <string.h>

#include "exec.h"

enum { MT_N = 624, MT_M = 397 };
#define TORCH_DEFAULT_SEED UINT64_C(67280421310721)

struct ExecMt {
    uint32_t state[MT_N];
    int next, left;
    uint64_t seed;
};

static void mt_seed(ExecMt *m, uint64_t seed) {
    m->seed = seed;
    m->state[0] = (uint32_t)(seed & 0xffffffffu);
    for (int j = 1; j < MT_N; j++)
        m->state[j] = 1812433253u * (m->state[j - 1] ^ (m->state[j - 1] >> 30)) + (uint32_t)j;
    m->left = 1;
    m->next = 0;
}

static uint32_t mix(uint32_t u, uint32_t v) {
    return ((u & 0x80000000u) | (v & 0x7fffffffu)) >> 1 ^ ((v & 1u) ? 0x9908b0dfu : 0u);
}

static uint32_t mt_next(ExecMt *m) {
    if (--m->left == 0) {
        uint32_t *p = m->state;
        for (int j = MT_N - MT_M + 1; --j; p++)
            *p = p[MT_M] ^ mix(p[0], p[1]);
        for (int j = MT_M; --j; p++)
            *p = p[MT_M - MT_N] ^ mix(p[0], p[1]);
        *p = p[MT_M - MT_N] ^ mix(p[0], m->state[0]);
        m->left = MT_N;
        m->next = 0;
    }
    uint32_t y = m->state[m->next++];
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    y ^= y >> 18;
    return y;
}

static ExecMt *torch_rng(ExecRun *r) {
    if (!r->torch_rng && (r->torch_rng = exec_alloc(r, sizeof *r->torch_rng))) mt_seed(r->torch_rng, TORCH_DEFAULT_SEED);
    return r->torch_rng;
}

ExecValue *exec_random_call(ExecRun *r, const char *q, ExecArgs *a) {
    if (!strcmp(q, "torch.manual_seed") || !strcmp(q, "transformers.set_seed")) {
        int64_t seed;
        ExecMt *m = torch_rng(r);
        if (!m || !exec_arg_int(r, a, 0, "seed", 0, &seed)) return NULL;
        a->used = ~0u; /* set_seed(deterministic=...): the same draws on the CPU */
        mt_seed(m, (uint64_t)seed);
        return exec_object(r, "generator_state");
    }
    if (strcmp(q, "torch.randint")) return NULL;
    /* randint(high, size) or randint(low, high, size), size a keyword or the last position */
    ExecValue *size = exec_arg(a, -1, "size");
    int nints = size ? a->npos : a->npos - 1;
    if (!size && a->npos > 0) size = a->pos[a->npos - 1];
    int64_t lo = 0, hi;
    bool two = nints >= 2 || exec_arg(a, -1, "low");
    if (nints > 2 || (two ? !exec_arg_int(r, a, 0, "low", 0, &lo) || !exec_arg_int(r, a, 1, "high", 0, &hi)
                          : !exec_arg_int(r, a, 0, "high", 0, &hi)))
        return r->failed ? NULL : exec_fail_at(r, a->at, "torch.randint with %d bounds", nints);
    ExecValue *gen = exec_arg(a, -1, "generator");
    int dt = exec_lib_dtype(exec_arg(a, -1, "dtype"));
    (void)exec_arg(a, -1, "device");
    if (gen && gen->kind != XV_NONE) return exec_fail_as(r, XF_GAP, a->at, "torch.randint with a generator of its own");
    if (!size || (size->kind != XV_TUPLE && size->kind != XV_LIST)) return exec_fail_at(r, a->at, "torch.randint without a size tuple");
    if (hi <= lo) return exec_fail_at(r, a->at, "torch.randint: from %lld to %lld is empty", (long long)lo, (long long)hi);
    ExecArgs sa = {&size, 1, NULL, NULL, 0, 0, a->at, "randint"};
    int nd, shape[EXEC_MAX_DIMS];
    ExecMt *m = torch_rng(r);
    if (!m || !exec_lib_shape(r, &sa, 0, &nd, shape)) return NULL;
    ExecTensor *t = exec_tensor_new(r, dt >= 0 ? (ExecDtype)dt : XD_INT64, nd, shape, false);
    uint64_t range = (uint64_t)(hi - lo);
    for (int i = 0; t && i < t->n; i++) {
        uint64_t v = mt_next(m);
        if (range >= UINT64_C(1) << 32) v = v << 32 | mt_next(m);
        t->data[i] = exec_round(t->dtype, (double)(int64_t)(v % range + (uint64_t)lo));
    }
    if (t && !exec_stand_in(r, a->at, "torch.randint", "torch's CPU generator from seed %llu (%s)", (unsigned long long)m->seed,
                            m->seed == TORCH_DEFAULT_SEED ? "torch's default: the code sets none before" : "the code's"))
        return NULL;
    return t ? exec_tensor_value(r, t) : NULL;
}
