import Foundation
import SottoCore
import SottoStudio
import Testing

/// The word being played, found in the text and highlighted in the Text pane.
@Suite struct WordHighlightTests {
    @Test func wordsAreFoundInOrderAndTheOneAtThePlayheadIsChosen() {
        let lines: [[Character]] = [Array("The cat, the hat."), Array("Ten cats")]
        let words = [WordTiming(word: "the", start: 0, end: 0.2), WordTiming(word: "cat", start: 0.2, end: 0.5),
                     WordTiming(word: "THE", start: 0.6, end: 0.7), WordTiming(word: "10", start: 0.7, end: 0.9),
                     WordTiming(word: "cats", start: 0.9, end: 1.2)]
        let positions = WordHighlight.positions(of: words, in: lines)
        #expect(positions[0] == (0..<3).map { TextPosition(line: 0, column: $0) })
        #expect(positions[1] == (4..<7).map { TextPosition(line: 0, column: $0) })
        // The second "the" is the one after "cat", not the first again.
        #expect(positions[2] == (9..<12).map { TextPosition(line: 0, column: $0) })
        #expect(positions[3] == nil, "the text spells it otherwise")
        #expect(positions[4] == (4..<8).map { TextPosition(line: 1, column: $0) })
        #expect(WordHighlight.wordIndex(at: 0.3, in: words) == 1)
        #expect(WordHighlight.wordIndex(at: 0.55, in: words) == nil, "between words")
        #expect(WordHighlight.wordIndex(at: 5, in: words) == nil)
    }

    @Test func theTextPaneHighlightsTheWordBeingPlayed() throws {
        let folder = ScratchFolder()
        let output = ManualOutput()
        let studio = try makeStudio(folder: folder, models: try makeFakeModels(in: folder), output: output)
        defer { studio.shutdown() }
        #expect(studio.settle { !studio.loadedModels.isEmpty })
        studio.handle(.character("i"))
        studio.type("Hello there.")
        studio.handle(.escape)
        studio.command("autoplay off")
        studio.handle(.character("s"))
        #expect(studio.settle { studio.takes.count == 1 && studio.jobs.isEmpty })
        let take = try #require(studio.takes.first)
        let words = try #require(take.words)
        #expect(words.map(\.word) == ["Hello", "there."])
        // Saved with the take, so it highlights after a restart too.
        studio.writer.flush()
        let saved = try SessionManifest.decoder.decode(SessionManifest.self, from: Data(contentsOf: studio.session.manifestURL))
        #expect(saved.takes.first?.words == words)

        studio.command("play 1")
        studio.playback.settle()
        let sound = try #require(output.opened.last)
        sound.advance(to: Int((words[1].start + 0.01) * Double(take.sampleRate)))
        studio.tick()
        let grid = ScreenGrid(width: 100, height: 30)
        StudioView(glyphs: .unicode).draw(studio, on: grid)
        let row = try #require(grid.rows(containing: "Hello there.").first)
        let cells = Array(grid.lines[row])
        let there = try #require((0..<cells.count).first { String(cells[$0..<min(cells.count, $0 + 6)]) == "there." })
        let hello = there - 6
        #expect((there..<there + 6).allSatisfy { grid.style(row: row, column: $0) == .playing }, "\(grid.text)")
        #expect((hello..<hello + 5).allSatisfy { grid.style(row: row, column: $0) != .playing })
    }
}
