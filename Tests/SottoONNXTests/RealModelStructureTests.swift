import Foundation
import SottoCore
import SottoONNX
import Testing

@Suite struct RealModelStructureTests {
    @Test func kokoroStructure() throws {
        let model = try RealModels.kokoro.get()
        let graph = model.graph
        #expect(model.fileSize == 92_361_271)
        #expect(model.irVersion == 9)
        #expect(model.opsetVersion("") == 20)
        #expect(model.opsetVersion("ai.onnx") == 20)
        #expect(model.opsetVersion("com.microsoft") == 1)
        #expect(model.producerName == "onnx.quantize")
        #expect(graph.nodes.count == 3614)
        #expect(graph.initializers.count == 775)

        let summary = model.summary
        #expect(summary.count(of: "MatMulInteger") == 148)
        #expect(summary.count(of: "ConvInteger") == 87)
        #expect(summary.count(of: "com.microsoft.DynamicQuantizeLSTM") == 6)
        #expect(summary.count(of: "DynamicQuantizeLSTM") == 6)
        #expect(summary.count(of: "STFT") == 1)
        #expect(summary.count(of: "Mul") == 737)
        #expect(summary.count(of: "com.microsoft.SkipLayerNormalization") == 12)
        #expect(summary.count(of: "RandomNormalLike") == 0)
        #expect(summary.opCensus.first == .init(opType: "Mul", count: 737))
        #expect(summary.opCensus.reduce(0) { $0 + $1.count } == 3614)
        // Element counts as the onnx Python package reports them: the research notes' 23.31 M
        // int8 and 54.67 M uint8 weights plus their zero points.
        #expect(summary.total(for: .int8)?.elements == 23_317_181)
        #expect(summary.total(for: .uint8)?.elements == 54_666_537)
        #expect(summary.total(for: .uint8)?.bytes == 54_666_537)
        #expect(summary.total(for: .float32)?.tensors == 501)
        #expect(summary.total(for: .float32)?.elements == 3_233_133)
        #expect(summary.total(for: .int64)?.tensors == 42)
        #expect(summary.initializerTotals.first?.dataType == .uint8)
        #expect(summary.externalTensorCount == 0)

        #expect(graph.runtimeInputs.map(\.description) == [
            "tokens int64 [1, sequence_length]", "style float32 [1, 256]", "speed float32 [1]",
        ])
        #expect(graph.outputs.map(\.description) == ["audio float32 [audio_length]"])
        #expect(graph.inputs[0].shape == [.fixed(1), .symbolic("sequence_length")])
    }

    @Test func piperStructure() throws {
        let model = try RealModels.piper.get()
        let graph = model.graph
        #expect(model.irVersion == 8)
        #expect(model.opsets == [ONNXOpset(domain: "", version: 15)])
        #expect(model.producerName == "pytorch")
        #expect(model.producerVersion == "2.0.0")
        #expect(graph.nodes.count == 2755)
        #expect(graph.initializers.count == 401)
        let summary = model.summary
        #expect(summary.count(of: "Conv") == 129)
        #expect(summary.count(of: "ConvTranspose") == 3)
        #expect(summary.count(of: "RandomNormalLike") == 2)
        #expect(summary.count(of: "Ceil") == 1)
        #expect(summary.count(of: "MatMulInteger") == 0)
        #expect(graph.runtimeInputs.map(\.description) == [
            "input int64 [batch_size, phonemes]", "input_lengths int64 [batch_size]", "scales float32 [3]",
        ])
        #expect(graph.outputs.map(\.description) == ["output float32 [batch_size, time, 1, Unsqueezeoutput_dim_3]"])
        // 15.65 M float parameters, no quantisation.
        let floats = try #require(summary.total(for: .float32))
        #expect((15_600_000 ... 15_700_000).contains(floats.elements))
        #expect(summary.total(for: .int8) == nil)
    }
}
