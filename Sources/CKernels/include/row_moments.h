#ifndef SOTTO_ROW_MOMENTS_H
#define SOTTO_ROW_MOMENTS_H
// Mean, variance and extremes of one row, as instance norms need them: the mean first, then the
// biased variance as the mean of squared differences from it (two passes over the row, as exports
// of PyTorch's instance norm compute it, rather than E[x²] − E[x]²).

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Writes mean, biased variance, minimum and maximum of x[0..<n] (n > 0) into out[0..3].
/// `path` is a SOTTO_PATH_* value (AVX2 at most; the best the active tier allows).
/// Minimum and maximum are those of the non-NaN values.
void sotto_row_moments(const float *x, size_t n, int path, float out[4]);

#ifdef __cplusplus
}
#endif
#endif
