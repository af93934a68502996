#ifndef SOTTO_CONV1D_S16_H
#define SOTTO_CONV1D_S16_H
// Integer 1-D convolution for CPUs without matrix tiles: 8-bit weights (as quantised exports
// store them: uint8 with one zero point and one scale per tensor) times 16-bit activations,
// summed exactly in int32. On AVX2 one `vpmaddwd` does 16 multiply-adds where an fp32 FMA does 8,
// and the weights stay one byte each. (With AVX-512 VNNI, IntegerConv1d runs conv1d_q8 instead.)
//
// The activation is quantised per call with one scale, its range chosen from the weights so that
// no int32 sum can overflow: with S = max over output channels of sum |w - zp| over (in, tap),
// |x_q| <= min(32767, (2^31 - 1) / S) bounds every sum by 2^31 - 1.

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Output channels per weight block.
#define SOTTO_CONV1D_S16_BLOCK 8
/// Time steps per register tile; the staged input must hold this many readable columns past
/// the last output column (plus the kernel's span).
#define SOTTO_CONV1D_S16_TILE 12

/// Bytes of packed weights for a [cout, cin, k] kernel.
size_t sotto_conv1d_u8_packed_bytes(int cout, int cin, int k);

/// Packs uint8 weights [cout, cin, k] (PyTorch layout, groups 1) into blocks of 8 output
/// channels, [ceil(cout/8)][k][ceil(cin/2)][8][2]: for each tap and pair of input channels, each
/// output channel's two weights side by side. Padding entries hold the zero point, so they add 0.
void sotto_conv1d_u8_pack(const uint8_t *weight, int cout, int cin, int k, uint8_t zero_point, uint8_t *packed);

/// Largest sum over (in, tap) of |w - zero_point| among the output channels.
int64_t sotto_conv1d_u8_row_abs_sum_max(const uint8_t *weight, int cout, int cin, int k, uint8_t zero_point);

/// Largest |x[i]| among the finite values (0 when there are none).
float sotto_abs_max_finite(const float *x, size_t n);

/// Quantises two float rows (b may be NULL for a zero channel) of `count` values into one
/// interleaved int16 row: out[2t] = round(a[t] * inverse_scale), out[2t + 1] = round(b[t] * ...),
/// clamped to [-limit, limit].
void sotto_s16_interleave_pair(const float *a, const float *b, int count, float inverse_scale, int limit,
                               int16_t *out);

/// Output columns t in [t0, t1) of a stride-1 convolution, for every output channel o:
///   v = scale * sum_c sum_j (w[o, c, j] - zp) * x_q[c, t + j * dilation] + bias[o]
///   out[o * ldo + t] = accumulate ? out[o * ldo + t] + v : v
/// `x` is the staged input: row p (stride `ldx` int16 pairs) interleaves channels 2p and 2p + 1;
/// it must be readable up to column (t1 rounded up to SOTTO_CONV1D_S16_TILE) + (k - 1) * dilation.
/// `bias` may be NULL. Returns the path that ran.
int sotto_conv1d_s16(const int16_t *x, ptrdiff_t ldx, int cin, int k, int dilation, const uint8_t *packed,
                     uint8_t zero_point, float scale, const float *bias, int cout, float *out, ptrdiff_t ldo,
                     int accumulate, int t0, int t1, int path);

/// Best path this CPU supports for the 16-bit integer convolution (AVX2 at most; with VNNI,
/// IntegerConv1d runs the byte kernel of conv1d_q8 instead, see sotto_conv1d_q8_path).
int sotto_conv1d_s16_best_path(void);

#ifdef __cplusplus
}
#endif
#endif
