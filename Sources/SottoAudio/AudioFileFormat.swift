import CSndfile

/// The file formats Sotto writes. Reading accepts anything libsndfile decodes.
public enum AudioFileFormat: String, Sendable, CaseIterable {
    /// WAV, 16-bit integer PCM: the widest compatibility.
    case wav16
    /// WAV, 32-bit float: lossless for Sotto's float samples.
    case wavFloat
    /// FLAC, 16-bit: lossless compression of the 16-bit signal.
    case flac16
    /// Ogg Vorbis: lossy and small.
    case oggVorbis

    /// The format implied by a path's extension: `.wav` → 16-bit WAV, `.flac` → FLAC,
    /// `.ogg`/`.oga` → Ogg Vorbis. Nil for anything else.
    public init?(path: String) {
        let name = path.split(separator: "/", omittingEmptySubsequences: false).last ?? ""
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return nil }
        switch name[name.index(after: dot)...].lowercased() {
        case "wav", "wave": self = .wav16
        case "flac": self = .flac16
        case "ogg", "oga": self = .oggVorbis
        default: return nil
        }
    }

    public var fileExtension: String {
        switch self {
        case .wav16, .wavFloat: "wav"
        case .flac16: "flac"
        case .oggVorbis: "ogg"
        }
    }

    /// Integer formats are written from Sotto's own 16-bit conversion (`SampleConversion`),
    /// which clips; libsndfile's float-to-integer path would wrap around out-of-range samples.
    var storesInt16: Bool {
        switch self {
        case .wav16, .flac16: true
        case .wavFloat, .oggVorbis: false
        }
    }

    var sndfileFormat: Int32 {
        switch self {
        case .wav16: Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_16)
        case .wavFloat: Int32(SF_FORMAT_WAV | SF_FORMAT_FLOAT)
        case .flac16: Int32(SF_FORMAT_FLAC | SF_FORMAT_PCM_16)
        case .oggVorbis: Int32(SF_FORMAT_OGG | SF_FORMAT_VORBIS)
        }
    }
}
