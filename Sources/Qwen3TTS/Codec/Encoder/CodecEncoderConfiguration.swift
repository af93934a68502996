import Foundation
import SottoCore

/// `speech_tokenizer/config.json`: the encoder half of Qwen3-TTS-Tokenizer-12Hz, a Mimi model
/// (`encoder_config`) of which the first `encoder_valid_num_quantizers` codes are kept.
public struct CodecEncoderConfiguration: Decodable, Sendable {
    public var sampleRate: Int
    /// Samples per output frame (1920 at 24 kHz, 12.5 frames per second).
    public var samplesPerFrame: Int
    /// Codes kept per frame.
    public var keptQuantizers: Int

    // SEANet convolution stack.
    public var filters: Int
    public var kernelSize: Int
    public var residualKernelSize: Int
    public var lastKernelSize: Int
    public var dilationGrowth: Int
    public var residualLayers: Int
    public var compress: Int
    /// Downsampling factors in the order the encoder applies them (the reverse of
    /// `upsampling_ratios`).
    public var downsamplingRatios: [Int]

    // Transformer.
    public var hiddenSize: Int
    public var intermediateSize: Int
    public var layers: Int
    public var heads: Int
    public var kvHeads: Int
    public var headDim: Int
    public var normEpsilon: Float
    public var ropeTheta: Float

    // Split residual vector quantiser.
    public var quantizers: Int
    public var semanticQuantizers: Int
    public var codebookSize: Int
    public var codebookDim: Int

    /// Frames per second after the SEANet stack, and the factor the downsampling convolution
    /// takes it down by (1 when the two rates agree and Mimi has no such convolution).
    public var convolutionFrameRate: Int
    public var downsampleStride: Int

    enum TopKeys: String, CodingKey {
        case inputSampleRate = "input_sample_rate", encodeDownsampleRate = "encode_downsample_rate"
        case keptQuantizers = "encoder_valid_num_quantizers", encoder = "encoder_config"
    }

    enum EncoderKeys: String, CodingKey {
        case channels = "audio_channels", filters = "num_filters", kernelSize = "kernel_size"
        case residualKernelSize = "residual_kernel_size", lastKernelSize = "last_kernel_size"
        case dilationGrowth = "dilation_growth_rate", residualLayers = "num_residual_layers", compress
        case upsamplingRatios = "upsampling_ratios", causal = "use_causal_conv", shortcut = "use_conv_shortcut"
        case padMode = "pad_mode", streaming = "use_streaming", hiddenSize = "hidden_size"
        case intermediateSize = "intermediate_size", layers = "num_hidden_layers", heads = "num_attention_heads"
        case kvHeads = "num_key_value_heads", headDim = "head_dim", act = "hidden_act", eps = "norm_eps"
        case theta = "rope_theta", attentionBias = "attention_bias", quantizers = "num_quantizers"
        case semanticQuantizers = "num_semantic_quantizers", codebookSize = "codebook_size"
        case codebookDim = "codebook_dim", quantizerHidden = "vector_quantization_hidden_dimension"
        case frameRate = "_frame_rate", sampleRate = "sampling_rate"
    }

