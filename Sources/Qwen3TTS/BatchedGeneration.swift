import Foundation
import SottoCore
import SottoKernels

/// One request decoding inside a ``Qwen3BatchGeneration``: its prompt, caches, sampling state
/// (its own seeded generator and codebook-0 history) and the frames it has produced.
public final class Qwen3Stream: @unchecked Sendable {
    public let request: Qwen3PromptRequest
    public let settings: GenerationSettings
    let prompt: TalkerPrompt
    let cache: DecoderCache
    let predictorCache: DecoderCache
    let sampler: FirstCodebookSampler
    var generator: SeededGenerator
    var hidden: [Float]
    var logits: [Float]
    var history: [Int] = []
    public private(set) var frames: [[Int]] = []
    /// The talker's final-normed hidden state that produced each frame.
    public private(set) var talkerHidden: [[Float]] = []
    /// Set when the stream has ended: end of speech, or the frame cap.
    public fileprivate(set) var isFinished = false
    public fileprivate(set) var reachedFrameCap = false
    public let prefillSeconds: Double
    /// Wall time of the batched talker and code-predictor passes this stream took part in (the
    /// whole pass: the stream waited for all of it).
    public fileprivate(set) var talkerSeconds = 0.0
    public fileprivate(set) var codePredictorSeconds = 0.0

    init(request: Qwen3PromptRequest, settings: GenerationSettings, prompt: TalkerPrompt, cache: DecoderCache,
         predictorCache: DecoderCache, sampler: FirstCodebookSampler, hidden: [Float], logits: [Float], prefillSeconds: Double) {
        self.request = request
        self.settings = settings
        self.prompt = prompt
        self.cache = cache
        self.predictorCache = predictorCache
        self.sampler = sampler
        self.hidden = hidden
        self.logits = logits
        self.prefillSeconds = prefillSeconds
        generator = SeededGenerator(seed: settings.seed)
    }

    fileprivate func append(_ frame: [Int]) {
        frames.append(frame)
        talkerHidden.append(hidden)
    }

    /// What ``Qwen3Model/generate(_:settings:cancellation:onFrame:)`` returns for the same request.
    public var result: GenerationResult {
        GenerationResult(frames: frames, talkerHidden: talkerHidden, prefill: prompt.prefill, prefillCount: prompt.prefillCount,
                         reachedFrameCap: reachedFrameCap, prefillSeconds: prefillSeconds, talkerSeconds: talkerSeconds,
                         codePredictorSeconds: codePredictorSeconds)
    }
}

/// Continuous batching over one model: every ``step()`` advances all joined streams by one
/// frame with one pass over the talker's weights and one pass over the code predictor's per
/// sub-step (their rows multiplied together), attention and sampling per stream. Streams join
/// (their prompt is prefilled alone) and leave between steps. Each stream gets the frames that
/// ``Qwen3Model/generate(_:settings:cancellation:onFrame:)`` gives it alone: the same sampling
/// order on its own generator; only the rounding of the batched products differs (none at all
/// for the integer kernels, float summation order for fp32 and bf16).
///
/// Used from one thread at a time. Steps and joins hold the model's generation lock, so a
/// single generation on the same model waits between them rather than racing the shared kernels.
public final class Qwen3BatchGeneration: @unchecked Sendable {
    public let model: Qwen3Model
    public private(set) var streams: [Qwen3Stream] = []
    private let workspace = Workspace()

    public init(model: Qwen3Model) {
        self.model = model
    }

    /// Builds and prefills `request`'s prompt and adds it to the batch. Bad input throws and
    /// leaves the batch as it was.
    @discardableResult
    public func join(_ request: Qwen3PromptRequest, settings: GenerationSettings) throws -> Qwen3Stream {
        model.generationLock.lock()
        defer { model.generationLock.unlock() }
        let t = model.configuration.talker
        let clock = ContinuousClock()
        let started = clock.now
        workspace.reset()
        let builder = PromptBuilder(configuration: model.configuration, tokenizer: model.tokenizer, talker: model.talker, codePredictor: model.codePredictor)
        let prompt = try builder.build(request, workspace: workspace)
        // Room for a few seconds; the cache doubles when a take runs longer. Batched requests
        // each hold a cache (229 KB per position at 0.6B), so it grows with the take rather than
        // being sized for the frame cap up front.
        let cache = model.talker.decoder.makeCache(capacity: prompt.prefillCount + min(settings.maxFrames, 48) + 1)
        let (hidden, logits) = model.talker.forward(prompt.prefill, count: prompt.prefillCount, cache: cache, workspace: workspace)
        let sampler = FirstCodebookSampler(sampling: settings.talker, repetitionPenalty: settings.repetitionPenalty,
                                           endOfSpeech: t.codecEOS, controlStart: t.dimensions.vocabularySize - 1024)
        let stream = Qwen3Stream(request: request, settings: settings, prompt: prompt, cache: cache,
                                 predictorCache: model.codePredictor.makeCache(), sampler: sampler, hidden: hidden,
                                 logits: logits, prefillSeconds: (clock.now - started).seconds)
        streams.append(stream)
        return stream
    }

