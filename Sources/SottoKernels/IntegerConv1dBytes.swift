import CKernels

/// The byte path of ``IntegerConv1d`` (AVX-512 VNNI or AVX-VNNI): the input is quantised as ONNX's
/// DynamicQuantizeLinear does it, to uint8 with one scale and zero point over the whole tensor
/// (its range stretched to include 0, 255 steps), and convolved with the export's uint8 weights
/// in exact int32 sums, as onnxruntime's ConvInteger does after it (`sotto_conv1d_q8`). Padding
/// columns are quantised zeros, i.e. the zero point.
extension IntegerConv1d {
    /// The uint8 quantisation of one tensor: `x ≈ (q − zeroPoint) · scale`.
    struct ByteQuantization {
        let scale: Float
        let inverse: Float
        let zeroPoint: Int32

        /// DynamicQuantizeLinear's parameters for values in [lowest, highest].
        init(lowest: Float, highest: Float) {
            let low = min(0, lowest), high = max(0, highest)
            let scale = (high - low) / 255
            guard scale > 0, scale.isFinite else {
                self.scale = 0
                inverse = 0
                zeroPoint = 0
                return
            }
            self.scale = scale
            inverse = 1 / scale
            zeroPoint = Int32(min(255, max(0, (-low / scale).rounded(.toNearestOrEven))))
        }
    }

    func applyBytes(_ x: Tensor, snake: ChannelSnake?, into y: Tensor, accumulate: Bool, workspace: Workspace) {
        let quantization = snake.map { ByteQuantization(lowest: $0.lowest, highest: $0.highest) }
            ?? Self.byteQuantization(x)
        let length = x.shape[1], outLength = y.shape[1]
        let tile = Int(SOTTO_CONV1D_Q8_TILE), window = tile * 10
        let windows = (outLength + window - 1) / window
        if padding.mode == .zeros, windows >= 2 * KernelThreads.count {
            applyBytesByWindows(x, snake: snake, quantization: quantization, window: window, into: y,
                                accumulate: accumulate, workspace: workspace)
            return
        }
        let mark = workspace.mark()
        defer { workspace.release(to: mark) }
        let paddedLength = length + padding.left + padding.right
        // Readable columns past the output's last tile (see `sotto_conv1d_q8`), whole cache lines.
        let stride = (paddedLength + tile + 15) / 16 * 16
        let quads = (inChannels + 3) / 4
        // Four bytes per column per group of four channels: one float's worth.
        let staged = workspace.tensor([quads, stride])
        let rowScratch = 4 * paddedLength
        let grain = max(1, 8192 / max(paddedLength, 1))
        let parts = parallelPartCount(quads, minimumPerThread: grain)
        withExtendedLifetime((x, staged)) {
            let dst = UnsafeMutableRawPointer(staged.pointer).assumingMemoryBound(to: UInt32.self)
            workspace.withScratch(parts * rowScratch) { scratch in
                parallelParts(quads, minimumPerThread: grain) { part, range in
                    let rows = scratch + part * rowScratch
                    for q in range {
                        var present: [UnsafePointer<Float>?] = [nil, nil, nil, nil]
                        for h in 0..<4 where 4 * q + h < inChannels {
                            let row = rows + h * paddedLength
                            stageRow(x, channel: 4 * q + h, snake: snake, into: row)
                            present[h] = UnsafePointer(row)
                        }
                        let out = dst + q * stride
                        sotto_u8_interleave_quad(present[0], present[1], present[2], present[3], Int32(paddedLength),
                                                 quantization.inverse, quantization.zeroPoint, out)
                        (out + paddedLength).update(repeating: 0, count: stride - paddedLength)
                    }
                }
            }
        }
        let sweep = tile * 5
        let chunks = (outLength + sweep - 1) / sweep
        // A short signal (the decoder's frame-rate convolutions) is also split by output blocks.
        let blockRows = Int(SOTTO_CONV1D_Q8_BLOCK)
        let blocks = (outChannels + blockRows - 1) / blockRows
        let wanted = 2 * KernelThreads.count
        let groups = chunks >= wanted ? 1 : min(blocks, (wanted + chunks - 1) / chunks)
        let blockBytes = kernelSize * quads * blockRows * 4
        let work = (blocks / groups) * blockRows * inChannels * kernelSize * sweep
        let scale = weightScale * quantization.scale, xZero = UInt8(quantization.zeroPoint)
        withExtendedLifetime((staged, y, bias)) {
            let xs = UnsafeRawPointer(staged.pointer).assumingMemoryBound(to: UInt32.self)
            let biasPointer: UnsafePointer<Float>? = bias.map { UnsafePointer($0.pointer) }
            let out = y.pointer, ldo = y.rowStride
            packed.withUnsafeBytes { raw in
                let w = raw.baseAddress!.assumingMemoryBound(to: Int8.self)
                weightSums.withUnsafeBufferPointer { sums in
                    let s = sums.baseAddress!
                    parallelParts(chunks * groups, minimumPerThread: max(1, 4_000_000 / max(work, 1))) { _, range in
                        for part in range {
                            let chunk = part / groups, group = part % groups
                            let b0 = group * blocks / groups, b1 = (group + 1) * blocks / groups
                            let t0 = chunk * sweep, t1 = min(outLength, t0 + sweep)
                            let rows = min(outChannels, b1 * blockRows) - b0 * blockRows
                            guard t0 < t1, rows > 0 else { continue }
                            sotto_conv1d_q8(xs, stride, Int32(inChannels), Int32(kernelSize), Int32(dilation),
                                            w + b0 * blockBytes, s + b0 * blockRows, zeroPoint, xZero, scale,
                                            biasPointer.map { $0 + b0 * blockRows }, Int32(rows), out + b0 * blockRows * ldo,
                                            ldo, accumulate ? 1 : 0, Int32(t0), Int32(t1), bytePath)
                        }
                    }
                }
            }
        }
    }

