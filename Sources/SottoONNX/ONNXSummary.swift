/// What a model holds, for engines checking they were given the right file and for
/// `sotto models`-style diagnostics: operators used, weights by type, and the interface.
public struct ONNXSummary: Sendable, CustomStringConvertible {
    public struct OpCount: Sendable, Equatable {
        /// With its domain when not the standard one ("com.microsoft.FastGelu").
        public let opType: String
        public let count: Int

        public init(opType: String, count: Int) {
            self.opType = opType
            self.count = count
        }
    }

    public struct TypeTotal: Sendable, Equatable {
        public let dataType: ONNXDataType
        public let tensors: Int
        public let elements: Int
        /// Elements times the type's width (0 for strings and sub-byte types).
        public let bytes: Int
    }

    public let fileLabel: String
    public let fileSize: Int
    public let irVersion: Int
    public let opsets: [ONNXOpset]
    public let producer: String
    public let nodeCount: Int
    /// Most frequent first; ties by name.
    public let opCensus: [OpCount]
    public let initializerCount: Int
    /// Initializers grouped by element type, largest first.
    public let initializerTotals: [TypeTotal]
    /// Inputs a caller must feed (declared inputs that are not initializers).
    public let inputs: [ONNXValueInfo]
    public let outputs: [ONNXValueInfo]
    /// Initializers whose data lives outside the file.
    public let externalTensorCount: Int

    public var totalParameterBytes: Int { initializerTotals.reduce(0) { $0 + $1.bytes } }
    public var totalParameterCount: Int { initializerTotals.reduce(0) { $0 + $1.elements } }

    /// How many nodes run `opType` (with or without its domain).
    public func count(of opType: String) -> Int {
        opCensus.first { $0.opType == opType || $0.opType.hasSuffix(".\(opType)") }?.count ?? 0
    }

    public func total(for dataType: ONNXDataType) -> TypeTotal? {
        initializerTotals.first { $0.dataType == dataType }
    }

    public var description: String {
        var lines = [
            "\(fileLabel): \(fileSize) bytes, IR \(irVersion), opsets \(opsets.map(\.description).joined(separator: ", ")), producer \(producer)",
            "\(nodeCount) nodes, \(initializerCount) initializers, \(totalParameterCount) parameters in \(totalParameterBytes) bytes",
        ]
        for total in initializerTotals {
            lines.append("  \(total.dataType): \(total.tensors) tensors, \(total.elements) elements, \(total.bytes) bytes")
        }
        if externalTensorCount > 0 { lines.append("  \(externalTensorCount) tensors keep their data in external files") }
        lines.append("inputs: " + inputs.map(\.description).joined(separator: "; "))
        lines.append("outputs: " + outputs.map(\.description).joined(separator: "; "))
        lines.append("ops: " + opCensus.map { "\($0.opType) \($0.count)" }.joined(separator: ", "))
        return lines.joined(separator: "\n")
    }
}

extension ONNXGraph {
    /// How many nodes run each op type, keyed by `qualifiedOpType`.
    public func opCensus() -> [String: Int] {
        var counts: [String: Int] = [:]
        for node in nodes { counts[node.qualifiedOpType, default: 0] += 1 }
        return counts
    }

    /// The declared inputs that a caller feeds (old files also declare initializers as inputs).
    public var runtimeInputs: [ONNXValueInfo] {
        inputs.filter { !isInitializer($0.name) }
    }
}

extension ONNXModel {
    public var summary: ONNXSummary {
        let census = graph.opCensus()
            .map { ONNXSummary.OpCount(opType: $0.key, count: $0.value) }
            .sorted { ($0.count, $1.opType) > ($1.count, $0.opType) }
        var totals: [ONNXDataType: (tensors: Int, elements: Int)] = [:]
        var external = 0
        for tensor in graph.initializers {
            totals[tensor.dataType, default: (0, 0)].tensors += 1
            totals[tensor.dataType, default: (0, 0)].elements += tensor.elementCount
            if case .external = tensor.storage { external += 1 }
        }
        let typeTotals = totals
            .map { ONNXSummary.TypeTotal(dataType: $0.key, tensors: $0.value.tensors, elements: $0.value.elements,
                                         bytes: $0.value.elements * ($0.key.byteWidth ?? 0)) }
            .sorted { ($0.bytes, $1.dataType.code) > ($1.bytes, $0.dataType.code) }
        let producer = producerVersion.isEmpty ? producerName : "\(producerName) \(producerVersion)"
        return ONNXSummary(fileLabel: fileLabel, fileSize: fileSize, irVersion: irVersion, opsets: opsets,
                           producer: producer, nodeCount: graph.nodes.count, opCensus: census,
                           initializerCount: graph.initializers.count, initializerTotals: typeTotals,
                           inputs: graph.runtimeInputs, outputs: graph.outputs, externalTensorCount: external)
    }
}
