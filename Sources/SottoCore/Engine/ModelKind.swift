/// The model architectures Sotto runs.
public enum ModelKind: String, Codable, CaseIterable, Sendable, Comparable {
    case kokoro
    case piper
    case qwen3

    public var displayName: String {
        switch self {
        case .kokoro: return "Kokoro-82M"
        case .piper: return "Piper (VITS)"
        case .qwen3: return "Qwen3-TTS"
        }
    }

    public static func < (a: ModelKind, b: ModelKind) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}
