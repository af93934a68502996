import Foundation

/// An array read from NumPy's `.npy` format (one entry of an `.npz`), converted to Float.
public struct NumpyArray: Sendable {
    public var shape: [Int]
    public var values: [Float]

    public var count: Int { values.count }

    /// Parses `.npy` bytes. Little-endian float16/32/64 and int32/64 arrays in C order.
    public init(npy data: Data, name: String = "array") throws {
        func bad(_ why: String) -> SottoError { SottoError("\(name) is not a readable .npy array: \(why)") }
        let bytes = [UInt8](data.prefix(12))
        guard bytes.count >= 10, bytes[0] == 0x93, String(decoding: bytes[1 ..< 6], as: UTF8.self) == "NUMPY" else {
            throw bad("missing NUMPY magic")
        }
        let major = bytes[6]
        let headerLength: Int
        let headerStart: Int
        if major == 1 {
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        } else {
            guard bytes.count >= 12 else { throw bad("short header") }
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            headerStart = 12
        }
        guard data.count >= headerStart + headerLength else { throw bad("truncated header") }
        let header = String(decoding: data[data.startIndex + headerStart ..< data.startIndex + headerStart + headerLength], as: UTF8.self)
        guard let descr = Self.value(of: "descr", in: header) else { throw bad("no dtype") }
        if let fortran = Self.value(of: "fortran_order", in: header), fortran.hasPrefix("True") {
            throw bad("Fortran-ordered arrays are not supported")
        }
        guard let shapeText = Self.value(of: "shape", in: header),
              let open = shapeText.firstIndex(of: "("), let close = shapeText.firstIndex(of: ")") else {
            throw bad("no shape")
        }
        let shape = shapeText[shapeText.index(after: open) ..< close]
            .split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        let count = shape.reduce(1, *)
        let dtype = descr.trimmingCharacters(in: CharacterSet(charactersIn: "'\" "))
        let payload = data.dropFirst(headerStart + headerLength)
        let width: Int
        switch dtype {
        case "<f4", "|f4", "f4", "<i4": width = 4
        case "<f2", "f2": width = 2
        case "<f8", "f8", "<i8": width = 8
        default: throw bad("dtype \(dtype) is not supported")
        }
        guard payload.count >= count * width else {
            throw bad("holds \(payload.count) bytes of data, shape \(shape) needs \(count * width)")
        }
        var values = [Float](repeating: 0, count: count)
        payload.withUnsafeBytes { raw in
            for i in 0 ..< count {
                switch dtype {
                case "<f2", "f2": values[i] = Float(Float16(bitPattern: raw.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self)))
                case "<f8", "f8": values[i] = Float(raw.loadUnaligned(fromByteOffset: i * 8, as: Double.self))
                case "<i4": values[i] = Float(raw.loadUnaligned(fromByteOffset: i * 4, as: Int32.self))
                case "<i8": values[i] = Float(raw.loadUnaligned(fromByteOffset: i * 8, as: Int64.self))
                default: values[i] = raw.loadUnaligned(fromByteOffset: i * 4, as: Float.self)
                }
            }
        }
        self.shape = shape
        self.values = values
    }

    /// The text after `'key':` up to the next top-level comma (shape tuples kept whole).
    private static func value(of key: String, in header: String) -> String? {
        guard let range = header.range(of: "'\(key)':") else { return nil }
        var depth = 0
        var result = ""
        for ch in header[range.upperBound...] {
            if ch == "(" { depth += 1 }
            if ch == ")" { depth -= 1 }
            if (ch == "," && depth == 0) || ch == "}" { break }
            result.append(ch)
        }
        return result.trimmingCharacters(in: .whitespaces)
    }
}

extension ZipArchive {
    /// The arrays of a NumPy `.npz` archive, by name without the `.npy` suffix.
    public func numpyArrayNames() -> [String] {
        entries.map(\.name).filter { $0.hasSuffix(".npy") }.map { String($0.dropLast(4)) }
    }

    public func numpyArray(named name: String) throws -> NumpyArray {
        guard let entry = entry(named: name + ".npy") else {
            throw SottoError("\(file.url.lastPathComponent) has no array named \(name)")
        }
        return try NumpyArray(npy: contents(of: entry), name: "\(file.url.lastPathComponent)/\(name)")
    }
}
