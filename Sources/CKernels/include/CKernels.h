#ifndef SOTTO_CKERNELS_H
#define SOTTO_CKERNELS_H
// Kernels Swift cannot emit: int8 and bf16 matrix-vector products with AVX-512 VNNI / BF16,
// chosen at run time, each with an AVX2 and a portable scalar path, plus half-precision
// conversions. Matrices are row-major [rows, cols] with rows packed densely (stride = cols).

#include <stddef.h>
#include <stdint.h>
#include "thread_pool.h"
#include "CKernelsTiles.h"
#include "conv1d_f32.h"
#include "gemm_s8.h"
#include "gemv_s4.h"
#include "conv1d_s16.h"
#include "conv1d_q8.h"
#include "linear_q8.h"
#include "snake.h"
#include "row_moments.h"

#ifdef __cplusplus
extern "C" {
#endif

/// Instruction paths. A request for a path the CPU lacks runs the best available one below it.
typedef enum {
    SOTTO_PATH_SCALAR = 0,
    SOTTO_PATH_AVX2 = 1,
    SOTTO_PATH_AVX512 = 2, ///< VNNI for int8, BF16 for bf16
    SOTTO_PATH_BEST = 3,
} sotto_path;

/// Kernel tiers, lowest first. A tier names the widest instructions the kernels may use; the
/// active tier is the CPU's best unless SOTTO_ISA names a lower one.
typedef enum {
    SOTTO_TIER_GENERIC = 0, ///< portable C only
    SOTTO_TIER_AVX2 = 1,    ///< AVX2 + FMA
    SOTTO_TIER_AVX512 = 2,  ///< AVX-512 F/BW/VL, with VNNI and BF16 where present
    SOTTO_TIER_AMX = 3,     ///< AVX-512 plus AMX bf16 tiles granted by the OS
} sotto_tier;

/// The best tier this CPU and OS support.
int sotto_cpu_tier(void);
/// The tier kernels run at: SOTTO_ISA's if it names one this CPU supports, else the CPU's.
int sotto_active_tier(void);
/// The tier a name ("generic", "avx2", "avx512", "amx") stands for, or -1.
int sotto_tier_named(const char *name);
/// The name of a tier.
const char *sotto_tier_name(int tier);
/// Whether the CPU has every AVX-512 subset OpenBLAS's SkylakeX kernels execute (F, BW, VL, DQ, CD).
int sotto_cpu_runs_skylakex_kernels(void);

/// Has every thread allocate from glibc's main heap instead of arenas of their own (each new
/// arena reserves 64 MB of address space at the moment a thread first finds the heap busy).
void sotto_use_one_malloc_arena(void);

/// Best path this CPU supports for the int8 kernels (AVX512 means AVX-512 VNNI + BW).
int sotto_int8_best_path(void);
/// Highest path this CPU supports for the bf16 kernels (AVX512 means AVX-512 BF16 + BW).
/// SOTTO_PATH_BEST nevertheless picks AVX2 for bf16 GEMV, which measured faster.
int sotto_bf16_best_path(void);

/// Symmetric per-vector quantisation: q[i] = round(x[i] / scale) in [-127, 127] with
/// scale = max|x| / 127 (1 when x is all zero). Returns scale.
float sotto_quantize_s8(const float *x, size_t n, int8_t *q);

/// Row sums of a row-major int8 matrix (the VNNI path uses them to correct its unsigned activations).
void sotto_s8_row_sums(const int8_t *w, size_t rows, size_t cols, int32_t *sums);

/// int8 weights for matrix-vector products live in panels: blocks of SOTTO_S8_BLOCK_ROWS rows; in
/// a block, for each chunk of SOTTO_S8_CHUNK columns, the rows' chunks one after another. A
/// product then reads the matrix as one sequential stream. Rows are padded to whole blocks and
/// columns to whole chunks with zeros.
#define SOTTO_S8_BLOCK_ROWS 8
#define SOTTO_S8_CHUNK 64
static inline size_t sotto_s8_blocks(size_t rows) { return (rows + SOTTO_S8_BLOCK_ROWS - 1) / SOTTO_S8_BLOCK_ROWS; }
static inline size_t sotto_s8_chunks(size_t cols) { return (cols + SOTTO_S8_CHUNK - 1) / SOTTO_S8_CHUNK; }
/// Bytes of the panels of a [rows, cols] matrix.
size_t sotto_s8_panel_bytes(size_t rows, size_t cols);
/// Copies row `r` (cols values) into zero-initialised panels, or back out of them.
void sotto_s8_pack_row(const int8_t *row, size_t r, size_t cols, int8_t *panels);
void sotto_s8_unpack_row(const int8_t *panels, size_t r, size_t cols, int8_t *row);

/// y[r] = row_scales[r] * x_scale * sum_c w[r, c] * x[c] for r < rows, w in panels starting at
/// a block boundary (pass the panels, scales, sums and y of the first block to work on a range
/// of blocks). Integer dot products are exact in int32 (cols <= 131072). row_sums may be NULL
/// (computed on the fly by the VNNI path). Returns the path that ran.
int sotto_gemv_s8(const int8_t *w, const float *row_scales, const int32_t *row_sums, size_t rows, size_t cols,
                  const int8_t *x, float x_scale, float *y, int path);

/// y[r] = sum_c bf16(w[r, c]) * x[c] with fp32 accumulation. The AVX-512 path splits x into
/// three bf16 parts (hi + mid + lo = x exactly) so that its products match fp32 arithmetic.
/// Returns the path that ran.
int sotto_gemv_bf16(const uint16_t *w, size_t rows, size_t cols, const float *x, float *y, int path);

/// IEEE half to float (F16C).
void sotto_f16_to_f32(const uint16_t *src, float *dst, size_t n);
/// Float to IEEE half, round to nearest even (F16C).
void sotto_f32_to_f16(const float *src, uint16_t *dst, size_t n);
/// bfloat16 to float (exact).
void sotto_bf16_to_f32(const uint16_t *src, float *dst, size_t n);
/// Float to bfloat16, round to nearest even; NaN stays NaN (quiet).
void sotto_f32_to_bf16(const float *src, uint16_t *dst, size_t n);

#ifdef __cplusplus
}
#endif
#endif
