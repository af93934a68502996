import SottoCore

/// One row of the Voices pane.
public struct VoiceRow: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        case heading
        case voice(String)
        case language(String?)
        case preset(String)
    }

    public var kind: Kind
    public var title: String
    public var detail: String

    public var isSelectable: Bool { kind != .heading }

    /// The rows for a model's voices or speakers, its languages (Qwen3-TTS), and the presets —
    /// this model's first, then the rest — keeping only what matches `filter` (headings stay
    /// when something under them matches).
    public static func rows(voices: [VoiceInfo], languages: [String], voiceNoun: String, presets: [Preset],
                            presetFitsModel: (Preset) -> Bool, filter: FilterQuery) -> [VoiceRow] {
        var sections: [(String, [VoiceRow])] = []
        let noun = voiceNoun.prefix(1).uppercased() + voiceNoun.dropFirst()
        let voiceRows = voices.map { voice in
            VoiceRow(kind: .voice(voice.id), title: voice.id,
                     detail: [voice.language, voice.gender, voice.detail].compactMap { $0 }.joined(separator: " "))
        }
        sections.append(("\(noun) (\(voices.count))", voiceRows))
        if !languages.isEmpty {
            let rows = [VoiceRow(kind: .language(nil), title: "auto", detail: "detect from the text")]
                + languages.filter { $0 != "auto" }.map { VoiceRow(kind: .language($0), title: $0, detail: "language") }
            sections.append(("Languages", rows))
        }
        let fitting = presets.filter(presetFitsModel)
        let others = presets.filter { !presetFitsModel($0) }
        let presetRow = { (preset: Preset) in
            VoiceRow(kind: .preset(preset.name), title: preset.name,
                     detail: [preset.source == .user ? "yours" : nil, preset.model, preset.summary, preset.about]
                        .compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " · "))
        }
        sections.append(("Presets", fitting.map(presetRow)))
        if !others.isEmpty { sections.append(("Presets for other models", others.map(presetRow))) }

        var rows: [VoiceRow] = []
        for (heading, members) in sections {
            let kept = members.filter { filter.matches([$0.title, $0.detail]) }
            guard !kept.isEmpty || (filter.isEmpty && heading.hasPrefix(noun)) else { continue }
            rows.append(VoiceRow(kind: .heading, title: heading, detail: ""))
            rows += kept
        }
        return rows
    }
}
