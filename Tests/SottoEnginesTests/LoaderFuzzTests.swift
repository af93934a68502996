import Foundation
import Kokoro
import Piper
import Qwen3TTS
import SottoCore
import SottoEngines
import SottoKernels
import SottoONNX
import Testing

/// Every loader given damaged copies of real files: random truncations, byte flips, bytes
/// overwritten with extremes. Each case must end in a value or a thrown error; a trap ends the
/// test process, so the suite passing is the check. Copies of the small test fixtures (and of
/// Kokoro's vocab.json) are damaged in a private folder; no model file is ever touched.
///
/// Seeds are fixed so that a failure repeats; `regressionSeeds` keeps every seed that once
/// found a trap (none so far for these loaders).
@Suite struct LoaderFuzzTests {
    static let regressionSeeds: [UInt64] = []
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()

    /// A damaged copy of `original`: cut short, or with up to 16 bytes changed. `hot` bytes at the
    /// start (headers, where parsers make their decisions) are damaged more often.
    static func mutate(_ original: [UInt8], hot: Int, using generator: inout SeededGenerator) -> [UInt8] {
        var bytes = original
        switch Int.random(in: 0..<4, using: &generator) {
        case 0:
            bytes.removeLast(Int.random(in: 1...max(1, bytes.count), using: &generator))
        default:
            for _ in 0..<Int.random(in: 1...16, using: &generator) where !bytes.isEmpty {
                let inHot = Bool.random(using: &generator) && hot > 0
                let index = Int.random(in: 0..<(inHot ? min(hot, bytes.count) : bytes.count), using: &generator)
                bytes[index] = [0, 0xFF, 0x7F, 0x80, UInt8.random(in: 0...255, using: &generator)].randomElement(using: &generator)!
            }
        }
        return bytes
    }

    /// Runs `load` on `cases` damaged copies of `file`, written as `name` in a private folder.
    static func fuzz(_ file: URL, name: String? = nil, hot: Int = 512, cases: Int, seed: UInt64,
                     load: (URL) throws -> Void) throws -> (loaded: Int, refused: Int) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sotto-fuzz-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let original = [UInt8](try Data(contentsOf: file))
        let target = folder.appendingPathComponent(name ?? file.lastPathComponent)
        var counts = (loaded: 0, refused: 0)
        for index in 0..<cases {
            var generator = SeededGenerator(seed: seed &+ UInt64(index) &* 0x9E37_79B9)
            try Data(mutate(original, hot: hot, using: &generator)).write(to: target)
            do {
                try load(target)
                counts.loaded += 1
            } catch {
                counts.refused += 1
            }
        }
        return counts
    }

    @Test(arguments: [1] + regressionSeeds)
    func onnxGraphs(seed: UInt64) throws {
        let counts = try Self.fuzz(Self.fixtures.appendingPathComponent("SottoONNXTests/Fixtures/tiny.onnx"), cases: 1_500, seed: seed) {
            _ = try ONNXModel(contentsOf: $0)
        }
        #expect(counts.refused > 0, "no damaged graph was refused")
    }

    @Test(arguments: [2] + regressionSeeds)
    func piperVoices(seed: UInt64) throws {
        let piper = Self.fixtures.appendingPathComponent("PiperTests/Fixtures")
        let config = try PiperConfig(contentsOf: piper.appendingPathComponent("tiny-plain.onnx.json"))
        let model = try Self.fuzz(piper.appendingPathComponent("tiny-plain.onnx"), hot: 4_096, cases: 250, seed: seed) {
            _ = try PiperModel(onnx: $0, config: config)
        }
        let json = try Self.fuzz(piper.appendingPathComponent("tiny-plain.onnx.json"), cases: 600, seed: seed) {
            _ = try PiperConfig(contentsOf: $0)
        }
        #expect(model.refused > 0 && json.refused > 0)
    }

    @Test(arguments: [3] + regressionSeeds)
    func numpyArchivesAndVoicePacks(seed: UInt64) throws {
        for name in ["voices-deflated.npz", "voices-stored.npz", "dtypes.npz"] {
            let counts = try Self.fuzz(Self.fixtures.appendingPathComponent("SottoCoreTests/Fixtures/\(name)"), cases: 400, seed: seed) { url in
                let archive = try ZipArchive(url)
                for array in archive.numpyArrayNames() { _ = try archive.numpyArray(named: array) }
                _ = try VoicePack(contentsOf: [url])
            }
            #expect(counts.refused > 0, "\(name)")
        }
    }

    @Test(arguments: [4] + regressionSeeds)
    func safetensorsAndQwen3Configurations(seed: UInt64) throws {
        let qwen = Self.fixtures.appendingPathComponent("Qwen3TTSTests/Fixtures/qwen3")
        let weights = try Self.fuzz(qwen.appendingPathComponent("speech_tokenizer/model.safetensors"), hot: 16_384, cases: 200, seed: seed) { url in
            let archive = try SafetensorsArchive(url, role: "weights")
            for name in archive.header.tensors.keys.sorted() { _ = try archive.floats(name) }
        }
        let config = try Self.fuzz(qwen.appendingPathComponent("talker-0b6/config.json"), hot: 0, cases: 400, seed: seed) {
            _ = try Qwen3Configuration.load($0)
        }
        let generation = try Self.fuzz(qwen.appendingPathComponent("talker-0b6/generation_config.json"), cases: 300, seed: seed) {
            _ = try Qwen3GenerationDefaults.load($0)
        }
        #expect(weights.refused > 0 && config.refused > 0 && generation.refused > 0)
    }

    @Test(arguments: [5] + regressionSeeds)
    func kokoroVocabulary(seed: UInt64) throws {
        let installed = SottoPaths().modelsDirectory().appendingPathComponent("kokoro-v1.0-int8/vocab.json")
        let counts = try Self.fuzz(installed, cases: 500, seed: seed) { _ = try KokoroVocabulary(contentsOf: $0) }
        #expect(counts.refused > 0)
    }
}

