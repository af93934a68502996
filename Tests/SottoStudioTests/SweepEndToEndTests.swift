import Foundation
import SottoCore
import SottoStudio
import Testing

/// A sweep with the real Kokoro model in the real `sotto` binary, in tmux.
@Suite(.serialized, .enabled(if: TmuxStudio.isAvailable && TestModels.isInstalled("kokoro-v1.0-int8"),
                             "needs tmux and the Kokoro model (Scripts/setup)"))
struct SweepEndToEndTests {
    @Test func aThreeByTwoSweepMakesSixTakesInAGridThatComesBack() throws {
        let folder = ScratchFolder("e2e")
        let models = folder.path("models")
        try TestModels.link("kokoro-v1.0-int8", into: models)
        let studio = TmuxStudio(models: models)
        try studio.launch(width: 120, height: 34)
        try studio.waitFor("loaded", timeout: 180)
        try studio.press("i")
        try studio.type("こんにちは。")
        try studio.press("Escape")
        try studio.command("lang ja")
        try studio.command("sweep voice=jf_alpha,jf_nezumi,jm_kumo speed=0.9,1.1")
        try studio.waitForAll(["Sweep #1 · voice × speed · 3×2", "jf_nezumi", "1.1"])
        let grid = try studio.waitUntil("six takes done", timeout: 600) { $0.contains("6 of 6 done") }
        #expect(grid.components(separatedBy: "✓ #").count - 1 == 6, "\(grid)")
        #expect(!grid.contains("failed"), "\(grid)")
        try studio.press("Down")
        try studio.press("Right")
        try studio.press("4")
        try studio.waitFor("★★★★")
        try studio.press("Escape")
        try studio.waitFor("Takes (6)")
        try studio.quit()

        try studio.launch(width: 120, height: 34)
        try studio.press("w")
        try studio.waitForAll(["Sweep #1 · voice × speed · 3×2", "6 of 6 done", "★★★★"])
        try studio.press("Escape")
        try studio.waitForGone("Sweep #1")
        try studio.quit()
    }
}

/// Clicks and the wheel as a terminal sends them, in tmux.
@Suite(.serialized, .enabled(if: TmuxStudio.isAvailable, "tmux is not installed"))
struct MouseEndToEndTests {
    /// The bytes a terminal sends, as hex, for a press (or wheel turn) at a 0-based screen
    /// cell; with `release`, the button's release follows, as it does for a click.
    static func report(_ button: Int, row: Int, column: Int, sgr: Bool, release: Bool = false) -> [String] {
        var bytes: [UInt8]
        if sgr {
            bytes = Array("\u{1b}[<\(button);\(column + 1);\(row + 1)M".utf8)
            if release { bytes += Array("\u{1b}[<\(button);\(column + 1);\(row + 1)m".utf8) }
        } else {
            bytes = Array("\u{1b}[M".utf8) + [UInt8(32 + button), UInt8(33 + column), UInt8(33 + row)]
            if release { bytes += Array("\u{1b}[M".utf8) + [UInt8(32 + 3), UInt8(33 + column), UInt8(33 + row)] }
        }
        return bytes.map { String(format: "%02x", $0) }
    }

    /// xterm's SGR 1006 encoding (TERM=xterm-256color) and the X10 one (tmux-256color).
    @Test func aClickFocusesAPaneAndSelectsATakeAndTheWheelMoves() throws {
        for (term, sgr) in [("xterm-256color", true), ("tmux-256color", false)] {
            try clickFocusSelectAndWheel(term: term, sgr: sgr)
        }
    }

    func clickFocusSelectAndWheel(term: String, sgr: Bool) throws {
        let folder = ScratchFolder("e2e")
        let studio = TmuxStudio(models: folder.path("models"))
        try SessionFixture.writeSession(takes: 2, into: studio.sessionsDirectory)
        try studio.launch(term: term)
        try studio.waitFor("Takes (2)")
        let layout = StudioLayout(width: 100, height: 30, focus: .text)
        let voices = try #require(layout.panes[.voices])
        let takes = try #require(layout.panes[.takes])
        try studio.press(["-H"] + Self.report(0, row: voices.row + 1, column: voices.column + 3, sgr: sgr, release: true))
        try studio.waitFor(" VOICES ")
        // The first take's row: it becomes the one the Playback strip shows.
        try studio.press(["-H"] + Self.report(0, row: takes.row + 1, column: takes.column + 4, sgr: sgr, release: true))
        try studio.waitUntil("take #1 in the Playback strip") { screen in
            screen.contains(" TAKES ") && screen.split(separator: "\n").contains { $0.contains("take #1 · fixture · voice1") }
        }
        try studio.press(["-H"] + Self.report(65, row: takes.row + 2, column: takes.column + 4, sgr: sgr))
        try studio.waitUntil("the wheel to select take #2") { screen in
            screen.split(separator: "\n").contains { $0.contains("take #2 · fixture · voice2") }
        }
        try studio.quit()
    }
}

extension TmuxStudio {
    /// `send-keys` with a list of keys (e.g. `-H` and the hex bytes of a mouse report).
    func press(_ keys: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.tmux)
        process.arguments = ["-L", socket, "send-keys", "-t", "studio"] + keys
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw Failure(description: "tmux send-keys \(keys.joined(separator: " ")) failed") }
    }
}
