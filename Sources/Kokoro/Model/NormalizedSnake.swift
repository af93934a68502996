import SottoKernels

/// AdaIN followed by Snake, the pair that opens every half of the generator's residual blocks:
/// `z + sin²(α·z)/α` with `z = (1 + γ)·(x − mean)/√(var + eps) + β`. One pass over each row reads
/// its statistics (and extremes); the map itself is a ``ChannelSnake``, which the integer
/// convolution applies while quantising its input, so the normalised activation is never
/// written out in float.
enum NormalizedSnake {
    typealias V = SIMD8<Float>

    /// The map for `x` `[C, T]` (dense rows) with the AdaIN coefficients γ, β and slopes α.
    static func map(_ x: Tensor, gamma: Tensor, beta: Tensor, alpha: Tensor, eps: Float) -> ChannelSnake {
        let channels = x.shape[0], n = x.shape[1]
        precondition(x.hasDenseRows && alpha.count == channels, "normalised Snake needs [C, T] with dense rows and C slopes")
        let g = gamma.contiguous(), b = beta.contiguous()
        var scale = [Float](repeating: 0, count: channels), shift = scale, minimum = scale, maximum = scale
        withExtendedLifetime((x, g, b)) {
            scale.withUnsafeMutableBufferPointer { sc in
                shift.withUnsafeMutableBufferPointer { sh in
                    minimum.withUnsafeMutableBufferPointer { lo in
                        maximum.withUnsafeMutableBufferPointer { hi in
                            let xs = x.pointer, xr = x.rowStride, gp = g.pointer, bp = b.pointer
                            let sc = sc.baseAddress!, sh = sh.baseAddress!, lo = lo.baseAddress!, hi = hi.baseAddress!
                            parallelFor(channels, minimumPerThread: max(1, 16384 / max(n, 1))) { range in
                                for c in range {
                                    let (mean, variance, smallest, largest) = statistics(xs + c * xr, n)
                                    let s = (1 + gp[c]) / (variance + eps).squareRoot()
                                    sc[c] = s
                                    sh[c] = bp[c] - mean * s
                                    lo[c] = smallest
                                    hi[c] = largest
                                }
                            }
                        }
                    }
                }
            }
        }
        return ChannelSnake(scale: scale, shift: shift, alpha: alpha.contiguous().toArray(), minimum: minimum, maximum: maximum)
    }

    /// Writes the map of `x` into `y` (may be `x`), for kernels that cannot apply it on reading.
    static func apply(_ x: Tensor, gamma: Tensor, beta: Tensor, alpha: Tensor, eps: Float, into y: Tensor) {
        map(x, gamma: gamma, beta: beta, alpha: alpha, eps: eps).apply(x, into: y)
    }

    /// Mean, biased variance (two passes, as the export computes them), minimum and maximum of a row.
    @inline(__always)
    static func statistics(_ row: UnsafePointer<Float>, _ n: Int) -> (Float, Float, Float, Float) {
        var acc = V(repeating: 0)
        var low = V(repeating: .infinity), high = V(repeating: -.infinity)
        var i = 0
        while i + 8 <= n {
            let v = UnsafeRawPointer(row + i).loadUnaligned(as: V.self)
            acc += v
            low = pointwiseMin(low, v)
            high = pointwiseMax(high, v)
            i += 8
        }
        var sum = acc.sum()
        var smallest = low.min(), largest = high.max()
        while i < n {
            sum += row[i]
            smallest = min(smallest, row[i])
            largest = max(largest, row[i])
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
        return (mean, total / Float(n), smallest, largest)
    }
}
