/// Normalisations. `[T, C]` tensors normalise each row (features of one time step); `[C, T]`
/// tensors either normalise each column across channels (LayerNorm as StyleTTS2 applies it) or
/// each channel across time (InstanceNorm, AdaIN). `y` may be the same view as `x`.
public enum Norms {
    /// LayerNorm of every row of `x` `[T, C]`: (x − mean)/√(var + eps)·weight + bias (biased
    /// variance; weight and bias `[C]` optional).
    public static func layerNorm(rowsOf x: Tensor, weight: Tensor? = nil, bias: Tensor? = nil, eps: Float,
                                 into y: Tensor) {
        normaliseRows(x, y, weight: weight, bias: bias) { row, n in
            let mean = Reductions.sum(row, count: n) / Float(n)
            let variance = Reductions.sumOfSquares(row, count: n, center: mean) / Float(n)
            return (mean, 1 / (variance + eps).squareRoot())
        }
    }

    /// RMSNorm of every row of `x` `[T, C]`: x / √(mean(x²) + eps) · weight.
    public static func rmsNorm(rowsOf x: Tensor, weight: Tensor?, eps: Float, into y: Tensor) {
        normaliseRows(x, y, weight: weight, bias: nil) { row, n in
            let meanSquare = Reductions.sumOfSquares(row, count: n, center: 0) / Float(n)
            return (0, 1 / (meanSquare + eps).squareRoot())
        }
    }

    /// LayerNorm across the channels of `x` `[C, T]`, separately for each time step; weight and
    /// bias are `[C]`.
    public static func layerNorm(channelsOf x: Tensor, weight: Tensor? = nil, bias: Tensor? = nil, eps: Float,
                                 into y: Tensor, workspace: Workspace) {
        precondition(x.rank == 2 && x.shape == y.shape, "layerNorm(channelsOf:) needs matching [C, T] tensors")
        let xs = x.denseRows(in: workspace)
        let ys = y.hasDenseRows ? y : workspace.tensor(y.shape)
        let channels = x.shape[0], time = x.shape[1]
        let w = weight.map { $0.contiguous() }, b = bias.map { $0.contiguous() }
        precondition(w.map { $0.count == channels } ?? true, "weight needs \(channels) values")
        precondition(b.map { $0.count == channels } ?? true, "bias needs \(channels) values")
        let mean = workspace.tensor([time])
        let invStd = workspace.tensor([time])
        withExtendedLifetime((xs, ys, w, b, mean, invStd)) {
            let xp = xs.pointer, yp = ys.pointer, xr = xs.strides[0], yr = ys.strides[0]
            let mp = mean.pointer, sp = invStd.pointer
            let wp = w?.pointer, bp = b?.pointer
            parallelFor(time, minimumPerThread: 256) { range in
                let m = mp + range.lowerBound, s = sp + range.lowerBound
                let n = range.count
                m.update(repeating: 0, count: n)
                s.update(repeating: 0, count: n)
                for c in 0..<channels {
                    let row = xp + c * xr + range.lowerBound
                    for i in 0..<n { m[i] += row[i] }
                }
                let invC = 1 / Float(channels)
                for i in 0..<n { m[i] *= invC }
                for c in 0..<channels {
                    let row = xp + c * xr + range.lowerBound
                    for i in 0..<n {
                        let d = row[i] - m[i]
                        s[i] += d * d
                    }
                }
                for i in 0..<n { s[i] = 1 / (s[i] * invC + eps).squareRoot() }
                for c in 0..<channels {
                    let row = xp + c * xr + range.lowerBound
                    let out = yp + c * yr + range.lowerBound
                    let g = wp?[c] ?? 1, beta = bp?[c] ?? 0
                    for i in 0..<n { out[i] = (row[i] - m[i]) * s[i] * g + beta }
                }
            }
        }
        if !y.hasDenseRows { y.copy(from: ys) }
    }

