import SottoCore

/// A PyTorch Linear layer quantised by onnxruntime's dynamic quantiser (Kokoro's ALBERT,
/// bert_encoder, duration_proj and every AdaIN/AdaLN fc).
///
/// How it is stored: the activation is quantised on the fly by DynamicQuantizeLinear, then
///   MatMulInteger(x_q, W_q, x_zero_point, W_zero_point) -> Cast(float) -> Mul(_, Mul(x_scale, W_scale))
/// W_q is an int8 initializer of shape [in, out], the transpose of Linear.weight. W_scale is a
/// float [out], one scale per output channel, found only through the second Mul (its name is
/// the quantiser's, not the layer's). W_zero_point is int8 [out] and zero (symmetric), and one
/// such initializer is shared by every layer of the same width, so it is never a way to
/// identify a layer. The float bias is added after the Mul, or handed to FastGelu as its bias.
public struct QuantizedLinear: Sendable {
    /// The MatMulInteger.
    public let node: ONNXNode
    /// The Mul turning the int32 result into floats.
    public let outputScaleNode: ONNXNode
    /// The Mul computing x_scale * W_scale (nil when the weight scale is applied directly).
    public let scalesNode: ONNXNode?
    public let weight: ONNXTensor
    public let scale: ONNXTensor
    public let zeroPoint: ONNXTensor?
    public let bias: ONNXTensor?

    public var inFeatures: Int { weight.dims[0] }
    public var outFeatures: Int { weight.dims[1] }

    /// Linear.weight as PyTorch holds it: [out, in], W[n, k] = (W_q[k, n] - zp[n]) * scale[n].
    public func weights() throws -> WeightTensor {
        let (k, n) = (inFeatures, outFeatures)
        let stored = try weight.floats()
        let scales = try scale.floats()
        let zeroPoints = try zeroPoint?.floats() ?? [0]
        var transposed = [Float](repeating: 0, count: stored.count)
        for row in 0 ..< k {
            for column in 0 ..< n { transposed[column * k + row] = stored[row * n + column] }
        }
        let values = dequantize(transposed, scales: scales, zeroPoints: zeroPoints) { $0 / k }
        return WeightTensor(shape: [n, k], values: values)
    }

    /// Linear.bias, or nil when the layer has none.
    public func biasValues() throws -> [Float]? {
        try bias?.floats()
    }
}

extension ONNXGraph {
    /// The quantised Linear computed by the MatMulInteger `node`, found by following its
    /// output edges (see QuantizedLinear for the stored form).
    public func quantizedLinear(_ node: ONNXNode) throws -> QuantizedLinear {
        guard node.opType == "MatMulInteger" else { throw quantizationError(node, "it is not a MatMulInteger") }
        let weight = try quantizationInput(node, 1, "weight", types: [.int8, .uint8])
        guard weight.dims.count == 2 else {
            throw quantizationError(node, "its weight '\(weight.name)' has shape \(weight.dims), expected [in, out]")
        }
        let outFeatures = weight.dims[1]
        var zeroPoint: ONNXTensor?
        if node.input(3) != nil {
            zeroPoint = try quantizationInput(node, 3, "weight zero point", types: [weight.dataType], counts: [1, outFeatures])
        }
        guard let output = node.outputs.first,
              let (mul, position) = follow(output, through: ["Cast"], to: "Mul") else {
            throw quantizationError(node, "its result does not reach a Mul through a Cast")
        }
        let (scale, scalesNode) = try weightScale(multipliedInto: mul, enteringAt: position, for: node, counts: [1, outFeatures])
        return QuantizedLinear(node: node, outputScaleNode: mul, scalesNode: scalesNode, weight: weight,
                               scale: scale, zeroPoint: zeroPoint, bias: linearBias(after: mul, count: outFeatures))
    }

    /// The quantised Linear whose MatMulInteger is named `name`.
    public func quantizedLinear(named name: String) throws -> QuantizedLinear {
        try quantizedLinear(requireNode(named: name))
    }

    /// The quantised Linear of a PyTorch module ("encoder.bert_encoder"); when a module runs
    /// more than once (ALBERT's shared layers), its first use.
    public func quantizedLinear(module: String) throws -> QuantizedLinear {
        guard let node = firstNode(inModule: module, ops: ["MatMulInteger"]) else {
            throw SottoError("\(fileLabel): no MatMulInteger belongs to the module '\(module)'")
        }
        return try quantizedLinear(node)
    }

    private func linearBias(after mul: ONNXNode, count: Int) -> ONNXTensor? {
        guard let output = mul.outputs.first else { return nil }
        let readers = consumers(of: output)
        guard readers.count == 1, let next = readers.first, ["Add", "FastGelu"].contains(next.opType) else { return nil }
        return initializerInputs(of: next)
            .first { $0.tensor.dataType == .float32 && $0.tensor.elementCount == count && $0.tensor.dims.count == 1 }?
            .tensor
    }
}
