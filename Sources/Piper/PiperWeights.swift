import Foundation
import SottoCore
import SottoKernels
import SottoONNX

/// The float weights of a Piper ONNX graph, found by the PyTorch module paths its node names
/// keep ("/dec/resblocks.0/convs.1/Conv" is `dec.resblocks.0.convs.1`). This is the one place
/// that maps the checkpoint onto Sotto's modules:
/// - parameters named as in the state dict are used as they are; folded ones (the weight-normed
///   flow convolutions become `onnx::Conv_NNNN`, the text embedding is stored as `sid`) are named
///   through the node that reads them;
/// - convolutions are built from their nodes, so kernel, stride, dilation, groups and padding come
///   from the graph, never from constants: every quality tier (x_low to high) and any speaker
///   count loads through the same code.
public struct PiperWeights {
    public let graph: ONNXGraph
    /// State-dict parameter name → initializer name.
    let parameters: [String: String]
    /// Module path → its Conv or ConvTranspose node.
    let convolutions: [String: ONNXNode]

    public init(model: ONNXModel) {
        graph = model.graph
        parameters = model.graph.parameterNames()
        var convolutions: [String: ONNXNode] = [:]
        for node in model.graph.nodes where node.opType == "Conv" || node.opType == "ConvTranspose" {
            let module = node.modulePath
            if !module.isEmpty, convolutions[module] == nil { convolutions[module] = node }
        }
        self.convolutions = convolutions
    }

    var fileLabel: String { graph.fileLabel }

    /// Whether the graph holds this parameter ("dp.flows.0.m").
    public func has(_ parameter: String) -> Bool {
        graph.isInitializer(parameter) || parameters[parameter] != nil
    }

    /// Whether the graph runs a convolution for this module ("dp.cond").
    public func hasConvolution(_ module: String) -> Bool { convolutions[module] != nil }

    /// Counts `prefix.0`, `prefix.1`, … while `prefix.N` + `suffix` is a parameter.
    func count(_ prefix: String, _ suffix: String) -> Int {
        var n = 0
        while has("\(prefix).\(n).\(suffix)") { n += 1 }
        return n
    }

    /// Indices N for which the convolution `prefix.N.` + `module` exists, ascending (used where the
    /// exporter dropped unused entries of a module list, as in the duration predictor's flows).
    func indices(_ prefix: String, convolution module: String) -> [Int] {
        let head = prefix + "."
        let tail = "." + module
        return convolutions.keys.compactMap { path -> Int? in
            guard path.hasPrefix(head), path.hasSuffix(tail) else { return nil }
            return Int(path.dropFirst(head.count).dropLast(tail.count))
        }.sorted()
    }

    /// The parameter as a tensor of its stored shape.
    public func tensor(_ parameter: String) throws -> Tensor {
        let name = graph.isInitializer(parameter) ? parameter : parameters[parameter]
        guard let name, let initializer = graph.initializer(name) else {
            throw SottoError("\(fileLabel): the voice has no weight '\(parameter)'",
                             hint: "the file is not a Piper (VITS) voice or it is damaged")
        }
        return try Self.tensor(initializer, label: parameter, file: fileLabel)
    }

    /// The Conv node of `module` as a convolution. `padding` replaces the node's own where the
    /// graph pads with a separate Pad node (the text encoder's feed-forward layers).
    func conv(_ module: String, padding override: Padding? = nil) throws -> Conv1d {
        let c = try convolution(module, padding: override)
        return Conv1d(weight: c.weight, bias: c.bias, stride: c.stride, padding: c.padding, dilation: c.dilation,
                      groups: c.groups)
    }

    /// The Conv node of `module` as a direct convolution; it must have stride 1 and one group,
    /// as every convolution of Piper's decoder and flow does.
    func directConv(_ module: String, padding override: Padding? = nil) throws -> DirectConv1d {
        let c = try convolution(module, padding: override)
        guard c.stride == 1, c.groups == 1 else {
            throw malformed(module, "stride \(c.stride) and \(c.groups) groups where Piper uses 1 and 1")
        }
        return DirectConv1d(weight: c.weight, bias: c.bias, padding: c.padding, dilation: c.dilation)
    }

    private func convolution(_ module: String, padding override: Padding?)
        throws -> (weight: Tensor, bias: Tensor?, stride: Int, padding: Padding, dilation: Int, groups: Int) {
        let node = try convolutionNode(module, "Conv")
        let (weight, bias) = try weightAndBias(node, module)
        guard weight.rank == 3 else {
            throw SottoError("\(fileLabel): \(module) is not a 1-D convolution (weight \(weight.shape))")
        }
        let pads = node.intsAttribute("pads") ?? [0, 0]
        let padding = override ?? Padding(left: pads.first ?? 0, right: pads.count > 1 ? pads[1] : pads.first ?? 0)
        let groups = node.intAttribute("group") ?? 1
        guard groups >= 1, weight.shape[0] % groups == 0 else {
            throw SottoError("\(fileLabel): \(module) has \(groups) groups for \(weight.shape[0]) output channels")
        }
        let stride = node.intsAttribute("strides")?.first ?? 1
        let dilation = node.intsAttribute("dilations")?.first ?? 1
        guard stride >= 1, dilation >= 1 else { throw malformed(module, "stride \(stride), dilation \(dilation)") }
        return (weight, bias, stride, padding, dilation, groups)
    }

