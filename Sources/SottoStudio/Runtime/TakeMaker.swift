import Foundation
import SottoAudio
import SottoCore
import SottoMetrics
import SottoRuntime
import Synchronization

/// The studio's side of the model lanes: sends each take to its model's lane and follows it —
/// its live buffer, playback while it is made, its progress for the metrics — then hands it to
/// the `TakeRecorder`. All the studio's models share one lane thread, so one computes at a time
/// and the metrics are each model's own.
public final class TakeMaker: Sendable {
    /// The lanes of models loaded with the default options.
    public let lanes: ModelLanes
    /// Lanes for models loaded at a chosen weight precision, one set per precision (a model's
    /// precision is a load option, so another precision is another load of it).
    private let precisionLanes: Mutex<[WeightPrecision: ModelLanes]>
    private let loadOptions: LoadOptions
    private let onLoad: @Sendable (String, Result<LoadedModel, SottoError>) -> Void
    private let playback: PlaybackController
    private let library: TakeAudioLibrary
    private let recorder: TakeRecorder
    private let inbox: Inbox

    /// Events and jobs, shared with the lanes' load callback.
    private final class Inbox: Sendable {
        struct State {
            var events: [LaneEvent] = []
            var jobs: [SynthesisJob] = []
        }
        let state = Mutex(State())
        func post(_ event: LaneEvent) { state.withLock { $0.events.append(event) } }
    }

    public init(families: ModelFamilies, playback: PlaybackController, library: TakeAudioLibrary,
                loadOptions: LoadOptions = LoadOptions()) {
        let inbox = Inbox()
        self.inbox = inbox
        self.playback = playback
        self.library = library
        recorder = TakeRecorder(playback: playback)
        let onLoad: @Sendable (String, Result<LoadedModel, SottoError>) -> Void = { id, result in
            inbox.post(.loaded(modelID: id, result: result))
        }
        self.onLoad = onLoad
        self.loadOptions = loadOptions
        precisionLanes = Mutex([:])
        lanes = ModelLanes(families: families, loadOptions: loadOptions, queueLimit: 64, oneThreadForAll: true, onLoad: onLoad)
    }

    public var families: ModelFamilies { lanes.families }

    /// The lanes that load models at `precision` (nil: the default options).
    public func lanes(precision: WeightPrecision?) -> ModelLanes {
        guard let precision else { return lanes }
        return precisionLanes.withLock { sets in
            if let set = sets[precision] { return set }
            var options = loadOptions
            options.precision = precision
            let set = ModelLanes(families: families, loadOptions: options, queueLimit: 64, oneThreadForAll: true, onLoad: onLoad)
            sets[precision] = set
            return set
        }
    }

    private var allLanes: [ModelLanes] { [lanes] + precisionLanes.withLock { Array($0.values) } }

    public var activity: LaneActivity {
        let activities = allLanes.map(\.activity)
        return activities.first { if case .loading = $0 { true } else { false } } ?? activities.first { $0 != .idle } ?? .idle
    }

    /// Every loaded model, whatever its precision.
    public var loadedModels: [String: LoadedModel] {
        var result: [String: LoadedModel] = [:]
        for set in allLanes { result.merge(set.loaded) { first, _ in first } }
        return result
    }

    /// Whether `modelID` is loaded at `precision` (nil: with the default options).
    public func isLoaded(_ modelID: String, precision: WeightPrecision?) -> Bool {
        lanes(precision: precision).loaded[modelID] != nil
    }

    /// The precisions `modelID` is loaded at (nil for the default options).
    public func loadedPrecisions(_ modelID: String) -> [WeightPrecision?] {
        var result: [WeightPrecision?] = lanes.loaded[modelID] != nil ? [nil] : []
        for (precision, set) in precisionLanes.withLock({ $0 }) where set.loaded[modelID] != nil { result.append(precision) }
        return result
    }

    /// Syntheses queued, running or being saved, oldest first.
    public var pendingJobs: [SynthesisJob] { inbox.state.withLock { $0.jobs } }

    /// Events since the last call, in order.
    public func takeEvents() -> [LaneEvent] {
        inbox.state.withLock { state in
            defer { state.events.removeAll() }
            return state.events
        }
    }

    public func load(_ model: ModelDescriptor, precision: WeightPrecision? = nil) {
        lanes(precision: precision).lane(for: model).load()
    }

