/// A clause or sentence of a text, located in the text it came from.
public struct TextSegment: Sendable, Hashable {
    /// Where the segment is in the original text: from its first visible character through its
    /// terminator and any closing quote or bracket; surrounding whitespace is left out.
    public var range: Range<String.Index>
    /// The characters in `range`.
    public var text: String
    public var terminator: ClauseTerminator
    public var endsSentence: Bool
    public var endsParagraph: Bool

    public init(range: Range<String.Index>, text: String, terminator: ClauseTerminator,
                endsSentence: Bool, endsParagraph: Bool) {
        self.range = range
        self.text = text
        self.terminator = terminator
        self.endsSentence = endsSentence
        self.endsParagraph = endsParagraph
    }
}
