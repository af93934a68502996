import Foundation
import Glibc

/// The models in a models directory (and any paths given explicitly), found by their files.
/// Every registered family is asked about every folder; the catalog itself knows no architecture.
public struct ModelCatalog: Sendable {
    public let directory: URL
    public let families: ModelFamilies
    public private(set) var models: [ModelDescriptor]

    /// Scans `directory` and its subfolders (three levels deep; hidden folders skipped).
    public init(directory: URL, families: ModelFamilies) {
        self.directory = directory
        self.families = families
        self.models = Self.scan(directory, families: families)
    }

    public init(directory: URL, families: ModelFamilies, models: [ModelDescriptor]) {
        self.directory = directory
        self.families = families
        self.models = models
    }

    /// Whether `reference` names a file or folder rather than a model in the directory.
    public static func isPath(_ reference: String) -> Bool {
        let trimmed = reference.trimmingCharacters(in: .whitespaces)
        return trimmed.contains("/") || FileManager.default.fileExists(atPath: trimmed)
    }

    /// Finds a model the way `resolve` does, scanning the directory only when `reference` is not
    /// a path: `-m PATH` reads that path's folder alone.
    public static func resolve(_ reference: String, directory: URL, families: ModelFamilies) throws -> ModelDescriptor {
        if isPath(reference) {
            return try families.describe(path: URL(fileURLWithPath: reference.trimmingCharacters(in: .whitespaces)))
        }
        return try ModelCatalog(directory: directory, families: families).resolve(reference)
    }

    /// Finds a model by what a user typed after `-m`:
    /// a path to a model file or folder; `kind:name`; a name; or a kind alone (`kokoro`, `piper`),
    /// meaning its first complete model.
    public func resolve(_ reference: String) throws -> ModelDescriptor {
        let trimmed = reference.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw SottoError("no model named", hint: "pass -m NAME or a path") }
        if Self.isPath(trimmed) {
            return try families.describe(path: URL(fileURLWithPath: trimmed))
        }
        func knownKind(_ text: Substring) -> ModelKind? {
            families.family(for: ModelKind(rawValue: text.lowercased()))?.kind
        }
        var kind: ModelKind?
        var name = trimmed
        if let colon = trimmed.firstIndex(of: ":"), let k = knownKind(trimmed[..<colon]) {
            kind = k
            name = String(trimmed[trimmed.index(after: colon)...])
        }
        if let k = knownKind(trimmed[...]) ?? (name.isEmpty ? kind : nil) {
            let ofKind = models.filter { $0.kind == k }
            if let model = ofKind.first(where: \.isComplete) ?? ofKind.first { return model }
            throw SottoError("no \(families.displayName(of: k)) model found in \(directory.path)",
                             hint: families.family(for: k)?.missingModelHint)
        }
        let candidates = models.filter { kind == nil || $0.kind == kind }
        if let exact = candidates.first(where: { $0.name == name }) { return exact }
        let lower = name.lowercased()
        if let folded = candidates.first(where: { $0.name.lowercased() == lower }) { return folded }
        let prefixed = candidates.filter { $0.name.lowercased().hasPrefix(lower) }
        if prefixed.count == 1 { return prefixed[0] }
        let known = models.map(\.id).joined(separator: ", ")
        if models.isEmpty, let problem = Self.problem(with: directory) { throw problem }
        if prefixed.count > 1 {
            throw SottoError("model name '\(reference)' is ambiguous", hint: "matches \(prefixed.map(\.id).joined(separator: ", "))")
        }
        throw SottoError("unknown model '\(reference)'",
                         hint: models.isEmpty ? "no models in \(directory.path); run Scripts/setup" : "models found: \(known)")
    }

    /// Describes the model at an explicit path through the family that recognises it.
    public func describe(path url: URL) throws -> ModelDescriptor {
        try families.describe(path: url)
    }

    /// Why `directory` cannot serve as a models folder (missing, not a folder, unreadable), or
    /// nil when it can; an empty folder is fine.
    public static func problem(with directory: URL) -> SottoError? {
        var info = stat()
        guard stat(directory.path, &info) == 0 else {
            let code = errno
            if code == ENOENT {
                return SottoError("the models folder \(directory.path) does not exist",
                                  hint: "run Scripts/setup, or pass --models-dir DIR")
            }
            return SottoError("cannot use the models folder \(directory.path): \(String(cString: strerror(code)))")
        }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            return SottoError("the models folder \(directory.path) is not a folder",
                              hint: "pass --models-dir DIR with the folder that holds the models")
        }
        guard let folder = opendir(directory.path) else {
            return SottoError("cannot read the models folder \(directory.path): \(String(cString: strerror(errno)))")
        }
        closedir(folder)
        return nil
    }

    /// Every model under `root`, three folder levels deep, as the families recognise them.
    /// Symbolic links to folders and files are followed (Hugging Face caches and shared model
    /// stores are linked in); a folder reached twice, through a link cycle or two links to it, is
    /// read once.
    static func scan(_ root: URL, families: ModelFamilies) -> [ModelDescriptor] {
        var found: [ModelDescriptor] = []
        var visited = Set<FolderIdentity>()
        func walk(_ folder: URL, depth: Int) {
            guard let identity = FolderIdentity(folder), visited.insert(identity).inserted else { return }
            if depth > 0, let model = families.describe(folder: folder) {
                found.append(model)
                return
            }
            found += families.describeFiles(in: folder, isRoot: depth == 0)
            guard depth < 3 else { return }
            let children = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            for name in children.sorted() where !name.hasPrefix(".") {
                let child = folder.appendingPathComponent(name)
                var isDirectory: ObjCBool = false  // follows links
                if FileManager.default.fileExists(atPath: child.path, isDirectory: &isDirectory), isDirectory.boolValue {
                    walk(child, depth: depth + 1)
                }
            }
        }
        walk(root, depth: 0)
        return found.sorted { ($0.kind, $0.name) < ($1.kind, $1.name) }
    }

    /// A folder as the file system knows it (device and inode), whatever path led to it.
    struct FolderIdentity: Hashable {
        let device: UInt64
        let inode: UInt64

        init?(_ folder: URL) {
            var info = stat()
            guard stat(folder.path, &info) == 0 else { return nil }
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
        }
    }

    /// Recomputes the SHA-256 of every file that has a `.sha256` digest beside it (written by
    /// Scripts/setup) and returns the files whose contents changed.
    public static func verifyDigests(of model: ModelDescriptor) -> [String] {
        var problems: [String] = []
        for file in model.files where file.status == .ok {
            let digestURL = file.url.appendingPathExtension("sha256")
            guard let text = try? String(contentsOf: digestURL, encoding: .utf8),
                  let expected = text.split(separator: " ").first.map(String.init), expected.count == 64 else { continue }
            let actual: String
            do { _ = try MappedFile(opening: file.url); actual = try SHA256.hex(of: file.url) } catch {
                problems.append(ModelFile(role: file.role, url: file.url, status: .failure(error)).problem
                                ?? "\(file.role) file \(file.url.lastPathComponent) is unreadable")
                continue
            }
            if actual != expected.lowercased() {
                problems.append("\(file.role) file \(file.url.lastPathComponent) is corrupt: SHA-256 \(actual.prefix(12))… differs from the recorded \(expected.prefix(12))…")
            }
        }
        return problems
    }
}
