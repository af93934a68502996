import SottoCore
import SottoMetrics

/// How a request ended.
public struct SynthesisEnd: Sendable {
    public enum Outcome: Sendable, Equatable {
        case completed
        case cancelled
        case failed(String)
    }

    public var outcome: Outcome
    public var summary = SynthesisSummary()
    /// Nil when the engine never started (cancelled while queued, or the model failed to load).
    public var start: SynthesisStart?
    /// Samples yielded.
    public var frames = 0
    public var firstChunkAt: Double?
    /// Monotonic seconds.
    public var finishedAt: Double
    /// The process's memory when the engine finished (peak since it started).
    public var memory: ProcessMemory.Reading?

    public var audioSeconds: Double {
        guard let rate = start?.sampleRate, rate > 0 else { return 0 }
        return Double(frames) / Double(rate)
    }

    public var synthesisSeconds: Double { start.map { finishedAt - $0.startedAt } ?? 0 }
}
