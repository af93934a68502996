/// Elementwise arithmetic over dense buffers and tensors. Loops are plain pointer loops: the
/// compiler vectorises them (faster than hand-written SIMD for this kind of work).
public enum Elementwise {
    /// y = a + b.
    public static func add(_ a: Tensor, _ b: Tensor, into y: Tensor) {
        binary(a, b, y) { a, b, y, n in for i in 0..<n { y[i] = a[i] + b[i] } }
    }

    /// y = a − b.
    public static func subtract(_ a: Tensor, _ b: Tensor, into y: Tensor) {
        binary(a, b, y) { a, b, y, n in for i in 0..<n { y[i] = a[i] - b[i] } }
    }

    /// y = a · b.
    public static func multiply(_ a: Tensor, _ b: Tensor, into y: Tensor) {
        binary(a, b, y) { a, b, y, n in for i in 0..<n { y[i] = a[i] * b[i] } }
    }

    /// y += alpha · x.
    public static func addScaled(_ x: Tensor, alpha: Float, into y: Tensor) {
        binary(x, y, y) { x, yIn, y, n in for i in 0..<n { y[i] = yIn[i] + alpha * x[i] } }
    }

    /// y = x · scale + shift.
    public static func affine(_ x: Tensor, scale: Float, shift: Float = 0, into y: Tensor) {
        forEachDenseRun(x, y) { x, y, n in for i in 0..<n { y[i] = x[i] * scale + shift } }
    }

    /// y[r, c] = x[r, c]·scale[?] + shift[?] broadcast along one axis of a 2-D tensor:
    /// `perRow` vectors have one value per row (per channel of `[C, T]`), otherwise one per
    /// column (per feature of `[T, C]`). Either vector may be nil.
    public static func broadcastAffine(_ x: Tensor, scale: Tensor?, shift: Tensor?, perRow: Bool, into y: Tensor) {
        precondition(x.rank == 2 && x.shape == y.shape, "broadcastAffine needs matching 2-D tensors")
        let length = perRow ? x.shape[0] : x.shape[1]
        let s = scale.map { $0.contiguous() }
        let b = shift.map { $0.contiguous() }
        precondition(s.map { $0.count == length } ?? true, "scale has \(s?.count ?? 0) values, need \(length)")
        precondition(b.map { $0.count == length } ?? true, "shift has \(b?.count ?? 0) values, need \(length)")
        let xs = x.hasDenseRows ? x : x.contiguous()
        let ys = y.hasDenseRows ? y : Tensor(zeros: y.shape)
        let rows = x.shape[0], cols = x.shape[1]
        withExtendedLifetime((xs, ys, s, b)) {
            let sp = s?.pointer, bp = b?.pointer
            parallelFor(rows, minimumPerThread: max(1, 32768 / max(cols, 1))) { range in
                for r in range {
                    let xr = xs.pointer + r * xs.strides[0], yr = ys.pointer + r * ys.strides[0]
                    if perRow {
                        let m = sp?[r] ?? 1, a = bp?[r] ?? 0
                        for i in 0..<cols { yr[i] = xr[i] * m + a }
                    } else {
                        switch (sp, bp) {
                        case let (sp?, bp?): for i in 0..<cols { yr[i] = xr[i] * sp[i] + bp[i] }
                        case let (sp?, nil): for i in 0..<cols { yr[i] = xr[i] * sp[i] }
                        case let (nil, bp?): for i in 0..<cols { yr[i] = xr[i] + bp[i] }
                        case (nil, nil): if xr != yr { yr.update(from: xr, count: cols) }
                        }
                    }
                }
            }
        }
        if !y.hasDenseRows { y.copy(from: ys) }
    }

    private static func binary(
        _ a: Tensor, _ b: Tensor, _ y: Tensor,
        _ body: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void
    ) {
        precondition(a.shape == b.shape && a.shape == y.shape, "shapes differ: \(a.shape), \(b.shape), \(y.shape)")
        if a.isContiguous && b.isContiguous && y.isContiguous {
            let n = a.count
            withExtendedLifetime((a, b, y)) {
                let ap = a.pointer, bp = b.pointer, yp = y.pointer
                parallelFor(n, minimumPerThread: 1 << 16) { r in
                    body(ap + r.lowerBound, bp + r.lowerBound, yp + r.lowerBound, r.count)
                }
            }
        } else {
            let ad = a.contiguous(), bd = b.contiguous()
            let out = Tensor(zeros: y.shape)
            body(ad.pointer, bd.pointer, out.pointer, out.count)
            y.copy(from: out)
        }
    }
}
