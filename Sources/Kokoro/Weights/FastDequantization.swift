import SottoKernels
import SottoONNX

/// Dequantisation straight from the file's bytes into kernel tensors for the two forms that hold
/// nearly all of Kokoro's weights (per-tensor uint8 convolutions, per-channel int8 Linear
/// layers), one vectorisable pass each; other forms go through SottoONNX's general path.
/// Loading time is dominated by these 78 M values, so the single pass matters for cold start.
extension KokoroWeights {
    /// The convolution on the integer kernel, straight from the file's bytes, when the model's
    /// tier runs it there and the weights are one uint8/int8 tensor with one scale and zero point
    /// (int8 bytes are shifted by 128 into uint8, with the zero point). Nil otherwise.
    func integerConv(_ q: QuantizedConv) throws -> IntegerConv1d? {
        let stride = q.strides.first ?? 1, dilation = q.dilations.first ?? 1
        guard Convolution.takesIntegerWeights(stride: stride, groups: q.group, tier: tier),
              q.weight.dims.count == 3, q.scale.elementCount == 1, (q.zeroPoint?.elementCount ?? 1) == 1,
              [ONNXDataType.uint8, .int8].contains(q.weight.dataType) else { return nil }
        let scale = try q.scale.scalarFloat()
        let signed = q.weight.dataType == .int8
        let zero = Int(try q.zeroPoint?.floats().first ?? 0) + (signed ? 128 : 0)
        guard (0...255).contains(zero) else { return nil }
        let shape = q.weight.dims, n = shape.reduce(1, *)
        let pads = q.pads
        let padding = Padding(left: pads.first ?? 0, right: pads.count > 1 ? pads[1] : 0)
        let bias = try q.biasValues().map { Tensor(shape: [$0.count], values: $0) }
        // The model's tier, not the process's: a model built for a lower tier runs its kernels.
        let path = tier.kernelPath
        let conv = (try? q.weight.withRawBytes { raw -> IntegerConv1d? in
            guard raw.count >= n else { return nil }
            let bytes = UnsafeBufferPointer(start: raw.bindMemory(to: UInt8.self).baseAddress, count: n)
            if !signed {
                return IntegerConv1d(weight: bytes, shape: shape, zeroPoint: UInt8(zero), scale: scale, bias: bias,
                                     padding: padding, dilation: dilation, path: path)
            }
            let shifted = bytes.map { $0 ^ 0x80 }
            return shifted.withUnsafeBufferPointer {
                IntegerConv1d(weight: $0, shape: shape, zeroPoint: UInt8(zero), scale: scale, bias: bias,
                              padding: padding, dilation: dilation, path: path)
            }
        }) ?? nil
        guard let conv else { return nil }
        tally.add(bytes: conv.weightBytes + (bias?.count ?? 0) * MemoryLayout<Float>.stride)
        return conv
    }

    /// Conv weight `[out, in/groups, k]` = (q − zero point)·scale, when stored as raw uint8/int8
    /// bytes with one scale and one zero point.
    func fastConvWeights(_ q: QuantizedConv) throws -> Tensor? {
        guard q.scale.elementCount == 1, (q.zeroPoint?.elementCount ?? 1) == 1,
              [ONNXDataType.uint8, .int8].contains(q.weight.dataType) else { return nil }
        let scale = try q.scale.scalarFloat()
        let zero = try q.zeroPoint?.floats().first ?? 0
        q.weight.ensureRoom(forBytes: q.weight.elementCount * MemoryLayout<Float>.stride)
        let tensor = Tensor(zeros: Shape(q.weight.dims))
        let n = tensor.count
        let signed = q.weight.dataType == .int8
        guard (try? q.weight.withRawBytes({ raw -> Bool in
            guard raw.count >= n else { return false }
            let out = tensor.pointer
            if signed {
                let src = raw.bindMemory(to: Int8.self)
                for i in 0..<n { out[i] = (Float(src[i]) - zero) * scale }
            } else {
                let src = raw.bindMemory(to: UInt8.self)
                for i in 0..<n { out[i] = (Float(src[i]) - zero) * scale }
            }
            return true
        })) == true else { return nil }
        tally.add(n)
        return tensor
    }

