import SottoCore
import SottoKernels

/// Mimi's encoder transformer (`encoder.encoder_transformer`): pre-norm layers with LayerNorm
/// (weight and bias), causal attention with RoPE (rotate-half layout) and no biases, a GELU MLP,
/// and LayerScale on both residual branches; no final norm.
///
/// Attention is causal over the whole reference. The config's `sliding_window` (250 frames at
/// 25 Hz, 10 s) is not applied: transformers 4.57.3 builds Mimi's mask with
/// `create_causal_mask`, which ignores it for the eager and SDPA attention that run on a CPU.
final class EncoderTransformer: @unchecked Sendable {
    struct Layer {
        let inputNorm: (weight: Tensor, bias: Tensor)
        let postNorm: (weight: Tensor, bias: Tensor)
        let qkv: Projection
        let output: Projection
        let expand: Projection
        let contract: Projection
        let attentionScale: Tensor
        let mlpScale: Tensor
    }

    let config: CodecEncoderConfiguration
    let layers: [Layer]
    let rope: RotaryEmbedding

    init(_ archive: SafetensorsArchive, config: CodecEncoderConfiguration) throws {
        self.config = config
        let h = config.hiddenSize, qDim = config.heads * config.headDim, kvDim = config.kvHeads * config.headDim
        func norm(_ prefix: String) throws -> (weight: Tensor, bias: Tensor) {
            (try archive.tensor(prefix + "weight", shape: [h]), try archive.tensor(prefix + "bias", shape: [h]))
        }
        func dense(_ names: [String], columns: Int, rows: [Int]) throws -> Projection {
            try Projection.load(archive, names: names, columns: columns, rowsEach: rows, precision: .fp32)
        }
        layers = try (0 ..< config.layers).map { i in
            let l = "encoder.encoder_transformer.layers.\(i)."
            return Layer(
                inputNorm: try norm(l + "input_layernorm."),
                postNorm: try norm(l + "post_attention_layernorm."),
                qkv: try dense(["q", "k", "v"].map { l + "self_attn.\($0)_proj.weight" }, columns: h, rows: [qDim, kvDim, kvDim]),
                output: try dense([l + "self_attn.o_proj.weight"], columns: qDim, rows: [h]),
                expand: try dense([l + "mlp.fc1.weight"], columns: h, rows: [config.intermediateSize]),
                contract: try dense([l + "mlp.fc2.weight"], columns: config.intermediateSize, rows: [h]),
                attentionScale: try archive.tensor(l + "self_attn_layer_scale.scale", shape: [h]),
                mlpScale: try archive.tensor(l + "mlp_layer_scale.scale", shape: [h]))
        }
        rope = RotaryEmbedding(headDim: config.headDim, theta: Double(config.ropeTheta))
    }

    /// Runs every layer over `x` `[T, hidden]` in place (positions 0 ..< T).
    func apply(_ x: Tensor, workspace: Workspace) {
        let t = x.shape[0], h = config.hiddenSize
        let qDim = config.heads * config.headDim, kvDim = config.kvHeads * config.headDim
        let mark = workspace.mark()
        defer { workspace.release(to: mark) }
        let angles = rope.angles(positions: 0 ..< t, workspace: workspace)
        let normed = workspace.tensor([t, h])
        let attended = workspace.tensor([t, qDim])
        let branch = workspace.tensor([t, h])
        let hidden = workspace.tensor([t, config.intermediateSize])
        for layer in layers {
            let layerMark = workspace.mark()
            Norms.layerNorm(rowsOf: x, weight: layer.inputNorm.weight, bias: layer.inputNorm.bias, eps: config.normEpsilon,
                            into: normed)
            let projected = layer.qkv(normed, workspace: workspace)
            let queries = projected.sliced(axis: 1, 0 ..< qDim)
            let keys = projected.sliced(axis: 1, qDim ..< qDim + kvDim)
            let values = projected.sliced(axis: 1, qDim + kvDim ..< qDim + 2 * kvDim)
            rope.apply(angles, to: queries, heads: config.heads)
            rope.apply(angles, to: keys, heads: config.kvHeads)
            Attention.apply(query: queries, key: keys, value: values, heads: config.heads, kvHeads: config.kvHeads,
                            mask: .causal, into: attended, workspace: workspace)
            layer.output.apply(attended, into: branch, workspace: workspace)
            addScaled(branch, scale: layer.attentionScale, into: x)

            Norms.layerNorm(rowsOf: x, weight: layer.postNorm.weight, bias: layer.postNorm.bias, eps: config.normEpsilon,
                            into: normed)
            layer.expand.apply(normed, into: hidden, workspace: workspace)
            Activation.gelu.apply(inPlace: hidden)
            layer.contract.apply(hidden, into: branch, workspace: workspace)
            addScaled(branch, scale: layer.mlpScale, into: x)
            workspace.release(to: layerMark)
        }
    }

    /// x += scale ⊙ branch, row by row (LayerScale on a residual branch).
    private func addScaled(_ branch: Tensor, scale: Tensor, into x: Tensor) {
        Elementwise.broadcastAffine(branch, scale: scale, shift: nil, perRow: false, into: branch)
        Elementwise.add(x, branch, into: x)
    }
}
