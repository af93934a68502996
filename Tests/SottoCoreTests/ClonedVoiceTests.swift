import Foundation
import SottoCore
import Testing

/// The cloned voice file: what is written reads back the same, and every way a file can be
/// wrong is one clear error naming it.
@Suite struct ClonedVoiceTests {
    static let fingerprint = "sha256:" + String(repeating: "ab12", count: 16)

    static func inContext() -> ClonedVoice {
        let codes = (0 ..< 7).map { frame in (0 ..< 16).map { group in (frame * 301 + group * 127) % 2048 } }
        return ClonedVoice(model: "qwen3:Qwen3-TTS-12Hz-0.6B-Base", fingerprint: fingerprint,
                           xVector: [0.25, -1.5, 3.0e-7, .greatestFiniteMagnitude, -0.0, 1],
                           referenceCodes: codes, referenceText: "Words \"quoted\" # and a\nsecond line.",
                           language: "english", about: "cloned from ref.wav")
    }

    func reread(_ text: String) throws -> ClonedVoice {
        try ClonedVoice(file: KeyValueFile(parsing: text), source: "test.voice")
    }

    func message(_ body: () throws -> Void) -> String {
        do { try body() } catch { return SottoError.describe(error) }
        return "no error"
    }

    @Test func anInContextVoiceReadsBackBitForBit() throws {
        let voice = Self.inContext()
        let back = try reread(voice.text)
        #expect(back == voice)
        #expect(back.xVector.map(\.bitPattern) == voice.xVector.map(\.bitPattern))
        #expect(back.isInContext)
    }

    @Test func anXVectorOnlyVoiceHasNoCodesOrText() throws {
        var voice = Self.inContext()
        voice.referenceCodes = nil
        voice.referenceText = nil
        let text = voice.text
        #expect(!text.contains("reference_"))
        let back = try reread(text)
        #expect(back == voice)
        #expect(!back.isInContext)
    }

    @Test func theFileIsAPresetForItsModel() throws {
        let file = try KeyValueFile(parsing: Self.inContext().text)
        #expect(file["model"] == "qwen3:Qwen3-TTS-12Hz-0.6B-Base")
        #expect(file["variant"] == "Base")
        #expect(file.keys.last == "weights")
        #expect(ClonedVoice.isCloned(file))
    }

    @Test(arguments: [0.2, 0.35, 0.5, 0.75, 0.9, 0.99])
    func aFileCutShortIsRefused(fraction: Double) throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let text = Self.inContext().text
        let url = try folder.write("cut.voice", Data(text.utf8.prefix(Int(Double(text.utf8.count) * fraction))))
        let said = message { _ = try VoiceFolders.read(url) }
        #expect(said.hasPrefix("voice file \(url.path) is damaged or cut short:"), "\(said)")
        #expect(!said.contains("\n"))
    }

    @Test func aFileThatIsNotTextIsRefused() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let url = try folder.write("noise.voice", Data([0xff, 0xfe, 0x00, 0x80, 0x3d]))
        #expect(message { _ = try VoiceFolders.read(url) } == "voice file \(url.path) is not text (make it again with sotto clone)")
        #expect(message { _ = try VoiceFolders.read(folder.url.appendingPathComponent("missing.voice")) }.hasPrefix("cannot read voice file"))
    }

    @Test func damagedDataIsNamed() throws {
        let text = Self.inContext().text
        let lines = text.split(separator: "\n").map(String.init)
        func replacing(_ key: String, with value: String) -> String {
            lines.map { $0.hasPrefix(key + " =") ? "\(key) = \(value)" : $0 }.joined(separator: "\n")
        }
        #expect(message { _ = try reread(replacing("x_vector", with: "not*base64")) }.contains("x_vector is not base64"))
        #expect(message { _ = try reread(replacing("x_vector", with: "AAA=")) }.contains("x_vector is not base64"))
        #expect(message { _ = try reread(replacing("x_vector", with: "AADAfw==")) }.contains("not a number"))
        #expect(message { _ = try reread(replacing("reference_frames", with: "8")) }.contains("not 8 frames of 16"))
        #expect(message { _ = try reread(replacing("weights", with: "md5:1234")) }.contains("weights line"))
        #expect(message { _ = try reread(replacing("reference_text", with: "\"\"")) }.contains("without the reference_text"))
        #expect(message { _ = try reread(replacing("variant", with: "CustomVoice")) }.contains("not variant CustomVoice"))
    }

    @Test func savingNeverReplacesAVoiceUnlessForced() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let shipped = folder.url.appendingPathComponent("Voices")
        try FileManager.default.createDirectory(at: shipped, withIntermediateDirectories: true)
        try "model = piper\n".write(to: shipped.appendingPathComponent("piper-joe.voice"), atomically: true, encoding: .utf8)
        let folders = VoiceFolders(user: folder.url.appendingPathComponent("user"), shipped: shipped)
        let voice = Self.inContext()

        let url = try folders.save(voice, as: "anna", force: false)
        #expect(url == folders.user.appendingPathComponent("anna.voice"))
        var other = voice
        other.about = "another take"
        #expect(message { try folders.save(other, as: "anna", force: false) } == "\(url.path) already exists (choose another name, or --force to replace it)")
        #expect(try VoiceFolders.read(url) == voice)
        try folders.save(other, as: "anna", force: true)
        #expect(try VoiceFolders.read(url) == other)

        #expect(message { try folders.save(voice, as: "piper-joe", force: false) }.hasPrefix("a shipped voice is already called \"piper-joe\""))
        #expect(message { try folders.save(voice, as: ".hidden", force: false) }.hasPrefix("\".hidden\" cannot be a voice name"))

        let path = folder.url.appendingPathComponent("elsewhere/bob").path
        #expect(try folders.save(voice, as: path, force: false).path == path + ".voice")
        #expect(try folders.clonedVoice(named: path + ".voice")?.voice == voice)
        #expect(try folders.clonedVoice(named: "anna")?.voice == other)
        #expect(try folders.clonedVoice(named: "nobody") == nil)
        #expect(message { _ = try folders.clonedVoice(named: "piper-joe") }.contains("piper-joe.voice is a voice preset for piper, not a cloned voice"))
        #expect(folders.clonedVoices().map(\.name) == ["anna"])
    }
}
