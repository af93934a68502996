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
        if let problem = walkFields(bytes, { fields.append($0) }) { return .failure(problem) }
        return .success(fields)
    }

    /// Hands each top-level field of `bytes` to `visit`, in order; returns where the structure
    /// breaks, or nil. Stores nothing itself, so checking a graph of thousands of fields
    /// allocates nothing (a memory limit may leave little room beside the mapped file).
    public static func walkFields(_ bytes: UnsafeRawBufferPointer, _ visit: (Field) -> Void) -> SottoError? {
        var offset = 0
        while offset < bytes.count {
            let start = offset
            guard let key = readVarint(bytes, &offset) else {
                return SottoError("damaged at byte \(start): bad field key")
            }
            let number = Int(key >> 3)
            let wireType = Int(key & 7)
            guard number > 0 else { return SottoError("damaged at byte \(start): field number 0") }
            let payloadStart: Int
            let length: Int
            switch wireType {
            case 0:
                guard readVarint(bytes, &offset) != nil else {
                    return SottoError("truncated at byte \(start) of \(bytes.count)")
                }
                visit(Field(number: number, wireType: 0, range: start ..< offset))
                continue
            case 1: payloadStart = offset; length = 8
            case 5: payloadStart = offset; length = 4
            case 2:
                guard let n = readVarint(bytes, &offset), n <= UInt64(Int.max) else {
                    return SottoError("truncated at byte \(start) of \(bytes.count)")
                }
                payloadStart = offset
                length = Int(n)
            default:
                return SottoError("damaged at byte \(start): wire type \(wireType)")
            }
            guard length <= bytes.count - payloadStart else {
                return SottoError("truncated: field \(number) needs \(length) bytes at byte \(payloadStart), the file has \(bytes.count)")
            }
            offset = payloadStart + length
            visit(Field(number: number, wireType: wireType, range: payloadStart ..< offset))
        }
        return nil
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
            var graph: Range<Int>?
            if let problem = walkFields(bytes, { if graph == nil, $0.number == 7, $0.wireType == 2 { graph = $0.range } }) {
                return .corrupt(problem.message)
            }
            guard let graph else { return .corrupt("not an ONNX model (no graph)") }
            if let problem = walkFields(UnsafeRawBufferPointer(rebasing: bytes[graph]), { _ in }) {
                return .corrupt("graph \(problem.message)")
            }
            return .ok
        }
    }
}
