/// One clause of a text in IPA, with the punctuation that ended it and where it came from.
public struct PhonemeClause: Sendable, Hashable {
    /// IPA with espeak-ng's stress marks (`ˈ` primary, `ˌ` secondary, before the vowel), words
    /// separated by single spaces, no punctuation and no language-switch marks.
    public var phonemes: String
    public var terminator: ClauseTerminator
    public var endsSentence: Bool
    public var endsParagraph: Bool
    /// The clause in the original text, from its first visible character through its
    /// terminator and any closing quote or bracket.
    public var range: Range<String.Index>
    /// The characters in `range`.
    public var text: String

    public init(phonemes: String, terminator: ClauseTerminator, endsSentence: Bool,
                endsParagraph: Bool, range: Range<String.Index>, text: String) {
        self.phonemes = phonemes
        self.terminator = terminator
        self.endsSentence = endsSentence
        self.endsParagraph = endsParagraph
        self.range = range
        self.text = text
    }

    /// The phonemes followed by the terminator, e.g. `wˈɜːld!`.
    public func rendered(_ style: PunctuationStyle = .full) -> String {
        phonemes + terminator.rendered(style, endsSentence: endsSentence)
    }
}

extension PhonemeClause: AbsorbingClause {}

extension Sequence where Element == PhonemeClause {
    /// The clauses as one phoneme string with their punctuation, separated by spaces:
    /// `həlˈoʊ, wˈɜːld! hˈaʊ ɑːɹ juː?`. This is the string Kokoro takes, and, per sentence,
    /// the one Piper takes.
    public func joinedPhonemes(punctuation style: PunctuationStyle = .full) -> String {
        map { $0.rendered(style) }.joined(separator: " ")
    }
}

extension Array where Element == PhonemeClause {
    /// Runs of clauses up to and including one that ends a sentence. Trailing clauses that do
    /// not end a sentence still form a last one.
    public func sentences() -> [ArraySlice<PhonemeClause>] {
        var sentences: [ArraySlice<PhonemeClause>] = []
        var start = startIndex
        for index in indices where self[index].endsSentence || index == endIndex - 1 {
            sentences.append(self[start...index])
            start = index + 1
        }
        return sentences
    }
}
