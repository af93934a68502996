import Foundation
import SottoCore
import SottoKernels

#if _endian(big)
#error("ONNX raw_data is little-endian; the copies below assume a little-endian host")
#endif

extension ONNXTensor {
    /// The elements as Float, converting any numeric type: float16, bfloat16 and double are
    /// rounded to the nearest Float, integers become numbers (no dequantisation), bools 0 or 1.
    public func floats() throws -> [Float] {
        ensureRoom(resultWidth: 4, direct: dataType == .float32)
        switch try payload() {
        case .raw(let range):
            switch dataType {
            case .float32: return try rawElements(range, as: Float.self)
            case .float16: return try rawElements(range, as: UInt16.self).map(Self.float16)
            case .bfloat16: return try rawElements(range, as: UInt16.self).map(Self.bfloat16)
            case .double: return try rawElements(range, as: Double.self).map { Float($0) }
            case .int8: return try rawElements(range, as: Int8.self).map { Float($0) }
            case .uint8, .bool: return try rawElements(range, as: UInt8.self).map { Float($0) }
            case .int16: return try rawElements(range, as: Int16.self).map { Float($0) }
            case .uint16: return try rawElements(range, as: UInt16.self).map { Float($0) }
            case .int32: return try rawElements(range, as: Int32.self).map { Float($0) }
            case .uint32: return try rawElements(range, as: UInt32.self).map { Float($0) }
            case .int64: return try rawElements(range, as: Int64.self).map { Float($0) }
            case .uint64: return try rawElements(range, as: UInt64.self).map { Float($0) }
            default: throw notConvertible("Float")
            }
        case .typed(let field):
            switch (field, dataType) {
            case (4, .float32):
                return try typedValues(field, width: 4) { Float(bitPattern: UInt32(truncatingIfNeeded: $0)) }
            case (10, .double):
                return try typedValues(field, width: 8) { Float(Double(bitPattern: $0)) }
            case (7, .int64):
                return try typedValues(field) { Float(Int64(bitPattern: $0)) }
            case (11, .uint32), (11, .uint64):
                return try typedValues(field) { Float($0) }
            case (5, .float16):
                return try typedValues(field) { Self.float16(UInt16(truncatingIfNeeded: $0)) }
            case (5, .bfloat16):
                return try typedValues(field) { Self.bfloat16(UInt16(truncatingIfNeeded: $0)) }
            case (5, .int8), (5, .int16), (5, .int32):
                return try typedValues(field) { Float(Int32(truncatingIfNeeded: $0)) }
            case (5, .uint8), (5, .uint16), (5, .bool):
                return try typedValues(field) { Float(UInt32(truncatingIfNeeded: $0)) }
            default:
                throw mismatchedField(field)
            }
        }
    }

    /// The elements of an int8 tensor, exactly as stored.
    public func int8s() throws -> [Int8] {
        try requireType(.int8)
        ensureRoom(resultWidth: 1, direct: true)
        switch try payload() {
        case .raw(let range): return try rawElements(range, as: Int8.self)
        case .typed(let field):
            guard field == 5 else { throw mismatchedField(field) }
            return try typedValues(field) { Int8(truncatingIfNeeded: Int64(bitPattern: $0)) }
        }
    }

    /// The elements of a uint8 tensor, exactly as stored.
    public func uint8s() throws -> [UInt8] {
        try requireType(.uint8)
        ensureRoom(resultWidth: 1, direct: true)
        switch try payload() {
        case .raw(let range): return try rawElements(range, as: UInt8.self)
        case .typed(let field):
            guard field == 5 else { throw mismatchedField(field) }
            return try typedValues(field) { UInt8(truncatingIfNeeded: $0) }
        }
    }

    /// The elements of an int32 tensor, exactly as stored.
    public func int32s() throws -> [Int32] {
        try requireType(.int32)
        ensureRoom(resultWidth: 4, direct: true)
        switch try payload() {
        case .raw(let range): return try rawElements(range, as: Int32.self)
        case .typed(let field):
            guard field == 5 else { throw mismatchedField(field) }
            return try typedValues(field) { Int32(truncatingIfNeeded: $0) }
        }
    }

