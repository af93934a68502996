/// Transposed 1-D convolution over `[channels, time]` (PyTorch `ConvTranspose1d`, batch 1).
///
/// The weight is given in PyTorch's layout `[in, out/groups, kernel]`. The general path is one
/// sgemm per time tile and group producing every (output channel, tap) row for each input step,
/// then a scatter-add (col2im) into the output; depthwise layers use a direct loop.
/// Output length: (T − 1)·stride − 2·padding + dilation·(kernel − 1) + outputPadding + 1.
public struct ConvTranspose1d: Sendable {
    public let inChannels: Int
    public let outChannels: Int
    public let kernelSize: Int
    public let stride: Int
    public let padding: Int
    public let outputPadding: Int
    public let dilation: Int
    public let groups: Int
    public let bias: Tensor?
    /// Floats of column buffer per tile.
    public var columnBudget: Int = 1 << 17

    /// `[groups, out/groups·kernel, in/groups]`: row (o, j) holds the weights feeding tap j of
    /// output channel o, so one sgemm against the input gives all taps at once.
    let columnWeights: Tensor
    /// `[channels, kernel]` for the depthwise path.
    let depthwiseWeights: Tensor

    public init(weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0, outputPadding: Int = 0,
                dilation: Int = 1, groups: Int = 1) {
        precondition(weight.rank == 3, "ConvTranspose1d weight must be [in, out/groups, kernel], got \(weight.shape)")
        precondition(stride >= 1 && dilation >= 1 && groups >= 1 && padding >= 0 && outputPadding >= 0,
                     "invalid transposed convolution geometry")
        precondition(outputPadding < max(stride, dilation), "output padding must be smaller than stride or dilation")
        let inCh = weight.shape[0], outPerGroup = weight.shape[1], k = weight.shape[2]
        precondition(inCh % groups == 0, "in channels \(inCh) not divisible by groups \(groups)")
        inChannels = inCh
        outChannels = outPerGroup * groups
        kernelSize = k
        self.stride = stride
        self.padding = padding
        self.outputPadding = outputPadding
        self.dilation = dilation
        self.groups = groups
        precondition(bias.map { $0.count == outPerGroup * groups } ?? true, "bias length must equal out channels")
        self.bias = bias.map { $0.contiguous().reshaped([-1]) }

        let w = weight.contiguous()
        let inPerGroup = inCh / groups
        let cols = Tensor(zeros: [groups, outPerGroup * k, inPerGroup])
        for g in 0..<groups {
            for i in 0..<inPerGroup {
                for o in 0..<outPerGroup {
                    for j in 0..<k {
                        cols.pointer[(g * outPerGroup * k + o * k + j) * inPerGroup + i] =
                            w.pointer[((g * inPerGroup + i) * outPerGroup + o) * k + j]
                    }
                }
            }
        }
        columnWeights = cols
        depthwiseWeights = inPerGroup == 1 && outPerGroup == 1 ? w.reshaped([inCh, k]) : Tensor(zeros: [0])
    }

    var isDepthwise: Bool { inChannels == groups && outChannels == groups }

    public func outputLength(inputLength length: Int) -> Int {
        (length - 1) * stride - 2 * padding + dilation * (kernelSize - 1) + outputPadding + 1
    }

    /// `x` `[in, T]` → `[out, T']` in a tensor from `workspace`.
    public func callAsFunction(_ x: Tensor, workspace: Workspace) -> Tensor {
        let y = workspace.tensor([outChannels, outputLength(inputLength: x.shape[1])])
        apply(x, into: y, workspace: workspace)
        return y
    }

    /// Writes the transposed convolution of `x` `[in, T]` into `y` `[out, T']`.
    public func apply(_ x: Tensor, into y: Tensor, workspace: Workspace) {
        precondition(x.rank == 2 && x.shape[0] == inChannels, "ConvTranspose1d expects [\(inChannels), T], got \(x.shape)")
        let length = x.shape[1]
        let outLength = outputLength(inputLength: length)
        precondition(outLength > 0, "output would be empty")
        precondition(y.rank == 2 && y.shape[0] == outChannels && y.shape[1] == outLength,
                     "ConvTranspose1d output should be [\(outChannels), \(outLength)], got \(y.shape)")
        precondition(y.hasDenseRows, "ConvTranspose1d output needs dense rows")
        let mark = workspace.mark()
        defer { workspace.release(to: mark) }
        let input = x.denseRows(in: workspace)
        withExtendedLifetime((input, y)) {
            let yStride = y.rowStride
            parallelFor(outChannels, minimumPerThread: max(1, 65536 / outLength)) { range in
                for c in range { (y.pointer + c * yStride).update(repeating: bias?.pointer[c] ?? 0, count: outLength) }
            }
            if isDepthwise {
                depthwise(input, y)
            } else {
                general(input, y, workspace: workspace)
            }
        }
    }

    /// Adds `value(t)` for input steps t0..<t0+width of tap `j` into output row `out`.
    @inline(__always)
    private func scatter(_ out: UnsafeMutablePointer<Float>, outLength: Int, tap j: Int, t0: Int, width: Int,
                         _ value: (Int) -> Float) {
        // Output index of input step t: t·stride + j·dilation − padding; keep those in range.
        let shift = j * dilation - padding
        var first = t0
        if t0 * stride + shift < 0 { first = (-shift + stride - 1) / stride }
        var last = t0 + width  // exclusive
        let limit = (outLength - 1 - shift)
        if limit < 0 { return }
        last = min(last, limit / stride + 1)
        if first >= last { return }
        let base = out + shift
        for t in first..<last { base[t * stride] += value(t - t0) }
    }

    private func general(_ x: Tensor, _ y: Tensor, workspace: Workspace) {
        let inPerGroup = inChannels / groups, outPerGroup = outChannels / groups
        let rows = outPerGroup * kernelSize
        let length = x.shape[1], outLength = y.shape[1]
        let tile = min(length, max(16, columnBudget / rows))
        let yStride = y.rowStride, xStride = x.rowStride
        workspace.withScratch(rows * tile) { columns in
            var t0 = 0
            while t0 < length {
                let width = min(tile, length - t0)
                for g in 0..<groups {
                    BLAS.sgemm(m: rows, n: width, k: inPerGroup, a: columnWeights.pointer + g * rows * inPerGroup,
                               lda: inPerGroup, b: x.pointer + g * inPerGroup * xStride + t0, ldb: xStride,
                               c: columns, ldc: width)
                    parallelFor(outPerGroup, minimumPerThread: max(1, 16384 / (width * kernelSize))) { range in
                        for o in range {
                            let out = y.pointer + (g * outPerGroup + o) * yStride
                            for j in 0..<kernelSize {
                                let col = columns + (o * kernelSize + j) * width
                                scatter(out, outLength: outLength, tap: j, t0: t0, width: width) { col[$0] }
                            }
                        }
                    }
                }
                t0 += width
            }
        }
    }

    private func depthwise(_ x: Tensor, _ y: Tensor) {
        let length = x.shape[1], outLength = y.shape[1]
        let yStride = y.rowStride, xStride = x.rowStride
        parallelFor(outChannels, minimumPerThread: max(1, 16384 / (length * kernelSize))) { range in
            for c in range {
                let src = x.pointer + c * xStride
                let out = y.pointer + c * yStride
                for j in 0..<kernelSize {
                    let w = depthwiseWeights.pointer[c * kernelSize + j]
                    scatter(out, outLength: outLength, tap: j, t0: 0, width: length) { src[$0] * w }
                }
            }
        }
    }
}
