import Foundation
import SottoAudio
import SottoCore
import SottoMetrics
import Synchronization

/// Something the engine thread finished, for the screen to pick up.
public enum LaneEvent: Sendable {
    case loaded(modelID: String, result: Result<LoadedModel, SottoError>)
    case unloaded(modelID: String)
    case synthesisFinished(SynthesisOutcome)
}

/// What the engine thread is doing right now.
public enum LaneActivity: Equatable, Sendable {
    case idle
    /// Loading a model: since when (monotonic) and the process's resident bytes at the start.
    case loading(modelID: String, since: Double, residentAtStart: Int)
    case synthesizing(takeID: Int)
}

/// The one place engine code runs. Loading, unloading and synthesis all happen on this lane's
/// thread, one at a time and in the order asked for: engines and the libraries under them
/// (espeak-ng, OpenBLAS scratch buffers) are not safe to enter from two threads at once, and two
/// models computing side by side on two cores would only slow both and spoil the metrics.
public final class EngineLane: Sendable {
    public let registry: EngineRegistry
    private let playback: PlaybackController
    private let library: TakeAudioLibrary
    private let worker = WorkerThread(name: "sotto-engine")
    /// Touched only on the worker thread.
    private let engines = Mutex<[String: any SpeechEngine]>([:])
    private let published = Mutex<Published>(Published())
    private let loadOptions: LoadOptions

    private struct Published {
        var activity = LaneActivity.idle
        var loaded: [String: LoadedModel] = [:]
        var events: [LaneEvent] = []
        var jobs: [SynthesisJob] = []
    }

    public init(registry: EngineRegistry, playback: PlaybackController, library: TakeAudioLibrary,
                loadOptions: LoadOptions = LoadOptions()) {
        self.registry = registry
        self.playback = playback
        self.library = library
        self.loadOptions = loadOptions
    }

    public var activity: LaneActivity { published.withLock { $0.activity } }
    public var loadedModels: [String: LoadedModel] { published.withLock { $0.loaded } }

    /// Syntheses queued or running, oldest first.
    public var pendingJobs: [SynthesisJob] { published.withLock { $0.jobs } }

    /// Events since the last call, in order.
    public func takeEvents() -> [LaneEvent] {
        published.withLock { state in
            defer { state.events.removeAll() }
            return state.events
        }
    }

    public func load(_ model: ModelDescriptor) {
        worker.submit { [self] in
            _ = loadedEngine(for: model)
        }
    }

    public func unload(_ modelID: String) {
        worker.submit { [self] in
            let removed = engines.withLock { $0.removeValue(forKey: modelID) } != nil
            guard removed else { return }
            publish { state in
                state.loaded[modelID] = nil
                state.events.append(.unloaded(modelID: modelID))
            }
        }
    }

    public func synthesize(_ job: SynthesisJob) {
        publish { $0.jobs.append(job) }
        worker.submit { [self] in
            run(job)
            publish { state in state.jobs.removeAll { $0 === job } }
        }
    }

    /// Cancels every synthesis queued or running. Loads cannot be interrupted; they finish.
    public func cancelAll() {
        for job in pendingJobs { job.cancellation.cancel() }
    }

    /// Blocks until everything asked so far is done (tests; shutting down).
    public func settle(timeout: Double = 60) {
        worker.drain(timeout: timeout)
    }

    public func shutdown() {
        cancelAll()
        worker.shutdown(timeout: 5)
    }

    // MARK: On the engine thread

    private func publish(_ change: (inout Published) -> Void) {
        published.withLock { change(&$0) }
    }

    /// The loaded engine for `model`, loading it first if needed; reports the load as an event.
    private func loadedEngine(for model: ModelDescriptor) -> Result<(any SpeechEngine, Double), SottoError> {
        if let engine = engines.withLock({ $0[model.id] }) { return .success((engine, 0)) }
        let residentAtStart = ProcessMemory.read()?.residentBytes ?? 0
        let started = MonotonicClock.now()
        publish { $0.activity = .loading(modelID: model.id, since: started, residentAtStart: residentAtStart) }
        defer { publish { $0.activity = .idle } }
        do {
            let engine = try registry.load(model, options: loadOptions)
            let seconds = MonotonicClock.now() - started
            let growth = max(0, (ProcessMemory.read()?.residentBytes ?? residentAtStart) - residentAtStart)
            let info = LoadedModel(
                modelID: model.id, sampleRate: engine.sampleRate, capabilities: engine.capabilities,
                voices: engine.voices, languages: engine.languages, defaultVoice: engine.defaultVoice,
                residentBytes: engine.residentBytes, residentGrowthBytes: growth, loadSeconds: seconds)
            engines.withLock { $0[model.id] = engine }
            publish { state in
                state.loaded[model.id] = info
                state.events.append(.loaded(modelID: model.id, result: .success(info)))
            }
            return .success((engine, seconds))
        } catch {
            let failure = error as? SottoError ?? SottoError("cannot load \(model.name): \(SottoError.describe(error))")
            publish { $0.events.append(.loaded(modelID: model.id, result: .failure(failure))) }
            return .failure(failure)
        }
    }

    private func run(_ job: SynthesisJob) {
        let outcome = makeTake(job)
        publish { state in
            state.activity = .idle
            state.events.append(.synthesisFinished(outcome))
        }
    }

