import SottoKernels

/// HiFi-GAN's generator: a 7-tap input convolution, then per stage LeakyReLU(0.1), a transposed
/// convolution that upsamples, and the mean of several residual blocks with different kernels
/// and dilations; finally LeakyReLU(0.01), a 7-tap convolution to one channel and tanh. The
/// stage count, rates, kernels, dilations and widths all come from the graph (the low and medium
/// tiers use ResBlock2, the high tier ResBlock1).
struct HiFiGANDecoder {
    struct Stage {
        let upsample: ConvTranspose1d
        let blocks: [HiFiGANResBlock]
    }

    let pre: Conv1d
    let stages: [Stage]
    let post: Conv1d
    /// gin → initial channels (multi-speaker voices only).
    let speakerCondition: Conv1d?
    /// The generator's slopes: 0.1 inside, PyTorch's default 0.01 before the output convolution.
    static let slope: Float = 0.1
    static let outputSlope: Float = 0.01

    init(weights: PiperWeights) throws {
        pre = try weights.conv("dec.conv_pre")
        post = try weights.conv("dec.conv_post")
        speakerCondition = weights.hasConvolution("dec.cond") ? try weights.conv("dec.cond") : nil
        let upsampleCount = weights.count("dec.ups", "weight")
        let blockCount = weights.count("dec.resblocks", HiFiGANResBlock.firstWeight(weights))
        guard upsampleCount > 0, blockCount > 0, blockCount % upsampleCount == 0 else {
            throw weights.malformed("dec", "\(blockCount) residual blocks for \(upsampleCount) upsampling layers")
        }
        let perStage = blockCount / upsampleCount
        stages = try (0 ..< upsampleCount).map { i in
            Stage(upsample: try weights.convTranspose("dec.ups.\(i)"),
                  blocks: try (0 ..< perStage).map { try HiFiGANResBlock(weights: weights, module: "dec.resblocks.\(i * perStage + $0)") })
        }
        var channels = pre.outChannels
        for stage in stages {
            guard stage.upsample.inChannels == channels,
                  stage.blocks.allSatisfy({ $0.channels == stage.upsample.outChannels }) else {
                throw weights.malformed("dec", "stage widths disagree")
            }
            channels = stage.upsample.outChannels
        }
        guard post.inChannels == channels, post.outChannels == 1 else { throw weights.malformed("dec.conv_post", "not \(channels) → 1") }
    }

    /// Output samples per latent frame.
    var hopLength: Int { stages.reduce(1) { $0 * $1.upsample.stride } }

    /// z `[C, F]` → audio samples.
    func callAsFunction(_ z: Tensor, speaker: Tensor?, workspace: Workspace) -> [Float] {
        let mark = workspace.mark()
        defer { workspace.release(to: mark) }
        var x = pre(z, workspace: workspace)
        if let speakerCondition, let speaker {
            let bias = speakerCondition(speaker, workspace: workspace)
            Elementwise.broadcastAffine(x, scale: nil, shift: bias.reshaped([-1]), perRow: true, into: x)
        }
        // Each stage's buffers stay until the end: the last stage is the widest in time and
        // outweighs all earlier ones together, so releasing them early would save little.
        for stage in stages {
            Activation.leakyReLU(slope: Self.slope).apply(inPlace: x)
            let up = stage.upsample(x, workspace: workspace)
            let sum = workspace.tensor(up.shape)
            let scratch = workspace.tensor(up.shape)
            let result = workspace.tensor(up.shape)
            for (j, block) in stage.blocks.enumerated() {
                block(up, into: j == 0 ? sum : result, scratch: scratch, workspace: workspace)
                if j > 0 { Elementwise.add(sum, result, into: sum) }
            }
            // The reference divides (rather than multiplying by the reciprocal).
            let count = Float(stage.blocks.count)
            withExtendedLifetime(sum) {
                let p = sum.pointer
                for i in 0 ..< sum.count { p[i] = p[i] / count }
            }
            x = sum
        }
        Activation.leakyReLU(slope: Self.outputSlope).apply(inPlace: x)
        let audio = post(x, workspace: workspace)
        Activation.tanh.apply(inPlace: audio)
        return audio.toArray()
    }
}

/// HiFi-GAN's residual blocks. ResBlock1: pairs of (LeakyReLU, dilated conv, LeakyReLU, conv)
/// added to the input; ResBlock2: single (LeakyReLU, dilated conv) steps added to the input.
struct HiFiGANResBlock {
    /// Each step: its convolutions in order.
    let steps: [[Conv1d]]

    static func firstWeight(_ weights: PiperWeights) -> String {
        weights.has("dec.resblocks.0.convs1.0.weight") ? "convs1.0.weight" : "convs.0.weight"
    }

    init(weights: PiperWeights, module: String) throws {
        if weights.has(module + ".convs1.0.weight") {
            let count = weights.count(module + ".convs1", "weight")
            steps = try (0 ..< count).map { i in
                [try weights.conv("\(module).convs1.\(i)"), try weights.conv("\(module).convs2.\(i)")]
            }
        } else {
            let count = weights.count(module + ".convs", "weight")
            steps = try (0 ..< count).map { i in [try weights.conv("\(module).convs.\(i)")] }
        }
        guard let first = steps.first?.first,
              steps.allSatisfy({ $0.allSatisfy { $0.inChannels == first.inChannels && $0.outChannels == first.inChannels } }) else {
            throw weights.malformed(module, "convolutions differ in width")
        }
    }

    var channels: Int { steps[0][0].inChannels }

    /// block(x) into `y` (same shape as `x`); `scratch` is a third buffer of that shape.
    func callAsFunction(_ x: Tensor, into y: Tensor, scratch: Tensor, workspace: Workspace) {
        let leaky = Activation.leakyReLU(slope: HiFiGANDecoder.slope)
        let mark = workspace.mark()
        defer { workspace.release(to: mark) }
        let convolved = workspace.tensor(y.shape)
        y.copy(from: x)
        for step in steps {
            leaky.apply(y, into: scratch)
            for (k, conv) in step.enumerated() {
                conv.apply(scratch, into: convolved, workspace: workspace)
                if k + 1 < step.count { leaky.apply(convolved, into: scratch) }
            }
            Elementwise.add(y, convolved, into: y)
        }
    }
}
