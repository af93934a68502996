import SottoKernels

/// Standard normal draws from a seed: xoshiro256** (seeded through SplitMix64) feeding the
/// Box–Muller transform, eight pairs at a time with Sotto's vectorised log, sin and cos. The same
/// seed gives the same numbers on every machine, so a take can be reproduced; the values are not
/// onnxruntime's (its generator is internal), which is why tests inject recorded draws instead.
public struct GaussianNoise: Sendable {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    public init(seed: UInt64) {
        var mix = seed
        func next() -> UInt64 {
            mix &+= 0x9E37_79B9_7F4A_7C15
            var z = mix
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (next(), next(), next(), next())
    }

    private mutating func nextBits() -> UInt64 {
        let result = ((state.1 &* 5) << 7 | (state.1 &* 5) >> 57) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = state.3 << 45 | state.3 >> 19
        return result
    }

    /// Fills `count` floats with independent N(0, 1) draws.
    public mutating func fill(_ out: UnsafeMutablePointer<Float>, count: Int) {
        typealias V = SIMD8<Float>
        var i = 0
        while i < count {
            var u1 = V(), u2 = V()
            for lane in 0 ..< 8 {
                let bits = nextBits()
                // 24-bit uniforms: u1 in (0, 1] so that log(u1) is finite, u2 in [0, 1).
                u1[lane] = Float((bits >> 40) + 1) * 0x1p-24
                u2[lane] = Float((bits >> 16) & 0xFF_FFFF) * 0x1p-24
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
