#include "CKernels.h"
#include <immintrin.h>
#include "horizontal_sums.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { PANEL_BYTES = 64, BLOCK = SOTTO_S4_BLOCK_ROWS, GROUP = SOTTO_S4_GROUP_COLS };

// The kernels prefetch this far ahead in the panel stream (16 groups of 8 rows). The hardware
// prefetcher alone left a one-thread product of a 32 MB matrix at ~9 GB/s; 4–8 KB ahead measured
// 12–14 GB/s, above a plain one-thread read loop. Prefetches never fault past the end.
enum { PREFETCH_BYTES = 8192 };

static size_t count_groups(size_t cols) { return (cols + GROUP - 1) / GROUP; }

// ---------------------------------------------------------------------------------------------
// Quantiser

// Least squared error of w ≈ s·clamp(round(w/s), -8, 7) over these divisors of the group's absmax:
// absmax/7 never clamps, absmax/8 uses the level -8 and clamps the positive peak; the ones in
// between trade clamping the largest values for a finer step on all the others.
static const float kDivisors[] = {7.0f, 7.2f, 7.4f, 7.6f, 7.8f, 8.0f};
enum { DIVISOR_COUNT = sizeof(kDivisors) / sizeof(kDivisors[0]) };

// AVX2 is the baseline this library is built for; the quantiser uses it unconditionally so that
// a matrix quantises to the same bits on every machine.
__attribute__((target("avx2,fma")))
static inline __m256 level8(__m256 v, __m256 inv) {
    const __m256 q = _mm256_round_ps(_mm256_mul_ps(v, inv), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    return _mm256_max_ps(_mm256_min_ps(q, _mm256_set1_ps(7.0f)), _mm256_set1_ps(-8.0f));
}

// v: 128 values (zeros past the matrix). Writes the 64-byte panel row and returns the scale.
// All candidate scales are tried in one pass over the values, each with its own accumulator.
__attribute__((target("avx2,fma")))
static float quantize_group(const float *v, uint8_t *panel) {
    const __m256 sign = _mm256_set1_ps(-0.0f);
    __m256 peak8 = _mm256_setzero_ps();
    for (size_t j = 0; j < GROUP; j += 8) peak8 = _mm256_max_ps(peak8, _mm256_andnot_ps(sign, _mm256_loadu_ps(v + j)));
    float lanes[8];
    _mm256_storeu_ps(lanes, peak8);
    float peak = 0;
    for (size_t l = 0; l < 8; l++) peak = lanes[l] > peak ? lanes[l] : peak;
    if (!(peak > 0) || !isfinite(peak)) {
        memset(panel, 0x88, PANEL_BYTES);
        return 0;
    }
    __m256 scale[DIVISOR_COUNT], inv[DIVISOR_COUNT], error[DIVISOR_COUNT];
    for (size_t d = 0; d < DIVISOR_COUNT; d++) {
        scale[d] = _mm256_set1_ps(peak / kDivisors[d]);
        inv[d] = _mm256_set1_ps(kDivisors[d] / peak);
        error[d] = _mm256_setzero_ps();
    }
    for (size_t j = 0; j < GROUP; j += 8) {
        const __m256 x = _mm256_loadu_ps(v + j);
        for (size_t d = 0; d < DIVISOR_COUNT; d++) {
            const __m256 e = _mm256_fnmadd_ps(scale[d], level8(x, inv[d]), x);
            error[d] = _mm256_fmadd_ps(e, e, error[d]);
        }
    }
    size_t best = 0;
    float best_error = INFINITY;
    for (size_t d = 0; d < DIVISOR_COUNT; d++) {
        _mm256_storeu_ps(lanes, error[d]);
        const float total = ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
        if (total < best_error) {
            best_error = total;
            best = d;
        }
    }
    uint8_t levels[GROUP];
    const __m256 offset = _mm256_set1_ps(8.0f);
    for (size_t j = 0; j < GROUP; j += 8) {
        const __m256i u = _mm256_cvtps_epi32(_mm256_add_ps(level8(_mm256_loadu_ps(v + j), inv[best]), offset));
        int32_t words[8];
        _mm256_storeu_si256((__m256i *)words, u);
        for (size_t l = 0; l < 8; l++) levels[j + l] = (uint8_t)words[l];
    }
    for (size_t j = 0; j < PANEL_BYTES; j++) panel[j] = (uint8_t)(levels[j] | (levels[j + PANEL_BYTES] << 4));
    return peak / kDivisors[best];
}

void sotto_quantize_s4_panels(const float *w, size_t rows, size_t cols, uint8_t *panels, float *scales) {
    const size_t groups = count_groups(cols), blocks = (rows + BLOCK - 1) / BLOCK;
    float v[GROUP];
    for (size_t b = 0; b < blocks; b++) {
        for (size_t i = 0; i < BLOCK; i++) {
            const size_t r = b * BLOCK + i;
            for (size_t g = 0; g < groups; g++) {
                const size_t slot = (b * groups + g) * BLOCK + i;
                const size_t first = g * GROUP, n = r < rows ? (cols - first < GROUP ? cols - first : GROUP) : 0;
                const float *values = v;
                if (n == GROUP) values = w + r * cols + first;
                else {
                    if (n) memcpy(v, w + r * cols + first, n * sizeof(float));
                    memset(v + n, 0, (GROUP - n) * sizeof(float));
                }
                scales[slot] = quantize_group(values, panels + slot * PANEL_BYTES);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Products

// corrections[g] = -8 · Σ_{c in g} x[c]: the nibbles are q + 8, so Σ u·x plus this is Σ q·x.
static void offset_corrections(const int8_t *x, size_t groups, int32_t *corrections) {
    for (size_t g = 0; g < groups; g++) {
        int32_t s = 0;
        for (size_t j = 0; j < GROUP; j++) s += x[g * GROUP + j];
        corrections[g] = -8 * s;
    }
}

static void gemv_s4_scalar(const uint8_t *panels, const float *scales, size_t rows, size_t groups, size_t b0,
                           size_t b1, const int8_t *x, float x_scale, float *y) {
    for (size_t b = b0; b < b1; b++) {
        float acc[BLOCK] = {0};
        for (size_t g = 0; g < groups; g++) {
            const uint8_t *p = panels + (b * groups + g) * BLOCK * PANEL_BYTES;
            const float *s = scales + (b * groups + g) * BLOCK;
            const int8_t *xg = x + g * GROUP;
            for (size_t i = 0; i < BLOCK; i++) {
                int32_t dot = 0;
                for (size_t j = 0; j < PANEL_BYTES; j++) {
                    const int u = p[i * PANEL_BYTES + j];
                    dot += ((u & 15) - 8) * xg[j] + ((u >> 4) - 8) * xg[PANEL_BYTES + j];
                }
                acc[i] += s[i] * (float)dot;
            }
        }
        for (size_t i = 0; i < BLOCK && b * BLOCK + i < rows; i++) y[b * BLOCK + i] = x_scale * acc[i];
    }
}

// vpmaddubsw multiplies the unsigned nibbles by the signed x pairwise into int16: four of them
// sum to at most 4·2·15·128 = 15360, so int16 never saturates before vpmaddwd widens to int32.
__attribute__((target("avx2,fma")))
static void gemv_s4_avx2(const uint8_t *panels, const float *scales, size_t rows, size_t groups, size_t b0,
                         size_t b1, const int8_t *x, float x_scale, float *y, const int32_t *corrections) {
    const __m256i low = _mm256_set1_epi8(0x0F), ones = _mm256_set1_epi16(1);
    for (size_t b = b0; b < b1; b++) {
        __m256 acc[BLOCK];
        for (size_t i = 0; i < BLOCK; i++) acc[i] = _mm256_setzero_ps();
        for (size_t g = 0; g < groups; g++) {
            const uint8_t *p = panels + (b * groups + g) * BLOCK * PANEL_BYTES;
            const float *s = scales + (b * groups + g) * BLOCK;
            const int8_t *xg = x + g * GROUP;
            const __m256i x0 = _mm256_loadu_si256((const __m256i *)xg), x1 = _mm256_loadu_si256((const __m256i *)(xg + 32));
            const __m256i x2 = _mm256_loadu_si256((const __m256i *)(xg + 64)), x3 = _mm256_loadu_si256((const __m256i *)(xg + 96));
            const __m256i start = _mm256_zextsi128_si256(_mm_cvtsi32_si128(corrections[g]));
            for (size_t i = 0; i < BLOCK; i++) {
                const __m256i a = _mm256_loadu_si256((const __m256i *)(p + i * PANEL_BYTES));
                _mm_prefetch((const char *)(p + i * PANEL_BYTES + PREFETCH_BYTES), _MM_HINT_T0);
                const __m256i c = _mm256_loadu_si256((const __m256i *)(p + i * PANEL_BYTES + 32));
                __m256i s16 = _mm256_maddubs_epi16(_mm256_and_si256(a, low), x0);
                s16 = _mm256_add_epi16(s16, _mm256_maddubs_epi16(_mm256_and_si256(c, low), x1));
                s16 = _mm256_add_epi16(s16, _mm256_maddubs_epi16(_mm256_and_si256(_mm256_srli_epi16(a, 4), low), x2));
                s16 = _mm256_add_epi16(s16, _mm256_maddubs_epi16(_mm256_and_si256(_mm256_srli_epi16(c, 4), low), x3));
                const __m256i dot = _mm256_add_epi32(start, _mm256_madd_epi16(s16, ones));
                acc[i] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(dot), _mm256_set1_ps(s[i]), acc[i]);
            }
        }
        for (size_t i = 0; i < BLOCK && b * BLOCK + i < rows; i++) y[b * BLOCK + i] = x_scale * sotto_hsum256_ps(acc[i]);
    }
}

// vpdpbusd takes the nibbles as its unsigned operand and x as its signed one. Each group's int32
// sum starts from the offset correction in lane 0, so the +8 costs no instruction per row; the
// exact group sum then meets its scale in one FMA.
__attribute__((target("avx512f,avx512bw,avx512vnni")))
static void gemv_s4_vnni(const uint8_t *panels, const float *scales, size_t rows, size_t groups, size_t b0,
                         size_t b1, const int8_t *x, float x_scale, float *y, const int32_t *corrections) {
    const __m512i low = _mm512_set1_epi8(0x0F);
    for (size_t b = b0; b < b1; b++) {
        __m512 acc[BLOCK];
        for (size_t i = 0; i < BLOCK; i++) acc[i] = _mm512_setzero_ps();
        for (size_t g = 0; g < groups; g++) {
            const uint8_t *p = panels + (b * groups + g) * BLOCK * PANEL_BYTES;
            const float *s = scales + (b * groups + g) * BLOCK;
            const __m512i xlo = _mm512_loadu_si512(x + g * GROUP), xhi = _mm512_loadu_si512(x + g * GROUP + 64);
            const __m512i start = _mm512_zextsi128_si512(_mm_cvtsi32_si128(corrections[g]));
            for (size_t i = 0; i < BLOCK; i++) {
                const __m512i u = _mm512_loadu_si512(p + i * PANEL_BYTES);
                _mm_prefetch((const char *)(p + i * PANEL_BYTES + PREFETCH_BYTES), _MM_HINT_T0);
                __m512i dot = _mm512_dpbusd_epi32(start, _mm512_and_si512(u, low), xlo);
                dot = _mm512_dpbusd_epi32(dot, _mm512_and_si512(_mm512_srli_epi16(u, 4), low), xhi);
                acc[i] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(dot), _mm512_set1_ps(s[i]), acc[i]);
            }
        }
        for (size_t i = 0; i < BLOCK && b * BLOCK + i < rows; i++) y[b * BLOCK + i] = x_scale * _mm512_reduce_add_ps(acc[i]);
    }
}

// Corrections for up to this many groups (131072 columns) live on the stack.
enum { STACK_GROUPS = 1024 };

int sotto_gemv_s4(const uint8_t *panels, const float *scales, size_t rows, size_t cols, size_t block_begin,
                  size_t block_end, const int8_t *x, float x_scale, float *y, int path) {
    const size_t groups = count_groups(cols);
    int best = sotto_int8_best_path();
    if (path > best) path = best;
    if (path == SOTTO_PATH_SCALAR || path < 0) {
        gemv_s4_scalar(panels, scales, rows, groups, block_begin, block_end, x, x_scale, y);
        return SOTTO_PATH_SCALAR;
    }
    int32_t stack[STACK_GROUPS];
    int32_t *corrections = groups <= STACK_GROUPS ? stack : malloc(groups * sizeof(int32_t));
    if (!corrections) {
        gemv_s4_scalar(panels, scales, rows, groups, block_begin, block_end, x, x_scale, y);
        return SOTTO_PATH_SCALAR;
    }
    offset_corrections(x, groups, corrections);
    if (path == SOTTO_PATH_AVX512)
        gemv_s4_vnni(panels, scales, rows, groups, block_begin, block_end, x, x_scale, y, corrections);
    else
        gemv_s4_avx2(panels, scales, rows, groups, block_begin, block_end, x, x_scale, y, corrections);
    if (corrections != stack) free(corrections);
    return path;
}

// Four rows of a block against up to four input rows: 16 float accumulators, eight x vectors and
// the two nibble vectors stay in registers (a whole block against four inputs would need 32
// accumulators). The block (groups·512 bytes) stays in L1/L2 between the passes over its two
// halves and over further input rows, so memory sees it once. `inputs` is a constant at each call
// so that every count gets its own unrolled loop and no work is spent on absent inputs.
enum { MAX_INPUTS = 4, HALF = BLOCK / 2 };

__attribute__((target("avx512f,avx512bw,avx512vnni"), always_inline))
static inline void gemm_s4_vnni_pass(const uint8_t *panels, const float *scales, size_t rows, size_t groups, size_t b,
                                     const int8_t *const *xt, const int32_t *const *ct, const float *x_scales,
                                     float *y, size_t ldy, const size_t inputs) {
    const __m512i low = _mm512_set1_epi8(0x0F);
    for (size_t h = 0; h < BLOCK; h += HALF) {
        __m512 acc[HALF][MAX_INPUTS];
        for (size_t i = 0; i < HALF; i++)
            for (size_t t = 0; t < inputs; t++) acc[i][t] = _mm512_setzero_ps();
        for (size_t g = 0; g < groups; g++) {
            const uint8_t *p = panels + ((b * groups + g) * BLOCK + h) * PANEL_BYTES;
            const float *s = scales + (b * groups + g) * BLOCK + h;
            __m512i xlo[MAX_INPUTS], xhi[MAX_INPUTS];
            for (size_t t = 0; t < inputs; t++) {
                xlo[t] = _mm512_loadu_si512(xt[t] + g * GROUP);
                xhi[t] = _mm512_loadu_si512(xt[t] + g * GROUP + 64);
            }
            for (size_t i = 0; i < HALF; i++) {
                const __m512i u = _mm512_loadu_si512(p + i * PANEL_BYTES);
                _mm_prefetch((const char *)(p + i * PANEL_BYTES + PREFETCH_BYTES), _MM_HINT_T0);
                const __m512i lo = _mm512_and_si512(u, low), hi = _mm512_and_si512(_mm512_srli_epi16(u, 4), low);
                const __m512 scale = _mm512_set1_ps(s[i]);
                for (size_t t = 0; t < inputs; t++) {
                    __m512i dot = _mm512_zextsi128_si512(_mm_cvtsi32_si128(ct[t][g]));
                    dot = _mm512_dpbusd_epi32(dot, lo, xlo[t]);
                    dot = _mm512_dpbusd_epi32(dot, hi, xhi[t]);
                    acc[i][t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(dot), scale, acc[i][t]);
                }
            }
        }
        for (size_t i = 0; i < HALF; i++) {
            const size_t r = b * BLOCK + h + i;
            if (r >= rows) break;
            for (size_t t = 0; t < inputs; t++) y[t * ldy + r] = x_scales[t] * _mm512_reduce_add_ps(acc[i][t]);
        }
    }
}

__attribute__((target("avx512f,avx512bw,avx512vnni")))
static void gemm_s4_vnni(const uint8_t *panels, const float *scales, size_t rows, size_t groups, size_t b0,
                         size_t b1, const int8_t *x, size_t ldx, const float *x_scales, size_t count, float *y,
                         size_t ldy, const int32_t *corrections) {
    for (size_t b = b0; b < b1; b++) {
        for (size_t t0 = 0; t0 < count; t0 += MAX_INPUTS) {
            const size_t n = count - t0 < MAX_INPUTS ? count - t0 : MAX_INPUTS;
            const int8_t *xt[MAX_INPUTS];
            const int32_t *ct[MAX_INPUTS];
            for (size_t t = 0; t < n; t++) {
                xt[t] = x + (t0 + t) * ldx;
                ct[t] = corrections + (t0 + t) * groups;
            }
            float *yt = y + t0 * ldy;
            const float *st = x_scales + t0;
            switch (n) {
            case 4: gemm_s4_vnni_pass(panels, scales, rows, groups, b, xt, ct, st, yt, ldy, 4); break;
            case 3: gemm_s4_vnni_pass(panels, scales, rows, groups, b, xt, ct, st, yt, ldy, 3); break;
            case 2: gemm_s4_vnni_pass(panels, scales, rows, groups, b, xt, ct, st, yt, ldy, 2); break;
            default: gemm_s4_vnni_pass(panels, scales, rows, groups, b, xt, ct, st, yt, ldy, 1); break;
            }
        }
    }
}

// AVX2: four rows of a block against up to two input rows per pass (8 float accumulators; x is
// read from L1 rather than held in registers). Every (row, input) pair runs the very operations
// of gemv_s4_avx2 in the same order (exact int32 group sums, one FMA per group into the same
// lanes, the same final sum), so the outputs equal one product per input bit for bit, while the
// block (groups·512 bytes) stays in L1/L2 across the passes and memory sees the weights once.
enum { S4_AVX2_ROWS = 4, S4_AVX2_INPUTS = 2 };

__attribute__((target("avx2,fma"), always_inline))
static inline void gemm_s4_avx2_pass(const uint8_t *panels, const float *scales, size_t rows, size_t groups, size_t b,
                                     size_t h, const int8_t *const *xt, const int32_t *const *ct, const float *x_scales,
                                     float *const *yt, const size_t inputs) {
    const __m256i low = _mm256_set1_epi8(0x0F), ones = _mm256_set1_epi16(1);
    __m256 acc[S4_AVX2_ROWS][S4_AVX2_INPUTS];
    for (size_t i = 0; i < S4_AVX2_ROWS; i++)
        for (size_t t = 0; t < inputs; t++) acc[i][t] = _mm256_setzero_ps();
    for (size_t g = 0; g < groups; g++) {
        const uint8_t *p = panels + ((b * groups + g) * BLOCK + h) * PANEL_BYTES;
        const float *s = scales + (b * groups + g) * BLOCK + h;
        for (size_t i = 0; i < S4_AVX2_ROWS; i++) {
            const __m256i a = _mm256_loadu_si256((const __m256i *)(p + i * PANEL_BYTES));
            const __m256i c = _mm256_loadu_si256((const __m256i *)(p + i * PANEL_BYTES + 32));
            const __m256i a0 = _mm256_and_si256(a, low), c0 = _mm256_and_si256(c, low);
            const __m256i a1 = _mm256_and_si256(_mm256_srli_epi16(a, 4), low), c1 = _mm256_and_si256(_mm256_srli_epi16(c, 4), low);
            const __m256 scale = _mm256_set1_ps(s[i]);
            for (size_t t = 0; t < inputs; t++) {
                const int8_t *xg = xt[t] + g * GROUP;
                const __m256i start = _mm256_zextsi128_si256(_mm_cvtsi32_si128(ct[t][g]));
                __m256i s16 = _mm256_maddubs_epi16(a0, _mm256_loadu_si256((const __m256i *)xg));
                s16 = _mm256_add_epi16(s16, _mm256_maddubs_epi16(c0, _mm256_loadu_si256((const __m256i *)(xg + 32))));
                s16 = _mm256_add_epi16(s16, _mm256_maddubs_epi16(a1, _mm256_loadu_si256((const __m256i *)(xg + 64))));
                s16 = _mm256_add_epi16(s16, _mm256_maddubs_epi16(c1, _mm256_loadu_si256((const __m256i *)(xg + 96))));
                const __m256i dot = _mm256_add_epi32(start, _mm256_madd_epi16(s16, ones));
                acc[i][t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(dot), scale, acc[i][t]);
            }
        }
    }
    for (size_t i = 0; i < S4_AVX2_ROWS; i++) {
        const size_t r = b * BLOCK + h + i;
        if (r >= rows) break;
        for (size_t t = 0; t < inputs; t++) yt[t][r] = x_scales[t] * sotto_hsum256_ps(acc[i][t]);
    }
}

__attribute__((target("avx2,fma")))
static void gemm_s4_avx2(const uint8_t *panels, const float *scales, size_t rows, size_t groups, size_t b0, size_t b1,
                         const int8_t *x, size_t ldx, const float *x_scales, size_t count, float *y, size_t ldy,
                         const int32_t *corrections) {
    for (size_t b = b0; b < b1; b++) {
        _mm_prefetch((const char *)(panels + (b + 1) * groups * BLOCK * PANEL_BYTES), _MM_HINT_T0);
        for (size_t t0 = 0; t0 < count; t0 += S4_AVX2_INPUTS) {
            const size_t n = count - t0 < S4_AVX2_INPUTS ? count - t0 : S4_AVX2_INPUTS;
            const int8_t *xt[S4_AVX2_INPUTS];
            const int32_t *ct[S4_AVX2_INPUTS];
            float *yt[S4_AVX2_INPUTS];
            for (size_t t = 0; t < n; t++) {
                xt[t] = x + (t0 + t) * ldx;
                ct[t] = corrections + (t0 + t) * groups;
                yt[t] = y + (t0 + t) * ldy;
            }
            for (size_t h = 0; h < BLOCK; h += S4_AVX2_ROWS) {
                if (n == 2) gemm_s4_avx2_pass(panels, scales, rows, groups, b, h, xt, ct, x_scales + t0, yt, 2);
                else gemm_s4_avx2_pass(panels, scales, rows, groups, b, h, xt, ct, x_scales + t0, yt, 1);
            }
        }
    }
}

int sotto_gemm_s4(const uint8_t *panels, const float *scales, size_t rows, size_t cols, size_t block_begin,
                  size_t block_end, const int8_t *x, size_t ldx, const float *x_scales, size_t count, float *y,
                  size_t ldy, int path) {
    int best = sotto_int8_best_path();
    if (path > best) path = best;
    const size_t groups = count_groups(cols);
    // One input row is a plain product, which streams all 8 rows of a block at once.
    const int batched = (path == SOTTO_PATH_AVX512 || path == SOTTO_PATH_AVX2) && count > 1;
    int32_t *corrections = batched ? malloc(count * groups * sizeof(int32_t)) : NULL;
    if (corrections) {
        for (size_t t = 0; t < count; t++) offset_corrections(x + t * ldx, groups, corrections + t * groups);
        if (path == SOTTO_PATH_AVX512)
            gemm_s4_vnni(panels, scales, rows, groups, block_begin, block_end, x, ldx, x_scales, count, y, ldy, corrections);
        else
            gemm_s4_avx2(panels, scales, rows, groups, block_begin, block_end, x, ldx, x_scales, count, y, ldy, corrections);
        free(corrections);
        return path;
    }
    // Scalar: one matrix-vector product per input row (the weights are read `count` times).
    int used = path < 0 ? SOTTO_PATH_SCALAR : path;
    for (size_t t = 0; t < count; t++)
        used = sotto_gemv_s4(panels, scales, rows, cols, block_begin, block_end, x + t * ldx, x_scales[t], y + t * ldy, path);
    return used;
}
