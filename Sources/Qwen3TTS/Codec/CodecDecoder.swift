import Foundation
import SottoCore
import SottoKernels

/// Qwen3-TTS-Tokenizer-12Hz's decoder: 16 RVQ codes per frame → 1920 samples at 24 kHz. Every
/// stage is causal and keeps its own state, so frames can be decoded a few at a time while the
/// talker is still generating, with the same samples as one pass over the whole utterance.
/// Signals are `[channels, time]` between the transformer and the waveform.
public final class CodecDecoder: @unchecked Sendable {
    public let config: CodecConfiguration
    /// Codebooks divided by their usage counts (the EMA format), `[size, codebookDim/2]` each.
    let codebooks: [Tensor]
    /// The 1×1 output projections of the first and the other quantizers, `[codebookDim, codebookDim/2]`.
    let firstProjection: Tensor
    let restProjection: Tensor
    let preConvolution: StreamingConv1d
    let transformer: CodecTransformer
    let upsampling: [(StreamingConvTranspose1d, ConvNeXtBlock)]
    let inputConvolution: StreamingConv1d
    let blocks: [DecoderBlock]
    let finalActivation: SnakeBeta
    let outputConvolution: StreamingConv1d
    /// Longer inputs are decoded in pieces of this many frames (the same samples, since every
    /// stage streams): activations stay small enough for the caches.
    public static let piece = 25
    /// The streaming state belongs to one utterance at a time.
    private let lock = NSLock()
    private let workspace = Workspace()

    /// `bfloat16Convolutions` runs the large convolutions on AMX bf16 tiles where the CPU has
    /// them (inputs and weights rounded to bfloat16, fp32 sums: about 0.1–0.4 % of the signal's
    /// RMS); for the reduced weight precisions, whose own rounding is larger.
    public init(folder: URL, bfloat16Convolutions: Bool = false) throws {
        let configURL = folder.appendingPathComponent("config.json")
        let config = try CodecConfiguration.load(configURL)
        self.config = config
        let archive = try SafetensorsArchive(folder.appendingPathComponent("model.safetensors"), role: "codec weights")
        let half = config.codebookDim / 2
        func codebook(_ prefix: String) throws -> Tensor {
            let table = try archive.tensor(prefix + "embedding_sum", shape: [config.codebookSize, half])
            let usage = try archive.floats(prefix + "cluster_usage", shape: [config.codebookSize])
            for row in 0 ..< config.codebookSize {
                let divisor = max(usage[row], 1e-5)
                let values = table.pointer + row * half
                for i in 0 ..< half { values[i] /= divisor }
            }
            return table
        }
        let q = "decoder.quantizer."
        codebooks = try [codebook(q + "rvq_first.vq.layers.0._codebook.")]
            + (0 ..< config.quantizers - 1).map { try codebook(q + "rvq_rest.vq.layers.\($0)._codebook.") }
        firstProjection = try archive.tensor(q + "rvq_first.output_proj.weight", shape: [config.codebookDim, half, 1])
            .reshaped([config.codebookDim, half])
        restProjection = try archive.tensor(q + "rvq_rest.output_proj.weight", shape: [config.codebookDim, half, 1])
            .reshaped([config.codebookDim, half])
        let latent = config.latentDim
        preConvolution = try archive.causalConvolution("decoder.pre_conv.conv.", input: config.codebookDim, output: latent,
                                                       kernel: 3)
        transformer = try CodecTransformer(archive, config: config, maximumFrames: Self.piece)
        upsampling = try config.upsamplingRatios.enumerated().map { i, factor in
            let p = "decoder.upsample.\(i)."
            return (try archive.causalTransposedConvolution(p + "0.conv.", input: latent, output: latent, kernel: factor,
                                                            stride: factor, allowTiles: bfloat16Convolutions),
                    try ConvNeXtBlock(archive, prefix: p + "1.", channels: latent))
        }
        inputConvolution = try archive.causalConvolution("decoder.decoder.0.conv.", input: latent,
                                                         output: config.decoderDim, kernel: 7,
                                                         allowTiles: bfloat16Convolutions)
        blocks = try config.upsampleRates.enumerated().map { i, rate in
            try DecoderBlock(archive, prefix: "decoder.decoder.\(i + 1).block.", input: config.decoderDim >> i,
                             output: config.decoderDim >> (i + 1), rate: rate, allowTiles: bfloat16Convolutions)
        }
        let last = config.decoderDim >> config.upsampleRates.count
        let tail = config.upsampleRates.count + 1
        finalActivation = try SnakeBeta(archive, prefix: "decoder.decoder.\(tail).", channels: last)
        outputConvolution = try archive.causalConvolution("decoder.decoder.\(tail + 1).conv.", input: last, output: 1,
                                                          kernel: 7)
    }

