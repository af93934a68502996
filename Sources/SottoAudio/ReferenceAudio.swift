import CSndfile
import Glibc

/// A reference recording for voice cloning, prepared the way the Qwen3-TTS reference code
/// prepares one: decoded to float (libsndfile's scaling, so 16-bit samples are divided by
/// 32768 as soundfile and librosa do), averaged to mono, and resampled to 24 kHz with libsoxr
/// at high quality (``SoxrResampler``).
///
/// Limits, checked before anything is computed from the audio:
/// - at least ``minimumSeconds`` (1 s): the speaker embedding pools statistics over time, and
///   under a second (94 feature frames) there is too little voice for a stable estimate;
/// - at most ``maximumSeconds`` (30 s): a clean 3–10 s stretch is what cloning needs; beyond
///   30 s the reference only costs memory (the full-size speaker encoder's pooling input is
///   4608 floats per 10.7 ms frame, 52 MB at 30 s) and, when the recording's codes go into the
///   prompt, prompt length. Longer files are refused from their header, before decoding;
/// - not silent: an RMS level below ``silenceThresholdDB`` (−60 dBFS) has no voice to take.
/// A recording with more than 0.1 % of its samples at full scale gets a note that it looks
/// clipped; it is still used.
public struct ReferenceAudio: Sendable {
    public static let sampleRate = 24_000
    public static let minimumSeconds = 1.0
    public static let maximumSeconds = 30.0
    public static let silenceThresholdDB = -60.0

    /// Mono samples at 24 kHz.
    public let samples: [Float]
    public let sourceSampleRate: Int
    public let sourceChannels: Int
    /// Things worth telling the user that do not stop cloning (a clipped recording).
    public let notes: [String]

    public var duration: Double { Double(samples.count) / Double(Self.sampleRate) }

    /// Reads, checks and prepares the recording at `path` (WAV, FLAC, Ogg Vorbis, … at any rate
    /// and channel count).
    public static func load(_ path: String) throws(ReferenceAudioError) -> ReferenceAudio {
        try ReferenceAudio(decode(path), source: path)
    }

    /// Checks and prepares decoded audio; `source` names it in errors.
    public init(_ audio: AudioData, source: String) throws(ReferenceAudioError) {
        guard audio.channels > 0, audio.sampleRate > 0 else {
            throw .unreadable(.invalidAudio("\(source) declares no channels or sample rate"))
        }
        guard audio.frameCount > 0 else { throw .empty(path: source) }
        try Self.checkDuration(audio.duration, source: source)
        let mono = Self.mono(audio)
        let resampled: [Float]
        do {
            resampled = try SoxrResampler.resample(mono, from: audio.sampleRate, to: Self.sampleRate)
        } catch {
            throw .unreadable(error)
        }
        let level = Self.levelDB(resampled)
        guard level >= Self.silenceThresholdDB else { throw .silent(path: source, levelDB: level) }
        samples = resampled
        sourceSampleRate = audio.sampleRate
        sourceChannels = audio.channels
        notes = Self.clippingNote(audio.samples).map { [$0] } ?? []
    }

    static func checkDuration(_ seconds: Double, source: String) throws(ReferenceAudioError) {
        if seconds < minimumSeconds { throw .tooShort(path: source, seconds: seconds, minimum: minimumSeconds) }
        if seconds > maximumSeconds { throw .tooLong(path: source, seconds: seconds, maximum: maximumSeconds) }
    }

    /// The plain average of the channels, summed in channel order then divided, as numpy's
    /// mean over the channel axis does.
    static func mono(_ audio: AudioData) -> [Float] {
        let channels = audio.channels
        guard channels > 1 else { return audio.samples }
        let count = Float(channels)
        return audio.samples.withUnsafeBufferPointer { source in
            (0 ..< audio.frameCount).map { frame in
                var sum: Float = 0
                for channel in 0 ..< channels { sum += source[frame * channels + channel] }
                return sum / count
            }
        }
    }

    /// RMS level in dBFS (−inf for digital silence).
    static func levelDB(_ samples: [Float]) -> Double {
        var energy = 0.0
        for sample in samples { energy += Double(sample) * Double(sample) }
        let rms = (energy / Double(max(samples.count, 1))).squareRoot()
        return 20 * log10(rms)
    }

    static func clippingNote(_ samples: [Float]) -> String? {
        let clipped = samples.reduce(0) { $0 + (abs($1) >= 0.999 ? 1 : 0) }
        guard samples.count > 0, Double(clipped) > 0.001 * Double(samples.count) else { return nil }
        let percent = (1000 * Double(clipped) / Double(samples.count)).rounded() / 10
        return "the reference audio looks clipped (\(percent) % of its samples at full scale); the cloned voice may sound harsh"
    }

    /// Decodes with libsndfile's own float scaling. The length in the header is checked against
    /// the limit first, so an hour-long file is refused without being read.
    static func decode(_ path: String) throws(ReferenceAudioError) -> AudioData {
        var status = stat()
        guard stat(path, &status) == 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR { throw .unreadable(.fileNotFound(path: path)) }
            throw .unreadable(.unreadableFile(path: path, reason: systemError(code)))
        }
        guard status.st_mode & S_IFMT != S_IFDIR else {
            throw .unreadable(.unreadableFile(path: path, reason: "it is a folder"))
        }
        guard status.st_size > 0 else { throw .unreadable(.unreadableFile(path: path, reason: "the file is empty")) }
        var info = SF_INFO()
        guard let sndfile = sf_open(path, Int32(SFM_READ), &info) else {
            throw .unreadable(.unreadableFile(path: path, reason: sndfileError(nil)))
        }
        defer { sf_close(sndfile) }
        let channels = Int(info.channels), rate = Int(info.samplerate)
        guard channels > 0, rate > 0 else {
            throw .unreadable(.unreadableFile(path: path, reason: "the file declares no channels or sample rate"))
        }
        // Streams (FLAC, Ogg) written without a length report a huge count; decoding then stops
        // at the limit instead.
        let knownFrames = info.frames > 0 && info.frames < Int64(Int32.max) ? Int(info.frames) : nil
        let limitFrames = Int(maximumSeconds * Double(rate)) + 1
        if let knownFrames, knownFrames > limitFrames {
            throw .tooLong(path: path, seconds: Double(knownFrames) / Double(rate), maximum: maximumSeconds)
        }
        var samples: [Float] = []
        let chunkFrames = 16_384
        var chunk = [Float](repeating: 0, count: chunkFrames * channels)
        while samples.count / channels <= limitFrames {
            let count = Int(sf_readf_float(sndfile, &chunk, sf_count_t(chunkFrames)))
            guard count > 0 else { break }
            samples.append(contentsOf: chunk[0 ..< count * channels])
        }
        if sf_error(sndfile) != 0 {
            throw .unreadable(.unreadableFile(path: path, reason: sndfileError(sndfile)))
        }
        if let knownFrames, samples.count / channels < knownFrames {
            throw .unreadable(.unreadableFile(path: path, reason: "the file ends early: \(samples.count / channels) of \(knownFrames) frames could be decoded"))
        }
        if let (promised, present) = wavDataShortfall(path: path) {
            throw .unreadable(.unreadableFile(path: path, reason: "the file is cut short: its header promises \(promised) bytes of audio, only \(present) are there"))
        }
        return AudioData(samples: samples, sampleRate: rate, channels: channels)
    }
}
