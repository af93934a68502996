import SottoCore

/// What a front end knows about a model once an engine holds it.
public struct LoadedModel: Equatable, Sendable {
    public var modelID: String
    public var sampleRate: Int
    public var capabilities: EngineCapabilities
    public var voices: [VoiceInfo]
    public var languages: [String]
    public var defaultVoice: String?
    /// Bytes of weights and buffers the engine reports holding.
    public var residentBytes: Int
    /// How much the process grew while loading (what unloading should give back).
    public var residentGrowthBytes: Int
    public var loadSeconds: Double

    public init(modelID: String, sampleRate: Int, capabilities: EngineCapabilities, voices: [VoiceInfo],
                languages: [String], defaultVoice: String?, residentBytes: Int, residentGrowthBytes: Int,
                loadSeconds: Double) {
        self.modelID = modelID
        self.sampleRate = sampleRate
        self.capabilities = capabilities
        self.voices = voices
        self.languages = languages
        self.defaultVoice = defaultVoice
        self.residentBytes = residentBytes
        self.residentGrowthBytes = residentGrowthBytes
        self.loadSeconds = loadSeconds
    }
}
