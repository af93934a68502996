/// Fused gating nonlinearities (two inputs, one output), vectorised with the fast polynomials.
public enum Gates {
    /// WaveNet / VITS coupling gate: y = tanh(a)·sigmoid(b), elementwise. For VITS pass the two
    /// channel halves of the `[2C, T]` pre-activation as `a` and `b` (views are fine).
    public static func tanhSigmoid(_ a: Tensor, _ b: Tensor, into y: Tensor) {
        pairwise(a, b, y) { a, b in FastMath.tanh(a) * FastMath.sigmoid(b) }
    }

    /// SwiGLU (Qwen3 MLP): y = silu(gate)·up, elementwise.
    public static func swiGLU(gate: Tensor, up: Tensor, into y: Tensor) {
        pairwise(gate, up, y) { g, u in g / (1 + FastMath.exp(-g)) * u }
    }

    @inline(__always)
    private static func pairwise(_ a: Tensor, _ b: Tensor, _ y: Tensor,
                                 _ f: (SIMD8<Float>, SIMD8<Float>) -> SIMD8<Float>) {
        precondition(a.shape == b.shape && a.shape == y.shape, "gate shapes differ: \(a.shape), \(b.shape), \(y.shape)")
        precondition(a.rank <= 2, "gates take 1-D or 2-D tensors")
        let a2 = a.rank == 2 ? a : a.reshaped([1, -1]), b2 = b.rank == 2 ? b : b.reshaped([1, -1])
        let y2 = y.rank == 2 ? y : y.reshaped([1, -1])
        let ad = a2.hasDenseRows ? a2 : a2.contiguous(), bd = b2.hasDenseRows ? b2 : b2.contiguous()
        let yd = y2.hasDenseRows ? y2 : Tensor(zeros: y2.shape)
        let rows = ad.shape[0], cols = ad.shape[1]
        withExtendedLifetime((ad, bd, yd)) {
            parallelFor(rows, minimumPerThread: max(1, 16384 / max(cols, 1))) { range in
                for r in range {
                    let pa = ad.pointer + r * ad.rowStride, pb = bd.pointer + r * bd.rowStride
                    let py = yd.pointer + r * yd.rowStride
                    var i = 0
                    while i + 8 <= cols {
                        let va = UnsafeRawPointer(pa + i).loadUnaligned(as: SIMD8<Float>.self)
                        let vb = UnsafeRawPointer(pb + i).loadUnaligned(as: SIMD8<Float>.self)
                        UnsafeMutableRawPointer(py + i).storeBytes(of: f(va, vb), as: SIMD8<Float>.self)
                        i += 8
                    }
                    if i < cols {
                        var va = SIMD8<Float>(), vb = SIMD8<Float>()
                        for j in 0..<(cols - i) {
                            va[j] = pa[i + j]
                            vb[j] = pb[i + j]
                        }
                        let r = f(va, vb)
                        for j in 0..<(cols - i) { py[i + j] = r[j] }
                    }
                }
            }
        }
        if !y2.hasDenseRows { y2.copy(from: yd) }
    }
}
