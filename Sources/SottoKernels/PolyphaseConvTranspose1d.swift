/// Transposed 1-D convolution (PyTorch `ConvTranspose1d`, batch 1, one group, dilation 1) as
/// `stride` ordinary convolutions on the input as it is, one per output phase.
///
/// Output column n = q·stride + r − padding receives input t through tap j exactly when
/// j = r + stride·i and t = q − i, so the columns of phase r are a stride-1 convolution over q
/// with the taps r, r + stride, … in reverse order. Each phase runs on ``DirectConv1d``'s kernel
/// (no zero-stuffed input, no column buffer, no scatter-add) and the phases are interleaved
/// into the output. Every output column is summed in the same order wherever it lies in the
/// signal, so a window of the signal gets the same values as the whole.
/// Output length: (T − 1)·stride − 2·padding + kernel + outputPadding.
public struct PolyphaseConvTranspose1d: Sendable {
    public let inChannels: Int
    public let outChannels: Int
    public let kernelSize: Int
    public let stride: Int
    public let padding: Int
    public let outputPadding: Int
    /// Phase r's convolution, weight `[out, in, taps]` (nil when the kernel has no tap for it).
    let phases: [DirectConv1d?]
    /// `[out]`, for phases without taps.
    let bias: Tensor?

    /// Weight in PyTorch's layout `[in, out, kernel]`.
    public init(weight: Tensor, bias: Tensor? = nil, stride: Int, padding: Int = 0, outputPadding: Int = 0) {
        precondition(weight.rank == 3, "PolyphaseConvTranspose1d weight must be [in, out, kernel], got \(weight.shape)")
        precondition(stride >= 1 && padding >= 0 && outputPadding >= 0 && outputPadding < stride,
                     "invalid transposed convolution geometry")
        let inputs = weight.shape[0], outputs = weight.shape[1], k = weight.shape[2]
        precondition(bias.map { $0.count == outputs } ?? true, "bias length must equal out channels")
        inChannels = inputs
        outChannels = outputs
        kernelSize = k
        self.stride = stride
        self.padding = padding
        self.outputPadding = outputPadding
        let w = weight.contiguous()
        let flatBias = bias.map { $0.contiguous().reshaped([-1]) }
        self.bias = flatBias
        phases = (0 ..< stride).map { r in
            let taps = r < k ? (k - r + stride - 1) / stride : 0
            guard taps > 0 else { return nil }
            let phase = Tensor(zeros: [outputs, inputs, taps])
            for o in 0 ..< outputs {
                for c in 0 ..< inputs {
                    for u in 0 ..< taps {
                        phase.pointer[(o * inputs + c) * taps + u] = w.pointer[(c * outputs + o) * k + r + stride * (taps - 1 - u)]
                    }
                }
            }
            return DirectConv1d(weight: phase, bias: flatBias)
        }
    }

    public func outputLength(inputLength length: Int) -> Int {
        (length - 1) * stride - 2 * padding + kernelSize + outputPadding
    }

    /// `x` `[in, T]` → `[out, T']` in a tensor from `workspace`.
    public func callAsFunction(_ x: Tensor, workspace: Workspace) -> Tensor {
        let y = workspace.tensor([outChannels, outputLength(inputLength: x.shape[1])])
        apply(x, into: y, workspace: workspace)
        return y
    }

    /// The columns q of phase r: output n = q·stride + r − padding for n in 0 ..< outLength.
    private func columns(phase r: Int, outLength: Int) -> Range<Int> {
        let lo = Self.ceilDivide(padding - r, stride), hi = Self.floorDivide(outLength - 1 + padding - r, stride) + 1
        return lo ..< max(lo, hi)
    }

    /// Where the phases read and write for an input of `length` columns: each phase's columns q,
    /// the input columns the shared padded copy spans (`first ..< last`, with its row stride),
    /// and the longest phase.
    private struct Layout {
        let ranges: [Range<Int>]
        let first: Int
        let last: Int
        let rowStride: Int
        let perPhase: Int
    }

