import Foundation

/// A blend of two voices seen as one slider: the first voice's share of the weight, moved in
/// tenths, and written back as the blend string every front end reads (`jf_alpha:0.7,jm_kumo:0.3`).
public struct BlendSlider: Equatable, Sendable {
    public static let step = 0.1
    public static let cells = 10

    public var first: String
    public var second: String
    /// The first voice's share, 0 to 1; the second has the rest.
    public private(set) var share: Double

    public init(first: String, second: String, share: Double) {
        self.first = first
        self.second = second
        self.share = Self.onGrid(share)
    }

    /// The slider of a voice setting that blends exactly two voices; nil for anything else. A
    /// voice written without a weight counts 1, as in `sotto say -v a,b`.
    public init?(_ voice: String?) {
        guard let voice else { return nil }
        let parts = voice.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        var names: [String] = []
        var weights: [Double] = []
        for part in parts {
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard (1...2).contains(pieces.count), !pieces[0].isEmpty else { return nil }
            let weight = pieces.count == 2 ? Double(pieces[1]) : 1
            guard let weight, weight.isFinite, weight >= 0 else { return nil }
            names.append(pieces[0])
            weights.append(weight)
        }
        let total = weights[0] + weights[1]
        guard total > 0, names[0] != names[1] else { return nil }
        self.init(first: names[0], second: names[1], share: weights[0] / total)
    }

    /// Moved `steps` tenths toward the first voice (negative: toward the second), kept in 0...1.
    public func moved(by steps: Int) -> BlendSlider {
        BlendSlider(first: first, second: second, share: min(max(share + Double(steps) * Self.step, 0), 1))
    }

    /// `jf_alpha:0.7,jm_kumo:0.3`
    public var voiceSetting: String {
        "\(first):\(Self.format(share)),\(second):\(Self.format(1 - share))"
    }

    /// `jf_alpha 0.7 ▮▮▮▮▮▮▮▯▯▯ 0.3 jm_kumo`
    public var label: String {
        "\(first) \(Self.format(share)) \(bar) \(Self.format(1 - share)) \(second)"
    }

    /// Ten cells, the first voice's tenths filled.
    public var bar: String {
        let filled = Int((share * Double(Self.cells)).rounded())
        return String(repeating: "▮", count: filled) + String(repeating: "▯", count: Self.cells - filled)
    }

    static func onGrid(_ share: Double) -> Double {
        (min(max(share, 0), 1) / step).rounded() * step
    }

    static func format(_ value: Double) -> String { String(format: "%.1f", value) }
}
