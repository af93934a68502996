/// Numerically safe softmax (max subtracted, float accumulation) over rows of a matrix.
public enum Softmax {
    /// Softmax over `x[lower..<upper]` of a row of `count` floats; the rest of the row is set to 0
    /// (masked-out keys). An empty range leaves the row all zero.
    @inlinable
    public static func row(_ x: UnsafeMutablePointer<Float>, count: Int, validRange: Range<Int>? = nil) {
        let range = validRange ?? 0..<count
        if range.lowerBound > 0 { x.update(repeating: 0, count: range.lowerBound) }
        if range.upperBound < count { (x + range.upperBound).update(repeating: 0, count: count - range.upperBound) }
        guard !range.isEmpty else { return }
        let p = x + range.lowerBound
        let n = range.count
        var peak = -Float.infinity
        for i in 0..<n { peak = max(peak, p[i]) }
        if peak == -.infinity {
            // Every key masked by -inf: no distribution exists; zeros (rather than NaN) let the
            // caller's weighted sum produce zeros.
            p.update(repeating: 0, count: n)
            return
        }
        FastMath.map(p, p, count: n, ShiftedExponential(shift: peak))
        var sum: Float = 0
        for i in 0..<n { sum += p[i] }
        let inv = 1 / sum
        for i in 0..<n { p[i] *= inv }
    }

    /// Softmax over each row of a 2-D tensor, in place.
    public static func rows(_ x: Tensor) {
        precondition(x.rank == 2 && x.hasDenseRows, "softmax rows needs a 2-D tensor with dense rows")
        let cols = x.shape[1]
        withExtendedLifetime(x) {
            let base = x.pointer, stride = x.strides[0]
            parallelFor(x.shape[0], minimumPerThread: max(1, 8192 / max(cols, 1))) { range in
                for r in range { row(base + r * stride, count: cols) }
            }
        }
    }
}

/// e^(x − shift), lane-wise.
public struct ShiftedExponential: VectorOperation {
    public let shift: Float
    @inlinable public init(shift: Float) { self.shift = shift }
    @inlinable @inline(__always) public func apply(_ v: SIMD8<Float>) -> SIMD8<Float> { FastMath.exp(v - shift) }
}
