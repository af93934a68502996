import Foundation
import SottoCore
import SottoKernels

/// An ONNX model (ModelProto) read without onnxruntime. Loading decodes the structure — opsets,
/// nodes, attributes, initializer names, shapes and types — and leaves every weight in the
/// memory-mapped file until it is converted.
public struct ONNXModel: Sendable {
    public let irVersion: Int
    public let opsets: [ONNXOpset]
    public let producerName: String
    public let producerVersion: String
    public let graph: ONNXGraph
    /// The file name (or the label given for in-memory bytes) that messages start with.
    public let fileLabel: String
    public let fileSize: Int

    let file: ONNXFileBytes

    /// Reads the model file at `url`, memory-mapped.
    public init(contentsOf url: URL) throws {
        let mapped = try MappedFile(url)
        try self.init(file: ONNXFileBytes(data: mapped.data, label: url.lastPathComponent))
    }

    /// Reads a model held in memory; `label` names it in errors.
    public init(data: Data, label: String) throws {
        try self.init(file: ONNXFileBytes(data: data, label: label))
    }

    private init(file: ONNXFileBytes) throws {
        self.file = file
        fileLabel = file.label
        fileSize = file.data.count
        guard !file.data.isEmpty else {
            throw file.error("the file is empty", hint: "download the model again")
        }
        // The graph's node and tensor lists grow as Swift arrays, which trap when memory is out;
        // they take 2.5 MB for Kokoro's graph and 2.1 MB for Piper's (address space, measured).
        MemoryShortage.ensureRoom(for: 4 << 20, to: "read the graph of \(file.label)")
        var irVersion: Int?
        var opsets: [ONNXOpset] = []
        var producerName = "", producerVersion = ""
        var graph: ONNXGraph?
        let parsed: Result<Void, ProtoFailure> = file.withBytes { bytes in
            do throws(ProtoFailure) {
                var reader = ProtoReader(bytes, range: 0 ..< bytes.count)
                while let field = try reader.next() {
                    switch field.number {
                    case 1:
                        try field.expect(.varint, "IR version")
                        irVersion = field.int
                    case 2: producerName = try reader.string(field)
                    case 3: producerVersion = try reader.string(field)
                    case 7:
                        do throws(ProtoFailure) {
                            graph = try ONNXGraph.parse(try reader.message(field, "graph"), file: file)
                        } catch {
                            throw error.within("graph")
                        }
                    case 8:
                        opsets.append(try ONNXOpset.parse(try reader.message(field, "opset import")))
                    default: break
                    }
                }
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        if case .failure(let failure) = parsed {
            throw file.error("not a readable ONNX model: \(failure.summary)",
                             hint: "the file is damaged or incomplete; download the model again")
        }
        guard let irVersion, irVersion > 0, let graph else {
            throw file.error("not an ONNX model: it has no \(irVersion == nil ? "IR version" : "graph")",
                             hint: "expected a .onnx file")
        }
        self.irVersion = irVersion
        self.opsets = opsets
        self.producerName = producerName
        self.producerVersion = producerVersion
        self.graph = graph
    }

    /// The operator-set version imported for `domain`; "" and "ai.onnx" both mean the
    /// standard set.
    public func opsetVersion(_ domain: String) -> Int? {
        let wanted = domain == "ai.onnx" ? "" : domain
        return opsets.first { ($0.domain == "ai.onnx" ? "" : $0.domain) == wanted }?.version
    }
}

/// One imported operator set (OperatorSetIdProto).
public struct ONNXOpset: Sendable, Hashable, CustomStringConvertible {
    /// "" for the standard set.
    public let domain: String
    public let version: Int

    public init(domain: String, version: Int) {
        self.domain = domain
        self.version = version
    }

    public var description: String { "\(domain.isEmpty ? "ai.onnx" : domain) \(version)" }

    static func parse(_ reader: ProtoReader) throws(ProtoFailure) -> ONNXOpset {
        var reader = reader
        var domain = ""
        var version = 0
        while let field = try reader.next() {
            if field.number == 1 { domain = try reader.string(field) }
            if field.number == 2 {
                try field.expect(.varint, "opset version")
                version = field.int
            }
        }
        return ONNXOpset(domain: domain, version: version)
    }
}
