import SottoKernels

/// A Conv1d that runs on bf16 matrix tiles when the CPU has them and the geometry allows
/// (stride 1, one group, output channels a multiple of 32), else on the fp32 kernel. Only one
/// copy of the weights is kept, in the form the chosen kernel uses.
struct Convolution: Sendable {
    enum Kernel: Sendable {
        case tiles(TileConv1d)
        case float(Conv1d)
    }
    let kernel: Kernel

    init(weight: Tensor, bias: Tensor?, stride: Int, padding: Padding, dilation: Int, groups: Int) {
        if stride == 1, groups == 1,
           let tiles = TileConv1d(weight: weight, bias: bias, padding: padding, dilation: dilation) {
            kernel = .tiles(tiles)
        } else {
            kernel = .float(Conv1d(weight: weight, bias: bias, stride: stride, padding: padding,
                                   dilation: dilation, groups: groups))
        }
    }

    var inChannels: Int {
        switch kernel {
        case .tiles(let c): c.inChannels
        case .float(let c): c.inChannels
        }
    }

    var outChannels: Int {
        switch kernel {
        case .tiles(let c): c.outChannels
        case .float(let c): c.outChannels
        }
    }

    func outputLength(inputLength length: Int) -> Int {
        switch kernel {
        case .tiles(let c): c.outputLength(inputLength: length)
        case .float(let c): c.outputLength(inputLength: length)
        }
    }

    func callAsFunction(_ x: Tensor, workspace: Workspace) -> Tensor {
        let y = workspace.tensor([outChannels, outputLength(inputLength: x.shape[1])])
        apply(x, into: y, workspace: workspace)
        return y
    }

    func apply(_ x: Tensor, into y: Tensor, workspace: Workspace) {
        switch kernel {
        case .tiles(let c): c.apply(x, into: y, workspace: workspace)
        case .float(let c): c.apply(x, into: y, workspace: workspace)
        }
    }
}
