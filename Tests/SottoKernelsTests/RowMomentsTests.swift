import CKernels
import SottoKernels
import Testing

@Suite struct RowMomentsTests {
    static var paths: [Int32] {
        [Int32(SOTTO_PATH_SCALAR.rawValue), Int32(SOTTO_PATH_AVX2.rawValue)].filter { $0 <= IntegerConv1d.bestPath }
    }

    /// Lengths below one vector, between the 16-wide loop and its tail, and long; values offset
    /// from zero so that a one-pass variance would lose digits the two passes keep.
    @Test(arguments: [1, 7, 16, 23, 1000, 4099])
    func matchesDoublePrecision(count: Int) {
        var rng = SeededRandom(seed: UInt64(40 + count))
        let values = rng.floats(count, 95, 105)
        let mean = values.reduce(0.0) { $0 + Double($1) } / Double(count)
        let variance = values.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(count)
        for path in Self.paths {
            let m = values.withUnsafeBufferPointer { RowMoments($0.baseAddress!, count: count, path: path) }
            #expect(abs(Double(m.mean) - mean) <= 2e-5 * abs(mean), "mean, path \(path)")
            #expect(abs(Double(m.variance) - variance) <= 1e-3 * max(variance, 1e-3), "variance, path \(path)")
            #expect(m.minimum == values.min()!, "minimum, path \(path)")
            #expect(m.maximum == values.max()!, "maximum, path \(path)")
        }
    }

    @Test func extremesSkipNaN() {
        var values: [Float] = (0..<37).map { Float($0) - 10 }
        values[0] = .nan
        values[20] = .nan
        for path in Self.paths {
            let m = values.withUnsafeBufferPointer { RowMoments($0.baseAddress!, count: values.count, path: path) }
            #expect(m.minimum == -9 && m.maximum == 26, "path \(path): \(m.minimum) … \(m.maximum)")
        }
    }
}
