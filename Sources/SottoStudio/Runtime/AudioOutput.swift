import SottoAudio

/// Where the studio's playback goes. The real one is an ALSA device; tests of the A/B logic use
/// a clock-driven stand-in.
public protocol AudioOutput: Sendable {
    /// The device name shown in the playback pane and in errors.
    var name: String { get }
    /// Opens the device for `buffer` from `startFrame`; may block while the device opens.
    /// Throws a message a person can act on when there is no device.
    func open(_ buffer: PlaybackBuffer, startFrame: Int) throws -> any PlayingSound
}

/// A sound that has been opened on a device.
public protocol PlayingSound: AnyObject, Sendable {
    func start()
    func stop()
    /// The source frame being heard now.
    var playhead: Int { get }
    var state: PlaybackState { get }
    /// When the first frames reached the device and could be heard; nil for a device that does
    /// not measure it.
    var deviceStartTiming: PlaybackStartTiming? { get }
}

extension PlayingSound {
    public var deviceStartTiming: PlaybackStartTiming? { nil }
}

extension Player: PlayingSound {
    public var deviceStartTiming: PlaybackStartTiming? { startTiming }
}

/// Playback on an ALSA device (`default` unless the user names another).
public struct AlsaOutput: AudioOutput {
    public let device: AudioDevice

    public init(device: AudioDevice) {
        self.device = device
    }

    public var name: String { device.description }

    public func open(_ buffer: PlaybackBuffer, startFrame: Int) throws -> any PlayingSound {
        // A short device buffer makes stop and the A/B switch feel immediate.
        try Player(source: buffer, device: device, startFrame: startFrame, latency: .milliseconds(60))
    }
}
