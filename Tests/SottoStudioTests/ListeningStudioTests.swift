import Foundation
import SottoAudio
import SottoCore
import SottoStudio
import Testing

/// ABX, blind ranking, picks, the settings diff and the exports, in a studio driven by keys (a
/// tone engine speaks; a manual device plays).
@Suite struct ListeningStudioTests {
    /// A studio with `voices.count` takes, one per voice.
    func studioWithTakes(_ folder: ScratchFolder, voices: [String], output: ManualOutput = ManualOutput()) throws -> StudioModel {
        let studio = try makeStudio(folder: folder, models: try makeFakeModels(in: folder), output: output)
        #expect(studio.settle { !studio.loadedModels.isEmpty })
        studio.handle(.character("i"))
        studio.type("Hello there.")
        studio.handle(.escape)
        studio.command("autoplay off")
        for voice in voices {
            studio.command("voice \(voice)")
            let before = studio.takes.count
            studio.handle(.character("s"))
            #expect(studio.settle { studio.takes.count == before + 1 && studio.jobs.isEmpty })
        }
        return studio
    }

    func screen(_ studio: StudioModel) -> ScreenGrid {
        let grid = ScreenGrid(width: 100, height: 30)
        StudioView(glyphs: .unicode).draw(studio, on: grid)
        return grid
    }

    func savedManifest(_ studio: StudioModel) throws -> SessionManifest {
        studio.writer.flush()
        return try SessionManifest.decoder.decode(SessionManifest.self, from: Data(contentsOf: studio.session.manifestURL))
    }

    @Test func anABXRunPlaysXAsAOrBHidesItAndScoresTheAnswers() throws {
        let folder = ScratchFolder()
        let output = ManualOutput()
        let studio = try studioWithTakes(folder, voices: ["low", "high"], output: output)
        defer { studio.shutdown() }
        studio.command("abx")
        #expect(studio.overlay == nil && studio.log.current(at: studio.now)?.isError == true, "no marks, no ABX")
        studio.command("mark a 1")
        studio.command("mark b 2")
        studio.command("abx 0")
        #expect(studio.abx == nil)
        studio.command("abx 3")
        #expect(studio.overlay == .abx)
        var answers: [Int] = []
        for round in 1...3 {
            let test = try #require(studio.abx)
            #expect(test.round == round)
            studio.handle(.character("x"))
            studio.playback.settle()
            #expect(studio.playbackSnapshot.takeID == test.take(for: .x))
            // Neither X's take nor anything about it shows: not its number, not its length.
            let grid = screen(studio)
            #expect(grid.rows(containing: "#1").isEmpty && grid.rows(containing: "#2").isEmpty, "\(grid.text)")
            let seconds = try #require(studio.take(1)).seconds
            let length = String(format: "%d:%04.1f", Int(seconds) / 60, seconds.truncatingRemainder(dividingBy: 60))
            #expect(grid.rows(containing: length).isEmpty, "\(grid.text)")
            #expect(!grid.rows(containing: "▶ X").isEmpty, "\(grid.text)")
            studio.handle(.character("a"))
            studio.playback.settle()
            #expect(studio.playbackSnapshot.takeID == 1)
            let answer: Character = round == 2 ? "B" : "A"
            answers.append(answer == "A" ? 1 : 2)
            studio.handle(.character(answer))
        }
        let test = try #require(studio.abx)
        #expect(test.isFinished)
        let trials = studio.manifest.listeningLog.abxTrials
        #expect(trials.map(\.answer) == answers)
        let correct = trials.filter(\.isCorrect).count
        #expect(test.correct == correct)
        let grid = screen(studio)
        #expect(!grid.rows(containing: "Run over: \(correct) of 3 right.").isEmpty, "\(grid.text)")
        let p = try #require(BinomialTest.pValue(correct: correct, trials: 3))
        #expect(!grid.rows(containing: BinomialTest.label(p)).isEmpty, "\(grid.text)")
        #expect(!grid.rows(containing: "A = take #1").isEmpty, "\(grid.text)")

        studio.handle(.character("n"))
        #expect(studio.abx?.run == 2 && studio.abx?.isFinished == false)
        studio.handle(.character("A"))
        studio.handle(.escape)
        #expect(studio.abx?.isFinished == true, "a run cut short shows its score first")
        studio.handle(.escape)
        #expect(studio.abx == nil && studio.overlay == nil)
        let saved = try savedManifest(studio)
        #expect(saved.listeningLog.abxTrials.count == 4)
        #expect(saved.listeningLog.abxTrials.map(\.run) == [1, 1, 1, 2])
    }

