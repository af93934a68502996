import CKernels

extension Int4Matrix {
    /// y `[T, rows]` = x `[T, cols]`·Wᵀ with each row of x quantised to int8 (per row, as
    /// ``multiply(_:into:path:)`` quantises its vector). With AVX-512 VNNI each block of weights
    /// streams from memory once for all T rows, so a prompt costs about one vector's traffic;
    /// elsewhere it is one product per row. Rows of `x` and `y` may be strided but must be dense.
    public func multiply(quantizingRows x: Tensor, into y: Tensor, path: KernelPath = .best) {
        precondition(x.rank == 2 && x.shape[1] == cols && x.hasDenseRows, "expected dense rows [T, \(cols)], got \(x.shape)")
        precondition(y.rank == 2 && y.shape == [x.shape[0], rows] && y.hasDenseRows,
                     "output should have dense rows [\(x.shape[0]), \(rows)], got \(y.shape)")
        let count = x.shape[0], ldx = paddedCols
        guard count > 0, rows > 0 else { return }
        var quantized = [Int8](repeating: 0, count: count * ldx)
        var inputScales = [Float](repeating: 1, count: count)
        withExtendedLifetime((x, y, panels)) {
            quantized.withUnsafeMutableBufferPointer { q in
                for t in 0..<count { inputScales[t] = sotto_quantize_s8(x.pointer + t * x.rowStride, cols, q.baseAddress! + t * ldx) }
            }
            quantized.withUnsafeBufferPointer { q in
                inputScales.withUnsafeBufferPointer { xs in
                    scales.withUnsafeBufferPointer { s in
                        let qp = q.baseAddress!, xsp = xs.baseAddress!, sp = s.baseAddress!
                        let panelBase = UnsafePointer(panels.baseAddress), yp = y.pointer, ldy = y.rowStride
                        let r = rows, c = cols
                        parallelFor(blocks, minimumPerThread: minimumBlocksPerThread()) { range in
                            _ = sotto_gemm_s4(panelBase, sp, r, c, range.lowerBound, range.upperBound, qp, ldx, xsp, count,
                                              yp, ldy, path.rawValue)
                        }
                    }
                }
            }
        }
    }
}
