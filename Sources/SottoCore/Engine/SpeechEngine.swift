/// The seam between a model and everything else (CLI, studio, server).
///
/// An engine is a loaded model. `synthesize` runs on the caller's thread and hands audio to
/// `onChunk` as soon as each chunk exists, so time to first audio is the first chunk's time.
/// Engines keep scratch buffers between calls and serialise `synthesize` themselves; a second
/// concurrent call waits.
public protocol SpeechEngine: AnyObject, Sendable {
    var model: ModelDescriptor { get }
    var sampleRate: Int { get }
    var capabilities: EngineCapabilities { get }
    var voices: [VoiceInfo] { get }
    var languages: [String] { get }
    /// The voice used when a request names none.
    var defaultVoice: String? { get }
    /// Bytes of weights and buffers this engine holds.
    var residentBytes: Int { get }

    /// Synthesizes `request`. Throws `SottoError` for bad input (empty text, unknown voice, ...)
    /// and `SynthesisCancelled` when `cancellation` is set; errors thrown by `onChunk` propagate.
    func synthesize(_ request: SynthesisRequest, cancellation: CancellationFlag,
                    onChunk: (AudioChunk) throws -> Void) throws -> SynthesisSummary
}

/// How to load a model.
public struct LoadOptions: Sendable, Equatable {
    /// Threads for the math library; nil leaves its default.
    public var threads: Int?
    /// Weight precision for models that offer several (Qwen3-TTS: fp32, bf16, int8, int4).
    public var precision: WeightPrecision?

    public init(threads: Int? = nil, precision: WeightPrecision? = nil) {
        self.threads = threads
        self.precision = precision
    }
}

/// How a model's large matrices are held. Lower precisions read fewer bytes per generated token,
/// which is what decoding speed depends on, at the cost of rounding the weights.
public enum WeightPrecision: String, Codable, Sendable, CaseIterable {
    case fp32, bf16
    /// Symmetric per output row.
    case int8
    /// Symmetric per row and group of 128 inputs, scales chosen by least squared error.
    case int4
}