    @Test func abxPlaysEveryTakeAtOneLoudness() throws {
        let folder = ScratchFolder()
        try LoudnessFixture.writeSession(amplitudes: [0.4, 0.4 / 3.981], into: folder.path("sessions"))
        let output = ManualOutput()
        let studio = try makeStudio(folder: folder, models: try makeFakeModels(in: folder), output: output)
        defer { studio.shutdown() }
        studio.command("mark a 1")
        studio.command("mark b 2")
        studio.command("abx 2")
        var peaks: [String: Float] = [:]
        for key in ["a", "b", "x"] {
            studio.handle(.character(Character(key)))
            studio.playback.settle()
            peaks[key] = try #require(output.opened.last).buffer.samples().map(abs).max()
        }
        let a = try #require(peaks["a"]), b = try #require(peaks["b"]), x = try #require(peaks["x"])
        #expect(abs(Loudness.decibels(Double(a / b))) < 0.1)
        #expect(abs(Loudness.decibels(Double(x / b))) < 0.1)
    }

    @Test func pickedTakesAreRankedBlindAndTheRankingIsKept() throws {
        let folder = ScratchFolder()
        let output = ManualOutput()
        let studio = try studioWithTakes(folder, voices: ["low", "high", "low"], output: output)
        defer { studio.shutdown() }
        studio.handle(.character("5"))
        studio.command("rank")
        #expect(studio.ranking == nil && studio.log.current(at: studio.now)?.text.contains("3 to 8 picked takes") == true)
        // Pick takes 1 and 3 with x, then 2; unpick and repick 1.
        studio.command("take 1")
        studio.handle(.character("x"))
        studio.command("take 3")
        studio.handle(.character("x"))
        studio.command("take 2")
        studio.handle(.character("x"))
        studio.command("take 1")
        studio.handle(.character("x"))
        #expect(studio.pickedTakes == [3, 2])
        studio.handle(.character("x"))
        #expect(studio.pickedTakes == [3, 2, 1])
        #expect(!screen(studio).rows(containing: "✓#1").isEmpty)

        studio.command("rank")
        #expect(studio.overlay == .rank)
        var test = try #require(studio.ranking)
        #expect(Set(test.presented) == [1, 2, 3])
        studio.handle(.character("3"))
        studio.playback.settle()
        #expect(studio.playbackSnapshot.takeID == test.presented[2])
        let grid = screen(studio)
        #expect(grid.rows(containing: "#1").isEmpty && grid.rows(containing: "#3").isEmpty, "\(grid.text)")
        #expect(!grid.rows(containing: "▶ sample 3").isEmpty, "\(grid.text)")
        // Sample 3 to the top; then the last row (sample 2) up one.
        studio.handle(.character("K"))
        studio.handle(.character("K"))
        studio.handle(.character("j"))
        studio.handle(.character("j"))
        studio.handle(.character("K"))
        test = try #require(studio.ranking)
        #expect(test.order == [2, 1, 0])
        studio.handle(.enter)
        let expected = [2, 1, 0].map { test.presented[$0] }
        #expect(studio.manifest.listeningLog.rankings.last?.ranking == expected)
        #expect(!screen(studio).rows(containing: "= take #\(expected[0])").isEmpty)
        studio.handle(.character("n"))
        #expect(studio.ranking?.isRevealed == false && studio.ranking?.round == 2)
        studio.handle(.escape)
        #expect(studio.ranking == nil && studio.overlay == nil)
        let saved = try savedManifest(studio)
        #expect(saved.listeningLog.rankings.map(\.ranking) == [expected])
        #expect(saved.listeningLog.picked == [3, 2, 1])

        studio.command("tally")
        #expect(!screen(studio).rows(containing: "1 ranking in this session").isEmpty)
    }

