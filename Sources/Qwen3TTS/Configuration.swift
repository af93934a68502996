import Foundation
import SottoCore

/// `config.json` of a Qwen3-TTS model folder. Keys a folder leaves out take the defaults of the
/// reference configuration classes, so that configs saved with only their differences load.
public struct Qwen3Configuration: Decodable, Sendable {
    public var ttsModelType: String
    public var ttsModelSize: String
    public var tokenizerType: String?
    public var ttsPadTokenID: Int
    public var ttsBOSTokenID: Int
    public var ttsEOSTokenID: Int
    public var talker: TalkerConfiguration
    /// `model_type` when the file names one (`qwen3_tts`).
    public var modelType: String?
    /// Whether the file has a `talker_config` section (the defaults stand in when it has not).
    public var hasTalkerSection: Bool

    public enum Variant: String, Sendable {
        case customVoice = "custom_voice"
        case voiceDesign = "voice_design"
        case base
    }

    public var variant: Variant? { Variant(rawValue: ttsModelType) }

    /// The reference drops instructions for 0.6B CustomVoice models; it tests whether the size
    /// is a substring of "0b6", and so does this.
    public var ignoresInstruct: Bool { variant == .customVoice && "0b6".contains(ttsModelSize) }

    /// Whether the file describes a Qwen3-TTS model at all (rather than another model's config.json).
    public var isQwen3TTS: Bool { hasTalkerSection || modelType?.hasPrefix("qwen3_tts") == true }

    /// What a model with this configuration can do: the one place that knows, for instance, that
    /// 0.6B CustomVoice models drop instructions.
    public var capabilities: EngineCapabilities {
        var set: EngineCapabilities = [.streaming, .seed, .languages]
        switch variant {
        case .customVoice:
            set.insert(.speakers)
            if !ignoresInstruct { set.insert(.instruct) }
        case .voiceDesign: set.insert(.voiceDesign)
        case .base: set.insert(.referenceAudio)
        case nil: break
        }
        return set
    }

    /// "CustomVoice 0.6B", "VoiceDesign 1.7B": the variant as people name it.
    public var variantName: String {
        let type = ["custom_voice": "CustomVoice", "voice_design": "VoiceDesign", "base": "Base"][ttsModelType] ?? ttsModelType
        let size = ["0b6": "0.6B", "1b7": "1.7B"][ttsModelSize] ?? ttsModelSize
        return [type, size].filter { !$0.isEmpty }.joined(separator: " ")
    }

    enum CodingKeys: String, CodingKey {
        case ttsModelType = "tts_model_type", ttsModelSize = "tts_model_size", tokenizerType = "tokenizer_type"
        case ttsPadTokenID = "tts_pad_token_id", ttsBOSTokenID = "tts_bos_token_id", ttsEOSTokenID = "tts_eos_token_id"
        case talker = "talker_config", modelType = "model_type"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        ttsModelType = try c.decodeIfPresent(String.self, forKey: .ttsModelType) ?? ""
        ttsModelSize = try c.decodeIfPresent(String.self, forKey: .ttsModelSize) ?? ""
        tokenizerType = try c.decodeIfPresent(String.self, forKey: .tokenizerType)
        ttsPadTokenID = try c.decodeIfPresent(Int.self, forKey: .ttsPadTokenID) ?? 151671
        ttsBOSTokenID = try c.decodeIfPresent(Int.self, forKey: .ttsBOSTokenID) ?? 151672
        ttsEOSTokenID = try c.decodeIfPresent(Int.self, forKey: .ttsEOSTokenID) ?? 151673
        modelType = try? c.decodeIfPresent(String.self, forKey: .modelType)
        hasTalkerSection = c.contains(.talker)
        talker = try c.decodeIfPresent(TalkerConfiguration.self, forKey: .talker)
            ?? TalkerConfiguration(from: EmptyDecoder())
    }

    /// Reads and checks `config.json`, naming the file in every error.
    public static func load(_ url: URL) throws -> Qwen3Configuration {
        guard let data = try? Data(contentsOf: url) else {
            throw SottoError("missing config file \(url.path)")
        }
        let config: Qwen3Configuration
        do {
            config = try JSONDecoder().decode(Qwen3Configuration.self, from: data)
        } catch {
            throw SottoError("\(url.path) is not a valid Qwen3-TTS config: \(JSONProblem.describe(error))")
        }
        try config.talker.validate(path: url.path)
        return config
    }
}

