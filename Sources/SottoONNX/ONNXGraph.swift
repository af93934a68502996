import Synchronization

/// The computation graph of a model (GraphProto) with the indexes engines need to find
/// weights by following edges: by initializer name, by node name, by the node producing a
/// value and by the nodes consuming it. Navigation lives in GraphNavigation.swift.
public struct ONNXGraph: Sendable {
    public let name: String
    public let nodes: [ONNXNode]
    public let initializers: [ONNXTensor]
    /// As declared; files from IR version 3 and older also list every initializer here.
    public let inputs: [ONNXValueInfo]
    public let outputs: [ONNXValueInfo]
    /// Types and shapes the exporter recorded for intermediate values. Decoded on each call
    /// (thousands of entries that engines rarely need, so loading skips them).
    public var valueInfo: [ONNXValueInfo] {
        file.withBytes { bytes in
            valueInfoRanges.compactMap { range in
                var names = NameTable(expectedCount: 8)
                return try? ONNXValueInfo.parse(ProtoReader(bytes, range: range), names: &names)
            }
        }
    }
    /// The name of the file the graph was read from, which errors about it start with.
    public let fileLabel: String

    let index: GraphIndex
    let file: ONNXFileBytes
    /// Where each value_info entry lies in the file; checked to be well-formed on load.
    let valueInfoRanges: [Range<Int>]
}

/// The edges of a graph as read: value ids paired with node indexes.
struct GraphEdges {
    var inputValues: [Int32] = []
    var inputNodes: [Int32] = []
    var outputValues: [Int32] = []
    var outputNodes: [Int32] = []
    var nodeNames: [(name: Int32, node: Int32)] = []
}

/// Lookups by name id; -1 means none. Consumers are stored compressed: the nodes reading
/// value v are consumerNodes[consumerStart[v] ..< consumerStart[v + 1]], in graph order.
final class GraphIndex: Sendable {
    let names: NameTable
    let initializerByName: [Int32]
    let nodeByName: [Int32]
    let producerByName: [Int32]
    let consumerStart: [Int32]
    let consumerNodes: [Int32]
    /// Node indexes by module path (``ONNXNode/modulePath``), in graph order; built by the first
    /// lookup (loaders find every weight this way, and a scan per lookup was quadratic).
    private let nodesByModule = Mutex<[String: [Int32]]?>(nil)

    init(names: NameTable, edges: GraphEdges, initializerNames: [Int32]) {
        self.names = names
        let count = names.count
        var initializerByName = [Int32](repeating: -1, count: count)
        for (position, id) in initializerNames.enumerated() where initializerByName[Int(id)] < 0 {
            initializerByName[Int(id)] = Int32(position)
        }
        var nodeByName = [Int32](repeating: -1, count: count)
        for (id, node) in edges.nodeNames where nodeByName[Int(id)] < 0 {
            nodeByName[Int(id)] = node
        }
        var producerByName = [Int32](repeating: -1, count: count)
        for (id, node) in zip(edges.outputValues, edges.outputNodes) where producerByName[Int(id)] < 0 {
            producerByName[Int(id)] = node
        }
        // Two passes over the input edges: count, then place. A node reading the same value
        // twice (Mul(x, x)) counts once; its edges are adjacent in node order.
        let empty = names.id(of: "") ?? -1
        var lastReader = [Int32](repeating: -1, count: count)
        var start = [Int32](repeating: 0, count: count + 1)
        for (id, node) in zip(edges.inputValues, edges.inputNodes) where id != empty && lastReader[Int(id)] != node {
            lastReader[Int(id)] = node
            start[Int(id) + 1] += 1
        }
        for id in 0 ..< count { start[id + 1] += start[id] }
        var fill = Array(start.dropLast())
        var readers = [Int32](repeating: 0, count: Int(start[count]))
        lastReader = [Int32](repeating: -1, count: count)
        for (id, node) in zip(edges.inputValues, edges.inputNodes) where id != empty && lastReader[Int(id)] != node {
            lastReader[Int(id)] = node
            readers[Int(fill[Int(id)])] = node
            fill[Int(id)] += 1
        }
        self.initializerByName = initializerByName
        self.nodeByName = nodeByName
        self.producerByName = producerByName
        consumerStart = start
        consumerNodes = readers
    }

