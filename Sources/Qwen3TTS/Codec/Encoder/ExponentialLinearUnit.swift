import SottoKernels

/// ELU with α = 1 (x for x > 0, eˣ − 1 otherwise), the SEANet encoder's activation, vectorised
/// over `[channels, time]` buffers. eˣ − 1 loses relative precision for tiny negative x compared
/// with `expm1`, but only below 1e-7 in absolute terms, far under the encoder's other rounding.
struct ExponentialLinearUnit: VectorOperation {
    @inline(__always) func apply(_ v: SIMD8<Float>) -> SIMD8<Float> {
        let negative = FastMath.exp(v.clamped(lowerBound: SIMD8(repeating: -104), upperBound: SIMD8(repeating: 0))) - 1
        return v.replacing(with: negative, where: v .<= 0)
    }

    /// ELU of `x` into `y` (same shape, dense rows; may be the same tensor).
    static func apply(_ x: Tensor, into y: Tensor) {
        precondition(x.shape == y.shape && x.rank == 2 && x.hasDenseRows && y.hasDenseRows, "ELU needs matching [C, T] tensors")
        let rows = x.shape[0], n = x.shape[1]
        withExtendedLifetime((x, y)) {
            parallelFor(rows, minimumPerThread: max(1, 16384 / max(n, 1))) { range in
                for r in range {
                    FastMath.map(x.pointer + r * x.rowStride, y.pointer + r * y.rowStride, count: n, ExponentialLinearUnit())
                }
            }
        }
    }
}