/// Hyper-parameters shared by the talker and the code predictor decoders.
public struct DecoderDimensions: Sendable, Equatable {
    public var hiddenSize: Int
    public var intermediateSize: Int
    public var layers: Int
    public var heads: Int
    public var kvHeads: Int
    public var headDim: Int
    public var rmsNormEpsilon: Float
    public var ropeTheta: Float
    public var vocabularySize: Int
}

public struct TalkerConfiguration: Decodable, Sendable {
    public var dimensions: DecoderDimensions
    public var hiddenAct: String
    public var textVocabularySize: Int
    public var textHiddenSize: Int
    public var codeGroups: Int
    public var codecEOS: Int
    public var codecThink: Int
    public var codecNoThink: Int
    public var codecThinkBOS: Int
    public var codecThinkEOS: Int
    public var codecPad: Int
    public var codecBOS: Int
    public var languageIDs: [String: Int]
    public var speakerIDs: [String: Int]
    /// Speaker → dialect language name, for speakers whose Chinese is a dialect.
    public var speakerDialects: [String: String]
    public var codePredictor: CodePredictorConfiguration

    enum CodingKeys: String, CodingKey {
        case vocabSize = "vocab_size", hiddenSize = "hidden_size", intermediateSize = "intermediate_size"
        case layers = "num_hidden_layers", heads = "num_attention_heads", kvHeads = "num_key_value_heads"
        case headDim = "head_dim", eps = "rms_norm_eps", theta = "rope_theta", hiddenAct = "hidden_act"
        case textVocab = "text_vocab_size", textHidden = "text_hidden_size", codeGroups = "num_code_groups"
        case codecEOS = "codec_eos_token_id", codecThink = "codec_think_id", codecNoThink = "codec_nothink_id"
        case codecThinkBOS = "codec_think_bos_id", codecThinkEOS = "codec_think_eos_id"
        case codecPad = "codec_pad_id", codecBOS = "codec_bos_id"
        case languageIDs = "codec_language_id", speakerIDs = "spk_id", dialects = "spk_is_dialect"
        case codePredictor = "code_predictor_config"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let hidden = try c.decodeIfPresent(Int.self, forKey: .hiddenSize) ?? 1024
        let heads = try c.decodeIfPresent(Int.self, forKey: .heads) ?? 16
        dimensions = DecoderDimensions(
            hiddenSize: hidden,
            intermediateSize: try c.decodeIfPresent(Int.self, forKey: .intermediateSize) ?? 2048,
            layers: try c.decodeIfPresent(Int.self, forKey: .layers) ?? 20,
            heads: heads,
            kvHeads: try c.decodeIfPresent(Int.self, forKey: .kvHeads) ?? 2,
            headDim: try c.decodeIfPresent(Int.self, forKey: .headDim) ?? hidden / max(heads, 1),
            rmsNormEpsilon: Float(try c.decodeIfPresent(Double.self, forKey: .eps) ?? 1e-6),
            ropeTheta: Float(try c.decodeIfPresent(Double.self, forKey: .theta) ?? 10000),
            vocabularySize: try c.decodeIfPresent(Int.self, forKey: .vocabSize) ?? 3072)
        hiddenAct = try c.decodeIfPresent(String.self, forKey: .hiddenAct) ?? "silu"
        textVocabularySize = try c.decodeIfPresent(Int.self, forKey: .textVocab) ?? 151936
        textHiddenSize = try c.decodeIfPresent(Int.self, forKey: .textHidden) ?? 2048
        codeGroups = try c.decodeIfPresent(Int.self, forKey: .codeGroups) ?? 32
        codecEOS = try c.decodeIfPresent(Int.self, forKey: .codecEOS) ?? 4198
        codecThink = try c.decodeIfPresent(Int.self, forKey: .codecThink) ?? 4202
        codecNoThink = try c.decodeIfPresent(Int.self, forKey: .codecNoThink) ?? 4203
        codecThinkBOS = try c.decodeIfPresent(Int.self, forKey: .codecThinkBOS) ?? 4204
        codecThinkEOS = try c.decodeIfPresent(Int.self, forKey: .codecThinkEOS) ?? 4205
        codecPad = try c.decodeIfPresent(Int.self, forKey: .codecPad) ?? 4196
        codecBOS = try c.decodeIfPresent(Int.self, forKey: .codecBOS) ?? 4197
        languageIDs = try c.decodeIfPresent([String: Int].self, forKey: .languageIDs) ?? [:]
        speakerIDs = try c.decodeIfPresent([String: Int].self, forKey: .speakerIDs) ?? [:]
        let dialects = try c.decodeIfPresent([String: DialectEntry].self, forKey: .dialects) ?? [:]
        speakerDialects = dialects.compactMapValues(\.dialect)
        codePredictor = try c.decodeIfPresent(CodePredictorConfiguration.self, forKey: .codePredictor)
            ?? CodePredictorConfiguration(from: EmptyDecoder())
    }

