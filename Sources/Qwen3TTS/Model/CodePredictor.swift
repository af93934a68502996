import Foundation
import SottoCore
import SottoKernels

/// The code predictor: a small Qwen3 decoder that, for each frame, turns the talker's hidden state
/// and codebook 0 into codebooks 1…15, one at a time, with its own short KV cache.
public final class CodePredictor: @unchecked Sendable {
    let config: CodePredictorConfiguration
    let decoder: Qwen3Decoder
    /// Embeddings of codebooks 1…15, in the talker's width.
    let codecEmbeddings: [EmbeddingTable]
    /// One head per codebook; step j reads only head j.
    let heads: [Projection]
    /// Maps the talker's width to the predictor's (1.7B models); nil when the widths agree.
    let inputProjection: Projection?
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
            try Projection.load(archive, names: ["talker.code_predictor.lm_head.\($0).weight"], columns: d.hiddenSize,
                                rowsEach: [d.vocabularySize], precision: precision)
        }
        if d.hiddenSize != talkerWidth {
            inputProjection = try Projection.load(archive, names: ["talker.code_predictor.small_to_mtp_projection.weight"],
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

    func makeCache() -> DecoderCache { decoder.makeCache(capacity: groups + 1) }

    /// Predicts codebooks 1…15 for one frame. `talkerHidden` is the talker's final-normed state,
    /// `firstCodeEmbedding` the talker's embedding of codebook 0; `choose(group, logits)` picks
    /// each code. Also returns the summed embeddings of codebooks 1…15 (the next talker input
    /// needs them).
    func predict(talkerHidden: [Float], firstCodeEmbedding: [Float], cache: DecoderCache, workspace: Workspace,
                 choose: (Int, [Float]) -> Int) -> (codes: [Int], embeddingSum: [Float]) {
        cache.reset()
        let mark = workspace.mark()
        defer { workspace.release(to: mark) }
        let width = talkerWidth
        var codes: [Int] = []
        codes.reserveCapacity(groups)
        let embeddingSum = workspace.zeros([1, width])
        let inputs = workspace.tensor([2, width])
        talkerHidden.withUnsafeBufferPointer { inputs.pointer.update(from: $0.baseAddress!, count: width) }
        firstCodeEmbedding.withUnsafeBufferPointer { (inputs.pointer + width).update(from: $0.baseAddress!, count: width) }
        var step = inputs
        for group in 0 ..< groups {
            let stepMark = workspace.mark()
            let x = inputProjection.map { $0(step, workspace: workspace) } ?? step.copied(in: workspace)
            decoder.forward(x, cache: cache, workspace: workspace)
            let logits = heads[group](x.sliced(axis: 0, x.shape[0] - 1 ..< x.shape[0]), workspace: workspace).toArray()
            workspace.release(to: stepMark)
            let code = choose(group, logits)
            codes.append(code)
            step = inputs.sliced(axis: 0, 0 ..< 1)
            codecEmbeddings[group].gather(code, into: step.pointer)
            Elementwise.add(embeddingSum, step, into: embeddingSum)
        }
        return (codes, embeddingSum.toArray())
    }
}

extension Tensor {
    /// A dense copy drawn from `workspace`.
    func copied(in workspace: Workspace) -> Tensor {
        let out = workspace.tensor(shape)
        out.copy(from: self)
        return out
    }
}
