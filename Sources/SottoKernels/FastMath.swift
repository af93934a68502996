import Glibc

/// Vectorised transcendental functions on `SIMD8<Float>` and on whole buffers. libm's `sinf`,
/// `expf` and `tanhf` are scalar calls that the compiler cannot vectorise; these use range
/// reduction plus polynomials fitted for Sotto (minimax-weighted least squares in double), and
/// lanes outside the fast range fall back to libm so that every input is handled.
///
/// Accuracy (checked by the test suite against double-precision libm):
/// - `sin`, `cos`: max abs error ≤ 2e-7 for |x| ≤ 1e6 (Cody–Waite reduction by π/2 in three
///   parts with fused multiply-adds); larger, infinite and NaN lanes go to libm (exact reduction).
/// - `exp`: max rel error ≤ 2e-7 over the float range; overflow gives +inf, underflow 0 (and
///   subnormals in between), NaN propagates.
/// - `log`: max rel error ≤ 2e-7 for positive normal and subnormal inputs; 0 → -inf, negative → NaN.
/// - `tanh`, `sigmoid`: abs error ≤ 2e-7 (tanh is relative-accurate near 0 too).
/// - `erf`: abs error ≤ 2e-7.
public enum FastMath {
    public typealias Vector = SIMD8<Float>

    // Three-part π/2 whose first two parts have trailing zeros, so k·part is exact for |k| < 2^20.
    @usableFromInline static let halfPi1: Float = 1.5707963705062866
    @usableFromInline static let halfPi2: Float = -4.371139000186241e-08
    @usableFromInline static let halfPi3: Float = -1.7151245100059143e-15
    /// Adding this rounds a float of magnitude < 2^22 to an integer held in the low mantissa bits.
    @usableFromInline static let roundingMagic: Float = 12582912  // 1.5 · 2^23
    @usableFromInline static let sinCosFastLimit: Float = 1e6

    @inlinable @inline(__always)
    static func bits(_ v: Vector) -> SIMD8<Int32> { unsafeBitCast(v, to: SIMD8<Int32>.self) }

    @inlinable @inline(__always)
    static func float(bits: SIMD8<Int32>) -> Vector { unsafeBitCast(bits, to: Vector.self) }

    @inlinable @inline(__always)
    static func magnitude(_ v: Vector) -> Vector { float(bits: bits(v) & Int32.max) }

    /// `whenTrue` in lanes where `mask` is set, else `whenFalse`.
    @inlinable @inline(__always)
    static func pick(_ mask: SIMDMask<SIMD8<Int32>>, _ whenTrue: Vector, _ whenFalse: Vector) -> Vector {
        whenFalse.replacing(with: whenTrue, where: mask)
    }

    /// sin(r), cos(r) for |r| ≤ π/4 (slightly beyond is fine) and the quadrant index k mod 4.
    @inlinable @inline(__always)
    static func reducedSinCos(_ x: Vector) -> (sin: Vector, cos: Vector, quadrant: SIMD8<Int32>) {
        let shifted = x * 0.63661977236758134 + roundingMagic
        let k = shifted - roundingMagic
        var r = x.addingProduct(-k, halfPi1)
        r = r.addingProduct(-k, halfPi2)
        r = r.addingProduct(-k, halfPi3)
        let r2 = r * r
        var ps = Vector(repeating: 0.008332177996635437).addingProduct(r2, Vector(repeating: -0.0001951729936990887))
        ps = Vector(repeating: -0.16666655242443085).addingProduct(r2, ps)
        let s = r.addingProduct(r * r2, ps)
        var pc = Vector(repeating: -0.001388736767694354).addingProduct(r2, Vector(repeating: 2.4438446416752413e-05))
        pc = Vector(repeating: 0.04166664555668831).addingProduct(r2, pc)
        let c = (Vector(repeating: 1).addingProduct(r2, Vector(repeating: -0.5))).addingProduct(r2 * r2, pc)
        let q = bits(shifted) & 3
        return (s, c, q)
    }

    /// Lane-wise sine.
    @inlinable @inline(__always)
    public static func sin(_ x: Vector) -> Vector {
        let (s, c, q) = reducedSinCos(x)
        // Quadrant k: odd k swaps sin and cos, k & 2 flips the sign. Integer bit operations keep
        // this vectorised (comparisons of integer vectors are compiled lane by lane).
        let swap = 0 &- (q & 1)
        let sign = (q & 2) &<< 30
        let y = float(bits: ((bits(c) & swap) | (bits(s) & ~swap)) ^ sign)
        return fixLargeLanes(x, y, Glibc.sinf)
    }

