import SottoCore
import SottoKernels
import SottoONNX
import Synchronization

/// The sanitize step from a Kokoro ONNX export onto Sotto's modules: every weight is found
/// through the node that consumes it, named by its PyTorch module path ("encoder.F0.1.conv1",
/// "decoder.decoder.generator.resblocks.3.convs1.2"), never by its position in the file.
///
/// The int8 export (onnxruntime's dynamic quantiser) stores Linear layers as MatMulInteger,
/// convolutions as ConvInteger, LSTMs as DynamicQuantizeLSTM and embeddings behind
/// DequantizeLinear; SottoONNX dequantises each into PyTorch's layout. kokoro-onnx's fp32 and
/// fp16 exports carry the same module names on plain MatMul/Gemm, Conv, LSTM and Gather nodes
/// (fp16 initializers possibly behind a Cast), which the float branches below read.
public struct KokoroWeights: Sendable {
    public let graph: ONNXGraph
    /// The kernel tier the model is built for (which convolution kernels hold the weights).
    public let tier: KernelTier
    /// Bytes of weights handed out so far (what a model built from this reader holds).
    let tally = Tally()

    final class Tally: Sendable {
        let count = Atomic<Int>(0)
        /// Counts `n` float weights.
        func add(_ n: Int) { add(bytes: n * MemoryLayout<Float>.stride) }
        func add(bytes n: Int) { count.wrappingAdd(n, ordering: .relaxed) }
        var bytes: Int { count.load(ordering: .relaxed) }
    }

    public init(graph: ONNXGraph, tier: KernelTier = .active) {
        self.graph = graph
        self.tier = tier
    }

    /// The first node of one of `ops` that belongs to `module`.
    func node(_ module: String, _ ops: Set<String>) -> ONNXNode? {
        graph.firstNode(inModule: module, ops: ops)
    }

    func missing(_ what: String, _ module: String) -> SottoError {
        SottoError("\(graph.fileLabel): no \(what) for the Kokoro module '\(module)'",
                   hint: "the file is not a Kokoro-82M v1.0 ONNX export, or it is damaged")
    }

    /// The float initializer feeding input `position` of `node`, looking through Cast and
    /// Identity (fp16 exports cast their weights up in the graph).
    func floatInput(_ node: ONNXNode, _ position: Int) throws -> ONNXTensor? {
        guard let value = node.input(position), !value.isEmpty else { return nil }
        if let tensor = graph.constant(value) { return tensor }
        return graph.sourceInitializer(of: value, through: ["Cast", "Identity"])
    }

    func tensor(_ onnx: ONNXTensor, shape: [Int]? = nil) throws -> Tensor {
        let values = try onnx.floats()
        tally.add(values.count)
        return Tensor(shape: Shape(shape ?? onnx.dims), values: values)
    }

    func tensor(_ weight: WeightTensor) -> Tensor {
        tally.add(weight.values.count)
        return Tensor(shape: Shape(weight.shape), values: weight.values)
    }

    /// A named parameter ("decoder.decoder.generator.resblocks.0.alpha1.0"), as stored.
    func parameter(_ name: String, shape: [Int]? = nil) throws -> Tensor {
        guard let onnx = graph.initializer(forParameter: name) else { throw missing("parameter", name) }
        return try tensor(onnx, shape: shape)
    }

    // MARK: Linear

    /// A Linear layer (`[out, in]` weight, PyTorch convention); int8 weights stay int8.
    func linear(_ module: String) throws -> HeldLinear {
        if let node = node(module, ["MatMulInteger"]) {
            let q = try graph.quantizedLinear(node)
            let bias = try q.biasValues().map { Tensor(shape: [$0.count], values: $0) }
            if let bias { tally.add(bias.count) }
            if let (values, scales) = try fastLinearWeights(q) {
                return HeldLinear(values: values, scales: scales, bias: bias, inFeatures: q.inFeatures, path: tier.kernelPath)
            }
            return HeldLinear(Linear(weight: tensor(try q.weights()), bias: bias))
        }
        if let node = node(module, ["Gemm"]), let w = try floatInput(node, 1) {
            var weight = try tensor(w)
            // Gemm computes A·op(B): transB = 1 means B is already PyTorch's [out, in].
            if (node.intAttribute("transB") ?? 0) == 0 { weight = weight.transposed().contiguous() }
            let bias = try floatInput(node, 2).map { try tensor($0, shape: [$0.elementCount]) }
            return HeldLinear(Linear(weight: weight, bias: bias))
        }
        if let node = node(module, ["MatMul"]), let w = try floatInput(node, 1) {
            let weight = try tensor(w).transposed().contiguous()
            var bias: Tensor?
            if let output = node.outputs.first, let add = graph.consumers(of: output).first, add.opType == "Add" {
                let other = add.inputs.first { $0 != output } ?? ""
                bias = try graph.constant(other).map { try tensor($0, shape: [$0.elementCount]) }
            }
            return HeldLinear(Linear(weight: weight, bias: bias))
        }
        throw missing("Linear layer", module)
    }

    // MARK: Convolutions

