import Histogram

/// Latencies of repeated runs: percentiles from an HdrHistogram (microsecond resolution, three
/// significant digits), and the samples themselves so that a later run can be compared with them.
struct LatencySamples {
    let seconds: [Double]

    init(_ seconds: [Double]) { self.seconds = seconds }

    var count: Int { seconds.count }

    /// The samples in microseconds; anything up to an hour is tracked exactly to three digits.
    var histogram: Histogram<UInt64> {
        var histogram = Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000,
                                          numberOfSignificantValueDigits: .three)
        for value in seconds { _ = histogram.record(UInt64(max(1, (value * 1e6).rounded()))) }
        return histogram
    }

    /// The value at `percentile` (0–100) in seconds, or nil with no samples.
    func percentile(_ percentile: Double) -> Double? {
        guard !seconds.isEmpty else { return nil }
        return Double(histogram.valueAtPercentile(percentile)) / 1e6
    }

    var p50: Double? { percentile(50) }
    var p95: Double? { percentile(95) }
}

/// A random number generator with a fixed seed (SplitMix64), so that a bootstrap gives the same
/// interval every time it sees the same samples.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Percentile bootstrap of the median: resample the runs with replacement, take each resample's
/// median, and keep the middle 95 % of those medians.
enum MedianBootstrap {
    static let seed: UInt64 = 0x5077_0BE7C
    static let resamples = 2000

    static func interval(_ samples: [Double], level: Double = 0.95) -> ClosedRange<Double>? {
        guard !samples.isEmpty else { return nil }
        var generator = SeededGenerator(seed: seed)
        var medians: [Double] = []
        medians.reserveCapacity(resamples)
        var draw = [Double](repeating: 0, count: samples.count)
        for _ in 0 ..< resamples {
            for index in draw.indices { draw[index] = samples[Int.random(in: 0 ..< samples.count, using: &generator)] }
            medians.append(median(draw))
        }
        medians.sort()
        let tail = (1 - level) / 2
        let low = medians[Int((tail * Double(resamples)).rounded(.down))]
        let high = medians[min(resamples - 1, Int(((1 - tail) * Double(resamples)).rounded(.up)) - 1)]
        return low ... high
    }
}
