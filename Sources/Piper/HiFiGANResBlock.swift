import SottoKernels

/// HiFi-GAN's residual blocks. ResBlock1 (high tier): steps of (LeakyReLU, dilated conv,
/// LeakyReLU, conv) added to the step's input; ResBlock2 (x_low to medium): steps of
/// (LeakyReLU, dilated conv) added to the input.
struct HiFiGANResBlock {
    /// Each step's convolutions in order; the last one's output is added to the step's input.
    let steps: [[DirectConv1d]]
    /// Columns of input the block reads left and right of each output column.
    let reachLeft: Int
    let reachRight: Int

    static func firstWeight(_ weights: PiperWeights) -> String {
        weights.has("dec.resblocks.0.convs1.0.weight") ? "convs1.0.weight" : "convs.0.weight"
    }

    init(weights: PiperWeights, module: String) throws {
        if weights.has(module + ".convs1.0.weight") {
            let count = weights.count(module + ".convs1", "weight")
            steps = try (0 ..< count).map { i in
                [try weights.directConv("\(module).convs1.\(i)"), try weights.directConv("\(module).convs2.\(i)")]
            }
        } else {
            let count = weights.count(module + ".convs", "weight")
            steps = try (0 ..< count).map { i in [try weights.directConv("\(module).convs.\(i)")] }
        }
        guard let first = steps.first?.first,
              steps.allSatisfy({ $0.allSatisfy { $0.inChannels == first.inChannels && $0.outChannels == first.inChannels } }) else {
            throw weights.malformed(module, "convolutions differ in width")
        }
        // Every convolution keeps the length (the residual is added column by column).
        let convolutions = steps.flatMap { $0 }
        guard convolutions.allSatisfy({ $0.padding.left + $0.padding.right == $0.dilation * ($0.kernelSize - 1)
                                         && $0.padding.mode == .zeros }) else {
            throw weights.malformed(module, "a convolution changes the length")
        }
        reachLeft = convolutions.reduce(0) { $0 + $1.padding.left }
        reachRight = convolutions.reduce(0) { $0 + $1.padding.right }
    }

    var channels: Int { steps[0][0].inChannels }
}

/// Runs one decoder stage's residual blocks and their mean over tiles of time, so that a tile's
/// intermediates stay in the core's cache instead of streaming the whole signal through memory
/// once per convolution: for each tile each block starts from the upsampled signal around it
/// (plus the columns its convolutions reach), works through its steps on shrinking ranges, and
/// adds its result into the stage's sum. Columns outside the signal are held at zero, as the
/// reference's zero padding of every convolution's input requires.
struct TiledResidualStage {
    let blocks: [HiFiGANResBlock]
    let slope: Float

    /// Columns of input the stage reads left and right of each output column.
    var reachLeft: Int { blocks.map(\.reachLeft).max() ?? 0 }
    var reachRight: Int { blocks.map(\.reachRight).max() ?? 0 }

    /// sum = mean over blocks of block(up), then LeakyReLU(`outputSlope`) (1: none), all `[C, L]`.
    /// `up` may be a window of a wider signal (rows dense, any row stride).
    func run(_ up: Tensor, into sum: Tensor, outputSlope: Float, workspace: Workspace) {
        let channels = up.shape[0], length = up.shape[1]
        let tiling = Tiling(stage: self, channels: channels, length: length)
        let shares = tiling.shares, width = tiling.width, stride = tiling.stride, slot = tiling.slot
        let mark = workspace.mark()
        defer { workspace.release(to: mark) }
        let scratch = workspace.tensor([shares * slot])
        let source = up.hasDenseRows ? up : up.contiguous(in: workspace)
        withExtendedLifetime((scratch, source, sum)) {
            let base = scratch.pointer, upPointer = UnsafePointer(source.pointer), sumPointer = sum.pointer
            let signal = Signal(pointer: upPointer, stride: source.rowStride, length: length)
            let sumStride = sum.rowStride
            parallelParts(shares) { part, _ in
                let y = base + part * slot, staged = y + channels * stride, hidden = staged + channels * stride
                let buffers = TileBuffers(current: y, staged: staged, hidden: hidden, stride: stride, channels: channels)
                let end = length * (part + 1) / shares
                var t0 = length * part / shares
                while t0 < end {
                    let t1 = min(end, t0 + width)
                    for (j, block) in blocks.enumerated() {
                        let last = j == blocks.count - 1
                        let target = Target(pointer: sumPointer + t0, stride: sumStride, accumulate: j > 0,
                                            divisor: last ? Float(blocks.count) : 1, slope: last ? outputSlope : 1)
                        runBlock(block, signal, t0: t0, t1: t1, buffers: buffers, target: target)
                    }
                    t0 = t1
                }
            }
        }
    }

    /// Floats of workspace ``run(_:into:outputSlope:workspace:)`` takes for `[channels, length]`
    /// whose rows are dense (it gives them back on return).
    func scratchFloats(channels: Int, length: Int) -> Int {
        let tiling = Tiling(stage: self, channels: channels, length: length)
        return Workspace.footprint(tiling.shares * tiling.slot)
    }

