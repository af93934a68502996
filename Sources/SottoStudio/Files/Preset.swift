import Foundation
import SottoCore

/// A saved voice: which model, which voice or speaker, and the settings that shape it. Stored as
/// a small `key = value` file (`model`, `voice`, `instruct`, `description`, `speed`, `language`,
/// `seed`, `about`) in `Voices/` or the user's `voices/` folder.
public struct Preset: Equatable, Sendable, Identifiable {
    public enum Source: String, Equatable, Sendable {
        case shipped
        case user
    }

    /// The file name without `.voice`; what `:preset NAME` takes.
    public var name: String
    /// A model reference as `-m` takes it: a name, a kind, or `kind:name`.
    public var model: String
    /// Narrows a kind to a flavour, e.g. `CustomVoice` or `VoiceDesign` for `model = qwen3`.
    public var variant: String?
    public var voice: String?
    public var instruct: String?
    public var voiceDescription: String?
    public var speed: Double?
    public var language: String?
    public var seed: UInt64?
    /// Weight precision for models that offer several (Qwen3-TTS).
    public var precision: WeightPrecision?
    /// One line on what the preset is for.
    public var about: String?
    public var source: Source

    public var id: String { name }

    public init(name: String, model: String, variant: String? = nil, voice: String? = nil, instruct: String? = nil,
                voiceDescription: String? = nil, speed: Double? = nil, language: String? = nil,
                seed: UInt64? = nil, precision: WeightPrecision? = nil, about: String? = nil, source: Source = .user) {
        self.precision = precision
        self.name = name
        self.model = model
        self.variant = variant
        self.voice = voice
        self.instruct = instruct
        self.voiceDescription = voiceDescription
        self.speed = speed
        self.language = language
        self.seed = seed
        self.about = about
        self.source = source
    }

    public init(name: String, file: KeyValueFile, source: Source) throws {
        guard let model = file["model"], !model.isEmpty else {
            throw SottoError("preset \(name) names no model", hint: "add a line such as model = kokoro")
        }
        func optional(_ key: String) -> String? {
            guard let value = file[key]?.trimming(" "), !value.isEmpty else { return nil }
            return value
        }
        var speed: Double?
        if let text = optional("speed") {
            guard let value = Double(text), value.isFinite, (0.25...4).contains(value) else {
                throw SottoError("preset \(name): speed must be a number from 0.25 to 4, not \"\(text)\"")
            }
            speed = value
        }
        var seed: UInt64?
        if let text = optional("seed"), text != "random" {
            guard let value = UInt64(text) else {
                throw SottoError("preset \(name): seed must be a whole number or \"random\", not \"\(text)\"")
            }
            seed = value
        }
        var precision: WeightPrecision?
        if let text = optional("precision") {
            guard let value = WeightPrecision(rawValue: text.lowercased()) else {
                throw SottoError("preset \(name): precision must be fp32, bf16, int8 or int4, not \"\(text)\"")
            }
            precision = value
        }
        let known = Set(["model", "variant", "voice", "speaker", "instruct", "description", "speed", "language", "seed",
                         "precision", "about", "name"] + ClonedVoice.keys)
        if let unknown = file.entries.first(where: { !known.contains($0.key) }) {
            throw SottoError("preset \(name), line \(unknown.line): unknown setting \"\(unknown.key)\"",
                             hint: "settings: \(known.sorted().joined(separator: ", "))")
        }
        // A cloned voice's file is a preset whose voice is itself: the engine finds it by name.
        let voice = ClonedVoice.isCloned(file) ? name : optional("voice") ?? optional("speaker")
        self.init(name: name, model: model, variant: optional("variant"), voice: voice,
                  instruct: optional("instruct"), voiceDescription: optional("description"), speed: speed,
                  language: optional("language"), seed: seed, precision: precision, about: optional("about"), source: source)
    }

    public var file: KeyValueFile {
        var file = KeyValueFile(entries: [])
        file.set("model", model)
        if let variant { file.set("variant", variant) }
        if let voice { file.set("voice", voice) }
        if let instruct { file.set("instruct", instruct) }
        if let voiceDescription { file.set("description", voiceDescription) }
        if let speed { file.set("speed", Self.format(speed)) }
        if let language { file.set("language", language) }
        if let seed { file.set("seed", String(seed)) }
        if let precision { file.set("precision", precision.rawValue) }
        if let about { file.set("about", about) }
        return file
    }

    /// "jf_alpha · ×1.10 · japanese"-style summary for lists.
    public var summary: String {
        var parts: [String] = []
        if let voice { parts.append(voice) }
        if let voiceDescription { parts.append("“\(voiceDescription)”") }
        if let instruct { parts.append("“\(instruct)”") }
        if let speed, speed != 1 { parts.append("×" + Self.format(speed)) }
        if let language { parts.append(language) }
        if let seed { parts.append("seed \(seed)") }
        if let precision { parts.append(precision.rawValue) }
        return parts.joined(separator: " · ")
    }

    static func format(_ speed: Double) -> String {
        String(format: "%.2f", speed)
    }

    /// Whether `name` can be a preset file name.
    public static func isValidName(_ name: String) -> Bool {
        VoiceFolders.isValidName(name)
    }
}
