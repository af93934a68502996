import Foundation
import SottoCore
import SottoKernels

/// The talker: a Qwen3 decoder over dual-track inputs (text track + codec track, both in the
/// talker's width) that predicts codebook 0 of each frame.
public final class Talker: @unchecked Sendable {
    let config: TalkerConfiguration
    let decoder: Qwen3Decoder
    let textEmbedding: EmbeddingTable
    let textProjectionIn: Projection
    let textProjectionOut: Projection
    let codecEmbedding: EmbeddingTable
    let codecHead: Projection

    var hiddenSize: Int { config.dimensions.hiddenSize }

    init(_ archive: SafetensorsArchive, config: TalkerConfiguration, precision: WeightPrecision) throws {
        self.config = config
        let d = config.dimensions, th = config.textHiddenSize
        decoder = try Qwen3Decoder(archive, prefix: "talker.model.", dims: d, precision: precision)
        textEmbedding = try EmbeddingTable(mapped: archive, name: "talker.model.text_embedding.weight",
                                           rows: config.textVocabularySize, width: th)
        // The projection only runs over prompt tokens, so it stays in full precision.
        textProjectionIn = try Projection.load(archive, names: ["talker.text_projection.linear_fc1.weight"],
                                               bias: "talker.text_projection.linear_fc1.bias", columns: th,
                                               rowsEach: [th], precision: .fp32)
        textProjectionOut = try Projection.load(archive, names: ["talker.text_projection.linear_fc2.weight"],
                                                bias: "talker.text_projection.linear_fc2.bias", columns: th,
                                                rowsEach: [d.hiddenSize], precision: .fp32)
        codecEmbedding = try EmbeddingTable(archive, name: "talker.model.codec_embedding.weight",
                                            rows: d.vocabularySize, width: d.hiddenSize)
        codecHead = try Projection.load(archive, names: ["talker.codec_head.weight"], columns: d.hiddenSize,
                                        rowsEach: [d.vocabularySize], precision: precision)
    }

    var residentBytes: Int {
        decoder.residentBytes + textEmbedding.residentBytes + textProjectionIn.residentBytes
            + textProjectionOut.residentBytes + codecEmbedding.residentBytes + codecHead.residentBytes
    }

    /// `text_projection(text_embedding(ids))`: one row of hiddenSize per id.
    func projectText(_ ids: [Int], workspace: Workspace) throws -> [Float] {
        let th = config.textHiddenSize, n = ids.count
        guard n > 0 else { return [] }
        if let bad = ids.first(where: { $0 < 0 || $0 >= config.textVocabularySize }) {
            throw SottoError("token id \(bad) is outside this model's text vocabulary of \(config.textVocabularySize)",
                             hint: "the tokenizer files do not belong to this model")
        }
        let mark = workspace.mark()
        defer { workspace.release(to: mark) }
        let embedded = workspace.tensor([n, th])
        for (t, id) in ids.enumerated() { textEmbedding.gather(id, into: embedded.pointer + t * th) }
        let hidden = textProjectionIn(embedded, workspace: workspace)
        Activation.silu.apply(inPlace: hidden)
        return textProjectionOut(hidden, workspace: workspace).toArray()
    }

    /// Runs `count` input rows; returns the final-normed hidden state of the last position and
    /// the codebook-0 logits there.
    func forward(_ inputs: [Float], count: Int, cache: DecoderCache, workspace: Workspace) -> (hidden: [Float], logits: [Float]) {
        let mark = workspace.mark()
        defer { workspace.release(to: mark) }
        let x = workspace.tensor([count, hiddenSize])
        inputs.withUnsafeBufferPointer { x.pointer.update(from: $0.baseAddress!, count: count * hiddenSize) }
        decoder.forward(x, cache: cache, workspace: workspace)
        let last = x.sliced(axis: 0, count - 1 ..< count)
        let logits = codecHead(last, workspace: workspace)
        return (last.toArray(), logits.toArray())
    }
}
