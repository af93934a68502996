import Foundation
import SottoCore

/// One Qwen3 decoder layer as the talker and the code predictor use it: pre-norm attention with
/// per-head RMSNorm on queries and keys before RoPE, grouped KV heads, then a SwiGLU MLP.
final class Qwen3DecoderLayer: @unchecked Sendable {
    let dims: DecoderDimensions
    let inputNorm: [Float]
    let postAttentionNorm: [Float]
    let queryNorm: [Float]
    let keyNorm: [Float]
    /// q, k and v projections stacked: `(heads + 2·kvHeads)·headDim` rows.
    let qkv: LinearWeights
    let output: LinearWeights
    /// gate and up projections stacked: `2·intermediate` rows.
    let gateUp: LinearWeights
    let down: LinearWeights

    init(_ archive: SafetensorsArchive, prefix: String, dims: DecoderDimensions, precision: WeightPrecision) throws {
        self.dims = dims
        let h = dims.hiddenSize, qDim = dims.heads * dims.headDim, kvDim = dims.kvHeads * dims.headDim
        inputNorm = try archive.floats(prefix + "input_layernorm.weight", shape: [h])
        postAttentionNorm = try archive.floats(prefix + "post_attention_layernorm.weight", shape: [h])
        queryNorm = try archive.floats(prefix + "self_attn.q_norm.weight", shape: [dims.headDim])
        keyNorm = try archive.floats(prefix + "self_attn.k_norm.weight", shape: [dims.headDim])
        qkv = try LinearWeights.load(archive, names: ["q_proj", "k_proj", "v_proj"].map { prefix + "self_attn.\($0).weight" },
                                     columns: h, rowsEach: [qDim, kvDim, kvDim], precision: precision)
        output = try LinearWeights.load(archive, names: [prefix + "self_attn.o_proj.weight"], columns: qDim,
                                        rowsEach: [h], precision: precision)
        gateUp = try LinearWeights.load(archive, names: [prefix + "mlp.gate_proj.weight", prefix + "mlp.up_proj.weight"],
                                        columns: h, rowsEach: [dims.intermediateSize, dims.intermediateSize],
                                        precision: precision)
        down = try LinearWeights.load(archive, names: [prefix + "mlp.down_proj.weight"], columns: dims.intermediateSize,
                                      rowsEach: [h], precision: precision)
    }

    var residentBytes: Int {
        qkv.residentBytes + output.residentBytes + gateUp.residentBytes + down.residentBytes
            + 4 * (inputNorm.count + postAttentionNorm.count + queryNorm.count + keyNorm.count)
    }

