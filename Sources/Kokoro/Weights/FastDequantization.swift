import SottoKernels
import SottoONNX

/// Dequantisation straight from the file's bytes into kernel tensors for the two forms that hold
/// nearly all of Kokoro's weights (per-tensor uint8 convolutions, per-channel int8 Linear
/// layers), one vectorisable pass each; other forms go through SottoONNX's general path.
/// Loading time is dominated by these 78 M values, so the single pass matters for cold start.
extension KokoroWeights {
    /// Conv weight `[out, in/groups, k]` = (q − zero point)·scale, when stored as raw uint8/int8
    /// bytes with one scale and one zero point.
    func fastConvWeights(_ q: QuantizedConv) throws -> Tensor? {
        guard q.scale.elementCount == 1, (q.zeroPoint?.elementCount ?? 1) == 1,
              [ONNXDataType.uint8, .int8].contains(q.weight.dataType) else { return nil }
        let scale = try q.scale.scalarFloat()
        let zero = try q.zeroPoint?.floats().first ?? 0
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

    /// Linear weight `[out, in]` from MatMulInteger's int8 `[in, out]` with one scale per output
    /// channel (symmetric, zero point 0).
    func fastLinearWeights(_ q: QuantizedLinear) throws -> Tensor? {
        let inputs = q.inFeatures, outputs = q.outFeatures
        guard q.weight.dataType == .int8, q.scale.elementCount == outputs || q.scale.elementCount == 1 else { return nil }
        if let zero = q.zeroPoint, try zero.floats().contains(where: { $0 != 0 }) { return nil }
        let scales = try q.scale.floats()
        let tensor = Tensor(zeros: [outputs, inputs])
        guard (try? q.weight.withRawBytes({ raw -> Bool in
            guard raw.count >= inputs * outputs else { return false }
            let src = raw.bindMemory(to: Int8.self)
            let out = tensor.pointer
            for i in 0..<inputs {
                let row = i * outputs
                for o in 0..<outputs {
                    out[o * inputs + i] = Float(src[row + o]) * scales[scales.count == 1 ? 0 : o]
                }
            }
            return true
        })) == true else { return nil }
        tally.add(inputs * outputs)
        return tensor
    }
}
