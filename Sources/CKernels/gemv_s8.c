#include "CKernels.h"
#include <immintrin.h>
#include "horizontal_sums.h"
#include <math.h>
#include <string.h>

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

size_t sotto_s8_panel_bytes(size_t rows, size_t cols) {
    return sotto_s8_blocks(rows) * sotto_s8_chunks(cols) * SOTTO_S8_BLOCK_ROWS * SOTTO_S8_CHUNK;
}

void sotto_s8_pack_row(const int8_t *row, size_t r, size_t cols, int8_t *panels) {
    const size_t chunks = sotto_s8_chunks(cols);
    int8_t *block = panels + (r / SOTTO_S8_BLOCK_ROWS) * chunks * SOTTO_S8_BLOCK_ROWS * SOTTO_S8_CHUNK;
    for (size_t c = 0; c < chunks; c++) {
        int8_t *dst = block + (c * SOTTO_S8_BLOCK_ROWS + r % SOTTO_S8_BLOCK_ROWS) * SOTTO_S8_CHUNK;
        size_t n = cols - c * SOTTO_S8_CHUNK < SOTTO_S8_CHUNK ? cols - c * SOTTO_S8_CHUNK : SOTTO_S8_CHUNK;
        memcpy(dst, row + c * SOTTO_S8_CHUNK, n);
    }
}

void sotto_s8_unpack_row(const int8_t *panels, size_t r, size_t cols, int8_t *row) {
    const size_t chunks = sotto_s8_chunks(cols);
    const int8_t *block = panels + (r / SOTTO_S8_BLOCK_ROWS) * chunks * SOTTO_S8_BLOCK_ROWS * SOTTO_S8_CHUNK;
    for (size_t c = 0; c < chunks; c++) {
        const int8_t *src = block + (c * SOTTO_S8_BLOCK_ROWS + r % SOTTO_S8_BLOCK_ROWS) * SOTTO_S8_CHUNK;
        size_t n = cols - c * SOTTO_S8_CHUNK < SOTTO_S8_CHUNK ? cols - c * SOTTO_S8_CHUNK : SOTTO_S8_CHUNK;
        memcpy(row + c * SOTTO_S8_CHUNK, src, n);
    }
}

// The weights of row `i` of a block, chunk `c`.
#define PANEL(block, c, i) ((block) + ((c) * SOTTO_S8_BLOCK_ROWS + (i)) * SOTTO_S8_CHUNK)

static void gemv_s8_scalar(const int8_t *w, const float *row_scales, size_t rows, size_t cols, const int8_t *x,
                           float x_scale, float *y) {
    const size_t chunks = sotto_s8_chunks(cols);
    for (size_t r = 0; r < rows; r++) {
        const int8_t *block = w + (r / SOTTO_S8_BLOCK_ROWS) * chunks * SOTTO_S8_BLOCK_ROWS * SOTTO_S8_CHUNK;
        int32_t s = 0;
        for (size_t c = 0; c < cols; c++)
            s += (int32_t)PANEL(block, c / SOTTO_S8_CHUNK, r % SOTTO_S8_BLOCK_ROWS)[c % SOTTO_S8_CHUNK] * (int32_t)x[c];
        y[r] = row_scales[r] * x_scale * (float)s;
    }
}

