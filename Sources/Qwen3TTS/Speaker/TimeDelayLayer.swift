import SottoKernels

/// One TDNN layer of the ECAPA-TDNN: a dilated 1-D convolution with "same" reflect padding
/// (as every convolution of the reference speaker encoder pads), then an optional ReLU.
struct TimeDelayLayer {
    let convolution: Conv1d
    let activation: Activation?

    var inChannels: Int { convolution.inChannels }
    var outChannels: Int { convolution.outChannels }
    /// Frames the reflect padding mirrors on one side; an input must be longer than this.
    var reach: Int { convolution.padding.left }

    /// Loads `<prefix>.weight` `[out, in, kernel]` and `<prefix>.bias` `[out]`.
    init(_ archive: SafetensorsArchive, prefix: String, inChannels: Int, outChannels: Int, kernelSize: Int,
         dilation: Int, activation: Activation? = .relu) throws {
        let weight = try archive.tensor(prefix + ".weight", shape: [outChannels, inChannels, kernelSize])
        let bias = try archive.tensor(prefix + ".bias", shape: [outChannels])
        convolution = Conv1d(weight: weight, bias: bias,
                             padding: .same(kernelSize: kernelSize, dilation: dilation, mode: .reflect),
                             dilation: dilation)
        self.activation = activation
    }

    /// `x` `[in, T]` → `[out, T]` from `workspace`.
    func callAsFunction(_ x: Tensor, workspace: Workspace) -> Tensor {
        let y = convolution(x, workspace: workspace)
        activation?.apply(inPlace: y)
        return y
    }
}
