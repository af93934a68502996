import Foundation
import Glibc
import SottoCore

/// Puts a finished file in place under a name that must not exist yet: the file is written
/// elsewhere in the same folder, then hard-linked to its name, which fails rather than replaces
/// when the name is taken (even by a file that appeared a moment ago).
public enum NewFile {
    /// Writes through `write(temporaryPath)`, then links the result to `url`.
    public static func create(at url: URL, write: (String) throws -> Void) throws {
        let folder = url.deletingLastPathComponent()
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).new")
        defer { unlink(temporary.path) }
        try write(temporary.path)
        guard link(temporary.path, url.path) == 0 else {
            let code = errno
            if code == EEXIST {
                throw SottoError("\(url.lastPathComponent) already exists in \(folder.path)", hint: "choose another name; nothing was replaced")
            }
            throw SottoError("cannot create \(url.path): \(String(cString: strerror(code)))")
        }
        AtomicFile.syncFolder(folder)
    }

    /// `data` as a new file at `url`, written whole or not at all.
    public static func create(at url: URL, data: Data) throws {
        try create(at: url) { path in try AtomicFile.write(data, to: URL(fileURLWithPath: path)) }
    }
}
