/// What a loaded model can do; the studio shows only the controls a model supports.
public struct EngineCapabilities: OptionSet, Sendable, Hashable, Codable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// A list of voices to choose from (Kokoro voice packs, Piper speakers).
    public static let voices = EngineCapabilities(rawValue: 1 << 0)
    /// Named speakers (Qwen3-TTS CustomVoice).
    public static let speakers = EngineCapabilities(rawValue: 1 << 1)
    /// An emotion or style instruction alongside the speaker.
    public static let instruct = EngineCapabilities(rawValue: 1 << 2)
    /// A voice designed from a written description.
    public static let voiceDesign = EngineCapabilities(rawValue: 1 << 3)
    /// A voice cloned from reference audio.
    public static let referenceAudio = EngineCapabilities(rawValue: 1 << 4)
    /// Speaking-rate control.
    public static let speed = EngineCapabilities(rawValue: 1 << 5)
    /// Audio delivered chunk by chunk while the rest is still being synthesized.
    public static let streaming = EngineCapabilities(rawValue: 1 << 6)
    /// Random sampling that a seed makes reproducible.
    public static let seed = EngineCapabilities(rawValue: 1 << 7)
    /// Mixing several voices by weight ("a:0.7,b:0.3").
    public static let voiceBlend = EngineCapabilities(rawValue: 1 << 8)
    /// A selectable spoken language.
    public static let languages = EngineCapabilities(rawValue: 1 << 9)
    /// When each word is spoken (`AudioChunk.words`), from the phonemes' predicted durations.
    public static let wordTimings = EngineCapabilities(rawValue: 1 << 10)

    public static let named: [(String, EngineCapabilities)] = [
        ("voices", .voices), ("speakers", .speakers), ("instruct", .instruct),
        ("voice-design", .voiceDesign), ("reference-audio", .referenceAudio), ("speed", .speed),
        ("streaming", .streaming), ("seed", .seed), ("voice-blend", .voiceBlend), ("languages", .languages),
        ("word-timings", .wordTimings),
    ]

    /// Names of the capabilities present, in a fixed order.
    public var names: [String] { Self.named.filter { contains($0.1) }.map(\.0) }
}
