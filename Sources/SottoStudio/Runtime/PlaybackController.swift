import Foundation
import SottoAudio
import SottoCore
import SottoRuntime
import SottoMetrics
import Synchronization

/// What is playing, as the screen shows it. Read any number of times a second from any thread.
public struct PlaybackSnapshot: Equatable, Sendable {
    public enum Phase: Equatable, Sendable {
        case idle
        /// The device is being opened.
        case opening
        /// Opened for a take being synthesized; starts with its first audio.
        case waitingForAudio
        case playing
        case finished
        case stopped
        case failed(String)
    }

    public var takeID: Int?
    public var phase: Phase = .idle
    public var playheadFrame = 0
    public var sampleRate = 0
    /// Frames available so far (grows while the take is being synthesized).
    public var availableFrames = 0
    /// Whether the take's audio is still growing.
    public var isGrowing = false
    /// Why playback last failed; kept until playback works again.
    public var lastError: String?
    public var deviceName: String

    public var playheadSeconds: Double { sampleRate > 0 ? Double(playheadFrame) / Double(sampleRate) : 0 }
    public var availableSeconds: Double { sampleRate > 0 ? Double(availableFrames) / Double(sampleRate) : 0 }
    public var isActive: Bool {
        switch phase {
        case .opening, .waitingForAudio, .playing: return true
        default: return false
        }
    }
}

/// Where to start playing a take.
public enum PlaybackPosition: Equatable, Sendable {
    case start
    case seconds(Double)
    /// At the time position of whatever is playing now (for the A/B switch); from the start if
    /// nothing is playing or the new take is shorter than that.
    case samePosition
}

/// Owns playback: one take at a time, opened and switched on a thread of its own so neither a
/// slow device nor a file read ever holds up the screen.
public final class PlaybackController: Sendable {
    public typealias StreamStart = @Sendable (Double, any PlayingSound) -> Void

    private struct Current {
        var takeID: Int?
        var buffer: PlaybackBuffer?
        var sound: (any PlayingSound)?
        var phase: PlaybackSnapshot.Phase = .idle
        var lastError: String?
        /// For a take being synthesized: called with the moment its first audio went to the device
        /// and the sound playing it.
        var onStreamStart: StreamStart?
        /// Bumped by every command, so work queued for an older command can tell it is stale.
        var generation = 0
    }

    private let outputs: Mutex<any AudioOutput>
    public let library: TakeAudioLibrary
    private let current: Mutex<Current>
    private let worker = WorkerThread(name: "sotto-playback")

    public init(output: any AudioOutput, library: TakeAudioLibrary) {
        outputs = Mutex(output)
        self.library = library
        current = Mutex(Current())
    }

    public var output: any AudioOutput { outputs.withLock { $0 } }

    /// Plays on another device from the next take on.
    public func setOutput(_ output: any AudioOutput) {
        outputs.withLock { $0 = output }
        // The old device's trouble is not the new one's.
        current.withLock { state in
            state.lastError = nil
            if case .failed = state.phase { state.phase = .idle }
        }
    }

    public func snapshot() -> PlaybackSnapshot {
        let (takeID, buffer, sound, phase, lastError) = current.withLock {
            ($0.takeID, $0.buffer, $0.sound, $0.phase, $0.lastError)
        }
        var snapshot = PlaybackSnapshot(deviceName: output.name)
        snapshot.takeID = takeID
        snapshot.lastError = lastError
        snapshot.phase = phase
        if let buffer {
            snapshot.sampleRate = buffer.sampleRate
            snapshot.availableFrames = buffer.frameCount
            snapshot.isGrowing = !buffer.isFinished
        }
        if let sound, phase == .playing {
            snapshot.playheadFrame = sound.playhead
            switch sound.state {
            case .finished: snapshot.phase = .finished
            case .stopped: snapshot.phase = .stopped
            case .failed(let error):
                snapshot.phase = .failed("\(error)")
                snapshot.lastError = "\(error)"
            default: break
            }
        } else if let sound {
            snapshot.playheadFrame = sound.playhead
        }
        return snapshot
    }

    /// Plays a take whose audio is in `buffer`, or is read from `file` first, its samples scaled
    /// by `gain` (a finished take's only: loudness matching).
    public func play(takeID: Int, buffer: PlaybackBuffer?, file: URL?, from position: PlaybackPosition, gain: Double = 1) {
        let generation = bump(takeID: takeID, phase: .opening)
        worker.submit { [self] in
            guard isCurrent(generation) else { return }
            let source: PlaybackBuffer
            do {
                if let buffer {
                    source = buffer
                } else if let file {
                    source = try library.load(takeID, from: file)
                } else {
                    throw SottoError("take \(takeID) has no audio")
                }
            } catch {
                fail(generation, message: SottoError.describe(error))
                return
            }
            let startFrame = resolve(position, for: source)
            open(Self.scaled(source, by: gain), startFrame: startFrame, generation: generation, startNow: true)
        }
    }

