import Foundation
import Glibc
import SottoCore

/// Studio sessions on disk, one folder each under the sessions directory:
///
///     <id>/session.json          the manifest (replaced atomically)
///     <id>/takes/take-0007.wav   each take's audio (32-bit float WAV, written before it is referenced)
///     <id>/takes/take-0007.json  each take's record, written before the manifest names it
///     last                       the id of the session opened most recently
///
/// Every write is a temporary file renamed into place, so a crash or `kill -9` at any moment
/// leaves the previous state or the next, and a take whose manifest update was lost is
/// recovered from its record on the next open.
public struct SessionStore: Sendable {
    public let root: URL

    public init(root: URL) {
        self.root = root
    }

    /// Opens the session used last (else the newest), if no other studio has it open; otherwise
    /// starts a new one and says so in `notes`, naming both, so that neither is lost. Never opens
    /// some other older session in its place. `notes` also says when takes were recovered.
    public func openLastOrCreate(now: Date = Date()) throws -> (session: SessionHandle, manifest: SessionManifest, notes: [String]) {
        var notes: [String] = []
        let ids = listIDs()
        let target = lastID().flatMap { ids.contains($0) ? $0 : nil } ?? ids.last
        if let target {
            do {
                if let handle = try SessionHandle(store: self, id: target, create: false) {
                    let (manifest, recovered) = try handle.readManifest()
                    if recovered > 0 {
                        notes.append("recovered \(recovered) take\(recovered == 1 ? "" : "s") from an interrupted save")
                    }
                    if !manifest.takes.isEmpty { try rememberLast(target) }
                    return (handle, manifest, notes)
                }
                let (handle, manifest) = try create(now: now)
                notes.append("session \(target) is open in another studio, so this is a new session, \(handle.id) (:sessions lists both)")
                return (handle, manifest, notes)
            } catch {
                notes.append("session \(target) could not be read (\(SottoError.describe(error))); it was left as it is")
            }
        }
        let (handle, manifest) = try create(now: now)
        return (handle, manifest, notes)
    }

    /// Opens the session called `name` in this store, or creates it (empty) if there is none.
    /// Fails, saying so, when another studio has it open.
    public func openOrCreate(named name: String, now: Date = Date()) throws -> (session: SessionHandle, manifest: SessionManifest, notes: [String]) {
        try Self.checkName(name)
        let folder = root.appendingPathComponent(name)
        if !FileManager.default.fileExists(atPath: folder.appendingPathComponent(SessionHandle.manifestName).path) {
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            guard let handle = try SessionHandle(store: self, id: name, create: true) else {
                throw SottoError("session \(name) is open in another studio")
            }
            // Another studio may have created it a moment ago.
            if !FileManager.default.fileExists(atPath: handle.manifestURL.path) {
                let manifest = SessionManifest(id: name, createdAt: now)
                try handle.writeManifest(manifest)
                return (handle, manifest, ["new session \(name)"])
            }
            let (manifest, recovered) = try handle.readManifest()
            return (handle, manifest, recovered > 0 ? ["recovered \(recovered) take\(recovered == 1 ? "" : "s") from an interrupted save"] : [])
        }
        guard let handle = try SessionHandle(store: self, id: name, create: false) else {
            throw SottoError("session \(name) is open in another studio", hint: "quit that studio first, or open another session")
        }
        let (manifest, recovered) = try handle.readManifest()
        if !manifest.takes.isEmpty { try rememberLast(name) }
        return (handle, manifest, recovered > 0 ? ["recovered \(recovered) take\(recovered == 1 ? "" : "s") from an interrupted save"] : [])
    }

    /// Whether `name` can be a session folder's name.
    static func checkName(_ name: String) throws {
        guard !name.isEmpty, !name.contains("/"), !name.hasPrefix("."), name != "last",
              !name.contains(where: { $0.isNewline || $0 == "\0" }) else {
            throw SottoError("\"\(name)\" cannot name a session", hint: "use letters, digits, - and _, or give a path")
        }
    }

    /// What the sessions list shows of each session on disk, newest use first.
    public struct Summary: Equatable, Sendable {
        public var id: String
        public var takes: Int
        public var lastUsed: Date
        /// Another studio has it open (now).
        public var isBusy: Bool
        /// The start of its text.
        public var text: String
    }

    /// Every readable session, the most recently used first.
    public func summaries() -> [Summary] {
        listIDs().compactMap { id -> Summary? in
            let folder = root.appendingPathComponent(id)
            guard let data = try? Data(contentsOf: folder.appendingPathComponent(SessionHandle.manifestName)),
                  let manifest = try? SessionManifest.decoder.decode(SessionManifest.self, from: data) else { return nil }
            return Summary(id: id, takes: manifest.takes.count, lastUsed: manifest.updatedAt,
                           isBusy: SessionHandle.isLocked(folder: folder), text: manifest.text)
        }.sorted { $0.lastUsed > $1.lastUsed }
    }

