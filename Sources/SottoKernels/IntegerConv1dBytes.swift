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
        let blockRows = Int(SOTTO_CONV1D_Q8_BLOCK), blockBytes = kernelSize * quads * blockRows * 4
        let scale = weightScale * quantization.scale, xZero = UInt8(quantization.zeroPoint)
        withExtendedLifetime((staged, y, bias)) {
            let xs = UnsafeRawPointer(staged.pointer).assumingMemoryBound(to: UInt32.self)
            let biasPointer: UnsafePointer<Float>? = bias.map { UnsafePointer($0.pointer) }
            let out = y.pointer, ldo = y.rowStride
            withWeights { w, sums in
                forEachPart(outLength: outLength, sweep: tile * 5, blockRows: blockRows, minimumWork: 4_000_000) { t0, t1, b0, rows in
                    sotto_conv1d_q8(xs, stride, Int32(inChannels), Int32(kernelSize), Int32(dilation),
                                    w + b0 * blockBytes, sums + b0 * blockRows, zeroPoint, xZero, scale,
                                    biasPointer.map { $0 + b0 * blockRows }, Int32(rows), out + b0 * blockRows * ldo,
                                    ldo, accumulate ? 1 : 0, Int32(t0), Int32(t1), bytePath)
                }
            }
        }
    }

    /// The packed weights as the byte kernel reads them, and their sums per output channel.
    private func withWeights(_ body: (UnsafePointer<Int8>, UnsafePointer<Int32>) -> Void) {
        packed.withUnsafeBytes { raw in
            weightSums.withUnsafeBufferPointer { sums in
                body(raw.baseAddress!.assumingMemoryBound(to: Int8.self), sums.baseAddress!)
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
                withWeights { w, s in
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
