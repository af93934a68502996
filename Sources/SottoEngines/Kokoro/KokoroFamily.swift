import Foundation
import Kokoro
import SottoCore
import SottoKernels

extension ModelKind {
    public static let kokoro: ModelKind = "kokoro"
}

/// Kokoro-82M: ONNX exports with their voice packs (see `KokoroLayout`).
public struct KokoroFamily: ModelFamily {
    public init() {}
    public var kind: ModelKind { .kokoro }
    public var displayName: String { "Kokoro-82M" }
    public var shortName: String { "Kokoro" }

    static let capabilities: EngineCapabilities = [.voices, .speed, .voiceBlend, .streaming, .wordTimings]

    /// `.onnx` files without a Piper config beside them that look like Kokoro (named so, or with
    /// voice packs in the folder).
    public func describe(files listing: inout FolderListing) -> [ModelDescriptor] {
        let names = listing.names
        let kokoro = listing.unclaimed.filter { name in
            name.hasSuffix(".onnx") && !names.contains(name + ".json")
                && KokoroLayout.claims(onnx: listing.url(name), siblings: names)
        }
        for name in kokoro { listing.claim(name) }
        return kokoro.map { name in
            KokoroLayout.describe(onnx: listing.url(name), siblings: names, nameFromFolder: !listing.isRoot && kokoro.count == 1)
        }
    }

    public func load(_ model: ModelDescriptor, options: LoadOptions) throws -> any SpeechEngine {
        if let threads = options.threads { KernelThreads.set(threads) }
        let packs = model.files.filter { $0.role == "voices" }.map(\.url)
        let voicePack = try VoicePack(contentsOf: packs)
        let vocabulary = try model.file(role: "vocab").map { try KokoroVocabulary(contentsOf: $0.url) } ?? .v1
        let kokoro = try KokoroModel(contentsOf: model.url)
        return KokoroEngine(model: model, kokoro: kokoro, voicePack: voicePack, vocabulary: vocabulary,
                            mapping: try Self.mapping(ProcessInfo.processInfo.environment["SOTTO_KOKORO_PHONEMES"]))
    }

    /// `SOTTO_KOKORO_PHONEMES=espeak` feeds raw espeak-ng phonemes as kokoro-onnx does; the
    /// default folds them into misaki's set, which Kokoro was trained on.
    static func mapping(_ setting: String?) throws -> KokoroPhonemeMapping {
        guard let setting, !setting.isEmpty else { return .misaki }
        guard let mapping = KokoroPhonemeMapping(rawValue: setting.lowercased()) else {
            throw SottoError("SOTTO_KOKORO_PHONEMES=\(setting) is not a phoneme mapping", hint: "use misaki or espeak")
        }
        return mapping
    }
}
