import Foundation
import SottoAudio
import SottoCore
import SottoStudio
import Testing

/// Sweeps, the blend slider and the mouse in the studio's state, with the tone engine.
@Suite struct SweepStudioTests {
    static let capabilities: EngineCapabilities = [.voices, .speed, .seed, .voiceBlend, .streaming]

    func readyStudio(_ folder: ScratchFolder, output: any AudioOutput = ManualOutput(), gate: Gate? = nil) throws -> StudioModel {
        let loader = ToneLoader(kind: .piper, capabilities: Self.capabilities, gate: gate)
        let studio = try makeStudio(folder: folder, models: try makeFakeModels(in: folder), loader: loader, output: output)
        #expect(studio.settle { !studio.loadedModels.isEmpty })
        studio.handle(.character("i"))
        studio.type("Hello there.")
        studio.handle(.escape)
        return studio
    }

    func draw(_ studio: StudioModel, width: Int = 100, height: Int = 30) -> ScreenGrid {
        let grid = ScreenGrid(width: width, height: height)
        StudioView(glyphs: .unicode).draw(studio, on: grid)
        return grid
    }

    @Test func aThreeByTwoSweepMakesSixTakesInAGridThatComesBackWithTheSession() throws {
        let folder = ScratchFolder()
        // The studio is let go before the next opens the session (it holds its lock until then).
        do {
            let output = ManualOutput()
            let studio = try readyStudio(folder, output: output)
            studio.command("sweep speed=0.8,1,1.2 seed=5,6")
            #expect(studio.overlay == .sweep)
            #expect(studio.settle { studio.takes.count == 6 && studio.jobs.isEmpty })
            let sweep = try #require(studio.sweeps.first)
            #expect(sweep.rows == 3 && sweep.columns == 2)
            for cell in sweep.cells {
                let take = try #require(studio.take(cell.takeID))
                #expect(take.settings.speed == [0.8, 1, 1.2][cell.row])
                #expect(take.seed == [5, 6][cell.column])
                #expect(take.text == "Hello there.")
                #expect(studio.sweepStatus(of: cell) == .done)
            }
            // Made silently, to be heard from the grid.
            #expect(output.opened.isEmpty)
            let screen = draw(studio)
            #expect(!screen.rows(containing: "Sweep #1 · speed × seed · 3×2").isEmpty, "\(screen.text)")
            #expect(!screen.rows(containing: "6 of 6 done").isEmpty, "\(screen.text)")
            #expect(screen.text.components(separatedBy: "✓ #").count - 1 == 6, "\(screen.text)")

            // Move to the second row, second column, play it and rate it.
            studio.handle(.down)
            studio.handle(.right)
            let chosen = try #require(sweep.cell(row: 1, column: 1))
            #expect(studio.selectedTake?.id == chosen.takeID)
            studio.handle(.enter)
            #expect(studio.settle { output.opened.count == 1 })
            #expect(studio.playbackSnapshot.takeID == chosen.takeID)
            studio.handle(.character("4"))
            studio.handle(.escape)
            #expect(studio.overlay == nil)
            // The take can be recalled and copied like any other.
            studio.handle(.character("R"))
            #expect(studio.settings.speed == 1 && studio.settings.seed == .fixed(6))
            studio.shutdown()
        }

        let reopened = try makeStudio(folder: folder, models: try makeFakeModels(in: folder),
                                      loader: ToneLoader(kind: .piper, capabilities: Self.capabilities))
        let kept = try #require(reopened.sweeps.first)
        #expect(reopened.sweeps.count == 1)
        #expect(kept.cell(row: 1, column: 1)?.stars == 4)
        reopened.command("sweep")
        #expect(reopened.overlay == .sweep)
        let again = draw(reopened)
        #expect(!again.rows(containing: "★★★★").isEmpty, "\(again.text)")
        reopened.shutdown()
    }

    @Test func cancellingStopsTheQueuedRestAndTheirNumbersStayReserved() throws {
        let folder = ScratchFolder()
        let gate = Gate()
        let studio = try readyStudio(folder, gate: gate)
        studio.command("sweep voice=low,high speed=1,1.5")
        #expect(studio.settle { studio.jobs.first?.progress.frames ?? 0 > 0 })
        let sweep = try #require(studio.sweeps.first)
        #expect(studio.sweepStatus(of: sweep.cells[0]) == .making)
        #expect(studio.sweepStatus(of: sweep.cells[1]) == .queued)
        studio.handle(.character("x"))
        gate.release()
        #expect(studio.settle { studio.jobs.isEmpty })
        #expect(studio.takes.count == 1)
        #expect(studio.sweepStatus(of: sweep.cells[0]) == .done)
        #expect(sweep.cells.dropFirst().allSatisfy { studio.sweepStatus(of: $0) == .stopped })
        // The next take does not land in the grid.
        studio.handle(.escape)
        studio.handle(.character("s"))
        #expect(studio.settle { studio.takes.count == 2 && studio.jobs.isEmpty })
        #expect(studio.takes.last?.id == (sweep.cells.map(\.takeID).max() ?? 0) + 1)
        studio.shutdown()
    }

