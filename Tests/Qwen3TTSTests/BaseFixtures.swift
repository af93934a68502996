import Foundation
import Qwen3TTS
import SottoCore

/// The committed tiny Base checkpoint, its reference recordings and what the official code makes
/// of them (Scripts/fixtures/make_qwen3_base_goldens.py).
enum BaseFixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/qwen3-base")
    static let references = ["ref_24k_mono", "ref_16k_stereo"]

    nonisolated(unsafe) static let goldens: [String: Any] = {
        let data = try! Data(contentsOf: directory.appendingPathComponent("goldens.json"))
        return try! JSONSerialization.jsonObject(with: data) as! [String: Any]
    }()

    nonisolated(unsafe) static let arrays: ZipArchive = try! ZipArchive(directory.appendingPathComponent("goldens.npz"))

    static func array(_ name: String) throws -> [Float] { try arrays.numpyArray(named: name).values }

    static func file(_ reference: String) -> String {
        let entries = goldens["references"] as! [[String: Any]]
        let entry = entries.first { $0["name"] as? String == reference }!
        return directory.appendingPathComponent(entry["file"] as! String).path
    }

    static func encoder(roundsToBFloat16: Bool = false) throws -> SpeakerEncoder {
        try SpeakerEncoder(folder: directory, roundsToBFloat16: roundsToBFloat16)
    }

    /// A model folder in a temporary directory: links to the Base fixture (with its codec, the
    /// CustomVoice fixture's decoder and the encoder fixture's encoder) and the Qwen3 vocabulary
    /// that Scripts/setup fetches.
    static func folder() throws -> URL {
        let fm = FileManager.default
        let folder = fm.temporaryDirectory.appendingPathComponent("sotto-qwen3-base-\(UUID().uuidString)")
        try fm.createDirectory(at: folder, withIntermediateDirectories: true)
        for name in ["model.safetensors", "config.json", "generation_config.json", "speech_tokenizer"] {
            try fm.createSymbolicLink(at: folder.appendingPathComponent(name), withDestinationURL: directory.appendingPathComponent(name))
        }
        for name in ["vocab.json", "merges.txt", "tokenizer_config.json"] {
            try fm.createSymbolicLink(at: folder.appendingPathComponent(name),
                                      withDestinationURL: Qwen3Fixtures.tokenizerDirectory.appendingPathComponent(name))
        }
        return folder
    }
}
