/// The element type of an ONNX tensor (TensorProto.DataType). Unknown codes are kept, so a
/// model using a type Sotto does not convert still loads and names the type in its errors.
public enum ONNXDataType: Hashable, Sendable, CustomStringConvertible {
    case float32, uint8, int8, uint16, int16, int32, int64, string, bool
    case float16, double, uint32, uint64, complex64, complex128, bfloat16
    case other(Int)

    public init(code: Int) {
        switch code {
        case 1: self = .float32
        case 2: self = .uint8
        case 3: self = .int8
        case 4: self = .uint16
        case 5: self = .int16
        case 6: self = .int32
        case 7: self = .int64
        case 8: self = .string
        case 9: self = .bool
        case 10: self = .float16
        case 11: self = .double
        case 12: self = .uint32
        case 13: self = .uint64
        case 14: self = .complex64
        case 15: self = .complex128
        case 16: self = .bfloat16
        default: self = .other(code)
        }
    }

    public var code: Int {
        switch self {
        case .float32: 1
        case .uint8: 2
        case .int8: 3
        case .uint16: 4
        case .int16: 5
        case .int32: 6
        case .int64: 7
        case .string: 8
        case .bool: 9
        case .float16: 10
        case .double: 11
        case .uint32: 12
        case .uint64: 13
        case .complex64: 14
        case .complex128: 15
        case .bfloat16: 16
        case .other(let code): code
        }
    }

    /// Bytes per element in `raw_data`; nil for strings and for types packed below a byte or
    /// unknown to Sotto.
    public var byteWidth: Int? {
        switch self {
        case .uint8, .int8, .bool: 1
        case .uint16, .int16, .float16, .bfloat16: 2
        case .float32, .int32, .uint32: 4
        case .int64, .uint64, .double, .complex64: 8
        case .complex128: 16
        case .string, .other: nil
        }
    }

    /// The name numpy and onnxruntime print for the type.
    public var description: String {
        switch self {
        case .float32: "float32"
        case .uint8: "uint8"
        case .int8: "int8"
        case .uint16: "uint16"
        case .int16: "int16"
        case .int32: "int32"
        case .int64: "int64"
        case .string: "string"
        case .bool: "bool"
        case .float16: "float16"
        case .double: "float64"
        case .uint32: "uint32"
        case .uint64: "uint64"
        case .complex64: "complex64"
        case .complex128: "complex128"
        case .bfloat16: "bfloat16"
        case .other(let code): "type \(code)"
        }
    }
}
