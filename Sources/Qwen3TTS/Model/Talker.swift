import Foundation
import SottoCore

/// The talker: a Qwen3 decoder over dual-track inputs (text track + codec track, both in the
/// talker's width) that predicts codebook 0 of each frame.
public final class Talker: @unchecked Sendable {
    let config: TalkerConfiguration
    let decoder: Qwen3Decoder
    let textEmbedding: EmbeddingTable
    let textProjectionIn: LinearWeights
    let textProjectionOut: LinearWeights
    let codecEmbedding: EmbeddingTable
    let codecHead: LinearWeights

    var hiddenSize: Int { config.dimensions.hiddenSize }

    init(_ archive: SafetensorsArchive, config: TalkerConfiguration, precision: WeightPrecision) throws {
        self.config = config
        let d = config.dimensions, th = config.textHiddenSize
        decoder = try Qwen3Decoder(archive, prefix: "talker.model.", dims: d, precision: precision)
        textEmbedding = try EmbeddingTable(mapped: archive, name: "talker.model.text_embedding.weight",
                                           rows: config.textVocabularySize, width: th)
        // The projection only runs over prompt tokens, so it stays in full precision.
        textProjectionIn = try LinearWeights.load(archive, names: ["talker.text_projection.linear_fc1.weight"],
                                                  bias: "talker.text_projection.linear_fc1.bias", columns: th,
                                                  rowsEach: [th], precision: .fp32)
        textProjectionOut = try LinearWeights.load(archive, names: ["talker.text_projection.linear_fc2.weight"],
                                                   bias: "talker.text_projection.linear_fc2.bias", columns: th,
                                                   rowsEach: [d.hiddenSize], precision: .fp32)
        codecEmbedding = try EmbeddingTable(archive, name: "talker.model.codec_embedding.weight",
                                            rows: d.vocabularySize, width: d.hiddenSize)
        codecHead = try LinearWeights.load(archive, names: ["talker.codec_head.weight"], columns: d.hiddenSize,
                                           rowsEach: [d.vocabularySize], precision: precision)
    }

    var residentBytes: Int {
        decoder.residentBytes + textEmbedding.residentBytes + textProjectionIn.residentBytes
            + textProjectionOut.residentBytes + codecEmbedding.residentBytes + codecHead.residentBytes
    }

    /// `text_projection(text_embedding(ids))`: one row of hiddenSize per id.
    func projectText(_ ids: [Int]) throws -> [Float] {
        let th = config.textHiddenSize, n = ids.count
        guard n > 0 else { return [] }
        if let bad = ids.first(where: { $0 < 0 || $0 >= config.textVocabularySize }) {
            throw SottoError("token id \(bad) is outside this model's text vocabulary of \(config.textVocabularySize)",
                             hint: "the tokenizer files do not belong to this model")
        }
        var embedded = [Float](repeating: 0, count: n * th)
        var hidden = [Float](repeating: 0, count: n * th)
        var projected = [Float](repeating: 0, count: n * hiddenSize)
        embedded.withUnsafeMutableBufferPointer { e in
            for (t, id) in ids.enumerated() { textEmbedding.gather(id, into: e.baseAddress! + t * th) }
            hidden.withUnsafeMutableBufferPointer { h in
                textProjectionIn.apply(e.baseAddress!, count: n, into: h.baseAddress!)
                for i in 0 ..< n * th { h[i] = VectorOps.silu(h[i]) }
                projected.withUnsafeMutableBufferPointer { p in
                    textProjectionOut.apply(h.baseAddress!, count: n, into: p.baseAddress!)
                }
            }
        }
        return projected
    }

    /// Runs `count` input rows; returns the final-normed hidden state of the last position and
    /// the codebook-0 logits there.
    func forward(_ inputs: [Float], count: Int, cache: KVCache) -> (hidden: [Float], logits: [Float]) {
        var x = inputs
        let h = hiddenSize
        x.withUnsafeMutableBufferPointer { decoder.forward($0.baseAddress!, count: count, cache: cache) }
        let last = Array(x[(count - 1) * h ..< count * h])
        var logits = [Float](repeating: 0, count: config.dimensions.vocabularySize)
        last.withUnsafeBufferPointer { l in
            logits.withUnsafeMutableBufferPointer { codecHead.apply(l.baseAddress!, count: 1, into: $0.baseAddress!) }
        }
        return (last, logits)
    }
}
