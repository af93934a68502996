import Foundation
import SottoCore

/// The codec's sliding-window transformer: pre-norm layers with LayerScale, RoPE, no q/k norm,
/// SwiGLU. It streams: keys and values of the last `window − 1` frames are kept, and positions
/// keep counting, which gives the same result as one pass over the whole utterance.
final class CodecTransformer: @unchecked Sendable {
    struct Layer {
        let inputNorm: [Float]
        let postNorm: [Float]
        let qkv: LinearWeights
        let output: LinearWeights
        let gateUp: LinearWeights
        let down: LinearWeights
        let attentionScale: [Float]
        let mlpScale: [Float]
    }

    let dims: DecoderDimensions
    let window: Int
    let inputProjection: LinearWeights
    let outputProjection: LinearWeights
    let layers: [Layer]
    let finalNorm: [Float]
    let rope: RotaryEmbedding
    private var keys: [[Float]]
    private var values: [[Float]]
    private var kept = 0
    private var position = 0

    init(_ archive: SafetensorsArchive, config: CodecConfiguration) throws {
        let dims = config.transformer
        self.dims = dims
        window = config.slidingWindow
        let p = "decoder.pre_transformer.", h = dims.hiddenSize
        let qDim = dims.heads * dims.headDim, kvDim = dims.kvHeads * dims.headDim
        inputProjection = try LinearWeights.load(archive, names: [p + "input_proj.weight"], bias: p + "input_proj.bias",
                                                 columns: config.latentDim, rowsEach: [h], precision: .fp32)
        outputProjection = try LinearWeights.load(archive, names: [p + "output_proj.weight"], bias: p + "output_proj.bias",
                                                  columns: h, rowsEach: [config.latentDim], precision: .fp32)
        layers = try (0 ..< dims.layers).map { i in
            let l = "\(p)layers.\(i)."
            return Layer(
                inputNorm: try archive.floats(l + "input_layernorm.weight", shape: [h]),
                postNorm: try archive.floats(l + "post_attention_layernorm.weight", shape: [h]),
                qkv: try LinearWeights.load(archive, names: ["q", "k", "v"].map { l + "self_attn.\($0)_proj.weight" },
                                            columns: h, rowsEach: [qDim, kvDim, kvDim], precision: .fp32),
                output: try LinearWeights.load(archive, names: [l + "self_attn.o_proj.weight"], columns: qDim,
                                               rowsEach: [h], precision: .fp32),
                gateUp: try LinearWeights.load(archive, names: [l + "mlp.gate_proj.weight", l + "mlp.up_proj.weight"],
                                               columns: h, rowsEach: [dims.intermediateSize, dims.intermediateSize],
                                               precision: .fp32),
                down: try LinearWeights.load(archive, names: [l + "mlp.down_proj.weight"], columns: dims.intermediateSize,
                                             rowsEach: [h], precision: .fp32),
                attentionScale: try archive.floats(l + "self_attn_layer_scale.scale", shape: [h]),
                mlpScale: try archive.floats(l + "mlp_layer_scale.scale", shape: [h]))
        }
        finalNorm = try archive.floats(p + "norm.weight", shape: [h])
        rope = RotaryEmbedding(headDim: dims.headDim, theta: dims.ropeTheta)
        keys = Array(repeating: [], count: dims.layers)
        values = keys
    }

    func reset() {
        keys = Array(repeating: [], count: dims.layers)
        values = keys
        kept = 0
        position = 0
    }

    var residentBytes: Int {
        layers.reduce(inputProjection.residentBytes + outputProjection.residentBytes) {
            $0 + $1.qkv.residentBytes + $1.output.residentBytes + $1.gateUp.residentBytes + $1.down.residentBytes
        }
    }

