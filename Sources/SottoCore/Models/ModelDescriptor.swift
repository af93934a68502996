import Foundation
import Glibc

/// Whether a file a model needs is usable.
public enum FileStatus: Codable, Sendable, Hashable {
    case ok
    case missing
    case corrupt(String)
    /// The file is there but could not be read, for a reason other than its contents: the
    /// system's error number (`EACCES` for permissions, `ENOMEM` under a memory limit, ...).
    case unreadable(Int32)

    /// The status of a file whose check failed with `error`: unreadable when the system refused
    /// to open or map it, corrupt otherwise.
    public static func failure(_ error: any Error) -> FileStatus {
        if let read = error as? FileReadError { return .unreadable(read.code) }
        return .corrupt(SottoError.describe(error))
    }

    /// The status of a file that exists but whose bytes could not be had: `unreadable` with the
    /// reason `open` gives, or `fallback` when it opens after all.
    public static func readFailure(_ url: URL, otherwise fallback: FileStatus) -> FileStatus {
        let descriptor = open(url.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return .unreadable(errno) }
        var info = stat()
        let isFolder = fstat(descriptor, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
        close(descriptor)
        return isFolder ? .unreadable(EISDIR) : fallback
    }
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
        case .unreadable(ENOMEM):
            return "not enough memory to read \(role) file \(url.path); it is not damaged, the memory limit is too low"
        case .unreadable(let code): return "cannot read \(role) file \(url.path): \(String(cString: strerror(code)))"
        }
    }

    /// The status as `sotto models --json` shows it: "ok", "missing", "corrupt: …", "unreadable: …".
    public var statusText: String {
        switch status {
        case .ok: return "ok"
        case .missing: return "missing"
        case .corrupt(let why): return "corrupt: \(why)"
        case .unreadable(ENOMEM): return "unreadable: not enough memory"
        case .unreadable(let code): return "unreadable: \(String(cString: strerror(code)))"
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

    /// What to do about an incomplete model: fetch or replace damaged files; for files that are
    /// intact but could not be read, lift what stopped them (memory limit, permissions).
    public var repairHint: String {
        let damaged = files.contains { if case .ok = $0.status { false } else if case .unreadable = $0.status { false } else { true } }
        if damaged { return isBundled ? "run Scripts/setup to fetch it again" : "replace the damaged or missing file" }
        if files.contains(where: { $0.status == .unreadable(ENOMEM) }) {
            return "raise the memory limit (ulimit -v) or close other programs"
        }
        return "make the file readable by this user (chmod, chown) or fix the path"
    }
}
