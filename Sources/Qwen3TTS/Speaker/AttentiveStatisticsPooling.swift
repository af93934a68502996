import Foundation
import SottoKernels

/// Attentive statistics pooling: per channel, a softmax over time (computed from the frames
/// together with the utterance's plain mean and standard deviation) weights a mean and a
/// standard deviation, which are returned stacked, `[2C]`.
struct AttentiveStatisticsPooling {
    let attention: TimeDelayLayer
    let scores: TimeDelayLayer
    /// Floor under the variance before the square root, as in the reference.
    static let varianceFloor: Double = 1e-12

    init(_ archive: SafetensorsArchive, prefix: String, channels: Int, attentionChannels: Int) throws {
        attention = try TimeDelayLayer(archive, prefix: prefix + ".tdnn.conv", inChannels: 3 * channels,
                                       outChannels: attentionChannels, kernelSize: 1, dilation: 1, activation: .relu)
        scores = try TimeDelayLayer(archive, prefix: prefix + ".conv", inChannels: attentionChannels, outChannels: channels,
                                    kernelSize: 1, dilation: 1, activation: nil)
    }

    /// `x` `[C, T]` → `[mean; std]`, `2C` values.
    func callAsFunction(_ x: Tensor, workspace: Workspace) -> [Float] {
        let channels = x.shape[0], frames = x.shape[1]
        let mark = workspace.mark()
        defer { workspace.release(to: mark) }
        let uniform = [Float](repeating: 1 / Float(frames), count: frames)
        let context = workspace.tensor([3 * channels, frames])
        context.sliced(axis: 0, 0 ..< channels).copy(from: x)
        withExtendedLifetime((x, context)) {
            for c in 0 ..< channels {
                let (mean, std) = Self.statistics(x.pointer + c * x.rowStride, weights: uniform)
                (context.pointer + (channels + c) * context.rowStride).update(repeating: mean, count: frames)
                (context.pointer + (2 * channels + c) * context.rowStride).update(repeating: std, count: frames)
            }
        }
        let hidden = attention(context, workspace: workspace)
        Activation.tanh.apply(inPlace: hidden)
        let logits = scores(hidden, workspace: workspace)
        var pooled = [Float](repeating: 0, count: 2 * channels)
        var weights = [Float](repeating: 0, count: frames)
        withExtendedLifetime((x, logits)) {
            for c in 0 ..< channels {
                Self.softmax(logits.pointer + c * logits.rowStride, count: frames, into: &weights)
                let (mean, std) = Self.statistics(x.pointer + c * x.rowStride, weights: weights)
                pooled[c] = mean
                pooled[channels + c] = std
            }
        }
        return pooled
    }

    /// Σ wₜxₜ and sqrt(max(Σ wₜ(xₜ − mean)², floor)): the reference multiplies by the weights
    /// (1/T for the plain statistics) before summing, and so does this, in double.
    static func statistics(_ row: UnsafePointer<Float>, weights: [Float]) -> (mean: Float, std: Float) {
        var mean = 0.0
        for t in weights.indices { mean += Double(weights[t] * row[t]) }
        let m = Float(mean)
        var variance = 0.0
        for t in weights.indices {
            let d = row[t] - m
            variance += Double(weights[t] * (d * d))
        }
        return (m, Float(max(variance, varianceFloor).squareRoot()))
    }

    static func softmax(_ logits: UnsafePointer<Float>, count: Int, into weights: inout [Float]) {
        var peak = -Float.infinity
        for t in 0 ..< count { peak = max(peak, logits[t]) }
        var total = 0.0
        for t in 0 ..< count {
            let e = Foundation.exp(logits[t] - peak)
            weights[t] = e
            total += Double(e)
        }
        let scale = Float(1 / total)
        for t in 0 ..< count { weights[t] *= scale }
    }
}
