import Foundation
import SottoCore

/// Qwen3-TTS-Tokenizer-12Hz's decoder: 16 RVQ codes per frame → 1920 samples at 24 kHz. Every
/// stage is causal and keeps its own state, so frames can be decoded a few at a time while the
/// talker is still generating, with the same samples as one pass over the whole utterance.
public final class CodecDecoder: @unchecked Sendable {
    public let config: CodecConfiguration
    /// Codebooks divided by their usage counts (the EMA format), `[size × codebookDim/2]` each.
    let codebooks: [[Float]]
    let firstProjection: [Float]
    let restProjection: [Float]
    let preConvolution: CausalConvolution
    let transformer: CodecTransformer
    let upsampling: [(CausalTransposedConvolution, ConvNeXtBlock)]
    let inputConvolution: CausalConvolution
    let blocks: [DecoderBlock]
    let finalActivation: SnakeBeta
    let outputConvolution: CausalConvolution
    /// The streaming state belongs to one utterance at a time.
    private let lock = NSLock()

    struct ConvNeXtBlock {
        let depthwise: CausalDepthwiseConvolution
        let normWeight: [Float]
        let normBias: [Float]
        let expand: LinearWeights
        let contract: LinearWeights
        let gamma: [Float]

        func callAsFunction(_ input: Signal) -> Signal {
            let c = input.channels, t = input.frames
            let mixed = depthwise(input)
            var normed = [Float](repeating: 0, count: t * c)
            mixed.values.withUnsafeBufferPointer { x in
                normed.withUnsafeMutableBufferPointer { y in
                    for frame in 0 ..< t {
                        VectorOps.layerNorm(x.baseAddress! + frame * c, weight: normWeight, bias: normBias, eps: 1e-6,
                                            count: c, into: y.baseAddress! + frame * c)
                    }
                }
            }
            var wide = [Float](repeating: 0, count: t * expand.rows)
            normed.withUnsafeBufferPointer { x in
                wide.withUnsafeMutableBufferPointer { expand.apply(x.baseAddress!, count: t, into: $0.baseAddress!) }
            }
            for i in wide.indices { wide[i] = VectorOps.gelu(wide[i]) }
            var narrow = [Float](repeating: 0, count: t * c)
            wide.withUnsafeBufferPointer { x in
                narrow.withUnsafeMutableBufferPointer { contract.apply(x.baseAddress!, count: t, into: $0.baseAddress!) }
            }
            var output = input
            for frame in 0 ..< t { for i in 0 ..< c { output.values[frame * c + i] += gamma[i] * narrow[frame * c + i] } }
            return output
        }
    }

    struct ResidualUnit {
        let firstActivation: SnakeBeta
        let dilated: CausalConvolution
        let secondActivation: SnakeBeta
        let pointwise: CausalConvolution

        func callAsFunction(_ input: Signal) -> Signal {
            var output = pointwise(secondActivation(dilated(firstActivation(input))))
            for i in output.values.indices { output.values[i] += input.values[i] }
            return output
        }
    }

    struct DecoderBlock {
        let activation: SnakeBeta
        let upsample: CausalTransposedConvolution
        let units: [ResidualUnit]

        func callAsFunction(_ input: Signal) -> Signal {
            var x = upsample(activation(input))
            for unit in units { x = unit(x) }
            return x
        }
    }

