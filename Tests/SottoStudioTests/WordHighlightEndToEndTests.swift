import Foundation
import SottoStudio
import Testing

/// Word highlighting in the real studio with the bundled Piper voice: while a take plays on an
/// ALSA `file` device, the highlighted word of the Text pane moves forward through the text.
@Suite(.serialized, .enabled(if: TmuxStudio.isAvailable, "tmux is not installed"))
struct WordHighlightEndToEndTests {
    static let text = "The quick brown fox jumps over the lazy dog. Then it runs far away, into the quiet green forest!"

    /// The foreground colour the theme gives the word being played (`playing = 114 bold` → 114).
    static func playingColor(theme: String) throws -> Int {
        let file = try String(contentsOf: repositoryRoot.appendingPathComponent("Themes/\(theme).theme"), encoding: .utf8)
        let line = try #require(file.split(separator: "\n").first { $0.hasPrefix("playing =") })
        return try #require(Int(line.split(separator: " ")[2]))
    }

    /// Each screen row as characters, each with its 256-colour foreground (nil: the default),
    /// from a capture with escape sequences.
    static func cells(_ styled: String) -> [[(character: Character, foreground: Int?)]] {
        styled.components(separatedBy: "\n").map { line in
            var row: [(Character, Int?)] = []
            var foreground: Int?
            var characters = Array(line)[...]
            while let character = characters.popFirst() {
                guard character == "\u{1B}", characters.first == "[" else { row.append((character, foreground)); continue }
                characters.removeFirst()
                var parameters = ""
                while let next = characters.popFirst(), !next.isLetter { parameters.append(next) }
                let codes = parameters.split(separator: ";", omittingEmptySubsequences: false).map { Int($0) ?? 0 }
                var index = 0
                while index < codes.count {
                    switch codes[index] {
                    case 0: foreground = nil
                    case 39: foreground = nil
                    case 30...37: foreground = codes[index] - 30
                    case 38 where index + 2 < codes.count && codes[index + 1] == 5:
                        foreground = codes[index + 2]
                        index += 2
                    default: break
                    }
                    index += 1
                }
            }
            return row
        }
    }

    /// The characters drawn in `color` inside the Text pane, joined: the highlighted word.
    static func highlighted(_ styled: String, color: Int) -> String? {
        let rows = cells(styled)
        guard let top = rows.firstIndex(where: { String($0.map(\.character)).contains("┌─ Text") }) else { return nil }
        let border = rows[top].map(\.character)
        let title = String(border).range(of: "┌─ Text").map { String(border).distance(from: String(border).startIndex, to: $0.lowerBound) } ?? 0
        guard let right = border.indices.first(where: { $0 > title && border[$0] == "┐" }) else { return nil }
        var word = ""
        for row in rows[(top + 1)...] {
            if row.indices.contains(title), row[title].character == "└" { break }
            for column in (title + 1)..<min(right, row.count) where row[column].foreground == color {
                word.append(row[column].character)
            }
        }
        return word.isEmpty ? nil : word
    }

    @Test(.enabled(if: TestModels.isInstalled("piper"), "the Piper voices are not installed (Scripts/setup)"))
    func theHighlightedWordFollowsAPiperTakeAsItPlays() throws {
        let folder = ScratchFolder("e2e")
        let models = folder.path("models")
        try TestModels.link("piper", into: models)
        let studio = TmuxStudio(models: models)
        // A `file` device writing into a pipe read at 40 kB a second: writes wait as they would
        // on a sound card, so the take plays for seconds.
        try """
            pcm.tap {
                type file
                slave.pcm "null"
                file "| while [ \\"$(head -c 2048 | wc -c)\\" -gt 0 ]; do sleep 0.05; done"
                format "raw"
            }
            """.write(to: studio.home.path(".asoundrc"), atomically: true, encoding: .utf8)
        try studio.launch(["--device", "tap", "--theme", "ink"])
        try studio.waitFor("loaded", timeout: 120)
        try studio.command("autoplay off")
        try studio.press("i")
        try studio.type(Self.text)
        try studio.press("Escape")
        try studio.press("s")
        try studio.waitForAll(["Takes (1)", "real time)"], timeout: 300)
        let color = try Self.playingColor(theme: "ink")
        #expect(Self.highlighted(try studio.styledScreen(), color: color) == nil, "nothing is highlighted before playing")

        try studio.press("Space")
        // Sample the screen until the take has finished, noting each highlighted word.
        var seen: [String] = []
        try studio.waitUntil("the take to play to its end", timeout: 120) { screen in
            if let styled = try? studio.styledScreen(), let word = Self.highlighted(styled, color: color), word != seen.last {
                seen.append(word)
            }
            return screen.contains("take #1") && screen.contains("Space plays") && !seen.isEmpty
        }
        // Each highlighted word is a word of the text, and they come in the text's order.
        let words = Self.text.split(separator: " ").map { $0.trimmingCharacters(in: .punctuationCharacters) }
        var cursor = 0
        for word in seen {
            let next = try #require(words[cursor...].firstIndex(of: word), "\(word) out of order in \(seen)")
            cursor = next + 1
        }
        #expect(seen.count >= 5, "highlighted \(seen)")
        try studio.quit()
    }
}
