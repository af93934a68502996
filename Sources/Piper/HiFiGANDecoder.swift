import SottoKernels

/// HiFi-GAN's generator: a 7-tap input convolution, then per stage LeakyReLU(0.1), a transposed
/// convolution that upsamples, and the mean of several residual blocks with different kernels
/// and dilations; finally LeakyReLU(0.01), a 7-tap convolution to one channel and tanh. The
/// stage count, rates, kernels, dilations and widths all come from the graph (the low and medium
/// tiers use ResBlock2, the high tier ResBlock1).
struct HiFiGANDecoder {
    struct Stage {
        let upsample: ConvTranspose1d
        let residuals: TiledResidualStage
    }

    let pre: DirectConv1d
    let stages: [Stage]
    let post: DirectConv1d
    /// gin → initial channels (multi-speaker voices only).
    let speakerCondition: Conv1d?
    /// The generator's slopes: 0.1 inside, PyTorch's default 0.01 before the output convolution.
    static let slope: Float = 0.1
    static let outputSlope: Float = 0.01

    init(weights: PiperWeights) throws {
        pre = try weights.directConv("dec.conv_pre")
        post = try weights.directConv("dec.conv_post")
        speakerCondition = weights.hasConvolution("dec.cond") ? try weights.conv("dec.cond") : nil
        let upsampleCount = weights.count("dec.ups", "weight")
        let blockCount = weights.count("dec.resblocks", HiFiGANResBlock.firstWeight(weights))
        guard upsampleCount > 0, blockCount > 0, blockCount % upsampleCount == 0 else {
            throw weights.malformed("dec", "\(blockCount) residual blocks for \(upsampleCount) upsampling layers")
        }
        let perStage = blockCount / upsampleCount
        stages = try (0 ..< upsampleCount).map { i in
            let blocks = try (0 ..< perStage).map { try HiFiGANResBlock(weights: weights, module: "dec.resblocks.\(i * perStage + $0)") }
            return Stage(upsample: try weights.convTranspose("dec.ups.\(i)"),
                         residuals: TiledResidualStage(blocks: blocks, slope: Self.slope))
        }
        var channels = pre.outChannels
        for stage in stages {
            guard stage.upsample.inChannels == channels,
                  stage.residuals.blocks.allSatisfy({ $0.channels == stage.upsample.outChannels }) else {
                throw weights.malformed("dec", "stage widths disagree")
            }
            channels = stage.upsample.outChannels
        }
        guard post.inChannels == channels, post.outChannels == 1 else { throw weights.malformed("dec.conv_post", "not \(channels) → 1") }
        guard speakerCondition.map({ $0.outChannels == pre.outChannels }) ?? true else {
            throw weights.malformed("dec.cond", "does not match conv_pre")
        }
    }

    /// Output samples per latent frame.
    var hopLength: Int { stages.reduce(1) { $0 * $1.upsample.stride } }

    /// z `[C, F]` → audio samples.
    ///
    /// Each LeakyReLU is applied by whatever writes its input (the input convolution, or the
    /// last residual block's accumulation), since the values before it are not needed again.
    func callAsFunction(_ z: Tensor, speaker: Tensor?, workspace: Workspace) -> [Float] {
        let mark = workspace.mark()
        defer { workspace.release(to: mark) }
        var x = workspace.tensor([pre.outChannels, pre.outputLength(inputLength: z.shape[1])])
        if let speakerCondition, let speaker {
            pre.apply(z, into: x, workspace: workspace)
            let bias = speakerCondition(speaker, workspace: workspace)
            Elementwise.broadcastAffine(x, scale: nil, shift: bias.reshaped([-1]), perRow: true, into: x)
            Activation.leakyReLU(slope: Self.slope).apply(inPlace: x)
        } else {
            pre.apply(z, into: x, outputSlope: Self.slope, workspace: workspace)
        }
        for (i, stage) in stages.enumerated() {
            let up = stage.upsample(x, workspace: workspace)
            let sum = workspace.tensor(up.shape)
            let next = i + 1 < stages.count ? Self.slope : Self.outputSlope
            stage.residuals.run(up, into: sum, outputSlope: next, workspace: workspace)
            x = sum
        }
        let audio = post(x, workspace: workspace)
        Activation.tanh.apply(inPlace: audio)
        return audio.toArray()
    }
}
