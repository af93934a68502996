/// Products of a low-precision weight matrix with several input rows at once (a prompt rather
/// than one decoding step). Blocks of weight rows are expanded to float32 in the workspace and
/// multiplied by every input row with one sgemm, so the compressed matrix is read once for all
/// rows and the arithmetic runs at sgemm speed. Inputs are used as they are (not quantised):
/// each output is the float32 product with the dequantised weights.
extension Int8Matrix {
    /// y `[T, rows]` = x `[T, cols]` · Wᵀ. Rows of `x` and `y` may be strided.
    public func multiply(rows x: Tensor, into y: Tensor, workspace: Workspace) {
        QuantizedRows.blocked(x, y, rows: rows, cols: cols, workspace: workspace) { first, count, out in
            dequantizeRows(first..<first + count, into: out)
        }
    }
}

extension BFloat16Matrix {
    /// y `[T, rows]` = x `[T, cols]` · Wᵀ. Rows of `x` and `y` may be strided.
    public func multiply(rows x: Tensor, into y: Tensor, workspace: Workspace) {
        bits.withUnsafeBufferPointer { b in
            let bp = b.baseAddress!, c = cols
            QuantizedRows.blocked(x, y, rows: rows, cols: cols, workspace: workspace) { first, count, out in
                HalfPrecision.bfloat16ToFloat(bp + first * c, out, count: count * c)
            }
        }
    }
}

enum QuantizedRows {
    /// Weight rows expanded per block: about 1 MB of floats, which stays in a core's L2 while
    /// sgemm reads it once per input row.
    static let blockFloats = 1 << 18

    static func blocked(_ x: Tensor, _ y: Tensor, rows: Int, cols: Int, workspace: Workspace,
                        expand: (_ firstRow: Int, _ count: Int, _ into: UnsafeMutablePointer<Float>) -> Void) {
        precondition(x.rank == 2 && x.shape[1] == cols && x.hasDenseRows, "expected dense rows [T, \(cols)], got \(x.shape)")
        precondition(y.rank == 2 && y.shape == [x.shape[0], rows] && y.hasDenseRows,
                     "output should have dense rows [\(x.shape[0]), \(rows)], got \(y.shape)")
        let count = x.shape[0]
        guard count > 0, rows > 0 else { return }
        let block = max(1, min(rows, blockFloats / max(cols, 1)))
        withExtendedLifetime((x, y)) {
            workspace.withScratch(block * cols) { scratch in
                var first = 0
                while first < rows {
                    let n = min(block, rows - first)
                    expand(first, n, scratch)
                    BLAS.sgemm(transposeB: true, m: count, n: n, k: cols, a: x.pointer, lda: x.rowStride,
                               b: scratch, ldb: cols, c: y.pointer + first, ldc: y.rowStride)
                    first += n
                }
            }
        }
    }
}