    /// Runs `count` positions of `x` (rows of hiddenSize) in place, appending to `cache`.
    func forward(_ x: UnsafeMutablePointer<Float>, count: Int, layer: Int, cache: KVCache, rope: RotaryEmbedding) {
        let h = dims.hiddenSize, hd = dims.headDim
        let qDim = dims.heads * hd, kvDim = dims.kvHeads * hd, qkvWidth = qDim + 2 * kvDim
        let start = cache.length
        let normed = UnsafeMutablePointer<Float>.allocate(capacity: count * max(h, qDim))
        let projected = UnsafeMutablePointer<Float>.allocate(capacity: count * max(qkvWidth, 2 * dims.intermediateSize))
        let attended = UnsafeMutablePointer<Float>.allocate(capacity: count * max(qDim, dims.intermediateSize))
        let residual = UnsafeMutablePointer<Float>.allocate(capacity: count * h)
        defer { normed.deallocate(); projected.deallocate(); attended.deallocate(); residual.deallocate() }

        inputNorm.withUnsafeBufferPointer { w in
            for t in 0 ..< count {
                VectorOps.rmsNorm(x + t * h, weight: w.baseAddress!, eps: dims.rmsNormEpsilon, count: h, into: normed + t * h)
            }
        }
        qkv.apply(normed, count: count, into: projected)
        queryNorm.withUnsafeBufferPointer { qn in
            keyNorm.withUnsafeBufferPointer { kn in
                for t in 0 ..< count {
                    let row = projected + t * qkvWidth
                    for head in 0 ..< dims.heads {
                        VectorOps.rmsNorm(row + head * hd, weight: qn.baseAddress!, eps: dims.rmsNormEpsilon, count: hd,
                                          into: row + head * hd)
                    }
                    for head in 0 ..< dims.kvHeads {
                        let k = row + qDim + head * hd
                        VectorOps.rmsNorm(k, weight: kn.baseAddress!, eps: dims.rmsNormEpsilon, count: hd, into: k)
                    }
                    rope.apply(row, heads: dims.heads, position: start + t)
                    rope.apply(row + qDim, heads: dims.kvHeads, position: start + t)
                }
            }
        }
        cache.store(layer: layer, keys: projected + qDim, values: projected + qDim + kvDim, count: count, sourceStride: qkvWidth)
        // Queries are strided inside `projected`; gather them so attention reads dense rows.
        for t in 0 ..< count { (normed + t * qDim).update(from: projected + t * qkvWidth, count: qDim) }
        cache.keys[layer].withUnsafeBufferPointer { k in
            cache.values[layer].withUnsafeBufferPointer { v in
                CachedAttention.run(queries: normed, count: count, start: start, heads: dims.heads, kvHeads: dims.kvHeads,
                                    headDim: hd, keys: k.baseAddress!, values: v.baseAddress!, into: attended)
            }
        }
        output.apply(attended, count: count, into: residual)
        VectorOps.add(residual, into: x, count: count * h)

        postAttentionNorm.withUnsafeBufferPointer { w in
            for t in 0 ..< count {
                VectorOps.rmsNorm(x + t * h, weight: w.baseAddress!, eps: dims.rmsNormEpsilon, count: h, into: normed + t * h)
            }
        }
        gateUp.apply(normed, count: count, into: projected)
        let inter = dims.intermediateSize
        for t in 0 ..< count {
            let row = projected + t * 2 * inter
            VectorOps.swiglu(gate: row, up: row + inter, count: inter, into: attended + t * inter)
        }
        down.apply(attended, count: count, into: residual)
        VectorOps.add(residual, into: x, count: count * h)
    }
}

/// A stack of Qwen3 decoder layers with the final RMSNorm.
final class Qwen3Decoder: @unchecked Sendable {
    let dims: DecoderDimensions
    let layers: [Qwen3DecoderLayer]
    let finalNorm: [Float]
    let rope: RotaryEmbedding

    init(_ archive: SafetensorsArchive, prefix: String, dims: DecoderDimensions, precision: WeightPrecision) throws {
        self.dims = dims
        layers = try (0 ..< dims.layers).map {
            try Qwen3DecoderLayer(archive, prefix: "\(prefix)layers.\($0).", dims: dims, precision: precision)
        }
        finalNorm = try archive.floats(prefix + "norm.weight", shape: [dims.hiddenSize])
        rope = RotaryEmbedding(headDim: dims.headDim, theta: dims.ropeTheta)
    }

    func makeCache(capacity: Int = 64) -> KVCache {
        KVCache(layers: dims.layers, rowWidth: dims.kvHeads * dims.headDim, capacity: capacity)
    }

    var residentBytes: Int { layers.reduce(0) { $0 + $1.residentBytes } + finalNorm.count * 4 }

    /// Runs `count` positions through every layer; `x` ends as the final-normed hidden states.
    func forward(_ x: UnsafeMutablePointer<Float>, count: Int, cache: KVCache) {
        cache.reserve(count)
        for (index, layer) in layers.enumerated() {
            layer.forward(x, count: count, layer: index, cache: cache, rope: rope)
        }
        cache.advance(count)
        let h = dims.hiddenSize
        finalNorm.withUnsafeBufferPointer { w in
            for t in 0 ..< count {
                VectorOps.rmsNorm(x + t * h, weight: w.baseAddress!, eps: dims.rmsNormEpsilon, count: h, into: x + t * h)
            }
        }
    }
}
