/// Packs clauses into chunks whose measure stays within a limit.
///
/// The measure is the caller's (characters, phoneme tokens, …) and is always applied to the
/// exact text of a candidate chunk, so the limit holds even when the measure is not additive.
/// Chunks end only at clause boundaries, except that a clause which alone exceeds the limit is
/// cut at word boundaries, and a single word that still exceeds it at character boundaries.
/// The measure is expected to grow with the text; a chunk is only ever formed from a candidate
/// the measure accepted, so an odd measure costs chunk size, never the limit. The one exception
/// is a single character that exceeds the limit by itself: it becomes a chunk of its own.
public struct ChunkPacker: Sendable {
    public let limit: Int

    public init(limit: Int) {
        precondition(limit > 0, "a chunk limit must be positive")
        self.limit = limit
    }

    /// Packs the clauses `TextSplitter` finds in `text`.
    public func pack(_ text: String, splitter: TextSplitter = TextSplitter(),
                     measure: (Substring) throws -> Int) rethrows -> [TextChunk] {
        try pack(text, clauses: splitter.clauses(in: text).map(\.range), measure: measure)
    }

    /// Packs clauses given as ordered, non-overlapping ranges of `text` (for example the
    /// ranges of `TextSegment`s or `PhonemeClause`s).
    public func pack(_ text: String, clauses: [Range<String.Index>],
                     measure: (Substring) throws -> Int) rethrows -> [TextChunk] {
        var chunks: [TextChunk] = []
        for group in try groups(of: clauses, in: text, measure: measure) {
            switch group {
            case .fitting(let members):
                let range = clauses[members.lowerBound].lowerBound..<clauses[members.upperBound - 1].upperBound
                chunks.append(TextChunk(range: range, text: String(text[range]), clauses: members,
                                        isPartialClause: false))
            case .oversized(let position):
                for piece in try cut(clauses[position], in: text, measure: measure) {
                    chunks.append(TextChunk(range: piece, text: String(text[piece]),
                                            clauses: position..<position + 1, isPartialClause: true))
                }
            }
        }
        return chunks
    }

    enum Group {
        /// Consecutive units that fit together.
        case fitting(Range<Int>)
        /// One unit that does not fit even alone.
        case oversized(Int)
    }

    /// Greedy grouping of `count` consecutive units, each group as long as `fits` allows.
    /// The longest fitting group is found by doubling then bisecting, so a group of k units
    /// costs O(log k) measurements rather than k.
    func groups(count: Int, fits: (Range<Int>) throws -> Bool) rethrows -> [Group] {
        var groups: [Group] = []
        var first = 0
        while first < count {
            guard try fits(first..<first + 1) else {
                groups.append(.oversized(first))
                first += 1
                continue
            }
            let available = count - first
            var fitting = 1
            var failing = available + 1
            var probe = 2
            while probe <= available {
                if try fits(first..<first + probe) {
                    fitting = probe
                    probe *= 2
                } else {
                    failing = probe
                    break
                }
            }
            if probe > available && failing > available && fitting < available {
                if try fits(first..<first + available) { fitting = available } else { failing = available }
            }
            while failing - fitting > 1 {
                let middle = (fitting + failing) / 2
                if try fits(first..<first + middle) { fitting = middle } else { failing = middle }
            }
            groups.append(.fitting(first..<first + fitting))
            first += fitting
        }
        return groups
    }

    private func groups(of units: [Range<String.Index>], in text: String,
                        measure: (Substring) throws -> Int) rethrows -> [Group] {
        try groups(count: units.count) { members in
            try measure(text[units[members.lowerBound].lowerBound..<units[members.upperBound - 1].upperBound]) <= limit
        }
    }

    /// Cuts a clause at word boundaries, and a word that alone is too large at characters.
    private func cut(_ clause: Range<String.Index>, in text: String,
                     measure: (Substring) throws -> Int) rethrows -> [Range<String.Index>] {
        let words = ranges(in: text, within: clause, splitAt: PunctuationMarks.isBlank)
        var pieces: [Range<String.Index>] = []
        for group in try groups(of: words, in: text, measure: measure) {
            switch group {
            case .fitting(let members):
                pieces.append(words[members.lowerBound].lowerBound..<words[members.upperBound - 1].upperBound)
            case .oversized(let position):
                let characters = words[position].characterRanges(in: text)
                for group in try groups(of: characters, in: text, measure: measure) {
                    switch group {
                    case .fitting(let members):
                        pieces.append(characters[members.lowerBound].lowerBound..<characters[members.upperBound - 1].upperBound)
                    case .oversized(let position):
                        pieces.append(characters[position])
                    }
                }
            }
        }
        return pieces
    }

    /// Maximal runs of characters within `range` that are not separators.
    private func ranges(in text: String, within range: Range<String.Index>,
                        splitAt isSeparator: (Character) -> Bool) -> [Range<String.Index>] {
        var runs: [Range<String.Index>] = []
        var index = range.lowerBound
        while index < range.upperBound {
            while index < range.upperBound && isSeparator(text[index]) {
                index = text.index(after: index)
            }
            let start = index
            while index < range.upperBound && !isSeparator(text[index]) {
                index = text.index(after: index)
            }
            if start < index { runs.append(start..<index) }
        }
        return runs
    }
}

private extension Range where Bound == String.Index {
    func characterRanges(in text: String) -> [Range<String.Index>] {
        var result: [Range<String.Index>] = []
        var index = lowerBound
        while index < upperBound {
            let next = text.index(after: index)
            result.append(index..<next)
            index = next
        }
        return result
    }
}