    /// The ConvTranspose node of `module` as a transposed convolution.
    /// The ConvTranspose node of `module`, run as one convolution per output phase; it must have
    /// one group and dilation 1, as HiFi-GAN's upsampling layers do.
    func convTranspose(_ module: String) throws -> PolyphaseConvTranspose1d {
        let node = try convolutionNode(module, "ConvTranspose")
        let (weight, bias) = try weightAndBias(node, module)
        let pads = node.intsAttribute("pads") ?? [0, 0]
        guard weight.rank == 3, pads.count <= 1 || pads[0] == pads[1] else {
            throw SottoError("\(fileLabel): \(module) is not a symmetric 1-D transposed convolution")
        }
        let groups = node.intAttribute("group") ?? 1, dilation = node.intsAttribute("dilations")?.first ?? 1
        let stride = node.intsAttribute("strides")?.first ?? 1, outputPadding = node.intsAttribute("output_padding")?.first ?? 0
        guard groups == 1, dilation == 1, stride >= 1, (pads.first ?? 0) >= 0, outputPadding >= 0, outputPadding < stride else {
            throw malformed(module, "stride \(stride), dilation \(dilation), \(groups) groups and output padding \(outputPadding) where Piper uses one group and dilation 1")
        }
        return PolyphaseConvTranspose1d(weight: weight, bias: bias, stride: stride, padding: pads.first ?? 0,
                                        outputPadding: outputPadding)
    }

    /// The operand of the node `name` that the file fixes: an initializer, or one computed from
    /// initializers by Exp and Neg nodes (exporters fold such chains to different depths: the
    /// duration flow's exp(−logs) is sometimes one constant, sometimes Exp of a folded −logs).
    func constantOperand(ofNode name: String) throws -> [Float]? {
        guard let node = graph.node(named: name) else { return nil }
        for input in node.inputs {
            if let values = try evaluate(input, depth: 0) { return values }
        }
        return nil
    }

    private func evaluate(_ value: String, depth: Int) throws -> [Float]? {
        if let constant = graph.constant(value) { return try Self.tensor(constant, label: value, file: fileLabel).toArray() }
        guard depth < 4, let node = graph.producer(of: value), node.inputs.count == 1,
              let inner = try evaluate(node.inputs[0], depth: depth + 1) else { return nil }
        switch node.opType {
        case "Exp": return inner.map { Foundation.exp($0) }
        case "Neg": return inner.map { -$0 }
        default: return nil
        }
    }

    private func convolutionNode(_ module: String, _ opType: String) throws -> ONNXNode {
        guard let node = convolutions[module], node.opType == opType else {
            throw SottoError("\(fileLabel): the voice has no \(opType) for '\(module)'",
                             hint: "the file is not a Piper (VITS) voice or it is damaged")
        }
        return node
    }

    private func weightAndBias(_ node: ONNXNode, _ module: String) throws -> (Tensor, Tensor?) {
        guard let weightName = node.input(1), let weight = graph.constant(weightName) else {
            throw SottoError("\(fileLabel): the weight of \(module) is not stored in the file")
        }
        let bias = try node.input(2).map { name -> Tensor in
            guard let tensor = graph.constant(name) else {
                throw SottoError("\(fileLabel): the bias of \(module) is not stored in the file")
            }
            return try Self.tensor(tensor, label: module + ".bias", file: fileLabel)
        }
        return (try Self.tensor(weight, label: module + ".weight", file: fileLabel), bias)
    }

    private static func tensor(_ initializer: ONNXTensor, label: String, file: String) throws -> Tensor {
        // The values pass through an array and then the tensor: both at once at worst.
        MemoryShortage.ensureRoom(for: 2 * 4 * initializer.elementCount, to: "load \(label) of \(file)")
        let values = try initializer.floats()
        let dims = initializer.dims.isEmpty ? [1] : initializer.dims
        guard values.count == dims.reduce(1, *) else {
            throw SottoError("\(file): weight \(label) holds \(values.count) values for shape \(dims)")
        }
        guard values.allSatisfy(\.isFinite) else {
            throw SottoError("\(file): weight \(label) holds values that are not finite",
                             hint: "the file is damaged; download the voice again")
        }
        return Tensor(shape: Shape(dims), values: values)
    }
}

extension PiperWeights {
    /// An error for a module whose weights do not fit together.
    func malformed(_ module: String, _ why: String) -> SottoError {
        SottoError("\(fileLabel): \(module) is malformed: \(why)", hint: "the file is not a Piper (VITS) voice or it is damaged")
    }
}
