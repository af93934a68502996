/// One operator of the graph (NodeProto).
public struct ONNXNode: Sendable {
    /// Position in the graph's node list (topological order in files written by exporters).
    public let index: Int
    public let name: String
    public let opType: String
    /// "" for the standard operator set; "com.microsoft" for onnxruntime's contrib operators.
    public let domain: String
    /// Value names; an omitted optional input is "".
    public let inputs: [String]
    public let outputs: [String]
    public let attributes: [ONNXAttribute]

    /// The op type with its domain when it is not the standard one, e.g.
    /// "com.microsoft.DynamicQuantizeLSTM": two domains may define the same op name.
    public var qualifiedOpType: String {
        domain.isEmpty || domain == "ai.onnx" ? opType : "\(domain).\(opType)"
    }

    public func attribute(_ name: String) -> ONNXAttribute? {
        attributes.first { $0.name == name }
    }

    /// The input at `position`, or nil if the node has fewer inputs or leaves it out.
    public func input(_ position: Int) -> String? {
        guard position >= 0, position < inputs.count, !inputs[position].isEmpty else { return nil }
        return inputs[position]
    }

    public func intAttribute(_ name: String) -> Int? { attribute(name)?.int }
    public func intsAttribute(_ name: String) -> [Int]? { attribute(name)?.ints }
    public func floatAttribute(_ name: String) -> Float? { attribute(name)?.float }
    public func stringAttribute(_ name: String) -> String? { attribute(name)?.string }
}

/// A node attribute (AttributeProto). Graph-valued attributes (If/Loop bodies) are recorded
/// by kind only: no model Sotto runs has control flow.
public struct ONNXAttribute: Sendable {
    public let name: String
    public let value: Value

    public enum Value: Sendable {
        case float(Float)
        case int(Int)
        case string(String)
        case tensor(ONNXTensor)
        case floats([Float])
        case ints([Int])
        case strings([String])
        /// A kind Sotto does not decode (graphs, sparse tensors, type protos), by its
        /// AttributeProto.type code.
        case unsupported(kind: Int)
    }

    public var int: Int? { if case .int(let v) = value { v } else { nil } }
    public var float: Float? {
        switch value {
        case .float(let v): v
        case .int(let v): Float(v)
        default: nil
        }
    }
    public var string: String? { if case .string(let v) = value { v } else { nil } }
    public var tensor: ONNXTensor? { if case .tensor(let v) = value { v } else { nil } }
    public var floats: [Float]? { if case .floats(let v) = value { v } else { nil } }
    public var ints: [Int]? { if case .ints(let v) = value { v } else { nil } }
    public var strings: [String]? { if case .strings(let v) = value { v } else { nil } }
}

extension ONNXNode {
    /// Reads a NodeProto, interning its names and recording its edges (value id, node index)
    /// for the graph's indexes.
    static func parse(_ reader: ProtoReader, index: Int, file: ONNXFileBytes, names: inout NameTable,
                      edges: inout GraphEdges) throws(ProtoFailure) -> ONNXNode {
        var reader = reader
        var inputs: [String] = []
        var outputs: [String] = []
        var name = "", opType = "", domain = ""
        var attributes: [ONNXAttribute] = []
        let node = Int32(index)
        while let field = try reader.next() {
            switch field.number {
            case 1:
                let id = names.intern(try reader.payloadBytes(field, "node input"))
                inputs.append(names.names[Int(id)])
                edges.inputValues.append(id)
                edges.inputNodes.append(node)
            case 2:
                let id = names.intern(try reader.payloadBytes(field, "node output"))
                outputs.append(names.names[Int(id)])
                edges.outputValues.append(id)
                edges.outputNodes.append(node)
            case 3:
                let id = names.intern(try reader.payloadBytes(field, "node name"))
                name = names.names[Int(id)]
                edges.nodeNames.append((id, node))
            case 4: opType = names.string(try reader.payloadBytes(field, "op type"))
            case 7: domain = names.string(try reader.payloadBytes(field, "domain"))
            case 5:
                let attribute = try reader.message(field, "attribute")
                do throws(ProtoFailure) {
                    attributes.append(try ONNXAttribute.parse(attribute, file: file))
                } catch {
                    throw error.within("attribute \(attributes.count)")
                }
            default: break
            }
        }
        return ONNXNode(index: index, name: name, opType: opType, domain: domain,
                        inputs: inputs, outputs: outputs, attributes: attributes)
    }
}

extension ONNXAttribute {
    static func parse(_ reader: ProtoReader, file: ONNXFileBytes) throws(ProtoFailure) -> ONNXAttribute {
        var reader = reader
        var name = ""
        var declaredKind: Int?
        var float: Float?, int: Int?, string: String?, tensor: ONNXTensor?
        var floats: [Float] = [], ints: [Int] = [], strings: [String] = []
        var otherKind: Int?
        while let field = try reader.next() {
            switch field.number {
            case 1: name = try reader.string(field)
            case 20:
                try field.expect(.varint, "attribute type")
                declaredKind = field.int
            case 2:
                try field.expect(.fixed32, "float attribute")
                float = field.float
            case 3:
                try field.expect(.varint, "int attribute")
                int = field.int
            case 4: string = try reader.string(field)
            case 5:
                tensor = try ONNXTensor.parse(try reader.message(field, "tensor attribute"), file: file)
            case 7: try reader.forEachFixed(field, width: 4) { floats.append(Float(bitPattern: UInt32(truncatingIfNeeded: $0))) }
            case 8: try reader.forEachVarint(field) { ints.append(Int(truncatingIfNeeded: $0)) }
            case 9: strings.append(try reader.string(field))
            case 6: otherKind = 5
            case 10: otherKind = 9
            case 11: otherKind = 10
            case 22: otherKind = 11
            case 23: otherKind = 12
            case 14: otherKind = 13
            case 15: otherKind = 14
            default: break
            }
        }
        // Old writers leave `type` out; then the field that is present says what it is.
        let kind = declaredKind ?? {
            if float != nil { return 1 }
            if int != nil { return 2 }
            if string != nil { return 3 }
            if tensor != nil { return 4 }
            if !floats.isEmpty { return 6 }
            if !ints.isEmpty { return 7 }
            if !strings.isEmpty { return 8 }
            return otherKind ?? 0
        }()
        let value: Value
        switch kind {
        case 1: value = .float(float ?? 0)
        case 2: value = .int(int ?? 0)
        case 3: value = .string(string ?? "")
        case 4:
            guard let tensor else { throw ProtoFailure(offset: reader.end, reason: "tensor attribute '\(name)' has no tensor") }
            value = .tensor(tensor)
        case 6: value = .floats(floats)
        case 7: value = .ints(ints)
        case 8: value = .strings(strings)
        default: value = .unsupported(kind: kind)
        }
        return ONNXAttribute(name: name, value: value)
    }
}