    private func layout(inputLength length: Int) -> Layout {
        let outLength = outputLength(inputLength: length)
        let ranges = (0 ..< stride).map { columns(phase: $0, outLength: outLength) }
        let taps = phases.map { $0?.kernelSize ?? 1 }
        // One zero-padded copy of the input serves every phase: phase r reads input columns
        // q − (taps − 1) … q for its q.
        let first = zip(ranges, taps).map { $0.lowerBound - ($1 - 1) }.min() ?? 0
        let last = ranges.map(\.upperBound).max() ?? 0
        return Layout(ranges: ranges, first: first, last: last, rowStride: (last - first + 16) / 16 * 16,
                      perPhase: max(ranges.map(\.count).max() ?? 0, 1))
    }

    /// Floats of workspace ``apply(_:into:workspace:)`` takes for an input of `length` columns
    /// whose rows are dense (it gives them back on return).
    public func scratchFloats(inputLength length: Int) -> Int {
        let layout = self.layout(inputLength: length)
        return Workspace.footprint(inChannels * layout.rowStride) + Workspace.footprint(stride * outChannels * layout.perPhase)
    }

    /// Writes the transposed convolution of `x` `[in, T]` into `y` `[out, T']` (dense rows).
    public func apply(_ x: Tensor, into y: Tensor, workspace: Workspace) {
        precondition(x.rank == 2 && x.shape[0] == inChannels, "PolyphaseConvTranspose1d expects [\(inChannels), T], got \(x.shape)")
        let length = x.shape[1], outLength = outputLength(inputLength: length)
        precondition(outLength > 0, "output would be empty")
        precondition(y.rank == 2 && y.shape[0] == outChannels && y.shape[1] == outLength && y.hasDenseRows,
                     "PolyphaseConvTranspose1d output should be [\(outChannels), \(outLength)] with dense rows, got \(y.shape)")
        let mark = workspace.mark()
        defer { workspace.release(to: mark) }
        let layout = self.layout(inputLength: length)
        let ranges = layout.ranges, first = layout.first, last = layout.last, perPhase = layout.perPhase
        let width = last - first, rowStride = layout.rowStride
        let staged = workspace.tensor([inChannels, rowStride])
        let input = x.denseRows(in: workspace)
        let phaseOut = workspace.tensor([stride, outChannels, perPhase])
        withExtendedLifetime((input, staged, phaseOut, y)) {
            let src = input.pointer, ldx = input.rowStride, dst = staged.pointer
            let copyLo = max(first, 0), copyHi = min(last, length)
            parallelFor(inChannels, minimumPerThread: max(1, 32768 / max(width, 1))) { range in
                for c in range {
                    let row = dst + c * rowStride
                    row.update(repeating: 0, count: rowStride)
                    if copyLo < copyHi { (row + (copyLo - first)).update(from: src + c * ldx + copyLo, count: copyHi - copyLo) }
                }
            }
            let out = phaseOut.pointer, phaseStride = outChannels * perPhase
            parallelFor(stride) { rs in
                for r in rs {
                    let q = ranges[r], target = out + r * phaseStride
                    guard !q.isEmpty else { continue }
                    if let conv = phases[r] {
                        conv.applyStaged(UnsafePointer(dst + (q.lowerBound - (conv.kernelSize - 1) - first)), inputStride: rowStride,
                                         count: q.count, into: target, outputStride: perPhase)
                    } else {
                        for o in 0 ..< outChannels {
                            (target + o * perPhase).update(repeating: bias?.pointer[o] ?? 0, count: q.count)
                        }
                    }
                }
            }
            // Interleave: y[o, q·stride + r − padding] = phase r's column q.
            let yp = y.pointer, ldy = y.rowStride, stride = self.stride, padding = self.padding
            parallelFor(outChannels, minimumPerThread: max(1, 65536 / outLength)) { rows in
                for o in rows {
                    let row = yp + o * ldy
                    for r in 0 ..< stride {
                        let q = ranges[r], source = out + r * phaseStride + o * perPhase
                        var n = q.lowerBound * stride + r - padding
                        for i in 0 ..< q.count {
                            row[n] = source[i]
                            n += stride
                        }
                    }
                }
            }
        }
    }

    static func floorDivide(_ a: Int, _ b: Int) -> Int { a >= 0 ? a / b : -((-a + b - 1) / b) }
    static func ceilDivide(_ a: Int, _ b: Int) -> Int { -floorDivide(-a, b) }
}