    /// Opens the device for a take that is about to be synthesized; `startStream` starts it
    /// when the first audio exists. Opening ahead keeps the device's start-up out of the time
    /// to first audio.
    public func prepareStream(takeID: Int, buffer: PlaybackBuffer, onStart: @escaping StreamStart) {
        let generation = bump(takeID: takeID, phase: .opening)
        current.withLock { $0.onStreamStart = onStart }
        worker.submit { [self] in
            guard isCurrent(generation) else { return }
            open(buffer, startFrame: 0, generation: generation, startNow: false)
        }
    }

    /// Starts a prepared stream, if it is still the current one.
    public func startStream(takeID: Int) {
        worker.submit { [self] in
            let (sound, onStart) = current.withLock { state -> ((any PlayingSound)?, StreamStart?) in
                guard state.takeID == takeID, state.phase == .waitingForAudio, let sound = state.sound else { return (nil, nil) }
                state.phase = .playing
                let callback = state.onStreamStart
                state.onStreamStart = nil
                return (sound, callback)
            }
            guard let sound else { return }
            sound.start()
            onStart?(MonotonicClock.now(), sound)
        }
    }

    public func stop() {
        let sound = current.withLock { state -> (any PlayingSound)? in
            state.generation += 1
            if state.phase == .playing || state.phase == .opening || state.phase == .waitingForAudio {
                state.phase = .stopped
            }
            state.onStreamStart = nil
            return state.sound
        }
        sound?.stop()
    }

    /// Blocks until queued playback commands have run (for tests and for shutting down).
    public func settle(timeout: Double = 5) {
        worker.drain(timeout: timeout)
    }

    public func shutdown() {
        stop()
        worker.shutdown(timeout: 2)
    }

    // MARK: On the playback thread

    private func open(_ source: PlaybackBuffer, startFrame: Int, generation: Int, startNow: Bool) {
        let previous = current.withLock { $0.sound }
        let output = self.output
        var sound: (any PlayingSound)?
        var failure: String?
        do {
            sound = try output.open(source, startFrame: startFrame)
        } catch {
            failure = SottoError.describe(error)
        }
        if sound == nil, let old = previous {
            // An exclusive device (hw:) is busy until the previous sound lets go of it.
            old.stop()
            if let player = old as? Player { player.waitUntilDone(timeout: .seconds(1)) }
            do {
                sound = try output.open(source, startFrame: startFrame)
                failure = nil
            } catch {
                failure = SottoError.describe(error)
            }
        }
        guard let sound else {
            fail(generation, message: failure ?? "playback failed")
            return
        }
        let accepted = current.withLock { state -> Bool in
            guard state.generation == generation else { return false }
            state.sound = sound
            state.buffer = source
            state.phase = startNow ? .playing : .waitingForAudio
            state.lastError = nil
            return true
        }
        previous?.stop()
        guard accepted else {
            sound.stop()
            return
        }
        if startNow { sound.start() }
    }

    /// A copy of a finished take's audio at `gain`; the take itself when the gain is 1 or its
    /// audio is still growing.
    private static func scaled(_ source: PlaybackBuffer, by gain: Double) -> PlaybackBuffer {
        guard gain != 1, gain.isFinite, source.isFinished else { return source }
        let factor = Float(gain)
        return PlaybackBuffer(samples: source.samples().map { $0 * factor }, sampleRate: source.sampleRate,
                              channels: source.channels)
    }

    private func resolve(_ position: PlaybackPosition, for source: PlaybackBuffer) -> Int {
        let seconds: Double
        switch position {
        case .start:
            return 0
        case .seconds(let value):
            seconds = value
        case .samePosition:
            // The previous sound is still the current one: this runs before `open` replaces it.
            let (sound, buffer) = current.withLock { ($0.sound, $0.buffer) }
            guard let sound, let buffer, sound.state == .playing else { return 0 }
            seconds = Double(sound.playhead) / Double(buffer.sampleRate)
        }
        let frame = Int((seconds * Double(source.sampleRate)).rounded())
        let length = source.isFinished ? source.frameCount : Int.max
        return frame >= 0 && frame < length ? frame : 0
    }

    private func bump(takeID: Int, phase: PlaybackSnapshot.Phase) -> Int {
        current.withLock { state in
            state.generation += 1
            state.takeID = takeID
            state.phase = phase
            state.onStreamStart = nil
            return state.generation
        }
    }

    private func isCurrent(_ generation: Int) -> Bool {
        current.withLock { $0.generation == generation }
    }

    private func fail(_ generation: Int, message: String) {
        let old = current.withLock { state -> (any PlayingSound)? in
            guard state.generation == generation else { return nil }
            state.phase = .failed(message)
            state.lastError = message
            let old = state.sound
            state.sound = nil
            state.onStreamStart = nil
            return old
        }
        old?.stop()
    }
}
