import Foundation
import SottoCore

/// `speaker_encoder_config` of a Base model's `config.json`: the ECAPA-TDNN's widths. Released
/// Base folders hold only `enc_dim` and `sample_rate`; every other key takes the reference
/// configuration's default (the full-size encoder).
public struct SpeakerEncoderConfiguration: Decodable, Sendable, Equatable {
    public var melBins: Int
    /// Width of the x-vector, which goes into the talker's codec track (= the talker's hidden size).
    public var embeddingSize: Int
    /// Output channels of the first TDNN, each SE-Res2Net block, and the aggregation layer.
    public var channels: [Int]
    public var kernelSizes: [Int]
    public var dilations: [Int]
    public var attentionChannels: Int
    public var res2NetScale: Int
    public var squeezeChannels: Int
    public var sampleRate: Int

    enum CodingKeys: String, CodingKey {
        case melBins = "mel_dim", embeddingSize = "enc_dim", channels = "enc_channels"
        case kernelSizes = "enc_kernel_sizes", dilations = "enc_dilations"
        case attentionChannels = "enc_attention_channels", res2NetScale = "enc_res2net_scale"
        case squeezeChannels = "enc_se_channels", sampleRate = "sample_rate"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        melBins = try c.decodeIfPresent(Int.self, forKey: .melBins) ?? 128
        embeddingSize = try c.decodeIfPresent(Int.self, forKey: .embeddingSize) ?? 1024
        channels = try c.decodeIfPresent([Int].self, forKey: .channels) ?? [512, 512, 512, 512, 1536]
        kernelSizes = try c.decodeIfPresent([Int].self, forKey: .kernelSizes) ?? [5, 3, 3, 3, 1]
        dilations = try c.decodeIfPresent([Int].self, forKey: .dilations) ?? [1, 2, 3, 4, 1]
        attentionChannels = try c.decodeIfPresent(Int.self, forKey: .attentionChannels) ?? 128
        res2NetScale = try c.decodeIfPresent(Int.self, forKey: .res2NetScale) ?? 8
        squeezeChannels = try c.decodeIfPresent(Int.self, forKey: .squeezeChannels) ?? 128
        sampleRate = try c.decodeIfPresent(Int.self, forKey: .sampleRate) ?? 24000
    }

    /// The section of the `config.json` at `url`; a folder without one is not a Base model.
    public static func load(_ url: URL) throws -> SpeakerEncoderConfiguration {
        struct File: Decodable {
            var speakerEncoder: SpeakerEncoderConfiguration?
            enum CodingKeys: String, CodingKey { case speakerEncoder = "speaker_encoder_config" }
        }
        guard let data = try? Data(contentsOf: url) else { throw SottoError("missing config file \(url.path)") }
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: data)
        } catch {
            throw SottoError("\(url.path) is not a valid Qwen3-TTS config: \(JSONProblem.describe(error))")
        }
        guard let config = file.speakerEncoder else {
            throw SottoError("\(url.path) has no speaker_encoder_config", hint: "voice cloning needs a Qwen3-TTS Base model")
        }
        try config.validate(path: url.path)
        return config
    }

    func validate(path: String) throws {
        func fail(_ problem: String) -> SottoError {
            SottoError("\(path): speaker_encoder_config \(problem)", hint: "the file does not describe a Qwen3-TTS Base model")
        }
        // The reference computes 128 mel bins at 24 kHz whatever the config says.
        guard melBins == 128 else { throw fail("has mel_dim \(melBins); the features have 128 bins") }
        guard sampleRate == 24000 else { throw fail("has sample_rate \(sampleRate); the encoder runs at 24000 Hz") }
        guard channels.count >= 3, kernelSizes.count == channels.count, dilations.count == channels.count else {
            throw fail("needs enc_channels, enc_kernel_sizes and enc_dilations of one length (at least 3)")
        }
        let all = channels + kernelSizes + dilations + [embeddingSize, attentionChannels, res2NetScale, squeezeChannels]
        guard all.allSatisfy({ $0 > 0 }) else { throw fail("has a width, kernel or dilation that is not positive") }
        guard kernelSizes.allSatisfy({ $0 % 2 == 1 }) else { throw fail("has an even kernel size") }
        let blocks = channels[1 ..< channels.count - 1]
        guard blocks.allSatisfy({ $0 % res2NetScale == 0 }) else {
            throw fail("has SE-Res2Net widths \(Array(blocks)) not divisible by the scale \(res2NetScale)")
        }
        guard Set(channels[0 ..< channels.count - 1]).count == 1 else {
            throw fail("has first-TDNN and block widths \(Array(channels.dropLast())) that differ; the residual sums need one width")
        }
        guard channels.last == blocks.reduce(0, +) else {
            throw fail("aggregates \(blocks.reduce(0, +)) block channels into enc_channels[-1] = \(channels.last ?? 0); they must match")
        }
    }
}
