import Foundation
import SottoCore
import SottoEngines
import Testing

@Suite struct CatalogTests {
    static let piperConfig = Data("""
    {"audio": {"sample_rate": 22050, "quality": "low"}, "espeak": {"voice": "de"},
     "phoneme_id_map": {"_": [0]}, "num_speakers": 1, "speaker_id_map": {}}
    """.utf8)

    static let multiSpeakerConfig = Data("""
    {"audio": {"sample_rate": 22050}, "espeak": {"voice": "en-gb"}, "phoneme_id_map": {"_": [0]},
     "num_speakers": 3, "speaker_id_map": {"p239": 2, "alice": 0, "bob": 1}}
    """.utf8)

    /// A models folder the way a user may arrange it: a Kokoro folder, kokoro-onnx files at the
    /// top level, Piper pairs, and a Qwen3-TTS folder.
    static func populatedFolder() throws -> TemporaryFolder {
        let folder = try TemporaryFolder()
        try folder.write("kokoro-v1.0-int8/kokoro-v1.0.int8.onnx", Protobuf.onnxModel())
        try folder.copy("voices-stored.npz", to: "kokoro-v1.0-int8/voices_ja.npz")
        try folder.write("kokoro-v1.0.onnx", Protobuf.onnxModel())
        try folder.copy("voices-deflated.npz", to: "voices-v1.0.bin")
        try folder.write("piper/de_DE-test-low.onnx", Protobuf.onnxModel())
        try folder.write("piper/de_DE-test-low.onnx.json", piperConfig)
        try folder.write("piper/en_GB-many-medium.onnx", Protobuf.onnxModel())
        try folder.write("piper/en_GB-many-medium.onnx.json", multiSpeakerConfig)
        try folder.write("Qwen3-TTS-12Hz-0.6B-CustomVoice/config.json", Data("""
        {"tts_model_type": "custom_voice", "tts_model_size": "0b6",
         "talker_config": {"spk_id": {"ryan": 3061, "eric": 2875}, "spk_is_dialect": {"eric": "sichuan_dialect", "ryan": false},
                           "codec_language_id": {"english": 2050, "chinese": 2055}}}
        """.utf8))
        try folder.write("Qwen3-TTS-12Hz-0.6B-CustomVoice/generation_config.json", Data("{}".utf8))
        try folder.write("Qwen3-TTS-12Hz-0.6B-CustomVoice/model.safetensors",
                         SafetensorsTests.file(tensors: [("talker.model.norm.weight", "BF16", [8])]))
        try folder.write("Qwen3-TTS-12Hz-0.6B-CustomVoice/vocab.json", Data("{}".utf8))
        try folder.write("Qwen3-TTS-12Hz-0.6B-CustomVoice/merges.txt", Data("#version: 0.2\n".utf8))
        try folder.write("Qwen3-TTS-12Hz-0.6B-CustomVoice/speech_tokenizer/config.json", Data("{}".utf8))
        try folder.write("Qwen3-TTS-12Hz-0.6B-CustomVoice/speech_tokenizer/model.safetensors",
                         SafetensorsTests.file(tensors: [("decoder.x", "F32", [2])]))
        try folder.write(".fetch.abc123/half-downloaded.onnx", Data([1, 2, 3]))
        return folder
    }

