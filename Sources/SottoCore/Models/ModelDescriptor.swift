import Foundation

/// Whether a file a model needs is usable.
public enum FileStatus: Codable, Sendable, Hashable {
    case ok
    case missing
    case corrupt(String)
}

/// One file of a model, with the part it plays ("weights", "config", "voices", ...).
public struct ModelFile: Codable, Sendable, Hashable {
    public var role: String
    public var url: URL
    public var size: Int
    public var status: FileStatus

    public init(role: String, url: URL, status: FileStatus? = nil) {
        self.role = role
        self.url = url
        // Follow symbolic links: people link models in from elsewhere.
        let attributes = try? FileManager.default.attributesOfItem(atPath: url.resolvingSymlinksInPath().path)
        self.size = (attributes?[.size] as? NSNumber)?.intValue ?? 0
        self.status = status ?? (attributes == nil ? .missing : .ok)
    }

    /// "missing voices file voices.npz" / "weights en.onnx is corrupt: truncated ...", or nil.
    public var problem: String? {
        switch status {
        case .ok: return nil
        case .missing: return "missing \(role) file \(url.lastPathComponent)"
        case .corrupt(let why): return "\(role) file \(url.lastPathComponent) is corrupt: \(why)"
        }
    }
}

/// A model found on disk: what it is, which files make it up and whether they are all usable.
/// Finding models reads headers only; weights are loaded by an engine.
public struct ModelDescriptor: Codable, Sendable, Hashable {
    /// Short name, unique within its kind: `kokoro-v1.0-int8`, `en_US-joe-medium`.
    public var name: String
    public var kind: ModelKind
    /// The model's main file (ONNX models) or folder (Qwen3-TTS).
    public var url: URL
    public var files: [ModelFile]
    /// The voices or speakers it offers, as far as its files tell without loading it.
    public var voices: [VoiceInfo]
    public var languages: [String]
    /// Precision or flavour worth showing: "int8", "CustomVoice 1.7B", "medium".
    public var variant: String?
    /// Whether the model came from Scripts/setup (so it can be fetched again).
    public var isBundled: Bool
    /// What the model can do as far as its files tell, before it is loaded (its family decides;
    /// once loaded, the engine's own `capabilities` are authoritative).
    public var capabilities: EngineCapabilities

    public init(name: String, kind: ModelKind, url: URL, files: [ModelFile], voices: [VoiceInfo] = [],
                languages: [String] = [], variant: String? = nil, isBundled: Bool = false,
                capabilities: EngineCapabilities = []) {
        self.name = name
        self.kind = kind
        self.url = url
        self.files = files
        self.voices = voices
        self.languages = languages
        self.variant = variant
        self.isBundled = isBundled
        self.capabilities = capabilities
    }

    /// `kind:name`, the fully qualified name `-m` accepts.
    public var id: String { "\(kind.rawValue):\(name)" }

    public var problems: [String] { files.compactMap(\.problem) }
    public var isComplete: Bool { problems.isEmpty }
    public var sizeBytes: Int { files.reduce(0) { $0 + $1.size } }

    public func file(role: String) -> ModelFile? { files.first { $0.role == role } }

    /// What to do about an incomplete model.
    public var repairHint: String {
        isBundled ? "run Scripts/setup to fetch it again" : "replace the damaged or missing file"
    }
}
