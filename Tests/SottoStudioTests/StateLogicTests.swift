import Foundation
import SottoCore
import SottoStudio
import Testing

@Suite struct BlindTestTests {
    @Test func orderIsShuffledAndVotesRevealTheLabels() throws {
        var orders = Set<[Int]>()
        for seed in 0..<32 {
            var random = StudioRandom(seed: UInt64(seed))
            orders.insert(BlindTest(takeA: 1, takeB: 2, using: &random).order)
        }
        #expect(orders == [[1, 2], [2, 1]])

        var random = StudioRandom(seed: 3)
        var test = BlindTest(takeA: 10, takeB: 20, using: &random)
        #expect(test.revealedLetter(forSample: 0) == nil)
        test.select(1)
        let recorded = test.vote(.sample(1), date: Date(timeIntervalSince1970: 0))
        let vote = try #require(recorded)
        #expect(vote.preferred == test.order[1])
        #expect(vote.order == test.order)
        #expect(test.isRevealed)
        #expect(test.revealedLetter(forSample: 1) == (test.order[1] == 10 ? "A" : "B"))
        #expect(test.vote(.sample(0), date: Date()) == nil)
        test.select(0)
        #expect(test.current == 1)
        test.nextRound(using: &random)
        #expect(!test.isRevealed)
        #expect(test.round == 2)
    }

    @Test func noPreferenceIsAVoteForNeither() throws {
        var random = StudioRandom(seed: 1)
        var test = BlindTest(takeA: 1, takeB: 2, using: &random)
        let recorded = test.vote(.noPreference, date: Date())
        let vote = try #require(recorded)
        #expect(vote.preferred == nil)
        #expect(vote.preferredLetter == "no preference")
    }
}

@Suite struct TallyTests {
    func take(_ id: Int, model: String, voice: String, seed: UInt64? = nil) -> Take {
        Take(id: id, createdAt: Date(), text: "t", model: TakeModel(id: "piper:\(model)", name: model, kind: .piper, variant: nil),
             settings: VoiceSettings(voice: voice), seed: seed, sampleRate: 16_000, frames: 16_000, audioFile: nil,
             metrics: TakeMetrics(), notes: [], outcome: .complete)
    }

    @Test func talliesCountWinsLossesAndTiesPerGrouping() {
        let takes = [1: take(1, model: "m1", voice: "v1"), 2: take(2, model: "m2", voice: "v1"), 3: take(3, model: "m1", voice: "v2")]
        let votes = [
            BlindVote(date: Date(), takeA: 1, takeB: 2, order: [1, 2], preferred: 1),
            BlindVote(date: Date(), takeA: 1, takeB: 2, order: [2, 1], preferred: nil),
            BlindVote(date: Date(), takeA: 1, takeB: 3, order: [3, 1], preferred: 3),
            BlindVote(date: Date(), takeA: 1, takeB: 99, order: [1, 99], preferred: 99),
        ]
        let byModel = Tally.tallies(of: votes, takes: takes, by: .model)
        #expect(byModel == [Tally(label: "m1", wins: 1, losses: 0, ties: 1), Tally(label: "m2", wins: 0, losses: 1, ties: 1)])
        let byVoice = Tally.tallies(of: votes, takes: takes, by: .voice)
        #expect(byVoice.first { $0.label == "m1 · v2" } == Tally(label: "m1 · v2", wins: 1, losses: 0, ties: 0))
        #expect(byVoice.first { $0.label == "m1 · v1" } == Tally(label: "m1 · v1", wins: 1, losses: 1, ties: 1))
    }

    @Test func seedsAreSettingsForTheConfigurationTally() {
        let takes = [1: take(1, model: "m", voice: "v", seed: 1), 2: take(2, model: "m", voice: "v", seed: 2)]
        let votes = [BlindVote(date: Date(), takeA: 1, takeB: 2, order: [1, 2], preferred: 2)]
        #expect(Tally.tallies(of: votes, takes: takes, by: .voice).isEmpty)
        let byConfiguration = Tally.tallies(of: votes, takes: takes, by: .configuration)
        #expect(byConfiguration.map(\.label) == ["m · v · seed 2", "m · v · seed 1"])
    }
}