    public init(folder: URL) throws {
        let configURL = folder.appendingPathComponent("config.json")
        let config = try CodecConfiguration.load(configURL)
        self.config = config
        let archive = try SafetensorsArchive(folder.appendingPathComponent("model.safetensors"), role: "codec weights")
        let half = config.codebookDim / 2
        func codebook(_ prefix: String) throws -> [Float] {
            let sums = try archive.floats(prefix + "embedding_sum", shape: [config.codebookSize, half])
            let usage = try archive.floats(prefix + "cluster_usage", shape: [config.codebookSize])
            var table = sums
            for row in 0 ..< config.codebookSize {
                let divisor = max(usage[row], 1e-5)
                for i in 0 ..< half { table[row * half + i] = sums[row * half + i] / divisor }
            }
            return table
        }
        let q = "decoder.quantizer."
        codebooks = try [codebook(q + "rvq_first.vq.layers.0._codebook.")]
            + (0 ..< config.quantizers - 1).map { try codebook(q + "rvq_rest.vq.layers.\($0)._codebook.") }
        firstProjection = try archive.floats(q + "rvq_first.output_proj.weight", shape: [config.codebookDim, half, 1])
        restProjection = try archive.floats(q + "rvq_rest.output_proj.weight", shape: [config.codebookDim, half, 1])
        preConvolution = try CausalConvolution(archive, prefix: "decoder.pre_conv.conv.", inputChannels: config.codebookDim,
                                               outputChannels: config.latentDim, kernel: 3)
        transformer = try CodecTransformer(archive, config: config)
        let latent = config.latentDim
        upsampling = try config.upsamplingRatios.enumerated().map { i, factor in
            let p = "decoder.upsample.\(i)."
            let up = try CausalTransposedConvolution(archive, prefix: p + "0.conv.", inputChannels: latent,
                                                     outputChannels: latent, kernel: factor, stride: factor)
            let block = ConvNeXtBlock(
                depthwise: try CausalDepthwiseConvolution(archive, prefix: p + "1.dwconv.conv.", channels: latent, kernel: 7),
                normWeight: try archive.floats(p + "1.norm.weight", shape: [latent]),
                normBias: try archive.floats(p + "1.norm.bias", shape: [latent]),
                expand: try LinearWeights.load(archive, names: [p + "1.pwconv1.weight"], bias: p + "1.pwconv1.bias",
                                               columns: latent, rowsEach: [4 * latent], precision: .fp32),
                contract: try LinearWeights.load(archive, names: [p + "1.pwconv2.weight"], bias: p + "1.pwconv2.bias",
                                                 columns: 4 * latent, rowsEach: [latent], precision: .fp32),
                gamma: try archive.floats(p + "1.gamma", shape: [latent]))
            return (up, block)
        }
        inputConvolution = try CausalConvolution(archive, prefix: "decoder.decoder.0.conv.", inputChannels: latent,
                                                 outputChannels: config.decoderDim, kernel: 7)
        blocks = try config.upsampleRates.enumerated().map { i, rate in
            let p = "decoder.decoder.\(i + 1).block."
            let input = config.decoderDim >> i, output = config.decoderDim >> (i + 1)
            let units = try [1, 3, 9].enumerated().map { u, dilation in
                let r = "\(p)\(u + 2)."
                return ResidualUnit(
                    firstActivation: try SnakeBeta(archive, prefix: r + "act1.", channels: output),
                    dilated: try CausalConvolution(archive, prefix: r + "conv1.conv.", inputChannels: output,
                                                   outputChannels: output, kernel: 7, dilation: dilation),
                    secondActivation: try SnakeBeta(archive, prefix: r + "act2.", channels: output),
                    pointwise: try CausalConvolution(archive, prefix: r + "conv2.conv.", inputChannels: output,
                                                     outputChannels: output, kernel: 1))
            }
            return DecoderBlock(
                activation: try SnakeBeta(archive, prefix: p + "0.", channels: input),
                upsample: try CausalTransposedConvolution(archive, prefix: p + "1.conv.", inputChannels: input,
                                                          outputChannels: output, kernel: 2 * rate, stride: rate),
                units: units)
        }
        let last = config.decoderDim >> config.upsampleRates.count
        let tail = config.upsampleRates.count + 1
        finalActivation = try SnakeBeta(archive, prefix: "decoder.decoder.\(tail).", channels: last)
        outputConvolution = try CausalConvolution(archive, prefix: "decoder.decoder.\(tail + 1).conv.", inputChannels: last,
                                                  outputChannels: 1, kernel: 7)
    }

