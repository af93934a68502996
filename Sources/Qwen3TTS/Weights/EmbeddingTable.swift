import Foundation
import SottoCore
import SottoKernels

/// A lookup table of rows. Tables that are only gathered from are never multiplied, so they stay
/// in the checkpoint's own precision: bf16 tables keep their bits (lossless) and the big text
/// embedding is read in place from the mapped file.
final class EmbeddingTable: @unchecked Sendable {
    let rows: Int
    let width: Int
    private let storage: Storage

    private enum Storage {
        case fp32([Float])
        case bf16([UInt16])
        case mapped(SafetensorsArchive, String)
    }

    /// Copies the table, keeping bf16 sources as bf16.
    init(_ archive: SafetensorsArchive, name: String, rows: Int, width: Int) throws {
        self.rows = rows
        self.width = width
        let raw = try archive.raw(name)
        guard raw.shape == [rows, width] else {
            throw SottoError("\(archive.url.lastPathComponent): \(name) has shape \(raw.shape), config.json implies \([rows, width])",
                             hint: "the weights do not match this model's config.json")
        }
        if raw.type == .bf16 {
            storage = .bf16(try archive.bits(name))
        } else {
            storage = .fp32(try archive.floats(name))
        }
    }

    /// Reads rows from the mapped file on demand.
    init(mapped archive: SafetensorsArchive, name: String, rows: Int, width: Int) throws {
        let shape = try archive.shape(name)
        guard shape == [rows, width] else {
            throw SottoError("\(archive.url.lastPathComponent): \(name) has shape \(shape), config.json implies \([rows, width])",
                             hint: "the weights do not match this model's config.json")
        }
        _ = try archive.raw(name)  // checks the element type now rather than at the first lookup
        self.rows = rows
        self.width = width
        storage = .mapped(archive, name)
    }

    var residentBytes: Int {
        switch storage {
        case .fp32(let v): return v.count * 4
        case .bf16(let v): return v.count * 2
        case .mapped: return 0
        }
    }

    /// Writes row `index` into `destination` (adding to it when `accumulate`).
    func gather(_ index: Int, into destination: UnsafeMutablePointer<Float>, accumulate: Bool = false) {
        precondition(index >= 0 && index < rows, "embedding index \(index) outside 0..<\(rows)")
        withUnsafeTemporaryAllocation(of: Float.self, capacity: width) { row in
            let out = accumulate ? row.baseAddress! : destination
            switch storage {
            case .fp32(let table):
                table.withUnsafeBufferPointer { out.update(from: $0.baseAddress! + index * width, count: width) }
            case .bf16(let table):
                table.withUnsafeBufferPointer { HalfPrecision.bfloat16ToFloat($0.baseAddress! + index * width, out, count: width) }
            case .mapped(let archive, let name):
                try! archive.convert(name, elementOffset: index * width, count: width, into: out)
            }
            if accumulate { for i in 0 ..< width { destination[i] += out[i] } }
        }
    }
}
