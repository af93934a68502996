import Foundation
import SottoCore
import SottoONNX
import Testing

/// The hand-built fixture model: every tensor encoding, every attribute kind, and miniature
/// copies of Kokoro's quantised forms whose float weights onnxruntime computed.
@Suite struct TinyModelTests {
    struct Expected: Decodable {
        struct Tensor: Decodable {
            let dims: [Int]
            let dtype: String
            let values: [Double]
            let integers: [Int64]?
        }
        struct Dense: Decodable {
            let node: String
            let shape: [Int]
            let values: [Double]
            let bias: [Double]?
        }
        struct LSTM: Decodable {
            struct Direction: Decodable {
                let weightIH: [Double], weightHH: [Double], biasIH: [Double], biasHH: [Double]
            }
            let node: String
            let directions: [Direction]
        }
        struct Quantised: Decodable {
            let linear: Dense, conv: Dense, embedding: Dense, perAxis: Dense
            let lstm: LSTM
        }
        let tensors: [String: Tensor]
        let quantised: Quantised
    }

    let model: ONNXModel
    let expected: Expected

    init() throws {
        model = try ONNXModel(contentsOf: Fixtures.url("tiny.onnx"))
        expected = try loadJSON(Expected.self, "tiny-expected.json")
    }

    @Test func readsTheModelHeader() {
        #expect(model.irVersion == 9)
        #expect(model.producerName == "sotto-fixtures" && model.producerVersion == "1")
        #expect(model.opsetVersion("") == 20 && model.opsetVersion("com.microsoft") == 1 && model.opsetVersion("sotto.test") == 1)
        #expect(model.opsetVersion("ai.onnx.ml") == nil)
        #expect(model.graph.name == "tiny")
        #expect(model.fileLabel == "tiny.onnx")
    }

    @Test func convertsEveryEncodingToFloat() throws {
        #expect(expected.tensors.count == 24)
        for (name, tensor) in expected.tensors {
            let stored = try #require(model.graph.initializer(name), "\(name)")
            #expect(stored.dims == tensor.dims, "\(name)")
            #expect(stored.dataType.description == tensor.dtype, "\(name)")
            #expect(stored.elementCount == tensor.values.count, "\(name)")
            // float64 and int64 beyond 2^24 cannot be held exactly by Float: compare to the
            // expected value rounded to Float, which is what a correct conversion gives.
            let floats = try stored.floats()
            #expect(floats == tensor.values.map { Float($0) }, "\(name)")
            if let integers = tensor.integers {
                #expect(try stored.int64s() == integers, "\(name)")
            }
        }
    }

    @Test func typedAccessorsKeepExactValues() throws {
        let graph = model.graph
        #expect(try graph.initializer("i8_raw")?.int8s() == [-128, -1, 0, 1, 127])
        #expect(try graph.initializer("i8_typed")?.int8s() == [-7, 0, 100])
        #expect(try graph.initializer("u8_raw")?.uint8s() == [0, 1, 200, 255])
        #expect(try graph.initializer("u8_typed")?.uint8s() == [3, 250, 0, 17])
        #expect(try graph.initializer("i32_typed")?.int32s() == [Int32.min, 7, Int32.max])
        #expect(try graph.initializer("i64_typed")?.int64s() == [-9_007_199_254_740_993, -1, 42])
        #expect(try graph.initializer("scalar_f")?.scalarFloat() == 0.75)
        #expect(try graph.initializer("scalar_i")?.scalarInt() == -3)
        #expect(try graph.initializer("empty_f")?.floats() == [])
        #expect(graph.initializer("scalar_f")?.dims == [])
        #expect(throws: SottoError.self) { try graph.initializer("u8_raw")?.int8s() }
        #expect(throws: SottoError.self) { try graph.initializer("f32_raw")?.scalarFloat() }
        #expect(throws: SottoError.self) { try graph.initializer("f32_raw")?.int64s() }
        let rawBytes = try graph.initializer("i64_raw")?.withRawBytes { Array($0) }
        #expect(rawBytes?.count == 32 && rawBytes?[8] == 0xFE)
        #expect(throws: SottoError.self) { try graph.initializer("f32_typed")?.withRawBytes { $0.count } }
        #expect(graph.initializer("f32_typed")?.storage == .typed(field: 4))
        if case .raw(let range) = graph.initializer("f32_raw")?.storage {
            #expect(range.count == 24)
        } else {
            Issue.record("f32_raw should be raw data")
        }
    }

