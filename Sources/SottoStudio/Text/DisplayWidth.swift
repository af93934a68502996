import CShim

/// How many terminal columns text occupies. Curses positions wide characters (CJK, most emoji)
/// by the C library's `wcwidth`, so the studio measures with the same table; anything else would
/// let a line of Japanese run past its pane.
public enum DisplayWidth {
    /// Columns of one character: 0 for combining marks and controls, 2 for wide characters.
    /// A character made of several scalars (a base and its accents, a flag) is as wide as its
    /// base, and never wider than two columns.
    public static func of(_ character: Character) -> Int {
        var scalars = character.unicodeScalars.makeIterator()
        guard let first = scalars.next() else { return 0 }
        if first.value < 0x20 || first.value == 0x7F { return 0 }
        let base = scalarWidth(first)
        var total = base
        while let next = scalars.next() { total += scalarWidth(next) }
        return max(base, min(total, 2))
    }

    public static func of<S: Sequence>(_ text: S) -> Int where S.Element == Character {
        text.reduce(0) { $0 + of($1) }
    }

    /// The longest prefix of `text` that fits in `columns`.
    public static func clip<S: StringProtocol>(_ text: S, to columns: Int) -> String {
        guard columns > 0 else { return "" }
        var used = 0
        var result = ""
        for character in text {
            let width = of(character)
            if used + width > columns { break }
            used += width
            result.append(character)
        }
        return result
    }

    /// `text` clipped to `columns`, with "…" as its last column when something was cut.
    public static func truncate<S: StringProtocol>(_ text: S, to columns: Int, ellipsis: String = "…") -> String {
        guard columns > 0 else { return "" }
        if of(text) <= columns { return String(text) }
        let mark = of(ellipsis)
        guard columns > mark else { return clip(text, to: columns) }
        return clip(text, to: columns - mark) + ellipsis
    }

    /// `text` clipped or padded with spaces to exactly `columns`.
    public static func pad<S: StringProtocol>(_ text: S, to columns: Int) -> String {
        let clipped = clip(text, to: columns)
        let missing = columns - of(clipped)
        return missing > 0 ? clipped + String(repeating: " ", count: missing) : clipped
    }

    /// `text` truncated or padded on the left to exactly `columns` (for right-aligned numbers).
    public static func padLeft<S: StringProtocol>(_ text: S, to columns: Int) -> String {
        let clipped = truncate(text, to: columns)
        let missing = columns - of(clipped)
        return missing > 0 ? String(repeating: " ", count: missing) + clipped : clipped
    }

    private static func scalarWidth(_ scalar: Unicode.Scalar) -> Int {
        if scalar.value < 0x80 { return scalar.value < 0x20 || scalar.value == 0x7F ? 0 : 1 }
        let width = Int(sotto_wcwidth(wchar_t(bitPattern: scalar.value)))
        if width >= 0 { return width }
        // Unassigned or, in a locale without the character, unknown: curses draws one cell.
        switch scalar.properties.generalCategory {
        case .control, .format, .nonspacingMark, .enclosingMark: return 0
        default: return 1
        }
    }
}