    @Test func findsEveryKindWithItsVoices() throws {
        let folder = try Self.populatedFolder()
        defer { folder.cleanup() }
        let catalog = ModelCatalog(directory: folder.url, families: .standard)
        #expect(catalog.models.map(\.id) == [
            "kokoro:kokoro-v1.0", "kokoro:kokoro-v1.0-int8",
            "piper:de_DE-test-low", "piper:en_GB-many-medium",
            "qwen3:Qwen3-TTS-12Hz-0.6B-CustomVoice",
        ])
        #expect(catalog.models.allSatisfy { $0.isComplete }, "\(catalog.models.flatMap(\.problems))")
        let kokoro = try catalog.resolve("kokoro:kokoro-v1.0-int8")
        #expect(kokoro.voices.map(\.id) == ["af_test", "jm_test"])
        #expect(kokoro.voices.first?.language == "en-us")
        #expect(kokoro.voices.last?.gender == "male")
        #expect(kokoro.variant == "int8")
        let many = try catalog.resolve("en_GB-many-medium")
        #expect(many.voices.map(\.id) == ["alice", "bob", "p239"])
        #expect(many.languages == ["en-gb"])
        let single = try catalog.resolve("piper:de_DE-test-low")
        #expect(single.voices.map(\.id) == ["de_DE-test-low"])
        let qwen = try catalog.resolve("qwen3")
        #expect(qwen.voices.map(\.id) == ["eric", "ryan"])
        #expect(qwen.voices.first?.detail == "dialect: sichuan_dialect")
        #expect(qwen.languages == ["chinese", "english"])
        #expect(qwen.variant == "CustomVoice 0.6B")
    }

    @Test func resolvesNamesKindsPrefixesAndPaths() throws {
        let folder = try Self.populatedFolder()
        defer { folder.cleanup() }
        let catalog = ModelCatalog(directory: folder.url, families: .standard)
        #expect(try catalog.resolve("piper").kind == .piper)
        #expect(try catalog.resolve("KOKORO-V1.0-INT8").name == "kokoro-v1.0-int8")
        #expect(try catalog.resolve("de_DE").name == "de_DE-test-low")
        #expect(try catalog.resolve(folder.url.appendingPathComponent("piper/de_DE-test-low.onnx").path).name == "de_DE-test-low")
        #expect(try catalog.resolve(folder.url.appendingPathComponent("Qwen3-TTS-12Hz-0.6B-CustomVoice").path).kind == .qwen3)
        #expect(try catalog.resolve(folder.url.appendingPathComponent("kokoro-v1.0.onnx").path).kind == .kokoro)
        let unknown = #expect(throws: SottoError.self) { try catalog.resolve("nonesuch") }
        #expect(unknown?.hint?.contains("piper:de_DE-test-low") == true)
        let ambiguous = #expect(throws: SottoError.self) { try catalog.resolve("kokoro:kokoro-v") }
        #expect(ambiguous?.message.contains("ambiguous") == true)
        #expect(throws: SottoError.self) { try catalog.resolve("/no/such/model.onnx") }
        #expect(try catalog.resolve("qwen3:").kind == .qwen3)
    }

    @Test func namesTheMissingOrCorruptFile() throws {
        let folder = try Self.populatedFolder()
        defer { folder.cleanup() }
        let fm = FileManager.default
        try fm.removeItem(at: folder.url.appendingPathComponent("piper/de_DE-test-low.onnx.json"))
        let truncated = folder.url.appendingPathComponent("kokoro-v1.0-int8/kokoro-v1.0.int8.onnx")
        try Data(try Data(contentsOf: truncated).prefix(1000)).write(to: truncated)
        try fm.removeItem(at: folder.url.appendingPathComponent("Qwen3-TTS-12Hz-0.6B-CustomVoice/speech_tokenizer/model.safetensors"))
        try Data("{".utf8).write(to: folder.url.appendingPathComponent("piper/en_GB-many-medium.onnx.json"))

        let catalog = ModelCatalog(directory: folder.url, families: .standard)
        let piper = try catalog.resolve("piper:de_DE-test-low")
        #expect(piper.problems == ["missing config file de_DE-test-low.onnx.json"])
        let kokoro = try catalog.resolve("kokoro-v1.0-int8")
        #expect(kokoro.problems.count == 1)
        #expect(kokoro.problems[0].hasPrefix("weights file kokoro-v1.0.int8.onnx is corrupt: truncated"))
        let qwen = try catalog.resolve("qwen3")
        #expect(qwen.problems == ["missing codec weights file model.safetensors"])
        #expect(try catalog.resolve("en_GB-many-medium").problems == ["config file en_GB-many-medium.onnx.json is corrupt: not valid JSON"])
        #expect(try catalog.resolve("kokoro-v1.0").isComplete)

        #expect(throws: SottoError.self) { try ModelFamilies.standard.load(piper) }
    }

    @Test func kokoroWithoutVoicesIsIncomplete() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        try folder.write("kokoro-v1.0.onnx", Protobuf.onnxModel())
        let model = try #require(ModelCatalog(directory: folder.url, families: .standard).models.first)
        #expect(model.kind == .kokoro)
        #expect(model.problems == ["missing voices file voices.npz"])
    }

    @Test func emptyOrMissingFolderHasNoModels() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        #expect(ModelCatalog(directory: folder.url, families: .standard).models.isEmpty)
        #expect(ModelCatalog(directory: folder.url.appendingPathComponent("absent"), families: .standard).models.isEmpty)
        let error = #expect(throws: SottoError.self) { try ModelCatalog(directory: folder.url, families: .standard).resolve("kokoro") }
        #expect(error?.hint == "run Scripts/setup")
    }

    @Test func digestVerificationSpotsChangedBytes() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let onnx = try folder.write("piper/x.onnx", Protobuf.onnxModel())
        try folder.write("piper/x.onnx.json", Self.piperConfig)
        let digest = try SHA256.hex(of: onnx)
        try folder.write("piper/x.onnx.sha256", Data("\(digest)  x.onnx\n".utf8))
        let model = try ModelCatalog(directory: folder.url, families: .standard).resolve("x")
        #expect(model.isBundled)
        #expect(ModelCatalog.verifyDigests(of: model).isEmpty)
        var bytes = [UInt8](try Data(contentsOf: onnx))
        bytes[bytes.count - 10] ^= 1  // inside the initializer payload: structure stays valid
        try Data(bytes).write(to: onnx)
        let changed = try ModelCatalog(directory: folder.url, families: .standard).resolve("x")
        #expect(changed.isComplete)
        #expect(ModelCatalog.verifyDigests(of: changed).first?.contains("corrupt: SHA-256") == true)
    }
}

