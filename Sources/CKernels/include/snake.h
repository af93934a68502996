#ifndef SOTTO_SNAKE_H
#define SOTTO_SNAKE_H
// One channel of ChannelSnake on AVX-512: y = z + sin²(slope·z)·inverse with z = scale·x + shift,
// the sine computed as FastMath.sin does it (Cody–Waite reduction by π/2 in three parts, the
// same polynomials, the same order of operations and fused multiply-adds), so the result is
// that of the Swift 8-lane code, 16 lanes at a time. Lanes whose argument is beyond 1e6 in
// magnitude, infinite or NaN take libm's sinf, as FastMath's do.

#ifdef __cplusplus
extern "C" {
#endif

/// Whether the active tier runs this kernel (AVX-512).
int sotto_snake_available(void);

/// y[0..<n] = snake(x[0..<n]); y may be x. Does nothing where sotto_snake_available() is 0.
void sotto_snake_row(const float *x, float *y, int n, float scale, float shift, float slope, float inverse);

#ifdef __cplusplus
}
#endif
#endif
