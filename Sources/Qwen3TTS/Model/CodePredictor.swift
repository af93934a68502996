import Foundation
import SottoCore

/// The code predictor: a small Qwen3 decoder that, for each frame, turns the talker's hidden state
/// and codebook 0 into codebooks 1…15, one at a time, with its own short KV cache.
public final class CodePredictor: @unchecked Sendable {
    let config: CodePredictorConfiguration
    let decoder: Qwen3Decoder
    /// Embeddings of codebooks 1…15, in the talker's width.
    let codecEmbeddings: [EmbeddingTable]
    let heads: [LinearWeights]
    /// Maps the talker's width to the predictor's (1.7B models); nil when the widths agree.
    let inputProjection: LinearWeights?
    let talkerWidth: Int

    var groups: Int { heads.count }

    init(_ archive: SafetensorsArchive, config: CodePredictorConfiguration, talkerWidth: Int, codeGroups: Int,
         precision: WeightPrecision) throws {
        self.config = config
        self.talkerWidth = talkerWidth
        let d = config.dimensions
        decoder = try Qwen3Decoder(archive, prefix: "talker.code_predictor.model.", dims: d, precision: precision)
        codecEmbeddings = try (0 ..< codeGroups - 1).map {
            try EmbeddingTable(archive, name: "talker.code_predictor.model.codec_embedding.\($0).weight",
                               rows: d.vocabularySize, width: talkerWidth)
        }
        heads = try (0 ..< codeGroups - 1).map {
            try LinearWeights.load(archive, names: ["talker.code_predictor.lm_head.\($0).weight"], columns: d.hiddenSize,
                                   rowsEach: [d.vocabularySize], precision: precision)
        }
        if d.hiddenSize != talkerWidth {
            inputProjection = try LinearWeights.load(archive, names: ["talker.code_predictor.small_to_mtp_projection.weight"],
                                                     bias: "talker.code_predictor.small_to_mtp_projection.bias",
                                                     columns: talkerWidth, rowsEach: [d.hiddenSize], precision: precision)
        } else {
            inputProjection = nil
        }
    }

    var residentBytes: Int {
        decoder.residentBytes + codecEmbeddings.reduce(0) { $0 + $1.residentBytes } + heads.reduce(0) { $0 + $1.residentBytes }
            + (inputProjection?.residentBytes ?? 0)
    }

    /// Predicts codebooks 1…15 for one frame. `talkerHidden` is the talker's final-normed state,
    /// `firstCodeEmbedding` the talker's embedding of codebook 0; `choose(group, logits)` picks
    /// each code. Also returns the summed embeddings of codebooks 1…15 (the next talker input needs them).
    func predict(talkerHidden: [Float], firstCodeEmbedding: [Float], cache: KVCache,
                 choose: (Int, [Float]) -> Int) -> (codes: [Int], embeddingSum: [Float]) {
        cache.reset()
        let h = config.dimensions.hiddenSize
        var codes: [Int] = []
        var embeddingSum = [Float](repeating: 0, count: talkerWidth)
        var inputs = talkerHidden + firstCodeEmbedding
        var count = 2
        var logits = [Float](repeating: 0, count: config.dimensions.vocabularySize)
        for group in 0 ..< groups {
            var x = project(inputs, count: count)
            x.withUnsafeMutableBufferPointer { decoder.forward($0.baseAddress!, count: count, cache: cache) }
            x.withUnsafeBufferPointer { xs in
                logits.withUnsafeMutableBufferPointer {
                    heads[group].apply(xs.baseAddress! + (count - 1) * h, count: 1, into: $0.baseAddress!)
                }
            }
            let code = choose(group, logits)
            codes.append(code)
            inputs = [Float](repeating: 0, count: talkerWidth)
            inputs.withUnsafeMutableBufferPointer { codecEmbeddings[group].gather(code, into: $0.baseAddress!) }
            VectorOps.addArrays(inputs, into: &embeddingSum)
            count = 1
        }
        return (codes, embeddingSum)
    }

    private func project(_ inputs: [Float], count: Int) -> [Float] {
        guard let inputProjection else { return inputs }
        var out = [Float](repeating: 0, count: count * inputProjection.rows)
        inputs.withUnsafeBufferPointer { i in
            out.withUnsafeMutableBufferPointer { inputProjection.apply(i.baseAddress!, count: count, into: $0.baseAddress!) }
        }
        return out
    }
}

extension VectorOps {
    static func addArrays(_ x: [Float], into y: inout [Float]) {
        precondition(x.count == y.count)
        for i in y.indices { y[i] += x[i] }
    }
}
