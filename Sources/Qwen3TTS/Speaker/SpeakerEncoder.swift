import Foundation
import SottoCore
import SottoKernels

/// What the speaker encoder computes on the way to the x-vector, kept for comparison with the
/// reference stage by stage. Feature maps are `[channels, frames]`, row-major.
public struct SpeakerEncoderStages: Sendable {
    public var features: [Float]
    /// The first TDNN's output, then each SE-Res2Net block's.
    public var blocks: [[Float]]
    public var aggregated: [Float]
    public var pooled: [Float]
    public var xVector: [Float]
    public var frames: Int
}

/// The Base models' ECAPA-TDNN speaker encoder: 128-bin log-mel features of 24 kHz audio →
/// first TDNN → SE-Res2Net blocks → multi-layer aggregation (a TDNN over the blocks' outputs
/// side by side) → attentive statistics pooling → a 1×1 convolution to the x-vector, which
/// takes the speaker's place in the talker's codec track.
///
/// Weights are read once, in float32 (`speaker_encoder.*` of `model.safetensors`). When the
/// model runs in bf16 the reference feeds the encoder bf16 features and returns a bf16 x-vector;
/// `roundsToBFloat16` rounds both the same way (the layers themselves run in float32).
public final class SpeakerEncoder: Sendable {
    public let configuration: SpeakerEncoderConfiguration
    public let roundsToBFloat16: Bool
    let features = LogMelSpectrogram()
    let first: TimeDelayLayer
    let blocks: [SERes2NetBlock]
    let aggregation: TimeDelayLayer
    let pooling: AttentiveStatisticsPooling
    let output: TimeDelayLayer

    public init(_ archive: SafetensorsArchive, configuration: SpeakerEncoderConfiguration, roundsToBFloat16: Bool = false,
                prefix: String = "speaker_encoder.") throws {
        self.configuration = configuration
        self.roundsToBFloat16 = roundsToBFloat16
        let c = configuration, n = c.channels.count
        first = try TimeDelayLayer(archive, prefix: prefix + "blocks.0.conv", inChannels: c.melBins, outChannels: c.channels[0],
                                   kernelSize: c.kernelSizes[0], dilation: c.dilations[0])
        blocks = try (1 ..< n - 1).map { i in
            try SERes2NetBlock(archive, prefix: prefix + "blocks.\(i)", inChannels: c.channels[i - 1], channels: c.channels[i],
                               scale: c.res2NetScale, squeezeChannels: c.squeezeChannels, kernelSize: c.kernelSizes[i],
                               dilation: c.dilations[i])
        }
        aggregation = try TimeDelayLayer(archive, prefix: prefix + "mfa.conv", inChannels: c.channels[n - 1],
                                         outChannels: c.channels[n - 1], kernelSize: c.kernelSizes[n - 1],
                                         dilation: c.dilations[n - 1])
        pooling = try AttentiveStatisticsPooling(archive, prefix: prefix + "asp", channels: c.channels[n - 1],
                                                 attentionChannels: c.attentionChannels)
        output = try TimeDelayLayer(archive, prefix: prefix + "fc", inChannels: 2 * c.channels[n - 1],
                                    outChannels: c.embeddingSize, kernelSize: 1, dilation: 1, activation: nil)
    }

    /// Loads the encoder of the Base model in `folder` (its config.json and model.safetensors).
    public convenience init(folder: URL, roundsToBFloat16: Bool = false) throws {
        let configuration = try SpeakerEncoderConfiguration.load(folder.appendingPathComponent("config.json"))
        let archive = try SafetensorsArchive(folder.appendingPathComponent("model.safetensors"), role: "weights")
        try self.init(archive, configuration: configuration, roundsToBFloat16: roundsToBFloat16)
    }

    /// Frames the reflect padding of the widest layer mirrors; features must be longer.
    var reach: Int { ([first.reach, aggregation.reach] + blocks.map(\.reach)).max() ?? 0 }

    /// The x-vector of 24 kHz mono `samples`.
    public func embed(_ samples: [Float]) throws -> [Float] {
        try stages(samples).xVector
    }

    /// Every stage for 24 kHz mono `samples`.
    public func stages(_ samples: [Float]) throws -> SpeakerEncoderStages {
        let workspace = Workspace()
        let mel = try features(samples, workspace: workspace)
        return try stages(features: mel, workspace: workspace)
    }

    /// Every stage for `[128, frames]` features.
    func stages(features mel: Tensor, workspace: Workspace) throws -> SpeakerEncoderStages {
        let frames = mel.shape[1]
        guard frames > reach else {
            throw SottoError("the reference audio is too short for the speaker encoder (\(frames) feature frames, it needs more than \(reach))")
        }
        if roundsToBFloat16 { Self.roundToBFloat16(mel) }
        var outputs = [first(mel, workspace: workspace)]
        for block in blocks { outputs.append(block(outputs[outputs.count - 1], workspace: workspace)) }
        // The aggregation sees the SE-Res2Net blocks' outputs (not the first TDNN's) stacked.
        let width = configuration.channels[1]
        let stacked = workspace.tensor([width * blocks.count, frames])
        for (i, block) in outputs.dropFirst().enumerated() {
            stacked.sliced(axis: 0, i * width ..< (i + 1) * width).copy(from: block)
        }
        let aggregated = aggregation(stacked, workspace: workspace)
        let pooled = pooling(aggregated, workspace: workspace)
        let xVector = output(Tensor(shape: [pooled.count, 1], values: pooled), workspace: workspace)
        if roundsToBFloat16 { Self.roundToBFloat16(xVector) }
        return SpeakerEncoderStages(features: mel.toArray(), blocks: outputs.map { $0.toArray() },
                                    aggregated: aggregated.toArray(), pooled: pooled, xVector: xVector.toArray(),
                                    frames: frames)
    }

    /// Rounds a dense tensor's values to bf16 (nearest even) in place.
    static func roundToBFloat16(_ x: Tensor) {
        let count = x.count
        var bits = [UInt16](repeating: 0, count: count)
        withExtendedLifetime(x) {
            HalfPrecision.floatToBFloat16(x.pointer, &bits, count: count)
            HalfPrecision.bfloat16ToFloat(bits, x.pointer, count: count)
        }
    }
}
