import SottoKernels

/// AdaIN followed by Snake, the pair that opens every half of the generator's residual blocks,
/// in two passes per channel instead of four: one reads the statistics, one writes
/// `z + sin²(α·z)/α` with `z = (1 + γ)·(x − mean)/√(var + eps) + β`. `y` may be `x`.
enum NormalizedSnake {
    typealias V = SIMD8<Float>

    static func apply(_ x: Tensor, gamma: Tensor, beta: Tensor, alpha: Tensor, eps: Float, into y: Tensor) {
        let channels = x.shape[0], n = x.shape[1]
        precondition(y.shape == x.shape && x.hasDenseRows && y.hasDenseRows && alpha.count == channels,
                     "normalised Snake needs matching [C, T] tensors with dense rows and C slopes")
        let g = gamma.contiguous(), b = beta.contiguous(), a = alpha.contiguous()
        withExtendedLifetime((x, y, g, b, a)) {
            let xs = x.pointer, ys = y.pointer, xr = x.rowStride, yr = y.rowStride
            let gp = g.pointer, bp = b.pointer, ap = a.pointer
            parallelFor(channels, minimumPerThread: max(1, 16384 / max(n, 1))) { range in
                for c in range {
                    let row = xs + c * xr, out = ys + c * yr
                    let (mean, variance) = statistics(row, n)
                    let scale = (1 + gp[c]) / (variance + eps).squareRoot()
                    let shift = bp[c] - mean * scale
                    let slope = ap[c], inverse = 1 / slope
                    var i = 0
                    while i + 8 <= n {
                        let z = UnsafeRawPointer(row + i).loadUnaligned(as: V.self) * scale + shift
                        let s = FastMath.sin(z * slope)
                        UnsafeMutableRawPointer(out + i).storeBytes(of: z.addingProduct(s * s, inverse), as: V.self)
                        i += 8
                    }
                    if i < n {
                        var tail = V(repeating: 0)
                        for j in 0..<(n - i) { tail[j] = row[i + j] }
                        let z = tail * scale + shift
                        let s = FastMath.sin(z * slope)
                        let result = z.addingProduct(s * s, inverse)
                        for j in 0..<(n - i) { out[i + j] = result[j] }
                    }
                }
            }
        }
    }

    /// Mean and biased variance of a row (two passes, as the export computes them).
    @inline(__always)
    static func statistics(_ row: UnsafePointer<Float>, _ n: Int) -> (Float, Float) {
        var acc = V(repeating: 0)
        var i = 0
        while i + 8 <= n {
            acc += UnsafeRawPointer(row + i).loadUnaligned(as: V.self)
            i += 8
        }
        var sum = acc.sum()
        while i < n {
            sum += row[i]
            i += 1
        }
        let mean = sum / Float(n)
        var squares = V(repeating: 0)
        let center = V(repeating: mean)
        i = 0
        while i + 8 <= n {
            let d = UnsafeRawPointer(row + i).loadUnaligned(as: V.self) - center
            squares = squares.addingProduct(d, d)
            i += 8
        }
        var total = squares.sum()
        while i < n {
            let d = row[i] - mean
            total += d * d
            i += 1
        }
        return (mean, total / Float(n))
    }
}
