/// A tensor stored in an ONNX file (an initializer or a Constant's value). Only its name,
/// shape and type are decoded on load; the payload stays in the file until one of the
/// conversions in TensorConversion.swift reads it.
public struct ONNXTensor: Sendable {
    public let name: String
    public let dims: [Int]
    public let dataType: ONNXDataType
    /// The product of `dims` (1 for a scalar).
    public let elementCount: Int
    public let storage: Storage

    /// Where the payload lives. ONNX writers choose freely between `raw_data` and the typed
    /// repeated fields, so both must be read.
    public enum Storage: Sendable, Equatable {
        /// `raw_data`: little-endian elements; the range is into the file.
        case raw(Range<Int>)
        /// One of the typed repeated fields (float_data 4, int32_data 5, string_data 6,
        /// int64_data 7, double_data 10, uint64_data 11), which may be split over several
        /// field occurrences, so it is re-read from the message when converted.
        case typed(field: Int)
        /// Weights kept in a separate file next to the model.
        case external(location: String)
        /// A form Sotto does not read (named in the text).
        case unsupported(String)
        /// No payload at all, which is only right for a tensor with no elements.
        case none
    }

    let file: ONNXFileBytes
    /// The TensorProto's own bytes, for re-reading typed fields.
    let message: Range<Int>

    /// Bytes of payload held in the file (raw data or the typed field's encoding).
    public var payloadByteCount: Int {
        switch storage {
        case .raw(let range): return range.count
        case .typed(let number):
            return (try? file.withBytes { bytes -> Int in
                var reader = ProtoReader(bytes, range: message)
                var total = 0
                while let field = try reader.next() {
                    guard field.number == number else { continue }
                    switch field.wireType {
                    case .lengthDelimited: total += field.payload.count
                    case .fixed32: total += 4
                    case .fixed64: total += 8
                    case .varint: total += 1
                    }
                }
                return total
            }) ?? 0
        default: return 0
        }
    }

    /// The file this tensor was read from, for messages.
    public var fileLabel: String { file.label }
}

extension ONNXTensor {
    /// Reads a TensorProto; `makeName` lets the graph intern initializer names, which are also
    /// value names.
    static func parse(_ reader: ProtoReader, file: ONNXFileBytes,
                      makeName: (UnsafeRawBufferPointer) -> String = { String(decoding: $0, as: UTF8.self) }) throws(ProtoFailure) -> ONNXTensor {
        var reader = reader
        let message = reader.position ..< reader.end
        var name = ""
        var dims: [Int] = []
        var dataType = ONNXDataType.other(0)
        var raw: Range<Int>?
        var typedField: Int?
        var externalLocation: String?
        var isExternal = false
        var segmented = false
        while let field = try reader.next() {
            switch field.number {
            case 1:
                var bad = false
                try reader.forEachVarint(field) { value in
                    let dim = Int64(bitPattern: value)
                    if dim < 0 || dim > Int64(Int32.max) { bad = true }
                    dims.append(Int(truncatingIfNeeded: dim))
                }
                if bad { throw ProtoFailure(offset: field.start, reason: "tensor has a negative or huge dimension") }
            case 2:
                try field.expect(.varint, "tensor data type")
                dataType = ONNXDataType(code: Int(Int32(truncatingIfNeeded: field.scalar)))
            case 3:
                segmented = true
            case 4, 5, 6, 7, 10, 11:
                if typedField == nil { typedField = field.number }
            case 8:
                name = makeName(try reader.payloadBytes(field, "tensor name"))
            case 9:
                try field.expect(.lengthDelimited, "raw_data")
                raw = field.payload
            case 13:
                isExternal = true
                var entry = try reader.message(field, "external data entry")
                var key = "", value = ""
                while let part = try entry.next() {
                    if part.number == 1 { key = try entry.string(part) }
                    if part.number == 2 { value = try entry.string(part) }
                }
                if key == "location" { externalLocation = value }
            case 14:
                try field.expect(.varint, "data location")
                if field.scalar == 1 { isExternal = true }
            default:
                break
            }
        }
        var count = 1
        for dim in dims {
            let (product, overflow) = count.multipliedReportingOverflow(by: dim)
            guard !overflow, product <= Int(Int32.max) * 64 else {
                throw ProtoFailure(offset: message.lowerBound, reason: "tensor '\(name)' has an impossible shape \(dims)")
            }
            count = product
        }
        let storage: Storage
        if isExternal {
            storage = .external(location: externalLocation ?? "an unnamed file")
        } else if segmented {
            storage = .unsupported("a segmented tensor")
        } else if let raw {
            storage = .raw(raw)
        } else if let typedField {
            storage = .typed(field: typedField)
        } else {
            storage = .none
        }
        return ONNXTensor(name: name, dims: dims, dataType: dataType, elementCount: count,
                          storage: storage, file: file, message: message)
    }
}
