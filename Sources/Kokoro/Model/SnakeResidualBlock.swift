import SottoKernels

/// The generator's AdaINResBlock1: three rounds of AdaIN → Snake → dilated conv → AdaIN →
/// Snake → conv, each added back onto the input. Works in place on `[C, T]`.
struct SnakeResidualBlock: Sendable {
    struct Round: Sendable {
        let norm1: AdaptiveInstanceNorm, norm2: AdaptiveInstanceNorm
        let alpha1: Tensor, alpha2: Tensor
        let conv1: Convolution, conv2: Convolution
    }
    let rounds: [Round]

    init(_ weights: KokoroWeights, _ module: String) throws {
        rounds = try (0..<3).map { i in
            let c1 = try weights.conv("\(module).convs1.\(i)")
            return Round(norm1: try AdaptiveInstanceNorm(weights, "\(module).adain1.\(i)"),
                         norm2: try AdaptiveInstanceNorm(weights, "\(module).adain2.\(i)"),
                         alpha1: try weights.parameter("\(module).alpha1.\(i)", shape: [c1.inChannels]),
                         alpha2: try weights.parameter("\(module).alpha2.\(i)", shape: [c1.outChannels]),
                         conv1: c1, conv2: try weights.conv("\(module).convs2.\(i)"))
        }
    }

    /// x ← block(x); `x` must have dense rows. Each round holds one working tensor: the first
    /// convolution reads AdaIN+Snake of `x` as it quantises it, the second reads that of the
    /// working tensor and adds its output straight onto `x`.
    func apply(_ x: Tensor, style: Tensor, workspace: Workspace) {
        let mark = workspace.mark()
        defer { workspace.release(to: mark) }
        let h = workspace.tensor(x.shape)
        for round in rounds {
            let (gamma1, beta1) = round.norm1.coefficients(style, workspace: workspace)
            let snake1 = NormalizedSnake.map(x, gamma: gamma1, beta: beta1, alpha: round.alpha1, eps: round.norm1.eps)
            round.conv1.apply(x, snake: snake1, into: h, workspace: workspace)
            let (gamma2, beta2) = round.norm2.coefficients(style, workspace: workspace)
            let snake2 = NormalizedSnake.map(h, gamma: gamma2, beta: beta2, alpha: round.alpha2, eps: round.norm2.eps)
            round.conv2.apply(h, snake: snake2, into: x, accumulate: true, workspace: workspace)
        }
    }
}