    func initializer(_ name: String) -> Int? { lookup(initializerByName, name) }
    func node(_ name: String) -> Int? { lookup(nodeByName, name) }
    func producer(_ value: String) -> Int? { lookup(producerByName, name: value) }

    func nodes(inModule module: String, of nodes: [ONNXNode]) -> [Int32] {
        nodesByModule.withLock { table in
            if let table { return table[module] ?? [] }
            var built: [String: [Int32]] = [:]
            for (position, node) in nodes.enumerated() { built[node.modulePath, default: []].append(Int32(position)) }
            table = built
            return built[module] ?? []
        }
    }

    func consumers(_ value: String) -> ArraySlice<Int32> {
        guard let id = names.id(of: value).map(Int.init) else { return [] }
        return consumerNodes[Int(consumerStart[id]) ..< Int(consumerStart[id + 1])]
    }

    private func lookup(_ table: [Int32], _ name: String) -> Int? { lookup(table, name: name) }

    private func lookup(_ table: [Int32], name: String) -> Int? {
        guard let id = names.id(of: name), table[Int(id)] >= 0 else { return nil }
        return Int(table[Int(id)])
    }
}

extension ONNXGraph {
    static func parse(_ reader: ProtoReader, file: ONNXFileBytes) throws(ProtoFailure) -> ONNXGraph {
        var reader = reader
        var name = ""
        var nodes: [ONNXNode] = []
        var initializers: [ONNXTensor] = []
        var initializerNames: [Int32] = []
        var inputs: [ONNXValueInfo] = [], outputs: [ONNXValueInfo] = []
        var valueInfoRanges: [Range<Int>] = []
        // Roughly one distinct name per 12 KB of a weight-heavy file, and at least a few thousand.
        var names = NameTable(expectedCount: max(4096, file.data.count / 12_000))
        var edges = GraphEdges()
        while let field = try reader.next() {
            do throws(ProtoFailure) {
                switch field.number {
                case 1:
                    let node = try reader.message(field, "node")
                    nodes.append(try ONNXNode.parse(node, index: nodes.count, file: file, names: &names, edges: &edges))
                case 2: name = try reader.string(field)
                case 5:
                    let message = try reader.message(field, "initializer")
                    var id: Int32 = -1
                    let tensor = try ONNXTensor.parse(message, file: file) { bytes in
                        id = names.intern(bytes)
                        return names.names[Int(id)]
                    }
                    if id < 0 { id = names.intern(UnsafeRawBufferPointer(start: nil, count: 0)) }
                    initializers.append(tensor)
                    initializerNames.append(id)
                case 11: inputs.append(try ONNXValueInfo.parse(try reader.message(field, "input"), names: &names))
                case 12: outputs.append(try ONNXValueInfo.parse(try reader.message(field, "output"), names: &names))
                case 13:
                    let entry = try reader.message(field, "value info")
                    try entry.checkStructure()
                    valueInfoRanges.append(entry.position ..< entry.end)
                default: break
                }
            } catch {
                let place = switch field.number {
                case 1: "node \(nodes.count)"
                case 5: "initializer \(initializers.count)"
                case 11: "input \(inputs.count)"
                case 12: "output \(outputs.count)"
                case 13: "value info \(valueInfoRanges.count)"
                default: "field \(field.number)"
                }
                throw error.within(place)
            }
        }
        let index = GraphIndex(names: names, edges: edges, initializerNames: initializerNames)
        return ONNXGraph(name: name, nodes: nodes, initializers: initializers, inputs: inputs, outputs: outputs,
                         fileLabel: file.label, index: index, file: file, valueInfoRanges: valueInfoRanges)
    }
}
