/// An espeak-ng voice installed on this machine.
public struct EspeakVoice: Sendable, Hashable {
    public struct Language: Sendable, Hashable {
        /// A language code such as `en-us`.
        public let code: String
        /// espeak-ng's preference for this voice for the language: lower is preferred.
        public let priority: Int
    }

    /// espeak-ng's display name, e.g. `English (America)`.
    public let name: String
    /// The voice file's path within espeak-ng-data/voices or /lang, e.g. `gmw/en-US`.
    public let identifier: String
    /// The languages the voice speaks, most specific first.
    public let languages: [Language]

    /// MBROLA voices need separately installed diphone data, so they are never picked for a
    /// plain language code.
    var isMBROLA: Bool { identifier.hasPrefix("mb/") }
}

extension EspeakVoice {
    /// The identifier to hand espeak-ng for a name a person typed: an identifier (`gmw/en-US`),
    /// a voice file name (`en-us`), a display name (`English (America)`) or a language code
    /// (`en-gb`), in that order, ignoring case. A `+variant` suffix is kept.
    static func identifier(for requested: String, among voices: [EspeakVoice]) throws(PhonemeError) -> String {
        let trimmed = requested.trimmingSpaces
        let parts = trimmed.split(separator: "+", maxSplits: 1, omittingEmptySubsequences: false)
        let typed = parts.first.map { String($0).lowercased().trimmingSpaces } ?? ""
        guard !typed.isEmpty else { throw .unknownVoice(requested) }
        // Locale spellings such as en_US mean the same as espeak-ng's en-us.
        let key = typed.contains("/") ? typed : typed.replacing("_", with: "-")
        let variant = parts.count > 1 ? "+" + parts[1] : ""

        let byIdentifier = voices.first { $0.identifier.lowercased() == key }
        let byFileName = voices.first {
            !$0.isMBROLA && $0.identifier.split(separator: "/").last.map { $0.lowercased() } == key
        }
        let byName = voices.first {
            let name = $0.name.lowercased()
            return name == typed || name.replacing(" ", with: "_") == typed
        }
        let byLanguage = voices
            .filter { !$0.isMBROLA }
            .compactMap { voice in
                voice.languages.first { $0.code.lowercased() == key }.map { (voice, $0.priority) }
            }
            .min { $0.1 < $1.1 }?.0

        guard let voice = byIdentifier ?? byFileName ?? byName ?? byLanguage else {
            throw .unknownVoice(requested)
        }
        return voice.identifier + variant
    }
}

extension String {
    var trimmingSpaces: String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
