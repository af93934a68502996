/// A named value's declared type (ValueInfoProto): graph inputs and outputs, and the shapes an
/// exporter recorded for intermediate values.
public struct ONNXValueInfo: Sendable, CustomStringConvertible {
    public let name: String
    /// nil when the value is not a plain tensor (a sequence, map or optional) or has no type.
    public let elementType: ONNXDataType?
    /// nil when the rank is unknown.
    public let shape: [ONNXDimension]?

    /// "tokens int64 [1, sequence_length]".
    public var description: String {
        let type = elementType.map { "\($0)" } ?? "untyped"
        let dims = shape.map { "[" + $0.map(\.description).joined(separator: ", ") + "]" } ?? "[?]"
        return "\(name) \(type) \(dims)"
    }
}

/// One dimension of a declared shape.
public enum ONNXDimension: Sendable, Hashable, CustomStringConvertible {
    case fixed(Int)
    /// A named free dimension such as "batch_size" or "sequence_length".
    case symbolic(String)
    case unknown

    public var description: String {
        switch self {
        case .fixed(let size): "\(size)"
        case .symbolic(let name): name
        case .unknown: "?"
        }
    }
}

extension ONNXValueInfo {
    static func parse(_ reader: ProtoReader, names: inout NameTable) throws(ProtoFailure) -> ONNXValueInfo {
        var reader = reader
        var name = ""
        var elementType: ONNXDataType?
        var shape: [ONNXDimension]?
        while let field = try reader.next() {
            switch field.number {
            case 1: name = names.string(try reader.payloadBytes(field, "value name"))
            case 2:
                var type = try reader.message(field, "value type")
                while let typeField = try type.next() {
                    // Only TypeProto.tensor_type (1) describes a plain tensor.
                    guard typeField.number == 1 else { continue }
                    var tensorType = try type.message(typeField, "tensor type")
                    while let part = try tensorType.next() {
                        if part.number == 1 {
                            try part.expect(.varint, "element type")
                            elementType = ONNXDataType(code: Int(Int32(truncatingIfNeeded: part.scalar)))
                        } else if part.number == 2 {
                            shape = try parseShape(try tensorType.message(part, "shape"))
                        }
                    }
                }
            default: break
            }
        }
        return ONNXValueInfo(name: name, elementType: elementType, shape: shape)
    }

    private static func parseShape(_ reader: ProtoReader) throws(ProtoFailure) -> [ONNXDimension] {
        var reader = reader
        var dims: [ONNXDimension] = []
        while let field = try reader.next() {
            guard field.number == 1 else { continue }
            var dimension = try reader.message(field, "dimension")
            var dim = ONNXDimension.unknown
            while let part = try dimension.next() {
                if part.number == 1 {
                    try part.expect(.varint, "dimension size")
                    dim = .fixed(part.int)
                } else if part.number == 2 {
                    dim = .symbolic(try dimension.string(part))
                }
            }
            dims.append(dim)
        }
        return dims
    }
}