    /// How the columns are cut. Every thread takes an equal share of them, cut into tiles of
    /// equal width (in whole 24-column register tiles), so that no thread waits for another at
    /// the end; each thread's three tile buffers take about 1.5 MB (a core's L2 holds 2 MB).
    private struct Tiling {
        let shares: Int
        let width: Int
        /// Row stride of the tile buffers, and the floats of one thread's three buffers.
        let stride: Int
        let slot: Int

        init(stage: TiledResidualStage, channels: Int, length: Int) {
            let reach = stage.reachLeft + stage.reachRight
            let budget = max(96, 1_500_000 / (12 * channels) - reach)
            shares = max(1, min(KernelThreads.count, length / 48))
            let share = (length + shares - 1) / shares
            let tilesPerShare = (share + budget - 1) / budget
            width = ((share + tilesPerShare - 1) / tilesPerShare + 23) / 24 * 24
            stride = (width + reach + 15) / 16 * 16
            slot = 3 * channels * stride
        }
    }

    /// The block input's rows: `length` columns each, `stride` floats apart.
    private struct Signal {
        let pointer: UnsafePointer<Float>
        let stride: Int
        let length: Int
    }

    private struct TileBuffers {
        let current: UnsafeMutablePointer<Float>
        let staged: UnsafeMutablePointer<Float>
        let hidden: UnsafeMutablePointer<Float>
        let stride: Int
        let channels: Int
    }

    private struct Target {
        let pointer: UnsafeMutablePointer<Float>
        let stride: Int
        let accumulate: Bool
        let divisor: Float
        let slope: Float
    }

    /// One block over output columns [t0, t1). Buffers hold columns from `origin` on.
    private func runBlock(_ block: HiFiGANResBlock, _ up: Signal, t0: Int, t1: Int, buffers b: TileBuffers,
                          target: Target) {
        let length = up.length, origin = t0 - block.reachLeft
        var lo = origin, hi = t1 + block.reachRight
        // The block's input: the upsampled signal, zero beyond its ends.
        let first = max(lo, 0), end = min(hi, length)
        for c in 0 ..< b.channels {
            let row = b.current + c * b.stride - origin
            if lo < first { (row + lo).update(repeating: 0, count: first - lo) }
            (row + first).update(from: up.pointer + c * up.stride + first, count: end - first)
            if end < hi { (row + end).update(repeating: 0, count: hi - end) }
        }
        for (s, step) in block.steps.enumerated() {
            var input = UnsafePointer(b.current)
            for (k, conv) in step.enumerated() {
                stageActivated(input, lo: lo, hi: hi, origin: origin, buffers: b)
                let outLo = lo + conv.padding.left, outHi = hi - conv.padding.right
                let staged = UnsafePointer(b.staged + (lo - origin))
                let finalStep = s == block.steps.count - 1, lastConv = k == step.count - 1
                if lastConv && finalStep {
                    conv.applyStaged(staged, inputStride: b.stride, count: t1 - t0, into: target.pointer,
                                     outputStride: target.stride, residual: UnsafePointer(b.current + (t0 - origin)),
                                     residualStride: b.stride, accumulate: target.accumulate, divisor: target.divisor,
                                     outputSlope: target.slope)
                } else {
                    let out = lastConv ? b.current : b.hidden
                    conv.applyStaged(staged, inputStride: b.stride, count: outHi - outLo, into: out + (outLo - origin),
                                     outputStride: b.stride,
                                     residual: lastConv ? UnsafePointer(b.current + (outLo - origin)) : nil,
                                     residualStride: b.stride)
                    zeroOutside(out, lo: outLo, hi: outHi, length: length, origin: origin, buffers: b)
                    input = UnsafePointer(out)
                }
                lo = outLo
                hi = outHi
            }
        }
    }

    /// staged = LeakyReLU(input) over columns [lo, hi).
    private func stageActivated(_ input: UnsafePointer<Float>, lo: Int, hi: Int, origin: Int, buffers b: TileBuffers) {
        let slope = self.slope, count = hi - lo
        for c in 0 ..< b.channels {
            let src = input + c * b.stride + (lo - origin), dst = b.staged + c * b.stride + (lo - origin)
            for i in 0 ..< count {
                let v = src[i]
                dst[i] = v < 0 ? v * slope : v
            }
        }
    }

    /// Columns of [lo, hi) that lie outside the signal back to zero.
    private func zeroOutside(_ buffer: UnsafeMutablePointer<Float>, lo: Int, hi: Int, length: Int, origin: Int,
                             buffers b: TileBuffers) {
        let before = min(hi, 0) - lo, after = hi - max(lo, length)
        for c in 0 ..< b.channels {
            let row = buffer + c * b.stride
            if before > 0 { (row + (lo - origin)).update(repeating: 0, count: before) }
            if after > 0 { (row + (max(lo, length) - origin)).update(repeating: 0, count: after) }
        }
    }
}
