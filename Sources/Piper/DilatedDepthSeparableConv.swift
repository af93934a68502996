import SottoKernels

/// VITS's DDSConv: residual layers of a dilated depthwise convolution and a 1×1 convolution,
/// each followed by channel LayerNorm and exact GELU. The duration predictor and its spline flows
/// use it. Dilations and padding come from the graph's Conv nodes.
struct DilatedDepthSeparableConv {
    struct Layer {
        let depthwise: Conv1d
        let norm1: ChannelNorm
        let pointwise: Conv1d
        let norm2: ChannelNorm
    }

    let layers: [Layer]

    init(weights: PiperWeights, module: String) throws {
        let count = weights.count(module + ".convs_sep", "weight")
        guard count > 0 else { throw weights.malformed(module, "no layers") }
        layers = try (0 ..< count).map { i in
            Layer(depthwise: try weights.conv("\(module).convs_sep.\(i)"),
                  norm1: try ChannelNorm(weights: weights, module: "\(module).norms_1.\(i)"),
                  pointwise: try weights.conv("\(module).convs_1x1.\(i)"),
                  norm2: try ChannelNorm(weights: weights, module: "\(module).norms_2.\(i)"))
        }
        let channels = layers[0].depthwise.outChannels
        guard layers.allSatisfy({ $0.depthwise.outChannels == channels && $0.pointwise.outChannels == channels }) else {
            throw weights.malformed(module, "layers differ in width")
        }
    }

    var channels: Int { layers[0].pointwise.outChannels }

    /// x ← DDSConv(x + condition), in place on `x` `[C, T]`.
    func callAsFunction(_ x: Tensor, condition: Tensor?, workspace: Workspace) {
        if let condition { Elementwise.add(x, condition, into: x) }
        let mark = workspace.mark()
        defer { workspace.release(to: mark) }
        let y = workspace.tensor(x.shape)
        let z = workspace.tensor(x.shape)
        for layer in layers {
            layer.depthwise.apply(x, into: y, workspace: workspace)
            layer.norm1(y, workspace: workspace)
            Activation.gelu.apply(inPlace: y)
            layer.pointwise.apply(y, into: z, workspace: workspace)
            layer.norm2(z, workspace: workspace)
            Activation.gelu.apply(inPlace: z)
            Elementwise.add(x, z, into: x)
        }
    }
}
