import Foundation
import Glibc

/// A read-only view of a whole file, memory-mapped so that large model files cost no copy and
/// only the pages actually read are loaded. The mapping is made here (not left to `Data`), so
/// the bytes are known to be file-backed: ``releasePages(_:)`` may drop them at any time and a
/// later read simply faults them back in from the file.
public final class MappedFile: @unchecked Sendable {
    public let url: URL
    public let data: Data

    public init(_ url: URL) throws {
        self.url = url
        func failure(_ reason: String) -> SottoError { SottoError("cannot read \(url.path): \(reason)") }
        let descriptor = open(url.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure(String(cString: strerror(errno))) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw failure(String(cString: strerror(errno))) }
        guard info.st_mode & S_IFMT == S_IFREG else { throw failure("not a regular file") }
        let size = Int(info.st_size)
        guard size > 0 else {
            data = Data()
            return
        }
        guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), base != MAP_FAILED else {
            throw failure(String(cString: strerror(errno)))
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
