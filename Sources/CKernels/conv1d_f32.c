#include "CKernels.h"
#include "transpose_avx2.h"
#include <immintrin.h>
#include <string.h>

// Time columns per tile. Small kernels (all weights within L1) sweep every weight block over
// one register tile's columns, which then stay in L1; larger ones sweep 504 columns (42 AVX2
// tiles) per block, which stay in L2 while each block's weights stay in L1.
#define WIDE_TILE 504
#define NARROW_TILE 48
#define SMALL_WEIGHTS (24 * 1024 / 4)

size_t sotto_conv1d_packed_count(int cout, int cin, int k) {
    return (size_t)((cout + SOTTO_CONV1D_BLOCK - 1) / SOTTO_CONV1D_BLOCK) * (size_t)cin * (size_t)k * SOTTO_CONV1D_BLOCK;
}

void sotto_conv1d_pack(const float *weight, int cout, int cin, int k, float *packed) {
    int blocks = (cout + SOTTO_CONV1D_BLOCK - 1) / SOTTO_CONV1D_BLOCK;
    for (int b = 0; b < blocks; b++)
        for (int c = 0; c < cin; c++)
            for (int j = 0; j < k; j++)
                for (int r = 0; r < SOTTO_CONV1D_BLOCK; r++) {
                    int o = b * SOTTO_CONV1D_BLOCK + r;
                    packed[(((size_t)b * cin + c) * k + j) * SOTTO_CONV1D_BLOCK + r] =
                        o < cout ? weight[((size_t)o * cin + c) * k + j] : 0.0f;
                }
}

/// What one block's epilogue needs.
typedef struct {
    const float *bias;      // 8 values (zero-padded)
    int rows;               // valid rows of the block
    const float *residual;  // row 0 of the block, or NULL
    ptrdiff_t ldr;
    float *out;             // row 0 of the block
    ptrdiff_t ldo;
    int accumulate;
    float divisor;
    float slope;            // LeakyReLU slope applied last; 1 for none
} epilogue;

static inline float finish(const epilogue *e, int r, ptrdiff_t t, float v) {
    if (e->residual) v += e->residual[r * e->ldr + t];
    if (e->accumulate) v = e->out[r * e->ldo + t] + v;
    if (e->divisor != 1.0f) v = v / e->divisor;
    if (e->slope != 1.0f && v < 0) v = v * e->slope;
    return v;
}

static void block_scalar(const float *x, ptrdiff_t ldx, int cin, int k, int dil, const float *w,
                         const epilogue *e, int t0, int t1) {
    for (int r = 0; r < e->rows; r++) {
        for (int t = t0; t < t1; t++) {
            float acc = e->bias[r];
            for (int c = 0; c < cin; c++)
                for (int j = 0; j < k; j++)
                    acc += w[((size_t)c * k + j) * SOTTO_CONV1D_BLOCK + r] * x[c * ldx + t + j * dil];
            e->out[r * e->ldo + t] = finish(e, r, t, acc);
        }
    }
}

// Portable path: plain C over the compiler's generic vectors (GCC/Clang vector extensions, which
// lower to whatever the target has: SSE, AVX, NEON). 4 output channels by 16 time steps (two
// 8-wide vectors per channel), 8 accumulators that stay in registers: per input channel and tap,
// two loads of the signal and four weight splats feed 8 multiply-adds. A last partial tile
// overlaps the one before it as in the AVX2 path; a range narrower than one tile is summed one
// column at a time.
typedef float vec8 __attribute__((vector_size(32), aligned(4)));
#define PORTABLE_COLUMNS 16

static inline vec8 load8(const float *p) {
    vec8 v;
    memcpy(&v, p, sizeof v);
    return v;
}

// The epilogue on 8 columns at once; the same operations in the same order as finish().
typedef int ivec8 __attribute__((vector_size(32), aligned(4)));

static inline void store8(float *p, vec8 v) { memcpy(p, &v, sizeof v); }

static inline vec8 finish8(const epilogue *e, int r, ptrdiff_t t, vec8 v) {
    if (e->residual) v += load8(e->residual + r * e->ldr + t);
    if (e->accumulate) v = load8(e->out + r * e->ldo + t) + v;
    if (e->divisor != 1.0f) v = v / e->divisor;
    if (e->slope != 1.0f) {
        ivec8 negative = v < 0.0f;
        vec8 scaled = v * e->slope;
        v = (vec8)((negative & (ivec8)scaled) | (~negative & (ivec8)v));
    }
    return v;
}

