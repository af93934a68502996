import Foundation
import SottoCore
import SottoKernels

// The codec decoder's building blocks on `[channels, time]` signals. Every one that looks back in
// time keeps its state between calls, so an utterance decoded a few frames at a time gives the
// samples of one pass over all of it.

extension SafetensorsArchive {
    /// A causal convolution `prefix.weight` `[out, in/groups, kernel]` (+ optional bias), on
    /// bf16 tiles when `allowTiles` and the CPU has them.
    func causalConvolution(_ prefix: String, input: Int, output: Int, kernel: Int, dilation: Int = 1,
                           groups: Int = 1, allowTiles: Bool = false) throws -> StreamingConv1d {
        let weight = try tensor(prefix + "weight", shape: [output, input / groups, kernel])
        let bias = contains(prefix + "bias") ? try tensor(prefix + "bias", shape: [output]) : nil
        return StreamingConv1d(weight: weight, bias: bias, dilation: dilation, groups: groups, allowTiles: allowTiles)
    }

    /// A transposed convolution `prefix.weight` `[in, out, kernel]` trimmed on the right by
    /// kernel − stride (qwen-tts 0.1.1), so n frames give n·stride.
    func causalTransposedConvolution(_ prefix: String, input: Int, output: Int, kernel: Int,
                                     stride: Int, allowTiles: Bool = false) throws -> StreamingConvTranspose1d {
        StreamingConvTranspose1d(weight: try tensor(prefix + "weight", shape: [input, output, kernel]),
                                 bias: try tensor(prefix + "bias", shape: [output]), stride: stride, allowTiles: allowTiles)
    }

    /// A Linear layer `[out, in]` used as a 1×1 convolution over `[in, T]`.
    func pointwise(_ prefix: String, input: Int, output: Int) throws -> Conv1d {
        Conv1d(weight: try tensor(prefix + "weight", shape: [output, input]).reshaped([output, input, 1]),
               bias: try tensor(prefix + "bias", shape: [output]))
    }
}

/// SnakeBeta with its parameters stored in log space: `x + 1/(e^β + 1e-9) · sin²(x · e^α)`.
struct SnakeBeta {
    let alpha: Tensor
    let beta: Tensor

    init(_ archive: SafetensorsArchive, prefix: String, channels: Int) throws {
        alpha = try archive.tensor(prefix + "alpha", shape: [channels])
        beta = try archive.tensor(prefix + "beta", shape: [channels])
        for i in 0 ..< channels {
            alpha.pointer[i] = Foundation.exp(alpha.pointer[i])
            beta.pointer[i] = Foundation.exp(beta.pointer[i])
        }
    }

    func apply(_ x: Tensor, into y: Tensor) { Snake.applyBeta(x, alpha: alpha, beta: beta, into: y) }
}

/// ConvNeXt block of the upsampling stages: causal depthwise conv, LayerNorm over channels,
/// pointwise expand, exact GELU, pointwise contract, per-channel scale, residual.
struct ConvNeXtBlock {
    let depthwise: StreamingConv1d
    let normWeight: Tensor
    let normBias: Tensor
    let expand: Conv1d
    let contract: Conv1d
    let gamma: Tensor

    init(_ archive: SafetensorsArchive, prefix p: String, channels: Int) throws {
        depthwise = try archive.causalConvolution(p + "dwconv.conv.", input: channels, output: channels, kernel: 7,
                                                  groups: channels)
        normWeight = try archive.tensor(p + "norm.weight", shape: [channels])
        normBias = try archive.tensor(p + "norm.bias", shape: [channels])
        expand = try archive.pointwise(p + "pwconv1.", input: channels, output: 4 * channels)
        contract = try archive.pointwise(p + "pwconv2.", input: 4 * channels, output: channels)
        gamma = try archive.tensor(p + "gamma", shape: [channels])
    }

    func callAsFunction(_ x: Tensor, workspace: Workspace) -> Tensor {
        let y = workspace.tensor(x.shape)
        let mark = workspace.mark()
        defer { workspace.release(to: mark) }
        let mixed = depthwise(x, workspace: workspace)
        Norms.layerNorm(channelsOf: mixed, weight: normWeight, bias: normBias, eps: 1e-6, into: mixed, workspace: workspace)
        let wide = expand(mixed, workspace: workspace)
        Activation.gelu.apply(inPlace: wide)
        contract.apply(wide, into: y, workspace: workspace)
        Elementwise.broadcastAffine(y, scale: gamma, shift: nil, perRow: true, into: y)
        Elementwise.add(y, x, into: y)
        return y
    }

    func reset() { depthwise.reset() }
}

/// SnakeBeta → dilated causal conv (k 7) → SnakeBeta → 1×1 conv, plus the input.
struct ResidualUnit {
    let firstActivation: SnakeBeta
    let dilated: StreamingConv1d
    let secondActivation: SnakeBeta
    let pointwise: StreamingConv1d

    init(_ archive: SafetensorsArchive, prefix r: String, channels: Int, dilation: Int, allowTiles: Bool) throws {
        firstActivation = try SnakeBeta(archive, prefix: r + "act1.", channels: channels)
        dilated = try archive.causalConvolution(r + "conv1.conv.", input: channels, output: channels, kernel: 7,
                                                dilation: dilation, allowTiles: allowTiles)
        secondActivation = try SnakeBeta(archive, prefix: r + "act2.", channels: channels)
        pointwise = try archive.causalConvolution(r + "conv2.conv.", input: channels, output: channels, kernel: 1,
                                                  allowTiles: allowTiles)
    }

    func callAsFunction(_ x: Tensor, workspace: Workspace) -> Tensor {
        let y = workspace.tensor(x.shape)
        let mark = workspace.mark()
        defer { workspace.release(to: mark) }
        let activated = workspace.tensor(x.shape)
        firstActivation.apply(x, into: activated)
        let mixed = dilated(activated, workspace: workspace)
        secondActivation.apply(mixed, into: mixed)
        pointwise.apply(mixed, into: y, workspace: workspace)
        Elementwise.add(y, x, into: y)
        return y
    }

    func reset() {
        dilated.reset()
        pointwise.reset()
    }
}

/// SnakeBeta → transposed conv upsampling by `rate` → residual units with dilations 1, 3, 9.
struct DecoderBlock {
    let activation: SnakeBeta
    let upsample: StreamingConvTranspose1d
    let units: [ResidualUnit]

    init(_ archive: SafetensorsArchive, prefix p: String, input: Int, output: Int, rate: Int, allowTiles: Bool) throws {
        activation = try SnakeBeta(archive, prefix: p + "0.", channels: input)
        upsample = try archive.causalTransposedConvolution(p + "1.conv.", input: input, output: output, kernel: 2 * rate,
                                                           stride: rate, allowTiles: allowTiles)
        units = try [1, 3, 9].enumerated().map { u, dilation in
            try ResidualUnit(archive, prefix: "\(p)\(u + 2).", channels: output, dilation: dilation, allowTiles: allowTiles)
        }
    }

    /// Consumes `x` (the activation is applied in place).
    func callAsFunction(_ x: Tensor, workspace: Workspace) -> Tensor {
        activation.apply(x, into: x)
        var y = upsample(x, workspace: workspace)
        for unit in units { y = unit(y, workspace: workspace) }
        return y
    }

    func reset() {
        upsample.reset()
        for unit in units { unit.reset() }
    }
}
