#include "CKernels.h"
#include "gemm_s8.h"
#include <immintrin.h>
#include <string.h>
#include "horizontal_sums.h"

// Two weight rows of a panel block against up to eight input rows per pass: 16 accumulators,
// the two weight vectors and one input vector stay in registers. A block (8 rows) is a few KB,
// so its four passes after the first read it from L1/L2, not from memory.
__attribute__((target("avx512f,avx512bw,avx512vnni")))
static void gemm_s8_vnni(const int8_t *w, const float *row_scales, const int32_t *row_sums, size_t rows,
                         size_t cols, const int8_t *x, size_t ldx, const float *x_scales, size_t count, float *y,
                         size_t ldy) {
    const __m512i flip = _mm512_set1_epi8((char)0x80);
    const size_t chunks = sotto_s8_chunks(cols), step = SOTTO_S8_BLOCK_ROWS * SOTTO_S8_CHUNK;
    for (size_t r = 0; r < rows; r += 2) {
        const size_t pair = rows - r < 2 ? 1 : 2;
        const int8_t *block = w + (r / SOTTO_S8_BLOCK_ROWS) * chunks * step;
        const int8_t *w0 = block + (r % SOTTO_S8_BLOCK_ROWS) * SOTTO_S8_CHUNK, *w1 = w0 + SOTTO_S8_CHUNK;
        for (size_t t0 = 0; t0 < count; t0 += 8) {
            const size_t n = count - t0 < 8 ? count - t0 : 8;
            __m512i a0[8], a1[8];
            for (size_t i = 0; i < 8; i++) a0[i] = a1[i] = _mm512_setzero_si512();
            for (size_t c = 0; c < chunks; c++) {
                const size_t left = cols - c * SOTTO_S8_CHUNK;
                const __mmask64 m = left >= SOTTO_S8_CHUNK ? ~(__mmask64)0 : (((__mmask64)1 << left) - 1);
                // Panel padding is zero, so the second row of a block's last odd row is harmless.
                const __m512i v0 = _mm512_loadu_si512(w0 + c * step), v1 = _mm512_loadu_si512(w1 + c * step);
                for (size_t i = 0; i < n; i++) {
                    const __m512i xv = _mm512_xor_si512(_mm512_maskz_loadu_epi8(m, x + (t0 + i) * ldx + c * SOTTO_S8_CHUNK), flip);
                    a0[i] = _mm512_dpbusd_epi32(a0[i], xv, v0);
                    a1[i] = _mm512_dpbusd_epi32(a1[i], xv, v1);
                }
            }
            for (size_t i = 0; i < n; i++) {
                // (x + 128)·w summed, minus 128·Σw, is x·w exactly.
                float *out = y + (t0 + i) * ldy + r;
                const float s = x_scales[t0 + i];
                out[0] = row_scales[r] * s * (float)(_mm512_reduce_add_epi32(a0[i]) - 128 * row_sums[r]);
                if (pair == 2) out[1] = row_scales[r + 1] * s * (float)(_mm512_reduce_add_epi32(a1[i]) - 128 * row_sums[r + 1]);
            }
        }
    }
}

// AVX2 (no VNNI): two weight rows against up to four input rows per pass, 8 int32 accumulators.
// Products go through maddubs, which multiplies unsigned by signed bytes: |w| times x carrying
// w's sign. Each pair sum is at most 2·128·127 < 2^15 while x stays within ±127 (as
// sotto_quantize_s8 makes it), so nothing saturates and the integer sums, hence the outputs,
// equal the AVX2 matrix-vector kernel's bit for bit. A panel block (8 rows) stays in L1/L2 while
// every input row and row pair passes over it, so memory sees each weight once per call.
// `inputs` is a constant at each call so that each count gets its own unrolled loop.
enum { S8_AVX2_INPUTS = 4 };

