import CAlsa
import Synchronization

/// Plays a `PlaybackBuffer` on an ALSA device from a thread of its own, so the caller never blocks.
///
/// Opening happens in `init`, so a missing or unsuitable device is reported at once. `start()`
/// begins playback; `playhead`, `state` and `underrunCount` can be polled from any thread at any
/// rate; `stop()` ends playback promptly from any thread; `waitUntilDone()` blocks until the end.
/// A player plays once; to play again, or from another position, make a new one. Releasing the
/// last reference to a player stops its playback.
///
/// For A/B comparison at the same spot, stop one player and start another with
/// `startFrame: previous.playhead`. Exclusive devices (`hw:`) are released only when the old
/// player is done, so wait for it before opening the same device again.
public final class Player: Sendable {
    /// The ALSA PCM name.
    public let deviceName: String
    public let source: PlaybackBuffer
    /// The source frame playback starts at.
    public let startFrame: Int
    /// Frames written per device write, as ALSA chose them for the requested latency.
    public let periodFrames: Int
    /// The device buffer in frames: how far ahead of the speaker writing can get.
    public let bufferFrames: Int

    private let status: PlaybackStatus
    /// Handed to the playback thread by `start()`, or closed by `stop()` if never started.
    private let unstartedPCM: Mutex<AlsaPCM?>

    /// Opens `device` for the source's sample rate and channel count.
    /// - Parameters:
    ///   - startFrame: the source frame to start at; it may lie beyond what has been appended so far.
    ///   - latency: the device buffer length ALSA should aim for. Shorter reacts faster to `stop()`
    ///     and stays closer to the playhead, longer survives a busy machine without underruns.
    public convenience init(
        source: PlaybackBuffer, device: AudioDevice = .systemDefault, startFrame: Int = 0,
        latency: Duration = .milliseconds(100)
    ) throws(AudioError) {
        let pcm = try AlsaPCM.open(device)
        try self.init(source: source, pcm: pcm, startFrame: startFrame, latency: latency)
    }

    /// Plays on a PCM that was opened outside Sotto, such as a software device created in-process.
    /// The player takes ownership of `handle` and closes it when playback ends, or when opening
    /// fails. It is switched to non-blocking mode so `stop()` is never held up by a full buffer.
    public convenience init(
        source: PlaybackBuffer, adoptingPCM handle: OpaquePointer, name: String,
        startFrame: Int = 0, latency: Duration = .milliseconds(100)
    ) throws(AudioError) {
        let pcm = AlsaPCM(adopting: handle, name: name)
        try self.init(source: source, pcm: pcm, startFrame: startFrame, latency: latency)
    }

    private init(
        source: PlaybackBuffer, pcm: AlsaPCM, startFrame: Int, latency: Duration
    ) throws(AudioError) {
        guard startFrame >= 0 else {
            pcm.close()
            throw .invalidAudio("playback cannot start at frame \(startFrame)")
        }
        let (seconds, attoseconds) = latency.components
        let microseconds = Int(seconds) * 1_000_000 + Int(attoseconds / 1_000_000_000_000)
        do {
            try pcm.configure(
                sampleRate: source.sampleRate, channels: source.channels,
                latencyMicroseconds: max(1_000, microseconds))
        } catch {
            pcm.close()
            throw error
        }
        deviceName = pcm.name
        self.source = source
        self.startFrame = startFrame
        periodFrames = pcm.periodFrames
        bufferFrames = pcm.bufferFrames
        status = PlaybackStatus(startFrame: startFrame, sampleRate: source.sampleRate)
        unstartedPCM = Mutex(pcm)
    }

    deinit {
        stop()
    }

    /// Starts the playback thread. Does nothing if the player was already started or stopped.
    public func start() {
        guard let pcm = unstartedPCM.withLock({ $0.take() }) else { return }
        guard status.transition(to: .playing) else {
            pcm.close()
            return
        }
        let loop = PlaybackLoop(
            pcm: pcm, source: source, startFrame: startFrame, status: status)
        let started = startThread { loop.run() }
        if !started {
            pcm.close()
            status.transition(to: .failed(.playbackFailed(
                device: deviceName, code: -EAGAIN, alsaMessage: "cannot start a playback thread")))
        }
    }

    /// When the first frames were handed to ALSA and when the first of them was audible (for
    /// latency measurements); empty until playback has started.
    public var startTiming: PlaybackStartTiming { status.startTiming.withLock { $0 } }

    /// Ends playback as soon as possible, dropping what the device has buffered. Returns at once;
    /// the device is released shortly after, by the playback thread (see `waitUntilDone()`).
    public func stop() {
        status.stopRequested.store(true, ordering: .releasing)
        if let pcm = unstartedPCM.withLock({ $0.take() }) {
            pcm.close()
            status.transition(to: .stopped)
        }
    }

    public var state: PlaybackState { status.currentState }

    /// The source frame the listener is hearing now: frames written minus those still queued in
    /// the device (`snd_pcm_delay`), plus `startFrame`. Never decreases and never passes
    /// `framesWritten`; when playback finishes it equals `startFrame` plus the frames played.
    public var playhead: Int { status.playhead.load(ordering: .acquiring) }

    /// The source frame up to which audio has been handed to the device, including `startFrame`.
    public var framesWritten: Int { status.framesWritten.load(ordering: .acquiring) }

    /// How many times the device ran dry (an ALSA underrun, `-EPIPE`) and was recovered.
    public var underrunCount: Int { status.underruns.load(ordering: .acquiring) }

    /// Blocks until playback has ended and the device is closed, or `timeout` passes (nil waits
    /// for ever). Returns the state at that moment; a player never started returns `.idle` at once.
    @discardableResult
    public func waitUntilDone(timeout: Duration? = nil) -> PlaybackState {
        status.state.wait(
            timeout: timeout, until: { $0.isDone || $0 == .idle }, then: { $0 })
    }
}
