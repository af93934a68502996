import Foundation
import Glibc

/// A file that could not be opened or mapped, with the system's reason (`errno`), so that callers
/// can tell a permission problem or a memory limit from a damaged file.
public struct FileReadError: Error, CustomStringConvertible, Sendable {
    public let url: URL
    public let code: Int32
    /// The file's size when it is known (mapping it ran out of memory).
    public let size: Int?

    public init(url: URL, code: Int32, size: Int? = nil) {
        self.url = url
        self.code = code
        self.size = size
    }

    /// Whether the system ran out of memory (or address space under a limit) reading the file.
    public var isOutOfMemory: Bool { code == ENOMEM }

    /// "Permission denied", "Is a directory", ...
    public var reason: String { String(cString: strerror(code)) }

    public var description: String {
        if isOutOfMemory {
            let amount = size.map { " (\(ByteCountFormatter.string(fromByteCount: Int64($0), countStyle: .binary)))" } ?? ""
            return "not enough memory to read \(url.path)\(amount): the file is not damaged, the memory limit is too low"
        }
        return "cannot read \(url.path): \(reason)"
    }
}

/// A read-only view of a whole file, memory-mapped so that large model files cost no copy and
/// only the pages actually read are loaded. The mapping is made here (not left to `Data`), so
/// the bytes are known to be file-backed: ``releasePages(_:)`` may drop them at any time and a
/// later read simply faults them back in from the file.
public final class MappedFile: @unchecked Sendable {
    public let url: URL
    public let data: Data

    /// Maps `url`; failures are `SottoError`s naming the file and the reason.
    public convenience init(_ url: URL) throws {
        do {
            try self.init(opening: url)
        } catch let error as FileReadError {
            throw SottoError(error.description)
        }
    }

    /// Maps `url`; a file the system would not open or map throws a `FileReadError` with its
    /// `errno`, so that checks can tell permissions or memory from damage.
    public init(opening url: URL) throws {
        self.url = url
        let descriptor = open(url.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileReadError(url: url, code: errno) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw FileReadError(url: url, code: errno) }
        if info.st_mode & S_IFMT == S_IFDIR { throw FileReadError(url: url, code: EISDIR) }
        guard info.st_mode & S_IFMT == S_IFREG else { throw SottoError("cannot read \(url.path): not a regular file") }
        let size = Int(info.st_size)
        guard size > 0 else {
            data = Data()
            return
        }
        guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), base != MAP_FAILED else {
            throw FileReadError(url: url, code: errno, size: size)
        }
        data = Data(bytesNoCopy: base, count: size, deallocator: .custom { pointer, count in _ = munmap(pointer, count) })
    }

    public var count: Int { data.count }

    /// Runs `body` with the file's bytes.
    public func withBytes<T>(_ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        try data.withUnsafeBytes(body)
    }

    /// Drops the whole pages inside `range` (byte offsets) from this process's memory: after a
    /// loader has converted those bytes, they need not count next to the converted copy. They
    /// stay in the page cache, and reading them again is correct, only slower.
    public func releasePages(_ range: Range<Int>) {
        guard !range.isEmpty, range.upperBound <= count else { return }
        let page = max(1, sysconf(Int32(_SC_PAGESIZE)))
        withBytes { bytes in
            let start = Int(bitPattern: bytes.baseAddress!) + range.lowerBound
            let first = (start + page - 1) / page * page, end = (start + range.count) / page * page
            if end > first { _ = madvise(UnsafeMutableRawPointer(bitPattern: first), end - first, MADV_DONTNEED) }
        }
    }
}

/// Reads little-endian integers from a byte buffer, refusing to read past its end.
struct ByteReader {
    let bytes: UnsafeRawBufferPointer
    var offset: Int

    init(_ bytes: UnsafeRawBufferPointer, offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    var remaining: Int { bytes.count - offset }

    mutating func u16() -> UInt16? { fixed(UInt16.self) }
    mutating func u32() -> UInt32? { fixed(UInt32.self) }
    mutating func u64() -> UInt64? { fixed(UInt64.self) }

    private mutating func fixed<T: FixedWidthInteger>(_: T.Type) -> T? {
        let size = MemoryLayout<T>.size
        guard offset >= 0, remaining >= size else { return nil }
        let value = bytes.loadUnaligned(fromByteOffset: offset, as: T.self)
        offset += size
        return T(littleEndian: value)
    }

    func u16(at position: Int) -> UInt16? { var r = ByteReader(bytes, offset: position); return r.u16() }
    func u32(at position: Int) -> UInt32? { var r = ByteReader(bytes, offset: position); return r.u32() }
}
