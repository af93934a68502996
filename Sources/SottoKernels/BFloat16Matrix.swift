import CKernels

/// A weight matrix `[rows, cols]` stored as bfloat16 (the upper half of each float32), for
/// matrix-vector products that stream half the bytes of float32 weights.
public struct BFloat16Matrix: Sendable {
    public let rows: Int
    public let cols: Int
    public let bits: [UInt16]

    /// Rounds a float matrix to bfloat16 (nearest even).
    public init(converting weight: Tensor) {
        precondition(weight.rank == 2, "BFloat16Matrix needs a 2-D weight, got \(weight.shape)")
        let w = weight.contiguous()
        var b = [UInt16](repeating: 0, count: w.count)
        sotto_f32_to_bf16(w.pointer, &b, w.count)
        self.init(bits: b, rows: w.shape[0], cols: w.shape[1])
    }

    /// Wraps raw bfloat16 values (row-major), e.g. straight from a safetensors file.
    public init(bits: [UInt16], rows: Int, cols: Int) {
        precondition(bits.count == rows * cols, "\(bits.count) values for [\(rows), \(cols)]")
        self.rows = rows
        self.cols = cols
        self.bits = bits
    }

    /// The float matrix these values stand for.
    public func dequantized() -> Tensor {
        let t = Tensor(zeros: [rows, cols])
        sotto_bf16_to_f32(bits, t.pointer, bits.count)
        return t
    }

    /// y = W·x (fp32 accumulation). Rows are split across ``KernelThreads``.
    public func multiply(_ x: Tensor, into y: Tensor, path: KernelPath = .best) {
        precondition(x.count == cols && y.count == rows && x.isContiguous && y.isContiguous,
                     "BFloat16Matrix [\(rows), \(cols)] needs dense x [\(cols)] and y [\(rows)]")
        bits.withUnsafeBufferPointer { b in
            let bp = b.baseAddress!, xp = x.pointer, yp = y.pointer, c = cols
            withExtendedLifetime((x, y)) {
                parallelFor(rows, minimumPerThread: max(4, (1 << 17) / max(c, 1))) { range in
                    let r0 = range.lowerBound
                    _ = sotto_gemv_bf16(bp + r0 * c, range.count, c, xp, yp + r0, path.rawValue)
                }
            }
        }
    }
}
