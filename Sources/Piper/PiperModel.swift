import Foundation
import SottoCore
import SottoKernels
import SottoONNX

/// How one inference call runs.
public struct PiperSynthesisOptions: Sendable {
    /// Noise on the prior latent (piper's noise_scale; 0 makes the latent its mean).
    public var noiseScale: Float
    /// Frames per predicted width (piper's length_scale; 2 speaks half as fast).
    public var lengthScale: Float
    /// Noise on the durations (piper's noise_w; 0 makes them deterministic).
    public var noiseW: Float
    /// Speaker index for multi-speaker voices (nil: 0, as piper does).
    public var speaker: Int?
    /// Frame counts to use instead of the predicted ones (one per id), for stage-by-stage tests.
    public var durations: [Int]?
    /// Duration noise to use instead of drawing it: `[2, T]` row-major, not yet scaled by noise_w.
    public var durationNoise: [Float]?
    /// Latent noise to use instead of drawing it: `[channels, frames]` row-major, not yet scaled.
    public var latentNoise: [Float]?
    /// Keep copies of the stage tensors in the result.
    public var recordStages: Bool
    /// The windows the decoder runs over (``PiperDecodeWindows/whole`` for one pass).
    public var windows: PiperDecodeWindows

    public init(noiseScale: Float, lengthScale: Float, noiseW: Float, speaker: Int? = nil, durations: [Int]? = nil,
                durationNoise: [Float]? = nil, latentNoise: [Float]? = nil, recordStages: Bool = false,
                windows: PiperDecodeWindows = .standard) {
        self.noiseScale = noiseScale
        self.lengthScale = lengthScale
        self.noiseW = noiseW
        self.speaker = speaker
        self.durations = durations
        self.durationNoise = durationNoise
        self.latentNoise = latentNoise
        self.recordStages = recordStages
        self.windows = windows
    }
}

/// A tensor copied out of a pass, row-major.
public struct PiperStageTensor: Sendable, Equatable {
    public var shape: [Int]
    public var values: [Float]

    init(_ tensor: Tensor) {
        shape = Array(tensor.shape)
        values = tensor.toArray()
    }
}

/// The intermediate tensors of one pass (`[channels, time]`), for stage-by-stage comparison.
public struct PiperStages: Sendable {
    /// Encoder output `[hidden, T]`.
    public var encoderHidden: PiperStageTensor
    /// Prior mean and log scale per id `[latent, T]`.
    public var mean: PiperStageTensor
    public var logScale: PiperStageTensor
    /// Log widths `[T]` from the duration predictor.
    public var logWidths: [Float]
    /// Prior latent `[latent, F]` and the flow's output `[latent, F]`.
    public var priorLatent: PiperStageTensor
    public var latent: PiperStageTensor
}

/// The result of one inference call.
public struct PiperSynthesis: Sendable {
    /// Samples in [−1, 1] at the voice's rate: frames × hop length (empty when they were handed
    /// out window by window).
    public var audio: [Float]
    /// Frames per id.
    public var durations: [Int]
    /// exp(log w)·length_scale before rounding up (empty when durations were injected).
    public var widths: [Float]
    public var stages: PiperStages?
    /// Seconds per stage: encoder, durations, flow, decoder.
    public var timings: [(name: String, seconds: Double)]
}

/// A Piper voice (VITS): ids in, audio out. Everything is read from the `.onnx` weights and the
/// `.onnx.json` config, so any Piper voice of any quality tier or speaker count loads.
///
/// It keeps one scratch arena for its passes, so concurrent calls to `synthesize` wait for each other.
public final class PiperModel: @unchecked Sendable {
    public let config: PiperConfig
    let encoder: TextEncoder
    let durationModel: any DurationModel
    let flow: ResidualCouplingFlow
    let decoder: HiFiGANDecoder
    let speakers: SpeakerEmbedding?
    private let workspace = Workspace()
    private let lock = NSLock()
    /// Floats held by the weights.
    public let parameterCount: Int

    /// Loads `NAME.onnx` and its `NAME.onnx.json`.
    public convenience init(contentsOf url: URL) throws {
        let configURL = URL(fileURLWithPath: url.path + ".json")
        guard FileManager.default.fileExists(atPath: configURL.path) else {
            throw SottoError("the Piper voice \(url.lastPathComponent) has no config \(configURL.lastPathComponent) next to it",
                             hint: "download the .onnx.json published with the voice")
        }
        try self.init(onnx: url, config: try PiperConfig(contentsOf: configURL))
    }

