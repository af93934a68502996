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

    static func describe(folder: URL, configuration config: Qwen3Configuration) -> ModelDescriptor {
        func file(_ role: String, _ path: String, check: (URL) -> FileStatus) -> ModelFile {
            let url = folder.appendingPathComponent(path)
            return ModelFile(role: role, url: url,
                             status: FileManager.default.fileExists(atPath: url.path) ? check(url) : .missing)
        }
        let json: (URL) -> FileStatus = { JSONFile.check($0) }
        var files = [
            file("config", "config.json") { _ in config.hasTalkerSection ? .ok : .corrupt("no \"talker_config\" entry") },
            file("generation config", "generation_config.json", check: json),
            file("weights", "model.safetensors", check: SafetensorsHeader.check),
            file("tokenizer vocabulary", "vocab.json", check: json),
            file("tokenizer merges", "merges.txt") { _ in .ok },
            file("codec config", "speech_tokenizer/config.json", check: json),
            file("codec weights", "speech_tokenizer/model.safetensors", check: SafetensorsHeader.check),
        ]
        if files[1].status == .missing { files.remove(at: 1) }  // optional: defaults are known
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
