import Foundation
import SottoAudio
import SottoCore
import SottoRuntime

/// Keeps finished takes: turns what a lane reported into a `Take` with its metrics and writes
/// its audio and record into the session. Runs on a thread of its own, so that the engine's lane
/// moves on to the next take while this one is written, and never waits on playback.
public final class TakeRecorder: Sendable {
    private let worker = WorkerThread(name: "sotto-take-writer")
    private let playback: PlaybackController

    public init(playback: PlaybackController) {
        self.playback = playback
    }

    /// Records `job` as `end` left it; `done` runs on the recorder's thread.
    public func record(_ job: SynthesisJob, _ end: SynthesisEnd, done: @escaping @Sendable (SynthesisOutcome) -> Void) {
        worker.submit { [self] in done(save(job, end)) }
    }

    /// Blocks until every take handed over so far is written.
    public func settle(timeout: Double = 30) {
        worker.drain(timeout: timeout)
    }

    public func shutdown() {
        worker.shutdown(timeout: 5)
    }

    private func save(_ job: SynthesisJob, _ end: SynthesisEnd) -> SynthesisOutcome {
        var outcome = SynthesisOutcome(takeID: job.takeID, take: nil, error: nil, cancelled: end.outcome == .cancelled)
        if case .failed(let message) = end.outcome { outcome.error = message }
        guard let start = end.start, let buffer = job.buffer else {
            if job.progress.phase != .queued {
                job.update { $0.phase = .finished; $0.finishedAt = end.finishedAt }
            }
            return outcome
        }
        if job.streamToSpeakers, job.progress.firstChunkAt != nil {
            // The first audio's start is reported from the playback thread; let it land.
            playback.settle(timeout: 2)
            job.awaitDeviceStart(timeout: 1)
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
        if settings.voice == nil { settings.voice = start.defaultVoice }
        let metrics = TakeMetrics(
            timeToFirstAudio: firstAudio.map { $0 - job.requestedAt },
            firstAudioReachedSpeakers: progress.firstAudioAtSpeakers != nil,
            loadSeconds: start.loadSeconds,
            synthesisSeconds: end.synthesisSeconds,
            audioSeconds: Double(frames) / Double(start.sampleRate),
            residentMB: end.memory?.residentMB,
            peakResidentMB: end.memory?.peakResidentMB,
            stages: end.summary.stages,
            speakerLatency: job.speakerLatency,
            loudness: Loudness.measure(buffer.samples(), sampleRate: start.sampleRate, channels: buffer.channels))
        let fileName = SessionHandle.audioFileName(takeID: job.takeID)
        var take = Take(
            id: job.takeID, createdAt: job.requestedDate, text: job.text, model: TakeModel(job.model),
            settings: settings, seed: start.request.seed, sampleRate: start.sampleRate, frames: frames, audioFile: fileName,
            metrics: metrics, notes: end.summary.notes,
            outcome: outcome.cancelled ? .cancelled : outcome.error.map { .failed($0) } ?? .complete)
        take.words = progress.words.isEmpty ? nil : progress.words
        do {
            // The takes folder may have been removed while the studio ran; a take is still kept.
            try FileManager.default.createDirectory(at: job.session.takesFolder, withIntermediateDirectories: true)
            try AudioFile.write(samples: buffer.samples(), sampleRate: start.sampleRate,
                                to: job.session.audioURL(fileName).path, format: .wavFloat)
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
