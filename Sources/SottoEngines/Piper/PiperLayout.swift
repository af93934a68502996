import Foundation
import SottoCore

/// A Piper voice: `NAME.onnx` with its config `NAME.onnx.json` (phoneme map, sample rate,
/// espeak voice, speakers).
enum PiperLayout {
    static func describe(name: String, folder: URL) -> ModelDescriptor {
        let onnx = folder.appendingPathComponent(name + ".onnx")
        let configURL = folder.appendingPathComponent(name + ".onnx.json")
        var files = [ModelFile(role: "weights", url: onnx,
                               status: FileManager.default.fileExists(atPath: onnx.path) ? ProtobufStructure.checkONNX(onnx) : .missing)]
        var voices: [VoiceInfo] = []
        var languages: [String] = []
        var variant: String?
        let configStatus = JSONFile.check(configURL, requiredKey: "phoneme_id_map")
        files.append(ModelFile(role: "config", url: configURL, status: configStatus))
        if configStatus == .ok, let config = JSONFile.object(configURL) {
            let espeak = (config["espeak"] as? [String: Any])?["voice"] as? String
            if let espeak { languages = [espeak] }
            variant = (config["audio"] as? [String: Any])?["quality"] as? String
            let speakers = (config["speaker_id_map"] as? [String: Any]) ?? [:]
            if speakers.count > 1 {
                voices = speakers.compactMap { key, value in (key, (value as? NSNumber)?.intValue ?? 0) }
                    .sorted { $0.1 < $1.1 }
                    .map { VoiceInfo(id: $0.0, language: espeak, detail: "speaker \($0.1)") }
            } else {
                voices = [VoiceInfo(id: name, language: espeak, detail: "single speaker")]
            }
        }
        return ModelDescriptor(name: name, kind: .piper, url: onnx, files: files, voices: voices,
                               languages: languages, variant: variant,
                               isBundled: FileManager.default.fileExists(atPath: onnx.path + ".sha256"),
                               capabilities: voices.count > 1 ? [.voices, .speed, .streaming, .wordTimings] : [.speed, .streaming, .wordTimings])
    }
}
