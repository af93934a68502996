import Glibc

/// Where audio written "to a path" really goes, decided before anything is written.
///
/// - A regular file, or a path that does not exist yet, is replaced atomically: the audio goes to
///   a hidden temporary file in the same folder, renamed over the path once complete (an existing
///   file's permissions and owner are kept).
/// - A symbolic link is followed (link to link too, up to 40 links) and its target is written by
///   the same rules; the link itself stays a link.
/// - Anything else that can be opened for writing — a FIFO, a character device such as
///   `/dev/null` or `/dev/full`, a socket — is written directly as a stream and never replaced.
/// - Standard output (`-o -` on the command line) is a stream too.
public enum OutputTarget: Equatable, Sendable {
    /// A file replaced through a temporary file and a rename; `path` is the link target when the
    /// given path was a symbolic link.
    case regularFile(path: String)
    /// A FIFO, device or other non-regular file, written in place from start to end.
    case stream(path: String)
    /// The process's standard output.
    case standardOutput

    /// What `path` names, following symbolic links. Throws for a folder, a link loop, or a path
    /// whose folder does not exist.
    public static func resolve(_ path: String) throws(AudioError) -> OutputTarget {
        guard !path.isEmpty else { throw .unwritableFile(path: path, reason: "the path is empty") }
        var current = path
        for _ in 0..<40 {
            var status = stat()
            guard lstat(current, &status) == 0 else {
                let code = errno
                guard code == ENOENT else { throw .unwritableFile(path: path, reason: systemError(code)) }
                return try newFile(current, asked: path)
            }
            switch status.st_mode & S_IFMT {
            case S_IFLNK:
                current = try linkTarget(current, asked: path)
            case S_IFREG:
                return .regularFile(path: current)
            case S_IFDIR:
                throw .unwritableFile(path: path, reason: "it is a folder")
            default:
                return .stream(path: current)
            }
        }
        throw .unwritableFile(path: path, reason: "too many levels of symbolic links")
    }

    /// The path the user sees in messages: the file written.
    public var path: String {
        switch self {
        case .regularFile(let path), .stream(let path): path
        case .standardOutput: "standard output"
        }
    }

    private static func newFile(_ path: String, asked: String) throws(AudioError) -> OutputTarget {
        let folder = path.lastIndex(of: "/").map { String(path[...$0]) } ?? "./"
        var status = stat()
        guard stat(folder, &status) == 0 else {
            throw .unwritableFile(path: asked, reason: systemError(errno))
        }
        guard status.st_mode & S_IFMT == S_IFDIR else {
            throw .unwritableFile(path: asked, reason: "\(folder) is not a folder")
        }
        guard !path.hasSuffix("/") else {
            throw .unwritableFile(path: asked, reason: "the path names a folder, not a file")
        }
        return .regularFile(path: path)
    }

    private static func linkTarget(_ link: String, asked: String) throws(AudioError) -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(link, &buffer, buffer.count - 1)
        guard count >= 0 else { throw .unwritableFile(path: asked, reason: systemError(errno)) }
        let target = String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if target.hasPrefix("/") { return target }
        // A relative target is relative to the link's folder.
        return (link.lastIndex(of: "/").map { String(link[...$0]) } ?? "") + target
    }
}
