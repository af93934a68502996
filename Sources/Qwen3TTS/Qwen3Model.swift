import Foundation
import SottoCore
import SottoKernels

/// A loaded Qwen3-TTS folder: config, tokenizer, talker, code predictor and codec.
public final class Qwen3Model: @unchecked Sendable {
    public let folder: URL
    public let configuration: Qwen3Configuration
    public let generationDefaults: Qwen3GenerationDefaults
    public let tokenizer: BPETokenizer
    public let talker: Talker
    public let codePredictor: CodePredictor
    public let codec: CodecDecoder
    public let precision: WeightPrecision
    /// Base models only: the ECAPA-TDNN that turns a reference recording into an x-vector.
    public let speakerEncoder: SpeakerEncoder?
    /// Base models only: the speech tokenizer's encoder, for the reference's codes.
    public let codecEncoder: CodecEncoder?
    let weights: SafetensorsArchive
    let generationLock = NSLock()
    /// Scratch for one generation at a time (held under `generationLock`).
    let workspace = Workspace()
    /// The codec state after the last in-context clone's reference codes.
    let referenceDecoding = ReferenceDecoding()

    /// Loads `folder`; every missing or mismatched piece is reported with the file it concerns.
    public init(folder: URL, precision: WeightPrecision = .fp32) throws {
        self.folder = folder
        self.precision = precision
        configuration = try Qwen3Configuration.load(folder.appendingPathComponent("config.json"))
        generationDefaults = try Qwen3GenerationDefaults.load(folder.appendingPathComponent("generation_config.json"))
        guard configuration.variant != nil else {
            throw SottoError("\(folder.appendingPathComponent("config.json").path) has unknown tts_model_type '\(configuration.ttsModelType)'")
        }
        if let type = configuration.tokenizerType, type != "qwen3_tts_tokenizer_12hz" {
            throw SottoError("\(folder.lastPathComponent) uses the codec \(type); Sotto runs the 12 Hz Qwen3-TTS models")
        }
        tokenizer = try BPETokenizer(folder: folder)
        weights = try SafetensorsArchive(folder.appendingPathComponent("model.safetensors"), role: "weights")
        let t = configuration.talker
        talker = try Talker(weights, config: t, precision: precision)
        codePredictor = try CodePredictor(weights, config: t.codePredictor, talkerWidth: t.dimensions.hiddenSize,
                                          codeGroups: t.codeGroups, precision: precision)
        codec = try CodecDecoder(folder: folder.appendingPathComponent("speech_tokenizer"),
                                 bfloat16Convolutions: precision != .fp32)
        guard codec.config.quantizers == t.codeGroups else {
            throw SottoError("speech_tokenizer/config.json has \(codec.config.quantizers) quantizers but config.json \(t.codeGroups) code groups")
        }
        if configuration.variant == .base {
            // The reference gives the x-vector the model's dtype, so below fp32 it is bf16.
            let speakerConfiguration = try SpeakerEncoderConfiguration.load(folder.appendingPathComponent("config.json"))
            guard speakerConfiguration.embeddingSize == t.dimensions.hiddenSize else {
                throw SottoError("config.json: the speaker encoder's x-vector has \(speakerConfiguration.embeddingSize) values but the talker takes \(t.dimensions.hiddenSize)")
            }
            speakerEncoder = try SpeakerEncoder(weights, configuration: speakerConfiguration, roundsToBFloat16: precision != .fp32)
            codecEncoder = try CodecEncoder(folder: folder.appendingPathComponent("speech_tokenizer"))
        } else {
            speakerEncoder = nil
            codecEncoder = nil
        }
        guard t.dimensions.vocabularySize - 1024 > 0, t.codePredictor.dimensions.vocabularySize <= codec.config.codebookSize else {
            throw SottoError("config.json and speech_tokenizer/config.json disagree on the codebook size")
        }
    }

    public var residentBytes: Int { talker.residentBytes + codePredictor.residentBytes + codec.residentBytes }

    /// Languages a request may name: "auto" plus the non-dialect languages of the config.
    public var languages: [String] {
        ["auto"] + configuration.talker.languageIDs.keys.filter { !$0.contains("dialect") }.sorted()
    }

    public var speakers: [String] { configuration.talker.speakerIDs.keys.sorted() }
}
