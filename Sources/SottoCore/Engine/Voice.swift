/// A voice or speaker a model offers.
public struct VoiceInfo: Codable, Sendable, Hashable {
    /// What the user types: `jf_alpha`, `ryan`, `en_US-joe-medium`.
    public var id: String
    /// BCP-47-ish language tag or a model's own language name (`en-us`, `ja`, `english`).
    public var language: String?
    public var gender: String?
    /// Anything else worth showing, e.g. "dialect: sichuan".
    public var detail: String?

    public init(id: String, language: String? = nil, gender: String? = nil, detail: String? = nil) {
        self.id = id
        self.language = language
        self.gender = gender
        self.detail = detail
    }
}
