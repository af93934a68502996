/// Why phonemization failed, in one line a person can act on.
public enum PhonemeError: Error, CustomStringConvertible, Equatable, Sendable {
    /// `espeak_Initialize` failed, almost always because espeak-ng-data is missing.
    case espeakUnavailable(code: Int32)
    /// No installed espeak-ng voice or language matches the name.
    case unknownVoice(String)
    /// The voice exists but espeak-ng refused to load it (a broken data file or a bad `+variant`).
    case voiceLoadFailed(String, code: Int32)
    /// espeak-ng stopped advancing through the text; continuing would loop forever.
    case espeakStalled(atByte: Int)

    public var description: String {
        switch self {
        case .espeakUnavailable(let code):
            return "espeak-ng could not start (error \(code)); install the espeak-ng-data package or point ESPEAK_DATA_PATH at its data folder"
        case .unknownVoice(let name):
            return "unknown espeak-ng voice '\(name)'; use a language code such as en-us, en-gb, de or ja (list them with `espeak-ng --voices`)"
        case .voiceLoadFailed(let name, let code):
            return "espeak-ng could not load voice '\(name)' (error \(code)); check the name and any +variant with `espeak-ng --voices` and `espeak-ng --voices=variant`"
        case .espeakStalled(let offset):
            return "espeak-ng stopped advancing at byte \(offset) of the text; the text was not phonemized"
        }
    }
}
