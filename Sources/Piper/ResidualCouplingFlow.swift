import SottoKernels

/// VITS's normalizing flow run in reverse (prior latent z_p → decoder latent z): coupling layers
/// that shift (and, if trained so, scale) the second half of the channels by what a WaveNet
/// computes from the first half, each preceded by a reversal of the channel order.
struct ResidualCouplingFlow {
    struct CouplingLayer {
        let pre: Conv1d
        let wavenet: WaveNet
        let post: Conv1d
        /// Piper trains mean-only couplings (no log-scale half in `post`).
        var meanOnly: Bool { post.outChannels == pre.inChannels }
        /// The geometry of its convolutions in the order they apply.
        var convolutions: [(stride: Int, padding: Padding, dilation: Int, kernelSize: Int)] {
            [(pre.stride, pre.padding, pre.dilation, pre.kernelSize)]
                + (wavenet.inputLayers + wavenet.residualSkipLayers).map(\.geometry)
                + [(post.stride, post.padding, post.dilation, post.kernelSize)]
        }
    }

    /// In the order the reverse pass runs them (flows.N, …, flows.0).
    let layers: [CouplingLayer]
    let channels: Int

    init(weights: PiperWeights) throws {
        let indices = weights.indices("flow.flows", convolution: "pre")
        guard !indices.isEmpty else { throw weights.malformed("flow", "no coupling layers") }
        layers = try indices.reversed().map { i in
            CouplingLayer(pre: try weights.conv("flow.flows.\(i).pre"),
                          wavenet: try WaveNet(weights: weights, module: "flow.flows.\(i).enc"),
                          post: try weights.conv("flow.flows.\(i).post"))
        }
        channels = 2 * layers[0].pre.inChannels
        for layer in layers {
            let half = channels / 2
            guard layer.pre.inChannels == half, layer.pre.outChannels == layer.wavenet.hidden,
                  layer.post.inChannels == layer.wavenet.hidden,
                  layer.post.outChannels == half || layer.post.outChannels == channels else {
                throw weights.malformed("flow", "coupling layer sizes disagree")
            }
        }
    }

    /// Frames of z_p that each frame of z reads on either side. Every layer is a stride-1
    /// convolution over time (all else is per frame), applied one after another, so the reaches
    /// add up; nil when a convolution changes the length or pads other than with zeros, and the
    /// flow must then run on the whole sentence.
    var reach: (left: Int, right: Int)? {
        let convolutions = layers.flatMap(\.convolutions)
        guard convolutions.allSatisfy({ $0.stride == 1 && $0.padding.mode == .zeros
                                        && $0.padding.left + $0.padding.right == $0.dilation * ($0.kernelSize - 1) }) else {
            return nil
        }
        return (convolutions.reduce(0) { $0 + $1.padding.left }, convolutions.reduce(0) { $0 + $1.padding.right })
    }

    /// z_p `[C, F]` → z `[C, F]` from `workspace`.
    func reverse(_ latent: Tensor, speaker: Tensor?, workspace: Workspace) -> Tensor {
        let half = channels / 2
        var x = workspace.tensor(latent.shape)
        var flipped = workspace.tensor(latent.shape)
        x.copy(from: latent)
        let mark = workspace.mark()
        for layer in layers {
            reverseChannels(x, into: flipped)
            swap(&x, &flipped)
            let first = x.sliced(axis: 0, 0 ..< half)
            let second = x.sliced(axis: 0, half ..< channels)
            let h = layer.pre(first, workspace: workspace)
            let skips = layer.wavenet(h, speaker: speaker, workspace: workspace)
            let statistics = layer.post(skips, workspace: workspace)
            let mean = statistics.sliced(axis: 0, 0 ..< half)
            Elementwise.subtract(second, mean, into: second)
            if !layer.meanOnly {
                // x1 ← (x1 − m)·exp(−log s)
                let logScale = statistics.sliced(axis: 0, half ..< channels)
                Elementwise.affine(logScale, scale: -1, into: logScale)
                withExtendedLifetime(logScale) {
                    FastMath.exp(logScale.pointer, into: logScale.pointer, count: logScale.count)
                }
                Elementwise.multiply(second, logScale, into: second)
            }
            workspace.release(to: mark)
        }
        return x
    }

    /// The reference's flip along channels: row c of `y` is row C − 1 − c of `x`.
    private func reverseChannels(_ x: Tensor, into y: Tensor) {
        let rows = x.shape[0], length = x.shape[1]
        withExtendedLifetime((x, y)) {
            for c in 0 ..< rows {
                (y.pointer + c * length).update(from: x.pointer + (rows - 1 - c) * length, count: length)
            }
        }
    }
}
