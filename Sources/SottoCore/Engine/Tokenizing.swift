/// Engines whose front end turns text into model ids can show them: `sotto tokens` prints them
/// (to inspect pronunciation) and benchmarks feed the very same ids to a reference runtime.
public protocol TokenizingEngine: SpeechEngine {
    /// The model inputs `synthesize` would compute for `request`, one entry per inference call.
    func tokenize(_ request: SynthesisRequest) throws -> [TokenChunk]
}

/// One inference call's worth of input.
public struct TokenChunk: Codable, Sendable, Equatable {
    /// The source text this chunk speaks.
    public var text: String
    /// The phoneme string the ids were made from, when the model reads phonemes.
    public var phonemes: String?
    /// Exactly the ids the model receives, including any padding or boundary ids.
    public var ids: [Int]

    public init(text: String, phonemes: String? = nil, ids: [Int]) {
        self.text = text
        self.phonemes = phonemes
        self.ids = ids
    }
}