    /// Linear weight `[out, in]` as int8 with one scale per output, from MatMulInteger's int8
    /// `[in, out]` with one scale per output channel or per tensor (symmetric, zero point 0).
    func fastLinearWeights(_ q: QuantizedLinear) throws -> (values: [Int8], scales: [Float])? {
        let inputs = q.inFeatures, outputs = q.outFeatures
        guard q.weight.dataType == .int8, q.scale.elementCount == outputs || q.scale.elementCount == 1 else { return nil }
        if let zero = q.zeroPoint, try zero.floats().contains(where: { $0 != 0 }) { return nil }
        let stored = try q.scale.floats()
        let scales = stored.count == outputs ? stored : [Float](repeating: stored[0], count: outputs)
        q.weight.ensureRoom(forBytes: inputs * outputs)
        var values = [Int8](repeating: 0, count: inputs * outputs)
        guard (try? q.weight.withRawBytes({ raw -> Bool in
            guard raw.count >= inputs * outputs else { return false }
            let src = raw.bindMemory(to: Int8.self).baseAddress!
            values.withUnsafeMutableBufferPointer { out in
                // The transpose goes in 32×32 blocks so that both sides stay in cache.
                let block = 32
                for i0 in stride(from: 0, to: inputs, by: block) {
                    for o0 in stride(from: 0, to: outputs, by: block) {
                        for o in o0..<min(o0 + block, outputs) {
                            let column = src + o, row = o * inputs
                            for i in i0..<min(i0 + block, inputs) { out[row + i] = column[i * outputs] }
                        }
                    }
                }
            }
            return true
        })) == true else { return nil }
        tally.add(bytes: inputs * outputs)
        tally.add(outputs)
        return (values, scales)
    }
}

extension KokoroWeights {
    /// PyTorch's gate block j is ONNX's block `onnxGateBlock[j]` (i←i, f←f, g←c, o←o).
    static let onnxGateBlock = [0, 2, 3, 1]

    /// Both directions of a DynamicQuantizeLSTM as int8 in PyTorch's layout `[4H, rows]` and gate
    /// order, from the int8 `[directions, rows, 4H]` bytes with one scale per direction and zero
    /// points 0 (how Kokoro stores all six); nil for any other form. The model holds them one
    /// byte each; ``LSTM`` widens them (q·scale, the same floats as a full dequantisation) per call.
    func fastLSTMWeights(_ q: QuantizedLSTM) throws -> (forward: LSTMInt8Weights, backward: LSTMInt8Weights)? {
        let directions = q.directionCount, hidden = q.hiddenSize
        guard directions == 2, q.inputWeights.dataType == .int8, q.recurrentWeights.dataType == .int8 else { return nil }
        let inputScales = try q.inputScale.floats(), recurrentScales = try q.recurrentScale.floats()
        guard inputScales.count == directions, recurrentScales.count == directions else { return nil }
        for zero in [q.inputZeroPoint, q.recurrentZeroPoint] {
            if let zero, try zero.floats().contains(where: { $0 != 0 }) { return nil }
        }
        let biases = try q.bias?.floats() ?? [Float](repeating: 0, count: directions * 8 * hidden)
        guard biases.count == directions * 8 * hidden else { return nil }

        func matrix(_ stored: ONNXTensor, rows: Int, direction: Int) -> [Int8]? {
            let columns = 4 * hidden
            stored.ensureRoom(forBytes: columns * rows)
            var out = [Int8](repeating: 0, count: columns * rows)
            let ok = (try? stored.withRawBytes({ raw -> Bool in
                guard raw.count >= directions * rows * columns else { return false }
                let src = raw.bindMemory(to: Int8.self).baseAddress! + direction * rows * columns
                out.withUnsafeMutableBufferPointer { dst in
                    for row in 0..<rows {
                        let line = src + row * columns
                        for block in 0..<4 {
                            let from = line + Self.onnxGateBlock[block] * hidden
                            let to = block * hidden * rows + row
                            for unit in 0..<hidden { dst[to + unit * rows] = from[unit] }
                        }
                    }
                }
                return true
            })) ?? false
            guard ok else { return nil }
            tally.add(bytes: columns * rows)
            return out
        }
        func reordered(_ values: ArraySlice<Float>) -> Tensor {
            let base = values.startIndex
            let ordered = Self.onnxGateBlock.flatMap { values[(base + $0 * hidden)..<(base + ($0 + 1) * hidden)] }
            tally.add(ordered.count)
            return Tensor(shape: [4 * hidden], values: ordered)
        }
        var result: [LSTMInt8Weights] = []
        for d in 0..<directions {
            guard let w = matrix(q.inputWeights, rows: q.inputSize, direction: d),
                  let r = matrix(q.recurrentWeights, rows: hidden, direction: d) else { return nil }
            let bias = biases[(d * 8 * hidden)..<((d + 1) * 8 * hidden)]
            result.append(LSTMInt8Weights(inputWeight: w, inputScale: inputScales[d], hiddenWeight: r,
                                          hiddenScale: recurrentScales[d], inputSize: q.inputSize, hiddenSize: hidden,
                                          inputBias: reordered(bias.prefix(4 * hidden)),
                                          hiddenBias: reordered(bias.suffix(4 * hidden))))
        }
        return (result[0], result[1])
    }
}
