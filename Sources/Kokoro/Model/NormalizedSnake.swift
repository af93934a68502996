import SottoKernels

/// AdaIN followed by Snake, the pair that opens every half of the generator's residual blocks:
/// `z + sin²(α·z)/α` with `z = (1 + γ)·(x − mean)/√(var + eps) + β`. One pass over each row reads
/// its statistics (and extremes); the map itself is a ``ChannelSnake``, which the integer
/// convolution applies while quantising its input, so the normalised activation is never
/// written out in float.
enum NormalizedSnake {
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
                                    let moments = RowMoments(xs + c * xr, count: n)
                                    let s = (1 + gp[c]) / (moments.variance + eps).squareRoot()
                                    sc[c] = s
                                    sh[c] = bp[c] - moments.mean * s
                                    lo[c] = moments.minimum
                                    hi[c] = moments.maximum
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
}
