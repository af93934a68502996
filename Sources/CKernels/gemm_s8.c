#include "CKernels.h"
#include "gemm_s8.h"
#include <immintrin.h>

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

int sotto_gemm_s8(const int8_t *w, const float *row_scales, const int32_t *row_sums, size_t rows, size_t cols,
                  const int8_t *x, size_t ldx, const float *x_scales, size_t count, float *y, size_t ldy, int path) {
    int best = sotto_int8_best_path();
    if (path > best) path = best;
    if (path == SOTTO_PATH_AVX512 && row_sums) {
        gemm_s8_vnni(w, row_scales, row_sums, rows, cols, x, ldx, x_scales, count, y, ldy);
        return path;
    }
    // Elsewhere one matrix-vector product per input row (the weights are read `count` times).
    int used = path;
    for (size_t t = 0; t < count; t++)
        used = sotto_gemv_s8(w, row_scales, row_sums, rows, cols, x + t * ldx, x_scales[t], y + t * ldy, path);
    return used;
}
