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
        var waiting = 0
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
    public var waitingCount: Int { state.withLock { $0.waiting } }

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
            state.withLock { $0.loaded = nil }
            done(had)
        }
    }

    /// Queues `request`; `events` hears of it on the lane's thread, in order, ending with
    /// `.finished`. Throws `LaneQueueFull` when `queueLimit` requests are already waiting.
    public func submit(_ request: LaneRequest, events: @escaping @Sendable (SynthesisEvent) -> Void) throws {
        try state.withLock { state throws(LaneQueueFull) in
            guard state.waiting < queueLimit else { throw LaneQueueFull(modelID: model.id, limit: queueLimit) }
            state.waiting += 1
        }
        worker.submit { [self] in
            state.withLock { $0.waiting -= 1 }
            let end = run(request, emit: events)
            state.withLock { $0.activity = .idle }
            events(.finished(end))
        }
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
            state.withLock { $0.loaded = info }
            onLoad(model.id, .success(info))
            return .success(Ready(engine: loadedEngine, info: info, loadSeconds: seconds))
        } catch {
            let failure = error as? SottoError ?? SottoError("cannot load \(model.name): \(SottoError.describe(error))")
            onLoad(model.id, .failure(failure))
            return .failure(failure)
        }
    }

    private func run(_ request: LaneRequest, emit: (SynthesisEvent) -> Void) -> SynthesisEnd {
        guard !request.cancellation.isCancelled else { return SynthesisEnd(outcome: .cancelled, finishedAt: MonotonicClock.now()) }
        emit(.preparing(at: MonotonicClock.now()))
        let ready: Ready
        switch loadedEngine() {
        case .success(let value): ready = value
        case .failure(let error): return SynthesisEnd(outcome: .failed(error.description), finishedAt: MonotonicClock.now())
        }
        guard !request.cancellation.isCancelled else { return SynthesisEnd(outcome: .cancelled, finishedAt: MonotonicClock.now()) }
        state.withLock { $0.activity = .synthesizing(requestID: request.id) }

        let engine = ready.engine
        let sampleRate = engine.sampleRate
        let synthesisRequest = request.fitsOptionsToModel
            ? request.options.request(text: request.text, fittedTo: engine.capabilities)
            : request.options.request(text: request.text)
        _ = ProcessMemory.resetPeak()
        let start = SynthesisStart(request: synthesisRequest, sampleRate: sampleRate, loadSeconds: ready.loadSeconds,
                                   defaultVoice: engine.defaultVoice, capabilities: engine.capabilities,
                                   startedAt: MonotonicClock.now())
        emit(.started(start))

        var end = SynthesisEnd(outcome: .completed, start: start, finishedAt: 0)
        var converters: [Int: ResamplingStream] = [:]
        var nextIndex = 0
        func deliver(_ samples: [Float], text: String) {
            let now = MonotonicClock.now()
            if end.firstChunkAt == nil && !samples.isEmpty { end.firstChunkAt = now }
            end.frames += samples.count
            emit(.chunk(TimedChunk(chunk: AudioChunk(samples: samples, sampleRate: sampleRate, index: nextIndex, text: text),
                                   at: now, sinceStart: now - start.startedAt)))
            nextIndex += 1
        }
        do {
            end.summary = try engine.synthesize(synthesisRequest, cancellation: request.cancellation) { chunk in
                var samples = chunk.samples
                if chunk.sampleRate != sampleRate {
                    var stream = converters[chunk.sampleRate] ?? Resampler(from: chunk.sampleRate, to: sampleRate).makeStream()
                    samples = stream.process(samples)
                    converters[chunk.sampleRate] = stream
                }
                deliver(samples, text: chunk.text)
            }
        } catch is SynthesisCancelled {
            end.outcome = .cancelled
        } catch {
            end.outcome = .failed(SottoError.describe(error))
        }
        for (_, var stream) in converters {
            let tail = stream.finish()
            if !tail.isEmpty { deliver(tail, text: request.text) }
        }
        end.finishedAt = MonotonicClock.now()
        end.memory = ProcessMemory.read()
        return end
    }
}
