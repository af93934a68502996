import SottoKernels

/// The deterministic duration predictor VITS offers instead of the stochastic one (Piper trains
/// it when the stochastic predictor is switched off): two convolutions with ReLU and channel
/// LayerNorm, then a 1×1 projection to log w. It takes no noise.
struct DurationPredictor: DurationModel {
    let first: Conv1d
    let norm1: ChannelNorm
    let second: Conv1d
    let norm2: ChannelNorm
    let projection: Conv1d
    let speakerCondition: Conv1d?

    var usesNoise: Bool { false }

    init(weights: PiperWeights) throws {
        first = try weights.conv("dp.conv_1")
        norm1 = try ChannelNorm(weights: weights, module: "dp.norm_1")
        second = try weights.conv("dp.conv_2")
        norm2 = try ChannelNorm(weights: weights, module: "dp.norm_2")
        projection = try weights.conv("dp.proj")
        speakerCondition = weights.hasConvolution("dp.cond") ? try weights.conv("dp.cond") : nil
        guard projection.outChannels == 1, norm1.channels == first.outChannels, norm2.channels == second.outChannels else {
            throw weights.malformed("dp", "sizes disagree")
        }
    }

    /// Whether the graph holds this predictor rather than the stochastic one.
    static func isPresent(in weights: PiperWeights) -> Bool { weights.hasConvolution("dp.conv_1") }

    func logWidths(_ x: Tensor, speaker: Tensor?, noise: Tensor?, workspace: Workspace) -> [Float] {
        let mark = workspace.mark()
        defer { workspace.release(to: mark) }
        var input = x
        if let speakerCondition, let speaker {
            // The speaker is added to the input here (the stochastic predictor adds it after `pre`).
            input = workspace.tensor(x.shape)
            let bias = speakerCondition(speaker, workspace: workspace)
            Elementwise.broadcastAffine(x, scale: nil, shift: bias.reshaped([-1]), perRow: true, into: input)
        }
        let h = first(input, workspace: workspace)
        Activation.relu.apply(inPlace: h)
        norm1(h, workspace: workspace)
        let g = second(h, workspace: workspace)
        Activation.relu.apply(inPlace: g)
        norm2(g, workspace: workspace)
        return projection(g, workspace: workspace).toArray()
    }
}
