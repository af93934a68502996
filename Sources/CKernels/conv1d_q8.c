#include "CKernels.h"
#include <immintrin.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

// Rows of output channels per weight block and columns per register tile: 8 channels by three
// 16-column vectors, 24 accumulators. The vectors run along time, so each channel's four weights
// of a tap and channel group are one 32-bit broadcast that `vpdpbusd` reads from memory, and the
// sums come out as rows of the output: no transpose.
#define ROWS 8
#define COLUMNS 48
#define SWEEP (COLUMNS * 5)
#define SPAN_ON_STACK 1024

size_t sotto_conv1d_q8_packed_bytes(int cout, int cin, int k) {
    size_t blocks = (size_t)(cout + ROWS - 1) / ROWS, quads = (size_t)(cin + 3) / 4;
    return blocks * (size_t)k * quads * ROWS * 4;
}

void sotto_conv1d_q8_pack(const uint8_t *weight, int cout, int cin, int k, int8_t *packed) {
    int blocks = (cout + ROWS - 1) / ROWS, quads = (cin + 3) / 4;
    for (int b = 0; b < blocks; b++)
        for (int j = 0; j < k; j++)
            for (int q = 0; q < quads; q++)
                for (int r = 0; r < ROWS; r++)
                    for (int h = 0; h < 4; h++) {
                        int o = b * ROWS + r, c = 4 * q + h;
                        size_t at = ((((size_t)b * k + j) * quads + q) * ROWS + r) * 4 + h;
                        packed[at] = (o < cout && c < cin) ? (int8_t)((int)weight[((size_t)o * cin + c) * k + j] - 128) : 0;
                    }
}

void sotto_conv1d_q8_weight_sums(const uint8_t *weight, int cout, int cin, int k, uint8_t zero_point, int32_t *sums) {
    size_t n = (size_t)cin * k;
    for (int o = 0; o < cout; o++) {
        int32_t sum = 0;
        for (size_t i = 0; i < n; i++) sum += (int32_t)weight[(size_t)o * n + i] - zero_point;
        sums[o] = sum;
    }
}

__attribute__((target("avx2,fma")))
void sotto_min_max_finite(const float *x, size_t n, float *minimum, float *maximum) {
    const __m256 sign = _mm256_set1_ps(-0.0f), finite = _mm256_set1_ps(FLT_MAX);
    const __m256 up = _mm256_set1_ps(INFINITY), down = _mm256_set1_ps(-INFINITY);
    __m256 lo = up, hi = down;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 v = _mm256_loadu_ps(x + i);
        __m256 ok = _mm256_cmp_ps(_mm256_andnot_ps(sign, v), finite, _CMP_LE_OQ);
        lo = _mm256_min_ps(lo, _mm256_blendv_ps(up, v, ok));
        hi = _mm256_max_ps(hi, _mm256_blendv_ps(down, v, ok));
    }
    float l[8], h[8], a = INFINITY, b = -INFINITY;
    _mm256_storeu_ps(l, lo);
    _mm256_storeu_ps(h, hi);
    for (int q = 0; q < 8; q++) {
        a = l[q] < a ? l[q] : a;
        b = h[q] > b ? h[q] : b;
    }
    for (; i < n; i++) {
        float v = x[i];
        if (fabsf(v) <= FLT_MAX) {
            a = v < a ? v : a;
            b = v > b ? v : b;
        }
    }
    *minimum = a <= b ? a : 0.0f;
    *maximum = a <= b ? b : 0.0f;
}

static inline uint32_t quantize_byte(float v, float inverse_scale, int zero_point) {
    float q = v * inverse_scale;
    q = q > -512.0f ? q : -512.0f;  // also NaN → -512, which clamps to 0
    q = q < 512.0f ? q : 512.0f;
    int z = (int)nearbyintf(q) + zero_point;
    return (uint32_t)(z < 0 ? 0 : z > 255 ? 255 : z);
}

