import Foundation
import SottoCore
import SottoKernels

/// Qwen3-TTS-Tokenizer-12Hz's encoder (transformers' Mimi, as qwen-tts 0.1.1 runs it): a 24 kHz
/// mono waveform → `keptQuantizers` codes per 1920-sample frame, the reference codes voice
/// cloning gives the talker. SEANet convolutions (24 kHz → 25 Hz), a causal transformer,
/// a stride-2 convolution (→ 12.5 Hz) and a split residual vector quantiser.
public final class CodecEncoder: @unchecked Sendable {
    public let config: CodecEncoderConfiguration
    let convolutions: SEANetEncoder
    let transformer: EncoderTransformer
    /// Mimi's `downsample` (kernel 4, stride 2, edge-replicating padding, no bias); nil when the
    /// convolutions already run at the frame rate.
    let downsample: MimiConvolution?
    let quantizer: SplitResidualQuantizer
    /// Longest reference accepted: the stage signals grow with it (about 20 MB per second at the
    /// released widths), and a voice prompt is a few seconds.
    public static let maximumSeconds = 300
    private let lock = NSLock()
    private let workspace = Workspace()
    /// Wall seconds of each stage of the last encode ("convolutions", "transformer",
    /// "downsample", "quantizer"), for benchmarks and metrics.
    public private(set) var lastStageSeconds: [String: Double] = [:]

    /// Reads `folder/config.json` and `folder/model.safetensors` (a `speech_tokenizer` folder).
    public init(folder: URL) throws {
        let config = try CodecEncoderConfiguration.load(folder.appendingPathComponent("config.json"))
        self.config = config
        let archive = try SafetensorsArchive(folder.appendingPathComponent("model.safetensors"), role: "codec weights")
        guard archive.contains("encoder.encoder.layers.0.conv.weight") else {
            throw SottoError("\(archive.url.path) has no codec encoder weights",
                             hint: "voice cloning needs a Base model's speech_tokenizer, which includes the encoder")
        }
        convolutions = try SEANetEncoder(archive, config: config)
        transformer = try EncoderTransformer(archive, config: config)
        downsample = config.downsampleStride == 1 ? nil
            : try MimiConvolution(archive, "encoder.downsample.conv.", input: config.hiddenSize, output: config.hiddenSize,
                                  kernel: 2 * config.downsampleStride, stride: config.downsampleStride, mode: .replicate)
        quantizer = try SplitResidualQuantizer(archive, config: config)
    }

    public var sampleRate: Int { config.sampleRate }

    /// What each stage produced, `[channels, time]` row-major, for checking against the reference.
    public struct Stages: Sendable {
        /// SEANet output `[hidden, ceil(samples / 960)]`.
        public var convolutions: [Float]
        /// Transformer output, `[hidden, ceil(samples / 960)]` (channels first like the rest).
        public var transformer: [Float]
        /// Downsampled latent `[hidden, frames]`.
        public var latent: [Float]
        /// `[frames][keptQuantizers]`.
        public var codes: [[Int]]
    }

    /// Codes `[frames][keptQuantizers]` for `samples` at ``sampleRate``; frames = ceil(samples / 1920).
    public func encode(_ samples: [Float]) throws -> [[Int]] {
        try encodeStages(samples, keepSignals: false).codes
    }

    /// ``encode(_:)`` with every stage's output kept.
    public func encodeStages(_ samples: [Float]) throws -> Stages {
        try encodeStages(samples, keepSignals: true)
    }

    private func encodeStages(_ samples: [Float], keepSignals: Bool) throws -> Stages {
        guard !samples.isEmpty else { throw SottoError("the reference audio is empty") }
        guard samples.count <= Self.maximumSeconds * sampleRate else {
            throw SottoError("the reference audio is \(samples.count / sampleRate) s long; at most \(Self.maximumSeconds) s can be encoded",
                             hint: "a few seconds of clean speech make the best voice prompt")
        }
        guard samples.allSatisfy(\.isFinite) else { throw SottoError("the reference audio has non-finite samples") }
        lock.lock()
        defer { lock.unlock() }
        workspace.reset()
        let clock = ContinuousClock()
        var seconds: [String: Double] = [:]
        func timed<R>(_ stage: String, _ body: () -> R) -> R {
            let start = clock.now
            let result = body()
            let elapsed = (clock.now - start).components
            seconds[stage] = Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18
            return result
        }
        var stages = Stages(convolutions: [], transformer: [], latent: [], codes: [])
        let features = timed("convolutions") {
            convolutions(Tensor(shape: [1, samples.count], values: samples), workspace: workspace)
        }
        if keepSignals { stages.convolutions = features.toArray() }
        let contextual = timed("transformer") {
            let rows = features.transposed().contiguous()  // [T, hidden]
            transformer.apply(rows, workspace: workspace)
            return rows.transposed().contiguous()  // [hidden, T]
        }
        if keepSignals { stages.transformer = contextual.toArray() }
        let latent = timed("downsample") { downsample.map { $0(contextual, workspace: workspace) } ?? contextual }
        if keepSignals { stages.latent = latent.toArray() }
        let frames = (samples.count + config.samplesPerFrame - 1) / config.samplesPerFrame
        stages.codes = timed("quantizer") { Array(quantizer.encode(latent, workspace: workspace).prefix(frames)) }
        lastStageSeconds = seconds
        return stages
    }
}
