#ifndef SOTTO_CKERNELS_H
#define SOTTO_CKERNELS_H
// Kernels Swift cannot emit: int8 and bf16 dot products with AVX-512 VNNI / BF16, chosen at run time.
#endif
