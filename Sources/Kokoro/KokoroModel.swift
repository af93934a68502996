import Foundation
import SottoCore
import SottoKernels
import SottoONNX
import Synchronization

/// Kokoro-82M (StyleTTS2 + iSTFTNet), language-blind: phoneme ids, a 256-float style vector and
/// a speed in, 24 kHz audio out. Weights come from a Kokoro ONNX export through
/// ``KokoroWeights``; the arithmetic is float32 on Sotto's kernels.
public struct KokoroModel: Sendable {
    public static let sampleRate = 24_000
    /// Samples per duration frame (hop 5 × upsampling 10 × 6 × 2).
    public static let samplesPerFrame = 600
    /// Phoneme tokens one call accepts (the style table's rows; two pad ids are added around).
    public static let maxPhonemes = 510
    public static let styleWidth = 256

    let albert: Albert
    let bertProjection: HeldLinear
    let textEncoder: TextEncoder
    let predictor: ProsodyPredictor
    let decoder: Decoder
    /// Bytes of weights held.
    public let weightBytes: Int

    /// Reads the weights of a Kokoro ONNX file (int8, fp32 or fp16 export) into the kernels of
    /// `tier` (the process's active tier unless a test pins another).
    public init(contentsOf url: URL, tier: KernelTier = .active) throws {
        try self.init(onnx: try ONNXModel(contentsOf: url), tier: tier)
    }

    public init(onnx: ONNXModel, tier: KernelTier = .active) throws {
        let weights = KokoroWeights(graph: onnx.graph, tier: tier)
        // Loading is dominated by dequantising and re-laying out weights, in three independent
        // parts. On two cores the text side and then the generator usually share one thread
        // while the decoder's front, the largest part, takes the other.
        let parts = try Self.concurrently([
            { (try Albert(weights), try weights.linear("encoder.bert_encoder"), try TextEncoder(weights), try ProsodyPredictor(weights)) },
            { try DecoderFront(weights) },
            { try Generator(weights) },
        ])
        guard let text = parts[0] as? (Albert, HeldLinear, TextEncoder, ProsodyPredictor),
              let front = parts[1] as? DecoderFront, let generator = parts[2] as? Generator else {
            throw SottoError("Kokoro weights were not loaded")
        }
        (albert, bertProjection, textEncoder, predictor) = text
        decoder = Decoder(front: front, generator: generator)
        weightBytes = weights.tally.bytes
    }

    /// Runs the closures at once, on as many threads as there are cores, and returns their
    /// results in order; the first error wins.
    ///
    /// The helper threads are started here rather than by Dispatch: under an address-space limit
    /// (`ulimit -v`) a new thread's stack may not fit, and Dispatch then waits for a thread
    /// forever. A helper that cannot be started is simply not there, and the calling thread takes
    /// its share.
    static func concurrently(_ tasks: [@Sendable () throws -> any Sendable]) throws -> [any Sendable] {
        let queue = TaskQueue(tasks)
        var helpers: [pthread_t] = []
        for _ in 0 ..< max(0, min(tasks.count, KernelThreads.processorCount) - 1) {
            let context = Unmanaged.passRetained(queue).toOpaque()
            var thread = pthread_t()
            let started = pthread_create(&thread, nil, { context in
                Unmanaged<TaskQueue>.fromOpaque(context!).takeRetainedValue().drain()
                return nil
            }, context)
            guard started == 0 else {
                Unmanaged<TaskQueue>.fromOpaque(context).release()
                break
            }
            helpers.append(thread)
        }
        queue.drain()
        for thread in helpers { pthread_join(thread, nil) }
        let finished = queue.results.withLock { $0 }
        return try (0..<tasks.count).map { index in
            guard let result = finished[index] else { throw SottoError("Kokoro weights were not loaded") }
            return try result.get()
        }
    }

    /// Tasks taken in order by whichever thread is free.
    final class TaskQueue: Sendable {
        let tasks: [@Sendable () throws -> any Sendable]
        let next = Atomic<Int>(0)
        let results = Mutex<[Int: Result<any Sendable, any Error>]>([:])

        init(_ tasks: [@Sendable () throws -> any Sendable]) { self.tasks = tasks }

        func drain() {
            while true {
                let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard index < tasks.count else { return }
                let result = Result { try tasks[index]() }
                results.withLock { $0[index] = result }
            }
        }
    }

    /// Ids the embedding tables cover.
    public var vocabularySize: Int { min(albert.vocabularySize, textEncoder.embedding.shape[0]) }


