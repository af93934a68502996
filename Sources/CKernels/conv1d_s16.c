#include "CKernels.h"
#include "transpose_avx2.h"
#include <immintrin.h>
#include <math.h>
#include <string.h>

#define BLOCK SOTTO_CONV1D_S16_BLOCK
#define TILE SOTTO_CONV1D_S16_TILE

size_t sotto_conv1d_u8_packed_bytes(int cout, int cin, int k) {
    size_t blocks = (size_t)(cout + BLOCK - 1) / BLOCK, pairs = (size_t)(cin + 1) / 2;
    return blocks * (size_t)k * pairs * BLOCK * 2;
}

void sotto_conv1d_u8_pack(const uint8_t *weight, int cout, int cin, int k, uint8_t zero_point, uint8_t *packed) {
    int blocks = (cout + BLOCK - 1) / BLOCK, pairs = (cin + 1) / 2;
    for (int b = 0; b < blocks; b++)
        for (int j = 0; j < k; j++)
            for (int p = 0; p < pairs; p++)
                for (int r = 0; r < BLOCK; r++)
                    for (int h = 0; h < 2; h++) {
                        int o = b * BLOCK + r, c = 2 * p + h;
                        size_t at = ((((size_t)b * k + j) * pairs + p) * BLOCK + r) * 2 + h;
                        packed[at] = (o < cout && c < cin) ? weight[((size_t)o * cin + c) * k + j] : zero_point;
                    }
}

int64_t sotto_conv1d_u8_row_abs_sum_max(const uint8_t *weight, int cout, int cin, int k, uint8_t zero_point) {
    int64_t best = 0;
    size_t n = (size_t)cin * k;
    for (int o = 0; o < cout; o++) {
        int64_t sum = 0;
        const uint8_t *row = weight + (size_t)o * n;
        for (size_t i = 0; i < n; i++) sum += row[i] > zero_point ? row[i] - zero_point : zero_point - row[i];
        if (sum > best) best = sum;
    }
    return best;
}

// Clamped in floats before rounding, so that no value is out of int32 range; NaN becomes -limit
// (as _mm256_max_ps makes it on the vector path).
static inline int16_t quantize(float v, float inverse_scale, int limit) {
    float q = v * inverse_scale;
    q = q > (float)-limit ? q : (float)-limit;
    q = q < (float)limit ? q : (float)limit;
    return (int16_t)nearbyintf(q);
}

// max |x| over whole vectors, skipping infinities and NaN (compared as not <= FLT_MAX).
__attribute__((target("avx2,fma")))
static float abs_max_avx2(const float *x, size_t n, size_t *done) {
    const __m256 sign = _mm256_set1_ps(-0.0f), finite = _mm256_set1_ps(3.4028235e38f);
    __m256 m0 = _mm256_setzero_ps(), m1 = m0;
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m256 a = _mm256_andnot_ps(sign, _mm256_loadu_ps(x + i)), b = _mm256_andnot_ps(sign, _mm256_loadu_ps(x + i + 8));
        m0 = _mm256_max_ps(m0, _mm256_and_ps(a, _mm256_cmp_ps(a, finite, _CMP_LE_OQ)));
        m1 = _mm256_max_ps(m1, _mm256_and_ps(b, _mm256_cmp_ps(b, finite, _CMP_LE_OQ)));
    }
    float lanes[8];
    _mm256_storeu_ps(lanes, _mm256_max_ps(m0, m1));
    float best = 0.0f;
    for (int l = 0; l < 8; l++) best = lanes[l] > best ? lanes[l] : best;
    *done = i;
    return best;
}

float sotto_abs_max_finite(const float *x, size_t n) {
    float best = 0.0f;
    size_t i = 0;
    if (sotto_active_tier() >= SOTTO_TIER_AVX2) best = abs_max_avx2(x, n, &i);
    for (; i < n; i++) {
        float v = fabsf(x[i]);
        if (v > best && v <= 3.4028235e38f) best = v;
    }
    return best;
}

