import SottoAudio

/// How long a take's first audio took to reach the speaker, counted from the synthesize key: to
/// the first frame handed to ALSA, and to that frame being audible (the device's start and its
/// own latency accounted for, as `PlaybackStartTiming` measures them).
public struct SpeakerLatency: Codable, Equatable, Sendable {
    /// From the key to the first `snd_pcm_writei` that took frames.
    public var toAlsaSeconds: Double
    /// From the key to the first frame leaving the device; nil when the device was never seen
    /// running (stopped at once, or it failed).
    public var audibleSeconds: Double?

    public init(toAlsaSeconds: Double, audibleSeconds: Double?) {
        self.toAlsaSeconds = toAlsaSeconds
        self.audibleSeconds = audibleSeconds
    }

    /// The latency of a take requested at `requestedAt` (monotonic seconds), or nil when no frame
    /// reached ALSA.
    public init?(_ timing: PlaybackStartTiming?, requestedAt: Double) {
        guard let timing, let written = timing.firstWriteAt else { return nil }
        toAlsaSeconds = written - requestedAt
        // A frame cannot be heard before it was handed over, whatever the device's counters say.
        audibleSeconds = timing.firstAudibleAt.map { max($0, written) - requestedAt }
    }

    /// "0.512 s to ALSA · 0.580 s heard"
    public var label: String {
        let alsa = Formatting.seconds(toAlsaSeconds) + " to ALSA"
        guard let audibleSeconds else { return alsa }
        return alsa + " · " + Formatting.seconds(audibleSeconds) + " heard"
    }
}
