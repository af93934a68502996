/// A transposed 1-D convolution (kernel ≥ stride, no padding) that takes its input in pieces.
/// Every input sample yields `stride` output samples; the `kernel − stride` samples of overlap
/// that spill past a piece's end are carried into the next piece. So n input samples give
/// exactly n·stride output samples, equal to PyTorch's `ConvTranspose1d` output over the whole
/// signal with its last `kernel − stride` samples trimmed (the causal upsampling of streaming
/// vocoders), whatever the piece sizes.
///
/// Not thread-safe: the carried overlap belongs to one stream; call ``reset()`` before the next.
public final class StreamingConvTranspose1d: @unchecked Sendable {
    /// The convolution without bias: the bias is added once per emitted sample, not to the
    /// overlap that is still being summed.
    public let convolution: ConvTranspose1d
    public let bias: Tensor?
    /// Output samples per channel carried to the next piece (`kernel − stride`).
    public let overlap: Int
    /// `[out, overlap]`, partial sums of the next piece's first output samples.
    private let carry: Tensor

    /// Weight `[in, out/groups, kernel]` and bias `[out]` as PyTorch stores them.
    public init(weight: Tensor, bias: Tensor? = nil, stride: Int, groups: Int = 1) {
        precondition(weight.rank == 3 && weight.shape[2] >= stride, "kernel must be at least the stride")
        let convolution = ConvTranspose1d(weight: weight, bias: nil, stride: stride, groups: groups)
        precondition(bias.map { $0.count == convolution.outChannels } ?? true, "bias length must equal out channels")
        self.convolution = convolution
        self.bias = bias.map { $0.contiguous().reshaped([-1]) }
        overlap = convolution.kernelSize - stride
        carry = Tensor(zeros: [convolution.outChannels, overlap])
    }

    public var inChannels: Int { convolution.inChannels }
    public var outChannels: Int { convolution.outChannels }
    public var stride: Int { convolution.stride }

    /// Starts a new stream (nothing carried).
    public func reset() { carry.fill(0) }

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
        let full = workspace.tensor([outChannels, emitted + overlap])
        convolution.apply(x, into: full, workspace: workspace)
        let channels = outChannels, overlap = self.overlap
        withExtendedLifetime((full, y, carry, bias)) {
            let fullStride = full.rowStride, yStride = y.rowStride
            let carried = carry.pointer, b = bias?.pointer
            parallelFor(channels, minimumPerThread: max(1, 32768 / max(emitted, 1))) { range in
                for c in range {
                    let row = full.pointer + c * fullStride
                    let pending = carried + c * overlap
                    for i in 0..<overlap { row[i] += pending[i] }
                    let shift = b?[c] ?? 0
                    let out = y.pointer + c * yStride
                    for i in 0..<emitted { out[i] = row[i] + shift }
                    for i in 0..<overlap { pending[i] = row[emitted + i] }
                }
            }
        }
    }
}
