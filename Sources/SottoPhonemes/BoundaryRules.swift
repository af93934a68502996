/// Decides whether a run of terminator marks really ends a clause or a sentence.
/// The same rules judge the splitter's boundaries and the breaks espeak-ng makes, so a chunk
/// boundary and a phoneme clause boundary mean the same thing.
struct BoundaryRules: Sendable {
    enum Verdict: Equatable {
        case notABoundary, clause, sentence
    }

    /// Lower-case, without the final period: `dr`, `e.g`.
    var titles: Set<String>
    var abbreviations: Set<String>

    /// - Parameters:
    ///   - run: a maximal run of terminator characters.
    ///   - closersEnd: the index after any closing quotes or brackets that follow the run.
    func verdict(in text: String, run: Range<String.Index>, closersEnd: String.Index) -> Verdict {
        let marks = text[run]
        let kind = ClauseTerminator(marks).kind
        if kind == .none { return .notABoundary }

        if marks.contains(where: PunctuationMarks.isWideTerminator) {
            switch kind {
            case .period, .question, .exclamation, .ellipsis: return .sentence
            default: return .clause
            }
        }

        // "3.14", "U.S.A", "Hello,world" and "10:30" are not boundaries: a Latin-script
        // terminator needs a space (or the end of the text) after it.
        if closersEnd < text.endIndex && !PunctuationMarks.isBlank(text[closersEnd]) { return .notABoundary }

        let next = nextWordStart(in: text, from: closersEnd)
        let nextIsUpper = next?.isUppercase ?? false
        let nextIsLower = next?.isLowercase ?? false

        switch kind {
        case .comma, .semicolon, .colon, .dash, .none:
            return .clause
        case .question, .exclamation:
            // `"Stop!" he said.` goes on after the exclamation.
            return nextIsLower ? .clause : .sentence
        case .ellipsis:
            return next == nil || nextIsUpper ? .sentence : .clause
        case .period:
            guard let next else { return .sentence }
            let token = wordBefore(run.lowerBound, in: text)
            let word = token.lowercased()
            if titles.contains(word) { return .notABoundary }
            if isInitial(token) && nextIsUpper { return .notABoundary }
            if abbreviations.contains(word) || isDottedAcronym(word) {
                return nextIsUpper ? .sentence : .notABoundary
            }
            // A lower-case word after a full stop means an abbreviation this list does not know.
            if next.isLowercase { return .notABoundary }
            return .sentence
        }
    }

    /// The first letter or digit after the boundary, skipping spaces and opening quotes;
    /// nil at the end of the text or of the paragraph.
    private func nextWordStart(in text: String, from start: String.Index) -> Character? {
        var index = start
        var whitespace = start..<start
        while index < text.endIndex {
            let character = text[index]
            if PunctuationMarks.isBlank(character) {
                whitespace = whitespace.lowerBound..<text.index(after: index)
            } else if !PunctuationMarks.isOpening(character) {
                if PunctuationMarks.containsParagraphBreak(text[whitespace]) { return nil }
                return character
            }
            index = text.index(after: index)
        }
        return nil
    }

    /// The token before a full stop: letters and inner periods, so `U.S` and `e.g`.
    private func wordBefore(_ end: String.Index, in text: String) -> Substring {
        var start = end
        while start > text.startIndex {
            let previous = text.index(before: start)
            let character = text[previous]
            guard character.isLetter || character == "." else { break }
            start = previous
        }
        return text[start..<end]
    }

    /// `J` in `J. K. Rowling`.
    private func isInitial(_ token: Substring) -> Bool {
        token.count == 1 && token.first?.isUppercase == true
    }

    /// `u.s`, `a.m`, `n.a.s.a`: single letters joined by periods.
    private func isDottedAcronym(_ word: String) -> Bool {
        let parts = word.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count >= 2 && parts.allSatisfy { $0.count == 1 && $0.first!.isLetter }
    }
}