    /// Removes `stream` (e.g. cancelled) before it has finished.
    public func leave(_ stream: Qwen3Stream) {
        streams.removeAll { $0 === stream }
    }

    /// What one step did for one stream.
    public enum Event {
        /// The stream produced this frame (16 codes) and goes on.
        case frame([Int])
        /// The stream produced this frame and has reached its frame cap: it has left.
        case lastFrame([Int])
        /// The stream ended without a frame this step (end of speech, or a cap of zero frames): it has left.
        case finished
    }

    /// Advances every stream by one frame. Returns one event per stream that was in the batch;
    /// streams that end leave the batch.
    public func step() -> [(stream: Qwen3Stream, event: Event)] {
        model.generationLock.lock()
        defer { model.generationLock.unlock() }
        let t = model.configuration.talker
        let talker = model.talker
        var events: [(stream: Qwen3Stream, event: Event)] = []
        var going: [Qwen3Stream] = []
        var firsts: [Int] = []
        // Codebook 0 per stream, from the logits its last talker step left.
        for stream in streams {
            let first = stream.sampler.choose(stream.logits, history: stream.history, generator: &stream.generator)
            stream.history.append(first)
            if first == t.codecEOS {
                stream.isFinished = true
                events.append((stream, .finished))
            } else if stream.frames.count >= stream.settings.maxFrames {
                stream.isFinished = true
                stream.reachedFrameCap = true
                events.append((stream, .finished))
            } else {
                going.append(stream)
                firsts.append(first)
            }
        }
        if !going.isEmpty {
            workspace.reset()
            let clock = ContinuousClock()
            let predictorStart = clock.now
            let embeddings = firsts.map { first -> [Float] in
                var row = [Float](repeating: 0, count: talker.hiddenSize)
                row.withUnsafeMutableBufferPointer { talker.codecEmbedding.gather(first, into: $0.baseAddress!) }
                return row
            }
            let predicted = model.codePredictor.predict(talkerHiddens: going.map(\.hidden), firstCodeEmbeddings: embeddings,
                                                        caches: going.map(\.predictorCache), workspace: workspace) { i, _, scores in
                going[i].settings.codePredictor.choose(scores, generator: &going[i].generator)
            }
            let predictorSeconds = (clock.now - predictorStart).seconds
            var next: [Qwen3Stream] = [], inputs: [[Float]] = []
            for (i, stream) in going.enumerated() {
                stream.codePredictorSeconds += predictorSeconds
                let frame = [firsts[i]] + predicted[i].codes
                stream.append(frame)
                if stream.frames.count >= stream.settings.maxFrames {
                    stream.isFinished = true
                    stream.reachedFrameCap = true
                    events.append((stream, .lastFrame(frame)))
                    continue
                }
                events.append((stream, .frame(frame)))
                let step = stream.frames.count - 1
                var row = embeddings[i]
                let text = step < stream.prompt.trailing.count ? stream.prompt.trailing[step] : stream.prompt.padRow
                let sum = predicted[i].embeddingSum
                for k in row.indices { row[k] += sum[k] + text[k] }
                next.append(stream)
                inputs.append(row)
            }
            if !next.isEmpty {
                let talkerStart = clock.now
                let outputs = talker.forward(rows: inputs, caches: next.map(\.cache), workspace: workspace)
                let talkerSeconds = (clock.now - talkerStart).seconds
                for (stream, output) in zip(next, outputs) {
                    stream.hidden = output.hidden
                    stream.logits = output.logits
                    stream.talkerSeconds += talkerSeconds
                }
            }
        }
        streams.removeAll { $0.isFinished }
        return events
    }
}
