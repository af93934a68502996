/// A stretch of text to synthesise in one go: whole clauses, or part of a clause too long to
/// fit the limit on its own.
public struct TextChunk: Sendable, Hashable {
    /// From the first clause's start to the last clause's end, in the original text.
    public var range: Range<String.Index>
    /// The characters in `range`.
    public var text: String
    /// Positions of the clauses it covers in the list given to the packer. A clause that had to
    /// be cut appears in several chunks.
    public var clauses: Range<Int>
    /// True when the chunk is a piece of a clause that was cut at word (or character) boundaries.
    public var isPartialClause: Bool
}
