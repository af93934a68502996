/// When a player's first frames reached ALSA and when the first of them could be heard, for
/// latency measurements (`sotto bench --play`). Times are monotonic seconds (CLOCK_MONOTONIC),
/// the clock of `SottoMetrics.MonotonicClock`.
public struct PlaybackStartTiming: Sendable, Equatable {
    /// The source's sample rate, to turn frames into seconds.
    public var sampleRate: Int
    /// When the first `snd_pcm_writei` that took frames returned.
    public var firstWriteAt: Double?
    /// Frames that first write took.
    public var firstWriteFrames = 0
    /// When the device was first seen running (ALSA starts it once its start threshold is queued).
    public var runningAt: Double?
    /// Frames the device had already played at `runningAt`.
    public var playedFramesAtRunning = 0
    /// What `snd_pcm_delay` reported beyond the frames still queued at `runningAt`: the latency of
    /// the device and the plugins under it.
    public var extraDelayFrames = 0

    public init(sampleRate: Int) {
        self.sampleRate = sampleRate
    }

    /// When the first frame left the speaker: it passed the device's pointer `playedFramesAtRunning`
    /// frames before `runningAt`, and took `extraDelayFrames` more to come out. Nil until the
    /// device has run.
    public var firstAudibleAt: Double? {
        guard let runningAt, sampleRate > 0 else { return nil }
        return runningAt + Double(extraDelayFrames - playedFramesAtRunning) / Double(sampleRate)
    }
}
