#include "CKernels.h"
#include <immintrin.h>
#include <math.h>

float sotto_quantize_s8(const float *x, size_t n, int8_t *q) {
    float peak = 0;
    for (size_t i = 0; i < n; i++) peak = fmaxf(peak, fabsf(x[i]));
    float scale = peak > 0 ? peak / 127.0f : 1.0f;
    float inv = 1.0f / scale;
    for (size_t i = 0; i < n; i++) {
        float v = nearbyintf(x[i] * inv);
        v = fminf(127.0f, fmaxf(-127.0f, v));
        q[i] = (int8_t)v;
    }
    return scale;
}

void sotto_s8_row_sums(const int8_t *w, size_t rows, size_t cols, int32_t *sums) {
    for (size_t r = 0; r < rows; r++) {
        int32_t s = 0;
        for (size_t c = 0; c < cols; c++) s += w[r * cols + c];
        sums[r] = s;
    }
}

static void gemv_s8_scalar(const int8_t *w, const float *row_scales, size_t rows, size_t cols, const int8_t *x,
                           float x_scale, float *y) {
    for (size_t r = 0; r < rows; r++) {
        const int8_t *row = w + r * cols;
        int32_t s = 0;
        for (size_t c = 0; c < cols; c++) s += (int32_t)row[c] * (int32_t)x[c];
        y[r] = row_scales[r] * x_scale * (float)s;
    }
}

static inline int32_t hsum256_epi32(__m256i v) {
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4e));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xb1));
    return _mm_cvtsi128_si32(s);
}

// Sign-extends 16 bytes to int16 and multiplies pairwise into int32 (exact for all int8 values).
__attribute__((target("avx2")))
static void gemv_s8_avx2(const int8_t *w, const float *row_scales, size_t rows, size_t cols, const int8_t *x,
                         float x_scale, float *y) {
    size_t r = 0;
    size_t body = cols & ~(size_t)15;
    for (; r + 4 <= rows; r += 4) {
        const int8_t *w0 = w + r * cols, *w1 = w0 + cols, *w2 = w1 + cols, *w3 = w2 + cols;
        __m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0;
        for (size_t c = 0; c < body; c += 16) {
            __m256i xv = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(x + c)));
            a0 = _mm256_add_epi32(a0, _mm256_madd_epi16(_mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(w0 + c))), xv));
            a1 = _mm256_add_epi32(a1, _mm256_madd_epi16(_mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(w1 + c))), xv));
            a2 = _mm256_add_epi32(a2, _mm256_madd_epi16(_mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(w2 + c))), xv));
            a3 = _mm256_add_epi32(a3, _mm256_madd_epi16(_mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(w3 + c))), xv));
        }
        int32_t s0 = hsum256_epi32(a0), s1 = hsum256_epi32(a1), s2 = hsum256_epi32(a2), s3 = hsum256_epi32(a3);
        for (size_t c = body; c < cols; c++) {
            s0 += (int32_t)w0[c] * x[c];
            s1 += (int32_t)w1[c] * x[c];
            s2 += (int32_t)w2[c] * x[c];
            s3 += (int32_t)w3[c] * x[c];
        }
        y[r] = row_scales[r] * x_scale * (float)s0;
        y[r + 1] = row_scales[r + 1] * x_scale * (float)s1;
        y[r + 2] = row_scales[r + 2] * x_scale * (float)s2;
        y[r + 3] = row_scales[r + 3] * x_scale * (float)s3;
    }
    if (r < rows) gemv_s8_scalar(w + r * cols, row_scales + r, rows - r, cols, x, x_scale, y + r);
}

// vpdpbusd multiplies unsigned by signed bytes: feed x + 128 (a sign-bit flip) and subtract
// 128 * rowsum(w) afterwards. Masked loads handle the tail (masked weights are zero).
__attribute__((target("avx512f,avx512bw,avx512vnni")))
static void gemv_s8_vnni(const int8_t *w, const float *row_scales, const int32_t *row_sums, size_t rows,
                         size_t cols, const int8_t *x, float x_scale, float *y) {
    const __m512i flip = _mm512_set1_epi8((char)0x80);
    const __m512i ones = _mm512_set1_epi8(1);
    size_t r = 0;
    for (; r < rows; r += 4) {
        size_t count = rows - r < 4 ? rows - r : 4;
        const int8_t *wr[4];
        for (size_t i = 0; i < 4; i++) wr[i] = w + (r + (i < count ? i : 0)) * cols;
        __m512i acc[4] = {_mm512_setzero_si512(), _mm512_setzero_si512(), _mm512_setzero_si512(), _mm512_setzero_si512()};
        __m512i sum[4] = {_mm512_setzero_si512(), _mm512_setzero_si512(), _mm512_setzero_si512(), _mm512_setzero_si512()};
        for (size_t c = 0; c < cols; c += 64) {
            __mmask64 m = cols - c >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << (cols - c)) - 1);
            __m512i xv = _mm512_xor_si512(_mm512_maskz_loadu_epi8(m, x + c), flip);
            for (size_t i = 0; i < 4; i++) {
                __m512i wv = _mm512_maskz_loadu_epi8(m, wr[i] + c);
                acc[i] = _mm512_dpbusd_epi32(acc[i], xv, wv);
                if (!row_sums) sum[i] = _mm512_dpbusd_epi32(sum[i], ones, wv);
            }
        }
        for (size_t i = 0; i < count; i++) {
            int32_t rs = row_sums ? row_sums[r + i] : _mm512_reduce_add_epi32(sum[i]);
            int32_t dot = _mm512_reduce_add_epi32(acc[i]) - 128 * rs;
            y[r + i] = row_scales[r + i] * x_scale * (float)dot;
        }
    }
}

int sotto_gemv_s8(const int8_t *w, const float *row_scales, const int32_t *row_sums, size_t rows, size_t cols,
                  const int8_t *x, float x_scale, float *y, int path) {
    int best = sotto_int8_best_path();
    if (path > best) path = best;
    switch (path) {
    case SOTTO_PATH_AVX512: gemv_s8_vnni(w, row_scales, row_sums, rows, cols, x, x_scale, y); break;
    case SOTTO_PATH_AVX2: gemv_s8_avx2(w, row_scales, rows, cols, x, x_scale, y); break;
    default: gemv_s8_scalar(w, row_scales, rows, cols, x, x_scale, y); path = SOTTO_PATH_SCALAR; break;
    }
    return path;
}
