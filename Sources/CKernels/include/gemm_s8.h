#ifndef SOTTO_GEMM_S8_H
#define SOTTO_GEMM_S8_H
#include <stddef.h>
#include <stdint.h>

/// Y[t, r] = row_scales[r] * x_scales[t] * sum_c W[r, c] * X[t, c] for int8 W [rows, cols] in
/// panels (see CKernels.h; start at a block boundary) and int8 X [count, cols] (rows ldx apart);
/// Y rows are ldy floats apart. Every weight row is read from memory once for all `count` input
/// rows, so a short prompt costs about one matrix-vector product of memory traffic.
/// row_sums[r] = sum_c W[r, c] (the VNNI path needs it). `path` as for sotto_gemv_s8; returns
/// the path used.
int sotto_gemm_s8(const int8_t *w, const float *row_scales, const int32_t *row_sums, size_t rows, size_t cols,
                  const int8_t *x, size_t ldx, const float *x_scales, size_t count, float *y, size_t ldy, int path);

#endif
