import SottoCore

/// A PyTorch Conv1d quantised by onnxruntime's dynamic quantiser (Kokoro's weight-normed
/// convolutions, noise_convs, F0/N projections, asr_res, conv1x1).
///
/// How it is stored: the activation is quantised on the fly by DynamicQuantizeLinear, then
///   ConvInteger(x_q, W_q, x_zero_point, W_zero_point) [-> Add(int bias)] -> Cast -> Mul(_, Mul(x_scale, W_scale))
/// W_q is a uint8 initializer in PyTorch's own layout [out, in/groups, kernel], with one
/// float scale and one uint8 zero point for the whole tensor (asymmetric, so the zero point is
/// not 0). Weight norm was folded before quantisation, so W_q is named after the folding Mul
/// ("/encoder/text_encoder/cnn.0/Mul_output_0_quantized"). The float bias is not added in
/// floats: the graph computes Cast(Floor(bias / (x_scale * W_scale))) and adds it to the int32
/// result, so the float bias initializer sits upstream of that Add.
public struct QuantizedConv: Sendable {
    /// The ConvInteger.
    public let node: ONNXNode
    /// The Mul turning the int32 result into floats.
    public let outputScaleNode: ONNXNode
    /// The Mul computing x_scale * W_scale (nil when the weight scale is applied directly).
    public let scalesNode: ONNXNode?
    public let weight: ONNXTensor
    public let scale: ONNXTensor
    public let zeroPoint: ONNXTensor?
    /// The float bias behind the integer bias Add, if the convolution has one.
    public let bias: ONNXTensor?

    public var outChannels: Int { weight.dims[0] }
    public var group: Int { node.intAttribute("group") ?? 1 }
    public var kernelShape: [Int] { node.intsAttribute("kernel_shape") ?? Array(weight.dims.dropFirst(2)) }
    public var strides: [Int] { node.intsAttribute("strides") ?? kernelShape.map { _ in 1 } }
    public var dilations: [Int] { node.intsAttribute("dilations") ?? kernelShape.map { _ in 1 } }
    /// Begin pads for every spatial axis, then end pads.
    public var pads: [Int] { node.intsAttribute("pads") ?? kernelShape.flatMap { _ in [0, 0] } }

    /// Conv.weight as PyTorch holds it: [out, in/groups, kernel...], (W_q - zp) * scale.
    public func weights() throws -> WeightTensor {
        let perChannel = weight.elementCount / max(outChannels, 1)
        let values = dequantize(try weight.floats(), scales: try scale.floats(),
                                zeroPoints: try zeroPoint?.floats() ?? [0]) { $0 / perChannel }
        return WeightTensor(shape: weight.dims, values: values)
    }

    public func biasValues() throws -> [Float]? {
        try bias?.floats()
    }
}

extension ONNXGraph {
    /// The quantised convolution computed by the ConvInteger `node`, found by following its
    /// output edges (see QuantizedConv for the stored form).
    public func quantizedConv(_ node: ONNXNode) throws -> QuantizedConv {
        guard node.opType == "ConvInteger" else { throw quantizationError(node, "it is not a ConvInteger") }
        let weight = try quantizationInput(node, 1, "weight", types: [.uint8, .int8])
        guard weight.dims.count >= 3 else {
            throw quantizationError(node, "its weight '\(weight.name)' has shape \(weight.dims), expected [out, in/groups, kernel...]")
        }
        let outChannels = weight.dims[0]
        var zeroPoint: ONNXTensor?
        if node.input(3) != nil {
            zeroPoint = try quantizationInput(node, 3, "weight zero point", types: [weight.dataType], counts: [1, outChannels])
        }
        guard let output = node.outputs.first else { throw quantizationError(node, "it has no output") }
        var bias: ONNXTensor?
        var scaled = output
        let readers = consumers(of: output)
        if readers.count == 1, let add = readers.first, add.opType == "Add", add.inputs.count == 2,
           let position = add.inputs.firstIndex(of: output), let sum = add.outputs.first {
            bias = sourceInitializer(of: add.inputs[1 - position], through: ["Reshape", "Cast", "Floor", "Div", "Round"])
            if let found = bias {
                try checkQuantizationTensor(found, of: node, "bias", types: [.float32], counts: [outChannels])
            }
            scaled = sum
        }
        guard let (mul, position) = follow(scaled, through: ["Cast"], to: "Mul") else {
            throw quantizationError(node, "its result does not reach a Mul through a Cast")
        }
        let (scale, scalesNode) = try weightScale(multipliedInto: mul, enteringAt: position, for: node, counts: [1, outChannels])
        return QuantizedConv(node: node, outputScaleNode: mul, scalesNode: scalesNode, weight: weight,
                             scale: scale, zeroPoint: zeroPoint, bias: bias)
    }

    public func quantizedConv(named name: String) throws -> QuantizedConv {
        try quantizedConv(requireNode(named: name))
    }

    /// The quantised convolution of a PyTorch module ("encoder.text_encoder.cnn.0.0").
    public func quantizedConv(module: String) throws -> QuantizedConv {
        guard let node = firstNode(inModule: module, ops: ["ConvInteger"]) else {
            throw SottoError("\(fileLabel): no ConvInteger belongs to the module '\(module)'")
        }
        return try quantizedConv(node)
    }
}