__attribute__((target("avx2,fma")))
static int interleave_avx2(const float *a, const float *b, int count, float inverse_scale, int limit, int16_t *out) {
    const __m256 s = _mm256_set1_ps(inverse_scale);
    const __m256 hi = _mm256_set1_ps((float)limit), lo = _mm256_set1_ps((float)-limit);
    const __m256i low16 = _mm256_set1_epi32(0xffff);
    int t = 0;
    for (; t + 8 <= count; t += 8) {
        // Round to nearest even (the default rounding mode), clamp, then one int32 per pair:
        // channel a in the low half, channel b in the high half.
        __m256i qa = _mm256_cvtps_epi32(_mm256_min_ps(_mm256_max_ps(_mm256_mul_ps(_mm256_loadu_ps(a + t), s), lo), hi));
        __m256i pair = _mm256_and_si256(qa, low16);
        if (b) {
            __m256i qb = _mm256_cvtps_epi32(_mm256_min_ps(_mm256_max_ps(_mm256_mul_ps(_mm256_loadu_ps(b + t), s), lo), hi));
            pair = _mm256_or_si256(pair, _mm256_slli_epi32(qb, 16));
        }
        _mm256_storeu_si256((__m256i *)(out + 2 * t), pair);
    }
    return t;
}

void sotto_s16_interleave_pair(const float *a, const float *b, int count, float inverse_scale, int limit,
                               int16_t *out) {
    int t = sotto_active_tier() >= SOTTO_TIER_AVX2 ? interleave_avx2(a, b, count, inverse_scale, limit, out) : 0;
    for (; t < count; t++) {
        out[2 * t] = quantize(a[t], inverse_scale, limit);
        out[2 * t + 1] = b ? quantize(b[t], inverse_scale, limit) : 0;
    }
}

/// Scales one tile's exact sums and writes them out: acc[t * BLOCK + r] for rows r < rows and
/// columns t < columns.
static inline void store_tile(const int32_t *acc, int rows, int columns, float scale, const float *bias,
                              float *out, ptrdiff_t ldo, int accumulate) {
    for (int r = 0; r < rows; r++) {
        float b = bias ? bias[r] : 0.0f;
        float *dst = out + r * ldo;
        if (accumulate)
            for (int t = 0; t < columns; t++) dst[t] += (float)acc[t * BLOCK + r] * scale + b;
        else
            for (int t = 0; t < columns; t++) dst[t] = (float)acc[t * BLOCK + r] * scale + b;
    }
}

static void tile_scalar(const int32_t *x, ptrdiff_t ldx, int pairs, int k, int dil, const uint8_t *w, int zp,
                        int32_t *acc) {
    memset(acc, 0, sizeof(int32_t) * TILE * BLOCK);
    for (int j = 0; j < k; j++)
        for (int p = 0; p < pairs; p++) {
            const int16_t *xp = (const int16_t *)(x + p * ldx + j * dil);
            const uint8_t *wp = w + ((size_t)j * pairs + p) * BLOCK * 2;
            for (int t = 0; t < TILE; t++) {
                int32_t x0 = xp[2 * t], x1 = xp[2 * t + 1];
                for (int r = 0; r < BLOCK; r++)
                    acc[t * BLOCK + r] += (wp[2 * r] - zp) * x0 + (wp[2 * r + 1] - zp) * x1;
            }
        }
}

#define TILES12(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11)

// 8 output channels (the lanes) by 12 time steps: per tap and pair of input channels, one
// weight vector (16 bytes widened to int16, zero point removed) meets 12 broadcast pairs of
// activations, 12 `vpmaddwd` + 12 `vpaddd` for 192 multiply-adds. The accumulators are separate
// variables so that they stay in registers.
__attribute__((target("avx2,fma")))
static void tile_avx2(const int32_t *x, ptrdiff_t ldx, int pairs, int k, int dil, const uint8_t *w, int zp,
                      int32_t *acc) {
#define INIT(i) __m256i a##i = _mm256_setzero_si256();
    TILES12(INIT)
#undef INIT
    const __m256i zero_point = _mm256_set1_epi16((short)zp);
    const uint8_t *wp = w;
    for (int j = 0; j < k; j++) {
        const int32_t *xj = x + j * dil;
        for (int p = 0; p < pairs; p++) {
            __m256i wv = _mm256_sub_epi16(_mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)wp)), zero_point);
            wp += BLOCK * 2;
            const int32_t *xp = xj + p * ldx;
