#ifndef SOTTO_CKERNELS_TILES_H
#define SOTTO_CKERNELS_TILES_H
// Matrix products on Intel AMX bf16 tiles (Sapphire Rapids and later), for convolutions whose
// every tap is one [out, in] x [in, time] product. Used only when sotto_tiles_available()
// says so; callers keep an fp32 path for every other CPU.

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// 1 when the CPU has AMX-TILE, AMX-BF16 and AVX512-BF16 and the OS granted this process the
/// tile state (requested once, on the first call); 0 otherwise.
int sotto_tiles_available(void);

/// Packs rows [row_begin, row_end) of the fp32 matrix x (row stride ldx) into the tiles' B
/// layout, shifted right by `lead` columns: pairs of consecutive rows interleaved,
/// dst[(r / 2) * ldd * 2 + (lead + c) * 2 + r % 2] = bf16(x[r, c]) (round to nearest even) for
/// c < cols. Columns below lead and from lead + cols up to ldd are zero, and so are rows from
/// `rows` on. row_begin and row_end are even; rows past row_end are not touched.
void sotto_tiles_pack_pairs(const float *x, size_t rows, size_t cols, size_t ldx, size_t lead,
                            uint16_t *dst, size_t ldd, size_t row_begin, size_t row_end);

/// y[m, n] += sum over taps t and k of a[t][m, k] * b[k, n + offsets[t]] for n in
/// [n_begin, n_end), every m < m_count, with fp32 accumulation in the tiles.
/// a: taps x [m_count, k_count] bf16, row-major; b: packed by sotto_tiles_pack_pairs with row
/// length ldb (columns n + offsets[t] must lie below ldb); y: fp32, row stride ldy.
/// Requires m_count % 32 == 0, k_count % 32 == 0 and (n_end - n_begin) % 32 == 0.
void sotto_tiles_conv_bf16(const uint16_t *a, size_t taps, size_t m_count, size_t k_count, const int64_t *offsets,
                           const uint16_t *b, size_t ldb, float *y, size_t ldy, size_t n_begin, size_t n_end);

#ifdef __cplusplus
}
#endif
#endif
