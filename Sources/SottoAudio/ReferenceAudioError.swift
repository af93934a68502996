/// Why a reference recording for voice cloning cannot be used, phrased for a person at a terminal.
public enum ReferenceAudioError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file is missing, not audio, damaged or cut short.
    case unreadable(AudioError)
    /// The file decodes to no samples at all.
    case empty(path: String)
    case tooShort(path: String, seconds: Double, minimum: Double)
    case tooLong(path: String, seconds: Double, maximum: Double)
    /// Nothing above the silence threshold: there is no voice to take.
    case silent(path: String, levelDB: Double)

    public var description: String {
        switch self {
        case let .unreadable(error):
            return "reference audio: \(error)"
        case let .empty(path):
            return "reference audio \"\(path)\" holds no samples"
        case let .tooShort(path, seconds, minimum):
            return "reference audio \"\(path)\" is \(format(seconds)) s long; give at least \(format(minimum)) s of speech"
        case let .tooLong(path, seconds, maximum):
            return "reference audio \"\(path)\" is \(format(seconds)) s long; give at most \(format(maximum)) s (cut a clean stretch of speech)"
        case let .silent(path, levelDB):
            return "reference audio \"\(path)\" is silent (level \(format(levelDB)) dBFS); give a recording of the voice"
        }
    }
}

private func format(_ value: Double) -> String {
    // Digital silence measures −inf dBFS.
    guard value.isFinite else { return value < 0 ? "-inf" : "inf" }
    let rounded = (value * 10).rounded() / 10
    return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
}
