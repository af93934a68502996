import Foundation
import SottoCore
import SottoKernels

/// The codec's sliding-window transformer: pre-norm layers with LayerScale, RoPE, no q/k norm,
/// SwiGLU. It streams: keys and values of the last `window − 1` frames are kept and positions
/// keep counting, which gives the same result as one pass over the whole utterance.
final class CodecTransformer: @unchecked Sendable {
    struct Layer {
        let inputNorm: Tensor
        let postNorm: Tensor
        let qkv: Projection
        let output: Projection
        let gateUp: Projection
        let down: Projection
        let attentionScale: Tensor
        let mlpScale: Tensor
    }

    let dims: DecoderDimensions
    let window: Int
    /// Frames per call at most (the decoder feeds pieces no longer than this).
    let maximumFrames: Int
    let inputProjection: Linear
    let outputWeight: Tensor
    let outputBias: Tensor
    let layers: [Layer]
    let finalNorm: Tensor
    let rope: RotaryEmbedding
    private var caches: [KVCache]
    private var position = 0

    init(_ archive: SafetensorsArchive, config: CodecConfiguration, maximumFrames: Int) throws {
        let dims = config.transformer
        self.dims = dims
        window = config.slidingWindow
        self.maximumFrames = maximumFrames
        let p = "decoder.pre_transformer.", h = dims.hiddenSize
        let qDim = dims.heads * dims.headDim, kvDim = dims.kvHeads * dims.headDim
        inputProjection = Linear(weight: try archive.tensor(p + "input_proj.weight", shape: [h, config.latentDim]),
                                 bias: try archive.tensor(p + "input_proj.bias", shape: [h]))
        outputWeight = try archive.tensor(p + "output_proj.weight", shape: [config.latentDim, h])
        outputBias = try archive.tensor(p + "output_proj.bias", shape: [config.latentDim])
        layers = try (0 ..< dims.layers).map { i in
            let l = "\(p)layers.\(i)."
            return Layer(
                inputNorm: try archive.tensor(l + "input_layernorm.weight", shape: [h]),
                postNorm: try archive.tensor(l + "post_attention_layernorm.weight", shape: [h]),
                qkv: try Projection.load(archive, names: ["q", "k", "v"].map { l + "self_attn.\($0)_proj.weight" },
                                         columns: h, rowsEach: [qDim, kvDim, kvDim], precision: .fp32),
                output: try Projection.load(archive, names: [l + "self_attn.o_proj.weight"], columns: qDim,
                                            rowsEach: [h], precision: .fp32),
                gateUp: try Projection.load(archive, names: [l + "mlp.gate_proj.weight", l + "mlp.up_proj.weight"],
                                            columns: h, rowsEach: [dims.intermediateSize, dims.intermediateSize],
                                            precision: .fp32),
                down: try Projection.load(archive, names: [l + "mlp.down_proj.weight"], columns: dims.intermediateSize,
                                          rowsEach: [h], precision: .fp32),
                attentionScale: try archive.tensor(l + "self_attn_layer_scale.scale", shape: [h]),
                mlpScale: try archive.tensor(l + "mlp_layer_scale.scale", shape: [h]))
        }
        finalNorm = try archive.tensor(p + "norm.weight", shape: [h])
        rope = RotaryEmbedding(headDim: dims.headDim, theta: Double(dims.ropeTheta))
        caches = (0 ..< dims.layers).map { _ in
            KVCache(capacity: config.slidingWindow - 1 + maximumFrames, kvHeads: dims.kvHeads, headDim: dims.headDim)
        }
    }

    func reset() {
        for i in caches.indices { caches[i].removeAll() }
        position = 0
    }

    /// One utterance's keys, values and position, held apart from the transformer.
    struct State {
        var caches: [KVCache]
        var position: Int

        /// A copy with caches of its own (a cache's rows are storage shared between copies).
        func copy() -> State {
            State(caches: caches.map { cache in
                var copy = KVCache(capacity: cache.capacity, kvHeads: 1, headDim: cache.width)
                if cache.count > 0 { copy.append(keys: cache.keys, values: cache.values) }
                return copy
            }, position: position)
        }
    }

    /// A fresh utterance's state (empty caches of the transformer's capacity).
    func makeState() -> State {
        State(caches: caches.map { KVCache(capacity: $0.capacity, kvHeads: dims.kvHeads, headDim: dims.headDim) }, position: 0)
    }