    /// A new, empty session.
    public func create(now: Date = Date()) throws -> (SessionHandle, SessionManifest) {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd_HHmmss"
        let base = formatter.string(from: now)
        // Claim the id by creating its folder, which only one process can do: two studios started
        // in the same second take the id and the next suffix rather than one failing to lock.
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        var id = base
        var suffix = 2
        var handle: SessionHandle?
        while handle == nil {
            if mkdir(root.appendingPathComponent(id).path, 0o755) == 0 {
                handle = try SessionHandle(store: self, id: id, create: true)
            } else if errno != EEXIST {
                throw SottoError("cannot create the session folder \(root.appendingPathComponent(id).path): \(String(cString: strerror(errno)))")
            }
            if handle == nil {
                id = "\(base)-\(suffix)"
                suffix += 1
            }
        }
        guard let handle else { throw SottoError("cannot create a new session") }
        let manifest = SessionManifest(id: id, createdAt: now)
        try handle.writeManifest(manifest)
        // `last` names a session only once it has a take: an empty one is never reopened in
        // place of one with work in it.
        return (handle, manifest)
    }

    /// Session ids on disk, oldest first (ids sort by creation time).
    public func listIDs() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? [])
            .filter { !$0.hasPrefix(".") && FileManager.default.fileExists(atPath: root.appendingPathComponent("\($0)/session.json").path) }
            .sorted()
    }

    public func lastID() -> String? {
        guard let text = try? String(contentsOf: root.appendingPathComponent("last"), encoding: .utf8) else { return nil }
        let id = text.trimming(" \n")
        return id.isEmpty ? nil : id
    }

    public func rememberLast(_ id: String) throws {
        try AtomicFile.write(id + "\n", to: root.appendingPathComponent("last"))
    }
}

/// An open session, locked against a second studio writing to it at the same time.
public final class SessionHandle: Sendable {
    public let id: String
    public let folder: URL
    private let lockDescriptor: Int32

    public static let manifestName = "session.json"

    /// Nil when another process holds the session's lock.
    init?(store: SessionStore, id: String, create: Bool) throws {
        self.id = id
        folder = store.root.appendingPathComponent(id)
        if create {
            try FileManager.default.createDirectory(at: folder.appendingPathComponent("takes"), withIntermediateDirectories: true)
        }
        let descriptor = open(folder.appendingPathComponent(".lock").path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw SottoError("cannot open \(folder.path)/.lock: \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            return nil
        }
        lockDescriptor = descriptor
    }

    deinit {
        flock(lockDescriptor, LOCK_UN)
        close(lockDescriptor)
    }

    /// Whether some studio holds the lock of the session in `folder` (checked without keeping it).
    static func isLocked(folder: URL) -> Bool {
        let descriptor = open(folder.appendingPathComponent(".lock").path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        guard flock(descriptor, LOCK_SH | LOCK_NB) == 0 else { return true }
        flock(descriptor, LOCK_UN)
        return false
    }

    public var store: SessionStore { SessionStore(root: folder.deletingLastPathComponent()) }

    public var takesFolder: URL { folder.appendingPathComponent("takes") }
    public var manifestURL: URL { folder.appendingPathComponent(Self.manifestName) }

    public static func audioFileName(takeID: Int) -> String { String(format: "take-%04d.wav", takeID) }
    static func recordFileName(takeID: Int) -> String { String(format: "take-%04d.json", takeID) }

    public func audioURL(_ fileName: String) -> URL { takesFolder.appendingPathComponent(fileName) }

    /// The manifest, plus any take whose record exists but which the manifest does not name yet
    /// (the studio stopped between the two writes). Returns how many were recovered.
    public func readManifest() throws -> (SessionManifest, Int) {
        let data = try Data(contentsOf: manifestURL)
        var manifest = try SessionManifest.decoder.decode(SessionManifest.self, from: data)
        guard manifest.format <= SessionManifest.currentFormat else {
            throw SottoError("session \(id) was written by a newer Sotto (format \(manifest.format))")
        }
        let known = Set(manifest.takes.map(\.id))
        var recovered = 0
        let records = ((try? FileManager.default.contentsOfDirectory(atPath: takesFolder.path)) ?? [])
            .filter { $0.hasPrefix("take-") && $0.hasSuffix(".json") }.sorted()
        for record in records {
            guard let data = try? Data(contentsOf: takesFolder.appendingPathComponent(record)),
                  let take = try? SessionManifest.decoder.decode(Take.self, from: data),
                  !known.contains(take.id) else { continue }
            manifest.takes.append(take)
            manifest.nextTakeID = max(manifest.nextTakeID, take.id + 1)
            recovered += 1
        }
        manifest.takes.sort { $0.id < $1.id }
        return (manifest, recovered)
    }

    public func writeManifest(_ manifest: SessionManifest) throws {
        try AtomicFile.write(try SessionManifest.encoder.encode(manifest), to: manifestURL)
    }

    /// Writes a take's record beside its audio; called after the audio and before the manifest.
    public func writeRecord(_ take: Take) throws {
        let url = takesFolder.appendingPathComponent(Self.recordFileName(takeID: take.id))
        try AtomicFile.write(try SessionManifest.encoder.encode(take), to: url)
    }
}