    public var sampleRate: Int { config.sampleRate }
    public var samplesPerFrame: Int { config.samplesPerFrame }

    public var residentBytes: Int {
        let convolutions = [preConvolution, inputConvolution, outputConvolution]
            + upsampling.map(\.1.depthwise)
            + blocks.flatMap { $0.units.flatMap { [$0.dilated, $0.pointwise] } }
        let weights = convolutions.reduce(0) { $0 + $1.inChannels / $1.convolution.groups * $1.outChannels * $1.convolution.kernelSize }
            + upsampling.reduce(0) { $0 + $1.0.inChannels * $1.0.outChannels * $1.0.kernelSize
                + 8 * $1.1.expand.inChannels * $1.1.expand.outChannels }
            + blocks.reduce(0) { $0 + $1.upsample.inChannels * $1.upsample.outChannels * $1.upsample.kernelSize }
            + codebooks.reduce(0) { $0 + $1.count }
        // Convolutions keep their weights twice (PyTorch's layout and one matrix per tap).
        return 8 * weights + transformer.residentBytes
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
        for (up, block) in upsampling { up.reset(); block.reset() }
        inputConvolution.reset()
        for block in blocks { block.reset() }
        outputConvolution.reset()
    }

    /// A new utterance's streaming state, for ``decodeNext(_:stream:)``: several utterances can
    /// then decode on this codec in turns, each continuing where its own last piece ended.
    public func makeStream() -> CodecStream {
        lock.lock()
        defer { lock.unlock() }
        return CodecStream(convolutions: carriedInputs().map { [Float](repeating: 0, count: $0.count) },
                           transformer: transformer.makeState())
    }

    /// Decodes the next frames of `stream`'s utterance: the same samples as ``decodeNext(_:)``
    /// gives one utterance decoded alone. The codec's own current utterance (``reset()``,
    /// ``decodeNext(_:)``) is left as it was.
    public func decodeNext(_ frames: [[Int]], stream: CodecStream) throws -> [Float] {
        lock.lock()
        defer { lock.unlock() }
        let shared = carriedInputs()
        restoreCarriedInputs(stream.convolutions)
        transformer.exchange(&stream.transformer)
        defer {
            stream.convolutions = carriedInputs()
            transformer.exchange(&stream.transformer)
            restoreCarriedInputs(shared)
        }
        return try decodeFrames(frames)
    }

    /// What every streaming convolution carries, in a fixed order.
    private func carriedInputs() -> [[Float]] {
        var states = [preConvolution.carriedInput]
        for (up, block) in upsampling { states += [up.carriedInput, block.depthwise.carriedInput] }
        states.append(inputConvolution.carriedInput)
        for block in blocks {
            states.append(block.upsample.carriedInput)
            for unit in block.units { states += [unit.dilated.carriedInput, unit.pointwise.carriedInput] }
        }
        states.append(outputConvolution.carriedInput)
        return states
    }

    private func restoreCarriedInputs(_ states: [[Float]]) {
        var next = states.makeIterator()
        preConvolution.carriedInput = next.next()!
        for (up, block) in upsampling {
            up.carriedInput = next.next()!
            block.depthwise.carriedInput = next.next()!
        }
        inputConvolution.carriedInput = next.next()!
        for block in blocks {
            block.upsample.carriedInput = next.next()!
            for unit in block.units {
                unit.dilated.carriedInput = next.next()!
                unit.pointwise.carriedInput = next.next()!
            }
        }
        outputConvolution.carriedInput = next.next()!
    }