    /// The elements of any integer or bool tensor widened to Int64 (shapes, axes, indices and
    /// zero points come in several integer types). A uint64 beyond Int64 is an error.
    public func int64s() throws -> [Int64] {
        ensureRoom(resultWidth: 8, direct: dataType == .int64)
        switch try payload() {
        case .raw(let range):
            switch dataType {
            case .int64: return try rawElements(range, as: Int64.self)
            case .int32: return try rawElements(range, as: Int32.self).map { Int64($0) }
            case .int16: return try rawElements(range, as: Int16.self).map { Int64($0) }
            case .int8: return try rawElements(range, as: Int8.self).map { Int64($0) }
            case .uint8, .bool: return try rawElements(range, as: UInt8.self).map { Int64($0) }
            case .uint16: return try rawElements(range, as: UInt16.self).map { Int64($0) }
            case .uint32: return try rawElements(range, as: UInt32.self).map { Int64($0) }
            case .uint64:
                let values = try rawElements(range, as: UInt64.self)
                guard values.allSatisfy({ $0 <= UInt64(Int64.max) }) else { throw file.error("tensor '\(name)' holds a uint64 too large for Int64") }
                return values.map { Int64($0) }
            default: throw notConvertible("Int64")
            }
        case .typed(let field):
            switch (field, dataType) {
            case (7, .int64):
                return try typedValues(field) { Int64(bitPattern: $0) }
            case (5, .int8), (5, .int16), (5, .int32):
                return try typedValues(field) { Int64(Int32(truncatingIfNeeded: $0)) }
            case (5, .uint8), (5, .uint16), (5, .bool):
                return try typedValues(field) { Int64(UInt32(truncatingIfNeeded: $0)) }
            case (11, .uint32), (11, .uint64):
                let values = try typedValues(field) { $0 }
                guard values.allSatisfy({ $0 <= UInt64(Int64.max) }) else { throw file.error("tensor '\(name)' holds a uint64 too large for Int64") }
                return values.map { Int64($0) }
            default:
                throw mismatchedField(field)
            }
        }
    }

    /// The single value of a one-element tensor (a scalar or shape [1]) as Float.
    public func scalarFloat() throws -> Float {
        try requireSingleElement()
        return try floats()[0]
    }

    /// The single value of a one-element integer tensor.
    public func scalarInt() throws -> Int64 {
        try requireSingleElement()
        return try int64s()[0]
    }

