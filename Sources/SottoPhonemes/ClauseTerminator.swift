/// The punctuation that ended a clause, as written in the text and as a kind of pause.
public struct ClauseTerminator: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// The clause ended without punctuation: end of text, a blank line, or a break espeak-ng
        /// made inside a long clause or after an abbreviation.
        case none
        case comma, period, question, exclamation, semicolon, colon
        /// `...` or `…`.
        case ellipsis
        /// `—` or `–` followed by a space.
        case dash
    }

    /// The marks exactly as they appear in the text, e.g. `?!`, `...`, `。`; empty for `.none`.
    public let text: String
    public let kind: Kind

    public static let none = ClauseTerminator(text: "", kind: .none)

    /// Classifies a run of terminator characters such as `?!` or `...`.
    /// A question or exclamation mark anywhere in the run decides the kind (the first one wins),
    /// because that is what sets the intonation; two or more full stops make an ellipsis.
    public init(_ marks: some StringProtocol) {
        let basic = marks.compactMap(PunctuationMarks.basicMark(for:))
        let kind: Kind
        if let tone = basic.first(where: { $0 == "?" || $0 == "!" }) {
            kind = tone == "?" ? .question : .exclamation
        } else if basic.contains("…") || basic.filter({ $0 == "." }).count >= 2 {
            kind = .ellipsis
        } else {
            switch basic.first {
            case ".": kind = .period
            case ",": kind = .comma
            case ";": kind = .semicolon
            case ":": kind = .colon
            case "—": kind = .dash
            default: kind = .none
            }
        }
        self.init(text: kind == .none ? "" : String(marks), kind: kind)
    }

    private init(text: String, kind: Kind) {
        self.text = text
        self.kind = kind
    }

    public var description: String { text }

    /// The marks to write after a clause's phonemes.
    /// - `.full` keeps what the text says (`?!`, `...`, `…`) but turns CJK and full-width
    ///   marks into their ASCII forms and dashes into ` —`, as Kokoro's vocabulary holds them.
    /// - `.basic` gives exactly one of `, . ? ! ; :` as Piper's espeak-ng terminators do; an
    ///   ellipsis or dash becomes `;` (espeak-ng's class for them) or `.` when it ends a sentence.
    public func rendered(_ style: PunctuationStyle, endsSentence: Bool) -> String {
        switch style {
        case .full:
            let marks = String(text.map { character -> Character in
                if character == "–" { return "—" }
                guard PunctuationMarks.isWideTerminator(character) else { return character }
                return PunctuationMarks.basicMark(for: character) ?? character
            })
            // A dash is a word of its own in the text (a space follows it), so it stays one here.
            return kind == .dash ? " " + marks : marks
        case .basic:
            switch kind {
            case .none: return ""
            case .comma: return ","
            case .period: return "."
            case .question: return "?"
            case .exclamation: return "!"
            case .semicolon: return ";"
            case .colon: return ":"
            case .ellipsis, .dash: return endsSentence ? "." : ";"
            }
        }
    }
}

/// How punctuation is written back between phonemized clauses.
public enum PunctuationStyle: Sendable, Hashable {
    /// Marks as written (combos like `?!` and `...` kept), CJK marks as ASCII. For Kokoro.
    case full
    /// One of `, . ? ! ; :` per clause. For Piper.
    case basic
}
