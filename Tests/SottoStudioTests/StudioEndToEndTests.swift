import Foundation
import SottoAudio
import SottoCore
import SottoStudio
import Testing

/// The real `sotto` binary in tmux: what a person at the keyboard sees.
@Suite(.serialized, .enabled(if: TmuxStudio.isAvailable, "tmux is not installed"))
struct StudioEndToEndTests {
    let paneTitles = ["Models", "Voices", "Text", "Controls", "Takes", "Metrics", "Playback"]

    @Test func launchShowsEveryPaneAndTheHelp() throws {
        let folder = ScratchFolder("e2e")
        let studio = TmuxStudio(models: folder.path("models"))
        try studio.launch()
        try studio.waitForAll(paneTitles.map { "─ \($0)" } + ["No models found"])

        try studio.press("?")
        try studio.waitForAll(["Keys and commands", "Anywhere (not typing)", "synthesize the text as a new take"])
        try studio.press("Escape")
        try studio.waitForGone("Keys and commands")
        try studio.command("quit")
        try studio.waitFor("[exit 0]")
    }

    @Test(.enabled(if: TestModels.hasTinyQwen3, "needs the Qwen3 vocabulary from Scripts/setup"))
    func typeSynthesizeSeeMetricsAndFindTheTakeAfterARestart() throws {
        let folder = ScratchFolder("e2e")
        let studio = TmuxStudio(models: try TestModels.tinyQwen3(in: folder))
        try studio.launch()
        try studio.waitFor("loaded")
        try studio.press("i")
        try studio.type("Hello, 日本語 studio.")
        try studio.press("Escape")
        try studio.command("voice ryan")
        try studio.command("seed 1234")
        try studio.command("synth")
        let done = try studio.waitUntil("the take and its metrics", timeout: 120) { screen in
            ["Takes (1)", "first audio", "synthesis", "real time)", "RTF ", "memory", "ryan", "─ Playback"]
                .allSatisfy { screen.contains($0) } && !screen.contains("live")
        }
        // With no sound card the playback strip says why; with one it plays.
        #expect(done.contains("playback unavailable") || done.contains("▶") || done.contains("■"), "\(done)")

        let export = folder.path("exported.flac")
        try studio.command("export \(export.path)")
        try studio.waitFor("written to")
        #expect(try AudioFile.read(export.path).frameCount > 0)

        try studio.quit()
        try studio.launch()
        try studio.waitForAll(["Takes (1)", "Hello, 日本語 studio.", "#1"])
        try studio.quit()
    }

