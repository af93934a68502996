import Foundation
import Qwen3TTS
import SottoCore
import SottoKernels

extension ModelKind {
    public static let qwen3: ModelKind = "qwen3"
}

/// Qwen3-TTS: a Hugging Face folder per model (CustomVoice speakers, VoiceDesign descriptions).
public struct Qwen3Family: ModelFamily {
    public init() {}

    public var kind: ModelKind { .qwen3 }
    public var displayName: String { "Qwen3-TTS" }
    public var shortName: String { "Qwen3" }
    public var voiceNoun: String { "speakers" }
    public var missingModelHint: String { "place a Qwen3-TTS folder there or pass its path" }

    public func describe(folder: URL) -> ModelDescriptor? {
        Qwen3Layout.describe(folder: folder)
    }

    public func load(_ model: ModelDescriptor, options: LoadOptions) throws -> any SpeechEngine {
        if let threads = options.threads { KernelThreads.set(threads) }
        let qwen = try Qwen3Model(folder: model.url, precision: options.precision ?? .fp32)
        let engine = Qwen3Engine(model: model, qwen: qwen)
        if qwen.clonesVoices {
            let voices = Qwen3ClonedVoices(model: model)
            engine.clonedVoices = { try voices.prompt(named: $0) }
        }
        return engine
    }
}