    func callAsFunction(_ input: Signal) -> Signal {
        let t = input.frames, h = dims.hiddenSize, hd = dims.headDim
        let qDim = dims.heads * hd, kvDim = dims.kvHeads * hd, qkvWidth = qDim + 2 * kvDim
        let inter = dims.intermediateSize
        var x = [Float](repeating: 0, count: t * h)
        input.values.withUnsafeBufferPointer { i in
            x.withUnsafeMutableBufferPointer { inputProjection.apply(i.baseAddress!, count: t, into: $0.baseAddress!) }
        }
        var normed = [Float](repeating: 0, count: t * h)
        var projected = [Float](repeating: 0, count: t * max(qkvWidth, 2 * inter))
        var queries = [Float](repeating: 0, count: t * qDim)
        var attended = [Float](repeating: 0, count: t * max(qDim, inter))
        var residual = [Float](repeating: 0, count: t * h)
        for (index, layer) in layers.enumerated() {
            normRows(x, weight: layer.inputNorm, count: t, into: &normed)
            apply(layer.qkv, normed, count: t, into: &projected)
            var newKeys = [Float](), newValues = [Float]()
            newKeys.reserveCapacity(t * kvDim)
            newValues.reserveCapacity(t * kvDim)
            projected.withUnsafeMutableBufferPointer { p in
                for frame in 0 ..< t {
                    let row = p.baseAddress! + frame * qkvWidth
                    rope.apply(row, heads: dims.heads, position: position + frame)
                    rope.apply(row + qDim, heads: dims.kvHeads, position: position + frame)
                    newKeys.append(contentsOf: UnsafeBufferPointer(start: row + qDim, count: kvDim))
                    newValues.append(contentsOf: UnsafeBufferPointer(start: row + qDim + kvDim, count: kvDim))
                    for d in 0 ..< qDim { queries[frame * qDim + d] = row[d] }
                }
            }
            let allKeys = keys[index] + newKeys, allValues = values[index] + newValues
            queries.withUnsafeBufferPointer { q in
                allKeys.withUnsafeBufferPointer { k in
                    allValues.withUnsafeBufferPointer { v in
                        attended.withUnsafeMutableBufferPointer { out in
                            CachedAttention.run(queries: q.baseAddress!, count: t, start: kept, heads: dims.heads,
                                                kvHeads: dims.kvHeads, headDim: hd, keys: k.baseAddress!,
                                                values: v.baseAddress!, window: window, into: out.baseAddress!)
                        }
                    }
                }
            }
            let keep = min(window - 1, kept + t)
            keys[index] = Array(allKeys[((kept + t - keep) * kvDim)...])
            values[index] = Array(allValues[((kept + t - keep) * kvDim)...])
            apply(layer.output, attended, count: t, into: &residual)
            for frame in 0 ..< t { for d in 0 ..< h { x[frame * h + d] += layer.attentionScale[d] * residual[frame * h + d] } }
            normRows(x, weight: layer.postNorm, count: t, into: &normed)
            apply(layer.gateUp, normed, count: t, into: &projected)
            for frame in 0 ..< t {
                for i in 0 ..< inter {
                    attended[frame * inter + i] = VectorOps.silu(projected[frame * 2 * inter + i]) * projected[frame * 2 * inter + inter + i]
                }
            }
            apply(layer.down, attended, count: t, into: &residual)
            for frame in 0 ..< t { for d in 0 ..< h { x[frame * h + d] += layer.mlpScale[d] * residual[frame * h + d] } }
        }
        kept = min(window - 1, kept + t)
        position += t
        normRows(x, weight: finalNorm, count: t, into: &normed)
        var output = Signal(zeros: t, channels: outputProjection.rows)
        apply(outputProjection, normed, count: t, into: &output.values)
        return output
    }

    private func normRows(_ x: [Float], weight: [Float], count: Int, into y: inout [Float]) {
        let h = dims.hiddenSize
        x.withUnsafeBufferPointer { x in
            weight.withUnsafeBufferPointer { w in
                y.withUnsafeMutableBufferPointer { y in
                    for t in 0 ..< count {
                        VectorOps.rmsNorm(x.baseAddress! + t * h, weight: w.baseAddress!, eps: dims.rmsNormEpsilon,
                                          count: h, into: y.baseAddress! + t * h)
                    }
                }
            }
        }
    }

    private func apply(_ weights: LinearWeights, _ x: [Float], count: Int, into y: inout [Float]) {
        x.withUnsafeBufferPointer { x in
            y.withUnsafeMutableBufferPointer { weights.apply(x.baseAddress!, count: count, into: $0.baseAddress!) }
        }
    }
}
