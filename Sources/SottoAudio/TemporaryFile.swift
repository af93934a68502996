import Glibc

/// A hidden file beside a destination path, renamed over it once complete.
final class TemporaryFile {
    let finalPath: String
    let temporaryPath: String
    let descriptor: Int32
    private var isOpen = true

    init(besides path: String) throws(AudioError) {
        finalPath = path
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        guard !name.isEmpty else {
            throw .unwritableFile(path: path, reason: "the path names a folder, not a file")
        }
        // Same folder, so the final rename stays on one file system and is atomic.
        var template = Array("\(folder).\(name).partial-XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else {
            throw .unwritableFile(path: path, reason: systemError(errno))
        }
        self.descriptor = descriptor
        temporaryPath = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        // mkstemp creates the file private to its owner; give it the mode the file would have
        // had (an existing file's, or the usual rw-r--r--), and an existing file's
        // owner and group where this process may (as root, or a group it belongs to).
        var existing = stat()
        if stat(path, &existing) == 0 {
            _ = fchown(descriptor, existing.st_uid, existing.st_gid)
            fchmod(descriptor, existing.st_mode & 0o7777)
        } else {
            fchmod(descriptor, 0o644)
        }
    }

    /// Flushes the finished file to disk and moves it into place.
    func commit() throws(AudioError) {
        let synced = fsync(descriptor) == 0 ? 0 : errno
        closeDescriptor()
        if synced != 0 {
            throw .unwritableFile(path: finalPath, reason: systemError(synced))
        }
        guard rename(temporaryPath, finalPath) == 0 else {
            throw .unwritableFile(path: finalPath, reason: systemError(errno))
        }
    }

    /// Removes the temporary file after a failure.
    func discard() {
        closeDescriptor()
        unlink(temporaryPath)
    }

    private func closeDescriptor() {
        guard isOpen else { return }
        isOpen = false
        close(descriptor)
    }

    deinit { closeDescriptor() }
}
