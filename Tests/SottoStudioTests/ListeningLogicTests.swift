import Foundation
import SottoCore
import SottoStudio
import Testing

/// The logic of fair listening, without a studio: the binomial p-value, ABX rounds, blind
/// rankings, tallies, the CSV and the settings diff.
@Suite struct BinomialTestTests {
    /// C(n, k) by Pascal's triangle, exact in a Double up to these sizes.
    static func pascal(_ rows: Int) -> [[Double]] {
        var table: [[Double]] = [[1]]
        for n in 1...rows {
            table.append((0...n).map { k in (k > 0 ? table[n - 1][k - 1] : 0) + (k < n ? table[n - 1][k] : 0) })
        }
        return table
    }

    @Test func pValuesAreTheBinomialTailOfAFairCoin() throws {
        let table = Self.pascal(40)
        for n in [1, 2, 5, 10, 16, 25, 40] {
            for k in 0...n {
                let exact = table[n][k...].reduce(0, +) / pow(2, Double(n))
                let p = try #require(BinomialTest.pValue(correct: k, trials: n))
                #expect(abs(p - exact) <= 1e-12 * max(1, exact), "n \(n) k \(k): \(p) vs \(exact)")
            }
        }
    }

    @Test func manyTrialsDoNotUnderflowAndNonsenseHasNoValue() throws {
        // Half right in 2000 trials: just over one half (the middle term counts).
        let p = try #require(BinomialTest.pValue(correct: 1000, trials: 2000))
        #expect(p > 0.5 && p < 0.52)
        // 1100 of 2000 is 4.5 standard deviations above chance: small, and not rounded to nothing.
        let far = try #require(BinomialTest.pValue(correct: 1100, trials: 2000))
        #expect(far > 0 && far < 1e-4)
        #expect(BinomialTest.pValue(correct: 0, trials: 0) == 1)
        #expect(BinomialTest.pValue(correct: 3, trials: 2) == nil)
        #expect(BinomialTest.pValue(correct: -1, trials: 2) == nil)
        #expect(BinomialTest.label(0.0107) == "p = 0.011")
        #expect(BinomialTest.label(0.0004) == "p < 0.001")
    }
}

@Suite struct ABXTestTests {
    @Test func xIsADrawnAfreshEachRoundAndTheRunEndsAfterItsRounds() throws {
        var random = StudioRandom(seed: 3)
        var test = ABXTest(takeA: 4, takeB: 9, rounds: 40, run: 2, using: &random)
        var xs: [Int] = []
        while !test.isFinished {
            #expect(test.round == xs.count + 1)
            let x = test.take(for: .x)
            #expect(x == 4 || x == 9)
            xs.append(x)
            // Answer A every time: right exactly when X was A.
            let answered = test.answer(.a, date: Date(), using: &random)
            let trial = try #require(answered)
            #expect(trial.x == x && trial.answer == 4 && trial.run == 2)
            #expect(test.current == .a)
        }
        #expect(xs.count == 40)
        #expect(Set(xs) == [4, 9], "X was the same take in all 40 rounds")
        #expect(test.correct == xs.filter { $0 == 4 }.count)
        #expect(test.pValue == BinomialTest.pValue(correct: test.correct, trials: 40))
        let late = test.answer(.b, date: Date(), using: &random)
        #expect(late == nil)
        #expect(test.trials.count == 40)
    }

    @Test func samplesCycleAndARunCutShortKeepsItsAnswers() throws {
        var random = StudioRandom(seed: 1)
        var test = ABXTest(takeA: 1, takeB: 2, rounds: 10, run: 1, using: &random)
        #expect(test.pValue == nil)
        #expect(test.current == .a)
        test.cycle(by: 1)
        #expect(test.current == .b && test.currentTake == 2)
        test.cycle(by: 1)
        #expect(test.current == .x && test.currentTake == test.take(for: .x))
        test.cycle(by: 1)
        #expect(test.current == .a)
        test.cycle(by: -1)
        #expect(test.current == .x)
        _ = test.answer(.b, date: Date(), using: &random)
        test.finish()
        #expect(test.isFinished && test.trials.count == 1)
        test.select(.b)
        #expect(test.current == .a, "a finished run does not change")
    }
}

@Suite struct RankingTestTests {
    @Test func onlyThreeToEightDistinctTakesCanBeRanked() {
        var random = StudioRandom(seed: 1)
        let made = [[1, 2], Array(1...9), [1, 2, 2], [1, 2, 3], Array(1...8)].map { RankingTest(takes: $0, using: &random) != nil }
        #expect(made == [false, false, false, true, true])
    }

