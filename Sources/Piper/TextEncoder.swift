import SottoCore
import SottoKernels

/// VITS's prior encoder: embedding × √hidden, a post-norm transformer with relative-position
/// attention and convolutional feed-forward layers, then a 1×1 projection to the prior's mean
/// and log scale. Batch 1 with every id real, so the reference's masks are all ones and drop out.
struct TextEncoder {
    struct Layer {
        let attention: RelativePositionAttention
        let norm1: ChannelNorm
        let expand: Conv1d
        let contract: Conv1d
        let norm2: ChannelNorm
    }

    /// `[vocabulary, hidden]`.
    let embedding: Tensor
    let layers: [Layer]
    let projection: Conv1d

    var hidden: Int { embedding.shape[1] }
    var vocabulary: Int { embedding.shape[0] }
    /// Channels of the latent (half the projection).
    var latentChannels: Int { projection.outChannels / 2 }

    init(weights: PiperWeights) throws {
        embedding = try weights.tensor("enc_p.emb.weight")
        let count = weights.count("enc_p.encoder.attn_layers", "conv_q.weight")
        guard embedding.rank == 2, count > 0 else { throw weights.malformed("enc_p", "no embedding or no layers") }
        layers = try (0 ..< count).map { i in
            let prefix = "enc_p.encoder"
            // The feed-forward convolutions pad with a separate Pad node: "same" padding,
            // the extra sample on the right for even kernels.
            let expandWeight = try weights.tensor("\(prefix).ffn_layers.\(i).conv_1.weight")
            let kernel = expandWeight.shape.last ?? 1
            let same = Padding(left: (kernel - 1) / 2, right: kernel / 2)
            return Layer(attention: try RelativePositionAttention(weights: weights, module: "\(prefix).attn_layers.\(i)"),
                         norm1: try ChannelNorm(weights: weights, module: "\(prefix).norm_layers_1.\(i)"),
                         expand: try weights.conv("\(prefix).ffn_layers.\(i).conv_1", padding: same),
                         contract: try weights.conv("\(prefix).ffn_layers.\(i).conv_2", padding: same),
                         norm2: try ChannelNorm(weights: weights, module: "\(prefix).norm_layers_2.\(i)"))
        }
        projection = try weights.conv("enc_p.proj")
        guard projection.inChannels == hidden, projection.outChannels % 2 == 0,
              layers.allSatisfy({ $0.attention.query.inChannels == hidden }) else {
            throw weights.malformed("enc_p", "layer sizes disagree with the \(hidden)-wide embedding")
        }
    }

    /// The encoder state `[hidden, T]` and the projection `[2·latent, T]` (mean rows first, then
    /// log-scale rows), both from `workspace`.
    func callAsFunction(_ ids: [Int], workspace: Workspace) -> (hidden: Tensor, statistics: Tensor) {
        let length = ids.count
        let x = workspace.tensor([hidden, length])
        let statistics = workspace.tensor([projection.outChannels, length])
        let mark = workspace.mark()
        defer { workspace.release(to: mark) }
        let scale = Float(hidden).squareRoot()
        withExtendedLifetime((x, embedding)) {
            for (t, id) in ids.enumerated() {
                let row = embedding.pointer + id * hidden
                for c in 0 ..< hidden { x.pointer[c * length + t] = row[c] * scale }
            }
        }
        for layer in layers {
            let inner = workspace.mark()
            let attended = layer.attention(x, workspace: workspace)
            Elementwise.add(x, attended, into: x)
            layer.norm1(x, workspace: workspace)
            let expanded = layer.expand(x, workspace: workspace)
            Activation.relu.apply(inPlace: expanded)
            let contracted = layer.contract(expanded, workspace: workspace)
            Elementwise.add(x, contracted, into: x)
            layer.norm2(x, workspace: workspace)
            workspace.release(to: inner)
        }
        projection.apply(x, into: statistics, workspace: workspace)
        return (x, statistics)
    }
}

/// VITS's LayerNorm over the channels of `[C, T]` (each time step separately), eps 1e-5.
struct ChannelNorm {
    let gamma: Tensor
    let beta: Tensor

    init(weights: PiperWeights, module: String) throws {
        gamma = try weights.tensor(module + ".gamma")
        beta = try weights.tensor(module + ".beta")
        guard gamma.count == beta.count else { throw weights.malformed(module, "gamma and beta differ in length") }
    }

    var channels: Int { gamma.count }

    /// Normalises `x` in place.
    func callAsFunction(_ x: Tensor, workspace: Workspace) {
        Norms.layerNorm(channelsOf: x, weight: gamma, bias: beta, eps: 1e-5, into: x, workspace: workspace)
    }
}
