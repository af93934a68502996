import CKernels

/// The rows of an activation matrix quantised to int8 one by one (symmetric, per row, as a
/// decoding step quantises its vector), laid out as the integer matrices' row products read
/// them: each row `stride` values apart, zero beyond its `cols` values.
struct Int8Rows {
    let values: [Int8]
    let scales: [Float]
    let stride: Int
    var count: Int { scales.count }

    /// Checks `x` `[T, cols]` and `y` `[T, rows]` for a product with a `[rows, cols]` matrix and
    /// quantises the rows of `x`. Rows of either may be strided but must be dense.
    init(productOf x: Tensor, into y: Tensor, rows: Int, cols: Int, stride: Int) {
        precondition(x.rank == 2 && x.shape[1] == cols && x.hasDenseRows, "expected dense rows [T, \(cols)], got \(x.shape)")
        precondition(y.rank == 2 && y.shape == [x.shape[0], rows] && y.hasDenseRows,
                     "output should have dense rows [\(x.shape[0]), \(rows)], got \(y.shape)")
        precondition(stride >= cols)
        let count = x.shape[0]
        var values = [Int8](repeating: 0, count: count * stride)
        var scales = [Float](repeating: 1, count: count)
        withExtendedLifetime(x) {
            values.withUnsafeMutableBufferPointer { q in
                for t in 0..<count { scales[t] = sotto_quantize_s8(x.pointer + t * x.rowStride, cols, q.baseAddress! + t * stride) }
            }
        }
        self.values = values
        self.scales = scales
        self.stride = stride
    }

    func withPointers<R>(_ body: (_ values: UnsafePointer<Int8>, _ scales: UnsafePointer<Float>) -> R) -> R {
        values.withUnsafeBufferPointer { v in scales.withUnsafeBufferPointer { s in body(v.baseAddress!, s.baseAddress!) } }
    }
}
