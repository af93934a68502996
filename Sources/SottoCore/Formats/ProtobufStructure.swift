import Foundation

/// A cheap structural check of a protobuf file such as an ONNX model: walks the top-level
/// fields without decoding them, so a truncated or overwritten file is caught in microseconds
/// instead of failing halfway through loading weights.
public enum ProtobufStructure {
    public struct Field: Equatable, Sendable {
        public var number: Int
        public var wireType: Int
        /// Byte range of the payload (for length-delimited fields, the bytes after the length).
        public var range: Range<Int>
    }

    /// The top-level fields of `bytes`, or a description of where the structure breaks.
    public static func topLevelFields(_ bytes: UnsafeRawBufferPointer) -> Result<[Field], SottoError> {
        var fields: [Field] = []
        var offset = 0
        while offset < bytes.count {
            let start = offset
            guard let key = readVarint(bytes, &offset) else {
                return .failure(SottoError("damaged at byte \(start): bad field key"))
            }
            let number = Int(key >> 3)
            let wireType = Int(key & 7)
            guard number > 0 else { return .failure(SottoError("damaged at byte \(start): field number 0")) }
            let payloadStart: Int
            let length: Int
            switch wireType {
            case 0:
                guard readVarint(bytes, &offset) != nil else {
                    return .failure(SottoError("truncated at byte \(start) of \(bytes.count)"))
                }
                fields.append(Field(number: number, wireType: 0, range: start ..< offset))
                continue
            case 1: payloadStart = offset; length = 8
            case 5: payloadStart = offset; length = 4
            case 2:
                guard let n = readVarint(bytes, &offset), n <= UInt64(Int.max) else {
                    return .failure(SottoError("truncated at byte \(start) of \(bytes.count)"))
                }
                payloadStart = offset
                length = Int(n)
            default:
                return .failure(SottoError("damaged at byte \(start): wire type \(wireType)"))
            }
            guard length <= bytes.count - payloadStart else {
                return .failure(SottoError("truncated: field \(number) needs \(length) bytes at byte \(payloadStart), the file has \(bytes.count)"))
            }
            offset = payloadStart + length
            fields.append(Field(number: number, wireType: wireType, range: payloadStart ..< offset))
        }
        return .success(fields)
    }

    static func readVarint(_ bytes: UnsafeRawBufferPointer, _ offset: inout Int) -> UInt64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while offset < bytes.count, shift < 64 {
            let byte = bytes[offset]
            offset += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
        return nil
    }

    /// Checks that `url` is a complete ONNX model: its top level parses and holds a graph
    /// (ModelProto field 7) whose own fields parse too.
    public static func checkONNX(_ url: URL) -> FileStatus {
        let file: MappedFile
        do { file = try MappedFile(opening: url) } catch { return .failure(error) }
        guard file.count > 0 else { return .corrupt("empty file") }
        return file.withBytes { bytes in
            switch topLevelFields(bytes) {
            case .failure(let error): return .corrupt(error.message)
            case .success(let fields):
                guard let graph = fields.first(where: { $0.number == 7 && $0.wireType == 2 }) else {
                    return .corrupt("not an ONNX model (no graph)")
                }
                let inner = UnsafeRawBufferPointer(rebasing: bytes[graph.range])
                if case .failure(let error) = topLevelFields(inner) { return .corrupt("graph \(error.message)") }
                return .ok
            }
        }
    }
}
