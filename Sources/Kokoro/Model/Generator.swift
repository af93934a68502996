import SottoKernels

/// The iSTFTNet generator: two upsampling stages (×10, ×6), each adding the harmonic source
/// (its STFT through a strided conv and a Snake residual block) and averaging three Snake
/// residual blocks (kernels 3, 7, 11), then conv_post to a log-magnitude and phase spectrum and
/// the inverse STFT. Input `[512, 2F]` → audio `[600F]`.
struct Generator: Sendable {
    let source: HarmonicSource
    let sourceSTFT: STFT
    let noiseConvs: [Convolution]
    let noiseBlocks: [SnakeResidualBlock]
    let upsamplers: [ConvTranspose1d]
    let blocks: [SnakeResidualBlock]
    let post: Convolution
    let inverse: InverseSTFT
    let kernelsPerStage = 3

    init(_ weights: KokoroWeights) throws {
        let root = "decoder.decoder.generator"
        source = try HarmonicSource(weights)
        inverse = try InverseSTFT(weights)
        let fftSize = inverse.synthesis.kernelSize
        sourceSTFT = STFT(fftSize: fftSize, hopSize: inverse.synthesis.stride,
                          window: Window.hann(fftSize, periodic: true), center: true, padMode: .reflect)
        noiseConvs = try (0..<2).map { try weights.conv("\(root).noise_convs.\($0)") }
        noiseBlocks = try (0..<2).map { try SnakeResidualBlock(weights, "\(root).noise_res.\($0)") }
        upsamplers = try (0..<2).map { try weights.convTranspose("\(root).ups.\($0)") }
        blocks = try (0..<6).map { try SnakeResidualBlock(weights, "\(root).resblocks.\($0)") }
        post = try weights.conv("\(root).conv_post")
    }

    /// The source's magnitude ‖ phase spectrum `[22, 120F + 1]`, in storage of its own: the
    /// transform's temporaries go back to the workspace for the upsampling stages.
    func sourceSpectrum(_ harmonic: Tensor, workspace: Workspace) -> Tensor {
        let mark = workspace.mark()
        defer { workspace.release(to: mark) }
        let (real, imag) = sourceSTFT.forward(harmonic, workspace: workspace)
        let bins = real.shape[0], frames = real.shape[1]
        let spectrum = Tensor(zeros: [2 * bins, frames])
        STFT.magnitudeAndPhase(real: real, imag: imag,
                               magnitude: spectrum.sliced(axis: 0, 0..<bins),
                               phase: spectrum.sliced(axis: 0, bins..<(2 * bins)))
        return spectrum
    }

    /// Audio from `features` `[512, 2F]`, which is overwritten (its activation is taken in place).
    func callAsFunction(_ features: Tensor, style: Tensor, f0: Tensor, workspace: Workspace,
                        tap: ((String, Tensor) -> Void)? = nil) -> Tensor {
        let harmonic = source(f0, workspace: workspace)
        tap?("harmonic", harmonic)
        let spectrum = sourceSpectrum(harmonic, workspace: workspace)
        // Memory: at 120 samples per frame the last stage's tensors are the largest the model
        // holds (128 channels × 120F), so each stage keeps only the upsampled sum, one block's
        // working copy and tensor, and the running mean; everything else is released as soon as
        // it has been added in, and a stage's input as soon as it has been upsampled.
        var x = features
        let origin = workspace.mark()
        for stage in 0..<upsamplers.count {
            let last = stage == upsamplers.count - 1
            let upsampler = upsamplers[stage]
            let width = upsampler.outputLength(inputLength: x.shape[1]) + (last ? 1 : 0)
            let sum = workspace.tensor([upsampler.outChannels, width])
            let mark = workspace.mark()
            // x is not read again, so the activation goes in place.
            Activation.leakyReLU(slope: 0.1).apply(inPlace: x)
            let up = workspace.tensor([upsampler.outChannels, width])
            if last {
                // ReflectionPad1d((1, 0)): column 0 mirrors column 2 (the second upsampled one).
                upsampler.apply(x, into: up.sliced(axis: 1, 1..<width), workspace: workspace)
                for c in 0..<up.shape[0] { up.pointer[c * width] = up.pointer[c * width + 2] }
            } else {
                upsampler.apply(x, into: up, workspace: workspace)
            }
            x = up  // drops an input in storage of its own (see below)
            addExcitation(stage, spectrum: spectrum, style: style, into: up, workspace: workspace)
            // The mean of three residual blocks of the same input: the first works in `sum`, the
            // second in a copy, the third in `up` itself, which is not needed after it.
            sum.copy(from: up)
            blocks[stage * kernelsPerStage].apply(sum, style: style, workspace: workspace)
            for j in 1..<kernelsPerStage {
                let isLast = j == kernelsPerStage - 1
                let branch = isLast ? up : workspace.tensor(up.shape)
                if !isLast { branch.copy(from: up) }
                blocks[stage * kernelsPerStage + j].apply(branch, style: style, workspace: workspace)
                Elementwise.add(sum, branch, into: sum)
            }
            Elementwise.affine(sum, scale: 1 / Float(kernelsPerStage), into: sum)
            workspace.release(to: mark)
            if last {
                x = sum
            } else {
                // The next stage's tensors are larger: its input moves out of the arena so that
                // the arena below is reused, and is freed once upsampled.
                x = KokoroModel.owned(sum)
                workspace.release(to: origin)
            }
        }
        Activation.leakyReLU(slope: 0.01).apply(inPlace: x)
        let spectral = post(x, workspace: workspace)
        tap?("conv_post", spectral)
        let bins = inverse.bins
        return inverse(logMagnitude: spectral.sliced(axis: 0, 0..<bins),
                       phaseInput: spectral.sliced(axis: 0, bins..<(2 * bins)), workspace: workspace)
    }

    /// up += noise_res(noise_convs(spectrum)), the harmonic source at this stage's rate; its
    /// temporaries are released before returning.
    func addExcitation(_ stage: Int, spectrum: Tensor, style: Tensor, into up: Tensor, workspace: Workspace) {
        let mark = workspace.mark()
        defer { workspace.release(to: mark) }
        let excitation = noiseConvs[stage](spectrum, workspace: workspace)
        precondition(up.shape == excitation.shape, "generator stage \(stage): \(up.shape) vs source \(excitation.shape)")
        noiseBlocks[stage].apply(excitation, style: style, workspace: workspace)
        Elementwise.add(up, excitation, into: up)
    }
}
