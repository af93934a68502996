import Foundation

/// The files of one folder as families look through it in turn: each family describes the files
/// it recognises and claims them, so that a file belongs to one model.
public struct FolderListing: Sendable {
    public let folder: URL
    /// Every entry of the folder (hidden ones left out), sorted: siblings a model may refer to.
    public let names: [String]
    /// Whether this is the folder the search started from (the models directory, or the folder
    /// of a path the user gave), where models are named after their files rather than the folder.
    public let isRoot: Bool
    /// The entries no family has claimed yet, sorted.
    public private(set) var unclaimed: [String]

    public init(folder: URL, names: [String], isRoot: Bool) {
        self.folder = folder
        self.names = names.filter { !$0.hasPrefix(".") }.sorted()
        self.isRoot = isRoot
        unclaimed = self.names
    }

    /// Lists `folder` (empty when it cannot be read).
    public init(folder: URL, isRoot: Bool) {
        self.init(folder: folder, names: (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [],
                  isRoot: isRoot)
    }

    public func url(_ name: String) -> URL { folder.appendingPathComponent(name) }

    public mutating func claim(_ name: String) {
        unclaimed.removeAll { $0 == name }
    }
}
