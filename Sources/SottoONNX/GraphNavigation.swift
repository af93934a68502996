import SottoCore

/// Finding things in a graph by name and by edge. Engines locate weights this way rather than
/// by position in the initializer list, which exporters and quantisers reorder freely.
extension ONNXGraph {
    public func initializer(_ name: String) -> ONNXTensor? {
        index.initializer(name).map { initializers[$0] }
    }

    public func isInitializer(_ name: String) -> Bool {
        index.initializer(name) != nil
    }

    /// The initializer called `name`, or an error saying what it was wanted for.
    public func requireInitializer(_ name: String, for purpose: @autoclosure () -> String) throws -> ONNXTensor {
        guard let tensor = initializer(name) else {
            throw SottoError("\(fileLabel): \(purpose()) needs the initializer '\(name)', which the model does not have")
        }
        return tensor
    }

    public func node(named name: String) -> ONNXNode? {
        index.node(name).map { nodes[$0] }
    }

    /// The node named `name`, or an error naming the file.
    public func requireNode(named name: String) throws -> ONNXNode {
        guard let node = node(named: name) else {
            throw SottoError("\(fileLabel): the model has no node named '\(name)'")
        }
        return node
    }

    /// The node whose output is `value`; nil for graph inputs, initializers and unknown names.
    public func producer(of value: String) -> ONNXNode? {
        index.producer(value).map { nodes[$0] }
    }

    /// The nodes reading `value`, in graph order.
    public func consumers(of value: String) -> [ONNXNode] {
        index.consumers(value).map { nodes[Int($0)] }
    }

    /// Nodes matching every given filter, in graph order. `opType` may carry its domain
    /// ("com.microsoft.FastGelu") or not ("FastGelu").
    public func nodes(opType: String? = nil, namePrefix: String? = nil) -> [ONNXNode] {
        nodes.filter { node in
            if let opType, node.opType != opType, node.qualifiedOpType != opType { return false }
            if let namePrefix, !node.name.hasPrefix(namePrefix) { return false }
            return true
        }
    }

    /// The tensor a value holds when it is fixed by the file: an initializer, or the output of
    /// a Constant node.
    public func constant(_ value: String) -> ONNXTensor? {
        if let tensor = initializer(value) { return tensor }
        guard let node = producer(of: value), node.opType == "Constant", node.domain.isEmpty else { return nil }
        return node.attribute("value")?.tensor
    }

    /// The initializers among a node's inputs, with their input positions.
    public func initializerInputs(of node: ONNXNode) -> [(position: Int, tensor: ONNXTensor)] {
        node.inputs.enumerated().compactMap { position, name in
            initializer(name).map { (position, $0) }
        }
    }

    /// Follows a value downstream through nodes of the `through` op types, each of which must be
    /// the value's only consumer, until a node of type `target` consumes it. Returns that node
    /// and the input position the chain enters at, e.g. from a MatMulInteger's output through
    /// "Cast" to the "Mul" that applies its scale. Nil if the chain branches or ends elsewhere.
    public func follow(_ value: String, through: Set<String> = [], to target: String) -> (node: ONNXNode, input: Int)? {
        var current = value
        // Each step moves to a later node, so the walk ends within the node count.
        for _ in 0 ... nodes.count {
            let readers = consumers(of: current)
            guard readers.count == 1, let next = readers.first,
                  let position = next.inputs.firstIndex(of: current) else { return nil }
            if next.opType == target { return (next, position) }
            guard through.contains(next.opType), let output = next.outputs.first else { return nil }
            current = output
        }
        return nil
    }

    /// Follows a value upstream through nodes of the `through` op types (their first
    /// non-constant input, or their only input) until it reaches an initializer. Used to find
    /// the float bias behind an integer bias computed as Cast(Floor(bias / scale)).
    public func sourceInitializer(of value: String, through: Set<String>) -> ONNXTensor? {
        var current = value
        for _ in 0 ... nodes.count {
            if let tensor = initializer(current) { return tensor }
            guard let node = producer(of: current), through.contains(node.opType),
                  let first = node.inputs.first(where: { !$0.isEmpty }) else { return nil }
            current = first
        }
        return nil
    }
}
