import CKernels

extension Int4Matrix {
    /// y `[T, rows]` = x `[T, cols]`·Wᵀ with each row of x quantised to int8 (per row, as
    /// ``multiply(_:into:path:)`` quantises its vector). With AVX-512 VNNI or AVX2 each block of
    /// weights streams from memory once for all T rows, so a prompt (or a batch of decoding
    /// steps) costs about one vector's traffic; the scalar path runs one product per row. Rows
    /// of `x` and `y` may be strided but must be dense.
    public func multiply(quantizingRows x: Tensor, into y: Tensor, path: KernelPath = .best) {
        let input = Int8Rows(productOf: x, into: y, rows: rows, cols: cols, stride: paddedCols)
        guard input.count > 0, rows > 0 else { return }
        withExtendedLifetime((y, panels)) {
            input.withPointers { qp, xsp in
                scales.withUnsafeBufferPointer { s in
                    let sp = s.baseAddress!, panelBase = UnsafePointer(panels.baseAddress), yp = y.pointer
                    let ldx = input.stride, ldy = y.rowStride, count = input.count, r = rows, c = cols
                    parallelFor(blocks, minimumPerThread: minimumBlocksPerThread()) { range in
                        _ = sotto_gemm_s4(panelBase, sp, r, c, range.lowerBound, range.upperBound, qp, ldx, xsp, count,
                                          yp, ldy, path.rawValue)
                    }
                }
            }
        }
    }
}
