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
    public var nextTakeID: Int

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

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()
}