    /// A long signal, window by window, as ``IntegerConv1d`` does it for 16-bit activations: each
    /// thread stages the columns its windows read into scratch of its own, carrying the overlap
    /// of consecutive windows over. Zero padding only.
    private func applyBytesByWindows(_ x: Tensor, snake: ChannelSnake?, quantization: ByteQuantization, window: Int,
                                     into y: Tensor, accumulate: Bool, workspace: Workspace) {
        let outLength = y.shape[1], windows = (outLength + window - 1) / window
        let span = dilation * (kernelSize - 1) + 1, tile = Int(SOTTO_CONV1D_Q8_TILE)
        let columns = window + span - 1
        let stride = (columns + tile + 15) / 16 * 16
        let quads = (inChannels + 3) / 4
        let perPart = quads * stride + 4 * columns
        let parts = parallelPartCount(windows)
        let scale = weightScale * quantization.scale, xZero = UInt8(quantization.zeroPoint)
        workspace.withScratch(parts * perPart) { scratch in
            withExtendedLifetime((x, y, bias)) {
                let biasPointer: UnsafePointer<Float>? = bias.map { UnsafePointer($0.pointer) }
                let out = y.pointer, ldo = y.rowStride
                packed.withUnsafeBytes { raw in
                    let w = raw.baseAddress!.assumingMemoryBound(to: Int8.self)
                    weightSums.withUnsafeBufferPointer { sums in
                        let s = sums.baseAddress!
                        parallelParts(windows) { part, range in
                            let base = scratch + part * perPart
                            let staged = UnsafeMutableRawPointer(base).assumingMemoryBound(to: UInt32.self)
                            let rows = base + quads * stride
                            for index in range {
                                let t0 = index * window, t1 = min(outLength, t0 + window)
                                let width = t1 - t0 + span - 1
                                // The previous window of this range staged this one's first
                                // span − 1 columns as its last: they are moved, not mapped again.
                                let kept = index > range.lowerBound ? span - 1 : 0
                                let fresh = width - kept
                                for q in 0..<quads {
                                    let row = staged + q * stride
                                    if kept > 0 { row.update(from: row + window, count: kept) }
                                    var present: [UnsafePointer<Float>?] = [nil, nil, nil, nil]
                                    for h in 0..<4 where 4 * q + h < inChannels {
                                        let floats = rows + h * columns
                                        stageColumns(x, channel: 4 * q + h, from: t0 + kept, count: fresh, snake: snake,
                                                     into: floats)
                                        present[h] = UnsafePointer(floats)
                                    }
                                    sotto_u8_interleave_quad(present[0], present[1], present[2], present[3], Int32(fresh),
                                                             quantization.inverse, quantization.zeroPoint, row + kept)
                                    (row + width).update(repeating: 0, count: stride - width)
                                }
                                sotto_conv1d_q8(UnsafePointer(staged), stride, Int32(inChannels), Int32(kernelSize),
                                                Int32(dilation), w, s, zeroPoint, xZero, scale, biasPointer,
                                                Int32(outChannels), out + t0, ldo, accumulate ? 1 : 0, 0, Int32(t1 - t0), bytePath)
                            }
                        }
                    }
                }
            }
        }
    }

    /// DynamicQuantizeLinear's parameters for the finite values of a `[C, T]` tensor.
    static func byteQuantization(_ x: Tensor) -> ByteQuantization {
        var lowest: Float = 0, highest: Float = 0
        withExtendedLifetime(x) {
            for c in 0..<x.shape[0] {
                var lo: Float = 0, hi: Float = 0
                sotto_min_max_finite(x.pointer + c * x.rowStride, x.shape[1], &lo, &hi)
                lowest = min(lowest, lo)
                highest = max(highest, hi)
            }
        }
        return ByteQuantization(lowest: lowest, highest: highest)
    }
}