static void rows4_portable(const float *x, ptrdiff_t ldx, int cin, int k, int dil, const float *w, int row0,
                           const epilogue *e, int t, int skip) {
    vec8 zero = {0};
    vec8 a0 = zero + e->bias[row0], a1 = a0, a2 = zero + e->bias[row0 + 1], a3 = a2;
    vec8 a4 = zero + e->bias[row0 + 2], a5 = a4, a6 = zero + e->bias[row0 + 3], a7 = a6;
    const float *wp = w + row0;
    for (int c = 0; c < cin; c++) {
        const float *xr = x + c * ldx + t;
        for (int j = 0; j < k; j++) {
            const float *xp = xr + j * dil;
            vec8 lo = load8(xp), hi = load8(xp + 8);
            float w0 = wp[0], w1 = wp[1], w2 = wp[2], w3 = wp[3];
            a0 += w0 * lo; a1 += w0 * hi;
            a2 += w1 * lo; a3 += w1 * hi;
            a4 += w2 * lo; a5 += w2 * hi;
            a6 += w3 * lo; a7 += w3 * hi;
            wp += SOTTO_CONV1D_BLOCK;
        }
    }
    float sums[4][PORTABLE_COLUMNS];
    memcpy(sums[0], &a0, 32); memcpy(sums[0] + 8, &a1, 32);
    memcpy(sums[1], &a2, 32); memcpy(sums[1] + 8, &a3, 32);
    memcpy(sums[2], &a4, 32); memcpy(sums[2] + 8, &a5, 32);
    memcpy(sums[3], &a6, 32); memcpy(sums[3] + 8, &a7, 32);
    for (int r = 0; r < 4 && row0 + r < e->rows; r++) {
        float *dst = e->out + (row0 + r) * e->ldo + t;
        if (!skip) {
            store8(dst, finish8(e, row0 + r, t, load8(sums[r])));
            store8(dst + 8, finish8(e, row0 + r, t + 8, load8(sums[r] + 8)));
        } else {
            for (int i = skip; i < PORTABLE_COLUMNS; i++) dst[i] = finish(e, row0 + r, t + i, sums[r][i]);
        }
    }
}

static int block_portable(const float *x, ptrdiff_t ldx, int cin, int k, int dil, const float *w,
                          const epilogue *e, int t0, int t1) {
    if (t1 - t0 < PORTABLE_COLUMNS) return t0;
    for (int t = t0; t < t1; t += PORTABLE_COLUMNS) {
        int skip = 0;
        if (t + PORTABLE_COLUMNS > t1) {
            skip = t - (t1 - PORTABLE_COLUMNS);
            t = t1 - PORTABLE_COLUMNS;
        }
        rows4_portable(x, ldx, cin, k, dil, w, 0, e, t, skip);
        if (e->rows > 4) rows4_portable(x, ldx, cin, k, dil, w, 4, e, t, skip);
    }
    return t1;
}

// AVX2, time in the lanes: 4 output channels by 24 columns (three 8-wide vectors per channel),
// 12 accumulators. Per input channel and tap, three loads of the signal and four weight splats
// feed 12 multiply-adds, against 13 loads for 12 in the channel-lane tile below, so the
// multiply-add units rather than the loads set the pace (about 1.35x the channel-lane tile on
// Zen 3). Sums run in the same order (bias, then each input channel's taps in turn) and with the
// same fused multiply-adds as the other tiles, so results are bit for bit the same. Left to
// itself the compiler spills an accumulator inside the loop (12 accumulators, 3 signal vectors
// and a weight splat take all 16 registers), so one step is written out with the signal and the
// weight in fixed registers.
#define LANE_COLUMNS 24

