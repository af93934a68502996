/// Phonemized clauses to synthesise in one go, as one phoneme string.
public struct PhonemeChunk: Sendable, Hashable {
    /// The clauses' phonemes with punctuation, separated by spaces.
    public var phonemes: String
    /// Positions of the clauses it covers. A clause that had to be cut appears in several chunks.
    public var clauses: Range<Int>
    /// The source text the chunk speaks: from its first clause's start to its last clause's
    /// end (for a piece of a cut clause, the whole clause).
    public var range: Range<String.Index>
    /// True when the chunk is a piece of a clause cut at phoneme-word (or character) boundaries.
    public var isPartialClause: Bool
}

extension ChunkPacker {
    /// Packs phonemized clauses by a measure of their joined phoneme string (e.g. the number
    /// of model tokens), without phonemizing anything again. A clause whose phonemes alone
    /// exceed the limit is cut between phoneme words, a word between characters.
    public func pack(_ clauses: [PhonemeClause], punctuation style: PunctuationStyle = .full,
                     measure: (String) throws -> Int) rethrows -> [PhonemeChunk] {
        let rendered = clauses.map { $0.rendered(style) }
        var chunks: [PhonemeChunk] = []
        let clauseGroups = try groups(count: rendered.count) { members in
            try measure(rendered[members].joined(separator: " ")) <= limit
        }
        for group in clauseGroups {
            switch group {
            case .fitting(let members):
                chunks.append(PhonemeChunk(
                    phonemes: rendered[members].joined(separator: " "), clauses: members,
                    range: clauses[members.lowerBound].range.lowerBound..<clauses[members.upperBound - 1].range.upperBound,
                    isPartialClause: false))
            case .oversized(let position):
                for piece in try cut(rendered[position], measure: measure) {
                    chunks.append(PhonemeChunk(phonemes: piece, clauses: position..<position + 1,
                                               range: clauses[position].range, isPartialClause: true))
                }
            }
        }
        return chunks
    }

    private func cut(_ phonemes: String, measure: (String) throws -> Int) rethrows -> [String] {
        let words = phonemes.split(separator: " ")
        var pieces: [String] = []
        for group in try groups(count: words.count, fits: { try measure(words[$0].joined(separator: " ")) <= limit }) {
            switch group {
            case .fitting(let members):
                pieces.append(words[members].joined(separator: " "))
            case .oversized(let position):
                let characters = words[position].map(String.init)
                for group in try groups(count: characters.count, fits: { try measure(characters[$0].joined()) <= limit }) {
                    switch group {
                    case .fitting(let members): pieces.append(characters[members].joined())
                    case .oversized(let position): pieces.append(characters[position])
                    }
                }
            }
        }
        return pieces
    }
}
