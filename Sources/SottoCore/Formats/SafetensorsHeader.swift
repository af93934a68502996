import Foundation

/// The header of a `.safetensors` file: tensor names, dtypes, shapes and byte ranges.
public struct SafetensorsHeader: Sendable {
    public struct Tensor: Sendable, Equatable {
        public var name: String
        public var dtype: String
        public var shape: [Int]
        /// Byte range within the data section (which starts at `dataOffset`).
        public var range: Range<Int>
    }

    public var tensors: [String: Tensor]
    public var metadata: [String: String]
    /// Offset of the data section from the start of the file.
    public var dataOffset: Int

    /// Parses and checks the header: every tensor's bytes must lie inside the file and match
    /// its dtype and shape.
    public init(_ bytes: UnsafeRawBufferPointer, path: String) throws {
        var reader = ByteReader(bytes)
        guard let length = reader.u64(), length < UInt64(bytes.count), Int(length) + 8 <= bytes.count else {
            throw SottoError("\(path) is not a safetensors file or is truncated (bad header length)")
        }
        let json = Data(UnsafeRawBufferPointer(rebasing: bytes[8 ..< 8 + Int(length)]))
        guard let object = try? JSONSerialization.jsonObject(with: json) as? [String: Any] else {
            throw SottoError("\(path) is damaged: its header is not JSON")
        }
        dataOffset = 8 + Int(length)
        let dataCount = bytes.count - dataOffset
        var tensors: [String: Tensor] = [:]
        var metadata: [String: String] = [:]
        for (name, value) in object {
            if name == "__metadata__" {
                metadata = (value as? [String: String]) ?? [:]
                continue
            }
            guard let entry = value as? [String: Any], let dtype = entry["dtype"] as? String,
                  let shape = entry["shape"] as? [Int], let offsets = entry["data_offsets"] as? [Int],
                  offsets.count == 2, offsets[0] <= offsets[1] else {
                throw SottoError("\(path) is damaged: bad header entry for \(name)")
            }
            guard offsets[1] <= dataCount else {
                throw SottoError("\(path) is truncated: \(name) ends at byte \(offsets[1]) of \(dataCount)")
            }
            if let width = Self.width(of: dtype), offsets[1] - offsets[0] != shape.reduce(1, *) * width {
                throw SottoError("\(path) is damaged: \(name) has \(offsets[1] - offsets[0]) bytes for shape \(shape) \(dtype)")
            }
            tensors[name] = Tensor(name: name, dtype: dtype, shape: shape, range: offsets[0] ..< offsets[1])
        }
        self.tensors = tensors
        self.metadata = metadata
    }

    public static func width(of dtype: String) -> Int? {
        switch dtype {
        case "F64", "I64", "U64": return 8
        case "F32", "I32", "U32": return 4
        case "F16", "BF16", "I16", "U16": return 2
        case "I8", "U8", "BOOL", "F8_E4M3", "F8_E5M2": return 1
        default: return nil
        }
    }

    public static func check(_ url: URL) -> FileStatus {
        do {
            let file = try MappedFile(opening: url)
            _ = try file.withBytes { try SafetensorsHeader($0, path: url.lastPathComponent) }
            return .ok
        } catch {
            return .failure(error)
        }
    }
}
