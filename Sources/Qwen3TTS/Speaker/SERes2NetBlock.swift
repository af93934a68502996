import SottoKernels

/// One SE-Res2Net block of the ECAPA-TDNN: 1×1 TDNN, Res2Net, 1×1 TDNN, squeeze-excitation,
/// plus the block's input (widths are equal, so the residual is a plain sum).
struct SERes2NetBlock {
    let expand: TimeDelayLayer
    let res2Net: Res2NetBlock
    let project: TimeDelayLayer
    let excitation: SqueezeExcitation

    init(_ archive: SafetensorsArchive, prefix: String, inChannels: Int, channels: Int, scale: Int,
         squeezeChannels: Int, kernelSize: Int, dilation: Int) throws {
        expand = try TimeDelayLayer(archive, prefix: prefix + ".tdnn1.conv", inChannels: inChannels, outChannels: channels,
                                    kernelSize: 1, dilation: 1)
        res2Net = try Res2NetBlock(archive, prefix: prefix + ".res2net_block", channels: channels, scale: scale,
                                   kernelSize: kernelSize, dilation: dilation)
        project = try TimeDelayLayer(archive, prefix: prefix + ".tdnn2.conv", inChannels: channels, outChannels: channels,
                                     kernelSize: 1, dilation: 1)
        excitation = try SqueezeExcitation(archive, prefix: prefix + ".se_block", channels: channels,
                                           squeezeChannels: squeezeChannels)
    }

    var reach: Int { res2Net.layers.map(\.reach).max() ?? 0 }

    /// `x` `[C, T]` → `[C, T]` from `workspace`.
    func callAsFunction(_ x: Tensor, workspace: Workspace) -> Tensor {
        let y = project(res2Net(expand(x, workspace: workspace), workspace: workspace), workspace: workspace)
        excitation.apply(inPlace: y, workspace: workspace)
        withExtendedLifetime((x, y)) {
            let frames = x.shape[1]
            for c in 0 ..< x.shape[0] {
                let out = y.pointer + c * y.rowStride, residual = x.pointer + c * x.rowStride
                for t in 0 ..< frames { out[t] += residual[t] }
            }
        }
        return y
    }
}
