import SottoCore

/// Checks shared by the dequantisation helpers: every lookup failure names the file, the node
/// and what was expected, so a model exported differently is diagnosed rather than misread.
extension ONNXGraph {
    func quantizationError(_ node: ONNXNode, _ problem: String) -> SottoError {
        SottoError("\(fileLabel): cannot read the weights of \(node.opType) '\(node.name)': \(problem)")
    }

    /// The initializer at input `position` of `node`, whose element count must be one of
    /// `counts` (a scalar is always accepted where 1 is).
    func quantizationInput(_ node: ONNXNode, _ position: Int, _ what: String,
                           types: Set<ONNXDataType>, counts: Set<Int>? = nil) throws -> ONNXTensor {
        guard let name = node.input(position) else {
            throw quantizationError(node, "it has no \(what) (input \(position))")
        }
        guard let tensor = initializer(name) else {
            throw quantizationError(node, "its \(what) '\(name)' is computed, not stored in the file")
        }
        try checkQuantizationTensor(tensor, of: node, what, types: types, counts: counts)
        return tensor
    }

    func checkQuantizationTensor(_ tensor: ONNXTensor, of node: ONNXNode, _ what: String,
                                 types: Set<ONNXDataType>, counts: Set<Int>? = nil) throws {
        guard types.contains(tensor.dataType) else {
            let expected = types.map(\.description).sorted().joined(separator: " or ")
            throw quantizationError(node, "its \(what) '\(tensor.name)' is \(tensor.dataType), expected \(expected)")
        }
        if let counts, !counts.contains(tensor.elementCount) {
            let expected = counts.sorted().map(String.init).joined(separator: " or ")
            throw quantizationError(node, "its \(what) '\(tensor.name)' has \(tensor.elementCount) values (shape \(tensor.dims)), expected \(expected)")
        }
    }

    /// The float initializer multiplied into a MatMulInteger or ConvInteger result. onnxruntime's
    /// quantiser writes `Mul(Cast(result), Mul(x_scale, w_scale))`, where x_scale comes from the
    /// DynamicQuantizeLinear of the input and w_scale is the stored weight scale; a graph that
    /// multiplies by the weight scale directly is accepted too.
    func weightScale(multipliedInto mul: ONNXNode, enteringAt position: Int, for node: ONNXNode,
                     counts: Set<Int>) throws -> (scale: ONNXTensor, scalesNode: ONNXNode?) {
        guard mul.inputs.count == 2 else { throw quantizationError(node, "the Mul '\(mul.name)' after it has \(mul.inputs.count) inputs") }
        let other = mul.inputs[1 - position]
        if let direct = initializer(other) {
            try checkQuantizationTensor(direct, of: node, "output scale", types: [.float32], counts: counts)
            return (direct, nil)
        }
        guard let scales = producer(of: other), scales.opType == "Mul" else {
            throw quantizationError(node, "the Mul '\(mul.name)' after it does not multiply by a stored scale or by a Mul of scales")
        }
        let stored = initializerInputs(of: scales).filter { $0.tensor.dataType == .float32 }
        guard stored.count == 1, let scale = stored.first?.tensor else {
            throw quantizationError(node, "the scales Mul '\(scales.name)' has \(stored.count) stored float inputs, expected exactly one (the weight scale)")
        }
        try checkQuantizationTensor(scale, of: node, "weight scale", types: [.float32], counts: counts)
        return (scale, scales)
    }
}

/// (q - zeroPoint) * scale, with the zero point and scale chosen per element by `channel`.
/// Both operations are exact-then-rounded-once in Float, as onnxruntime computes them.
func dequantize(_ quantized: [Float], scales: [Float], zeroPoints: [Float], channel: (Int) -> Int) -> [Float] {
    var result = [Float](repeating: 0, count: quantized.count)
    for index in quantized.indices {
        let c = channel(index)
        let zp = zeroPoints.count == 1 ? zeroPoints[0] : zeroPoints[c]
        let s = scales.count == 1 ? scales[0] : scales[c]
        result[index] = (quantized[index] - zp) * s
    }
    return result
}
