import SottoKernels

/// HiFi-GAN's generator: a 7-tap input convolution, then per stage LeakyReLU(0.1), a transposed
/// convolution that upsamples, and the mean of several residual blocks with different kernels
/// and dilations; finally LeakyReLU(0.01), a 7-tap convolution to one channel and tanh. The
/// stage count, rates, kernels, dilations and widths all come from the graph (the low and medium
/// tiers use ResBlock2, the high tier ResBlock1).
struct HiFiGANDecoder {
    struct Stage {
        let upsample: PolyphaseConvTranspose1d
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

    /// Whether windows of frames can be decoded on their own: every convolution keeps the length
    /// and every upsampling multiplies it exactly by its stride, so column n of a layer is the
    /// same instant in a window as in the whole sentence.
    var decodesWindows: Bool {
        let sameLength = [pre, post].allSatisfy { $0.padding.left + $0.padding.right == $0.dilation * ($0.kernelSize - 1)
                                                    && $0.padding.mode == .zeros }
        return sameLength && stages.allSatisfy { stage in
            let up = stage.upsample
            return up.outputPadding == 0 && up.outputLength(inputLength: 1) == up.stride
                && up.outputLength(inputLength: 2) == 2 * up.stride
        }
    }

    /// The columns a window computes at each layer boundary, in the whole sentence's
    /// coordinates at that layer's rate.
    struct WindowPlan {
        /// Latent frames the input convolution reads.
        var latent: Range<Int>
        /// Per stage: the columns its transposed convolution reads and those its residual blocks read.
        var stageInputs: [Range<Int>]
        var residualInputs: [Range<Int>]
        /// The columns the output convolution reads, and the samples kept.
        var postInput: Range<Int>
        var samples: Range<Int>
        /// For tests: latent frames at each side of `latent` replaced by zeros.
        var missing = (left: 0, right: 0)
    }

    /// The receptive field of the samples of `frames`, layer by layer: walking the layers
    /// backwards from those samples, each step takes the columns the layer reads for the columns
    /// the next layer needs (``Reach``). Every layer is a convolution over time and everything
    /// between them is per column, so a window that computes exactly these columns forms each
    /// kept sample from the same inputs, products and sums as the whole sentence does; the
    /// columns near a window's edges, where its zero padding stands in for the neighbours, are
    /// wrong, but nothing kept reads them. The windowed audio therefore differs from the whole
    /// sentence's only where a kernel sums in a different order because a column sits elsewhere
    /// in its register tile or sgemm block: float32 rounding, nothing else.
    func plan(frames: Range<Int>, totalFrames: Int) -> WindowPlan {
        var rates = [1]
        for stage in stages { rates.append(rates[rates.count - 1] * stage.upsample.stride) }
        let hop = rates[rates.count - 1]
        let samples = frames.lowerBound * hop ..< frames.upperBound * hop
        let postInput = Reach.sameLength(samples, left: post.padding.left, right: post.padding.right, length: totalFrames * hop)
        var need = postInput
        var stageInputs: [Range<Int>] = [], residualInputs: [Range<Int>] = []
        for (i, stage) in stages.enumerated().reversed() {
            let up = stage.upsample
            let residual = Reach.sameLength(need, left: stage.residuals.reachLeft, right: stage.residuals.reachRight,
                                            length: totalFrames * rates[i + 1])
            need = Reach.transposed(residual, kernel: up.kernelSize, stride: up.stride, padding: up.padding,
                                    dilation: 1, length: totalFrames * rates[i])
            residualInputs.insert(residual, at: 0)
            stageInputs.insert(need, at: 0)
        }
        let latent = Reach.sameLength(need, left: pre.padding.left, right: pre.padding.right, length: totalFrames)
        return WindowPlan(latent: latent, stageInputs: stageInputs, residualInputs: residualInputs,
                          postInput: postInput, samples: samples)
    }

    /// z `[C, F]` → audio samples.
    func callAsFunction(_ z: Tensor, speaker: Tensor?, workspace: Workspace) -> [Float] {
        decode(z, plan: plan(frames: 0 ..< z.shape[1], totalFrames: z.shape[1]), speaker: speaker, workspace: workspace)
    }

