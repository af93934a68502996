/// Finds where each espeak-ng clause came from in the text and which punctuation ended it.
/// espeak-ng 1.51 drops punctuation from its output; the byte offsets it stopped at are all
/// that says where a clause ends.
struct ClauseLocator {
    let text: String
    let rules: BoundaryRules

    func locate(_ espeakClauses: [EspeakClause]) -> [PhonemeClause] {
        var contents = visibleRanges(of: espeakClauses)
        reattachClosingMarks(&contents)

        var clauses: [PhonemeClause] = []
        clauses.reserveCapacity(contents.count)
        for (position, content) in contents.enumerated() {
            let isLast = position == contents.count - 1
            let gapEnd = isLast ? text.endIndex : contents[position + 1].lowerBound
            let gap = text[content.upperBound..<max(content.upperBound, gapEnd)]
            let endsParagraph = isLast || PunctuationMarks.containsParagraphBreak(gap)
            let (terminator, verdict) = terminator(of: content)
            clauses.append(PhonemeClause(
                phonemes: Self.cleaned(espeakClauses[position].phonemes),
                terminator: terminator,
                endsSentence: endsParagraph || verdict == .sentence,
                endsParagraph: endsParagraph,
                range: content,
                text: String(text[content])))
        }
        return clauses.absorbingSilentClauses(in: text) { $0.phonemes.isEmpty }
    }

    /// Each clause's stretch of text without surrounding whitespace.
    private func visibleRanges(of espeakClauses: [EspeakClause]) -> [Range<String.Index>] {
        var ranges: [Range<String.Index>] = []
        ranges.reserveCapacity(espeakClauses.count)
        var utf8Position = text.utf8.startIndex
        var utf8Offset = 0
        var start = text.startIndex
        for clause in espeakClauses {
            utf8Position = text.utf8.index(utf8Position, offsetBy: clause.end - utf8Offset)
            utf8Offset = clause.end
            let end = max(start, characterBoundary(atOrBefore: utf8Position))
            ranges.append(trimmed(start..<end))
            start = end
        }
        return ranges
    }

    /// espeak-ng may stop between a base letter and its combining mark; a clause boundary
    /// there is moved back to the start of the character.
    private func characterBoundary(atOrBefore index: String.Index) -> String.Index {
        var boundary = index
        while boundary > text.startIndex && String.Index(boundary, within: text) == nil {
            boundary = text.unicodeScalars.index(before: boundary)
        }
        return boundary
    }

    private func trimmed(_ range: Range<String.Index>) -> Range<String.Index> {
        var lower = range.lowerBound
        var upper = range.upperBound
        while lower < upper && PunctuationMarks.isBlank(text[lower]) {
            lower = text.index(after: lower)
        }
        while upper > lower && PunctuationMarks.isBlank(text[text.index(before: upper)]) {
            upper = text.index(before: upper)
        }
        return lower..<upper
    }

    /// espeak-ng's look-ahead character after `Stop!` is the closing quote, so the quote
    /// arrives at the start of the next clause. A quote or bracket directly after the previous
    /// clause and followed by a space (or nothing) closes that clause; it goes back to it.
    private func reattachClosingMarks(_ ranges: inout [Range<String.Index>]) {
        for position in ranges.indices.dropFirst() {
            let current = ranges[position]
            let previous = ranges[position - 1]
            guard !previous.isEmpty, previous.upperBound == current.lowerBound else { continue }
            var closersEnd = current.lowerBound
            while closersEnd < current.upperBound && PunctuationMarks.isClosing(text[closersEnd]) {
                closersEnd = text.index(after: closersEnd)
            }
            guard closersEnd > current.lowerBound,
                  closersEnd == current.upperBound || PunctuationMarks.isBlank(text[closersEnd])
            else { continue }
            ranges[position - 1] = previous.lowerBound..<closersEnd
            ranges[position] = trimmed(closersEnd..<current.upperBound)
        }
    }

    /// The run of terminator marks at the end of a clause (before any closing quotes), and
    /// whether the boundary rules accept it as the end of a clause or sentence.
    private func terminator(of content: Range<String.Index>) -> (ClauseTerminator, BoundaryRules.Verdict) {
        var runEnd = content.upperBound
        while runEnd > content.lowerBound && PunctuationMarks.isClosing(text[text.index(before: runEnd)]) {
            runEnd = text.index(before: runEnd)
        }
        var runStart = runEnd
        while runStart > content.lowerBound && PunctuationMarks.isTerminator(text[text.index(before: runStart)]) {
            runStart = text.index(before: runStart)
        }
        guard runStart < runEnd else { return (.none, .notABoundary) }
        let verdict = rules.verdict(in: text, run: runStart..<runEnd, closersEnd: content.upperBound)
        guard verdict != .notABoundary else { return (.none, .notABoundary) }
        return (ClauseTerminator(text[runStart..<runEnd]), verdict)
    }

    /// Removes espeak-ng's language-switch marks such as `(en)` or `(ja)`, which no model
    /// vocabulary contains, and leaves single spaces between words.
    static func cleaned(_ phonemes: String) -> String {
        var scalars = String.UnicodeScalarView()
        var rest = phonemes.unicodeScalars[...]
        while let first = rest.first {
            if first == "(", let close = rest.prefix(16).firstIndex(of: ")"),
               isLanguageCode(rest[rest.index(after: rest.startIndex)..<close]) {
                rest = rest[rest.index(after: close)...]
                continue
            }
            scalars.append(first)
            rest = rest.dropFirst()
        }
        return String(scalars).split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    private static func isLanguageCode(_ scalars: Substring.UnicodeScalarView) -> Bool {
        guard let first = scalars.first, ("a"..."z").contains(first) else { return false }
        return scalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }
}