__attribute__((target("avx2"), always_inline))
static inline void gemm_s8_avx2_pass(const int8_t *block, const float *row_scales, size_t r0, size_t block_rows,
                                     size_t chunks, size_t full, const int8_t *const *xs, const int8_t (*tails)[SOTTO_S8_CHUNK],
                                     const float *x_scales, float *const *ys, const size_t inputs) {
    const size_t step = SOTTO_S8_BLOCK_ROWS * SOTTO_S8_CHUNK;
    const __m256i ones = _mm256_set1_epi16(1);
    for (size_t i = 0; i < block_rows; i += 2) {
        const int8_t *w0 = block + i * SOTTO_S8_CHUNK, *w1 = w0 + SOTTO_S8_CHUNK;
        __m256i a0[S8_AVX2_INPUTS], a1[S8_AVX2_INPUTS];
        for (size_t t = 0; t < inputs; t++) a0[t] = a1[t] = _mm256_setzero_si256();
        for (size_t c = 0; c < chunks; c++) {
            for (size_t h = 0; h < SOTTO_S8_CHUNK; h += 32) {
                // Panel padding is zero, so the second row past a block's last odd row is harmless.
                const __m256i v0 = _mm256_loadu_si256((const __m256i *)(w0 + c * step + h));
                const __m256i v1 = _mm256_loadu_si256((const __m256i *)(w1 + c * step + h));
                const __m256i u0 = _mm256_abs_epi8(v0), u1 = _mm256_abs_epi8(v1);
                for (size_t t = 0; t < inputs; t++) {
                    const int8_t *xc = c < full ? xs[t] + c * SOTTO_S8_CHUNK : tails[t];
                    const __m256i xv = _mm256_loadu_si256((const __m256i *)(xc + h));
                    a0[t] = _mm256_add_epi32(a0[t], _mm256_madd_epi16(_mm256_maddubs_epi16(u0, _mm256_sign_epi8(xv, v0)), ones));
                    a1[t] = _mm256_add_epi32(a1[t], _mm256_madd_epi16(_mm256_maddubs_epi16(u1, _mm256_sign_epi8(xv, v1)), ones));
                }
            }
        }
        for (size_t t = 0; t < inputs; t++) {
            float *out = ys[t] + r0 + i;
            out[0] = row_scales[r0 + i] * x_scales[t] * (float)sotto_hsum256_epi32(a0[t]);
            if (i + 1 < block_rows) out[1] = row_scales[r0 + i + 1] * x_scales[t] * (float)sotto_hsum256_epi32(a1[t]);
        }
    }
}

__attribute__((target("avx2")))
static void gemm_s8_avx2(const int8_t *w, const float *row_scales, size_t rows, size_t cols, const int8_t *x, size_t ldx,
                         const float *x_scales, size_t count, float *y, size_t ldy) {
    const size_t chunks = sotto_s8_chunks(cols), full = cols / SOTTO_S8_CHUNK;
    const size_t block_bytes = chunks * SOTTO_S8_BLOCK_ROWS * SOTTO_S8_CHUNK;
    for (size_t r = 0; r < rows; r += SOTTO_S8_BLOCK_ROWS) {
        const int8_t *block = w + (r / SOTTO_S8_BLOCK_ROWS) * block_bytes;
        const size_t block_rows = rows - r < SOTTO_S8_BLOCK_ROWS ? rows - r : SOTTO_S8_BLOCK_ROWS;
        for (size_t t0 = 0; t0 < count; t0 += S8_AVX2_INPUTS) {
            const size_t n = count - t0 < S8_AVX2_INPUTS ? count - t0 : S8_AVX2_INPUTS;
            const int8_t *xs[S8_AVX2_INPUTS];
            float *ys[S8_AVX2_INPUTS];
            int8_t tails[S8_AVX2_INPUTS][SOTTO_S8_CHUNK];
            for (size_t t = 0; t < n; t++) {
                xs[t] = x + (t0 + t) * ldx;
                ys[t] = y + (t0 + t) * ldy;
                if (full < chunks) {
                    memset(tails[t], 0, SOTTO_S8_CHUNK);
                    memcpy(tails[t], xs[t] + full * SOTTO_S8_CHUNK, cols - full * SOTTO_S8_CHUNK);
                }
            }
            const float *xsc = x_scales + t0;
            switch (n) {
            case 4: gemm_s8_avx2_pass(block, row_scales, r, block_rows, chunks, full, xs, (const int8_t (*)[SOTTO_S8_CHUNK])tails, xsc, ys, 4); break;
            case 3: gemm_s8_avx2_pass(block, row_scales, r, block_rows, chunks, full, xs, (const int8_t (*)[SOTTO_S8_CHUNK])tails, xsc, ys, 3); break;
            case 2: gemm_s8_avx2_pass(block, row_scales, r, block_rows, chunks, full, xs, (const int8_t (*)[SOTTO_S8_CHUNK])tails, xsc, ys, 2); break;
            default: gemm_s8_avx2_pass(block, row_scales, r, block_rows, chunks, full, xs, (const int8_t (*)[SOTTO_S8_CHUNK])tails, xsc, ys, 1); break;
            }
        }
    }
}

int sotto_gemm_s8(const int8_t *w, const float *row_scales, const int32_t *row_sums, size_t rows, size_t cols,
                  const int8_t *x, size_t ldx, const float *x_scales, size_t count, float *y, size_t ldy, int path) {
    int best = sotto_int8_best_path();
    if (path > best) path = best;
    if (path == SOTTO_PATH_AVX512 && row_sums) {
        gemm_s8_vnni(w, row_scales, row_sums, rows, cols, x, ldx, x_scales, count, y, ldy);
        return path;
    }
    if (path == SOTTO_PATH_AVX2 && count > 1) {
        gemm_s8_avx2(w, row_scales, rows, cols, x, ldx, x_scales, count, y, ldy);
        return path;
    }
    // Scalar: one matrix-vector product per input row (the weights are read `count` times).
    int used = path;
    for (size_t t = 0; t < count; t++)
        used = sotto_gemv_s8(w, row_scales, row_sums, rows, cols, x + t * ldx, x_scales[t], y + t * ldy, path);
    return used;
}
