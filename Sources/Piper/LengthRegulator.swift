import Foundation
import SottoKernels

/// Turns log widths into whole frames and spreads the prior over them: id i lasts
/// ceil(exp(log w_i)·length_scale) frames, and every frame of id i gets its mean and log scale,
/// from which the prior latent is drawn: z_p = m + ε·exp(log s)·noise_scale.
enum LengthRegulator {
    /// The widths before rounding and the frame counts. The product is formed in the reference's
    /// order (exp, then the scale) so that the ceiling sees the same float.
    static func durations(logWidths: [Float], lengthScale: Float) -> (widths: [Float], frames: [Int]) {
        let widths = logWidths.map { Foundation.exp($0) * lengthScale }
        return (widths, widths.map { $0.isFinite ? max(0, Int($0.rounded(.up))) : 0 })
    }

    /// z_p `[C, Σ frames]` from the encoder statistics `[2C, T]` (means, then log scales).
    /// `noise` holds C·F draws (row-major) or is nil when noise_scale is 0.
    static func priorLatent(statistics: Tensor, frames: [Int], noise: UnsafePointer<Float>?, noiseScale: Float,
                            workspace: Workspace) -> Tensor {
        let channels = statistics.shape[0] / 2, length = statistics.shape[1]
        let total = frames.reduce(0, +)
        let latent = workspace.tensor([channels, total])
        withExtendedLifetime((statistics, latent)) {
            let stats = statistics.pointer, out = latent.pointer
            for c in 0 ..< channels {
                var f = 0
                for (i, count) in frames.enumerated() where count > 0 {
                    let mean = stats[c * length + i]
                    let row = out + c * total + f
                    if let noise {
                        let spread = Foundation.exp(stats[(channels + c) * length + i])
                        let draws = noise + c * total + f
                        for k in 0 ..< count { row[k] = mean + draws[k] * spread * noiseScale }
                    } else {
                        row.update(repeating: mean, count: count)
                    }
                    f += count
                }
            }
        }
        return latent
    }
}
