import CKernels

/// Instruction path for the C kernels; asking for one the CPU lacks runs the best one below it.
/// Tests force `.scalar` and `.avx2` to check every path against the same reference.
public enum KernelPath: Int32, Sendable, CaseIterable {
    case scalar = 0
    case avx2 = 1
    /// AVX-512 VNNI (int8) or AVX-512 BF16 (bf16).
    case avx512 = 2
    case best = 3

    /// Best path for the int8 kernels on this CPU.
    public static var bestInt8: KernelPath { KernelPath(rawValue: sotto_int8_best_path()) ?? .scalar }
    /// Highest path the bf16 kernels can use on this CPU (`.best` still runs AVX2 for bf16 GEMV,
    /// which measured faster than the AVX-512 BF16 path).
    public static var bestBFloat16: KernelPath { KernelPath(rawValue: sotto_bf16_best_path()) ?? .scalar }
}
