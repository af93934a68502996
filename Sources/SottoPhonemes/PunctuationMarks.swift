/// Character classes shared by the text splitter and the phonemizer, so that both agree on
/// which marks end a clause and which belong to it.
enum PunctuationMarks {
    /// The basic mark a clause-ending character stands for (`.` for `。`), or nil if it ends nothing.
    /// Dashes map to `—` and the ellipsis character to `…`.
    static func basicMark(for character: Character) -> Character? {
        switch character {
        case ".", "。", "．", "｡": "."
        case "?", "？": "?"
        case "!", "！": "!"
        case ",", "、", "，", "､": ","
        case ";", "；": ";"
        case ":", "：": ":"
        case "…": "…"
        case "—", "–": "—"
        default: nil
        }
    }

    static func isTerminator(_ character: Character) -> Bool {
        basicMark(for: character) != nil
    }

    /// CJK and full-width marks end a clause without a following space, because those scripts
    /// do not put spaces between sentences.
    static func isWideTerminator(_ character: Character) -> Bool {
        switch character {
        case "。", "．", "｡", "？", "！", "、", "，", "､", "；", "：": true
        default: false
        }
    }

    /// Quotes and brackets that may follow a terminator and still belong to the clause it ends.
    static func isClosing(_ character: Character) -> Bool {
        switch character {
        case "\"", "'", "”", "’", "»", "›", ")", "]", "}", "」", "』", "）", "》", "〉", "】", "〕", "］": true
        default: false
        }
    }

    static func isOpening(_ character: Character) -> Bool {
        switch character {
        case "\"", "'", "“", "‘", "„", "«", "‹", "(", "[", "{", "「", "『", "（", "《", "〈", "【", "〔", "［": true
        default: false
        }
    }

    /// Whether espeak-ng would say anything for this character: letters, digits, symbols
    /// (emoji, currency) and the few punctuation marks it reads out by name.
    static func isSpeakable(_ character: Character) -> Bool {
        if character.isLetter || character.isNumber || character.isSymbol { return true }
        switch character {
        case "%", "&", "#", "@", "*", "§", "¶", "†", "‡", "‰": return true
        default: return false
        }
    }

    /// Whitespace or a control character: espeak-ng is given control characters as spaces,
    /// so the rules must read them as spaces too.
    static func isBlank(_ character: Character) -> Bool {
        character.isWhitespace
            || character.unicodeScalars.allSatisfy { $0.properties.generalCategory == .control }
    }

    /// A blank line or a Unicode paragraph separator, which both espeak-ng and readers take as
    /// the end of a paragraph.
    static func containsParagraphBreak(_ whitespace: Substring) -> Bool {
        var sawNewline = false
        for character in whitespace {
            if character == "\u{2029}" { return true }
            if character.isNewline {
                if sawNewline { return true }
                sawNewline = true
            } else if !isBlank(character) {
                sawNewline = false
            }
        }
        return false
    }
}
