import CKernels

/// A weight matrix `[rows, cols]` stored as int8 with one float scale per row (symmetric:
/// w ≈ q·scale, q in [-127, 127]), for memory-bound matrix-vector products in decoding.
///
/// The values live in panels (blocks of 8 rows, each block's 64-column chunks interleaved row
/// by row; see CKernels.h) rather than row by row: a product then streams the whole matrix as
/// one sequential read, which this kind of machine serves at about 1.5× the rate of eight
/// separate row streams.
public struct Int8Matrix: Sendable {
    public let rows: Int
    public let cols: Int
    let panels: [Int8]
    public let scales: [Float]
    let rowSums: [Int32]

    /// Quantises a float matrix row by row.
    public init(quantizing weight: Tensor) {
        precondition(weight.rank == 2, "Int8Matrix needs a 2-D weight, got \(weight.shape)")
        let w = weight.contiguous()
        let r = w.shape[0], c = w.shape[1]
        var s = [Float](repeating: 1, count: r)
        var sums = [Int32](repeating: 0, count: r)
        var row = [Int8](repeating: 0, count: c)
        let panels = [Int8](unsafeUninitializedCapacity: sotto_s8_panel_bytes(r, c)) { buffer, initialized in
            buffer.initialize(repeating: 0)
            row.withUnsafeMutableBufferPointer { q in
                for i in 0..<r {
                    s[i] = sotto_quantize_s8(w.pointer + i * c, c, q.baseAddress!)
                    sotto_s8_row_sums(q.baseAddress!, 1, c, &sums[i])
                    sotto_s8_pack_row(q.baseAddress!, i, c, buffer.baseAddress!)
                }
            }
            initialized = buffer.count
        }
        self.init(rows: r, cols: c, panels: panels, scales: s, rowSums: sums)
    }

    /// Wraps already-quantised values (row-major) and per-row scales.
    public init(values: [Int8], scales: [Float], rows: Int, cols: Int) {
        precondition(values.count == rows * cols && scales.count == rows, "values/scales do not match [\(rows), \(cols)]")
        var sums = [Int32](repeating: 0, count: rows)
        let panels = [Int8](unsafeUninitializedCapacity: sotto_s8_panel_bytes(rows, cols)) { buffer, initialized in
            buffer.initialize(repeating: 0)
            values.withUnsafeBufferPointer { v in
                sotto_s8_row_sums(v.baseAddress, rows, cols, &sums)
                for i in 0..<rows { sotto_s8_pack_row(v.baseAddress! + i * cols, i, cols, buffer.baseAddress!) }
            }
            initialized = buffer.count
        }
        self.init(rows: rows, cols: cols, panels: panels, scales: scales, rowSums: sums)
    }

    private init(rows: Int, cols: Int, panels: [Int8], scales: [Float], rowSums: [Int32]) {
        self.rows = rows
        self.cols = cols
        self.panels = panels
        self.scales = scales
        self.rowSums = rowSums
    }

    /// Bytes held: panels (with their padding), scales and row sums.
    public var residentBytes: Int { panels.count + rows * 8 }

    /// The quantised values, row-major (unpacked from the panels: for tests and inspection).
    public func rowMajorValues() -> [Int8] {
        [Int8](unsafeUninitializedCapacity: rows * cols) { buffer, initialized in
            panels.withUnsafeBufferPointer { p in
                for r in 0..<rows { sotto_s8_unpack_row(p.baseAddress!, r, cols, buffer.baseAddress! + r * cols) }
            }
            initialized = rows * cols
        }
    }

    /// The float matrix these values stand for.
    public func dequantized() -> Tensor {
        let t = Tensor(zeros: [rows, cols])
        dequantizeRows(0..<rows, into: t.pointer)
        return t
    }

    /// Rows `range` as floats, row-major, into `out` (`range.count × cols`).
    func dequantizeRows(_ range: Range<Int>, into out: UnsafeMutablePointer<Float>) {
        withUnsafeTemporaryAllocation(of: Int8.self, capacity: max(cols, 1)) { row in
            panels.withUnsafeBufferPointer { p in
                for (k, r) in range.enumerated() {
                    sotto_s8_unpack_row(p.baseAddress!, r, cols, row.baseAddress!)
                    let scale = scales[r], dst = out + k * cols
                    for c in 0..<cols { dst[c] = Float(row[c]) * scale }
                }
            }
        }
    }

    /// y = W·x with x quantised on the fly (per vector, symmetric int8). Blocks of rows are split
    /// across ``KernelThreads``. `x` `[cols]`, `y` `[rows]`, both dense.
    public func multiply(_ x: Tensor, into y: Tensor, path: KernelPath = .best) {
        precondition(x.count == cols && y.count == rows && x.isContiguous && y.isContiguous,
                     "Int8Matrix [\(rows), \(cols)] needs dense x [\(cols)] and y [\(rows)]")
        withUnsafeTemporaryAllocation(of: Int8.self, capacity: cols) { q in
            let scale = sotto_quantize_s8(x.pointer, cols, q.baseAddress!)
            multiply(quantized: UnsafePointer(q.baseAddress!), scale: scale, into: y.pointer, path: path)
        }
    }

    /// y = W·(q·scale) for an already quantised vector `q` of `cols` values.
    public func multiply(quantized q: UnsafePointer<Int8>, scale: Float, into y: UnsafeMutablePointer<Float>,
                         path: KernelPath = .best) {
        let c = cols
        forEachBlockRange(minimumBytesPerThread: 1 << 18) { range, panels, scales, sums in
            _ = sotto_gemv_s8(panels, scales, sums, range.count, c, q, scale, y + range.lowerBound, path.rawValue)
        }
    }

    /// Runs `body` over block-aligned row ranges split across threads, with the panels, scales
    /// and row sums of each range's first row.
    func forEachBlockRange(minimumBytesPerThread: Int,
                           _ body: (_ rows: Range<Int>, _ panels: UnsafePointer<Int8>, _ scales: UnsafePointer<Float>,
                                    _ sums: UnsafePointer<Int32>) -> Void) {
        let blockRows = Int(SOTTO_S8_BLOCK_ROWS), blockBytes = sotto_s8_chunks(cols) * blockRows * Int(SOTTO_S8_CHUNK)
        let blocks = (rows + blockRows - 1) / blockRows, n = rows
        panels.withUnsafeBufferPointer { v in
            scales.withUnsafeBufferPointer { s in
                rowSums.withUnsafeBufferPointer { sums in
                    let vp = v.baseAddress!, sp = s.baseAddress!, rp = sums.baseAddress!
                    parallelFor(blocks, minimumPerThread: max(1, minimumBytesPerThread / max(blockBytes, 1))) { range in
                        let r0 = range.lowerBound * blockRows, r1 = min(n, range.upperBound * blockRows)
                        body(r0..<r1, vp + range.lowerBound * blockBytes, sp + r0, rp + r0)
                    }
                }
            }
        }
    }
}