__attribute__((target("avx2,fma")))
void sotto_u8_interleave_quad(const float *row0, const float *row1, const float *row2, const float *row3,
                              int count, float inverse_scale, int zero_point, uint32_t *out) {
    const float *rows[4] = {row0, row1, row2, row3};
    const __m256 s = _mm256_set1_ps(inverse_scale), lo = _mm256_set1_ps(-512.0f), hi = _mm256_set1_ps(512.0f);
    const __m256i zp = _mm256_set1_epi32(zero_point), zero = _mm256_setzero_si256(), top = _mm256_set1_epi32(255);
    int t = 0;
    for (; t + 8 <= count; t += 8) {
        __m256i word = zero;
        for (int h = 0; h < 4; h++) {
            if (!rows[h]) continue;
            // max(lo, v) puts NaN at lo (the second operand is returned for NaN).
            __m256 q = _mm256_min_ps(_mm256_max_ps(_mm256_mul_ps(_mm256_loadu_ps(rows[h] + t), s), lo), hi);
            __m256i z = _mm256_add_epi32(_mm256_cvtps_epi32(q), zp);
            z = _mm256_min_epi32(_mm256_max_epi32(z, zero), top);
            word = _mm256_or_si256(word, _mm256_slli_epi32(z, 8 * h));
        }
        _mm256_storeu_si256((__m256i *)(out + t), word);
    }
    for (; t < count; t++) {
        uint32_t word = 0;
        for (int h = 0; h < 4; h++)
            if (rows[h]) word |= quantize_byte(rows[h][t], inverse_scale, zero_point) << (8 * h);
        out[t] = word;
    }
}

__attribute__((target("avx2,fma")))
void sotto_u8_quantize(const float *x, size_t n, float inverse_scale, int zero_point, uint8_t *out) {
    const __m256 s = _mm256_set1_ps(inverse_scale), lo = _mm256_set1_ps(-512.0f), hi = _mm256_set1_ps(512.0f);
    const __m256i zp = _mm256_set1_epi32(zero_point);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 q = _mm256_min_ps(_mm256_max_ps(_mm256_mul_ps(_mm256_loadu_ps(x + i), s), lo), hi);
        __m256i z = _mm256_add_epi32(_mm256_cvtps_epi32(q), zp);
        // Saturating packs clamp to 0..255 on the way down to bytes.
        __m128i words = _mm_packus_epi32(_mm256_castsi256_si128(z), _mm256_extracti128_si256(z, 1));
        _mm_storel_epi64((__m128i *)(out + i), _mm_packus_epi16(words, words));
    }
    for (; i < n; i++) out[i] = (uint8_t)quantize_byte(x[i], inverse_scale, zero_point);
}

int sotto_conv1d_q8_path(int requested) {
    // Asked once per sweep of every convolution: the CPU's answers are looked up once.
    static int wide = -1, narrow = -1;
    if (wide < 0) {
        __builtin_cpu_init();
        int tier = sotto_active_tier();
        narrow = tier >= SOTTO_TIER_AVX2 && __builtin_cpu_supports("avxvnni");
        wide = tier >= SOTTO_TIER_AVX512 && __builtin_cpu_supports("avx512vnni");
    }
    if (requested >= SOTTO_PATH_AVX512 && wide) return SOTTO_PATH_AVX512;
    if (requested >= SOTTO_PATH_AVX2 && narrow) return SOTTO_PATH_AVX2;
    return -1;
}

#define RS(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7)

typedef struct {
    const int32_t *column_terms;  // (128 - w_zp) * sum x, per column of the tile
    const int32_t *row_terms;     // x_zp * sum (w - w_zp), per row of the block
    const float *bias;            // per row of the block, or NULL
    float scale;
    float *out;                   // row 0, column 0 of the tile
    ptrdiff_t ldo;
    int rows, columns, accumulate;
} q8_epilogue;

