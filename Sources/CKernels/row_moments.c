#include "CKernels.h"
#include <immintrin.h>

static void moments_scalar(const float *x, size_t n, float out[4]) {
    float sum = 0.0f, lo = __builtin_inff(), hi = -__builtin_inff();
    for (size_t i = 0; i < n; i++) {
        sum += x[i];
        lo = x[i] < lo ? x[i] : lo;
        hi = x[i] > hi ? x[i] : hi;
    }
    float mean = sum / (float)n, squares = 0.0f;
    for (size_t i = 0; i < n; i++) squares += (x[i] - mean) * (x[i] - mean);
    out[0] = mean;
    out[1] = squares / (float)n;
    out[2] = lo;
    out[3] = hi;
}

static inline float sum8(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    return _mm_cvtss_f32(_mm_add_ss(s, _mm_movehdup_ps(s)));
}

// Two sums and two pairs of extremes per pass keep two loads in flight; the row is then read
// again (from cache for the rows instance norms see) for the squared differences.
__attribute__((target("avx2,fma")))
static void moments_avx2(const float *x, size_t n, float out[4]) {
    __m256 s0 = _mm256_setzero_ps(), s1 = s0;
    __m256 lo0 = _mm256_set1_ps(__builtin_inff()), lo1 = lo0, hi0 = _mm256_set1_ps(-__builtin_inff()), hi1 = hi0;
    size_t i = 0;
    // min/max take the second operand when either is NaN: the running extreme goes second, so a
    // NaN value is skipped rather than kept.
    for (; i + 16 <= n; i += 16) {
        __m256 a = _mm256_loadu_ps(x + i), b = _mm256_loadu_ps(x + i + 8);
        s0 = _mm256_add_ps(s0, a);
        s1 = _mm256_add_ps(s1, b);
        lo0 = _mm256_min_ps(a, lo0);
        lo1 = _mm256_min_ps(b, lo1);
        hi0 = _mm256_max_ps(a, hi0);
        hi1 = _mm256_max_ps(b, hi1);
    }
    float sum = sum8(_mm256_add_ps(s0, s1));
    float lanes_lo[8], lanes_hi[8];
    _mm256_storeu_ps(lanes_lo, _mm256_min_ps(lo0, lo1));
    _mm256_storeu_ps(lanes_hi, _mm256_max_ps(hi0, hi1));
    float lo = lanes_lo[0], hi = lanes_hi[0];
    for (int l = 1; l < 8; l++) {
        lo = lanes_lo[l] < lo ? lanes_lo[l] : lo;
        hi = lanes_hi[l] > hi ? lanes_hi[l] : hi;
    }
    for (; i < n; i++) {
        sum += x[i];
        lo = x[i] < lo ? x[i] : lo;
        hi = x[i] > hi ? x[i] : hi;
    }
    float mean = sum / (float)n;
    __m256 m = _mm256_set1_ps(mean), q0 = _mm256_setzero_ps(), q1 = q0;
    for (i = 0; i + 16 <= n; i += 16) {
        __m256 a = _mm256_sub_ps(_mm256_loadu_ps(x + i), m), b = _mm256_sub_ps(_mm256_loadu_ps(x + i + 8), m);
        q0 = _mm256_fmadd_ps(a, a, q0);
        q1 = _mm256_fmadd_ps(b, b, q1);
    }
    float squares = sum8(_mm256_add_ps(q0, q1));
    for (; i < n; i++) squares += (x[i] - mean) * (x[i] - mean);
    out[0] = mean;
    out[1] = squares / (float)n;
    out[2] = lo;
    out[3] = hi;
}

void sotto_row_moments(const float *x, size_t n, int path, float out[4]) {
    if (path >= SOTTO_PATH_AVX2 && sotto_active_tier() >= SOTTO_TIER_AVX2) moments_avx2(x, n, out);
    else moments_scalar(x, n, out);
}
