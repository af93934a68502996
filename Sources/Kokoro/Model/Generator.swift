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

    /// The source's magnitude ‖ phase spectrum `[22, 120F + 1]`.
    func sourceSpectrum(_ harmonic: Tensor, workspace: Workspace) -> Tensor {
        let (real, imag) = sourceSTFT.forward(harmonic, workspace: workspace)
        let bins = real.shape[0], frames = real.shape[1]
        let spectrum = workspace.tensor([2 * bins, frames])
        STFT.magnitudeAndPhase(real: real, imag: imag,
                               magnitude: spectrum.sliced(axis: 0, 0..<bins),
                               phase: spectrum.sliced(axis: 0, bins..<(2 * bins)))
        return spectrum
    }

    func callAsFunction(_ features: Tensor, style: Tensor, f0: Tensor, workspace: Workspace,
                        tap: ((String, Tensor) -> Void)? = nil) -> Tensor {
        let harmonic = source(f0, workspace: workspace)
        tap?("harmonic", harmonic)
        let spectrum = sourceSpectrum(harmonic, workspace: workspace)
        var x = features
        for stage in 0..<upsamplers.count {
            let activated = workspace.tensor(x.shape)
            Activation.leakyReLU(slope: 0.1).apply(x, into: activated)
            let excitation = noiseConvs[stage](spectrum, workspace: workspace)
            noiseBlocks[stage].apply(excitation, style: style, workspace: workspace)
            var up = upsamplers[stage](activated, workspace: workspace)
            if stage == upsamplers.count - 1 { up = Self.reflectOneLeft(up, workspace: workspace) }
            precondition(up.shape == excitation.shape, "generator stage \(stage): \(up.shape) vs source \(excitation.shape)")
            Elementwise.add(up, excitation, into: up)
            let sum = workspace.zeros(up.shape)
            let branch = workspace.tensor(up.shape)
            for j in 0..<kernelsPerStage {
                branch.copy(from: up)
                blocks[stage * kernelsPerStage + j].apply(branch, style: style, workspace: workspace)
                Elementwise.add(sum, branch, into: sum)
            }
            Elementwise.affine(sum, scale: 1 / Float(kernelsPerStage), into: sum)
            x = sum
        }
        Activation.leakyReLU(slope: 0.01).apply(inPlace: x)
        let spectral = post(x, workspace: workspace)
        tap?("conv_post", spectral)
        let bins = inverse.bins
        return inverse(logMagnitude: spectral.sliced(axis: 0, 0..<bins),
                       phaseInput: spectral.sliced(axis: 0, bins..<(2 * bins)), workspace: workspace)
    }

    /// ReflectionPad1d((1, 0)): one sample mirrored in front of every channel.
    static func reflectOneLeft(_ x: Tensor, workspace: Workspace) -> Tensor {
        let y = workspace.tensor([x.shape[0], x.shape[1] + 1])
        Padding(left: 1, right: 0, mode: .reflect).apply(x, into: y)
        return y
    }
}
