/// Where a `Player` is in its life.
public enum PlaybackState: Sendable, Equatable {
    /// Opened, not started.
    case idle
    case playing
    /// Every frame was written and the device played it out.
    case finished
    /// `stop()` ended playback early; buffered audio was dropped.
    case stopped
    /// The device failed in a way that could not be recovered.
    case failed(AudioError)

    /// True once playback has ended, for whatever reason.
    public var isDone: Bool {
        switch self {
        case .idle, .playing: false
        case .finished, .stopped, .failed: true
        }
    }
}
