import Foundation
import Qwen3TTS
import SottoCore

/// A Qwen3-TTS Hugging Face folder: config, generation config, safetensors weights, the BPE
/// tokenizer files and the `speech_tokenizer/` codec. Its `config.json` is read with the engine's
/// own typed parser, so the catalog and the engine agree on what the model is.
enum Qwen3Layout {
    /// The folder's configuration, when `folder/config.json` describes a Qwen3-TTS model.
    static func configuration(of folder: URL) -> Qwen3Configuration? {
        guard let data = try? Data(contentsOf: folder.appendingPathComponent("config.json")),
              let config = try? JSONDecoder().decode(Qwen3Configuration.self, from: data), config.isQwen3TTS else { return nil }
        return config
    }

    /// The model `folder` is: described from its `config.json`, or, when that file is missing,
    /// unreadable or not JSON but the folder has a Qwen3-TTS shape (its `speech_tokenizer/`
    /// codec beside talker weights), described as incomplete with the config file named.
    static func describe(folder: URL) -> ModelDescriptor? {
        if let config = configuration(of: folder) { return describe(folder: folder, configuration: config) }
        let configURL = folder.appendingPathComponent("config.json")
        let status: FileStatus
        if !FileManager.default.fileExists(atPath: configURL.path) {
            status = .missing
        } else if let data = try? Data(contentsOf: configURL) {
            // A readable config that parses as JSON belongs to some other kind of model.
            guard (try? JSONSerialization.jsonObject(with: data)) == nil else { return nil }
            status = .corrupt("not valid JSON")
        } else {
            status = .readFailure(configURL, otherwise: .corrupt("unreadable"))
        }
        guard looksLikeQwen3(folder) else { return nil }
        return describe(folder: folder, configuration: nil, configStatus: status)
    }

    /// Whether `folder` holds what only a Qwen3-TTS checkout holds: the `speech_tokenizer/` codec
    /// folder and the talker's `model.safetensors` (or its tokenizer files).
    static func looksLikeQwen3(_ folder: URL) -> Bool {
        var isDirectory: ObjCBool = false
        let codec = folder.appendingPathComponent("speech_tokenizer")
        guard FileManager.default.fileExists(atPath: codec.path, isDirectory: &isDirectory), isDirectory.boolValue else { return false }
        return ["model.safetensors", "vocab.json", "merges.txt", "generation_config.json"].contains {
            FileManager.default.fileExists(atPath: folder.appendingPathComponent($0).path)
        }
    }

    static func describe(folder: URL, configuration config: Qwen3Configuration?, configStatus: FileStatus? = nil) -> ModelDescriptor {
        func file(_ role: String, _ path: String, check: (URL) -> FileStatus) -> ModelFile {
            let url = folder.appendingPathComponent(path)
            return ModelFile(role: role, url: url,
                             status: FileManager.default.fileExists(atPath: url.path) ? check(url) : .missing)
        }
        let json: (URL) -> FileStatus = { JSONFile.check($0) }
        var files = [
            file("config", "config.json") { _ in
                configStatus ?? (config?.hasTalkerSection == true ? .ok : .corrupt("no \"talker_config\" entry"))
            },
            file("generation config", "generation_config.json", check: json),
            file("weights", "model.safetensors", check: SafetensorsHeader.check),
            file("tokenizer vocabulary", "vocab.json", check: json),
            file("tokenizer merges", "merges.txt") { _ in .ok },
            file("codec config", "speech_tokenizer/config.json", check: json),
            file("codec weights", "speech_tokenizer/model.safetensors", check: SafetensorsHeader.check),
        ]
        if files[1].status == .missing { files.remove(at: 1) }  // optional: defaults are known
        guard let config else {
            return ModelDescriptor(name: folder.lastPathComponent, kind: .qwen3, url: folder, files: files)
        }
        let talker = config.talker
        let voices = talker.speakerIDs.keys.sorted().map { name in
            VoiceInfo(id: name, detail: talker.speakerDialects[name].map { "dialect: \($0)" })
        }
        // Dialects are chosen by the speaker, not asked for directly.
        let languages = talker.languageIDs.keys.filter { !$0.hasSuffix("_dialect") }.sorted()
        return ModelDescriptor(name: folder.lastPathComponent, kind: .qwen3, url: folder, files: files,
                               voices: voices, languages: languages, variant: config.variantName,
                               capabilities: config.capabilities)
    }
}
