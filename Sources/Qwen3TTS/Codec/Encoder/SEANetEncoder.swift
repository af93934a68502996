import Foundation
import SottoCore
import SottoKernels

/// The convolution stack of Mimi's encoder (`encoder.encoder.layers.*`): a first convolution,
/// then per downsampling ratio residual units and an ELU + strided convolution doubling the
/// channels, then ELU + a last convolution to the transformer's width. `[1, samples]` →
/// `[hidden, ceil(samples / hop)]`.
final class SEANetEncoder: @unchecked Sendable {
    /// ELU → conv (k, dilation; channels/compress) → ELU → 1×1 conv back, added to the input.
    struct ResidualUnit {
        let narrow: MimiConvolution
        let widen: MimiConvolution

        /// Adds the unit's output to `x` in place; its temporaries go back to `workspace`.
        func add(into x: Tensor, workspace: Workspace) {
            let mark = workspace.mark()
            defer { workspace.release(to: mark) }
            let activated = workspace.tensor(x.shape)
            ExponentialLinearUnit.apply(x, into: activated)
            let hidden = narrow(activated, workspace: workspace)
            ExponentialLinearUnit.apply(hidden, into: hidden)
            widen.apply(hidden, into: x, residual: x, workspace: workspace)
        }
    }

    struct Stage {
        let units: [ResidualUnit]
        let downsample: MimiConvolution
    }

    let input: MimiConvolution
    let stages: [Stage]
    let output: MimiConvolution
    let hop: Int

    init(_ archive: SafetensorsArchive, config: CodecEncoderConfiguration) throws {
        let p = "encoder.encoder.layers."
        input = try MimiConvolution(archive, "\(p)0.conv.", input: 1, output: config.filters, kernel: config.kernelSize)
        var index = 1
        var channels = config.filters
        var stages: [Stage] = []
        for ratio in config.downsamplingRatios {
            var units: [ResidualUnit] = []
            for j in 0 ..< config.residualLayers {
                let dilation = Int(pow(Double(config.dilationGrowth), Double(j)))
                let hidden = channels / config.compress
                units.append(ResidualUnit(
                    narrow: try MimiConvolution(archive, "\(p)\(index).block.1.conv.", input: channels, output: hidden,
                                                kernel: config.residualKernelSize, dilation: dilation),
                    widen: try MimiConvolution(archive, "\(p)\(index).block.3.conv.", input: hidden, output: channels, kernel: 1)))
                index += 1
            }
            index += 1  // the ELU
            stages.append(Stage(units: units,
                                downsample: try MimiConvolution(archive, "\(p)\(index).conv.", input: channels, output: 2 * channels,
                                                                kernel: 2 * ratio, stride: ratio)))
            index += 1
            channels *= 2
        }
        self.stages = stages
        output = try MimiConvolution(archive, "\(p)\(index + 1).conv.", input: channels, output: config.hiddenSize,
                                     kernel: config.lastKernelSize)
        hop = config.downsamplingRatios.reduce(1, *)
    }

    /// `samples` `[1, T]` → `[hidden, ceil(T / hop)]`. Each stage's output is its own
    /// allocation, freed once the next stage has read it, so a long reference holds about two
    /// stages' signals at a time rather than all of them; `workspace` serves the temporaries.
    func callAsFunction(_ samples: Tensor, workspace: Workspace) -> Tensor {
        var x = Self.run(input, samples, workspace: workspace)
        for stage in stages {
            for unit in stage.units { unit.add(into: x, workspace: workspace) }
            ExponentialLinearUnit.apply(x, into: x)
            x = Self.run(stage.downsample, x, workspace: workspace)
        }
        ExponentialLinearUnit.apply(x, into: x)
        return Self.run(output, x, workspace: workspace)
    }

    private static func run(_ layer: MimiConvolution, _ x: Tensor, workspace: Workspace) -> Tensor {
        let y = Tensor(zeros: [layer.outputChannels, layer.outputLength(inputLength: x.shape[1])])
        layer.apply(x, into: y, workspace: workspace)
        return y
    }
}
