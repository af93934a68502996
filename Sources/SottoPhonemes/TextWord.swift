/// A word of the text: a run of letters, digits and marks, with the apostrophes, hyphens and
/// number punctuation inside it (`don't`, `well-known`, `1,250`, `7:45`). A run of kana or
/// kanji, which Japanese writes without spaces, is one word.
public struct TextWord: Sendable, Equatable {
    public var text: String
    public var range: Range<String.Index>

    /// The words of `text`, in order.
    public static func words(of text: String) -> [TextWord] {
        var words: [TextWord] = []
        var start: String.Index?
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            let next = text.index(after: index)
            let joinsNeighbours = start != nil && next < text.endIndex && isInner(character)
                && isWordCharacter(text[next])
            if isWordCharacter(character) || joinsNeighbours {
                if start == nil { start = index }
            } else if let begun = start {
                words.append(TextWord(text: String(text[begun..<index]), range: begun..<index))
                start = nil
            }
            index = next
        }
        if let begun = start { words.append(TextWord(text: String(text[begun...]), range: begun..<text.endIndex)) }
        return words
    }

    static func isWordCharacter(_ character: Character) -> Bool {
        character.isLetter || character.isNumber
            || character.unicodeScalars.allSatisfy { $0.properties.generalCategory == .nonspacingMark }
    }

    /// Punctuation that stays inside a word when a word character follows it.
    static func isInner(_ character: Character) -> Bool {
        "'’-‐.,:".contains(character)
    }
}