    /// Has `model` clone the voice in `samples` on its lane and writes the voice file; the
    /// outcome arrives as a `.voiceKept` event.
    public func keepVoice(named name: String, model: ModelDescriptor, samples: [Float], sampleRate: Int, channels: Int,
                          referenceText: String?, source: String, folders: VoiceFolders, overwrite: Bool) {
        let inbox = self.inbox
        lanes.lane(for: model).perform({ engine -> URL in
            guard let cloning = engine as? any VoiceCloning else {
                throw SottoError("\(model.name) cannot clone voices", hint: "use a Qwen3-TTS Base model")
            }
            let voice = try cloning.cloneVoice(samples: samples, sampleRate: sampleRate, channels: channels, referenceText: referenceText, source: source)
            return try folders.save(voice, as: name, force: overwrite)
        }, then: { result in
            inbox.post(.voiceKept(KeptVoice(name: name, modelName: model.name, result: result)))
        })
    }

    /// Unloads `modelID` at every precision.
    public func unload(_ modelID: String) {
        for (_, set) in precisionSets { unload(modelID, from: set) }
    }

    /// Unloads `modelID` at every precision but `kept` (nil: the default options), freeing its
    /// memory for the load at the precision now wanted.
    public func unload(_ modelID: String, keeping kept: WeightPrecision?) {
        for (precision, set) in precisionSets where precision != kept { unload(modelID, from: set) }
    }

    private var precisionSets: [(WeightPrecision?, ModelLanes)] {
        [(nil, lanes)] + precisionLanes.withLock { $0.map { (Optional($0.key), $0.value) } }
    }

    private func unload(_ modelID: String, from set: ModelLanes) {
        set.existingLane(modelID)?.unload { [inbox] unloaded in
            if unloaded { inbox.post(.unloaded(modelID: modelID)) }
        }
    }

    public func synthesize(_ job: SynthesisJob) {
        inbox.state.withLock { $0.jobs.append(job) }
        let request = LaneRequest(id: job.takeID, text: job.text, options: job.settings.options(seed: job.seed),
                                  fitsOptionsToModel: true, cancellation: job.cancellation)
        do {
            try lanes(precision: job.settings.precision).lane(for: job.model).submit(request) { [self] event in follow(job, event) }
        } catch {
            finished(job, SynthesisOutcome(takeID: job.takeID, take: nil, error: SottoError.describe(error), cancelled: false))
        }
    }

    /// Cancels every synthesis queued or running. Loads cannot be interrupted; they finish.
    public func cancelAll() {
        for job in pendingJobs { job.cancellation.cancel() }
    }

    /// Blocks until everything asked so far is done and saved (tests; shutting down).
    public func settle(timeout: Double = 60) {
        for set in allLanes { set.settle(timeout: timeout) }
        recorder.settle(timeout: timeout)
    }

    public func shutdown() {
        cancelAll()
        for set in allLanes { set.shutdown(timeout: 5) }
        recorder.settle(timeout: 5)
        recorder.shutdown()
    }

    // MARK: On the lane's thread

    private func follow(_ job: SynthesisJob, _ event: SynthesisEvent) {
        switch event {
        case .preparing(let at):
            job.update { $0.phase = .loadingModel; $0.loadStartedAt = at }
        case .started(let start):
            let buffer = PlaybackBuffer(sampleRate: start.sampleRate)
            job.attach(buffer)
            library.register(job.takeID, buffer: buffer)
            if job.streamToSpeakers {
                playback.prepareStream(takeID: job.takeID, buffer: buffer) { [job] moment, sound in
                    job.update { $0.firstAudioAtSpeakers = moment }
                    job.attach(streamingTo: sound)
                }
            }
            job.update { progress in
                progress.phase = .synthesizing
                progress.loadSeconds = start.loadSeconds
                progress.sampleRate = start.sampleRate
                progress.engineStartedAt = start.startedAt
            }
        case .chunk(let timed):
            let samples = timed.chunk.samples
            job.buffer?.append(samples)
            var isFirst = false
            job.update { progress in
                isFirst = progress.firstChunkAt == nil && !samples.isEmpty
                if isFirst { progress.firstChunkAt = timed.at }
                progress.frames += samples.count
                progress.chunks += 1
                progress.words += timed.chunk.words
            }
            if isFirst && job.streamToSpeakers { playback.startStream(takeID: job.takeID) }
        case .finished(let end):
            job.buffer?.finish()
            if end.start != nil { job.update { $0.phase = .saving; $0.finishedAt = end.finishedAt } }
            recorder.record(job, end) { [self] outcome in finished(job, outcome) }
        }
    }

    private func finished(_ job: SynthesisJob, _ outcome: SynthesisOutcome) {
        inbox.state.withLock { state in
            state.events.append(.synthesisFinished(outcome))
            state.jobs.removeAll { $0 === job }
        }
    }
}
