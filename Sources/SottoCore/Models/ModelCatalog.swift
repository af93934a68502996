import Foundation

/// The models in a models directory (and any paths given explicitly), found by their files.
public struct ModelCatalog: Sendable {
    public let directory: URL
    public private(set) var models: [ModelDescriptor]

    /// Scans `directory` and its subfolders (three levels deep; hidden folders skipped).
    public init(directory: URL) {
        self.directory = directory
        self.models = Self.scan(directory)
    }

    public init(directory: URL, models: [ModelDescriptor]) {
        self.directory = directory
        self.models = models
    }

    /// Finds a model by what a user typed after `-m`:
    /// a path to a model file or folder; `kind:name`; a name; or a kind alone (`kokoro`, `piper`),
    /// meaning its first complete model.
    public func resolve(_ reference: String) throws -> ModelDescriptor {
        let trimmed = reference.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw SottoError("no model named", hint: "pass -m NAME or a path") }
        if trimmed.contains("/") || FileManager.default.fileExists(atPath: trimmed) {
            return try Self.describe(path: URL(fileURLWithPath: trimmed))
        }
        var kind: ModelKind?
        var name = trimmed
        if let colon = trimmed.firstIndex(of: ":"), let k = ModelKind(rawValue: trimmed[..<colon].lowercased()) {
            kind = k
            name = String(trimmed[trimmed.index(after: colon)...])
        }
        if let k = ModelKind(rawValue: trimmed.lowercased()) ?? (name.isEmpty ? kind : nil) {
            let ofKind = models.filter { $0.kind == k }
            if let model = ofKind.first(where: \.isComplete) ?? ofKind.first { return model }
            throw SottoError("no \(k.displayName) model found in \(directory.path)",
                             hint: k == .qwen3 ? "place a Qwen3-TTS folder there or pass its path" : "run Scripts/setup")
        }
        let candidates = models.filter { kind == nil || $0.kind == kind }
        if let exact = candidates.first(where: { $0.name == name }) { return exact }
        let lower = name.lowercased()
        if let folded = candidates.first(where: { $0.name.lowercased() == lower }) { return folded }
        let prefixed = candidates.filter { $0.name.lowercased().hasPrefix(lower) }
        if prefixed.count == 1 { return prefixed[0] }
        let known = models.map(\.id).joined(separator: ", ")
        if prefixed.count > 1 {
            throw SottoError("model name '\(reference)' is ambiguous", hint: "matches \(prefixed.map(\.id).joined(separator: ", "))")
        }
        throw SottoError("unknown model '\(reference)'",
                         hint: models.isEmpty ? "no models in \(directory.path); run Scripts/setup" : "models found: \(known)")
    }

    /// Describes the model at an explicit path: an `.onnx` file, a Piper `.onnx.json`, or a folder
    /// (a Qwen3-TTS folder, or a folder holding exactly one model).
    public static func describe(path url: URL) throws -> ModelDescriptor {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        let path = url.standardizedFileURL
        if path.path.hasSuffix(".onnx.json") {
            let name = String(path.lastPathComponent.dropLast(".onnx.json".count))
            return PiperLayout.describe(name: name, folder: path.deletingLastPathComponent())
        }
        guard fm.fileExists(atPath: path.path, isDirectory: &isDirectory) else {
            throw SottoError("no such file or folder: \(path.path)")
        }
        if isDirectory.boolValue {
            if Qwen3Layout.claims(folder: path) { return Qwen3Layout.describe(folder: path) }
            let found = describeFolder(path, isRoot: true)
            guard found.count == 1 else {
                throw SottoError(found.isEmpty ? "no model found in \(path.path)" : "\(path.path) holds \(found.count) models",
                                 hint: found.isEmpty ? "expected .onnx files or a Qwen3-TTS folder" : "name one file")
            }
            return found[0]
        }
        guard path.pathExtension == "onnx" else {
            throw SottoError("\(path.lastPathComponent) is not a model file", hint: "expected an .onnx file or a model folder")
        }
        let folder = path.deletingLastPathComponent()
        let siblings = (try? fm.contentsOfDirectory(atPath: folder.path)) ?? []
        let stem = path.deletingPathExtension().lastPathComponent
        if !siblings.contains(stem + ".onnx.json"), KokoroLayout.claims(onnx: path, siblings: siblings) {
            return KokoroLayout.describe(onnx: path, siblings: siblings, nameFromFolder: false)
        }
        return PiperLayout.describe(name: stem, folder: folder)
    }

    static func scan(_ root: URL) -> [ModelDescriptor] {
        var found: [ModelDescriptor] = []
        func walk(_ folder: URL, depth: Int) {
            if depth > 0, Qwen3Layout.claims(folder: folder) {
                found.append(Qwen3Layout.describe(folder: folder))
                return
            }
            found += describeFolder(folder, isRoot: depth == 0)
            guard depth < 3 else { return }
            let children = (try? FileManager.default.contentsOfDirectory(
                at: folder, includingPropertiesForKeys: [.isDirectoryKey], options: [.skipsHiddenFiles])) ?? []
            for child in children.sorted(by: { $0.path < $1.path })
            where (try? child.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) == true {
                walk(child, depth: depth + 1)
            }
        }
        walk(root, depth: 0)
        return found.sorted { ($0.kind, $0.name) < ($1.kind, $1.name) }
    }

    /// The Kokoro and Piper models directly inside `folder`.
    static func describeFolder(_ folder: URL, isRoot: Bool) -> [ModelDescriptor] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter { !$0.hasPrefix(".") }.sorted()
        var models: [ModelDescriptor] = []
        let piperConfigs = names.filter { $0.hasSuffix(".onnx.json") }.map { String($0.dropLast(".onnx.json".count)) }
        for name in piperConfigs {
            models.append(PiperLayout.describe(name: name, folder: folder))
        }
        let loneONNX = names.filter { $0.hasSuffix(".onnx") && !piperConfigs.contains(String($0.dropLast(5))) }
        let kokoro = loneONNX.filter { KokoroLayout.claims(onnx: folder.appendingPathComponent($0), siblings: names) }
        for file in kokoro {
            models.append(KokoroLayout.describe(onnx: folder.appendingPathComponent(file), siblings: names,
                                                nameFromFolder: !isRoot && kokoro.count == 1))
        }
        // An .onnx that is neither Kokoro nor paired with a config is most likely a Piper voice
        // whose .onnx.json went missing: list it so the user learns what is wrong.
        for file in loneONNX where !kokoro.contains(file) {
            models.append(PiperLayout.describe(name: String(file.dropLast(5)), folder: folder))
        }
        return models
    }

    /// Recomputes the SHA-256 of every file that has a `.sha256` digest beside it (written by
    /// Scripts/setup) and returns the files whose contents changed.
    public static func verifyDigests(of model: ModelDescriptor) -> [String] {
        var problems: [String] = []
        for file in model.files where file.status == .ok {
            let digestURL = file.url.appendingPathExtension("sha256")
            guard let text = try? String(contentsOf: digestURL, encoding: .utf8),
                  let expected = text.split(separator: " ").first.map(String.init), expected.count == 64 else { continue }
            guard let actual = try? SHA256.hex(of: file.url) else {
                problems.append("\(file.role) file \(file.url.lastPathComponent) is unreadable")
                continue
            }
            if actual != expected.lowercased() {
                problems.append("\(file.role) file \(file.url.lastPathComponent) is corrupt: SHA-256 \(actual.prefix(12))… differs from the recorded \(expected.prefix(12))…")
            }
        }
        return problems
    }
}
