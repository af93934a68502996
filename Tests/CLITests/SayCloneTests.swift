import Foundation
import SottoAudio
import SottoCore
import Testing

/// `sotto say` with a Qwen3-TTS Base model: the tiny Base fixture of the Qwen3TTS tests cloning
/// a reference recording, and every kind of bad reference refused in one clear line.
@Suite struct SayCloneTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../Qwen3TTSTests/Fixtures/qwen3-base").standardizedFileURL
    nonisolated(unsafe) static let goldens: [String: Any] = {
        let data = try! Data(contentsOf: fixture.appendingPathComponent("goldens.json"))
        return try! JSONSerialization.jsonObject(with: data) as! [String: Any]
    }()

    /// The Base fixture as a model folder, with the Qwen3 vocabulary Scripts/setup installs.
    static func modelFolder() throws -> URL {
        let fm = FileManager.default
        let folder = fm.temporaryDirectory.appendingPathComponent("sotto-say-base-\(UUID().uuidString)")
        try fm.createDirectory(at: folder, withIntermediateDirectories: true)
        for name in ["model.safetensors", "config.json", "generation_config.json", "speech_tokenizer"] {
            try fm.createSymbolicLink(at: folder.appendingPathComponent(name), withDestinationURL: fixture.appendingPathComponent(name))
        }
        let tokenizer = SottoPaths().modelsDirectory().appendingPathComponent("qwen3-tokenizer")
        for name in ["vocab.json", "merges.txt", "tokenizer_config.json"] {
            try fm.createSymbolicLink(at: folder.appendingPathComponent(name), withDestinationURL: tokenizer.appendingPathComponent(name))
        }
        return folder
    }

    private func scratch(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("sotto-say-clone-\(UUID().uuidString)-\(name)").path
    }

    @Test func sayClonesAReferenceInContext() throws {
        let golden = Self.goldens["in_context"] as! [String: Any]
        let asked = golden["request"] as! [String: String]
        let codes = golden["codes"] as! [[Int]]
        let folder = try Self.modelFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = scratch("take.wav"), codesOut = scratch("codes.json")
        defer { for path in [out, codesOut] { try? FileManager.default.removeItem(atPath: path) } }
        let reference = Self.fixture.appendingPathComponent("ref_16k_stereo.flac").path
        let result = try SottoProcess.run(["say", asked["text"]!, "-m", folder.path, "--reference", reference,
                                           "--reference-text", asked["ref_text"]!, "--language", asked["language"]!,
                                           "--greedy", "--seed", "3", "--max-frames", "\(codes.count)", "--codes-out", codesOut,
                                           "--precision", "fp32", "-o", out])
        #expect(result.status == 0, "\(result.stderr)")
        let written = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: codesOut))) as? [[Int]]
        #expect(written == codes)
        let audio = try AudioFile.read(out)
        #expect(audio.sampleRate == 24000)
        #expect(audio.samples.count == golden["wav_samples"] as! Int)
    }

    @Test func cloneFlagsAreChecked() throws {
        let folder = try Self.modelFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let reference = Self.fixture.appendingPathComponent("ref_24k_mono.wav").path
        let cases: [([String], String)] = [
            (["--reference-text", "Words."], "--reference"),
            (["--x-vector-only"], "--reference"),
            (["--reference", reference, "--reference-text", "Words.", "--x-vector-only"], "not both"),
            (["--reference", reference], "--reference-text"),
        ]
        for (flags, mentions) in cases {
            let result = try SottoProcess.run(["say", "Hello.", "-m", folder.path, "-o", scratch("x.wav")] + flags)
            #expect(result.status != 0)
            #expect(result.stderr.contains(mentions), "\(flags): \(result.stderr)")
        }
    }

    /// Each bad recording is refused before anything is synthesised, in one or two lines that
    /// name the file and what is wrong. References are 1 to 30 s long.
    @Test func badReferencesAreRefusedClearly() throws {
        let folder = try Self.modelFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sotto-bad-refs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
        FileManager.default.createFile(atPath: path("empty.wav"), contents: Data())
        FileManager.default.createFile(atPath: path("notes.wav"), contents: Data("not audio at all\n".utf8))
        let tone = { (seconds: Double, rate: Int) in
            (0 ..< Int(seconds * Double(rate))).map { Float(0.3 * sin(2 * Double.pi * 220 * Double($0) / Double(rate))) }
        }
        try AudioFile.write(samples: tone(0.2, 24000), sampleRate: 24000, to: path("short.wav"))
        try AudioFile.write(samples: [Float](repeating: 0, count: 48000), sampleRate: 24000, to: path("silent.wav"))
        try AudioFile.write(samples: tone(600, 8000), sampleRate: 8000, to: path("ten-minutes.wav"))
        let cases: [(String, String)] = [
            (path("missing.wav"), "missing.wav"),
            (path("empty.wav"), "empty"),
            (path("notes.wav"), "notes.wav"),
            (path("short.wav"), "at least 1 s"),
            (path("silent.wav"), "silent"),
            (path("ten-minutes.wav"), "at most 30 s"),
        ]
        for (reference, mentions) in cases {
            let result = try SottoProcess.run(["say", "Hello.", "-m", folder.path, "--reference", reference, "--x-vector-only",
                                               "-o", scratch("x.wav")])
            #expect(result.status != 0)
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.count >= 1 && lines.count <= 2, "\(result.stderr)")
            #expect(result.stderr.contains(mentions), "\(reference): \(result.stderr)")
            #expect(!result.stderr.contains("Fatal error") && !result.stderr.contains("Stack dump"))
        }
    }
}
