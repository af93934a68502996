/// Splits text into clauses and sentences for chunked synthesis, without espeak-ng.
///
/// A clause ends at `, ; : . ? ! …`, a spaced dash, a CJK mark (`。！？、，`), a blank line or
/// the end of the text. Latin marks need a space after them, so `3.14`, `U.S.A` and `10:30`
/// stay whole. Closing quotes and brackets after a mark stay with the clause it ends.
public struct TextSplitter: Sendable {
    /// Abbreviations that never end a sentence (lower-case, without the final period).
    public var titles: Set<String>
    /// Abbreviations that end a sentence only when a capitalised word follows.
    public var abbreviations: Set<String>

    public static let defaultTitles: Set<String> = [
        "mr", "mrs", "ms", "mx", "dr", "prof", "rev", "hon", "st", "mt", "sr", "sra", "srta",
        "gen", "col", "capt", "lt", "sgt", "gov", "pres", "fr",
        "e.g", "i.e", "cf", "vs", "viz", "approx", "ca", "figs", "nos",
        "pp", "dept", "z.b", "bzw", "inkl",
    ]
    /// Includes words such as `no` and `fig` that are also ordinary words: before a number
    /// (`No. 5`, `Jan. 5th`) they are abbreviations, before a capital they end a sentence.
    public static let defaultAbbreviations: Set<String> = [
        "etc", "inc", "ltd", "co", "corp", "jr", "bros", "usw", "al", "ft", "min", "max", "sq",
        "no", "nr", "fig", "vol", "ch", "sec", "est", "ed", "eds", "pt", "pts", "op",
        "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    ]

    public init(titles: Set<String> = TextSplitter.defaultTitles,
                abbreviations: Set<String> = TextSplitter.defaultAbbreviations) {
        self.titles = titles
        self.abbreviations = abbreviations
    }

    var rules: BoundaryRules { BoundaryRules(titles: titles, abbreviations: abbreviations) }

    /// The clauses of `text` in order. Segments with nothing to say (only punctuation or
    /// whitespace) are folded into their neighbour, so punctuation-only text gives none.
    public func clauses(in text: String) -> [TextSegment] {
        let rules = self.rules
        var clauses: [TextSegment] = []
        var clauseStart: String.Index?
        var contentEnd = text.startIndex

        func close(at end: String.Index, terminator: ClauseTerminator, endsSentence: Bool,
                   endsParagraph: Bool) {
            guard let start = clauseStart else {
                if endsParagraph, let last = clauses.indices.last {
                    clauses[last].endsSentence = true
                    clauses[last].endsParagraph = true
                }
                return
            }
            clauses.append(TextSegment(range: start..<end, text: String(text[start..<end]),
                                       terminator: terminator, endsSentence: endsSentence,
                                       endsParagraph: endsParagraph))
            clauseStart = nil
        }

        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if PunctuationMarks.isBlank(character) {
                let whitespaceEnd = endOfWhitespace(in: text, from: index)
                if PunctuationMarks.containsParagraphBreak(text[index..<whitespaceEnd]) {
                    close(at: contentEnd, terminator: .none, endsSentence: true, endsParagraph: true)
                }
                index = whitespaceEnd
                continue
            }
            if clauseStart == nil { clauseStart = index }
            guard PunctuationMarks.isTerminator(character) else {
                index = text.index(after: index)
                contentEnd = index
                continue
            }
            var runEnd = index
            while runEnd < text.endIndex && PunctuationMarks.isTerminator(text[runEnd]) {
                runEnd = text.index(after: runEnd)
            }
            var closersEnd = runEnd
            while closersEnd < text.endIndex && PunctuationMarks.isClosing(text[closersEnd]) {
                closersEnd = text.index(after: closersEnd)
            }
            switch rules.verdict(in: text, run: index..<runEnd, closersEnd: closersEnd) {
            case .notABoundary:
                index = runEnd
                contentEnd = runEnd
            case let verdict:
                close(at: closersEnd, terminator: ClauseTerminator(text[index..<runEnd]),
                      endsSentence: verdict == .sentence, endsParagraph: false)
                index = closersEnd
                contentEnd = closersEnd
            }
        }
        close(at: contentEnd, terminator: .none, endsSentence: true, endsParagraph: true)

        return clauses.absorbingSilentClauses(in: text) { clause in
            !clause.text.contains(where: PunctuationMarks.isSpeakable)
        }
    }

    /// The sentences of `text`: runs of clauses up to one that ends a sentence.
    public func sentences(in text: String) -> [TextSegment] {
        var sentences: [TextSegment] = []
        var first: TextSegment?
        let clauses = clauses(in: text)
        for (position, clause) in clauses.enumerated() {
            let opening = first ?? clause
            first = opening
            guard clause.endsSentence || position == clauses.count - 1 else { continue }
            let range = opening.range.lowerBound..<clause.range.upperBound
            sentences.append(TextSegment(range: range, text: String(text[range]),
                                         terminator: clause.terminator, endsSentence: true,
                                         endsParagraph: clause.endsParagraph))
            first = nil
        }
        return sentences
    }

    private func endOfWhitespace(in text: String, from start: String.Index) -> String.Index {
        var index = start
        while index < text.endIndex && PunctuationMarks.isBlank(text[index]) {
            index = text.index(after: index)
        }
        return index
    }
}