    @Test func externalDataIsAClearError() throws {
        let tensor = try #require(model.graph.initializer("external_w"))
        #expect(tensor.storage == .external(location: "weights.bin"))
        let error = try #require(throws: SottoError.self) { try tensor.floats() }
        #expect(error.message.contains("tiny.onnx") && error.message.contains("external") && error.message.contains("weights.bin"))
        #expect(model.summary.externalTensorCount == 1)
    }

    @Test func readsEveryAttributeKind() throws {
        let probe = try #require(model.graph.node(named: "/blocks.0/probe.1/Probe"))
        #expect(probe.domain == "sotto.test" && probe.qualifiedOpType == "sotto.test.Probe")
        #expect(probe.inputs == ["f32_raw", "", "const_out"])
        #expect(probe.input(1) == nil && probe.input(2) == "const_out" && probe.input(3) == nil)
        #expect(probe.outputs == ["probe_out", "probe_aux"])
        #expect(probe.floatAttribute("f") == 0.25)
        #expect(probe.intAttribute("i") == -7)
        #expect(probe.stringAttribute("s") == "same")
        #expect(probe.attribute("floats")?.floats == [1.5, -2.0])
        #expect(probe.intsAttribute("ints") == [3, -1, 4])
        #expect(probe.attribute("strings")?.strings == ["a", "bc"])
        #expect(try probe.attribute("t")?.tensor?.int64s() == [9, 8])
        #expect(probe.attribute("missing") == nil)
        let constant = try #require(model.graph.constant("const_out"))
        #expect(try constant.floats() == [2.5, -1])
        #expect(model.graph.constant("probe_out") == nil)
    }