@Suite struct CommandParserTests {
    @Test func parsesEveryRequiredCommand() throws {
        #expect(try CommandParser.parse(":synth") == .synthesize)
        #expect(try CommandParser.parse("play") == .play(nil))
        #expect(try CommandParser.parse("play B") == .play("B"))
        #expect(try CommandParser.parse("stop") == .stop)
        #expect(try CommandParser.parse("model kokoro-v1.0-int8") == .model("kokoro-v1.0-int8"))
        #expect(try CommandParser.parse("voice jf_alpha:0.7,jm_kumo:0.3") == .voice("jf_alpha:0.7,jm_kumo:0.3"))
        #expect(try CommandParser.parse("theme mono") == .theme("mono"))
        #expect(try CommandParser.parse("theme") == .theme(nil))
        #expect(try CommandParser.parse("export ~/takes/best take.wav") == .export(path: "~/takes/best take.wav", take: nil))
        #expect(try CommandParser.parse("export out.flac 3") == .export(path: "out.flac", take: "3"))
        #expect(try CommandParser.parse("quit") == .quit)
        #expect(try CommandParser.parse("q") == .quit)
    }

    @Test func parsesSettings() throws {
        #expect(try CommandParser.parse("speed 1.25") == .speed(1.25))
        #expect(try CommandParser.parse("seed 42") == .seed(.fixed(42)))
        #expect(try CommandParser.parse("seed random") == .seed(.random))
        #expect(try CommandParser.parse("lang auto") == .language(nil))
        #expect(try CommandParser.parse("instruct very sad, slow") == .instruct("very sad, slow"))
        #expect(try CommandParser.parse("design a low voice") == .design("a low voice"))
        #expect(try CommandParser.parse("preset save My Voice") == .savePreset("My Voice", overwrite: false))
        #expect(try CommandParser.parse("preset kokoro-jm_kumo") == .preset("kokoro-jm_kumo"))
        #expect(try CommandParser.parse("mark b 4") == .mark(.b, "4"))
        #expect(try CommandParser.parse("autoplay off") == .autoplay(false))
    }

    @Test func parsesKeep() throws {
        #expect(try CommandParser.parse("keep anna") == .keepVoice(KeepVoiceRequest(name: "anna")))
        #expect(try CommandParser.parse("keep! anna qwen3:Tiny-Base") == .keepVoice(KeepVoiceRequest(name: "anna", model: "qwen3:Tiny-Base", overwrite: true)))
        #expect(try CommandParser.parse("keep anna ~/me.wav qwen3") == .keepVoice(KeepVoiceRequest(name: "anna", model: "qwen3", file: "~/me.wav")))
        #expect(try CommandParser.parse("clone bob take.flac") == .keepVoice(KeepVoiceRequest(name: "bob", file: "take.flac")))
    }

    @Test func mistakesSayWhatWasExpected() {
        for line in ["", "frobnicate", "model", "speed fast", "speed 9", "seed -1", "mark c", "autoplay maybe", "preset save",
                     "keep", "keep a m1 m2", "speed! 1"] {
            #expect(throws: SottoError.self, "\(line)") { try CommandParser.parse(line) }
        }
    }

    @Test func completesCommandNamesAndArguments() {
        #expect(CommandParser.complete("th") { _ in [] } == ["theme "])
        #expect(Set(CommandParser.complete("s") { _ in [] }) == ["synth ", "stop ", "speed ", "seed ", "sessions ", "sweep "])
        let themes = CommandParser.complete("theme m") { kind in
            if case .themes = kind { return ["ink", "mono", "amber"] }
            return []
        }
        #expect(themes == ["theme mono"])
        #expect(CommandParser.complete("autoplay o") { _ in [] } == ["autoplay on", "autoplay off"])
    }
}