    /// Swaps the transformer's current state with `state` (no copying: the caches trade places).
    func exchange(_ state: inout State) {
        swap(&caches, &state.caches)
        swap(&position, &state.position)
    }

    var residentBytes: Int {
        layers.reduce((inputProjection.weight.count + outputWeight.count) * 4) {
            $0 + $1.qkv.residentBytes + $1.output.residentBytes + $1.gateUp.residentBytes + $1.down.residentBytes
        }
    }

    /// `[latent, T]` → `[latent, T]` for the next T frames of the utterance.
    func callAsFunction(_ input: Tensor, workspace: Workspace) -> Tensor {
        let t = input.shape[1], h = dims.hiddenSize, hd = dims.headDim, inter = dims.intermediateSize
        precondition(t <= maximumFrames, "the codec transformer takes at most \(maximumFrames) frames at a time")
        let qDim = dims.heads * hd, kvDim = dims.kvHeads * hd
        let y = workspace.tensor([outputWeight.shape[0], t])
        let mark = workspace.mark()
        defer { workspace.release(to: mark) }
        let x = inputProjection(input.transposed(), workspace: workspace)
        let angles = rope.angles(positions: position ..< position + t, workspace: workspace)
        let normed = workspace.tensor([t, h])
        let attended = workspace.tensor([t, qDim])
        let residual = workspace.tensor([t, h])
        let activated = workspace.tensor([t, inter])
        for (index, layer) in layers.enumerated() {
            Norms.rmsNorm(rowsOf: x, weight: layer.inputNorm, eps: dims.rmsNormEpsilon, into: normed)
            let layerMark = workspace.mark()
            let projected = layer.qkv(normed, workspace: workspace)
            let queries = projected.sliced(axis: 1, 0 ..< qDim)
            let keys = projected.sliced(axis: 1, qDim ..< qDim + kvDim)
            rope.apply(angles, to: queries, heads: dims.heads)
            rope.apply(angles, to: keys, heads: dims.kvHeads)
            let kept = caches[index].count
            caches[index].append(keys: keys, values: projected.sliced(axis: 1, qDim + kvDim ..< qDim + 2 * kvDim))
            Attention.apply(query: queries, key: caches[index].keys, value: caches[index].values, heads: dims.heads,
                            kvHeads: dims.kvHeads, mask: .slidingWindow(window), queryOffset: kept, into: attended,
                            workspace: workspace)
            forgetBeyondWindow(&caches[index], workspace: workspace)
            layer.output.apply(attended, into: residual, workspace: workspace)
            Elementwise.broadcastAffine(residual, scale: layer.attentionScale, shift: nil, perRow: false, into: residual)
            Elementwise.add(x, residual, into: x)

            Norms.rmsNorm(rowsOf: x, weight: layer.postNorm, eps: dims.rmsNormEpsilon, into: normed)
            let gates = layer.gateUp(normed, workspace: workspace)
            Gates.swiGLU(gate: gates.sliced(axis: 1, 0 ..< inter), up: gates.sliced(axis: 1, inter ..< 2 * inter),
                         into: activated)
            layer.down.apply(activated, into: residual, workspace: workspace)
            Elementwise.broadcastAffine(residual, scale: layer.mlpScale, shift: nil, perRow: false, into: residual)
            Elementwise.add(x, residual, into: x)
            workspace.release(to: layerMark)
        }
        position += t
        Norms.rmsNorm(rowsOf: x, weight: finalNorm, eps: dims.rmsNormEpsilon, into: normed)
        // Channel-major output for the convolutions: W · normedᵀ.
        BLAS.matmul(outputWeight, normed.transposed(), into: y)
        Elementwise.broadcastAffine(y, scale: nil, shift: outputBias, perRow: true, into: y)
        return y
    }

    /// Keeps the last `window − 1` positions: no later query can see further back.
    private func forgetBeyondWindow(_ cache: inout KVCache, workspace: Workspace) {
        let keep = window - 1, count = cache.count
        guard count > keep else { return }
        let mark = workspace.mark()
        defer { workspace.release(to: mark) }
        let keys = cache.keys.sliced(axis: 0, count - keep ..< count).copied(in: workspace)
        let values = cache.values.sliced(axis: 0, count - keep ..< count).copied(in: workspace)
        cache.removeAll()
        cache.append(keys: keys, values: values)
    }
}
