import Foundation
import SottoAudio
import SottoCore
import SottoStudio
import Testing

/// The studio's behaviour without a terminal: keys in, state and files out, with a tone engine
/// and a playback device the test drives.
@Suite struct StudioModelTests {
    /// A studio whose model is loaded and whose text is set.
    func readyStudio(_ folder: ScratchFolder, loader: ToneLoader = ToneLoader(kind: .piper),
                     output: any AudioOutput = ManualOutput(), text: String = "Hello there.") throws -> StudioModel {
        let studio = try makeStudio(folder: folder, models: try makeFakeModels(in: folder), loader: loader, output: output)
        #expect(studio.settle { !studio.loadedModels.isEmpty || !studio.loadFailures.isEmpty })
        studio.handle(.character("i"))
        studio.type(text)
        studio.handle(.escape)
        return studio
    }

    func synthesize(_ studio: StudioModel) -> Take? {
        let before = studio.takes.count
        studio.handle(.character("s"))
        studio.settle { studio.takes.count > before && studio.jobs.isEmpty }
        return studio.takes.last
    }

    @Test func aTakeKeepsItsAudioSettingsAndMetrics() throws {
        let folder = ScratchFolder()
        let output = ManualOutput()
        let studio = try readyStudio(folder, output: output)
        #expect(studio.activeModel?.name == "test-voice")
        studio.command("speed 1.25")
        let take = try #require(synthesize(studio))
        #expect(take.text == "Hello there.")
        #expect(take.frames == 24_000)
        #expect(take.settings.speed == 1.25)
        #expect(take.settings.voice == "low")
        #expect(take.metrics.timeToFirstAudio != nil)
        #expect(take.metrics.firstAudioReachedSpeakers)
        #expect(take.metrics.synthesisSeconds > 0)
        #expect(take.metrics.audioSeconds == 1.5)
        #expect(take.metrics.realTimeFactor.rtf != nil)
        #expect(take.metrics.stages.map(\.name) == ["tone"])
        #expect(take.metrics.peakResidentMB != nil)
        // Streamed to the speakers as it was made.
        #expect(output.opened.count == 1)
        #expect(output.opened[0].state == .playing)

        let audio = try AudioFile.read(studio.session.audioURL(try #require(take.audioFile)).path)
        #expect(audio.frameCount == 24_000)
        #expect(audio.sampleRate == 16_000)
        studio.writer.flush()
        let saved = try SessionManifest.decoder.decode(SessionManifest.self, from: Data(contentsOf: studio.session.manifestURL))
        #expect(saved.takes.map(\.metrics) == studio.takes.map(\.metrics))
        #expect(saved.takes.map(\.settings) == studio.takes.map(\.settings))
        #expect(abs(saved.takes[0].createdAt.timeIntervalSince(take.createdAt)) < 0.002)
        studio.shutdown()
    }

    @Test func theABSwitchKeepsThePosition() throws {
        let folder = ScratchFolder()
        let output = ManualOutput()
        let studio = try readyStudio(folder, output: output)
        _ = try #require(synthesize(studio))
        studio.command("voice high")
        _ = try #require(synthesize(studio))
        studio.command("mark a 1")
        studio.command("mark b 2")
        #expect(studio.markA == 1 && studio.markB == 2)

        studio.handle(.character("t"))
        studio.playback.settle()
        let first = try #require(output.opened.last)
        #expect(studio.playbackSnapshot.takeID == 1)
        #expect(first.startFrame == 0)
        first.advance(to: 4_000)

        studio.handle(.character("t"))
        studio.playback.settle()
        let second = try #require(output.opened.last)
        #expect(studio.playbackSnapshot.takeID == 2)
        #expect(second.startFrame == 4_000)
        #expect(first.state == .stopped)
        second.advance(to: 9_000)

        studio.handle(.character("t"))
        studio.playback.settle()
        #expect(studio.playbackSnapshot.takeID == 1)
        #expect(output.opened.last?.startFrame == 9_000)

        // Seeking stays inside the take: ahead 2 s from 0.5625 s stops short of the 1.5 s end.
        studio.handle(.character("]"))
        studio.playback.settle()
        #expect(output.opened.last?.startFrame == 23_200)
        studio.handle(.character("["))
        studio.playback.settle()
        #expect(output.opened.last?.startFrame == 0)
        studio.shutdown()
    }

    @Test func aBlindVoteIsRecordedThenRevealed() throws {
        let folder = ScratchFolder()
        let output = ManualOutput()
        let studio = try readyStudio(folder, output: output)
        _ = try #require(synthesize(studio))
        studio.command("voice high")
        _ = try #require(synthesize(studio))
        studio.command("mark a 1")
        studio.command("mark b 2")

        studio.handle(.character("B"))
        #expect(studio.overlay == .blind)
        let test = try #require(studio.blind)
        #expect(Set(test.order) == [1, 2])
        studio.handle(.character("2"))
        studio.playback.settle()
        #expect(studio.playbackSnapshot.takeID == test.order[1])
        // The sample shown must not give the take away anywhere on screen.
        let grid = ScreenGrid(width: 100, height: 30)
        StudioView(glyphs: .unicode).draw(studio, on: grid)
        #expect(grid.rows(containing: "#\(test.order[1])").isEmpty, "\(grid.text)")

        studio.handle(.enter)
        let vote = try #require(studio.manifest.votes.last)
        #expect(vote.preferred == test.order[1])
        #expect(studio.blind?.isRevealed == true)
        StudioView(glyphs: .unicode).draw(studio, on: grid)
        #expect(!grid.rows(containing: "You preferred sample 2").isEmpty)

        studio.handle(.character("n"))
        studio.handle(.character("="))
        #expect(studio.manifest.votes.count == 2)
        #expect(studio.manifest.votes.last?.preferred == nil)
        studio.handle(.escape)
        #expect(studio.overlay == nil && studio.blind == nil)
        studio.writer.flush()
        let saved = try SessionManifest.decoder.decode(SessionManifest.self, from: Data(contentsOf: studio.session.manifestURL))
        #expect(saved.votes.count == 2)
        studio.shutdown()
    }

    @Test func withoutAnAudioDeviceTheStudioSaysWhyAndStillExports() throws {
        let folder = ScratchFolder()
        let output = ManualOutput(failure: "no audio device: cannot open ALSA device \"default\" (No such file or directory)")
        let studio = try readyStudio(folder, output: output)
        let take = try #require(synthesize(studio))
        #expect(take.metrics.timeToFirstAudio != nil)
        #expect(!take.metrics.firstAudioReachedSpeakers)
        studio.handle(.character(" "))
        studio.playback.settle()
        studio.tick()
        guard case .failed(let message) = studio.playbackSnapshot.phase else {
            Issue.record("playback did not fail: \(studio.playbackSnapshot.phase)")
            return
        }
        #expect(message.contains("no audio device"))
        #expect(studio.log.lastError?.text.contains("no audio device") == true)

        let wav = folder.path("out/take.wav").path
        let flac = folder.path("out/take.flac").path
        try FileManager.default.createDirectory(at: folder.path("out"), withIntermediateDirectories: true)
        studio.command("export \(wav)")
        studio.command("export \(flac) 1")
        #expect(try AudioFile.read(wav).frameCount == 24_000)
        #expect(try AudioFile.read(flac).frameCount == 24_000)
        studio.command("export \(folder.path("out/take.mp3").path)")
        #expect(studio.log.lastError?.text.contains(".wav, .flac or .ogg") == true)
        studio.command("export \(folder.path("missing/take.wav").path)")
        #expect(studio.log.lastError?.text.contains("there is no folder \(folder.path("missing").path)") == true)
        studio.shutdown()
    }

    @Test func whyPlaybackFailsCanBeReadOnScreenAndInTheMessages() throws {
        let folder = ScratchFolder()
        let reason = "no audio device: cannot open ALSA device \"default\" (No such file or directory); ALSA says: Unknown PCM default"
        let studio = try readyStudio(folder, output: ManualOutput(failure: reason))
        _ = try #require(synthesize(studio))
        studio.handle(.character(" "))
        studio.playback.settle()
        studio.tick()
        let view = StudioView(glyphs: .unicode)
        // At 100×30 the strip has one row for words: the short form, pointing to the messages.
        let grid = ScreenGrid(width: 100, height: 30)
        view.draw(studio, on: grid)
        #expect(!grid.rows(containing: "no audio device (manual) · e exports · m says why").isEmpty, "\(grid.lines.suffix(3))")
        // Taller, the whole reason shows over two rows.
        let tall = ScreenGrid(width: 100, height: 50)
        view.draw(studio, on: tall)
        #expect(!tall.rows(containing: "Unknown PCM default · e exports the take").isEmpty, "\(tall.lines.suffix(4))")
        // The messages wrap instead of cutting the reason off.
        studio.handle(.character("m"))
        view.draw(studio, on: grid)
        #expect(!grid.rows(containing: "Unknown PCM default").isEmpty, "\(grid.lines[8...20])")
        studio.shutdown()
    }

    @Test func aTakeIsSavedEvenIfItsFolderWasRemoved() throws {
        let folder = ScratchFolder()
        let studio = try readyStudio(folder)
        try FileManager.default.removeItem(at: studio.session.takesFolder)
        let take = try #require(synthesize(studio))
        let file = try #require(take.audioFile)
        #expect(try AudioFile.read(studio.session.audioURL(file).path).frameCount == take.frames)
        #expect(studio.log.lastError == nil)
        studio.shutdown()
    }

    @Test func tildeMeansHomeAsTheShellSaysIt() {
        #expect(StudioModel.expandPath("~/takes/a.wav", environment: ["HOME": "/srv/me"]) == "/srv/me/takes/a.wav")
        #expect(StudioModel.expandPath("~", environment: ["HOME": "/srv/me"]) == "/srv/me")
        #expect(StudioModel.expandPath("/tmp/~x.wav", environment: ["HOME": "/srv/me"]) == "/tmp/~x.wav")
        #expect(StudioModel.expandPath("takes/../a.wav", environment: [:], currentDirectory: "/work") == "/work/a.wav")
    }

    @Test func theModelDetailsAreReadWhole() throws {
        let folder = ScratchFolder()
        let studio = try readyStudio(folder, loader: ToneLoader(kind: .piper, failure: "weights test-voice.onnx are damaged beyond repair"))
        studio.handle(.character("1"))
        let grid = ScreenGrid(width: 100, height: 30)
        StudioView(glyphs: .unicode).draw(studio, on: grid)
        // The Models pane is the left column at 100×30: read its rows as one text.
        let pane = grid.lines.prefix(12).map { String($0.prefix(28)).replacingOccurrences(of: "│", with: " ") }
        let words = pane.joined(separator: " ").split(separator: " ").joined(separator: " ")
        #expect(words.contains("damaged beyond repair"), "\(grid.text)")
        studio.shutdown()
    }

    @Test func aModelThatFailsToLoadIsReportedAndTheStudioGoesOn() throws {
        let folder = ScratchFolder()
        let studio = try readyStudio(folder, loader: ToneLoader(kind: .piper, failure: "weights test-voice.onnx are damaged"))
        #expect(studio.loadFailures.values.contains { $0.contains("damaged") })
        #expect(studio.log.lastError?.text.contains("damaged") == true)
        studio.handle(.character("s"))
        studio.settle { studio.jobs.isEmpty }
        #expect(studio.takes.isEmpty)
        #expect(studio.log.lastError?.text.contains("damaged") == true)
        studio.command("theme mono")
        #expect(studio.themeName == "mono")
        studio.shutdown()
    }

    @Test func aKindWithoutAnEngineIsExplained() throws {
        let folder = ScratchFolder()
        let studio = try makeStudio(folder: folder, models: try makeFakeModels(in: folder), loader: ToneLoader(kind: .kokoro))
        studio.handle(.character("i"))
        studio.type("Hi")
        studio.handle(.escape)
        studio.handle(.character("s"))
        #expect(studio.jobs.isEmpty)
        #expect(studio.log.lastError?.text.contains("Piper (VITS) models are not supported") == true)
        studio.shutdown()
    }

    @Test func cancellingKeepsTheAudioMadeSoFar() throws {
        let folder = ScratchFolder()
        let gate = Gate()
        let studio = try readyStudio(folder, loader: ToneLoader(kind: .piper, gate: gate))
        studio.handle(.character("s"))
        let job = try #require(studio.jobs.first)
        #expect(studio.settle { job.progress.frames > 0 })
        // The screen keeps answering while the engine works.
        studio.handle(.character("?"))
        #expect(studio.overlay == .help)
        studio.handle(.escape)
        studio.handle(.control("c"))
        studio.settle { studio.jobs.isEmpty }
        let take = try #require(studio.takes.last)
        #expect(take.outcome == .cancelled)
        #expect(take.frames == 8_000)
        studio.shutdown()
    }

    @Test func theSessionComesBackOnTheNextLaunch() throws {
        let folder = ScratchFolder()
        let models = try makeFakeModels(in: folder)
        do {
            let studio = try readyStudio(folder, text: "Text 日本語 kept")
            _ = try #require(synthesize(studio))
            studio.command("mark a 1")
            studio.command("seed 99")
            studio.handle(.character("i"))
            studio.type(" and more")
            studio.shutdown()
        }
        let reopened = try makeStudio(folder: folder, models: models)
        #expect(reopened.takes.count == 1)
        #expect(reopened.markA == 1)
        #expect(reopened.text.text == "Text 日本語 kept and more")
        #expect(reopened.settings.seed == .fixed(99))
        let file = try #require(reopened.takes.first?.audioFile)
        #expect(FileManager.default.fileExists(atPath: reopened.session.audioURL(file).path))
        reopened.shutdown()
    }

    @Test func presetsSaveAndApply() throws {
        let folder = ScratchFolder()
        let studio = try readyStudio(folder)
        studio.command("voice high")
        studio.command("speed 1.2")
        studio.handle(.character("S"))
        #expect(studio.mode == .commandLine)
        studio.type("Bright")
        studio.handle(.enter)
        let file = folder.path("config/voices/Bright.voice")
        #expect(FileManager.default.fileExists(atPath: file.path))
        studio.command("speed 2")
        studio.command("voice low")
        studio.command("preset Bright")
        #expect(studio.settings.voice == "high")
        #expect(studio.settings.speed == 1.2)
        #expect(studio.presets.contains { $0.name == "Bright" && $0.source == .user })
        studio.shutdown()
    }

    @Test func theHelpFitsASmallTerminal() throws {
        let folder = ScratchFolder()
        let studio = try readyStudio(folder)
        studio.handle(.character("3"))
        studio.handle(.character("?"))
        let grid = ScreenGrid(width: 40, height: 12)
        StudioView(glyphs: .unicode).draw(studio, on: grid)
        // On a narrow screen each key sits above its meaning instead of cutting it off.
        #expect(!grid.rows(containing: "edit the text").isEmpty, "\(grid.lines)")
        #expect(!grid.rows(containing: "this help").isEmpty, "\(grid.lines)")
        studio.shutdown()
    }

    @Test func typingInAFieldReplacesItsValueAndArrowsEditIt() throws {
        let folder = ScratchFolder()
        let studio = try readyStudio(folder)
        studio.handle(.character("4"))
        studio.handle(.enter)
        studio.type("1.3")
        studio.handle(.enter)
        #expect(studio.settings.speed == 1.3)
        studio.handle(.enter)
        studio.handle(.backspace)
        studio.type("5")
        studio.handle(.enter)
        #expect(studio.settings.speed == 1.35)
        #expect(studio.log.lastError == nil)
        studio.shutdown()
    }

    @Test func editingKeysPasteAndUndo() throws {
        let folder = ScratchFolder()
        let studio = try readyStudio(folder, text: "")
        studio.handle(.enter)
        #expect(studio.mode == .editingText)
        studio.type("日本")
        studio.handle(.enter)
        studio.handle(.paste("pasted\nblock"))
        #expect(studio.text.text == "日本\npasted\nblock")
        studio.handle(.control("z"))
        #expect(studio.text.text == "日本\n")
        studio.handle(.escape)
        #expect(studio.mode == .normal)
        studio.handle(.paste("more"))
        #expect(studio.mode == .editingText)
        #expect(studio.text.text.hasSuffix("more"))
        studio.shutdown()
    }

    @Test func theCommandLineCompletesAndRemembers() throws {
        let folder = ScratchFolder()
        let studio = try readyStudio(folder)
        studio.handle(.character(":"))
        studio.type("th")
        studio.handle(.tab)
        #expect(studio.commandLine.text == "theme ")
        studio.type("pap")
        studio.handle(.tab)
        #expect(studio.commandLine.text == "theme paper")
        studio.handle(.enter)
        #expect(studio.themeName == "paper")
        let config = try String(contentsOf: folder.path("config/studio.conf"), encoding: .utf8)
        #expect(config.contains("theme = paper"))
        studio.handle(.character(":"))
        studio.handle(.up)
        #expect(studio.commandLine.text == "theme paper")
        studio.handle(.escape)
        studio.command("frobnicate")
        #expect(studio.log.lastError?.text.contains("unknown command") == true)
        studio.shutdown()
    }

    @Test func slashFiltersTheVoices() throws {
        let folder = ScratchFolder()
        let studio = try readyStudio(folder)
        studio.handle(.character("2"))
        studio.handle(.character("/"))
        studio.type("hig")
        #expect(studio.voiceRows.filter { if case .voice = $0.kind { return true } else { return false } }.map(\.title) == ["high"])
        studio.handle(.enter)
        studio.handle(.enter)
        #expect(studio.settings.voice == "high")
        studio.handle(.character("/"))
        studio.handle(.escape)
        #expect(studio.voiceFilter.isEmpty)
        studio.shutdown()
    }

    @Test func theScreenShowsEveryPaneAndTheMetrics() throws {
        let folder = ScratchFolder()
        let studio = try readyStudio(folder)
        _ = try #require(synthesize(studio))
        let view = StudioView(glyphs: .unicode)
        let grid = ScreenGrid(width: 100, height: 30)
        view.draw(studio, on: grid)
        for title in ["Models", "Voices", "Text", "Controls", "Takes (1)", "Metrics", "Playback", "? help"] {
            #expect(!grid.rows(containing: title).isEmpty, "\(title) missing:\n\(grid.text)")
        }
        for metric in ["first audio", "synthesis", "audio", "real time", "memory", "stages"] {
            #expect(!grid.rows(containing: metric).isEmpty, "\(metric) missing:\n\(grid.text)")
        }
        let small = ScreenGrid(width: 40, height: 12)
        view.draw(studio, on: small)
        #expect(!small.rows(containing: "1 Mod").isEmpty, "\(small.text)")
        let tiny = ScreenGrid(width: 12, height: 4)
        view.draw(studio, on: tiny)
        #expect(!tiny.rows(containing: "Sotto needs").isEmpty, "\(tiny.text)")
        studio.handle(.character("?"))
        view.draw(studio, on: grid)
        #expect(!grid.rows(containing: "Keys and commands").isEmpty)
        studio.shutdown()
    }
}
