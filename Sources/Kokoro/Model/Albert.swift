import SottoKernels

/// ALBERT as Kokoro uses it (PL-BERT): 128-d embeddings projected to 768, then one shared
/// transformer layer applied 12 times (12 heads, tanh-GELU feed-forward of 2048, post-norms).
/// Input ids `[T]`, output the last hidden state `[T, 768]`.
struct Albert: Sendable {
    let wordEmbeddings: Tensor
    let positionEmbeddings: Tensor
    let tokenTypeEmbeddings: Tensor
    let embeddingNorm: (weight: Tensor, bias: Tensor, eps: Float)
    let mapping: HeldLinear
    let query: HeldLinear, key: HeldLinear, value: HeldLinear, dense: HeldLinear
    let attentionNorm: (weight: Tensor, bias: Tensor, eps: Float)
    let ffn: HeldLinear, ffnOutput: HeldLinear
    let outputNorm: (weight: Tensor, bias: Tensor, eps: Float)
    let heads = 12
    let repeats = 12

    init(_ weights: KokoroWeights) throws {
        let root = "encoder.bert"
        wordEmbeddings = try weights.embedding("\(root).embeddings.word_embeddings")
        positionEmbeddings = try weights.embedding("\(root).embeddings.position_embeddings")
        tokenTypeEmbeddings = try weights.embedding("\(root).embeddings.token_type_embeddings")
        embeddingNorm = try weights.layerNorm("\(root).embeddings.LayerNorm")
        mapping = try weights.linear("\(root).encoder.embedding_hidden_mapping_in")
        let layer = "\(root).encoder.albert_layer_groups.0.albert_layers.0"
        query = try weights.linear("\(layer).attention.query")
        key = try weights.linear("\(layer).attention.key")
        value = try weights.linear("\(layer).attention.value")
        dense = try weights.linear("\(layer).attention.dense")
        attentionNorm = try weights.layerNorm("\(layer).attention.LayerNorm")
        ffn = try weights.linear("\(layer).ffn")
        ffnOutput = try weights.linear("\(layer).ffn_output")
        // The fused SkipLayerNormalization nodes carry no module scope; their parameters keep
        // their state-dict names.
        outputNorm = (try weights.parameter("\(layer).full_layer_layer_norm.weight"),
                      try weights.parameter("\(layer).full_layer_layer_norm.bias"), 1e-12)
    }

    /// Largest sequence the position table covers.
    var maxPositions: Int { positionEmbeddings.shape[0] }
    var vocabularySize: Int { wordEmbeddings.shape[0] }

    func callAsFunction(_ ids: [Int], workspace: Workspace) -> Tensor {
        let t = ids.count
        let width = wordEmbeddings.shape[1]
        let embedded = workspace.tensor([t, width])
        for (position, id) in ids.enumerated() {
            let row = embedded.pointer + position * width
            let word = wordEmbeddings.pointer + id * width
            let place = positionEmbeddings.pointer + position * width
            let type = tokenTypeEmbeddings.pointer
            for i in 0..<width { row[i] = word[i] + place[i] + type[i] }
        }
        Norms.layerNorm(rowsOf: embedded, weight: embeddingNorm.weight, bias: embeddingNorm.bias,
                        eps: embeddingNorm.eps, into: embedded)
        let hidden = mapping(embedded, workspace: workspace)
        let size = hidden.shape[1]
        let q = workspace.tensor([t, size]), k = workspace.tensor([t, size]), v = workspace.tensor([t, size])
        let context = workspace.tensor([t, size])
        let attended = workspace.tensor([t, size])
        let inner = workspace.tensor([t, self.ffn.outFeatures])
        let next = workspace.tensor([t, size])
        // The layer's weights are shared by all 12 repeats: widened from int8 (where they are not
        // run as bytes) once per call.
        let query = self.query.prepared(in: workspace), key = self.key.prepared(in: workspace)
        let value = self.value.prepared(in: workspace), dense = self.dense.prepared(in: workspace)
        let ffn = self.ffn.prepared(in: workspace), ffnOutput = self.ffnOutput.prepared(in: workspace)
        for _ in 0..<repeats {
            query.apply(hidden, into: q, workspace: workspace)
            key.apply(hidden, into: k, workspace: workspace)
            value.apply(hidden, into: v, workspace: workspace)
            Attention.apply(query: q, key: k, value: v, heads: heads, kvHeads: heads, into: context, workspace: workspace)
            dense.apply(context, into: attended, workspace: workspace)
            Elementwise.add(attended, hidden, into: attended)
            Norms.layerNorm(rowsOf: attended, weight: attentionNorm.weight, bias: attentionNorm.bias,
                            eps: attentionNorm.eps, into: attended)
            ffn.apply(attended, into: inner, workspace: workspace)
            Activation.geluTanh.apply(inPlace: inner)
            ffnOutput.apply(inner, into: next, workspace: workspace)
            Elementwise.add(next, attended, into: next)
            Norms.layerNorm(rowsOf: next, weight: outputNorm.weight, bias: outputNorm.bias, eps: outputNorm.eps, into: next)
            hidden.copy(from: next)
        }
        return hidden
    }
}
