import CKernels

/// Mean, biased variance (two passes: the mean, then the mean squared difference from it) and
/// extremes of one row, vectorised on AVX2; what an instance norm that is fused into the next
/// kernel's input needs from each row in one call.
public struct RowMoments: Sendable, Equatable {
    public var mean: Float
    public var variance: Float
    /// Smallest and largest non-NaN value (±infinity when there is none).
    public var minimum: Float
    public var maximum: Float

    /// The moments of `row[0..<count]` (`count` > 0) on `path` (`SOTTO_PATH_*`, the best the
    /// active tier allows by default; tests pin the portable one).
    public init(_ row: UnsafePointer<Float>, count: Int, path: Int32 = Int32(SOTTO_PATH_BEST.rawValue)) {
        precondition(count > 0, "moments of an empty row")
        var out: (Float, Float, Float, Float) = (0, 0, 0, 0)
        withUnsafeMutablePointer(to: &out) {
            $0.withMemoryRebound(to: Float.self, capacity: 4) { sotto_row_moments(row, count, path, $0) }
        }
        (mean, variance, minimum, maximum) = out
    }
}