__attribute__((target("avx2,fma")))
static inline void rows4_lanes_avx2(const float *x, ptrdiff_t ldx, int cin, int k, int dil, const float *w, int row0,
                                    const epilogue *e, int t, int skip) {
    __m256 a00 = _mm256_set1_ps(e->bias[row0]), a01 = a00, a02 = a00;
    __m256 a10 = _mm256_set1_ps(e->bias[row0 + 1]), a11 = a10, a12 = a10;
    __m256 a20 = _mm256_set1_ps(e->bias[row0 + 2]), a21 = a20, a22 = a20;
    __m256 a30 = _mm256_set1_ps(e->bias[row0 + 3]), a31 = a30, a32 = a30;
    const float *wp = w + row0;
    for (int c = 0; c < cin; c++) {
        const float *xp = x + c * ldx + t;
        for (int j = 0; j < k; j++) {
            __asm__("vmovups (%[xp]), %%ymm12\n\t"
                    "vmovups 32(%[xp]), %%ymm13\n\t"
                    "vmovups 64(%[xp]), %%ymm14\n\t"
                    "vbroadcastss (%[wp]), %%ymm15\n\t"
                    "vfmadd231ps %%ymm12, %%ymm15, %[a00]\n\t"
                    "vfmadd231ps %%ymm13, %%ymm15, %[a01]\n\t"
                    "vfmadd231ps %%ymm14, %%ymm15, %[a02]\n\t"
                    "vbroadcastss 4(%[wp]), %%ymm15\n\t"
                    "vfmadd231ps %%ymm12, %%ymm15, %[a10]\n\t"
                    "vfmadd231ps %%ymm13, %%ymm15, %[a11]\n\t"
                    "vfmadd231ps %%ymm14, %%ymm15, %[a12]\n\t"
                    "vbroadcastss 8(%[wp]), %%ymm15\n\t"
                    "vfmadd231ps %%ymm12, %%ymm15, %[a20]\n\t"
                    "vfmadd231ps %%ymm13, %%ymm15, %[a21]\n\t"
                    "vfmadd231ps %%ymm14, %%ymm15, %[a22]\n\t"
                    "vbroadcastss 12(%[wp]), %%ymm15\n\t"
                    "vfmadd231ps %%ymm12, %%ymm15, %[a30]\n\t"
                    "vfmadd231ps %%ymm13, %%ymm15, %[a31]\n\t"
                    "vfmadd231ps %%ymm14, %%ymm15, %[a32]\n\t"
                    : [a00] "+x"(a00), [a01] "+x"(a01), [a02] "+x"(a02), [a10] "+x"(a10), [a11] "+x"(a11),
                      [a12] "+x"(a12), [a20] "+x"(a20), [a21] "+x"(a21), [a22] "+x"(a22), [a30] "+x"(a30),
                      [a31] "+x"(a31), [a32] "+x"(a32)
                    : [xp] "r"(xp), [wp] "r"(wp)
                    : "xmm12", "xmm13", "xmm14", "xmm15");
            xp += dil;
            wp += SOTTO_CONV1D_BLOCK;
        }
    }
        vec8 sums[4][3] = {{(vec8)a00, (vec8)a01, (vec8)a02}, {(vec8)a10, (vec8)a11, (vec8)a12},
                       {(vec8)a20, (vec8)a21, (vec8)a22}, {(vec8)a30, (vec8)a31, (vec8)a32}};
    for (int r = 0; r < 4 && row0 + r < e->rows; r++) {
        int row = row0 + r;
        float *dst = e->out + row * e->ldo + t;
        if (!skip) {
            for (int v = 0; v < 3; v++) store8(dst + 8 * v, finish8(e, row, t + 8 * v, sums[r][v]));
        } else {
            float values[LANE_COLUMNS];
            for (int v = 0; v < 3; v++) store8(values + 8 * v, sums[r][v]);
            for (int i = skip; i < LANE_COLUMNS; i++) dst[i] = finish(e, row, t + i, values[i]);
        }
    }
}

__attribute__((target("avx2,fma")))
static int block_lanes_avx2(const float *x, ptrdiff_t ldx, int cin, int k, int dil, const float *w,
                            const epilogue *e, int t0, int t1) {
    if (t1 - t0 < LANE_COLUMNS) return t0;
    for (int t = t0; t < t1; t += LANE_COLUMNS) {
        int skip = 0;
        if (t + LANE_COLUMNS > t1) {
            skip = t - (t1 - LANE_COLUMNS);
            t = t1 - LANE_COLUMNS;
        }
        rows4_lanes_avx2(x, ldx, cin, k, dil, w, 0, e, t, skip);
        if (e->rows > 4) rows4_lanes_avx2(x, ldx, cin, k, dil, w, 4, e, t, skip);
    }
    return t1;
}

// The accumulators are separate variables (not an array) so that the compiler keeps all of
// them in registers through the loops; an indexed array would be spilled on every update.
#define ROWS8(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7)
#define ROWS4(X) X(0) X(1) X(2) X(3)