    /// InstanceNorm without affine parameters: each channel of `x` `[C, T]` normalised over time
    /// (biased variance).
    public static func instanceNorm(_ x: Tensor, eps: Float, into y: Tensor) {
        adaptiveInstanceNorm(x, gamma: nil, beta: nil, eps: eps, into: y)
    }

    /// AdaIN: instance norm over time, then `(1 + γ[c])·x + β[c]` (γ, β `[C]`, typically from a
    /// style projection). Nil γ/β mean zeros.
    public static func adaptiveInstanceNorm(_ x: Tensor, gamma: Tensor?, beta: Tensor?, eps: Float, into y: Tensor) {
        precondition(x.rank == 2, "instance norm needs [C, T], got \(x.shape)")
        let channels = x.shape[0]
        let g = gamma.map { $0.contiguous() }, b = beta.map { $0.contiguous() }
        precondition(g.map { $0.count == channels } ?? true, "gamma needs \(channels) values")
        precondition(b.map { $0.count == channels } ?? true, "beta needs \(channels) values")
        withExtendedLifetime((g, b)) {
            let gp = g?.pointer, bp = b?.pointer
            normaliseRows(x, y, weight: nil, bias: nil) { row, n in
                let mean = Reductions.sum(row, count: n) / Float(n)
                let variance = Reductions.sumOfSquares(row, count: n, center: mean) / Float(n)
                return (mean, 1 / (variance + eps).squareRoot())
            } rowAffine: { c in
                (1 + (gp?[c] ?? 0), bp?[c] ?? 0)
            }
        }
    }

    /// Shared driver: per row, `statistics` gives (center, 1/scale); the row is then written as
    /// ((x − center)·invScale·weight[i] + bias[i])·rowScale + rowShift.
    private static func normaliseRows(
        _ x: Tensor, _ y: Tensor, weight: Tensor?, bias: Tensor?,
        statistics: (UnsafePointer<Float>, Int) -> (Float, Float),
        rowAffine: ((Int) -> (Float, Float))? = nil
    ) {
        precondition(x.rank == 2 && x.shape == y.shape, "normalisation needs matching 2-D tensors, got \(x.shape), \(y.shape)")
        let rows = x.shape[0], cols = x.shape[1]
        let w = weight.map { $0.contiguous() }, b = bias.map { $0.contiguous() }
        precondition(w.map { $0.count == cols } ?? true, "weight needs \(cols) values")
        precondition(b.map { $0.count == cols } ?? true, "bias needs \(cols) values")
        let xs = x.hasDenseRows ? x : x.contiguous()
        let ys = y.hasDenseRows ? y : Tensor(zeros: y.shape)
        withExtendedLifetime((xs, ys, w, b)) {
            let xp = xs.pointer, yp = ys.pointer, xr = xs.strides[0], yr = ys.strides[0]
            let wp = w?.pointer, bp = b?.pointer
            parallelFor(rows, minimumPerThread: max(1, 16384 / max(cols, 1))) { range in
                for r in range {
                    let row = xp + r * xr, out = yp + r * yr
                    let (center, invScale) = statistics(row, cols)
                    let (rowScale, rowShift) = rowAffine?(r) ?? (1, 0)
                    switch (wp, bp) {
                    case let (wp?, bp?):
                        for i in 0..<cols { out[i] = (row[i] - center) * invScale * wp[i] + bp[i] }
                    case let (wp?, nil):
                        for i in 0..<cols { out[i] = (row[i] - center) * invScale * wp[i] }
                    case let (nil, bp?):
                        for i in 0..<cols { out[i] = (row[i] - center) * invScale + bp[i] }
                    case (nil, nil):
                        let m = invScale * rowScale
                        for i in 0..<cols { out[i] = (row[i] - center) * m + rowShift }
                    }
                }
            }
        }
        if !y.hasDenseRows { y.copy(from: ys) }
    }
}
