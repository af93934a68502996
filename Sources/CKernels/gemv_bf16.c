#include "CKernels.h"
#include <immintrin.h>
#include "horizontal_sums.h"
#include <stdlib.h>
#include <string.h>

static inline float bf16_value(uint16_t v) {
    uint32_t bits = (uint32_t)v << 16;
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

// Portable C. Eight partial sums (one per lane) instead of one running sum: a single sum is a
// serial chain the compiler may not reorder, which left this path 20x behind the vector units.
static void gemv_bf16_scalar(const uint16_t *w, size_t rows, size_t cols, const float *x, float *y) {
    enum { LANES = 8 };
    const size_t body = cols & ~(size_t)(LANES - 1);
    for (size_t r = 0; r < rows; r++) {
        const uint16_t *row = w + r * cols;
        float part[LANES] = {0};
        for (size_t c = 0; c < body; c += LANES)
            for (size_t l = 0; l < LANES; l++) part[l] += bf16_value(row[c + l]) * x[c + l];
        float s = 0;
        for (size_t l = 0; l < LANES; l++) s += part[l];
        for (size_t c = body; c < cols; c++) s += bf16_value(row[c]) * x[c];
        y[r] = s;
    }
}

__attribute__((target("avx2,fma")))
static inline __m256 load_bf16x8(const uint16_t *p) {
    return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)p)), 16));
}

// Widens bf16 to fp32 (a 16-bit shift) and multiply-adds, four rows sharing each x load.
__attribute__((target("avx2,fma")))
static void gemv_bf16_avx2(const uint16_t *w, size_t rows, size_t cols, const float *x, float *y) {
    size_t r = 0;
    size_t body = cols & ~(size_t)7;
    for (; r + 4 <= rows; r += 4) {
        const uint16_t *w0 = w + r * cols, *w1 = w0 + cols, *w2 = w1 + cols, *w3 = w2 + cols;
        __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
        for (size_t c = 0; c < body; c += 8) {
            __m256 xv = _mm256_loadu_ps(x + c);
            a0 = _mm256_fmadd_ps(load_bf16x8(w0 + c), xv, a0);
            a1 = _mm256_fmadd_ps(load_bf16x8(w1 + c), xv, a1);
            a2 = _mm256_fmadd_ps(load_bf16x8(w2 + c), xv, a2);
            a3 = _mm256_fmadd_ps(load_bf16x8(w3 + c), xv, a3);
        }
        float s0 = sotto_hsum256_ps(a0), s1 = sotto_hsum256_ps(a1), s2 = sotto_hsum256_ps(a2), s3 = sotto_hsum256_ps(a3);
        for (size_t c = body; c < cols; c++) {
            s0 += bf16_value(w0[c]) * x[c];
            s1 += bf16_value(w1[c]) * x[c];
            s2 += bf16_value(w2[c]) * x[c];
            s3 += bf16_value(w3[c]) * x[c];
        }
        y[r] = s0; y[r + 1] = s1; y[r + 2] = s2; y[r + 3] = s3;
    }
    if (r < rows) gemv_bf16_scalar(w + r * cols, rows - r, cols, x, y + r);
}

// Truncation to bf16 (the split below needs exact parts, not rounded ones).
static inline uint16_t bf16_truncate(float f) {
    uint32_t bits;
    memcpy(&bits, &f, 4);
    return (uint16_t)(bits >> 16);
}

// vdpbf16ps needs bf16 on both sides. x = hi + mid + lo exactly (8 + 8 + 8 significant bits),
// so three dot products against the same weights reproduce fp32 products; the extra work is free
// because the loop is bound by streaming the weights.
__attribute__((target("avx512f,avx512bw,avx512bf16")))
static void gemv_bf16_avx512(const uint16_t *w, size_t rows, size_t cols, const float *x, float *y) {
    uint16_t stack_parts[3 * 4096];
    uint16_t *parts = cols <= 4096 ? stack_parts : (uint16_t *)malloc(3 * cols * sizeof(uint16_t));
    if (!parts) {
        gemv_bf16_scalar(w, rows, cols, x, y);
        return;
    }
    uint16_t *hi = parts, *mid = parts + cols, *lo = parts + 2 * cols;
    for (size_t c = 0; c < cols; c++) {
        float v = x[c];
        hi[c] = bf16_truncate(v);
        float rest = v - bf16_value(hi[c]);
        mid[c] = bf16_truncate(rest);
        lo[c] = bf16_truncate(rest - bf16_value(mid[c]));
    }
    size_t body = cols & ~(size_t)31;
    __mmask32 tail = (__mmask32)((1ull << (cols - body)) - 1);
    for (size_t r = 0; r < rows; r += 4) {
        size_t count = rows - r < 4 ? rows - r : 4;
        const uint16_t *wr[4];
        for (size_t i = 0; i < 4; i++) wr[i] = w + (r + (i < count ? i : 0)) * cols;
        __m512 acc[4] = {_mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps()};
        __m512 low[4] = {_mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps()};
        size_t c = 0;
        for (; c < body; c += 32) {
            __m512bh xh = (__m512bh)_mm512_loadu_si512(hi + c);
            __m512bh xm = (__m512bh)_mm512_loadu_si512(mid + c);
            __m512bh xl = (__m512bh)_mm512_loadu_si512(lo + c);
            for (size_t i = 0; i < 4; i++) {
                __m512bh v = (__m512bh)_mm512_loadu_si512(wr[i] + c);
                acc[i] = _mm512_dpbf16_ps(acc[i], v, xh);
                // mid and lo are ≥ 2^8 smaller: one accumulator for both loses nothing.
                low[i] = _mm512_dpbf16_ps(_mm512_dpbf16_ps(low[i], v, xm), v, xl);
            }
        }
        if (c < cols) {
            __m512bh xh = (__m512bh)_mm512_maskz_loadu_epi16(tail, hi + c);
            __m512bh xm = (__m512bh)_mm512_maskz_loadu_epi16(tail, mid + c);
            __m512bh xl = (__m512bh)_mm512_maskz_loadu_epi16(tail, lo + c);
            for (size_t i = 0; i < 4; i++) {
                __m512bh v = (__m512bh)_mm512_maskz_loadu_epi16(tail, wr[i] + c);
                acc[i] = _mm512_dpbf16_ps(acc[i], v, xh);
                low[i] = _mm512_dpbf16_ps(_mm512_dpbf16_ps(low[i], v, xm), v, xl);
            }
        }
        for (size_t i = 0; i < count; i++) y[r + i] = _mm512_reduce_add_ps(_mm512_add_ps(acc[i], low[i]));
    }
    if (parts != stack_parts) free(parts);
}

int sotto_gemv_bf16(const uint16_t *w, size_t rows, size_t cols, const float *x, float *y, int path) {
    int supported = sotto_bf16_best_path();
    // The three-part vdpbf16ps path measured about 15 % slower than AVX2 widen-and-FMA on Zen 5
    // (both stream the weights at memory speed; the split costs three dot products per load),
    // so BEST means AVX2 here; AVX512 runs only when asked for.
    if (path == SOTTO_PATH_BEST) path = supported < SOTTO_PATH_AVX2 ? supported : SOTTO_PATH_AVX2;
    if (path > supported) path = supported;
    switch (path) {
    case SOTTO_PATH_AVX512: gemv_bf16_avx512(w, rows, cols, x, y); break;
    case SOTTO_PATH_AVX2: gemv_bf16_avx2(w, rows, cols, x, y); break;
    default: gemv_bf16_scalar(w, rows, cols, x, y); path = SOTTO_PATH_SCALAR; break;
    }
    return path;
}
