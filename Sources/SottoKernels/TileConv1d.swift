import CKernels
import Foundation

/// 1-D convolution (stride 1, one group) computed on AMX bf16 matrix tiles with fp32
/// accumulation, for CPUs that have them (Intel Sapphire Rapids and later);
/// ``init(weight:bias:padding:dilation:)`` returns nil elsewhere, and callers keep a ``Conv1d``.
///
/// Weights and the (padded) input are rounded to bfloat16 (8 significant bits, relative error
/// at most 2⁻⁹ per value); products and sums are fp32. Against the fp32 ``Conv1d`` each output
/// therefore differs by at most about 2⁻⁸ of the sum of its terms' magnitudes, in practice
/// 0.1–0.4 % of the output's RMS at 128–1024 channels. Each tap is one [out, in]·[in, time]
/// product read straight from one packed copy of the input shifted by the tap's offset, so
/// nothing is copied per tap.
public struct TileConv1d: Sendable {
    public let inChannels: Int
    public let outChannels: Int
    public let kernelSize: Int
    public let dilation: Int
    public let padding: Padding
    public let bias: Tensor?
    /// `[kernel, out, paddedIn]` bfloat16, input channels padded with zeros to a multiple of 32.
    let weights: [UInt16]
    let paddedIn: Int
    let offsets: [Int64]

    /// Whether the active kernel tier is AMX (the CPU and OS offer the tiles and `SOTTO_ISA`
    /// does not ask for a lower tier).
    public static var isAvailable: Bool { KernelTier.active == .amx }

    /// Same arguments as ``Conv1d`` (stride 1, groups 1); nil when the tiles are unavailable or
    /// the output channels are not a multiple of 32.
    public init?(weight: Tensor, bias: Tensor? = nil, padding: Padding = .none, dilation: Int = 1) {
        guard Self.isAvailable, weight.rank == 3, weight.shape[0] % 32 == 0 else { return nil }
        let out = weight.shape[0], input = weight.shape[1], k = weight.shape[2]
        precondition(bias.map { $0.count == out } ?? true, "bias length must equal out channels")
        inChannels = input
        outChannels = out
        kernelSize = k
        self.dilation = dilation
        self.padding = padding
        self.bias = bias.map { $0.contiguous().reshaped([-1]) }
        let paddedIn = (input + 31) / 32 * 32
        self.paddedIn = paddedIn
        offsets = (0..<k).map { Int64($0 * dilation) }
        let w = weight.contiguous()
        // Reordered to [tap, out, in] and rounded to bfloat16 in one pass.
        var bits = [UInt16](repeating: 0, count: k * out * paddedIn)
        withExtendedLifetime(w) {
            bits.withUnsafeMutableBufferPointer { dst in
                // One output channel's weights (in·k floats) stay in cache while each tap's row
                // is written out contiguously.
                for o in 0..<out {
                    let source = w.pointer + o * input * k
                    for j in 0..<k {
                        let row = dst.baseAddress! + (j * out + o) * paddedIn
                        for i in 0..<input { row[i] = Self.bfloat16(source[i * k + j]) }
                    }
                }
            }
        }
        weights = bits
    }

    /// Round to nearest even, as the packing kernel rounds the input (weights are finite).
    @inline(__always)
    static func bfloat16(_ value: Float) -> UInt16 {
        let bits = value.bitPattern
        return UInt16(truncatingIfNeeded: (bits &+ 0x7fff &+ ((bits >> 16) & 1)) >> 16)
    }

    public func outputLength(inputLength length: Int) -> Int {
        length + padding.left + padding.right - dilation * (kernelSize - 1)
    }

    public func callAsFunction(_ x: Tensor, workspace: Workspace) -> Tensor {
        let y = workspace.tensor([outChannels, outputLength(inputLength: x.shape[1])])
        apply(x, into: y, workspace: workspace)
        return y
    }

    /// Writes the convolution of `x` `[in, T]` into `y` `[out, T']` (rows may be strided).
    public func apply(_ x: Tensor, into y: Tensor, workspace: Workspace) {
        precondition(x.rank == 2 && x.shape[0] == inChannels, "TileConv1d expects [\(inChannels), T], got \(x.shape)")
        let length = x.shape[1], outLength = outputLength(inputLength: length)
        precondition(outLength > 0, "input of \(length) samples is shorter than the kernel span")
        precondition(y.rank == 2 && y.shape[0] == outChannels && y.shape[1] == outLength && y.hasDenseRows,
                     "TileConv1d output should be [\(outChannels), \(outLength)] with dense rows, got \(y.shape)")
        let mark = workspace.mark()
        defer { workspace.release(to: mark) }
        let columns = (outLength + 31) / 32 * 32
        let span = dilation * (kernelSize - 1)
        let ldb = columns + span
        // Zero padding is the packing's lead and tail; other modes are padded in fp32 first.
        var input = x.denseRows(in: workspace)
        var lead = padding.left
        if padding.mode != .zeros && (padding.left > 0 || padding.right > 0) {
            let padded = workspace.tensor([inChannels, length + padding.left + padding.right])
            padding.apply(input, into: padded)
            input = padded
            lead = 0
        }
        let source = input, shift = lead
        let packed = workspace.tensor([paddedIn / 2, ldb])  // one float holds a bf16 pair
        // Output in bands of columns, each accumulated in a cache-sized scratch per thread and
        // then copied out, so no full-size fp32 copy of the output is ever held.
        // At least 256 columns where possible (the kernel streams the weights once per 256
        // columns), but no wider than an even share per thread.
        let share = (columns / 32 + KernelThreads.count - 1) / KernelThreads.count * 32
        let band = min(share, max(256, (1 << 18) / outChannels / 32 * 32))
        let bands = (columns + band - 1) / band
        let parts = parallelPartCount(bands)
        let scratch = workspace.tensor([max(parts, 1), outChannels * band])
        withExtendedLifetime((source, packed, scratch, y)) {
            let b = UnsafeMutableRawPointer(packed.pointer).assumingMemoryBound(to: UInt16.self)
            let validColumns = source.shape[1], rowStride = source.rowStride
            parallelFor(paddedIn / 2, minimumPerThread: max(1, 8192 / max(ldb, 1))) { range in
                sotto_tiles_pack_pairs(source.pointer, inChannels, validColumns, rowStride, shift,
                                       b, ldb, 2 * range.lowerBound, 2 * range.upperBound)
            }
            weights.withUnsafeBufferPointer { a in
                offsets.withUnsafeBufferPointer { offs in
                    parallelParts(bands) { part, range in
                        let result = scratch.pointer + part * outChannels * band
                        for index in range {
                            let first = index * band, width = min(band, columns - first)
                            for c in 0..<outChannels {
                                (result + c * width).update(repeating: bias?.pointer[c] ?? 0, count: width)
                            }
                            // Packed pairs: column n of a row starts at uint16 2·n.
                            sotto_tiles_conv_bf16(a.baseAddress!, kernelSize, outChannels, paddedIn, offs.baseAddress!,
                                                  b + 2 * first, ldb, result, width, 0, width)
                            let valid = min(width, outLength - first)
                            guard valid > 0 else { continue }
                            for c in 0..<outChannels {
                                (y.pointer + c * y.rowStride + first).update(from: result + c * width, count: valid)
                            }
                        }
                    }
                }
            }
        }
    }
}