    /// A Conv1d with its geometry (stride, padding, dilation, groups) from the node.
    func conv(_ module: String) throws -> Convolution {
        let weight: Tensor, bias: Tensor?, node: ONNXNode
        if let found = self.node(module, ["ConvInteger"]) {
            let q = try graph.quantizedConv(found)
            if let integer = try integerConv(q) { return Convolution(integer: integer) }
            weight = try fastConvWeights(q) ?? tensor(try q.weights())
            bias = try q.biasValues().map { Tensor(shape: [$0.count], values: $0) }
            node = found
        } else if let found = self.node(module, ["Conv"]), let w = try floatInput(found, 1) {
            weight = try tensor(w)
            bias = try floatInput(found, 2).map { try tensor($0, shape: [$0.elementCount]) }
            node = found
        } else {
            throw missing("convolution", module)
        }
        let pads = node.intsAttribute("pads") ?? [0, 0]
        return Convolution(weight: weight, bias: bias, stride: node.intsAttribute("strides")?.first ?? 1,
                      padding: Padding(left: pads.first ?? 0, right: pads.count > 1 ? pads[1] : 0),
                      dilation: node.intsAttribute("dilations")?.first ?? 1, groups: node.intAttribute("group") ?? 1,
                      tier: tier)
    }

    /// A ConvTranspose1d (kept in float by every export).
    func convTranspose(_ module: String) throws -> ConvTranspose1d {
        guard let node = node(module, ["ConvTranspose"]), let w = try floatInput(node, 1) else {
            throw missing("transposed convolution", module)
        }
        let pads = node.intsAttribute("pads") ?? [0, 0]
        guard pads.count == 2, pads[0] == pads[1] else {
            throw SottoError("\(graph.fileLabel): '\(module)' has asymmetric padding \(pads), which Kokoro never uses")
        }
        return ConvTranspose1d(weight: try tensor(w), bias: try floatInput(node, 2).map { try tensor($0, shape: [$0.elementCount]) },
                               stride: node.intsAttribute("strides")?.first ?? 1, padding: pads[0],
                               outputPadding: node.intsAttribute("output_padding")?.first ?? 0,
                               dilation: node.intsAttribute("dilations")?.first ?? 1, groups: node.intAttribute("group") ?? 1)
    }

    // MARK: Recurrences, embeddings, norms

    /// A bidirectional LSTM in PyTorch's gate order.
    func lstm(_ module: String) throws -> LSTM {
        let weights: [LSTMWeights]
        if let node = node(module, ["DynamicQuantizeLSTM"]) {
            let q = try graph.quantizedLSTM(node)
            if let (forward, backward) = try fastLSTMWeights(q) { return LSTM(forward: forward, backward: backward) }
            weights = try q.weights().map { d in
                LSTMWeights(inputWeight: tensor(d.weightIH), hiddenWeight: tensor(d.weightHH),
                            inputBias: Tensor(shape: [d.biasIH.count], values: d.biasIH),
                            hiddenBias: Tensor(shape: [d.biasHH.count], values: d.biasHH))
            }
        } else if let node = node(module, ["LSTM"]) {
            weights = try floatLSTM(node, module)
        } else {
            throw missing("LSTM", module)
        }
        guard weights.count == 2 else { throw missing("bidirectional LSTM", module) }
        return LSTM(forward: weights[0], backward: weights[1])
    }

    /// ONNX LSTM: W [dirs, 4H, in], R [dirs, 4H, H], B [dirs, 8H], gates i, o, f, c.
    private func floatLSTM(_ node: ONNXNode, _ module: String) throws -> [LSTMWeights] {
        guard let w = try floatInput(node, 1), let r = try floatInput(node, 2), w.dims.count == 3, r.dims.count == 3 else {
            throw missing("LSTM weights", module)
        }
        let dirs = w.dims[0], gates = w.dims[1], inputs = w.dims[2], hidden = r.dims[2]
        let wv = try w.floats(), rv = try r.floats()
        let bv = try floatInput(node, 3)?.floats() ?? [Float](repeating: 0, count: dirs * 2 * gates)
        // ONNX i, o, f, c → PyTorch i, f, g(=c), o.
        let order = [0, 2, 3, 1]
        func reorderRows(_ values: ArraySlice<Float>, columns: Int) -> [Float] {
            let base = values.startIndex
            return order.flatMap { gate in values[(base + gate * hidden * columns) ..< (base + (gate + 1) * hidden * columns)] }
        }
        return (0..<dirs).map { d in
            let bias = bv[(d * 2 * gates) ..< ((d + 1) * 2 * gates)]
            return LSTMWeights(
                inputWeight: Tensor(shape: [gates, inputs], values: reorderRows(wv[(d * gates * inputs) ..< ((d + 1) * gates * inputs)], columns: inputs)),
                hiddenWeight: Tensor(shape: [gates, hidden], values: reorderRows(rv[(d * gates * hidden) ..< ((d + 1) * gates * hidden)], columns: hidden)),
                inputBias: Tensor(shape: [gates], values: reorderRows(bias.prefix(gates), columns: 1)),
                hiddenBias: Tensor(shape: [gates], values: reorderRows(bias.suffix(gates), columns: 1)))
        }
    }

    /// An embedding table [vocab, dim].
    func embedding(_ module: String) throws -> Tensor {
        if let node = node(module, ["DequantizeLinear"]) {
            return tensor(try graph.quantizedTensor(node).weights())
        }
        if let gather = node(module, ["Gather"]), let table = try floatInput(gather, 0) {
            return try tensor(table)
        }
        throw missing("embedding table", module)
    }

    /// LayerNormalization weight, bias and epsilon (SkipLayerNormalization nodes carry no scope,
    /// so those are read by their parameter names instead).
    func layerNorm(_ module: String) throws -> (weight: Tensor, bias: Tensor, eps: Float) {
        guard let node = node(module, ["LayerNormalization"]), let w = try floatInput(node, 1), let b = try floatInput(node, 2) else {
            throw missing("LayerNorm", module)
        }
        return (try tensor(w, shape: [w.elementCount]), try tensor(b, shape: [b.elementCount]),
                node.floatAttribute("epsilon") ?? 1e-5)
    }
}
