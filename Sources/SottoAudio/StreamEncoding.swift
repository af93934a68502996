/// The encodings audio can leave a server in, each written as the audio is made: every chunk's
/// bytes can be sent before the next chunk exists.
public enum StreamEncoding: String, Sendable, CaseIterable {
    /// WAV, 16-bit, with "length unknown" in its header (the length is not known until the end).
    case wav
    /// Raw 16-bit little-endian mono samples at the model's rate; the rate travels beside it.
    case pcm
    case flac
    /// MP3 (LAME through libsndfile).
    case mp3
    /// Opus in Ogg. Opus runs at 8, 12, 16, 24 or 48 kHz; other rates are resampled to 24 kHz.
    case opus

    /// The MIME type a response carries.
    public var contentType: String {
        switch self {
        case .wav: "audio/wav"
        case .pcm: "audio/pcm"
        case .flac: "audio/flac"
        case .mp3: "audio/mpeg"
        case .opus: "audio/ogg; codecs=opus"
        }
    }

    /// The rate the encoded audio plays at when the model makes `modelRate`.
    public func outputRate(forModelRate modelRate: Int) -> Int {
        guard self == .opus else { return modelRate }
        return [8000, 12000, 16000, 24000, 48000].contains(modelRate) ? modelRate : 24000
    }

    /// An encoder for audio at `sampleRate`.
    public func makeEncoder(sampleRate: Int) throws(AudioError) -> any AudioStreamEncoder {
        switch self {
        case .wav: WAVStreamEncoder(sampleRate: sampleRate)
        case .pcm: PCMStreamEncoder(sampleRate: sampleRate)
        case .flac, .mp3, .opus: try SndfileStreamEncoder(encoding: self, sampleRate: sampleRate)
        }
    }
}

/// Turns float samples into an encoding's bytes, chunk by chunk. Each call returns the bytes that
/// are ready now (a compressed encoding may hold some back until it has a whole frame).
public protocol AudioStreamEncoder: AnyObject {
    /// The rate the encoded audio plays at.
    var outputRate: Int { get }
    /// Bytes that go before any audio (a header), or empty.
    func start() throws(AudioError) -> [UInt8]
    func encode(_ samples: [Float]) throws(AudioError) -> [UInt8]
    /// What is still held back, and any trailer.
    func finish() throws(AudioError) -> [UInt8]
}

/// Raw 16-bit little-endian samples.
final class PCMStreamEncoder: AudioStreamEncoder {
    let outputRate: Int

    init(sampleRate: Int) { outputRate = sampleRate }

    func start() -> [UInt8] { [] }
    func finish() -> [UInt8] { [] }

    func encode(_ samples: [Float]) -> [UInt8] {
        var bytes = [UInt8]()
        bytes.reserveCapacity(samples.count * 2)
        for sample in samples {
            let value = UInt16(bitPattern: SampleConversion.int16(sample))
            bytes.append(UInt8(value & 0xFF))
            bytes.append(UInt8(value >> 8))
        }
        return bytes
    }
}

/// A 16-bit mono WAV stream whose header says "length unknown" (0xFFFFFFFF in both size fields),
/// the convention of streaming writers: readers read to the end of the data.
final class WAVStreamEncoder: AudioStreamEncoder {
    let outputRate: Int
    private let pcm: PCMStreamEncoder

    init(sampleRate: Int) {
        outputRate = sampleRate
        pcm = PCMStreamEncoder(sampleRate: sampleRate)
    }

    func start() -> [UInt8] {
        var header = [UInt8]()
        func text(_ s: String) { header += Array(s.utf8) }
        func u32(_ v: UInt32) { header += [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)] }
        func u16(_ v: UInt16) { header += [UInt8(v & 0xFF), UInt8(v >> 8)] }
        text("RIFF"); u32(0xFFFF_FFFF); text("WAVE")
        text("fmt "); u32(16); u16(1); u16(1); u32(UInt32(outputRate)); u32(UInt32(outputRate * 2)); u16(2); u16(16)
        text("data"); u32(0xFFFF_FFFF)
        return header
    }

    func encode(_ samples: [Float]) -> [UInt8] { pcm.encode(samples) }
    func finish() -> [UInt8] { [] }
}
