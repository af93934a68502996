import Foundation
import SottoKernels

/// The prosody predictor: the duration encoder (three BiLSTM + AdaLayerNorm layers with the
/// style appended), the duration head, and the F0 and energy (N) curves at twice the frame rate.
struct ProsodyPredictor: Sendable {
    let encoderLSTMs: [LSTM]
    let encoderNorms: [AdaptiveLayerNorm]
    let durationLSTM: LSTM
    let durationProjection: HeldLinear
    let shared: LSTM
    let f0Blocks: [AdaptiveResidualBlock], noiseBlocks: [AdaptiveResidualBlock]
    let f0Projection: Convolution, noiseProjection: Convolution

    init(_ weights: KokoroWeights) throws {
        let root = "encoder.predictor"
        encoderLSTMs = try [0, 2, 4].map { try weights.lstm("\(root).text_encoder.lstms.\($0)") }
        encoderNorms = try [1, 3, 5].map { try AdaptiveLayerNorm(weights, "\(root).text_encoder.lstms.\($0)") }
        durationLSTM = try weights.lstm("\(root).lstm")
        durationProjection = try weights.linear("\(root).duration_proj.linear_layer")
        // The exporter scoped the F0/N branches and the shared LSTM directly under "encoder".
        shared = try weights.lstm("encoder.shared")
        f0Blocks = try (0..<3).map { try AdaptiveResidualBlock(weights, "encoder.F0.\($0)", upsample: $0 == 1) }
        noiseBlocks = try (0..<3).map { try AdaptiveResidualBlock(weights, "encoder.N.\($0)", upsample: $0 == 1) }
        f0Projection = try weights.conv("encoder.F0_proj")
        noiseProjection = try weights.conv("encoder.N_proj")
    }

    /// The duration encoder: `bert` `[T, 512]` and the prosody half of the style `[128]` →
    /// `[T, 640]` (features ‖ style).
    func encode(_ bert: Tensor, style: Tensor, workspace: Workspace) -> Tensor {
        let t = bert.shape[0], width = bert.shape[1], styleWidth = style.count
        var x = workspace.tensor([t, width + styleWidth])
        func appendStyle(_ y: Tensor) {
            for r in 0..<t {
                (y.pointer + r * y.rowStride + width).update(from: style.pointer, count: styleWidth)
            }
        }
        x.sliced(axis: 1, 0..<width).copy(from: bert)
        appendStyle(x)
        for (lstm, norm) in zip(encoderLSTMs, encoderNorms) {
            let h = lstm(x, workspace: workspace)
            let next = workspace.tensor([t, width + styleWidth])
            norm.apply(h, style: style, into: next.sliced(axis: 1, 0..<width), workspace: workspace)
            appendStyle(next)
            x = next
        }
        return x
    }

    /// Frames per token before rounding: Σ sigmoid(duration logits) / speed, `[T]`.
    func durations(_ encoded: Tensor, speed: Float, workspace: Workspace) -> [Float] {
        let h = durationLSTM(encoded, workspace: workspace)
        let logits = durationProjection(h, workspace: workspace)
        let bins = logits.shape[1]
        Activation.sigmoid.apply(inPlace: logits)
        return (0..<logits.shape[0]).map { r in
            let row = logits.pointer + r * bins
            var sum: Float = 0
            for i in 0..<bins { sum += row[i] }
            return sum / speed
        }
    }

    /// F0 and energy curves `[2F]` each from the aligned encoder output `en` `[640, F]`.
    func curves(_ en: Tensor, style: Tensor, workspace: Workspace) -> (f0: Tensor, noise: Tensor) {
        let sequence = shared(en.transposed().contiguous(in: workspace), workspace: workspace)
        let x = sequence.transposed().contiguous(in: workspace)
        func branch(_ blocks: [AdaptiveResidualBlock], _ projection: Convolution) -> Tensor {
            var h = x
            for block in blocks { h = block(h, style: style, workspace: workspace) }
            return projection(h, workspace: workspace).reshaped([-1])
        }
        return (branch(f0Blocks, f0Projection), branch(noiseBlocks, noiseProjection))
    }
}
