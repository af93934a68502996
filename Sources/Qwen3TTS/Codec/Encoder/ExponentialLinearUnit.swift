import SottoKernels

/// ELU with α = 1 (x for x > 0, eˣ − 1 otherwise), the SEANet encoder's activation, vectorised
/// over `[channels, time]` buffers. eˣ − 1 loses relative precision for tiny negative x compared
/// with `expm1`, but only below 1e-7 in absolute terms, far under the encoder's other rounding.
///
/// The exponential is its own, for x ≤ 0 only: clamping with the standard library's SIMD
/// `clamped` / `pointwiseMin` is a call that visits the lanes one by one, which made the ELU
/// passes a quarter of the whole encoder's time; here every step is a blend or a multiply-add.
struct ExponentialLinearUnit: VectorOperation {
    typealias Vector = SIMD8<Float>

    @inline(__always) func apply(_ v: Vector) -> Vector {
        v.replacing(with: Self.exponentialOfNonPositive(v) - 1, where: v .<= 0)
    }

    /// eˣ for x ≤ 0 (positive lanes give garbage the caller discards). Below −20, eˣ − 1 is −1
    /// in float32, so x is raised to −20 and 2ⁿ stays a normal number. x = n·ln 2 + r with
    /// |r| ≤ ln 2 / 2, eʳ by a degree-6 polynomial (relative error ~1e-7), then scaled by 2ⁿ
    /// through the exponent bits.
    @inline(__always) static func exponentialOfNonPositive(_ v: Vector) -> Vector {
        let x = v.replacing(with: -20, where: v .< -20)
        let magic = Vector(repeating: 12582912)  // 1.5·2²³: adding it rounds to an integer
        let shifted = x * 1.4426950408889634 + magic
        let n = shifted - magic
        var r = x.addingProduct(-n, Vector(repeating: 0.693145751953125))
        r = r.addingProduct(-n, Vector(repeating: 1.4286068203094172e-06))
        var p = Vector(repeating: 0.008368710987269878).addingProduct(r, Vector(repeating: 0.0013814604608342052))
        p = Vector(repeating: 0.04166838899254799).addingProduct(r, p)
        p = Vector(repeating: 0.1666652113199234).addingProduct(r, p)
        p = Vector(repeating: 0.4999999403953552).addingProduct(r, p)
        p = (Vector(repeating: 1) + r).addingProduct(r * r, p)
        let exponent = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- unsafeBitCast(magic, to: SIMD8<Int32>.self)
        return p * unsafeBitCast((exponent &+ 127) &<< 23, to: Vector.self)
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
