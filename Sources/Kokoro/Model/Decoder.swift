import SottoKernels

/// The iSTFTNet decoder's front: F0 and energy curves downsampled to the frame rate, the
/// `encode` block, four `decode` blocks fed the ASR features, F0 and energy again (the last one
/// upsampling ×2), then the generator.
struct Decoder: Sendable {
    let front: DecoderFront
    let generator: Generator

    init(front: DecoderFront, generator: Generator) {
        self.front = front
        self.generator = generator
    }

    func features(asr: Tensor, f0: Tensor, noise: Tensor, style: Tensor, workspace: Workspace) -> Tensor {
        front.features(asr: asr, f0: f0, noise: noise, style: style, workspace: workspace)
    }
}

/// Everything before the generator (loaded apart from it, on another thread).
struct DecoderFront: Sendable {
    let f0Conv: Convolution, noiseConv: Convolution
    let asrResidual: Convolution
    let encode: AdaptiveResidualBlock
    let decode: [AdaptiveResidualBlock]

    init(_ weights: KokoroWeights) throws {
        let root = "decoder.decoder"
        f0Conv = try weights.conv("\(root).F0_conv")
        noiseConv = try weights.conv("\(root).N_conv")
        asrResidual = try weights.conv("\(root).asr_res.0")
        encode = try AdaptiveResidualBlock(weights, "\(root).encode", upsample: false)
        decode = try (0..<4).map { try AdaptiveResidualBlock(weights, "\(root).decode.\($0)", upsample: $0 == 3) }
    }

    /// The generator's input `[512, 2F]` from `asr` `[512, F]`, curves `[2F]` and the decoder
    /// half of the style `[128]`.
    func features(asr: Tensor, f0: Tensor, noise: Tensor, style: Tensor, workspace: Workspace) -> Tensor {
        let frames = asr.shape[1]
        let f0Frames = f0Conv(f0.reshaped([1, -1]), workspace: workspace)
        let noiseFrames = noiseConv(noise.reshaped([1, -1]), workspace: workspace)
        precondition(f0Frames.shape[1] == frames, "F0 curve has \(f0.count) points for \(frames) frames")
        let asrChannels = asr.shape[0]
        let first = workspace.tensor([asrChannels + 2, frames])
        first.sliced(axis: 0, 0..<asrChannels).copy(from: asr)
        first.sliced(axis: 0, asrChannels..<(asrChannels + 1)).copy(from: f0Frames)
        first.sliced(axis: 0, (asrChannels + 1)..<(asrChannels + 2)).copy(from: noiseFrames)
        var x = encode(first, style: style, workspace: workspace)
        let residual = asrResidual(asr, workspace: workspace)
        for block in decode {
            let width = x.shape[0], r = residual.shape[0]
            let joined = workspace.tensor([width + r + 2, frames])
            joined.sliced(axis: 0, 0..<width).copy(from: x)
            joined.sliced(axis: 0, width..<(width + r)).copy(from: residual)
            joined.sliced(axis: 0, (width + r)..<(width + r + 1)).copy(from: f0Frames)
            joined.sliced(axis: 0, (width + r + 1)..<(width + r + 2)).copy(from: noiseFrames)
            x = block(joined, style: style, workspace: workspace)
        }
        return x
    }
}
