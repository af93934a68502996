import CKernels

extension Int8Matrix {
    /// y `[T, rows]` = x `[T, cols]`·Wᵀ with each row of x quantised to int8 (symmetric, per row,
    /// as ``multiply(_:into:path:)`` quantises its vector). The weights stream from memory once
    /// for all T rows, so a prompt of a few dozen rows costs little more than one vector, where
    /// expanding the weights to floats for sgemm costs several times that. Rows of `x` and `y`
    /// may be strided but must be dense.
    public func multiply(quantizingRows x: Tensor, into y: Tensor, path: KernelPath = .best) {
        let input = Int8Rows(productOf: x, into: y, rows: rows, cols: cols, stride: cols)
        guard input.count > 0, rows > 0 else { return }
        withExtendedLifetime(y) {
            input.withPointers { qp, xsp in
                let yp = y.pointer, ldy = y.rowStride, count = input.count, c = cols
                forEachBlockRange(minimumBytesPerThread: 1 << 18) { range, panels, scales, sums in
                    _ = sotto_gemm_s8(panels, scales, sums, range.count, c, qp, c, xsp, count, yp + range.lowerBound, ldy,
                                      path.rawValue)
                }
            }
        }
    }
}