    public var sampleRate: Int { config.sampleRate }
    public var samplesPerFrame: Int { config.samplesPerFrame }

    public var residentBytes: Int {
        codebooks.reduce(0) { $0 + $1.count * 4 } + transformer.residentBytes
            + blocks.reduce(0) { total, block in
                total + block.upsample.weight.count * 4 + block.units.reduce(0) { $0 + ($1.dilated.weight.count + $1.pointwise.weight.count) * 4 }
            }
    }

    /// Forgets the previous utterance: the next frames start a new one.
    public func reset() {
        lock.lock()
        defer { lock.unlock() }
        resetState()
    }

    private func resetState() {
        preConvolution.reset()
        transformer.reset()
        for (up, block) in upsampling { up.reset(); block.depthwise.reset() }
        inputConvolution.reset()
        for block in blocks {
            block.upsample.reset()
            for unit in block.units { unit.dilated.reset(); unit.pointwise.reset() }
        }
        outputConvolution.reset()
    }

    /// Decodes the next frames of the current utterance (each `quantizers` codes) into
    /// `frames.count × samplesPerFrame` samples in [-1, 1].
    public func decodeNext(_ frames: [[Int]]) throws -> [Float] {
        lock.lock()
        defer { lock.unlock() }
        return try decodeFrames(frames)
    }

    private func decodeFrames(_ frames: [[Int]]) throws -> [Float] {
        guard !frames.isEmpty else { return [] }
        let half = config.codebookDim / 2, dim = config.codebookDim
        var quantized = Signal(zeros: frames.count, channels: dim)
        var first = [Float](repeating: 0, count: half), rest = [Float](repeating: 0, count: half)
        for (t, codes) in frames.enumerated() {
            guard codes.count == config.quantizers else {
                throw SottoError("a codec frame has \(codes.count) codes; this codec takes \(config.quantizers)")
            }
            for i in 0 ..< half { first[i] = 0; rest[i] = 0 }
            for (q, rawCode) in codes.enumerated() {
                // The reference clamps padding codes (negative) to 0.
                let code = max(0, rawCode)
                guard code < config.codebookSize else {
                    throw SottoError("codec code \(code) is outside the codebook of \(config.codebookSize)")
                }
                let base = code * half
                if q == 0 {
                    for i in 0 ..< half { first[i] += codebooks[0][base + i] }
                } else {
                    for i in 0 ..< half { rest[i] += codebooks[q][base + i] }
                }
            }
            for o in 0 ..< dim {
                var sum: Float = 0
                for i in 0 ..< half { sum += firstProjection[o * half + i] * first[i] + restProjection[o * half + i] * rest[i] }
                quantized.values[t * dim + o] = sum
            }
        }
        var x = transformer(preConvolution(quantized))
        for (up, block) in upsampling { x = block(up(x)) }
        x = inputConvolution(x)
        for block in blocks { x = block(x) }
        let wave = outputConvolution(finalActivation(x))
        return wave.values.map { min(1, max(-1, $0)) }
    }

    /// Decodes a whole utterance the way the reference's `decode` does: in pieces of 300 frames,
    /// each starting afresh with 25 frames of left context.
    public func decodeLikeReference(_ frames: [[Int]], chunk: Int = 300, leftContext: Int = 25) throws -> [Float] {
        lock.lock()
        defer { lock.unlock() }
        var samples: [Float] = []
        var start = 0
        while start < frames.count {
            let end = min(start + chunk, frames.count)
            let context = start - leftContext > 0 ? leftContext : start
            resetState()
            let piece = try decodeFrames(Array(frames[(start - context) ..< end]))
            samples += piece[(context * samplesPerFrame)...]
            start = end
        }
        resetState()
        return samples
    }
}
