import Foundation
import SottoCore
import SottoEngines
import SottoStudio
import Testing

/// `:keep NAME` in the studio, end to end: a take (spoken by the tone engine standing in for
/// Piper) is kept as a cloned voice of the tiny Qwen3-TTS Base checkpoint
/// (Tests/Qwen3TTSTests/Fixtures/qwen3-base, made by Scripts/fixtures/make_qwen3_base_goldens.py),
/// which runs for real; then the built `sotto say -m BASE --voice NAME` speaks in that voice file.
@Suite struct KeepVoiceEndToEndTests {
    static let baseFixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Qwen3TTSTests/Fixtures/qwen3-base")
    static let baseName = "Qwen3-TTS-Tiny-Base"
    static let takeText = "Hello there, keep this voice."

    /// A models folder with the fake Piper voice and a Base model folder of links to the fixture
    /// and the Qwen3 vocabulary that Scripts/setup fetches.
    func makeModels(_ folder: ScratchFolder) throws -> URL {
        let models = try makeFakeModels(in: folder)
        let base = models.appendingPathComponent(Self.baseName)
        let fm = FileManager.default
        try fm.createDirectory(at: base, withIntermediateDirectories: true)
        for name in ["config.json", "generation_config.json", "model.safetensors", "speech_tokenizer"] {
            try fm.createSymbolicLink(at: base.appendingPathComponent(name), withDestinationURL: Self.baseFixture.appendingPathComponent(name))
        }
        let tokenizer = SottoPaths().modelsDirectory().appendingPathComponent("qwen3-tokenizer")
        for name in ["vocab.json", "merges.txt", "tokenizer_config.json"] {
            try fm.createSymbolicLink(at: base.appendingPathComponent(name), withDestinationURL: tokenizer.appendingPathComponent(name))
        }
        return models
    }

    /// Runs the built `sotto` with `XDG_CONFIG_HOME` set, so that it reads the voices the studio wrote.
    func sotto(_ arguments: [String], configHome: URL) throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = TmuxStudio.executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(["XDG_CONFIG_HOME": configHome.path]) { $1 }
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stderr, as: UTF8.self))
    }

    @Test func aTakeKeptByNameIsTheVoiceSottoSaySpeaks() throws {
        let folder = ScratchFolder()
        let models = try makeModels(folder)
        let configHome = folder.path("xdg")
        let resources = StudioResources(shippedThemes: repositoryRoot.appendingPathComponent("Themes"),
                                        shippedVoices: repositoryRoot.appendingPathComponent("Voices"),
                                        configDirectory: configHome.appendingPathComponent("sotto"))
        // The real families (Qwen3-TTS among them) with the tone engine speaking for Piper.
        let environment = StudioEnvironment(
            families: ModelFamilies.standard.adding(ToneLoader(kind: .piper)), modelsDirectory: models,
            sessionsDirectory: folder.path("sessions"), resources: resources, output: ManualOutput(), randomSeed: 7)
        let studio = try StudioModel(environment: environment)
        defer { studio.shutdown() }
        studio.command("model test-voice")
        #expect(studio.settle { studio.activeModel?.name == "test-voice" && studio.loadedModels[studio.activeModelID ?? ""] != nil })
        studio.handle(.character("i"))
        studio.type(Self.takeText)
        studio.handle(.escape)
        studio.handle(.character("s"))
        #expect(studio.settle { !studio.takes.isEmpty && studio.jobs.isEmpty })
        let take = try #require(studio.takes.last)
        let takeAudio = studio.session.audioURL(try #require(take.audioFile))

        studio.command("keep anna \(Self.baseName)")
        let voiceFile = configHome.appendingPathComponent("sotto/voices/anna.voice")
        #expect(studio.settle(timeout: 120) { studio.log.messages.contains { $0.text.hasPrefix("kept voice anna") } || studio.log.lastError != nil })
        #expect(studio.log.lastError == nil, "\(studio.log.lastError?.text ?? "")")
        #expect(FileManager.default.fileExists(atPath: voiceFile.path))

        // `sotto say` speaks the kept voice by name with the codes the take's own recording and
        // words give when cloned on the spot: the voice file holds the take's clone.
        let base = models.appendingPathComponent(Self.baseName).path
        func codes(_ voice: [String]) throws -> [[Int]]? {
            let name = UUID().uuidString
            let out = folder.path("\(name).json").path
            let result = try sotto(["say", "Say it as the take did.", "-m", base] + voice
                                   + ["--greedy", "--max-frames", "8", "--precision", "fp32", "--codes-out", out,
                                      "-o", folder.path("\(name).wav").path], configHome: configHome)
            #expect(result.status == 0, "\(result.stderr)")
            return try? JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out))) as? [[Int]]
        }
        let named = try codes(["--voice", "anna"])
        let direct = try codes(["--reference", takeAudio.path, "--reference-text", Self.takeText])
        #expect(named?.isEmpty == false)
        #expect(named == direct)
        // Another recording's voice speaks differently, so the comparison above can fail.
        let other = try codes(["--reference", Self.baseFixture.appendingPathComponent("ref_24k_mono.wav").path,
                               "--reference-text", "A short reference."])
        #expect(other != named)
    }
}
