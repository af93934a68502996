/// Everything that shapes one take: the text and the synthesis options. The options read as the
/// request's own fields (`request.voice`, `request.speed`), so engines need not know they are
/// shared with every front end.
@dynamicMemberLookup
public struct SynthesisRequest: Codable, Sendable, Equatable {
    public var text: String
    public var options: SynthesisOptions

    public init(text: String, options: SynthesisOptions) {
        self.text = text
        self.options = options
    }

    public init(text: String, voice: String? = nil, instruct: String? = nil, voiceDescription: String? = nil,
                language: String? = nil, speed: Double = 1, seed: UInt64? = nil,
                sampling: SamplingOptions = SamplingOptions()) {
        self.init(text: text, options: SynthesisOptions(voice: voice, instruct: instruct, voiceDescription: voiceDescription,
                                                        language: language, speed: speed, seed: seed, sampling: sampling))
    }

    public subscript<Value>(dynamicMember option: WritableKeyPath<SynthesisOptions, Value>) -> Value {
        get { options[keyPath: option] }
        set { options[keyPath: option] = newValue }
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
