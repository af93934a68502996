import CKernels

/// A Linear layer run as int8 exports run it where the CPU has AVX-512 VNNI: the input is
/// quantised as ONNX's DynamicQuantizeLinear does it (uint8, one scale and zero point per
/// tensor) and multiplied with the export's int8 weights (symmetric, one scale per output) in
/// exact int32 sums, then scaled and biased as MatMulInteger, Mul and Add do after it
/// (`sotto_linear_q8`). The weights are held once, one byte each, in the kernel's layout.
public struct ByteLinear: @unchecked Sendable {
    public let inFeatures: Int
    public let outFeatures: Int
    let packed: [Int8]
    let sums: [Int32]
    let scales: [Float]
    public let bias: Tensor?
    let path: Int32

    /// `values` `[out, in]` row-major, w = value·scales[out]. Nil where the kernel cannot run at
    /// `path` (no AVX-512 VNNI, or a lower tier).
    public init?(values: UnsafeBufferPointer<Int8>, scales: [Float], bias: Tensor?, inFeatures: Int, path: Int32) {
        let outFeatures = scales.count
        precondition(inFeatures > 0 && values.count == outFeatures * inFeatures,
                     "int8 Linear values do not match \(outFeatures) × \(inFeatures)")
        precondition(bias.map { $0.count == outFeatures } ?? true, "bias length must equal out features")
        let ran = sotto_linear_q8_path(path)
        guard ran >= 0 else { return nil }
        self.path = ran
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        self.scales = scales
        self.bias = bias.map { $0.contiguous().reshaped([-1]) }
        var packed = [Int8](repeating: 0, count: sotto_linear_q8_packed_bytes(Int32(outFeatures), Int32(inFeatures)))
        var sums = [Int32](repeating: 0, count: outFeatures)
        packed.withUnsafeMutableBufferPointer { p in
            sums.withUnsafeMutableBufferPointer { s in
                sotto_linear_q8_pack(values.baseAddress!, Int32(outFeatures), Int32(inFeatures), p.baseAddress!, s.baseAddress!)
            }
        }
        self.packed = packed
        self.sums = sums
    }

    /// Bytes of weights held.
    public var weightBytes: Int { packed.count }

    /// Writes the float weights `[out, in]` (value·scale) into `weight`, for a caller that reads
    /// them one by one.
    public func dequantize(into weight: Tensor) {
        precondition(weight.shape == [outFeatures, inFeatures], "weights are [\(outFeatures), \(inFeatures)], got \(weight.shape)")
        withExtendedLifetime(weight) {
            packed.withUnsafeBufferPointer { p in
                for o in 0..<outFeatures {
                    let row = weight.pointer + o * inFeatures, s = scales[o]
                    for i in 0..<inFeatures { row[i] = Float(sotto_linear_q8_weight(p.baseAddress!, Int32(inFeatures), Int32(o), Int32(i))) * s }
                }
            }
        }
    }

    /// Writes `x·Wᵀ + b` into `y`: `x` `[T, in]` (rows may be strided) or `[in]`; `y` matches.
    public func apply(_ x: Tensor, into y: Tensor, workspace: Workspace) {
        let rows = x.rank == 1 ? 1 : x.shape[0]
        precondition(x.shape[x.rank - 1] == inFeatures && y.count == rows * outFeatures && y.rank == x.rank,
                     "Linear \(inFeatures)→\(outFeatures) cannot map \(x.shape) into \(y.shape)")
        let q = ByteQuantization(finiteRangeOf: x)
        let ldx = (inFeatures + 63) / 64 * 64
        let mark = workspace.mark()
        defer { workspace.release(to: mark) }
        let staged = workspace.tensor([(rows * ldx + 3) / 4])
        let blocks = (outFeatures + Int(SOTTO_LINEAR_Q8_BLOCK) - 1) / Int(SOTTO_LINEAR_Q8_BLOCK)
        let xStride = x.rank == 1 ? 0 : x.rowStride, yStride = y.rank == 1 ? outFeatures : y.rowStride
        withExtendedLifetime((x, y, staged, bias)) {
            let bytes = UnsafeMutableRawPointer(staged.pointer).assumingMemoryBound(to: UInt8.self)
            parallelFor(rows, minimumPerThread: 16) { range in
                for r in range { sotto_u8_quantize(x.pointer + r * xStride, inFeatures, q.inverse, q.zeroPoint, bytes + r * ldx) }
            }
            // Parts: groups of three output blocks (the kernel's tile) by runs of 8 rows, groups
            // outermost so that a thread's consecutive parts reuse the weights in its cache.
            let rowTiles = (rows + 7) / 8, groups = (blocks + 2) / 3
            let biasPointer: UnsafePointer<Float>? = bias.map { UnsafePointer($0.pointer) }
            packed.withUnsafeBufferPointer { p in
                sums.withUnsafeBufferPointer { s in
                    scales.withUnsafeBufferPointer { w in
                        let work = 8 * 48 * inFeatures
                        parallelFor(groups * rowTiles, minimumPerThread: max(1, 2_000_000 / work)) { range in
                            for part in range {
                                let g = part / rowTiles, tile = part % rowTiles
                                let r0 = tile * 8, r1 = min(rows, r0 + 8), b0 = g * 3, b1 = min(blocks, b0 + 3)
                                sotto_linear_q8(bytes, ldx, Int32(inFeatures), p.baseAddress!, s.baseAddress!, w.baseAddress!,
                                                q.scale, UInt8(q.zeroPoint), biasPointer, Int32(outFeatures),
                                                y.pointer, yStride, Int32(r0), Int32(r1), Int32(b0), Int32(b1), path)
                            }
                        }
                    }
                }
            }
        }
    }
}
