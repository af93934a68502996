import Foundation
import SottoAudio
import SottoCore
import SottoMetrics
import Synchronization

/// The one place a model's engine runs: loading, unloading and synthesis happen on the lane's
/// thread, one at a time and in the order asked for. Engines and the libraries under them
/// (espeak-ng, scratch buffers) are not safe to enter from two threads at once, so every front
/// end — the studio, the command line, a server with many callers — reaches an engine through
/// its lane.
///
/// Requests wait in a bounded queue (`submit` throws `LaneQueueFull` beyond `queueLimit`), can be
/// cancelled queued or running, and report their audio chunk by chunk with timings, either to a
/// callback on the lane's thread or as an `AsyncThrowingStream` that cancels its request when
/// its reader goes away.
public final class ModelLane: Sendable {
    public let model: ModelDescriptor
    /// Requests that may wait (not counting the one running).
    public let queueLimit: Int
    private let families: ModelFamilies
    private let loadOptions: LoadOptions
    private let worker: WorkerThread
    private let ownsWorker: Bool
    private let onLoad: @Sendable (String, Result<LoadedModel, SottoError>) -> Void
    /// Touched only on the worker thread.
    private let engine = Mutex<(any SpeechEngine)?>(nil)
    private let state = Mutex(Published())

    private struct Published {
        var activity = LaneActivity.idle
        var loaded: LoadedModel?
        /// Requests not yet started, oldest first. Each has a turn queued on the worker, which a
        /// batch may have taken already (then the turn finds nothing to do).
        var queue: [Queued] = []
        var batches = false
    }

    private struct Queued: Sendable {
        var request: LaneRequest
        var emit: @Sendable (SynthesisEvent) -> Void
    }

    /// `worker` lets several lanes share one thread (the studio runs one model at a time, so that
    /// two models never split the cores and spoil each other's metrics); by default the lane has
    /// its own. `onLoad` hears, on the lane's thread, of every load that ran and how it ended.
    public init(model: ModelDescriptor, families: ModelFamilies, loadOptions: LoadOptions = LoadOptions(),
                queueLimit: Int = 8, worker: WorkerThread? = nil,
                onLoad: @escaping @Sendable (String, Result<LoadedModel, SottoError>) -> Void = { _, _ in }) {
        self.model = model
        self.families = families
        self.loadOptions = loadOptions
        self.queueLimit = queueLimit
        self.worker = worker ?? WorkerThread(name: "sotto-lane")
        ownsWorker = worker == nil
        self.onLoad = onLoad
    }

    public var activity: LaneActivity { state.withLock { $0.activity } }
    /// The model's engine facts once loaded.
    public var loaded: LoadedModel? { state.withLock { $0.loaded } }
    /// Requests queued and not yet started.
    public var waitingCount: Int { state.withLock { $0.queue.count } }
    /// Whether the loaded engine decodes concurrent requests together (else they queue).
    public var batches: Bool { state.withLock { $0.batches } }

    /// Loads the engine unless it is loaded; `done` runs on the lane's thread.
    public func load(then done: @escaping @Sendable (Result<LoadedModel, SottoError>) -> Void = { _ in }) {
        worker.submit { [self] in
            done(loadedEngine().map(\.info))
        }
    }

    /// Lets the engine go (its memory with it); `done` says whether one was loaded.
    public func unload(then done: @escaping @Sendable (Bool) -> Void = { _ in }) {
        worker.submit { [self] in
            let had = engine.withLock { engine in
                defer { engine = nil }
                return engine != nil
            }
            state.withLock {
                $0.loaded = nil
                $0.batches = false
            }
            done(had)
        }
    }

    /// Queues `request`; `events` hears of it on the lane's thread, in order, ending with
    /// `.finished`. Throws `LaneQueueFull` when `queueLimit` requests are already waiting.
    public func submit(_ request: LaneRequest, events: @escaping @Sendable (SynthesisEvent) -> Void) throws {
        try state.withLock { state throws(LaneQueueFull) in
            guard state.queue.count < queueLimit else { throw LaneQueueFull(modelID: model.id, limit: queueLimit) }
            state.queue.append(Queued(request: request, emit: events))
        }
        worker.submit { [self] in serveNext() }
    }

    /// Queues `request` for an async caller: its events as a stream, which ends after `.finished`
    /// (throwing the failure when the engine failed). A reader that stops listening cancels the
    /// request. Throws `LaneQueueFull` at once when the queue is full.
    public func stream(_ request: LaneRequest) throws -> AsyncThrowingStream<SynthesisEvent, any Error> {
        let (stream, continuation) = AsyncThrowingStream<SynthesisEvent, any Error>.makeStream()
        let cancellation = request.cancellation
        continuation.onTermination = { termination in
            if case .cancelled = termination { cancellation.cancel() }
        }
        try submit(request) { event in
            continuation.yield(event)
            guard case .finished(let end) = event else { return }
            if case .failed(let message) = end.outcome {
                continuation.finish(throwing: SottoError(message))
            } else {
                continuation.finish()
            }
        }
        return stream
    }