    /// Runs `body` on the tensor's raw_data as it lies in the file, without copying. Tensors
    /// written with typed fields have no such bytes; convert those with `floats()` and friends.
    /// Callers read the bytes to keep them in a form of their own, so room for one copy of them
    /// is checked first (see ``ensureRoom(forBytes:)``).
    public func withRawBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        guard case .raw(let range) = try payload() else {
            throw file.error("tensor '\(name)' is stored in typed fields, not raw bytes", hint: "convert it with floats() or int64s()")
        }
        try checkRawSize(range)
        ensureRoom(forBytes: range.count)
        return try file.withBytes { bytes in try body(UnsafeRawBufferPointer(rebasing: bytes[range])) }
    }

    /// Stops the process with one line naming this tensor and its file when the address-space
    /// limit (`ulimit -v`) leaves no room for `bytes` more (see ``MemoryShortage``). Every
    /// conversion checks before it allocates: the arrays it fills trap when memory is out, where
    /// this reports which weight did not fit.
    public func ensureRoom(forBytes bytes: Int) {
        MemoryShortage.ensureRoom(for: bytes, to: "load \(name) of \(file.label)")
    }

    /// The room a conversion to `resultWidth`-byte elements holds at once: the result, plus the
    /// elements read out of the file first when they are converted (`direct` when they are not),
    /// or the typed field's 64-bit values.
    private func ensureRoom(resultWidth: Int, direct: Bool) {
        let read: Int
        switch storage {
        case .raw: read = direct ? 0 : dataType.byteWidth ?? 8
        case .typed: read = 8
        default: read = 0
        }
        ensureRoom(forBytes: elementCount * (resultWidth + read))
    }

    // MARK: - Reading the payload

    private enum Payload {
        case raw(Range<Int>)
        case typed(Int)
    }

    private func payload() throws -> Payload {
        switch storage {
        case .raw(let range): return .raw(range)
        case .typed(let field): return .typed(field)
        case .external(let location):
            throw file.error("tensor '\(name)' keeps its data in an external file (\(location)), which Sotto does not read",
                             hint: "use a model exported as a single .onnx file")
        case .unsupported(let form):
            throw file.error("tensor '\(name)' is stored as \(form), which Sotto does not read")
        case .none:
            if elementCount == 0 { return .raw(0 ..< 0) }
            throw file.error("tensor '\(name)' has shape \(dims) but no data")
        }
    }

    private func checkRawSize(_ range: Range<Int>) throws {
        guard let width = dataType.byteWidth else { throw notConvertible("numbers") }
        guard range.count == elementCount * width else {
            throw file.error("tensor '\(name)' holds \(range.count) bytes, but \(dataType) of shape \(dims) needs \(elementCount * width)")
        }
    }

    private func rawElements<T: BitwiseCopyable>(_ range: Range<Int>, as _: T.Type) throws -> [T] {
        try checkRawSize(range)
        guard MemoryLayout<T>.size == dataType.byteWidth else { throw notConvertible("\(T.self)") }
        return file.withBytes { bytes in
            [T](unsafeUninitializedCapacity: elementCount) { buffer, initialized in
                if elementCount > 0 {
                    // raw_data is not aligned in the file, so copy bytes rather than load elements.
                    UnsafeMutableRawPointer(buffer.baseAddress!).copyMemory(from: bytes.baseAddress! + range.lowerBound, byteCount: range.count)
                }
                initialized = elementCount
            }
        }
    }

    /// Decodes a typed repeated field: fixed-width ones (float, double) by `width`, the varint
    /// ones otherwise. The count must match the shape.
    private func typedValues<T>(_ field: Int, width: Int? = nil, _ convert: (UInt64) -> T) throws -> [T] {
        try typedBits(field, width: width).map(convert)
    }

    private func typedBits(_ field: Int, width: Int?) throws -> [UInt64] {
        let limit = elementCount
        let decoded: Result<[UInt64], ProtoFailure> = file.withBytes { bytes in
            var values: [UInt64] = []
            values.reserveCapacity(limit)
            var reader = ProtoReader(bytes, range: message)
            do throws(ProtoFailure) {
                while let entry = try reader.next(), values.count <= limit {
                    guard entry.number == field else { continue }
                    if let width {
                        try reader.forEachFixed(entry, width: width) { values.append($0) }
                    } else {
                        try reader.forEachVarint(entry) { values.append($0) }
                    }
                }
            } catch {
                return .failure(error)
            }
            return .success(values)
        }
        let values: [UInt64]
        switch decoded {
        case .success(let found): values = found
        case .failure(let failure): throw file.error("tensor '\(name)' is damaged: \(failure.summary)")
        }
        guard values.count == elementCount else {
            throw file.error("tensor '\(name)' holds \(values.count) values, but its shape \(dims) needs \(elementCount)")
        }
        return values
    }

    private func requireType(_ expected: ONNXDataType) throws {
        guard dataType == expected else {
            throw file.error("tensor '\(name)' is \(dataType), expected \(expected)")
        }
    }

    private func requireSingleElement() throws {
        guard elementCount == 1 else {
            throw file.error("tensor '\(name)' has shape \(dims), expected a single value")
        }
    }

    private func notConvertible(_ target: String) -> SottoError {
        file.error("tensor '\(name)' of type \(dataType) cannot be read as \(target)")
    }

    private func mismatchedField(_ field: Int) -> SottoError {
        file.error("tensor '\(name)' of type \(dataType) stores its values in field \(field), which does not hold that type")
    }

    static func float16(_ bits: UInt16) -> Float {
        Float(Float16(bitPattern: bits))
    }

    static func bfloat16(_ bits: UInt16) -> Float {
        Float(bitPattern: UInt32(bits) << 16)
    }
}
