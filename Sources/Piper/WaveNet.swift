import SottoKernels

/// The non-causal WaveNet inside each coupling layer: dilated convolutions with gated
/// tanh·sigmoid units, residual and skip 1×1 convolutions; the skips are summed. Speaker
/// conditioning adds a per-channel bias to every layer's gate input.
struct WaveNet {
    let inputLayers: [WaveNetConvolution]
    let residualSkipLayers: [WaveNetConvolution]
    /// gin → 2·hidden·layers (multi-speaker voices only).
    let condition: Conv1d?
    let hidden: Int

    init(weights: PiperWeights, module: String) throws {
        let count = weights.count(module + ".in_layers", "bias")
        guard count > 0 else { throw weights.malformed(module, "no layers") }
        inputLayers = try (0 ..< count).map { try WaveNetConvolution(weights: weights, module: "\(module).in_layers.\($0)") }
        residualSkipLayers = try (0 ..< count).map { try WaveNetConvolution(weights: weights, module: "\(module).res_skip_layers.\($0)") }
        condition = weights.hasConvolution(module + ".cond_layer") ? try weights.conv(module + ".cond_layer") : nil
        hidden = inputLayers[0].inChannels
        guard inputLayers.allSatisfy({ $0.inChannels == hidden && $0.outChannels == 2 * hidden }),
              residualSkipLayers.dropLast().allSatisfy({ $0.outChannels == 2 * hidden }),
              residualSkipLayers.last?.outChannels == hidden,
              condition.map({ $0.outChannels == 2 * hidden * count }) ?? true else {
            throw weights.malformed(module, "layer sizes disagree")
        }
    }

    /// The summed skips `[hidden, T]` for `x` `[hidden, T]` (which is used as scratch and changed).
    func callAsFunction(_ x: Tensor, speaker: Tensor?, workspace: Workspace) -> Tensor {
        let length = x.shape[1]
        let output = workspace.zeros([hidden, length])
        let mark = workspace.mark()
        defer { workspace.release(to: mark) }
        let speakerBias = speaker.flatMap { g in condition.map { $0(g, workspace: workspace).toArray() } }
        let gates = workspace.tensor([2 * hidden, length])
        let acts = workspace.tensor([hidden, length])
        let residualSkip = workspace.tensor([2 * hidden, length])
        for (i, layer) in inputLayers.enumerated() {
            layer.apply(x, into: gates, workspace: workspace)
            let bias = speakerBias.map { Array($0[i * 2 * hidden ..< (i + 1) * 2 * hidden]) }
            gate(gates, bias: bias, into: acts)
            let skip = residualSkipLayers[i]
            let out = residualSkip.sliced(axis: 0, 0 ..< skip.outChannels)
            skip.apply(acts, into: out, workspace: workspace)
            if i + 1 < inputLayers.count {
                Elementwise.add(x, out.sliced(axis: 0, 0 ..< hidden), into: x)
                Elementwise.add(output, out.sliced(axis: 0, hidden ..< 2 * hidden), into: output)
            } else {
                Elementwise.add(output, out, into: output)
            }
        }
        return output
    }

    /// acts = tanh(g[:H] + b[:H]) · sigmoid(g[H:] + b[H:]).
    private func gate(_ gates: Tensor, bias: [Float]?, into acts: Tensor) {
        let length = gates.shape[1], hidden = self.hidden
        withExtendedLifetime((gates, acts)) {
            let g = gates.pointer, a = acts.pointer
            parallelFor(hidden, minimumPerThread: max(1, 8192 / max(length, 1))) { range in
                for c in range {
                    let filter = g + c * length, gateRow = g + (hidden + c) * length, out = a + c * length
                    if let bias {
                        let bf = bias[c], bg = bias[hidden + c]
                        for t in 0 ..< length {
                            filter[t] += bf
                            gateRow[t] += bg
                        }
                    }
                    FastMath.tanh(filter, into: out, count: length)
                    FastMath.sigmoid(gateRow, into: filter, count: length)
                    for t in 0 ..< length { out[t] *= filter[t] }
                }
            }
        }
    }
}
