import SottoCore
import SottoKernels

/// Mimi's causal convolution (`MimiConv1d` with `use_causal_conv`): (k−1)·d + 1 − stride samples
/// of padding on the left, and on the right just enough that the last partial stride still
/// gives a frame, so T samples give ceil(T / stride) outputs. The right padding the reference
/// computes per input is at most stride − 1 samples; padding stride − 1 always gives the same
/// outputs, because the last window never reaches past the samples the reference adds, and
/// those are zeros (or the last sample repeated) either way.
struct MimiConvolution {
    let convolution: Conv1d

    init(weight: Tensor, bias: Tensor?, stride: Int = 1, dilation: Int = 1, mode: Padding.Mode = .zeros) {
        let span = (weight.shape[2] - 1) * dilation + 1
        convolution = Conv1d(weight: weight, bias: bias, stride: stride,
                             padding: Padding(left: span - stride, right: stride - 1, mode: mode), dilation: dilation)
    }

    /// Loads `prefix.weight` `[output, input, kernel]` and `prefix.bias` when the file has one.
    init(_ archive: SafetensorsArchive, _ prefix: String, input: Int, output: Int, kernel: Int, stride: Int = 1,
         dilation: Int = 1, mode: Padding.Mode = .zeros) throws {
        let weight = try archive.tensor(prefix + "weight", shape: [output, input, kernel])
        let bias = archive.contains(prefix + "bias") ? try archive.tensor(prefix + "bias", shape: [output]) : nil
        self.init(weight: weight, bias: bias, stride: stride, dilation: dilation, mode: mode)
    }

    var outputChannels: Int { convolution.outChannels }

    /// `[in, T]` → `[out, ceil(T / stride)]` from `workspace`.
    func callAsFunction(_ x: Tensor, workspace: Workspace) -> Tensor {
        convolution(x, workspace: workspace)
    }
}
