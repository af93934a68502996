import Foundation
import SottoCore
import SottoKernels

/// A dense layer's weight matrix `[rows × columns]` (PyTorch's `[out, in]`) with optional bias,
/// stored in the precision the user chose. Decoding multiplies one vector at a time, which is
/// bound by the bytes of weights read, so bf16 halves and int8 quarters the time per token.
public final class LinearWeights: @unchecked Sendable {
    public let rows: Int
    public let columns: Int
    let storage: Storage
    let bias: [Float]?

    enum Storage {
        case fp32([Float])
        case bf16([UInt16])
        /// Symmetric per-output-channel: `w[r][c] ≈ values[r][c] * scales[r]`.
        case int8(values: [Int8], scales: [Float])
    }

    init(rows: Int, columns: Int, storage: Storage, bias: [Float]?) {
        self.rows = rows
        self.columns = columns
        self.storage = storage
        self.bias = bias
    }

    /// Bytes held for the matrix and bias.
    public var residentBytes: Int {
        let matrix: Int
        switch storage {
        case .fp32(let w): matrix = w.count * 4
        case .bf16(let w): matrix = w.count * 2
        case .int8(let v, let s): matrix = v.count + s.count * 4
        }
        return matrix + (bias?.count ?? 0) * 4
    }

    /// Loads and concatenates (along the output axis) `names` from `archive`, e.g. q, k and v
    /// projections into one matrix so that one pass over the input serves all three.
    static func load(_ archive: SafetensorsArchive, names: [String], bias biasName: String? = nil,
                     columns: Int, rowsEach: [Int], precision: WeightPrecision) throws -> LinearWeights {
        precondition(names.count == rowsEach.count)
        let rows = rowsEach.reduce(0, +)
        var bias: [Float]?
        if let biasName { bias = try archive.floats(biasName, shape: [rows]) }
        switch precision {
        case .fp32:
            var matrix: [Float] = []
            matrix.reserveCapacity(rows * columns)
            for (name, count) in zip(names, rowsEach) {
                matrix += try archive.floats(name, shape: [count, columns])
            }
            return LinearWeights(rows: rows, columns: columns, storage: .fp32(matrix), bias: bias)
        case .bf16:
            var matrix = [UInt16]()
            matrix.reserveCapacity(rows * columns)
            for (name, count) in zip(names, rowsEach) {
                let raw = try archive.raw(name)
                guard raw.shape == [count, columns] else {
                    throw SottoError("\(archive.url.lastPathComponent): \(name) has shape \(raw.shape), config.json implies \([count, columns])")
                }
                if raw.type == .bf16 {
                    // Released checkpoints are bf16 already: keep their bits.
                    let source = raw.pointer
                    for i in 0 ..< count * columns {
                        matrix.append(source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
                    }
                } else {
                    for value in try archive.floats(name) { matrix.append(BFloat16Bits.round(value)) }
                }
            }
            return LinearWeights(rows: rows, columns: columns, storage: .bf16(matrix), bias: bias)
        case .int8:
            var values = [Int8]()
            values.reserveCapacity(rows * columns)
            var scales = [Float]()
            scales.reserveCapacity(rows)
            for (name, count) in zip(names, rowsEach) {
                let matrix = try archive.floats(name, shape: [count, columns])
                matrix.withUnsafeBufferPointer { w in
                    for r in 0 ..< count {
                        let row = w.baseAddress! + r * columns
                        var peak: Float = 0
                        for c in 0 ..< columns { peak = max(peak, abs(row[c])) }
                        let scale = peak > 0 ? peak / 127 : 1
                        let inverse = 1 / scale
                        for c in 0 ..< columns {
                            values.append(Int8(clamping: Int((row[c] * inverse).rounded(.toNearestOrEven))))
                        }
                        scales.append(scale)
                    }
                }
            }
            return LinearWeights(rows: rows, columns: columns, storage: .int8(values: values, scales: scales), bias: bias)
        }
    }

    /// `y[t] = W · x[t] + b` for `count` input rows of `columns` floats; `y` has `count` rows of `rows`.
    func apply(_ x: UnsafePointer<Float>, count: Int, into y: UnsafeMutablePointer<Float>) {
        switch storage {
        case .fp32(let w):
            w.withUnsafeBufferPointer { w in
                if count == 1 {
                    BLAS.sgemv(m: rows, n: columns, a: w.baseAddress!, lda: columns, x: x, y: y)
                } else {
                    BLAS.sgemm(transposeB: true, m: count, n: rows, k: columns, a: x, lda: columns,
                               b: w.baseAddress!, ldb: columns, c: y, ldc: rows)
                }
            }
        case .bf16(let w):
            w.withUnsafeBufferPointer { w in
                let base = w.baseAddress!
                if count == 1 {
                    QuantizedGEMV.bf16(base, rows: rows, columns: columns, x: x, y: y)
                } else {
                    blockedProduct(x, count: count, into: y) { first, blockRows, out in
                        BFloat16Bits.expand(base + first * columns, count: blockRows * columns, into: out)
                    }
                }
            }
        case .int8(let values, let scales):
            values.withUnsafeBufferPointer { v in
                scales.withUnsafeBufferPointer { s in
                    let base = v.baseAddress!, scale = s.baseAddress!
                    if count == 1 {
                        QuantizedGEMV.int8(base, scales: scale, rows: rows, columns: columns, x: x, y: y)
                    } else {
                        let columns = self.columns
                        blockedProduct(x, count: count, into: y) { first, blockRows, out in
                            for r in 0 ..< blockRows {
                                let row = base + (first + r) * columns, f = scale[first + r]
                                for c in 0 ..< columns { out[r * columns + c] = Float(row[c]) * f }
                            }
                        }
                    }
                }
            }
        }
        if let bias {
            bias.withUnsafeBufferPointer { b in
                for t in 0 ..< count {
                    let row = y + t * rows
                    for r in 0 ..< rows { row[r] += b[r] }
                }
            }
        }
    }

    /// Several inputs against a compressed matrix: expands blocks of rows to fp32 and lets
    /// BLAS multiply each block by all inputs, so the matrix is read once, not once per input.
    private func blockedProduct(_ x: UnsafePointer<Float>, count: Int, into y: UnsafeMutablePointer<Float>,
                                expand: (_ firstRow: Int, _ rows: Int, _ into: UnsafeMutablePointer<Float>) -> Void) {
        let block = max(1, min(rows, (1 << 18) / max(columns, 1)))
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: block * columns)
        defer { scratch.deallocate() }
        var first = 0
        while first < rows {
            let n = min(block, rows - first)
            expand(first, n, scratch)
            BLAS.sgemm(transposeB: true, m: count, n: n, k: columns, a: x, lda: columns,
                       b: scratch, ldb: columns, c: y + first, ldc: rows)
            first += n
        }
    }
}

/// bfloat16 as raw bits: the upper half of an IEEE float.
enum BFloat16Bits {
    /// Round to nearest even, as torch's `.bfloat16()` does (NaN stays NaN).
    static func round(_ value: Float) -> UInt16 {
        let bits = value.bitPattern
        if value.isNaN { return UInt16(truncatingIfNeeded: bits >> 16) | 0x40 }
        let rounding = UInt32(0x7FFF) + ((bits >> 16) & 1)
        return UInt16(truncatingIfNeeded: (bits &+ rounding) >> 16)
    }

    static func expand(_ source: UnsafePointer<UInt16>, count: Int, into destination: UnsafeMutablePointer<Float>) {
        for i in 0 ..< count { destination[i] = Float(bitPattern: UInt32(source[i]) << 16) }
    }
}
