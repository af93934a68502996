import SottoCore

/// A tensor stored quantised and turned into floats by a DequantizeLinear node (Kokoro's four
/// int8 embedding tables).
///
/// How it is stored: for an embedding the table is an int8 initializer read by
/// Gather(table, ids) before DequantizeLinear(rows, scale, zero_point), so the scale and
/// zero point are the DequantizeLinear's inputs while the table is the Gather's. Kokoro's
/// tables have one float scale and a zero int8 zero point each (per tensor). DequantizeLinear
/// applied straight to an initializer may instead be per axis (a scale vector along `axis`).
public struct QuantizedTensor: Sendable {
    /// The DequantizeLinear.
    public let node: ONNXNode
    /// The Gather that picks rows of the table before dequantisation, if any.
    public let gather: ONNXNode?
    public let data: ONNXTensor
    public let scale: ONNXTensor
    public let zeroPoint: ONNXTensor?
    /// The axis along which scale varies, or nil for a single scale.
    public let axis: Int?

    /// (data - zero_point) * scale in the stored layout (an embedding table is [vocab, dim],
    /// as PyTorch's Embedding.weight).
    public func weights() throws -> WeightTensor {
        let values: [Float]
        if let axis {
            let inner = data.dims[(axis + 1)...].reduce(1, *)
            let size = data.dims[axis]
            values = dequantize(try data.floats(), scales: try scale.floats(), zeroPoints: try zeroPoint?.floats() ?? [0]) { ($0 / inner) % size }
        } else {
            values = dequantize(try data.floats(), scales: try scale.floats(), zeroPoints: try zeroPoint?.floats() ?? [0]) { _ in 0 }
        }
        return WeightTensor(shape: data.dims, values: values)
    }
}

extension ONNXGraph {
    /// The stored tensor a DequantizeLinear node dequantises, directly or through a Gather
    /// (see QuantizedTensor).
    public func quantizedTensor(_ node: ONNXNode) throws -> QuantizedTensor {
        guard node.opType == "DequantizeLinear" else { throw quantizationError(node, "it is not a DequantizeLinear") }
        guard let source = node.input(0) else { throw quantizationError(node, "it has no input") }
        var gather: ONNXNode?
        let data: ONNXTensor
        if let stored = initializer(source) {
            data = stored
        } else if let reader = producer(of: source), reader.opType == "Gather", let table = reader.input(0), let stored = initializer(table) {
            gather = reader
            data = stored
        } else {
            throw quantizationError(node, "its input '\(source)' is neither stored nor a Gather from a stored table")
        }
        try checkQuantizationTensor(data, of: node, "quantised data", types: [.int8, .uint8, .int32, .int16, .uint16])
        if let blockSize = node.intAttribute("block_size"), blockSize != 0 {
            throw quantizationError(node, "it uses blocked quantisation (block_size \(blockSize)), which Sotto does not read")
        }
        let scale = try quantizationInput(node, 1, "scale", types: [.float32, .float16, .bfloat16])
        var axis: Int?
        if scale.elementCount != 1 {
            guard gather == nil else {
                throw quantizationError(node, "it dequantises gathered rows per axis, which Sotto does not map back to the table")
            }
            let rank = data.dims.count
            let declared = node.intAttribute("axis") ?? 1
            let normalized = declared < 0 ? declared + rank : declared
            guard normalized >= 0, normalized < rank, data.dims[normalized] == scale.elementCount else {
                throw quantizationError(node, "its scale has \(scale.elementCount) values, which do not match axis \(declared) of shape \(data.dims)")
            }
            axis = normalized
        }
        var zeroPoint: ONNXTensor?
        if node.input(2) != nil {
            zeroPoint = try quantizationInput(node, 2, "zero point", types: [data.dataType], counts: [1, scale.elementCount])
        }
        return QuantizedTensor(node: node, gather: gather, data: data, scale: scale, zeroPoint: zeroPoint, axis: axis)
    }

    public func quantizedTensor(named name: String) throws -> QuantizedTensor {
        try quantizedTensor(requireNode(named: name))
    }
}
