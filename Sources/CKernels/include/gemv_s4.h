#ifndef SOTTO_GEMV_S4_H
#define SOTTO_GEMV_S4_H
// 4-bit weights in panels, for decoding steps whose time is the bytes of weights streamed.
//
// W [rows, cols] is quantised symmetrically per (row, group of 128 columns): w ≈ s·q with q in
// [-8, 7], stored as the unsigned nibble u = q + 8. Rows are padded to a multiple of 8 (a block)
// and columns to a multiple of 128 with q = 0 and scale 0, so padding contributes exactly zero.
//
// Panel layout: for block b, group g, row i of the block: 64 bytes at ((b·groups + g)·8 + i)·64;
// byte j holds column g·128 + j in its low nibble and column g·128 + 64 + j in its high nibble.
// The whole matrix is then one sequential stream, which reads at the machine's full bandwidth
// where separate row-major rows do not. Scales are float32 in the same order, [blocks][groups][8].
//
// Activations are int8 from sotto_quantize_s8, padded with zeros to the padded column count.

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum { SOTTO_S4_BLOCK_ROWS = 8, SOTTO_S4_GROUP_COLS = 128 };

/// Quantises a row-major float matrix into panels (blocks·groups·8·64 bytes) and scales
/// (blocks·groups·8 floats), padding included. Each group takes the scale, among absmax/7 …
/// absmax/8, with the least squared error.
void sotto_quantize_s4_panels(const float *w, size_t rows, size_t cols, uint8_t *panels, float *scales);

/// y[r] = x_scale · Σ_g s[r, g] · Σ_{c in g} q[r, c]·x[c] for the real rows r (< rows) of blocks
/// block_begin..<block_end; y is indexed by row of the whole matrix. x holds the padded column
/// count of int8 values. Group sums are exact in int32. `path` as for sotto_gemv_s8; returns the
/// path that ran.
int sotto_gemv_s4(const uint8_t *panels, const float *scales, size_t rows, size_t cols, size_t block_begin,
                  size_t block_end, const int8_t *x, float x_scale, float *y, int path);

/// The same for `count` input rows at once: Y[t, r] for x rows ldx bytes apart (each padded as
/// above, scale x_scales[t]) and y rows ldy floats apart. On the VNNI path each block of weights
/// is read from memory once for all input rows; elsewhere this is one product per input row.
/// Returns the path that ran.
int sotto_gemm_s4(const uint8_t *panels, const float *scales, size_t rows, size_t cols, size_t block_begin,
                  size_t block_end, const int8_t *x, size_t ldx, const float *x_scales, size_t count, float *y,
                  size_t ldy, int path);

#ifdef __cplusplus
}
#endif
#endif
