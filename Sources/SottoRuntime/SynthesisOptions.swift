import SottoCore

/// Everything besides the text that shapes a take: the one set of synthesis options that
/// `sotto say`, `sotto bench`, the studio and the server turn into engine requests.
public struct SynthesisOptions: Codable, Sendable, Equatable {
    /// Voice, Kokoro blend (`jf_alpha:0.7,jm_kumo:0.3`), Piper speaker or Qwen3-TTS speaker;
    /// nil is the model's default.
    public var voice: String?
    /// Emotion or style instruction (Qwen3-TTS CustomVoice).
    public var instruct: String?
    /// Description of the voice to design (Qwen3-TTS VoiceDesign).
    public var voiceDescription: String?
    /// Nil is the model's default, or automatic detection.
    public var language: String?
    /// Speaking rate; 1 is the model's natural pace.
    public var speed: Double
    public var seed: UInt64?
    public var sampling: SamplingOptions

    public init(voice: String? = nil, instruct: String? = nil, voiceDescription: String? = nil, language: String? = nil,
                speed: Double = 1, seed: UInt64? = nil, sampling: SamplingOptions = SamplingOptions()) {
        self.voice = voice
        self.instruct = instruct
        self.voiceDescription = voiceDescription
        self.language = language
        self.speed = speed
        self.seed = seed
        self.sampling = sampling
    }

    /// The speeds every front end accepts.
    public static let speedRange: ClosedRange<Double> = 0.25...4

    /// A request with every option as given: the engine notes what the model ignores (the CLI
    /// shows those notes, so a user learns why a flag made no difference).
    public func request(text: String) -> SynthesisRequest {
        SynthesisRequest(text: text, voice: voice, instruct: instruct, voiceDescription: voiceDescription,
                         language: language, speed: speed, seed: seed, sampling: sampling)
    }

    /// A request sending only what a model with `capabilities` uses (the studio keeps settings
    /// across models; those the model cannot use are left out rather than noted on every take).
    public func request(text: String, fittedTo capabilities: EngineCapabilities) -> SynthesisRequest {
        let usesVoice = capabilities.contains(.voices) || capabilities.contains(.speakers)
        func given(_ value: String?) -> String? { value?.isEmpty == false ? value : nil }
        return SynthesisRequest(
            text: text,
            voice: usesVoice ? voice : nil,
            instruct: capabilities.contains(.instruct) ? given(instruct) : nil,
            voiceDescription: capabilities.contains(.voiceDesign) ? given(voiceDescription) : nil,
            language: capabilities.contains(.languages) ? language : nil,
            speed: capabilities.contains(.speed) ? speed : 1,
            seed: capabilities.contains(.seed) ? seed : nil,
            sampling: sampling)
    }
}
