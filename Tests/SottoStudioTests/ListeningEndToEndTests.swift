import Foundation
import SottoCore
import SottoStudio
import Testing

/// ABX, a blind ranking, the settings diff and both exports in the real studio, by keys.
@Suite(.serialized, .enabled(if: TmuxStudio.isAvailable, "tmux is not installed"))
struct ListeningEndToEndTests {
    @Test func rankABXDiffTallyAndExportsAtTheKeyboard() throws {
        let folder = ScratchFolder("e2e")
        let studio = TmuxStudio(models: folder.path("models"))
        try SessionFixture.writeSession(takes: 3, into: studio.sessionsDirectory)
        try studio.launch()
        try studio.waitFor("Takes (3)")

        // Pick all three in Takes with x, then rank them blind.
        try studio.press("5")
        for key in ["g", "x", "j", "x", "j", "x"] { try studio.press(key) }
        try studio.waitFor("✓3")
        try studio.press(":")
        try studio.type("rank")
        try studio.press("Enter")
        let ranking = try studio.waitForAll(["Blind ranking", "1. Sample 1", "3. Sample 3", "K / J move"])
        #expect(!ranking.contains("take #"))
        try studio.press("3")
        try studio.press("K")
        try studio.press("Enter")
        try studio.waitForAll(["Ranking kept.", "1. Sample 1  = take #", "2. Sample 3  = take #"])
        try studio.press("Escape")

        // ABX of takes 1 and 2, two rounds.
        try studio.command("mark a 1")
        try studio.command("mark b 2")
        try studio.command("abx 2")
        let abx = try studio.waitForAll(["ABX test", "Round 1 of 2", "A: X is A"])
        #expect(!abx.contains("take #"))
        try studio.press("x")
        try studio.press("A")
        try studio.waitFor("Round 2 of 2")
        try studio.press("B")
        try studio.waitForAll(["Run over:", "of 2 right.", "p = ", "A = take #1", "B = take #2"])
        try studio.press("Escape")
        try studio.waitForGone("ABX test")

        try studio.command("diff")
        try studio.waitForAll(["Settings side by side", "take #1 (A)", "take #2 (B)", "≠voice", "voice1", "voice2"])
        try studio.press("Escape")
        try studio.command("tally")
        try studio.waitForAll(["1 ranking, 2 ABX rounds in this session", "ABX (told apart", "/2  p = "])
        try studio.press("Escape")

        let csv = studio.home.path("votes.csv")
        try studio.command("export-votes \(csv.path)")
        try studio.waitFor("tallies written to")
        try studio.command("export-votes \(csv.path)")
        try studio.waitFor("votes.csv already exists")
        let out = studio.home.path("picked")
        try studio.command("export \(out.path)/")
        try studio.waitFor("3 takes and takes.json written")
        try studio.quit()

        let table = try String(contentsOf: csv, encoding: .utf8)
        #expect(table.hasPrefix(VoteTable.csvHeader.joined(separator: ",") + "\r\n"))
        #expect(table.contains("\r\nabx,voice,fixture · voice1 vs fixture · voice2,,,,,"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
            == ["take-0001-voice1.wav", "take-0002-voice2.wav", "take-0003-voice3.wav", "takes.json"])
        let session = try #require(try FileManager.default.contentsOfDirectory(atPath: studio.sessionsDirectory.path).first { $0 != "last" })
        let manifest = try SessionManifest.decoder.decode(
            SessionManifest.self, from: Data(contentsOf: studio.sessionsDirectory.appendingPathComponent("\(session)/session.json")))
        #expect(manifest.listeningLog.rankings.count == 1)
        #expect(manifest.listeningLog.abxTrials.map(\.answer) == [1, 2])
        #expect(manifest.listeningLog.picked == [1, 2, 3])
    }
}
