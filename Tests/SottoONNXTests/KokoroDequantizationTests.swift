import Foundation
import SottoCore
import SottoONNX
import Testing

/// The float weights recovered from Kokoro's quantised layers, against what onnxruntime
/// computes from the same file (Scripts/fixtures/make_onnx_fixtures.py).
@Suite struct KokoroDequantizationTests {
    struct Reference: Decodable {
        let kind: String
        let node: String?
        let weightInitializer: String?
        let scaleInitializer: String?
        let zeroPointInitializer: String?
        let scalesNode: String?
        let outputScaleNode: String?
        let biasInitializer: String?
        let zeroPoint: Int?
        let tableInitializer: String?
        let recurrentInitializer: String?
        let initializer: String?
        let parameter: String?
        let hiddenSize: Int?
        let inputSize: Int?
        let weight: WeightSummary?
        let parts: [String: WeightSummary]?
    }

    let references: [String: Reference]
    let graph: ONNXGraph

    init() throws {
        references = try loadJSON([String: Reference].self, "kokoro-reference.json")
        graph = try RealModels.kokoro.get().graph
    }

    // onnxruntime's probe computes Cast(255 * (q - zp)) * (x_scale * w_scale) with x_scale =
    // 1/255 in float, three roundings where Sotto's (q - zp) * w_scale has one: a few ulp, so
    // 1e-6 relative.
    @Test(arguments: ["bertEncoder", "albertQuery"])
    func linearMatchesOnnxRuntime(_ key: String) throws {
        let reference = try #require(references[key])
        let linear = try graph.quantizedLinear(named: try #require(reference.node))
        #expect(linear.weight.name == reference.weightInitializer)
        #expect(linear.scale.name == reference.scaleInitializer)
        #expect(linear.zeroPoint?.name == reference.zeroPointInitializer)
        #expect(linear.scalesNode?.name == reference.scalesNode)
        #expect(linear.outputScaleNode.name == reference.outputScaleNode)
        #expect(linear.bias?.name == reference.biasInitializer)
        #expect(try linear.zeroPoint?.int8s().allSatisfy { $0 == 0 } == true)
        expectMatches(try linear.weights(), try #require(reference.weight), relative: 1e-6, key)
    }

    @Test func linearIsFoundByModule() throws {
        let linear = try graph.quantizedLinear(module: "encoder.bert_encoder")
        #expect(linear.node.name == "/encoder/bert_encoder/MatMul_quant")
        #expect(linear.inFeatures == 768 && linear.outFeatures == 512)
        #expect(try linear.biasValues()?.count == 512)
    }

    // The probe subtracts two outputs that both carry the bias (|bias| < 1), so each weight
    // inherits a rounding of about 1 ulp of 1: 6e-8. 2e-7 absolute leaves room for two.
    @Test func convMatchesOnnxRuntime() throws {
        let reference = try #require(references["textEncoderConv0"])
        let conv = try graph.quantizedConv(named: try #require(reference.node))
        #expect(conv.weight.name == reference.weightInitializer)
        #expect(conv.weight.dataType == .uint8)
        #expect(conv.scale.name == reference.scaleInitializer)
        #expect(conv.zeroPoint?.name == reference.zeroPointInitializer)
        #expect(try conv.zeroPoint?.scalarInt() == Int64(try #require(reference.zeroPoint)))
        #expect(conv.scalesNode?.name == reference.scalesNode)
        #expect(conv.outputScaleNode.name == reference.outputScaleNode)
        #expect(conv.bias?.name == reference.biasInitializer)
        #expect(conv.kernelShape == [5] && conv.pads == [2, 2] && conv.group == 1)
        expectMatches(try conv.weights(), try #require(reference.weight), absolute: 2e-7, "text_encoder.cnn.0.0")
        #expect(try graph.quantizedConv(module: "encoder.text_encoder.cnn.0.0").node.name == reference.node)
    }

    // DequantizeLinear in onnxruntime is (q - zp) * scale in float, as in Sotto: exact.
    @Test func lstmMatchesOnnxRuntime() throws {
        let reference = try #require(references["textEncoderLSTM"])
        let lstm = try graph.quantizedLSTM(named: try #require(reference.node))
        #expect(lstm.inputWeights.name == reference.weightInitializer)
        #expect(lstm.recurrentWeights.name == reference.recurrentInitializer)
        #expect(lstm.hiddenSize == reference.hiddenSize && lstm.inputSize == reference.inputSize)
        #expect(lstm.direction == "bidirectional")
        let directions = try lstm.weights()
        #expect(directions.count == 2)
        let parts = try #require(reference.parts)
        for (d, suffix) in ["", "_reverse"].enumerated() {
            let weights = directions[d]
            expectMatches(weights.weightIH, try #require(parts["weight_ih_l0" + suffix]), "weight_ih_l0" + suffix)
            expectMatches(weights.weightHH, try #require(parts["weight_hh_l0" + suffix]), "weight_hh_l0" + suffix)
            expectMatches(WeightTensor(shape: [weights.biasIH.count], values: weights.biasIH),
                          try #require(parts["bias_ih_l0" + suffix]), "bias_ih_l0" + suffix)
            expectMatches(WeightTensor(shape: [weights.biasHH.count], values: weights.biasHH),
                          try #require(parts["bias_hh_l0" + suffix]), "bias_hh_l0" + suffix)
        }
        #expect(try graph.quantizedLSTM(module: "encoder.text_encoder.lstm").node.name == reference.node)
    }

    @Test(arguments: ["wordEmbeddings", "textEmbedding"])
    func embeddingMatchesOnnxRuntime(_ key: String) throws {
        let reference = try #require(references[key])
        let table = try graph.quantizedTensor(named: try #require(reference.node))
        #expect(table.data.name == reference.tableInitializer)
        #expect(table.gather?.opType == "Gather")
        #expect(table.scale.name == reference.scaleInitializer)
        #expect(table.zeroPoint?.name == reference.zeroPointInitializer)
        #expect(table.axis == nil)
        expectMatches(try table.weights(), try #require(reference.weight), key)
    }

    @Test func floatConvTransposeIsExact() throws {
        let reference = try #require(references["ups0"])
        let name = try #require(reference.initializer)
        let tensor = try #require(graph.initializer(name))
        #expect(graph.parameterName(ofInitializer: name) == reference.parameter)
        #expect(graph.initializer(forParameter: try #require(reference.parameter))?.name == name)
        expectMatches(WeightTensor(shape: tensor.dims, values: try tensor.floats()), try #require(reference.weight), "ups.0")
    }

    /// Every quantised layer of the file resolves by following edges, each finds the bias it
    /// should, and the shared zero points are all zero where Kokoro's quantiser made them so.
    @Test func everyQuantisedLayerResolves() throws {
        let linears = try graph.nodes(opType: "MatMulInteger").map(graph.quantizedLinear)
        #expect(linears.count == 148)
        #expect(linears.allSatisfy { $0.bias != nil })
        #expect(linears.filter { graph.consumers(of: $0.outputScaleNode.outputs[0]).first?.opType == "FastGelu" }.count == 12)
        #expect(linears.allSatisfy { $0.scale.elementCount == $0.outFeatures && $0.weight.dataType == .int8 })
        let convs = try graph.nodes(opType: "ConvInteger").map(graph.quantizedConv)
        #expect(convs.count == 87)
        #expect(convs.filter { $0.bias != nil }.count == 80)
        #expect(convs.allSatisfy { $0.scale.elementCount == 1 && $0.zeroPoint?.elementCount == 1 })
        let lstms = try graph.nodes(opType: "com.microsoft.DynamicQuantizeLSTM").map(graph.quantizedLSTM)
        #expect(lstms.map(\.hiddenSize) == [256, 256, 256, 256, 256, 256])
        #expect(lstms.map(\.inputSize).sorted() == [512, 640, 640, 640, 640, 640])
        let tables = try graph.nodes(opType: "DequantizeLinear").map(graph.quantizedTensor)
        #expect(tables.map { $0.data.dims }.sorted { $0[0] < $1[0] } == [[2, 128], [178, 128], [178, 512], [512, 128]])
        let zeroPoints = Set(linears.compactMap { $0.zeroPoint?.name })
        #expect(zeroPoints.count < linears.count, "zero points are shared by name")
    }
}

@Suite struct PiperWeightTests {
    struct Reference: Decodable {
        let initializer: String
        let parameter: String
        let weight: WeightSummary
    }

    @Test(arguments: ["foldedConv", "convPre"])
    func floatWeightsAreExact(_ key: String) throws {
        let reference = try #require(try loadJSON([String: Reference].self, "piper-reference.json")[key])
        let graph = try RealModels.piper.get().graph
        let tensor = try #require(graph.initializer(forParameter: reference.parameter))
        #expect(tensor.name == reference.initializer)
        #expect(graph.parameterName(ofInitializer: reference.initializer) == reference.parameter)
        let weights = WeightTensor(shape: tensor.dims, values: try tensor.floats())
        expectMatches(weights, reference.weight, key)
        // Plain float32 is copied, not computed: every sampled value is bit-identical.
        for sample in reference.weight.samples {
            #expect(weights.values[Int(sample[0])] == Float(sample[1]))
        }
    }

    @Test func foldedWeightsAreNamedThroughTheirConsumers() throws {
        let graph = try RealModels.piper.get().graph
        let names = graph.parameterNames()
        #expect(names["flow.flows.0.enc.in_layers.0.weight"]?.hasPrefix("onnx::Conv_") == true)
        #expect(names["flow.flows.0.enc.in_layers.0.bias"] == "flow.flows.0.enc.in_layers.0.bias")
        #expect(names["dec.conv_pre.weight"] == "dec.conv_pre.weight")
        #expect(names["enc_p.emb.weight"] == "sid")
        let folded = graph.initializers.filter { $0.name.hasPrefix("onnx::") && $0.dims.count == 3 }
        #expect(!folded.isEmpty)
        #expect(folded.allSatisfy { graph.parameterName(ofInitializer: $0.name)?.hasSuffix(".weight") == true })
    }
}
