/// Every kind of text the studio draws. Themes give each a `Style`; a role a theme leaves out
/// takes the style of its `parent`, so a small theme file is still complete.
public enum StyleRole: String, CaseIterable, Sendable {
    case text
    case dim
    case accent
    case label
    case value
    case header
    case border
    case borderFocus = "border_focus"
    case title
    case titleFocus = "title_focus"
    case selection
    case selectionInactive = "selection_inactive"
    case input
    case status
    case statusKey = "status_key"
    case error
    case warning
    case success
    case markA = "mark_a"
    case markB = "mark_b"
    case playing
    case waveform
    case waveformPlayed = "waveform_played"
    case playhead
    case spectrogram
    case spectrogramPeak = "spectrogram_peak"
    case sparkline
    case overlay
    case overlayBorder = "overlay_border"

    /// Where an unset role takes its style from; nil for `text`, the root.
    public var parent: StyleRole? {
        switch self {
        case .text: return nil
        case .dim, .accent, .value, .input, .status, .overlay, .error, .warning, .header, .title, .border: return .text
        case .label: return .dim
        case .borderFocus: return .border
        case .titleFocus: return .title
        case .selection, .statusKey, .playing, .waveform, .sparkline, .success, .markA, .markB: return .accent
        case .selectionInactive: return .dim
        case .waveformPlayed, .spectrogram: return .waveform
        case .spectrogramPeak: return .waveformPlayed
        case .playhead: return .selection
        case .overlayBorder: return .borderFocus
        }
    }

    /// What the role needs on a terminal without colours, so selections, marks and errors stay
    /// distinguishable by attributes alone.
    public var monochromeAttributes: TextAttributes {
        switch self {
        case .dim, .label: return .dim
        case .selection, .playhead, .status, .header: return .reverse
        case .selectionInactive, .input: return .underline
        case .borderFocus, .titleFocus, .title, .error, .markA, .markB, .playing, .statusKey, .waveformPlayed, .spectrogramPeak,
             .accent, .warning:
            return .bold
        default: return []
        }
    }
}
