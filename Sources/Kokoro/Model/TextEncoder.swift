import SottoKernels

/// StyleTTS2's text encoder: phoneme embedding (512), three [Conv1d k5 → LayerNorm over
/// channels → LeakyReLU 0.2] blocks, then a bidirectional LSTM. Ids `[T]` → `[512, T]`.
struct TextEncoder: Sendable {
    let embedding: Tensor
    let convolutions: [Convolution]
    let norms: [(weight: Tensor, bias: Tensor, eps: Float)]
    let lstm: LSTM

    init(_ weights: KokoroWeights) throws {
        let root = "encoder.text_encoder"
        embedding = try weights.embedding("\(root).embedding")
        convolutions = try (0..<3).map { try weights.conv("\(root).cnn.\($0).0") }
        norms = try (0..<3).map { try weights.layerNorm("\(root).cnn.\($0).1") }
        lstm = try weights.lstm("\(root).lstm")
    }

    func callAsFunction(_ ids: [Int], workspace: Workspace) -> Tensor {
        let t = ids.count, width = embedding.shape[1]
        let rows = workspace.tensor([t, width])
        for (position, id) in ids.enumerated() {
            (rows.pointer + position * width).update(from: embedding.pointer + id * width, count: width)
        }
        var x = rows.transposed().contiguous(in: workspace)
        for (conv, norm) in zip(convolutions, norms) {
            let y = conv(x, workspace: workspace)
            Norms.layerNorm(channelsOf: y, weight: norm.weight, bias: norm.bias, eps: norm.eps, into: y, workspace: workspace)
            Activation.leakyReLU(slope: 0.2).apply(inPlace: y)
            x = y
        }
        let sequence = lstm(x.transposed().contiguous(in: workspace), workspace: workspace)
        return sequence.transposed().contiguous(in: workspace)
    }
}
