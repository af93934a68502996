import Foundation
import SottoCore
import SottoKernels

/// One Qwen3 decoder layer as the talker and the code predictor use it: pre-norm attention with
/// per-head RMSNorm on queries and keys before RoPE, grouped KV heads, then a SwiGLU MLP.
final class Qwen3DecoderLayer: @unchecked Sendable {
    let dims: DecoderDimensions
    let inputNorm: Tensor
    let postAttentionNorm: Tensor
    let queryNorm: Tensor
    let keyNorm: Tensor
    /// q, k and v projections stacked: `(heads + 2·kvHeads)·headDim` rows.
    let qkv: Projection
    let output: Projection
    /// gate and up projections stacked: `2·intermediate` rows.
    let gateUp: Projection
    let down: Projection

    init(_ archive: SafetensorsArchive, prefix: String, dims: DecoderDimensions, precision: WeightPrecision) throws {
        self.dims = dims
        let h = dims.hiddenSize, qDim = dims.heads * dims.headDim, kvDim = dims.kvHeads * dims.headDim
        inputNorm = try archive.tensor(prefix + "input_layernorm.weight", shape: [h])
        postAttentionNorm = try archive.tensor(prefix + "post_attention_layernorm.weight", shape: [h])
        queryNorm = try archive.tensor(prefix + "self_attn.q_norm.weight", shape: [dims.headDim])
        keyNorm = try archive.tensor(prefix + "self_attn.k_norm.weight", shape: [dims.headDim])
        qkv = try Projection.load(archive, names: ["q_proj", "k_proj", "v_proj"].map { prefix + "self_attn.\($0).weight" },
                                  columns: h, rowsEach: [qDim, kvDim, kvDim], precision: precision)
        output = try Projection.load(archive, names: [prefix + "self_attn.o_proj.weight"], columns: qDim,
                                     rowsEach: [h], precision: precision)
        gateUp = try Projection.load(archive, names: [prefix + "mlp.gate_proj.weight", prefix + "mlp.up_proj.weight"],
                                     columns: h, rowsEach: [dims.intermediateSize, dims.intermediateSize],
                                     precision: precision)
        down = try Projection.load(archive, names: [prefix + "mlp.down_proj.weight"], columns: dims.intermediateSize,
                                   rowsEach: [h], precision: precision)
    }

    var residentBytes: Int {
        qkv.residentBytes + output.residentBytes + gateUp.residentBytes + down.residentBytes
            + 4 * (2 * dims.hiddenSize + 2 * dims.headDim)
    }

    /// Runs the rows of `x` `[T, hidden]` (positions `cache.count ..< cache.count + T`) in place,
    /// appending their keys and values to `cache`.
    func forward(_ x: Tensor, cache: inout KVCache, rope: RotaryEmbedding, angles: RotaryEmbedding.Angles,
                 workspace: Workspace) {
        let count = x.shape[0], h = dims.hiddenSize, hd = dims.headDim, eps = dims.rmsNormEpsilon
        let qDim = dims.heads * hd, kvDim = dims.kvHeads * hd, inter = dims.intermediateSize
        let mark = workspace.mark()
        defer { workspace.release(to: mark) }

        let normed = workspace.tensor([count, h])
        Norms.rmsNorm(rowsOf: x, weight: inputNorm, eps: eps, into: normed)
        let projected = qkv(normed, workspace: workspace)
        for t in 0 ..< count {
            let row = projected.selecting(axis: 0, t)
            let queries = row.sliced(axis: 0, 0 ..< qDim).reshaped([dims.heads, hd])
            let keys = row.sliced(axis: 0, qDim ..< qDim + kvDim).reshaped([dims.kvHeads, hd])
            Norms.rmsNorm(rowsOf: queries, weight: queryNorm, eps: eps, into: queries)
            Norms.rmsNorm(rowsOf: keys, weight: keyNorm, eps: eps, into: keys)
        }
        let queries = projected.sliced(axis: 1, 0 ..< qDim)
        let keys = projected.sliced(axis: 1, qDim ..< qDim + kvDim)
        rope.apply(angles, to: queries, heads: dims.heads)
        rope.apply(angles, to: keys, heads: dims.kvHeads)
        cache.append(keys: keys, values: projected.sliced(axis: 1, qDim + kvDim ..< qDim + 2 * kvDim))
        let attended = workspace.tensor([count, qDim])
        Attention.apply(query: queries, key: cache.keys, value: cache.values, heads: dims.heads, kvHeads: dims.kvHeads,
                        mask: .causal, into: attended, workspace: workspace)
        let residual = output(attended, workspace: workspace)
        Elementwise.add(x, residual, into: x)

        Norms.rmsNorm(rowsOf: x, weight: postAttentionNorm, eps: eps, into: normed)
        let gates = gateUp(normed, workspace: workspace)
        let activated = workspace.tensor([count, inter])
        Gates.swiGLU(gate: gates.sliced(axis: 1, 0 ..< inter), up: gates.sliced(axis: 1, inter ..< 2 * inter), into: activated)
        down.apply(activated, into: residual, workspace: workspace)
        Elementwise.add(x, residual, into: x)
    }
}

