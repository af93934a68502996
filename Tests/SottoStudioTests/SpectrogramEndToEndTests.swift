import Foundation
import SottoStudio
import Testing

/// The spectrogram in the real studio: `v` shows it for the selected take, and while the take
/// plays on an ALSA `file` device its playhead line moves left to right through it.
@Suite(.serialized, .enabled(if: TmuxStudio.isAvailable, "tmux is not installed"))
struct SpectrogramEndToEndTests {
    /// Columns of the screen's spectrogram rows that hold the playhead line (inside the frame).
    static func playheadColumns(_ screen: String) -> Set<Int> {
        let lines = screen.components(separatedBy: "\n")
        guard let top = lines.firstIndex(where: { $0.contains("Playback · spectrogram") }) else { return [] }
        var columns = Set<Int>()
        for line in lines[(top + 1)...] where line.hasPrefix("│") && !line.contains("take #") {
            let inside = Array(line.dropFirst().dropLast())
            for (column, character) in inside.enumerated() where character == "│" { columns.insert(column) }
        }
        return columns
    }

    @Test func theSpectrogramShowsTheTakeAndItsPlayheadMovesWhileItPlays() throws {
        let folder = ScratchFolder("e2e")
        let studio = TmuxStudio(models: folder.path("models"))
        _ = try SpectrogramTests.toneSession(in: studio.sessionsDirectory, seconds: 8)
        // ALSA reads ~/.asoundrc: a `file` device writing into a pipe whose reader takes 40 kB a
        // second, so writes wait as they would on a sound card and the take plays for seconds.
        try """
            pcm.tap {
                type file
                slave.pcm "null"
                file "| while [ \\"$(head -c 2048 | wc -c)\\" -gt 0 ]; do sleep 0.05; done"
                format "raw"
            }
            """.write(to: studio.home.path(".asoundrc"), atomically: true, encoding: .utf8)
        try studio.launch(["--device", "tap"])
        try studio.waitFor("Takes (1)")
        try studio.press("v")
        // The tone: one row of full shades across the strip, nothing two rows away.
        let shown = try studio.waitUntil("the tone's row") { screen in
            screen.contains("Playback · spectrogram") && screen.components(separatedBy: "\n").contains { $0.contains(String(repeating: "█", count: 90)) }
        }
        let rows = shown.components(separatedBy: "\n")
        let toneRow = try #require(rows.firstIndex { $0.contains(String(repeating: "█", count: 90)) })
        let top = try #require(rows.firstIndex { $0.contains("Playback · spectrogram") })
        for index in (top + 1)..<toneRow - 1 { #expect(!rows[index].contains { "░▒▓█".contains($0) }, "\(shown)") }
        #expect(Self.playheadColumns(shown).isEmpty)

        try studio.press("Space")
        var seen: [Int] = []
        try studio.waitUntil("the playhead to move through three columns", timeout: 60) { screen in
            let heads = Self.playheadColumns(screen)
            if heads.count == 1, let column = heads.first, screen.contains("▶ take #1"), column != seen.last {
                seen.append(column)
            }
            return seen.count >= 3
        }
        #expect(seen == seen.sorted() && Set(seen).count == seen.count, "playhead columns \(seen)")
        try studio.press("Escape")
        try studio.quit()
    }
}
