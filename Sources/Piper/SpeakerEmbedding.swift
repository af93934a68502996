import SottoKernels

/// Multi-speaker voices' speaker table (`emb_g`): one vector per speaker that the duration
/// predictor, every coupling layer's WaveNet and the decoder turn into per-channel biases.
struct SpeakerEmbedding {
    /// `[speakers, gin]`.
    let table: Tensor

    init?(weights: PiperWeights) throws {
        guard weights.has("emb_g.weight") else { return nil }
        table = try weights.tensor("emb_g.weight")
        guard table.rank == 2, table.shape[0] > 0 else { throw weights.malformed("emb_g", "shape \(table.shape)") }
    }

    var count: Int { table.shape[0] }
    var channels: Int { table.shape[1] }

    /// The speaker's vector as `[gin, 1]`, the shape the conditioning convolutions read.
    func vector(_ speaker: Int) -> Tensor {
        precondition(speaker >= 0 && speaker < count, "speaker \(speaker) outside 0..<\(count)")
        return Tensor(shape: [channels, 1], values: Array(table.toArray()[speaker * channels ..< (speaker + 1) * channels]))
    }
}