/// Keys and values of one sequence, one cache per layer. Capacity doubles when a prompt or a
/// long take needs more, so a generous frame cap costs no memory until it is used.
final class DecoderCache: @unchecked Sendable {
    var layers: [KVCache]
    private let kvHeads: Int
    private let headDim: Int

    init(layers: Int, capacity: Int, kvHeads: Int, headDim: Int) {
        self.kvHeads = kvHeads
        self.headDim = headDim
        self.layers = (0 ..< layers).map { _ in KVCache(capacity: capacity, kvHeads: kvHeads, headDim: headDim) }
    }

    /// Positions stored (the position of the next row).
    var count: Int { layers.first?.count ?? 0 }

    var capacity: Int { layers.first?.capacity ?? 0 }

    /// Makes room for `extra` more positions.
    func reserve(_ extra: Int) {
        guard count + extra > capacity else { return }
        var grown = max(capacity, 1)
        while grown < count + extra { grown *= 2 }
        for i in layers.indices {
            var larger = KVCache(capacity: grown, kvHeads: kvHeads, headDim: headDim)
            larger.append(keys: layers[i].keys, values: layers[i].values)
            layers[i] = larger
        }
    }

    func reset() {
        for i in layers.indices { layers[i].removeAll() }
    }
}

/// A stack of Qwen3 decoder layers with the final RMSNorm.
final class Qwen3Decoder: @unchecked Sendable {
    let dims: DecoderDimensions
    let layers: [Qwen3DecoderLayer]
    let finalNorm: Tensor
    let rope: RotaryEmbedding

    init(_ archive: SafetensorsArchive, prefix: String, dims: DecoderDimensions, precision: WeightPrecision) throws {
        self.dims = dims
        layers = try (0 ..< dims.layers).map {
            try Qwen3DecoderLayer(archive, prefix: "\(prefix)layers.\($0).", dims: dims, precision: precision)
        }
        finalNorm = try archive.tensor(prefix + "norm.weight", shape: [dims.hiddenSize])
        rope = RotaryEmbedding(headDim: dims.headDim, theta: Double(dims.ropeTheta))
    }

    func makeCache(capacity: Int) -> DecoderCache {
        DecoderCache(layers: dims.layers, capacity: max(capacity, 1), kvHeads: dims.kvHeads, headDim: dims.headDim)
    }

    var residentBytes: Int { layers.reduce(0) { $0 + $1.residentBytes } + dims.hiddenSize * 4 }

    /// Runs the rows of `x` `[T, hidden]` through every layer in place; `x` ends as the
    /// final-normed hidden states.
    func forward(_ x: Tensor, cache: DecoderCache, workspace: Workspace) {
        let start = cache.count
        cache.reserve(x.shape[0])
        let mark = workspace.mark()
        defer { workspace.release(to: mark) }
        let angles = rope.angles(positions: start ..< start + x.shape[0], workspace: workspace)
        for (index, layer) in layers.enumerated() {
            layer.forward(x, cache: &cache.layers[index], rope: rope, angles: angles, workspace: workspace)
        }
        Norms.rmsNorm(rowsOf: x, weight: finalNorm, eps: dims.rmsNormEpsilon, into: x)
    }
}