    @Test func theDiffShowsTwoTakesSideBySide() throws {
        let folder = ScratchFolder()
        let studio = try studioWithTakes(folder, voices: ["low", "high"])
        defer { studio.shutdown() }
        studio.handle(.character("d"))
        #expect(studio.overlay == nil, "nothing marked, and the selected take has nothing to compare with")
        studio.command("diff 1 2")
        #expect(studio.overlay == .diff(1, 2))
        #expect(studio.log.current(at: studio.now)?.text == "#1 and #2 differ in voice")
        let grid = screen(studio)
        let voiceRow = try #require(grid.rows(containing: "≠voice").first)
        #expect(grid.lines[voiceRow].contains("low") && grid.lines[voiceRow].contains("high"))
        #expect(grid.rows(containing: "≠speed").isEmpty && !grid.rows(containing: " speed").isEmpty)
        studio.handle(.escape)
        studio.command("mark a 2")
        studio.command("take 1")
        studio.handle(.character("d"))
        #expect(studio.overlay == .diff(2, 1))
        studio.handle(.escape)
        studio.command("diff 1 1")
        #expect(studio.overlay == nil)
        studio.command("diff 7 1")
        #expect(studio.log.current(at: studio.now)?.text == "there is no take #7")
    }

    @Test func pickedTakesExportToAFolderWithTheirSettingsAndNothingIsReplaced() throws {
        let folder = ScratchFolder()
        let studio = try studioWithTakes(folder, voices: ["low", "high", "low"])
        defer { studio.shutdown() }
        let out = folder.path("out")
        studio.command("export \(out.path)/")
        #expect(studio.log.current(at: studio.now)?.text.contains("pick the takes to export") == true)
        studio.command("pick 3 1")
        studio.command("export \(out.path)/")
        #expect(studio.log.current(at: studio.now)?.text == "2 takes and takes.json written to \(out.path)")
        let files = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
        #expect(files == ["take-0001-low.wav", "take-0003-low.wav", "takes.json"])
        let audio = try AudioFile.read(out.appendingPathComponent("take-0003-low.wav").path)
        #expect(audio.samples.count == studio.take(3)?.frames)
        let sidecar = try SessionManifest.decoder.decode(ExportSidecar.self, from: Data(contentsOf: out.appendingPathComponent("takes.json")))
        #expect(sidecar.takes.map(\.take) == [3, 1])
        #expect(sidecar.takes.map(\.file) == ["take-0003-low.wav", "take-0001-low.wav"])
        let three = try #require(studio.take(3))
        #expect(sidecar.takes[0].command == studio.sayCommand(for: three))
        #expect(sidecar.takes[0].voice == "low" && sidecar.takes[0].text == "Hello there.")

        // Again into the same folder: refused before anything is written.
        let before = try Data(contentsOf: out.appendingPathComponent("takes.json"))
        studio.command("pick 1 2")
        studio.command("export \(out.path) flac")
        #expect(studio.log.current(at: studio.now)?.text.contains("already exists") == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).sorted() == files)
        #expect(try Data(contentsOf: out.appendingPathComponent("takes.json")) == before)
        studio.command("export \(folder.path("no/such").path)/")
        #expect(studio.log.current(at: studio.now)?.text.contains("there is no folder") == true)
        studio.command("export \(out.path)/ mp3")
        #expect(studio.log.current(at: studio.now)?.isError == true)
    }

    @Test func tallyCSVIsWrittenWholeAndReplacedOnlyWhenAskedTo() throws {
        let folder = ScratchFolder()
        let studio = try studioWithTakes(folder, voices: ["low", "high"])
        defer { studio.shutdown() }
        let file = folder.path("votes.csv")
        studio.command("export-votes \(file.path)")
        #expect(studio.log.current(at: studio.now)?.text == "no blind votes, rankings or ABX rounds in this session yet")
        studio.command("mark a 1")
        studio.command("mark b 2")
        studio.handle(.character("B"))
        studio.handle(.enter)
        studio.handle(.escape)
        studio.command("export-votes \(file.path)")
        #expect(studio.log.current(at: studio.now)?.text == "tallies written to \(file.path)")
        let first = try String(contentsOf: file, encoding: .utf8)
        #expect(first == VoteTable(manifest: studio.manifest).csv)
        #expect(first.contains("preference,voice,test-voice · "))

        studio.command("abx 1")
        studio.handle(.character("A"))
        studio.handle(.escape)
        studio.command("export-votes \(file.path)")
        #expect(studio.log.current(at: studio.now)?.text
            == "votes.csv already exists in \(folder.url.path) (not replaced: :export-votes! \(file.path) replaces it)")
        #expect(try String(contentsOf: file, encoding: .utf8) == first)
        studio.command("export-votes! \(file.path)")
        let second = try String(contentsOf: file, encoding: .utf8)
        #expect(second != first && second.contains("abx,voice,"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path).filter { $0.hasPrefix(".votes") }.isEmpty)
    }
}