    /// `spk_is_dialect` maps a speaker to `false` or to a dialect's language name.
    struct DialectEntry: Decodable {
        var dialect: String?
        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            dialect = (try? c.decode(String.self))
        }
    }

    func validate(path: String) throws {
        let d = dimensions
        guard d.hiddenSize > 0, d.layers > 0, d.heads > 0, d.kvHeads > 0, d.heads % d.kvHeads == 0, d.headDim > 0,
              d.headDim % 2 == 0, d.vocabularySize > max(codecEOS, codecBOS, codecPad), codeGroups >= 2,
              textHiddenSize > 0, textVocabularySize > 0 else {
            throw SottoError("\(path) has inconsistent talker dimensions", hint: "the config file may be damaged")
        }
        let p = codePredictor.dimensions
        guard p.hiddenSize > 0, p.layers > 0, p.heads > 0, p.kvHeads > 0, p.heads % p.kvHeads == 0,
              p.headDim > 0, p.headDim % 2 == 0, p.vocabularySize > 0 else {
            throw SottoError("\(path) has inconsistent code predictor dimensions", hint: "the config file may be damaged")
        }
        guard hiddenAct == "silu", codePredictor.hiddenAct == "silu" else {
            throw SottoError("\(path) asks for activation \(hiddenAct); Sotto's Qwen3-TTS engine runs silu models")
        }
    }
}

public struct CodePredictorConfiguration: Decodable, Sendable {
    public var dimensions: DecoderDimensions
    public var hiddenAct: String
    public var codeGroups: Int

    enum CodingKeys: String, CodingKey {
        case vocabSize = "vocab_size", hiddenSize = "hidden_size", intermediateSize = "intermediate_size"
        case layers = "num_hidden_layers", heads = "num_attention_heads", kvHeads = "num_key_value_heads"
        case headDim = "head_dim", eps = "rms_norm_eps", theta = "rope_theta", hiddenAct = "hidden_act"
        case codeGroups = "num_code_groups"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let heads = try c.decodeIfPresent(Int.self, forKey: .heads) ?? 16
        dimensions = DecoderDimensions(
            hiddenSize: try c.decodeIfPresent(Int.self, forKey: .hiddenSize) ?? 1024,
            intermediateSize: try c.decodeIfPresent(Int.self, forKey: .intermediateSize) ?? 3072,
            layers: try c.decodeIfPresent(Int.self, forKey: .layers) ?? 5,
            heads: heads,
            kvHeads: try c.decodeIfPresent(Int.self, forKey: .kvHeads) ?? heads,
            headDim: try c.decodeIfPresent(Int.self, forKey: .headDim) ?? 128,
            rmsNormEpsilon: Float(try c.decodeIfPresent(Double.self, forKey: .eps) ?? 1e-6),
            ropeTheta: Float(try c.decodeIfPresent(Double.self, forKey: .theta) ?? 10000),
            vocabularySize: try c.decodeIfPresent(Int.self, forKey: .vocabSize) ?? 2048)
        hiddenAct = try c.decodeIfPresent(String.self, forKey: .hiddenAct) ?? "silu"
        codeGroups = try c.decodeIfPresent(Int.self, forKey: .codeGroups) ?? 32
    }
}

