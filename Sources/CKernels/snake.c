#include "CKernels.h"
#include <immintrin.h>
#include <math.h>
#include <string.h>

// The tier guarantees AVX-512 F/BW/VL; the kernel is compiled for DQ too, so it asks for it.
int sotto_snake_available(void) {
    static int available = -1;
    if (available < 0) {
        __builtin_cpu_init();
        available = sotto_active_tier() >= SOTTO_TIER_AVX512 && __builtin_cpu_supports("avx512dq");
    }
    return available;
}

// FastMath's constants (see FastMath.swift).
#define HALF_PI_1 1.5707963705062866f
#define HALF_PI_2 -4.371139000186241e-08f
#define HALF_PI_3 -1.7151245100059143e-15f
#define ROUNDING_MAGIC 12582912.0f
#define FAST_LIMIT 1e6f

__attribute__((target("avx512f,avx512dq")))
static inline __m512 snake16(__m512 x, __m512 scale, __m512 shift, __m512 slope, __m512 inverse) {
    __m512 z = _mm512_add_ps(_mm512_mul_ps(x, scale), shift);
    __m512 a = _mm512_mul_ps(z, slope);
    __m512 magic = _mm512_set1_ps(ROUNDING_MAGIC);
    __m512 shifted = _mm512_add_ps(_mm512_mul_ps(a, _mm512_set1_ps(0.63661977236758134f)), magic);
    __m512 k = _mm512_sub_ps(shifted, magic);
    __m512 r = _mm512_fmadd_ps(_mm512_sub_ps(_mm512_setzero_ps(), k), _mm512_set1_ps(HALF_PI_1), a);
    r = _mm512_fmadd_ps(_mm512_sub_ps(_mm512_setzero_ps(), k), _mm512_set1_ps(HALF_PI_2), r);
    r = _mm512_fmadd_ps(_mm512_sub_ps(_mm512_setzero_ps(), k), _mm512_set1_ps(HALF_PI_3), r);
    __m512 r2 = _mm512_mul_ps(r, r);
    __m512 ps = _mm512_fmadd_ps(r2, _mm512_set1_ps(-0.0001951729936990887f), _mm512_set1_ps(0.008332177996635437f));
    ps = _mm512_fmadd_ps(r2, ps, _mm512_set1_ps(-0.16666655242443085f));
    __m512 s = _mm512_fmadd_ps(_mm512_mul_ps(r, r2), ps, r);
    __m512 pc = _mm512_fmadd_ps(r2, _mm512_set1_ps(2.4438446416752413e-05f), _mm512_set1_ps(-0.001388736767694354f));
    pc = _mm512_fmadd_ps(r2, pc, _mm512_set1_ps(0.04166664555668831f));
    __m512 c = _mm512_fmadd_ps(_mm512_mul_ps(r2, r2), pc, _mm512_fmadd_ps(r2, _mm512_set1_ps(-0.5f), _mm512_set1_ps(1.0f)));
    __m512i q = _mm512_and_si512(_mm512_castps_si512(shifted), _mm512_set1_epi32(3));
    // Odd quadrants swap sine and cosine; quadrants 2 and 3 flip the sign.
    __mmask16 swap = _mm512_test_epi32_mask(q, _mm512_set1_epi32(1));
    __m512i sign = _mm512_slli_epi32(_mm512_and_si512(q, _mm512_set1_epi32(2)), 30);
    __m512 sine = _mm512_castsi512_ps(_mm512_xor_si512(_mm512_castps_si512(_mm512_mask_blend_ps(swap, s, c)), sign));
    // Lanes beyond the fast range (and NaN, which fails the comparison) take libm.
    __mmask16 fast = _mm512_cmp_ps_mask(_mm512_abs_ps(a), _mm512_set1_ps(FAST_LIMIT), _CMP_LE_OQ);
    if (fast != 0xffff) {
        float args[16], values[16];
        _mm512_storeu_ps(args, a);
        _mm512_storeu_ps(values, sine);
        for (int i = 0; i < 16; i++)
            if (!(fast >> i & 1)) values[i] = sinf(args[i]);
        sine = _mm512_loadu_ps(values);
    }
    return _mm512_fmadd_ps(_mm512_mul_ps(sine, sine), inverse, z);
}

__attribute__((target("avx512f,avx512dq")))
void sotto_snake_row(const float *x, float *y, int n, float scale, float shift, float slope, float inverse) {
    if (!sotto_snake_available()) return;
    __m512 vs = _mm512_set1_ps(scale), vh = _mm512_set1_ps(shift), va = _mm512_set1_ps(slope), vi = _mm512_set1_ps(inverse);
    int i = 0;
    for (; i + 16 <= n; i += 16) _mm512_storeu_ps(y + i, snake16(_mm512_loadu_ps(x + i), vs, vh, va, vi));
    if (i < n) {
        __mmask16 tail = (__mmask16)((1u << (n - i)) - 1);
        _mm512_mask_storeu_ps(y + i, tail, snake16(_mm512_maskz_loadu_ps(tail, x + i), vs, vh, va, vi));
    }
}