    /// Runs `job` with the engine (loaded first if need be) on the lane's thread, between
    /// syntheses, for work that is not a take (keeping a cloned voice); `done` hears how it ended.
    public func perform<Value: Sendable>(_ job: @escaping @Sendable (any SpeechEngine) throws -> Value,
                                         then done: @escaping @Sendable (Result<Value, SottoError>) -> Void) {
        worker.submit { [self] in
            switch loadedEngine() {
            case .failure(let error): done(.failure(error))
            case .success(let ready):
                done(Result { try job(ready.engine) }.mapError { $0 as? SottoError ?? SottoError(SottoError.describe($0)) })
            }
        }
    }

    /// Blocks until everything asked of this lane's thread so far is done (tests; shutting down).
    public func settle(timeout: Double = 60) {
        worker.drain(timeout: timeout)
    }

    /// Ends the lane's own thread once what is queued has run (a shared thread is its owner's).
    public func shutdown(timeout: Double = 5) {
        if ownsWorker { worker.shutdown(timeout: timeout) }
    }

    // MARK: On the lane's thread

    private struct Ready {
        var engine: any SpeechEngine
        var info: LoadedModel
        var loadSeconds: Double
    }

    private func loadedEngine() -> Result<Ready, SottoError> {
        if let engine = engine.withLock({ $0 }), let info = loaded { return .success(Ready(engine: engine, info: info, loadSeconds: 0)) }
        let residentAtStart = ProcessMemory.read()?.residentBytes ?? 0
        let started = MonotonicClock.now()
        state.withLock { $0.activity = .loading(modelID: model.id, since: started, residentAtStart: residentAtStart) }
        defer { state.withLock { $0.activity = .idle } }
        do {
            let loadedEngine = try families.load(model, options: loadOptions)
            let seconds = MonotonicClock.now() - started
            let growth = max(0, (ProcessMemory.read()?.residentBytes ?? residentAtStart) - residentAtStart)
            let info = LoadedModel(
                modelID: model.id, sampleRate: loadedEngine.sampleRate, capabilities: loadedEngine.capabilities,
                voices: loadedEngine.voices, languages: loadedEngine.languages, defaultVoice: loadedEngine.defaultVoice,
                residentBytes: loadedEngine.residentBytes, residentGrowthBytes: growth, loadSeconds: seconds)
            engine.withLock { $0 = loadedEngine }
            state.withLock {
                $0.loaded = info
                $0.batches = ((loadedEngine as? any BatchingSpeechEngine)?.maxBatchSize ?? 1) > 1
            }
            onLoad(model.id, .success(info))
            return .success(Ready(engine: loadedEngine, info: info, loadSeconds: seconds))
        } catch {
            let failure = error as? SottoError ?? SottoError("cannot load \(model.name): \(SottoError.describe(error))")
            onLoad(model.id, .failure(failure))
            return .failure(failure)
        }
    }

    private func popQueued() -> Queued? {
        state.withLock { $0.queue.isEmpty ? nil : $0.queue.removeFirst() }
    }

    /// One turn of the worker: the oldest waiting request, alone, or — when the engine batches —
    /// with every request that arrives while the batch runs.
    private func serveNext() {
        guard let next = popQueued() else { return }
        defer { state.withLock { $0.activity = .idle } }
        guard !next.request.cancellation.isCancelled else {
            next.emit(.finished(SynthesisEnd(outcome: .cancelled, finishedAt: MonotonicClock.now())))
            return
        }
        next.emit(.preparing(at: MonotonicClock.now()))
        let ready: Ready
        switch loadedEngine() {
        case .success(let value): ready = value
        case .failure(let error):
            next.emit(.finished(SynthesisEnd(outcome: .failed(error.description), finishedAt: MonotonicClock.now())))
            return
        }
        if let batching = ready.engine as? any BatchingSpeechEngine, batching.maxBatchSize > 1 {
            runBatch(first: next, engine: batching, ready: ready)
        } else {
            next.emit(.finished(run(next.request, ready: ready, emit: next.emit)))
        }
    }

    private func synthesisRequest(_ request: LaneRequest, engine: any SpeechEngine) -> SynthesisRequest {
        request.fitsOptionsToModel
            ? request.options.request(text: request.text, fittedTo: engine.capabilities)
            : request.options.request(text: request.text)
    }