/// `generation_config.json`: the sampling defaults the model was released with.
public struct Qwen3GenerationDefaults: Decodable, Sendable, Equatable {
    public var doSample = true
    public var topK = 50
    public var topP = 1.0
    public var temperature = 0.9
    public var repetitionPenalty = 1.05
    public var subtalkerDoSample = true
    public var subtalkerTopK = 50
    public var subtalkerTopP = 1.0
    public var subtalkerTemperature = 0.9
    public var maxNewTokens = 8192

    enum CodingKeys: String, CodingKey {
        case doSample = "do_sample", topK = "top_k", topP = "top_p", temperature
        case repetitionPenalty = "repetition_penalty", subtalkerDoSample = "subtalker_dosample"
        case subtalkerTopK = "subtalker_top_k", subtalkerTopP = "subtalker_top_p"
        case subtalkerTemperature = "subtalker_temperature", maxNewTokens = "max_new_tokens"
    }

    public init() {}

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        doSample = try c.decodeIfPresent(Bool.self, forKey: .doSample) ?? doSample
        topK = try c.decodeIfPresent(Int.self, forKey: .topK) ?? topK
        topP = try c.decodeIfPresent(Double.self, forKey: .topP) ?? topP
        temperature = try c.decodeIfPresent(Double.self, forKey: .temperature) ?? temperature
        repetitionPenalty = try c.decodeIfPresent(Double.self, forKey: .repetitionPenalty) ?? repetitionPenalty
        subtalkerDoSample = try c.decodeIfPresent(Bool.self, forKey: .subtalkerDoSample) ?? subtalkerDoSample
        subtalkerTopK = try c.decodeIfPresent(Int.self, forKey: .subtalkerTopK) ?? subtalkerTopK
        subtalkerTopP = try c.decodeIfPresent(Double.self, forKey: .subtalkerTopP) ?? subtalkerTopP
        subtalkerTemperature = try c.decodeIfPresent(Double.self, forKey: .subtalkerTemperature) ?? subtalkerTemperature
        maxNewTokens = try c.decodeIfPresent(Int.self, forKey: .maxNewTokens) ?? maxNewTokens
    }

    /// Reads `generation_config.json`; a folder without one gets the released defaults.
    public static func load(_ url: URL) throws -> Qwen3GenerationDefaults {
        guard FileManager.default.fileExists(atPath: url.path) else { return Qwen3GenerationDefaults() }
        guard let data = try? Data(contentsOf: url) else { throw SottoError("cannot read \(url.path)") }
        do {
            return try JSONDecoder().decode(Qwen3GenerationDefaults.self, from: data)
        } catch {
            throw SottoError("\(url.path) is not a valid generation config: \(JSONProblem.describe(error))")
        }
    }
}

/// A decoder with no keys, so that a missing nested config takes every default.
struct EmptyDecoder: Decoder {
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] = [:]
    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(EmptyContainer<Key>())
    }
    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "empty"))
    }
    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "empty"))
    }

    struct EmptyContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
        var codingPath: [any CodingKey] = []
        var allKeys: [Key] = []
        func contains(_ key: Key) -> Bool { false }
        func decodeNil(forKey key: Key) throws -> Bool { true }
        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            throw DecodingError.keyNotFound(key, .init(codingPath: [], debugDescription: "empty"))
        }
        func nestedContainer<N: CodingKey>(keyedBy type: N.Type, forKey key: Key) throws -> KeyedDecodingContainer<N> {
            KeyedDecodingContainer(EmptyContainer<N>())
        }
        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            throw DecodingError.keyNotFound(key, .init(codingPath: [], debugDescription: "empty"))
        }
        func superDecoder() throws -> any Decoder { EmptyDecoder() }
        func superDecoder(forKey key: Key) throws -> any Decoder { EmptyDecoder() }
    }
}

/// Short descriptions of JSON decoding failures: which key and why.
enum JSONProblem {
    static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return SottoError.describe(error) }
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map(\.stringValue).joined(separator: ".")
        }
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "unexpected value at \(path(context))"
        case .keyNotFound(let key, let context):
            return "missing key \((context.codingPath.map(\.stringValue) + [key.stringValue]).joined(separator: "."))"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not JSON" : "bad value at \(path(context))"
        @unknown default:
            return "\(error)"
        }
    }
}
