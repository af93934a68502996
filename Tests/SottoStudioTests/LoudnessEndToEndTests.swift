import Foundation
import SottoAudio
import SottoStudio
import Testing

/// Two takes 12 dB apart, compared with `t` in the real studio on an ALSA `file` device: what
/// reaches the device is at one loudness, and the status bar says what gain A got.
@Suite(.serialized, .enabled(if: TmuxStudio.isAvailable, "tmux is not installed"))
struct LoudnessEndToEndTests {
    @Test func twoTakes12DecibelsApartPlayAtOneLoudness() throws {
        let folder = ScratchFolder("e2e")
        let studio = TmuxStudio(models: folder.path("models"))
        try LoudnessFixture.writeSession(amplitudes: [0.4, 0.4 / 3.981], into: studio.sessionsDirectory)
        // ALSA reads ~/.asoundrc: the studio's private home defines a device that writes what it
        // is given to a file, over the null device (so nothing paces it).
        let tap = studio.home.path("tap.raw").path
        try """
            pcm.tap {
                type file
                slave.pcm "null"
                file "\(tap)"
                format "raw"
            }
            """.write(to: studio.home.path(".asoundrc"), atomically: true, encoding: .utf8)
        try studio.launch(["--device", "tap"])
        try studio.waitFor("Takes (2)")
        try studio.command("mark a 1")
        try studio.command("mark b 2")
        try studio.waitFor("A #1 B #2")

        // The device truncates (or creates) its file when it opens: removed first, the file can
        // only hold the take just played.
        try? FileManager.default.removeItem(atPath: tap)
        try studio.press("t")
        try studio.waitFor("-12.0 dB to match loudness")
        let a = try Self.captured(tap, frames: 32_000)
        try? FileManager.default.removeItem(atPath: tap)
        try studio.press("t")
        try studio.waitFor("+0.0 dB to match loudness")
        let b = try Self.captured(tap, frames: 32_000)
        try studio.quit()

        // As made, A is 12 dB louder than B; as played, the two are within a tenth of a dB.
        let levels = try [a, b].map { try #require(Loudness.measure($0, sampleRate: 16_000)?.integratedLUFS) }
        #expect(abs(levels[0] - levels[1]) < 0.1, "A \(levels[0]) LUFS, B \(levels[1]) LUFS")
        #expect(a.map(abs).max() ?? 2 <= 1)
    }

    /// The 16-bit samples the device wrote, once it holds the whole take.
    static func captured(_ path: String, frames: Int) throws -> [Float] {
        let deadline = Date().addingTimeInterval(30)
        var data = Data()
        while Date() < deadline {
            data = (try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data()
            if data.count >= frames * 2 { break }
            usleep(50_000)
        }
        try #require(data.count >= frames * 2, "the device got \(data.count) bytes of \(frames * 2)")
        return data.withUnsafeBytes { raw in
            raw.bindMemory(to: Int16.self).prefix(frames).map { Float(Int16(littleEndian: $0)) / 32_768 }
        }
    }
}