/// Models folders that are not folders, linked-in models, and files that are there but cannot be
/// read: each is named with its real cause.
@Suite struct CatalogFaultTests {
    @Test func missingOrFileModelsFolderIsNamed() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        #expect(ModelCatalog.problem(with: folder.url) == nil)  // empty: no models, nothing wrong
        let absent = folder.url.appendingPathComponent("absent")
        #expect(ModelCatalog.problem(with: absent)?.message == "the models folder \(absent.path) does not exist")
        let file = try folder.write("models", Data("not a folder".utf8))
        #expect(ModelCatalog.problem(with: file)?.message == "the models folder \(file.path) is not a folder")
        let error = #expect(throws: SottoError.self) {
            try ModelCatalog(directory: absent, families: .standard).resolve("en_US-joe-medium")
        }
        #expect(error?.message.contains("does not exist") == true)
    }

    @Test func followsLinksToFoldersAndFilesAndSurvivesCycles() throws {
        let store = try CatalogTests.populatedFolder()
        defer { store.cleanup() }
        let models = try TemporaryFolder()
        defer { models.cleanup() }
        let fm = FileManager.default
        func link(_ name: String, to target: URL) throws {
            let url = models.url.appendingPathComponent(name)
            try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try fm.createSymbolicLink(at: url, withDestinationURL: target)
        }
        // A Hugging Face folder and a Kokoro folder linked in whole; Piper files linked one by one.
        try link("Qwen3-TTS-12Hz-0.6B-CustomVoice", to: store.url.appendingPathComponent("Qwen3-TTS-12Hz-0.6B-CustomVoice"))
        try link("kokoro-v1.0-int8", to: store.url.appendingPathComponent("kokoro-v1.0-int8"))
        try link("voices/de_DE-test-low.onnx", to: store.url.appendingPathComponent("piper/de_DE-test-low.onnx"))
        try link("voices/de_DE-test-low.onnx.json", to: store.url.appendingPathComponent("piper/de_DE-test-low.onnx.json"))
        // Cycles: a link back to the models folder, one to its parent folder, and a link to itself.
        try link("voices/again", to: models.url)
        try link("voices/up", to: models.url.appendingPathComponent("voices"))
        try fm.createSymbolicLink(atPath: models.url.appendingPathComponent("self").path, withDestinationPath: "self")
        // Two links to one folder: its model is listed once.
        try link("same-kokoro", to: store.url.appendingPathComponent("kokoro-v1.0-int8"))

        let catalog = ModelCatalog(directory: models.url, families: .standard)
        #expect(catalog.models.map(\.id) == [
            "kokoro:kokoro-v1.0-int8", "piper:de_DE-test-low", "qwen3:Qwen3-TTS-12Hz-0.6B-CustomVoice",
        ])
        #expect(catalog.models.allSatisfy { $0.isComplete }, "\(catalog.models.flatMap(\.problems))")
        #expect(try catalog.resolve("qwen3").voices.map(\.id) == ["eric", "ryan"])
        #expect(try catalog.resolve("de_DE-test-low").sizeBytes > 1000)
    }

    @Test func qwen3FolderWithoutConfigNamesIt() throws {
        let folder = try CatalogTests.populatedFolder()
        defer { folder.cleanup() }
        let qwenFolder = folder.url.appendingPathComponent("Qwen3-TTS-12Hz-0.6B-CustomVoice")
        try FileManager.default.removeItem(at: qwenFolder.appendingPathComponent("config.json"))
        let catalog = ModelCatalog(directory: folder.url, families: .standard)
        let qwen = try catalog.resolve("qwen3")
        #expect(qwen.problems == ["missing config file config.json"])
        #expect(catalog.models.filter { $0.kind == .qwen3 }.count == 1)
        let byPath = try ModelFamilies.standard.describe(path: qwenFolder)
        #expect(byPath.problems == ["missing config file config.json"])
        let refused = #expect(throws: SottoError.self) { try ModelFamilies.standard.load(byPath) }
        #expect(refused?.message.contains("missing config file config.json") == true)

        try Data("{".utf8).write(to: qwenFolder.appendingPathComponent("config.json"))
        #expect(try ModelFamilies.standard.describe(path: qwenFolder).problems == ["config file config.json is corrupt: not valid JSON"])
    }

    /// Runs as root too: a folder where the weights file should be cannot be opened by anyone.
    @Test func fileThatCannotBeOpenedIsNotCalledCorrupt() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        try FileManager.default.createDirectory(at: folder.url.appendingPathComponent("piper/x.onnx"), withIntermediateDirectories: true)
        try folder.write("piper/x.onnx.json", CatalogTests.piperConfig)
        let qwen = folder.url.appendingPathComponent("Qwen3-TTS-12Hz-0.6B-CustomVoice")
        let populated = try CatalogTests.populatedFolder()
        defer { populated.cleanup() }
        try FileManager.default.copyItem(at: populated.url.appendingPathComponent("Qwen3-TTS-12Hz-0.6B-CustomVoice"), to: qwen)
        let weights = qwen.appendingPathComponent("model.safetensors")
        try FileManager.default.removeItem(at: weights)
        try FileManager.default.createDirectory(at: weights, withIntermediateDirectories: false)

        let catalog = ModelCatalog(directory: folder.url, families: .standard)
        let piper = try catalog.resolve("piper:x")
        let onnx = folder.url.appendingPathComponent("piper/x.onnx").path
        #expect(piper.problems == ["cannot read weights file \(onnx): Is a directory"])
        #expect(piper.files[0].statusText == "unreadable: Is a directory")
        #expect(!piper.repairHint.contains("Scripts/setup"))
        #expect(try catalog.resolve("qwen3").problems == ["cannot read weights file \(weights.path): Is a directory"])
        let opened = #expect(throws: FileReadError.self) { try MappedFile(opening: weights) }
        #expect(opened?.code == EISDIR)
        let mapped = #expect(throws: SottoError.self) { try MappedFile(weights) }  // loaders keep one error type
        #expect(mapped?.message == "cannot read \(weights.path): Is a directory")
    }

    @Test func permissionAndMemoryFailuresAreNamed() throws {
        let url = URL(fileURLWithPath: "/models/piper/x.onnx")
        let denied = ModelFile(role: "weights", url: url, status: .failure(FileReadError(url: url, code: EACCES)))
        #expect(denied.problem == "cannot read weights file /models/piper/x.onnx: Permission denied")
        let memory = ModelFile(role: "weights", url: url, status: .failure(FileReadError(url: url, code: ENOMEM, size: 1 << 30)))
        #expect(memory.problem?.hasPrefix("not enough memory to read weights file /models/piper/x.onnx") == true)
        #expect(memory.problem?.contains("corrupt") == false)
        let model = ModelDescriptor(name: "x", kind: .piper, url: url, files: [memory], isBundled: true)
        #expect(model.repairHint.contains("memory limit"))
        #expect(FileReadError(url: url, code: ENOMEM, size: 1 << 30).description.contains("not enough memory"))
        let damaged = ModelDescriptor(name: "x", kind: .piper, url: url,
                                      files: [memory, ModelFile(role: "config", url: url, status: .missing)], isBundled: true)
        #expect(damaged.repairHint == "run Scripts/setup to fetch it again")
    }

    /// A file whose bytes changed under an intact structure is refused before loading, by its
    /// recorded digest; the verdict is kept by size, mtime and inode, and a change to any of
    /// them makes the file be hashed again.
    @Test func loadChecksTheRecordedDigestOnceAfterEachChange() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let onnx = try folder.write("piper/x.onnx", Protobuf.onnxModel())
        try folder.write("piper/x.onnx.json", CatalogTests.piperConfig)
        try folder.write("piper/x.onnx.sha256", Data("\(try SHA256.hex(of: onnx))  x.onnx\n".utf8))
        let store = folder.url.appendingPathComponent("state/verified-digests.json")
        let cache = DigestCache(store: store)
        let model = try ModelCatalog(directory: folder.url, families: .standard).resolve("x")
        #expect(cache.problems(of: model).isEmpty)
        #expect(FileManager.default.fileExists(atPath: store.path))

        // Flip a byte in place, then put the old modification time back: size, mtime and inode
        // are unchanged, so the kept verdict is used (the file is not read again).
        var info = stat()
        #expect(stat(onnx.path, &info) == 0)
        let handle = try FileHandle(forUpdating: onnx)
        try handle.seek(toOffset: UInt64(info.st_size) - 10)
        let byte = try #require(try handle.read(upToCount: 1)).first!
        try handle.seek(toOffset: UInt64(info.st_size) - 10)
        try handle.write(contentsOf: Data([byte ^ 1]))
        try handle.close()
        var times = [info.st_atim, info.st_mtim]
        #expect(utimensat(AT_FDCWD, onnx.path, &times, 0) == 0)
        #expect(cache.problems(of: model).isEmpty)
        #expect(DigestCache(store: nil).problems(of: model).count == 1)  // without the cache it is hashed

        // A new modification time: hashed again and named.
        times[1].tv_sec += 1
        #expect(utimensat(AT_FDCWD, onnx.path, &times, 0) == 0)
        #expect(cache.problems(of: model) == ["weights file x.onnx is corrupt: its SHA-256 differs from the one recorded in x.onnx.sha256"])
        #expect(model.isComplete)  // the structure check alone cannot see it
        let refused = #expect(throws: SottoError.self) { try ModelFamilies.standard.load(model, digests: cache) }
        #expect(refused?.message == "model x cannot be loaded: weights file x.onnx is corrupt: its SHA-256 differs from the one recorded in x.onnx.sha256")
        #expect(refused?.hint == "run Scripts/setup to fetch it again")
    }

    /// chmod 000 only blocks an unprivileged user; as root this shows as skipped.
    @Test(.enabled(if: getuid() != 0)) func unreadableModelFileNamesPermission() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let onnx = try folder.write("piper/x.onnx", Protobuf.onnxModel())
        try folder.write("piper/x.onnx.json", CatalogTests.piperConfig)
        chmod(onnx.path, 0)
        defer { chmod(onnx.path, 0o644) }
        let model = try ModelCatalog(directory: folder.url, families: .standard).resolve("x")
        #expect(model.problems == ["cannot read weights file \(onnx.path): Permission denied"])
    }
}