    public init(from decoder: any Decoder) throws {
        let top = try decoder.container(keyedBy: TopKeys.self)
        let c = try top.nestedContainer(keyedBy: EncoderKeys.self, forKey: .encoder)
        func unsupported(_ key: EncoderKeys, _ why: String) -> DecodingError {
            DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: why)
        }
        // Settings Mimi offers but no Qwen3-TTS codec uses are refused rather than guessed at.
        if try c.decodeIfPresent(Int.self, forKey: .channels) ?? 1 != 1 { throw unsupported(.channels, "only mono encoders are supported") }
        if try c.decodeIfPresent(Bool.self, forKey: .causal) == false { throw unsupported(.causal, "only causal convolutions are supported") }
        if try c.decodeIfPresent(Bool.self, forKey: .shortcut) == true { throw unsupported(.shortcut, "convolution shortcuts are not supported") }
        if try c.decodeIfPresent(Bool.self, forKey: .streaming) == true { throw unsupported(.streaming, "streaming encoding is not supported") }
        if try c.decodeIfPresent(Bool.self, forKey: .attentionBias) == true { throw unsupported(.attentionBias, "attention biases are not supported") }
        if let mode = try c.decodeIfPresent(String.self, forKey: .padMode), mode != "constant" {
            throw unsupported(.padMode, "pad_mode \(mode) is not supported")
        }
        if let act = try c.decodeIfPresent(String.self, forKey: .act), act != "gelu" {
            throw unsupported(.act, "hidden_act \(act) is not supported")
        }
        sampleRate = try top.decodeIfPresent(Int.self, forKey: .inputSampleRate)
            ?? c.decodeIfPresent(Int.self, forKey: .sampleRate) ?? 24000
        keptQuantizers = try top.decodeIfPresent(Int.self, forKey: .keptQuantizers) ?? 16
        filters = try c.decodeIfPresent(Int.self, forKey: .filters) ?? 64
        kernelSize = try c.decodeIfPresent(Int.self, forKey: .kernelSize) ?? 7
        residualKernelSize = try c.decodeIfPresent(Int.self, forKey: .residualKernelSize) ?? 3
        lastKernelSize = try c.decodeIfPresent(Int.self, forKey: .lastKernelSize) ?? 3
        dilationGrowth = try c.decodeIfPresent(Int.self, forKey: .dilationGrowth) ?? 2
        residualLayers = try c.decodeIfPresent(Int.self, forKey: .residualLayers) ?? 1
        compress = try c.decodeIfPresent(Int.self, forKey: .compress) ?? 2
        downsamplingRatios = Array((try c.decodeIfPresent([Int].self, forKey: .upsamplingRatios) ?? [8, 6, 5, 4]).reversed())
        hiddenSize = try c.decodeIfPresent(Int.self, forKey: .hiddenSize) ?? 512
        intermediateSize = try c.decodeIfPresent(Int.self, forKey: .intermediateSize) ?? 2048
        layers = try c.decodeIfPresent(Int.self, forKey: .layers) ?? 8
        heads = try c.decodeIfPresent(Int.self, forKey: .heads) ?? 8
        kvHeads = try c.decodeIfPresent(Int.self, forKey: .kvHeads) ?? heads
        headDim = try c.decodeIfPresent(Int.self, forKey: .headDim) ?? hiddenSize / max(heads, 1)
        normEpsilon = Float(try c.decodeIfPresent(Double.self, forKey: .eps) ?? 1e-5)
        ropeTheta = Float(try c.decodeIfPresent(Double.self, forKey: .theta) ?? 10000)
        quantizers = try c.decodeIfPresent(Int.self, forKey: .quantizers) ?? 32
        semanticQuantizers = try c.decodeIfPresent(Int.self, forKey: .semanticQuantizers) ?? 1
        codebookSize = try c.decodeIfPresent(Int.self, forKey: .codebookSize) ?? 2048
        codebookDim = try c.decodeIfPresent(Int.self, forKey: .codebookDim) ?? 256
        if let projected = try c.decodeIfPresent(Int.self, forKey: .quantizerHidden), projected != codebookDim {
            throw unsupported(.quantizerHidden, "vector_quantization_hidden_dimension must equal codebook_dim")
        }
        // Mimi: the SEANet rate is ceil(rate / hop); the downsampling convolution then has kernel
        // 2·(that rate / frame rate) and stride 2.
        let hop = max(downsamplingRatios.reduce(1, *), 1)
        convolutionFrameRate = (sampleRate + hop - 1) / hop
        // Without one, transformers' MimiConfig takes the rate after the stride-2 downsampling
        // (sampling_rate / frame_size, the frame size counting that stride).
        let frameRate = try c.decodeIfPresent(Double.self, forKey: .frameRate) ?? Double(sampleRate) / Double(2 * hop)
        downsampleStride = Double(convolutionFrameRate) == frameRate ? 1 : 2
        samplesPerFrame = hop * downsampleStride
        if downsampleStride == 2, Double(convolutionFrameRate) / frameRate != 2 {
            throw unsupported(.frameRate, "a frame rate of \(frameRate) is not half the convolutions' \(convolutionFrameRate)")
        }
        if let declared = try top.decodeIfPresent(Int.self, forKey: .encodeDownsampleRate), declared != samplesPerFrame {
            throw DecodingError.dataCorruptedError(forKey: .encodeDownsampleRate, in: top,
                                                   debugDescription: "encode_downsample_rate disagrees with the encoder's strides")
        }
    }

    public static func load(_ url: URL) throws -> CodecEncoderConfiguration {
        guard let data = try? Data(contentsOf: url) else { throw SottoError("missing codec config file \(url.path)") }
        do {
            let config = try JSONDecoder().decode(CodecEncoderConfiguration.self, from: data)
            guard config.filters > 0, config.compress > 0, config.heads > 0, config.kvHeads > 0,
                  config.heads % config.kvHeads == 0, config.headDim % 2 == 0, config.codebookSize > 0,
                  config.keptQuantizers >= config.semanticQuantizers, config.keptQuantizers <= config.quantizers,
                  config.semanticQuantizers >= 1, config.semanticQuantizers < config.quantizers,
                  config.downsamplingRatios.allSatisfy({ $0 > 0 }) else {
                throw SottoError("\(url.path) has inconsistent codec encoder dimensions")
            }
            return config
        } catch let error as SottoError {
            throw error
        } catch {
            throw SottoError("\(url.path) has no usable Qwen3-TTS codec encoder config: \(JSONProblem.describe(error))")
        }
    }
}