    public init(onnx url: URL, config: PiperConfig) throws {
        let weights = PiperWeights(model: try ONNXModel(contentsOf: url))
        self.config = config
        encoder = try TextEncoder(weights: weights)
        durationModel = DurationPredictor.isPresent(in: weights)
            ? try DurationPredictor(weights: weights) : try StochasticDurationPredictor(weights: weights)
        flow = try ResidualCouplingFlow(weights: weights)
        decoder = try HiFiGANDecoder(weights: weights)
        speakers = try SpeakerEmbedding(weights: weights)
        parameterCount = weights.graph.initializers.reduce(0) { $0 + ($1.dataType == .float32 ? $1.elementCount : 0) }
        guard encoder.latentChannels == flow.channels, flow.channels == decoder.pre.inChannels else {
            throw weights.malformed("the model", "latent widths disagree (encoder \(encoder.latentChannels), flow \(flow.channels), decoder \(decoder.pre.inChannels))")
        }
        if let hop = config.hopLength, hop != decoder.hopLength {
            throw SottoError("\(url.lastPathComponent): the config says hop \(hop) but the decoder upsamples by \(decoder.hopLength)")
        }
        if config.speakerCount > 1 && speakers == nil {
            throw SottoError("\(url.lastPathComponent): the config lists \(config.speakerCount) speakers but the weights have no speaker table")
        }
        if let speakers, config.speakerCount > speakers.count {
            throw SottoError("\(url.lastPathComponent): the config lists \(config.speakerCount) speakers but the weights hold \(speakers.count)")
        }
    }

    public var sampleRate: Int { config.audio.sampleRate }
    /// Samples per latent frame.
    public var hopLength: Int { decoder.hopLength }
    /// Speakers the weights hold (1 for single-speaker voices).
    public var speakerCount: Int { speakers?.count ?? 1 }
    /// Ids the embedding covers.
    public var vocabularySize: Int { encoder.vocabulary }
    /// Whether durations depend on noise_w (the stochastic predictor).
    public var hasStochasticDurations: Bool { durationModel.usesNoise }
    /// Channels of the latent between the flow and the decoder.
    public var latentChannels: Int { flow.channels }
    public var residentBytes: Int { parameterCount * 4 + workspace.capacity * 4 }

    /// Runs the model on `ids` (with piper's boundary and pad ids already in place). Noise is
    /// drawn from `noise` unless injected through `options`.
    public func synthesize(ids: [Int], options: PiperSynthesisOptions, noise: inout GaussianNoise) throws -> PiperSynthesis {
        var audio: [Float] = []
        var result = try synthesize(ids: ids, options: options, noise: &noise) { audio += $0 }
        result.audio = audio
        return result
    }

