import CKernels

/// The byte path of ``IntegerConv1d`` (AVX-512 VNNI or AVX-VNNI): the input is quantised as ONNX's
/// DynamicQuantizeLinear does it, to uint8 with one scale and zero point over the whole tensor
/// (its range stretched to include 0, 255 steps), and convolved with the export's uint8 weights
/// in exact int32 sums, as onnxruntime's ConvInteger does after it (`sotto_conv1d_q8`). Padding
/// columns are quantised zeros, i.e. the zero point.
extension IntegerConv1d {
    func applyBytes(_ x: Tensor, snake: ChannelSnake?, into y: Tensor, accumulate: Bool, workspace: Workspace) {
        let quantization = snake.map { ByteQuantization(lowest: $0.lowest, highest: $0.highest) }
            ?? ByteQuantization(finiteRangeOf: x)
        let outLength = y.shape[1], tile = Int(SOTTO_CONV1D_Q8_TILE)
        // Four channels' bytes side by side per column.
        let packing = Packing(channels: 4, tile: tile) { rows, rowStride, present, count, out in
            func row(_ h: Int) -> UnsafePointer<Float>? { h < present ? rows + h * rowStride : nil }
            sotto_u8_interleave_quad(row(0), row(1), row(2), row(3), Int32(count), quantization.inverse,
                                     quantization.zeroPoint, out.assumingMemoryBound(to: UInt32.self))
        }
        let scale = weightScale * quantization.scale, xZero = UInt8(quantization.zeroPoint), path = bytePath
        let blockRows = Int(SOTTO_CONV1D_Q8_BLOCK), blockBytes = kernelSize * ((inChannels + 3) / 4) * blockRows * 4
        withExtendedLifetime((y, bias)) {
            let biasPointer: UnsafePointer<Float>? = bias.map { UnsafePointer($0.pointer) }
            let out = y.pointer, ldo = y.rowStride
            packed.withUnsafeBytes { raw in
                weightSums.withUnsafeBufferPointer { sumsBuffer in
                    let w = raw.baseAddress!.assumingMemoryBound(to: Int8.self), sums = sumsBuffer.baseAddress!
                    convolve(x, snake: snake, packing, window: tile * 10, sweep: tile * 5, blockRows: blockRows,
                             minimumWork: 4_000_000, outLength: outLength, workspace: workspace) { words, stride, column, t0, t1, b0, rows in
                        sotto_conv1d_q8(words.assumingMemoryBound(to: UInt32.self), stride, Int32(inChannels),
                                        Int32(kernelSize), Int32(dilation), w + b0 * blockBytes, sums + b0 * blockRows,
                                        zeroPoint, xZero, scale, biasPointer.map { $0 + b0 * blockRows }, Int32(rows),
                                        out + b0 * blockRows * ldo + column, ldo, accumulate ? 1 : 0, Int32(t0), Int32(t1), path)
                    }
                }
            }
        }
    }
}