    /// Decodes the next frames of the current utterance (each `quantizers` codes) into
    /// `frames.count × samplesPerFrame` samples in [-1, 1].
    public func decodeNext(_ frames: [[Int]]) throws -> [Float] {
        lock.lock()
        defer { lock.unlock() }
        return try decodeFrames(frames)
    }

    private func decodeFrames(_ frames: [[Int]]) throws -> [Float] {
        for codes in frames {
            guard codes.count == config.quantizers else {
                throw SottoError("a codec frame has \(codes.count) codes; this codec takes \(config.quantizers)")
            }
            if let bad = codes.first(where: { $0 >= config.codebookSize }) {
                throw SottoError("codec code \(bad) is outside the codebook of \(config.codebookSize)")
            }
        }
        var samples: [Float] = []
        samples.reserveCapacity(frames.count * samplesPerFrame)
        var start = 0
        while start < frames.count {
            let end = min(frames.count, start + Self.piece)
            samples += decodePiece(frames[start ..< end])
            start = end
        }
        return samples
    }

    private func decodePiece(_ frames: ArraySlice<[Int]>) -> [Float] {
        workspace.reset()
        var y = timed("transformer") {
            transformer(preConvolution(quantize(frames), workspace: workspace), workspace: workspace)
        }
        y = timed("upsampling") {
            for (up, block) in upsampling { y = block(up(y, workspace: workspace), workspace: workspace) }
            return inputConvolution(y, workspace: workspace)
        }
        for (index, block) in blocks.enumerated() {
            y = timed("block \(index + 1)") { block(y, workspace: workspace) }
        }
        return timed("output") {
            finalActivation.apply(y, into: y)
            let wave = outputConvolution(y, workspace: workspace)
            return wave.toArray().map { min(1, max(-1, $0)) }
        }
    }

    /// Seconds spent in each stage since the last ``resetStageSeconds()``, summed over pieces:
    /// where decoding time goes, for benchmarks.
    public var stageSeconds: [(stage: String, seconds: Double)] {
        lock.lock()
        defer { lock.unlock() }
        return stageTotals
    }

    public func resetStageSeconds() {
        lock.lock()
        defer { lock.unlock() }
        stageTotals = []
    }

    private var stageTotals: [(stage: String, seconds: Double)] = []

    private func timed<R>(_ stage: String, _ body: () -> R) -> R {
        let start = ContinuousClock.now
        let result = body()
        let parts = (ContinuousClock.now - start).components
        let elapsed = Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
        if let index = stageTotals.firstIndex(where: { $0.stage == stage }) {
            stageTotals[index].seconds += elapsed
        } else {
            stageTotals.append((stage, elapsed))
        }
        return result
    }

    /// The summed codebook vectors of the first and of the other quantizers, each through its
    /// output projection: `[codebookDim, T]`.
    private func quantize(_ frames: ArraySlice<[Int]>) -> Tensor {
        let half = config.codebookDim / 2, t = frames.count
        let first = workspace.zeros([t, half]), rest = workspace.zeros([t, half])
        for (row, codes) in frames.enumerated() {
            for (q, rawCode) in codes.enumerated() {
                // The reference clamps padding codes (negative) to 0.
                let source = codebooks[q].pointer + max(0, rawCode) * half
                let target = (q == 0 ? first : rest).pointer + row * half
                for i in 0 ..< half { target[i] += source[i] }
            }
        }
        let quantized = workspace.tensor([config.codebookDim, t])
        BLAS.matmul(firstProjection, first.transposed(), into: quantized)
        BLAS.matmul(restProjection, rest.transposed(), into: quantized, beta: 1)
        return quantized
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

/// One utterance's place in a ``CodecDecoder``'s stream (what its causal convolutions carry and
/// its transformer's keys and values), for decoding several utterances on one codec in turns.
public final class CodecStream: @unchecked Sendable {
    fileprivate var convolutions: [[Float]]
    fileprivate var transformer: CodecTransformer.State

    fileprivate init(convolutions: [[Float]], transformer: CodecTransformer.State) {
        self.convolutions = convolutions
        self.transformer = transformer
    }

    /// An independent copy: decoding on either leaves the other as it was.
    public func copy() -> CodecStream {
        CodecStream(convolutions: convolutions, transformer: transformer.copy())
    }
}
