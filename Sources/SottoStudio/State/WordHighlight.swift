import SottoCore

/// Which characters of a take's text the word being played covers, from the word timings
/// Kokoro and Piper report.
public enum WordHighlight {
    /// The word spoken at `seconds`: the last one that has started by then and not yet ended.
    public static func wordIndex(at seconds: Double, in words: [WordTiming]) -> Int? {
        words.lastIndex { $0.start <= seconds && seconds < $0.end }
    }

    /// Where each timed word is in `lines`, found in order, each from where the one before it
    /// ended; nil for a word the text does not spell the same way (a number read out, say).
    public static func positions(of words: [WordTiming], in lines: [[Character]]) -> [[TextPosition]?] {
        var flat: [(text: String, position: TextPosition)] = []
        for (line, characters) in lines.enumerated() {
            for (column, character) in characters.enumerated() {
                flat.append((String(character).lowercased(), TextPosition(line: line, column: column)))
            }
            flat.append(("\n", TextPosition(line: line, column: characters.count)))
        }
        var from = 0
        return words.map { timing in
            let target = timing.word.lowercased().map(String.init)
            guard !target.isEmpty else { return nil }
            var start = from
            while start + target.count <= flat.count {
                if target.indices.allSatisfy({ flat[start + $0].text == target[$0] }) {
                    from = start + target.count
                    return (start..<from).map { flat[$0].position }
                }
                start += 1
            }
            return nil
        }
    }
}
