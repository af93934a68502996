import Foundation
import SottoKernels

/// The hn-NSF harmonic source as the ONNX export computes it: no random initial phase and no
/// additive noise (the exporter dropped both), so unvoiced stretches give the constant
/// tanh(bias). F0 `[2F]` (Hz, at twice the frame rate) → excitation `[600F]` at 24 kHz.
///
/// Phase is integrated per F0 frame: each harmonic's normalised frequency (mod 1) is taken
/// once per frame, summed over frames, scaled by 2π·300 and linearly interpolated ×300
/// (half-pixel centres, edges clamped), exactly the graph's Resize/CumSum/Resize chain.
struct HarmonicSource: Sendable {
    let merge: Linear
    let harmonics = 9
    let sampleRate: Float = 24_000
    let upsampling = 300
    let sineAmplitude: Float = 0.1
    let voicedThreshold: Float = 10

    init(_ weights: KokoroWeights) throws {
        merge = try weights.linear("decoder.decoder.generator.m_source.l_linear").floatLinear()
    }

    func callAsFunction(_ f0: Tensor, workspace: Workspace) -> Tensor {
        let frames = f0.count, samples = frames * upsampling
        let f0p = f0.contiguous(in: workspace)
        // Cumulative phase per frame and harmonic, [frames, harmonics].
        let phase = workspace.tensor([frames, harmonics])
        var running = [Float](repeating: 0, count: harmonics)
        let scale = 2 * Float.pi
        for i in 0..<frames {
            for h in 0..<harmonics {
                let normalised = f0p.pointer[i] * Float(h + 1) / sampleRate
                running[h] += normalised - normalised.rounded(.down)
                phase.pointer[i * harmonics + h] = running[h] * scale * Float(upsampling)
            }
        }
        let weights = merge.weight.pointer, bias = merge.bias?.pointer[0] ?? 0
        let output = workspace.tensor([samples])
        let step = 1 / Float(upsampling)
        workspace.withScratch(harmonics * 2) { buffers in
            let angles = buffers, sines = buffers + harmonics
            withExtendedLifetime((phase, output, merge)) {
                for j in 0..<samples {
                    let voiced = f0p.pointer[j / upsampling] > voicedThreshold
                    if !voiced {
                        output.pointer[j] = tanhf(bias)
                        continue
                    }
                    let source = max(0, (Float(j) + 0.5) * step - 0.5)
                    let lower = min(Int(source), frames - 1)
                    let upper = min(lower + 1, frames - 1)
                    let w = source - Float(lower)
                    for h in 0..<harmonics {
                        let a = phase.pointer[lower * harmonics + h], b = phase.pointer[upper * harmonics + h]
                        angles[h] = a + (b - a) * w
                    }
                    FastMath.sin(angles, into: sines, count: harmonics)
                    var sum = bias
                    for h in 0..<harmonics { sum += sines[h] * sineAmplitude * weights[h] }
                    output.pointer[j] = tanhf(sum)
                }
            }
        }
        return output
    }
}
