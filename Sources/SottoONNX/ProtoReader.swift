/// Why a protobuf message could not be read: the byte where reading stopped, what was wrong
/// there, and the chain of enclosing messages (outermost first) so a person can find it.
struct ProtoFailure: Error {
    var offset: Int
    var reason: String
    var context: [String] = []

    /// The same failure, seen from the message that contains it.
    func within(_ place: String) -> ProtoFailure {
        var copy = self
        copy.context.insert(place, at: 0)
        return copy
    }

    var summary: String {
        let place = context.isEmpty ? "" : " (in \(context.joined(separator: " > ")))"
        return "\(reason) at byte \(offset)\(place)"
    }
}

/// The protobuf wire types ONNX files use. Groups (3 and 4) were deprecated before ONNX existed,
/// so meeting one means the bytes are not a model.
enum WireType: UInt8 {
    case varint = 0
    case fixed64 = 1
    case lengthDelimited = 2
    case fixed32 = 5
}

/// One field of a message. Offsets are into the whole file, so a payload can be kept as a
/// range and read later without copying.
struct ProtoField {
    var number: Int
    var wireType: WireType
    /// Where the field's key starts, for error messages.
    var start: Int
    /// The value of varint and fixed-width fields.
    var scalar: UInt64
    /// The payload of length-delimited fields (empty for the others).
    var payload: Range<Int>

    var int: Int { Int(truncatingIfNeeded: scalar) }
    var int64: Int64 { Int64(bitPattern: scalar) }
    var float: Float { Float(bitPattern: UInt32(truncatingIfNeeded: scalar)) }
    var double: Double { Double(bitPattern: scalar) }

    func expect(_ type: WireType, _ what: String) throws(ProtoFailure) {
        guard wireType == type else {
            throw ProtoFailure(offset: start, reason: "\(what) (field \(number)) has wire type \(wireType.rawValue), expected \(type.rawValue)")
        }
    }
}

/// Walks the fields of one protobuf message inside a byte buffer. Every read is checked
/// against the message's end, so damaged input ends in a `ProtoFailure`, never a crash, and
/// every step consumes at least one byte, so it cannot loop forever.
struct ProtoReader {
    let bytes: UnsafeRawBufferPointer
    private(set) var position: Int
    let end: Int

    init(_ bytes: UnsafeRawBufferPointer, range: Range<Int>) {
        self.bytes = bytes
        position = range.lowerBound
        end = Swift.min(range.upperBound, bytes.count)
    }

    /// The next field, or nil at the end of the message.
    mutating func next() throws(ProtoFailure) -> ProtoField? {
        guard position < end else { return nil }
        let start = position
        let key = try varint()
        let number = key >> 3
        guard number > 0, number <= 0x1FFF_FFFF else {
            throw ProtoFailure(offset: start, reason: "bad field number \(number)")
        }
        guard let wireType = WireType(rawValue: UInt8(key & 7)) else {
            throw ProtoFailure(offset: start, reason: "unsupported wire type \(key & 7)")
        }
        var field = ProtoField(number: Int(number), wireType: wireType, start: start, scalar: 0, payload: position ..< position)
        switch wireType {
        case .varint:
            field.scalar = try varint()
        case .fixed64:
            field.scalar = try fixed(8)
        case .fixed32:
            field.scalar = try fixed(4)
        case .lengthDelimited:
            let lengthStart = position
            let length = try varint()
            guard length <= UInt64(end - position) else {
                throw ProtoFailure(offset: lengthStart, reason: "truncated: field \(number) needs \(length) bytes, only \(end - position) remain")
            }
            field.payload = position ..< position + Int(length)
            position += Int(length)
        }
        return field
    }

    mutating func varint() throws(ProtoFailure) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        let start = position
        while position < end {
            let byte = bytes[position]
            position += 1
            if shift == 63 && byte > 1 {
                throw ProtoFailure(offset: start, reason: "varint longer than 64 bits")
            }
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
            if shift > 63 { throw ProtoFailure(offset: start, reason: "varint longer than 10 bytes") }
        }
        throw ProtoFailure(offset: start, reason: "truncated varint")
    }

    private mutating func fixed(_ size: Int) throws(ProtoFailure) -> UInt64 {
        guard end - position >= size else {
            throw ProtoFailure(offset: position, reason: "truncated: \(size)-byte value needs \(size) bytes, \(end - position) remain")
        }
        var value: UInt64 = 0
        for index in 0 ..< size {
            value |= UInt64(bytes[position + index]) << (8 * UInt64(index))
        }
        position += size
        return value
    }

    /// Walks every field of the message (not into nested ones), so a message skipped on load
    /// is still known to be well-formed at its own level.
    func checkStructure() throws(ProtoFailure) {
        var copy = self
        while try copy.next() != nil {}
    }

    /// The UTF-8 text of a string or bytes field. Invalid sequences become U+FFFD rather than
    /// failing: names are for looking things up, and a damaged name is still reported.
    func string(_ field: ProtoField) throws(ProtoFailure) -> String {
        try field.expect(.lengthDelimited, "string")
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[field.payload]), as: UTF8.self)
    }

    /// The payload of a string or bytes field, as it lies in the buffer.
    func payloadBytes(_ field: ProtoField, _ what: String) throws(ProtoFailure) -> UnsafeRawBufferPointer {
        try field.expect(.lengthDelimited, what)
        return UnsafeRawBufferPointer(rebasing: bytes[field.payload])
    }

    /// A reader for the message held in a length-delimited field.
    func message(_ field: ProtoField, _ what: String) throws(ProtoFailure) -> ProtoReader {
        try field.expect(.lengthDelimited, what)
        return ProtoReader(bytes, range: field.payload)
    }

    /// Calls `body` with every value of a repeated varint field, whether it was written packed
    /// (one length-delimited run) or one value per field, as protobuf allows both.
    func forEachVarint(_ field: ProtoField, _ body: (UInt64) -> Void) throws(ProtoFailure) {
        switch field.wireType {
        case .varint:
            body(field.scalar)
        case .lengthDelimited:
            var packed = ProtoReader(bytes, range: field.payload)
            while packed.position < packed.end { body(try packed.varint()) }
        default:
            throw ProtoFailure(offset: field.start, reason: "integer list (field \(field.number)) has wire type \(field.wireType.rawValue)")
        }
    }

    /// Calls `body` with the bit patterns of a repeated fixed-width field (float: 4 bytes,
    /// double: 8), packed or not.
    func forEachFixed(_ field: ProtoField, width: Int, _ body: (UInt64) -> Void) throws(ProtoFailure) {
        let single: WireType = width == 4 ? .fixed32 : .fixed64
        if field.wireType == single {
            body(field.scalar)
            return
        }
        guard field.wireType == .lengthDelimited else {
            throw ProtoFailure(offset: field.start, reason: "number list (field \(field.number)) has wire type \(field.wireType.rawValue)")
        }
        guard field.payload.count % width == 0 else {
            throw ProtoFailure(offset: field.start, reason: "packed list of \(field.payload.count) bytes is not a whole number of \(width)-byte values")
        }
        var offset = field.payload.lowerBound
        while offset < field.payload.upperBound {
            var value: UInt64 = 0
            for index in 0 ..< width { value |= UInt64(bytes[offset + index]) << (8 * UInt64(index)) }
            body(value)
            offset += width
        }
    }
}