// 8 output channels x 3 vectors of 16 columns: 24 accumulators, 3 loads and 8 broadcasts per
// 24 multiply-adds. Partial tiles use masked loads and stores (masked-off lanes never fault).
__attribute__((target("avx512f")))
static void block_avx512(const float *x, ptrdiff_t ldx, int cin, int k, int dil, const float *w,
                         const epilogue *e, int t0, int t1) {
    for (int t = t0; t < t1; t += 48) {
        int left = t1 - t;
        __mmask16 m0 = left >= 16 ? 0xFFFF : (__mmask16)((1u << left) - 1);
        __mmask16 m1 = left >= 32 ? 0xFFFF : left <= 16 ? 0 : (__mmask16)((1u << (left - 16)) - 1);
        __mmask16 m2 = left >= 48 ? 0xFFFF : left <= 32 ? 0 : (__mmask16)((1u << (left - 32)) - 1);
#define INIT(r) __m512 a##r##0 = _mm512_set1_ps(e->bias[r]), a##r##1 = a##r##0, a##r##2 = a##r##0;
        ROWS8(INIT)
#undef INIT
        const float *wp = w;
        for (int c = 0; c < cin; c++) {
            const float *xr = x + c * ldx + t;
            for (int j = 0; j < k; j++) {
                const float *xp = xr + j * dil;
                __m512 v0 = _mm512_maskz_loadu_ps(m0, xp);
                __m512 v1 = _mm512_maskz_loadu_ps(m1, xp + 16);
                __m512 v2 = _mm512_maskz_loadu_ps(m2, xp + 32);
#define STEP(r) { __m512 wv = _mm512_set1_ps(wp[r]); \
                  a##r##0 = _mm512_fmadd_ps(wv, v0, a##r##0); \
                  a##r##1 = _mm512_fmadd_ps(wv, v1, a##r##1); \
                  a##r##2 = _mm512_fmadd_ps(wv, v2, a##r##2); }
                ROWS8(STEP)
#undef STEP
                wp += 8;
            }
        }
#define LIST(r) a##r##0, a##r##1, a##r##2,
        __m512 acc[24] = {ROWS8(LIST)};
#undef LIST
        __mmask16 masks[3] = {m0, m1, m2};
        __m512 divisor = _mm512_set1_ps(e->divisor), slope = _mm512_set1_ps(e->slope);
        for (int r = 0; r < e->rows; r++) {
            for (int v = 0; v < 3; v++) {
                __mmask16 m = masks[v];
                if (!m) continue;
                ptrdiff_t col = t + 16 * v;
                __m512 value = acc[3 * r + v];
                if (e->residual) value = _mm512_add_ps(value, _mm512_maskz_loadu_ps(m, e->residual + r * e->ldr + col));
                float *dst = e->out + r * e->ldo + col;
                if (e->accumulate) value = _mm512_add_ps(_mm512_maskz_loadu_ps(m, dst), value);
                if (e->divisor != 1.0f) value = _mm512_div_ps(value, divisor);
                if (e->slope != 1.0f) {
                    __mmask16 negative = _mm512_cmp_ps_mask(value, _mm512_setzero_ps(), _CMP_LT_OQ);
                    value = _mm512_mask_mul_ps(value, negative, value, slope);
                }
                _mm512_mask_storeu_ps(dst, m, value);
            }
        }
    }
}

// 8 output channels (the lanes) by 12 time steps: per input channel and tap, one weight vector
// (the packed block's 8 rows) meets 12 broadcast input samples, 12 FMAs for 13 loads, with 14 of
// the 16 registers live so that nothing spills. The sums come out [time][channel] and are
// transposed for the epilogue. Only whole 12-column tiles run here (the caller's input need not
// be readable past its last column): a partial last tile overlaps the one before it, and only a
// range narrower than one tile goes to the portable path.
#define TILES12(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11)