@Suite struct KeyMapTests {
    @Test func keysMeanWhatTheHelpSays() {
        #expect(KeyMap.normalAction(for: .character("s"), pane: .text) == .synthesize)
        #expect(KeyMap.normalAction(for: .function(5), pane: .models) == .synthesize)
        #expect(KeyMap.normalAction(for: .character("?"), pane: .takes) == .help)
        #expect(KeyMap.normalAction(for: .character(":"), pane: .voices) == .commandLine)
        #expect(KeyMap.normalAction(for: .character("a"), pane: .takes) == .markA)
        #expect(KeyMap.normalAction(for: .character("t"), pane: .takes) == .toggleAB)
        #expect(KeyMap.normalAction(for: .character("B"), pane: .takes) == .blind)
        #expect(KeyMap.normalAction(for: .enter, pane: .models) == .activate)
        #expect(KeyMap.normalAction(for: .right, pane: .controls) == .adjustRight)
        #expect(KeyMap.normalAction(for: .character("3"), pane: .models) == .focus(.text))
        #expect(KeyMap.editingAction(for: .escape) == .leaveEditing)
        #expect(KeyMap.editingAction(for: .character("s")) == nil)
        #expect(KeyMap.editingAction(for: .control("z")) == .undo)
        #expect(KeyMap.blindAction(for: .character("2")) == .blindSample2)
        #expect(KeyMap.blindAction(for: .enter) == .blindPick)
    }

    @Test func speedKeysWorkShiftedOrNot() {
        #expect(KeyMap.normalAction(for: .character("+"), pane: .text) == .speedUp)
        #expect(KeyMap.normalAction(for: .character("="), pane: .takes) == .speedUp)
        #expect(KeyMap.normalAction(for: .character("_"), pane: .voices) == .speedDown)
        #expect(KeyMap.blindAction(for: .character("=")) == .blindNoPreference)
    }

