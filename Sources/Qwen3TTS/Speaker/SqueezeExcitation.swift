import SottoKernels

/// Squeeze-and-excitation: each channel is scaled by a gate in (0, 1) computed from the
/// time-averaged channels (1×1 conv, ReLU, 1×1 conv, sigmoid).
struct SqueezeExcitation {
    let squeeze: TimeDelayLayer
    let excite: TimeDelayLayer

    init(_ archive: SafetensorsArchive, prefix: String, channels: Int, squeezeChannels: Int) throws {
        squeeze = try TimeDelayLayer(archive, prefix: prefix + ".conv1", inChannels: channels, outChannels: squeezeChannels,
                                     kernelSize: 1, dilation: 1, activation: .relu)
        excite = try TimeDelayLayer(archive, prefix: prefix + ".conv2", inChannels: squeezeChannels, outChannels: channels,
                                    kernelSize: 1, dilation: 1, activation: .sigmoid)
    }

    /// Scales the rows of `x` `[C, T]` in place.
    func apply(inPlace x: Tensor, workspace: Workspace) {
        let channels = x.shape[0], frames = x.shape[1]
        let mark = workspace.mark()
        defer { workspace.release(to: mark) }
        let mean = workspace.tensor([channels, 1])
        withExtendedLifetime((x, mean)) {
            for c in 0 ..< channels {
                let row = x.pointer + c * x.rowStride
                // In double: the reference's reduction is more accurate than a float running sum.
                var sum = 0.0
                for t in 0 ..< frames { sum += Double(row[t]) }
                mean.pointer[c] = Float(sum / Double(frames))
            }
        }
        let gate = excite(squeeze(mean, workspace: workspace), workspace: workspace)
        withExtendedLifetime((x, gate)) {
            for c in 0 ..< channels {
                let row = x.pointer + c * x.rowStride, g = gate.pointer[c]
                for t in 0 ..< frames { row[t] *= g }
            }
        }
    }
}
