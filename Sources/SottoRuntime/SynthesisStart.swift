import SottoCore

/// The engine is about to run a request.
public struct SynthesisStart: Sendable {
    /// What the engine receives, built from the request's options.
    public var request: SynthesisRequest
    /// The rate of every chunk this request yields (the engine's).
    public var sampleRate: Int
    /// Seconds spent loading the model for this request (0 when it was loaded).
    public var loadSeconds: Double
    public var defaultVoice: String?
    public var capabilities: EngineCapabilities
    /// Monotonic seconds.
    public var startedAt: Double
}