__attribute__((target("avx2,fma")))
static int block_avx2(const float *x, ptrdiff_t ldx, int cin, int k, int dil, const float *w,
                      const epilogue *e, int t0, int t1) {
    int t = t0;
    const __m256 bias = _mm256_loadu_ps(e->bias);
    for (;;) {
        // A last partial tile is computed as the whole tile ending at t1, overlapping columns
        // already written, which are skipped when storing (reads stay within the range).
        int skip = 0;
        if (t + 12 > t1) {
            if (t >= t1 || t1 - t0 < 12) break;
            skip = t - (t1 - 12);
            t = t1 - 12;
        }
#define INIT(i) __m256 a##i = bias;
        TILES12(INIT)
#undef INIT
        const float *wp = w;
        for (int c = 0; c < cin; c++) {
            const float *xr = x + c * ldx + t;
            for (int j = 0; j < k; j++) {
                const float *xp = xr + j * dil;
                __m256 wv = _mm256_loadu_ps(wp);
                wp += SOTTO_CONV1D_BLOCK;
#define STEP(i) a##i = _mm256_fmadd_ps(wv, _mm256_broadcast_ss(xp + i), a##i);
                TILES12(STEP)
#undef STEP
            }
        }
        __m256 head[8] = {a0, a1, a2, a3, a4, a5, a6, a7}, rows[8];
        sotto_transpose8x8_ps(head, rows); // rows[r]: channel r at times t..t+7
        float tail[4][8];
        _mm256_storeu_ps(tail[0], a8);
        _mm256_storeu_ps(tail[1], a9);
        _mm256_storeu_ps(tail[2], a10);
        _mm256_storeu_ps(tail[3], a11);
        __m256 divisor = _mm256_set1_ps(e->divisor), slope = _mm256_set1_ps(e->slope);
        for (int r = 0; skip && r < e->rows; r++) {
            float head_values[8];
            _mm256_storeu_ps(head_values, rows[r]);
            float *dst = e->out + r * e->ldo + t;
            for (int i = skip; i < 12; i++) dst[i] = finish(e, r, t + i, i < 8 ? head_values[i] : tail[i - 8][r]);
        }
        for (int r = 0; !skip && r < e->rows; r++) {
            float *dst = e->out + r * e->ldo + t;
            __m256 value = rows[r];
            if (e->residual) value = _mm256_add_ps(value, _mm256_loadu_ps(e->residual + r * e->ldr + t));
            if (e->accumulate) value = _mm256_add_ps(_mm256_loadu_ps(dst), value);
            if (e->divisor != 1.0f) value = _mm256_div_ps(value, divisor);
            if (e->slope != 1.0f) {
                __m256 negative = _mm256_cmp_ps(value, _mm256_setzero_ps(), _CMP_LT_OQ);
                value = _mm256_blendv_ps(value, _mm256_mul_ps(value, slope), negative);
            }
            _mm256_storeu_ps(dst, value);
            for (int i = 0; i < 4; i++) dst[8 + i] = finish(e, r, t + 8 + i, tail[i][r]);
        }
        t += 12;
    }
    return t;
}
#undef TILES12

int sotto_conv1d_f32(const float *x, ptrdiff_t ldx, int cin, int k, int dilation, const float *packed,
                     const float *bias, int cout, const float *residual, ptrdiff_t ldr, float *out, ptrdiff_t ldo,
                     int accumulate, float divisor, float slope, int t0, int t1, int path) {
    int best = sotto_conv1d_best_path();
    if (path > best) path = best;
    int blocks = (cout + SOTTO_CONV1D_BLOCK - 1) / SOTTO_CONV1D_BLOCK;
    size_t blockFloats = (size_t)cin * k * SOTTO_CONV1D_BLOCK;
    int span = (size_t)blocks * blockFloats <= SMALL_WEIGHTS ? NARROW_TILE : WIDE_TILE;
    for (int tile = t0; tile < t1; tile += span) {
        int end = tile + span < t1 ? tile + span : t1;
        for (int b = 0; b < blocks; b++) {
            int o = b * SOTTO_CONV1D_BLOCK;
            float biases[SOTTO_CONV1D_BLOCK] = {0};
            int rows = cout - o < SOTTO_CONV1D_BLOCK ? cout - o : SOTTO_CONV1D_BLOCK;
            if (bias) memcpy(biases, bias + o, sizeof(float) * rows);
            epilogue e = {biases, rows, residual ? residual + o * ldr : NULL, ldr, out + o * ldo, ldo, accumulate, divisor, slope};
            const float *w = packed + b * blockFloats;
            switch (path) {
            case SOTTO_PATH_AVX512: block_avx512(x, ldx, cin, k, dilation, w, &e, tile, end); break;
            case SOTTO_PATH_AVX2: {
                int done = block_lanes_avx2(x, ldx, cin, k, dilation, w, &e, tile, end);
                if (done < end) done = block_avx2(x, ldx, cin, k, dilation, w, &e, done, end);
                if (done < end) block_scalar(x, ldx, cin, k, dilation, w, &e, done, end);
                break;
            }
            default: {
                int done = block_portable(x, ldx, cin, k, dilation, w, &e, tile, end);
                if (done < end) block_scalar(x, ldx, cin, k, dilation, w, &e, done, end);
                break;
            }
            }
        }
    }
    return path;
}