    @Test func badSweepsAreRefusedBeforeAnythingIsQueued() throws {
        let folder = ScratchFolder()
        let studio = try readyStudio(folder)
        studio.command("sweep voice=low,nosuch speed=1,2")
        #expect(studio.log.messages.last?.text.contains("has no voice \"nosuch\"") == true)
        studio.command("sweep voice=low,high speed=1,2 seed=1,2")
        #expect(studio.log.messages.last?.text.contains("at most 2 settings") == true)
        studio.command("sweep design=a warm voice")
        #expect(studio.log.messages.last?.text.contains("does not design voices") == true)
        studio.command("sweep")
        #expect(studio.log.messages.last?.text.contains("no sweeps in this session yet") == true)
        #expect(studio.jobs.isEmpty && studio.sweeps.isEmpty && studio.overlay == nil)
        studio.shutdown()
    }

    @Test func theBlendSliderMovesTheWeightInTenthsAndShowsInTheControls() throws {
        let folder = ScratchFolder()
        let studio = try readyStudio(folder)
        studio.handle(.character("2"))
        studio.handle(.character(">"))
        #expect(studio.log.messages.last?.text.contains("blend of two voices") == true)
        // The voice in use (low, the default) blended with the highlighted one.
        let high = try #require(studio.voiceRows.firstIndex { $0.kind == .voice("high") })
        for _ in 0..<10 where studio.voiceCursor.index != high { studio.handle(.down) }
        studio.handle(.character("*"))
        #expect(studio.settings.voice == "low:0.5,high:0.5")
        studio.handle(.character(">"))
        studio.handle(.character(">"))
        #expect(studio.settings.voice == "low:0.7,high:0.3")
        studio.handle(.character("4"))
        studio.handle(.character("<"))
        #expect(studio.settings.voice == "low:0.6,high:0.4")
        let screen = draw(studio)
        #expect(!screen.rows(containing: "low 0.6 ▮▮▮▮▮▮▯▯▯▯ 0.4 high").isEmpty, "\(screen.text)")
        studio.shutdown()
    }
}

/// Clicks and the wheel: from screen cells to panes, rows and places in the waveform.
@Suite struct MouseTests {
    @Test func cursesButtonStatesBecomeEvents() {
        #expect(MouseEvent.fromCurses(buttonState: 0o2, row: 3, column: 4) == MouseEvent(.press, row: 3, column: 4))
        #expect(MouseEvent.fromCurses(buttonState: 0o2 << 15, row: 0, column: 0)?.action == .wheelUp)
        #expect(MouseEvent.fromCurses(buttonState: 0o2 << 20, row: 0, column: 0)?.action == .wheelDown)
        #expect(MouseEvent.fromCurses(buttonState: 0o1, row: 0, column: 0) == nil)
    }

    @Test func screenCellsMapToPanesRowsAndTheWaveform() throws {
        let layout = StudioLayout(width: 100, height: 30, focus: .text)
        let takes = try #require(layout.panes[.takes])
        #expect(MouseTarget.at(row: takes.row + 1, column: takes.column + 3, layout: layout) == .pane(.takes, row: 0))
        #expect(MouseTarget.at(row: takes.row, column: takes.column + 3, layout: layout) == .pane(.takes, row: nil))
        let strip = layout.playback
        #expect(MouseTarget.at(row: strip.row + 1, column: 1, layout: layout) == .waveform(fraction: 0))
        let middle = strip.column + 1 + (strip.width - 2) / 2
        #expect(MouseTarget.at(row: strip.row + 1, column: middle, layout: layout) == .waveform(fraction: 0.5))
        #expect(MouseTarget.at(row: 0, column: 5, layout: layout) == .nothing)
    }

    @Test func aClickSelectsATakeAndAClickInTheWaveformPlaysFromThere() throws {
        let folder = ScratchFolder()
        let output = ManualOutput()
        try SessionFixture.writeSession(takes: 2, into: folder.path("sessions"))
        let studio = try makeStudio(folder: folder, models: folder.path("models"), output: output)
        let layout = StudioLayout(width: 100, height: 30, focus: studio.focus)
        _ = grid(studio)
        let takes = try #require(layout.panes[.takes])
        #expect(studio.selectedTake?.id == 2)
        studio.handleMouse(MouseEvent(.press, row: takes.row + 1, column: takes.column + 4))
        #expect(studio.focus == .takes && studio.selectedTake?.id == 1)
        _ = grid(studio)
        // Half way along the waveform of take #1 (one second long).
        let strip = layout.playback
        studio.handleMouse(MouseEvent(.press, row: strip.row + 1, column: strip.column + 1 + (strip.width - 2) / 2))
        #expect(studio.settle { output.opened.count == 1 })
        #expect(studio.playbackSnapshot.takeID == 1)
        #expect(output.opened[0].startFrame == 8_000)
        // The wheel over the Voices pane focuses it; over the takes it moves the selection.
        studio.handleMouse(MouseEvent(.wheelDown, row: takes.row + 2, column: takes.column + 4))
        #expect(studio.selectedTake?.id == 2)
        let voices = try #require(layout.panes[.voices])
        studio.handleMouse(MouseEvent(.press, row: voices.row, column: voices.column + 2))
        #expect(studio.focus == .voices)
        studio.shutdown()
    }

    func grid(_ studio: StudioModel) -> ScreenGrid {
        let grid = ScreenGrid(width: 100, height: 30)
        StudioView(glyphs: .unicode).draw(studio, on: grid)
        return grid
    }
}
