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
    public let lanes: ModelLanes
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
        lanes = ModelLanes(families: families, loadOptions: loadOptions, queueLimit: 64, oneThreadForAll: true) { id, result in
            inbox.post(.loaded(modelID: id, result: result))
        }
    }

    public var families: ModelFamilies { lanes.families }
    public var activity: LaneActivity { lanes.activity }
    public var loadedModels: [String: LoadedModel] { lanes.loaded }

    /// Syntheses queued, running or being saved, oldest first.
    public var pendingJobs: [SynthesisJob] { inbox.state.withLock { $0.jobs } }

    /// Events since the last call, in order.
    public func takeEvents() -> [LaneEvent] {
        inbox.state.withLock { state in
            defer { state.events.removeAll() }
            return state.events
        }
    }

    public func load(_ model: ModelDescriptor) {
        lanes.lane(for: model).load()
    }

    public func unload(_ modelID: String) {
        lanes.existingLane(modelID)?.unload { [inbox] unloaded in
            if unloaded { inbox.post(.unloaded(modelID: modelID)) }
        }
    }

    public func synthesize(_ job: SynthesisJob) {
        inbox.state.withLock { $0.jobs.append(job) }
        let request = LaneRequest(id: job.takeID, text: job.text, options: job.settings.options(seed: job.seed),
                                  fitsOptionsToModel: true, cancellation: job.cancellation)
        do {
            try lanes.lane(for: job.model).submit(request) { [self] event in follow(job, event) }
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
        lanes.settle(timeout: timeout)
        recorder.settle(timeout: timeout)
    }

    public func shutdown() {
        cancelAll()
        lanes.shutdown(timeout: 5)
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
                playback.prepareStream(takeID: job.takeID, buffer: buffer) { [job] moment in
                    job.update { $0.firstAudioAtSpeakers = moment }
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
