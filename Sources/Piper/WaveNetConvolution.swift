import SottoKernels

/// One convolution of the flow's WaveNet, computed the faster way for the active kernel tier:
/// OpenBLAS's sgemm at the avx2 tier; the direct kernel at the generic tier, where OpenBLAS runs
/// its SSE kernels and the direct kernel's portable path is several times faster, and at the
/// AVX-512 tiers, where its 8 × 48 tile of 512-bit registers measured 2–3 % faster than sgemm on
/// one core (the same at two) for these frame-rate signals.
enum WaveNetConvolution {
    case gemm(Conv1d)
    case direct(DirectConv1d)

    init(weights: PiperWeights, module: String, tier: KernelTier = .active) throws {
        self = tier == .generic || tier >= .avx512 ? .direct(try weights.directConv(module)) : .gemm(try weights.conv(module))
    }

    var inChannels: Int {
        switch self {
        case .gemm(let conv): conv.inChannels
        case .direct(let conv): conv.inChannels
        }
    }

    var outChannels: Int {
        switch self {
        case .gemm(let conv): conv.outChannels
        case .direct(let conv): conv.outChannels
        }
    }

    /// Stride, padding, dilation and kernel size, as the flow's reach needs them.
    var geometry: (stride: Int, padding: Padding, dilation: Int, kernelSize: Int) {
        switch self {
        case .gemm(let conv): (conv.stride, conv.padding, conv.dilation, conv.kernelSize)
        case .direct(let conv): (1, conv.padding, conv.dilation, conv.kernelSize)
        }
    }

    func apply(_ x: Tensor, into y: Tensor, workspace: Workspace) {
        switch self {
        case .gemm(let conv): conv.apply(x, into: y, workspace: workspace)
        case .direct(let conv): conv.apply(x, into: y, workspace: workspace)
        }
    }
}
