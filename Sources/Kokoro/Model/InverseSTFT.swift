import SottoKernels
import SottoONNX

/// The export's inverse STFT, reproduced as it computes: `spec·cos(phase)` ‖ `spec·sin(phase)`
/// through a transposed convolution with the stored basis (n_fft 20, hop 5), the first n_fft
/// samples divided by the stored window sum, a gain of n_fft/hop, and n_fft/2 samples trimmed
/// from each end.
///
/// The export constant-folded torch's overlap-add normalisation for a single frame, so apart
/// from those first samples the result is 1.5× a textbook `torch.istft` (Σ hann² over the
/// overlapping frames is 1.5, which the graph never divides by). Sotto keeps that gain: users of
/// the same file through onnxruntime hear the same loudness, and peaks stay well inside [-1, 1].
struct InverseSTFT: Sendable {
    let synthesis: ConvTranspose1d
    let windowSum: [Float]
    let gain: Float
    let trim: Int

    init(_ weights: KokoroWeights) throws {
        let module = "decoder.decoder.generator.istft.stft"
        synthesis = try weights.convTranspose(module)
        windowSum = try weights.parameter("decoder.decoder.generator.stft.istft.stft.window_sum").toArray()
        let fftSize = synthesis.kernelSize
        gain = Float(fftSize) / Float(synthesis.stride)
        trim = fftSize / 2
    }

    var bins: Int { synthesis.inChannels / 2 }

    /// `logMagnitude` and `phaseInput` `[bins, N]` (the conv_post halves before exp and sin) →
    /// `[(N − 1)·hop]` samples.
    func callAsFunction(logMagnitude: Tensor, phaseInput: Tensor, workspace: Workspace) -> Tensor {
        let n = logMagnitude.shape[1]
        let spectrum = workspace.tensor([2 * bins, n])
        let count = bins * n
        workspace.withScratch(3 * count) { scratch in
            let magnitude = scratch, phase = scratch + count, trig = scratch + 2 * count
            let lm = logMagnitude.contiguous(in: workspace), pi = phaseInput.contiguous(in: workspace)
            withExtendedLifetime((lm, pi, spectrum)) {
                FastMath.exp(lm.pointer, into: magnitude, count: count)
                FastMath.sin(pi.pointer, into: phase, count: count)
                FastMath.cos(phase, into: trig, count: count)
                for i in 0..<count { spectrum.pointer[i] = magnitude[i] * trig[i] }
                FastMath.sin(phase, into: trig, count: count)
                for i in 0..<count { spectrum.pointer[count + i] = magnitude[i] * trig[i] }
            }
        }
        let full = synthesis(spectrum, workspace: workspace).reshaped([-1])
        withExtendedLifetime(full) {
            let p = full.pointer
            for i in 0..<min(windowSum.count, full.count) where windowSum[i] > Float.leastNormalMagnitude {
                p[i] /= windowSum[i]
            }
            for i in 0..<full.count { p[i] *= gain }
        }
        return full.sliced(axis: 0, trim..<(full.count - trim))
    }
}