    @Test func theListenerOrdersTheSamplesAndTheRankingNamesTheTakes() throws {
        var random = StudioRandom(seed: 5)
        let made = RankingTest(takes: [10, 20, 30, 40], using: &random)
        var test = try #require(made)
        #expect(test.presented.sorted() == [10, 20, 30, 40])
        #expect(test.order == [0, 1, 2, 3])
        // Sample 3 to the top, sample 1 to the bottom.
        let found = test.selectSample(2)
        #expect(found)
        test.moveSelected(by: -5)
        #expect(test.order == [2, 0, 1, 3] && test.row == 0 && test.currentSample == 2)
        test.selectSample(0)
        test.moveSelected(by: 2)
        #expect(test.order == [2, 1, 3, 0])
        #expect(test.currentTake == test.presented[0])
        let submitted = test.submit(date: Date())
        let ranking = try #require(submitted)
        #expect(ranking.ranking == [2, 1, 3, 0].map { test.presented[$0] })
        #expect(ranking.presented == test.presented)
        let again = test.submit(date: Date())
        #expect(again == nil)
        test.moveSelected(by: -1)
        #expect(test.order == [2, 1, 3, 0], "a revealed ranking does not move")
    }

    @Test func anotherRoundReshuffles() throws {
        var random = StudioRandom(seed: 9)
        let made = RankingTest(takes: [1, 2, 3, 4, 5], using: &random)
        var test = try #require(made)
        var seen: Set<[Int]> = [test.presented]
        for _ in 0..<10 {
            _ = test.submit(date: Date())
            test.nextRound(using: &random)
            #expect(!test.isRevealed && test.row == 0)
            seen.insert(test.presented)
        }
        #expect(seen.count > 1)
        #expect(test.round == 11)
    }

    @Test func aRankingDecidesEveryPairBelowEachTake() {
        let ranking = BlindRanking(date: Date(), presented: [1, 2, 3], ranking: [3, 1, 2])
        #expect(ranking.comparisons == [
            Comparison(first: 3, second: 1, preferred: 3),
            Comparison(first: 3, second: 2, preferred: 3),
            Comparison(first: 1, second: 2, preferred: 1),
        ])
    }
}

@Suite struct ListeningTallyTests {
    func take(_ id: Int, model: String, voice: String, speed: Double = 1) -> Take {
        Take(id: id, createdAt: Date(), text: "t", model: TakeModel(id: "piper:\(model)", name: model, kind: .piper, variant: nil),
             settings: VoiceSettings(voice: voice, speed: speed), seed: nil, sampleRate: 16_000, frames: 16_000, audioFile: nil,
             metrics: TakeMetrics(), notes: [], outcome: .complete)
    }

    func manifest() -> SessionManifest {
        var manifest = SessionManifest(id: "s", createdAt: Date())
        manifest.takes = [take(1, model: "m1", voice: "v1"), take(2, model: "m2", voice: "v2"), take(3, model: "m1", voice: "v3, \"odd\"")]
        return manifest
    }

    @Test func votesAndRankingsAddUpToOnePreferenceTally() {
        var manifest = manifest()
        manifest.votes = [BlindVote(date: Date(), takeA: 1, takeB: 2, order: [1, 2], preferred: 2)]
        manifest.listeningLog.rankings = [BlindRanking(date: Date(), presented: [1, 2, 3], ranking: [1, 3, 2])]
        let table = VoteTable(manifest: manifest)
        let byModel = table.preference.first { $0.0 == .model }?.1 ?? []
        // Vote: m2 beats m1. Ranking: 1 (m1) > 3 (m1) says nothing of models; 1 > 2 and 3 > 2: m1 beats m2 twice.
        #expect(byModel == [Tally(label: "m1", wins: 2, losses: 1, ties: 0), Tally(label: "m2", wins: 1, losses: 2, ties: 0)])
        let byVoice = table.preference.first { $0.0 == .voice }?.1 ?? []
        #expect(byVoice.first { $0.label == "m1 · v1" } == Tally(label: "m1 · v1", wins: 2, losses: 1, ties: 0))
    }

