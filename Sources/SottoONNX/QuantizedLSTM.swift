import SottoCore

/// A PyTorch LSTM quantised by onnxruntime into com.microsoft.DynamicQuantizeLSTM (Kokoro's six
/// bidirectional LSTMs).
///
/// How it is stored: inputs are X, W, R, B, sequence_lens, initial_h, initial_c, P, W_scale,
/// W_zero_point, R_scale, R_zero_point. W is int8 [directions, input, 4*hidden] and R int8
/// [directions, hidden, 4*hidden]: transposed relative to both the standard ONNX LSTM and
/// PyTorch. W_scale and R_scale hold one scale per direction ([directions], or per column
/// [directions, 4*hidden]); the int8 zero points are zero and shared between layers. B is float
/// [directions, 8*hidden]: the input bias then the recurrent bias. Along every 4*hidden axis the
/// gates follow ONNX's order input, output, forget, cell, whereas PyTorch orders them input,
/// forget, cell (g), output; `weights()` reorders them.
public struct QuantizedLSTM: Sendable {
    public let node: ONNXNode
    public let inputWeights: ONNXTensor
    public let recurrentWeights: ONNXTensor
    public let inputScale: ONNXTensor
    public let inputZeroPoint: ONNXTensor?
    public let recurrentScale: ONNXTensor
    public let recurrentZeroPoint: ONNXTensor?
    public let bias: ONNXTensor?

    public var directionCount: Int { inputWeights.dims[0] }
    public var inputSize: Int { inputWeights.dims[1] }
    public var hiddenSize: Int { recurrentWeights.dims[1] }
    /// "forward", "reverse" or "bidirectional".
    public var direction: String { node.stringAttribute("direction") ?? "forward" }

    /// The float parameters in PyTorch's layout and gate order, one entry per direction
    /// (forward first, as `weight_ih_l0` then `weight_ih_l0_reverse`).
    public func weights() throws -> [LSTMDirectionWeights] {
        let hidden = hiddenSize
        let w = try dequantizeDirections(inputWeights, inputScale, inputZeroPoint, rows: inputSize)
        let r = try dequantizeDirections(recurrentWeights, recurrentScale, recurrentZeroPoint, rows: hidden)
        let biases = try bias?.floats() ?? [Float](repeating: 0, count: directionCount * 8 * hidden)
        return (0 ..< directionCount).map { d in
            let onnxBias = Array(biases[(d * 8 * hidden) ..< ((d + 1) * 8 * hidden)])
            return LSTMDirectionWeights(
                weightIH: torchOrderTransposed(w[d], rows: inputSize),
                weightHH: torchOrderTransposed(r[d], rows: hidden),
                biasIH: torchOrder(Array(onnxBias[0 ..< 4 * hidden])),
                biasHH: torchOrder(Array(onnxBias[(4 * hidden)...])))
        }
    }

    /// Per direction, the stored [rows, 4*hidden] matrix dequantised (still ONNX order).
    private func dequantizeDirections(_ tensor: ONNXTensor, _ scale: ONNXTensor, _ zeroPoint: ONNXTensor?,
                                      rows: Int) throws -> [[Float]] {
        let columns = 4 * hiddenSize
        let stored = try tensor.floats()
        let scales = try scale.floats()
        let zeroPoints = try zeroPoint?.floats() ?? [0]
        let perDirection = rows * columns
        return (0 ..< directionCount).map { d in
            // A [directions] scale is per tensor within a direction; [directions, 4*hidden] is
            // per column.
            let directionScales = scales.count == directionCount ? [scales[d]] : Array(scales[(d * columns) ..< ((d + 1) * columns)])
            let directionZeros = zeroPoints.count == 1 ? zeroPoints
                : zeroPoints.count == directionCount ? [zeroPoints[d]] : Array(zeroPoints[(d * columns) ..< ((d + 1) * columns)])
            return dequantize(Array(stored[(d * perDirection) ..< ((d + 1) * perDirection)]),
                              scales: directionScales, zeroPoints: directionZeros) { $0 % columns }
        }
    }

    /// PyTorch's gate block j comes from ONNX block onnxBlock[j]: i<-i, f<-f (ONNX 2),
    /// g<-c (ONNX 3), o<-o (ONNX 1).
    private static let onnxBlock = [0, 2, 3, 1]

