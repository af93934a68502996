/// The caption files `sotto say --captions` writes, chosen by extension.
public enum CaptionFormat: String, Sendable, CaseIterable {
    /// SubRip: numbered cues, a phrase each.
    case srt
    /// WebVTT: the same cues, each word marked with its own timestamp.
    case vtt
    /// Every word with its start and end in seconds.
    case json

    public init?(path: String) {
        guard let dot = path.lastIndex(of: "."), let format = CaptionFormat(rawValue: path[path.index(after: dot)...].lowercased())
        else { return nil }
        self = format
    }
}
