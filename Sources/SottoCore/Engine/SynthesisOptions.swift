/// Everything besides the text that shapes a take: the one set of synthesis options that
/// `sotto say`, `sotto bench`, the studio and the server set, and that a `SynthesisRequest`
/// carries to the engine (SottoRuntime builds requests from them). The fields a model does not
/// support are ignored with a note (see `SynthesisSummary.notes`), never silently dropped.
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
    /// Qwen3-TTS Base: a recording whose voice the take clones (any sample rate or channels).
    public var reference: String?
    /// The words spoken in `reference`; with them the clone is in-context (voice and manner).
    public var referenceText: String?
    /// Clone from the reference's x-vector alone, without its words.
    public var xVectorOnly: Bool?
    /// Time each spoken word (captions, the server's word events, the studio's highlighting).
    /// Off, engines skip the per-word phonemization and alignment that timing needs.
    public var wordTimings: Bool?

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
}
