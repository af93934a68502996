/// A causal 1-D convolution (stride 1) that takes its input in pieces. It keeps the last
/// `(kernel − 1)·dilation` input samples of every channel, so feeding a signal piece by piece
/// gives exactly the samples of one ``Conv1d`` pass over the whole signal with
/// `Padding.causal` (zeros before the start), whatever the piece sizes. Streaming decoders
/// (codecs that turn a few frames at a time into audio) chain these.
///
/// Not thread-safe: the history belongs to one stream; call ``reset()`` before the next one.
public final class StreamingConv1d: @unchecked Sendable {
    /// The convolution without padding, applied to history ‖ piece.
    public let convolution: Conv1d
    /// The same convolution on AMX bf16 tiles, when the caller accepted bfloat16 rounding
    /// (``TileConv1d``'s error bound) and the CPU has them; used instead of `convolution`.
    public let tiles: TileConv1d?
    /// Input samples per channel carried from one piece to the next.
    public let historyLength: Int
    /// `[in, historyLength]`, the most recent input samples (zeros at the start of a stream).
    private let history: Tensor

    /// Weight `[out, in/groups, kernel]` and bias `[out]` as PyTorch stores them. With
    /// `allowTiles`, ungrouped convolutions whose output channels are a multiple of 32 run on
    /// ``TileConv1d`` where the CPU offers it.
    public init(weight: Tensor, bias: Tensor? = nil, dilation: Int = 1, groups: Int = 1, allowTiles: Bool = false) {
        convolution = Conv1d(weight: weight, bias: bias, stride: 1, padding: .none, dilation: dilation, groups: groups)
        tiles = allowTiles && groups == 1 ? TileConv1d(weight: weight, bias: bias, padding: .none, dilation: dilation) : nil
        historyLength = (convolution.kernelSize - 1) * dilation
        history = Tensor(zeros: [convolution.inChannels, historyLength])
    }

    public var inChannels: Int { convolution.inChannels }
    public var outChannels: Int { convolution.outChannels }

    /// Starts a new stream (zero history).
    public func reset() { history.fill(0) }

    /// The input samples carried to the next piece (`[in, historyLength]`, row-major): one
    /// stream's state, which a caller can set aside and put back to interleave several streams
    /// on one convolution.
    public var carriedInput: [Float] {
        get { history.toArray() }
        set {
            precondition(newValue.count == history.count, "carried input needs \(history.count) values, got \(newValue.count)")
            guard !newValue.isEmpty else { return }
            withExtendedLifetime(history) {
                newValue.withUnsafeBufferPointer { history.pointer.update(from: $0.baseAddress!, count: $0.count) }
            }
        }
    }

    /// The next `[out, T]` output samples for the next `[in, T]` input samples, from `workspace`.
    public func callAsFunction(_ x: Tensor, workspace: Workspace) -> Tensor {
        let y = workspace.tensor([outChannels, x.shape[1]])
        apply(x, into: y, workspace: workspace)
        return y
    }

    /// Writes the output for the piece `x` `[in, T]` into `y` `[out, T]` and remembers the tail
    /// of the input for the next piece.
    public func apply(_ x: Tensor, into y: Tensor, workspace: Workspace) {
        precondition(x.rank == 2 && x.shape[0] == inChannels, "StreamingConv1d expects [\(inChannels), T], got \(x.shape)")
        precondition(y.rank == 2 && y.shape == [outChannels, x.shape[1]],
                     "StreamingConv1d output should be [\(outChannels), \(x.shape[1])], got \(y.shape)")
        let length = x.shape[1]
        guard length > 0 else { return }
        guard historyLength > 0 else {
            run(x, into: y, workspace: workspace)
            return
        }
        let mark = workspace.mark()
        defer { workspace.release(to: mark) }
        let span = historyLength
        let joined = workspace.tensor([inChannels, span + length])
        joined.sliced(axis: 1, 0..<span).copy(from: history)
        joined.sliced(axis: 1, span..<span + length).copy(from: x)
        run(joined, into: y, workspace: workspace)
        history.copy(from: joined.sliced(axis: 1, length..<length + span))
    }

    private func run(_ x: Tensor, into y: Tensor, workspace: Workspace) {
        if let tiles, y.hasDenseRows {
            tiles.apply(x, into: y, workspace: workspace)
        } else {
            convolution.apply(x, into: y, workspace: workspace)
        }
    }
}
