import Foundation
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
