/// Everything that shapes one take. The fields a model does not support are ignored with a note
/// (see `SynthesisSummary.notes`), never silently dropped.
public struct SynthesisRequest: Codable, Sendable, Equatable {
    public var text: String
    /// Voice (Kokoro, or a blend such as `jf_alpha:0.7,jm_kumo:0.3`), Piper speaker or
    /// Qwen3-TTS speaker. Nil means the model's default.
    public var voice: String?
    /// Emotion or style instruction (Qwen3-TTS CustomVoice).
    public var instruct: String?
    /// Description of the voice to design (Qwen3-TTS VoiceDesign).
    public var voiceDescription: String?
    /// Spoken language; nil means the model's default or automatic.
    public var language: String?
    /// Speaking rate; 1 is the model's natural pace, 2 twice as fast.
    public var speed: Double
    /// Seed for every random choice; the same seed and request give the same audio.
    public var seed: UInt64?
    public var sampling: SamplingOptions

    public init(text: String, voice: String? = nil, instruct: String? = nil, voiceDescription: String? = nil,
                language: String? = nil, speed: Double = 1, seed: UInt64? = nil,
                sampling: SamplingOptions = SamplingOptions()) {
        self.text = text
        self.voice = voice
        self.instruct = instruct
        self.voiceDescription = voiceDescription
        self.language = language
        self.speed = speed
        self.seed = seed
        self.sampling = sampling
    }
}

/// Knobs for models that sample. Nil leaves the model's own default in place.
public struct SamplingOptions: Codable, Sendable, Equatable {
    /// Always take the most likely token (reproducible without a seed).
    public var greedy: Bool = false
    public var temperature: Double?
    public var topK: Int?
    public var topP: Double?
    /// Upper bound on generated codec frames, ending runaway generations.
    public var maxFrames: Int?
    /// VITS: noise on the latent (Piper's noise_scale) and on durations (noise_w).
    public var noiseScale: Double?
    public var noiseW: Double?

    public init() {}
}
