import Foundation

/// What the studio draws for a character a terminal without a UTF-8 locale cannot show: the
/// punctuation the panes use becomes its plain look-alike (so "take #2 · 7.5 s" stays readable),
/// an accented letter loses its accent, anything else becomes "?". One character always becomes
/// one, so the columns the layout measured stay where they were.
public enum AsciiFallback {
    private static let lookAlikes: [Character: Character] = [
        "·": "-", "•": "*", "…": "~", "×": "x", "÷": "/", "—": "-", "–": "-", "−": "-",
        "“": "\"", "”": "\"", "‘": "'", "’": "'", "«": "\"", "»": "\"",
        "←": "<", "→": ">", "↑": "^", "↓": "v", "↔": "-", "▸": ">", "▶": ">", "■": "#",
        "✗": "x", "✓": "+", "●": "*", "○": "o", "│": "|", "─": "-",
        "▮": "#", "▯": "-", "★": "*",
    ]

    public static func character(_ character: Character) -> Character {
        if character.isASCII { return character }
        if let lookAlike = lookAlikes[character] { return lookAlike }
        if let base = String(character).decomposedStringWithCanonicalMapping.unicodeScalars.first, base.isASCII {
            return Character(base)
        }
        return "?"
    }

    public static func text(_ text: String) -> String {
        String(text.map(character))
    }
}
