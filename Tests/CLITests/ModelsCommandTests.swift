import Foundation
import SottoCore
import Testing

@Suite struct ModelsCommandTests {
    static let kokoroFiles = ["kokoro-v1.0-int8/kokoro-v1.0.int8.onnx", "kokoro-v1.0-int8/voices_ja.npz", "kokoro-v1.0-int8/vocab.json"]
    static let piperFiles = ["piper/en_US-joe-medium.onnx", "piper/en_US-joe-medium.onnx.json"]

    @Test func listsTheInstalledModels() throws {
        let result = try SottoProcess.run(["models"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        let kokoro = try #require(lines.first { $0.hasPrefix("kokoro:kokoro-v1.0-int8") })
        #expect(kokoro.contains("int8") && kokoro.contains(" 5 ") && kokoro.contains(" ok "))
        let piper = try #require(lines.first { $0.hasPrefix("piper:en_US-joe-medium") })
        #expect(piper.contains("medium") && piper.contains(" ok "))
    }

    @Test func jsonListingDescribesEveryFile() throws {
        let models = try ScratchModels(linking: Self.kokoroFiles + Self.piperFiles)
        defer { models.cleanup() }
        let result = try SottoProcess.run(["models", "--json", "--models-dir", models.url.path])
        #expect(result.status == 0)
        let list = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        #expect(list.map { $0["id"] as? String } == ["kokoro:kokoro-v1.0-int8", "piper:en_US-joe-medium"])
        #expect(list.allSatisfy { $0["complete"] as? Bool == true })
        #expect((list[0]["voices"] as? Int) == 5)
        #expect((list[0]["size_bytes"] as? Int ?? 0) > 90_000_000)
        let roles = (list[0]["files"] as? [[String: Any]])?.compactMap { $0["role"] as? String }
        #expect(roles == ["weights", "voices", "vocab"])
    }

    @Test func namesAMissingFile() throws {
        let models = try ScratchModels(linking: Self.kokoroFiles + Self.piperFiles)
        defer { models.cleanup() }
        try models.remove("piper/en_US-joe-medium.onnx.json")
        try models.remove("kokoro-v1.0-int8/voices_ja.npz")
        let result = try SottoProcess.run(["models", "--models-dir", models.url.path])
        #expect(result.status == 0)
        #expect(result.stdout.contains("piper:en_US-joe-medium: missing config file en_US-joe-medium.onnx.json"))
        #expect(result.stdout.contains("kokoro:kokoro-v1.0-int8: missing voices file voices.npz"))
        #expect(result.stdout.contains("incomplete"))
    }

    @Test func namesATruncatedFile() throws {
        let models = try ScratchModels(linking: Self.kokoroFiles + Self.piperFiles)
        defer { models.cleanup() }
        try models.truncate("kokoro-v1.0-int8/kokoro-v1.0.int8.onnx", to: 40_000_000)
        try models.truncate("piper/en_US-joe-medium.onnx", to: 1_000)
        let result = try SottoProcess.run(["models", "--models-dir", models.url.path])
        #expect(result.stdout.contains("kokoro:kokoro-v1.0-int8: weights file kokoro-v1.0.int8.onnx is corrupt: truncated"))
        #expect(result.stdout.contains("piper:en_US-joe-medium: weights file en_US-joe-medium.onnx is corrupt"))
    }

    @Test func emptyModelsFolderSaysWhatToDo() throws {
        let models = try ScratchModels(linking: [])
        defer { models.cleanup() }
        let result = try SottoProcess.run(["models", "--models-dir", models.url.path])
        #expect(result.status == 0)
        #expect(result.stdout.contains("Scripts/setup"))
    }
}

/// `sotto models` on folders that are not folders, linked-in models and files it cannot read.
@Suite struct ModelsFaultTests {
    @Test func missingModelsFolderIsAnError() throws {
        let models = try ScratchModels(linking: [])
        defer { models.cleanup() }
        let absent = models.url.appendingPathComponent("absent")
        let result = try SottoProcess.run(["models", "--models-dir", absent.path])
        #expect(result.status != 0)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("the models folder \(absent.path) does not exist"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
        let voices = try SottoProcess.run(["voices", "--models-dir", absent.path])
        #expect(voices.status != 0)
        #expect(voices.stderr.contains("does not exist"))
    }

    @Test func modelsFolderThatIsAFileIsAnError() throws {
        let models = try ScratchModels(linking: [])
        defer { models.cleanup() }
        let file = models.url.appendingPathComponent("models.txt")
        try Data("x".utf8).write(to: file)
        for arguments in [["models"], ["models", "--json"]] {
            let result = try SottoProcess.run(arguments + ["--models-dir", file.path])
            #expect(result.status != 0)
            #expect(result.stderr.contains("the models folder \(file.path) is not a folder"), "\(result.stderr)")
        }
    }

    @Test func listsModelsLinkedIntoTheFolder() throws {
        let store = try ScratchModels(linking: ModelsCommandTests.kokoroFiles + ModelsCommandTests.piperFiles)
        defer { store.cleanup() }
        let models = try ScratchModels(linking: [])
        defer { models.cleanup() }
        let fm = FileManager.default
        try fm.createSymbolicLink(at: models.url.appendingPathComponent("kokoro"),
                                  withDestinationURL: store.url.appendingPathComponent("kokoro-v1.0-int8"))
        try fm.createDirectory(at: models.url.appendingPathComponent("voices"), withIntermediateDirectories: true)
        for file in ModelsCommandTests.piperFiles {
            try fm.createSymbolicLink(at: models.url.appendingPathComponent("voices/" + (file as NSString).lastPathComponent),
                                      withDestinationURL: store.url.appendingPathComponent(file))
        }
        try fm.createSymbolicLink(at: models.url.appendingPathComponent("voices/loop"), withDestinationURL: models.url)
        let result = try SottoProcess.run(["models", "--json", "--models-dir", models.url.path], timeout: 120)
        #expect(result.status == 0, "\(result.stderr)")
        let list = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        #expect(list.map { $0["id"] as? String } == ["kokoro:kokoro", "piper:en_US-joe-medium"])
        #expect(list.allSatisfy { $0["complete"] as? Bool == true })
    }

    @Test func qwen3FolderWithoutConfigNamesTheFile() throws {
        let models = try ScratchModels(linking: [])
        defer { models.cleanup() }
        let folder = models.url.appendingPathComponent("Qwen3-TTS-12Hz-0.6B-CustomVoice")
        for name in ["generation_config.json", "vocab.json", "speech_tokenizer/config.json"] {
            let url = folder.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data("{}".utf8).write(to: url)
        }
        try Data("#version: 0.2\n".utf8).write(to: folder.appendingPathComponent("merges.txt"))
        let listed = try SottoProcess.run(["models", "--models-dir", models.url.path])
        #expect(listed.stdout.contains("qwen3:Qwen3-TTS-12Hz-0.6B-CustomVoice: missing config file config.json"), "\(listed.stdout)")
        let said = try SottoProcess.run(["say", "Hello.", "-m", folder.path, "-o", models.url.appendingPathComponent("x.wav").path])
        #expect(said.status != 0)
        #expect(said.stderr.contains("missing config file config.json"), "\(said.stderr)")
        #expect(!said.stderr.contains("no model found"))
    }

    /// A weights file as big as the address space allowed: mapping it fails with ENOMEM, which is
    /// reported as memory, not as a damaged file.
    @Test func memoryLimitIsNotReportedAsCorruption() throws {
        let models = try ScratchModels(linking: [ModelsCommandTests.piperFiles[1]])
        defer { models.cleanup() }
        let onnx = models.url.appendingPathComponent(ModelsCommandTests.piperFiles[0])
        #expect(FileManager.default.createFile(atPath: onnx.path, contents: nil))
        #expect(truncate(onnx.path, 16 << 30) == 0)  // sparse: no disk space used
        let shell = "ulimit -v 2097152 && exec \"$0\" models --models-dir \"$1\""
        let result = try SottoProcess.run(["-c", shell, SottoProcess.executable.path, models.url.path],
                                          executable: URL(fileURLWithPath: "/bin/sh"))
        #expect(result.stdout.contains("piper:en_US-joe-medium: not enough memory to read weights file \(onnx.path)"),
                "\(result.stdout) \(result.stderr)")
        #expect(!result.stdout.contains("corrupt"))
        #expect(!result.stdout.contains("Scripts/setup"))
        #expect(result.stdout.contains("raise the memory limit"))
    }

    /// Bytes flipped inside the weights keep the ONNX structure intact: the recorded digest
    /// names the file before it speaks.
    @Test func changedWeightsAreNamedBeforeSpeaking() throws {
        let models = try ScratchModels(linking: [ModelsCommandTests.piperFiles[1], "piper/en_US-joe-medium.onnx.sha256"])
        defer { models.cleanup() }
        let name = ModelsCommandTests.piperFiles[0]
        var bytes = try Data(contentsOf: SottoPaths().modelsDirectory().appendingPathComponent(name))
        for offset in stride(from: bytes.count / 2, to: bytes.count / 2 + 64_000, by: 1_000) { bytes[offset] ^= 0x5A }  // 64 bytes inside the weights
        try bytes.write(to: models.url.appendingPathComponent(name))
        let environment = ["XDG_STATE_HOME": models.url.appendingPathComponent("state").path]
        let output = models.url.appendingPathComponent("x.wav")
        for _ in 0..<2 {  // the second time from the kept verdict
            let result = try SottoProcess.run(["say", "Hello.", "-m", "en_US-joe-medium", "--models-dir", models.url.path,
                                               "-o", output.path], environment: environment)
            #expect(result.status != 0)
            #expect(result.stderr.contains("weights file en_US-joe-medium.onnx is corrupt: its SHA-256 differs"), "\(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: output.path))
        }
        #expect(FileManager.default.fileExists(atPath: models.url.appendingPathComponent("state/sotto/verified-digests.json").path))
    }

    /// chmod 000 blocks only an unprivileged user, so as root sotto runs as nobody (setpriv).
    @Test func unreadableFileNamesPermissionDenied() throws {
        let models = try ScratchModels(linking: [])
        defer { models.cleanup() }
        let installed = SottoPaths().modelsDirectory()
        try FileManager.default.createDirectory(at: models.url.appendingPathComponent("piper"), withIntermediateDirectories: true)
        try Data(contentsOf: installed.appendingPathComponent(ModelsCommandTests.piperFiles[1]))
            .write(to: models.url.appendingPathComponent(ModelsCommandTests.piperFiles[1]))
        let onnx = models.url.appendingPathComponent(ModelsCommandTests.piperFiles[0])
        try Data(contentsOf: installed.appendingPathComponent(ModelsCommandTests.piperFiles[0]))
            .prefix(4096).write(to: onnx)
        #expect(chmod(onnx.path, 0) == 0)
        for folder in [models.url, models.url.appendingPathComponent("piper")] { #expect(chmod(folder.path, 0o755) == 0) }
        let result: SottoProcess.Result
        if getuid() == 0 {
            let setpriv = URL(fileURLWithPath: "/usr/bin/setpriv")
            try #require(FileManager.default.isExecutableFile(atPath: setpriv.path), "setpriv is needed to test as root")
            result = try SottoProcess.run(["--reuid=65534", "--regid=65534", "--clear-groups", SottoProcess.executable.path,
                                           "models", "--models-dir", models.url.path], executable: setpriv)
        } else {
            result = try SottoProcess.run(["models", "--models-dir", models.url.path])
        }
        #expect(result.stdout.contains("piper:en_US-joe-medium: cannot read weights file \(onnx.path): Permission denied"),
                "\(result.stdout) \(result.stderr)")
        #expect(!result.stdout.contains("corrupt"))
    }
}

@Suite struct VoicesCommandTests {
    @Test func kokoroVoices() throws {
        let result = try SottoProcess.run(["voices", "-m", "kokoro"])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("kokoro:kokoro-v1.0-int8: 5 voices"))
        for voice in ["jf_alpha", "jf_gongitsune", "jf_nezumi", "jf_tebukuro", "jm_kumo"] {
            #expect(result.stdout.contains(voice))
        }
        #expect(result.stdout.contains("ja"))
    }

    @Test func jsonForOneModel() throws {
        let result = try SottoProcess.run(["voices", "--model", "piper:en_US-joe-medium", "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["model"] as? String == "piper:en_US-joe-medium")
        #expect((object["languages"] as? [String]) == ["en-us"])
    }

    @Test func unknownModelIsOneClearLine() throws {
        let result = try SottoProcess.run(["voices", "-m", "no-such-model"])
        #expect(result.status != 0)
        #expect(result.stdout.isEmpty)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(lines.first?.hasPrefix("sotto: unknown model 'no-such-model'") == true)
        #expect(lines.first?.contains("kokoro:kokoro-v1.0-int8") == true)
    }
}
