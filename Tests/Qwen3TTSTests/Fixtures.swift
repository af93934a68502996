import Foundation
import Qwen3TTS
import SottoCore
import SottoEngines
/// The numeric comparisons every test target shares, for every file of this one.
@_exported import SottoTestSupport

/// The committed tiny checkpoints and the reference's outputs for them
/// (Scripts/fixtures/make_qwen3_goldens.py), assembled into model folders with the Qwen3
/// vocabulary that Scripts/setup fetches.
enum Qwen3Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/qwen3")
    static let tokenizerDirectory = SottoPaths().modelsDirectory().appendingPathComponent("qwen3-tokenizer")

    nonisolated(unsafe) static let goldens: [String: Any] = {
        let data = try! Data(contentsOf: directory.appendingPathComponent("goldens.json"))
        return try! JSONSerialization.jsonObject(with: data) as! [String: Any]
    }()

    nonisolated(unsafe) static let arrays: ZipArchive = try! ZipArchive(directory.appendingPathComponent("goldens.npz"))

    static func array(_ name: String) throws -> [Float] { try arrays.numpyArray(named: name).values }

    static var generations: [[String: Any]] { goldens["generations"] as! [[String: Any]] }

    /// A model folder of `kind` ("customvoice-0b6", "customvoice-1b7", "voicedesign-1b7") in a
    /// temporary directory: links to the fixtures plus a config.json for the kind.
    static func folder(_ kind: String) throws -> URL {
        let fm = FileManager.default
        let folder = fm.temporaryDirectory.appendingPathComponent("sotto-qwen3-\(kind)-\(UUID().uuidString)")
        try fm.createDirectory(at: folder, withIntermediateDirectories: true)
        let talker = directory.appendingPathComponent(kind.hasSuffix("0b6") ? "talker-0b6" : "talker-1b7")
        for name in ["model.safetensors", "generation_config.json"] {
            try fm.createSymbolicLink(at: folder.appendingPathComponent(name), withDestinationURL: talker.appendingPathComponent(name))
        }
        try fm.createSymbolicLink(at: folder.appendingPathComponent("speech_tokenizer"),
                                  withDestinationURL: directory.appendingPathComponent("speech_tokenizer"))
        for name in ["vocab.json", "merges.txt", "tokenizer_config.json"] {
            try fm.createSymbolicLink(at: folder.appendingPathComponent(name),
                                      withDestinationURL: tokenizerDirectory.appendingPathComponent(name))
        }
        var config = try JSONSerialization.jsonObject(with: Data(contentsOf: talker.appendingPathComponent("config.json"))) as! [String: Any]
        if kind.hasPrefix("voicedesign") {
            config["tts_model_type"] = "voice_design"
            var t = config["talker_config"] as! [String: Any]
            t["spk_id"] = [String: Int]()
            t["spk_is_dialect"] = [String: Any]()
            config["talker_config"] = t
        }
        try JSONSerialization.data(withJSONObject: config).write(to: folder.appendingPathComponent("config.json"))
        return folder
    }

    static func descriptor(_ folder: URL) -> ModelDescriptor {
        ModelDescriptor(name: folder.lastPathComponent, kind: .qwen3, url: folder, files: [])
    }

    static func maxDifference(_ a: [Float], _ b: [Float]) -> Float {
        maxAbsDifference(a, b).value
    }
}