// One block of 8 output channels over 48 columns from column 0 of `x`.
__attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni")))
static void tile_q8(const uint32_t *x, ptrdiff_t ldx, int quads, int k, int dil, const int8_t *w, const q8_epilogue *e) {
#define INIT(r) __m512i a##r##0 = _mm512_setzero_si512(), a##r##1 = a##r##0, a##r##2 = a##r##0;
    RS(INIT)
#undef INIT
    const int32_t *wp = (const int32_t *)w;
    for (int j = 0; j < k; j++) {
        const uint32_t *xj = x + j * dil;
        for (int q = 0; q < quads; q++, wp += ROWS) {
            const uint32_t *xp = xj + q * ldx;
            __m512i x0 = _mm512_loadu_si512(xp), x1 = _mm512_loadu_si512(xp + 16), x2 = _mm512_loadu_si512(xp + 32);
#define STEP(r)                                                  \
    {                                                            \
        __m512i wr = _mm512_set1_epi32(wp[r]);                   \
        a##r##0 = _mm512_dpbusd_epi32(a##r##0, x0, wr);          \
        a##r##1 = _mm512_dpbusd_epi32(a##r##1, x1, wr);          \
        a##r##2 = _mm512_dpbusd_epi32(a##r##2, x2, wr);          \
    }
            RS(STEP)
#undef STEP
        }
    }
    const __m512 scale = _mm512_set1_ps(e->scale);
    __m512i columns[3];
    for (int v = 0; v < 3; v++) columns[v] = _mm512_loadu_si512(e->column_terms + 16 * v);
    __mmask16 masks[3];
    for (int v = 0; v < 3; v++) {
        int left = e->columns - 16 * v;
        masks[v] = left >= 16 ? (__mmask16)0xffff : left <= 0 ? 0 : (__mmask16)((1u << left) - 1);
    }
#define FINISH(r)                                                                                       \
    if (r < e->rows) {                                                                                  \
        __m512i row = _mm512_set1_epi32(e->row_terms[r]);                                               \
        __m512 b = _mm512_set1_ps(e->bias ? e->bias[r] : 0.0f);                                         \
        __m512i sums[3] = {a##r##0, a##r##1, a##r##2};                                                  \
        float *dst = e->out + r * e->ldo;                                                               \
        for (int v = 0; v < 3; v++) {                                                                   \
            __m512i exact = _mm512_sub_epi32(_mm512_add_epi32(sums[v], columns[v]), row);               \
            __m512 y = _mm512_add_ps(_mm512_mul_ps(_mm512_cvtepi32_ps(exact), scale), b);               \
            if (e->accumulate) y = _mm512_add_ps(y, _mm512_maskz_loadu_ps(masks[v], dst + 16 * v));     \
            _mm512_mask_storeu_ps(dst + 16 * v, masks[v], y);                                           \
        }                                                                                               \
    }
    RS(FINISH)
#undef FINISH
}

// The same on 256-bit registers with AVX-VNNI (CPUs with AVX2 and VNNI but no AVX-512): 16
// registers hold 4 channels by three 8-column vectors, so a block's 8 rows take two passes over
// 24 columns; the activations are re-read from L1 by the second.
__attribute__((target("avx2,fma,avxvnni")))
static void rows4_q8_avxvnni(const uint32_t *x, ptrdiff_t ldx, int quads, int k, int dil, const int8_t *w, int row0,
                             const q8_epilogue *e) {
#define R4(X) X(0) X(1) X(2) X(3)
#define INIT(r) __m256i a##r##0 = _mm256_setzero_si256(), a##r##1 = a##r##0, a##r##2 = a##r##0;
    R4(INIT)
#undef INIT
    const int32_t *wp = (const int32_t *)w + row0;
    for (int j = 0; j < k; j++) {
        const uint32_t *xj = x + j * dil;
        for (int q = 0; q < quads; q++, wp += ROWS) {
            const uint32_t *xp = xj + q * ldx;
            __m256i x0 = _mm256_loadu_si256((const __m256i *)xp), x1 = _mm256_loadu_si256((const __m256i *)(xp + 8)),
                    x2 = _mm256_loadu_si256((const __m256i *)(xp + 16));
#define STEP(r)                                                   \
    {                                                             \
        __m256i wr = _mm256_set1_epi32(wp[r]);                    \
        a##r##0 = _mm256_dpbusd_avx_epi32(a##r##0, x0, wr);       \
        a##r##1 = _mm256_dpbusd_avx_epi32(a##r##1, x1, wr);       \
        a##r##2 = _mm256_dpbusd_avx_epi32(a##r##2, x2, wr);       \
    }
            R4(STEP)
#undef STEP
        }
    }
    const __m256 scale = _mm256_set1_ps(e->scale);
    __m256i columns[3], masks[3];
    for (int v = 0; v < 3; v++) {
        columns[v] = _mm256_loadu_si256((const __m256i *)(e->column_terms + 8 * v));
        int left = e->columns - 8 * v;
        masks[v] = _mm256_cmpgt_epi32(_mm256_set1_epi32(left), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    }
#define FINISH(r)                                                                                        \
    if (row0 + r < e->rows) {                                                                            \
        __m256i row = _mm256_set1_epi32(e->row_terms[row0 + r]);                                         \
        __m256 b = _mm256_set1_ps(e->bias ? e->bias[row0 + r] : 0.0f);                                   \
        __m256i sums[3] = {a##r##0, a##r##1, a##r##2};                                                   \
        float *dst = e->out + (row0 + r) * e->ldo;                                                       \
        for (int v = 0; v < 3; v++) {                                                                    \
            __m256i exact = _mm256_sub_epi32(_mm256_add_epi32(sums[v], columns[v]), row);                \
            __m256 y = _mm256_add_ps(_mm256_mul_ps(_mm256_cvtepi32_ps(exact), scale), b);                \
            if (e->accumulate) y = _mm256_add_ps(y, _mm256_maskload_ps(dst + 8 * v, masks[v]));          \
            _mm256_maskstore_ps(dst + 8 * v, masks[v], y);                                               \
        }                                                                                                \
    }
    R4(FINISH)
#undef FINISH
#undef R4
}

// A block of 8 rows over 48 columns (as tile_q8), in 4-row, 24-column pieces.
static void tile_q8_avxvnni(const uint32_t *x, ptrdiff_t ldx, int quads, int k, int dil, const int8_t *w,
                            const q8_epilogue *e) {
    for (int half = 0; half < 2 && 24 * half < e->columns; half++) {
        q8_epilogue piece = *e;
        piece.column_terms += 24 * half;
        piece.out += 24 * half;
        piece.columns -= 24 * half;
        for (int row0 = 0; row0 < e->rows; row0 += 4) rows4_q8_avxvnni(x + 24 * half, ldx, quads, k, dil, w, row0, &piece);
    }
}

// Column sums of the staged bytes over every channel group: sums[u] for u < n from column 0.
// Plain AVX2 (byte pairs, then pairs of pairs), so that it runs beside either byte kernel: CPUs
// with AVX-512 VNNI need not have AVX-VNNI.
__attribute__((target("avx2,fma")))
static void column_sums(const uint32_t *x, ptrdiff_t ldx, int quads, int n, int32_t *sums) {
    const __m256i ones8 = _mm256_set1_epi8(1), ones16 = _mm256_set1_epi16(1);
    int u = 0;
    for (; u + 8 <= n; u += 8) {
        __m256i s = _mm256_setzero_si256();
        for (int q = 0; q < quads; q++) {
            __m256i pairs = _mm256_maddubs_epi16(_mm256_loadu_si256((const __m256i *)(x + q * ldx + u)), ones8);
            s = _mm256_add_epi32(s, _mm256_madd_epi16(pairs, ones16));
        }
        _mm256_storeu_si256((__m256i *)(sums + u), s);
    }
    for (; u < n; u++) {
        int32_t s = 0;
        for (int q = 0; q < quads; q++) {
            uint32_t v = x[q * ldx + u];
            s += (int32_t)(v & 255) + (int32_t)((v >> 8) & 255) + (int32_t)((v >> 16) & 255) + (int32_t)(v >> 24);
        }
        sums[u] = s;
    }
}

int sotto_conv1d_q8(const uint32_t *x, ptrdiff_t ldx, int cin, int k, int dilation, const int8_t *packed,
                    const int32_t *weight_sums, uint8_t weight_zero_point, uint8_t x_zero_point, float scale,
                    const float *bias, int cout, float *out, ptrdiff_t ldo, int accumulate, int t0, int t1, int path) {
    path = sotto_conv1d_q8_path(path);
    if (path < 0) return path;
    int quads = (cin + 3) / 4, blocks = (cout + ROWS - 1) / ROWS, reach = (k - 1) * dilation;
    size_t block_bytes = (size_t)k * quads * ROWS * 4;
    int32_t stack_sums[SWEEP + SPAN_ON_STACK];
    int32_t *sums = reach < SPAN_ON_STACK ? stack_sums : malloc(sizeof(int32_t) * (SWEEP + reach + 1));
    if (!sums) return -1;
    int32_t column_terms[SWEEP] __attribute__((aligned(64)));
    int32_t row_terms[ROWS];
    for (int s0 = t0; s0 < t1; s0 += SWEEP) {
        int s1 = s0 + SWEEP < t1 ? s0 + SWEEP : t1;
        int n = (s1 - s0 + COLUMNS - 1) / COLUMNS * COLUMNS;
        column_sums(x + s0, ldx, quads, n + reach, sums);
        for (int i = 0; i < n; i++) {
            int32_t s = 0;
            for (int j = 0; j < k; j++) s += sums[i + j * dilation];
            column_terms[i] = (128 - (int32_t)weight_zero_point) * s;
        }
        for (int b = 0; b < blocks; b++) {
            int rows = cout - b * ROWS < ROWS ? cout - b * ROWS : ROWS;
            for (int r = 0; r < rows; r++) row_terms[r] = (int32_t)x_zero_point * weight_sums[b * ROWS + r];
            for (int c = 0; c < n; c += COLUMNS) {
                q8_epilogue e = {column_terms + c, row_terms, bias ? bias + b * ROWS : NULL, scale,
                                 out + (ptrdiff_t)b * ROWS * ldo + s0 + c, ldo, rows, s1 - s0 - c, accumulate};
                const int8_t *w = packed + b * block_bytes;
                if (path == SOTTO_PATH_AVX512) tile_q8(x + s0 + c, ldx, quads, k, dilation, w, &e);
                else tile_q8_avxvnni(x + s0 + c, ldx, quads, k, dilation, w, &e);
            }
        }
    }
    if (sums != stack_sums) free(sums);
    return path;
}
