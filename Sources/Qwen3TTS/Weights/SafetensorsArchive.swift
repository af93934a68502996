import Foundation
import SottoCore
import SottoKernels

/// A memory-mapped `.safetensors` file. Tensors are read one at a time and converted to the
/// precision a module needs; the file itself is never copied whole, and tables that are only
/// gathered from (the text embedding) are read in place.
public final class SafetensorsArchive: @unchecked Sendable {
    public let url: URL
    public let header: SafetensorsHeader
    private let file: MappedFile
    private let base: UnsafeRawPointer

    public init(_ url: URL, role: String) throws {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw SottoError("missing \(role) file \(url.path)")
        }
        self.url = url
        file = try MappedFile(url)
        header = try file.withBytes { try SafetensorsHeader($0, path: url.path) }
        // The mapping lives as long as `file`; Data keeps its mapped bytes at a fixed address.
        base = file.withBytes { UnsafeRawPointer($0.baseAddress!) }
    }

    public var mappedBytes: Int { file.count }

    public func contains(_ name: String) -> Bool { header.tensors[name] != nil }

    public func shape(_ name: String) throws -> [Int] { try entry(name).shape }

    func entry(_ name: String) throws -> SafetensorsHeader.Tensor {
        guard let tensor = header.tensors[name] else {
            throw SottoError("\(url.lastPathComponent) has no tensor \(name)",
                             hint: "the file does not match this model's config.json")
        }
        return tensor
    }

    /// The tensor's bytes in place, with its element type.
    func raw(_ name: String) throws -> (pointer: UnsafeRawPointer, type: ElementType, shape: [Int]) {
        let tensor = try entry(name)
        guard let type = ElementType(rawValue: tensor.dtype) else {
            throw SottoError("\(url.lastPathComponent): \(name) has unsupported type \(tensor.dtype)",
                             hint: "Sotto reads F32, F16 and BF16 weights")
        }
        return (base + header.dataOffset + tensor.range.lowerBound, type, tensor.shape)
    }

    /// The tensor as 32-bit floats, checking its shape when `shape` is given.
    public func floats(_ name: String, shape expected: [Int]? = nil) throws -> [Float] {
        let (pointer, type, shape) = try raw(name)
        if let expected, expected != shape {
            throw SottoError("\(url.lastPathComponent): \(name) has shape \(shape), config.json implies \(expected)",
                             hint: "the weights do not match this model's config.json")
        }
        let count = shape.reduce(1, *)
        ensureRoom(for: name, bytes: count * 4)
        defer { release(name) }
        return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            type.convert(pointer, count: count, into: buffer.baseAddress!)
            initialized = count
        }
    }

    /// The tensor's 16-bit values as stored (bf16 or f16), copied out of the file.
    func bits(_ name: String) throws -> [UInt16] {
        let (pointer, type, shape) = try raw(name)
        let count = shape.reduce(1, *)
        ensureRoom(for: name, bytes: count * 2)
        return type.bits(pointer, count: count)
    }

    /// Stops the process with one line naming the tensor when the address-space limit
    /// (`ulimit -v`) leaves no room for `bytes` more (see `MemoryShortage`): every copy out of
    /// the file is checked before it is allocated, since the arrays and tensors it fills trap or
    /// fail without saying which weight did not fit. `name` may list several tensors loaded as one.
    func ensureRoom(for name: String, bytes: Int) {
        MemoryShortage.ensureRoom(for: bytes, to: "load \(name) of \(url.lastPathComponent)")
    }

    /// Drops the file's pages of a tensor that has been copied out: they go back to the page
    /// cache instead of counting in this process's memory next to the converted copy (a 0.6B
    /// checkpoint quantised at load would otherwise keep ~1 GB of bf16 pages resident).
    func release(_ name: String) {
        guard let tensor = header.tensors[name] else { return }
        file.releasePages(header.dataOffset + tensor.range.lowerBound ..< header.dataOffset + tensor.range.upperBound)
    }

    /// Converts `count` elements starting at element `offset` of `name` into `destination`.
    func convert(_ name: String, elementOffset offset: Int, count: Int, into destination: UnsafeMutablePointer<Float>) throws {
        let (pointer, type, _) = try raw(name)
        type.convert(pointer + offset * type.width, count: count, into: destination)
    }

    /// Converts the tensor, checked against `shape`, into `destination` (shape.product floats).
    func convert(_ name: String, shape expected: [Int], into destination: UnsafeMutablePointer<Float>) throws {
        let (pointer, type, shape) = try raw(name)
        guard expected == shape else {
            throw SottoError("\(url.lastPathComponent): \(name) has shape \(shape), config.json implies \(expected)",
                             hint: "the weights do not match this model's config.json")
        }
        type.convert(pointer, count: shape.reduce(1, *), into: destination)
        release(name)
    }

    /// The tensor as a new float32 `Tensor`, checked against `shape`.
    func tensor(_ name: String, shape: [Int]) throws -> Tensor {
        ensureRoom(for: name, bytes: shape.reduce(1, *) * 4)
        let t = Tensor(zeros: Shape(shape))
        try convert(name, shape: shape, into: t.pointer)
        return t
    }

    enum ElementType: String {
        case f32 = "F32", f16 = "F16", bf16 = "BF16"

        var width: Int { self == .f32 ? 4 : 2 }

        func convert(_ source: UnsafeRawPointer, count: Int, into destination: UnsafeMutablePointer<Float>) {
            switch self {
            case .f32:
                // Tensors in safetensors files are not guaranteed to be 4-byte aligned.
                memcpy(destination, source, count * 4)
            case .bf16, .f16:
                let halves: (UnsafePointer<UInt16>) -> Void = { bits in
                    if self == .bf16 {
                        HalfPrecision.bfloat16ToFloat(bits, destination, count: count)
                    } else {
                        HalfPrecision.float16ToFloat(bits, destination, count: count)
                    }
                }
                if Int(bitPattern: source) % 2 == 0 {
                    halves(source.assumingMemoryBound(to: UInt16.self))
                } else {
                    let copy = [UInt16](unsafeUninitializedCapacity: count) { buffer, initialized in
                        memcpy(buffer.baseAddress!, source, count * 2)
                        initialized = count
                    }
                    copy.withUnsafeBufferPointer { halves($0.baseAddress!) }
                }
            }
        }

        /// The raw 16-bit values of a bf16 or f16 tensor.
        func bits(_ source: UnsafeRawPointer, count: Int) -> [UInt16] {
            precondition(width == 2)
            return [UInt16](unsafeUninitializedCapacity: count) { buffer, initialized in
                memcpy(buffer.baseAddress!, source, count * 2)
                initialized = count
            }
        }
    }
}
