#ifndef SOTTO_CONV1D_F32_H
#define SOTTO_CONV1D_F32_H
// Direct float32 1-D convolution for [channels, time] signals whose time axis is long compared
// with their channel count (vocoders): register tiles of 8 output channels by 48 time steps
// (AVX-512), 4 by 24 (AVX2) or 4 by 16 (portable) accumulate over every input channel and tap, so
// no im2col buffer and no packing of the signal happen per call. The vector paths sum each output
// in the same order (bias, then each input channel's taps in turn) with fused multiply-adds. The
// epilogue adds a residual and can accumulate into the output, which lets residual blocks skip
// separate passes over memory.

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Output channels per weight block.
#define SOTTO_CONV1D_BLOCK 8

/// Floats of packed weights for a [cout, cin, k] kernel.
size_t sotto_conv1d_packed_count(int cout, int cin, int k);

/// Packs a PyTorch Conv1d weight [cout, cin, k] (groups = 1) into blocks of 8 output channels,
/// [ceil(cout/8)][cin][k][8], zero-filling the rows past cout.
void sotto_conv1d_pack(const float *weight, int cout, int cin, int k, float *packed);

/// Output columns t in [t0, t1) of a stride-1 convolution, for every output channel o:
///   v = bias[o] + sum_c sum_j w[o, c, j] * x[c * ldx + t + j * dilation]
///   v += residual[o * ldr + t]                      (if residual is not NULL)
///   v = (accumulate ? out[o * ldo + t] + v : v) / divisor
///   out[o * ldo + t] = v < 0 ? v * slope : v        (slope 1: no activation)
/// `x` is the already padded (and activated) input: column t + j * dilation must exist for
/// every t < t1. `bias` may be NULL. `residual` may equal `out` only when accumulate is 0.
/// Returns the path that ran.
int sotto_conv1d_f32(const float *x, ptrdiff_t ldx, int cin, int k, int dilation, const float *packed,
                     const float *bias, int cout, const float *residual, ptrdiff_t ldr, float *out, ptrdiff_t ldo,
                     int accumulate, float divisor, float slope, int t0, int t1, int path);

/// Best path this CPU supports for the float convolution (AVX512 means AVX-512 F).
int sotto_conv1d_best_path(void);

#ifdef __cplusplus
}
#endif
#endif
