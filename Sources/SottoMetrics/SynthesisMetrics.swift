import Foundation

/// What one synthesis cost: the figures the studio's metrics pane and `sotto say --json` show.
/// All times are wall-clock seconds measured from when the request was made.
public struct SynthesisMetrics: Codable, Sendable, Equatable {
    /// Time to load the model for this synthesis (0 when it was already loaded).
    public var loadSeconds: Double = 0
    /// Time from the request to the first audio chunk being ready (time to first audio).
    public var firstAudioSeconds: Double?
    /// Time from the request to the last audio chunk being ready.
    public var synthesisSeconds: Double = 0
    /// Length of the audio produced.
    public var audioSeconds: Double = 0
    /// Per-stage wall-clock times, when the engine reports them.
    public var stages: [StageTiming] = []
    /// Resident memory at the end and the peak during synthesis, in MB.
    public var residentMB: Double?
    public var peakResidentMB: Double?

    public init() {}

    public var realTimeFactor: RealTimeFactor {
        RealTimeFactor(computeSeconds: synthesisSeconds, audioSeconds: audioSeconds)
    }
}

/// Collects `SynthesisMetrics` while a synthesis runs: call `audioProduced` for every chunk as it
/// arrives and `finish` at the end.
public struct SynthesisMeter: Sendable {
    private let watch = Stopwatch()
    public private(set) var metrics = SynthesisMetrics()

    public init(loadSeconds: Double = 0) {
        metrics.loadSeconds = loadSeconds
    }

    /// Seconds since the request.
    public var elapsed: Double { watch.elapsed }

    public mutating func audioProduced(frames: Int, sampleRate: Int) {
        if metrics.firstAudioSeconds == nil { metrics.firstAudioSeconds = watch.elapsed }
        metrics.audioSeconds += Double(frames) / Double(sampleRate)
        metrics.synthesisSeconds = watch.elapsed
    }

    public mutating func finish(stages: [StageTiming] = []) -> SynthesisMetrics {
        metrics.synthesisSeconds = watch.elapsed
        metrics.stages = stages
        if let memory = ProcessMemory.read() {
            metrics.residentMB = memory.residentMB
            metrics.peakResidentMB = memory.peakResidentMB
        }
        return metrics
    }
}
