import SottoCore

/// Audio as soon as it exists, with when it came.
public struct TimedChunk: Sendable {
    /// Samples at the request's `SynthesisStart.sampleRate` (resampled if the engine changed rate).
    public var chunk: AudioChunk
    /// Monotonic seconds when the lane received it.
    public var at: Double
    /// Seconds since the engine started on the request.
    public var sinceStart: Double
}
