import Foundation

/// Speed of synthesis relative to the audio it produced.
///
/// Two opposite conventions are in use, so Sotto always shows both, labelled:
/// - `rtf` = compute seconds ÷ audio seconds (lower is faster; below 1 is faster than real time);
/// - `timesRealTime` = audio seconds ÷ compute seconds (higher is faster; "20× real time").
public struct RealTimeFactor: Sendable, Equatable {
    public let computeSeconds: Double
    public let audioSeconds: Double

    public init(computeSeconds: Double, audioSeconds: Double) {
        self.computeSeconds = computeSeconds
        self.audioSeconds = audioSeconds
    }

    /// Compute ÷ audio, or nil when there is no audio to divide by.
    public var rtf: Double? { audioSeconds > 0 ? computeSeconds / audioSeconds : nil }

    /// Audio ÷ compute, or nil when no time was measured.
    public var timesRealTime: Double? { computeSeconds > 0 && audioSeconds > 0 ? audioSeconds / computeSeconds : nil }

    /// "RTF 0.21 (4.8× real time)", or "RTF –" when undefined.
    public var label: String {
        guard let rtf, let x = timesRealTime else { return "RTF – (no audio)" }
        return "RTF \(Self.format(rtf)) (\(Self.format(x))× real time)"
    }

    static func format(_ v: Double) -> String {
        switch v {
        case ..<0.01: return String(format: "%.4f", v)
        case ..<0.1: return String(format: "%.3f", v)
        case ..<10: return String(format: "%.2f", v)
        case ..<100: return String(format: "%.1f", v)
        default: return String(format: "%.0f", v)
        }
    }
}
