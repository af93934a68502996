import Foundation
import SottoCore
import SottoONNX
import Testing

@Suite struct KokoroGraphNavigationTests {
    let graph: ONNXGraph

    init() throws {
        graph = try RealModels.kokoro.get().graph
    }

    @Test func followsTheQuantisedLinearChain() throws {
        let matmul = try graph.requireNode(named: "/encoder/bert_encoder/MatMul_quant")
        #expect(matmul.opType == "MatMulInteger")
        #expect(graph.producer(of: matmul.inputs[0])?.opType == "DynamicQuantizeLinear")
        let (mul, position) = try #require(graph.follow(matmul.outputs[0], through: ["Cast"], to: "Mul"))
        #expect(mul.name == "/encoder/bert_encoder/MatMul_quant_output_scale_mul")
        let scales = try #require(graph.producer(of: mul.inputs[1 - position]))
        #expect(scales.name == "/encoder/bert_encoder/MatMul_quant_scales_mul")
        #expect(graph.initializerInputs(of: scales).map(\.tensor.name) == ["onnx::MatMul_6704_scale"])
        #expect(graph.consumers(of: mul.outputs[0]).map(\.name) == ["/encoder/bert_encoder/Add"])
    }

    @Test func sharedWeightsHaveManyConsumers() throws {
        let zeroPoint = "decoder.decoder.generator.resblocks.4.adain2.2.fc.weight_zero_point"
        #expect(graph.consumers(of: zeroPoint).count > 2)
        #expect(graph.consumers(of: zeroPoint).allSatisfy { $0.opType == "MatMulInteger" })
        let query = try graph.quantizedLinear(module: "encoder.bert.encoder.albert_layer_groups.0.albert_layers.0.attention.query")
        #expect(graph.consumers(of: query.weight.name).count == 12)
        #expect(graph.parameterName(ofInitializer: query.weight.name) == "encoder.bert.encoder.albert_layer_groups.0.albert_layers.0.attention.query.weight")
    }

    @Test func filtersNodes() {
        #expect(graph.nodes(opType: "ConvInteger", namePrefix: "/encoder/text_encoder/").count == 3)
        #expect(graph.nodes(namePrefix: "/decoder/decoder/generator/resblocks.0/").count > 100)
        #expect(graph.nodes(opType: "FastGelu").count == 12)
        #expect(graph.nodes(opType: "com.microsoft.FastGelu").count == 12)
        #expect(graph.nodes(opType: "ai.onnx.Mul").isEmpty)
        let stft = graph.nodes(opType: "STFT")
        #expect(stft.count == 1 && stft.first?.intAttribute("onesided") == 1)
    }

    @Test func namesModulesLikeTheStateDict() throws {
        #expect(ONNXNode.modulePath(ofNodeName: "/decoder/generator/resblocks.0/convs1.2/ConvInteger") == "decoder.generator.resblocks.0.convs1.2")
        #expect(ONNXNode.modulePath(ofNodeName: "/encoder/text_encoder/cnn.0/cnn.0.0/Conv_quant") == "encoder.text_encoder.cnn.0.0")
        #expect(ONNXNode.modulePath(ofNodeName: "SkipLayerNormalization_token_121") == "")
        #expect(ONNXNode.modulePath(ofNodeName: "/Mul_7") == "")
        #expect(graph.parameterName(ofInitializer: "/encoder/text_encoder/cnn.0/Mul_output_0_quantized") == "encoder.text_encoder.cnn.0.0.weight")
        // The conv's own bias initializer carries the same prefix: the naming agrees.
        #expect(graph.isInitializer("encoder.text_encoder.cnn.0.0.bias"))
        #expect(graph.parameterName(ofInitializer: "onnx::LSTM_6930_quantized") == "encoder.text_encoder.lstm.weight_ih")
        #expect(graph.parameterName(ofInitializer: "onnx::MatMul_6704_scale") == nil)
        let names = graph.parameterNames()
        #expect(names["decoder.decoder.generator.conv_post.weight"] == "/decoder/decoder/generator/Mul_2_output_0")
        #expect(names["decoder.decoder.generator.conv_post.bias"] == "decoder.decoder.generator.conv_post.bias")
    }

    @Test func scalarsAndSmallTensors() throws {
        let stft = try #require(graph.nodes(opType: "STFT").first)
        #expect(try graph.constant(stft.inputs[1])?.scalarInt() == 5)
        let window = try #require(graph.constant(stft.inputs[2]))
        #expect(window.dims == [20])
        let values = try window.floats()
        // A periodic Hann window of 20: 0 at the start, 1 in the middle.
        #expect(values[0] == 0 && abs(values[10] - 1) < 1e-6)
        #expect(try graph.constant(stft.inputs[3])?.scalarInt() == 20)
    }
}
