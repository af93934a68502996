import Foundation

/// Everything Sotto knows about one model architecture, in one place: how its files look on
/// disk, what they say about the model (name, voices, variant, what it can do, what is missing),
/// what the studio calls it, and how to load its engine. Each architecture implements this once
/// beside its engine adapter and is registered in `ModelFamilies`; the catalog, the CLI, the
/// studio and the server ask the registered families and never name an architecture themselves.
///
/// Finding models reads headers and small configuration files only; weights are read by `load`.
public protocol ModelFamily: Sendable {
    /// The kind its models carry (`kind:name` is how users name a model).
    var kind: ModelKind { get }
    /// "Piper (VITS)", for lists and messages.
    var displayName: String { get }
    /// "Piper", for narrow columns.
    var shortName: String { get }
    /// What its voices are called in lists: "voices" or "speakers".
    var voiceNoun: String { get }
    /// What to tell a user who asks for this kind and has no such model.
    var missingModelHint: String { get }
    /// Whether this build can load its models (a family may describe models it cannot run).
    var hasEngine: Bool { get }

    /// The model `folder` is, when this family's models are whole folders (a Hugging Face
    /// checkout); nil when it is not one. A folder claimed here is not looked into further.
    func describe(folder: URL) -> ModelDescriptor?

    /// The models among the unclaimed files of `listing` that are this family's; claims their
    /// files so that families asked later do not describe them again.
    func describe(files listing: inout FolderListing) -> [ModelDescriptor]

    /// Asked after every family has had its turn at a folder: describes files nobody recognised
    /// that are most likely a damaged model of this family (a Piper voice without its config), so
    /// that the user learns what is wrong.
    func describe(unclaimed listing: inout FolderListing) -> [ModelDescriptor]

    /// Loads `model`'s engine. The registry has already refused incomplete models.
    func load(_ model: ModelDescriptor, options: LoadOptions) throws -> any SpeechEngine
}

extension ModelFamily {
    public var shortName: String { displayName }
    public var voiceNoun: String { "voices" }
    public var missingModelHint: String { "run Scripts/setup" }
    public var hasEngine: Bool { true }
    public func describe(folder: URL) -> ModelDescriptor? { nil }
    public func describe(files listing: inout FolderListing) -> [ModelDescriptor] { [] }
    public func describe(unclaimed listing: inout FolderListing) -> [ModelDescriptor] { [] }
}
