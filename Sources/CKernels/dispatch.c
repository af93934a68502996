#include "CKernels.h"

int sotto_int8_best_path(void) {
    static int cached = -1;
    if (cached < 0) {
        __builtin_cpu_init();
        if (__builtin_cpu_supports("avx512vnni") && __builtin_cpu_supports("avx512bw")) cached = SOTTO_PATH_AVX512;
        else if (__builtin_cpu_supports("avx2")) cached = SOTTO_PATH_AVX2;
        else cached = SOTTO_PATH_SCALAR;
    }
    return cached;
}

int sotto_bf16_best_path(void) {
    static int cached = -1;
    if (cached < 0) {
        __builtin_cpu_init();
        if (__builtin_cpu_supports("avx512bf16") && __builtin_cpu_supports("avx512bw")) cached = SOTTO_PATH_AVX512;
        else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) cached = SOTTO_PATH_AVX2;
        else cached = SOTTO_PATH_SCALAR;
    }
    return cached;
}
