import CKernels

/// The uint8 quantisation of one tensor as ONNX's DynamicQuantizeLinear makes it:
/// `x ≈ (q − zeroPoint) · scale`, one scale and zero point for the whole tensor, its range
/// stretched to include 0 and cut into 255 steps.
public struct ByteQuantization: Sendable {
    public let scale: Float
    public let inverse: Float
    public let zeroPoint: Int32

    /// The parameters for values in [lowest, highest].
    public init(lowest: Float, highest: Float) {
        let low = min(0, lowest), high = max(0, highest)
        let scale = (high - low) / 255
        guard scale > 0, scale.isFinite else {
            self.scale = 0
            inverse = 0
            zeroPoint = 0
            return
        }
        self.scale = scale
        inverse = 1 / scale
        zeroPoint = Int32(min(255, max(0, (-low / scale).rounded(.toNearestOrEven))))
    }

    /// The parameters for the finite values of a rank-2 tensor (any row stride).
    public init(finiteRangeOf x: Tensor) {
        var lowest: Float = 0, highest: Float = 0
        let rows = x.rank == 1 ? 1 : x.shape[0], columns = x.shape[x.rank - 1]
        withExtendedLifetime(x) {
            for r in 0..<rows {
                var lo: Float = 0, hi: Float = 0
                sotto_min_max_finite(x.pointer + r * (x.rank == 1 ? 0 : x.rowStride), columns, &lo, &hi)
                lowest = min(lowest, lo)
                highest = max(highest, hi)
            }
        }
        self.init(lowest: lowest, highest: highest)
    }
}