    /// [rows, 4*hidden] in ONNX gate order -> [4*hidden, rows] in PyTorch gate order.
    private func torchOrderTransposed(_ matrix: [Float], rows: Int) -> WeightTensor {
        let hidden = hiddenSize, columns = 4 * hidden
        var result = [Float](repeating: 0, count: matrix.count)
        for block in 0 ..< 4 {
            let source = Self.onnxBlock[block] * hidden
            for unit in 0 ..< hidden {
                let outRow = block * hidden + unit
                for row in 0 ..< rows { result[outRow * rows + row] = matrix[row * columns + source + unit] }
            }
        }
        return WeightTensor(shape: [columns, rows], values: result)
    }

    private func torchOrder(_ vector: [Float]) -> [Float] {
        let hidden = hiddenSize
        return Self.onnxBlock.flatMap { vector[($0 * hidden) ..< (($0 + 1) * hidden)] }
    }
}

/// One direction of a PyTorch LSTM layer: weight_ih [4*hidden, input], weight_hh
/// [4*hidden, hidden], bias_ih and bias_hh [4*hidden], gates in PyTorch's i, f, g, o order.
public struct LSTMDirectionWeights: Sendable, Equatable {
    public var weightIH: WeightTensor
    public var weightHH: WeightTensor
    public var biasIH: [Float]
    public var biasHH: [Float]
}

extension ONNXGraph {
    /// The quantised LSTM of a DynamicQuantizeLSTM node (see QuantizedLSTM for the stored form).
    public func quantizedLSTM(_ node: ONNXNode) throws -> QuantizedLSTM {
        guard node.opType == "DynamicQuantizeLSTM" else { throw quantizationError(node, "it is not a DynamicQuantizeLSTM") }
        let w = try quantizationInput(node, 1, "input weights W", types: [.int8, .uint8])
        let r = try quantizationInput(node, 2, "recurrent weights R", types: [w.dataType])
        guard w.dims.count == 3, r.dims.count == 3, w.dims[0] == r.dims[0], r.dims[2] == 4 * r.dims[1], w.dims[2] == r.dims[2] else {
            throw quantizationError(node, "W \(w.dims) and R \(r.dims) are not [directions, input, 4*hidden] and [directions, hidden, 4*hidden]")
        }
        if let hidden = node.intAttribute("hidden_size"), hidden != r.dims[1] {
            throw quantizationError(node, "hidden_size is \(hidden) but R has shape \(r.dims)")
        }
        if node.input(7) != nil { throw quantizationError(node, "it has peephole weights, which PyTorch LSTMs do not") }
        let directions = w.dims[0], columns = w.dims[2]
        let scaleCounts: Set<Int> = [directions, directions * columns]
        let zeroCounts: Set<Int> = [1, directions, directions * columns]
        let bias = node.input(3) == nil ? nil
            : try quantizationInput(node, 3, "bias B", types: [.float32], counts: [directions * 2 * columns])
        return QuantizedLSTM(
            node: node, inputWeights: w, recurrentWeights: r,
            inputScale: try quantizationInput(node, 8, "W scale", types: [.float32], counts: scaleCounts),
            inputZeroPoint: node.input(9) == nil ? nil : try quantizationInput(node, 9, "W zero point", types: [w.dataType], counts: zeroCounts),
            recurrentScale: try quantizationInput(node, 10, "R scale", types: [.float32], counts: scaleCounts),
            recurrentZeroPoint: node.input(11) == nil ? nil : try quantizationInput(node, 11, "R zero point", types: [w.dataType], counts: zeroCounts),
            bias: bias)
    }

    public func quantizedLSTM(named name: String) throws -> QuantizedLSTM {
        try quantizedLSTM(requireNode(named: name))
    }

    /// The quantised LSTM of a PyTorch module ("encoder.text_encoder.lstm").
    public func quantizedLSTM(module: String) throws -> QuantizedLSTM {
        guard let node = firstNode(inModule: module, ops: ["DynamicQuantizeLSTM"]) else {
            throw SottoError("\(fileLabel): no DynamicQuantizeLSTM belongs to the module '\(module)'")
        }
        return try quantizedLSTM(node)
    }
}