/// The models Scripts/setup fetched are found, complete, and match their published digests.
@Suite struct InstalledModelTests {
    @Test func bundledModelsAreFoundAndComplete() throws {
        let catalog = InstalledModels.catalog
        let kokoro = try catalog.resolve("kokoro:kokoro-v1.0-int8")
        #expect(kokoro.isComplete, "\(kokoro.problems)")
        #expect(kokoro.voices.map(\.id) == ["jf_alpha", "jf_gongitsune", "jf_nezumi", "jf_tebukuro", "jm_kumo"])
        #expect(kokoro.isBundled)
        let piper = try catalog.resolve("piper:en_US-joe-medium")
        #expect(piper.isComplete, "\(piper.problems)")
        #expect(piper.languages == ["en-us"])
    }

    @Test func kokoroWeightsMatchThePublishedDigest() throws {
        let kokoro = try InstalledModels.catalog.resolve("kokoro:kokoro-v1.0-int8")
        #expect(try SHA256.hex(of: kokoro.url) == "6e742170d309016e5891a994e1ce1559c702a2ccd0075e67ef7157974f6406cb")
        #expect(ModelCatalog.verifyDigests(of: kokoro).isEmpty)
    }

    @Test func voicePackHoldsStyleTables() throws {
        let kokoro = try InstalledModels.catalog.resolve("kokoro:kokoro-v1.0-int8")
        let pack = try ZipArchive(try #require(kokoro.file(role: "voices")).url)
        let alpha = try pack.numpyArray(named: "jf_alpha")
        #expect(alpha.shape == [510, 1, 256])
        #expect(alpha.values.allSatisfy { $0.isFinite })
    }
}
