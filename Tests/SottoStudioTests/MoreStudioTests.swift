import Foundation
import SottoAudio
import SottoCore
import SottoStudio
import Testing

/// Quitting while a take is made.
@Suite struct QuittingTests {
    @Test func quittingDuringSynthesisSaysSoAndCancelsAtOnce() throws {
        let folder = ScratchFolder()
        let gate = Gate()
        let studio = try makeStudio(folder: folder, models: try makeFakeModels(in: folder), loader: ToneLoader(kind: .piper, gate: gate))
        #expect(studio.settle { !studio.loadedModels.isEmpty })
        studio.handle(.character("i"))
        studio.type("Hello there.")
        studio.handle(.escape)
        studio.handle(.character("s"))
        #expect(studio.settle { studio.jobs.first?.progress.frames ?? 0 > 0 })
        let job = try #require(studio.jobs.first)
        studio.handle(.character("q"))
        #expect(studio.shouldQuit)
        #expect(job.cancellation.isCancelled)
        let grid = ScreenGrid(width: 100, height: 30)
        StudioView(glyphs: .unicode).draw(studio, on: grid)
        #expect(!grid.rows(containing: "quitting…").isEmpty, "\(grid.text)")
        studio.shutdown()
        // What was made before quitting is kept.
        #expect(studio.takes.count == 1)
    }
}

/// A kept filter says so in its pane's title.
@Suite struct FilterTitleTests {
    @Test func aKeptFilterShowsInTheTitleAndSaysTheVoiceInUseIsFilteredOut() throws {
        let folder = ScratchFolder()
        let studio = try makeStudio(folder: folder, models: try makeFakeModels(in: folder),
                                    loader: ToneLoader(kind: .piper, capabilities: [.voices, .speed, .streaming]))
        #expect(studio.settle { !studio.loadedModels.isEmpty })
        studio.handle(.character("2"))
        studio.handle(.character("/"))
        studio.type("hi")
        studio.handle(.enter)
        let grid = ScreenGrid(width: 100, height: 30)
        StudioView(glyphs: .unicode).draw(studio, on: grid)
        #expect(!grid.rows(containing: "Voices (1 of 2) /hi").isEmpty, "\(grid.text)")
        #expect(!grid.rows(containing: "low in use, filtered out").isEmpty, "\(grid.text)")
        studio.shutdown()
    }
}

/// The help overlay's scrolling keys.
@Suite struct OverlayScrollTests {
    @Test func pageDownMovesAPageEndGoesToTheEndAndLongLinesEndInAnEllipsis() throws {
        let folder = ScratchFolder()
        let studio = try makeStudio(folder: folder, models: try makeFakeModels(in: folder))
        let view = StudioView(glyphs: .unicode)
        let grid = ScreenGrid(width: 60, height: 20)
        studio.handle(.character("?"))
        view.draw(studio, on: grid)
        let page = studio.overlayViewport.rows
        #expect(page > 10)
        studio.handle(.pageDown)
        #expect(studio.overlayScroll == page)
        studio.handle(.end)
        #expect(studio.overlay == .help)
        #expect(studio.overlayScroll == studio.overlayViewport.maxScroll)
        studio.handle(.down)
        #expect(studio.overlayScroll == studio.overlayViewport.maxScroll)
        studio.handle(.character("g"))
        #expect(studio.overlayScroll == 0)
        studio.handle(.character("G"))
        #expect(studio.overlayScroll == studio.overlayViewport.maxScroll)
        view.draw(studio, on: grid)
        // The last lines are the places of files: long paths are cut with an ellipsis.
        #expect(!grid.rows(containing: "settings").isEmpty, "\(grid.text)")
        studio.handle(.escape)
        #expect(studio.overlay == nil)
        studio.shutdown()
    }
}