    @Test func abxRoundsTallyByPairWithTheirPValue() {
        var manifest = manifest()
        manifest.listeningLog.abxTrials = (0..<10).map { round in
            ABXTrial(date: Date(), run: 1, takeA: 1, takeB: 2, x: round % 2 == 0 ? 1 : 2, answer: round < 9 ? (round % 2 == 0 ? 1 : 2) : 1)
        } + [ABXTrial(date: Date(), run: 2, takeA: 1, takeB: 3, x: 1, answer: 3)]
        let table = VoteTable(manifest: manifest)
        let byModel = table.abx.first { $0.0 == .model }?.1 ?? []
        // 1 vs 3 share their model: only the ten rounds of 1 vs 2 say anything about models.
        #expect(byModel == [ABXTally(label: "m1 vs m2", correct: 9, trials: 10)])
        #expect(byModel.first?.pValue == BinomialTest.pValue(correct: 9, trials: 10))
        let byVoice = table.abx.first { $0.0 == .voice }?.1 ?? []
        #expect(byVoice.map(\.label) == ["m1 · v1 vs m2 · v2", "m1 · v1 vs m1 · v3, \"odd\""])
        #expect(byVoice.last == ABXTally(label: "m1 · v1 vs m1 · v3, \"odd\"", correct: 0, trials: 1))
    }

    @Test func theCSVHasOneRowPerTallyQuotedAsRFC4180Says() {
        var manifest = manifest()
        manifest.votes = [BlindVote(date: Date(), takeA: 1, takeB: 3, order: [1, 3], preferred: 3)]
        manifest.listeningLog.abxTrials = [ABXTrial(date: Date(), run: 1, takeA: 1, takeB: 2, x: 2, answer: 2)]
        let csv = VoteTable(manifest: manifest).csv
        let rows = csv.components(separatedBy: "\r\n")
        #expect(rows.first == VoteTable.csvHeader.joined(separator: ","))
        #expect(rows.last == "")
        #expect(rows.contains("preference,voice,\"m1 · v3, \"\"odd\"\"\",1,0,0,1.0000,,,"), "\(csv)")
        #expect(rows.contains("preference,voice,m1 · v1,0,1,0,0.0000,,,"), "\(csv)")
        #expect(rows.contains("abx,model,m1 vs m2,,,,,1,1,0.5"), "\(csv)")
        // Votes between takes of one model say nothing by model: no preference row for it.
        #expect(!rows.contains { $0.hasPrefix("preference,model,") })
    }

    @Test func labelsASpreadsheetWouldRunAsFormulasStayText() {
        var manifest = SessionManifest(id: "s", createdAt: Date())
        manifest.takes = [take(1, model: "=HYPERLINK(\"x\")", voice: "v1"), take(2, model: "m2", voice: "@sum")]
        manifest.votes = [BlindVote(date: Date(), takeA: 1, takeB: 2, order: [1, 2], preferred: 1)]
        let rows = VoteTable(manifest: manifest).csv.components(separatedBy: "\r\n")
        #expect(rows.contains("preference,model,\"'=HYPERLINK(\"\"x\"\")\",1,0,0,1.0000,,,"), "\(rows)")
        #expect(rows.contains("preference,model,m2,0,1,0,0.0000,,,"), "\(rows)")
        #expect(VoteTable.inertText("-1") == "'-1")
        #expect(VoteTable.inertText("jf_alpha") == "jf_alpha")
        #expect(VoteTable.inertText("") == "")
    }

