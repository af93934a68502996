import Foundation

/// A read-only view of a whole file, memory-mapped so that large model files cost no copy and
/// only the pages actually read are loaded.
public final class MappedFile: @unchecked Sendable {
    public let url: URL
    public let data: Data

    public init(_ url: URL) throws {
        self.url = url
        do {
            data = try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw SottoError("cannot read \(url.path): \(SottoError.describe(error))")
        }
    }

    public var count: Int { data.count }

    /// Runs `body` with the file's bytes.
    public func withBytes<T>(_ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        try data.withUnsafeBytes(body)
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
