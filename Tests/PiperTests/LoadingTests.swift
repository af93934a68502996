import Foundation
import Piper
import SottoCore
import Testing

/// Voices load from their `.onnx` + `.onnx.json` with every size read from the weights; broken
/// files and bad requests fail with one clear error, never a crash.
@Suite struct LoadingTests {
    @Test func joeMedium() throws {
        let joe = try RealVoice.joe.get()
        #expect(joe.sampleRate == 22050)
        #expect(joe.hopLength == 256)
        #expect(joe.speakerCount == 1)
        #expect(joe.latentChannels == 192)
        #expect(joe.vocabularySize == 256)
        #expect(joe.hasStochasticDurations)
        #expect(joe.parameterCount > 15_000_000 && joe.parameterCount < 17_000_000)
        #expect(joe.config.espeak.voice == "en-us")
        #expect(joe.config.defaultNoiseScale == 0.667 && joe.config.defaultNoiseW == 0.8 && joe.config.defaultLengthScale == 1)
        #expect(joe.config.phonemeIdMap["ɹ"] == [88])
    }

    /// The synthetic voices' sizes differ from joe's everywhere; loading finds them all.
    @Test func syntheticVoicesOfOtherShapes() throws {
        let multi = try SyntheticVoice.get("multi")
        #expect(multi.hopLength == 32 && multi.speakerCount == 3 && multi.latentChannels == 8)
        #expect(multi.config.speakers.map(\.name) == ["alice", "bob", "carol"])
        let odd = try SyntheticVoice.get("odd")
        #expect(odd.hopLength == 15 && odd.speakerCount == 1 && odd.latentChannels == 6 && odd.sampleRate == 16000)
        let plain = try SyntheticVoice.get("plain")
        #expect(!plain.hasStochasticDurations && plain.speakerCount == 2)
    }

    @Test func configWithoutItsModelName() throws {
        let folder = try temporaryFolder()
        try FileManager.default.copyItem(at: Fixtures.url("tiny-odd.onnx"), to: folder.appendingPathComponent("voice.onnx"))
        #expect {
            try PiperModel(contentsOf: folder.appendingPathComponent("voice.onnx"))
        } throws: { error in
            "\(error)".contains("voice.onnx.json")
        }
    }

    @Test(arguments: [0.02, 0.5, 0.98])
    func truncatedModel(_ fraction: Double) throws {
        let folder = try temporaryFolder()
        let data = try Data(contentsOf: Fixtures.url("tiny-odd.onnx"))
        let url = folder.appendingPathComponent("cut.onnx")
        try data.prefix(Int(Double(data.count) * fraction)).write(to: url)
        try FileManager.default.copyItem(at: Fixtures.url("tiny-odd.onnx.json"), to: folder.appendingPathComponent("cut.onnx.json"))
        #expect(throws: SottoError.self) { try PiperModel(contentsOf: url) }
    }

    @Test func notAVoice() throws {
        let folder = try temporaryFolder()
        let url = folder.appendingPathComponent("noise.onnx")
        try Data((0 ..< 4096).map { UInt8(truncatingIfNeeded: $0 &* 7919) }).write(to: url)
        try FileManager.default.copyItem(at: Fixtures.url("tiny-odd.onnx.json"), to: folder.appendingPathComponent("noise.onnx.json"))
        #expect(throws: SottoError.self) { try PiperModel(contentsOf: url) }
    }

    @Test(arguments: [
        ("not json at all", "not valid JSON"),
        (#"{"audio": {"sample_rate": 22050}, "espeak": {"voice": "en-us"}}"#, "phoneme_id_map"),
        (#"{"audio": {"sample_rate": 0}, "espeak": {"voice": "en-us"}, "phoneme_id_map": {"^": [1], "$": [2], "_": [0]}}"#, "sample rate"),
        (#"{"audio": {"sample_rate": 22050}, "espeak": {"voice": "en-us"}, "phoneme_id_map": {"^": [1], "$": [2]}}"#, "'_'"),
        (#"{"audio": {"sample_rate": "fast"}, "espeak": {"voice": "en-us"}, "phoneme_id_map": {}}"#, "wrong type"),
    ])
    func badConfig(_ json: String, _ expected: String) throws {
        let url = try temporaryFolder().appendingPathComponent("v.onnx.json")
        try Data(json.utf8).write(to: url)
        #expect {
            try PiperConfig(contentsOf: url)
        } throws: { error in
            (error as? SottoError)?.message.contains(expected) == true
        }
    }

    /// A config claiming more speakers than the weights hold is refused at load.
    @Test func speakerCountMismatch() throws {
        let folder = try temporaryFolder()
        try FileManager.default.copyItem(at: Fixtures.url("tiny-multi.onnx"), to: folder.appendingPathComponent("m.onnx"))
        var config = try JSONSerialization.jsonObject(with: Data(contentsOf: Fixtures.url("tiny-multi.onnx.json"))) as! [String: Any]
        config["num_speakers"] = 5
        try JSONSerialization.data(withJSONObject: config).write(to: folder.appendingPathComponent("m.onnx.json"))
        #expect(throws: SottoError.self) { try PiperModel(contentsOf: folder.appendingPathComponent("m.onnx")) }
    }

    @Test func badRequests() throws {
        let piper = try SyntheticVoice.get("multi")
        var noise = GaussianNoise(seed: 1)
        let quiet = PiperSynthesisOptions(noiseScale: 0, lengthScale: 1, noiseW: 0)
        #expect(throws: SottoError.self) { try piper.synthesize(ids: [], options: quiet, noise: &noise) }
        #expect(throws: SottoError.self) { try piper.synthesize(ids: [1, 0, 999, 0, 2], options: quiet, noise: &noise) }
        #expect(throws: SottoError.self) { try piper.synthesize(ids: [1, 0, -3, 0, 2], options: quiet, noise: &noise) }
        var speaker = quiet
        speaker.speaker = 3
        #expect(throws: SottoError.self) { try piper.synthesize(ids: [1, 0, 20, 0, 2], options: speaker, noise: &noise) }
        var scale = quiet
        scale.lengthScale = 0
        #expect(throws: SottoError.self) { try piper.synthesize(ids: [1, 0, 20, 0, 2], options: scale, noise: &noise) }
        var durations = quiet
        durations.durations = [1, 2]
        #expect(throws: SottoError.self) { try piper.synthesize(ids: [1, 0, 20, 0, 2], options: durations, noise: &noise) }
        // After refusing, the model still works.
        #expect(try piper.synthesize(ids: [1, 0, 20, 0, 2], options: quiet, noise: &noise).audio.count > 0)
    }

    private func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sotto-piper-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