/// Commands answer in the status bar, so an old error does not look like theirs.
@Suite struct FeedbackTests {
    @Test func playTakeStopAndDeviceSayWhatTheyDid() throws {
        let folder = ScratchFolder()
        let output = ManualOutput(failure: "no audio device (default)")
        let studio = try makeStudio(folder: folder, models: try makeFakeModels(in: folder), output: output)
        #expect(studio.settle { !studio.loadedModels.isEmpty })
        studio.handle(.character("i"))
        studio.type("Hello there.")
        studio.handle(.escape)
        studio.command("autoplay off")
        studio.handle(.character("s"))
        #expect(studio.settle { studio.takes.count == 1 && studio.jobs.isEmpty })
        studio.command("take 9")
        #expect(studio.log.current(at: studio.now)?.isError == true)
        studio.command("take 1")
        #expect(studio.log.current(at: studio.now).map { !$0.isError && $0.text.contains("#1") } == true)
        for _ in 0..<2 {
            studio.handle(.escape)
            studio.handle(.character(" "))
            studio.playback.settle()
            studio.settle(timeout: 0.2) { false }
            let shown = studio.log.current(at: studio.now)
            #expect(shown.map { $0.isError && $0.text.contains("no audio device") } == true, "\(String(describing: shown))")
        }
        studio.command("play")
        #expect(studio.log.messages.contains { $0.text == "playing take #1" })
        studio.command("stop")
        #expect(studio.log.current(at: studio.now)?.isError == false)
        studio.command("device other")
        studio.settle(timeout: 0.2) { false }
        let grid = ScreenGrid(width: 100, height: 30)
        StudioView(glyphs: .unicode).draw(studio, on: grid)
        #expect(!grid.rows(containing: "device other").isEmpty, "\(grid.text)")
        #expect(grid.rows(containing: "(default)").isEmpty, "\(grid.text)")
        studio.shutdown()
    }
}

/// Themes on terminals with few colours.
@Suite struct ThemeFallbackTests {
    @Test func inksBordersStayVisibleOnEightColours() throws {
        let resources = StudioResources(shippedThemes: repositoryRoot.appendingPathComponent("Themes"),
                                        shippedVoices: repositoryRoot.appendingPathComponent("Voices"),
                                        configDirectory: ScratchFolder("theme").path("config"))
        let ink = try resources.themeLibrary.load("ink")
        for role in StyleRole.allCases where ink.style(role).foreground != .terminalDefault {
            let style = ink.style(role)
            let foreground = ColorPalette.number(for: style.foreground, available: 8, isForeground: true)
            let background = ColorPalette.number(for: style.background, available: 8)
            #expect(foreground != background, "\(role)")
            if background == -1 { #expect(foreground != 0 || style.foreground == .indexed(16) || style.foreground == .indexed(0), "\(role)") }
        }
        #expect(ColorPalette.number(for: ink.style(.border).foreground, available: 8, isForeground: true) != 0)
        // Pure black stays black (black text on a coloured background).
        #expect(ColorPalette.number(for: .indexed(16), available: 8, isForeground: true) == 0)
    }
}

/// Saving presets never overwrites without being told to.
@Suite struct PresetOverwriteTests {
    @Test func savingOverATakenNameIsRefusedUnlessSaidTo() throws {
        let folder = ScratchFolder()
        let studio = try makeStudio(folder: folder, models: try makeFakeModels(in: folder))
        #expect(studio.settle { !studio.loadedModels.isEmpty })
        let file = folder.path("config/voices/Mine.voice")
        studio.command("speed 1.2")
        studio.command("preset save Mine")
        #expect(FileManager.default.fileExists(atPath: file.path))
        studio.command("speed 2")
        studio.command("preset save Mine")
        #expect(studio.log.current(at: studio.now).map { $0.isError && $0.text.contains("save!") } == true)
        #expect(try String(contentsOf: file, encoding: .utf8).contains("1.2"))
        studio.command("preset save! Mine")
        #expect(try String(contentsOf: file, encoding: .utf8).contains("2.0"))
        // A shipped preset is not hidden without being told to.
        let shipped = try #require(studio.presets.first { $0.source == .shipped })
        studio.command("preset save \(shipped.name)")
        #expect(studio.log.current(at: studio.now).map { $0.isError && $0.text.contains("shipped") } == true)
        #expect(!FileManager.default.fileExists(atPath: folder.path("config/voices/\(shipped.name).voice").path))
        studio.shutdown()
    }
}

/// The Text pane counts characters as people see them.
@Suite struct CharacterCountTests {
    @Test func theCountIsTheSameTypedKeyByKeyOrReadBack() {
        let text = "Family 👨‍👩‍👧‍👦 and flags 🇯🇵🇫🇷, e\u{301}, done."
        var typed = TextBuffer()
        for scalar in text.unicodeScalars { typed.type(String(scalar)) }
        #expect(typed.text == text)
        #expect(typed.characterCount == TextBuffer(text).characterCount)
        #expect(typed.characterCount == text.count)
        #expect(typed.cursor == typed.endPosition)
        typed.deleteBackward()
        #expect(typed.text == String(text.dropLast()))
    }
}
