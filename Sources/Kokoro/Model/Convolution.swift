import SottoKernels

/// A Conv1d on the fastest kernel the model's tier offers for its geometry and storage:
/// - AMX: bf16 matrix tiles (stride 1, one group, output channels a multiple of 32);
/// - other tiers: the export's 8-bit weights (stride 1, one group, weights stored as one
///   uint8/int8 tensor with one scale) against 8-bit activations quantised as onnxruntime does
///   where the CPU has VNNI, else 16-bit ones (AVX2 or portable C by tier);
/// - else the fp32 kernel.
/// Only one copy of the weights is kept, in the form the chosen kernel reads.
struct Convolution: Sendable {
    enum Kernel: Sendable {
        case tiles(TileConv1d)
        case integer(IntegerConv1d)
        case float(Conv1d)
    }
    let kernel: Kernel

    init(weight: Tensor, bias: Tensor?, stride: Int, padding: Padding, dilation: Int, groups: Int,
         tier: KernelTier) {
        if tier == .amx, stride == 1, groups == 1,
           let tiles = TileConv1d(weight: weight, bias: bias, padding: padding, dilation: dilation) {
            kernel = .tiles(tiles)
        } else {
            kernel = .float(Conv1d(weight: weight, bias: bias, stride: stride, padding: padding,
                                   dilation: dilation, groups: groups))
        }
    }

    init(integer: IntegerConv1d) {
        kernel = .integer(integer)
    }

    /// Whether 8-bit weights of this geometry run on the integer kernel at `tier` (else they
    /// are dequantised for the tiles or the float kernel).
    static func takesIntegerWeights(stride: Int, groups: Int, tier: KernelTier) -> Bool {
        stride == 1 && groups == 1 && tier != .amx
    }

    var inChannels: Int {
        switch kernel {
        case .tiles(let c): c.inChannels
        case .integer(let c): c.inChannels
        case .float(let c): c.inChannels
        }
    }

    var outChannels: Int {
        switch kernel {
        case .tiles(let c): c.outChannels
        case .integer(let c): c.outChannels
        case .float(let c): c.outChannels
        }
    }

    func outputLength(inputLength length: Int) -> Int {
        switch kernel {
        case .tiles(let c): c.outputLength(inputLength: length)
        case .integer(let c): c.outputLength(inputLength: length)
        case .float(let c): c.outputLength(inputLength: length)
        }
    }

    func callAsFunction(_ x: Tensor, workspace: Workspace) -> Tensor {
        let y = workspace.tensor([outChannels, outputLength(inputLength: x.shape[1])])
        apply(x, into: y, workspace: workspace)
        return y
    }

    /// y ← conv(snake(x)) (+ y when `accumulate`). The integer kernel applies the map while it
    /// quantises its input; the others read it from a temporary.
    func apply(_ x: Tensor, snake: ChannelSnake, into y: Tensor, accumulate: Bool = false, workspace: Workspace) {
        if case .integer(let c) = kernel {
            c.apply(x, snake: snake, into: y, accumulate: accumulate, workspace: workspace)
            return
        }
        let mark = workspace.mark()
        defer { workspace.release(to: mark) }
        let mapped = workspace.tensor(x.shape)
        snake.apply(x, into: mapped)
        guard accumulate else {
            apply(mapped, into: y, workspace: workspace)
            return
        }
        let out = workspace.tensor(y.shape)
        apply(mapped, into: out, workspace: workspace)
        Elementwise.add(y, out, into: y)
    }

    func apply(_ x: Tensor, into y: Tensor, workspace: Workspace) {
        switch kernel {
        case .tiles(let c): c.apply(x, into: y, workspace: workspace)
        case .integer(let c): c.apply(x, into: y, workspace: workspace)
        case .float(let c): c.apply(x, into: y, workspace: workspace)
        }
    }
}
