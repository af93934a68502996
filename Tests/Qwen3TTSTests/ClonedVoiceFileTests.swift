import Foundation
import Qwen3TTS
import SottoCore
import SottoEngines
import Testing

/// Cloned voice files and the Base model they belong to: the weights fingerprint, and a voice
/// made with other weights refused in one line.
@Suite struct ClonedVoiceFileTests {
    let folder: URL
    let voices: VoiceFolders

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("sotto-cloned-\(UUID().uuidString)")
        voices = VoiceFolders(user: folder.appendingPathComponent("voices"), shipped: nil)
    }

    func descriptor(_ modelFolder: URL, name: String = "Qwen3-TTS-Tiny-Base") -> ModelDescriptor {
        var model = Qwen3Family().describe(folder: modelFolder)!
        model.name = name
        return model
    }

    /// A Base model folder whose talker weights are a copy of the fixture's with `change` applied.
    func modelWithChangedWeights(_ change: (inout [UInt8], [String: [Int]], Int) -> Void) throws -> URL {
        let model = try BaseFixtures.folder()
        let link = model.appendingPathComponent("model.safetensors")
        var bytes = [UInt8](try Data(contentsOf: link))
        let length = bytes[0 ..< 8].reversed().reduce(0) { $0 << 8 | Int($1) }
        let header = try JSONSerialization.jsonObject(with: Data(bytes[8 ..< 8 + length])) as! [String: Any]
        var offsets: [String: [Int]] = [:]
        for (name, entry) in header where name != "__metadata__" { offsets[name] = (entry as! [String: Any])["data_offsets"] as? [Int] }
        change(&bytes, offsets, 8 + length)
        try FileManager.default.removeItem(at: link)
        try Data(bytes).write(to: link)
        return model
    }

    @Test func theFingerprintFollowsTheSpeakerEncoderNotTheTalkerValues() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let base = try Qwen3WeightsFingerprint.of(folder: BaseFixtures.folder())
        #expect(ClonedVoice.isFingerprint(base))
        #expect(try Qwen3WeightsFingerprint.of(folder: BaseFixtures.folder()) == base)
        let speaker = try modelWithChangedWeights { bytes, offsets, start in
            let name = offsets.keys.filter { $0.hasPrefix("speaker_encoder.") }.sorted()[0]
            bytes[start + offsets[name]![0]] ^= 1
        }
        #expect(try Qwen3WeightsFingerprint.of(folder: speaker) != base)
        // The talker's values are not hashed (only its shapes, in the header).
        let talker = try modelWithChangedWeights { bytes, offsets, start in
            let name = offsets.keys.filter { $0.hasPrefix("talker.") }.sorted()[0]
            bytes[start + offsets[name]![0]] ^= 1
        }
        #expect(try Qwen3WeightsFingerprint.of(folder: talker) == base)
    }

    @Test func aVoiceIsSpokenOnlyByTheWeightsThatMadeIt() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = descriptor(try BaseFixtures.folder())
        let cloned = Qwen3ClonedVoices(model: model, folders: voices)
        let prompt = VoiceClonePrompt(xVector: (0 ..< 32).map { Float($0) / 7 }, referenceCodes: [[Int]](repeating: Array(0 ..< 16), count: 3),
                                      referenceText: "Said once.")
        let voice = try cloned.voice(from: prompt, about: "a test")
        #expect(voice.model == "qwen3:Qwen3-TTS-Tiny-Base")
        try voices.save(voice, as: "anna", force: false)
        #expect(try cloned.prompt(named: "anna") == prompt)
        #expect(try cloned.prompt(named: "nobody") == nil)

        let other = descriptor(try modelWithChangedWeights { bytes, offsets, start in
            let name = offsets.keys.filter { $0.hasPrefix("speaker_encoder.") }.sorted()[0]
            bytes[start + offsets[name]![0]] ^= 1
        }, name: "Qwen3-TTS-Other-Base")
        let refused = Qwen3ClonedVoices(model: other, folders: voices)
        var said = ""
        do { _ = try refused.prompt(named: "anna") } catch { said = SottoError.describe(error) }
        #expect(said.hasPrefix("voice \"anna\" (\(voices.user.path)/anna.voice) was cloned with qwen3:Qwen3-TTS-Tiny-Base, not with qwen3:Qwen3-TTS-Other-Base"), "\(said)")
        #expect(!said.contains("\n"))
    }
}
