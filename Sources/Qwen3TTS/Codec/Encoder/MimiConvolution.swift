import SottoCore
import SottoKernels

/// Mimi's causal convolution (`MimiConv1d` with `use_causal_conv`): (k−1)·d + 1 − stride samples
/// of padding on the left, and on the right just enough that the last partial stride still
/// gives a frame, so T samples give ceil(T / stride) outputs. The right padding the reference
/// computes per input is at most stride − 1 samples; padding stride − 1 always gives the same
/// outputs, because the last window never reaches past the samples the reference adds, and
/// those are zeros (or the last sample repeated) either way.
///
/// The SEANet stack's signals are long and narrow. Its stride-1 convolutions run on the
/// register-tiled direct kernel (``DirectConv1d``) rather than one sgemm per tap, whose inner
/// dimension would be only the input channels (1 for the first layer). A strided downsampling
/// convolution (kernel 2·stride) becomes a stride-1 convolution of kernel 2 over the signal cut
/// into blocks of `stride` samples, each block's samples stacked as channels: two sgemms whose
/// inner dimension is channels × stride, where the plain layout gives 2·stride sgemms over the
/// channels alone.
struct MimiConvolution {
    private enum Kernel {
        /// Stride 1, zero padding.
        case direct(DirectConv1d)
        /// Kernel 2·stride, zero padding: kernel 2 over `[in·stride, blocks]`.
        case blocked(Conv1d, stride: Int)
        /// Anything else (the edge-replicating downsampling after the transformer).
        case general(Conv1d)
    }

    private let kernel: Kernel
    let inputChannels: Int
    let outputChannels: Int
    let stride: Int

    init(weight: Tensor, bias: Tensor?, stride: Int = 1, dilation: Int = 1, mode: Padding.Mode = .zeros) {
        let out = weight.shape[0], input = weight.shape[1], k = weight.shape[2]
        let span = (k - 1) * dilation + 1
        inputChannels = input
        outputChannels = out
        self.stride = stride
        if mode == .zeros, stride == 1 {
            kernel = .direct(DirectConv1d(weight: weight, bias: bias, padding: Padding(left: span - 1, right: 0), dilation: dilation))
        } else if mode == .zeros, dilation == 1, k == 2 * stride {
            kernel = .blocked(Conv1d(weight: Self.blockedWeight(weight, stride: stride), bias: bias), stride: stride)
        } else {
            kernel = .general(Conv1d(weight: weight, bias: bias, stride: stride,
                                     padding: Padding(left: span - stride, right: stride - 1, mode: mode), dilation: dilation))
        }
    }

    /// Loads `prefix.weight` `[output, input, kernel]` and `prefix.bias` when the file has one.
    init(_ archive: SafetensorsArchive, _ prefix: String, input: Int, output: Int, kernel: Int, stride: Int = 1,
         dilation: Int = 1, mode: Padding.Mode = .zeros) throws {
        let weight = try archive.tensor(prefix + "weight", shape: [output, input, kernel])
        let bias = archive.contains(prefix + "bias") ? try archive.tensor(prefix + "bias", shape: [output]) : nil
        self.init(weight: weight, bias: bias, stride: stride, dilation: dilation, mode: mode)
    }

    /// `[out, in, 2·stride]` → `[out, in·stride, 2]`: tap m·stride + p of channel c becomes tap m
    /// of block channel c·stride + p.
    private static func blockedWeight(_ weight: Tensor, stride: Int) -> Tensor {
        let w = weight.contiguous()
        let out = w.shape[0], input = w.shape[1], k = w.shape[2]
        let blocked = Tensor(zeros: [out, input * stride, 2])
        for o in 0 ..< out {
            for c in 0 ..< input {
                for j in 0 ..< k {
                    blocked.pointer[(o * input * stride + c * stride + j % stride) * 2 + j / stride] = w.pointer[(o * input + c) * k + j]
                }
            }
        }
        return blocked
    }

    /// Outputs for `length` input samples: ceil(length / stride).
    func outputLength(inputLength length: Int) -> Int { (length + stride - 1) / stride }

    /// `[in, T]` → `[out, ceil(T / stride)]` from `workspace`.
    func callAsFunction(_ x: Tensor, workspace: Workspace) -> Tensor {
        let y = workspace.tensor([outputChannels, outputLength(inputLength: x.shape[1])])
        apply(x, into: y, workspace: workspace)
        return y
    }

    /// Writes the convolution of `x` `[in, T]` (plus `residual`, `[out, T']`, which may be `y`)
    /// into `y` `[out, ceil(T / stride)]` with dense rows.
    func apply(_ x: Tensor, into y: Tensor, residual: Tensor? = nil, workspace: Workspace) {
        switch kernel {
        case .direct(let convolution):
            convolution.apply(x, into: y, residual: residual, workspace: workspace)
        case .blocked(let convolution, let stride):
            let mark = workspace.mark()
            defer { workspace.release(to: mark) }
            precondition(residual == nil, "the downsampling convolutions take no residual")
            let blocks = Self.blocks(x, stride: stride, count: y.shape[1] + 1, workspace: workspace)
            convolution.apply(blocks, into: y, workspace: workspace)
        case .general(let convolution):
            precondition(residual == nil, "a residual needs a zero-padded convolution")
            convolution.apply(x, into: y, workspace: workspace)
        }
    }

    /// `[in·stride, count]`: row c·stride + p holds x[c, b·stride + p − stride] for block b
    /// (the causal left padding is the first block), zeros outside the signal.
    private static func blocks(_ x: Tensor, stride: Int, count: Int, workspace: Workspace) -> Tensor {
        let channels = x.shape[0], length = x.shape[1]
        let blocks = workspace.tensor([channels * stride, count])
        let input = x.hasDenseRows ? x : x.contiguous()
        withExtendedLifetime((input, blocks)) {
            let src = input.pointer, ldx = input.rowStride, dst = blocks.pointer
            parallelFor(channels, minimumPerThread: max(1, 32768 / max(length, 1))) { range in
                for c in range {
                    let row = src + c * ldx
                    for p in 0 ..< stride {
                        let out = dst + (c * stride + p) * count
                        out[0] = 0
                        // Block b ≥ 1 reads sample (b − 1)·stride + p.
                        let available = p < length ? min(count - 1, (length - p + stride - 1) / stride) : 0
                        for b in 0 ..< available { out[b + 1] = row[b &* stride &+ p] }
                        if available + 1 < count { (out + available + 1).update(repeating: 0, count: count - available - 1) }
                    }
                }
            }
        }
        return blocks
    }
}
