import Foundation
import SottoCore

/// Kokoro-82M on disk: an ONNX export (kokoro-onnx's `kokoro-v1.0.onnx`, its fp16/int8 variants,
/// or the int8 file Scripts/setup assembles) with voice packs beside it (`voices*.npz` or
/// kokoro-onnx's `voices-v1.0.bin`, both NumPy archives of [510, 1, 256] style arrays) and
/// optionally a `vocab.json` phoneme table.
enum KokoroLayout {
    static func isVoicePack(_ name: String) -> Bool {
        let lower = name.lowercased()
        return lower.hasPrefix("voices") && (lower.hasSuffix(".npz") || lower.hasSuffix(".bin"))
    }

    /// Whether an `.onnx` file without a Piper `.onnx.json` is a Kokoro model.
    static func claims(onnx: URL, siblings: [String]) -> Bool {
        onnx.lastPathComponent.lowercased().contains("kokoro") || siblings.contains(where: isVoicePack)
    }

    static func describe(onnx: URL, siblings: [String], nameFromFolder: Bool) -> ModelDescriptor {
        let folder = onnx.deletingLastPathComponent()
        var files = [ModelFile(role: "weights", url: onnx, status: ProtobufStructure.checkONNX(onnx))]
        var voices: [VoiceInfo] = []
        let packs = siblings.filter(isVoicePack).sorted()
        if packs.isEmpty {
            files.append(ModelFile(role: "voices", url: folder.appendingPathComponent("voices.npz"), status: .missing))
        }
        for pack in packs {
            let url = folder.appendingPathComponent(pack)
            do {
                let names = try ZipArchive(file: MappedFile(opening: url)).numpyArrayNames()
                voices += names.map(voiceInfo)
                files.append(ModelFile(role: "voices", url: url, status: names.isEmpty ? .corrupt("holds no voices") : .ok))
            } catch {
                files.append(ModelFile(role: "voices", url: url, status: FileStatus.failure(error)))
            }
        }
        if siblings.contains("vocab.json") {
            let url = folder.appendingPathComponent("vocab.json")
            files.append(ModelFile(role: "vocab", url: url, status: JSONFile.check(url, requiredKey: "vocab")))
        }
        let stem = onnx.deletingPathExtension().lastPathComponent
        let lower = stem.lowercased()
        let variant = lower.contains("int8") ? "int8" : lower.contains("fp16") ? "fp16" : "fp32"
        var seen = Set<String>()
        voices = voices.filter { seen.insert($0.id).inserted }
        return ModelDescriptor(
            name: nameFromFolder ? folder.lastPathComponent : stem, kind: .kokoro, url: onnx, files: files,
            voices: voices, languages: Array(Set(voices.compactMap(\.language))).sorted(), variant: variant,
            isBundled: FileManager.default.fileExists(atPath: onnx.path + ".sha256"), capabilities: KokoroFamily.capabilities)
    }

    /// Kokoro voice names encode language and gender: `af_heart` is American English, female.
    static func voiceInfo(_ id: String) -> VoiceInfo {
        let chars = Array(id)
        guard chars.count > 3, chars[2] == "_" else { return VoiceInfo(id: id) }
        let languages: [Character: String] = [
            "a": "en-us", "b": "en-gb", "e": "es", "f": "fr", "h": "hi", "i": "it", "j": "ja", "p": "pt-br", "z": "zh",
        ]
        let gender = chars[1] == "f" ? "female" : chars[1] == "m" ? "male" : nil
        return VoiceInfo(id: id, language: languages[chars[0]], gender: gender)
    }
}
