/// Reductions with several SIMD accumulators (the compiler keeps a single scalar chain otherwise,
/// since float addition is not associative).
enum Reductions {
    @inline(__always)
    static func sum(_ p: UnsafePointer<Float>, count n: Int) -> Float {
        var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>(), a3 = SIMD8<Float>()
        var i = 0
        let raw = UnsafeRawPointer(p)
        while i + 32 <= n {
            a0 += raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
            a1 += raw.loadUnaligned(fromByteOffset: (i + 8) * 4, as: SIMD8<Float>.self)
            a2 += raw.loadUnaligned(fromByteOffset: (i + 16) * 4, as: SIMD8<Float>.self)
            a3 += raw.loadUnaligned(fromByteOffset: (i + 24) * 4, as: SIMD8<Float>.self)
            i += 32
        }
        var s = ((a0 + a1) + (a2 + a3)).sum()
        while i < n {
            s += p[i]
            i += 1
        }
        return s
    }

    /// Σ (p[i] − center)².
    @inline(__always)
    static func sumOfSquares(_ p: UnsafePointer<Float>, count n: Int, center: Float) -> Float {
        var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>(), a3 = SIMD8<Float>()
        let m = SIMD8<Float>(repeating: center)
        var i = 0
        let raw = UnsafeRawPointer(p)
        while i + 32 <= n {
            let d0 = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self) - m
            let d1 = raw.loadUnaligned(fromByteOffset: (i + 8) * 4, as: SIMD8<Float>.self) - m
            let d2 = raw.loadUnaligned(fromByteOffset: (i + 16) * 4, as: SIMD8<Float>.self) - m
            let d3 = raw.loadUnaligned(fromByteOffset: (i + 24) * 4, as: SIMD8<Float>.self) - m
            a0 = a0.addingProduct(d0, d0)
            a1 = a1.addingProduct(d1, d1)
            a2 = a2.addingProduct(d2, d2)
            a3 = a3.addingProduct(d3, d3)
            i += 32
        }
        var s = ((a0 + a1) + (a2 + a3)).sum()
        while i < n {
            let d = p[i] - center
            s += d * d
            i += 1
        }
        return s
    }

    /// Σ a[i]·b[i].
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count n: Int) -> Float {
        var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>(), a3 = SIMD8<Float>()
        var i = 0
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
        while i + 32 <= n {
            a0 = a0.addingProduct(ra.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self),
                                  rb.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self))
            a1 = a1.addingProduct(ra.loadUnaligned(fromByteOffset: (i + 8) * 4, as: SIMD8<Float>.self),
                                  rb.loadUnaligned(fromByteOffset: (i + 8) * 4, as: SIMD8<Float>.self))
            a2 = a2.addingProduct(ra.loadUnaligned(fromByteOffset: (i + 16) * 4, as: SIMD8<Float>.self),
                                  rb.loadUnaligned(fromByteOffset: (i + 16) * 4, as: SIMD8<Float>.self))
            a3 = a3.addingProduct(ra.loadUnaligned(fromByteOffset: (i + 24) * 4, as: SIMD8<Float>.self),
                                  rb.loadUnaligned(fromByteOffset: (i + 24) * 4, as: SIMD8<Float>.self))
            i += 32
        }
        var s = ((a0 + a1) + (a2 + a3)).sum()
        while i < n {
            s += a[i] * b[i]
            i += 1
        }
        return s
    }
}
