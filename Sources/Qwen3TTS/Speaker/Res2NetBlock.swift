import SottoKernels

/// Res2Net's hierarchical split: the channels are cut into `scale` groups; the first passes
/// through, the second goes through its own TDNN, and each later group is added to the previous
/// group's output before its TDNN, which widens the receptive field group by group.
struct Res2NetBlock {
    let layers: [TimeDelayLayer]
    let scale: Int

    init(_ archive: SafetensorsArchive, prefix: String, channels: Int, scale: Int, kernelSize: Int, dilation: Int) throws {
        let width = channels / scale
        layers = try (0 ..< scale - 1).map {
            try TimeDelayLayer(archive, prefix: "\(prefix).blocks.\($0).conv", inChannels: width, outChannels: width,
                               kernelSize: kernelSize, dilation: dilation)
        }
        self.scale = scale
    }

    /// `x` `[C, T]` → `[C, T]` from `workspace`.
    func callAsFunction(_ x: Tensor, workspace: Workspace) -> Tensor {
        let channels = x.shape[0], frames = x.shape[1], width = channels / scale
        let y = workspace.tensor([channels, frames])
        y.sliced(axis: 0, 0 ..< width).copy(from: x.sliced(axis: 0, 0 ..< width))
        let sum = workspace.tensor([width, frames])
        for group in 1 ..< scale {
            let part = x.sliced(axis: 0, group * width ..< (group + 1) * width)
            let output = y.sliced(axis: 0, group * width ..< (group + 1) * width)
            let input: Tensor
            if group == 1 {
                input = part
            } else {
                sum.copy(from: part)
                let previous = y.sliced(axis: 0, (group - 1) * width ..< group * width)
                withExtendedLifetime((sum, previous)) {
                    for c in 0 ..< width {
                        let s = sum.pointer + c * sum.rowStride, p = previous.pointer + c * previous.rowStride
                        for t in 0 ..< frames { s[t] += p[t] }
                    }
                }
                input = sum
            }
            let mark = workspace.mark()
            let result = layers[group - 1](input, workspace: workspace)
            output.copy(from: result)
            workspace.release(to: mark)
        }
        return y
    }
}
