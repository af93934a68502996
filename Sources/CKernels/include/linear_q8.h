#ifndef SOTTO_LINEAR_Q8_H
#define SOTTO_LINEAR_Q8_H
// A Linear layer as int8 exports compute it (ONNX DynamicQuantizeLinear, then MatMulInteger
// with symmetric int8 weights, Cast, Mul by the product of the scales, Add the bias): uint8
// activations with one scale and zero point per tensor times int8 weights, summed exactly in
// int32. `vpdpbusd` multiplies unsigned by signed bytes, so the weights need no shift; the
// activations' zero point comes off as zx * sum_i w[o, i], computed once per layer.

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Outputs per packed weight block (one 512-bit register of int32 sums).
#define SOTTO_LINEAR_Q8_BLOCK 16

/// Bytes of packed weights for `out` outputs of `in` inputs.
size_t sotto_linear_q8_packed_bytes(int out, int in);

/// Packs int8 weights [out, in] (PyTorch's layout) in blocks of 16 outputs,
/// [ceil(out/16)][ceil(in/4)][16][4]: for each group of four inputs, each output's four weights
/// side by side. Padding entries hold 0. Also writes sums[o] = sum_i w[o, i].
void sotto_linear_q8_pack(const int8_t *weight, int out, int in, int8_t *packed, int32_t *sums);

/// The int8 weight w[o, i] back out of the packed form.
int8_t sotto_linear_q8_weight(const int8_t *packed, int in, int o, int i);

/// Rows [r0, r1) and output blocks [b0, b1) of
///   y[r, o] = (float)(sum_i (x[r, i] - x_zp) * w[o, i]) * (x_scale * w_scale[o]) + bias[o]
/// `x` holds uint8 rows `ldx` bytes apart, readable to the input count rounded up to 4 (the
/// extra bytes may hold anything: their weights are 0). `bias` may be NULL. Runs the path
/// sotto_linear_q8_path(path) names and returns it; where that is -1 (no VNNI), does nothing.
int sotto_linear_q8(const uint8_t *x, size_t ldx, int in, const int8_t *packed, const int32_t *sums,
                    const float *w_scale, float x_scale, uint8_t x_zero_point, const float *bias, int out,
                    float *y, size_t ldy, int r0, int r1, int b0, int b1, int path);

/// SOTTO_PATH_AVX512 where the requested path allows it and the CPU has AVX-512 VNNI, else -1.
int sotto_linear_q8_path(int requested);

#ifdef __cplusplus
}
#endif
#endif
