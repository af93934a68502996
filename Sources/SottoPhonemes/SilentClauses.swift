/// A clause that can absorb a following clause with nothing to say.
protocol AbsorbingClause {
    var range: Range<String.Index> { get set }
    var text: String { get set }
    var terminator: ClauseTerminator { get set }
    var endsSentence: Bool { get set }
    var endsParagraph: Bool { get set }
}

extension TextSegment: AbsorbingClause {}

extension Array where Element: AbsorbingClause {
    /// Removes clauses with nothing to say (`?!`, a stray `(…)`), keeping what they mark:
    /// a clause that ended without punctuation takes over their terminator, and any clause
    /// keeps the sentence or paragraph end they carried.
    func absorbingSilentClauses(in source: String, isSilent: (Element) -> Bool) -> [Element] {
        var kept: [Element] = []
        kept.reserveCapacity(count)
        for clause in self {
            guard isSilent(clause) else {
                kept.append(clause)
                continue
            }
            guard var previous = kept.popLast() else { continue }
            if previous.terminator.kind == .none && !previous.endsParagraph {
                previous.range = previous.range.lowerBound..<clause.range.upperBound
                previous.text = String(source[previous.range])
                previous.terminator = clause.terminator
            }
            previous.endsSentence = previous.endsSentence || clause.endsSentence
            previous.endsParagraph = previous.endsParagraph || clause.endsParagraph
            kept.append(previous)
        }
        return kept
    }
}
