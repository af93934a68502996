import SottoCore

/// A line of the Controls pane.
public enum ControlField: String, CaseIterable, Sendable {
    case speed
    case voice
    case instruct
    case description
    case language
    case seed
    case precision

    /// The fields a model with `capabilities` uses, in display order (`precision` when the
    /// model can be loaded at several).
    public static func fields(for capabilities: EngineCapabilities, precisions: Bool = false) -> [ControlField] {
        var fields: [ControlField] = []
        if capabilities.contains(.speed) { fields.append(.speed) }
        if capabilities.contains(.voices) || capabilities.contains(.speakers) { fields.append(.voice) }
        if capabilities.contains(.instruct) { fields.append(.instruct) }
        if capabilities.contains(.voiceDesign) { fields.append(.description) }
        if capabilities.contains(.languages) { fields.append(.language) }
        if capabilities.contains(.seed) { fields.append(.seed) }
        if precisions { fields.append(.precision) }
        return fields
    }

    public func label(speakers: Bool) -> String {
        switch self {
        case .speed: return "Speed"
        case .voice: return speakers ? "Speaker" : "Voice"
        case .instruct: return "Style"
        case .description: return "Design"
        case .language: return "Language"
        case .seed: return "Seed"
        case .precision: return "Precision"
        }
    }

    /// What the field shows when empty.
    public var placeholder: String {
        switch self {
        case .instruct: return "emotion or style, e.g. whispering, amused"
        case .description: return "describe the voice, e.g. a warm low voice, slow"
        default: return ""
        }
    }
}
