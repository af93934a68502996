import CKernels

/// A per-channel affine map followed by Snake, `y = z + sin²(α·z)/α` with `z = scale·x + shift`
/// (an instance norm with its style scale folded into `scale` and `shift`, then Snake), for
/// kernels that apply it to their input as they read it instead of in a pass of its own.
///
/// Snake is non-decreasing (its derivative is 1 + sin(2αz) ≥ 0), so over a row the largest |y|
/// is at the row's smallest or largest x: `largest` is known from each row's minimum and maximum
/// without evaluating the row. (The sine is an approximation and could exceed that bound by an
/// ulp inside a row; quantisers clamp to their range, so such a value is off by that ulp.)
public struct ChannelSnake: Sendable {
    public typealias V = SIMD8<Float>
    public let scale: [Float]
    public let shift: [Float]
    public let alpha: [Float]
    /// max |y| over the rows it was built for (their minima and maxima passed to `init`).
    public let largest: Float
    /// The smallest and largest y over those rows (0 when none is finite).
    public let lowest: Float
    public let highest: Float

    /// `minimum`/`maximum` per channel are those of the input rows the map will be applied to.
    public init(scale: [Float], shift: [Float], alpha: [Float], minimum: [Float], maximum: [Float]) {
        precondition(shift.count == scale.count && alpha.count == scale.count && minimum.count == scale.count
                     && maximum.count == scale.count, "ChannelSnake needs one scale, shift, slope, minimum and maximum per channel")
        self.scale = scale
        self.shift = shift
        self.alpha = alpha
        var largest: Float = 0, lowest = Float.infinity, highest = -Float.infinity
        for c in 0..<scale.count {
            var ends = V(repeating: minimum[c])
            ends[1] = maximum[c]
            let y = Self.evaluate(ends, scale: scale[c], shift: shift[c], slope: alpha[c], inverse: 1 / alpha[c])
            let m = max(abs(y[0]), abs(y[1]))
            if m.isFinite {
                largest = max(largest, m)
                // The affine map may reverse the order (a negative scale).
                lowest = min(lowest, y[0], y[1])
                highest = max(highest, y[0], y[1])
            }
        }
        self.largest = largest
        self.lowest = lowest <= highest ? lowest : 0
        self.highest = lowest <= highest ? highest : 0
    }

    public var channels: Int { scale.count }

    @inline(__always)
    static func evaluate(_ x: V, scale: Float, shift: Float, slope: Float, inverse: Float) -> V {
        let z = x * scale + shift
        let s = FastMath.sin(z * slope)
        return z.addingProduct(s * s, inverse)
    }

    /// Whether rows go to the 16-lane C kernel (AVX-512 tiers), which computes the same values.
    static let wide = sotto_snake_available() != 0

    /// `y[0..<n] = snake(x[0..<n])` for channel `c`; `y` may be `x`.
    public func apply(channel c: Int, _ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count n: Int) {
        let scale = self.scale[c], shift = self.shift[c], slope = alpha[c], inverse = 1 / slope
        if Self.wide {
            sotto_snake_row(x, y, Int32(n), scale, shift, slope, inverse)
            return
        }
        var i = 0
        while i + 8 <= n {
            let v = UnsafeRawPointer(x + i).loadUnaligned(as: V.self)
            UnsafeMutableRawPointer(y + i).storeBytes(of: Self.evaluate(v, scale: scale, shift: shift, slope: slope, inverse: inverse),
                                                      as: V.self)
            i += 8
        }
        if i < n {
            var tail = V(repeating: 0)
            for j in 0..<(n - i) { tail[j] = x[i + j] }
            let result = Self.evaluate(tail, scale: scale, shift: shift, slope: slope, inverse: inverse)
            for j in 0..<(n - i) { y[i + j] = result[j] }
        }
    }

    /// Applies the map to every row of `x` `[C, T]` into `y` (may be `x`; dense rows).
    public func apply(_ x: Tensor, into y: Tensor) {
        precondition(x.rank == 2 && x.shape[0] == channels && y.shape == x.shape, "ChannelSnake needs [\(channels), T] tensors")
        let n = x.shape[1]
        withExtendedLifetime((x, y)) {
            let xs = x.pointer, ys = y.pointer, xr = x.rowStride, yr = y.rowStride
            parallelFor(channels, minimumPerThread: max(1, 16384 / max(n, 1))) { range in
                for c in range { apply(channel: c, xs + c * xr, into: ys + c * yr, count: n) }
            }
        }
    }
}