    @Test func readsDeclaredShapes() {
        let graph = model.graph
        #expect(graph.inputs.map(\.description) == [
            "x_lin float32 [?, 5]", "x_conv float32 [?, 2, ?]", "x_lstm float32 [?, 1, 3]", "ids int64 [?]",
        ])
        #expect(graph.outputs.last?.description == "square float32 [batch, 3]")
        #expect(graph.valueInfo.map(\.description) == ["probe_out float32 [batch, 3]", "lin_int int32 [?, 3]"])
    }

    @Test func navigatesEdges() throws {
        let graph = model.graph
        #expect(graph.producer(of: "lin_int")?.name == "/lin/MatMul_quant")
        #expect(graph.producer(of: "lin.bias") == nil)
        #expect(graph.producer(of: "no such value") == nil)
        #expect(graph.consumers(of: "x_conv_scale").map(\.name) == ["conv.0.bias_scale_node"])
        #expect(graph.consumers(of: "conv_bias_scale").map(\.name) == ["conv.0.bias_tmp_quant", "/conv/conv.0/Conv_quant_output_scale_mul"])
        // Mul(probe_out, probe_out) reads one value twice but is one consumer.
        #expect(graph.consumers(of: "probe_out").map(\.name) == ["/blocks.0/Mul"])
        #expect(graph.consumers(of: "lstm_zero_point").map(\.name) == ["/rnn/LSTM_quant"])
        #expect(graph.consumers(of: "").isEmpty)
        let step = try #require(graph.follow("lin_int", through: ["Cast"], to: "Mul"))
        #expect(step.node.name == "/lin/MatMul_quant_output_scale_mul" && step.input == 0)
        #expect(graph.follow("lin_int", to: "Mul") == nil, "a Cast stands between")
        #expect(graph.follow("conv_bias_scale", through: [], to: "Div") == nil, "two consumers")
        #expect(graph.sourceInitializer(of: "conv_bias_shaped", through: ["Reshape", "Cast", "Floor", "Div"])?.name == "conv.0.bias")
        #expect(graph.nodes(opType: "Mul").count == 5)
        #expect(graph.nodes(opType: "Mul", namePrefix: "/lin/").map(\.name) == ["/lin/MatMul_quant_scales_mul", "/lin/MatMul_quant_output_scale_mul"])
        #expect(graph.nodes(opType: "com.microsoft.DynamicQuantizeLSTM").count == 1)
        #expect(graph.initializerInputs(of: try graph.requireNode(named: "/lin/Add")).map(\.position) == [0])
        #expect(throws: SottoError.self) { try graph.requireNode(named: "/nope") }
        #expect(throws: SottoError.self) { try graph.requireInitializer("nope", for: "the test") }
        #expect(graph.nodes.enumerated().allSatisfy { $0.offset == $0.element.index })
    }

    @Test func namesModulesAndParameters() throws {
        let graph = model.graph
        #expect(graph.node(named: "/blocks.0/probe.1/Probe")?.modulePath == "blocks.0.probe.1")
        #expect(graph.node(named: "/conv/conv.0/Conv_quant")?.modulePath == "conv.0")
        #expect(graph.node(named: "conv.0.bias_quantizedbias_add")?.modulePath == "")
        #expect(graph.parameterName(ofInitializer: "/conv/Mul_output_0_quantized") == "conv.0.weight")
        #expect(graph.parameterName(ofInitializer: "lin.weight_quantized") == "lin.weight")
        #expect(graph.parameterName(ofInitializer: "emb.weight_quantized") == "emb.weight")
        #expect(graph.parameterName(ofInitializer: "lin.bias") == "lin.bias")
        #expect(graph.parameterName(ofInitializer: "f32_raw") == nil)
        #expect(graph.parameterName(ofInitializer: "not there") == nil)
    }

    // onnxruntime computed these from the same bytes; its MatMulInteger probe rounds three
    // times where Sotto rounds once (see KokoroDequantizationTests), and the conv probe
    // subtracts two outputs carrying a bias of order 1.
    @Test func dequantisesLikeOnnxRuntime() throws {
        let graph = model.graph
        let q = expected.quantised
        let linear = try graph.quantizedLinear(named: q.linear.node)
        let linearWeights = try linear.weights()
        #expect(linearWeights.shape == q.linear.shape)
        expectClose(linearWeights.values, q.linear.values, relative: 1e-6, absolute: 0, "linear")
        #expect(try linear.biasValues() == q.linear.bias?.map { Float($0) })
        #expect(try linear.zeroPoint?.int8s() == [0, 2, -3])

        let conv = try graph.quantizedConv(named: q.conv.node)
        let convWeights = try conv.weights()
        #expect(convWeights.shape == q.conv.shape)
        expectClose(convWeights.values, q.conv.values, relative: 0, absolute: 5e-7, "conv")
        #expect(try conv.biasValues() == q.conv.bias?.map { Float($0) })
        #expect(conv.bias?.name == "conv.0.bias")

        let lstm = try graph.quantizedLSTM(named: q.lstm.node)
        let directions = try lstm.weights()
        #expect(directions.count == 2)
        for (weights, reference) in zip(directions, q.lstm.directions) {
            #expect(weights.weightIH.shape == [8, 3] && weights.weightHH.shape == [8, 2])
            #expect(weights.weightIH.values == reference.weightIH.map { Float($0) })
            #expect(weights.weightHH.values == reference.weightHH.map { Float($0) })
            #expect(weights.biasIH == reference.biasIH.map { Float($0) })
            #expect(weights.biasHH == reference.biasHH.map { Float($0) })
        }

        let embedding = try graph.quantizedTensor(named: q.embedding.node)
        #expect(embedding.gather?.name == "/emb/Gather_quant")
        #expect(try embedding.weights() == WeightTensor(shape: q.embedding.shape, values: q.embedding.values.map { Float($0) }))

        let perAxis = try graph.quantizedTensor(named: q.perAxis.node)
        #expect(perAxis.axis == 1 && perAxis.gather == nil)
        #expect(try perAxis.weights() == WeightTensor(shape: q.perAxis.shape, values: q.perAxis.values.map { Float($0) }))
    }

    @Test func wrongNodesAreRefusedWithTheirNames() throws {
        let graph = model.graph
        let add = try graph.requireNode(named: "/lin/Add")
        let error = try #require(throws: SottoError.self) { try graph.quantizedLinear(add) }
        #expect(error.message.contains("/lin/Add") && error.message.contains("tiny.onnx"))
        #expect(throws: SottoError.self) { try graph.quantizedConv(add) }
        #expect(throws: SottoError.self) { try graph.quantizedLSTM(add) }
        #expect(throws: SottoError.self) { try graph.quantizedTensor(add) }
        #expect(throws: SottoError.self) { try graph.quantizedLinear(module: "nothing") }
    }

    @Test func summarisesTheModel() {
        let summary = model.summary
        #expect(summary.nodeCount == model.graph.nodes.count)
        #expect(summary.count(of: "Mul") == 5)
        #expect(summary.count(of: "sotto.test.Probe") == 1)
        #expect(summary.count(of: "Conv") == 0)
        #expect(summary.initializerCount == model.graph.initializers.count)
        #expect(summary.total(for: .float32)?.bytes == 4 * (summary.total(for: .float32)?.elements ?? -1))
        #expect(summary.inputs.count == 4 && summary.outputs.count == 7)
        #expect(summary.description.contains("tiny.onnx"))
        #expect(summary.description.contains("DynamicQuantizeLSTM 1"))
    }
}