    @Test func marksToggleAndABlindVoteIsRecorded() throws {
        let folder = ScratchFolder("e2e")
        let studio = TmuxStudio(models: folder.path("models"))
        try SessionFixture.writeSession(takes: 2, into: studio.sessionsDirectory)
        try studio.launch()
        try studio.waitFor("Takes (2)")
        try studio.press("5")
        try studio.press("k")
        try studio.press("a")
        try studio.press("j")
        try studio.press("b")
        try studio.waitFor("A #1 B #2")
        // Without a sound card the first attempt's device error may replace "A: take #1" in the
        // status bar at once, so A is confirmed by the take on show in the Metrics pane.
        try studio.press("t")
        try studio.waitUntil("take A on show") { $0.split(separator: "\n").contains { $0.contains("Metrics") && $0.contains("take #1") } }
        try studio.waitUntil("playback to start or fail") { $0.contains("playback unavailable") || $0.contains("▶ take #1") }
        try studio.press("t")
        try studio.waitFor("B: take #2")

        try studio.press("B")
        let blind = try studio.waitForAll(["Blind A/B test", "Sample 1", "Sample 2", "Hidden during the blind test", "Enter: I prefer"])
        #expect(!blind.contains("= A") && !blind.contains("= B"))
        try studio.press("2")
        try studio.press("Enter")
        try studio.waitForAll(["You preferred sample 2", "= A: take #1", "= B: take #2"])
        try studio.press("Escape")
        try studio.command("tally")
        try studio.waitFor("1 vote in this session")
        try studio.press("Escape")
        try studio.quit()

        let session = try #require(try FileManager.default.contentsOfDirectory(atPath: studio.sessionsDirectory.path)
            .first { $0 != "last" })
        let data = try Data(contentsOf: studio.sessionsDirectory.appendingPathComponent("\(session)/session.json"))
        let manifest = try SessionManifest.decoder.decode(SessionManifest.self, from: data)
        #expect(manifest.votes.count == 1)
        #expect(manifest.markA == 1 && manifest.markB == 2)
        #expect(manifest.votes.first?.preferred == manifest.votes.first?.order[1])
    }

    @Test func themesSwitchAndAreRemembered() throws {
        let folder = ScratchFolder("e2e")
        let studio = TmuxStudio(models: folder.path("models"))
        try studio.launch(["--theme", "amber"])
        try studio.waitFor("theme amber")
        try studio.command("theme mono")
        try studio.waitFor("theme mono: 16-colour")
        let config = try String(contentsOf: studio.configDirectory.appendingPathComponent("sotto/studio.conf"), encoding: .utf8)
        #expect(config.contains("theme = mono"))
        try studio.press("T")
        try studio.waitFor("theme paper")
        try studio.command("theme nosuch")
        try studio.waitFor("no theme named \"nosuch\"")
        try studio.quit()
    }

    @Test(arguments: ["vt100", "xterm-mono"])
    func terminalsWithoutColourWork(term: String) throws {
        let folder = ScratchFolder("e2e")
        let studio = TmuxStudio(models: folder.path("models"))
        try studio.launch(term: term)
        try studio.waitForAll(paneTitles)
        try studio.press("?")
        try studio.waitFor("Keys and commands")
        try studio.press("Escape")
        try studio.quit()
    }

    @Test func aTerminalThatCannotMoveTheCursorIsRefusedWithAReason() throws {
        let folder = ScratchFolder("e2e")
        let studio = TmuxStudio(models: folder.path("models"))
        try studio.launch(term: "dumb", firstFrame: "[exit 1]")
        let stderr = try String(contentsOf: studio.home.path("stderr.txt"), encoding: .utf8)
        #expect(stderr.contains("cannot move the cursor") && stderr.contains("TERM="), "\(stderr)")
    }

    @Test func resizingToATinyTerminalAndBack() throws {
        let folder = ScratchFolder("e2e")
        let studio = TmuxStudio(models: folder.path("models"))
        try SessionFixture.writeSession(takes: 1, into: studio.sessionsDirectory)
        try studio.launch()
        try studio.resize(width: 40, height: 12)
        let small = try studio.waitFor("1 Mod")
        #expect(small.split(separator: "\n").count <= 12)
        try studio.press("5")
        try studio.waitFor("#1")
        try studio.resize(width: 20, height: 5)
        try studio.waitFor("Sotto needs")
        try studio.resize(width: 100, height: 30)
        try studio.waitForAll(paneTitles.map { "─ \($0)" })
        try studio.quit()
    }

    @Test func pastedTextIsOneUndoStep() throws {
        let folder = ScratchFolder("e2e")
        let studio = TmuxStudio(models: folder.path("models"))
        try studio.launch()
        try studio.press("i")
        try studio.type("Typed ")
        try studio.paste("pasted line one\npasted line two")
        try studio.waitFor("pasted line two")
        try studio.waitFor("37 chars")
        try studio.press("C-z")
        try studio.waitForGone("pasted line")
        try studio.waitFor("6 chars")
        try studio.press("Escape")
        try studio.quit()
    }

    @Test(.enabled(if: TestModels.hasTinyQwen3, "needs the Qwen3 vocabulary from Scripts/setup"))
    func aModelThatFailsToLoadIsReportedAndTheStudioGoesOn() throws {
        let folder = ScratchFolder("e2e")
        let models = try TestModels.tinyQwen3(in: folder, name: "qwen3-damaged")
        // A config the catalog accepts but whose talker cannot be built from the weights.
        let config = models.appendingPathComponent("qwen3-damaged/config.json")
        var json = try JSONSerialization.jsonObject(with: Data(contentsOf: config)) as! [String: Any]
        var talker = json["talker_config"] as! [String: Any]
        talker["hidden_size"] = 7
        json["talker_config"] = talker
        try FileManager.default.removeItem(at: config)
        try JSONSerialization.data(withJSONObject: json).write(to: config)

        let studio = TmuxStudio(models: models)
        try studio.launch()
        try studio.waitForAll(["✗", "qwen3-damaged"])
        try studio.press("?")
        try studio.waitFor("Keys and commands")
        try studio.press("Escape")
        try studio.press("i")
        try studio.type("Still working.")
        try studio.press("Escape")
        try studio.waitFor("Still working.")
        try studio.quit()
    }

    @Test(.enabled(if: TestModels.isInstalled("piper"), "the Piper voices are not installed (Scripts/setup)"))
    func piperSpeaksInTheStudio() throws {
        let folder = ScratchFolder("e2e")
        let models = folder.path("models")
        try TestModels.link("piper", into: models)
        let studio = TmuxStudio(models: models)
        try studio.launch()
        try studio.waitFor("loaded")
        try studio.press("i")
        try studio.type("The quick brown fox jumps over the lazy dog.")
        try studio.press("Escape")
        try studio.press("s")
        try studio.waitForAll(["Takes (1)", "real time)", "en_US-joe-medium", "first audio"], timeout: 120)
        try studio.quit()
    }

    @Test(.enabled(if: TestModels.isInstalled("kokoro-v1.0-int8"), "the Kokoro model is not installed (Scripts/setup)"))
    func kokoroSpeaksThroughAPreset() throws {
        let folder = ScratchFolder("e2e")
        let models = folder.path("models")
        try TestModels.link("kokoro-v1.0-int8", into: models)
        let studio = TmuxStudio(models: models)
        try studio.launch()
        try studio.command("preset kokoro-jm_kumo")
        try studio.waitFor("preset kokoro-jm_kumo")
        try studio.press("i")
        try studio.type("こんにちは、世界。")
        try studio.press("Escape")
        try studio.press("s")
        try studio.waitForAll(["Takes (1)", "real time)", "jm_kumo"], timeout: 120)
        try studio.quit()
    }
}

