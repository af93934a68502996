#include "CKernels.h"
#include "linear_q8.h"
#include <immintrin.h>
#include <string.h>

static inline size_t quads(int in) { return (size_t)(in + 3) / 4; }
static inline size_t block_bytes(int in) { return quads(in) * SOTTO_LINEAR_Q8_BLOCK * 4; }

size_t sotto_linear_q8_packed_bytes(int out, int in) {
    return (size_t)((out + SOTTO_LINEAR_Q8_BLOCK - 1) / SOTTO_LINEAR_Q8_BLOCK) * block_bytes(in);
}

void sotto_linear_q8_pack(const int8_t *weight, int out, int in, int8_t *packed, int32_t *sums) {
    memset(packed, 0, sotto_linear_q8_packed_bytes(out, in));
    for (int o = 0; o < out; o++) {
        int8_t *block = packed + (size_t)(o / SOTTO_LINEAR_Q8_BLOCK) * block_bytes(in);
        int lane = o % SOTTO_LINEAR_Q8_BLOCK;
        int32_t sum = 0;
        for (int i = 0; i < in; i++) {
            int8_t w = weight[(size_t)o * in + i];
            block[(size_t)(i / 4) * SOTTO_LINEAR_Q8_BLOCK * 4 + lane * 4 + i % 4] = w;
            sum += w;
        }
        sums[o] = sum;
    }
}

int8_t sotto_linear_q8_weight(const int8_t *packed, int in, int o, int i) {
    const int8_t *block = packed + (size_t)(o / SOTTO_LINEAR_Q8_BLOCK) * block_bytes(in);
    return block[(size_t)(i / 4) * SOTTO_LINEAR_Q8_BLOCK * 4 + (o % SOTTO_LINEAR_Q8_BLOCK) * 4 + i % 4];
}

int sotto_linear_q8_path(int requested) {
    static int wide = -1;
    if (wide < 0) {
        __builtin_cpu_init();
        wide = sotto_active_tier() >= SOTTO_TIER_AVX512 && __builtin_cpu_supports("avx512vnni");
    }
    return requested >= SOTTO_PATH_AVX512 && wide ? SOTTO_PATH_AVX512 : -1;
}

#define ROWS8(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7)

typedef struct {
    const int32_t *sums;  // of the tile's first output
    const float *w_scale, *bias;
    float x_scale;
    int32_t x_zero_point;
    int outputs;          // outputs of the tile that exist (the rest are padding)
    float *y;             // row 0, first output of the tile
    size_t ldy;
    int rows;             // rows of the tile that exist
} tile_epilogue;

// One block's sums of one row: zero point off, Cast, Mul by the scales' product, Add the bias,
// in that order (separate roundings, as the exported graph has them).
__attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni")))
static inline void finish_block(const tile_epilogue *e, int r, int v, __m512i acc) {
    int first = 16 * v, count = e->outputs - first;
    if (r >= e->rows || count <= 0) return;
    __mmask16 m = count >= 16 ? 0xFFFF : (__mmask16)((1u << count) - 1);
    __m512i sums = _mm512_maskz_loadu_epi32(m, e->sums + first);
    __m512i exact = _mm512_sub_epi32(acc, _mm512_mullo_epi32(_mm512_set1_epi32(e->x_zero_point), sums));
    __m512 scale = _mm512_mul_ps(_mm512_set1_ps(e->x_scale), _mm512_maskz_loadu_ps(m, e->w_scale + first));
    __m512 value = _mm512_mul_ps(_mm512_cvtepi32_ps(exact), scale);
    if (e->bias) value = _mm512_add_ps(value, _mm512_maskz_loadu_ps(m, e->bias + first));
    _mm512_mask_storeu_ps(e->y + (size_t)r * e->ldy + first, m, value);
}

// 8 rows x `nb` blocks of 16 outputs: up to 24 accumulators; per group of four inputs, nb weight
// loads and 8 broadcasts of a row's four bytes. Rows past the tile's end read its last row again
// (their sums are dropped), so the loop has no row tail.
__attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni"), always_inline))
static inline void tile_q8(const uint8_t *const *xr, size_t groups, const int8_t *w, size_t wstep,
                           const int nb, const tile_epilogue *e) {
#define INIT(r) __m512i a##r##0 = _mm512_setzero_si512(), a##r##1 = a##r##0, a##r##2 = a##r##0;
    ROWS8(INIT)
#undef INIT
    const int8_t *w0 = w, *w1 = w + wstep, *w2 = w + 2 * wstep;
    for (size_t q = 0; q < groups; q++) {
        __m512i b0 = _mm512_loadu_si512(w0 + 64 * q);
        __m512i b1 = nb > 1 ? _mm512_loadu_si512(w1 + 64 * q) : b0;
        __m512i b2 = nb > 2 ? _mm512_loadu_si512(w2 + 64 * q) : b0;
#define STEP(r) { int32_t four; memcpy(&four, xr[r] + 4 * q, 4); __m512i a = _mm512_set1_epi32(four); \
                  a##r##0 = _mm512_dpbusd_epi32(a##r##0, a, b0); \
                  if (nb > 1) a##r##1 = _mm512_dpbusd_epi32(a##r##1, a, b1); \
                  if (nb > 2) a##r##2 = _mm512_dpbusd_epi32(a##r##2, a, b2); }
        ROWS8(STEP)
#undef STEP
    }
#define FINISH(r) finish_block(e, r, 0, a##r##0); if (nb > 1) finish_block(e, r, 1, a##r##1); \
                  if (nb > 2) finish_block(e, r, 2, a##r##2);
    ROWS8(FINISH)
#undef FINISH
}

__attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni")))
static void linear_q8_avx512(const uint8_t *x, size_t ldx, int in, const int8_t *packed, const int32_t *sums,
                             const float *w_scale, float x_scale, uint8_t x_zero_point, const float *bias, int out,
                             float *y, size_t ldy, int r0, int r1, int b0, int b1) {
    const size_t groups = quads(in), wstep = block_bytes(in);
    // Blocks outer: a tile's weights (up to 3 blocks, at most a few hundred KB) stay in cache
    // while every row passes over them.
    for (int b = b0; b < b1; b += 3) {
        const int nb = b1 - b < 3 ? b1 - b : 3;
        const int o = b * SOTTO_LINEAR_Q8_BLOCK;
        for (int r = r0; r < r1; r += 8) {
            const uint8_t *xr[8];
            for (int i = 0; i < 8; i++) xr[i] = x + (size_t)(r + i < r1 ? r + i : r1 - 1) * ldx;
            tile_epilogue e = {sums + o, w_scale + o, bias ? bias + o : NULL, x_scale, x_zero_point,
                               out - o, y + (size_t)r * ldy + o, ldy, r1 - r};
            const int8_t *w = packed + (size_t)b * wstep;
            if (nb == 3) tile_q8(xr, groups, w, wstep, 3, &e);
            else if (nb == 2) tile_q8(xr, groups, w, wstep, 2, &e);
            else tile_q8(xr, groups, w, wstep, 1, &e);
        }
    }
}

int sotto_linear_q8(const uint8_t *x, size_t ldx, int in, const int8_t *packed, const int32_t *sums,
                    const float *w_scale, float x_scale, uint8_t x_zero_point, const float *bias, int out,
                    float *y, size_t ldy, int r0, int r1, int b0, int b1, int path) {
    path = sotto_linear_q8_path(path);
    if (path == SOTTO_PATH_AVX512)
        linear_q8_avx512(x, ldx, in, packed, sums, w_scale, x_scale, x_zero_point, bias, out, y, ldy, r0, r1, b0, b1);
    return path;
}