    /// Lane-wise cosine.
    @inlinable @inline(__always)
    public static func cos(_ x: Vector) -> Vector {
        let (s, c, q) = reducedSinCos(x)
        let swap = 0 &- (q & 1)
        let sign = ((q &+ 1) & 2) &<< 30
        let y = float(bits: ((bits(s) & swap) | (bits(c) & ~swap)) ^ sign)
        return fixLargeLanes(x, y, Glibc.cosf)
    }

    @inlinable @inline(__always)
    static func fixLargeLanes(_ x: Vector, _ y: Vector, _ exact: (Float) -> Float) -> Vector {
        let inRange = magnitude(x) .<= sinCosFastLimit  // false for NaN too
        if all(inRange) { return y }
        var out = y
        for i in 0..<8 where !inRange[i] { out[i] = exact(x[i]) }
        return out
    }

    /// Lane-wise e^x.
    @inlinable @inline(__always)
    public static func exp(_ x: Vector) -> Vector {
        // Beyond these, e^x is +inf or rounds to 0; clamping keeps the exponent arithmetic in range.
        let clamped = x.clamped(lowerBound: Vector(repeating: -104), upperBound: Vector(repeating: 89))
        let shifted = clamped * 1.4426950408889634 + roundingMagic
        let n = shifted - roundingMagic
        var r = clamped.addingProduct(-n, 0.693145751953125)
        r = r.addingProduct(-n, 1.4286068203094172e-06)
        var p = Vector(repeating: 0.008368710987269878).addingProduct(r, Vector(repeating: 0.0013814604608342052))
        p = Vector(repeating: 0.04166838899254799).addingProduct(r, p)
        p = Vector(repeating: 0.1666652113199234).addingProduct(r, p)
        p = Vector(repeating: 0.4999999403953552).addingProduct(r, p)
        p = (Vector(repeating: 1) + r).addingProduct(r * r, p)
        // Scale by 2^n in two halves so that n down to -150 and up to 128 stay representable.
        let ni = (bits(shifted) &<< 10) &>> 10
        let half = ni &>> 1
        let scale1 = float(bits: (half &+ 127) &<< 23)
        let scale2 = float(bits: (ni &- half &+ 127) &<< 23)
        let y = p * scale1 * scale2
        return pick(x .!= x, x, y)
    }

    /// Lane-wise natural logarithm.
    @inlinable @inline(__always)
    public static func log(_ x: Vector) -> Vector {
        // Subnormals: scale into the normal range first and correct the exponent afterwards.
        let tiny = x .< Float.leastNormalMagnitude
        let scaled = pick(tiny, x * 8388608, x)
        let b = bits(scaled)
        var e = (b &>> 23) &- 127
        var m = float(bits: (b & 0x007F_FFFF) | 0x3F80_0000)
        let high = m .> 1.41421356
        m = pick(high, m * 0.5, m)
        e = e &+ SIMD8<Int32>(repeating: 0).replacing(with: 1, where: high)
        let f = m - 1
        let s = f / (f + 2)
        let s2 = s * s
        var p = Vector(repeating: 0.28537288308143616).addingProduct(s2, Vector(repeating: 0.23582588136196136))
        p = Vector(repeating: 0.4000033438205719).addingProduct(s2, p)
        p = Vector(repeating: 0.6666666269302368).addingProduct(s2, p)
        let logM = (s + s).addingProduct(s * s2, p)
        var ef = Vector(e)
        ef = pick(tiny, ef - 23, ef)
        var y = logM.addingProduct(ef, 0.6931471805599453)
        y = pick(x .== 0, Vector(repeating: -.infinity), y)
        y = pick(x .== .infinity, x, y)
        return pick((x .< 0) .| (x .!= x), Vector(repeating: .nan), y)
    }

    /// Lane-wise hyperbolic tangent.
    @inlinable @inline(__always)
    public static func tanh(_ x: Vector) -> Vector {
        let a = magnitude(x)
        let a2 = a * a
        var p = Vector(repeating: 0.0206505935639143).addingProduct(a2, Vector(repeating: -0.00571705074980855))
        p = Vector(repeating: -0.053743500262498856).addingProduct(a2, p)
        p = Vector(repeating: 0.13331490755081177).addingProduct(a2, p)
        p = Vector(repeating: -0.3333328366279602).addingProduct(a2, p)
        let small = a.addingProduct(a * a2, p)
        let e = exp(a + a)
        let large = 1 - 2 / (e + 1)
        let y = pick(a .< 0.625, small, large)
        let signed = float(bits: bits(y) | (bits(x) & Int32.min))
        return pick(x .!= x, x, signed)
    }

    /// Lane-wise logistic function 1 / (1 + e^-x).
    @inlinable @inline(__always)
    public static func sigmoid(_ x: Vector) -> Vector {
        1 / (1 + exp(-x))
    }

