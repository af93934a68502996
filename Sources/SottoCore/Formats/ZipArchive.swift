import CZlib
import Foundation

/// The entries of a zip archive, such as a NumPy `.npz` file (Kokoro voice packs).
/// Supports stored and deflated entries; zip64 archives (over 4 GB) are refused.
public struct ZipArchive: Sendable {
    public struct Entry: Sendable, Equatable {
        public var name: String
        public var method: UInt16
        public var compressedSize: Int
        public var uncompressedSize: Int
        public var crc32: UInt32
        var localHeaderOffset: Int
    }

    public let file: MappedFile
    public let entries: [Entry]

    public init(_ url: URL) throws {
        try self.init(file: MappedFile(url))
    }

    public init(file: MappedFile) throws {
        self.file = file
        self.entries = try file.withBytes { try Self.readDirectory($0, path: file.url.path) }
    }

    public func entry(named name: String) -> Entry? { entries.first { $0.name == name } }

    /// The uncompressed bytes of `entry`, checked against its CRC-32.
    public func contents(of entry: Entry) throws -> Data {
        let path = file.url.path
        return try file.withBytes { bytes -> Data in
            let header = ByteReader(bytes)
            guard header.u32(at: entry.localHeaderOffset) == 0x0403_4b50,
                  let nameLength = header.u16(at: entry.localHeaderOffset + 26),
                  let extraLength = header.u16(at: entry.localHeaderOffset + 28) else {
                throw SottoError("\(path) is damaged: bad local header for \(entry.name)")
            }
            let start = entry.localHeaderOffset + 30 + Int(nameLength) + Int(extraLength)
            guard start + entry.compressedSize <= bytes.count else {
                throw SottoError("\(path) is truncated: \(entry.name) runs past the end of the file")
            }
            let raw = UnsafeRawBufferPointer(rebasing: bytes[start ..< start + entry.compressedSize])
            let data: Data
            switch entry.method {
            case 0: data = Data(raw)
            case 8: data = try Self.inflate(raw, expected: entry.uncompressedSize, name: entry.name, path: path)
            default: throw SottoError("\(path): \(entry.name) uses zip method \(entry.method), which sotto cannot read")
            }
            let crc = data.withUnsafeBytes { p in
                UInt32(CZlib.crc32(0, p.bindMemory(to: Bytef.self).baseAddress, uInt(p.count)))
            }
            guard crc == entry.crc32 else { throw SottoError("\(path) is damaged: checksum mismatch in \(entry.name)") }
            return data
        }
    }

    private static func readDirectory(_ bytes: UnsafeRawBufferPointer, path: String) throws -> [Entry] {
        let reader = ByteReader(bytes)
        // The end-of-central-directory record is in the last 22 + 65535 bytes.
        let earliest = max(0, bytes.count - 22 - 65535)
        var eocd = -1
        var position = bytes.count - 22
        while position >= earliest {
            if reader.u32(at: position) == 0x0605_4b50 { eocd = position; break }
            position -= 1
        }
        guard eocd >= 0 else { throw SottoError("\(path) is not a zip archive or is truncated (no end record)") }
        guard let count = reader.u16(at: eocd + 10), let size = reader.u32(at: eocd + 12),
              let offset = reader.u32(at: eocd + 16) else {
            throw SottoError("\(path) is damaged: short end record")
        }
        if count == 0xFFFF || offset == 0xFFFF_FFFF {
            throw SottoError("\(path) is a zip64 archive, which sotto cannot read")
        }
        guard Int(offset) + Int(size) <= eocd else { throw SottoError("\(path) is truncated or damaged (central directory)") }
        var entries: [Entry] = []
        var cursor = Int(offset)
        for _ in 0 ..< Int(count) {
            guard reader.u32(at: cursor) == 0x0201_4b50,
                  let method = reader.u16(at: cursor + 10),
                  let crc = reader.u32(at: cursor + 16),
                  let compressed = reader.u32(at: cursor + 20),
                  let uncompressed = reader.u32(at: cursor + 24),
                  let nameLength = reader.u16(at: cursor + 28),
                  let extraLength = reader.u16(at: cursor + 30),
                  let commentLength = reader.u16(at: cursor + 32),
                  let localOffset = reader.u32(at: cursor + 42),
                  cursor + 46 + Int(nameLength) <= bytes.count else {
                throw SottoError("\(path) is damaged: bad central directory entry")
            }
            let nameBytes = UnsafeRawBufferPointer(rebasing: bytes[cursor + 46 ..< cursor + 46 + Int(nameLength)])
            let name = String(decoding: nameBytes, as: UTF8.self)
            guard Int(localOffset) + 30 + Int(compressed) <= bytes.count else {
                throw SottoError("\(path) is truncated: \(name) runs past the end of the file")
            }
            entries.append(Entry(name: name, method: method, compressedSize: Int(compressed),
                                 uncompressedSize: Int(uncompressed), crc32: crc, localHeaderOffset: Int(localOffset)))
            cursor += 46 + Int(nameLength) + Int(extraLength) + Int(commentLength)
        }
        return entries
    }

    private static func inflate(_ input: UnsafeRawBufferPointer, expected: Int, name: String, path: String) throws -> Data {
        var output = Data(count: expected)
        var stream = z_stream()
        // Raw deflate (negative window bits): zip entries carry no zlib header.
        guard inflateInit2_(&stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw SottoError("cannot start decompression for \(name) in \(path)")
        }
        defer { inflateEnd(&stream) }
        let status: Int32 = output.withUnsafeMutableBytes { out in
            stream.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: Bytef.self).baseAddress)
            stream.avail_in = uInt(input.count)
            stream.next_out = out.bindMemory(to: Bytef.self).baseAddress
            stream.avail_out = uInt(out.count)
            return CZlib.inflate(&stream, Z_FINISH)
        }
        guard status == Z_STREAM_END, Int(stream.total_out) == expected else {
            throw SottoError("\(path) is damaged: cannot decompress \(name)")
        }
        return output
    }
}