    private func makeTake(_ job: SynthesisJob) -> SynthesisOutcome {
        var outcome = SynthesisOutcome(takeID: job.takeID, take: nil, error: nil, cancelled: false)
        guard !job.cancellation.isCancelled else {
            outcome.cancelled = true
            return outcome
        }
        job.update { $0.phase = .loadingModel; $0.loadStartedAt = MonotonicClock.now() }
        let engine: any SpeechEngine
        let loadSeconds: Double
        switch loadedEngine(for: job.model) {
        case .success(let loaded):
            (engine, loadSeconds) = loaded
        case .failure(let error):
            job.update { $0.phase = .finished; $0.finishedAt = MonotonicClock.now() }
            outcome.error = error.description
            return outcome
        }
        guard !job.cancellation.isCancelled else {
            job.update { $0.phase = .finished; $0.finishedAt = MonotonicClock.now() }
            outcome.cancelled = true
            return outcome
        }
        publish { $0.activity = .synthesizing(takeID: job.takeID) }

        let sampleRate = engine.sampleRate
        let buffer = PlaybackBuffer(sampleRate: sampleRate)
        job.attach(buffer)
        library.register(job.takeID, buffer: buffer)
        if job.streamToSpeakers {
            playback.prepareStream(takeID: job.takeID, buffer: buffer) { [job] moment in
                job.update { $0.firstAudioAtSpeakers = moment }
            }
        }
        let request = job.settings.request(text: job.text, capabilities: engine.capabilities, seed: job.seed)
        ProcessMemory.resetPeak()
        let engineStart = MonotonicClock.now()
        job.update { progress in
            progress.phase = .synthesizing
            progress.loadSeconds = loadSeconds
            progress.sampleRate = sampleRate
            progress.engineStartedAt = engineStart
        }

        var converters: [Int: ResamplingStream] = [:]
        var summary = SynthesisSummary()
        do {
            summary = try engine.synthesize(request, cancellation: job.cancellation) { chunk in
                var samples = chunk.samples
                if chunk.sampleRate != sampleRate {
                    var stream = converters[chunk.sampleRate] ?? Resampler(from: chunk.sampleRate, to: sampleRate).makeStream()
                    samples = stream.process(samples)
                    converters[chunk.sampleRate] = stream
                }
                buffer.append(samples)
                let now = MonotonicClock.now()
                var isFirst = false
                job.update { progress in
                    isFirst = progress.firstChunkAt == nil && !samples.isEmpty
                    if isFirst { progress.firstChunkAt = now }
                    progress.frames += samples.count
                    progress.chunks += 1
                }
                if isFirst && job.streamToSpeakers { playback.startStream(takeID: job.takeID) }
            }
        } catch is SynthesisCancelled {
            outcome.cancelled = true
        } catch {
            outcome.error = SottoError.describe(error)
        }
        for (_, var stream) in converters { buffer.append(stream.finish()) }
        buffer.finish()
        let finished = MonotonicClock.now()
        let memory = ProcessMemory.read()
        job.update { $0.phase = .saving; $0.finishedAt = finished }
        if job.streamToSpeakers, job.progress.firstChunkAt != nil {
            // The first audio's start is reported from the playback thread; let it land.
            playback.settle(timeout: 2)
        }
        let progress = job.progress
        let frames = buffer.frameCount
        guard frames > 0 else {
            job.update { $0.phase = .finished }
            if outcome.error == nil && !outcome.cancelled {
                outcome.error = "\(job.model.name) produced no audio for this text"
            }
            return outcome
        }

        let firstAudio = progress.firstAudioAtSpeakers ?? progress.firstChunkAt
        var settings = job.settings
        // Record who spoke: the model's default voice when none was chosen (a single-speaker
        // Piper voice names itself).
        if settings.voice == nil { settings.voice = engine.defaultVoice }
        let metrics = TakeMetrics(
            timeToFirstAudio: firstAudio.map { $0 - job.requestedAt },
            firstAudioReachedSpeakers: progress.firstAudioAtSpeakers != nil,
            loadSeconds: loadSeconds,
            synthesisSeconds: finished - engineStart,
            audioSeconds: Double(frames) / Double(sampleRate),
            residentMB: memory?.residentMB,
            peakResidentMB: memory?.peakResidentMB,
            stages: summary.stages)
        let fileName = SessionHandle.audioFileName(takeID: job.takeID)
        var take = Take(
            id: job.takeID, createdAt: job.requestedDate, text: job.text, model: TakeModel(job.model),
            settings: settings, seed: request.seed, sampleRate: sampleRate, frames: frames, audioFile: fileName,
            metrics: metrics, notes: summary.notes,
            outcome: outcome.cancelled ? .cancelled : outcome.error.map { .failed($0) } ?? .complete)
        do {
            // The takes folder may have been removed while the studio ran; a take is still kept.
            try FileManager.default.createDirectory(at: job.session.takesFolder, withIntermediateDirectories: true)
            try AudioFile.write(samples: buffer.samples(), sampleRate: sampleRate, to: job.session.audioURL(fileName).path,
                                format: .wavFloat)
            try job.session.writeRecord(take)
        } catch {
            take.audioFile = nil
            let message = "take \(job.takeID) could not be saved: \(SottoError.describe(error))"
            outcome.error = outcome.error.map { "\($0); \(message)" } ?? message
        }
        outcome.take = take
        job.update { $0.phase = .finished }
        return outcome
    }
}
