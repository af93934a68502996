import Foundation

/// Everything a session holds besides the audio: the text being edited, the chosen model and
/// settings, every take, the A/B marks and the blind-test votes. Written as `session.json`.
public struct SessionManifest: Codable, Equatable, Sendable {
    public static let currentFormat = 1

    public var format: Int
    public var id: String
    public var createdAt: Date
    public var updatedAt: Date
    public var text: String
    /// The model the next take uses (`kind:name`).
    public var modelID: String?
    public var settings: VoiceSettings
    public var takes: [Take]
    public var markA: Int?
    public var markB: Int?
    public var votes: [BlindVote]
    /// ABX rounds, blind rankings and picked takes; nil in sessions from before them.
    public var listening: ListeningLog?
    public var nextTakeID: Int
    /// Sweeps made in this session (absent from sessions that have none).
    public var sweeps: [Sweep]? = nil

    public init(id: String, createdAt: Date) {
        format = Self.currentFormat
        self.id = id
        self.createdAt = createdAt
        updatedAt = createdAt
        text = ""
        modelID = nil
        settings = VoiceSettings()
        takes = []
        markA = nil
        markB = nil
        votes = []
        nextTakeID = 1
    }

    /// Dates as ISO 8601 with milliseconds, readable in the file and exact enough to round-trip.
    public static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
        }
        return encoder
    }()

    public static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            for style in [Date.ISO8601FormatStyle(includingFractionalSeconds: true), Date.ISO8601FormatStyle()] {
                if let date = try? Date(text, strategy: style) { return date }
            }
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an ISO 8601 date: \(text)")
        }
        return decoder
    }()
}