    @Test func aSessionFromBeforeTheListeningLogStillOpens() throws {
        var manifest = manifest()
        manifest.listening = nil
        let old = try SessionManifest.encoder.encode(manifest)
        #expect(!String(decoding: old, as: UTF8.self).contains("listening"))
        let read = try SessionManifest.decoder.decode(SessionManifest.self, from: old)
        #expect(read.listeningLog == ListeningLog())
        // A log written with only some of its lists reads the rest as empty.
        let partial = try SessionManifest.decoder.decode(ListeningLog.self, from: Data(#"{"picked": [3, 1]}"#.utf8))
        #expect(partial == ListeningLog(picked: [3, 1]))

        manifest.listeningLog.picked = [2, 1]
        manifest.listeningLog.abxTrials = [ABXTrial(date: Date(timeIntervalSince1970: 1), run: 1, takeA: 1, takeB: 2, x: 2, answer: 1)]
        manifest.listeningLog.rankings = [BlindRanking(date: Date(timeIntervalSince1970: 2), presented: [1, 2, 3], ranking: [2, 3, 1])]
        let again = try SessionManifest.decoder.decode(SessionManifest.self, from: try SessionManifest.encoder.encode(manifest))
        #expect(again.listeningLog == manifest.listeningLog)
        #expect(again.listeningLog.nextABXRun == 2)
    }
}

@Suite struct TakeSettingsDiffTests {
    @Test func rowsLineUpAndOnlyTheDifferencesAreMarked() {
        func take(_ id: Int, voice: String, speed: Double, seed: UInt64?) -> Take {
            Take(id: id, createdAt: Date(), text: "Same words.", model: TakeModel(id: "kokoro:k", name: "k", kind: .kokoro, variant: nil),
                 settings: VoiceSettings(voice: voice, speed: speed), seed: seed, sampleRate: 24_000, frames: 24_000,
                 audioFile: nil, metrics: TakeMetrics(), notes: [], outcome: .complete)
        }
        let diff = TakeSettingsDiff(take(1, voice: "af_bella", speed: 1, seed: 5), take(2, voice: "am_adam", speed: 1.25, seed: 5))
        #expect(diff.differingNames == ["voice", "speed"])
        #expect(diff.rows.map(\.name) == TakeSettingsDiff.fields(of: diff.first).map(\.0))
        let speed = diff.rows.first { $0.name == "speed" }
        #expect(speed?.first == "1.00" && speed?.second == "1.25")
        let same = TakeSettingsDiff(take(1, voice: "v", speed: 1, seed: nil), take(2, voice: "v", speed: 1, seed: nil))
        #expect(same.differingNames.isEmpty)
    }

    @Test func exportNamesAreSafeFileNames() {
        let take = Take(id: 3, createdAt: Date(), text: "x", model: TakeModel(id: "kokoro:k", name: "k", kind: .kokoro, variant: nil),
                        settings: VoiceSettings(voice: "af_bella:0.6,am/adam:0.4"), seed: nil, sampleRate: 24_000, frames: 1,
                        audioFile: nil, metrics: TakeMetrics(), notes: [], outcome: .complete)
        #expect(ExportSidecar.audioFileName(for: take, fileExtension: "flac") == "take-0003-af_bella-0.6+am-adam-0.4.flac")
    }
}

@Suite struct ListeningCommandTests {
    @Test func listeningCommandsParse() throws {
        #expect(try CommandParser.parse("abx") == .abx(rounds: nil))
        #expect(try CommandParser.parse("abx 16") == .abx(rounds: 16))
        #expect(throws: SottoError.self) { try CommandParser.parse("abx lots") }
        #expect(try CommandParser.parse("rank") == .rank)
        #expect(try CommandParser.parse("pick 1 #2 A") == .pick(["1", "#2", "A"]))
        #expect(throws: SottoError.self) { try CommandParser.parse("pick") }
        #expect(try CommandParser.parse("diff") == .diff([]))
        #expect(try CommandParser.parse("diff 3 B") == .diff(["3", "B"]))
        #expect(try CommandParser.parse("export-votes votes.csv") == .exportVotes(path: "votes.csv", replace: false))
        #expect(try CommandParser.parse("export-votes! votes.csv") == .exportVotes(path: "votes.csv", replace: true))
        #expect(throws: SottoError.self) { try CommandParser.parse("export-votes") }
        #expect(throws: SottoError.self) { try CommandParser.parse("quit!") }
        #expect(try CommandParser.parse("export out/ flac") == .exportPicked(folder: "out/", format: "flac"))
        #expect(try CommandParser.parse("export out/take.wav 2") == .export(path: "out/take.wav", take: "2"))
    }

    @Test func listeningKeys() {
        #expect(KeyMap.normalAction(for: .character("x"), pane: .takes) == .togglePick)
        #expect(KeyMap.normalAction(for: .character("X"), pane: .takes) == .clearPicks)
        #expect(KeyMap.normalAction(for: .character("d"), pane: .takes) == .diff)
        #expect(KeyMap.normalAction(for: .character("A"), pane: .voices) == .abx)
        #expect(KeyMap.abxAction(for: .character("x")) == .abxListen(.x))
        #expect(KeyMap.abxAction(for: .character("3")) == .abxListen(.x))
        #expect(KeyMap.abxAction(for: .character("A")) == .abxAnswer(.a))
        #expect(KeyMap.abxAction(for: .character("B")) == .abxAnswer(.b))
        #expect(KeyMap.abxAction(for: .left) == .abxSwitch(-1))
        #expect(KeyMap.rankAction(for: .character("8")) == .rankListen(7))
        #expect(KeyMap.rankAction(for: .character("9")) == nil)
        #expect(KeyMap.rankAction(for: .character("K")) == .rankReorder(-1))
        #expect(KeyMap.rankAction(for: .enter) == .rankSubmit)
    }
}
