#ifndef SOTTO_CONV1D_Q8_H
#define SOTTO_CONV1D_Q8_H
// Integer 1-D convolution as quantised exports compute it (ONNX ConvInteger after
// DynamicQuantizeLinear): uint8 activations with one scale and zero point per tensor, times the
// export's uint8 weights with theirs, summed exactly in int32. One `vpdpbusd` does four
// multiply-adds per 32-bit lane and accumulates: 64 on AVX-512 VNNI, 32 on AVX-VNNI, where the
// 16-bit kernel's `vpmaddwd` + `vpaddd` do 16 in two instructions.
//
// `vpdpbusd` multiplies unsigned by signed bytes, so the weights are held as w - 128 and the sum
// is corrected exactly:
//   sum (x - zx)(w - zw) = sum x (w - 128) + (128 - zw) sum x - zx sum (w - zw)
// where sum x runs over the input columns an output reads (computed per call) and
// sum (w - zw) over an output channel's weights (computed once).

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Output channels per weight block, and time steps per register tile.
#define SOTTO_CONV1D_Q8_BLOCK 8
#define SOTTO_CONV1D_Q8_TILE 48

/// Bytes of packed weights for a [cout, cin, k] kernel.
size_t sotto_conv1d_q8_packed_bytes(int cout, int cin, int k);

/// Packs uint8 weights [cout, cin, k] (PyTorch layout) as int8 w - 128 in blocks of 8 output
/// channels, [ceil(cout/8)][k][ceil(cin/4)][8][4]: for each tap and group of four input
/// channels, each output channel's four weights side by side. Padding entries hold 0.
void sotto_conv1d_q8_pack(const uint8_t *weight, int cout, int cin, int k, int8_t *packed);

/// sum over (in, tap) of (w - zero_point), per output channel.
void sotto_conv1d_q8_weight_sums(const uint8_t *weight, int cout, int cin, int k, uint8_t zero_point, int32_t *sums);

/// Smallest and largest finite value of x (both 0 when there are none).
void sotto_min_max_finite(const float *x, size_t n, float *minimum, float *maximum);

/// Quantises up to four float rows (NULL: a channel that is not there, held at byte 0) of `count`
/// values into one row of four-byte groups: byte h of out[t] = clamp(round(rows[h][t] *
/// inverse_scale) + zero_point, 0, 255), rounding half to even.
void sotto_u8_interleave_quad(const float *row0, const float *row1, const float *row2, const float *row3,
                              int count, float inverse_scale, int zero_point, uint32_t *out);

/// Quantises `n` floats to bytes: out[i] = clamp(round(x[i] * inverse_scale) + zero_point, 0, 255),
/// rounding half to even (NaN gives 0).
void sotto_u8_quantize(const float *x, size_t n, float inverse_scale, int zero_point, uint8_t *out);

/// Output columns t in [t0, t1) of a stride-1 convolution, for every output channel o:
///   v = scale * sum_c sum_j (x_q[c, t + j d] - x_zp) (w[o, c, j] - w_zp) + bias[o]
///   out[o * ldo + t] = accumulate ? out[o * ldo + t] + v : v
/// `x` is the staged input: row q (stride `ldx` groups) holds channels 4q..4q+3 per column; it
/// must be readable up to column t0 + (t1 - t0 rounded up to SOTTO_CONV1D_Q8_TILE) +
/// (k - 1) * dilation. `bias` may be NULL. Runs the path sotto_conv1d_q8_path(path) names and
/// returns it; where that is -1 (no VNNI), does nothing.
int sotto_conv1d_q8(const uint32_t *x, ptrdiff_t ldx, int cin, int k, int dilation, const int8_t *packed,
                    const int32_t *weight_sums, uint8_t weight_zero_point, uint8_t x_zero_point, float scale,
                    const float *bias, int cout, float *out, ptrdiff_t ldo, int accumulate, int t0, int t1, int path);

/// The path the byte kernel runs for a requested one at the active tier: SOTTO_PATH_AVX512 with
/// AVX-512 VNNI, SOTTO_PATH_AVX2 with AVX-VNNI (VEX, 256 bits), else -1.
int sotto_conv1d_q8_path(int requested);

#ifdef __cplusplus
}
#endif
#endif
