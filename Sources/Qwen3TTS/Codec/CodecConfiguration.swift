import Foundation
import SottoCore

/// `speech_tokenizer/config.json`: the decoder half of Qwen3-TTS-Tokenizer-12Hz.
public struct CodecConfiguration: Decodable, Sendable {
    public var sampleRate: Int
    public var samplesPerFrame: Int
    public var codebookSize: Int
    public var codebookDim: Int
    public var latentDim: Int
    public var decoderDim: Int
    public var quantizers: Int
    public var upsampleRates: [Int]
    public var upsamplingRatios: [Int]
    public var transformer: DecoderDimensions
    public var slidingWindow: Int

    enum TopKeys: String, CodingKey {
        case outputSampleRate = "output_sample_rate", decodeUpsampleRate = "decode_upsample_rate", decoder = "decoder_config"
    }

    enum DecoderKeys: String, CodingKey {
        case codebookSize = "codebook_size", codebookDim = "codebook_dim", latentDim = "latent_dim"
        case decoderDim = "decoder_dim", quantizers = "num_quantizers", upsampleRates = "upsample_rates"
        case upsamplingRatios = "upsampling_ratios", hiddenSize = "hidden_size", intermediateSize = "intermediate_size"
        case layers = "num_hidden_layers", heads = "num_attention_heads", kvHeads = "num_key_value_heads"
        case headDim = "head_dim", eps = "rms_norm_eps", theta = "rope_theta", slidingWindow = "sliding_window"
    }

    public init(from decoder: any Decoder) throws {
        let top = try decoder.container(keyedBy: TopKeys.self)
        sampleRate = try top.decodeIfPresent(Int.self, forKey: .outputSampleRate) ?? 24000
        let c = try top.nestedContainer(keyedBy: DecoderKeys.self, forKey: .decoder)
        codebookSize = try c.decodeIfPresent(Int.self, forKey: .codebookSize) ?? 2048
        codebookDim = try c.decodeIfPresent(Int.self, forKey: .codebookDim) ?? 512
        latentDim = try c.decodeIfPresent(Int.self, forKey: .latentDim) ?? 1024
        decoderDim = try c.decodeIfPresent(Int.self, forKey: .decoderDim) ?? 1536
        quantizers = try c.decodeIfPresent(Int.self, forKey: .quantizers) ?? 16
        upsampleRates = try c.decodeIfPresent([Int].self, forKey: .upsampleRates) ?? [8, 5, 4, 3]
        upsamplingRatios = try c.decodeIfPresent([Int].self, forKey: .upsamplingRatios) ?? [2, 2]
        let hidden = try c.decodeIfPresent(Int.self, forKey: .hiddenSize) ?? 512
        let heads = try c.decodeIfPresent(Int.self, forKey: .heads) ?? 16
        transformer = DecoderDimensions(
            hiddenSize: hidden, intermediateSize: try c.decodeIfPresent(Int.self, forKey: .intermediateSize) ?? 1024,
            layers: try c.decodeIfPresent(Int.self, forKey: .layers) ?? 8, heads: heads,
            kvHeads: try c.decodeIfPresent(Int.self, forKey: .kvHeads) ?? heads,
            headDim: try c.decodeIfPresent(Int.self, forKey: .headDim) ?? hidden / heads,
            rmsNormEpsilon: Float(try c.decodeIfPresent(Double.self, forKey: .eps) ?? 1e-5),
            ropeTheta: Float(try c.decodeIfPresent(Double.self, forKey: .theta) ?? 10000), vocabularySize: 0)
        slidingWindow = try c.decodeIfPresent(Int.self, forKey: .slidingWindow) ?? 72
        samplesPerFrame = (upsampleRates + upsamplingRatios).reduce(1, *)
        if let declared = try top.decodeIfPresent(Int.self, forKey: .decodeUpsampleRate), declared != samplesPerFrame {
            throw DecodingError.dataCorruptedError(forKey: .decodeUpsampleRate, in: top,
                                                   debugDescription: "decode_upsample_rate disagrees with the upsampling factors")
        }
    }

    public static func load(_ url: URL) throws -> CodecConfiguration {
        guard let data = try? Data(contentsOf: url) else { throw SottoError("missing codec config file \(url.path)") }
        do {
            let config = try JSONDecoder().decode(CodecConfiguration.self, from: data)
            guard config.decoderDim >> config.upsampleRates.count > 0, config.codebookDim % 2 == 0,
                  config.transformer.heads % max(config.transformer.kvHeads, 1) == 0 else {
                throw SottoError("\(url.path) has inconsistent codec dimensions")
            }
            return config
        } catch let error as SottoError {
            throw error
        } catch {
            throw SottoError("\(url.path) is not a valid Qwen3-TTS codec config: \(JSONProblem.describe(error))")
        }
    }
}
