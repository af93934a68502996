import CKernels

extension Int8Matrix {
    /// y `[T, rows]` = x `[T, cols]`·Wᵀ with each row of x quantised to int8 (symmetric, per row,
    /// as ``multiply(_:into:path:)`` quantises its vector). The weights stream from memory once
    /// for all T rows, so a prompt of a few dozen rows costs little more than one vector, where
    /// expanding the weights to floats for sgemm costs several times that. Rows of `x` and `y`
    /// may be strided but must be dense.
    public func multiply(quantizingRows x: Tensor, into y: Tensor, path: KernelPath = .best) {
        precondition(x.rank == 2 && x.shape[1] == cols && x.hasDenseRows, "expected dense rows [T, \(cols)], got \(x.shape)")
        precondition(y.rank == 2 && y.shape == [x.shape[0], rows] && y.hasDenseRows,
                     "output should have dense rows [\(x.shape[0]), \(rows)], got \(y.shape)")
        let count = x.shape[0], c = cols
        guard count > 0, rows > 0 else { return }
        var quantized = [Int8](repeating: 0, count: count * c)
        var inputScales = [Float](repeating: 1, count: count)
        withExtendedLifetime((x, y)) {
            quantized.withUnsafeMutableBufferPointer { q in
                for t in 0..<count { inputScales[t] = sotto_quantize_s8(x.pointer + t * x.rowStride, c, q.baseAddress! + t * c) }
            }
            quantized.withUnsafeBufferPointer { q in
                inputScales.withUnsafeBufferPointer { xs in
                    let qp = q.baseAddress!, xsp = xs.baseAddress!, yp = y.pointer, ldy = y.rowStride
                    forEachBlockRange(minimumBytesPerThread: 1 << 18) { range, panels, scales, sums in
                        _ = sotto_gemm_s8(panels, scales, sums, range.count, c, qp, c, xsp, count, yp + range.lowerBound, ldy,
                                          path.rawValue)
                    }
                }
            }
        }
    }
}
