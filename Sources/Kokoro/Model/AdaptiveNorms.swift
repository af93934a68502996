import SottoKernels

/// AdaIN1d: instance norm over time (no affine), then `(1 + γ)·x + β` where γ‖β = fc(style).
struct AdaptiveInstanceNorm: Sendable {
    let projection: HeldLinear
    let eps: Float = 1e-5

    init(_ weights: KokoroWeights, _ module: String) throws {
        projection = try weights.linear("\(module).fc")
    }

    var channels: Int { projection.outFeatures / 2 }

    /// γ and β `[C]` for `style`, from `workspace`.
    func coefficients(_ style: Tensor, workspace: Workspace) -> (gamma: Tensor, beta: Tensor) {
        let h = projection(style, workspace: workspace)
        return (h.sliced(axis: 0, 0..<channels), h.sliced(axis: 0, channels..<(2 * channels)))
    }

    func apply(_ x: Tensor, style: Tensor, into y: Tensor, workspace: Workspace) {
        let (gamma, beta) = coefficients(style, workspace: workspace)
        Norms.adaptiveInstanceNorm(x, gamma: gamma, beta: beta, eps: eps, into: y)
    }
}

/// AdaLayerNorm of the duration encoder: LayerNorm over features of each time step `[T, C]`,
/// then `(1 + γ)·x + β` with γ‖β = fc(style).
struct AdaptiveLayerNorm: Sendable {
    let projection: HeldLinear
    let eps: Float

    init(_ weights: KokoroWeights, _ module: String) throws {
        projection = try weights.linear("\(module).fc")
        eps = (try? weights.layerNorm(module).eps) ?? 1e-5
    }

    func apply(_ x: Tensor, style: Tensor, into y: Tensor, workspace: Workspace) {
        let c = x.shape[1]
        let h = projection(style, workspace: workspace)
        Norms.layerNorm(rowsOf: x, eps: eps, into: y)
        withExtendedLifetime(h) {
            let gamma = h.pointer, beta = h.pointer + c
            for r in 0..<y.shape[0] {
                let row = y.pointer + r * y.rowStride
                for i in 0..<c { row[i] = (1 + gamma[i]) * row[i] + beta[i] }
            }
        }
    }
}

/// StyleTTS2's AdainResBlk1d over `[C, T]`: residual AdaIN → LeakyReLU 0.2 → (depthwise
/// transposed-conv ×2 upsampling) → conv k3 → AdaIN → LeakyReLU → conv k3, plus a shortcut
/// (nearest ×2 upsampling, 1×1 conv when the width changes), the sum scaled by 1/√2.
struct AdaptiveResidualBlock: Sendable {
    let norm1: AdaptiveInstanceNorm, norm2: AdaptiveInstanceNorm
    let conv1: Convolution, conv2: Convolution
    let shortcut: Convolution?
    let pool: ConvTranspose1d?

    init(_ weights: KokoroWeights, _ module: String, upsample: Bool) throws {
        norm1 = try AdaptiveInstanceNorm(weights, "\(module).norm1")
        norm2 = try AdaptiveInstanceNorm(weights, "\(module).norm2")
        conv1 = try weights.conv("\(module).conv1")
        conv2 = try weights.conv("\(module).conv2")
        shortcut = conv1.inChannels == conv2.outChannels ? nil : try weights.conv("\(module).conv1x1")
        pool = upsample ? try weights.convTranspose("\(module).pool") : nil
    }

    var outChannels: Int { conv2.outChannels }

    func callAsFunction(_ x: Tensor, style: Tensor, workspace: Workspace) -> Tensor {
        let leaky = Activation.leakyReLU(slope: 0.2)
        var h = workspace.tensor(x.shape)
        norm1.apply(x, style: style, into: h, workspace: workspace)
        leaky.apply(inPlace: h)
        if let pool { h = pool(h, workspace: workspace) }
        let h1 = conv1(h, workspace: workspace)
        norm2.apply(h1, style: style, into: h1, workspace: workspace)
        leaky.apply(inPlace: h1)
        let out = conv2(h1, workspace: workspace)

        var skip = x
        if pool != nil { skip = Self.repeatEachColumnTwice(x, workspace: workspace) }
        if let shortcut { skip = shortcut(skip, workspace: workspace) }
        let scale = 1 / Float(2).squareRoot()
        withExtendedLifetime(skip) {
            let n = out.shape[1]
            for c in 0..<out.shape[0] {
                let o = out.pointer + c * out.rowStride, s = skip.pointer + c * skip.rowStride
                for i in 0..<n { o[i] = (o[i] + s[i]) * scale }
            }
        }
        return out
    }

    /// Nearest-neighbour ×2 along time.
    static func repeatEachColumnTwice(_ x: Tensor, workspace: Workspace) -> Tensor {
        let c = x.shape[0], t = x.shape[1]
        let y = workspace.tensor([c, 2 * t])
        for row in 0..<c {
            let src = x.pointer + row * x.rowStride, dst = y.pointer + row * 2 * t
            for i in 0..<t {
                dst[2 * i] = src[i]
                dst[2 * i + 1] = src[i]
            }
        }
        return y
    }
}
