import COpenBLAS

/// Row-major wrappers over OpenBLAS. Matrices are given as pointer + leading dimension (the
/// distance between consecutive rows of the matrix as stored, before any transpose).
public enum BLAS {
    /// `C = alpha·op(A)·op(B) + beta·C` with `op(A)` of shape `[m, k]`, `op(B)` `[k, n]`, `C` `[m, n]`.
    @inlinable
    public static func sgemm(
        transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int,
        alpha: Float = 1, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        precondition(m >= 0 && n >= 0 && k >= 0, "negative gemm size")
        if m == 0 || n == 0 { return }
        precondition(lda >= max(1, transposeA ? m : k), "lda \(lda) too small")
        precondition(ldb >= max(1, transposeB ? k : n), "ldb \(ldb) too small")
        precondition(ldc >= max(1, n), "ldc \(ldc) too small")
        yieldCoresToBLAS(multiplyAdds: m * n * k)
        BLASBuffers.enter(multiplyAdds: m * n * k)
        defer { BLASBuffers.leave() }
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    blasint(m), blasint(n), blasint(k), alpha, a, blasint(lda), b, blasint(ldb), beta, c, blasint(ldc))
    }

    /// `y = alpha·op(A)·x + beta·y` with `A` stored `[m, n]` (row stride `lda`).
    @inlinable
    public static func sgemv(
        transpose: Bool = false, m: Int, n: Int, alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
        x: UnsafePointer<Float>, incx: Int = 1, beta: Float = 0, y: UnsafeMutablePointer<Float>, incy: Int = 1
    ) {
        precondition(m >= 0 && n >= 0, "negative gemv size")
        if m == 0 || n == 0 {
            // BLAS leaves y untouched here; honour beta so that callers get the documented result.
            let rows = transpose ? n : m
            for i in 0..<rows { y[i * incy] = beta == 0 ? 0 : beta * y[i * incy] }
            return
        }
        precondition(lda >= max(1, n), "lda \(lda) too small")
        yieldCoresToBLAS(multiplyAdds: m * n)
        BLASBuffers.enter()
        defer { BLASBuffers.leave() }
        cblas_sgemv(CblasRowMajor, transpose ? CblasTrans : CblasNoTrans, blasint(m), blasint(n), alpha, a,
                    blasint(lda), x, blasint(incx), beta, y, blasint(incy))
    }

    /// How a 2-D view is handed to BLAS: as stored or transposed, with its leading dimension.
    struct MatrixOperand {
        let transposed: Bool
        let leadingDimension: Int
    }

    static func operand(_ t: Tensor) -> MatrixOperand? {
        precondition(t.rank == 2, "BLAS needs 2-D tensors, got \(t.shape)")
        let rows = t.shape[0], cols = t.shape[1]
        if t.strides[1] == 1 || cols <= 1, rows <= 1 || t.strides[0] >= cols {
            return MatrixOperand(transposed: false, leadingDimension: rows <= 1 ? max(cols, 1) : t.strides[0])
        }
        if t.strides[0] == 1 || rows <= 1, cols <= 1 || t.strides[1] >= rows {
            return MatrixOperand(transposed: true, leadingDimension: cols <= 1 ? max(rows, 1) : t.strides[1])
        }
        return nil
    }

    /// `c = alpha·a·b + beta·c` for 2-D views. `a` and `b` may be transposed views (either axis
    /// dense); `c` needs dense rows. Other layouts are copied into `workspace` first.
    public static func matmul(_ a: Tensor, _ b: Tensor, into c: Tensor, alpha: Float = 1, beta: Float = 0,
                              workspace: Workspace? = nil) {
        precondition(a.rank == 2 && b.rank == 2 && c.rank == 2, "matmul needs 2-D tensors")
        let m = a.shape[0], k = a.shape[1], n = b.shape[1]
        precondition(b.shape[0] == k, "matmul inner sizes differ: \(a.shape) × \(b.shape)")
        precondition(c.shape[0] == m && c.shape[1] == n, "matmul output \(c.shape) should be [\(m), \(n)]")
        precondition(c.hasDenseRows, "matmul output needs dense rows")
        let aa = operand(a) == nil ? (workspace.map { a.contiguous(in: $0) } ?? a.contiguous()) : a
        let bb = operand(b) == nil ? (workspace.map { b.contiguous(in: $0) } ?? b.contiguous()) : b
        let oa = operand(aa)!, ob = operand(bb)!
        withExtendedLifetime((aa, bb, c)) {
            sgemm(transposeA: oa.transposed, transposeB: ob.transposed, m: m, n: n, k: k, alpha: alpha,
                  a: aa.pointer, lda: oa.leadingDimension, b: bb.pointer, ldb: ob.leadingDimension,
                  beta: beta, c: c.pointer, ldc: c.rowStride)
        }
    }

    /// `y = alpha·a·x + beta·y` for a 2-D view `a` (either axis dense) and 1-D `x`, `y`
    /// (any stride).
    public static func matvec(_ a: Tensor, _ x: Tensor, into y: Tensor, alpha: Float = 1, beta: Float = 0) {
        precondition(a.rank == 2 && x.rank == 1 && y.rank == 1, "matvec needs a matrix and two vectors")
        precondition(a.shape[1] == x.shape[0] && a.shape[0] == y.shape[0],
                     "matvec sizes differ: \(a.shape) · \(x.shape) → \(y.shape)")
        let aa = operand(a) == nil ? a.contiguous() : a
        let o = operand(aa)!
        let rows = aa.shape[0], cols = aa.shape[1]
        withExtendedLifetime((aa, x, y)) {
            if o.transposed {
                sgemv(transpose: true, m: cols, n: rows, alpha: alpha, a: aa.pointer, lda: o.leadingDimension,
                      x: x.pointer, incx: x.strides[0], beta: beta, y: y.pointer, incy: y.strides[0])
            } else {
                sgemv(m: rows, n: cols, alpha: alpha, a: aa.pointer, lda: o.leadingDimension,
                      x: x.pointer, incx: x.strides[0], beta: beta, y: y.pointer, incy: y.strides[0])
            }
        }
    }
}