/// Sessions written through the studio's own store, for tests that need takes without an engine.
enum SessionFixture {
    static func writeSession(takes count: Int, into root: URL) throws {
        let store = SessionStore(root: root)
        let (handle, created) = try store.create()
        var manifest = created
        for id in 1...count {
            let name = SessionHandle.audioFileName(takeID: id)
            let frequency = Float(220 * id)
            let samples = (0..<16_000).map { 0.4 * sin(2 * Float.pi * frequency * Float($0) / 16_000) }
            try AudioFile.write(samples: samples, sampleRate: 16_000, to: handle.audioURL(name).path, format: .wavFloat)
            let take = Take(id: id, createdAt: Date(), text: "Take number \(id).",
                            model: TakeModel(id: "piper:fixture", name: "fixture", kind: .piper, variant: nil),
                            settings: VoiceSettings(voice: "voice\(id)"), seed: nil, sampleRate: 16_000, frames: samples.count,
                            audioFile: name, metrics: TakeMetrics(timeToFirstAudio: 0.1, synthesisSeconds: 0.2, audioSeconds: 1),
                            notes: [], outcome: .complete)
            manifest.takes.append(take)
        }
        manifest.nextTakeID = count + 1
        manifest.text = "Fixture text."
        try handle.writeManifest(manifest)
    }
}

/// Two studios at once, as a person would start them, and what the next one opens.
@Suite(.serialized, .enabled(if: TmuxStudio.isAvailable, "tmux is not installed"))
struct StudioSessionEndToEndTests {
    @Test func aSecondStudioSaysWhichSessionItStartedAndTheNextOneReopensTheTakes() throws {
        let folder = ScratchFolder("e2e")
        let home = ScratchFolder("tmux-home")
        let first = TmuxStudio(models: folder.path("models"), home: home)
        try SessionFixture.writeSession(takes: 1, into: first.sessionsDirectory)
        try first.launch()
        try first.waitFor("Takes (1)")
        let second = TmuxStudio(models: folder.path("models"), home: home)
        try second.launch()
        try second.waitForAll(["open in another studio", "Takes (0)"])
        try second.command("sessions")
        try second.waitForAll(["(this one)", "(open in another studio)"])
        try second.press("Escape")
        try second.quit()
        try first.quit()
        try first.launch()
        try first.waitForAll(["Takes (1)", "Fixture text."])
        try first.quit()
    }

    @Test func aSessionIsOpenedOrStartedByName() throws {
        let folder = ScratchFolder("e2e")
        let studio = TmuxStudio(models: folder.path("models"))
        try studio.launch(["--session", "radio-spots"])
        try studio.waitFor("session radio-spots")
        try studio.command("open other")
        try studio.waitFor("session other")
        try studio.command("open radio-spots")
        try studio.waitFor("session radio-spots")
        try studio.quit()
    }
}

/// Quitting while the engine works, with a real (tiny) Qwen3-TTS model.
@Suite(.serialized, .enabled(if: TmuxStudio.isAvailable && TestModels.hasTinyQwen3, "needs tmux and the Qwen3 vocabulary from Scripts/setup"))
struct StudioQuitEndToEndTests {
    @Test func quittingDuringSynthesisSaysSoAtOnceAndEndsSoon() throws {
        let folder = ScratchFolder("e2e")
        let studio = TmuxStudio(models: try TestModels.tinyQwen3(in: folder))
        try studio.launch()
        try studio.waitFor("loaded", timeout: 120)
        try studio.press("i")
        try studio.type(String(repeating: "This sentence keeps the engine busy for a while. ", count: 12))
        try studio.press("Escape")
        try studio.command("voice ryan")
        try studio.press("s")
        try studio.waitFor("live", timeout: 60)
        let pressed = Date()
        try studio.press("q")
        // Either the last frame says so, or the studio has already ended.
        let seen = try studio.waitUntil("quitting… or the end", timeout: 2) { $0.contains("quitting…") || $0.contains("[exit 0]") }
        #expect(seen.contains("quitting…") || seen.contains("[exit 0]"))
        try studio.waitFor("[exit 0]", timeout: 20)
        let took = Date().timeIntervalSince(pressed)
        #expect(took < 3, "quitting took \(took) s")
    }
}
