import SottoKernels

/// Standard normal draws from a seed: ``SeededGenerator``'s bits feeding the
/// Box–Muller transform, eight pairs at a time with Sotto's vectorised log, sin and cos. The same
/// seed gives the same numbers on every machine, so a take can be reproduced; the values are not
/// onnxruntime's (its generator is internal), which is why tests inject recorded draws instead.
public struct GaussianNoise: Sendable {
    private var bits: SeededGenerator

    public init(seed: UInt64) { bits = SeededGenerator(seed: seed) }

    /// Fills `count` floats with independent N(0, 1) draws.
    public mutating func fill(_ out: UnsafeMutablePointer<Float>, count: Int) {
        typealias V = SIMD8<Float>
        var i = 0
        while i < count {
            var u1 = V(), u2 = V()
            for lane in 0 ..< 8 {
                let random = bits.next()
                // 24-bit uniforms: u1 in (0, 1] so that log(u1) is finite, u2 in [0, 1).
                u1[lane] = Float((random >> 40) + 1) * 0x1p-24
                u2[lane] = Float((random >> 16) & 0xFF_FFFF) * 0x1p-24
            }
            let radius = (-2 * FastMath.log(u1)).squareRoot()
            let angle = u2 * (2 * Float.pi)
            let pair = (radius * FastMath.cos(angle), radius * FastMath.sin(angle))
            for lane in 0 ..< 16 where i + lane < count {
                out[i + lane] = lane < 8 ? pair.0[lane] : pair.1[lane - 8]
            }
            i += 16
        }
    }

    /// `count` draws as an array.
    public mutating func draw(_ count: Int) -> [Float] {
        var values = [Float](repeating: 0, count: count)
        if count > 0 { values.withUnsafeMutableBufferPointer { fill($0.baseAddress!, count: count) } }
        return values
    }
}
