import Foundation
import Glibc

/// Checks a model's files against the SHA-256 digests Scripts/setup records beside them
/// (`NAME.sha256`) before the model is loaded, so that a damaged file is named before it speaks.
/// A file is hashed once after it changes: the verdict is kept in the state folder, keyed by the
/// file's size, modification time, inode and device (and the digest it was checked against), and
/// reused while those stay the same.
public struct DigestCache: Sendable {
    /// The JSON file the verdicts are kept in; nil keeps none (every load hashes).
    public let store: URL?

    public init(store: URL?) {
        self.store = store
    }

    /// The cache in `<state folder>/verified-digests.json`.
    public static func standard(paths: SottoPaths = SottoPaths()) -> DigestCache {
        DigestCache(store: paths.stateDirectory.appendingPathComponent("verified-digests.json"))
    }

    /// What identifies one version of a file without reading it.
    struct Stamp: Codable, Hashable {
        var size: Int64
        var modified: Int64  // nanoseconds since 1970
        var inode: UInt64
        var device: UInt64
        var expected: String

        init?(_ url: URL, expected: String) {
            var info = stat()
            guard stat(url.path, &info) == 0 else { return nil }
            size = Int64(info.st_size)
            modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
            inode = UInt64(info.st_ino)
            device = UInt64(info.st_dev)
            self.expected = expected
        }
    }

    struct Verdict: Codable {
        var stamp: Stamp
        var matches: Bool
    }

    /// The digest recorded beside `file`, if any.
    static func recordedDigest(of file: URL) -> String? {
        guard let text = try? String(contentsOf: file.appendingPathExtension("sha256"), encoding: .utf8),
              let first = text.split(whereSeparator: { $0 == " " || $0 == "\n" }).first, first.count == 64,
              first.allSatisfy(\.isHexDigit) else { return nil }
        return first.lowercased()
    }

    /// The problems of `model`'s files that have a recorded digest: each file whose contents no
    /// longer match it, or that could not be read to check. Hashes only files that changed since
    /// their last verdict.
    public func problems(of model: ModelDescriptor) -> [String] {
        var verdicts = load()
        var changed = false
        var problems: [String] = []
        for file in model.files where file.status == .ok {
            guard let expected = Self.recordedDigest(of: file.url) else { continue }
            let path = file.url.resolvingSymlinksInPath().path
            let stamp = Stamp(file.url, expected: expected)
            let matches: Bool
            if let stamp, let verdict = verdicts[path], verdict.stamp == stamp {
                matches = verdict.matches
            } else {
                let actual: String
                do { _ = try MappedFile(opening: file.url); actual = try SHA256.hex(of: file.url) } catch {
                    problems.append(ModelFile(role: file.role, url: file.url, status: .failure(error)).problem
                                    ?? "\(file.role) file \(file.url.lastPathComponent) is unreadable")
                    continue
                }
                matches = actual == expected
                if let stamp {
                    verdicts[path] = Verdict(stamp: stamp, matches: matches)
                    changed = true
                }
            }
            if !matches {
                problems.append("\(file.role) file \(file.url.lastPathComponent) is corrupt: its SHA-256 differs from the one recorded in \(file.url.lastPathComponent).sha256")
            }
        }
        if changed { save(verdicts) }
        return problems
    }

    private func load() -> [String: Verdict] {
        guard let store, let data = try? Data(contentsOf: store) else { return [:] }
        return (try? JSONDecoder().decode([String: Verdict].self, from: data)) ?? [:]
    }

    /// Best effort: a state folder that cannot be written only means hashing again next time.
    private func save(_ verdicts: [String: Verdict]) {
        guard let store, let data = try? JSONEncoder().encode(verdicts) else { return }
        try? FileManager.default.createDirectory(at: store.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? data.write(to: store, options: .atomic)
    }
}
