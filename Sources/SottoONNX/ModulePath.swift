/// PyTorch module paths recovered from ONNX node names. Exporters name a node by the scope of
/// the module that ran it ("/decoder/generator/resblocks.0/convs1.2/Conv"), which is the only
/// trace of the module tree left in a file; folded weights ("onnx::Conv_1234",
/// "/flow/Mul_output_0") are named by nothing else.
extension ONNXNode {
    /// The dotted module path of this node: "/decoder/generator/resblocks.0/convs1.2/ConvInteger"
    /// gives "decoder.generator.resblocks.0.convs1.2". Names without scope give "".
    public var modulePath: String { Self.modulePath(ofNodeName: name) }

    /// The module path for a node name; see `modulePath`. PyTorch's exporter writes a module
    /// inside a container as a scope repeating the container's name ("cnn.0/cnn.0.0" for
    /// `cnn[0][0]`), so a scope that its successor extends is dropped: the result matches the
    /// state-dict key prefix ("cnn.0.0").
    public static func modulePath(ofNodeName name: String) -> String {
        guard name.hasPrefix("/") else { return "" }
        var scopes = name.split(separator: "/", omittingEmptySubsequences: true)
        guard !scopes.isEmpty else { return "" }
        scopes.removeLast()
        var kept: [Substring] = []
        for (position, scope) in scopes.enumerated() {
            if position + 1 < scopes.count, scopes[position + 1].hasPrefix(scope + ".") { continue }
            kept.append(scope)
        }
        return kept.joined(separator: ".")
    }

    /// The parameter role of the input at `position` for ops whose inputs map to PyTorch
    /// parameters ("weight", "bias", ...); nil for inputs that are activations or constants.
    public func parameterRole(ofInput position: Int) -> String? {
        switch (opType, position) {
        case ("Conv", 1), ("ConvTranspose", 1), ("ConvInteger", 1), ("Gemm", 1),
             ("MatMul", 1), ("MatMulInteger", 1), ("FusedMatMul", 1), ("LayerNormalization", 1),
             ("Gather", 0): "weight"
        case ("Conv", 2), ("ConvTranspose", 2), ("Gemm", 2), ("LayerNormalization", 2): "bias"
        case ("SkipLayerNormalization", 2): "weight"
        case ("SkipLayerNormalization", 3): "bias"
        case ("LSTM", 1), ("DynamicQuantizeLSTM", 1): "weight_ih"
        case ("LSTM", 2), ("DynamicQuantizeLSTM", 2): "weight_hh"
        case ("LSTM", 3), ("DynamicQuantizeLSTM", 3): "bias"
        default: nil
        }
    }
}

extension ONNXGraph {
    /// The first node, in graph order, of one of `ops` whose module path is `module`.
    public func firstNode(inModule module: String, ops: Set<String>) -> ONNXNode? {
        index.nodes(inModule: module, of: nodes).lazy.map { nodes[Int($0)] }.first { ops.contains($0.opType) }
    }

    /// The PyTorch-style parameter name of an initializer: its first consumer's module path
    /// plus the role of the input it feeds ("onnx::Conv_8240" read by
    /// "/flow/flows.0/enc/in_layers.0/Conv" as its weight gives
    /// "flow.flows.0.enc.in_layers.0.weight"). Initializers feeding no such input keep their own
    /// name when it already looks like a state-dict key; otherwise nil.
    public func parameterName(ofInitializer name: String) -> String? {
        guard isInitializer(name) else { return nil }
        for consumer in consumers(of: name) {
            guard let position = consumer.inputs.firstIndex(of: name),
                  let role = consumer.parameterRole(ofInput: position) else { continue }
            let module = consumer.modulePath
            guard !module.isEmpty else { continue }
            return "\(module).\(role)"
        }
        let looksLikeKey = !name.contains("/") && !name.contains(":") && name.contains(".")
        return looksLikeKey ? name : nil
    }

    /// Every initializer that has a parameter name, keyed by that name. When two initializers
    /// claim one name, the first in file order keeps it.
    public func parameterNames() -> [String: String] {
        var names: [String: String] = [:]
        for tensor in initializers {
            guard let parameter = parameterName(ofInitializer: tensor.name), names[parameter] == nil else { continue }
            names[parameter] = tensor.name
        }
        return names
    }

    /// The initializer holding a PyTorch parameter ("dec.conv_pre.weight"), found by its own name
    /// first and then through the consumers of folded weights.
    public func initializer(forParameter parameter: String) -> ONNXTensor? {
        if let tensor = initializer(parameter) { return tensor }
        return parameterNames()[parameter].flatMap { initializer($0) }
    }
}
