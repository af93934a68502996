import Foundation
import SottoCore
import Testing

/// `sotto clone` on the tiny Qwen3-TTS Base checkpoint (Tests/Qwen3TTSTests/Fixtures/qwen3-base,
/// made by Scripts/fixtures/make_qwen3_base_goldens.py), and `sotto say --voice NAME` with what
/// it wrote. Each run keeps its voices in a config folder of its own.
@Suite struct CloneCommandTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Qwen3TTSTests/Fixtures")
    static let reference = fixtures.appendingPathComponent("qwen3-base/ref_24k_mono.wav").path

    let folder: URL
    let config: URL
    let model: URL

    init() throws {
        let fm = FileManager.default
        folder = fm.temporaryDirectory.appendingPathComponent("sotto-clone-\(UUID().uuidString)")
        config = folder.appendingPathComponent("config")
        model = folder.appendingPathComponent("Qwen3-TTS-Tiny-Base")
        try Self.makeModel(at: model)
    }

    /// A Base model folder: links to the Base fixture (its codec too) and the Qwen3 vocabulary
    /// that Scripts/setup fetches; `weights` stands in for its model.safetensors.
    static func makeModel(at folder: URL, weights: URL? = nil) throws {
        let fm = FileManager.default
        try fm.createDirectory(at: folder, withIntermediateDirectories: true)
        let base = fixtures.appendingPathComponent("qwen3-base")
        for name in ["config.json", "generation_config.json", "speech_tokenizer"] {
            try fm.createSymbolicLink(at: folder.appendingPathComponent(name), withDestinationURL: base.appendingPathComponent(name))
        }
        try fm.createSymbolicLink(at: folder.appendingPathComponent("model.safetensors"),
                                  withDestinationURL: weights ?? base.appendingPathComponent("model.safetensors"))
        let tokenizer = SottoPaths().modelsDirectory().appendingPathComponent("qwen3-tokenizer")
        for name in ["vocab.json", "merges.txt", "tokenizer_config.json"] {
            try fm.createSymbolicLink(at: folder.appendingPathComponent(name), withDestinationURL: tokenizer.appendingPathComponent(name))
        }
    }

    func sotto(_ arguments: [String]) throws -> SottoProcess.Result {
        try SottoProcess.run(arguments, environment: ["XDG_CONFIG_HOME": config.path])
    }

    var voices: URL { config.appendingPathComponent("sotto/voices") }

    func expectOneLine(_ result: SottoProcess.Result, _ words: String..., sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status != 0, "status \(result.status)", sourceLocation: sourceLocation)
        #expect(result.status < 128, "status \(result.status): \(result.stderr)", sourceLocation: sourceLocation)
        let lines = result.stderr.split(separator: "\n").filter { !$0.hasPrefix("note:") }
        #expect(lines.count == 1, "\(result.stderr)", sourceLocation: sourceLocation)
        for word in words { #expect(result.stderr.contains(word), "\(result.stderr)", sourceLocation: sourceLocation) }
    }

    /// A 16-bit mono WAV of `samples`.
    func wav(_ name: String, rate: Int = 16_000, _ samples: [Float]) throws -> String {
        var data = Data()
        func u32(_ v: Int) { withUnsafeBytes(of: UInt32(v).littleEndian) { data.append(contentsOf: $0) } }
        func u16(_ v: Int) { withUnsafeBytes(of: UInt16(v).littleEndian) { data.append(contentsOf: $0) } }
        data.append(contentsOf: Array("RIFF".utf8)); u32(36 + samples.count * 2)
        data.append(contentsOf: Array("WAVEfmt ".utf8)); u32(16); u16(1); u16(1); u32(rate); u32(rate * 2); u16(2); u16(16)
        data.append(contentsOf: Array("data".utf8)); u32(samples.count * 2)
        for sample in samples { withUnsafeBytes(of: Int16(max(-1, min(1, sample)) * 32767).littleEndian) { data.append(contentsOf: $0) } }
        let url = folder.appendingPathComponent(name)
        try data.write(to: url)
        return url.path
    }

    func tone(seconds: Double, rate: Int = 16_000, level: Float = 0.3) -> [Float] {
        (0 ..< Int(seconds * Double(rate))).map { level * sin(Float($0) * 2 * .pi * 180 / Float(rate)) }
    }

    static let words = "A voice to keep, said once."

    @Test(arguments: [false, true])
    func cloneWritesAVoiceFileThatVoicesLists(inContext: Bool) throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let how = inContext ? ["--reference-text", Self.words] : ["--x-vector-only"]
        let made = try sotto(["clone", Self.reference] + how + ["-m", model.path, "-o", "anna"])
        #expect(made.status == 0, "\(made.stderr)")
        let file = voices.appendingPathComponent("anna.voice")
        #expect(made.stdout.contains("Wrote \(file.path)"), "\(made.stdout)")
        #expect(made.stdout.contains("sotto say -m \(model.path) --voice anna"), "\(made.stdout)")
        let voice = try VoiceFolders.read(file)
        #expect(voice.model == "qwen3:Qwen3-TTS-Tiny-Base")
        #expect(voice.isInContext == inContext)
        #expect(voice.referenceText == (inContext ? Self.words : nil))
        // 2.5 s of reference at 12.5 frames a second, 16 codes each.
        if inContext { #expect(voice.referenceCodes?.count ?? 0 > 25 && voice.referenceCodes?.allSatisfy { $0.count == 16 } == true) }

        let listed = try sotto(["voices", "-m", model.path])
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stdout.contains("clones voices"), "\(listed.stdout)")
        #expect(listed.stdout.contains("anna"), "\(listed.stdout)")
    }

    @Test func aNameTakenIsRefusedUnlessForced() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = try sotto(["clone", Self.reference, "--x-vector-only", "-m", model.path, "-o", "bob"])
        #expect(first.status == 0, "\(first.stderr)")
        let file = voices.appendingPathComponent("bob.voice")
        let before = try Data(contentsOf: file)
        expectOneLine(try sotto(["clone", Self.reference, "--x-vector-only", "-m", model.path, "-o", "bob"]),
                      "\(file.path) already exists", "--force")
        #expect(try Data(contentsOf: file) == before)
        let forced = try sotto(["clone", Self.reference, "--x-vector-only", "-m", model.path, "-o", "bob", "--force"])
        #expect(forced.status == 0, "\(forced.stderr)")
        // A path with an extension is written where it says.
        let path = folder.appendingPathComponent("elsewhere.voice").path
        #expect(try sotto(["clone", Self.reference, "--x-vector-only", "-m", model.path, "-o", path]).status == 0)
        #expect(FileManager.default.fileExists(atPath: path))
    }

    @Test func badReferencesAreOneLineEach() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let empty = folder.appendingPathComponent("empty.wav").path
        FileManager.default.createFile(atPath: empty, contents: Data())
        let text = folder.appendingPathComponent("notes.wav").path
        try "these are words, not audio\n".write(toFile: text, atomically: true, encoding: .utf8)
        let cases: [(String, String)] = [
            (folder.appendingPathComponent("missing.wav").path, "missing.wav"),
            (empty, "empty"),
            (text, "notes.wav"),
            (try wav("short.wav", tone(seconds: 0.2)), "0.2 s long"),
            (try wav("long.wav", rate: 8_000, tone(seconds: 600, rate: 8_000)), "600 s long"),
            (try wav("silent.wav", [Float](repeating: 0, count: 32_000)), "silent"),
        ]
        for (path, words) in cases {
            expectOneLine(try sotto(["clone", path, "--x-vector-only", "-m", model.path, "-o", "x"]), "reference audio", words)
        }
        #expect(!FileManager.default.fileExists(atPath: voices.path))
    }

    @Test func voicesMarksVoicesOfAnotherModelAndDamagedOnes() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try sotto(["clone", Self.reference, "--x-vector-only", "-m", model.path, "-o", "carol"]).status == 0)
        let text = try String(contentsOf: voices.appendingPathComponent("carol.voice"), encoding: .utf8)
        try String(text.prefix(text.count / 2)).write(to: voices.appendingPathComponent("cut.voice"), atomically: true, encoding: .utf8)
        // Made with other weights: a copy of the checkpoint with one speaker-encoder byte changed.
        let other = folder.appendingPathComponent("Qwen3-TTS-Other-Base")
        try Self.makeModel(at: other, weights: try changedWeights())
        let listed = try sotto(["voices", "-m", other.path])
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stdout.contains("0 cloned for it"), "\(listed.stdout)")
        #expect(listed.stdout.contains("made for another model: qwen3:Qwen3-TTS-Tiny-Base"), "\(listed.stdout)")
        #expect(listed.stdout.contains("cut.voice is damaged or cut short"), "\(listed.stdout)")
        let own = try sotto(["voices", "-m", model.path])
        #expect(own.stdout.contains("1 cloned for it"), "\(own.stdout)")
    }

    @Test func aModelThatDoesNotCloneIsOneLine() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        expectOneLine(try sotto(["clone", Self.reference, "--x-vector-only", "-m", "piper", "-o", "x"]), "cannot clone voices")
        expectOneLine(try sotto(["clone", Self.reference, "-m", model.path, "-o", "x"]), "--reference-text", "--x-vector-only")
    }

    /// The Base weights with one byte of a speaker-encoder tensor changed.
    func changedWeights() throws -> URL {
        let source = Self.fixtures.appendingPathComponent("qwen3-base/model.safetensors")
        var bytes = [UInt8](try Data(contentsOf: source))
        let headerLength = bytes[0 ..< 8].reversed().reduce(0) { $0 << 8 | Int($1) }
        let header = try JSONSerialization.jsonObject(with: Data(bytes[8 ..< 8 + headerLength])) as! [String: Any]
        let (_, entry) = header.first { $0.key.hasPrefix("speaker_encoder.") }!
        let offsets = (entry as! [String: Any])["data_offsets"] as! [Int]
        bytes[8 + headerLength + offsets[0]] ^= 0x01
        let url = folder.appendingPathComponent("changed.safetensors")
        try Data(bytes).write(to: url)
        return url
    }

    /// A kept voice is spoken by name through the engine `sotto say` loads, with the codes the
    /// recording it was made from gives when passed directly.
    @Test func aKeptVoiceSpeaksAsItsRecordingDoes() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let made = try sotto(["clone", Self.reference, "--reference-text", Self.words, "-m", model.path, "-o", "anna"])
        #expect(made.status == 0, "\(made.stderr)")
        func codes(_ voice: [String]) throws -> [[Int]]? {
            let name = UUID().uuidString
            let out = folder.appendingPathComponent("\(name).json").path
            let result = try sotto(["say", "Say it the way the recording does.", "-m", model.path] + voice
                                   + ["--greedy", "--max-frames", "8", "--precision", "fp32", "--codes-out", out,
                                      "-o", folder.appendingPathComponent("\(name).wav").path])
            #expect(result.status == 0, "\(result.stderr)")
            return try? JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out))) as? [[Int]]
        }
        let named = try codes(["--voice", "anna"])
        let direct = try codes(["--reference", Self.reference, "--reference-text", Self.words])
        #expect(named?.isEmpty == false)
        #expect(named == direct)
    }
}