    /// Floats of workspace ``decode(_:plan:speaker:workspace:)`` takes at most for `plan`: what
    /// it keeps until it returns (each layer's output) plus the most any one layer borrows.
    func workspaceFloats(plan: WindowPlan) -> Int {
        let columns = plan.latent.count
        var held = Workspace.footprint(pre.inChannels * columns) + Workspace.footprint(pre.outChannels * columns)
        // The speaker's bias (multi-speaker voices) is a few hundred floats; the slack covers it.
        var peak = held + pre.scratchFloats(inputLength: columns) + (speakerCondition == nil ? 0 : 1 << 14)
        for (i, stage) in stages.enumerated() {
            let up = stage.upsample, inputs = plan.stageInputs[i].count, residuals = plan.residualInputs[i].count
            held += Workspace.footprint(up.outChannels * up.outputLength(inputLength: inputs))
            peak = max(peak, held + up.scratchFloats(inputLength: inputs))
            held += Workspace.footprint(up.outChannels * residuals)
            peak = max(peak, held + stage.residuals.scratchFloats(channels: up.outChannels, length: residuals))
        }
        let samples = plan.postInput.count
        held += Workspace.footprint(post.outChannels * post.outputLength(inputLength: samples))
        return max(peak, held + post.scratchFloats(inputLength: samples))
    }

    /// The samples `plan` keeps, from the whole sentence's latent z `[C, F]`.
    ///
    /// Each LeakyReLU is applied by whatever writes its input (the input convolution, or the
    /// last residual block's accumulation), since the values before it are not needed again.
    func decode(_ z: Tensor, plan: WindowPlan, speaker: Tensor?, workspace: Workspace) -> [Float] {
        let mark = workspace.mark()
        defer { workspace.release(to: mark) }
        let input = z.sliced(axis: 1, plan.latent).contiguous(in: workspace)
        if plan.missing != (0, 0) {
            let length = plan.latent.count, left = min(plan.missing.left, length), right = min(plan.missing.right, length)
            for c in 0 ..< input.shape[0] {
                if left > 0 { input.sliced(axis: 0, c ..< c + 1).sliced(axis: 1, 0 ..< left).fill(0) }
                if right > 0 { input.sliced(axis: 0, c ..< c + 1).sliced(axis: 1, length - right ..< length).fill(0) }
            }
        }
        var x = workspace.tensor([pre.outChannels, plan.latent.count])
        if let speakerCondition, let speaker {
            pre.apply(input, into: x, workspace: workspace)
            let bias = speakerCondition(speaker, workspace: workspace)
            Elementwise.broadcastAffine(x, scale: nil, shift: bias.reshaped([-1]), perRow: true, into: x)
            Activation.leakyReLU(slope: Self.slope).apply(inPlace: x)
        } else {
            pre.apply(input, into: x, outputSlope: Self.slope, workspace: workspace)
        }
        var covered = plan.latent
        for (i, stage) in stages.enumerated() {
            let up = stage.upsample(Self.crop(x, covering: covered, to: plan.stageInputs[i]), workspace: workspace)
            let start = plan.stageInputs[i].lowerBound * stage.upsample.stride
            let residualInput = Self.crop(up, covering: start ..< start + up.shape[1], to: plan.residualInputs[i])
            let sum = workspace.tensor(residualInput.shape)
            let next = i + 1 < stages.count ? Self.slope : Self.outputSlope
            stage.residuals.run(residualInput, into: sum, outputSlope: next, workspace: workspace)
            x = sum
            covered = plan.residualInputs[i]
        }
        let audio = post(Self.crop(x, covering: covered, to: plan.postInput), workspace: workspace)
        Activation.tanh.apply(inPlace: audio)
        return Self.crop(audio, covering: plan.postInput, to: plan.samples).toArray()
    }

    /// The columns `wanted` of `x`, whose columns are `covering` of the whole signal.
    private static func crop(_ x: Tensor, covering: Range<Int>, to wanted: Range<Int>) -> Tensor {
        precondition(covering.lowerBound <= wanted.lowerBound && wanted.upperBound <= covering.upperBound,
                     "window plan: columns \(wanted) are not within \(covering)")
        if wanted == covering { return x }
        return x.sliced(axis: 1, wanted.lowerBound - covering.lowerBound ..< wanted.upperBound - covering.lowerBound)
    }
}
