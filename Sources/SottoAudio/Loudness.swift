import CEbur128
import Glibc

/// How loud a recording is, measured as EBU R128 prescribes (ITU-R BS.1770: K-weighting, 400 ms
/// blocks, the absolute gate at -70 LUFS and the relative gate 10 LU below), with libebur128.
public struct Loudness: Codable, Equatable, Sendable {
    /// Integrated loudness in LUFS; nil for silence, or audio too short or too quiet to pass the
    /// gates.
    public var integratedLUFS: Double?
    /// The largest absolute sample value (1 is full scale, 0 dBFS).
    public var samplePeak: Double

    public init(integratedLUFS: Double?, samplePeak: Double) {
        self.integratedLUFS = integratedLUFS
        self.samplePeak = samplePeak
    }

    /// Measures interleaved float samples. Returns nil for parameters libebur128 refuses (no
    /// channels, a sample rate of zero or one it does not support).
    public static func measure(_ samples: [Float], sampleRate: Int, channels: Int = 1) -> Loudness? {
        guard channels > 0, sampleRate > 0,
              let created = ebur128_init(UInt32(channels), UInt(sampleRate),
                                         Int32(EBUR128_MODE_I.rawValue | EBUR128_MODE_SAMPLE_PEAK.rawValue))
        else { return nil }
        var handle: UnsafeMutablePointer<ebur128_state>? = created
        defer { ebur128_destroy(&handle) }
        let state = created
        let frames = samples.count / channels
        if frames > 0 {
            let added = samples.withUnsafeBufferPointer { ebur128_add_frames_float(state, $0.baseAddress, frames) }
            guard added == Int32(EBUR128_SUCCESS.rawValue) else { return nil }
        }
        var integrated = 0.0
        guard ebur128_loudness_global(state, &integrated) == Int32(EBUR128_SUCCESS.rawValue) else { return nil }
        var peak = 0.0
        for channel in 0..<channels {
            var channelPeak = 0.0
            if ebur128_sample_peak(state, UInt32(channel), &channelPeak) == Int32(EBUR128_SUCCESS.rawValue) {
                peak = max(peak, channelPeak)
            }
        }
        return Loudness(integratedLUFS: integrated.isFinite ? integrated : nil, samplePeak: peak)
    }

    /// The peak in dBFS ("-1.2 dBFS"); -infinity for silence.
    public var peakDBFS: Double { Loudness.decibels(samplePeak) }

    public static func decibels(_ gain: Double) -> Double { gain > 0 ? 20 * log10(gain) : -.infinity }
}

/// The gains that play several recordings at one integrated loudness without clipping.
///
/// Every recording is brought to the level of the quietest one, never raised above its own: a
/// comparison should not make one take louder than it was made, and attenuating can never push a
/// sample past full scale. A recording whose own peak is already above 0 dBFS is lowered until it
/// is not, and then the others follow it down, so every peak ends at or below 0 dBFS.
public enum LoudnessMatch {
    /// One linear gain per recording, in order. A recording without a measured loudness (silence)
    /// is only kept from clipping.
    public static func gains(_ recordings: [Loudness]) -> [Double] {
        // How loud each can play at most: unchanged, or lowered until its peak is full scale.
        let ceilings = recordings.map { recording -> Double? in
            recording.integratedLUFS.map { $0 + min(0, -Loudness.decibels(recording.samplePeak)) }
        }
        let target = ceilings.compactMap { $0 }.min()
        return zip(recordings, ceilings).map { recording, ceiling in
            let unclipped = recording.samplePeak > 1 ? 1 / recording.samplePeak : 1
            guard let target, let lufs = recording.integratedLUFS, ceiling != nil else { return unclipped }
            return min(unclipped, pow(10, (target - lufs) / 20))
        }
    }
}
