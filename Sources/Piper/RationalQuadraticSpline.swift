import Foundation

/// The inverse of a monotonic rational-quadratic spline on [−B, B] with identity ("linear")
/// tails outside (Durkan et al., neural spline flows), as VITS's duration flows use it. The
/// arithmetic follows the reference step by step in float32 (softmax, cumulative sums, the bin
/// search with its 1e-6 nudge, the quadratic's stable root), because a duration is the ceiling
/// of what comes out: a different rounding path could move a frame.
enum RationalQuadraticSpline {
    static let minimumBinWidth: Float = 1e-3
    static let minimumBinHeight: Float = 1e-3
    static let minimumDerivative: Float = 1e-3

    /// Bins for a parameter vector of `count` values (K widths, K heights, K − 1 inner derivatives).
    static func bins(parameterCount count: Int) -> Int? {
        (count + 1) % 3 == 0 && count >= 5 ? (count + 1) / 3 : nil
    }

    /// x ↦ spline⁻¹(x). `parameters` holds K unnormalised widths, K heights and K − 1 derivatives,
    /// read with stride `stride`; widths and heights are already divided by √filter channels.
    static func inverse(_ x: Float, parameters: UnsafePointer<Float>, stride: Int, bins: Int, tailBound: Float) -> Float {
        guard x >= -tailBound && x <= tailBound else { return x }
        return withUnsafeTemporaryAllocation(of: Float.self, capacity: 4 * (bins + 1)) { buffer in
            let base = buffer.baseAddress!
            let cumulativeWidths = base, cumulativeHeights = base + (bins + 1), derivatives = base + 2 * (bins + 1)
            knots(parameters, stride: stride, bins: bins, minimum: minimumBinWidth, tailBound: tailBound,
                  into: cumulativeWidths)
            knots(parameters + bins * stride, stride: stride, bins: bins, minimum: minimumBinHeight,
                  tailBound: tailBound, into: cumulativeHeights)
            // Outer derivatives are pinned so that the spline meets the identity tails with slope 1.
            let boundary = Float(Foundation.log(Foundation.exp(1 - Double(minimumDerivative)) - 1))
            for k in 0 ... bins {
                let raw = k == 0 || k == bins ? boundary : parameters[(2 * bins + k - 1) * stride]
                derivatives[k] = minimumDerivative + softplus(raw)
            }
            // The reference nudges the last knot up by 1e-6 so that x = top falls in the last bin.
            var bin = -1
            for k in 0 ... bins {
                let knot = k == bins ? cumulativeHeights[k] + 1e-6 : cumulativeHeights[k]
                if x >= knot { bin += 1 }
            }
            bin = min(max(bin, 0), bins - 1)
            let cw = cumulativeWidths[bin], ch = cumulativeHeights[bin]
            let width = cumulativeWidths[bin + 1] - cw
            let height = cumulativeHeights[bin + 1] - ch
            let delta = height / width
            let d0 = derivatives[bin], d1 = derivatives[bin + 1]
            let offset = x - ch
            let curvature = d0 + d1 - 2 * delta
            let a = offset * curvature + height * (delta - d0)
            let b = height * d0 - offset * curvature
            let c = -delta * offset
            let discriminant = b * b - 4 * a * c
            // 2c / (−b − √disc) is the root in [0, 1] without cancellation.
            let root = (2 * c) / (-b - max(discriminant, 0).squareRoot())
            return root * width + cw
        }
    }

    /// Knot positions −B … B from unnormalised bin sizes: softmax, a floor of `minimum` per bin,
    /// cumulative sum, scaled onto the interval with the end knots pinned exactly.
    private static func knots(_ raw: UnsafePointer<Float>, stride: Int, bins: Int, minimum: Float, tailBound: Float,
                              into knots: UnsafeMutablePointer<Float>) {
        var peak = -Float.infinity
        for k in 0 ..< bins { peak = max(peak, raw[k * stride]) }
        var sum: Float = 0
        for k in 0 ..< bins {
            let e = Foundation.exp(raw[k * stride] - peak)
            knots[k + 1] = e
            sum += e
        }
        // Folded in double precision by the exporter, then stored as a float32 constant.
        let spread = Float(1 - 1e-3 * Double(bins))
        var running: Float = 0
        knots[0] = -tailBound
        for k in 0 ..< bins {
            running += minimum + spread * (knots[k + 1] / sum)
            knots[k + 1] = 2 * tailBound * running - tailBound
        }
        knots[bins] = tailBound
    }

    @inline(__always)
    private static func softplus(_ x: Float) -> Float {
        x > 20 ? x : Foundation.log1p(Foundation.exp(x))
    }
}
