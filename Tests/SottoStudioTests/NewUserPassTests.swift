import Foundation
import SottoAudio
import SottoCore
import SottoStudio
import Testing

/// What a first session at 80×24 and 40×12 turned up: text cut without an ellipsis, a hint for
/// a key that does nothing, `m more` lost on a narrow bar, and an old message hiding the hints
/// of the filter or overlay just opened.
@Suite struct NewUserPassTests {
    func draw(_ studio: StudioModel, width: Int, height: Int) -> ScreenGrid {
        let grid = ScreenGrid(width: width, height: height)
        StudioView(glyphs: .unicode).draw(studio, on: grid)
        return grid
    }

    @Test func thePlaybackStatusCutShortEndsInAnEllipsis() throws {
        let folder = ScratchFolder()
        try LoudnessFixture.writeSession(amplitudes: [0.4], into: folder.path("sessions"))
        let output = ManualOutput()
        let studio = try makeStudio(folder: folder, models: try makeFakeModels(in: folder), output: output)
        defer { studio.shutdown() }
        studio.handle(.character(" "))
        studio.playback.settle()
        try #require(output.opened.last).advance(to: 16_000)
        studio.handle(.character(" "))
        #expect(studio.settle { studio.playbackSnapshot.phase == .stopped })
        // "■ take #1 · voice1 · fixture  0:02.0  stopped at 0:01.0 · Space plays · v spectrogram"
        // does not fit in the strip of a 60-column window.
        let grid = draw(studio, width: 60, height: 20)
        let row = try #require(grid.rows(containing: "stopped at").first, "\(grid.text)")
        let inside = grid.lines[row].dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
        #expect(inside.hasSuffix("…"), "\(grid.lines[row])")
        // Where it fits it is whole.
        let wide = draw(studio, width: 100, height: 30)
        #expect(!wide.rows(containing: "Space plays · v spectrogram").isEmpty, "\(wide.text)")
    }

    @Test func withNoTakeThePlaybackStripOffersNothingToPlay() throws {
        let folder = ScratchFolder()
        let studio = try makeStudio(folder: folder, models: try makeFakeModels(in: folder), newSession: true)
        defer { studio.shutdown() }
        let grid = draw(studio, width: 80, height: 24)
        #expect(!grid.rows(containing: "■ nothing playing").isEmpty, "\(grid.text)")
        #expect(grid.rows(containing: "Space plays").isEmpty, "\(grid.text)")
    }

    @Test func aMessageCutShortOnANarrowBarKeepsMMore() throws {
        let folder = ScratchFolder()
        let studio = try makeStudio(folder: folder, models: try makeFakeModels(in: folder), newSession: true)
        defer { studio.shutdown() }
        studio.command("theme")
        let message = try #require(studio.log.current(at: studio.now)?.text)
        #expect(message.hasPrefix("themes:"))
        for (width, height) in [(40, 12), (60, 18), (80, 24)] {
            let status = draw(studio, width: width, height: height).lines[height - 1]
            #expect(status.contains("themes:"), "\(status)")
            if status.contains(message) {
                #expect(!status.contains("m more"), "\(status)")
            } else {
                #expect(status.contains("…") && status.trimmingCharacters(in: .whitespaces).hasSuffix("m more")
                        || status.contains("m more  ? help  q quit"), "\(width): \(status)")
            }
        }
        // At 40 columns the list does not fit: cut, and m still shows it whole.
        let narrow = draw(studio, width: 40, height: 12).lines[11]
        #expect(narrow.contains("…") && narrow.contains("m more"), "\(narrow)")
    }

    @Test func aFilterOrOverlayShowsItsHintsNotAnOlderMessage() throws {
        let folder = ScratchFolder()
        let studio = try makeStudio(folder: folder, models: try makeFakeModels(in: folder), newSession: true)
        defer { studio.shutdown() }
        studio.command("seed 5")
        var status = draw(studio, width: 100, height: 30).lines[29]
        #expect(status.contains("seed"), "\(status)")
        studio.handle(.character("/"))
        status = draw(studio, width: 100, height: 30).lines[29]
        #expect(status.contains("FILTER") && status.contains("type to filter") && !status.contains("seed"), "\(status)")
        studio.handle(.escape)
        studio.command("seed 6")
        studio.handle(.character("?"))
        status = draw(studio, width: 100, height: 30).lines[29]
        #expect(status.contains("HELP") && status.contains("Esc close"), "\(status)")
        // An error stays until something newer replaces it, filter or not.
        studio.handle(.escape)
        studio.command("frobnicate")
        studio.handle(.character("/"))
        status = draw(studio, width: 100, height: 30).lines[29]
        #expect(status.contains("unknown command"), "\(status)")
    }

    @Test func theTakesPaneQuoteCutShortEndsInAnEllipsis() throws {
        let folder = ScratchFolder()
        let studio = try makeStudio(folder: folder, models: try makeFakeModels(in: folder), newSession: true)
        defer { studio.shutdown() }
        #expect(studio.settle { !studio.loadedModels.isEmpty })
        studio.command("autoplay off")
        studio.handle(.character("i"))
        studio.type("Short.")
        studio.handle(.escape)
        studio.handle(.character("s"))
        #expect(studio.settle { studio.takes.count == 1 && studio.jobs.isEmpty })
        studio.handle(.character("5"))
        let whole = draw(studio, width: 40, height: 12)
        #expect(!whole.rows(containing: "“Short.”").isEmpty, "\(whole.text)")
        studio.handle(.character("i"))
        studio.type(" And then a sentence too long for forty columns.")
        studio.handle(.escape)
        studio.handle(.character("s"))
        #expect(studio.settle { studio.takes.count == 2 && studio.jobs.isEmpty })
        studio.handle(.character("5"))
        let grid = draw(studio, width: 40, height: 12)
        let row = try #require(grid.rows(containing: "“Short. And then").first, "\(grid.text)")
        #expect(grid.lines[row].trimmingCharacters(in: .whitespaces).hasSuffix("…"), "\(grid.lines[row])")
    }

    @Test func theSpectrogramsTallerStripLeavesTheTakesListRows() {
        for (width, height) in [(60, 18), (80, 24), (89, 30), (90, 24), (100, 30)] {
            let waveform = StudioLayout(width: width, height: height, focus: .takes)
            let spectrogram = StudioLayout(width: width, height: height, focus: .takes, strip: .spectrogram)
            #expect(spectrogram.playback.height > waveform.playback.height, "\(width)×\(height)")
            let takes = spectrogram.panes[.takes]?.height ?? 0
            #expect(takes - 2 >= 3, "\(width)×\(height): the Takes list has \(takes - 2) rows")
        }
    }

    @Test func aTitleTooLongForTheWindowEndsInAnEllipsis() throws {
        let folder = ScratchFolder()
        let studio = try makeStudio(folder: folder, models: try makeFakeModels(in: folder), newSession: true)
        defer { studio.shutdown() }
        #expect(studio.settle { !studio.loadedModels.isEmpty })
        let title = draw(studio, width: 60, height: 18).lines[0]
        #expect(title.contains("Sotto studio · session") && title.trimmingCharacters(in: .whitespaces).hasSuffix("…"), "\(title)")
        #expect(draw(studio, width: 100, height: 30).lines[0].contains("test-voice"))
    }
}
