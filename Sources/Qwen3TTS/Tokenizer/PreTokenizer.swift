/// Splits text into the pieces BPE runs on, exactly like the Qwen2 pre-tokenizer pattern
///
///     (?i:'s|'t|'re|'ve|'m|'ll|'d) | [^\r\n\p{L}\p{N}]?\p{L}+ | \p{N}
///     | ?[^\s\p{L}\p{N}]+[\r\n]* | \s*[\r\n]+ | \s+(?!\S) | \s+
///
/// written out as a scanner so that no regular-expression engine (and its Unicode tables) has
/// to agree with the reference's. Alternatives are tried in order at each position, with the
/// backtracking the pattern implies.
enum Qwen2PreTokenizer {
    static func split(_ text: String) -> [Substring.UnicodeScalarView] {
        let scalars = Array(text.unicodeScalars)
        var pieces: [Substring.UnicodeScalarView] = []
        var start = 0
        let view = text.unicodeScalars
        var index = view.startIndex
        while start < scalars.count {
            let length = matchLength(scalars, at: start)
            let end = view.index(index, offsetBy: length)
            pieces.append(view[index ..< end])
            index = end
            start += length
        }
        return pieces
    }

    static func isLetter(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }

    static func isNumber(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber: return true
        default: return false
        }
    }

    static func isWhitespace(_ s: Unicode.Scalar) -> Bool { s.properties.isWhitespace }
    static func isNewline(_ s: Unicode.Scalar) -> Bool { s == "\r" || s == "\n" }

    /// Length in scalars of the match starting at `i` (always at least 1).
    static func matchLength(_ s: [Unicode.Scalar], at i: Int) -> Int {
        let n = s.count
        func at(_ k: Int) -> Unicode.Scalar? { k < n ? s[k] : nil }

        // (?i:'s|'t|'re|'ve|'m|'ll|'d)
        if s[i] == "'", let a = at(i + 1) {
            let lower = Character(a).lowercased()
            if ["s", "t", "m", "d"].contains(lower) { return 2 }
            if let b = at(i + 2) {
                let pair = lower + Character(b).lowercased()
                if ["re", "ve", "ll"].contains(pair) { return 3 }
            }
        }
        // [^\r\n\p{L}\p{N}]?\p{L}+
        do {
            var k = i
            if !isNewline(s[k]) && !isLetter(s[k]) && !isNumber(s[k]), let next = at(k + 1), isLetter(next) {
                k += 1
            }
            if isLetter(s[k]) {
                while let c = at(k), isLetter(c) { k += 1 }
                return k - i
            }
        }
        // \p{N}
        if isNumber(s[i]) { return 1 }
        // ' ?[^\s\p{L}\p{N}]+[\r\n]*'
        do {
            func isSymbol(_ c: Unicode.Scalar) -> Bool { !isWhitespace(c) && !isLetter(c) && !isNumber(c) }
            var k = i
            if s[k] == " ", let next = at(k + 1), isSymbol(next) { k += 1 }
            if isSymbol(s[k]) {
                while let c = at(k), isSymbol(c) { k += 1 }
                while let c = at(k), isNewline(c) { k += 1 }
                return k - i
            }
        }
        // The remaining alternatives all start with whitespace.
        var runEnd = i
        while let c = at(runEnd), isWhitespace(c) { runEnd += 1 }
        let run = runEnd - i
        guard run > 0 else { return 1 }  // unreachable: every scalar is a letter, number, symbol or space
        // \s*[\r\n]+ : ends after the last line break inside the whitespace run.
        if let lastBreak = (i ..< runEnd).last(where: { isNewline(s[$0]) }) { return lastBreak + 1 - i }
        // \s+(?!\S) : the whole run at the end of the text, otherwise all but its last scalar.
        if runEnd == n { return run }
        if run >= 2 { return run - 1 }
        // \s+
        return run
    }
}