    /// Synthesizes one chunk. `ids` include the pad id 0 at both ends. `style` is the voice row
    /// (256 floats: decoder half, then prosody half). `durations` (frames per id) replaces the
    /// predicted ones when given, for stage-by-stage comparison with a reference. `tap` sees
    /// named intermediate tensors (valid only during the call).
    public func synthesize(ids: [Int], style: [Float], speed: Float = 1, durations injected: [Int]? = nil,
                           workspace: Workspace, tap: ((String, Tensor) -> Void)? = nil) throws -> KokoroOutput {
        try validate(ids: ids, style: style, speed: speed, durations: injected)
        workspace.reset()
        // Merged as soon as the call ends, not at the next one: a call that grew the arena leaves
        // one block, whose pages count only once the next call writes them.
        defer { workspace.reset() }
        let origin = workspace.mark()
        var timings: [(String, Double)] = []
        let clock = ContinuousClock()
        var start = clock.now
        func lap(_ name: String) {
            let now = clock.now
            let elapsed = start.duration(to: now)
            timings.append((name, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18))
            start = now
        }
        let decoderStyle = Tensor(shape: [128], values: Array(style[0..<128]))
        let prosodyStyle = Tensor(shape: [128], values: Array(style[128..<256]))

        let bert = albert(ids, workspace: workspace)
        let projected = bertProjection(bert, workspace: workspace)
        tap?("d_en", projected)
        lap("albert")
        let encoded = predictor.encode(projected, style: prosodyStyle, workspace: workspace)
        tap?("d", encoded)
        let predicted = predictor.durations(encoded, speed: speed, workspace: workspace)
        tap?("dur_float", Tensor(shape: [predicted.count], values: predicted))
        let durations = injected ?? predicted.map { max(1, Int($0.rounded(.toNearestOrEven))) }
        let frames = durations.reduce(0, +)
        guard frames > 0 else { throw SottoError("the durations sum to zero frames") }
        lap("durations")
        let textFeatures = textEncoder(ids, workspace: workspace)
        tap?("t_en", textFeatures)

        // Alignment: every frame takes the features of the token it belongs to.
        let en = workspace.tensor([encoded.shape[1], frames])
        let asr = workspace.tensor([textFeatures.shape[0], frames])
        Self.expand(rows: encoded, durations: durations, into: en)
        Self.expand(columns: textFeatures, durations: durations, into: asr)
        tap?("asr", asr)
        lap("encoder")
        let (f0, noise) = predictor.curves(en, style: prosodyStyle, workspace: workspace)
        tap?("f0", f0)
        tap?("n", noise)
        lap("prosody")
        // Each stage hands the next only a few frame-rate tensors: keep those and give the
        // workspace back, so the generator's peak does not sit on top of the text side's.
        let (keptASR, keptF0, keptNoise) = (Self.owned(asr), Self.owned(f0), Self.owned(noise))
        workspace.release(to: origin)

        let decoded = decoder.features(asr: keptASR, f0: keptF0, noise: keptNoise, style: decoderStyle, workspace: workspace)
        tap?("decode3", decoded)
        lap("decoder")
        let features = Self.owned(decoded)
        workspace.release(to: origin)
        let audio = decoder.generator(features, style: decoderStyle, f0: keptF0, workspace: workspace, tap: tap)
        tap?("audio", audio)
        lap("generator")
        return KokoroOutput(audio: audio.toArray(), durations: durations, timings: timings)
    }

    private func validate(ids: [Int], style: [Float], speed: Float, durations: [Int]?) throws {
        guard ids.count >= 3 else { throw SottoError("Kokoro needs at least one phoneme between the two pad ids") }
        guard ids.count <= Self.maxPhonemes + 2, ids.count <= albert.maxPositions else {
            throw SottoError("Kokoro reads at most \(Self.maxPhonemes) phonemes per call, got \(ids.count - 2)")
        }
        if let bad = ids.first(where: { $0 < 0 || $0 >= vocabularySize }) {
            throw SottoError("phoneme id \(bad) is outside Kokoro's vocabulary of \(vocabularySize)")
        }
        guard style.count == Self.styleWidth else {
            throw SottoError("a Kokoro style vector has \(Self.styleWidth) values, got \(style.count)")
        }
        guard speed.isFinite, speed > 0 else { throw SottoError("speed must be a positive number, got \(speed)") }
        if let durations {
            guard durations.count == ids.count, durations.allSatisfy({ $0 >= 0 }) else {
                throw SottoError("injected durations need one non-negative count per id (\(ids.count)), got \(durations.count)")
            }
        }
    }

    /// A copy in its own storage, outliving workspace releases.
    static func owned(_ x: Tensor) -> Tensor {
        let copy = Tensor(zeros: x.shape)
        copy.copy(from: x)
        return copy
    }

    /// `rows` `[T, C]` → `[C, F]`, column f = row of the token frame f belongs to.
    static func expand(rows: Tensor, durations: [Int], into y: Tensor) {
        let channels = rows.shape[1]
        var frame = 0
        for (token, count) in durations.enumerated() where count > 0 {
            let src = rows.pointer + token * rows.rowStride
            for c in 0..<channels {
                (y.pointer + c * y.rowStride + frame).update(repeating: src[c], count: count)
            }
            frame += count
        }
    }

    /// `columns` `[C, T]` → `[C, F]`.
    static func expand(columns: Tensor, durations: [Int], into y: Tensor) {
        for c in 0..<columns.shape[0] {
            let src = columns.pointer + c * columns.rowStride, dst = y.pointer + c * y.rowStride
            var frame = 0
            for (token, count) in durations.enumerated() where count > 0 {
                (dst + frame).update(repeating: src[token], count: count)
                frame += count
            }
        }
    }
}

/// One chunk's result.
public struct KokoroOutput: Sendable {
    /// 24 kHz samples, `600 × Σ durations` of them.
    public var audio: [Float]
    /// Frames per id (predicted, or the injected ones).
    public var durations: [Int]
    /// Wall-clock seconds per stage: "albert" (ALBERT and its projection), "durations" (the
    /// duration encoder and predictor), "encoder" (the text encoder and the alignment),
    /// "prosody" (the F0 and energy curves), "decoder", "generator".
    public var timings: [(String, Double)]
}
