import CKernels
import Glibc

/// A weight matrix `[rows, cols]` in 4 bits per weight, for matrix-vector products in decoding,
/// whose time is the bytes of weights read from memory: half the bytes of ``Int8Matrix``.
///
/// Quantisation is symmetric per row and group of 128 columns (w ≈ s·q, q in [-8, 7]); each group
/// takes the scale with the least squared error among absmax/7 … absmax/8. The nibbles are kept in
/// panels (blocks of 8 rows whose 64-byte pieces of each group lie side by side, see
/// `gemv_s4.h`) so that a product reads the whole matrix as one sequential stream: on this class
/// of machine that reaches the full read bandwidth, where eight separate row-major rows do not.
/// Inputs are quantised to int8 per vector as ``Int8Matrix`` does; group sums are exact integers.
public struct Int4Matrix: Sendable {
    /// Rows per panel block; the row count is padded up to a multiple of it.
    public static let blockRows = Int(SOTTO_S4_BLOCK_ROWS)
    /// Columns sharing one scale; the column count is padded up to a multiple of it.
    public static let groupSize = Int(SOTTO_S4_GROUP_COLS)

    public let rows: Int
    public let cols: Int
    let blocks: Int
    let groups: Int
    let panels: AlignedBytes
    let scales: [Float]

    /// Quantises a float matrix (any layout; it is read densely).
    public init(quantizing weight: Tensor) {
        precondition(weight.rank == 2, "Int4Matrix needs a 2-D weight, got \(weight.shape)")
        let w = weight.contiguous()
        rows = w.shape[0]
        cols = w.shape[1]
        blocks = (rows + Self.blockRows - 1) / Self.blockRows
        groups = (cols + Self.groupSize - 1) / Self.groupSize
        let slots = blocks * groups * Self.blockRows, r = rows, c = cols
        let panels = AlignedBytes(count: slots * Self.groupSize / 2)
        var scales = [Float](repeating: 0, count: slots)
        withExtendedLifetime(w) {
            scales.withUnsafeMutableBufferPointer { s in
                sotto_quantize_s4_panels(w.pointer, r, c, panels.baseAddress, s.baseAddress!)
            }
        }
        self.panels = panels
        self.scales = scales
    }

    /// Columns an int8 input must hold for the kernels: `cols` rounded up to whole groups.
    public var paddedCols: Int { groups * Self.groupSize }

    /// Bytes of weights and scales held in memory (what a product streams).
    public var residentBytes: Int { panels.count + scales.count * MemoryLayout<Float>.stride }

    /// Scale of `row` for the columns `group·128 ..< group·128 + 128`.
    public func scale(row: Int, group: Int) -> Float {
        precondition(row >= 0 && row < rows && group >= 0 && group < groups, "no group \(group) of row \(row)")
        return scales[slot(row: row, group: group)]
    }

    /// The integer level q in -8...7 stored for one weight.
    public func level(row: Int, column: Int) -> Int {
        precondition(row >= 0 && row < rows && column >= 0 && column < cols, "no element [\(row), \(column)]")
        let j = column % Self.groupSize, half = Self.groupSize / 2
        let byte = panels.baseAddress[slot(row: row, group: column / Self.groupSize) * half + j % half]
        return Int(j < half ? byte & 0x0F : byte >> 4) - 8
    }

    private func slot(row: Int, group: Int) -> Int {
        ((row / Self.blockRows) * groups + group) * Self.blockRows + row % Self.blockRows
    }

    /// The float matrix these levels and scales stand for.
    public func dequantized() -> Tensor {
        let t = Tensor(zeros: [rows, cols])
        for r in 0..<rows {
            for c in 0..<cols { t.pointer[r * cols + c] = Float(level(row: r, column: c)) * scale(row: r, group: c / Self.groupSize) }
        }
        return t
    }

    /// y = W·x with x quantised on the fly (per vector, symmetric int8). Blocks of 8 rows are
    /// split across ``KernelThreads``. `x` `[cols]`, `y` `[rows]`, both dense.
    public func multiply(_ x: Tensor, into y: Tensor, path: KernelPath = .best) {
        precondition(x.count == cols && y.count == rows && x.isContiguous && y.isContiguous,
                     "Int4Matrix [\(rows), \(cols)] needs dense x [\(cols)] and y [\(rows)]")
        withUnsafeTemporaryAllocation(of: Int8.self, capacity: paddedCols) { q in
            let qp = q.baseAddress!
            qp.initialize(repeating: 0, count: paddedCols)
            let scale = withExtendedLifetime(x) { sotto_quantize_s8(x.pointer, cols, qp) }
            withExtendedLifetime(y) { multiplyPadded(qp, scale: scale, into: y.pointer, path: path) }
        }
    }

    /// y = W·(q·scale) for an already quantised vector `q` of `cols` values.
    public func multiply(quantized q: UnsafePointer<Int8>, scale: Float, into y: UnsafeMutablePointer<Float>,
                         path: KernelPath = .best) {
        if paddedCols == cols { return multiplyPadded(q, scale: scale, into: y, path: path) }
        withUnsafeTemporaryAllocation(of: Int8.self, capacity: paddedCols) { padded in
            let p = padded.baseAddress!
            p.initialize(from: q, count: cols)
            (p + cols).initialize(repeating: 0, count: paddedCols - cols)
            multiplyPadded(p, scale: scale, into: y, path: path)
        }
    }

    /// At least this many weight bytes per thread, so that small matrices stay on one thread.
    static let bytesPerThread = 1 << 17

    func minimumBlocksPerThread() -> Int { max(1, Self.bytesPerThread / max(1, paddedCols * Self.blockRows / 2)) }

    private func multiplyPadded(_ q: UnsafePointer<Int8>, scale: Float, into y: UnsafeMutablePointer<Float>,
                                path: KernelPath) {
        let panelBase = UnsafePointer(panels.baseAddress), r = rows, c = cols
        scales.withUnsafeBufferPointer { s in
            let sp = s.baseAddress!
            withExtendedLifetime(panels) {
                parallelFor(blocks, minimumPerThread: minimumBlocksPerThread()) { range in
                    _ = sotto_gemv_s4(panelBase, sp, r, c, range.lowerBound, range.upperBound, q, scale, y, path.rawValue)
                }
            }
        }
    }
}

/// Owning byte buffer aligned to a cache line, so that each 64-byte panel row is one line.
final class AlignedBytes: @unchecked Sendable {
    let count: Int
    let baseAddress: UnsafeMutablePointer<UInt8>

    init(count: Int) {
        var raw: UnsafeMutableRawPointer?
        let bytes = (max(count, 1) + 63) / 64 * 64
        guard posix_memalign(&raw, 64, bytes) == 0, let raw else { fatalError("out of memory allocating \(count) bytes") }
        memset(raw, 0, bytes)
        self.count = count
        baseAddress = raw.bindMemory(to: UInt8.self, capacity: bytes)
    }

    deinit { free(baseAddress) }
}
