import SottoCore

/// What a model can do before it is loaded, from what its files say; once loaded the engine's
/// own `capabilities` replace this.
public enum ModelTraits {
    public static func expectedCapabilities(of model: ModelDescriptor) -> EngineCapabilities {
        switch model.kind {
        case .kokoro:
            return [.voices, .speed, .voiceBlend, .streaming]
        case .piper:
            return model.voices.count > 1 ? [.voices, .speed, .streaming] : [.speed, .streaming]
        case .qwen3:
            let variant = (model.variant ?? "").lowercased()
            var set: EngineCapabilities = [.languages, .seed, .streaming]
            if variant.contains("customvoice") {
                set.insert(.speakers)
                if !variant.contains("0.6b") { set.insert(.instruct) }
            } else if variant.contains("voicedesign") {
                set.insert(.voiceDesign)
            } else if variant.contains("base") {
                set.insert(.referenceAudio)
            }
            return set
        }
    }

    /// "Kokoro", "Piper", "Qwen3" for narrow columns.
    public static func shortKind(_ kind: ModelKind) -> String {
        switch kind {
        case .kokoro: return "Kokoro"
        case .piper: return "Piper"
        case .qwen3: return "Qwen3"
        }
    }
}
