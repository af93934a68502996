import Foundation
import SottoCore
import SottoONNX
import Testing

/// Damaged input ends in a SottoError naming the file and what broke: never a crash (the test
/// process would die) and never a hang (every parse step consumes bytes).
@Suite struct MalformedInputTests {
    let tiny: [UInt8]

    init() throws {
        tiny = [UInt8](try Data(contentsOf: Fixtures.url("tiny.onnx")))
    }

    @Test func emptyFile() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let url = try folder.write("empty.onnx", Data())
        let error = try #require(throws: SottoError.self) { try ONNXModel(contentsOf: url) }
        #expect(error.message == "empty.onnx: the file is empty")
    }

    @Test func missingFile() {
        #expect(throws: SottoError.self) { try ONNXModel(contentsOf: URL(fileURLWithPath: "/nonexistent/model.onnx")) }
    }

    @Test func textFile() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let url = try folder.write("notes.onnx", Data("# Voices\nThis is a text file, not a model.\n".utf8))
        let error = try #require(throws: SottoError.self) { try ONNXModel(contentsOf: url) }
        #expect(error.message.hasPrefix("notes.onnx: not"))
        #expect(error.hint != nil)
    }

    @Test func randomBytes() {
        var generator = SeededGenerator(seed: 42)
        for round in 0 ..< 300 {
            let count = Int.random(in: 1 ... 2048, using: &generator)
            let bytes = (0 ..< count).map { _ in UInt8.random(in: 0 ... 255, using: &generator) }
            #expect(throws: SottoError.self, "round \(round)") { try ONNXModel(data: Data(bytes), label: "random.onnx") }
        }
    }

    @Test func protobufWithoutAGraph() {
        // ir_version 9 and a producer name, nothing else: valid protobuf, not a model.
        let bytes: [UInt8] = [0x08, 0x09, 0x12, 0x02, 0x68, 0x69]
        let error = #expect(throws: SottoError.self) { try ONNXModel(data: Data(bytes), label: "header.onnx") }
        #expect(error?.message == "header.onnx: not an ONNX model: it has no graph")
    }

    @Test func truncatedModelSaysWhere() throws {
        let cut = Data(tiny.prefix(tiny.count * 2 / 3))
        let error = try #require(throws: SottoError.self) { try ONNXModel(data: cut, label: "cut.onnx") }
        #expect(error.message.hasPrefix("cut.onnx: not a readable ONNX model: truncated: field 7 needs"))
        #expect(error.hint?.contains("download") == true)
    }

    @Test func truncatedKokoroSaysWhere() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let whole = try MappedFile(RealModels.kokoroURL)
        let url = try folder.write("kokoro-partial.onnx", whole.data.prefix(30_000_000))
        let error = try #require(throws: SottoError.self) { try ONNXModel(contentsOf: url) }
        #expect(error.message == "kokoro-partial.onnx: not a readable ONNX model: truncated: field 7 needs 92361072 bytes, only 29999971 remain at byte 25")
    }

    /// Every prefix of the fixture: each either fails with a SottoError or (cut at a field
    /// boundary) yields a smaller model, which must then survive being used.
    /// Damage inside the graph is located by the chain of enclosing messages.
    @Test func damageInsideTheGraphIsLocated() throws {
        // The first node's op type, turned into a field with wire type 7 (no such type).
        let opType = [UInt8]("DynamicQuantizeLinear".utf8)
        let position = try #require((0 ..< tiny.count - opType.count).first { Array(tiny[$0 ..< $0 + opType.count]) == opType })
        var bytes = tiny
        bytes[position - 2] = 0x27
        let error = try #require(throws: SottoError.self) { try ONNXModel(data: Data(bytes), label: "bad.onnx") }
        #expect(error.message.contains("unsupported wire type 7"))
        #expect(error.message.contains("(in graph > node "))
    }

    @Test func everyTruncationIsHandled() {
        var failures = 0
        for length in 0 ..< tiny.count {
            if exercise(Data(tiny.prefix(length))) { failures += 1 }
        }
        #expect(failures > tiny.count * 9 / 10)
    }

    /// Random byte flips and overwrites anywhere in the file.
    @Test func corruptedBytesAreHandled() {
        var generator = SeededGenerator(seed: 7)
        for _ in 0 ..< 3000 {
            var bytes = tiny
            for _ in 0 ..< Int.random(in: 1 ... 4, using: &generator) {
                let position = Int.random(in: 0 ..< bytes.count, using: &generator)
                bytes[position] = Bool.random(using: &generator) ? bytes[position] ^ (1 << UInt8.random(in: 0 ... 7, using: &generator))
                    : UInt8.random(in: 0 ... 255, using: &generator)
            }
            exercise(Data(bytes))
        }
    }

    /// Loads `data` and, if it loads, touches everything an engine would. Returns whether the
    /// load failed; any error must be a SottoError.
    @discardableResult
    private func exercise(_ data: Data) -> Bool {
        let model: ONNXModel
        do {
            model = try ONNXModel(data: data, label: "damaged.onnx")
        } catch {
            #expect(error is SottoError)
            return true
        }
        let graph = model.graph
        _ = model.summary.description
        _ = graph.valueInfo
        for tensor in graph.initializers {
            expectSottoErrorOnly { _ = try tensor.floats() }
            expectSottoErrorOnly { _ = try tensor.int64s() }
            _ = tensor.payloadByteCount
        }
        for node in graph.nodes {
            _ = node.modulePath
            for output in node.outputs { _ = graph.consumers(of: output) }
            for input in node.inputs { _ = graph.producer(of: input); _ = graph.parameterName(ofInitializer: input) }
            for attribute in node.attributes { expectSottoErrorOnly { _ = try attribute.tensor?.floats() } }
            switch node.opType {
            case "MatMulInteger": expectSottoErrorOnly { _ = try graph.quantizedLinear(node).weights() }
            case "ConvInteger": expectSottoErrorOnly { _ = try graph.quantizedConv(node).weights() }
            case "DynamicQuantizeLSTM": expectSottoErrorOnly { _ = try graph.quantizedLSTM(node).weights() }
            case "DequantizeLinear": expectSottoErrorOnly { _ = try graph.quantizedTensor(node).weights() }
            default: break
            }
        }
        return false
    }

    private func expectSottoErrorOnly(_ body: () throws -> Void) {
        do { try body() } catch { #expect(error is SottoError, "\(error)") }
    }
}

/// A small deterministic generator (SplitMix64), so fuzzing reproduces.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A fresh folder under the temporary directory, removed by `cleanup()`.
struct TemporaryFolder {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("sotto-onnx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    func cleanup() { try? FileManager.default.removeItem(at: url) }
    func write(_ name: String, _ data: Data) throws -> URL {
        let target = url.appendingPathComponent(name)
        try data.write(to: target)
        return target
    }
}
