/// A transposed 1-D convolution (kernel ≥ stride, no padding) that takes its input in pieces.
/// Every input sample yields `stride` output samples, so n input samples give exactly n·stride
/// output samples: PyTorch's `ConvTranspose1d` output over the whole signal with its last
/// `kernel − stride` samples trimmed (the causal upsampling of streaming vocoders), whatever the
/// piece sizes.
///
/// It runs as an ordinary causal convolution over the input: output sample t·stride + r is
/// Σ_q W[·, ·, r + q·stride]·x[t − q], so the `stride` phases r are `stride` groups of output
/// channels of one convolution with ⌈kernel/stride⌉ taps, interleaved afterwards. That is one
/// dense product per piece (on AMX tiles when allowed) instead of a product per tap scattered
/// into strided outputs, and the state carried between pieces is the last few input samples.
///
/// Not thread-safe: the history belongs to one stream; call ``reset()`` before the next.
public final class StreamingConvTranspose1d: @unchecked Sendable {
    public let inChannels: Int
    public let outChannels: Int
    public let kernelSize: Int
    public let stride: Int
    public let groups: Int
    /// Output channels ordered (group, phase, channel in group), each group's phases together
    /// so that the convolution keeps the transposed convolution's grouping.
    let phases: StreamingConv1d

    /// Weight `[in, out/groups, kernel]` and bias `[out]` as PyTorch stores them. `allowTiles`
    /// as for ``StreamingConv1d``.
    public init(weight: Tensor, bias: Tensor? = nil, stride: Int, groups: Int = 1, allowTiles: Bool = false) {
        precondition(weight.rank == 3 && weight.shape[2] >= stride && stride >= 1, "kernel must be at least the stride")
        precondition(weight.shape[0] % groups == 0, "in channels \(weight.shape[0]) not divisible by groups \(groups)")
        let w = weight.contiguous()
        let inputs = w.shape[0], outPerGroup = w.shape[1], kernel = w.shape[2]
        let inPerGroup = inputs / groups, taps = (kernel + stride - 1) / stride
        precondition(bias.map { $0.count == outPerGroup * groups } ?? true, "bias length must equal out channels")
        inChannels = inputs
        outChannels = outPerGroup * groups
        kernelSize = kernel
        self.stride = stride
        self.groups = groups

        let phased = Tensor(zeros: [groups * stride * outPerGroup, inPerGroup, taps])
        let phasedBias = bias.map { _ in Tensor(zeros: [groups * stride * outPerGroup]) }
        let b = bias?.contiguous()
        for g in 0..<groups {
            for r in 0..<stride {
                for o in 0..<outPerGroup {
                    let row = (g * stride + r) * outPerGroup + o
                    if let phasedBias, let b { phasedBias.pointer[row] = b.pointer[g * outPerGroup + o] }
                    for i in 0..<inPerGroup {
                        for q in 0..<taps where r + q * stride < kernel {
                            // Tap q looks q samples back; a causal convolution's last tap is the present.
                            phased.pointer[(row * inPerGroup + i) * taps + taps - 1 - q] =
                                w.pointer[((g * inPerGroup + i) * outPerGroup + o) * kernel + r + q * stride]
                        }
                    }
                }
            }
        }
        phases = StreamingConv1d(weight: phased, bias: phasedBias, groups: groups, allowTiles: allowTiles)
    }

    /// Starts a new stream (nothing carried).
    public func reset() { phases.reset() }

    /// The input samples carried to the next piece: one stream's state (see
    /// ``StreamingConv1d/carriedInput``).
    public var carriedInput: [Float] {
        get { phases.carriedInput }
        set { phases.carriedInput = newValue }
    }

    /// The next `[out, T·stride]` output samples for `[in, T]` input samples, from `workspace`.
    public func callAsFunction(_ x: Tensor, workspace: Workspace) -> Tensor {
        let y = workspace.tensor([outChannels, x.shape[1] * stride])
        apply(x, into: y, workspace: workspace)
        return y
    }

    /// Writes the output samples that the piece `x` `[in, T]` completes into `y` `[out, T·stride]`.
    public func apply(_ x: Tensor, into y: Tensor, workspace: Workspace) {
        precondition(x.rank == 2 && x.shape[0] == inChannels,
                     "StreamingConvTranspose1d expects [\(inChannels), T], got \(x.shape)")
        let length = x.shape[1], emitted = length * stride
        precondition(y.rank == 2 && y.shape == [outChannels, emitted] && y.hasDenseRows,
                     "StreamingConvTranspose1d output should be dense [\(outChannels), \(emitted)], got \(y.shape)")
        guard length > 0 else { return }
        let mark = workspace.mark()
        defer { workspace.release(to: mark) }
        let phased = phases(x, workspace: workspace)
        let stride = self.stride, outPerGroup = outChannels / groups
        withExtendedLifetime((phased, y)) {
            let source = phased.pointer, sourceStride = phased.rowStride, target = y.pointer, targetStride = y.rowStride
            parallelFor(outChannels, minimumPerThread: max(1, 32768 / max(emitted, 1))) { range in
                for c in range {
                    let g = c / outPerGroup, o = c % outPerGroup
                    let out = target + c * targetStride
                    for r in 0..<stride {
                        let row = source + ((g * stride + r) * outPerGroup + o) * sourceStride
                        for t in 0..<length { out[t * stride + r] = row[t] }
                    }
                }
            }
        }
    }
}