    private func run(_ request: LaneRequest, ready: Ready, emit: @escaping (SynthesisEvent) -> Void) -> SynthesisEnd {
        guard !request.cancellation.isCancelled else { return SynthesisEnd(outcome: .cancelled, finishedAt: MonotonicClock.now()) }
        state.withLock { $0.activity = .synthesizing(requestID: request.id) }
        let engine = ready.engine
        let synthesisRequest = synthesisRequest(request, engine: engine)
        _ = ProcessMemory.resetPeak()
        var progress = RequestProgress(request: synthesisRequest, ready: ready, emit: emit)
        do {
            progress.end.summary = try engine.synthesize(synthesisRequest, cancellation: request.cancellation) { chunk in
                progress.deliver(chunk)
            }
        } catch is SynthesisCancelled {
            progress.end.outcome = .cancelled
        } catch {
            progress.end.outcome = .failed(SottoError.describe(error))
        }
        return progress.finish()
    }

    /// Decodes `first` and every request that arrives meanwhile together, admitting newcomers
    /// between steps up to the engine's batch size.
    private func runBatch(first: Queued, engine: any BatchingSpeechEngine, ready: Ready) {
        let batch = engine.makeBatch()
        func admit(_ queued: Queued, announced: Bool) {
            if !announced { queued.emit(.preparing(at: MonotonicClock.now())) }
            guard !queued.request.cancellation.isCancelled else {
                queued.emit(.finished(SynthesisEnd(outcome: .cancelled, finishedAt: MonotonicClock.now())))
                return
            }
            let synthesisRequest = synthesisRequest(queued.request, engine: engine)
            let progress = Box(RequestProgress(request: synthesisRequest, ready: ready, emit: queued.emit))
            do {
                try batch.join(synthesisRequest, cancellation: queued.request.cancellation,
                               onChunk: { progress.value.deliver($0) },
                               onEnd: { result in
                                   switch result {
                                   case .success(let summary): progress.value.end.summary = summary
                                   case .failure(is SynthesisCancelled): progress.value.end.outcome = .cancelled
                                   case .failure(let error): progress.value.end.outcome = .failed(SottoError.describe(error))
                                   }
                                   queued.emit(.finished(progress.value.finish()))
                               })
            } catch {
                progress.value.end.outcome = .failed(SottoError.describe(error))
                queued.emit(.finished(progress.value.finish()))
            }
        }
        admit(first, announced: true)
        state.withLock { $0.activity = .synthesizing(requestID: first.request.id) }
        while batch.activeCount > 0 {
            while batch.activeCount < engine.maxBatchSize, let next = popQueued() { admit(next, announced: false) }
            batch.step()
        }
    }

    /// A request's audio and timings as its chunks arrive: chunks at another rate are resampled
    /// to the engine's, and the end carries the counts.
    private struct RequestProgress {
        var end: SynthesisEnd
        let start: SynthesisStart
        let emit: (SynthesisEvent) -> Void
        private var converters: [Int: ResamplingStream] = [:]
        private var nextIndex = 0
        private let text: String

        init(request: SynthesisRequest, ready: Ready, emit: @escaping (SynthesisEvent) -> Void) {
            let engine = ready.engine
            start = SynthesisStart(request: request, sampleRate: engine.sampleRate, loadSeconds: ready.loadSeconds,
                                   defaultVoice: engine.defaultVoice, capabilities: engine.capabilities,
                                   startedAt: MonotonicClock.now())
            end = SynthesisEnd(outcome: .completed, start: start, finishedAt: 0)
            self.emit = emit
            text = request.text
            emit(.started(start))
        }

        mutating func deliver(_ chunk: AudioChunk) {
            var samples = chunk.samples
            if chunk.sampleRate != start.sampleRate {
                var stream = converters[chunk.sampleRate] ?? Resampler(from: chunk.sampleRate, to: start.sampleRate).makeStream()
                samples = stream.process(samples)
                converters[chunk.sampleRate] = stream
            }
            send(samples, text: chunk.text, words: chunk.words)
        }

        private mutating func send(_ samples: [Float], text: String, words: [WordTiming] = []) {
            let now = MonotonicClock.now()
            if end.firstChunkAt == nil && !samples.isEmpty { end.firstChunkAt = now }
            end.frames += samples.count
            let chunk = AudioChunk(samples: samples, sampleRate: start.sampleRate, index: nextIndex, text: text, words: words)
            emit(.chunk(TimedChunk(chunk: chunk, at: now, sinceStart: now - start.startedAt)))
            nextIndex += 1
        }

        mutating func finish() -> SynthesisEnd {
            for (rate, var stream) in converters {
                let tail = stream.finish()
                converters[rate] = nil
                if !tail.isEmpty { send(tail, text: text) }
            }
            end.finishedAt = MonotonicClock.now()
            end.memory = ProcessMemory.read()
            return end
        }
    }

    /// Lets the batch's callbacks share one request's progress.
    private final class Box<Value> {
        var value: Value
        init(_ value: Value) { self.value = value }
    }
}