    @Test func theHelpShowsTheEditingKeysAndEveryLabelWhole() {
        let editing = KeyMap.bindings.filter { $0.context == .editing }.flatMap(\.keys)
        for key in [Key.backspace, .delete, .enter, .left, .up, .tab] { #expect(editing.contains(key), "\(key) missing") }
        // The help overlay gives key labels 26 columns; a longer one would be cut off.
        for binding in KeyMap.bindings { #expect(DisplayWidth.of(binding.keyLabel) <= 26, "\(binding.keyLabel)") }
        for spec in CommandParser.specs {
            let usage = ":" + spec.name + (spec.arguments.isEmpty ? "" : " " + spec.arguments)
            #expect(DisplayWidth.of(usage) <= 26, "\(usage)")
        }
    }

    @Test func everyBindingIsDocumentedOnce() {
        for binding in KeyMap.bindings { #expect(!binding.summary.isEmpty && !binding.keys.isEmpty) }
        let sections = KeyMap.helpSections(current: [.editing])
        #expect(sections.first?.0 == .editing)
        #expect(sections.count == KeyContext.allCases.count)
    }
}

@Suite struct LayoutTests {
    func checkDisjoint(_ layout: StudioLayout) {
        let rects = Array(layout.panes.values) + [layout.playback, layout.statusBar] + (layout.tabs.map { [$0] } ?? [layout.titleBar])
        let screen = Rect(row: 0, column: 0, width: layout.width, height: layout.height)
        for (i, a) in rects.enumerated() {
            #expect(screen.contains(a), "\(a) off screen in \(layout.width)×\(layout.height)")
            for b in rects[(i + 1)...] { #expect(!a.intersects(b), "\(a) overlaps \(b)") }
        }
    }

    @Test func everyPaneIsVisibleAt100By30() {
        let layout = StudioLayout(width: 100, height: 30, focus: .text)
        #expect(layout.mode == .threeColumns)
        #expect(Set(layout.panes.keys) == Set(Pane.allCases))
        for rect in layout.panes.values { #expect(rect.width >= 20 && rect.height >= 5) }
        #expect(layout.playback.width == 100)
        checkDisjoint(layout)
    }

    @Test func layoutsAdaptToTheSize() {
        for (width, height) in [(80, 24), (60, 18), (160, 50), (240, 70), (90, 24)] {
            let layout = StudioLayout(width: width, height: height, focus: .takes)
            #expect(Set(layout.panes.keys) == Set(Pane.allCases), "\(width)×\(height)")
            checkDisjoint(layout)
        }
        let small = StudioLayout(width: 40, height: 12, focus: .takes)
        #expect(small.mode == .single)
        #expect(Array(small.panes.keys) == [.takes])
        checkDisjoint(small)
        #expect(StudioLayout(width: 20, height: 5, focus: .text).mode == .tooSmall)
        #expect(StudioLayout(width: 160, height: 50, focus: .text).waveformRows > StudioLayout(width: 100, height: 30, focus: .text).waveformRows)
    }
}

@Suite struct ListAndFilterTests {
    @Test func cursorSkipsHeadingsAndScrolls() {
        let selectable = [false, true, true, false, true]
        var cursor = ListCursor()
        cursor.set(0, count: 5) { selectable[$0] }
        #expect(cursor.index == 1)
        cursor.move(by: 2, count: 5) { selectable[$0] }
        #expect(cursor.index == 4)
        cursor.move(by: -1, count: 5) { selectable[$0] }
        #expect(cursor.index == 2)
        cursor.scroll(visibleRows: 2, count: 5)
        #expect(cursor.top == 1)
    }

    @Test func filtersMatchEveryWordIgnoringCaseAndAccents() {
        #expect(FilterQuery("jf al").matches(["jf_alpha", "ja female"]))
        #expect(!FilterQuery("jf beta").matches(["jf_alpha"]))
        #expect(FilterQuery("CAFE").matches(["Café voice"]))
        #expect(FilterQuery("").matches(["anything"]))
    }

    @Test func voiceRowsGroupAndFilter() {
        let presets = [Preset(name: "mine", model: "qwen3", voice: "ryan", source: .user), Preset(name: "other", model: "piper")]
        let rows = VoiceRow.rows(voices: [VoiceInfo(id: "ryan"), VoiceInfo(id: "vivian")], languages: ["english", "chinese"],
                                 voiceNoun: "speakers", presets: presets, presetFitsModel: { $0.model == "qwen3" }, filter: FilterQuery(""))
        #expect(rows.filter { $0.kind == .heading }.map(\.title) == ["Speakers (2)", "Languages", "Presets", "Presets for other models"])
        #expect(rows.contains { $0.kind == .language(nil) && $0.title == "auto" })
        let filtered = VoiceRow.rows(voices: [VoiceInfo(id: "ryan"), VoiceInfo(id: "vivian")], languages: [], voiceNoun: "speakers",
                                     presets: presets, presetFitsModel: { $0.model == "qwen3" }, filter: FilterQuery("viv"))
        #expect(filtered.map(\.title) == ["Speakers (2)", "vivian"])
    }

    @Test func speedStepsStayOnTheGridAndInRange() {
        var settings = VoiceSettings(speed: 1)
        settings.speed = settings.speed(adjustedBy: 3)
        #expect(abs(settings.speed - 1.15) < 1e-9)
        settings.speed = 3.98
        #expect(settings.speed(adjustedBy: 2) == 4)
        settings.speed = 0.3
        #expect(settings.speed(adjustedBy: -4) == 0.25)
    }

    @Test func requestsCarryOnlyWhatTheModelUses() {
        let settings = VoiceSettings(voice: "ryan", instruct: "sad", voiceDescription: "deep", language: "english", speed: 1.2, seed: .fixed(5))
        let piper = settings.request(text: "x", capabilities: [.speed], seed: 9)
        #expect(piper.voice == nil && piper.instruct == nil && piper.language == nil && piper.seed == nil && piper.speed == 1.2)
        let custom = settings.request(text: "x", capabilities: [.speakers, .instruct, .languages, .seed], seed: 9)
        #expect(custom.voice == "ryan" && custom.instruct == "sad" && custom.voiceDescription == nil && custom.speed == 1 && custom.seed == 9)
    }

    @Test func statusErrorsStayAndInformationFades() {
        var log = StatusLog()
        log.info("hello", at: 0)
        #expect(log.current(at: 1)?.text == "hello")
        #expect(log.current(at: 100) == nil)
        log.error("broken", at: 2)
        #expect(log.current(at: 1000)?.text == "broken")
        log.dismiss()
        #expect(log.current(at: 1000) == nil)
        #expect(log.lastError?.text == "broken")
    }
}
