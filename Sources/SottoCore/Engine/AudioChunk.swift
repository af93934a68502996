import SottoMetrics

/// A piece of synthesized audio, delivered as soon as it exists.
public struct AudioChunk: Sendable {
    /// Mono samples in [-1, 1].
    public var samples: [Float]
    public var sampleRate: Int
    /// 0 for the first chunk of a request.
    public var index: Int
    /// The text this chunk speaks.
    public var text: String
    /// Words whose timings became known with this chunk, timed from the take's start (engines
    /// that know their phonemes' durations fill it; the words may reach past this chunk).
    public var words: [WordTiming]

    public init(samples: [Float], sampleRate: Int, index: Int, text: String, words: [WordTiming] = []) {
        self.samples = samples
        self.sampleRate = sampleRate
        self.index = index
        self.text = text
        self.words = words
    }

    public var seconds: Double { Double(samples.count) / Double(sampleRate) }
}

/// What an engine reports when a synthesis ends.
public struct SynthesisSummary: Sendable {
    /// Per-stage wall-clock times ("phonemes", "encoder", "decoder", ...), summed over chunks.
    public var stages: [StageTiming]
    /// Things the user should know about this take, e.g. characters that were dropped or an
    /// instruction the model ignores.
    public var notes: [String]
    /// For models that generate discrete audio codes (Qwen3-TTS): one array per frame.
    public var generatedCodes: [[Int]]?

    public init(stages: [StageTiming] = [], notes: [String] = [], generatedCodes: [[Int]]? = nil) {
        self.stages = stages
        self.notes = notes
        self.generatedCodes = generatedCodes
    }
}
