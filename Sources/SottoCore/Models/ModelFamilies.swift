import Foundation

/// The model families this build knows, in the order they look at a folder. The standard set is
/// registered in one place (`ModelFamilies.standard`, in SottoEngines); tests and embedders add
/// their own with `adding`.
public struct ModelFamilies: Sendable {
    public let all: [any ModelFamily]

    public init(_ families: [any ModelFamily] = []) {
        var seen = Set<ModelKind>()
        all = families.reversed().filter { seen.insert($0.kind).inserted }.reversed()
    }

    /// These families and `family`, last in line, or in the place of the one of its kind.
    public func adding(_ family: any ModelFamily) -> ModelFamilies {
        guard let index = all.firstIndex(where: { $0.kind == family.kind }) else { return ModelFamilies(all + [family]) }
        var families = all
        families[index] = family
        return ModelFamilies(families)
    }

    /// These families transformed one by one (tests stand engines in for real ones this way).
    public func map(_ transform: (any ModelFamily) -> any ModelFamily) -> ModelFamilies {
        ModelFamilies(all.map(transform))
    }

    public func family(for kind: ModelKind) -> (any ModelFamily)? {
        all.first { $0.kind == kind }
    }

    /// The kinds this build can load, sorted.
    public var kinds: [ModelKind] { all.filter(\.hasEngine).map(\.kind).sorted() }

    /// Whether this build can load models of `kind`.
    public func supports(_ kind: ModelKind) -> Bool { family(for: kind)?.hasEngine == true }

    public func displayName(of kind: ModelKind) -> String { family(for: kind)?.displayName ?? kind.rawValue }

    public func shortName(of kind: ModelKind) -> String { family(for: kind)?.shortName ?? kind.rawValue }

    public func voiceNoun(of kind: ModelKind) -> String { family(for: kind)?.voiceNoun ?? "voices" }

    /// Why this build cannot load `kind`, or nil when it can.
    public func unsupportedReason(_ kind: ModelKind) -> String? {
        guard !supports(kind) else { return nil }
        let supported = kinds.map(displayName(of:))
        return "\(displayName(of: kind)) models are not supported by this build of sotto ("
            + (supported.isEmpty ? "it has no speech engines" : "it runs \(supported.joined(separator: ", "))") + ")"
    }

    /// Loads `model` through its family, refusing incomplete models with the problem the catalog
    /// found, and files whose contents no longer match the digest recorded beside them (checked
    /// once after each change, see `DigestCache`).
    public func load(_ model: ModelDescriptor, options: LoadOptions = LoadOptions(),
                     digests: DigestCache = .standard()) throws -> any SpeechEngine {
        guard let family = family(for: model.kind), family.hasEngine else {
            throw SottoError("\(displayName(of: model.kind)) models are not supported by this build of sotto",
                             hint: "supported: \(kinds.map(\.rawValue).joined(separator: ", "))")
        }
        if let problem = model.problems.first {
            throw SottoError("model \(model.name) cannot be loaded: \(problem)", hint: model.repairHint)
        }
        if let problem = digests.problems(of: model).first {
            throw SottoError("model \(model.name) cannot be loaded: \(problem)",
                             hint: model.isBundled ? "run Scripts/setup to fetch it again" : "replace the damaged file")
        }
        return try family.load(model, options: options)
    }

    // MARK: Finding models

    /// The whole-folder model `folder` is, if a family claims it.
    public func describe(folder: URL) -> ModelDescriptor? {
        for family in all {
            if let model = family.describe(folder: folder) { return model }
        }
        return nil
    }

    /// The models among the files directly inside `folder`.
    public func describeFiles(in folder: URL, isRoot: Bool) -> [ModelDescriptor] {
        var listing = FolderListing(folder: folder, isRoot: isRoot)
        var models: [ModelDescriptor] = []
        for family in all { models += family.describe(files: &listing) }
        for family in all { models += family.describe(unclaimed: &listing) }
        return models
    }

    /// Describes the model at an explicit path: one of its files, or its folder (a whole-folder
    /// model, or a folder holding exactly one model). Reads only that folder.
    public func describe(path url: URL) throws -> ModelDescriptor {
        let path = url.standardizedFileURL
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path.path, isDirectory: &isDirectory) else {
            throw SottoError("no such file or folder: \(path.path)")
        }
        if isDirectory.boolValue {
            if let model = describe(folder: path) { return model }
            let found = describeFiles(in: path, isRoot: true)
            guard found.count == 1 else {
                throw SottoError(found.isEmpty ? "no model found in \(path.path)" : "\(path.path) holds \(found.count) models",
                                 hint: found.isEmpty ? "expected model files or a model folder" : "name one file")
            }
            return found[0]
        }
        let found = describeFiles(in: path.deletingLastPathComponent(), isRoot: true)
        let resolved = path.resolvingSymlinksInPath()
        func isThis(_ file: URL) -> Bool {
            file.standardizedFileURL == path || file.resolvingSymlinksInPath() == resolved
        }
        if let model = found.first(where: { isThis($0.url) }) ?? found.first(where: { $0.files.contains { isThis($0.url) } }) {
            return model
        }
        throw SottoError("\(path.lastPathComponent) is not a model file", hint: "expected a model file or a model folder")
    }
}
