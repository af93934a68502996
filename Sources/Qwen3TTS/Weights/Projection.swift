import Foundation
import SottoCore
import SottoKernels

/// A dense layer `y = x·Wᵀ + b` with W `[out, in]` (PyTorch's layout) held in the precision the
/// user chose. Decoding multiplies one vector at a time and is bound by the bytes of weights
/// read, so bf16 halves and int8 quarters the time per token: one row goes to the kernel
/// library's GEMV, several rows (a prompt) to its blocked products or to BLAS.
final class Projection: @unchecked Sendable {
    enum Matrix {
        case fp32(Linear)
        case bf16(BFloat16Matrix)
        /// Symmetric per output row; every input row is quantised too, for the VNNI kernels.
        case int8(Int8Matrix)
        /// Per row and group of 128 inputs; inputs quantised to int8 as for `int8`.
        case int4(Int4Matrix)
    }

    let matrix: Matrix
    /// Added after the bf16 and int8 products (`Linear` carries its own).
    let bias: Tensor?
    let outputs: Int
    let inputs: Int

    private init(matrix: Matrix, bias: Tensor?, outputs: Int, inputs: Int) {
        self.matrix = matrix
        self.bias = bias
        self.outputs = outputs
        self.inputs = inputs
    }

    /// Bytes held for the matrix and bias.
    var residentBytes: Int {
        let matrixBytes: Int
        switch matrix {
        case .fp32: matrixBytes = outputs * inputs * 4
        case .bf16: matrixBytes = outputs * inputs * 2
        case .int8(let m): matrixBytes = m.residentBytes
        case .int4(let m): matrixBytes = m.residentBytes
        }
        return matrixBytes + (bias == nil ? 0 : outputs * 4)
    }

    /// Loads `names` from `archive` stacked along the output axis (q, k and v into one matrix,
    /// so one pass over the input serves all three), each `[rowsEach[i], columns]`.
    static func load(_ archive: SafetensorsArchive, names: [String], bias biasName: String? = nil, columns: Int,
                     rowsEach: [Int], precision: WeightPrecision) throws -> Projection {
        precondition(names.count == rowsEach.count)
        let rows = rowsEach.reduce(0, +)
        // The float copy every precision but bf16 goes through is the largest this load holds.
        archive.ensureRoom(for: names.joined(separator: ", "), bytes: rows * columns * (precision == .bf16 ? 2 : 4))
        let bias = try biasName.map { try archive.tensor($0, shape: [rows]) }
        func floats() throws -> Tensor {
            let weight = Tensor(zeros: [rows, columns])
            var first = 0
            for (name, count) in zip(names, rowsEach) {
                try archive.convert(name, shape: [count, columns], into: weight.pointer + first * columns)
                first += count
            }
            return weight
        }
        let matrix: Matrix
        switch precision {
        case .fp32:
            return Projection(matrix: .fp32(Linear(weight: try floats(), bias: bias)), bias: nil, outputs: rows, inputs: columns)
        case .bf16:
            var bits: [UInt16] = []
            bits.reserveCapacity(rows * columns)
            for (name, count) in zip(names, rowsEach) {
                let raw = try archive.raw(name)
                guard raw.shape == [count, columns] else {
                    throw SottoError("\(archive.url.lastPathComponent): \(name) has shape \(raw.shape), config.json implies \([count, columns])",
                                     hint: "the weights do not match this model's config.json")
                }
                if raw.type == .bf16 {
                    // Released checkpoints are bf16 already: keep their bits.
                    bits += try archive.bits(name)
                    archive.release(name)
                } else {
                    let values = try archive.floats(name)
                    bits += [UInt16](unsafeUninitializedCapacity: values.count) { buffer, initialized in
                        HalfPrecision.floatToBFloat16(values, buffer.baseAddress!, count: values.count)
                        initialized = values.count
                    }
                }
            }
            matrix = .bf16(BFloat16Matrix(bits: bits, rows: rows, cols: columns))
        case .int8:
            matrix = .int8(Int8Matrix(quantizing: try floats()))
        case .int4:
            matrix = .int4(Int4Matrix(quantizing: try floats()))
        }
        return Projection(matrix: matrix, bias: bias, outputs: rows, inputs: columns)
    }

    /// `y` `[T, outputs]` = `x` `[T, inputs]`·Wᵀ + b. Rows of either may be strided views.
    func apply(_ x: Tensor, into y: Tensor, workspace: Workspace) {
        precondition(x.rank == 2 && x.shape[1] == inputs && y.rank == 2 && y.shape == [x.shape[0], outputs],
                     "projection \(inputs)→\(outputs) cannot map \(x.shape) into \(y.shape)")
        let single = x.shape[0] == 1
        switch matrix {
        case .fp32(let linear):
            linear.apply(x, into: y)
            return
        case .bf16(let m):
            if single {
                m.multiply(x.reshaped([inputs]), into: y.reshaped([outputs]))
            } else {
                m.multiply(rows: x, into: y, workspace: workspace)
            }
        case .int8(let m):
            if single {
                m.multiply(x.reshaped([inputs]), into: y.reshaped([outputs]))
            } else {
                // Prompts and the code predictor's first step: each row quantised as a decoding
                // step quantises its vector, the weights read once for all rows.
                m.multiply(quantizingRows: x, into: y)
            }
        case .int4(let m):
            if single {
                m.multiply(x.reshaped([inputs]), into: y.reshaped([outputs]))
            } else {
                m.multiply(quantizingRows: x, into: y)
            }
        }
        if let bias { Elementwise.broadcastAffine(y, scale: nil, shift: bias, perRow: false, into: y) }
    }

    /// `x`·Wᵀ + b in a new `[T, outputs]` tensor from `workspace`.
    func callAsFunction(_ x: Tensor, workspace: Workspace) -> Tensor {
        let y = workspace.tensor([x.shape[0], outputs])
        apply(x, into: y, workspace: workspace)
        return y
    }
}
