#ifndef SOTTO_HORIZONTAL_SUMS_H
#define SOTTO_HORIZONTAL_SUMS_H
// Sums of the lanes of one AVX2 register, for the kernels' row epilogues (private to CKernels).
#include <immintrin.h>
#include <stdint.h>

__attribute__((target("avx2")))
static inline float sotto_hsum256_ps(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

__attribute__((target("avx2")))
static inline int32_t sotto_hsum256_epi32(__m256i v) {
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4e));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xb1));
    return _mm_cvtsi128_si32(s);
}

#endif
