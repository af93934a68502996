import Foundation
import Glibc

/// Writes files so that a reader, or the next launch after a crash or `kill -9`, sees either the
/// old contents or the new, never a mixture: data goes to a temporary file in the same folder,
/// is flushed to disk, and is renamed over the target; the folder is flushed so the rename lasts.
public enum AtomicFile {
    /// `write(_:to:replacing: false)` found a file already there.
    public struct FileExists: Error, CustomStringConvertible, Sendable {
        public var url: URL
        public var description: String { "\(url.path) already exists" }
    }

    /// With `replacing` false the new file is linked into place instead of renamed, which fails
    /// when the name is taken, so a file that appeared meanwhile is never overwritten.
    public static func write(_ data: Data, to url: URL, replacing: Bool = true) throws {
        let folder = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp")
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw failure("cannot create", temporary, errno) }
        var ok = true
        var code: Int32 = 0
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Glibc.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    ok = false
                    code = errno
                    return
                }
                offset += written
            }
        }
        if ok, fsync(descriptor) != 0 { ok = false; code = errno }
        close(descriptor)
        guard ok else {
            unlink(temporary.path)
            throw failure("cannot write", url, code)
        }
        if replacing {
            guard rename(temporary.path, url.path) == 0 else {
                let code = errno
                unlink(temporary.path)
                throw failure("cannot replace", url, code)
            }
        } else {
            let linked = link(temporary.path, url.path) == 0
            let code = errno
            unlink(temporary.path)
            guard linked else {
                if code == EEXIST { throw FileExists(url: url) }
                throw failure("cannot create", url, code)
            }
        }
        syncFolder(folder)
    }

    public static func write(_ text: String, to url: URL, replacing: Bool = true) throws {
        try write(Data(text.utf8), to: url, replacing: replacing)
    }

    /// Makes a rename in `folder` durable.
    public static func syncFolder(_ folder: URL) {
        let descriptor = open(folder.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }

    private static func failure(_ verb: String, _ url: URL, _ code: Int32) -> SottoError {
        SottoError("\(verb) \(url.path): \(String(cString: strerror(code)))")
    }
}
