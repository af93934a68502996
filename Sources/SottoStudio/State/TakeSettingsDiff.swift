import Foundation

/// Two takes' settings side by side, row by row, marking the rows where they differ.
public struct TakeSettingsDiff: Equatable, Sendable {
    public struct Row: Equatable, Sendable {
        public var name: String
        public var first: String
        public var second: String
        public var differs: Bool { first != second }
    }

    public let first: Take
    public let second: Take
    public let rows: [Row]

    public init(_ first: Take, _ second: Take) {
        self.first = first
        self.second = second
        let a = Self.fields(of: first), b = Self.fields(of: second)
        rows = zip(a, b).map { Row(name: $0.0, first: $0.1, second: $1.1) }
    }

    public var differingNames: [String] { rows.filter(\.differs).map(\.name) }

    /// What the take was made from, in the order the diff shows it (what it came out as, its
    /// length or loudness, is not a setting). Every take has every row, so two takes line up.
    public static func fields(of take: Take) -> [(String, String)] {
        let settings = take.settings
        var model = take.model.name
        if let variant = take.model.variant, !variant.isEmpty { model += " (\(variant))" }
        return [
            ("model", model),
            ("family", take.model.kind.rawValue),
            ("voice", take.voiceName),
            ("instruction", settings.instruct.isEmpty ? "–" : settings.instruct),
            ("description", settings.voiceDescription.isEmpty ? "–" : settings.voiceDescription),
            ("language", settings.language ?? "auto"),
            ("speed", String(format: "%.2f", settings.speed)),
            ("seed", take.seed.map(String.init) ?? "–"),
            ("precision", settings.precision?.rawValue ?? "–"),
            ("text", take.text),
        ]
    }
}
