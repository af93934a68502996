import Foundation
import SottoKernels

/// How many frames each id lasts, as log widths: the predictor Piper voices are trained with.
protocol DurationModel {
    /// log w `[T]` for the encoder state `x` `[hidden, T]`; `noise` `[2, T]` (already scaled by
    /// noise_w) is used by the stochastic predictor only.
    func logWidths(_ x: Tensor, speaker: Tensor?, noise: Tensor?, workspace: Workspace) -> [Float]
    /// Whether `logWidths` reads noise.
    var usesNoise: Bool { get }
}

/// VITS's stochastic duration predictor run in reverse: Gaussian noise `[2, T]` goes backwards
/// through the spline coupling flows (conditioned on the encoder state through a DDSConv) and an
/// elementwise affine layer; the first channel is log w.
struct StochasticDurationPredictor: DurationModel {
    /// One neural-spline coupling layer: channel 1 is transformed by a spline whose knots a
    /// DDSConv computes from channel 0 and the conditioning.
    struct SplineFlow {
        let pre: Conv1d
        let convs: DilatedDepthSeparableConv
        let projection: Conv1d
        let bins: Int
        /// Widths and heights are divided by √filter channels before the softmax.
        let normaliser: Float
    }

    let pre: Conv1d
    let convs: DilatedDepthSeparableConv
    let projection: Conv1d
    let speakerCondition: Conv1d?
    /// In the order the reverse pass runs them (the exporter keeps only the flows it runs).
    let flows: [SplineFlow]
    /// The elementwise affine flow's reverse: (z − shift)·scale per channel.
    let shift: [Float]
    let scale: [Float]
    /// VITS's spline interval [−5, 5].
    let tailBound: Float = 5

    var usesNoise: Bool { true }

    init(weights: PiperWeights) throws {
        pre = try weights.conv("dp.pre")
        convs = try DilatedDepthSeparableConv(weights: weights, module: "dp.convs")
        projection = try weights.conv("dp.proj")
        speakerCondition = weights.hasConvolution("dp.cond") ? try weights.conv("dp.cond") : nil
        let indices = weights.indices("dp.flows", convolution: "proj").reversed()
        flows = try indices.map { i in
            let module = "dp.flows.\(i)"
            let projection = try weights.conv(module + ".proj")
            guard let bins = RationalQuadraticSpline.bins(parameterCount: projection.outChannels) else {
                throw weights.malformed(module, "\(projection.outChannels) spline parameters per step")
            }
            let convs = try DilatedDepthSeparableConv(weights: weights, module: module + ".convs")
            return SplineFlow(pre: try weights.conv(module + ".pre"), convs: convs, projection: projection, bins: bins,
                              normaliser: Float(convs.channels).squareRoot())
        }
        // Reverse of m + exp(logs)·x. The exporter folds exp(−logs) into the Mul's constant;
        // an unfolded file keeps `logs`.
        shift = try weights.tensor("dp.flows.0.m").toArray()
        if weights.has("dp.flows.0.logs") {
            scale = try weights.tensor("dp.flows.0.logs").toArray().map { Foundation.exp(-$0) }
        } else if let folded = try weights.constantOperand(ofNode: "/dp/flows.0/Mul") {
            scale = folded
        } else {
            throw weights.malformed("dp.flows.0", "no scale")
        }
        guard !flows.isEmpty, shift.count == 2, scale.count == 2, pre.outChannels == convs.channels,
              flows.allSatisfy({ $0.pre.inChannels == 1 && $0.convs.channels == convs.channels }) else {
            throw weights.malformed("dp", "flow sizes disagree")
        }
    }

    func logWidths(_ x: Tensor, speaker: Tensor?, noise: Tensor?, workspace: Workspace) -> [Float] {
        let length = x.shape[1]
        let mark = workspace.mark()
        defer { workspace.release(to: mark) }
        let condition = pre(x, workspace: workspace)
        if let speakerCondition, let speaker {
            let bias = speakerCondition(speaker, workspace: workspace)
            Elementwise.broadcastAffine(condition, scale: nil, shift: bias.reshaped([-1]), perRow: true, into: condition)
        }
        convs(condition, condition: nil, workspace: workspace)
        let conditioning = projection(condition, workspace: workspace)

        var z0 = [Float](repeating: 0, count: length), z1 = z0
        if let noise {
            let values = noise.toArray()
            z0 = Array(values[0 ..< length])
            z1 = Array(values[length ..< 2 * length])
        }
        let h = workspace.tensor([convs.channels, length])
        for flow in flows {
            swap(&z0, &z1)  // the Flip before each coupling layer
            let inner = workspace.mark()
            let input = workspace.tensor([1, length])
            z0.withUnsafeBufferPointer { input.pointer.update(from: $0.baseAddress!, count: length) }
            flow.pre.apply(input, into: h, workspace: workspace)
            flow.convs(h, condition: conditioning, workspace: workspace)
            let parameters = flow.projection(h, workspace: workspace)
            withExtendedLifetime(parameters) {
                let p = parameters.pointer
                // Widths and heights are divided by √channels; derivatives are used as they are.
                for row in 0 ..< 2 * flow.bins {
                    for t in 0 ..< length { p[row * length + t] = p[row * length + t] / flow.normaliser }
                }
                for t in 0 ..< length {
                    z1[t] = RationalQuadraticSpline.inverse(z1[t], parameters: p + t, stride: length, bins: flow.bins,
                                                            tailBound: tailBound)
                }
            }
            workspace.release(to: inner)
        }
        swap(&z0, &z1)  // the Flip before the affine flow
        return z0.map { ($0 - shift[0]) * scale[0] }
    }
}