#define STEP(i) a##i = _mm256_add_epi32(a##i, _mm256_madd_epi16(wv, _mm256_set1_epi32(xp[i])));
            TILES12(STEP)
#undef STEP
        }
    }
#define STORE(i) _mm256_storeu_si256((__m256i *)(acc + (i) * BLOCK), a##i);
    TILES12(STORE)
#undef STORE
}

// Writes `columns` columns of a block whose 8 rows are all valid: the sums are turned into floats
// and transposed from [time][channel] to rows, 8 columns at a time, the last few one by one (in
// the same order of operations: scale, then bias, then what the output holds).
__attribute__((target("avx2,fma")))
static void store_rows_avx2(const int32_t *acc, int columns, float scale, const float *bias, float *out,
                            ptrdiff_t ldo, int accumulate) {
    __m256 s = _mm256_set1_ps(scale);
    int c = 0;
    for (; c + 8 <= columns; c += 8) {
        __m256 v[8], rows[8];
        for (int t = 0; t < 8; t++)
            v[t] = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_loadu_si256((const __m256i *)(acc + (c + t) * BLOCK))), s);
        sotto_transpose8x8_ps(v, rows); // rows[r]: channel r at times c..c+7
        for (int r = 0; r < 8; r++) {
            __m256 y = _mm256_add_ps(rows[r], _mm256_set1_ps(bias ? bias[r] : 0.0f));
            float *dst = out + r * ldo + c;
            if (accumulate) y = _mm256_add_ps(y, _mm256_loadu_ps(dst));
            _mm256_storeu_ps(dst, y);
        }
    }
    for (; c < columns; c++)
        for (int r = 0; r < 8; r++) {
            float product = (float)acc[c * BLOCK + r] * scale;
            float y = product + (bias ? bias[r] : 0.0f);
            float *dst = out + r * ldo + c;
            *dst = accumulate ? y + *dst : y;
        }
}

// Columns per sweep: each weight block passes over this many columns of the staged input, which
// then stay in L2 while the block's weights (at most k * cin bytes) stay in L1.
#define SWEEP (TILE * 20)

// Writes the sums of one 8-row block for `columns` columns of a tile.
static void store_block(const int32_t *acc, int path, int rows, int columns, float scale, const float *bias,
                        float *out, ptrdiff_t ldo, int accumulate) {
    if (path >= SOTTO_PATH_AVX2 && rows == BLOCK) store_rows_avx2(acc, columns, scale, bias, out, ldo, accumulate);
    else store_tile(acc, rows, columns, scale, bias, out, ldo, accumulate);
}

int sotto_conv1d_s16(const int16_t *x, ptrdiff_t ldx, int cin, int k, int dilation, const uint8_t *packed,
                     uint8_t zero_point, float scale, const float *bias, int cout, float *out, ptrdiff_t ldo,
                     int accumulate, int t0, int t1, int path) {
    int best = sotto_conv1d_s16_best_path();
    if (path > best) path = best;
    int pairs = (cin + 1) / 2, blocks = (cout + BLOCK - 1) / BLOCK;
    size_t block_bytes = (size_t)k * pairs * BLOCK * 2;
    const int32_t *xs = (const int32_t *)x;
    int32_t acc[TILE * BLOCK] __attribute__((aligned(32)));
    for (int s0 = t0; s0 < t1; s0 += SWEEP) {
        int s1 = s0 + SWEEP < t1 ? s0 + SWEEP : t1;
        for (int b = 0; b < blocks; b++) {
            const uint8_t *w = packed + b * block_bytes;
            int rows = cout - b * BLOCK < BLOCK ? cout - b * BLOCK : BLOCK;
            const float *bb = bias ? bias + b * BLOCK : NULL;
            float *ob = out + (ptrdiff_t)b * BLOCK * ldo;
            for (int t = s0; t < s1; t += TILE) {
                int columns = s1 - t < TILE ? s1 - t : TILE;
                if (path == SOTTO_PATH_AVX2) tile_avx2(xs + t, ldx, pairs, k, dilation, w, zero_point, acc);
                else tile_scalar(xs + t, ldx, pairs, k, dilation, w, zero_point, acc);
                store_block(acc, path, rows, columns, scale, bb, ob + t, ldo, accumulate);
            }
        }
    }
    return path;
}
