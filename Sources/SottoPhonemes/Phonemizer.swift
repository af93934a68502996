/// Turns text into IPA clauses with espeak-ng, in the form Kokoro and Piper take.
///
/// All Phonemizers share one process-wide lock around libespeak-ng, which is not thread-safe;
/// they may be used from any thread or task. Each call selects this phonemizer's voice.
public struct Phonemizer: Sendable {
    /// The voice name as given, e.g. `en-us`.
    public let voice: String
    /// Decides which punctuation ends clauses and sentences (abbreviations, initials).
    public var splitter: TextSplitter
    private let identifier: String

    /// - Parameter voice: an espeak-ng voice or language: `en-us`, `en-gb`, `de`, `ja`, `cmn`,
    ///   a voice file such as `gmw/en-GB-x-rp`, optionally with a `+variant`.
    /// - Throws: `PhonemeError.unknownVoice` for a name no installed voice matches.
    public init(voice: String = "en-us", splitter: TextSplitter = TextSplitter()) throws(PhonemeError) {
        self.voice = voice
        self.splitter = splitter
        self.identifier = try Espeak.load(voice)
    }

    /// The voices espeak-ng has installed.
    public static func availableVoices() throws(PhonemeError) -> [EspeakVoice] {
        try Espeak.voices()
    }

    /// The clauses of `text` as espeak-ng divides it, each with its phonemes, terminator and
    /// source range. Text with nothing to say (empty, spaces, bare punctuation) gives none.
    public func clauses(_ text: String) throws(PhonemeError) -> [PhonemeClause] {
        guard text.contains(where: { !PunctuationMarks.isBlank($0) }) else { return [] }
        let input = EspeakInput(text)
        let espeakClauses = try Espeak.clauses(of: input, voice: identifier)
        return ClauseLocator(text: text, rules: splitter.rules).locate(espeakClauses)
    }

    /// `text` as one phoneme string with punctuation restored, e.g.
    /// `həlˈoʊ, wˈɜːld! hˈaʊ ɑːɹ juː? fˈaɪn; θˈæŋks.`
    public func phonemize(_ text: String, punctuation style: PunctuationStyle = .full) throws(PhonemeError) -> String {
        try clauses(text).joinedPhonemes(punctuation: style)
    }

    /// One phoneme string per sentence, each ending in its terminator. Piper runs one
    /// inference per sentence.
    public func sentences(_ text: String, punctuation style: PunctuationStyle = .basic) throws(PhonemeError) -> [String] {
        try clauses(text).sentences().map { $0.joinedPhonemes(punctuation: style) }
    }
}
