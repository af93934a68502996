import SottoKernels
import Testing
/// The numeric comparisons every test target shares, for every file of this one.
@_exported import SottoTestSupport

/// Deterministic generator (64-bit LCG) so every run sees the same data.
struct SeededRandom {
    var state: UInt64

    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 &+ 1 }

    mutating func nextUInt() -> UInt64 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return state >> 11
    }

    /// Uniform in [low, high).
    mutating func uniform(_ low: Double = -1, _ high: Double = 1) -> Double {
        low + (high - low) * Double(nextUInt()) / Double(1 << 53)
    }

    mutating func floats(_ n: Int, _ low: Double = -1, _ high: Double = 1) -> [Float] {
        (0..<n).map { _ in Float(uniform(low, high)) }
    }

    mutating func tensor(_ shape: Shape, _ low: Double = -1, _ high: Double = 1) -> Tensor {
        Tensor(shape: shape, values: floats(shape.elementCount, low, high))
    }
}

/// Row-major element values of a tensor as doubles.
func doubles(_ t: Tensor) -> [Double] { t.toArray().map(Double.init) }

/// Float32 sums of n products each within one rounding (u = 2^-24) accumulate at most about
/// n·u·Σ|terms| of error; 1e-5·Σ|terms| covers n up to ~160 terms with margin, plus a tiny floor.
func dotTolerance(_ absSum: Double) -> Double { 1e-5 * absSum + 1e-6 }
