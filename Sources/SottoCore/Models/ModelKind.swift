/// A model architecture, named by the `ModelFamily` that runs it (`kokoro`, `piper`, `qwen3`).
/// Open: a new family declares its own kind (`extension ModelKind { static let tone: ModelKind =
/// "tone" }`) without editing a shared list. It is what `kind:name` model references and session
/// files spell.
public struct ModelKind: RawRepresentable, Hashable, Codable, Sendable, Comparable,
    ExpressibleByStringLiteral, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    public init(stringLiteral value: String) {
        self.init(rawValue: value)
    }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { rawValue }

    public static func < (a: ModelKind, b: ModelKind) -> Bool { a.rawValue < b.rawValue }
}