/// Random text — any bytes, control characters, lone combining marks, huge numbers — through
/// the Piper and Kokoro front ends: ids come out or an error does, and every call stays within
/// its limit.
@Suite struct TextFuzzTests {
    static let pieces = ["\u{0}", "\u{7}", "\n\n", "\t", "…", "—", "?!", "1234567890", "3.14", "$5", "%", "日本語", "こんにちは",
                         "\u{301}", "\u{200B}", "\u{FEFF}", "🙂", "é", "ß", "Dr.", "e.g.", "Hello", "world", "(", ")", "\"", "'",
                         String(repeating: "a", count: 300), String(repeating: "9", count: 200), "\u{202E}", "\u{FFFD}"]

    static func randomText(using generator: inout SeededGenerator) -> String {
        if Bool.random(using: &generator) {
            let bytes = (0..<Int.random(in: 0...64, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            return String(decoding: bytes, as: UTF8.self)
        }
        return (0..<Int.random(in: 1...12, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }
            .joined(separator: Bool.random(using: &generator) ? " " : "")
    }

    @Test func piperFrontEnd() throws {
        let engine = try PiperFixtures.joe.get()
        var generator = SeededGenerator(seed: 11)
        for _ in 0..<1_500 {
            let text = Self.randomText(using: &generator)
            guard let sentences = try? engine.frontEnd.sentences(text) else { continue }
            for sentence in sentences { #expect(sentence.ids.count <= engine.frontEnd.limit, "\(text.debugDescription)") }
        }
    }

    @Test func kokoroFrontEnd() throws {
        let frontEnd = try KokoroFrontEnd(language: "en-us")
        var generator = SeededGenerator(seed: 12)
        for _ in 0..<1_000 {
            let text = Self.randomText(using: &generator)
            guard let chunks = try? frontEnd.chunks(text) else { continue }
            for chunk in chunks { #expect(chunk.ids.count <= frontEnd.limit + 2, "\(text.debugDescription)") }
        }
    }
}

/// Texts the fuzzer once found crashing espeak-ng (a stack overflow inside the library), kept
/// as regression cases.
@Suite struct TextFuzzRegressionTests {
    static let seeds = [
        "e.g. " + String(repeating: "a", count: 200),
        "こんにちは \u{FEFF} 日本語 ' Hello \t e.g. " + String(repeating: "a", count: 300),
        "é'e.g." + String(repeating: "9", count: 204),
    ]

    @Test(arguments: seeds)
    func phonemizesWithoutCrashing(_ text: String) throws {
        let sentences = try PiperFixtures.joe.get().frontEnd.sentences(text)
        #expect(!sentences.isEmpty)
        #expect(try !KokoroFrontEnd(language: "en-us").chunks(text).isEmpty)
    }
}
