import Synchronization

/// What the playback thread publishes and any other thread may read at any rate.
final class PlaybackStatus: Sendable {
    let state = Monitor(PlaybackState.idle)
    /// In source frames, including the start offset.
    let playhead: Atomic<Int>
    /// In source frames, including the start offset.
    let framesWritten: Atomic<Int>
    let underruns = Atomic(0)
    let stopRequested = Atomic(false)
    /// When the first frames reached the device and when it began playing them.
    let startTiming: Mutex<PlaybackStartTiming>

    init(startFrame: Int, sampleRate: Int = 0) {
        playhead = Atomic(startFrame)
        framesWritten = Atomic(startFrame)
        startTiming = Mutex(PlaybackStartTiming(sampleRate: sampleRate))
    }

    var currentState: PlaybackState { state.withLock { $0 } }

    /// Moves to `next` unless playback already ended; returns whether it moved.
    @discardableResult
    func transition(to next: PlaybackState) -> Bool {
        state.withLock { state in
            guard !state.isDone else { return false }
            state = next
            return true
        }
    }

    /// Only the playback thread moves the playhead, so a plain compare keeps it monotonic.
    func advancePlayhead(to frame: Int) {
        if frame > playhead.load(ordering: .relaxed) {
            playhead.store(frame, ordering: .releasing)
        }
    }
}
