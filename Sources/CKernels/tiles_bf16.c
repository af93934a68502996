#include "CKernelsTiles.h"
#include <immintrin.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define ARCH_REQ_XCOMP_PERM 0x1023
#define XFEATURE_XTILEDATA 18

int sotto_tiles_available(void) {
    static int cached = -1;
    if (cached < 0) {
        __builtin_cpu_init();
        int cpu = __builtin_cpu_supports("amx-tile") && __builtin_cpu_supports("amx-bf16") &&
                  __builtin_cpu_supports("avx512bf16") && __builtin_cpu_supports("avx512bw");
        // Linux hands out the 8 KB tile state only to processes that ask for it.
        cached = cpu && syscall(SYS_arch_prctl, ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA) == 0;
    }
    return cached;
}

static inline uint16_t to_bf16(float f) {
    uint32_t bits;
    memcpy(&bits, &f, 4);
    if ((bits & 0x7fffffff) > 0x7f800000) return (uint16_t)((bits >> 16) | 0x40);
    bits += 0x7fff + ((bits >> 16) & 1);
    return (uint16_t)(bits >> 16);
}

__attribute__((target("avx512f,avx512bw,avx512bf16")))
void sotto_tiles_pack_pairs(const float *x, size_t rows, size_t cols, size_t ldx, size_t lead,
                            uint16_t *dst, size_t ldd, size_t row_begin, size_t row_end) {
    for (size_t p = row_begin / 2; p < row_end / 2; p++) {
        uint32_t *row = (uint32_t *)(dst + p * ldd * 2);
        size_t r0 = 2 * p, r1 = 2 * p + 1;
        if (r0 >= rows) {
            memset(row, 0, ldd * 4);
            continue;
        }
        memset(row, 0, lead * 4);
        uint32_t *out = row + lead;
        size_t tail = ldd - lead;
        const float *a = x + r0 * ldx;
        const float *b = r1 < rows ? x + r1 * ldx : NULL;
        size_t c = 0;
        for (; c + 16 <= cols; c += 16) {
            __m512i lo = _mm512_cvtepu16_epi32((__m256i)_mm512_cvtneps_pbh(_mm512_loadu_ps(a + c)));
            __m512i hi = b ? _mm512_cvtepu16_epi32((__m256i)_mm512_cvtneps_pbh(_mm512_loadu_ps(b + c)))
                           : _mm512_setzero_si512();
            _mm512_storeu_si512(out + c, _mm512_or_si512(lo, _mm512_slli_epi32(hi, 16)));
        }
        for (; c < cols; c++) out[c] = (uint32_t)to_bf16(a[c]) | ((uint32_t)(b ? to_bf16(b[c]) : 0) << 16);
        for (; c < tail; c++) out[c] = 0;
    }
}

typedef struct {
    uint8_t palette;
    uint8_t start_row;
    uint8_t reserved[14];
    uint16_t colsb[16];
    uint8_t rows[16];
} tile_config;

// Tiles 0-3 accumulate a 32 x 32 block of y; 4-5 hold two 16-row slices of a, 6-7 two
// 16-column slices of b (16 row pairs each).
__attribute__((target("amx-tile,amx-bf16,avx512f")))
void sotto_tiles_conv_bf16(const uint16_t *a, size_t taps, size_t m_count, size_t k_count, const int64_t *offsets,
                           const uint16_t *b, size_t ldb, float *y, size_t ldy, size_t n_begin, size_t n_end) {
    tile_config config;
    memset(&config, 0, sizeof config);
    config.palette = 1;
    for (int t = 0; t < 8; t++) {
        config.colsb[t] = 64;
        config.rows[t] = 16;
    }
    _tile_loadconfig(&config);
    const size_t a_stride = k_count * 2, b_stride = ldb * 4, y_stride = ldy * 4;
    const size_t tap_size = m_count * k_count;
    // Column blocks of 32 in groups that keep their share of b in L2 while every row block of a
    // streams past it.
    const size_t group = 256;
    for (size_t g = n_begin; g < n_end; g += group) {
        size_t g_end = g + group < n_end ? g + group : n_end;
        for (size_t m0 = 0; m0 < m_count; m0 += 32) {
            for (size_t n0 = g; n0 < g_end; n0 += 32) {
                float *c = y + m0 * ldy + n0;
                _tile_loadd(0, c, y_stride);
                _tile_loadd(1, c + 16, y_stride);
                _tile_loadd(2, c + 16 * ldy, y_stride);
                _tile_loadd(3, c + 16 * ldy + 16, y_stride);
                for (size_t t = 0; t < taps; t++) {
                    const uint16_t *at = a + t * tap_size + m0 * k_count;
                    const uint16_t *bt = b + (n0 + (size_t)offsets[t]) * 2;
                    for (size_t k0 = 0; k0 < k_count; k0 += 32) {
                        _tile_loadd(4, at + k0, a_stride);
                        _tile_loadd(5, at + 16 * k_count + k0, a_stride);
                        const uint16_t *bk = bt + (k0 / 2) * ldb * 2;
                        _tile_loadd(6, bk, b_stride);
                        _tile_loadd(7, bk + 32, b_stride);
                        _tile_dpbf16ps(0, 4, 6);
                        _tile_dpbf16ps(1, 4, 7);
                        _tile_dpbf16ps(2, 5, 6);
                        _tile_dpbf16ps(3, 5, 7);
                    }
                }
                _tile_stored(0, c, y_stride);
                _tile_stored(1, c + 16, y_stride);
                _tile_stored(2, c + 16 * ldy, y_stride);
                _tile_stored(3, c + 16 * ldy + 16, y_stride);
            }
        }
    }
    _tile_release();
}