    /// Lane-wise error function.
    @inlinable @inline(__always)
    public static func erf(_ x: Vector) -> Vector {
        let a = magnitude(x)
        let a2 = a * a
        var ps = Vector(repeating: 0.00509540643543005).addingProduct(a2, Vector(repeating: -0.0006627871189266443))
        ps = Vector(repeating: -0.02682388387620449).addingProduct(a2, ps)
        ps = Vector(repeating: 0.11283109337091446).addingProduct(a2, ps)
        ps = Vector(repeating: -0.37612590193748474).addingProduct(a2, ps)
        ps = Vector(repeating: 1.1283791065216064).addingProduct(a2, ps)
        let small = a * ps
        let ac = pointwiseMin(a, Vector(repeating: 4.5))
        let t = 1 / (1 + 0.5 * ac)
        var pl = Vector(repeating: -0.3596809255804281).addingProduct(t, Vector(repeating: 0.03670574864669272))
        pl = Vector(repeating: 0.8246163393202479).addingProduct(t, pl)
        pl = Vector(repeating: -0.21013141733854684).addingProduct(t, pl)
        pl = Vector(repeating: 0.46009221446053644).addingProduct(t, pl)
        pl = Vector(repeating: 0.24508825586180988).addingProduct(t, pl)
        pl = Vector(repeating: 0.0032228964464154145).addingProduct(t, pl)
        let large = 1 - exp(-ac * ac) * pl
        let y = pick(a .< 0.75, small, large)
        let signed = float(bits: bits(y) | (bits(x) & Int32.min))
        return pick(x .!= x, x, signed)
    }

    // MARK: Buffers

    /// Applies `op` to `count` floats from `x` into `y` (which may equal `x`), eight at a time.
    /// Generic over the operation type so the compiler specialises and inlines it; passing a
    /// function value instead costs a call per eight floats.
    @inlinable @inline(__always)
    public static func map<Op: VectorOperation>(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int,
                                                _ op: Op) {
        var i = 0
        while i + 8 <= count {
            let v = UnsafeRawPointer(x + i).loadUnaligned(as: Vector.self)
            UnsafeMutableRawPointer(y + i).storeBytes(of: op.apply(v), as: Vector.self)
            i += 8
        }
        if i < count {
            var v = Vector(repeating: 0)
            for j in 0..<(count - i) { v[j] = x[i + j] }
            let r = op.apply(v)
            for j in 0..<(count - i) { y[i + j] = r[j] }
        }
    }

    public static func sin(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
        map(x, y, count: count, Sine())
    }

    public static func cos(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
        map(x, y, count: count, Cosine())
    }

    public static func exp(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
        map(x, y, count: count, Exponential())
    }

    public static func log(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
        map(x, y, count: count, Logarithm())
    }

    public static func tanh(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
        map(x, y, count: count, HyperbolicTangent())
    }

    public static func sigmoid(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
        map(x, y, count: count, Logistic())
    }

    public static func erf(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
        map(x, y, count: count, ErrorFunction())
    }

    public struct Sine: VectorOperation {
        @inlinable public init() {}
        @inlinable @inline(__always) public func apply(_ v: Vector) -> Vector { FastMath.sin(v) }
    }

    public struct Cosine: VectorOperation {
        @inlinable public init() {}
        @inlinable @inline(__always) public func apply(_ v: Vector) -> Vector { FastMath.cos(v) }
    }

    public struct Exponential: VectorOperation {
        @inlinable public init() {}
        @inlinable @inline(__always) public func apply(_ v: Vector) -> Vector { FastMath.exp(v) }
    }

    public struct Logarithm: VectorOperation {
        @inlinable public init() {}
        @inlinable @inline(__always) public func apply(_ v: Vector) -> Vector { FastMath.log(v) }
    }

    public struct HyperbolicTangent: VectorOperation {
        @inlinable public init() {}
        @inlinable @inline(__always) public func apply(_ v: Vector) -> Vector { FastMath.tanh(v) }
    }

    public struct Logistic: VectorOperation {
        @inlinable public init() {}
        @inlinable @inline(__always) public func apply(_ v: Vector) -> Vector { FastMath.sigmoid(v) }
    }

    public struct ErrorFunction: VectorOperation {
        @inlinable public init() {}
        @inlinable @inline(__always) public func apply(_ v: Vector) -> Vector { FastMath.erf(v) }
    }
}

/// A lane-wise function on eight floats, for ``FastMath/map(_:_:count:_:)``.
public protocol VectorOperation {
    func apply(_ v: SIMD8<Float>) -> SIMD8<Float>
}
