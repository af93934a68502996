import SottoCore
import SottoRuntime

/// How the next take is seeded.
public enum SeedChoice: Codable, Equatable, Sendable, CustomStringConvertible {
    /// A fresh seed for every take (recorded with the take, so any take can be reproduced).
    case random
    /// The same seed for every take, to hear what a change of text or setting alone does.
    case fixed(UInt64)

    public var description: String {
        switch self {
        case .random: return "random"
        case .fixed(let seed): return String(seed)
        }
    }
}

/// The controls: everything besides the text and the model that shapes the next take.
public struct VoiceSettings: Codable, Equatable, Sendable {
    /// Voice (Kokoro, Piper speaker) or speaker (Qwen3-TTS CustomVoice); nil is the model's default.
    public var voice: String?
    /// Emotion or style instruction (Qwen3-TTS CustomVoice).
    public var instruct: String = ""
    /// The voice to design (Qwen3-TTS VoiceDesign).
    public var voiceDescription: String = ""
    /// Nil is the model's default, or automatic detection.
    public var language: String?
    public var speed: Double = 1
    public var seed: SeedChoice = .random
    /// Weight precision, for models that offer a choice (Qwen3-TTS); nil is the studio's default
    /// for the model. A take records the precision it was made at.
    public var precision: WeightPrecision?

    public init(voice: String? = nil, instruct: String = "", voiceDescription: String = "", language: String? = nil,
                speed: Double = 1, seed: SeedChoice = .random, precision: WeightPrecision? = nil) {
        self.precision = precision
        self.voice = voice
        self.instruct = instruct
        self.voiceDescription = voiceDescription
        self.language = language
        self.speed = speed
        self.seed = seed
    }

    public static let speedRange = SynthesisOptions.speedRange
    public static let speedStep = 0.05

    /// Speed moved by `steps` increments, kept in range and on the 0.05 grid.
    public func speed(adjustedBy steps: Int) -> Double {
        let moved = ((speed + Double(steps) * Self.speedStep) / Self.speedStep).rounded() * Self.speedStep
        return min(max(moved, Self.speedRange.lowerBound), Self.speedRange.upperBound)
    }

    /// These settings as the synthesis options every front end shares, with the take's seed.
    public func options(seed: UInt64?) -> SynthesisOptions {
        SynthesisOptions(voice: voice, instruct: instruct.isEmpty ? nil : instruct,
                         voiceDescription: voiceDescription.isEmpty ? nil : voiceDescription,
                         language: language, speed: speed, seed: seed)
    }

    /// The request for `text`, sending only what the model can use (unsupported settings are
    /// left out rather than passed for the engine to ignore).
    public func request(text: String, capabilities: EngineCapabilities, seed: UInt64?) -> SynthesisRequest {
        options(seed: seed).request(text: text, fittedTo: capabilities)
    }
}