    /// Runs the model on `ids`, handing each window of audio to `onAudio` as soon as it is
    /// decoded (in order; together they are the sentence). Everything up to the flow needs the
    /// whole sentence; the flow runs first on what the first window reads, then on the rest, so
    /// first audio waits for the encoder, the durations and two short pieces of work.
    /// `onDurations` receives the frames per id as soon as they are known, before any audio.
    public func synthesize(ids: [Int], options: PiperSynthesisOptions, noise: inout GaussianNoise,
                           onDurations: ([Int]) -> Void = { _ in },
                           onAudio: ([Float]) throws -> Void) throws -> PiperSynthesis {
        try validate(ids: ids, options: options)
        lock.lock()
        defer { lock.unlock() }
        workspace.reset()
        let clock = ContinuousClock()
        var timings: [(name: String, seconds: Double)] = []
        var start = clock.now
        func lap(_ name: String) {
            let now = clock.now
            if let i = timings.firstIndex(where: { $0.name == name }) {
                timings[i].seconds += (now - start).seconds
            } else {
                timings.append((name, (now - start).seconds))
            }
            start = now
        }
        let speaker = speakers.map { $0.vector(options.speaker ?? min(max(config.defaultSpeakerId ?? 0, 0), $0.count - 1)) }

        let (hidden, statistics) = encoder(ids, workspace: workspace)
        lap("encoder")

        var widths: [Float] = []
        var logWidths: [Float] = []
        let frames: [Int]
        if let injected = options.durations {
            frames = injected
        } else {
            var durationNoise: Tensor?
            if durationModel.usesNoise && options.noiseW != 0 {
                let draws = options.durationNoise ?? noise.draw(2 * ids.count)
                durationNoise = Tensor(shape: [2, ids.count], values: draws.map { $0 * options.noiseW })
            }
            logWidths = durationModel.logWidths(hidden, speaker: speaker, noise: durationNoise, workspace: workspace)
            (widths, frames) = LengthRegulator.durations(logWidths: logWidths, lengthScale: options.lengthScale)
        }
        let total = frames.reduce(0, +)
        guard total > 0 else { throw SottoError("the voice predicted no frames for these ids") }
        guard total <= Self.maximumFrames else {
            throw SottoError("the voice predicted \(total) frames (over \(Self.maximumFrames / (sampleRate / hopLength)) s) for one sentence",
                             hint: "split the text into shorter sentences or speak faster")
        }
        if let injected = options.latentNoise, injected.count != flow.channels * total {
            throw SottoError("injected latent noise needs \(flow.channels) × \(total) values, got \(injected.count)")
        }
        lap("durations")
        onDurations(frames)

        var latentNoise = options.latentNoise ?? []
        if options.noiseScale != 0 && options.latentNoise == nil { latentNoise = noise.draw(flow.channels * total) }
        let prior = latentNoise.withUnsafeBufferPointer { draws in
            LengthRegulator.priorLatent(statistics: statistics, frames: frames,
                                        noise: options.noiseScale != 0 ? draws.baseAddress : nil,
                                        noiseScale: options.noiseScale, workspace: workspace)
        }

        let windows = decoder.decodesWindows ? options.windows.windows(total: total) : [0 ..< total]
        let plans = windows.map { window in
            var plan = decoder.plan(frames: window, totalFrames: total)
            let shortfall = options.windows.contextShortfall
            plan.missing = (window.lowerBound > 0 ? shortfall : 0, window.upperBound < total ? shortfall : 0)
            return plan
        }
        // The flow's latent, final for frames [0, flowDone). A first piece is worth its overlap
        // (twice the flow's reach) only when it is a small part of the sentence.
        let latent = workspace.tensor([flow.channels, total])
        var flowDone = 0
        func runFlow(through end: Int) {
            guard end > flowDone else { return }
            let reach = flow.reach ?? (total, total)
            let lo = max(0, flowDone - reach.left), hi = min(total, end + reach.right)
            let last = hi == total ? total : end
            let mark = workspace.mark()
            let piece = flow.reverse(prior.sliced(axis: 1, lo ..< hi), speaker: speaker, workspace: workspace)
            latent.sliced(axis: 1, flowDone ..< last).copy(from: piece.sliced(axis: 1, flowDone - lo ..< last - lo))
            workspace.release(to: mark)
            flowDone = last
        }
        if let reach = flow.reach, let first = plans.first, 2 * (first.latent.upperBound + reach.right) <= total {
            runFlow(through: first.latent.upperBound)
        } else {
            runFlow(through: total)
        }
        lap("flow")

        // The largest window's memory, taken once: growing the arena window by window would
        // allocate (and fault in) a larger block for each.
        workspace.reserve(plans.map { decoder.workspaceFloats(plan: $0) }.max() ?? 0)
        for plan in plans {
            if plan.latent.upperBound > flowDone {
                runFlow(through: total)
                lap("flow")
            }
            let audio = decoder.decode(latent, plan: plan, speaker: speaker, workspace: workspace)
            lap("decoder")
            try onAudio(audio)
            start = clock.now
        }

        var stages: PiperStages?
        if options.recordStages {
            let c = encoder.latentChannels
            stages = PiperStages(encoderHidden: PiperStageTensor(hidden),
                                 mean: PiperStageTensor(statistics.sliced(axis: 0, 0 ..< c)),
                                 logScale: PiperStageTensor(statistics.sliced(axis: 0, c ..< 2 * c)),
                                 logWidths: logWidths, priorLatent: PiperStageTensor(prior),
                                 latent: PiperStageTensor(latent))
        }
        return PiperSynthesis(audio: [], durations: frames, widths: widths, stages: stages, timings: timings)
    }

    /// Frames one call may produce (about 30 minutes at 22 kHz): guards memory against a
    /// runaway length scale or a damaged duration predictor.
    static let maximumFrames = 150_000

    private func validate(ids: [Int], options: PiperSynthesisOptions) throws {
        guard !ids.isEmpty else { throw SottoError("no phoneme ids to speak") }
        if let bad = ids.first(where: { $0 < 0 || $0 >= encoder.vocabulary }) {
            throw SottoError("phoneme id \(bad) is outside this voice's \(encoder.vocabulary) symbols")
        }
        guard options.lengthScale.isFinite, options.lengthScale > 0, options.noiseScale.isFinite, options.noiseScale >= 0,
              options.noiseW.isFinite, options.noiseW >= 0 else {
            throw SottoError("length scale must be positive and noise scales non-negative")
        }
        if let speaker = options.speaker, speaker < 0 || speaker >= speakerCount {
            throw SottoError("speaker \(speaker) is outside this voice's \(speakerCount) speakers")
        }
        if let durations = options.durations, durations.count != ids.count || durations.contains(where: { $0 < 0 }) {
            throw SottoError("injected durations need one non-negative count per id")
        }
        if let noise = options.durationNoise, noise.count != 2 * ids.count {
            throw SottoError("injected duration noise needs 2 × \(ids.count) values, got \(noise.count)")
        }
    }
}

extension Duration {
    var seconds: Double {
        let (s, attoseconds) = components
        return Double(s) + Double(attoseconds) * 1e-18
    }
}