// Sign-extends 16 bytes to int16 and multiplies pairwise into int32 (exact for all int8 values).
// The 64 x values of a chunk are widened once and serve the block's eight rows.
__attribute__((target("avx2")))
static void gemv_s8_avx2(const int8_t *w, const float *row_scales, size_t rows, size_t cols, const int8_t *x,
                         float x_scale, float *y) {
    const size_t chunks = sotto_s8_chunks(cols), full = cols / SOTTO_S8_CHUNK;
    int8_t tail[SOTTO_S8_CHUNK] = {0};
    if (full < chunks) memcpy(tail, x + full * SOTTO_S8_CHUNK, cols - full * SOTTO_S8_CHUNK);
    for (size_t r = 0; r < rows; r += SOTTO_S8_BLOCK_ROWS) {
        const int8_t *block = w + (r / SOTTO_S8_BLOCK_ROWS) * chunks * SOTTO_S8_BLOCK_ROWS * SOTTO_S8_CHUNK;
        __m256i acc[SOTTO_S8_BLOCK_ROWS];
        for (int i = 0; i < SOTTO_S8_BLOCK_ROWS; i++) acc[i] = _mm256_setzero_si256();
        for (size_t c = 0; c < chunks; c++) {
            const int8_t *xc = c < full ? x + c * SOTTO_S8_CHUNK : tail;
            __m256i xv[4];
            for (int k = 0; k < 4; k++) xv[k] = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(xc + 16 * k)));
            for (int i = 0; i < SOTTO_S8_BLOCK_ROWS; i++) {
                const int8_t *p = PANEL(block, c, i);
                for (int k = 0; k < 4; k++) {
                    __m256i wv = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(p + 16 * k)));
                    acc[i] = _mm256_add_epi32(acc[i], _mm256_madd_epi16(wv, xv[k]));
                }
            }
        }
        size_t count = rows - r < SOTTO_S8_BLOCK_ROWS ? rows - r : SOTTO_S8_BLOCK_ROWS;
        for (size_t i = 0; i < count; i++) y[r + i] = row_scales[r + i] * x_scale * (float)sotto_hsum256_epi32(acc[i]);
    }
}

// vpdpbusd multiplies unsigned by signed bytes: feed x + 128 (a sign-bit flip) and subtract
// 128 * rowsum(w) afterwards. The block's chunks follow each other in memory, so the whole
// matrix is one sequential stream that the hardware prefetcher keeps ahead of the arithmetic
// (separate row streams reached two thirds of the bandwidth).
__attribute__((target("avx512f,avx512bw,avx512vnni")))
static void gemv_s8_vnni(const int8_t *w, const float *row_scales, const int32_t *row_sums, size_t rows,
                         size_t cols, const int8_t *x, float x_scale, float *y) {
    const __m512i flip = _mm512_set1_epi8((char)0x80);
    const __m512i ones = _mm512_set1_epi8(1);
    const size_t chunks = sotto_s8_chunks(cols);
    const __mmask64 last = cols % SOTTO_S8_CHUNK ? (((__mmask64)1 << (cols % SOTTO_S8_CHUNK)) - 1) : ~(__mmask64)0;
    for (size_t r = 0; r < rows; r += SOTTO_S8_BLOCK_ROWS) {
        const int8_t *p = w + (r / SOTTO_S8_BLOCK_ROWS) * chunks * SOTTO_S8_BLOCK_ROWS * SOTTO_S8_CHUNK;
        __m512i acc[SOTTO_S8_BLOCK_ROWS], sum[SOTTO_S8_BLOCK_ROWS];
        for (int i = 0; i < SOTTO_S8_BLOCK_ROWS; i++) acc[i] = sum[i] = _mm512_setzero_si512();
        for (size_t c = 0; c < chunks; c++, p += SOTTO_S8_BLOCK_ROWS * SOTTO_S8_CHUNK) {
            __mmask64 m = c + 1 < chunks ? ~(__mmask64)0 : last;
            __m512i xv = _mm512_xor_si512(_mm512_maskz_loadu_epi8(m, x + c * SOTTO_S8_CHUNK), flip);
            for (int i = 0; i < SOTTO_S8_BLOCK_ROWS; i++) {
                __m512i wv = _mm512_loadu_si512(p + i * SOTTO_S8_CHUNK);
                acc[i] = _mm512_dpbusd_epi32(acc[i], xv, wv);
                if (!row_sums) sum[i] = _mm512_dpbusd_epi32(sum[i], ones, wv);
            }
        }
        size_t count = rows - r < SOTTO_S8_BLOCK_ROWS ? rows - r : SOTTO_S8_BLOCK_ROWS;
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
