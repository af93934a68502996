import Foundation

/// A Qwen3-TTS Hugging Face folder: config, generation config, safetensors weights, the BPE
/// tokenizer files and the `speech_tokenizer/` codec.
enum Qwen3Layout {
    /// Whether `folder/config.json` describes a Qwen3-TTS model.
    static func claims(folder: URL) -> Bool {
        guard let config = JSONFile.object(folder.appendingPathComponent("config.json")) else { return false }
        return config["talker_config"] != nil || (config["model_type"] as? String)?.hasPrefix("qwen3_tts") == true
    }

    static func describe(folder: URL) -> ModelDescriptor {
        func file(_ role: String, _ path: String, check: (URL) -> FileStatus) -> ModelFile {
            let url = folder.appendingPathComponent(path)
            return ModelFile(role: role, url: url,
                             status: FileManager.default.fileExists(atPath: url.path) ? check(url) : .missing)
        }
        let json: (URL) -> FileStatus = { JSONFile.check($0) }
        var files = [
            file("config", "config.json") { JSONFile.check($0, requiredKey: "talker_config") },
            file("generation config", "generation_config.json", check: json),
            file("weights", "model.safetensors", check: SafetensorsHeader.check),
            file("tokenizer vocabulary", "vocab.json", check: json),
            file("tokenizer merges", "merges.txt") { _ in .ok },
            file("codec config", "speech_tokenizer/config.json", check: json),
            file("codec weights", "speech_tokenizer/model.safetensors", check: SafetensorsHeader.check),
        ]
        if files[1].status == .missing { files.remove(at: 1) }  // optional: defaults are known
        var voices: [VoiceInfo] = []
        var languages: [String] = []
        var variant: String?
        if let config = JSONFile.object(folder.appendingPathComponent("config.json")),
           let talker = config["talker_config"] as? [String: Any] {
            let dialects = (talker["spk_is_dialect"] as? [String: Any]) ?? [:]
            let speakers = (talker["spk_id"] as? [String: Any]) ?? [:]
            voices = speakers.keys.sorted().map { name in
                let dialect = dialects[name] as? String
                return VoiceInfo(id: name, detail: dialect.map { "dialect: \($0)" })
            }
            // Dialects are chosen by the speaker, not asked for directly.
            languages = ((talker["codec_language_id"] as? [String: Any]) ?? [:]).keys
                .filter { !$0.hasSuffix("_dialect") }.sorted()
            let type = (config["tts_model_type"] as? String).map {
                ["custom_voice": "CustomVoice", "voice_design": "VoiceDesign", "base": "Base"][$0] ?? $0
            }
            let size = (config["tts_model_size"] as? String).map {
                ["0b6": "0.6B", "1b7": "1.7B"][$0] ?? $0
            }
            variant = [type, size].compactMap { $0 }.joined(separator: " ")
        }
        return ModelDescriptor(name: folder.lastPathComponent, kind: .qwen3, url: folder, files: files,
                               voices: voices, languages: languages, variant: variant)
    }
}
