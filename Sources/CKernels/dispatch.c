#include "CKernels.h"
#include <stdlib.h>
#include <string.h>

// The tier is decided once per process: the CPU's best, or a lower one named by SOTTO_ISA.
// Every kernel's path is clamped to it, so one variable pins a whole run to a tier.

int sotto_cpu_tier(void) {
    static int cached = -1;
    if (cached < 0) {
        __builtin_cpu_init();
        int tier = SOTTO_TIER_GENERIC;
        if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) tier = SOTTO_TIER_AVX2;
        if (tier == SOTTO_TIER_AVX2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
            __builtin_cpu_supports("avx512vl"))
            tier = SOTTO_TIER_AVX512;
        if (tier == SOTTO_TIER_AVX512 && sotto_tiles_available()) tier = SOTTO_TIER_AMX;
        cached = tier;
    }
    return cached;
}

int sotto_cpu_runs_skylakex_kernels(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
           __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512cd");
}

int sotto_tier_named(const char *name) {
    if (!name) return -1;
    if (strcmp(name, "generic") == 0) return SOTTO_TIER_GENERIC;
    if (strcmp(name, "avx2") == 0) return SOTTO_TIER_AVX2;
    if (strcmp(name, "avx512") == 0) return SOTTO_TIER_AVX512;
    if (strcmp(name, "amx") == 0) return SOTTO_TIER_AMX;
    return -1;
}

const char *sotto_tier_name(int tier) {
    switch (tier) {
    case SOTTO_TIER_GENERIC: return "generic";
    case SOTTO_TIER_AVX2: return "avx2";
    case SOTTO_TIER_AVX512: return "avx512";
    case SOTTO_TIER_AMX: return "amx";
    default: return "unknown";
    }
}

int sotto_active_tier(void) {
    static int cached = -1;
    if (cached < 0) {
        int cpu = sotto_cpu_tier();
        int asked = sotto_tier_named(getenv("SOTTO_ISA"));
        // An unknown or unsupported request is refused by the command line before any kernel
        // runs; a library user who sets one anyway gets the CPU's own tier.
        cached = (asked >= 0 && asked <= cpu) ? asked : cpu;
    }
    return cached;
}

int sotto_int8_best_path(void) {
    static int cached = -1;
    if (cached < 0) {
        __builtin_cpu_init();
        int tier = sotto_active_tier();
        if (tier >= SOTTO_TIER_AVX512 && __builtin_cpu_supports("avx512vnni")) cached = SOTTO_PATH_AVX512;
        else if (tier >= SOTTO_TIER_AVX2) cached = SOTTO_PATH_AVX2;
        else cached = SOTTO_PATH_SCALAR;
    }
    return cached;
}

int sotto_bf16_best_path(void) {
    static int cached = -1;
    if (cached < 0) {
        __builtin_cpu_init();
        int tier = sotto_active_tier();
        if (tier >= SOTTO_TIER_AVX512 && __builtin_cpu_supports("avx512bf16")) cached = SOTTO_PATH_AVX512;
        else if (tier >= SOTTO_TIER_AVX2) cached = SOTTO_PATH_AVX2;
        else cached = SOTTO_PATH_SCALAR;
    }
    return cached;
}

int sotto_conv1d_best_path(void) {
    int tier = sotto_active_tier();
    return tier >= SOTTO_TIER_AVX512 ? SOTTO_PATH_AVX512 : tier >= SOTTO_TIER_AVX2 ? SOTTO_PATH_AVX2 : SOTTO_PATH_SCALAR;
}

int sotto_conv1d_s16_best_path(void) {
    return sotto_active_tier() >= SOTTO_TIER_AVX2 ? SOTTO_PATH_AVX2 : SOTTO_PATH_SCALAR;
}
